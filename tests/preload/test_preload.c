/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The preload library as QEMU 7.2 uses it, run with LD_PRELOAD against
 * vfio-user test servers (pl_testsrv.h): the realize sequence with both
 * guest RAM kinds (zero-copy memfd and anonymous private RAM), kernel
 * argument semantics of container, group and device ioctls, errno mapping
 * of region writes, a missing and a dying daemon, mmap tracking, fork,
 * pass-through of everything that is not ours, and debug logging.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/byteorder.h"
#include "pl_rig.h"
#include "pl_testsrv.h"

#define GROUP_A 7           /* served by server A for the whole run */
#define GROUP_NOSRV 8       /* listed, but no server */
#define GROUP_C 9           /* its server dies in a test */
#define UUID_A "6a1d7e0b-1c4e-4a8e-9d5e-0000000000a1"
#define UUID_NOSRV "6a1d7e0b-1c4e-4a8e-9d5e-0000000000b2"
#define UUID_C "6a1d7e0b-1c4e-4a8e-9d5e-0000000000c3"

static pid_t server_a;

static int setup(void **state)
{
	(void)state;
	rig_env_setup();
	rig_add_group(GROUP_A, UUID_A);
	rig_add_group(GROUP_NOSRV, UUID_NOSRV);
	rig_add_group(GROUP_C, UUID_C);
	server_a = rig_start_server(UUID_A);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rig_stop_server(server_a);
	rig_env_teardown();
	return 0;
}

/* ---- the QEMU sequence ------------------------------------------------ */

/* How the server reached guest memory during one echo. */
enum dma_path {
	PATH_ANY,       /* not checked */
	PATH_FD,        /* the memfd it mapped: no message, no process_vm */
	PATH_PVM,       /* process_vm_readv/writev: no DMA message */
	PATH_MSG,       /* DMA_READ / DMA_WRITE messages */
};

static void echo_path(struct rig *r, uint64_t iova, uint32_t len,
		      enum dma_path path)
{
	uint8_t before[PL_TS_IO_SIZE], io[PL_TS_IO_SIZE];
	uint32_t sum = 0, msgs, pvm;

	/* The counters the previous echo left (only echoes do DMA). */
	assert_int_equal(pread(r->dev, before, sizeof(before),
			       (off_t)r->region_off[0]), sizeof(before));
	for (uint32_t i = 0; i < len; i++) {
		r->ram[iova + i] = (uint8_t)(i * 7 + 3);
		sum += (uint8_t)(i * 7 + 3);
	}
	assert_int_equal(rig_command(r, PL_TS_ECHO, 0, iova, len),
			 PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(r, VFIO_CCW_IO_IRQ_INDEX));
	assert_int_equal(pread(r->dev, io, sizeof(io), (off_t)r->region_off[0]),
			 sizeof(io));
	assert_int_equal((int32_t)ld_he32(io + PL_TS_RESULT), 0);
	assert_int_equal(ld_he32(io + PL_TS_SUM), sum);
	assert_int_equal(ld_he32(io + PL_TS_DIRECT), path == PATH_FD);
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(r->ram[iova + len + i],
				 (uint8_t)~(uint8_t)(i * 7 + 3));
	msgs = ld_he32(io + PL_TS_MSGS) - ld_he32(before + PL_TS_MSGS);
	pvm = ld_he32(io + PL_TS_PVM) - ld_he32(before + PL_TS_PVM);
	switch (path) {
	case PATH_ANY:
		break;
	case PATH_FD:
		assert_int_equal(msgs, 0);
		assert_int_equal(pvm, 0);
		break;
	case PATH_PVM:
		/* One read and one write, neither crossed the socket. */
		assert_int_equal(ld_he32(io + PL_TS_PVM_ON), 1);
		assert_int_equal(msgs, 0);
		assert_int_equal(pvm, 2);
		assert_int_equal(ld_he32(io + PL_TS_FALLBACKS),
				 ld_he32(before + PL_TS_FALLBACKS));
		break;
	case PATH_MSG:
		assert_int_equal(ld_he32(io + PL_TS_PVM_ON), 0);
		assert_int_equal(msgs, 2);
		assert_int_equal(pvm, 0);
		break;
	}
}

static void echo_round_trip(struct rig *r, uint64_t iova, uint32_t len,
			    uint32_t direct)
{
	echo_path(r, iova, len, direct ? PATH_FD : PATH_ANY);
}

static void qemu_sequence(enum rig_ram ram, enum dma_path path)
{
	uint8_t cmd[PL_TS_ASYNC_SIZE] = { 0 }, crw[PL_TS_CRW_SIZE];
	uint32_t clients, maps, maps_fd;
	struct rig r;

	rig_open(&r, GROUP_A, UUID_A, ram);
	/* The mapping made before the device existed reached it. */
	assert_int_equal(rig_stat(&r, PL_TS_MAPPED), 1);
	clients = rig_stat(&r, PL_TS_CLIENTS);
	maps = rig_stat(&r, PL_TS_MAPS);
	maps_fd = rig_stat(&r, PL_TS_MAPS_FD);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rig_stat(&r, PL_TS_IRQ_FDS + 4 * i), 1);
	assert_true(rig_stat(&r, PL_TS_RESETS) >= 1);

	/* SSCH: DMA both ways, then the IO interrupt and the IRB read. */
	echo_path(&r, 0x1000, 256, path);
	echo_path(&r, 0x7f000, 8192, path);

	/* HSCH/CSCH: the async region; CRW: empty queue reads zeros. */
	assert_int_equal(pwrite(r.dev, cmd, sizeof(cmd),
				(off_t)r.region_off[1]), sizeof(cmd));
	assert_int_equal(rig_stat(&r, PL_TS_ASYNC) >= 1, 1);
	memset(crw, 0xee, sizeof(crw));
	assert_int_equal(pread(r.dev, crw, sizeof(crw), (off_t)r.region_off[3]),
			 sizeof(crw));
	assert_int_equal(ld_he64(crw), 0);

	/* CRW and REQ eventfds are wired too. */
	assert_int_equal(rig_command(&r, PL_TS_IRQ, VFIO_CCW_CRW_IRQ_INDEX, 0,
				     0), PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(&r, VFIO_CCW_CRW_IRQ_INDEX));
	assert_int_equal(rig_command(&r, PL_TS_IRQ, VFIO_CCW_REQ_IRQ_INDEX, 0,
				     0), PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(&r, VFIO_CCW_REQ_IRQ_INDEX));

	/* Nothing reconnected or re-mapped behind our back. */
	assert_int_equal(rig_stat(&r, PL_TS_CLIENTS), clients);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS), maps);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS_FD), maps_fd);
	rig_close(&r);
}

