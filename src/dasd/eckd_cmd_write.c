/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write commands (3990/9390 Storage Control Reference, GA32-0274, "Write
 * commands", "Format write commands"): update writes of existing records
 * (Write Data, Write Update Data, Write Key and Data, Write Update Key and
 * Data) and format writes (Write CKD, Write CKD Next Track, Write R0), which
 * end the track after the record written. Data comes from the channel
 * straight into the cached track image (css_io_get); a short transfer
 * leaves the rest of the area zero.
 */
#include "dasd/eckd_priv.h"

#include <string.h>

#include "common/byteorder.h"
#include "dasd/eckd_geom.h"

/* The file mask's write control allows this kind of write? */
static bool mask_allows(const struct eckd_device *d, bool format, bool r0)
{
	uint8_t wr = d->ch.de_valid ? d->ch.de.mask & DE_MASK_WRITE
				    : DE_MASK_WR_NO_HA_R0;

	if (r0)
		return wr == DE_MASK_WR_ALL;
	if (format)
		return wr == DE_MASK_WR_ALL || wr == DE_MASK_WR_NO_HA_R0;
	return wr != DE_MASK_WR_INHIBIT;
}

static int write_inhibited(struct eckd_device *d)
{
	return eckd_check(d, SNS0_CMD_REJECT, SNS1_WRITE_INHIBITED,
			  SNS7_F0_INVALID_PARM);
}

/* Sequence rules for update writes (Locate Record "Write Data" operation). */
static int update_allowed(struct eckd_device *d, uint8_t cmd)
{
	const struct eckd_locate *lr = &d->ch.lr;
	bool update = cmd & ECKD_CMD_MT;
	unsigned int writes;

	if (!eckd_in_domain(d)) {
		/* Write Data / Write KD directly after a matching Search ID. */
		if (update || !(d->ch.last & LAST_ID_EQUAL))
			return eckd_reject(d, SNS7_F0_INVALID_SEQ);
		return ECKD_DONE;
	}
	if (lr->op != LR_OP_WRITE)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	writes = lr->count - ((lr->aux & LR_AUX_RDCNT_SUFFIX) ? 1 : 0);
	if ((lr->aux & LR_AUX_RDCNT_SUFFIX) && d->ch.lr_left == 1)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	/* Write Data / Write KD only as the one write of a count-oriented
	 * domain; a domain uses either update command, not both. */
	if (!update && (writes != 1 || lr->orient != LR_ORIENT_COUNT))
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (d->ch.lr_write_cmd && d->ch.lr_write_cmd != cmd)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	d->ch.lr_write_cmd = cmd;
	return ECKD_DONE;
}

int eckd_cmd_write_data(struct eckd_device *d, struct css_ccw_io *io,
			uint8_t cmd)
{
	bool kd = (cmd & ~ECKD_CMD_MT) == ECKD_CMD_WRITE_KD;
	bool update = cmd & ECKD_CMD_MT;
	struct eckd_cache_slot *s;
	struct eckd_rec *rec = &d->ch.rec;
	size_t off, len, got;
	int rc;

	rc = update_allowed(d, cmd);
	if (rc != ECKD_DONE)
		return rc;
	if (!mask_allows(d, false, false))
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (eckd_vol(d)->readonly)
		return write_inhibited(d);

	/* The record: the one oriented to, or (update writes) the next. */
	if (update && (d->ch.orient != ORIENT_COUNT ||
		       rec->off == ECKD_R0_OFF))
		rc = eckd_next_count(d, NEXT_MT, &s);
	else if (d->ch.orient == ORIENT_COUNT ||
		 (!kd && d->ch.orient == ORIENT_KEY))
		rc = eckd_cur_track(d, &s);
	else
		rc = eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (rc != ECKD_DONE)
		return rc;

	off = kd ? eckd_rec_key(rec) : eckd_rec_data(rec);
	len = kd ? (size_t)rec->kl + rec->dl : rec->dl;
	/* Outside CKD conversion mode the record must have the transfer
	 * length the Locate Record announced. */
	if (eckd_in_domain(d) && !(d->ch.de.gattr & DE_GATTR_CKDCONV) &&
	    len != d->ch.lr.tlf)
		return eckd_check(d, 0, SNS1_INV_TRACK_FORMAT, 0);
	if (!rec->dl)
		return ECKD_DONE_UX;
	got = css_io_get(io, s->buf + off, len);
	if (got < len)
		memset(s->buf + off + got, 0, len - got);
	eckd_dirty(d, s);
	d->ch.orient = ORIENT_DATA;
	return ECKD_DONE;
}

/* Sequence and permission rules for format writes. */
static int format_allowed(struct eckd_device *d, uint8_t cmd)
{
	bool r0 = cmd == ECKD_CMD_WRITE_R0;

	if (eckd_in_domain(d)) {
		if (d->ch.lr.op != LR_OP_FORMAT)
			return eckd_reject(d, SNS7_F0_INVALID_SEQ);
		if (cmd == ECKD_CMD_WRITE_CKD_NT &&
		    d->ch.prev_cmd != ECKD_CMD_WRITE_CKD &&
		    d->ch.prev_cmd != ECKD_CMD_WRITE_CKD_NT)
			return eckd_reject(d, SNS7_F0_INVALID_SEQ);
		if (r0 && d->ch.lr.orient != LR_ORIENT_HOME &&
		    d->ch.lr.orient != LR_ORIENT_INDEX)
			return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	} else if (cmd != ECKD_CMD_WRITE_CKD ||
		   !(d->ch.last & (LAST_ID_EQUAL | LAST_CKD_WRITTEN))) {
		/* Outside a domain only Write CKD, after Search ID Equal or
		 * another Write CKD. */
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	}
	if (!mask_allows(d, true, r0))
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (eckd_vol(d)->readonly)
		return write_inhibited(d);
	return ECKD_DONE;
}

/* Where the record goes: R0's place, or after the current record. */
static int format_position(struct eckd_device *d, uint8_t cmd,
			   struct eckd_cache_slot **s, size_t *off)
{
	/* Permission to format R0 (Define Extent byte 7), unless the
	 * program has just written its own R0. */
	bool r0_perm = d->ch.de_valid &&
		       (d->ch.de.gattr_ext & DE_GEXT_R0_PERM) &&
		       d->ch.prev_cmd != ECKD_CMD_WRITE_R0;
	int rc;

	if (cmd == ECKD_CMD_WRITE_R0) {
		*off = ECKD_R0_OFF;
		return eckd_cur_track(d, s);
	}
	if (cmd == ECKD_CMD_WRITE_CKD_NT) {
		rc = eckd_advance(d);
		if (rc != ECKD_DONE)
			return rc;
	}
	if (d->ch.orient == ORIENT_INDEX || d->ch.rec.off == ECKD_R0_OFF) {
		rc = eckd_orient_after_r0(d, r0_perm, s);
		if (rc != ECKD_DONE)
			return rc;
	} else {
		rc = eckd_cur_track(d, s);
		if (rc)
			return rc;
	}
	*off = eckd_rec_end(&d->ch.rec);
	return ECKD_DONE;
}

/*
 * Counts a Hercules volume image can hold (ckd_track_check(), as cckdcdsk):
 * R0 is CCHH 0 0 8 with the track's CCHH; every other record has a record
 * number other than 0 and a head number below the heads per cylinder. The
 * 3990 itself takes any count; one the image would refuse at write-back
 * is rejected here (invalid parameter) before the track changes.
 */
static bool count_storable(const struct eckd_device *d, const uint8_t *count,
			   bool r0)
{
	uint32_t heads = eckd_vol(d)->heads;
	uint8_t cchh[4];

	if (!r0)
		return count[4] != 0 && ld_be16(count + 2) < heads;
	eckd_cchh_store(cchh, d->ch.trk / heads, d->ch.trk % heads);
	return !memcmp(count, cchh, 4) && count[4] == 0 && count[5] == 0 &&
	       ld_be16(count + 6) == 8;
}

int eckd_cmd_format(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd)
{
	struct eckd_cache_slot *s;
	uint8_t count[ECKD_COUNT_LEN];
	struct eckd_rec *rec = &d->ch.rec;
	uint32_t cells;
	size_t off, len, got;
	int rc;

	rc = format_allowed(d, cmd);
	if (rc != ECKD_DONE)
		return rc;
	if (css_io_get(io, count, sizeof(count)) < sizeof(count))
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	if (!count_storable(d, count, cmd == ECKD_CMD_WRITE_R0))
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	rc = format_position(d, cmd, &s, &off);
	if (rc != ECKD_DONE)
		return rc;
	rc = eckd_track_cells_before(s->buf, s->len, off, &cells);
	if (rc)
		return rc;
	/* The 3390 track capacity decides what fits (else: invalid track
	 * format, nothing written). */
	if (!eckd_track_fits(cells, off, count[5], (uint16_t)(count[6] << 8 |
			     count[7]), off == ECKD_R0_OFF,
			     eckd_vol(d)->cache.bufsize))
		return eckd_check(d, 0, SNS1_INV_TRACK_FORMAT, 0);

	s->len = eckd_track_format(s->buf, off, count, rec);
	len = (size_t)rec->kl + rec->dl;
	got = css_io_get(io, s->buf + eckd_rec_key(rec), len);
	(void)got;      /* a short transfer leaves zeros */
	eckd_dirty(d, s);
	d->ch.orient = ORIENT_DATA;
	if (!eckd_in_domain(d))
		d->ch.cur |= LAST_CKD_WRITTEN;
	return ECKD_DONE;
}
