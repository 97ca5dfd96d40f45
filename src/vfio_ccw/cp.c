/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-program translator: the cp_* interface (see cp.h) over the
 * segment fetcher (cp_chain.c), the reachability walk (cp_flow.c), the CCW
 * translator (cp_xlate.c) and the host address space (cp_hostmem.c). ORB and SCSW fields as in PoP ch. 15
 * "Operation-Request Block" and ch. 16 "Subchannel-Status Word".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "vfio_ccw/cp_internal.h"

/* ORB bits the guest chooses that the host ORB carries over unchanged. */
#define ORB_CTRL0_KEEP (ORB_CTRL0_KEY | ORB_CTRL0_ISIC)
#define ORB_CTRL1_KEEP ORB_CTRL1_ILS
/* SCSW word-0 bits that echo the ORB (S, F, P, I, A, U). */
#define SCSW_FLAGS_FROM_ORB (SCSW_FLAGS_SCTL | SCSW_FLAGS_FMT | \
			     SCSW_FLAGS_PFCH | SCSW_FLAGS_ISIC | \
			     SCSW_FLAGS_ALCC | SCSW_FLAGS_SSI)

void cp_log(const struct cp_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->name)
		log_msg(level, "sch %s: cp: %s", ctx->name, msg);
	else
		log_msg(level, "cp: %s", msg);
}

static void ctx_from_orb(struct cp_ctx *ctx, const struct cp_program *cp)
{
	const struct css_orb *orb = &cp->orb;
	bool two_k = !(orb->ctrl0 & ORB_CTRL0_C64) ||
		     (orb->ctrl0 & ORB_CTRL0_I2K);

	*ctx = (struct cp_ctx){
		.guest = cp->guest,
		.name = cp->name,
		.fmt1 = orb->ctrl0 & ORB_CTRL0_FMT,
		.idaw64 = orb->ctrl0 & ORB_CTRL0_C64,
		.block = two_k ? 2048 : 4096,
		.spnd = orb->ctrl0 & ORB_CTRL0_SPND,
		.midaw = orb->ctrl1 & ORB_CTRL1_MIDAW,
	};
	ctx->idaw_size = ctx->idaw64 ? IDAW2_SIZE : IDAW1_SIZE;
	ctx->addr_limit = ctx->fmt1 ? CP_FMT1_LIMIT : CP_FMT0_LIMIT;
}

int cp_init(struct cp_program *cp, struct css_mem *guest,
	    const struct css_orb *orb)
{
	if (cp->initialized)
		return -EBUSY;
	if (orb->ctrl0 & ORB_CTRL0_B)
		return -EOPNOTSUPP;
	if ((orb->ctrl1 & ORB_CTRL1_RESERVED) || (orb->cpa & 0x80000000u))
		return -EINVAL;
	cp->guest = guest;
	cp->orb = *orb;
	cp->b = NULL;
	cp_hostmem_init(cp);
	cp->initialized = true;
	return 0;
}

/* Place the segments in the arena: CCWs, then sentinel and pad. */
static int layout(struct cp_build *b)
{
	uint32_t off;
	unsigned int i, j;
	int ret;

	ret = cp_arena_alloc(b, IDAW2_SIZE, &off);   /* the no-data IDAL */
	if (ret)
		return ret;
	st_be64(b->arena + off, CP_NODATA_ADDR);
	for (i = 0; i < b->nseg; i++) {
		struct cp_seg *s = &b->seg[i];

		ret = cp_arena_alloc(b, (s->len + CP_SEG_EXTRA) * CSS_CCW_SIZE,
				     &s->host_off);
		if (ret)
			return ret;
		for (j = 0; j < s->len + CP_SEG_EXTRA; j++)
			cp_put_poison(b, s->host_off + j * CSS_CCW_SIZE);
	}
	return 0;
}

