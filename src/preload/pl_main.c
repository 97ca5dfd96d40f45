/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Library set-up (constructor, fork handling, log sink, environment) and
 * the object plumbing shared by container, group and device.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "preload/pl_debug.h"
#include "preload/pl_fdtab.h"
#include "preload/pl_memtrack.h"
#include "preload/pl_real.h"
#include "preload/pl_vfio.h"

#define DEFAULT_RUNTIME_DIR "/run/ccwpass"

bool pl_debug_on;

static void sink(int level, const char *msg, void *opaque)
{
	char line[1200];
	int n;

	n = snprintf(line, sizeof(line), "ccwpass-preload: %s%s\n",
		     level == LOG_DEBUG ? "" :
		     level <= LOG_ERR ? "error: " :
		     level == LOG_WARNING ? "warning: " : "", msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* One write: lines of several threads do not mix. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

static void pl_lock_reinit(void);

/* fork(2) with the library's state consistent (see pl_fdtab.h). */
static void fork_prepare(void)
{
	pl_lock();
	pl_fdtab_fork_prepare();
	pl_memtrack_fork_prepare();
}

static void fork_parent(void)
{
	pl_memtrack_fork_parent();
	pl_fdtab_fork_parent();
	pl_unlock();
}

static void fork_child(void)
{
	pl_memtrack_fork_child();
	pl_fdtab_fork_child();
	pl_lock_reinit();
}

__attribute__((constructor)) static void pl_init(void)
{
	const char *d = getenv("CCWPASS_PRELOAD_DEBUG");

	pl_real_init();
	log_set_sink(sink, NULL);
	if (d && *d && strcmp(d, "0")) {
		pl_debug_on = true;
		log_set_level(LOG_DEBUG);
		log_msg(LOG_DEBUG, "loaded (runtime dir %s)",
			pl_runtime_dir());
	}
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

const char *pl_runtime_dir(void)
{
	const char *d = getenv("CCWPASS_RUNTIME_DIR");

	return d && *d ? d : DEFAULT_RUNTIME_DIR;
}

/* Environment variable name as a number in [lo, hi]; def when it is not
 * set, not a number or out of range. */
static int env_int(const char *name, int def, long lo, long hi)
{
	const char *s = getenv(name);
	long v;
	char *end;

	if (!s || !*s)
		return def;
	v = strtol(s, &end, 10);
	return *end || v < lo || v > hi ? def : (int)v;
}

/*
 * Bound on one request to ccwpassd (CCWPASS_PRELOAD_TIMEOUT_MS, default
 * 30 s): past it the device counts as gone (ENODEV, cc 3 to the guest).
 */
int pl_call_timeout_ms(void)
{
	return env_int("CCWPASS_PRELOAD_TIMEOUT_MS", 30000, 1, 3600000);
}

/*
 * How long a call polls for ccwpassd's reply before it sleeps
 * (CCWPASS_PRELOAD_SPIN_US, default 200; 0: sleeps at once). The caller is
 * QEMU's vCPU thread (a start, holding QEMU's big lock: the guest waits
 * anyway) or its main loop (the interrupt's IRB): waking a thread that
 * slept costs tens of microseconds per reply on a virtual machine.
 */
int pl_spin_us(void)
{
	return env_int("CCWPASS_PRELOAD_SPIN_US", 200, 0, 100000);
}

/*
 * How long a device whose connection ended waits for ccwpassd to come back
 * (CCWPASS_PRELOAD_RECONNECT_MS, default 120 s; 0: the device is gone at
 * once, as before ccwpass could restart).
 */
int pl_reconnect_ms(void)
{
	return env_int("CCWPASS_PRELOAD_RECONNECT_MS", 120000, 0, 3600000);
}

/*
 * Offer ccwpassd direct access to guest RAM mapped without a file
 * (CCWPASS_PRELOAD_PROCESS_VM, default on; "0" keeps DMA messages only).
 */
bool pl_process_vm_wanted(void)
{
	const char *s = getenv("CCWPASS_PRELOAD_PROCESS_VM");

	return !s || strcmp(s, "0");
}

/*
 * When START SUBCHANNEL's io-region write is posted instead of waiting for
 * its answer (CCWPASS_PRELOAD_POSTED_START: "0" never, as the kernel's
 * driver makes QEMU wait; "1" always; default: while another device has a
 * start in flight). docs/preload.md "Posted starts".
 */
enum pl_posted pl_posted_start_mode(void)
{
	const char *s = getenv("CCWPASS_PRELOAD_POSTED_START");

	if (s && !strcmp(s, "0"))
		return PL_POSTED_NEVER;
	if (s && !strcmp(s, "1"))
		return PL_POSTED_ALWAYS;
	return PL_POSTED_AUTO;
}

bool pl_posted_start_wanted(void)
{
	return pl_posted_start_mode() != PL_POSTED_NEVER;
}

/* ---- objects ---------------------------------------------------------- */

static pthread_mutex_t graph_lock;
static pthread_once_t graph_once = PTHREAD_ONCE_INIT;

static void graph_init(void)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&graph_lock, &a);
	pthread_mutexattr_destroy(&a);
}

void pl_lock(void)
{
	pthread_once(&graph_once, graph_init);
	pthread_mutex_lock(&graph_lock);
}

void pl_unlock(void)
{
	pthread_mutex_unlock(&graph_lock);
}

bool pl_trylock(void)
{
	pthread_once(&graph_once, graph_init);
	return pthread_mutex_trylock(&graph_lock) == 0;
}

/* In a fork child: the owner of the copied lock is a thread that is not
 * there (the forking thread has a new id), so start it afresh. */
static void pl_lock_reinit(void)
{
	graph_init();
}

void pl_obj_get(struct pl_obj *o)
{
	atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

bool pl_obj_tryget(struct pl_obj *o)
{
	int n = atomic_load_explicit(&o->refs, memory_order_relaxed);

	while (n > 0)
		if (atomic_compare_exchange_weak_explicit(&o->refs, &n, n + 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	return false;
}

void pl_obj_put(struct pl_obj *o)
{
	if (!o || atomic_fetch_sub_explicit(&o->refs, 1,
					    memory_order_acq_rel) != 1)
		return;
	switch (o->kind) {
	case PL_CONTAINER:
		pl_container_release((struct pl_container *)o);
		break;
	case PL_GROUP:
		pl_group_release((struct pl_group *)o);
		break;
	case PL_DEVICE:
		pl_device_release((struct pl_device *)o);
		break;
	}
}

void pl_obj_closed(struct pl_obj *o, int fd)
{
	PL_DEBUG("close(%d): %s", fd, o->kind == PL_CONTAINER ? "container" :
		 o->kind == PL_GROUP ? "group" : "device");
	pl_lock();
	if (o->kind == PL_GROUP)
		pl_group_closed((struct pl_group *)o);
	else if (o->kind == PL_DEVICE)
		pl_device_closed((struct pl_device *)o);
	pl_unlock();
}

int pl_make_fd(const char *name, int open_flags)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_WRITE | F_SEAL_GROW |
			       F_SEAL_SHRINK);
	if (!(open_flags & O_CLOEXEC))
		fcntl(fd, F_SETFD, 0);
	return fd;
}

/* ---- debug names ------------------------------------------------------ */

const char *pl_ioctl_name(unsigned long req, char *buf, unsigned size)
{
	static const struct {
		unsigned long req;
		const char *name;
	} names[] = {
		{ VFIO_GET_API_VERSION, "VFIO_GET_API_VERSION" },
		{ VFIO_CHECK_EXTENSION, "VFIO_CHECK_EXTENSION" },
		{ VFIO_SET_IOMMU, "VFIO_SET_IOMMU" },
		{ VFIO_GROUP_GET_STATUS, "VFIO_GROUP_GET_STATUS" },
		{ VFIO_GROUP_SET_CONTAINER, "VFIO_GROUP_SET_CONTAINER" },
		{ VFIO_GROUP_UNSET_CONTAINER, "VFIO_GROUP_UNSET_CONTAINER" },
		{ VFIO_GROUP_GET_DEVICE_FD, "VFIO_GROUP_GET_DEVICE_FD" },
		{ VFIO_DEVICE_GET_INFO, "VFIO_DEVICE_GET_INFO" },
		{ VFIO_DEVICE_GET_REGION_INFO, "VFIO_DEVICE_GET_REGION_INFO" },
		{ VFIO_DEVICE_GET_IRQ_INFO, "VFIO_DEVICE_GET_IRQ_INFO" },
		{ VFIO_DEVICE_SET_IRQS, "VFIO_DEVICE_SET_IRQS" },
		{ VFIO_DEVICE_RESET, "VFIO_DEVICE_RESET" },
		{ VFIO_IOMMU_GET_INFO, "VFIO_IOMMU_GET_INFO" },
		{ VFIO_IOMMU_MAP_DMA, "VFIO_IOMMU_MAP_DMA" },
		{ VFIO_IOMMU_UNMAP_DMA, "VFIO_IOMMU_UNMAP_DMA" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].req == req)
			return names[i].name;
	snprintf(buf, size, "0x%lx", req);
	return buf;
}
