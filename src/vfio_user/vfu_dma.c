/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DMA region table of a vfio-user server (QEMU docs/interop/vfio-user.rst,
 * "VFIO_USER_DMA_MAP": a map over an existing region fails with EEXIST;
 * "VFIO_USER_DMA_UNMAP": address and size must match a previous map).
 */
#include "vfio_user/vfu_dma.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_user/vfu_proto.h"

static uint64_t last_byte(const struct vfu_dma_region *r)
{
	return r->iova + (r->size - 1);
}

void vfu_dma_table_init(struct vfu_dma_table *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
}

void vfu_dma_table_fini(struct vfu_dma_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* First index whose region starts above iova. */
static size_t upper_bound(const struct vfu_dma_table *t, uint64_t iova)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].iova <= iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int vfu_dma_table_lookup(const struct vfu_dma_table *t, uint64_t iova)
{
	size_t i = upper_bound(t, iova);

	if (i == 0 || last_byte(&t->v[i - 1]) < iova)
		return -ENOENT;
	return (int)(i - 1);
}

int vfu_dma_table_add(struct vfu_dma_table *t, const struct vfu_dma_region *r)
{
	size_t i;

	if (r->size == 0 || r->iova > UINT64_MAX - (r->size - 1))
		return -EINVAL;
	i = upper_bound(t, r->iova);
	/* The previous region must end before r; the next start after it. */
	if ((i > 0 && last_byte(&t->v[i - 1]) >= r->iova) ||
	    (i < t->n && t->v[i].iova <= last_byte(r)))
		return -EEXIST;
	if (t->n >= t->max)
		return -ENOSPC;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct vfu_dma_region *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	t->v[i] = *r;
	t->n++;
	return 0;
}

int vfu_dma_table_find(const struct vfu_dma_table *t, uint64_t iova,
		       uint64_t size)
{
	int i = vfu_dma_table_lookup(t, iova);

	if (i < 0 || t->v[i].iova != iova || t->v[i].size != size)
		return -ENOENT;
	return i;
}

void vfu_dma_table_remove(struct vfu_dma_table *t, size_t index)
{
	if (index >= t->n)
		return;
	memmove(&t->v[index], &t->v[index + 1],
		(t->n - index - 1) * sizeof(*t->v));
	t->n--;
}

int vfu_dma_table_check(const struct vfu_dma_table *t, uint64_t iova,
			uint64_t len, uint32_t prot)
{
	uint64_t last;
	int i;

	if (len == 0)
		return 0;
	if (iova > UINT64_MAX - (len - 1))
		return -EFAULT;
	last = iova + (len - 1);
	i = vfu_dma_table_lookup(t, iova);
	if (i < 0)
		return -EFAULT;
	for (size_t k = (size_t)i; k < t->n; k++) {
		const struct vfu_dma_region *r = &t->v[k];

		if ((r->prot & prot) != prot)
			return -EFAULT;
		if (last_byte(r) >= last)
			return 0;
		/* Continue only into a region that starts right after r. */
		if (k + 1 >= t->n || t->v[k + 1].iova != last_byte(r) + 1)
			return -EFAULT;
	}
	return -EFAULT;
}

/* Bytes of [addr, addr + left) that region r holds (addr inside r). */
static uint64_t piece(const struct vfu_dma_region *r, uint64_t addr,
		      uint64_t left)
{
	uint64_t avail = r->size - (addr - r->iova);

	return avail < left ? avail : left;
}

int vfu_dma_table_copy(const struct vfu_dma_table *t, uint64_t iova,
		       void *buf, size_t len, bool write)
{
	uint32_t prot = write ? VFU_DMA_WRITE : VFU_DMA_READ;
	uint8_t *b = buf;
	size_t pos;
	int ret, i = 0;

	ret = vfu_dma_table_check(t, iova, len, prot);
	if (ret)
		return ret;
	/* All pieces must be directly accessible before anything is copied. */
	for (pos = 0; pos < len; pos += (size_t)piece(&t->v[i], iova + pos,
						      len - pos)) {
		i = vfu_dma_table_lookup(t, iova + pos);
		if (i < 0 || !t->v[i].vaddr)
			return -EFAULT;
	}
	for (pos = 0; pos < len; ) {
		const struct vfu_dma_region *r =
			&t->v[vfu_dma_table_lookup(t, iova + pos)];
		uint64_t n = piece(r, iova + pos, len - pos);
		uint8_t *p = (uint8_t *)r->vaddr + (iova + pos - r->iova);

		if (write)
			memcpy(p, b + pos, (size_t)n);
		else
			memcpy(b + pos, p, (size_t)n);
		pos += (size_t)n;
	}
	return 0;
}

