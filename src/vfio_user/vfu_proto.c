/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user message codec (QEMU docs/interop/vfio-user.rst: "Header" and
 * one section per command). Field offsets below are the spec's; the sizes
 * are checked against <linux/vfio.h> where vfio-user reuses a VFIO struct.
 */
#include "vfio_user/vfu_proto.h"

#include <errno.h>
#include <linux/vfio.h>
#include <string.h>

#include "common/byteorder.h"

/* vfio-user data is in host byte order (spec, "Protocol Specification"). */
#define ld16 ld_he16
#define ld32 ld_he32
#define ld64 ld_he64
#define st16 st_he16
#define st32 st_he32
#define st64 st_he64

_Static_assert(VFU_REGION_INFO_SIZE == sizeof(struct vfio_region_info),
	       "region info is struct vfio_region_info");
_Static_assert(VFU_IRQ_INFO_SIZE == sizeof(struct vfio_irq_info),
	       "irq info is struct vfio_irq_info");
_Static_assert(VFU_IRQ_SET_SIZE == sizeof(struct vfio_irq_set),
	       "irq set is struct vfio_irq_set without data");
_Static_assert(VFU_CAP_HDR_SIZE == sizeof(struct vfio_info_cap_header),
	       "cap header is struct vfio_info_cap_header");
_Static_assert(VFU_CAP_TYPE_SIZE == sizeof(struct vfio_region_info_cap_type),
	       "type cap is struct vfio_region_info_cap_type");
_Static_assert(VFU_DMA_MAP_SIZE == 4 + 4 + 8 + 8 + 8, "dma map layout");
_Static_assert(VFU_DMA_UNMAP_SIZE == 4 + 4 + 8 + 8, "dma unmap layout");
_Static_assert(VFU_DEVICE_INFO_SIZE == 4 * 4, "device info layout");
_Static_assert(VFU_REGION_ACCESS_SIZE == 8 + 4 + 4, "region access layout");
_Static_assert(VFU_DMA_ACCESS_SIZE == 8 + 8, "dma access layout");
_Static_assert(VFU_HDR_SIZE == 2 + 2 + 4 + 4 + 4, "header layout");
_Static_assert(VFU_MAX_MSG_SIZE < UINT32_MAX, "message size is a u32");

#define IRQ_DATA_MASK (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | \
		       VFIO_IRQ_SET_DATA_EVENTFD)
#define IRQ_ACTION_MASK (VFIO_IRQ_SET_ACTION_MASK | \
			 VFIO_IRQ_SET_ACTION_UNMASK | \
			 VFIO_IRQ_SET_ACTION_TRIGGER)

void vfu_hdr_encode(uint8_t *p, const struct vfu_hdr *h)
{
	st16(p + 0, h->msg_id);
	st16(p + 2, h->cmd);
	st32(p + 4, h->size);
	st32(p + 8, h->flags);
	st32(p + 12, h->error);
}

int vfu_hdr_decode(const uint8_t *p, size_t max_size, struct vfu_hdr *h)
{
	uint32_t type;

	h->msg_id = ld16(p + 0);
	h->cmd = ld16(p + 2);
	h->size = ld32(p + 4);
	h->flags = ld32(p + 8);
	h->error = ld32(p + 12);
	if (h->size < VFU_HDR_SIZE)
		return -EINVAL;
	if (h->size > max_size)
		return -EMSGSIZE;
	if (h->flags & ~VFU_F_KNOWN)
		return -EINVAL;
	type = h->flags & VFU_F_TYPE_MASK;
	if (type == VFU_F_TYPE_COMMAND)
		return h->flags & VFU_F_ERROR ? -EINVAL : 0;
	if (type == VFU_F_TYPE_REPLY)
		return h->flags & VFU_F_NO_REPLY ? -EINVAL : 0;
	return -EINVAL;
}

size_t vfu_version_encode(uint8_t *p, uint16_t major, uint16_t minor)
{
	st16(p + 0, major);
	st16(p + 2, minor);
	return VFU_VERSION_SIZE;
}

size_t vfu_dma_map_encode(uint8_t *p, const struct vfu_dma_map *m)
{
	st32(p + 0, m->argsz);
	st32(p + 4, m->flags);
	st64(p + 8, m->offset);
	st64(p + 16, m->addr);
	st64(p + 24, m->size);
	return VFU_DMA_MAP_SIZE;
}

