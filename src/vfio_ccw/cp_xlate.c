/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translating one guest CCW into a host CCW (PoP ch. 15 "Channel-Command
 * Word", "Transfer in Channel", "Indirect Data Addressing"; ch. 16
 * "Program Check").
 *
 * Every host CCW other than a TIC uses indirect data addressing with
 * format-2 IDAWs of the guest's block size, so guest IDAW k becomes host
 * IDAW k = CP_GUEST_BASE + (guest IDAW k): alignment survives translation
 * and the host channel applies the IDAW boundary rules itself, at the same
 * byte as the guest's channel would. A direct-addressed CCW gets the IDAL
 * its data area would have (read backward: descending from the rightmost
 * byte the CCW names). Only as many guest IDAWs are read as the count
 * needs; each data area is checked against the guest's DMA map (-EFAULT).
 *
 * Conditions that translation would erase become something that fails the
 * same way on the host channel:
 * - a CCW the guest's channel would reject on fetch (format-0 count 0, TIC
 *   to an unaligned or unaddressable CCW) becomes a TIC to itself, which
 *   program-checks wherever it is reached (TIC to TIC), with the CCW address
 *   of the guest CCW + 8 after cp_update_scsw();
 * - a data address the guest's channel could not use (beyond the 24/31-bit
 *   limit, format-1 IDAW with bit 0 set, IDAL beyond the limit or not
 *   aligned) becomes a host IDAW that faults at the same point: the first
 *   one CP_NODATA_ADDR (inaccessible), later ones CP_NODATA_ADDR + 1 (not
 *   block aligned), an unaligned IDAL an equally unaligned host IDAL.
 * CCWs that move no data get the shared IDAL holding CP_NODATA_ADDR.
 */
#include <errno.h>
#include <syslog.h>

#include "common/byteorder.h"
#include "vfio_ccw/cp_internal.h"

#define IDAW_MAX (65535 / 2048 + 2)   /* IDAWs of the largest count */

/* Guest IDAW k of an IDA CCW. Returns 0, 1 (unusable IDAW), -EFAULT. */
static int read_idaw(struct cp_build *b, const struct cp_ctx *ctx,
		     uint32_t idal, unsigned int k, uint64_t *addr)
{
	uint64_t at = (uint64_t)idal + (uint64_t)k * ctx->idaw_size;
	uint8_t raw[8];
	int ret;

	if (at + ctx->idaw_size > ctx->addr_limit)
		return 1;
	if (css_mem_read(ctx->guest, at, raw, ctx->idaw_size)) {
		cp_log(ctx, LOG_INFO, "idaw at 0x%llx not mapped",
		       (unsigned long long)at);
		return -EFAULT;
	}
	ret = cp_range_add(b, at, ctx->idaw_size);
	if (ret)
		return ret;
	if (ctx->idaw64) {
		*addr = ld_be64(raw);
		return 0;
	}
	*addr = ld_be32(raw);
	return (*addr & 0x80000000u) ? 1 : 0;
}

/*
 * Guest address of direct-addressed block k (read backward: the last byte
 * of each block, descending). Returns false when the channel could not
 * address it (beyond the 24/31-bit limit, below address 0).
 */
static bool direct_addr(const struct cp_ctx *ctx, uint32_t cda, unsigned int k,
			bool backward, uint64_t *a)
{
	uint64_t base = cda & ~(uint64_t)(ctx->block - 1);

	if (!k)
		*a = cda;
	else if (!backward)
		*a = base + (uint64_t)k * ctx->block;
	else if (base >= (uint64_t)k * ctx->block)
		*a = base - (uint64_t)(k - 1) * ctx->block - 1;
	else
		return false;
	return *a < ctx->addr_limit;
}

/*
 * Host IDAWs for count bytes at cda (the data, or with IDA the guest IDAL).
 * Read backward: each IDAW names the rightmost byte of its piece, the first
 * any byte, later ones the last byte of a block. Fills idaw[], returns the
 * number of IDAWs or -errno.
 */
