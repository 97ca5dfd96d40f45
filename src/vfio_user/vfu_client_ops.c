/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed client requests (QEMU docs/interop/vfio-user.rst, one section per
 * command): encode the request, check the reply's shape.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <stdlib.h>
#include <string.h>

#include "vfio_user/vfu_client_priv.h"

int vfu_client_device_info(struct vfu_client *c, struct vfu_device_info *info)
{
	struct vfu_device_info q = { .argsz = VFU_DEVICE_INFO_SIZE };
	uint8_t buf[VFU_DEVICE_INFO_SIZE];
	size_t n;
	int ret;

	vfu_device_info_encode(buf, &q);
	ret = vfu_client_call(c, VFU_CMD_DEVICE_GET_INFO, buf, sizeof(buf),
			      NULL, 0, buf, sizeof(buf), &n);
	if (ret < 0)
		return ret;
	return vfu_device_info_decode(buf, n, info) < 0 ? -EPROTO : 0;
}

int vfu_client_region_info(struct vfu_client *c, uint32_t index, void *buf,
			   uint32_t argsz)
{
	struct vfu_region_info q = { .argsz = argsz, .index = index };
	uint8_t req[VFU_REGION_INFO_SIZE];
	size_t n;
	int ret;

	if (argsz < VFU_REGION_INFO_SIZE)
		return -EINVAL;
	vfu_region_info_encode(req, &q);
	ret = vfu_client_call(c, VFU_CMD_DEVICE_GET_REGION_INFO, req,
			      sizeof(req), NULL, 0, buf, argsz, &n);
	if (ret < 0)
		return ret;
	if (n < VFU_REGION_INFO_SIZE || n > argsz)
		return -EPROTO;
	return (int)n;
}

int vfu_client_irq_info(struct vfu_client *c, uint32_t index,
			struct vfu_irq_info *info)
{
	struct vfu_irq_info q = { .argsz = VFU_IRQ_INFO_SIZE, .index = index };
	uint8_t buf[VFU_IRQ_INFO_SIZE];
	size_t n;
	int ret;

	vfu_irq_info_encode(buf, &q);
	ret = vfu_client_call(c, VFU_CMD_DEVICE_GET_IRQ_INFO, buf, sizeof(buf),
			      NULL, 0, buf, sizeof(buf), &n);
	if (ret < 0)
		return ret;
	return vfu_irq_info_decode(buf, n, info) < 0 ? -EPROTO : 0;
}

int vfu_client_set_irqs(struct vfu_client *c, uint32_t index, uint32_t flags,
			uint32_t start, uint32_t count, const int *fds,
			size_t nfds, const uint8_t *bools)
{
	struct vfu_irq_set q = {
		.argsz = VFU_IRQ_SET_SIZE, .flags = flags, .index = index,
		.start = start, .count = count,
	};
	uint8_t buf[VFU_IRQ_SET_SIZE];
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = sizeof(buf) },
		{ .iov_base = (void *)bools, .iov_len = count },
	};
	bool with_bools = flags & VFIO_IRQ_SET_DATA_BOOL;

	if (with_bools && !bools)
		return -EINVAL;
	if (with_bools)
		q.argsz += count;
	vfu_irq_set_encode(buf, &q);
	return vfu_client_callv(c, VFU_CMD_DEVICE_SET_IRQS, iov,
				with_bools ? 2 : 1, fds, nfds, NULL, 0, NULL);
}

/* Bytes of a data reply that may be accepted for count requested. */
static int check_count(struct vfu_client *c, uint32_t count)
{
	if (count > VFU_MAX_DATA_XFER ||
	    count > vfu_client_server_caps(c)->max_data_xfer_size)
		return -E2BIG;
	return 0;
}

int vfu_client_region_read(struct vfu_client *c, uint32_t index,
			   uint64_t offset, void *buf, uint32_t count)
{
	struct vfu_region_access q = {
		.offset = offset, .region = index, .count = count,
	};
	size_t size = VFU_REGION_ACCESS_SIZE + (size_t)count;
	uint8_t req[VFU_REGION_ACCESS_SIZE];
	struct vfu_region_access a;
	uint8_t *reply;
	size_t n;
	int ret;

	ret = check_count(c, count);
	if (ret < 0)
		return ret;
	reply = malloc(size);
	if (!reply)
		return -ENOMEM;
	vfu_region_access_encode(req, &q);
	ret = vfu_client_call(c, VFU_CMD_REGION_READ, req, sizeof(req), NULL, 0,
			      reply, size, &n);
	/* The reply is the access header followed by a.count <= count bytes. */
	if (!ret && (n > size || vfu_region_access_decode(reply, n, &a) < 0 ||
		     a.count > count || a.region != index || a.offset != offset ||
		     n != VFU_REGION_ACCESS_SIZE + (size_t)a.count))
		ret = -EPROTO;
	if (!ret) {
		memcpy(buf, reply + VFU_REGION_ACCESS_SIZE, a.count);
		ret = (int)a.count;
	}
	free(reply);
	return ret;
}

