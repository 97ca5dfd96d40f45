/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers of the preload tests (pl_rig.h). */
#include "pl_rig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/byteorder.h"
#include "pl_testsrv.h"

extern char **environ;

static char runtime[256];

const char *rig_runtime(void)
{
	return runtime;
}

static void __attribute__((format(printf, 1, 2)))
mkdirs(const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
}

void rig_env_setup(void)
{
	snprintf(runtime, sizeof(runtime), "%s/ccwpass-pl.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(runtime));
	mkdirs("%s/vfio-user", runtime);
	setenv("CCWPASS_RUNTIME_DIR", runtime, 1);
	signal(SIGPIPE, SIG_IGN);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void rig_env_teardown(void)
{
	nftw(runtime, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void rig_add_group(unsigned id, const char *uuid)
{
	char path[512];
	int fd;

	mkdirs("%s/sys/kernel/iommu_groups/%u/devices", runtime, id);
	snprintf(path, sizeof(path), "%s/sys/kernel/iommu_groups/%u/devices/%s",
		 runtime, id, uuid);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

pid_t rig_start_server(const char *uuid)
{
	const char *srv = getenv("PL_TESTSRV");
	char sock[512], readyfd[16], *argv[4], **env;
	int pipefd[2];
	size_t n = 0, k = 0;
	pid_t pid;
	char c;

	assert_non_null(srv);
	snprintf(sock, sizeof(sock), "%s/vfio-user/%s.sock", runtime, uuid);
	assert_int_equal(pipe(pipefd), 0);
	snprintf(readyfd, sizeof(readyfd), "%d", pipefd[1]);
	argv[0] = (char *)srv;
	argv[1] = sock;
	argv[2] = readyfd;
	argv[3] = NULL;
	/* The server must not run with the preload library. */
	while (environ[n])
		n++;
	env = calloc(n + 1, sizeof(*env));
	assert_non_null(env);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11))
			env[k++] = environ[i];
	assert_int_equal(posix_spawn(&pid, srv, NULL, NULL, argv, env), 0);
	free(env);
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	return pid;
}

void rig_stop_server(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* ---- the QEMU sequence ------------------------------------------------ */

void *rig_region_info(int dev, uint32_t index)
{
	uint32_t argsz = sizeof(struct vfio_region_info);
	struct vfio_region_info *info = calloc(1, argsz);

	assert_non_null(info);
	for (;;) {
		info->argsz = argsz;
		info->index = index;
		if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, info)) {
			int e = errno;

			free(info);
			errno = e;
			return NULL;
		}
		if (info->argsz <= argsz)
			return info;
		argsz = info->argsz;
		info = realloc(info, argsz);
		assert_non_null(info);
		memset(info, 0, argsz);
	}
}

/* QEMU's vfio_get_dev_region_info: the region of (type, subtype). */
static struct vfio_region_info *find_region(int dev, uint32_t nregions,
					    uint32_t type, uint32_t subtype)
{
	for (uint32_t i = 0; i < nregions; i++) {
		struct vfio_region_info *info = rig_region_info(dev, i);
		const uint8_t *p = (const uint8_t *)info;
		uint32_t off;

		assert_non_null(info);
		if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS)) {
			free(info);
			continue;
		}
		for (off = info->cap_offset; off; off = ld_he32(p + off + 4)) {
			assert_true(off + 16 <= info->argsz);
			if (ld_he16(p + off) == VFIO_REGION_INFO_CAP_TYPE &&
			    ld_he32(p + off + 8) == type &&
			    ld_he32(p + off + 12) == subtype)
				return info;
		}
		free(info);
	}
	return NULL;
}

