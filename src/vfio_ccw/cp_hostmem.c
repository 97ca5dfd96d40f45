/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host address space of a translated channel program: the arena of
 * host CCWs and IDALs (format-1 CCW and format-2 IDAW layouts, PoP ch. 15
 * "Channel-Command Word", "Indirect Data Addressing") and a window onto the
 * guest's DMA space; plus the list of guest ranges the program uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "vfio_ccw/cp_internal.h"

_Static_assert(CSS_CCW_SIZE == 8, "format-1 CCW is a doubleword");
_Static_assert(IDAW2_SIZE == 8, "format-2 IDAW is a doubleword");
_Static_assert((uint64_t)CP_ARENA_BASE + CP_ARENA_MAX <= CP_FMT1_LIMIT,
	       "host CCWs need 31-bit addresses");
_Static_assert(CP_NODATA_ADDR >= (uint64_t)CP_ARENA_BASE + CP_ARENA_MAX &&
	       CP_NODATA_ADDR + 4096 <= CP_GUEST_BASE,
	       "the no-data address must be outside arena and guest window");

/* ---- arena ---- */

int cp_arena_alloc(struct cp_build *b, uint32_t len, uint32_t *off)
{
	uint32_t start = (b->arena_len + 7u) & ~7u;
	uint32_t need;

	if (len > CP_ARENA_MAX || start > CP_ARENA_MAX - len)
		return -ENOMEM;
	need = start + len;
	if (need > b->arena_cap) {
		uint32_t cap = b->arena_cap ? b->arena_cap : 4096;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		if (cap > CP_ARENA_MAX)
			cap = CP_ARENA_MAX;
		p = realloc(b->arena, cap);
		if (!p)
			return -ENOMEM;
		b->arena = p;
		b->arena_cap = cap;
	}
	memset(b->arena + b->arena_len, 0, need - b->arena_len);
	b->arena_len = need;
	*off = start;
	return 0;
}

void cp_put_ccw(struct cp_build *b, uint32_t off, uint8_t cmd, uint8_t flags,
		uint16_t count, uint32_t cda)
{
	uint8_t *p = b->arena + off;

	p[0] = cmd;
	p[1] = flags;
	st_be16(p + 2, count);
	st_be32(p + 4, cda);
}

void cp_put_poison(struct cp_build *b, uint32_t off)
{
	cp_put_ccw(b, off, CCW_CMD_TIC, 0, 0, cp_host_addr(off));
}

/* ---- guest ranges ---- */

