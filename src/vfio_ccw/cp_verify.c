/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self-check of a translated program, walking it the way the host channel
 * will (PoP ch. 15 "Indirect Data Addressing": the first IDAW covers up to
 * its block boundary, each later one a whole block; an unaligned later IDAW
 * ends the walk with a program check). Used by tests and the fuzz target.
 */
#include <errno.h>
#include <syslog.h>

#include "common/byteorder.h"
#include "vfio_ccw/cp_internal.h"

static bool is_ccw_slot(const struct cp_build *b, uint32_t host)
{
	unsigned int i;

	for (i = 0; i < b->nseg; i++) {
		uint32_t h = cp_host_addr(b->seg[i].host_off);
		uint32_t n = b->seg[i].len + CP_SEG_EXTRA;

		if (host >= h && !((host - h) & 7u) &&
		    (host - h) / CSS_CCW_SIZE < n)
			return true;
	}
	return false;
}

/* The IDAWs the channel may use for count bytes from the IDAL at off. */
static int verify_idal(const struct cp_build *b, uint32_t off, uint32_t count,
		       uint32_t block, bool backward)
{
	const uint64_t mask = block - 1;
	uint32_t left = count, k;

	if (off & 7u)                /* unaligned IDAL: program check */
		return 0;
	for (k = 0;; k++) {
		uint64_t idaw, a, len;

		if (off + (k + 1) * IDAW2_SIZE > b->arena_len)
			return -EPROTO;
		idaw = ld_be64(b->arena + off + k * IDAW2_SIZE);
		if (idaw == CP_NODATA_ADDR || idaw == CP_NODATA_ADDR + 1)
			return 0;
		if (idaw < CP_GUEST_BASE)
			return -EPROTO;
		a = idaw - CP_GUEST_BASE;
		if (k && (a & mask) != (backward ? mask : 0))
			return 0;            /* program check before use */
		if (!left)
			return 0;
		len = backward ? (a & mask) + 1 : block - (a & mask);
		if (len > left)
			len = left;
		if (!cp_range_covers(b, backward ? a - (len - 1) : a, len))
			return -EPROTO;
		left -= (uint32_t)len;
		if (!left)
			return 0;
	}
}

int cp_verify(const struct cp_program *cp)
{
	const struct cp_build *b = cp->b;
	struct cp_ctx ctx = { .name = cp->name };
	uint32_t block;
	unsigned int i, j;

	if (!b)
		return -EPROTO;
	block = (!(cp->orb.ctrl0 & ORB_CTRL0_C64) ||
		 (cp->orb.ctrl0 & ORB_CTRL0_I2K)) ? 2048 : 4096;
	for (i = 0; i < b->nseg; i++) {
		const struct cp_seg *s = &b->seg[i];

		for (j = 0; j < s->len + CP_SEG_EXTRA; j++) {
			uint32_t off = s->host_off + j * CSS_CCW_SIZE;
			const uint8_t *p = b->arena + off;
			uint32_t cda, ioff;
			bool bwd = false;
			int ret;

			if (off + CSS_CCW_SIZE > b->arena_len)
				return -EPROTO;
			cda = ld_be32(p + 4);
			if (!s->poison && j < s->len)
				bwd = cp_ccw_data(&s->ccw[j], s->mode[j]) &
				      CP_DATA_BWD;
			if (p[0] == CCW_CMD_TIC) {
				if (is_ccw_slot(b, cda))
					continue;
				cp_log(&ctx, LOG_ERR, "verify: seg %u ccw %u: "
				       "tic to 0x%x", i, j, cda);
				return -EPROTO;
			}
			ioff = cda - CP_ARENA_BASE;
			ret = -EPROTO;
			if ((p[1] & CCW_FLAG_IDA) && cda >= CP_ARENA_BASE &&
			    ioff < b->arena_len)
				ret = verify_idal(b, ioff, ld_be16(p + 2), block,
						  bwd);
			if (ret) {
				cp_log(&ctx, LOG_ERR, "verify: seg %u ccw %u: "
				       "bad data addressing (cda 0x%x)", i, j,
				       cda);
				return ret;
			}
		}
	}
	return 0;
}