/* REGION_WRITE of buf: a call whose reply header lands in reply (*n its
 * length), or with reply NULL posted (vfu_client_send). 0 or -errno. */
static int send_region_write(struct vfu_client *c, uint32_t index,
			     uint64_t offset, const void *buf, uint32_t count,
			     uint8_t reply[VFU_REGION_ACCESS_SIZE], size_t *n)
{
	struct vfu_region_access q = {
		.offset = offset, .region = index, .count = count,
	};
	uint8_t req[VFU_REGION_ACCESS_SIZE];
	struct iovec iov[2] = {
		{ .iov_base = req, .iov_len = sizeof(req) },
		{ .iov_base = (void *)buf, .iov_len = count },
	};
	int niov = count ? 2 : 1;
	int ret = check_count(c, count);

	if (ret < 0)
		return ret;
	vfu_region_access_encode(req, &q);
	if (!reply)
		return vfu_client_send(c, VFU_CMD_REGION_WRITE, iov, niov);
	return vfu_client_callv(c, VFU_CMD_REGION_WRITE, iov, niov, NULL, 0,
				reply, VFU_REGION_ACCESS_SIZE, n);
}

int vfu_client_region_write(struct vfu_client *c, uint32_t index,
			    uint64_t offset, const void *buf, uint32_t count)
{
	uint8_t reply[VFU_REGION_ACCESS_SIZE];
	struct vfu_region_access a;
	size_t n;
	int ret;

	ret = send_region_write(c, index, offset, buf, count, reply, &n);
	if (ret < 0)
		return ret;
	if (n != VFU_REGION_ACCESS_SIZE ||
	    vfu_region_access_decode(reply, n, &a) < 0 || a.count > count)
		return -EPROTO;
	return (int)a.count;
}

int vfu_client_region_post(struct vfu_client *c, uint32_t index,
			   uint64_t offset, const void *buf, uint32_t count)
{
	int ret;

	if (!vfu_client_posted_write(c))
		return -ENOTSUP;
	ret = send_region_write(c, index, offset, buf, count, NULL, NULL);
	return ret < 0 ? ret : (int)count;
}

int vfu_client_reset(struct vfu_client *c)
{
	return vfu_client_call(c, VFU_CMD_DEVICE_RESET, NULL, 0, NULL, 0, NULL,
			       0, NULL);
}

int vfu_client_dma_map(struct vfu_client *c, uint64_t iova, uint64_t size,
		       uint32_t prot, int fd, uint64_t offset, void *vaddr)
{
	struct vfu_dma_map q = {
		.argsz = VFU_DMA_MAP_SIZE, .flags = prot, .offset = offset,
		.addr = iova, .size = size,
	};
	struct vfu_dma_region r = {
		.iova = iova, .size = size, .prot = prot, .vaddr = vaddr,
		.by_msg = fd < 0,
	};
	uint8_t req[VFU_DMA_MAP_SIZE];
	int ret;

	/* Negotiated: the server may copy from vaddr itself (0: it may not). */
	if (fd < 0 && vfu_client_process_vm(c))
		q.offset = (uint64_t)(uintptr_t)vaddr;
	/* Track first: the local table rejects what the server would. */
	ret = vfu_client_dma_track(c, &r);
	if (ret < 0)
		return ret;
	vfu_dma_map_encode(req, &q);
	ret = vfu_client_call(c, VFU_CMD_DMA_MAP, req, sizeof(req),
			      fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0, NULL, 0,
			      NULL);
	if (ret < 0)
		vfu_client_dma_untrack(c, iova, size);
	return ret;
}

int vfu_client_dma_unmap(struct vfu_client *c, uint64_t iova, uint64_t size)
{
	struct vfu_dma_unmap q = {
		.argsz = VFU_DMA_UNMAP_SIZE, .addr = iova, .size = size,
	};
	uint8_t req[VFU_DMA_UNMAP_SIZE];
	int ret;

	vfu_dma_unmap_encode(req, &q);
	ret = vfu_client_call(c, VFU_CMD_DMA_UNMAP, req, sizeof(req), NULL, 0,
			      NULL, 0, NULL);
	if (ret < 0)
		return ret;
	vfu_client_dma_untrack(c, iova, size);
	return 0;
}

int vfu_client_dma_forget(struct vfu_client *c, uint64_t iova, uint64_t size)
{
	return vfu_client_dma_untrack(c, iova, size);
}
