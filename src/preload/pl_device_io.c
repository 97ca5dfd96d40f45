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
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "preload/pl_debug.h"
#include "preload/pl_device.h"
#include "vfio_user/vfu_client.h"

bool pl_device_lost(struct pl_device *d)
{
	return atomic_load(&d->gone) || vfu_client_dead(d->c);
}

int pl_device_errno(struct pl_device *d, int ret)
{
	switch (ret) {
	case -ENOTCONN:
	case -ECONNRESET:
	case -EPIPE:
	case -ETIMEDOUT:
		return ENODEV;   /* transport, never a device's answer */
	default:
		return pl_device_lost(d) ? ENODEV : -ret;
	}
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
static ssize_t access_region(struct pl_device *d, void *buf, size_t count,
			     off_t off, bool write)
{
	uint64_t roff;
	uint32_t index;
	size_t done = 0;
	int ret;

	ret = find_region(d, off, &index, &roff);
	if (ret < 0)
		return -EINVAL;
	if (count > SSIZE_MAX)
		count = SSIZE_MAX;
	while (done < count) {
		uint32_t n = count - done < d->max_xfer ?
			     (uint32_t)(count - done) : d->max_xfer;

		if (write)
			ret = vfu_client_region_write(d->c, index, roff + done,
						      (const uint8_t *)buf +
						      done, n);
		else
			ret = vfu_client_region_read(d->c, index, roff + done,
						     (uint8_t *)buf + done, n);
		if (ret < 0) {
			if (done)
				break;    /* report what was transferred */
			return -pl_device_errno(d, ret);
		}
		done += (size_t)ret;
		if ((uint32_t)ret < n)
			break;
	}
	return (ssize_t)done;
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
void pl_device_dma_unmap(struct pl_device *d, const struct pl_dma *m)
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