static int data_idaws(struct cp_build *b, const struct cp_ctx *ctx,
		      const struct css_ccw *c, bool backward,
		      uint64_t idaw[IDAW_MAX])
{
	const uint64_t bmask = ctx->block - 1;
	uint32_t left = c->count;
	unsigned int k;
	int ret;

	for (k = 0; left; k++) {
		uint64_t a, len, lo;

		if (c->flags & CCW_FLAG_IDA) {
			ret = read_idaw(b, ctx, c->cda, k, &a);
			if (ret < 0)
				return ret;
			if (ret)
				goto unusable;
			if (k && (a & bmask) != (backward ? bmask : 0)) {
				/* Host channel program-checks this one. */
				idaw[k] = a < CP_GUEST_LIMIT ? CP_GUEST_BASE + a :
					  CP_NODATA_ADDR + 1;
				return (int)k + 1;
			}
		} else if (!direct_addr(ctx, c->cda, k, backward, &a)) {
			goto unusable;
		}
		len = backward ? (a & bmask) + 1 : ctx->block - (a & bmask);
		if (len > left)
			len = left;
		lo = backward ? a - (len - 1) : a;
		if (cp_guest_probe(ctx->guest, lo, (uint32_t)len)) {
			cp_log(ctx, LOG_INFO,
			       "data at 0x%llx+%llu (ccw %02x) not mapped",
			       (unsigned long long)lo, (unsigned long long)len,
			       c->cmd);
			return -EFAULT;
		}
		ret = cp_range_add(b, lo, len);
		if (ret)
			return ret;
		idaw[k] = CP_GUEST_BASE + a;
		left -= (uint32_t)len;
	}
	return (int)k;

unusable:
	cp_log(ctx, LOG_DEBUG, "ccw %02x: data address %u unusable", c->cmd, k);
	idaw[k] = k ? CP_NODATA_ADDR + 1 : CP_NODATA_ADDR;
	return (int)k + 1;
}

/* The host IDAL of a data-moving CCW. Returns 0 or -errno; *idal set. */
static int xlate_data(struct cp_build *b, const struct cp_ctx *ctx,
		      const struct css_ccw *c, bool backward, uint32_t *idal)
{
	uint64_t idaw[IDAW_MAX];
	uint32_t off, mis = 0;
	int n, i, ret;

	if ((c->flags & CCW_FLAG_IDA) && (c->cda & (ctx->idaw_size - 1))) {
		/* Misaligned guest IDAL: misalign the host one the same way. */
		mis = c->cda & (ctx->idaw_size - 1);
		idaw[0] = CP_NODATA_ADDR;
		n = 1;
	} else {
		n = data_idaws(b, ctx, c, backward, idaw);
		if (n < 0)
			return n;
	}
	ret = cp_arena_alloc(b, (uint32_t)n * IDAW2_SIZE + (mis ? 8 : 0), &off);
	if (ret)
		return ret;
	off += mis;
	for (i = 0; i < n; i++)
		st_be64(b->arena + off + (uint32_t)i * IDAW2_SIZE, idaw[i]);
	*idal = off;
	return 0;
}

static int xlate_tic(struct cp_build *b, const struct cp_ctx *ctx,
		     const struct css_ccw *c, uint32_t host_off)
{
	int t;

	if (!cp_tic_target_ok(ctx, c->cda)) {
		cp_log(ctx, LOG_DEBUG, "tic to invalid address 0x%x", c->cda);
		cp_put_poison(b, host_off);
		return 0;
	}
	t = cp_find_seg(b, c->cda);
	if (t < 0)        /* cannot happen: cp_chain_build() followed it */
		return -EFAULT;
	/* Command, flags and count stay the guest's: the host checks them. */
	cp_put_ccw(b, host_off, c->cmd, c->flags, c->count,
		   cp_host_addr(b->seg[t].host_off +
				(c->cda - b->seg[t].guest)));
	return 0;
}

int cp_xlate_ccw(struct cp_build *b, const struct cp_ctx *ctx,
		 unsigned int seg, unsigned int idx)
{
	const struct cp_seg *s = &b->seg[seg];
	const struct css_ccw *c = &s->ccw[idx];
	uint32_t host_off = s->host_off + idx * CSS_CCW_SIZE;
	uint32_t idal = CP_NODATA_IDAL;
	unsigned int data;
	int ret;

	if (cp_ccw_is_tic(c))
		return xlate_tic(b, ctx, c, host_off);
	if (!ctx->fmt1 && !c->count) {
		cp_log(ctx, LOG_DEBUG, "format-0 ccw %02x with count 0",
		       c->cmd);
		cp_put_poison(b, host_off);
		return 0;
	}
	if ((c->flags & CCW_FLAG_SUSPEND) && ctx->spnd) {
		cp_log(ctx, LOG_INFO, "suspend flag: suspend not supported");
		return -EOPNOTSUPP;
	}
	if ((c->flags & CCW_FLAG_MIDA) && ctx->midaw) {
		cp_log(ctx, LOG_INFO, "MIDAWs not supported");
		return -EOPNOTSUPP;
	}
	data = cp_ccw_data(c, s->mode[idx]);
	if (data == (CP_DATA_FWD | CP_DATA_BWD)) {
		cp_log(ctx, LOG_INFO, "ccw at 0x%x: data area used both ways",
		       s->guest + idx * CSS_CCW_SIZE);
		return -EOPNOTSUPP;
	}
	if (data != CP_DATA_NONE) {
		ret = xlate_data(b, ctx, c, data == CP_DATA_BWD, &idal);
		if (ret)
			return ret;
	}
	cp_put_ccw(b, host_off, c->cmd, c->flags | CCW_FLAG_IDA, c->count,
		   cp_host_addr(idal));
	return 0;
}
