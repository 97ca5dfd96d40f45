/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user end to end: the test device behind a real vfu_server on a UNIX
 * socket in a temporary directory, driven by the real vfu_client.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "common/evloop.h"
#include "vfio_user/vfu_client.h"
#include "test_wait.h"
#include "vfu_testdev.h"

struct fixture {
	char dir[256];
	char path[300];
	struct testloop tl;
	struct testdev dev;
	struct vfu_client *c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct error err = { 0 };

	tmpdir_make(f->dir, sizeof(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/dev.sock", f->dir);
	testloop_start(&f->tl);
	testdev_start(&f->dev, f->tl.loop, f->path, 0);
	if (vfu_client_connect(f->path, &f->c, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vfu_client_close(f->c);
	testdev_stop(&f->dev);
	testloop_stop(&f->tl);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static int td_cmd(struct vfu_client *c, uint32_t op, uint32_t len,
		  uint64_t iova)
{
	uint8_t cmd[TD_CMD_SIZE];

	st_he32(cmd, op);
	st_he32(cmd + 4, len);
	st_he64(cmd + 8, iova);
	return vfu_client_region_write(c, 1, 0, cmd, sizeof(cmd));
}

static int make_memfd(size_t size, void **map)
{
	int fd = memfd_create("vfu-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	/* The server maps only memfds that can no longer shrink. */
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(*map != MAP_FAILED);
	return fd;
}

static void test_socket_mode(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_negotiated_caps(void **state)
{
	struct fixture *f = *state;
	const struct vfu_caps *caps = vfu_client_server_caps(f->c);

	assert_int_equal(caps->max_msg_fds, 8);
	assert_int_equal(caps->max_data_xfer_size, 1024 * 1024);
	assert_int_equal(caps->max_dma_maps, 1024);
	assert_int_equal(vfu_client_server_minor(f->c), 1);
	assert_int_equal(f->dev.ready, 1);
}

static void test_device_info(void **state)
{
	struct fixture *f = *state;
	struct vfu_device_info di;

	assert_int_equal(vfu_client_device_info(f->c, &di), 0);
	assert_int_equal(di.argsz, 16);
	assert_int_equal(di.flags, VFIO_DEVICE_FLAGS_RESET | VFIO_DEVICE_FLAGS_CCW);
	assert_int_equal(di.num_regions, 3);
	assert_int_equal(di.num_irqs, 2);
}

static void test_region_info_caps(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[256];
	struct vfu_region_info ri;
	int n, off;

	/* Region 0: no caps. */
	n = vfu_client_region_info(f->c, 0, buf, sizeof(buf));
	assert_int_equal(n, 32);
	assert_int_equal(vfu_region_info_decode(buf, (size_t)n, &ri), 0);
	assert_int_equal(ri.size, TD_MEM_SIZE);
	assert_int_equal(ri.flags, VFIO_REGION_INFO_FLAG_READ |
				   VFIO_REGION_INFO_FLAG_WRITE);
	assert_int_equal(ri.cap_offset, 0);

	/* Region 1 with a buffer too small: argsz says what is needed. */
	n = vfu_client_region_info(f->c, 1, buf, 32);
	assert_int_equal(n, 32);
	vfu_region_info_decode(buf, 32, &ri);
	assert_true(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(ri.cap_offset, 0);
	assert_int_equal(ri.argsz, 32 + 16 + 16);

	/* Retry with argsz: the chain, 8-aligned, linked from offset 32. */
	n = vfu_client_region_info(f->c, 1, buf, ri.argsz);
	assert_int_equal(n, 64);
	vfu_region_info_decode(buf, (size_t)n, &ri);
	assert_int_equal(ri.cap_offset, 32);
	assert_int_equal(ri.offset, 1 << 10);
	off = vfu_caps_find(buf, (size_t)n, VFIO_REGION_INFO_CAP_TYPE);
	assert_int_equal(off, 32);
	assert_int_equal(ld_he16(buf + off + 2), 1);
	assert_int_equal(ld_he32(buf + off + 8), VFIO_REGION_TYPE_CCW);
	assert_int_equal(ld_he32(buf + off + 12),
			 VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD);
	off = vfu_caps_find(buf, (size_t)n, TD_CAP_ID_TEST);
	assert_int_equal(off, 48);
	assert_int_equal(ld_he16(buf + off + 2), 3);
	assert_memory_equal(buf + off + 8, "hello", 5);
	assert_int_equal(vfu_caps_find(buf, (size_t)n, 1), -ENOENT);

	/* Out of range index. */
	assert_int_equal(vfu_client_region_info(f->c, 3, buf, sizeof(buf)),
			 -EINVAL);
}

static void test_region_rw(void **state)
{
	struct fixture *f = *state;
	uint8_t data[64], back[64];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(vfu_client_region_write(f->c, 0, 100, data, 64), 64);
	assert_int_equal(vfu_client_region_read(f->c, 0, 100, back, 64), 64);
	assert_memory_equal(data, back, 64);
	/* Read-only region: reads work, writes fail. */
	assert_int_equal(vfu_client_region_read(f->c, 2, 0, back, 8), 8);
	assert_memory_equal(back, "readonly", 8);
	assert_int_equal(vfu_client_region_write(f->c, 2, 0, data, 8), -EINVAL);
	/* Past the end, and the device's own error passed through. */
	assert_int_equal(vfu_client_region_read(f->c, 0, 250, back, 8), -EINVAL);
	assert_int_equal(vfu_client_region_write(f->c, 1, 0, data, 8), -EINVAL);
	/* Zero-length access is a no-op. */
	assert_int_equal(vfu_client_region_read(f->c, 0, 0, back, 0), 0);
	/* More than max_data_xfer_size is refused by the client. */
	assert_int_equal(vfu_client_region_read(f->c, 0, 0, back,
						2 * 1024 * 1024), -E2BIG);
}

/*
 * A device without region_post does not offer ccwpass.posted_write, so a
 * client proposing it cannot post; a write sent without wanting a reply
 * is still done (region_write, its result dropped), nothing comes back,
 * and the next call is answered after it.
 */
static void test_posted_write_not_offered(void **state)
{
	struct fixture *f = *state;
	struct vfu_client_opts o = { .posted_write = true, .timeout_ms = 5000 };
	uint8_t req[VFU_REGION_ACCESS_SIZE], data[8] = "postedw", back[8];
	struct vfu_region_access q = { .offset = 40, .region = 0, .count = 8 };
	struct iovec iov[2] = {
		{ .iov_base = req, .iov_len = sizeof(req) },
		{ .iov_base = data, .iov_len = sizeof(data) },
	};
	struct error err = { 0 };

	vfu_client_close(f->c);
	f->c = NULL;
	assert_true(TEST_WAIT_UNTIL(vfu_client_connect_opts(f->path, &o, &f->c,
							    &err) == 0));
	assert_false(vfu_client_posted_write(f->c));
	assert_int_equal(vfu_client_region_post(f->c, 0, 40, data, 8),
			 -ENOTSUP);
	vfu_region_access_encode(req, &q);
	assert_int_equal(vfu_client_send(f->c, VFU_CMD_REGION_WRITE, iov, 2), 0);
	assert_int_equal(vfu_client_region_read(f->c, 0, 40, back, 8), 8);
	assert_memory_equal(back, data, 8);
	/* A stray reply would have answered this one (a protocol error). */
	assert_int_equal(vfu_client_region_read(f->c, 0, 40, back, 8), 8);
	assert_false(vfu_client_dead(f->c));
}

static void test_reset(void **state)
{
	struct fixture *f = *state;
	uint8_t b = 0xff, back = 0;

	assert_int_equal(vfu_client_region_write(f->c, 0, 5, &b, 1), 1);
	assert_int_equal(vfu_client_reset(f->c), 0);
	assert_int_equal(f->dev.resets, 1);
	assert_int_equal(vfu_client_region_read(f->c, 0, 5, &back, 1), 1);
	assert_int_equal(back, 0);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void test_irqs(void **state)
{
	struct fixture *f = *state;
	struct vfu_irq_info ii;
	int e0 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int e1 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint32_t flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	uint64_t v;

	assert_int_equal(vfu_client_irq_info(f->c, 1, &ii), 0);
	assert_int_equal(ii.count, 1);
	assert_int_equal(ii.flags, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(vfu_client_irq_info(f->c, 2, &ii), -EINVAL);

	/* Without an eventfd, triggering reports -ENOENT. */
	assert_int_equal(td_cmd(f->c, TD_IRQ0, 0, 0), -ENOENT);
	assert_int_equal(vfu_client_set_irqs(f->c, 0, flags, 0, 1, &e0, 1, NULL),
			 0);
	assert_int_equal(vfu_client_set_irqs(f->c, 1, flags, 0, 1, &e1, 1, NULL),
			 0);
	assert_false(readable(e0));
	assert_int_equal(td_cmd(f->c, TD_IRQ0, 0, 0), TD_CMD_SIZE);
	assert_true(readable(e0));
	assert_false(readable(e1));
	assert_int_equal(read(e0, &v, 8), 8);
	assert_int_equal(v, 1);
	assert_int_equal(td_cmd(f->c, TD_IRQ1, 0, 0), TD_CMD_SIZE);
	assert_true(readable(e1));
	assert_int_equal(read(e1, &v, 8), 8);

	/* DATA_NONE + TRIGGER from the client fires the eventfd too. */
	assert_int_equal(vfu_client_set_irqs(f->c, 0, VFIO_IRQ_SET_DATA_NONE |
					     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
					     NULL, 0, NULL), 0);
	assert_true(readable(e0));
	assert_int_equal(read(e0, &v, 8), 8);
	/* DATA_BOOL: only where the bool is set. */
	{
		uint8_t no = 0;

		assert_int_equal(vfu_client_set_irqs(
			f->c, 0, VFIO_IRQ_SET_DATA_BOOL |
			VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, NULL, 0, &no), 0);
		assert_false(readable(e0));
	}

	/* De-assign (no fd sent): the device can no longer signal. */
	assert_int_equal(vfu_client_set_irqs(f->c, 0, flags, 0, 1, NULL, 0, NULL),
			 0);
	assert_int_equal(td_cmd(f->c, TD_IRQ0, 0, 0), -ENOENT);
	/* count 0 + DATA_NONE disables the whole index. */
	assert_int_equal(vfu_client_set_irqs(f->c, 1, VFIO_IRQ_SET_DATA_NONE |
					     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0,
					     NULL, 0, NULL), 0);
	assert_int_equal(td_cmd(f->c, TD_IRQ1, 0, 0), -ENOENT);

	/* Not maskable; bad index; range past count; not an eventfd. */
	assert_int_equal(vfu_client_set_irqs(f->c, 0, VFIO_IRQ_SET_DATA_NONE |
					     VFIO_IRQ_SET_ACTION_MASK, 0, 1,
					     NULL, 0, NULL), -EINVAL);
	assert_int_equal(vfu_client_set_irqs(f->c, 2, flags, 0, 1, &e0, 1, NULL),
			 -EINVAL);
	assert_int_equal(vfu_client_set_irqs(f->c, 0, flags, 1, 1, &e0, 1, NULL),
			 -EINVAL);
	{
		int p[2];

		assert_int_equal(pipe(p), 0);
		assert_int_equal(vfu_client_set_irqs(f->c, 0, flags, 0, 1,
						     &p[1], 1, NULL), -EINVAL);
		close(p[0]);
		close(p[1]);
	}
	close(e0);
	close(e1);
}

/*
 * A client's eventfd in blocking mode with its counter at the maximum:
 * signalling it must not block the server (it would hang the loop thread
 * and everything waiting for it). The counter is full, so the interrupt
 * is pending anyway.
 */
static void test_irq_blocking_eventfd(void **state)
{
	struct fixture *f = *state;
	uint32_t flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	uint64_t full = UINT64_MAX - 1, v;
	int e = eventfd(0, EFD_CLOEXEC);
	int ret;

	assert_true(e >= 0);
	assert_int_equal(write(e, &full, 8), 8);
	assert_int_equal(vfu_client_set_irqs(f->c, 0, flags, 0, 1, &e, 1, NULL),
			 0);
	/* Failure guard only: a blocked server never replies. */
	vfu_client_set_timeout(f->c, 10000);
	ret = td_cmd(f->c, TD_IRQ0, 0, 0);
	/* Unblock a stuck server before judging, so teardown can run. */
	assert_int_equal(read(e, &v, 8), 8);
	assert_int_equal(ret, TD_CMD_SIZE);
	assert_int_equal(v, full);
	/* Drained: the next signal arrives. */
	assert_int_equal(td_cmd(f->c, TD_IRQ0, 0, 0), TD_CMD_SIZE);
	assert_true(readable(e));
	close(e);
}

/* A file the client could still shrink is not mmapped: a shrink after
 * DMA_MAP would turn a later copy into SIGBUS in the server. */
static void test_dma_fd_shrinkable_refused(void **state)
{
	struct fixture *f = *state;
	int fd = memfd_create("vfu-unsealed", MFD_CLOEXEC);
	void *mem;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 * 4096), 0);
	mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(vfu_client_dma_map(f->c, 0x100000, 2 * 4096,
					    VFU_DMA_READ | VFU_DMA_WRITE, fd, 0,
					    mem), -EPERM);
	assert_int_equal(f->dev.maps, 0);
	/* The same range without the file is fine (message DMA). */
	assert_int_equal(vfu_client_dma_map(f->c, 0x100000, 2 * 4096,
					    VFU_DMA_READ | VFU_DMA_WRITE, -1, 0,
					    mem), 0);
	assert_int_equal(f->dev.maps, 1);
	munmap(mem, 2 * 4096);
	close(fd);
}

static void test_dma_fd(void **state)
{
	struct fixture *f = *state;
	uint8_t data[TD_MEM_SIZE], back[TD_MEM_SIZE];
	uint8_t *mem;
	int fd = make_memfd(2 * 4096, (void **)&mem);

	assert_int_equal(vfu_client_dma_map(f->c, 0x100000, 2 * 4096,
					    VFU_DMA_READ | VFU_DMA_WRITE, fd, 0,
					    mem), 0);
	assert_int_equal(f->dev.maps, 1);
	/* Device writes land in client memory, crossing nothing. */
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xa0 ^ i);
	assert_int_equal(vfu_client_region_write(f->c, 0, 0, data, TD_MEM_SIZE),
			 TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, TD_MEM_SIZE, 0x100000 + 4000),
			 TD_CMD_SIZE);
	assert_memory_equal(mem + 4000, data, TD_MEM_SIZE);
	/* Device reads client memory. */
	memset(mem, 0x33, 64);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 64, 0x100000), TD_CMD_SIZE);
	assert_int_equal(vfu_client_region_read(f->c, 0, 0, back, 64), 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(back[i], 0x33);
	/* Direct pointer. */
	assert_int_equal(td_cmd(f->c, TD_MAP_PTR, 16, 0x100000 + 100),
			 TD_CMD_SIZE);
	assert_int_equal(mem[100], 0x5a);
	assert_int_equal(mem[115], 0x5a);
	assert_int_equal(mem[116], 0);
	/* One byte past the end: -EFAULT, nothing written. */
	mem[2 * 4096 - 1] = 0;
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 2, 0x100000 + 2 * 4096 - 1),
			 -EFAULT);
	assert_int_equal(mem[2 * 4096 - 1], 0);
	assert_int_equal(td_cmd(f->c, TD_MAP_PTR, 2, 0x100000 + 2 * 4096 - 1),
			 -EFAULT);
	/* Unmap: afterwards device access fails. */
	assert_int_equal(vfu_client_dma_unmap(f->c, 0x100000, 2 * 4096), 0);
	assert_int_equal(f->dev.unmaps, 1);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 4, 0x100000), -EFAULT);
	assert_int_equal(vfu_client_dma_unmap(f->c, 0x100000, 2 * 4096),
			 -ENOENT);
	munmap(mem, 2 * 4096);
	close(fd);
}

static void test_dma_readonly_region(void **state)
{
	struct fixture *f = *state;
	uint8_t *mem;
	int fd = make_memfd(4096, (void **)&mem);

	assert_int_equal(vfu_client_dma_map(f->c, 0x200000, 4096, VFU_DMA_READ,
					    fd, 0, mem), 0);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0x200000), TD_CMD_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 8, 0x200000), -EFAULT);
	assert_int_equal(vfu_client_dma_unmap(f->c, 0x200000, 4096), 0);
	munmap(mem, 4096);
	close(fd);
}

