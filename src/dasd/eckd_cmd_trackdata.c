/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read Track Data (A6) and Write Track Data (A5): the data areas of the
 * records of one track per command, in the domain of the Locate Record
 * Extended a Prefix embeds - operation 0C (Read Track Data) or 3F with
 * extended operation 23 (Write Track Data) - whose count is a number of
 * tracks (IBM Subsystem Reference Guide SA22-1025 "Prefix", "Locate
 * Record Extended"; Linux 6.1 dasd_eckd.c dasd_eckd_build_cp_cmd_track
 * and locate_record_ext() build these programs: Prefix, then one command
 * per track whose count is the data of the blocks it holds).
 *
 * What this storage control does:
 *   - the first command of the domain starts with the data area of the
 *     record the Locate Record Extended found (its search argument); each
 *     further one advances to the next track, as a multitrack operation
 *     (leaving the extent: file protected), and starts with its first
 *     record after R0 (none: no record found);
 *   - data areas follow each other in the byte stream; count and key
 *     areas are not transferred;
 *   - a command moves what its count asks (data chaining included), up to
 *     the end of the track; the last command of a Read Track Data domain
 *     at most the LRE's transfer length (bytes 14-15, the bytes Linux
 *     wants from the last track). A count that ends inside a record, or
 *     one the track cannot fill, is an incorrect length at the channel;
 *     a record only partly written keeps zeros after the data, as with
 *     Write Data;
 *   - Write Track Data writes records of the LRE's length (bytes 14-15,
 *     the record length) only, else invalid track format; the file mask
 *     and a read-only volume were checked by the Locate Record Extended.
 */
#include "dasd/eckd_priv.h"

#include <stdint.h>
#include <string.h>

/* Is the command the operation of the domain it is in? */
static int domain_allows(struct eckd_device *d, bool write)
{
	const struct eckd_locate *lr = &d->ch.lr;
	bool ok;

	if (!eckd_in_domain(d))
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (write)
		ok = lr->op == LR_OP_EXTENDED &&
		     lr->ext_op == LRE_XOP_WRITE_TRACK_DATA;
	else
		ok = lr->op == LR_OP_READ_TRACKS;
	return ok ? ECKD_DONE : eckd_reject(d, SNS7_F0_INVALID_SEQ);
}

/* The first user record of the pinned track s. */
static int first_user_record(struct eckd_device *d,
			     const struct eckd_cache_slot *s,
			     struct eckd_rec *rec)
{
	int rc = eckd_track_rec_at(s->buf, s->len, ECKD_R0_OFF, rec);

	if (rc > 0)
		rc = eckd_track_rec_at(s->buf, s->len, eckd_rec_end(rec), rec);
	if (rc < 0)
		return rc;
	return rc ? ECKD_DONE : eckd_check(d, 0, SNS1_NO_REC_FOUND, 0);
}

/* Where the command starts: the record found, or the next track's first.
 * Returns: ECKD_DONE (s pinned, rec), ECKD_CHECK or -errno. */
static int start_record(struct eckd_device *d, struct eckd_cache_slot **s,
			struct eckd_rec *rec)
{
	bool first = d->ch.lr_left == d->ch.lr.count;
	int rc = first ? ECKD_DONE : eckd_advance(d);

	if (rc != ECKD_DONE)
		return rc;
	rc = eckd_cur_track(d, s);
	if (rc)
		return rc;
	if (!first)
		return first_user_record(d, *s, rec);
	*rec = d->ch.rec;
	return ECKD_DONE;
}

/* One record's data from the channel into the pinned track s.
 * Returns: ECKD_DONE (*got bytes taken) or ECKD_CHECK. */
static int take_record(struct eckd_device *d, struct css_ccw_io *io,
		       struct eckd_cache_slot *s, const struct eckd_rec *rec,
		       size_t *got)
{
	uint8_t *data = s->buf + eckd_rec_data(rec);

	if (!(d->ch.de.gattr & DE_GATTR_CKDCONV) && rec->dl != d->ch.lr.tlf)
		return eckd_check(d, 0, SNS1_INV_TRACK_FORMAT, 0);
	*got = css_io_get(io, data, rec->dl);
	if (*got < rec->dl)
		memset(data + *got, 0, rec->dl - *got);
	return ECKD_DONE;
}

int eckd_cmd_track_data(struct eckd_device *d, struct css_ccw_io *io,
			uint8_t cmd)
{
	bool write = cmd == ECKD_CMD_WRITE_TRACK_DATA;
	size_t cap = SIZE_MAX, moved = 0, want, n = 0;
	bool dirtied = false;
	struct eckd_cache_slot *s;
	struct eckd_rec rec;
	int rc;

	rc = domain_allows(d, write);
	if (rc == ECKD_DONE)
		rc = start_record(d, &s, &rec);
	if (rc != ECKD_DONE)
		return rc;
	if (!write && d->ch.lr_left == 1)
		cap = d->ch.lr.tlf;     /* the bytes wanted of the last track */

	while (moved < cap && css_io_remaining(io)) {
		d->ch.rec = rec;
		d->ch.orient = ORIENT_DATA;
		want = cap - moved < rec.dl ? cap - moved : rec.dl;
		if (write) {
			rc = take_record(d, io, s, &rec, &n);
			if (rc != ECKD_DONE)
				return rc;
			if (!dirtied)
				eckd_dirty(d, s);
			dirtied = true;
		} else {
			n = css_io_put(io, s->buf + eckd_rec_data(&rec), want);
		}
		moved += n;
		if (n < want)
			break;      /* the count ended inside the record */
		rc = eckd_track_rec_at(s->buf, s->len, eckd_rec_end(&rec),
				       &rec);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;      /* end of track */
	}
	return ECKD_DONE;
}