static void test_qemu_sequence_memfd(void **state)
{
	(void)state;
	qemu_sequence(RIG_RAM_MEMFD, PATH_FD);
}

/* Plain RAM: the library proposes ccwpass.process_vm and the server (a
 * separate process) copies guest memory without a single DMA message. */
static void test_qemu_sequence_anon(void **state)
{
	(void)state;
	qemu_sequence(RIG_RAM_ANON, PATH_PVM);
}

/* CCWPASS_PRELOAD_PROCESS_VM=0: not proposed, DMA messages as before. */
static void test_qemu_sequence_anon_messages(void **state)
{
	(void)state;
	assert_int_equal(setenv("CCWPASS_PRELOAD_PROCESS_VM", "0", 1), 0);
	qemu_sequence(RIG_RAM_ANON, PATH_MSG);
	unsetenv("CCWPASS_PRELOAD_PROCESS_VM");
}

/* SET_IRQS with fd -1 de-assigns (the server sees no eventfd). */
static void test_irq_clear(void **state)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int32_t fd = -1;
	struct rig r;

	(void)state;
	rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_CCW_CRW_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &fd, sizeof(fd));
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_SET_IRQS, set), 0);
	assert_int_equal(rig_stat(&r, PL_TS_IRQ_FDS + 4), 0);
	assert_int_equal(rig_stat(&r, PL_TS_IRQ_FDS), 1);
	/* A closed descriptor: EBADF, and the connection survives it. */
	fd = 1000;
	memcpy(set->data, &fd, sizeof(fd));
	errno = 0;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_SET_IRQS, set), -1);
	assert_int_equal(errno, EBADF);
	/* fd < -1, a data size beyond argsz, a bad index, two data types. */
	fd = -2;
	memcpy(set->data, &fd, sizeof(fd));
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_SET_IRQS, set), -1);
	assert_int_equal(errno, EINVAL);
	fd = -1;
	memcpy(set->data, &fd, sizeof(fd));
	set->argsz = sizeof(struct vfio_irq_set) + 3;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_SET_IRQS, set), -1);
	assert_int_equal(errno, EINVAL);
	set->argsz = sizeof(buf);
	set->index = 3;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_SET_IRQS, set), -1);
	assert_int_equal(errno, EINVAL);
	set->index = 0;
	set->flags |= VFIO_IRQ_SET_DATA_BOOL;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_SET_IRQS, set), -1);
	assert_int_equal(errno, EINVAL);
	/* DATA_NONE | TRIGGER fires the installed eventfd. */
	set->flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->argsz = sizeof(struct vfio_irq_set);
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_SET_IRQS, set), 0);
	assert_true(rig_wait_irq(&r, 0));
	assert_int_equal(rig_command(&r, PL_TS_ECHO, 0, 0, 16), PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(&r, 0));
	rig_close(&r);
}

/* ---- argsz and capability chains -------------------------------------- */

static void test_region_info_argsz(void **state)
{
	struct {
		struct vfio_region_info info;
		uint8_t caps[64];
	} b;
	const uint8_t *p = (const uint8_t *)&b;
	struct rig r;

	(void)state;
	rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
	memset(&b, 0, sizeof(b));
	b.info.argsz = 16;
	b.info.index = 1;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_REGION_INFO, &b), -1);
	assert_int_equal(errno, EINVAL);

	/* Too small for the chain: CAPS, the size needed, cap_offset 0. */
	memset(&b, 0xa5, sizeof(b));
	b.info.argsz = sizeof(b.info);
	b.info.index = 1;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_REGION_INFO, &b), 0);
	assert_true(b.info.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(b.info.argsz, sizeof(b.info) + 16);
	assert_int_equal(b.info.cap_offset, 0);
	assert_int_equal(b.info.index, 1);
	assert_int_equal(b.info.size, PL_TS_ASYNC_SIZE);
	assert_int_equal(b.info.offset, 1 << 10);
	assert_int_equal(b.caps[0], 0xa5);      /* nothing written past argsz */

	/* Large enough: chain at 32, argsz left as the caller set it. */
	memset(&b, 0, sizeof(b));
	b.info.argsz = sizeof(b);
	b.info.index = 3;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_REGION_INFO, &b), 0);
	assert_int_equal(b.info.argsz, sizeof(b));
	assert_int_equal(b.info.cap_offset, sizeof(b.info));
	assert_int_equal(ld_he16(p + 32), VFIO_REGION_INFO_CAP_TYPE);
	assert_int_equal(ld_he16(p + 34), 1);
	assert_int_equal(ld_he32(p + 36), 0);          /* last cap */
	assert_int_equal(ld_he32(p + 40), VFIO_REGION_TYPE_CCW);
	assert_int_equal(ld_he32(p + 44), VFIO_REGION_SUBTYPE_CCW_CRW);
	assert_false(b.info.flags & VFIO_REGION_INFO_FLAG_WRITE);

	/* Index 0 has no chain; a bad index is EINVAL. */
	memset(&b, 0, sizeof(b));
	b.info.argsz = 40;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_REGION_INFO, &b), 0);
	assert_int_equal(b.info.argsz, 40);
	assert_false(b.info.flags & VFIO_REGION_INFO_FLAG_CAPS);
	b.info.argsz = sizeof(b.info);
	b.info.index = 4;
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_REGION_INFO, &b), -1);
	assert_int_equal(errno, EINVAL);

	/* Device and irq info: minimum sizes, unknown requests. */
	{
		struct vfio_device_info di = { .argsz = 15 };
		struct vfio_irq_info ii = { .argsz = 16, .index = 3 };

		assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_INFO, &di), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_IRQ_INFO, &ii),
				 -1);
		assert_int_equal(errno, EINVAL);
		ii.argsz = 15;
		ii.index = 0;
		assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_IRQ_INFO, &ii),
				 -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(ioctl(r.dev, VFIO_DEVICE_PCI_HOT_RESET, &di),
				 -1);
		assert_int_equal(errno, ENOTTY);
	}
	rig_close(&r);
}

