/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A flat buffer as channel-subsystem storage (tests, fuzzing): absolute
 * address a is base[a]; anything at or beyond size is "not available"
 * (PoP ch. 16 "Program check: invalid data / CCW / IDAW address").
 */
#include "css/css_mem.h"

#include <errno.h>
#include <string.h>

static bool flat_range_ok(const struct css_flatmem *fm, uint64_t addr,
			  size_t len)
{
	return addr <= fm->size && len <= fm->size - addr;
}

static int flat_read(struct css_mem *mem, uint64_t addr, void *buf, size_t len)
{
	struct css_flatmem *fm = (struct css_flatmem *)mem;

	if (!flat_range_ok(fm, addr, len))
		return -EFAULT;
	if (len)
		memcpy(buf, fm->base + addr, len);
	return 0;
}

static int flat_write(struct css_mem *mem, uint64_t addr, const void *buf,
		      size_t len)
{
	struct css_flatmem *fm = (struct css_flatmem *)mem;

	if (!flat_range_ok(fm, addr, len))
		return -EFAULT;
	if (len)
		memcpy(fm->base + addr, buf, len);
	return 0;
}

static void *flat_map(struct css_mem *mem, uint64_t addr, size_t len,
		      bool write)
{
	struct css_flatmem *fm = (struct css_flatmem *)mem;

	(void)write;
	if (!flat_range_ok(fm, addr, len))
		return NULL;
	return fm->base + addr;
}

static const struct css_mem_ops flat_ops = {
	.read = flat_read,
	.write = flat_write,
	.map = flat_map,
};

_Static_assert(offsetof(struct css_flatmem, mem) == 0,
	       "css_flatmem must start with its css_mem");

void css_flatmem_init(struct css_flatmem *fm, void *base, uint64_t size)
{
	fm->mem.ops = &flat_ops;
	fm->base = base;
	fm->size = base ? size : 0;
}
