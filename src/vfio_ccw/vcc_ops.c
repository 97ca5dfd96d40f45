/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device as a VFIO client sees it (Linux drivers/s390/cio/
 * vfio_ccw_ops.c), served over vfio-user: VFIO_DEVICE_FLAGS_CCW | RESET,
 * four regions at index << 10 (io; async cmd, schib, crw with a
 * VFIO_REGION_INFO_CAP_TYPE {VFIO_REGION_TYPE_CCW, subtype} capability),
 * three eventfd interrupts (IO, CRW, REQ), reset = CLOSE + OPEN, a DMA
 * unmap over pages the channel program uses resets the device, and the
 * client's arrival / departure open / close it.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <string.h>

#include "vfio_ccw/vcc_guestmem.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_trace.h"
#include "vfio_user/vfu_server.h"

_Static_assert(VFIO_CCW_CONFIG_REGION_INDEX == VCC_REGION_IO &&
	       VFIO_CCW_NUM_REGIONS == VCC_REGION_ASYNC, "region indexes");
_Static_assert(VFIO_CCW_IO_IRQ_INDEX == 0 && VFIO_CCW_CRW_IRQ_INDEX == 1 &&
	       VFIO_CCW_REQ_IRQ_INDEX == 2 && VFIO_CCW_NUM_IRQS == 3,
	       "irq indexes");
_Static_assert(sizeof(struct vfio_region_info_cap_type) == VFU_CAP_TYPE_SIZE,
	       "type capability");

/* ---- the io region ---- */

/*
 * Any write fires IO_REQ (Linux); the write's result is the request's
 * errno, else the byte count. Unlike Linux, the bytes written over the IRB
 * area are ignored (an IRB the VMM has not read cannot be clobbered) and
 * the ret_code written is ignored (it cannot become the write's result).
 */
int vcc_io_request(struct vcc_private *p, uint64_t off, const void *buf,
		   uint32_t len)
{
	uint64_t end = off + len;

	for (uint64_t i = off; i < end && i < VCC_IO_IRB_OFF; i++)
		p->io_region[i] = ((const uint8_t *)buf)[i - off];
	vcc_io_set_ret(p->io_region, 0);
	vcc_fsm_event(p, VCC_EVENT_IO_REQ);
	return vcc_io_get_ret(p->io_region);
}

int vcc_io_write(struct vcc_private *p, uint64_t off, const void *buf,
		 uint32_t len)
{
	int32_t ret;

	if (off > VCC_IO_REGION_SIZE || len > VCC_IO_REGION_SIZE - off)
		return -EINVAL;
	vcc_fsm_lock(p);
	ret = vcc_io_request(p, off, buf, len);
	vcc_fsm_unlock(p);
	return ret ? ret : (int)len;
}

/* A read covering the whole IRB hands it over; the next one may come. */
int vcc_io_read(struct vcc_private *p, uint64_t off, void *buf, uint32_t len)
{
	if (off > VCC_IO_REGION_SIZE || len > VCC_IO_REGION_SIZE - off)
		return -EINVAL;
	vcc_fsm_lock(p);
	memcpy(buf, p->io_region + off, len);
	if (p->irb_posted && off <= VCC_IO_IRB_OFF &&
	    off + len >= VCC_IO_IRB_OFF + CSS_IRB_SIZE)
		vcc_irb_consumed(p);
	vcc_fsm_unlock(p);
	return (int)len;
}

/* ---- the vfio-user device ---- */