/* ---- errno mapping ---------------------------------------------------- */

static void test_errno_mapping(void **state)
{
	static const int errs[] = {
		EBUSY, ENODEV, EACCES, EFAULT, EINVAL, EIO, EOPNOTSUPP,
	};
	uint8_t buf[PL_TS_IO_SIZE];
	struct rig r;

	(void)state;
	rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		errno = 0;
		assert_int_equal(rig_command(&r, PL_TS_ERRNO, (uint32_t)errs[i],
					     0, 0), -1);
		assert_int_equal(errno, errs[i]);
	}
	/* EAGAIN comes back as such (QEMU retries). */
	assert_int_equal(rig_command(&r, PL_TS_EAGAIN_ONCE, 0, 0, 0), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rig_command(&r, PL_TS_EAGAIN_ONCE, 0, 0, 0),
			 PL_TS_IO_SIZE);

	/* Offsets outside every region, past a region's end, read-only. */
	assert_int_equal(pread(r.dev, buf, 8, 4 << 10), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pread(r.dev, buf, 8, -1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pread(r.dev, buf, 8, (1 << 10) + 8), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pread(r.dev, buf, 16, (off_t)r.region_off[1]), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pwrite(r.dev, buf, 8, (off_t)r.region_off[3]), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pread(r.dev, buf, 0, 0), 0);
	/* Containers and groups are not readable. */
	assert_int_equal(pread(r.ctr, buf, 8, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pwrite(r.grp, buf, 8, 0), -1);
	assert_int_equal(errno, EINVAL);
	/* Fortified pread as QEMU's __pread64_chk calls it. */
	{
		extern ssize_t __pread64_chk(int, void *, size_t, off_t,
					     size_t);

		assert_int_equal(__pread64_chk(r.dev, buf, PL_TS_IO_SIZE,
					       (off_t)r.region_off[0],
					       sizeof(buf)), PL_TS_IO_SIZE);
	}
	rig_close(&r);
}

/* ---- container and group semantics ------------------------------------ */

static void test_container_semantics(void **state)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	struct {
		struct vfio_iommu_type1_info info;
		uint8_t caps[16];
	} ib;
	int ctr, grp;
	uint8_t *mem;

	(void)state;
	ctr = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	assert_true(ctr >= 0);
	/* QEMU asks 3, 1, 7, 2; type1 also answers UNMAP_ALL. */
	assert_int_equal(ioctl(ctr, VFIO_CHECK_EXTENSION, 3), 1);
	assert_int_equal(ioctl(ctr, VFIO_CHECK_EXTENSION, 1), 1);
	assert_int_equal(ioctl(ctr, VFIO_CHECK_EXTENSION, 7), 0);
	assert_int_equal(ioctl(ctr, VFIO_CHECK_EXTENSION, 2), 0);
	assert_int_equal(ioctl(ctr, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL), 1);
	assert_int_equal(ioctl(ctr, VFIO_CHECK_EXTENSION, 10), 0);  /* VADDR */
	/* No group yet: SET_IOMMU and the IOMMU ioctls are EINVAL. */
	assert_int_equal(ioctl(ctr, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -1);
	assert_int_equal(errno, EINVAL);
	ib.info.argsz = sizeof(ib.info);
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_GET_INFO, &ib), -1);
	assert_int_equal(errno, EINVAL);

	grp = open("/dev/vfio/" "7", O_RDWR | O_CLOEXEC);
	assert_true(grp >= 0);
	assert_int_equal(ioctl(grp, VFIO_GROUP_SET_CONTAINER, &ctr), 0);
	assert_int_equal(ioctl(ctr, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(ioctl(ctr, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(ioctl(ctr, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -1);
	assert_int_equal(errno, EBUSY);

	/* IOMMU info: argsz 16 gets the fixed part only, 40 the DMA cap. */
	memset(&ib, 0x5a, sizeof(ib));
	ib.info.argsz = 16;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_GET_INFO, &ib), 0);
	assert_int_equal(ib.info.argsz, 40);
	assert_int_equal(ib.info.cap_offset, 0x5a5a5a5a);   /* not written */
	ib.info.argsz = 15;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_GET_INFO, &ib), -1);
	assert_int_equal(errno, EINVAL);
	ib.info.argsz = sizeof(ib);
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_GET_INFO, &ib), 0);
	assert_int_equal(ib.info.argsz, sizeof(ib));
	assert_int_equal(ib.info.cap_offset, 24);
	assert_int_equal(ld_he16(ib.caps), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	assert_int_equal(ld_he32(ib.caps + 8), 1024);

	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)mem;
	map.iova = 0x100000;
	map.size = 0x10000;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
	/* overlap, unaligned, empty, no permission, wrap, short argsz */
	map.iova = 0x108000;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EEXIST);
	map.iova = 0x200800;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EINVAL);
	map.iova = 0x200000;
	map.size = 0;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EINVAL);
	map.size = 0x10000;
	map.flags = 0;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EINVAL);
	map.flags = VFIO_DMA_MAP_FLAG_READ;
	map.iova = 0xfffffffffffff000ULL;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EINVAL);
	map.iova = 0x200000;
	map.argsz = 31;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EINVAL);
	map.argsz = sizeof(map);
	map.vaddr += 0x10000;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), 0);

	/* v2 unmap: no splitting; a range covering both takes both. */
	unmap.iova = 0x104000;
	unmap.size = 0x1000;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), -1);
	assert_int_equal(errno, EINVAL);
	unmap.iova = 0x100000;
	unmap.size = 0x8000;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), -1);
	assert_int_equal(errno, EINVAL);
	unmap.iova = 0x300000;
	unmap.size = 0x1000;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	assert_int_equal(unmap.size, 0);
	unmap.iova = 0;
	unmap.size = 0x1000000;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	assert_int_equal(unmap.size, 0x20000);
	/* UNMAP_ALL needs iova = size = 0. */
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
	unmap.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), -1);
	assert_int_equal(errno, EINVAL);
	unmap.iova = unmap.size = 0;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	assert_int_equal(unmap.size, 0x10000);
	unmap.flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), -1);
	assert_int_equal(errno, EINVAL);

	/* The last group leaving takes the IOMMU along. */
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
	assert_int_equal(ioctl(grp, VFIO_GROUP_UNSET_CONTAINER), 0);
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ioctl(ctr, 0x3b99), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ioctl(grp, VFIO_GROUP_SET_CONTAINER, &ctr), 0);
	assert_int_equal(ioctl(ctr, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU), 0);
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
	assert_int_equal(ioctl(ctr, 0x3b99), -1);
	assert_int_equal(errno, ENOTTY);
	/* Closing the group detaches it, too. */
	assert_int_equal(close(grp), 0);
	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(close(ctr), 0);
	munmap(mem, 1 << 20);
}

