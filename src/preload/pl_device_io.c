/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Region access on the device fd and the device's share of the container's
 * DMA mappings.
 *
 * pread/pwrite at a device fd offset go to the region whose
 * [offset, offset + size) (from region info; vfio_ccw reports index << 10)
 * holds it, as vfio-user REGION_READ / REGION_WRITE. The server's errno
 * reaches QEMU unchanged (hw/vfio/ccw.c turns EBUSY into cc 2, ENODEV and
 * EACCES into cc 3, retries EAGAIN); once the connection is gone every
 * call fails with ENODEV, which QEMU shows the guest as not operational.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/log.h"

#include "preload/pl_debug.h"
#include "preload/pl_device.h"
#include "vfio_user/vfu_client.h"

/* d->conn held. */
bool pl_device_lost(struct pl_device *d)
{
	return atomic_load(&d->gone) || vfu_client_dead(d->c);
}

int pl_device_errno(struct pl_device *d, int ret)
{
	if (pl_device_transport_error(ret))
		return ENODEV;   /* transport, never a device's answer */
	return atomic_load(&d->gone) ? ENODEV : -ret;
}

/* ---- vfio-ccw: a start across a reconnect ----------------------------- */

/* Devices of this process with a start in flight (their start_pending). */
static atomic_int starts_in_flight;

/* d->rc_lock held. */
static void set_start_pending(struct pl_device *d, bool on)
{
	if (d->start_pending != on)
		atomic_fetch_add(&starts_in_flight, on ? 1 : -1);
	d->start_pending = on;
}

/* A start went to the server (a full write of the io region's ORB). */
static void note_start(struct pl_device *d, const uint8_t *buf, size_t n,
		       uint64_t roff)
{
	if (roff != PL_CCW_IO_ORB || n < PL_CCW_IO_IRB)
		return;
	pthread_mutex_lock(&d->rc_lock);
	set_start_pending(d, true);
	memcpy(d->orb, buf + PL_CCW_IO_ORB, sizeof(d->orb));
	pthread_mutex_unlock(&d->rc_lock);
}

void pl_device_no_start(struct pl_device *d)
{
	pthread_mutex_lock(&d->rc_lock);
	set_start_pending(d, false);
	pthread_mutex_unlock(&d->rc_lock);
}

/*
 * Post this start (docs/preload.md "Posted starts")? Always or never as
 * CCWPASS_PRELOAD_POSTED_START says; by default while another device of
 * this QEMU has a start in flight: then the vCPU has the guest's other
 * I/O to go on with. Alone, a posted start lets the vCPU halt before the
 * final status comes, and waking it for the interruption cost more than
 * the wait it saved (4 KiB reads, docs/performance.md).
 */
static bool post_start(struct pl_device *d)
{
	enum pl_posted mode = pl_posted_start_mode();

	if (mode == PL_POSTED_NEVER || !vfu_client_posted_write(d->c))
		return false;
	/* This device's own previous start has ended (QEMU starts only
	 * then): any count is another device's. */
	return mode == PL_POSTED_ALWAYS || atomic_load(&starts_in_flight) > 0;
}

/* QEMU read an IRB: one with primary or secondary status or an alert
 * (not intermediate status alone) ends the start, as halt and clear do. */
static void note_irb(struct pl_device *d, const uint8_t *buf, size_t n,
		     uint64_t roff)
{
	if (roff > PL_CCW_IO_IRB || roff + n < PL_CCW_IO_IRB + 4)
		return;
	if (buf[PL_CCW_IO_IRB - roff + 3] & (0x10 | 0x04 | 0x02))
		pl_device_no_start(d);
}

void pl_device_fail_pending_start(struct pl_device *d)
{
	uint64_t one = 1;
	uint32_t cpa;
	int fd;

	pthread_mutex_lock(&d->rc_lock);
	if (!d->start_pending) {
		pthread_mutex_unlock(&d->rc_lock);
		return;
	}
	/* SCSW (big-endian, as QEMU reads it): start function; alert,
	 * primary, secondary status, status pending; the program's CCW
	 * address; interface-control check (PoP "Subchannel Status"). */
	memset(d->irb, 0, sizeof(d->irb));
	d->irb[2] = 0x40;
	d->irb[3] = 0x10 | 0x04 | 0x02 | 0x01;
	cpa = ld_he32(d->orb + 8);
	st_be32(d->irb + 4, cpa);
	d->irb[9] = 0x02;
	d->irb_override = true;
	set_start_pending(d, false);
	/* With rc_lock: SET_IRQS may replace the dup meanwhile. */
	fd = d->irq_fd[0];
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		fd = -2;
	d->override_signalled = fd >= 0;
	pthread_mutex_unlock(&d->rc_lock);
	log_msg(LOG_NOTICE, "mdev %s: a channel program was in flight when "
		"ccwpassd went: it ends with interface-control check",
		d->name);
	if (fd == -2)
		log_msg(LOG_WARNING, "mdev %s: cannot signal the I/O "
			"interrupt", d->name);
}

