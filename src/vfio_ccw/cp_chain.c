/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fetching a guest channel program as chain segments (PoP ch. 15
 * "Channel-Command Word" formats 0 and 1, "Chaining", "Transfer in
 * Channel"), with the segment rules of Linux's vfio_ccw_cp:
 *
 * - A segment starts at the ORB's channel-program address or at a TIC
 *   target that no segment holds yet, and runs while a CCW chains (CC or
 *   CD), or is a TIC back into the segment itself (device-orientation
 *   loops: Search ID Equal + TIC *-8). At most CP_SEG_CCW_MAX CCWs.
 * - CCWs are fetched one doubleword at a time, and only while the chain
 *   continues: a chain ending at the last doubleword of mapped memory is
 *   fine, a chained CCW crossing into unmapped memory is -EFAULT.
 * - Segments are found breadth first; at most CP_SEG_MAX of them, so TIC
 *   loops and TIC chains always end.
 */
#include <errno.h>
#include <stdlib.h>
#include <syslog.h>

#include "common/byteorder.h"
#include "vfio_ccw/cp_internal.h"

_Static_assert(CP_SEG_MAX * (CP_SEG_CCW_MAX + CP_SEG_EXTRA) * CSS_CCW_SIZE <
	       CP_ARENA_MAX / 8, "segments use a small part of the arena");

bool cp_tic_target_ok(const struct cp_ctx *ctx, uint32_t target)
{
	return !(target & 7u) && target < ctx->addr_limit;
}

int cp_find_seg(const struct cp_build *b, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < b->nseg; i++) {
		const struct cp_seg *s = &b->seg[i];

		if (s->poison || addr < s->guest || (addr - s->guest) & 7u)
			continue;
		if ((addr - s->guest) / CSS_CCW_SIZE < s->len)
			return (int)i;
	}
	return -1;
}

/*
 * One CCW from its architecture bytes. A format-0 TIC keeps only its
 * address: the high command bits, flags and count are ignored.
 */
static void ccw_decode(struct css_ccw *c, const uint8_t b[CSS_CCW_SIZE],
		       bool fmt1)
{
	if (fmt1) {
		c->cmd = b[0];
		c->flags = b[1];
		c->count = ld_be16(b + 2);
		c->cda = ld_be32(b + 4);
		return;
	}
	c->cmd = b[0];
	c->cda = ld_be24(b + 1);
	c->flags = b[4];
	c->count = ld_be16(b + 6);
	if (CCW_CMD_IS_TIC(c->cmd)) {
		c->cmd = CCW_CMD_TIC;
		c->flags = 0;
		c->count = 0;
	}
}

/* Does the channel go on to the CCW after c (index idx of a segment)? */
static bool ccw_continues(const struct css_ccw *c, uint32_t head,
			  unsigned int idx)
{
	if (cp_ccw_is_tic(c))
		return c->cda >= head &&
		       c->cda - head <= (uint32_t)idx * CSS_CCW_SIZE;
	return c->flags & (CCW_FLAG_CC | CCW_FLAG_CD);
}

static int fetch_seg(struct cp_build *b, const struct cp_ctx *ctx,
		     uint32_t head)
{
	struct cp_seg *s;
	uint8_t raw[CSS_CCW_SIZE];
	unsigned int i;
	int ret;

	if (b->nseg == CP_SEG_MAX) {
		cp_log(ctx, LOG_INFO, "more than %d chain segments (at 0x%x)",
		       CP_SEG_MAX, head);
		return -EINVAL;
	}
	s = &b->seg[b->nseg];
	*s = (struct cp_seg){ .guest = head };
	b->nseg++;
	s->ccw = calloc(CP_SEG_CCW_MAX, sizeof(*s->ccw));
	s->mode = calloc(CP_SEG_CCW_MAX, sizeof(*s->mode));
	if (!s->ccw || !s->mode)
		return -ENOMEM;

	for (i = 0;; i++) {
		uint32_t addr = head + i * CSS_CCW_SIZE;

		if (i == CP_SEG_CCW_MAX) {
			cp_log(ctx, LOG_INFO,
			       "chain at 0x%x longer than %d ccws", head,
			       CP_SEG_CCW_MAX);
			return -EINVAL;
		}
		if (addr > ctx->addr_limit - CSS_CCW_SIZE) {
			cp_log(ctx, LOG_INFO, "ccw at 0x%x not addressable",
			       addr);
			return -EFAULT;
		}
		ret = css_mem_read(ctx->guest, addr, raw, sizeof(raw));
		if (ret) {
			cp_log(ctx, LOG_INFO, "ccw at 0x%x not mapped", addr);
			return -EFAULT;
		}
		ccw_decode(&s->ccw[i], raw, ctx->fmt1);
		if (!ccw_continues(&s->ccw[i], head, i))
			break;
	}
	s->len = i + 1;
	return cp_range_add(b, head, (uint64_t)s->len * CSS_CCW_SIZE);
}

/* The ORB's address cannot name a CCW: one synthetic program-check CCW. */
static void poison_seg(struct cp_build *b, const struct cp_ctx *ctx,
		       uint32_t cpa)
{
	cp_log(ctx, LOG_DEBUG, "channel-program address 0x%x invalid", cpa);
	b->seg[0] = (struct cp_seg){ .guest = cpa, .len = 1, .poison = true };
	b->nseg = 1;
}

int cp_chain_build(struct cp_build *b, const struct cp_ctx *ctx, uint32_t cpa)
{
	unsigned int si, i;
	int ret;

	if (!cp_tic_target_ok(ctx, cpa)) {
		poison_seg(b, ctx, cpa);
		return 0;
	}
	ret = fetch_seg(b, ctx, cpa);
	if (ret)
		return ret;

	/* b->nseg grows while we walk: new segments are scanned in turn. */
	for (si = 0; si < b->nseg; si++) {
		for (i = 0; i < b->seg[si].len; i++) {
			const struct css_ccw *c = &b->seg[si].ccw[i];

			if (!cp_ccw_is_tic(c) || !cp_tic_target_ok(ctx, c->cda))
				continue;
			if (cp_find_seg(b, c->cda) >= 0)
				continue;
			ret = fetch_seg(b, ctx, c->cda);
			if (ret)
				return ret;
		}
	}
	return 0;
}
