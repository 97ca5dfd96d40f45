/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VFIO device fd backed by a vfio-user connection to ccwpassd
 * (QEMU docs/interop/vfio-user.rst). The device ioctls of <linux/vfio.h>
 * (VFIO_DEVICE_GET_INFO, _GET_REGION_INFO, _GET_IRQ_INFO, _SET_IRQS,
 * _RESET) become the vfio-user commands of the same name; argsz and
 * capability-chain handling follow the kernel (drivers/vfio/vfio_main.c,
 * drivers/s390/cio/vfio_ccw_ops.c): a too small argsz for the chain gets
 * FLAG_CAPS, the size needed and cap_offset 0; only the fixed part of each
 * struct is written back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/deadline.h"
#include "common/error.h"
#include "preload/pl_debug.h"
#include "preload/pl_device.h"
#include "vfio_user/vfu_client.h"

/* Fixed parts of the ioctl structs (offsetofend of the last field). */
#define DEVICE_INFO_MINSZ  16
#define REGION_INFO_MINSZ  32
#define IRQ_INFO_MINSZ     16
#define IRQ_SET_MINSZ      20
/* Largest region info (with capabilities) fetched from the server. */
#define REGION_INFO_MAX    65536
/*
 * A server that still serves the previous connection of this mdev (QEMU
 * closed it a moment ago: device_del + device_add, a test) refuses the
 * next one until it has seen the close; a socket whose group node was just
 * granted to us takes the node's owner a moment later. Retry those for up
 * to a second.
 */
#define CONNECT_WAIT_MS    1000
#define CONNECT_PAUSE_NS   20000000L
_Static_assert(offsetof(struct vfio_device_info, num_irqs) + 4 ==
	       DEVICE_INFO_MINSZ, "vfio_device_info");
_Static_assert(sizeof(struct vfio_region_info) == REGION_INFO_MINSZ,
	       "vfio_region_info");
_Static_assert(sizeof(struct vfio_irq_info) == IRQ_INFO_MINSZ,
	       "vfio_irq_info");
_Static_assert(sizeof(struct vfio_irq_set) == IRQ_SET_MINSZ, "vfio_irq_set");
_Static_assert(VFU_REGION_INFO_SIZE == REGION_INFO_MINSZ,
	       "vfio-user region info is the VFIO struct");

const char *pl_device_name(const struct pl_device *d)
{
	return d->name;
}

/* ---- connection ------------------------------------------------------- */

/* What the server takes per message (d->c's negotiation). */
static void set_limits(struct pl_device *d)
{
	const struct vfu_caps *caps = vfu_client_server_caps(d->c);

	d->max_xfer = caps->max_data_xfer_size < VFU_MAX_DATA_XFER ?
		      (uint32_t)caps->max_data_xfer_size : VFU_MAX_DATA_XFER;
	d->max_fds = caps->max_msg_fds < VFU_MAX_FDS ?
		     (uint32_t)caps->max_msg_fds : VFU_MAX_FDS;
	if (!d->max_fds)
		d->max_fds = 1;
}

unsigned long pl_device_gen(struct pl_device *d)
{
	unsigned long gen;

	pthread_mutex_lock(&d->rc_lock);
	gen = d->conn_gen;
	pthread_mutex_unlock(&d->rc_lock);
	return gen;
}

bool pl_device_transport_error(int ret)
{
	return ret == -ENOTCONN || ret == -ECONNRESET || ret == -EPIPE ||
	       ret == -ETIMEDOUT;
}

bool pl_device_wait_reconnect(struct pl_device *d, unsigned long gen)
{
	struct timespec until = deadline_ms(pl_reconnect_ms() + 5000);
	bool again;

	if (!pl_reconnect_ms())
		return false;
	pthread_mutex_lock(&d->rc_lock);
	while (d->conn_gen == gen && !atomic_load(&d->gone) &&
	       !atomic_load(&d->closing) &&
	       pthread_cond_timedwait(&d->rc_cond, &d->rc_lock, &until) !=
	       ETIMEDOUT)
		;
	again = d->conn_gen != gen;
	pthread_mutex_unlock(&d->rc_lock);
	return again;
}