/*
 * Take one signal of the IO eventfd back (rc_lock held). Only QEMU's main
 * loop reads that eventfd, and it is the thread here, inside its handler:
 * nobody else can have taken the count, and a signal the new daemon added
 * meanwhile stays.
 */
static void unsignal(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (fd < 0 || poll(&p, 1, 0) != 1 ||
	    read(fd, &v, sizeof(v)) != sizeof(v))
		return;
	if (v > 1) {
		v--;
		if (write(fd, &v, sizeof(v)) < 0)
			log_msg(LOG_WARNING, "cannot give an I/O interrupt "
				"back: %s", strerror(errno));
	}
}

/*
 * An io-region read while a made-up IRB waits: it is the answer. When the
 * read is one the daemon's end cut off (cut_off), QEMU's handler for the
 * old daemon's last interrupt is still inside it and gets the made-up IRB
 * now: the interrupt the reconnect signalled for it is taken back, or QEMU
 * would read once more, find no IRB, and put an empty status over the one
 * the guest has not taken yet (the guest's driver then waits for ever).
 */
static bool take_override(struct pl_device *d, uint8_t *buf, size_t n,
			  uint64_t roff, bool cut_off)
{
	bool taken = false;

	if (roff != 0 || n < PL_CCW_IO_IRB + PL_CCW_IRB_SIZE)
		return false;
	pthread_mutex_lock(&d->rc_lock);
	if (d->irb_override) {
		memset(buf, 0, n);
		memcpy(buf + PL_CCW_IO_IRB, d->irb, PL_CCW_IRB_SIZE);
		d->irb_override = false;
		taken = true;
		if (cut_off && d->override_signalled)
			unsignal(d->irq_fd[0]);
		d->override_signalled = false;
	}
	pthread_mutex_unlock(&d->rc_lock);
	return taken;
}

/* Region holding device-fd offset off; -EINVAL when none does. */
static int find_region(const struct pl_device *d, off_t off,
		       uint32_t *index, uint64_t *roff)
{
	uint64_t o = (uint64_t)off;

	if (off < 0)
		return -EINVAL;
	for (uint32_t i = 0; i < d->num_regions; i++) {
		const struct pl_region *r = &d->region[i];

		if (r->size && o >= r->offset && o - r->offset < r->size) {
			*index = i;
			*roff = o - r->offset;
			return 0;
		}
	}
	return -EINVAL;
}

/* Shared by read and write: whole chunks until done, short, or error. */
static ssize_t chunks(struct pl_device *d, void *buf, size_t count,
		      uint32_t index, uint64_t roff, bool write)
{
	size_t done = 0;
	int ret;

	while (done < count) {
		uint32_t n = count - done < d->max_xfer ?
			     (uint32_t)(count - done) : d->max_xfer;

		/* START SUBCHANNEL: the guest goes on at once; ccwpassd
		 * shows a refusal as status (docs/preload.md). */
		if (write && index == PL_CCW_IO_REGION && roff == 0 &&
		    n == count && post_start(d))
			ret = vfu_client_region_post(d->c, index, roff, buf, n);
		else if (write)
			ret = vfu_client_region_write(d->c, index, roff + done,
						      (const uint8_t *)buf +
						      done, n);
		else
			ret = vfu_client_region_read(d->c, index, roff + done,
						     (uint8_t *)buf + done, n);
		if (ret < 0) {
			if (done)
				break;    /* report what was transferred */
			return ret;
		}
		done += (size_t)ret;
		if ((uint32_t)ret < n)
			break;
	}
	return (ssize_t)done;
}

