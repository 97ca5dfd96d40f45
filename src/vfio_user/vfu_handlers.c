/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Server side of each client command (QEMU docs/interop/vfio-user.rst,
 * one section per command). The decoder has checked sizes and fd counts;
 * here every index, range and flag is checked against the device
 * description before the device sees it.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "vfio_user/vfu_server_priv.h"

static void reply_fixed(struct vfu_reply *r, size_t len)
{
	r->iov[0].iov_base = r->fixed;
	r->iov[0].iov_len = len;
	r->niov = 1;
}

/* memfd: the one fd a VERSION may carry (-1 none), the client's memory
 * file for VFU_CAP_PROCESS_VM; taken when granted, else closed by the
 * caller. */
static int h_version(struct vfu_server *s, struct vfu_conn *c,
		     const struct vfu_version *v, pid_t sender, int *memfd,
		     struct vfu_reply *r)
{
	struct vfu_caps ours = {
		.max_msg_fds = VFU_MAX_FDS,
		.max_data_xfer_size = VFU_MAX_DATA_XFER,
		.max_dma_maps = VFU_MAX_DMA_MAPS,
		.pgsizes = VFU_PGSIZES,
	};
	struct vfu_caps peer;
	char *json;
	int n;

	if (c->negotiated)
		return -EINVAL;
	if (v->major != VFU_PROTO_MAJOR) {
		vfu_log(s, LOG_WARNING, "client version %u.%u, need %u.x",
			v->major, v->minor, VFU_PROTO_MAJOR);
		return -ENOTSUP;
	}
	if (v->json) {
		if (vfu_caps_parse_json(v->json, v->json_len, &peer) < 0) {
			vfu_log(s, LOG_WARNING, "malformed capabilities");
			return -EINVAL;
		}
	} else {
		vfu_caps_default(&peer);
	}
	if (!peer.max_data_xfer_size)
		return -EINVAL;
	/* Private: only echoed when proposed and granted (vfu_pvm.c); an fd
	 * comes with nothing else. */
	if (*memfd >= 0 && !peer.process_vm)
		return -EINVAL;
	if (peer.process_vm) {
		n = vfu_pvm_accept(s, c, sender, memfd);
		if (n < 0)
			return n;
		ours.process_vm = n;
	}
	/* Kept in c->peer as what was agreed. */
	peer.posted_write = peer.posted_write && s->ops->region_post;
	ours.posted_write = peer.posted_write;
	json = malloc(VFU_MAX_JSON);
	if (!json)
		return -ENOMEM;
	n = vfu_caps_encode_json(json, VFU_MAX_JSON, &ours);
	if (n < 0) {
		free(json);
		return n;
	}
	c->peer = peer;
	c->negotiated = true;
	vfu_version_encode(r->fixed, VFU_PROTO_MAJOR,
			   v->minor < VFU_PROTO_MINOR ? v->minor
						      : VFU_PROTO_MINOR);
	reply_fixed(r, VFU_VERSION_SIZE);
	r->heap = json;
	r->iov[1].iov_base = json;
	r->iov[1].iov_len = (size_t)n + 1;     /* with its NUL */
	r->niov = 2;
	return 0;
}

static int h_device_info(struct vfu_server *s, struct vfu_reply *r)
{
	struct vfu_device_info di = {
		.argsz = VFU_DEVICE_INFO_SIZE,
		.flags = s->desc.flags,
		.num_regions = s->desc.num_regions,
		.num_irqs = s->desc.num_irqs,
	};

	reply_fixed(r, vfu_device_info_encode(r->fixed, &di));
	return 0;
}

static int h_region_info(struct vfu_server *s, const struct vfu_region_info *q,
			 struct vfu_reply *r)
{
	const struct vfu_region_desc *d;
	struct vfu_region_info ri = { .index = q->index };
	size_t caps_len;