/*
 * The connection's end is not the device's when ccwpassd restarts (an
 * upgrade, a crash): connect again to the mdev's socket for up to
 * CCWPASS_PRELOAD_RECONNECT_MS, replay the DMA mappings and interrupt
 * eventfds, and swap the connection under every user's feet. A start the
 * old daemon took ends as a real channel ends one whose path failed
 * mid-operation: interface-control check (the guest's driver retries).
 */
static int reconnect(struct pl_device *d)
{
	struct vfu_client_opts opts = {
		.process_vm = pl_process_vm_wanted(),
		.posted_write = pl_posted_start_wanted(),
		.timeout_ms = pl_call_timeout_ms(),
		.spin_us = pl_spin_us(),
	};
	struct timespec until = deadline_ms(pl_reconnect_ms()), now;
	struct vfu_device_info di;
	struct vfu_client *nc = NULL, *old;
	struct error err = { 0 };
	int ret = -ENOTCONN;

	log_msg(LOG_NOTICE, "mdev %s: the connection to ccwpassd ended; "
		"connecting again for up to %d ms", d->name, pl_reconnect_ms());
	while (!atomic_load(&d->closing)) {
		ret = vfu_client_connect_opts(d->path, &opts, &nc, &err);
		if (ret == 0) {
			ret = vfu_client_device_info(nc, &di);
			if (ret == 0 && (di.num_regions != d->num_regions ||
					 di.num_irqs != d->num_irqs))
				ret = -EPROTO;
			if (ret == 0)
				break;
			vfu_client_close(nc);
			nc = NULL;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!deadline_after(&until, &now))
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 },
			  NULL);
	}
	if (!nc) {
		log_msg(LOG_ERR, "mdev %s: ccwpassd did not come back at %s "
			"(%s): the device is gone", d->name, d->path,
			strerror(-ret));
		goto out;
	}
	vfu_client_set_timeout(nc, pl_call_timeout_ms());
	/* pl_lock before conn, as a DMA map that fans out takes them; but
	 * not while QEMU closes the device under pl_lock (it joins us). */
	while (!pl_trylock()) {
		if (atomic_load(&d->closing)) {
			vfu_client_close(nc);
			ret = -ENODEV;
			goto out;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 }, NULL);
	}
	pthread_rwlock_wrlock(&d->conn);
	if (atomic_load(&d->closing)) {
		/* QEMU closed it meanwhile: its close shut the old one down
		 * and nobody would shut this one down. */
		pthread_rwlock_unlock(&d->conn);
		pl_unlock();
		vfu_client_close(nc);
		ret = -ENODEV;
		goto out;
	}
	old = d->c;
	d->c = nc;
	set_limits(d);
	ret = pl_container_replay_device(d);
	for (uint32_t i = 0; ret == 0 && i < d->num_irqs; i++) {
		int fd;

		pthread_mutex_lock(&d->rc_lock);
		fd = d->irq_fd[i];
		pthread_mutex_unlock(&d->rc_lock);
		if (fd >= 0)
			ret = vfu_client_set_irqs(nc, i,
						  VFIO_IRQ_SET_DATA_EVENTFD |
						  VFIO_IRQ_SET_ACTION_TRIGGER,
						  0, 1, &fd, 1, NULL);
	}
	if (ret < 0) {
		/* Half set up is worse than gone: calls fail ENODEV. */
		vfu_client_shutdown(nc);
	} else {
		/* Before anyone sees the new connection: a start the old
		 * daemon took ends now; then the generation moves. */
		pl_device_fail_pending_start(d);
		pthread_mutex_lock(&d->rc_lock);
		d->conn_gen++;
		pthread_mutex_unlock(&d->rc_lock);
	}
	pthread_rwlock_unlock(&d->conn);
	pl_unlock();
	vfu_client_shutdown(old);
	vfu_client_close(old);
	if (ret < 0)
		log_msg(LOG_ERR, "mdev %s: replaying the device's state on the "
			"new connection: %s", d->name, strerror(-ret));
	else
		log_msg(LOG_NOTICE, "mdev %s: connected to ccwpassd again; its "
			"DMA mappings and interrupts are back", d->name);
