/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which command can be in effect at each CCW of a fetched program (PoP
 * ch. 15 "Chaining": in data chaining only the first CCW's command counts,
 * later CCWs give count, address and flags; "Transfer in Channel": a TIC
 * carries on the chaining that reached it; "Status Modifier": command
 * chaining may go on 16 bytes after the current CCW).
 *
 * Starting from the first CCW, every way the channel can reach a CCW is
 * followed through the segments: as a command, or data-chained from a
 * command of one of four kinds. The result decides whether a CCW's data
 * area is used, and in which direction; CCWs that cannot be reached move
 * no data at all.
 */
#include <errno.h>
#include <stdlib.h>

#include "vfio_ccw/cp_internal.h"

/* The data-chaining mode a command passes on to the CCWs it chains. */
static uint8_t dc_mode(uint8_t cmd)
{
	if (CCW_CMD_IS_INVALID(cmd) || cmd == CP_CMD_NOOP)
		return CP_MODE_DC_NONE;
	if (CCW_CMD_IS_RDBACK(cmd))
		return CP_MODE_DC_BACK;
	if (CCW_CMD_IS_READ(cmd) || CCW_CMD_IS_SENSE(cmd))
		return CP_MODE_DC_IN;
	return CP_MODE_DC_OUT;
}

/* How the data area of c is used when c is reached in mode. */
static unsigned int data_in_mode(const struct css_ccw *c, uint8_t mode)
{
	uint8_t kind = mode == CP_MODE_CMD ? dc_mode(c->cmd) : mode;

	if (!c->count || (c->flags & CCW_FLAG_MIDA) || kind == CP_MODE_DC_NONE)
		return CP_DATA_NONE;
	if ((c->flags & CCW_FLAG_SKIP) && kind != CP_MODE_DC_OUT)
		return CP_DATA_NONE;          /* skip: read, backward, sense */
	return kind == CP_MODE_DC_BACK ? CP_DATA_BWD : CP_DATA_FWD;
}

unsigned int cp_ccw_data(const struct css_ccw *c, uint8_t modes)
{
	unsigned int d = CP_DATA_NONE;
	uint8_t m;

	if (c->cmd == CCW_CMD_TIC)
		return CP_DATA_NONE;
	for (m = CP_MODE_CMD; m <= CP_MODE_DC_NONE; m <<= 1)
		if (modes & m)
			d |= data_in_mode(c, m);
	return d;
}

struct walk {
	struct cp_build *b;
	uint16_t (*stack)[2];
	size_t depth;
};

/* The channel may reach CCW idx of segment seg in mode. */
static void reach(struct walk *w, unsigned int seg, unsigned int idx,
		  uint8_t mode)
{
	struct cp_seg *s = &w->b->seg[seg];

	if (idx >= s->len || (s->mode[idx] & mode))
		return;                /* the sentinel, or nothing new */
	s->mode[idx] |= mode;
	w->stack[w->depth][0] = (uint16_t)seg;
	w->stack[w->depth][1] = (uint16_t)idx;
	w->depth++;
}

static void step(struct walk *w, const struct cp_ctx *ctx, unsigned int seg,
		 unsigned int idx)
{
	const struct cp_seg *s = &w->b->seg[seg];
	const struct css_ccw *c = &s->ccw[idx];
	uint8_t modes = s->mode[idx], m;
	int t;

	if (c->cmd == CCW_CMD_TIC) {
		if (!cp_tic_target_ok(ctx, c->cda))
			return;        /* program check here */
		t = cp_find_seg(w->b, c->cda);
		if (t < 0)
			return;
		for (m = CP_MODE_CMD; m <= CP_MODE_DC_NONE; m <<= 1)
			if (modes & m)
				reach(w, (unsigned int)t,
				      (c->cda - w->b->seg[t].guest) / CSS_CCW_SIZE,
				      m);
		return;
	}
	if (c->flags & CCW_FLAG_CD) {
		for (m = CP_MODE_CMD; m <= CP_MODE_DC_NONE; m <<= 1)
			if (modes & m)
				reach(w, seg, idx + 1, m == CP_MODE_CMD ?
				      dc_mode(c->cmd) : m);
	} else if (c->flags & CCW_FLAG_CC) {
		reach(w, seg, idx + 1, CP_MODE_CMD);
		reach(w, seg, idx + 2, CP_MODE_CMD);   /* status modifier */
	}
}

int cp_flow(struct cp_build *b, const struct cp_ctx *ctx)
{
	struct walk w = { .b = b };
	size_t total = 0;
	unsigned int i;

	if (b->seg[0].poison)
		return 0;
	for (i = 0; i < b->nseg; i++)
		total += b->seg[i].len;
	/* A CCW is pushed once per mode bit it gains: at most 5 times. */
	w.stack = calloc(total * 5 + 1, sizeof(*w.stack));
	if (!w.stack)
		return -ENOMEM;
	reach(&w, 0, 0, CP_MODE_CMD);
	while (w.depth) {
		w.depth--;
		step(&w, ctx, w.stack[w.depth][0], w.stack[w.depth][1]);
	}
	free(w.stack);
	return 0;
}