static void test_dma_messages(void **state)
{
	struct fixture *f = *state;
	static uint8_t guest[3 * 4096];
	uint8_t data[TD_MEM_SIZE], back[TD_MEM_SIZE];

	/* No fd: every device access is a DMA_READ/WRITE round trip. */
	assert_int_equal(vfu_client_dma_map(f->c, 0x40000, sizeof(guest),
					    VFU_DMA_READ | VFU_DMA_WRITE, -1, 0,
					    guest), 0);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i + 3);
	assert_int_equal(vfu_client_region_write(f->c, 0, 0, data, TD_MEM_SIZE),
			 TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, TD_MEM_SIZE, 0x40000 + 4090),
			 TD_CMD_SIZE);
	assert_memory_equal(guest + 4090, data, TD_MEM_SIZE);

	memset(guest + 8000, 0x77, 100);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 100, 0x40000 + 8000),
			 TD_CMD_SIZE);
	assert_int_equal(vfu_client_region_read(f->c, 0, 0, back, 100), 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(back[i], 0x77);
	/* Outside the region: the server refuses before asking the client. */
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 16, 0x40000 + sizeof(guest) - 8),
			 -EFAULT);
	assert_int_equal(vfu_client_dma_unmap(f->c, 0x40000, sizeof(guest)), 0);
}