out:
	pthread_mutex_lock(&d->rc_lock);
	pthread_cond_broadcast(&d->rc_cond);
	pthread_mutex_unlock(&d->rc_lock);
	return ret;
}

static void *service_main(void *opaque)
{
	struct pl_device *d = opaque;

	for (;;) {
		/* Blocks in the socket; also carries replies when it is the
		 * reader. Only this thread swaps d->c. */
		while (vfu_client_service(d->c, -1) >= 0)
			;
		if (atomic_load(&d->closing) || !pl_reconnect_ms() ||
		    reconnect(d) < 0)
			break;
	}
	atomic_store(&d->gone, true);
	pthread_mutex_lock(&d->rc_lock);
	pthread_cond_broadcast(&d->rc_cond);
	pthread_mutex_unlock(&d->rc_lock);
	PL_DEBUG("mdev %s: connection closed", d->name);
	return NULL;
}

static int start_service(struct pl_device *d)
{
	sigset_t all, old;
	int ret;

	/* QEMU's signals (SIGIO, SIG_IPI, ...) stay with QEMU's threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&d->thread, NULL, service_main, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	pthread_setname_np(d->thread, "ccwpass-vfu");
	d->thread_started = true;
	return 0;
}

/* Device, region and IRQ layout; fixed for the life of the connection. */
static int read_layout(struct pl_device *d)
{
	struct vfu_device_info di;
	struct vfu_region_info ri;
	struct vfu_irq_info ii;
	uint8_t buf[REGION_INFO_MINSZ];
	int ret;

	ret = vfu_client_device_info(d->c, &di);
	if (ret < 0)
		return ret;
	if (di.num_regions > PL_MAX_REGIONS || di.num_irqs > PL_MAX_IRQS)
		return -EPROTO;
	d->flags = di.flags;
	d->num_regions = di.num_regions;
	d->num_irqs = di.num_irqs;
	for (uint32_t i = 0; i < d->num_regions; i++) {
		ret = vfu_client_region_info(d->c, i, buf, sizeof(buf));
		if (ret < 0)
			return ret;
		if (vfu_region_info_decode(buf, (size_t)ret, &ri) < 0)
			return -EPROTO;
		d->region[i] = (struct pl_region){
			.offset = ri.offset, .size = ri.size, .flags = ri.flags,
		};
	}
	for (uint32_t i = 0; i < d->num_irqs; i++) {
		ret = vfu_client_irq_info(d->c, i, &ii);
		if (ret < 0)
			return ret;
		d->irq_count[i] = ii.count;
	}
	return 0;
}

int pl_device_connect(struct pl_group *g, const char *name,
		      struct pl_device **dp)
{
	struct vfu_client_opts opts = {
		.process_vm = pl_process_vm_wanted(),
		.posted_write = pl_posted_start_wanted(),
		.timeout_ms = pl_call_timeout_ms(),
		.spin_us = pl_spin_us(),
	};
	struct timespec until, now;
	struct pl_device *d;
	struct error err = { 0 };
	int ret;

	*dp = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->obj.kind = PL_DEVICE;
	atomic_init(&d->obj.refs, 1);
	pthread_rwlock_init(&d->conn, NULL);
	pthread_mutex_init(&d->rc_lock, NULL);
	deadline_cond_init(&d->rc_cond);
	for (int i = 0; i < PL_MAX_IRQS; i++)
		d->irq_fd[i] = -1;
	snprintf(d->name, sizeof(d->name), "%s", name);
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s/vfio-user/%s.sock",
			     pl_runtime_dir(), name) >= sizeof(d->path)) {
		log_msg(LOG_ERR, "mdev %s: socket path under %s is too long",
			name, pl_runtime_dir());
		free(d);
		return -ENAMETOOLONG;
	}
	until = deadline_ms(CONNECT_WAIT_MS);
	for (;;) {
		ret = vfu_client_connect_opts(d->path, &opts, &d->c, &err);
		if (ret != -ECONNREFUSED &&
		    (ret != -EACCES || pl_group_access(pl_group_id(g)) < 0))
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!deadline_after(&until, &now))
			break;
		nanosleep(&(struct timespec){ .tv_nsec = CONNECT_PAUSE_NS },
			  NULL);
	}
	if (ret < 0) {
		log_msg(LOG_ERR, "mdev %s: cannot connect to ccwpassd at %s: "
			"%s (is ccwpassd running and serving this mdev?)",
			name, d->path, strerror(-ret));
		PL_DEBUG("mdev %s: %s", name, err.msg);
		free(d);
		return ret;
	}
	/* A daemon that stops answering must not hang a vCPU thread. */
	vfu_client_set_timeout(d->c, pl_call_timeout_ms());
	set_limits(d);
	ret = read_layout(d);
	if (ret == 0)
		ret = start_service(d);
	if (ret < 0) {
		log_msg(LOG_ERR, "mdev %s: %s: cannot read the device layout: "
			"%s", name, d->path, strerror(-ret));
		vfu_client_close(d->c);
		free(d);
		return ret;
	}
	pl_obj_get((struct pl_obj *)g);
	d->group = g;
	PL_DEBUG("mdev %s: connected to %s: flags 0x%x, %u regions, %u irqs, "
		 "RAM without file: %s", name, d->path, d->flags,
		 d->num_regions, d->num_irqs, vfu_client_process_vm(d->c) ?
		 "process_vm (DMA messages as fallback)" : "DMA messages");
	*dp = d;
	return 0;
}

