/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client memory for the device (QEMU docs/interop/vfio-user.rst, "Client
 * memory access", "VFIO_USER_DMA_MAP" / "_UNMAP" / "_READ" / "_WRITE"):
 * fd-backed regions are mmapped and copied directly; regions with a client
 * address (VFU_CAP_PROCESS_VM) are copied with process_vm_* (vfu_pvm.c);
 * the others, and whatever process_vm_* could not do, go through
 * DMA_READ / DMA_WRITE requests to the client, at most the client's
 * max_data_xfer_size per message. See vfu_server.h for the threading model.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/evloop.h"
#include "common/log.h"
#include "vfio_user/vfu_server_priv.h"

/* ---- DMA_MAP / DMA_UNMAP ---------------------------------------------- */

int vfu_dma_handle_map(struct vfu_server *s, const struct vfu_dma_map *m,
		       int fd, pid_t sender)
{
	struct vfu_dma_region r = {
		.iova = m->addr, .size = m->size, .prot = m->flags,
	};
	int ret;

	if (!m->flags || (m->flags & ~(VFU_DMA_READ | VFU_DMA_WRITE)) ||
	    !m->size || m->addr > UINT64_MAX - (m->size - 1)) {
		ret = -EINVAL;
		goto out;
	}
	if (fd >= 0) {
		ret = vfu_dma_mmap(fd, m->offset, m->size, m->flags, &r.vaddr);
		if (ret < 0)
			goto out;
		vfu_dma_touched_alloc(&r);   /* without it: plain faults */
	} else if (m->offset) {
		bool pvm;

		pthread_mutex_lock(&s->dma_lock);
		pvm = s->pvm.negotiated;
		pthread_mutex_unlock(&s->dma_lock);
		/* Negotiated: offset is the client's address of the range, which
		 * must not wrap. Otherwise it means nothing without an fd. */
		if (pvm && m->offset > UINTPTR_MAX - (m->size - 1)) {
			ret = -EINVAL;
			goto out;
		}
		/* Only the process itself declares its addresses (a process
		 * it passed the socket to gets messages). */
		if (pvm && vfu_pvm_sender_ok(s, sender))
			r.remote = m->offset;
	}
	pthread_mutex_lock(&s->dma_lock);
	ret = vfu_dma_table_add(&s->dma, &r);
	pthread_mutex_unlock(&s->dma_lock);
	if (ret < 0) {
		vfu_dma_munmap(&r);
		goto out;
	}
	if (s->ops->dma_map)
		s->ops->dma_map(s->dev, &r);
out:
	/* The mapping keeps the file; the descriptor is not needed. */
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Ask the device, then drop region i. Caller does not hold dma_lock. */
static int unmap_one(struct vfu_server *s, uint64_t iova, uint64_t size)
{
	struct vfu_dma_region r;
	int i, ret;

	pthread_mutex_lock(&s->dma_lock);
	i = vfu_dma_table_find(&s->dma, iova, size);
	if (i >= 0) {
		/*
		 * The client is letting go of this memory: from now on only
		 * messages reach it, which the client may refuse, also when
		 * the device below keeps the region.
		 */
		s->dma.v[i].remote = 0;
		r = s->dma.v[i];
	}
	pthread_mutex_unlock(&s->dma_lock);
	if (i < 0)
		return -ENOENT;
	if (s->ops->dma_unmap) {
		ret = s->ops->dma_unmap(s->dev, &r);
		if (ret < 0)
			return ret;
	}
	/* Only the loop thread changes the table: i is still r. */
	pthread_mutex_lock(&s->dma_lock);
	vfu_dma_table_remove(&s->dma, (size_t)i);
	pthread_mutex_unlock(&s->dma_lock);
	vfu_dma_munmap(&r);
	return 0;
}

int vfu_dma_handle_unmap(struct vfu_server *s, const struct vfu_dma_unmap *m)
{
	int ret = 0;

	if (m->flags & ~VFU_UNMAP_ALL)
		return -EINVAL;     /* dirty bitmaps are not supported */
	if (!(m->flags & VFU_UNMAP_ALL))
		return unmap_one(s, m->addr, m->size);
	if (m->addr || m->size)
		return -EINVAL;
	/* The client lets go of all of it, also what the loop below does
	 * not reach when the device refuses one region. */
	pthread_mutex_lock(&s->dma_lock);
	for (size_t i = 0; i < s->dma.n; i++)
		s->dma.v[i].remote = 0;
	pthread_mutex_unlock(&s->dma_lock);
	for (;;) {
		struct vfu_dma_region r;
		bool any;

		pthread_mutex_lock(&s->dma_lock);
		any = s->dma.n > 0;
		if (any)
			r = s->dma.v[s->dma.n - 1];
		pthread_mutex_unlock(&s->dma_lock);
		if (!any)
			return 0;
		ret = unmap_one(s, r.iova, r.size);
		if (ret < 0)
			return ret;
	}
}

void vfu_dma_drop_all(struct vfu_server *s)
{
	struct vfu_dma_table old;

	pthread_mutex_lock(&s->dma_lock);
	old = s->dma;
	vfu_dma_table_init(&s->dma, old.max);
	vfu_pvm_reset(&s->pvm);
	pthread_mutex_unlock(&s->dma_lock);
	for (size_t i = 0; i < old.n; i++)
		vfu_dma_munmap(&old.v[i]);
	vfu_dma_table_fini(&old);
}

/* ---- server -> client requests ----------------------------------------- */

void vfu_pending_fail_all(struct vfu_server *s, struct vfu_conn *c, int err)
{
	pthread_mutex_lock(&s->lock);
	for (struct vfu_pending *p = c->pending; p; p = p->next) {
		p->result = err;
		p->done = true;
	}
	c->pending = NULL;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void unlink_pending(struct vfu_conn *c, struct vfu_pending *p)
{
	for (struct vfu_pending **pp = &c->pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return;
		}
	}
}

int vfu_pending_complete(struct vfu_server *s, struct vfu_conn *c,
			 const struct vfu_msg *m)
{
	const struct vfu_dma_access *a = &m->u.dma;
	struct vfu_pending *p;

	pthread_mutex_lock(&s->lock);
	for (p = c->pending; p; p = p->next)
		if (p->msg_id == m->hdr.msg_id && p->cmd == m->hdr.cmd)
			break;
	if (!p) {
		pthread_mutex_unlock(&s->lock);
		return -EPROTO;
	}
	if (m->hdr.flags & VFU_F_ERROR) {
		int e = (int)(m->hdr.error & 0xffff);

		p->result = e ? -e : -EIO;
	} else if (a->addr != p->addr || a->count != p->len ||
		   (p->cmd == VFU_CMD_DMA_READ && p->len && !a->data)) {
		p->result = -EIO;
	} else {
		if (p->cmd == VFU_CMD_DMA_READ && p->len)
			memcpy(p->dst, a->data, p->len);
		p->result = 0;
	}
	p->done = true;
	unlink_pending(c, p);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static bool id_in_use(const struct vfu_conn *c, uint16_t id)
{
	for (const struct vfu_pending *p = c->pending; p; p = p->next)
		if (p->msg_id == id)
			return true;
	return false;
}

/* Non-loop thread: sleep until p is done, the client dies or time is up. */
static int wait_pending(struct vfu_server *s, struct vfu_conn *c,
			struct vfu_pending *p)
{
	struct timespec until;
	int ret = 0;

	until = deadline_ms(s->timeout_ms);
	pthread_mutex_lock(&s->lock);
	while (!p->done && !c->dead && !ret) {
		if (s->timeout_ms > 0)
			ret = pthread_cond_timedwait(&s->cond, &s->lock, &until);
		else
			pthread_cond_wait(&s->cond, &s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	if (ret == ETIMEDOUT) {
		vfu_log(s, LOG_WARNING, "client did not answer %s in %d ms",
			vfu_cmd_name(p->cmd), s->timeout_ms);
		vfu_conn_mark_dead(s, c);
		return -ETIMEDOUT;
	}
	return 0;
}

/* One DMA_READ / DMA_WRITE round trip of at most one message's data. */
static int msg_xfer_one(struct vfu_server *s, uint16_t cmd, uint64_t iova,
			uint8_t *buf, uint64_t len)
{
	struct vfu_pending p = {
		.cmd = cmd, .addr = iova, .len = len,
		.dst = cmd == VFU_CMD_DMA_READ ? buf : NULL,
	};
	struct vfu_dma_access a = { .addr = iova, .count = len };
	uint8_t fixed[VFU_DMA_ACCESS_SIZE];
	struct iovec iov[2] = {
		{ .iov_base = fixed, .iov_len = sizeof(fixed) },
		{ .iov_base = buf, .iov_len = (size_t)len },
	};
	struct vfu_hdr h = { .cmd = cmd, .flags = VFU_F_TYPE_COMMAND };
	struct vfu_conn *c;
	int ret;

	pthread_mutex_lock(&s->lock);
	c = s->conn;
	if (!c || c->dead) {
		pthread_mutex_unlock(&s->lock);
		return -ENOTCONN;
	}
	c->users++;
	do {
		p.msg_id = c->next_id++;
	} while (id_in_use(c, p.msg_id));
	p.next = c->pending;
	c->pending = &p;
	pthread_mutex_unlock(&s->lock);

	vfu_dma_access_encode(fixed, &a);
	h.msg_id = p.msg_id;
	__atomic_add_fetch(&s->st_msgs, 1, __ATOMIC_RELAXED);
	ret = vfu_conn_send(s, c, &h, iov, cmd == VFU_CMD_DMA_WRITE ? 2 : 1);
	if (!ret)
		ret = evloop_on_loop_thread(s->loop) ? vfu_conn_pump(s, c, &p)
						     : wait_pending(s, c, &p);

	pthread_mutex_lock(&s->lock);
	unlink_pending(c, &p);
	if (!ret)
		ret = p.done ? p.result : -ENOTCONN;
	c->users--;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int msg_xfer(struct vfu_server *s, uint16_t cmd, uint64_t iova,
		    uint8_t *buf, uint64_t len)
{
	uint64_t chunk = VFU_MAX_DATA_XFER;
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	if (s->conn && s->conn->peer.max_data_xfer_size < chunk)
		chunk = s->conn->peer.max_data_xfer_size;
	pthread_mutex_unlock(&s->lock);
	if (!chunk)
		return -EIO;
	while (len && !ret) {
		uint64_t n = len < chunk ? len : chunk;

		ret = msg_xfer_one(s, cmd, iova, buf, n);
		iova += n;
		buf += n;
		len -= n;
	}
	return ret;
}

/* ---- device API ------------------------------------------------------- */

/*
 * One piece of a region with a client address, under dma_lock: copy what
 * process_vm_* can; *done tells the caller where messages take over.
 */
static void pvm_piece(struct vfu_server *s, bool write, uint64_t remote,
		      uint8_t *buf, size_t len, size_t *done)
{
	int ret;

	*done = 0;
	if (!s->pvm.negotiated || s->pvm.broken ||
	    __atomic_load_n(&s->pvm.off, __ATOMIC_ACQUIRE))
		return;
	ret = vfu_pvm_copy(s, write, remote, buf, len, done);
	if (!ret) {
		__atomic_add_fetch(&s->st_pvm, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_add_fetch(&s->st_fallbacks, 1, __ATOMIC_RELAXED);
	vfu_log(s, LOG_DEBUG, "process_vm_%s at 0x%llx+0x%zx: %s after %zu "
		"bytes; the rest by messages", write ? "writev" : "readv",
		(unsigned long long)remote, len, strerror(-ret), *done);
}

static int dma_access(struct vfu_server *s, bool write, uint64_t iova,
		      uint8_t *buf, size_t len)
{
	uint32_t prot = write ? VFU_DMA_WRITE : VFU_DMA_READ;
	size_t pos = 0;
	int ret;

	pthread_mutex_lock(&s->dma_lock);
	ret = vfu_dma_table_check(&s->dma, iova, len, prot);
	while (!ret && pos < len) {
		uint64_t addr = iova + pos;
		int i = vfu_dma_table_lookup(&s->dma, addr);
		struct vfu_dma_region r;
		uint64_t n;

		/* Re-checked per piece: the table may change during a message. */
		if (i < 0 || (s->dma.v[i].prot & prot) != prot) {
			ret = -EFAULT;
			break;
		}
		r = s->dma.v[i];
		n = r.size - (addr - r.iova);
		if (n > len - pos)
			n = len - pos;
		if (r.vaddr) {
			uint8_t *p = (uint8_t *)r.vaddr + (addr - r.iova);

			if (write)
				memcpy(p, buf + pos, (size_t)n);
			else
				memcpy(buf + pos, p, (size_t)n);
		} else {
			size_t done = 0;

			if (r.remote)
				pvm_piece(s, write, r.remote + (addr - r.iova),
					  buf + pos, (size_t)n, &done);
			if (done < n) {
				pthread_mutex_unlock(&s->dma_lock);
				ret = msg_xfer(s, write ? VFU_CMD_DMA_WRITE
							: VFU_CMD_DMA_READ,
					       addr + done, buf + pos + done,
					       n - done);
				pthread_mutex_lock(&s->dma_lock);
			}
		}
		pos += (size_t)n;
	}
	pthread_mutex_unlock(&s->dma_lock);
	return ret;
}

int vfu_dma_read(struct vfu_server *s, uint64_t iova, void *buf, size_t len)
{
	return dma_access(s, false, iova, buf, len);
}

int vfu_dma_write(struct vfu_server *s, uint64_t iova, const void *buf,
		  size_t len)
{
	/* The buffer is only read on this path. */
	return dma_access(s, true, iova, (uint8_t *)(uintptr_t)buf, len);
}

/* The fd region holding iova, copied (its page bits live as long as the
 * region); false when there is none. */
static bool fd_region(struct vfu_server *s, uint64_t iova,
		      struct vfu_dma_region *out)
{
	int i;

	pthread_mutex_lock(&s->dma_lock);
	i = vfu_dma_table_lookup(&s->dma, iova);
	if (i >= 0)
		*out = s->dma.v[i];
	pthread_mutex_unlock(&s->dma_lock);
	return i >= 0 && out->vaddr;
}

void *vfu_dma_map_ptr(struct vfu_server *s, uint64_t iova, size_t len,
		      bool write)
{
	uint32_t prot = write ? VFU_DMA_WRITE : VFU_DMA_READ;
	struct vfu_dma_region r;

	if (!fd_region(s, iova, &r) || (r.prot & prot) != prot ||
	    len > r.size - (iova - r.iova))
		return NULL;
	return (uint8_t *)r.vaddr + (iova - r.iova);
}

uint64_t vfu_dma_untouched(struct vfu_server *s, uint64_t iova, uint64_t len)
{
	struct vfu_dma_region r;

	return fd_region(s, iova, &r) ? vfu_dma_region_untouched(&r, iova, len)
				      : 0;
}

size_t vfu_dma_collect(struct vfu_server *s, uint64_t *iova, uint64_t end,
		       struct iovec *iov, size_t max)
{
	struct vfu_dma_region r;

	if (*iova >= end)
		return 0;
	if (!fd_region(s, *iova, &r)) {
		*iova = end;
		return 0;
	}
	return vfu_dma_region_collect(&r, iova, end, iov, max);
}

void vfu_server_dma_stats(struct vfu_server *s, struct vfu_dma_stats *st)
{
	st->messages = __atomic_load_n(&s->st_msgs, __ATOMIC_RELAXED);
	st->pvm_copies = __atomic_load_n(&s->st_pvm, __ATOMIC_RELAXED);
	st->pvm_fallbacks = __atomic_load_n(&s->st_fallbacks,
					    __ATOMIC_RELAXED);
	pthread_mutex_lock(&s->dma_lock);
	st->process_vm = s->pvm.negotiated && !s->pvm.broken;
	pthread_mutex_unlock(&s->dma_lock);
}
