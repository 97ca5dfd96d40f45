/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory over the vfio-user DMA map (vcc_guestmem.h; QEMU
 * docs/interop/vfio-user.rst "Client memory access"): direct copies for
 * fd-backed regions, the server's locked copy / DMA messages otherwise.
 */
#include "vfio_ccw/vcc_guestmem.h"

#include <errno.h>
#include <string.h>

#include "common/evloop.h"
#include "vfio_user/vfu_dma.h"
#include "vfio_user/vfu_server.h"

static struct vcc_guestmem *to_gm(struct css_mem *mem)
{
	return (struct vcc_guestmem *)((char *)mem -
				       offsetof(struct vcc_guestmem, mem));
}

/* Does [addr, addr + len) (len > 0) touch the fenced range? */
static bool fenced(const struct vcc_guestmem *gm, uint64_t addr, size_t len)
{
	uint64_t last = addr + (len - 1);

	if (!gm->fenced)
		return false;
	if (last < addr)         /* wraps: the server refuses it anyway */
		return true;
	return addr <= gm->fence_last && last >= gm->fence_iova;
}

/*
 * One access. Returns 0 or -errno: -EFAULT (not mapped, or no client),
 * -ENOTCONN / -ETIMEDOUT / -EIO (a DMA message failed).
 */
static int access_mem(struct vcc_guestmem *gm, bool write, uint64_t addr,
		      void *buf, size_t len)
{
	struct vfu_server *srv;
	void *ptr = NULL;
	bool direct;
	int ret = 0;

	if (!len)
		return 0;
	pthread_mutex_lock(&gm->lock);
	srv = gm->srv;
	direct = srv && !fenced(gm, addr, len);
	if (srv)
		gm->inflight++;
	if (direct)
		gm->inflight_direct++;
	pthread_mutex_unlock(&gm->lock);
	if (!srv)
		return -EFAULT;
	if (direct) {
		ptr = vfu_dma_map_ptr(srv, addr, len, write);
		if (ptr && write)
			memcpy(ptr, buf, len);
		else if (ptr)
			memcpy(buf, ptr, len);
		pthread_mutex_lock(&gm->lock);
		if (--gm->inflight_direct == 0)
			pthread_cond_broadcast(&gm->cond);
		pthread_mutex_unlock(&gm->lock);
	}
	/*
	 * Not in one fd-backed region (or fenced): the server checks the
	 * range under its DMA lock, region by region; message regions go
	 * through DMA_READ / DMA_WRITE, which fail at once (-ENOTCONN) when
	 * the client has gone.
	 */
	if (!ptr)
		ret = write ? vfu_dma_write(srv, addr, buf, len)
			    : vfu_dma_read(srv, addr, buf, len);
	pthread_mutex_lock(&gm->lock);
	if (ptr)
		gm->direct++;
	else
		gm->locked++;
	if (--gm->inflight == 0)
		pthread_cond_broadcast(&gm->cond);
	pthread_mutex_unlock(&gm->lock);
	return ret;
}

static int gm_read(struct css_mem *mem, uint64_t addr, void *buf, size_t len)
{
	return access_mem(to_gm(mem), false, addr, buf, len);
}

static int gm_write(struct css_mem *mem, uint64_t addr, const void *buf,
		    size_t len)
{
	/* buf is only read on the write path. */
	return access_mem(to_gm(mem), true, addr, (void *)(uintptr_t)buf, len);
}

/*
 * Only the loop thread can unmap, so a pointer handed out there stays
 * valid until it returns to the loop (the translator's probes). Worker
 * threads get NULL and use read/write, which are checked per access.
 */
static void *gm_map(struct css_mem *mem, uint64_t addr, size_t len,
		    bool write)
{
	struct vcc_guestmem *gm = to_gm(mem);
	struct vfu_server *srv;

	if (!len || !gm->loop || !evloop_on_loop_thread(gm->loop))
		return NULL;
	pthread_mutex_lock(&gm->lock);
	srv = fenced(gm, addr, len) ? NULL : gm->srv;
	pthread_mutex_unlock(&gm->lock);
	return srv ? vfu_dma_map_ptr(srv, addr, len, write) : NULL;
}

/*
 * Before a program runs (its worker): when its ranges hold at least
 * VCC_PREFAULT_MIN_PAGES pages of fd regions that this process has not
 * touched yet, fault them in ahead, VFU_FAULT_IN_MAX at a time - the
 * copies would take a page fault each. Fewer are left to the copies: a
 * program of a few pages (a 4 KiB read, the guest's next CCWs) gains
 * little. A direct access for the lifetime rules (vcc_guestmem.h).
 */