void rig_open_container(struct rig *r, unsigned group, enum rig_ram ram)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_iommu_type1_info *iinfo;
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	char path[64];

	memset(r, 0, sizeof(*r));
	r->dev = r->memfd = -1;
	snprintf(path, sizeof(path), "/dev/vfio/%u", group);
	r->grp = open(path, O_RDWR | O_CLOEXEC);
	assert_true(r->grp >= 0);
	assert_int_equal(ioctl(r->grp, VFIO_GROUP_GET_STATUS, &status), 0);
	assert_true(status.flags & VFIO_GROUP_FLAGS_VIABLE);
	assert_false(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET);

	r->ctr = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	assert_true(r->ctr >= 0);
	assert_int_equal(ioctl(r->ctr, VFIO_GET_API_VERSION), VFIO_API_VERSION);
	assert_int_equal(ioctl(r->ctr, VFIO_CHECK_EXTENSION,
			       VFIO_TYPE1v2_IOMMU), 1);
	assert_int_equal(ioctl(r->grp, VFIO_GROUP_SET_CONTAINER, &r->ctr), 0);
	assert_int_equal(ioctl(r->ctr, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);

	/* vfio_get_iommu_info: 24 bytes, again with what the reply asks. */
	iinfo = calloc(1, sizeof(*iinfo));
	assert_non_null(iinfo);
	iinfo->argsz = sizeof(*iinfo);
	assert_int_equal(ioctl(r->ctr, VFIO_IOMMU_GET_INFO, iinfo), 0);
	assert_true(iinfo->argsz > sizeof(*iinfo));
	assert_true(iinfo->flags & VFIO_IOMMU_INFO_CAPS);
	iinfo = realloc(iinfo, iinfo->argsz);
	assert_non_null(iinfo);
	assert_int_equal(ioctl(r->ctr, VFIO_IOMMU_GET_INFO, iinfo), 0);
	assert_true(iinfo->flags & VFIO_IOMMU_INFO_PGSIZES);
	assert_int_equal(iinfo->iova_pgsizes & 0xfff, 0);
	assert_true(iinfo->iova_pgsizes & 0x1000);
	assert_int_equal(iinfo->cap_offset, sizeof(*iinfo));
	free(iinfo);

	assert_int_equal(ioctl(r->grp, VFIO_GROUP_GET_STATUS, &status), 0);
	assert_true(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET);

	if (ram == RIG_RAM_MEMFD) {
		r->memfd = memfd_create("guest-ram",
					MFD_CLOEXEC | MFD_ALLOW_SEALING);
		assert_true(r->memfd >= 0);
		assert_int_equal(ftruncate(r->memfd, RIG_RAM_SIZE), 0);
		/* As QEMU's memory-backend-memfd (seal=on) leaves it. */
		assert_int_equal(fcntl(r->memfd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
		r->ram = mmap(NULL, RIG_RAM_SIZE, PROT_READ | PROT_WRITE,
			      MAP_SHARED, r->memfd, 0);
	} else {
		r->ram = mmap(NULL, RIG_RAM_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	assert_true(r->ram != MAP_FAILED);
	/* The memory listener maps RAM before the device is opened. */
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)r->ram;
	map.iova = 0;
	map.size = RIG_RAM_SIZE;
	assert_int_equal(ioctl(r->ctr, VFIO_IOMMU_MAP_DMA, &map), 0);
}

void rig_open_device(struct rig *r, const char *uuid)
{
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct vfio_region_info *info;
	static const uint32_t sizes[4] = {
		PL_TS_IO_SIZE, PL_TS_ASYNC_SIZE, PL_TS_SCHIB_SIZE,
		PL_TS_CRW_SIZE,
	};

	r->dev = ioctl(r->grp, VFIO_GROUP_GET_DEVICE_FD, uuid);
	assert_true(r->dev >= 0);
	assert_int_equal(ioctl(r->dev, VFIO_DEVICE_GET_INFO, &dinfo), 0);
	assert_true(dinfo.flags & VFIO_DEVICE_FLAGS_CCW);
	assert_true(dinfo.flags & VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(dinfo.num_regions, 4);
	assert_int_equal(dinfo.num_irqs, 3);

	info = rig_region_info(r->dev, VFIO_CCW_CONFIG_REGION_INDEX);
	assert_non_null(info);
	assert_int_equal(info->size, PL_TS_IO_SIZE);
	assert_false(info->flags & VFIO_REGION_INFO_FLAG_CAPS);
	r->region_off[0] = info->offset;
	free(info);
	for (uint32_t sub = 1; sub <= 3; sub++) {
		info = find_region(r->dev, dinfo.num_regions,
				   VFIO_REGION_TYPE_CCW, sub);
		assert_non_null(info);
		assert_int_equal(info->size, sizes[sub]);
		assert_int_equal(info->offset, (uint64_t)info->index << 10);
		r->region_off[sub] = info->offset;
		free(info);
	}

	for (uint32_t i = 0; i < 3; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };
		uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
		struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

		assert_int_equal(ioctl(r->dev, VFIO_DEVICE_GET_IRQ_INFO, &ii),
				 0);
		assert_true(ii.count >= 1);
		r->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		assert_true(r->efd[i] >= 0);
		set->argsz = sizeof(buf);
		set->flags = VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_TRIGGER;
		set->index = i;
		set->start = 0;
		set->count = 1;
		memcpy(set->data, &r->efd[i], sizeof(int32_t));
		assert_int_equal(ioctl(r->dev, VFIO_DEVICE_SET_IRQS, set), 0);
	}
	/* The machine reset at start-up. */
	assert_int_equal(ioctl(r->dev, VFIO_DEVICE_RESET), 0);
}

void rig_open(struct rig *r, unsigned group, const char *uuid,
	      enum rig_ram ram)
{
	rig_open_container(r, group, ram);
	rig_open_device(r, uuid);
}

static void clear_irq(struct rig *r, uint32_t i)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int32_t none = -1;

	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = i;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &none, sizeof(none));
	assert_int_equal(ioctl(r->dev, VFIO_DEVICE_SET_IRQS, set), 0);
}

void rig_close_device(struct rig *r)
{
	if (r->dev < 0)
		return;
	for (int i = 2; i >= 0; i--)
		clear_irq(r, (uint32_t)i);
	assert_int_equal(close(r->dev), 0);
	for (int i = 0; i < 3; i++)
		close(r->efd[i]);
	r->dev = -1;
}

void rig_close(struct rig *r)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = 0, .size = RIG_RAM_SIZE,
	};

	rig_close_device(r);
	assert_int_equal(ioctl(r->ctr, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	assert_int_equal(unmap.size, RIG_RAM_SIZE);
	assert_int_equal(ioctl(r->grp, VFIO_GROUP_UNSET_CONTAINER), 0);
	assert_int_equal(close(r->grp), 0);
	assert_int_equal(close(r->ctr), 0);
	munmap(r->ram, RIG_RAM_SIZE);
	if (r->memfd >= 0)
		close(r->memfd);
}

uint32_t rig_stat(struct rig *r, unsigned off)
{
	uint8_t s[PL_TS_SCHIB_SIZE];

	assert_int_equal(pread(r->dev, s, sizeof(s), (off_t)r->region_off[2]),
			 sizeof(s));
	return ld_he32(s + off);
}

ssize_t rig_command(struct rig *r, uint32_t op, uint32_t arg, uint64_t iova,
		    uint32_t len)
{
	uint8_t io[PL_TS_IO_SIZE] = { 0 };

	st_he32(io + PL_TS_OP, op);
	st_he32(io + PL_TS_ARG, arg);
	st_he64(io + PL_TS_IOVA, iova);
	st_he32(io + PL_TS_LEN, len);
	return pwrite(r->dev, io, sizeof(io), (off_t)r->region_off[0]);
}

int rig_wait_irq(struct rig *r, int i)
{
	struct pollfd p = { .fd = r->efd[i], .events = POLLIN };
	eventfd_t v;

	if (poll(&p, 1, 20000) != 1)
		return 0;
	return eventfd_read(r->efd[i], &v) == 0 && v > 0;
}

const char *rig_capture_stderr(void (*fn)(void *), void *opaque)
{
	static char text[8192];
	char path[512];
	int saved, f;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/stderr.txt", runtime);
	fflush(stderr);
	saved = dup(2);
	f = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(saved >= 0 && f >= 0);
	dup2(f, 2);
	fn(opaque);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(f, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	close(f);
	unlink(path);
	return text;
}

int rig_close_leftovers(void **state)
{
	char path[300], link[256];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int fds[256], n = 0;

	(void)state;
	/* A test that failed half way may have changed the library's mode. */
	unsetenv("CCWPASS_PRELOAD_PROCESS_VM");
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < 256) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (strstr(link, "memfd:ccwpass:"))
			fds[n++] = atoi(e->d_name);
	}
	closedir(d);
	/* Devices first: they keep their groups. */
	for (int pass = 0; pass < 3; pass++) {
		static const char *const kinds[3] = {
			"vfio-device", "vfio-group", "vfio-container",
		};

		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
			if (readlink(path, link, sizeof(link) - 1) > 0 &&
			    strstr(link, kinds[pass]))
				close(fds[i]);
		}
	}
	return 0;
}
