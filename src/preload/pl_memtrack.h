/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared, file-backed mappings of the process (mmap(2) with MAP_SHARED and
 * an fd), so that VFIO_IOMMU_MAP_DMA of QEMU's guest RAM can hand ccwpassd
 * the file instead of the address: with
 *   -object memory-backend-memfd,id=mem,size=1G,share=on
 *   -machine memory-backend=mem
 * the daemon mmaps the same memfd and moves channel-program data without a
 * message per access (zero-copy).
 */
#ifndef CCWPASS_PRELOAD_PL_MEMTRACK_H
#define CCWPASS_PRELOAD_PL_MEMTRACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Most shared file mappings tracked; more are simply not zero-copy. */
#define PL_MEMTRACK_MAX 128

/* mmap() returned addr for these arguments (addr != MAP_FAILED). */
void pl_memtrack_mmap(void *addr, size_t len, int flags, int fd, off_t off);
/* [addr, addr + len) was unmapped. */
void pl_memtrack_munmap(void *addr, size_t len);

/*
 * If [vaddr, vaddr + size) lies in one tracked mapping whose fd still
 * refers to the same file at a page-aligned offset, return a close-on-exec
 * duplicate of that fd (the caller owns it) and store the file offset of
 * vaddr; else -1.
 */
int pl_memtrack_find(uint64_t vaddr, uint64_t size, uint64_t *offset);

/* fork(): the child inherits the mappings, so the records stay. */
void pl_memtrack_fork_prepare(void);
void pl_memtrack_fork_parent(void);
void pl_memtrack_fork_child(void);

#endif