static int translate(struct cp_build *b, const struct cp_ctx *ctx)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < b->nseg; i++) {
		const struct cp_seg *s = &b->seg[i];

		if (s->poison)          /* keeps layout()'s self-TIC */
			continue;
		for (j = 0; j < s->len; j++) {
			ret = cp_xlate_ccw(b, ctx, i, j);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int cp_prefetch(struct cp_program *cp)
{
	struct cp_build *b;
	struct cp_ctx ctx;
	int ret;

	if (!cp->initialized || cp->b)
		return -EINVAL;
	ctx_from_orb(&ctx, cp);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	ret = cp_chain_build(b, &ctx, cp->orb.cpa);
	if (!ret)
		ret = cp_flow(b, &ctx);
	if (!ret)
		ret = layout(b);
	if (!ret)
		ret = translate(b, &ctx);
	if (ret) {
		cp_build_free(b);
		return ret;
	}
	cp->b = b;
	return 0;
}

int cp_get_orb(const struct cp_program *cp, uint32_t intparm, uint8_t lpm,
	       struct css_orb *host_orb)
{
	const struct css_orb *g = &cp->orb;
	bool two_k;

	if (!cp->initialized || !cp->b)
		return -EINVAL;
	two_k = !(g->ctrl0 & ORB_CTRL0_C64) || (g->ctrl0 & ORB_CTRL0_I2K);
	*host_orb = (struct css_orb){
		.intparm = intparm,
		.ctrl0 = (uint16_t)((g->ctrl0 & ORB_CTRL0_KEEP) |
				    ORB_CTRL0_FMT | ORB_CTRL0_PFCH |
				    ORB_CTRL0_C64 |
				    (two_k ? ORB_CTRL0_I2K : 0)),
		.lpm = g->lpm ? g->lpm : lpm,
		.ctrl1 = g->ctrl1 & ORB_CTRL1_KEEP,
		.cpa = cp_host_addr(cp->b->seg[0].host_off),
	};
	return 0;
}

struct css_mem *cp_host_mem(struct cp_program *cp)
{
	return &cp->host;
}

/* Guest address of host CCW address cpa, or false if not in a segment. */
static bool cpa_to_guest(const struct cp_build *b, uint32_t cpa, uint32_t *g)
{
	unsigned int i;

	for (i = 0; i < b->nseg; i++) {
		const struct cp_seg *s = &b->seg[i];
		uint32_t h = cp_host_addr(s->host_off);

		/* The CCW address is the last CCW used + 8: up to len + 1. */
		if (cpa < h || (cpa - h) & 7u ||
		    (cpa - h) / CSS_CCW_SIZE > s->len + 1)
			continue;
		*g = s->guest + (cpa - h);
		return true;
	}
	return false;
}

void cp_update_scsw(const struct cp_program *cp, struct css_scsw *scsw)
{
	const struct css_orb *g = &cp->orb;
	uint16_t echo = 0;
	uint32_t gcpa;

	if (!cp->initialized || !cp->b)
		return;
	if (cpa_to_guest(cp->b, scsw->cpa, &gcpa)) {
		scsw->cpa = gcpa;
	} else if (scsw->cpa) {
		struct cp_ctx ctx = { .name = cp->name };

		cp_log(&ctx, LOG_WARNING, "ccw address 0x%x not in the program",
		       scsw->cpa);
		scsw->cpa = g->cpa + CSS_CCW_SIZE;
	}
	if (!(scsw->ctrl & SCSW_FCTL_START))
		return;
	if (g->ctrl0 & ORB_CTRL0_SPND)
		echo |= SCSW_FLAGS_SCTL;
	if (g->ctrl0 & ORB_CTRL0_FMT)
		echo |= SCSW_FLAGS_FMT;
	if (g->ctrl0 & ORB_CTRL0_PFCH)
		echo |= SCSW_FLAGS_PFCH;
	if (g->ctrl0 & ORB_CTRL0_ISIC)
		echo |= SCSW_FLAGS_ISIC;
	if (g->ctrl0 & ORB_CTRL0_ALCC)
		echo |= SCSW_FLAGS_ALCC;
	if (g->ctrl0 & ORB_CTRL0_SSIC)
		echo |= SCSW_FLAGS_SSI;
	scsw->flags = (uint16_t)((scsw->flags & ~SCSW_FLAGS_FROM_ORB) | echo);
}

bool cp_iova_pinned(const struct cp_program *cp, uint64_t iova, uint64_t len)
{
	if (!cp->initialized || !cp->b)
		return false;
	return cp_range_overlaps(cp->b, iova, len);
}

void cp_free(struct cp_program *cp)
{
	cp_build_free(cp->b);
	cp->b = NULL;
	cp->initialized = false;
}