size_t vfu_dma_unmap_encode(uint8_t *p, const struct vfu_dma_unmap *m)
{
	st32(p + 0, m->argsz);
	st32(p + 4, m->flags);
	st64(p + 8, m->addr);
	st64(p + 16, m->size);
	return VFU_DMA_UNMAP_SIZE;
}

size_t vfu_device_info_encode(uint8_t *p, const struct vfu_device_info *m)
{
	st32(p + 0, m->argsz);
	st32(p + 4, m->flags);
	st32(p + 8, m->num_regions);
	st32(p + 12, m->num_irqs);
	return VFU_DEVICE_INFO_SIZE;
}

size_t vfu_region_info_encode(uint8_t *p, const struct vfu_region_info *m)
{
	st32(p + 0, m->argsz);
	st32(p + 4, m->flags);
	st32(p + 8, m->index);
	st32(p + 12, m->cap_offset);
	st64(p + 16, m->size);
	st64(p + 24, m->offset);
	return VFU_REGION_INFO_SIZE;
}

size_t vfu_irq_info_encode(uint8_t *p, const struct vfu_irq_info *m)
{
	st32(p + 0, m->argsz);
	st32(p + 4, m->flags);
	st32(p + 8, m->index);
	st32(p + 12, m->count);
	return VFU_IRQ_INFO_SIZE;
}

size_t vfu_irq_set_encode(uint8_t *p, const struct vfu_irq_set *m)
{
	st32(p + 0, m->argsz);
	st32(p + 4, m->flags);
	st32(p + 8, m->index);
	st32(p + 12, m->start);
	st32(p + 16, m->count);
	return VFU_IRQ_SET_SIZE;
}

size_t vfu_region_access_encode(uint8_t *p, const struct vfu_region_access *m)
{
	st64(p + 0, m->offset);
	st32(p + 8, m->region);
	st32(p + 12, m->count);
	return VFU_REGION_ACCESS_SIZE;
}

size_t vfu_dma_access_encode(uint8_t *p, const struct vfu_dma_access *m)
{
	st64(p + 0, m->addr);
	st64(p + 8, m->count);
	return VFU_DMA_ACCESS_SIZE;
}

int vfu_version_decode(const uint8_t *p, size_t len, struct vfu_version *m)
{
	if (len < VFU_VERSION_SIZE)
		return -EINVAL;
	m->major = ld16(p + 0);
	m->minor = ld16(p + 2);
	m->json = NULL;
	m->json_len = 0;
	len -= VFU_VERSION_SIZE;
	if (!len)
		return 0;
	/* Optional JSON: NUL-terminated, no NUL inside, bounded. */
	if (len > VFU_MAX_JSON || p[VFU_VERSION_SIZE + len - 1] != '\0' ||
	    memchr(p + VFU_VERSION_SIZE, '\0', len - 1))
		return -EINVAL;
	m->json = (const char *)p + VFU_VERSION_SIZE;
	m->json_len = len - 1;
	return 0;
}

int vfu_device_info_decode(const uint8_t *p, size_t len,
			   struct vfu_device_info *m)
{
	if (len < VFU_DEVICE_INFO_SIZE)
		return -EINVAL;
	m->argsz = ld32(p + 0);
	m->flags = ld32(p + 4);
	m->num_regions = ld32(p + 8);
	m->num_irqs = ld32(p + 12);
	return 0;
}

int vfu_region_info_decode(const uint8_t *p, size_t len,
			   struct vfu_region_info *m)
{
	if (len < VFU_REGION_INFO_SIZE)
		return -EINVAL;
	m->argsz = ld32(p + 0);
	m->flags = ld32(p + 4);
	m->index = ld32(p + 8);
	m->cap_offset = ld32(p + 12);
	m->size = ld64(p + 16);
	m->offset = ld64(p + 24);
	return 0;
}

int vfu_irq_info_decode(const uint8_t *p, size_t len, struct vfu_irq_info *m)
{
	if (len < VFU_IRQ_INFO_SIZE)
		return -EINVAL;
	m->argsz = ld32(p + 0);
	m->flags = ld32(p + 4);
	m->index = ld32(p + 8);
	m->count = ld32(p + 12);
	return 0;
}