void pl_device_opened(struct pl_device *d)
{
	d->open_fds++;
}

void pl_device_closed(struct pl_device *d)
{
	if (--d->open_fds)
		return;
	pl_group_forget_device(d->group, d);
	/* Wake whoever waits for the server: their calls fail ENODEV. */
	atomic_store(&d->closing, true);
	atomic_store(&d->gone, true);
	pthread_rwlock_rdlock(&d->conn);
	vfu_client_shutdown(d->c);
	pthread_rwlock_unlock(&d->conn);
	pthread_mutex_lock(&d->rc_lock);
	pthread_cond_broadcast(&d->rc_cond);
	pthread_mutex_unlock(&d->rc_lock);
}

void pl_device_release(struct pl_device *d)
{
	atomic_store(&d->closing, true);
	atomic_store(&d->gone, true);
	pthread_rwlock_rdlock(&d->conn);
	vfu_client_shutdown(d->c);
	pthread_rwlock_unlock(&d->conn);
	if (d->thread_started)
		pthread_join(d->thread, NULL);
	pl_device_no_start(d);
	vfu_client_close(d->c);
	for (int i = 0; i < PL_MAX_IRQS; i++)
		if (d->irq_fd[i] >= 0)
			close(d->irq_fd[i]);
	pl_obj_put((struct pl_obj *)d->group);
	pthread_cond_destroy(&d->rc_cond);
	pthread_mutex_destroy(&d->rc_lock);
	pthread_rwlock_destroy(&d->conn);
	free(d);
}

/* ---- ioctls ----------------------------------------------------------- */

static int get_info(struct pl_device *d, uint8_t *p)
{
	if (ld_he32(p) < DEVICE_INFO_MINSZ)
		return -EINVAL;
	/* No device capabilities are passed on. */
	st_he32(p + offsetof(struct vfio_device_info, flags),
		d->flags & ~(uint32_t)VFIO_DEVICE_FLAGS_CAPS);
	st_he32(p + offsetof(struct vfio_device_info, num_regions),
		d->num_regions);
	st_he32(p + offsetof(struct vfio_device_info, num_irqs), d->num_irqs);
	return 0;
}