/* struct vfio_region_info_cap_type after its header: u32 type, u32 subtype,
 * in host order (vfio-user: "all data is in the endianness of the host"). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HE32(v) (v), 0, 0, 0
#else
#define HE32(v) 0, 0, 0, (v)
#endif
static const uint8_t cap_async[8] = {
	HE32(VFIO_REGION_TYPE_CCW), HE32(VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD),
};
static const uint8_t cap_schib[8] = {
	HE32(VFIO_REGION_TYPE_CCW), HE32(VFIO_REGION_SUBTYPE_CCW_SCHIB),
};
static const uint8_t cap_crw[8] = {
	HE32(VFIO_REGION_TYPE_CCW), HE32(VFIO_REGION_SUBTYPE_CCW_CRW),
};

static const struct vfu_region_cap caps[3] = {
	{ VFIO_REGION_INFO_CAP_TYPE, 1, cap_async, sizeof(cap_async) },
	{ VFIO_REGION_INFO_CAP_TYPE, 1, cap_schib, sizeof(cap_schib) },
	{ VFIO_REGION_INFO_CAP_TYPE, 1, cap_crw, sizeof(cap_crw) },
};

static const struct vfu_region_desc regions[VCC_NUM_REGIONS] = {
	[VCC_REGION_IO] = {
		.size = VCC_IO_REGION_SIZE,
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		.offset = VCC_REGION_OFFSET(VCC_REGION_IO),
	},
	[VCC_REGION_ASYNC] = {
		.size = VCC_CMD_REGION_SIZE,
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		.offset = VCC_REGION_OFFSET(VCC_REGION_ASYNC),
		.caps = &caps[0], .nr_caps = 1,
	},
	[VCC_REGION_SCHIB] = {
		.size = VCC_SCHIB_REGION_SIZE,
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.offset = VCC_REGION_OFFSET(VCC_REGION_SCHIB),
		.caps = &caps[1], .nr_caps = 1,
	},
	[VCC_REGION_CRW] = {
		.size = VCC_CRW_REGION_SIZE,
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.offset = VCC_REGION_OFFSET(VCC_REGION_CRW),
		.caps = &caps[2], .nr_caps = 1,
	},
};

static const struct vfu_irq_desc irqs[VFIO_CCW_NUM_IRQS] = {
	[VFIO_CCW_IO_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD },
	[VFIO_CCW_CRW_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD },
	[VFIO_CCW_REQ_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD },
};

const struct vfu_device_desc vcc_device_desc = {
	.flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET,
	.num_regions = VCC_NUM_REGIONS,
	.regions = regions,
	.num_irqs = VFIO_CCW_NUM_IRQS,
	.irqs = irqs,
};

static int op_region_read(void *dev, uint32_t index, uint64_t off, void *buf,
			  uint32_t len)
{
	struct vcc_private *p = dev;

	switch (index) {
	case VCC_REGION_IO:
		return vcc_io_read(p, off, buf, len);
	case VCC_REGION_ASYNC:
		return vcc_async_read(p, off, buf, len);
	case VCC_REGION_SCHIB:
		return vcc_schib_read(p, off, buf, len);
	case VCC_REGION_CRW:
		return vcc_crw_read(p, off, buf, len);
	default:
		return -EINVAL;
	}
}

static int op_region_write(void *dev, uint32_t index, uint64_t off,
			   const void *buf, uint32_t len)
{
	struct vcc_private *p = dev;

	switch (index) {
	case VCC_REGION_IO:
		/*
		 * The VMM waits for this answer (QEMU's vCPU, under its big
		 * lock): the program starts once it is sent (op_replied), or
		 * its worker, woken on this CPU, would run first.
		 */
		css_sch_hold_start(p->sch);
		p->start_held = true;
		return vcc_io_write(p, off, buf, len);
	case VCC_REGION_ASYNC:
		return vcc_async_write(p, off, buf, len);
	default:
		return -EINVAL;         /* schib and crw are read-only */
	}
}

/*
 * A posted write: the io region's start reports its outcome in an IRB
 * (vcc_post.c); the others have no outcome to report. The program starts
 * once this message is done (op_replied) as after a written one: its
 * worker, woken on this CPU, would otherwise take it from the loop thread
 * before the loop thread is done with the message (~60 us more in the
 * receive stage of a 1 MiB read).
 */
static void op_region_post(void *dev, uint32_t index, uint64_t off,
			   const void *buf, uint32_t len)
{
	struct vcc_private *p = dev;

	if (index != VCC_REGION_IO) {
		op_region_write(dev, index, off, buf, len);
		return;
	}
	css_sch_hold_start(p->sch);
	p->start_held = true;
	vcc_io_post(p, off, buf, len);
}

