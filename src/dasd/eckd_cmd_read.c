/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read commands, Read IPL and Search ID (3990/9390 Storage Control
 * Reference, GA32-0274, "Read commands", "Search commands"). Data goes
 * from the cached track image to the channel with css_io_put(); the
 * channel accounts for the count, residual and incorrect length.
 */
#include "dasd/eckd_priv.h"

#include <string.h>

/* May a read run here? In a domain by its operation, else after a Seek. */
static int read_allowed(struct eckd_device *d, uint8_t cmd)
{
	const struct eckd_locate *lr = &d->ch.lr;

	if (eckd_in_domain(d)) {
		if (lr->op == LR_OP_READ_DATA || lr->op == LR_OP_READ)
			return ECKD_DONE;
		/* Write domain with a Read Count suffix: its last command. */
		if (cmd == (ECKD_CMD_READ_COUNT | ECKD_CMD_MT) &&
		    lr->op == LR_OP_WRITE && (lr->aux & LR_AUX_RDCNT_SUFFIX) &&
		    d->ch.lr_left == 1)
			return ECKD_DONE;
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	}
	/* Outside a domain: positioned by Seek, Recalibrate or Read IPL
	 * since the last Locate Record (a chain longer than the domain). */
	if (!d->ch.seeked || !d->ch.on_track)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	return ECKD_DONE;
}

static unsigned int mt_flag(uint8_t cmd)
{
	return (cmd & ECKD_CMD_MT) ? NEXT_MT : 0;
}

/* To the start of this (or, multitrack outside a domain, the next) track. */
static int to_index(struct eckd_device *d, uint8_t cmd)
{
	int rc = ECKD_DONE;

	if ((cmd & ECKD_CMD_MT) && !eckd_in_domain(d))
		rc = eckd_advance(d);
	d->ch.orient = ORIENT_INDEX;
	return rc;
}

static int put_record(struct eckd_cache_slot *s, struct css_ccw_io *io,
		      size_t off, size_t len, const struct eckd_rec *rec)
{
	css_io_put(io, s->buf + off, len);
	return rec->dl ? ECKD_DONE : ECKD_DONE_UX;  /* zero length: EOF */
}

int eckd_cmd_read(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd)
{
	uint8_t base = cmd & ~ECKD_CMD_MT;
	struct eckd_cache_slot *s;
	struct eckd_rec *rec = &d->ch.rec;
	int rc;

	rc = read_allowed(d, cmd);
	if (rc != ECKD_DONE)
		return rc;

	switch (base) {
	case ECKD_CMD_READ_DATA:
		if (d->ch.orient == ORIENT_COUNT || d->ch.orient == ORIENT_KEY)
			rc = eckd_cur_track(d, &s);
		else
			rc = eckd_next_count(d, mt_flag(cmd), &s);
		if (rc != ECKD_DONE)
			return rc;
		d->ch.orient = ORIENT_DATA;
		return put_record(s, io, eckd_rec_data(rec), rec->dl, rec);

	case ECKD_CMD_READ_KD:
		if (d->ch.orient == ORIENT_COUNT)
			rc = eckd_cur_track(d, &s);
		else
			rc = eckd_next_count(d, mt_flag(cmd), &s);
		if (rc != ECKD_DONE)
			return rc;
		d->ch.orient = ORIENT_DATA;
		return put_record(s, io, eckd_rec_key(rec),
				  (size_t)rec->kl + rec->dl, rec);

	case ECKD_CMD_READ_COUNT:
		rc = eckd_next_count(d, mt_flag(cmd), &s);
		if (rc != ECKD_DONE)
			return rc;
		css_io_put(io, s->buf + rec->off, ECKD_COUNT_LEN);
		return ECKD_DONE;

	case ECKD_CMD_READ_CKD:
		rc = eckd_next_count(d, mt_flag(cmd), &s);
		if (rc != ECKD_DONE)
			return rc;
		d->ch.orient = ORIENT_DATA;
		return put_record(s, io, rec->off,
				  eckd_rec_end(rec) - rec->off, rec);

	case ECKD_CMD_READ_R0:
		rc = to_index(d, cmd);
		if (rc == ECKD_DONE)
			rc = eckd_next_count(d, NEXT_R0, &s);
		if (rc != ECKD_DONE)
			return rc;
		if (rec->off != ECKD_R0_OFF)
			return eckd_check(d, 0, SNS1_NO_REC_FOUND, 0);
		d->ch.orient = ORIENT_DATA;
		return put_record(s, io, rec->off,
				  eckd_rec_end(rec) - rec->off, rec);

	default: /* Read Home Address */
		rc = to_index(d, cmd);
		if (rc == ECKD_DONE)
			rc = eckd_cur_track(d, &s);
		if (rc != ECKD_DONE)
			return rc;
		css_io_put(io, s->buf, ECKD_HA_LEN);
		return ECKD_DONE;
	}
}

int eckd_cmd_read_ipl(struct eckd_device *d, struct css_ccw_io *io)
{
	struct eckd_cache_slot *s;
	struct eckd_rec *rec = &d->ch.rec;
	int rc;

	if (eckd_in_domain(d) || d->ch.de_valid || d->ch.lr_seen)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	eckd_set_track(d, 0);
	d->ch.seeked = true;
	d->ch.read_ipl = true;
	rc = eckd_next_count(d, 0, &s);
	if (rc != ECKD_DONE)
		return rc;
	d->ch.orient = ORIENT_DATA;
	return put_record(s, io, eckd_rec_data(rec), rec->dl, rec);
}

int eckd_cmd_search_id(struct eckd_device *d, struct css_ccw_io *io,
		       uint8_t cmd)
{
	uint8_t base = cmd & ~ECKD_CMD_MT;
	struct eckd_cache_slot *s;
	uint8_t arg[5];
	size_t n;
	int cmp, rc;

	if (eckd_in_domain(d) || !d->ch.seeked || !d->ch.on_track)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	n = css_io_get(io, arg, sizeof(arg));
	rc = eckd_next_count(d, NEXT_R0 | NEXT_SEARCH | mt_flag(cmd), &s);
	if (rc != ECKD_DONE)
		return rc;
	cmp = memcmp(s->buf + d->ch.rec.off, arg, n);
	if (cmp == 0 && n == sizeof(arg) && base == ECKD_CMD_SEARCH_EQ)
		d->ch.cur |= LAST_ID_EQUAL;
	/* Bit 2 of the code asks for "equal", bit 1 for "high". */
	if (((cmd & 0x20) && cmp == 0) || ((cmd & 0x40) && cmp > 0))
		return ECKD_DONE_SM;
	return ECKD_DONE;
}