static int region_info(struct pl_device *d, uint8_t *p)
{
	uint32_t argsz = ld_he32(p);
	uint32_t index = ld_he32(p + offsetof(struct vfio_region_info, index));
	uint32_t want = argsz < REGION_INFO_MAX ? argsz : REGION_INFO_MAX;
	uint32_t out_argsz = argsz, cap_offset = 0, flags;
	uint8_t small[256], *buf = small;
	struct vfu_region_info ri;
	size_t n;
	int ret;

	if (argsz < REGION_INFO_MINSZ)
		return -EINVAL;
	if (want > sizeof(small)) {
		buf = malloc(want);
		if (!buf)
			return -ENOMEM;
	}
	ret = vfu_client_region_info(d->c, index, buf, want);
	if (ret < 0)
		goto out;
	n = (size_t)ret;
	ret = -EPROTO;
	if (vfu_region_info_decode(buf, n, &ri) < 0 || ri.index != index)
		goto out;
	/* The region cannot be mmapped here; QEMU then uses pread/pwrite. */
	flags = ri.flags & ~(uint32_t)VFIO_REGION_INFO_FLAG_MMAP;
	if (flags & VFIO_REGION_INFO_FLAG_CAPS) {
		if (argsz < ri.argsz) {
			out_argsz = ri.argsz;
		} else if (ri.cap_offset >= REGION_INFO_MINSZ &&
			   ri.cap_offset < n) {
			memcpy(p + REGION_INFO_MINSZ, buf + REGION_INFO_MINSZ,
			       n - REGION_INFO_MINSZ);
			cap_offset = ri.cap_offset;
		} else {
			goto out;       /* chain promised but not sent */
		}
	}
	st_he32(p, out_argsz);
	st_he32(p + offsetof(struct vfio_region_info, flags), flags);
	st_he32(p + offsetof(struct vfio_region_info, cap_offset), cap_offset);
	st_he64(p + offsetof(struct vfio_region_info, size), ri.size);
	st_he64(p + offsetof(struct vfio_region_info, offset), ri.offset);
	ret = 0;
out:
	if (buf != small)
		free(buf);
	return ret;
}

static int irq_info(struct pl_device *d, uint8_t *p)
{
	struct vfu_irq_info ii;
	int ret;

	if (ld_he32(p) < IRQ_INFO_MINSZ)
		return -EINVAL;
	ret = vfu_client_irq_info(d->c,
				  ld_he32(p + offsetof(struct vfio_irq_info,
						       index)), &ii);
	if (ret < 0)
		return ret;
	st_he32(p + offsetof(struct vfio_irq_info, flags), ii.flags);
	st_he32(p + offsetof(struct vfio_irq_info, count), ii.count);
	return 0;
}

/* SET_IRQS with eventfds: -1 entries de-assign, the others are sent with
 * SCM_RIGHTS in messages of at most max_fds descriptors. */