	if (q->index >= s->desc.num_regions)
		return -EINVAL;
	d = &s->desc.regions[q->index];
	caps_len = vfu_caps_size(d->caps, d->nr_caps);
	ri.flags = d->flags | (caps_len ? VFIO_REGION_INFO_FLAG_CAPS : 0);
	ri.size = d->size;
	ri.offset = d->offset;
	ri.argsz = (uint32_t)(VFU_REGION_INFO_SIZE + caps_len);
	reply_fixed(r, VFU_REGION_INFO_SIZE);
	/* Too small a buffer: fixed part and the size needed, as VFIO does. */
	if (caps_len && q->argsz >= ri.argsz) {
		r->heap = malloc(caps_len);
		if (!r->heap)
			return -ENOMEM;
		ri.cap_offset = VFU_REGION_INFO_SIZE;
		vfu_caps_encode(r->heap, VFU_REGION_INFO_SIZE, d->caps,
				d->nr_caps);
		r->iov[1].iov_base = r->heap;
		r->iov[1].iov_len = caps_len;
		r->niov = 2;
	}
	vfu_region_info_encode(r->fixed, &ri);
	return 0;
}

static int h_irq_info(struct vfu_server *s, const struct vfu_irq_info *q,
		      struct vfu_reply *r)
{
	struct vfu_irq_info ii = { .argsz = VFU_IRQ_INFO_SIZE, .index = q->index };

	if (q->index >= s->desc.num_irqs)
		return -EINVAL;
	ii.flags = s->desc.irqs[q->index].flags;
	ii.count = s->desc.irqs[q->index].count;
	reply_fixed(r, vfu_irq_info_encode(r->fixed, &ii));
	return 0;
}

static int h_set_irqs(struct vfu_server *s, const struct vfu_irq_set *q,
		      struct vfu_rx_msg *raw)
{
	const struct vfu_irq_desc *d;
	uint32_t data = q->flags & (VFIO_IRQ_SET_DATA_NONE |
				    VFIO_IRQ_SET_DATA_BOOL |
				    VFIO_IRQ_SET_DATA_EVENTFD);
	bool trigger = q->flags & VFIO_IRQ_SET_ACTION_TRIGGER;
	const int *fds = raw->nfds ? raw->fds : NULL;
	int ret;

	if (q->index >= s->desc.num_irqs)
		return -EINVAL;
	d = &s->desc.irqs[q->index];
	if (q->count == 0) {
		/* Only "disable the whole index" has no sub-index. */
		if (q->start || data != VFIO_IRQ_SET_DATA_NONE || !trigger)
			return -EINVAL;
	} else if (q->start >= d->count || q->count > d->count - q->start) {
		return -EINVAL;
	}
	if (!trigger && !(d->flags & VFIO_IRQ_INFO_MASKABLE))
		return -EINVAL;
	if (data == VFIO_IRQ_SET_DATA_EVENTFD &&
	    (!trigger || !(d->flags & VFIO_IRQ_INFO_EVENTFD)))
		return -EINVAL;
	/* Before the device hears of it: a refused request changes nothing. */
	if (vfu_irq_fds_check(raw->fds, raw->nfds) < 0)
		return -EINVAL;
	if (s->ops->set_irqs) {
		ret = s->ops->set_irqs(s->dev, q->index, q->flags, q->start,
				       q->count, fds);
		if (ret < 0)
			return ret;
	}
	ret = vfu_irq_table_set(&s->irq, q->index, q->flags, q->start,
				q->count, q->bools, raw->fds, raw->nfds);
	if (!ret && data == VFIO_IRQ_SET_DATA_EVENTFD)
		raw->nfds = 0;      /* the table owns the eventfds now */
	return ret;
}

/* Index, permission and [offset, offset + count) inside the region. */
static int check_access(struct vfu_server *s, const struct vfu_region_access *q,
			uint32_t need)
{
	const struct vfu_region_desc *d;

	if (q->region >= s->desc.num_regions)
		return -EINVAL;
	d = &s->desc.regions[q->region];
	if (!(d->flags & need))
		return -EINVAL;
	if (q->offset > d->size || q->count > d->size - q->offset)
		return -EINVAL;
	return 0;
}

