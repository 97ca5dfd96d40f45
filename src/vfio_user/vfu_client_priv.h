/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between the client core (vfu_client.c) and its typed requests
 * (vfu_client_ops.c).
 */
#ifndef CCWPASS_VFIO_USER_VFU_CLIENT_PRIV_H
#define CCWPASS_VFIO_USER_VFU_CLIENT_PRIV_H

#include <sys/uio.h>

#include "vfio_user/vfu_client.h"
#include "vfio_user/vfu_dma.h"

/* The client's own table of mapped regions (serves DMA requests). */
int vfu_client_dma_track(struct vfu_client *c, const struct vfu_dma_region *r);
int vfu_client_dma_untrack(struct vfu_client *c, uint64_t iova, uint64_t size);

/* Request with a gathered payload; reply payload handling as
 * vfu_client_call(). */
int vfu_client_callv(struct vfu_client *c, uint16_t cmd,
		     const struct iovec *iov, int niov, const int *fds,
		     size_t nfds, void *reply, size_t reply_size,
		     size_t *reply_len);

#endif
