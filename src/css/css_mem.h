/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The only way the channel subsystem reaches "main storage".
 *
 * A channel program runs against one css_mem: a flat buffer in tests and
 * fuzzing, the daemon's view of a translated program (cp arena + guest DMA
 * windows) under vfio-ccw. Every access names an absolute address and a
 * length; an access that leaves the address space fails with -EFAULT and
 * touches nothing.
 */
#ifndef CCWPASS_CSS_MEM_H
#define CCWPASS_CSS_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct css_mem;

/* [start, end) of an address space. */
struct css_mem_range {
	uint64_t start, end;
};

struct css_mem_ops {
	/* Copy [addr, addr+len) into buf. Returns: 0, or -EFAULT. */
	int (*read)(struct css_mem *mem, uint64_t addr, void *buf, size_t len);
	/* Copy buf into [addr, addr+len). Returns: 0, or -EFAULT. */
	int (*write)(struct css_mem *mem, uint64_t addr, const void *buf,
		     size_t len);
	/*
	 * Optional. A host pointer to [addr, addr+len) when that range is
	 * contiguous and directly accessible (zero-copy), else NULL. The
	 * pointer stays valid until the channel program ends.
	 */
	void *(*map)(struct css_mem *mem, uint64_t addr, size_t len,
		     bool write);
	/*
	 * Optional. A channel program is about to run and will access the
	 * n ranges r (NULL, 0: whatever memory it was given): the moment
	 * to get them ready (vfio-ccw: fault guest pages into this process
	 * in one go). Called by the worker; never needed for correctness.
	 */
	void (*prepare)(struct css_mem *mem, const struct css_mem_range *r,
			size_t n);
};

struct css_mem {
	const struct css_mem_ops *ops;
};

static inline int css_mem_read(struct css_mem *mem, uint64_t addr, void *buf,
			       size_t len)
{
	return mem->ops->read(mem, addr, buf, len);
}

static inline int css_mem_write(struct css_mem *mem, uint64_t addr,
				const void *buf, size_t len)
{
	return mem->ops->write(mem, addr, buf, len);
}

static inline void *css_mem_map(struct css_mem *mem, uint64_t addr, size_t len,
				bool write)
{
	return mem->ops->map ? mem->ops->map(mem, addr, len, write) : NULL;
}

static inline void css_mem_prepare(struct css_mem *mem,
				   const struct css_mem_range *r, size_t n)
{
	if (mem->ops->prepare)
		mem->ops->prepare(mem, r, n);
}

/* A flat buffer: addresses 0 .. size-1 are base[0 .. size-1]. */
struct css_flatmem {
	struct css_mem mem;
	uint8_t *base;
	uint64_t size;
};

void css_flatmem_init(struct css_flatmem *fm, void *base, uint64_t size);

#endif