static void test_group_semantics(void **state)
{
	struct vfio_group_status st = { .argsz = 8 };
	int ctr, grp, grp2, nul, dev, dev2;
	uint32_t resets, clients;
	struct rig r;

	(void)state;
	errno = 0;
	assert_int_equal(open("/dev/vfio/42", O_RDWR | O_CLOEXEC), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(open("/dev/vfio/07", O_RDWR), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(open("/dev/vfio/devices/vfio0", O_RDWR), -1);
	assert_int_equal(errno, ENOENT);

	grp = open("/dev/vfio/7", O_RDWR | O_CLOEXEC);
	assert_true(grp >= 0);
	assert_int_equal(fcntl(grp, F_GETFD), FD_CLOEXEC);
	grp2 = open("/dev/vfio/7", O_RDWR);
	assert_int_equal(grp2, -1);
	assert_int_equal(errno, EBUSY);
	st.argsz = 7;
	assert_int_equal(ioctl(grp, VFIO_GROUP_GET_STATUS, &st), -1);
	assert_int_equal(errno, EINVAL);
	st.argsz = 8;
	assert_int_equal(ioctl(grp, VFIO_GROUP_GET_STATUS, &st), 0);
	assert_int_equal(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	/* No container: no device, no unset. */
	assert_int_equal(ioctl(grp, VFIO_GROUP_GET_DEVICE_FD, UUID_A), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ioctl(grp, VFIO_GROUP_UNSET_CONTAINER), -1);
	assert_int_equal(errno, EINVAL);
	/* SET_CONTAINER takes a container fd only. */
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(nul >= 0);
	assert_int_equal(ioctl(grp, VFIO_GROUP_SET_CONTAINER, &nul), -1);
	assert_int_equal(errno, EINVAL);
	close(nul);
	assert_int_equal(ioctl(grp, VFIO_GROUP_SET_CONTAINER, &nul), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(ioctl(grp, VFIO_GROUP_SET_CONTAINER, &grp), -1);
	assert_int_equal(errno, EINVAL);
	ctr = open("/dev/vfio/vfio", O_RDWR);
	assert_true(ctr >= 0);
	assert_int_equal(fcntl(ctr, F_GETFD), 0);
	assert_int_equal(ioctl(grp, VFIO_GROUP_SET_CONTAINER, &ctr), 0);
	assert_int_equal(ioctl(grp, VFIO_GROUP_SET_CONTAINER, &ctr), -1);
	assert_int_equal(errno, EINVAL);
	/* Container without IOMMU: no device. */
	assert_int_equal(ioctl(grp, VFIO_GROUP_GET_DEVICE_FD, UUID_A), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ioctl(grp, 0x3b99), -1);
	assert_int_equal(errno, ENOTTY);
	close(grp);
	close(ctr);

	/* A device of another group, a device fd opened twice. */
	rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
	dev = ioctl(r.grp, VFIO_GROUP_GET_DEVICE_FD, UUID_C);
	assert_int_equal(dev, -1);
	assert_int_equal(errno, ENODEV);
	resets = rig_stat(&r, PL_TS_RESETS);
	clients = rig_stat(&r, PL_TS_CLIENTS);
	dev2 = ioctl(r.grp, VFIO_GROUP_GET_DEVICE_FD, UUID_A);
	assert_true(dev2 >= 0 && dev2 != r.dev);
	/* Both fds are the same device on the same connection. */
	assert_int_equal(ioctl(dev2, VFIO_DEVICE_RESET), 0);
	assert_int_equal(rig_stat(&r, PL_TS_RESETS), resets + 1);
	assert_int_equal(rig_stat(&r, PL_TS_CLIENTS), clients);
	/* Devices open: the container cannot be unset. */
	assert_int_equal(ioctl(r.grp, VFIO_GROUP_UNSET_CONTAINER), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(close(dev2), 0);
	/* The first fd still works after the second is closed. */
	assert_int_equal(rig_command(&r, PL_TS_ECHO, 0, 0x2000, 64),
			 PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(&r, 0));
	/* A group can be reopened while its device keeps it alive. */
	assert_int_equal(close(r.grp), 0);
	r.grp = open("/dev/vfio/7", O_RDWR | O_CLOEXEC);
	assert_true(r.grp >= 0);
	assert_int_equal(ioctl(r.grp, VFIO_GROUP_GET_STATUS, &st), 0);
	assert_int_equal(st.flags, VFIO_GROUP_FLAGS_VIABLE |
				   VFIO_GROUP_FLAGS_CONTAINER_SET);
	rig_close(&r);
}

/*
 * A group is reopened on one thread while another closes the device that
 * kept it alive (its fd was closed before): the open gets the old group or
 * a new one, never one being freed (ASan: use after free).
 */
struct reopen {
	int fd;
	int err;
	pthread_t t;
};

static void *reopen_main(void *opaque)
{
	struct reopen *a = opaque;

	a->fd = open("/dev/vfio/7", O_RDWR | O_CLOEXEC);
	a->err = errno;
	return NULL;
}

static void test_group_reopen_race(void **state)
{
	struct vfio_group_status st = { .argsz = 8 };

	(void)state;
	for (int i = 0; i < 100; i++) {
		struct reopen a = { .fd = -1 };
		struct rig r;

		rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
		assert_int_equal(close(r.grp), 0);
		assert_int_equal(pthread_create(&a.t, NULL, reopen_main, &a), 0);
		rig_close_device(&r);
		pthread_join(a.t, NULL);
		assert_true(a.fd >= 0);
		assert_int_equal(ioctl(a.fd, VFIO_GROUP_GET_STATUS, &st), 0);
		/* The old group still has the container, a new one not. */
		if (st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET)
			assert_int_equal(ioctl(a.fd, VFIO_GROUP_UNSET_CONTAINER),
					 0);
		assert_int_equal(close(a.fd), 0);
		assert_int_equal(close(r.ctr), 0);
		munmap(r.ram, RIG_RAM_SIZE);
	}
}

/* ---- a daemon that is not there, or dies ------------------------------ */

struct open_args {
	struct rig *r;
	const char *uuid;
	int ret;
	int err;
};

static void get_device(void *opaque)
{
	struct open_args *a = opaque;

	a->ret = ioctl(a->r->grp, VFIO_GROUP_GET_DEVICE_FD, a->uuid);
	a->err = errno;
}

static void test_no_daemon(void **state)
{
	struct open_args a = { .uuid = UUID_NOSRV };
	char sock[512];
	const char *out;
	struct rig r;
	int fd;

	(void)state;
	rig_open_container(&r, GROUP_NOSRV, RIG_RAM_ANON);
	a.r = &r;
	out = rig_capture_stderr(get_device, &a);
	assert_int_equal(a.ret, -1);
	assert_int_equal(a.err, ENOENT);
	snprintf(sock, sizeof(sock), "%s/vfio-user/%s.sock", rig_runtime(),
		 UUID_NOSRV);
	assert_non_null(strstr(out, "ccwpass-preload: "));
	assert_non_null(strstr(out, UUID_NOSRV));
	assert_non_null(strstr(out, sock));

	/* A stale socket file nobody listens on. */
	fd = open(sock, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	out = rig_capture_stderr(get_device, &a);
	assert_int_equal(a.ret, -1);
	assert_int_equal(a.err, ECONNREFUSED);
	assert_non_null(strstr(out, sock));
	unlink(sock);
	rig_close(&r);
}

static void test_daemon_dies(void **state)
{
	uint8_t buf[PL_TS_IO_SIZE];
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	struct rig r;
	pid_t srv;

	(void)state;
	/* It does not come back: the device is gone once the (short)
	 * reconnect window passed. */
	setenv("CCWPASS_PRELOAD_RECONNECT_MS", "200", 1);
	srv = rig_start_server(UUID_C);
	rig_open(&r, GROUP_C, UUID_C, RIG_RAM_MEMFD);
	echo_round_trip(&r, 0x3000, 128, 1);
	/* The daemon exits in the middle of an SSCH. */
	errno = 0;
	assert_int_equal(rig_command(&r, PL_TS_DIE, 0, 0, 0), -1);
	assert_int_equal(errno, ENODEV);
	waitpid(srv, NULL, 0);
	assert_int_equal(pread(r.dev, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(rig_command(&r, PL_TS_ECHO, 0, 0, 16), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_RESET), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(ioctl(r.dev, VFIO_DEVICE_GET_IRQ_INFO, &ii), -1);
	assert_int_equal(errno, ENODEV);
	/* Teardown still works; DMA (un)maps to a dead device are no-ops. */
	{
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ,
			.vaddr = (uintptr_t)r.ram, .iova = 0x40000000,
			.size = 0x1000,
		};

		assert_int_equal(ioctl(r.ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
	}
	assert_int_equal(close(r.dev), 0);
	r.dev = -1;
	for (int i = 0; i < 3; i++)
		close(r.efd[i]);
	rig_close(&r);
	unsetenv("CCWPASS_PRELOAD_RECONNECT_MS");
}

/*
 * ccwpassd is killed and started again (an upgrade, a crash): the library
 * connects to the new one on the same socket, gives it the DMA mappings
 * and the interrupt eventfds again, and the device goes on. The start the
 * old one had taken ends with an interface-control check IRB.
 */
static void test_daemon_restarts(void **state)
{
	uint8_t io[PL_TS_IO_SIZE];
	struct rig r;
	pid_t srv;

	(void)state;
	srv = rig_start_server(UUID_C);
	rig_open(&r, GROUP_C, UUID_C, RIG_RAM_MEMFD);
	echo_round_trip(&r, 0x3000, 128, 1);
	/* A start the daemon took, its end not read yet; then it dies. */
	assert_int_equal(rig_command(&r, PL_TS_REFUSE_UNMAP, 0, 0, 0),
			 PL_TS_IO_SIZE);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	srv = rig_start_server(UUID_C);
	/* The IO interrupt of the made-up IRB says the reconnect is done. */
	assert_true(rig_wait_irq(&r, 0));
	assert_int_equal(pread(r.dev, io, sizeof(io), 0), sizeof(io));
	assert_int_equal(io[24 + 2], 0x40);          /* start function */
	assert_int_equal(io[24 + 3], 0x17);          /* alert, primary, ... */
	assert_int_equal(io[24 + 9], 0x02);          /* interface-control check */
	/* The new daemon has the mapping and the three eventfds. */
	assert_int_equal(rig_stat(&r, PL_TS_CLIENTS), 1);
	assert_int_equal(rig_stat(&r, PL_TS_MAPPED), 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rig_stat(&r, PL_TS_IRQ_FDS + 4 * i), 1);
	/* DMA through the replayed mapping, and an interrupt of its own. */
	echo_round_trip(&r, 0x3000, 128, 1);
	assert_int_equal(rig_command(&r, PL_TS_IRQ, 1, 0, 0), PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(&r, 1));
	/* Its end read (as QEMU reads every IRB): nothing is in flight. */
	assert_int_equal(pread(r.dev, io, sizeof(io), 0), sizeof(io));
	/* A request that finds the daemon gone waits for the next one. */
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	srv = rig_start_server(UUID_C);
	echo_round_trip(&r, 0x3000, 128, 1);
	rig_close(&r);
	rig_stop_server(srv);
}

struct fetch {
	struct rig *r;
	uint8_t io[PL_TS_IO_SIZE];
	ssize_t ret;
};

static void *fetch_irb(void *opaque)
{
	struct fetch *f = opaque;

	f->ret = pread(f->r->dev, f->io, sizeof(f->io),
		       (off_t)f->r->region_off[0]);
	return NULL;
}

/*
 * ccwpassd dies while QEMU's handler reads the final status of a start
 * (the program done, its interrupt signalled): the read waits for the
 * next daemon and gets the made-up IRB, and the interrupt the reconnect
 * signalled for that IRB is taken back - QEMU would otherwise read once
 * more, get no IRB, and write an empty status over the interface-control
 * check before the guest took it (a tape driver then waited for ever).
 */
static void test_daemon_dies_in_irb_read(void **state)
{
	struct pollfd p;
	struct fetch f = { 0 };
	struct rig r;
	pthread_t t;
	pid_t srv;

	(void)state;
	srv = rig_start_server(UUID_C);
	rig_open(&r, GROUP_C, UUID_C, RIG_RAM_MEMFD);
	f.r = &r;
	echo_round_trip(&r, 0x3000, 128, 1);
	assert_int_equal(rig_command(&r, PL_TS_DIE_ON_READ, 0, 0, 0),
			 PL_TS_IO_SIZE);        /* a start the daemon took */
	assert_int_equal(pthread_create(&t, NULL, fetch_irb, &f), 0);
	waitpid(srv, NULL, 0);                  /* it died in the read */
	srv = rig_start_server(UUID_C);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(f.ret, PL_TS_IO_SIZE);
	assert_int_equal(f.io[24 + 2], 0x40);   /* start function */
	assert_int_equal(f.io[24 + 3], 0x17);   /* alert, primary, ... */
	assert_int_equal(f.io[24 + 9], 0x02);   /* interface-control check */
	/* No interrupt left over for an IRB that is not there. */
	p = (struct pollfd){ .fd = r.efd[0], .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 0);
	/* The new daemon's own interrupts still come through. */
	echo_round_trip(&r, 0x3000, 128, 1);
	rig_close(&r);
	rig_stop_server(srv);
}

/* QEMU closes the device while the library waits for ccwpassd to come
 * back: the close returns (the waiting gives up), nothing hangs. */
static void test_close_while_reconnecting(void **state)
{
	struct rig r;
	pid_t srv;

	(void)state;
	srv = rig_start_server(UUID_C);
	rig_open(&r, GROUP_C, UUID_C, RIG_RAM_MEMFD);
	echo_round_trip(&r, 0x3000, 128, 1);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	/* The library is now connecting again (2 minutes by default). */
	assert_int_equal(close(r.dev), 0);
	r.dev = -1;
	for (int i = 0; i < 3; i++)
		close(r.efd[i]);
	rig_close(&r);
}

/* ---- memory tracking -------------------------------------------------- */

static void map_dma(int ctr, void *vaddr, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
	};

	assert_int_equal(ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
}

/* DMA through a mapping at iova whose memory is mem: checks the data. */
static void echo_at(struct rig *r, uint8_t *mem, uint64_t iova,
		    uint32_t direct)
{
	uint8_t io[PL_TS_IO_SIZE];
	uint32_t sum = 0;

	for (uint32_t i = 0; i < 32; i++) {
		mem[i] = (uint8_t)(i + 1);
		sum += i + 1;
	}
	assert_int_equal(rig_command(r, PL_TS_ECHO, 0, iova, 32),
			 PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(r, 0));
	assert_int_equal(pread(r->dev, io, sizeof(io), 0), sizeof(io));
	assert_int_equal((int32_t)ld_he32(io + PL_TS_RESULT), 0);
	assert_int_equal(ld_he32(io + PL_TS_SUM), sum);
	assert_int_equal(ld_he32(io + PL_TS_DIRECT), direct);
	assert_int_equal(mem[32], (uint8_t)~1u);
}

static void test_memtrack(void **state)
{
	const size_t sz = 64 * 1024;
	uint32_t fdmaps;
	uint8_t *a, *b, *c;
	int fa, fb, fc;
	char path[512];
	struct rig r;

	(void)state;
	rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
	fdmaps = rig_stat(&r, PL_TS_MAPS_FD);

	/* Shared memfd with its first page unmapped: the rest keeps the
	 * right file offset. */
	fa = memfd_create("a", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_int_equal(ftruncate(fa, (off_t)sz), 0);
	assert_int_equal(fcntl(fa, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	a = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	assert_true(a != MAP_FAILED);
	assert_int_equal(munmap(a, 4096), 0);
	map_dma(r.ctr, a + 4096, 0x10000000, sz - 4096);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS_FD), ++fdmaps);
	echo_at(&r, a + 4096, 0x10000000, 1);

	/* A shared mapping with a hole punched by MAP_FIXED: the part after
	 * the hole is still the file at its offset. */
	b = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	assert_true(b != MAP_FAILED);
	assert_true(mmap(b + 4096, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		    b + 4096);
	map_dma(r.ctr, b + 8192, 0x20000000, 8192);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS_FD), ++fdmaps);
	echo_at(&r, b + 8192, 0x20000000, 1);
	/* ... and the hole itself is not. */
	map_dma(r.ctr, b + 4096, 0x30000000, 4096);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS_FD), fdmaps);
	echo_at(&r, b + 4096, 0x30000000, 0);

	/* A private file mapping is not shared memory. */
	snprintf(path, sizeof(path), "%s/file", rig_runtime());
	fb = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_int_equal(ftruncate(fb, (off_t)sz), 0);
	c = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE, fb, 0);
	assert_true(c != MAP_FAILED);
	map_dma(r.ctr, c, 0x40000000, sz);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS_FD), fdmaps);
	echo_at(&r, c, 0x40000000, 0);
	munmap(c, sz);

	/* A memfd that could still shrink: the server refuses the file (a
	 * later shrink would fault in the server) and the library falls back
	 * to DMA messages. */
	fc = memfd_create("unsealed", MFD_CLOEXEC);
	assert_true(fc >= 0);
	assert_int_equal(ftruncate(fc, (off_t)sz), 0);
	c = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fc, 0);
	assert_true(c != MAP_FAILED);
	map_dma(r.ctr, c, 0x58000000, sz);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS_FD), fdmaps);
	echo_at(&r, c, 0x58000000, 0);
	munmap(c, sz);
	close(fc);

	/* The fd number was closed and reused for another file. */
	c = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fb, 0);
	assert_true(c != MAP_FAILED);
	close(fb);
	fc = memfd_create("c", MFD_CLOEXEC);
	assert_int_equal(fc, fb);
	assert_int_equal(ftruncate(fc, (off_t)sz), 0);
	map_dma(r.ctr, c, 0x50000000, sz);
	assert_int_equal(rig_stat(&r, PL_TS_MAPS_FD), fdmaps);
	echo_at(&r, c, 0x50000000, 0);

	munmap(a + 4096, sz - 4096);
	munmap(b, sz);
	munmap(c, sz);
	close(fa);
	close(fc);
	unlink(path);
	{
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap), .iova = 0x10000000,
			.size = 0x50000000,
		};

		assert_int_equal(ioctl(r.ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
		assert_int_equal(unmap.size, sz - 4096 + 8192 + 4096 + 3 * sz);
	}
	assert_int_equal(rig_stat(&r, PL_TS_MAPPED), 1);
	rig_close(&r);
}