static ssize_t access_region(struct pl_device *d, void *buf, size_t count,
			     off_t off, bool write)
{
	unsigned long gen;
	uint64_t roff;
	uint32_t index;
	ssize_t ret;

	if (find_region(d, off, &index, &roff) < 0)
		return -EINVAL;
	if (count > SSIZE_MAX)
		count = SSIZE_MAX;
	for (int attempt = 0;; attempt++) {
		pthread_rwlock_rdlock(&d->conn);
		/* A made-up IRB waits: it is the answer (also to a read that
		 * the daemon's end cut off). */
		if (!write && index == PL_CCW_IO_REGION &&
		    take_override(d, buf, count, roff, attempt > 0)) {
			pthread_rwlock_unlock(&d->conn);
			return (ssize_t)count;
		}
		gen = pl_device_gen(d);
		ret = chunks(d, buf, count, index, roff, write);
		/* Under the lock: a reconnect sees the start or its end. */
		if (ret >= 0 && index == PL_CCW_IO_REGION) {
			if (write && (size_t)ret == count)
				note_start(d, buf, count, roff);
			else if (!write)
				note_irb(d, buf, (size_t)ret, roff);
		} else if (ret >= 0 && write && index == PL_CCW_ASYNC_REGION) {
			/* halt / clear: the start ends with their status */
			pl_device_no_start(d);
		}
		pthread_rwlock_unlock(&d->conn);
		/* ccwpassd went: once more on the next connection (a start
		 * it never saw runs there; one it ran is safe to run again:
		 * what a DASD program writes is the same both times). */
		if (ret >= 0 || attempt || !pl_device_transport_error((int)ret) ||
		    !pl_device_wait_reconnect(d, gen))
			break;
	}
	if (ret < 0)
		return -pl_device_errno(d, (int)ret);
	return ret;
}

ssize_t pl_device_pread(struct pl_device *d, void *buf, size_t count,
			off_t offset)
{
	return access_region(d, buf, count, offset, false);
}

ssize_t pl_device_pwrite(struct pl_device *d, const void *buf, size_t count,
			 off_t offset)
{
	return access_region(d, (void *)buf, count, offset, true);
}

/* ---- DMA -------------------------------------------------------------- */

int pl_device_dma_map(struct pl_device *d, const struct pl_dma *m)
{
	int ret;

	pthread_rwlock_rdlock(&d->conn);
	ret = pl_device_dma_map_excl(d, m);
	pthread_rwlock_unlock(&d->conn);
	return ret;
}

int pl_device_dma_map_excl(struct pl_device *d, const struct pl_dma *m)
{
	int ret;

	if (pl_device_lost(d))
		return 0;
	ret = vfu_client_dma_map(d->c, m->iova, m->size, m->prot, m->fd,
				 m->offset, (void *)(uintptr_t)m->vaddr);
	if (ret < 0 && m->fd >= 0 && ret != -EEXIST && ret != -ENOSPC &&
	    !pl_device_lost(d)) {
		/* The server could not use the file: map it without one
		 * (process_vm when negotiated, else DMA messages). */
		log_msg(LOG_WARNING, "mdev %s: iova 0x%llx: shared memory "
			"refused (%s), using %s", d->name,
			(unsigned long long)m->iova, strerror(-ret),
			vfu_client_process_vm(d->c) ? "process_vm access"
						    : "DMA messages");
		ret = vfu_client_dma_map(d->c, m->iova, m->size, m->prot, -1,
					 0, (void *)(uintptr_t)m->vaddr);
	}
	if (ret < 0 && pl_device_lost(d))
		return 0;
	if (ret < 0)
		log_msg(LOG_ERR, "mdev %s: DMA_MAP iova 0x%llx size 0x%llx: %s",
			d->name, (unsigned long long)m->iova,
			(unsigned long long)m->size, strerror(-ret));
	return ret;
}

/*
 * A type1 unmap cannot be refused (the kernel resets a device that uses
 * the pages, then unpins them), and QEMU frees the memory once the ioctl
 * returns. So a server that refuses keeps nothing: its later DMA requests
 * for the range are answered EFAULT, never from memory that is gone; and
 * it makes no direct (process_vm) copy after refusing or after the
 * connection died (docs/protocol.md, "Unmap").
 */
static void dma_unmap_locked(struct pl_device *d, const struct pl_dma *m);

void pl_device_dma_unmap(struct pl_device *d, const struct pl_dma *m)
{
	pthread_rwlock_rdlock(&d->conn);
	dma_unmap_locked(d, m);
	pthread_rwlock_unlock(&d->conn);
}

static void dma_unmap_locked(struct pl_device *d, const struct pl_dma *m)
{
	int ret;

	if (pl_device_lost(d))
		return;
	ret = vfu_client_dma_unmap(d->c, m->iova, m->size);
	if (ret < 0) {
		vfu_client_dma_forget(d->c, m->iova, m->size);
		if (!pl_device_lost(d))
			log_msg(LOG_WARNING, "mdev %s: DMA_UNMAP iova 0x%llx "
				"size 0x%llx: %s (no longer served)", d->name,
				(unsigned long long)m->iova,
				(unsigned long long)m->size, strerror(-ret));
	}
}