/* Region access: header then either no data or exactly count bytes. */
int vfu_region_access_decode(const uint8_t *p, size_t len,
			     struct vfu_region_access *m)
{
	if (len < VFU_REGION_ACCESS_SIZE)
		return -EINVAL;
	m->offset = ld64(p + 0);
	m->region = ld32(p + 8);
	m->count = ld32(p + 12);
	m->data = len > VFU_REGION_ACCESS_SIZE ? p + VFU_REGION_ACCESS_SIZE
					       : NULL;
	if (m->count > VFU_MAX_DATA_XFER)
		return -EINVAL;
	if (len != VFU_REGION_ACCESS_SIZE &&
	    len - VFU_REGION_ACCESS_SIZE != m->count)
		return -EINVAL;
	return 0;
}

int vfu_dma_access_decode(const uint8_t *p, size_t len,
			  struct vfu_dma_access *m)
{
	/* The spec's DMA_WRITE reply has a 4-byte count: accept 12 bytes. */
	if (len == 12) {
		m->addr = ld64(p + 0);
		m->count = ld32(p + 8);
		m->data = NULL;
		return m->count > VFU_MAX_DATA_XFER ? -EINVAL : 0;
	}
	if (len < VFU_DMA_ACCESS_SIZE)
		return -EINVAL;
	m->addr = ld64(p + 0);
	m->count = ld64(p + 8);
	m->data = len > VFU_DMA_ACCESS_SIZE ? p + VFU_DMA_ACCESS_SIZE : NULL;
	if (m->count > VFU_MAX_DATA_XFER)
		return -EINVAL;
	if (len != VFU_DMA_ACCESS_SIZE && len - VFU_DMA_ACCESS_SIZE != m->count)
		return -EINVAL;
	return 0;
}

