/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Define Extent and Locate Record parameter checks, in the order the 3990
 * makes them (3990/9390 Storage Control Reference, GA32-0274, "Define
 * Extent": byte 1 bits 0-1 first, then bytes 0-15; "Locate Record": byte 0
 * bits 2-7 first, then the valid orientation/operation combinations;
 * the Locate Record Extended of a Prefix as Linux 6.1 builds it in
 * dasd_eckd.c locate_record_ext(): the same 16 bytes, then imbedded
 * count, extended operation and extended parameter length).
 */
#include "dasd/eckd_params.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/byteorder.h"
#include "dasd/eckd_geom.h"

static int track_of(const uint8_t cchh[4], uint32_t cyls, uint32_t heads,
		    uint32_t *trk)
{
	uint32_t cyl, head;

	eckd_cchh_load(cchh, &cyl, &head);
	if (cyl >= cyls || head >= heads)
		return -EINVAL;
	*trk = cyl * heads + head;
	return 0;
}

int eckd_de_parse(const uint8_t p[ECKD_DE_LEN], uint32_t cyls, uint32_t heads,
		  struct eckd_extent *de)
{
	memset(de, 0, sizeof(*de));
	de->mask = p[0];
	de->gattr = p[1];
	de->gattr_ext = p[7];
	if ((de->gattr & DE_GATTR_ARCH) != DE_GATTR_ECKD)
		return -EINVAL;
	if (de->mask & DE_MASK_RESERVED)
		return -EINVAL;
	de->blksize = ld_be16(p + 2);
	if (!de->blksize)
		de->blksize = ECKD_3390_MAX_R0_DL + 8;
	if (de->blksize > ECKD_3390_MAX_R0_DL + 8)
		return -EINVAL;
	if (p[4] || p[5] || p[6])
		return -EINVAL;
	if (track_of(p + 8, cyls, heads, &de->first) ||
	    track_of(p + 12, cyls, heads, &de->last) || de->last < de->first)
		return -EINVAL;
	return 0;
}

/* Orientation / operation pairs a Locate Record accepts. */
static int lr_combination_ok(uint8_t orient, uint8_t op)
{
	switch (orient) {
	case LR_ORIENT_COUNT:
		return 1;
	case LR_ORIENT_HOME:
		return op == LR_OP_ORIENT || op == LR_OP_FORMAT ||
		       op == LR_OP_READ_DATA || op == LR_OP_READ;
	case LR_ORIENT_DATA:
		return op == LR_OP_ORIENT || op == LR_OP_WRITE ||
		       op == LR_OP_READ_DATA || op == LR_OP_READ;
	default: /* index */
		return op == LR_OP_FORMAT || op == LR_OP_READ;
	}
}

/* The operations of a Locate Record; extended adds the track data ones
 * of a Locate Record Extended (count orientation, a transfer length). */
static int op_ok(const struct eckd_locate *lr, bool extended)
{
	switch (lr->op) {
	case LR_OP_ORIENT:
	case LR_OP_WRITE:
	case LR_OP_FORMAT:
	case LR_OP_READ_DATA:
	case LR_OP_READ:
		return lr_combination_ok(lr->orient, lr->op);
	case LR_OP_READ_TRACKS:     /* with orientation home: Read Track */
	case LR_OP_EXTENDED:
		return extended && lr->orient == LR_ORIENT_COUNT &&
		       (lr->aux & LR_AUX_TLF);
	default:    /* write track, read tracks: not offered (RDC byte 6) */
		return 0;
	}
}

static int lr_parse(const uint8_t p[ECKD_LR_LEN], uint32_t cyls,
		    uint32_t heads, uint32_t de_blksize, bool extended,
		    struct eckd_locate *lr)
{
	memset(lr, 0, sizeof(*lr));
	lr->orient = p[0] & LR_ORIENT;
	lr->op = p[0] & LR_OP;
	lr->aux = p[1];
	lr->count = p[3];

	if (!op_ok(lr, extended))
		return -EINVAL;
	if (lr->aux & LR_AUX_RESERVED)
		return -EINVAL;
	if ((lr->aux & LR_AUX_RDCNT_SUFFIX) &&
	    lr->op != LR_OP_WRITE && lr->op != LR_OP_READ)
		return -EINVAL;
	if (p[2])
		return -EINVAL;
	if ((lr->op == LR_OP_ORIENT) != (lr->count == 0))
		return -EINVAL;
	if ((lr->aux & LR_AUX_RDCNT_SUFFIX) && lr->count < 2)
		return -EINVAL;
	if (track_of(p + 4, cyls, heads, &lr->trk))
		return -EINVAL;
	memcpy(lr->search, p + 8, 5);
	lr->sector = p[13];
	if (lr->sector != 0xff && lr->sector >= ECKD_3390_SECTORS)
		return -EINVAL;
	lr->tlf = ld_be16(p + 14);
	if (!!(lr->aux & LR_AUX_TLF) != !!lr->tlf || lr->tlf > de_blksize)
		return -EINVAL;
	if (!(lr->aux & LR_AUX_TLF))
		lr->tlf = de_blksize;
	return 0;
}

int eckd_lr_parse(const uint8_t p[ECKD_LR_LEN], uint32_t cyls, uint32_t heads,
		  uint32_t de_blksize, struct eckd_locate *lr)
{
	return lr_parse(p, cyls, heads, de_blksize, false, lr);
}

int eckd_lre_ext_check(const uint8_t p[ECKD_LRE_LEN])
{
	bool extended = (p[0] & LR_OP) == LR_OP_EXTENDED;

	if (p[LRE_IMBEDDED_COUNT] || p[LRE_EXT_PARM_LEN] ||
	    p[LRE_EXT_PARM_LEN + 1])
		return -EINVAL;
	if (extended)
		return p[LRE_EXT_OP] == LRE_XOP_WRITE_TRACK_DATA ? 0 : -EINVAL;
	return p[LRE_EXT_OP] ? -EINVAL : 0;
}

int eckd_lre_parse(const uint8_t p[ECKD_LRE_LEN], uint32_t cyls,
		   uint32_t heads, uint32_t de_blksize, struct eckd_locate *lr)
{
	int rc;

	if (eckd_lre_ext_check(p))
		return -EINVAL;
	rc = lr_parse(p, cyls, heads, de_blksize, true, lr);
	if (!rc && lr->op == LR_OP_EXTENDED)
		lr->ext_op = p[LRE_EXT_OP];
	return rc;
}