static int op_reset(void *dev)
{
	struct vcc_private *p = dev;
	int ret;

	vcc_fsm_lock(p);
	ret = vcc_fsm_reset(p);
	vcc_fsm_unlock(p);
	return ret;
}

/*
 * A new IO or CRW eventfd: once the server installed it (after this op),
 * the bottom half signals what is already waiting - an unread IRB, queued
 * CRWs - which Linux would leave unsignalled.
 */
static int op_set_irqs(void *dev, uint32_t index, uint32_t flags,
		       uint32_t start, uint32_t count, const int *fds)
{
	struct vcc_private *p = dev;

	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD) || !fds || !count ||
	    index == VFIO_CCW_REQ_IRQ_INDEX)
		return 0;
	if (index == VFIO_CCW_IO_IRQ_INDEX) {
		vcc_fsm_lock(p);
		p->resignal_io = p->irb_posted;
		p->resignal_seq = p->irb_seq;
		vcc_fsm_unlock(p);
	}
	pthread_mutex_lock(&p->lock);
	p->resignal = true;
	pthread_mutex_unlock(&p->lock);
	vcc_bh_kick(p);
	return 0;
}

static void op_dma_map(void *dev, const struct vfu_dma_region *r)
{
	struct vcc_private *p = dev;
	struct vcc_guestmem *gm;

	pthread_mutex_lock(&p->lock);
	gm = p->mdev ? vcc_mdev_guestmem(p->mdev) : NULL;
	pthread_mutex_unlock(&p->lock);
	/* Any region fenced earlier is gone by now. */
	if (gm)
		vcc_guestmem_fence(gm, 0, 0);
}

/* Linux vfio_ccw_dma_unmap: pages the program uses -> reset. */
static int op_dma_unmap(void *dev, const struct vfu_dma_region *r)
{
	struct vcc_private *p = dev;
	struct vcc_guestmem *gm;

	vcc_fsm_lock(p);
	if (cp_iova_pinned(&p->cp, r->iova, r->size)) {
		vcc_trace_event(p->trace, p->name, "unmap",
				"iova %llx size %llx in use: reset",
				(unsigned long long)r->iova,
				(unsigned long long)r->size);
		vcc_fsm_reset(p);
	}
	vcc_fsm_unlock(p);
	pthread_mutex_lock(&p->lock);
	gm = p->mdev ? vcc_mdev_guestmem(p->mdev) : NULL;
	pthread_mutex_unlock(&p->lock);
	if (gm)
		vcc_guestmem_fence(gm, r->iova, r->size);
	return 0;
}

static int op_authorize(void *dev, const struct vfu_peer *peer)
{
	struct vcc_private *p = dev;
	const char *uuid = vcc_mdev_uuid(p);
	int ret = 0;

	if (p->authorize)
		ret = uuid ? p->authorize(p->authorize_opaque, uuid, peer) :
			     -ENODEV;
	if (ret == 0) {
		/* One connection at a time: this one is served next. */
		pthread_mutex_lock(&p->lock);
		p->client_pid = peer->pid;
		pthread_mutex_unlock(&p->lock);
	}
	return ret;
}

static void op_client_ready(void *dev)
{
	vcc_mdev_client_ready(dev);
}

static void op_replied(void *dev)
{
	struct vcc_private *p = dev;

	if (p->start_held) {
		p->start_held = false;
		css_sch_release_start(p->sch);
	}
}

static void op_client_gone(void *dev)
{
	struct vcc_private *p = dev;

	p->start_held = false;           /* the answer may not have gone */
	css_sch_release_start(p->sch);
	vcc_mdev_client_gone(p);
	pthread_mutex_lock(&p->lock);
	p->client_pid = 0;
	pthread_mutex_unlock(&p->lock);
}

const struct vfu_device_ops vcc_device_ops = {
	.authorize = op_authorize,
	.region_read = op_region_read,
	.region_write = op_region_write,
	.region_post = op_region_post,
	.reset = op_reset,
	.set_irqs = op_set_irqs,
	.dma_map = op_dma_map,
	.dma_unmap = op_dma_unmap,
	.client_ready = op_client_ready,
	.replied = op_replied,
	.client_gone = op_client_gone,
};