static bool one_bit(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int decode_irq_set(const uint8_t *p, size_t len, size_t nfds,
			  struct vfu_irq_set *m)
{
	uint32_t data;

	if (len < VFU_IRQ_SET_SIZE)
		return -EINVAL;
	m->argsz = ld32(p + 0);
	m->flags = ld32(p + 4);
	m->index = ld32(p + 8);
	m->start = ld32(p + 12);
	m->count = ld32(p + 16);
	m->bools = NULL;
	data = m->flags & IRQ_DATA_MASK;
	if (m->argsz < VFU_IRQ_SET_SIZE ||
	    (m->flags & ~(IRQ_DATA_MASK | IRQ_ACTION_MASK)) ||
	    !one_bit(data) || !one_bit(m->flags & IRQ_ACTION_MASK))
		return -EINVAL;
	if (data == VFIO_IRQ_SET_DATA_BOOL) {
		if (len - VFU_IRQ_SET_SIZE != m->count || nfds)
			return -EINVAL;
		m->bools = p + VFU_IRQ_SET_SIZE;
		return 0;
	}
	if (len != VFU_IRQ_SET_SIZE)
		return -EINVAL;
	if (data == VFIO_IRQ_SET_DATA_EVENTFD)
		return nfds == 0 || nfds == m->count ? 0 : -EINVAL;
	return nfds ? -EINVAL : 0;
}

static int decode_command(const uint8_t *p, size_t len, size_t nfds,
			  struct vfu_msg *m)
{
	int ret;

	switch (m->hdr.cmd) {
	case VFU_CMD_VERSION:
		/* One fd at most: a client's memory file (ccwpass.process_vm,
		 * checked by the handler). */
		ret = vfu_version_decode(p, len, &m->u.version);
		return ret ? ret : nfds > 1 ? -EINVAL : 0;
	case VFU_CMD_DMA_MAP:
		if (len != VFU_DMA_MAP_SIZE || nfds > 1)
			return -EINVAL;
		m->u.dma_map.argsz = ld32(p + 0);
		m->u.dma_map.flags = ld32(p + 4);
		m->u.dma_map.offset = ld64(p + 8);
		m->u.dma_map.addr = ld64(p + 16);
		m->u.dma_map.size = ld64(p + 24);
		return m->u.dma_map.argsz < VFU_DMA_MAP_SIZE ? -EINVAL : 0;
	case VFU_CMD_DMA_UNMAP:
		if (len != VFU_DMA_UNMAP_SIZE || nfds)
			return -EINVAL;
		m->u.dma_unmap.argsz = ld32(p + 0);
		m->u.dma_unmap.flags = ld32(p + 4);
		m->u.dma_unmap.addr = ld64(p + 8);
		m->u.dma_unmap.size = ld64(p + 16);
		return m->u.dma_unmap.argsz < VFU_DMA_UNMAP_SIZE ? -EINVAL : 0;
	case VFU_CMD_DEVICE_GET_INFO:
		if (len != VFU_DEVICE_INFO_SIZE || nfds)
			return -EINVAL;
		vfu_device_info_decode(p, len, &m->u.device_info);
		return m->u.device_info.argsz < VFU_DEVICE_INFO_SIZE ? -EINVAL
								     : 0;
	case VFU_CMD_DEVICE_GET_REGION_INFO:
		if (len != VFU_REGION_INFO_SIZE || nfds)
			return -EINVAL;
		vfu_region_info_decode(p, len, &m->u.region_info);
		return m->u.region_info.argsz < VFU_REGION_INFO_SIZE ? -EINVAL
								     : 0;
	case VFU_CMD_DEVICE_GET_IRQ_INFO:
		if (len != VFU_IRQ_INFO_SIZE || nfds)
			return -EINVAL;
		vfu_irq_info_decode(p, len, &m->u.irq_info);
		return m->u.irq_info.argsz < VFU_IRQ_INFO_SIZE ? -EINVAL : 0;
	case VFU_CMD_DEVICE_SET_IRQS:
		return decode_irq_set(p, len, nfds, &m->u.irq_set);
	case VFU_CMD_REGION_READ:
		if (len != VFU_REGION_ACCESS_SIZE || nfds)
			return -EINVAL;
		return vfu_region_access_decode(p, len, &m->u.region);
	case VFU_CMD_REGION_WRITE:
		if (len < VFU_REGION_ACCESS_SIZE || nfds)
			return -EINVAL;
		ret = vfu_region_access_decode(p, len, &m->u.region);
		/* A write carries exactly count bytes, even for count 0. */
		if (!ret && len - VFU_REGION_ACCESS_SIZE != m->u.region.count)
			ret = -EINVAL;
		return ret;
	case VFU_CMD_DMA_READ:
		if (len != VFU_DMA_ACCESS_SIZE || nfds)
			return -EINVAL;
		return vfu_dma_access_decode(p, len, &m->u.dma);
	case VFU_CMD_DMA_WRITE:
		if (len < VFU_DMA_ACCESS_SIZE || nfds)
			return -EINVAL;
		ret = vfu_dma_access_decode(p, len, &m->u.dma);
		if (!ret && len - VFU_DMA_ACCESS_SIZE != m->u.dma.count)
			ret = -EINVAL;
		return ret;
	case VFU_CMD_DEVICE_RESET:
		return len || nfds ? -EINVAL : 0;
	case VFU_CMD_DEVICE_GET_REGION_IO_FDS:
	case VFU_CMD_REGION_WRITE_MULTI:
	case VFU_CMD_DEVICE_FEATURE:
	case VFU_CMD_MIG_DATA_READ:
	case VFU_CMD_MIG_DATA_WRITE:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static int decode_reply(const uint8_t *p, size_t len, size_t nfds,
			struct vfu_msg *m)
{
	if (nfds)
		return -EINVAL;     /* ccwpass negotiates nothing that sends fds */
	if (m->hdr.flags & VFU_F_ERROR)
		return 0;           /* payload, if any, is ignored */
	switch (m->hdr.cmd) {
	case VFU_CMD_VERSION:
		return vfu_version_decode(p, len, &m->u.version);
	case VFU_CMD_DMA_MAP:
	case VFU_CMD_DEVICE_SET_IRQS:
	case VFU_CMD_DEVICE_RESET:
		return len ? -EINVAL : 0;
	case VFU_CMD_DMA_UNMAP:
		return len && len < VFU_DMA_UNMAP_SIZE ? -EINVAL : 0;
	case VFU_CMD_DEVICE_GET_INFO:
		return vfu_device_info_decode(p, len, &m->u.device_info);
	case VFU_CMD_DEVICE_GET_REGION_INFO:
		return vfu_region_info_decode(p, len, &m->u.region_info);
	case VFU_CMD_DEVICE_GET_IRQ_INFO:
		return vfu_irq_info_decode(p, len, &m->u.irq_info);
	case VFU_CMD_REGION_READ:
	case VFU_CMD_REGION_WRITE:
		return vfu_region_access_decode(p, len, &m->u.region);
	case VFU_CMD_DMA_READ:
	case VFU_CMD_DMA_WRITE:
		return vfu_dma_access_decode(p, len, &m->u.dma);
	default:
		return -EINVAL;
	}
}

int vfu_msg_decode(const uint8_t *buf, size_t len, size_t nfds,
		   struct vfu_msg *m)
{
	int ret;

	memset(m, 0, sizeof(*m));
	if (len < VFU_HDR_SIZE)
		return -EINVAL;
	ret = vfu_hdr_decode(buf, len, &m->hdr);
	if (ret < 0)
		return ret;
	if (m->hdr.size != len)
		return -EINVAL;
	if (nfds > VFU_MAX_FDS)
		return -EINVAL;
	buf += VFU_HDR_SIZE;
	len -= VFU_HDR_SIZE;
	return vfu_hdr_is_reply(&m->hdr) ? decode_reply(buf, len, nfds, m)
					 : decode_command(buf, len, nfds, m);
}

static uint32_t cap_space(const struct vfu_region_cap *cap)
{
	/* Header + body, rounded up to 8 like the kernel's cap chains. */
	return (VFU_CAP_HDR_SIZE + cap->body_len + 7u) & ~7u;
}

size_t vfu_caps_size(const struct vfu_region_cap *caps, unsigned n)
{
	size_t total = 0;

	for (unsigned i = 0; i < n; i++)
		total += cap_space(&caps[i]);
	return total;
}

void vfu_caps_encode(uint8_t *p, uint32_t base,
		     const struct vfu_region_cap *caps, unsigned n)
{
	uint32_t off = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t space = cap_space(&caps[i]);

		memset(p + off, 0, space);
		st16(p + off + 0, caps[i].id);
		st16(p + off + 2, caps[i].version);
		st32(p + off + 4, i + 1 < n ? base + off + space : 0);
		if (caps[i].body_len)
			memcpy(p + off + VFU_CAP_HDR_SIZE, caps[i].body,
			       caps[i].body_len);
		off += space;
	}
}

int vfu_caps_find(const uint8_t *info, size_t len, uint16_t id)
{
	uint32_t off;

	if (len < VFU_REGION_INFO_SIZE ||
	    !(ld32(info + 4) & VFIO_REGION_INFO_FLAG_CAPS))
		return -ENOENT;
	off = ld32(info + 12);
	for (int hops = 0; off && hops < 64; hops++) {
		/* Links only go forward, past the info, inside the buffer. */
		if (off < VFU_REGION_INFO_SIZE || off > len ||
		    len - off < VFU_CAP_HDR_SIZE)
			return -EINVAL;
		if (ld16(info + off) == id)
			return (int)off;
		if (ld32(info + off + 4) && ld32(info + off + 4) <= off)
			return -EINVAL;
		off = ld32(info + off + 4);
	}
	return off ? -EINVAL : -ENOENT;
}

const char *vfu_cmd_name(uint16_t cmd)
{
	static const char *const names[] = {
		[VFU_CMD_VERSION] = "VERSION",
		[VFU_CMD_DMA_MAP] = "DMA_MAP",
		[VFU_CMD_DMA_UNMAP] = "DMA_UNMAP",
		[VFU_CMD_DEVICE_GET_INFO] = "DEVICE_GET_INFO",
		[VFU_CMD_DEVICE_GET_REGION_INFO] = "DEVICE_GET_REGION_INFO",
		[VFU_CMD_DEVICE_GET_REGION_IO_FDS] = "DEVICE_GET_REGION_IO_FDS",
		[VFU_CMD_DEVICE_GET_IRQ_INFO] = "DEVICE_GET_IRQ_INFO",
		[VFU_CMD_DEVICE_SET_IRQS] = "DEVICE_SET_IRQS",
		[VFU_CMD_REGION_READ] = "REGION_READ",
		[VFU_CMD_REGION_WRITE] = "REGION_WRITE",
		[VFU_CMD_DMA_READ] = "DMA_READ",
		[VFU_CMD_DMA_WRITE] = "DMA_WRITE",
		[VFU_CMD_DEVICE_RESET] = "DEVICE_RESET",
		[VFU_CMD_REGION_WRITE_MULTI] = "REGION_WRITE_MULTI",
		[VFU_CMD_DEVICE_FEATURE] = "DEVICE_FEATURE",
		[VFU_CMD_MIG_DATA_READ] = "MIG_DATA_READ",
		[VFU_CMD_MIG_DATA_WRITE] = "MIG_DATA_WRITE",
	};

	if (cmd < sizeof(names) / sizeof(names[0]) && names[cmd])
		return names[cmd];
	return "?";
}