int cp_range_add(struct cp_build *b, uint64_t start, uint64_t len)
{
	struct css_mem_range *last;
	uint64_t end = start + len;

	if (!len)
		return 0;
	if (b->nranges) {
		last = &b->ranges[b->nranges - 1];
		if (start <= last->end && end >= last->start) {
			if (start < last->start)
				last->start = start;
			if (end > last->end)
				last->end = end;
			return 0;
		}
	}
	if (b->nranges == b->ranges_cap) {
		size_t cap = b->ranges_cap ? 2 * b->ranges_cap : 32;
		struct css_mem_range *r = realloc(b->ranges, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		b->ranges = r;
		b->ranges_cap = cap;
	}
	b->ranges[b->nranges++] = (struct css_mem_range){ start, end };
	return 0;
}

bool cp_range_overlaps(const struct cp_build *b, uint64_t start, uint64_t len)
{
	uint64_t end = start + len;
	size_t i;

	if (!len)
		return false;
	if (end < start)
		end = UINT64_MAX;
	for (i = 0; i < b->nranges; i++)
		if (start < b->ranges[i].end && end > b->ranges[i].start)
			return true;
	return false;
}

bool cp_range_covers(const struct cp_build *b, uint64_t start, uint64_t len)
{
	size_t i;

	if (len > UINT64_MAX - start)
		return false;
	for (i = 0; i < b->nranges; i++)
		if (start >= b->ranges[i].start &&
		    start + len <= b->ranges[i].end)
			return true;
	return false;
}

int cp_guest_probe(struct css_mem *guest, uint64_t addr, uint32_t len)
{
	uint8_t byte;

	if (!len)
		return 0;
	if (addr >= CP_GUEST_LIMIT || len > CP_GUEST_LIMIT - addr)
		return -EFAULT;
	if (css_mem_map(guest, addr, len, false))
		return 0;
	/*
	 * Not directly mapped: DMA windows are page granular and a probed
	 * range never crosses an IDA block (2K/4K), so its two ends decide.
	 */
	if (css_mem_read(guest, addr, &byte, 1) ||
	    css_mem_read(guest, addr + len - 1, &byte, 1))
		return -EFAULT;
	return 0;
}

/* ---- the host address space ---- */

static struct cp_program *host_cp(struct css_mem *mem)
{
	return (struct cp_program *)((char *)mem -
				     offsetof(struct cp_program, host));
}

/* Arena offset of [addr, addr+len), or -1 when not all in the arena. */
static int64_t arena_off(const struct cp_build *b, uint64_t addr, size_t len)
{
	uint64_t off;

	if (!b || addr < CP_ARENA_BASE)
		return -1;
	off = addr - CP_ARENA_BASE;
	if (off > b->arena_len || len > b->arena_len - off)
		return -1;
	return (int64_t)off;
}

/* Guest address of [addr, addr+len) in the guest window, or -1. */
static int64_t guest_off(const struct cp_build *b, uint64_t addr, size_t len)
{
	uint64_t g;

	if (!b || addr < CP_GUEST_BASE)
		return -1;
	g = addr - CP_GUEST_BASE;
	if (g >= CP_GUEST_LIMIT || len > CP_GUEST_LIMIT - g)
		return -1;
	return (int64_t)g;
}

static int host_read(struct css_mem *mem, uint64_t addr, void *buf, size_t len)
{
	struct cp_program *cp = host_cp(mem);
	int64_t off = arena_off(cp->b, addr, len);

	if (off >= 0) {
		if (len)
			memcpy(buf, cp->b->arena + off, len);
		return 0;
	}
	off = guest_off(cp->b, addr, len);
	if (off >= 0)
		return css_mem_read(cp->guest, (uint64_t)off, buf, len);
	return -EFAULT;
}

/* The arena is read-only to the channel: only guest memory is written. */
static int host_write(struct css_mem *mem, uint64_t addr, const void *buf,
		      size_t len)
{
	struct cp_program *cp = host_cp(mem);
	int64_t off = guest_off(cp->b, addr, len);

	if (off < 0)
		return -EFAULT;
	return css_mem_write(cp->guest, (uint64_t)off, buf, len);
}

static void *host_map(struct css_mem *mem, uint64_t addr, size_t len,
		      bool write)
{
	struct cp_program *cp = host_cp(mem);
	int64_t off = arena_off(cp->b, addr, len);

	if (off >= 0)
		return write ? NULL : cp->b->arena + off;
	off = guest_off(cp->b, addr, len);
	if (off >= 0)
		return css_mem_map(cp->guest, (uint64_t)off, len, write);
	return NULL;
}

/* The guest ranges the program uses: the CCWs, IDALs and data areas. */
static void host_prepare(struct css_mem *mem, const struct css_mem_range *r,
			 size_t n)
{
	struct cp_program *cp = host_cp(mem);

	(void)r;
	(void)n;
	if (cp->b)
		css_mem_prepare(cp->guest, cp->b->ranges, cp->b->nranges);
}

static const struct css_mem_ops host_ops = {
	.read = host_read,
	.write = host_write,
	.map = host_map,
	.prepare = host_prepare,
};

void cp_hostmem_init(struct cp_program *cp)
{
	cp->host.ops = &host_ops;
}

void cp_build_free(struct cp_build *b)
{
	unsigned int i;

	if (!b)
		return;
	for (i = 0; i < b->nseg; i++) {
		free(b->seg[i].ccw);
		free(b->seg[i].mode);
	}
	free(b->arena);
	free(b->ranges);
	free(b);
}