static void gm_prepare(struct css_mem *mem, const struct css_mem_range *r,
		       size_t n)
{
	struct vcc_guestmem *gm = to_gm(mem);
	struct iovec pages[VFU_FAULT_IN_MAX];
	struct vfu_server *srv;
	uint64_t want = 0, done = 0;
	size_t k = 0;

	pthread_mutex_lock(&gm->lock);
	srv = gm->fenced ? NULL : gm->srv;     /* a fence: not worth it */
	if (srv) {
		gm->inflight++;
		gm->inflight_direct++;
	}
	pthread_mutex_unlock(&gm->lock);
	if (!srv)
		return;
	for (size_t i = 0; i < n && want < VCC_PREFAULT_MIN_PAGES; i++)
		want += vfu_dma_untouched(srv, r[i].start, r[i].end - r[i].start);
	for (size_t i = 0; i < n && want >= VCC_PREFAULT_MIN_PAGES; i++) {
		uint64_t at = r[i].start;

		while (at < r[i].end) {
			k += vfu_dma_collect(srv, &at, r[i].end, pages + k,
					     VFU_FAULT_IN_MAX - k);
			if (k == VFU_FAULT_IN_MAX) {
				vfu_dma_fault_in(pages, k);
				done += k;
				k = 0;
			}
		}
	}
	if (k) {
		vfu_dma_fault_in(pages, k);
		done += k;
	}
	pthread_mutex_lock(&gm->lock);
	gm->prefaulted += done;
	if (--gm->inflight_direct == 0)
		pthread_cond_broadcast(&gm->cond);
	if (--gm->inflight == 0)
		pthread_cond_broadcast(&gm->cond);
	pthread_mutex_unlock(&gm->lock);
}

static const struct css_mem_ops gm_ops = {
	.read = gm_read,
	.write = gm_write,
	.map = gm_map,
	.prepare = gm_prepare,
};

void vcc_guestmem_init(struct vcc_guestmem *gm, struct evloop *loop)
{
	memset(gm, 0, sizeof(*gm));
	gm->mem.ops = &gm_ops;
	gm->loop = loop;
	pthread_mutex_init(&gm->lock, NULL);
	pthread_cond_init(&gm->cond, NULL);
}

void vcc_guestmem_fini(struct vcc_guestmem *gm)
{
	vcc_guestmem_detach(gm);
	pthread_cond_destroy(&gm->cond);
	pthread_mutex_destroy(&gm->lock);
}

void vcc_guestmem_attach(struct vcc_guestmem *gm, struct vfu_server *srv)
{
	pthread_mutex_lock(&gm->lock);
	gm->srv = srv;
	gm->fenced = false;
	pthread_mutex_unlock(&gm->lock);
}

/*
 * Direct copies (memcpy on a shared mapping) never block. Locked ones
 * block on DMA messages, which fail at once once the server marked the
 * connection dead (it does so before client_gone), and in process_vm_*
 * only as long as the client's page faults take (a userfaultfd or a slow
 * file behind its RAM would stall this mdev, nothing else); after the
 * connection died no process_vm copy starts. So the loop thread may wait
 * for both there.
 */
static void wait_idle(struct vcc_guestmem *gm, bool all)
{
	while (all ? gm->inflight : gm->inflight_direct)
		pthread_cond_wait(&gm->cond, &gm->lock);
}

void vcc_guestmem_detach(struct vcc_guestmem *gm)
{
	pthread_mutex_lock(&gm->lock);
	gm->srv = NULL;
	gm->fenced = false;
	wait_idle(gm, true);
	pthread_mutex_unlock(&gm->lock);
}

void vcc_guestmem_fence(struct vcc_guestmem *gm, uint64_t iova, uint64_t len)
{
	pthread_mutex_lock(&gm->lock);
	if (len) {
		gm->fenced = true;
		gm->fence_iova = iova;
		gm->fence_last = iova + (len - 1) < iova ? UINT64_MAX
							   : iova + (len - 1);
	} else {
		gm->fenced = false;
	}
	wait_idle(gm, false);
	pthread_mutex_unlock(&gm->lock);
}

void vcc_guestmem_stats(struct vcc_guestmem *gm, uint64_t *direct,
			uint64_t *locked)
{
	pthread_mutex_lock(&gm->lock);
	*direct = gm->direct;
	*locked = gm->locked;
	pthread_mutex_unlock(&gm->lock);
}

uint64_t vcc_guestmem_prefaulted(struct vcc_guestmem *gm)
{
	uint64_t n;

	pthread_mutex_lock(&gm->lock);
	n = gm->prefaulted;
	pthread_mutex_unlock(&gm->lock);
	return n;
}
