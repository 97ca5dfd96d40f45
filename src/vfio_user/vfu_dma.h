/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of client memory regions a vfio-user server may access
 * (QEMU docs/interop/vfio-user.rst, "VFIO_USER_DMA_MAP" / "_UNMAP"): a
 * sorted array of non-overlapping [iova, iova + size) ranges. Every range
 * computation works on the inclusive last byte, so nothing overflows even
 * for a region that ends at 2^64. No locking here: the server wraps it.
 */
#ifndef CCWPASS_VFIO_USER_VFU_DMA_H
#define CCWPASS_VFIO_USER_VFU_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* One client memory region as the device sees it. */
struct vfu_dma_region {
	uint64_t iova;
	uint64_t size;
	uint32_t prot;       /* VFU_DMA_READ | VFU_DMA_WRITE */
	void *vaddr;         /* server mapping of the client's fd, or NULL:
			      * accessed with DMA_READ / DMA_WRITE messages */
	uint64_t remote;     /* without fd: the client's own address of iova
			      * (VFU_CAP_PROCESS_VM), 0 when not given */
	bool by_msg;         /* client's table: given without fd, so the
			      * server may ask for it in messages */
	uint64_t *touched;   /* server, fd regions: a bit per page of vaddr
			      * already faulted in (atomic; NULL: none kept) */
};

struct vfu_dma_table {
	struct vfu_dma_region *v;   /* sorted by iova */
	size_t n;
	size_t cap;
	size_t max;                 /* most regions allowed */
};

void vfu_dma_table_init(struct vfu_dma_table *t, size_t max);
/* Frees the array; mappings must have been released by the caller. */
void vfu_dma_table_fini(struct vfu_dma_table *t);

/* Returns 0, -EINVAL (size 0, range wraps), -EEXIST (overlaps),
 * -ENOSPC (table full) or -ENOMEM. */
int vfu_dma_table_add(struct vfu_dma_table *t, const struct vfu_dma_region *r);
/* Index of the region exactly [iova, iova + size), or -ENOENT. */
int vfu_dma_table_find(const struct vfu_dma_table *t, uint64_t iova,
		       uint64_t size);
void vfu_dma_table_remove(struct vfu_dma_table *t, size_t index);
/* Index of the region holding iova, or -ENOENT. */
int vfu_dma_table_lookup(const struct vfu_dma_table *t, uint64_t iova);
/*
 * 0 when every byte of [iova, iova + len) lies in regions that allow prot
 * (adjacent regions may be crossed), else -EFAULT. len 0 is always fine.
 */
int vfu_dma_table_check(const struct vfu_dma_table *t, uint64_t iova,
			uint64_t len, uint32_t prot);

/*
 * Copy between buf and [iova, iova + len) through the regions' vaddr
 * (write: buf -> memory). -EFAULT, touching nothing, unless every byte is
 * in regions with a vaddr and the permission.
 */
int vfu_dma_table_copy(const struct vfu_dma_table *t, uint64_t iova,
		       void *buf, size_t len, bool write);

/*
 * mmap size bytes of fd at offset (MAP_SHARED, protection from prot).
 * fd must be a memfd sealed against shrinking (F_SEAL_SHRINK) that holds
 * the range, so no later access can fault. Returns 0 and *vaddr, -EINVAL
 * (unaligned offset, size too big, not a regular file holding the range),
 * -EPERM (the file could still shrink) or the -errno of mmap.
 */
int vfu_dma_mmap(int fd, uint64_t offset, uint64_t size, uint32_t prot,
		 void **vaddr);
/* Unmaps r->vaddr and frees r->touched. */
void vfu_dma_munmap(const struct vfu_dma_region *r);

/*
 * Page bits for an fd region (r->vaddr set) just mapped: 0, or -ENOMEM
 * (r->touched stays NULL: no page counts as untouched, none is faulted in
 * ahead).
 */
int vfu_dma_touched_alloc(struct vfu_dma_region *r);
/* Pages of [iova, iova + len) (clipped to r) not faulted in yet. */
uint64_t vfu_dma_region_untouched(const struct vfu_dma_region *r,
				  uint64_t iova, uint64_t len);

/* Most pages vfu_dma_fault_in() takes at once. */
#define VFU_FAULT_IN_MAX 64

/*
 * From *iova (in r) towards end: one iovec (its first byte) per page not
 * faulted in yet, up to max of them, marked as faulted in. *iova moves to
 * where it stopped: end, r's end, or the page after the last taken.
 * Returns the iovecs written.
 */
size_t vfu_dma_region_collect(const struct vfu_dma_region *r, uint64_t *iova,
			      uint64_t end, struct iovec *iov, size_t max);
/*
 * Fault pages of this process in: one process_vm_readv() of a byte of
 * each (n <= VFU_FAULT_IN_MAX), so the kernel faults them in without a
 * trap per page. A page fault taken by a copy costs ~11 us on a virtual
 * machine whose faults are dear, this ~0.8 us a page (docs/performance.md
 * "First touch of guest memory"); it maps and gives back nothing.
 * Returns 0 or -errno (then the copies fault as they would have; nothing
 * is ever touched beyond what is readable).
 */
int vfu_dma_fault_in(const struct iovec *pages, size_t n);

#endif