static int dma_handler_calls;

static int dma_handler(void *opaque, bool write, uint64_t iova, void *buf,
		       size_t len)
{
	uint8_t *guest = opaque;

	dma_handler_calls++;
	if (iova < 0x9000 || iova - 0x9000 + len > 4096)
		return -EFAULT;
	if (write)
		memcpy(guest + (iova - 0x9000), buf, len);
	else
		memcpy(buf, guest + (iova - 0x9000), len);
	return 0;
}

static void test_dma_handler(void **state)
{
	struct fixture *f = *state;
	static uint8_t guest[4096];

	vfu_client_set_dma_handler(f->c, dma_handler, guest);
	assert_int_equal(vfu_client_dma_map(f->c, 0x9000, 4096,
					    VFU_DMA_READ | VFU_DMA_WRITE, -1, 0,
					    NULL), 0);
	guest[10] = 0x42;
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 16, 0x9000), TD_CMD_SIZE);
	assert_int_equal(dma_handler_calls, 1);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 16, 0x9000 + 100),
			 TD_CMD_SIZE);
	assert_int_equal(guest[110], 0x42);
	vfu_client_set_dma_handler(f->c, NULL, NULL);
}

static void test_dma_async_worker(void **state)
{
	struct fixture *f = *state;
	static uint8_t guest[4096];
	uint8_t data[32];
	int e0 = eventfd(0, EFD_CLOEXEC);
	uint64_t v;

	assert_int_equal(vfu_client_set_irqs(f->c, 0, VFIO_IRQ_SET_DATA_EVENTFD |
					     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
					     &e0, 1, NULL), 0);
	assert_int_equal(vfu_client_dma_map(f->c, 0x7000, sizeof(guest),
					    VFU_DMA_READ | VFU_DMA_WRITE, -1, 0,
					    guest), 0);
	memset(data, 0x99, sizeof(data));
	assert_int_equal(vfu_client_region_write(f->c, 0, 0, data, 32), 32);
	/*
	 * The device's worker thread writes, maybe while the call is still in
	 * progress (then the call answers it), maybe after (then we must):
	 * serve the socket until IRQ 0 says the worker is done.
	 */
	assert_int_equal(td_cmd(f->c, TD_ASYNC_WRITE, 32, 0x7000 + 50),
			 TD_CMD_SIZE);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = e0, .events = POLLIN },
			{ .fd = vfu_client_fd(f->c), .events = POLLIN },
		};

		assert_true(poll(p, 2, -1) > 0);
		if (p[0].revents & POLLIN)
			break;
		assert_true(vfu_client_service(f->c, 0) >= 0);
	}
	assert_int_equal(read(e0, &v, 8), 8);
	testdev_wait_async(&f->dev, 1);
	assert_int_equal(f->dev.async_result, 0);
	assert_memory_equal(guest + 50, data, 32);
	close(e0);
}