int vfu_dma_mmap(int fd, uint64_t offset, uint64_t size, uint32_t prot,
		 void **vaddr)
{
	long pg = sysconf(_SC_PAGESIZE);
	int mprot = (prot & VFU_DMA_READ ? PROT_READ : 0) |
		    (prot & VFU_DMA_WRITE ? PROT_WRITE : 0);
	struct stat st;
	int seals;
	void *p;

	*vaddr = NULL;
	if (pg <= 0 || offset % (uint64_t)pg || size == 0 || size > SIZE_MAX ||
	    offset > (uint64_t)INT64_MAX || size > (uint64_t)INT64_MAX - offset)
		return -EINVAL;
	/*
	 * Only regular files (memfd, shm, hugetlbfs) that really hold the
	 * range: touching a mapping beyond the end of its file is SIGBUS.
	 */
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
	    offset + size > (uint64_t)st.st_size)
		return -EINVAL;
	/*
	 * ...and that the client cannot shrink afterwards, or a later copy
	 * would be a SIGBUS here: only memfds sealed against shrinking (as
	 * QEMU's memory-backend-memfd is by default). Any other file is
	 * refused with -EPERM; the client then maps the range without a file
	 * and DMA goes through messages.
	 */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return -EPERM;
	p = mmap(NULL, (size_t)size, mprot, MAP_SHARED, fd, (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	*vaddr = p;
	return 0;
}

void vfu_dma_munmap(const struct vfu_dma_region *r)
{
	if (r->vaddr)
		munmap(r->vaddr, (size_t)r->size);
	free(r->touched);
}

/* (No cache: a first call that differs from the others would make the
 * fuzz replay's coverage unstable; glibc answers from the aux vector.) */
static uint64_t page_size(void)
{
	long v = sysconf(_SC_PAGESIZE);

	return v > 0 ? (uint64_t)v : 4096;
}

int vfu_dma_touched_alloc(struct vfu_dma_region *r)
{
	uint64_t pages = r->size / page_size() + 2;   /* iova need not be
							* page-aligned */

	r->touched = calloc((size_t)((pages + 63) / 64), sizeof(uint64_t));
	return r->touched ? 0 : -ENOMEM;
}

static bool page_touched(const struct vfu_dma_region *r, uint64_t pg)
{
	return __atomic_load_n(&r->touched[pg / 64], __ATOMIC_RELAXED) &
	       (1ull << (pg % 64));
}

/* Page numbers (from the page holding vaddr) of [iova, iova + len),
 * clipped to r; false when nothing of it is in r. */
static bool page_span(const struct vfu_dma_region *r, uint64_t iova,
		      uint64_t len, uint64_t *first, uint64_t *last)
{
	uint64_t pg = page_size();
	uint64_t skew = (uintptr_t)r->vaddr & (pg - 1);
	uint64_t off;

	if (!r->touched || !len || iova < r->iova || iova - r->iova >= r->size)
		return false;
	off = iova - r->iova;
	if (len > r->size - off)
		len = r->size - off;
	*first = (skew + off) / pg;
	*last = (skew + off + (len - 1)) / pg;
	return true;
}

uint64_t vfu_dma_region_untouched(const struct vfu_dma_region *r,
				  uint64_t iova, uint64_t len)
{
	uint64_t first, last, n = 0;

	if (!page_span(r, iova, len, &first, &last))
		return 0;
	for (uint64_t i = first; i <= last; i++)
		n += !page_touched(r, i);
	return n;
}

size_t vfu_dma_region_collect(const struct vfu_dma_region *r, uint64_t *iova,
			      uint64_t end, struct iovec *iov, size_t max)
{
	uint64_t pg = page_size();
	uint64_t skew = (uintptr_t)r->vaddr & (pg - 1);
	uint8_t *base = (uint8_t *)r->vaddr - skew;
	uint64_t first, last, page;
	size_t n = 0;

	if (end <= *iova || !page_span(r, *iova, end - *iova, &first, &last)) {
		if (end > *iova)
			*iova = end;
		return 0;
	}
	for (page = first; page <= last && n < max; page++) {
		if (page_touched(r, page))
			continue;
		/* A byte of the page in the range: its first one. */
		iov[n].iov_base = page == first
				  ? (uint8_t *)r->vaddr + (*iova - r->iova)
				  : base + page * pg;
		iov[n].iov_len = 1;
		n++;
		__atomic_fetch_or(&r->touched[page / 64], 1ull << (page % 64),
				  __ATOMIC_RELAXED);
	}
	if (page <= last)               /* max taken: on from this page */
		*iova = r->iova + (page * pg - skew);
	else                            /* to end, or r's end before it */
		*iova = end - r->iova > r->size ? r->iova + r->size : end;
	return n;
}

int vfu_dma_fault_in(const struct iovec *pages, size_t n)
{
	char sink[VFU_FAULT_IN_MAX];
	struct iovec local = { .iov_base = sink, .iov_len = n };

	if (!n)
		return 0;
	if (n > VFU_FAULT_IN_MAX)
		return -EINVAL;
	return process_vm_readv(getpid(), &local, 1, pages, n, 0) < 0 ? -errno
								      : 0;
}