static int set_eventfds(struct pl_device *d, uint32_t index, uint32_t flags,
			uint32_t start, uint32_t count, const uint8_t *data)
{
	int fds[VFU_MAX_FDS];
	uint32_t k = 0;

	for (uint32_t i = 0; i < count; i++) {
		int32_t fd = (int32_t)ld_he32(data + 4 * i);

		if (fd < -1)
			return -EINVAL;
		/* A closed fd would fail sendmsg and end the connection. */
		if (fd >= 0 && fcntl(fd, F_GETFD) < 0)
			return -EBADF;
	}
	while (k < count) {
		bool clear = (int32_t)ld_he32(data + 4 * k) == -1;
		uint32_t n = 0;
		int ret;

		while (k + n < count &&
		       ((int32_t)ld_he32(data + 4 * (k + n)) == -1) == clear &&
		       (clear || n < d->max_fds)) {
			if (!clear)
				fds[n] = (int32_t)ld_he32(data + 4 * (k + n));
			n++;
		}
		ret = vfu_client_set_irqs(d->c, index, flags, start + k, n,
					  clear ? NULL : fds, clear ? 0 : n,
					  NULL);
		if (ret < 0)
			return ret;
		k += n;
	}
	/* Kept for a reconnect (vfio-ccw's interrupts have one each). */
	if (start == 0 && count == 1 &&
	    (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) ==
	    VFIO_IRQ_SET_ACTION_TRIGGER) {
		int32_t fd = (int32_t)ld_he32(data);

		pthread_mutex_lock(&d->rc_lock);
		if (d->irq_fd[index] >= 0)
			close(d->irq_fd[index]);
		d->irq_fd[index] = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
		pthread_mutex_unlock(&d->rc_lock);
	}
	return 0;
}

static int set_irqs(struct pl_device *d, uint8_t *p)
{
	uint32_t argsz = ld_he32(p);
	uint32_t flags = ld_he32(p + offsetof(struct vfio_irq_set, flags));
	uint32_t index = ld_he32(p + offsetof(struct vfio_irq_set, index));
	uint32_t start = ld_he32(p + offsetof(struct vfio_irq_set, start));
	uint32_t count = ld_he32(p + offsetof(struct vfio_irq_set, count));
	const uint8_t *data = p + IRQ_SET_MINSZ;
	uint32_t max, elem;

	if (argsz < IRQ_SET_MINSZ || index >= d->num_irqs ||
	    flags & ~(uint32_t)(VFIO_IRQ_SET_DATA_TYPE_MASK |
				VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		elem = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		elem = 1;
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		elem = 4;
		break;
	default:
		return -EINVAL;
	}
	switch (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
	case VFIO_IRQ_SET_ACTION_UNMASK:
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		break;
	default:
		return -EINVAL;
	}
	max = d->irq_count[index];
	if (count && (start >= max || count > max - start))
		return -EINVAL;
	if (elem && (uint64_t)(argsz - IRQ_SET_MINSZ) < (uint64_t)elem * count)
		return -EINVAL;
	if (elem == 4 && count)
		return set_eventfds(d, index, flags, start, count, data);
	return vfu_client_set_irqs(d->c, index, flags, start, count, NULL, 0,
				   elem == 1 ? data : NULL);
}

int pl_device_ioctl(struct pl_device *d, unsigned long req, unsigned long arg)
{
	unsigned long gen;
	int ret;

	if (req == VFIO_DEVICE_GET_INFO)
		return get_info(d, (uint8_t *)arg);
	for (int attempt = 0;; attempt++) {
		pthread_rwlock_rdlock(&d->conn);
		gen = pl_device_gen(d);
		switch (req) {
		case VFIO_DEVICE_GET_REGION_INFO:
			ret = region_info(d, (uint8_t *)arg);
			break;
		case VFIO_DEVICE_GET_IRQ_INFO:
			ret = irq_info(d, (uint8_t *)arg);
			break;
		case VFIO_DEVICE_SET_IRQS:
			ret = set_irqs(d, (uint8_t *)arg);
			break;
		case VFIO_DEVICE_RESET:
			ret = vfu_client_reset(d->c);
			if (ret >= 0)
				pl_device_no_start(d);
			break;
		default:
			pthread_rwlock_unlock(&d->conn);
			return -ENOTTY;
		}
		pthread_rwlock_unlock(&d->conn);
		/* The connection went: once more on the next one. */
		if (ret >= 0 || attempt || !pl_device_transport_error(ret) ||
		    !pl_device_wait_reconnect(d, gen))
			break;
	}
	return ret < 0 ? -pl_device_errno(d, ret) : ret;
}

struct pl_group *pl_device_group(struct pl_device *d)
{
	return d->group;
}