/* A thread serving the connection, as the preload's. */
struct watcher {
	struct vfu_client *c;
	pid_t tid;          /* atomic; 0 until it runs */
	bool done;          /* atomic */
	int ret;
	pthread_t thread;
};

static void *watcher_main(void *opaque)
{
	struct watcher *w = opaque;
	int ret;

	__atomic_store_n(&w->tid, gettid(), __ATOMIC_RELEASE);
	while ((ret = vfu_client_service(w->c, -1)) >= 0)
		;
	w->ret = ret;
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void watcher_start(struct watcher *w, struct vfu_client *c)
{
	*w = (struct watcher){ .c = c };
	assert_int_equal(pthread_create(&w->thread, NULL, watcher_main, w), 0);
	assert_true(TEST_WAIT_UNTIL(__atomic_load_n(&w->tid, __ATOMIC_ACQUIRE)));
}

/* The connection ends: the watcher must notice and return. */
static void watcher_stop(struct watcher *w)
{
	vfu_client_shutdown(w->c);
	assert_true(TEST_WAIT_UNTIL(__atomic_load_n(&w->done, __ATOMIC_ACQUIRE)));
	pthread_join(w->thread, NULL);
	assert_true(w->ret < 0);
}

/* How often the thread went to sleep and was woken. */
static long voluntary_switches(pid_t tid)
{
	char path[64], line[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	assert_true(n >= 0);
	return n;
}

/*
 * With every DMA region shared through an fd the server has nothing to
 * ask: the thread serving the connection is not woken by the replies to
 * calls (it was twice per call: a core taken from QEMU per message), and
 * still notices the connection's end.
 */
static void test_watcher_quiet_with_fd_regions(void **state)
{
	struct fixture *f = *state;
	struct watcher w;
	uint8_t *mem, back[64];
	int fd = make_memfd(4096, (void **)&mem);
	long before;

	assert_int_equal(vfu_client_dma_map(f->c, 0x100000, 4096,
					    VFU_DMA_READ | VFU_DMA_WRITE, fd, 0,
					    mem), 0);
	watcher_start(&w, f->c);
	before = voluntary_switches(w.tid);
	for (int i = 0; i < 200; i++)
		assert_int_equal(vfu_client_region_read(f->c, 0, 0, back, 64),
				 64);
	assert_in_range(voluntary_switches(w.tid) - before, 0, 40);
	watcher_stop(&w);
	close(fd);
}

/*
 * A region without an fd added while the watcher waits: from then on it
 * answers the server's DMA requests that come when no call is in progress
 * (the device's worker is held until the call that started it returned).
 */
static void test_watcher_listens_for_messages(void **state)
{
	struct fixture *f = *state;
	static uint8_t guest[4096];
	uint8_t data[32];
	struct watcher w;
	uint8_t *mem;
	int fd = make_memfd(4096, (void **)&mem);
	int e0 = eventfd(0, EFD_CLOEXEC);
	struct pollfd p = { .fd = e0, .events = POLLIN };

	assert_int_equal(vfu_client_dma_map(f->c, 0x100000, 4096,
					    VFU_DMA_READ | VFU_DMA_WRITE, fd, 0,
					    mem), 0);
	assert_int_equal(vfu_client_set_irqs(f->c, 0, VFIO_IRQ_SET_DATA_EVENTFD |
					     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
					     &e0, 1, NULL), 0);
	watcher_start(&w, f->c);
	assert_int_equal(vfu_client_dma_map(f->c, 0x7000, sizeof(guest),
					    VFU_DMA_READ | VFU_DMA_WRITE, -1, 0,
					    guest), 0);
	memset(data, 0x3c, sizeof(data));
	assert_int_equal(vfu_client_region_write(f->c, 0, 0, data, 32), 32);
	f->dev.async_hold = true;
	assert_int_equal(td_cmd(f->c, TD_ASYNC_WRITE, 32, 0x7000 + 100),
			 TD_CMD_SIZE);
	testdev_release_async(&f->dev);
	assert_int_equal(poll(&p, 1, TEST_WAIT_MS), 1);
	testdev_wait_async(&f->dev, 1);
	assert_int_equal(f->dev.async_result, 0);
	assert_memory_equal(guest + 100, data, 32);
	watcher_stop(&w);
	close(e0);
	close(fd);
}

static void test_dma_map_errors(void **state)
{
	struct fixture *f = *state;
	uint8_t *mem;
	int fd = make_memfd(4096, (void **)&mem);
	uint8_t req[VFU_DMA_MAP_SIZE];
	struct vfu_dma_map m = {
		.argsz = 32, .flags = VFU_DMA_READ, .addr = 0x1000, .size = 8192,
	};

	/* The file is smaller than the mapping: refused, no SIGBUS later. */
	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 &fd, 1, NULL, 0, NULL), -EINVAL);
	/* Unaligned file offset. */
	m.size = 4096;
	m.offset = 12;
	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 &fd, 1, NULL, 0, NULL), -EINVAL);
	/* No permission bits; unknown bits. */
	m.offset = 0;
	m.flags = 0;
	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 NULL, 0, NULL, 0, NULL), -EINVAL);
	m.flags = 0x10 | VFU_DMA_READ;
	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 NULL, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(f->dev.maps, 0);
	munmap(mem, 4096);
	close(fd);
}