/* ---- threads ---------------------------------------------------------- */

#define IO_THREADS 4
#define IO_ROUNDS 200

struct io_thread {
	pthread_t t;
	struct rig *r;
	int bad;
};

/* What QEMU's vCPU threads do: region reads and writes. */
static void *io_main(void *opaque)
{
	struct io_thread *t = opaque;
	uint8_t s[PL_TS_SCHIB_SIZE];

	for (int i = 0; i < IO_ROUNDS; i++) {
		off_t schib = (off_t)t->r->region_off[2];

		if (pread(t->r->dev, s, sizeof(s), schib) != (ssize_t)sizeof(s))
			t->bad++;
		errno = 0;
		if (rig_command(t->r, PL_TS_ERRNO, EBUSY, 0, 0) != -1 ||
		    errno != EBUSY)
			t->bad++;
	}
	return NULL;
}

/*
 * A server that refuses an unmap keeps no access to the memory QEMU frees
 * after the ioctl: the ioctl succeeds (type1 unmaps cannot fail), and the
 * server's DMA to the range is answered EFAULT from then on.
 */
static void test_unmap_refused(void **state)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = 0x60000000, .size = 0x10000,
	};
	uint8_t io[PL_TS_IO_SIZE];
	uint8_t *extra;
	struct rig r;

	(void)state;
	rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
	extra = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(extra != MAP_FAILED);
	map_dma(r.ctr, extra, 0x60000000, 0x10000);
	echo_at(&r, extra, 0x60000000, 0);
	assert_int_equal(rig_command(&r, PL_TS_REFUSE_UNMAP, 0, 0, 0),
			 PL_TS_IO_SIZE);
	assert_int_equal(ioctl(r.ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	assert_int_equal(unmap.size, 0x10000);
	/* The server still has the region; the library serves it no more. */
	assert_int_equal(rig_stat(&r, PL_TS_MAPPED), 2);
	assert_int_equal(rig_command(&r, PL_TS_ECHO, 0, 0x60000000, 32),
			 PL_TS_IO_SIZE);
	assert_true(rig_wait_irq(&r, 0));
	assert_int_equal(pread(r.dev, io, sizeof(io), 0), sizeof(io));
	assert_int_equal((int32_t)ld_he32(io + PL_TS_RESULT), -EFAULT);
	munmap(extra, 0x10000);
	/* The device goes on working with the rest. */
	echo_at(&r, r.ram + 0x2000, 0x2000, 0);
	rig_close(&r);
}

/* Region I/O on several threads while the main thread maps and unmaps. */
static void test_threads(void **state)
{
	struct io_thread t[IO_THREADS];
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	uint8_t *extra;
	struct rig r;

	(void)state;
	rig_open(&r, GROUP_A, UUID_A, RIG_RAM_ANON);
	extra = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(extra != MAP_FAILED);
	for (int i = 0; i < IO_THREADS; i++) {
		t[i] = (struct io_thread){ .r = &r };
		assert_int_equal(pthread_create(&t[i].t, NULL, io_main, &t[i]),
				 0);
	}
	for (int i = 0; i < 100; i++) {
		map_dma(r.ctr, extra, 0x60000000, 0x10000);
		unmap.iova = 0x60000000;
		unmap.size = 0x10000;
		assert_int_equal(ioctl(r.ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
		assert_int_equal(unmap.size, 0x10000);
	}
	for (int i = 0; i < IO_THREADS; i++) {
		pthread_join(t[i].t, NULL);
		assert_int_equal(t[i].bad, 0);
	}
	assert_int_equal(rig_stat(&r, PL_TS_MAPPED), 1);
	munmap(extra, 0x10000);
	rig_close(&r);
}

/* ---- two devices in one container ------------------------------------- */

/* A second vfio-ccw device: QEMU puts its group into the same container
 * (one per address space); mappings reach both servers. */
static void test_two_devices(void **state)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct rig a, c;
	uint8_t *extra;
	pid_t srv;

	(void)state;
	srv = rig_start_server(UUID_C);
	rig_open(&a, GROUP_A, UUID_A, RIG_RAM_MEMFD);
	c = a;
	c.grp = open("/dev/vfio/9", O_RDWR | O_CLOEXEC);
	assert_true(c.grp >= 0);
	assert_int_equal(ioctl(c.grp, VFIO_GROUP_GET_STATUS, &st), 0);
	assert_int_equal(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(ioctl(c.grp, VFIO_GROUP_SET_CONTAINER, &a.ctr), 0);
	rig_open_device(&c, UUID_C);
	/* The existing RAM mapping was replayed to the new device, with fd. */
	assert_int_equal(rig_stat(&c, PL_TS_MAPPED), 1);
	assert_int_equal(rig_stat(&c, PL_TS_MAPS_FD), 1);

	extra = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(extra != MAP_FAILED);
	map_dma(a.ctr, extra, 0x80000000, 0x10000);
	assert_int_equal(rig_stat(&a, PL_TS_MAPPED), 2);
	assert_int_equal(rig_stat(&c, PL_TS_MAPPED), 2);
	echo_at(&a, extra, 0x80000000, 0);
	echo_at(&c, extra + 0x1000, 0x80001000, 0);
	echo_round_trip(&a, 0x9000, 100, 1);
	echo_round_trip(&c, 0xa000, 100, 1);
	unmap.iova = 0x80000000;
	unmap.size = 0x10000;
	assert_int_equal(ioctl(a.ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	assert_int_equal(rig_stat(&a, PL_TS_MAPPED), 1);
	assert_int_equal(rig_stat(&c, PL_TS_MAPPED), 1);
	munmap(extra, 0x10000);

	rig_close_device(&c);
	assert_int_equal(ioctl(c.grp, VFIO_GROUP_UNSET_CONTAINER), 0);
	assert_int_equal(close(c.grp), 0);
	/* The container still has group 7: its IOMMU and map stay. */
	assert_int_equal(rig_stat(&a, PL_TS_MAPPED), 1);
	rig_close(&a);
	rig_stop_server(srv);
}

/* ---- fork ------------------------------------------------------------- */

/*
 * The child's part of test_fork_before_devices, without cmocka (a failed
 * assertion would unwind into the parent's test runner): a device round
 * trip; returns 0 or the number of the failed step.
 */
static int child_round_trip(void)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	uint8_t io[PL_TS_IO_SIZE] = { 0 };
	struct pollfd p;
	uint8_t *ram;
	int grp, ctr, dev, efd;
	uint8_t set[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *s = (struct vfio_irq_set *)set;

	grp = open("/dev/vfio/7", O_RDWR | O_CLOEXEC);
	ctr = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (grp < 0 || ctr < 0)
		return 1;
	if (ioctl(grp, VFIO_GROUP_SET_CONTAINER, &ctr) ||
	    ioctl(ctr, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return 2;
	ram = mmap(NULL, RIG_RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)ram;
	map.size = RIG_RAM_SIZE;
	if (ram == MAP_FAILED || ioctl(ctr, VFIO_IOMMU_MAP_DMA, &map))
		return 3;
	dev = ioctl(grp, VFIO_GROUP_GET_DEVICE_FD, UUID_A);
	efd = eventfd(0, EFD_CLOEXEC);
	if (dev < 0 || efd < 0)
		return 4;
	s->argsz = sizeof(set);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = 0;
	s->start = 0;
	s->count = 1;
	memcpy(s->data, &efd, 4);
	if (ioctl(dev, VFIO_DEVICE_SET_IRQS, s))
		return 5;
	ram[0x100] = 0x42;
	st_he32(io + PL_TS_OP, PL_TS_ECHO);
	st_he64(io + PL_TS_IOVA, 0x100);
	st_he32(io + PL_TS_LEN, 1);
	if (pwrite(dev, io, sizeof(io), 0) != (ssize_t)sizeof(io))
		return 6;
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	if (poll(&p, 1, 20000) != 1)
		return 7;
	if (pread(dev, io, sizeof(io), 0) != (ssize_t)sizeof(io) ||
	    ld_he32(io + PL_TS_RESULT) != 0 || ld_he32(io + PL_TS_SUM) != 0x42 ||
	    ram[0x101] != 0xbd)
		return 8;
	if (close(dev) || close(grp) || close(ctr))
		return 9;
	return 0;
}

/* qemu -daemonize forks before any device exists: the child carries on
 * with a working library. */
static void test_fork_before_devices(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_round_trip());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- everything that is not ours -------------------------------------- */

static void test_passthrough(void **state)
{
	int p[2], nul, ctr;
	char buf[8];
	pid_t pid;
	int st;

	(void)state;
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(nul >= 0);
	assert_int_equal(ioctl(nul, VFIO_GET_API_VERSION), -1);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(pread(nul, buf, sizeof(buf), 0), 0);
	assert_int_equal(pwrite(nul, buf, sizeof(buf), 0), sizeof(buf));
	assert_int_equal(close(nul), 0);
	assert_int_equal(close(nul), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(close(-1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pread(p[0], buf, 1, 0), -1);
	assert_int_equal(errno, ESPIPE);
	close(p[0]);
	close(p[1]);
	assert_int_equal(openat(AT_FDCWD, "/nonexistent/x", O_RDONLY), -1);
	assert_int_equal(errno, ENOENT);

	/* After fork the child's calls all go to libc: our fds are plain
	 * memfds there, and its close does not touch the parent's state. */
	ctr = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	assert_true(ctr >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int ok = ioctl(ctr, VFIO_GET_API_VERSION) == -1 &&
			 errno == ENOTTY && close(ctr) == 0;

		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(ioctl(ctr, VFIO_GET_API_VERSION), VFIO_API_VERSION);
	/* Our fds are sealed memfds: stray writes and mmaps fail. */
	assert_int_equal(write(ctr, "x", 1), -1);
	assert_true(mmap(NULL, 4096, PROT_READ, MAP_SHARED, ctr, 0) ==
		    MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ioctl(ctr, FIONCLEX), 0);
	assert_int_equal(fcntl(ctr, F_GETFD), 0);
	assert_int_equal(close(ctr), 0);
}

/* ---- CCWPASS_PRELOAD_DEBUG -------------------------------------------- */

static int debug_probe(void)
{
	int ctr = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	if (ctr < 0 || ioctl(ctr, VFIO_GET_API_VERSION) != 0)
		return 1;
	return close(ctr) != 0;
}

static void test_debug_log(void **state)
{
	char out[512], text[8192], *argv[3];
	int fd, st;
	pid_t pid;
	ssize_t n;

	(void)state;
	snprintf(out, sizeof(out), "%s/debug.txt", rig_runtime());
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		setenv("CCWPASS_PRELOAD_DEBUG", "1", 1);
		argv[0] = "test_preload";
		argv[1] = "--debug-probe";
		argv[2] = NULL;
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	fd = open(out, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	unlink(out);
	assert_true(n > 0);
	text[n] = '\0';
	assert_non_null(strstr(text, "ccwpass-preload: open(/dev/vfio/vfio"));
	assert_non_null(strstr(text, "ccwpass-preload: ioctl("));
	assert_non_null(strstr(text, "VFIO_GET_API_VERSION"));
	assert_non_null(strstr(text, "ccwpass-preload: close("));
}

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_teardown(f, rig_close_leftovers)
	const struct CMUnitTest tests[] = {
		T(test_qemu_sequence_memfd),
		T(test_qemu_sequence_anon),
		T(test_qemu_sequence_anon_messages),
		T(test_irq_clear),
		T(test_region_info_argsz),
		T(test_errno_mapping),
		T(test_container_semantics),
		T(test_group_semantics),
		T(test_group_reopen_race),
		T(test_no_daemon),
		T(test_daemon_dies),
		T(test_daemon_restarts),
		T(test_daemon_dies_in_irb_read),
		T(test_close_while_reconnecting),
		T(test_memtrack),
		T(test_unmap_refused),
		T(test_threads),
		T(test_two_devices),
		T(test_fork_before_devices),
		T(test_passthrough),
		T(test_debug_log),
	};

	if (argc == 2 && !strcmp(argv[1], "--debug-probe"))
		return debug_probe();
	if (!getenv("LD_PRELOAD") || !strstr(getenv("LD_PRELOAD"),
					     "ccwpass-preload")) {
		fprintf(stderr, "test_preload: run with "
			"LD_PRELOAD=.../libccwpass-preload.so\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