static int h_region_read(struct vfu_server *s,
			 const struct vfu_region_access *q, struct vfu_reply *r)
{
	struct vfu_region_access a = *q;
	int ret = check_access(s, q, VFIO_REGION_INFO_FLAG_READ);

	if (ret < 0)
		return ret;
	if (q->count) {
		if (!s->ops->region_read)
			return -EINVAL;
		r->heap = malloc(q->count);
		if (!r->heap)
			return -ENOMEM;
		ret = s->ops->region_read(s->dev, q->region, q->offset,
					  r->heap, q->count);
		if (ret < 0)
			return ret;
		if ((uint32_t)ret > q->count)
			return -EIO;
		a.count = (uint32_t)ret;
	}
	reply_fixed(r, vfu_region_access_encode(r->fixed, &a));
	if (a.count) {
		r->iov[1].iov_base = r->heap;
		r->iov[1].iov_len = a.count;
		r->niov = 2;
	}
	return 0;
}

static int h_region_write(struct vfu_server *s, const struct vfu_conn *c,
			  const struct vfu_msg *m, struct vfu_reply *r)
{
	const struct vfu_region_access *q = &m->u.region;
	struct vfu_region_access a = *q;
	int ret = check_access(s, q, VFIO_REGION_INFO_FLAG_WRITE);

	if (ret < 0)
		return ret;
	if (q->count && (m->hdr.flags & VFU_F_NO_REPLY) &&
	    c->peer.posted_write) {
		s->ops->region_post(s->dev, q->region, q->offset, q->data,
				    q->count);
		return 0;
	}
	if (q->count) {
		if (!s->ops->region_write)
			return -EINVAL;
		ret = s->ops->region_write(s->dev, q->region, q->offset,
					   q->data, q->count);
		if (ret < 0)
			return ret;
		if ((uint32_t)ret > q->count)
			return -EIO;
		a.count = (uint32_t)ret;
	}
	a.data = NULL;
	reply_fixed(r, vfu_region_access_encode(r->fixed, &a));
	return 0;
}

static int h_reset(struct vfu_server *s)
{
	if (!(s->desc.flags & VFIO_DEVICE_FLAGS_RESET) || !s->ops->reset)
		return -ENOTSUP;
	return s->ops->reset(s->dev);
}

int vfu_handle_command(struct vfu_server *s, struct vfu_conn *c,
		       const struct vfu_msg *m, struct vfu_rx_msg *raw,
		       struct vfu_reply *r)
{
	struct vfu_dma_unmap um;
	int fd, ret;

	switch (m->hdr.cmd) {
	case VFU_CMD_VERSION:
		fd = raw->nfds ? raw->fds[0] : -1;
		ret = h_version(s, c, &m->u.version, raw->sender, &fd, r);
		if (fd < 0)
			raw->nfds = 0;      /* taken */
		return ret;
	case VFU_CMD_DMA_MAP:
		fd = raw->nfds ? raw->fds[0] : -1;
		raw->nfds = 0;      /* consumed either way */
		return vfu_dma_handle_map(s, &m->u.dma_map, fd, raw->sender);
	case VFU_CMD_DMA_UNMAP:
		ret = vfu_dma_handle_unmap(s, &m->u.dma_unmap);
		if (ret < 0)
			return ret;
		/* "The server responds with the original DMA entry". */
		um = m->u.dma_unmap;
		um.argsz = VFU_DMA_UNMAP_SIZE;
		reply_fixed(r, vfu_dma_unmap_encode(r->fixed, &um));
		return 0;
	case VFU_CMD_DEVICE_GET_INFO:
		return h_device_info(s, r);
	case VFU_CMD_DEVICE_GET_REGION_INFO:
		return h_region_info(s, &m->u.region_info, r);
	case VFU_CMD_DEVICE_GET_IRQ_INFO:
		return h_irq_info(s, &m->u.irq_info, r);
	case VFU_CMD_DEVICE_SET_IRQS:
		return h_set_irqs(s, &m->u.irq_set, raw);
	case VFU_CMD_REGION_READ:
		return h_region_read(s, &m->u.region, r);
	case VFU_CMD_REGION_WRITE:
		return h_region_write(s, c, m, r);
	case VFU_CMD_DEVICE_RESET:
		return h_reset(s);
	default:
		/* DMA_READ / DMA_WRITE are server -> client only. */
		return -EINVAL;
	}
}