static void test_unmap_refused_while_pinned(void **state)
{
	struct fixture *f = *state;
	static uint8_t guest[4096];

	assert_int_equal(vfu_client_dma_map(f->c, 0x5000, 4096, VFU_DMA_READ,
					    -1, 0, guest), 0);
	assert_int_equal(td_cmd(f->c, TD_PIN, 0, 0x5100), TD_CMD_SIZE);
	assert_int_equal(vfu_client_dma_unmap(f->c, 0x5000, 4096), -EBUSY);
	assert_int_equal(td_cmd(f->c, TD_UNPIN, 0, 0), TD_CMD_SIZE);
	assert_int_equal(vfu_client_dma_unmap(f->c, 0x5000, 4096), 0);
}

static void test_unmap_all(void **state)
{
	struct fixture *f = *state;
	static uint8_t guest[2][4096];
	uint8_t req[VFU_DMA_UNMAP_SIZE], reply[64];
	struct vfu_dma_unmap u = { .argsz = 24, .flags = VFU_UNMAP_ALL };
	size_t n;

	assert_int_equal(vfu_client_dma_map(f->c, 0x1000, 4096, VFU_DMA_READ,
					    -1, 0, guest[0]), 0);
	assert_int_equal(vfu_client_dma_map(f->c, 0x3000, 4096, VFU_DMA_READ,
					    -1, 0, guest[1]), 0);
	vfu_dma_unmap_encode(req, &u);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_UNMAP, req,
					 sizeof(req), NULL, 0, reply,
					 sizeof(reply), &n), 0);
	assert_int_equal(n, 24);     /* the request echoed */
	assert_int_equal(f->dev.unmaps, 2);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 4, 0x1000), -EFAULT);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 4, 0x3000), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negotiated_caps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_device_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_info_caps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_region_rw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_posted_write_not_offered,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irqs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_blocking_eventfd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_fd_shrinkable_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_readonly_region, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_messages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_async_worker, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_watcher_quiet_with_fd_regions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_watcher_listens_for_messages,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_map_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unmap_refused_while_pinned,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_all, setup, teardown),
	};

	return cmocka_run_group_tests_name("vfu_live", tests, NULL, NULL);
}
