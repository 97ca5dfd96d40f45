/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's memory as vfio_ccw sees it: a css_mem over the DMA map a
 * vfio-user client gave the mdev (QEMU docs/interop/vfio-user.rst,
 * "VFIO_USER_DMA_MAP", "Client memory access"). It is the `guest` that
 * cp_init() gets, so the channel program and every data byte reach guest
 * memory only through it.
 *
 * - fd-backed regions: zero-copy through vfu_dma_map_ptr() (memcpy
 *   straight into / out of the client's mapping);
 * - regions without fd, and ranges spanning regions: vfu_dma_read /
 *   vfu_dma_write (DMA_READ / DMA_WRITE messages, or copies under the
 *   server's DMA lock).
 *
 * Lifetime rules (the server unmaps a region right after the device's
 * dma_unmap op returns, and every region after client_gone returns):
 * a direct copy is counted in flight; vcc_guestmem_fence() makes later
 * accesses to a range take the locked path and waits for the direct copies
 * in flight; vcc_guestmem_detach() makes every access fail and waits
 * likewise. Direct copies never wait for anything, so the loop thread may
 * wait for them. map() hands out pointers only on the loop thread (the only
 * thread that can unmap), valid until it returns to the loop.
 */
#ifndef CCWPASS_VFIO_CCW_VCC_GUESTMEM_H
#define CCWPASS_VFIO_CCW_VCC_GUESTMEM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "css/css_mem.h"

struct evloop;
struct vfu_server;

struct vcc_guestmem {
	struct css_mem mem;
	struct evloop *loop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock: */
	struct vfu_server *srv;     /* NULL: detached, every access -EFAULT */
	bool fenced;
	uint64_t fence_iova, fence_last;  /* inclusive range */
	unsigned int inflight;      /* accesses in progress */
	unsigned int inflight_direct; /* of which direct copies */
	uint64_t direct, locked;    /* accesses by path (statistics) */
	uint64_t prefaulted;        /* pages faulted in before a program */
};

/* Fewest untouched pages a program must bring for gm_prepare to fault
 * them in ahead (vcc_guestmem.c). */
#define VCC_PREFAULT_MIN_PAGES 8

void vcc_guestmem_init(struct vcc_guestmem *gm, struct evloop *loop);
void vcc_guestmem_fini(struct vcc_guestmem *gm);

/* A client is connected: serve accesses through srv. */
void vcc_guestmem_attach(struct vcc_guestmem *gm, struct vfu_server *srv);
/*
 * The client is gone (the server has marked the connection dead): every
 * access fails from now on; waits for the accesses in progress.
 */
void vcc_guestmem_detach(struct vcc_guestmem *gm);
/*
 * [iova, iova + len) is about to be unmapped: no new direct copies there
 * (until the next fence or attach); waits for those in progress.
 */
void vcc_guestmem_fence(struct vcc_guestmem *gm, uint64_t iova, uint64_t len);

/* Accesses so far by path (tests and the trace). */
void vcc_guestmem_stats(struct vcc_guestmem *gm, uint64_t *direct,
			uint64_t *locked);
/* Pages faulted in ahead of programs so far. */
uint64_t vcc_guestmem_prefaulted(struct vcc_guestmem *gm);

#endif
