/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Orientation: where on which track the control unit is (3990/9390 Storage
 * Control Reference, GA32-0274, "Orientation", "Multitrack operations",
 * "Operations in the domain of a Locate Record"; for a single-track command
 * at the end of the track: in a domain, orientation wraps to the first user
 * record of the same track; outside one, the index may be passed once).
 */
#include <errno.h>
#include <string.h>

#include "dasd/eckd_geom.h"
#include "dasd/eckd_priv.h"

bool eckd_in_extent(const struct eckd_device *d, uint32_t trk)
{
	if (trk >= eckd_vol(d)->tracks)
		return false;
	if (!d->ch.de_valid)
		return true;
	return trk >= d->ch.de.first && trk <= d->ch.de.last;
}

void eckd_set_track(struct eckd_device *d, uint32_t trk)
{
	d->ch.on_track = true;
	d->ch.trk = trk;
	d->ch.orient = ORIENT_INDEX;
}

int eckd_advance(struct eckd_device *d)
{
	uint32_t heads = eckd_vol(d)->heads, next = d->ch.trk + 1;
	bool last_head = d->ch.trk % heads == heads - 1;

	if (!eckd_in_domain(d)) {
		if (d->ch.de_valid &&
		    (d->ch.de.mask & DE_MASK_SEEK) == DE_MASK_SEEK_NONE)
			return eckd_check(d, 0, SNS1_FILE_PROTECTED, 0);
		if (last_head)
			return eckd_check(d, 0, SNS1_EOC, 0);
	} else if (last_head && (d->ch.de.gattr & DE_GATTR_CKDCONV)) {
		return eckd_check(d, 0, eckd_in_extent(d, next) ?
				  SNS1_EOC : SNS1_FILE_PROTECTED, 0);
	}
	if (!eckd_in_extent(d, next))
		return eckd_check(d, 0, SNS1_FILE_PROTECTED, 0);
	eckd_set_track(d, next);
	return ECKD_DONE;
}

/* The end of the track was reached looking for a count area. */
static int end_of_track(struct eckd_device *d, unsigned int flags)
{
	int rc;

	if (eckd_in_domain(d)) {
		if (flags & NEXT_MT)
			return eckd_advance(d);
		d->ch.orient = ORIENT_INDEX;
		return ECKD_DONE;
	}
	if (d->ch.index_seen)
		return eckd_check(d, 0, SNS1_NO_REC_FOUND, 0);
	if (flags & NEXT_MT) {
		rc = eckd_advance(d);
		if (rc == ECKD_DONE && !(flags & NEXT_SEARCH))
			d->ch.index_seen = true;
		return rc;
	}
	d->ch.index_seen = true;
	d->ch.orient = ORIENT_INDEX;
	return ECKD_DONE;
}

int eckd_next_count(struct eckd_device *d, unsigned int flags,
		    struct eckd_cache_slot **s)
{
	struct eckd_rec rec;
	unsigned int ends = 0;
	size_t off;
	int rc;

	for (;;) {
		rc = eckd_cur_track(d, s);
		if (rc)
			return rc;
		off = d->ch.orient == ORIENT_INDEX ? ECKD_R0_OFF
						   : eckd_rec_end(&d->ch.rec);
		rc = eckd_track_rec_at((*s)->buf, (*s)->len, off, &rec);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			d->ch.rec = rec;
			d->ch.orient = ORIENT_COUNT;
			if (off == ECKD_R0_OFF && !(flags & NEXT_R0))
				continue;       /* skip record zero */
			return ECKD_DONE;
		}
		/* A second end of track in one command: nothing to find. */
		if (++ends > 1)
			return eckd_check(d, 0, SNS1_NO_REC_FOUND, 0);
		rc = end_of_track(d, flags);
		if (rc != ECKD_DONE)
			return rc;
	}
}

int eckd_locate_search(struct eckd_device *d, const struct eckd_locate *lr)
{
	struct eckd_cache_slot *s;
	struct eckd_rec rec;
	size_t off = ECKD_R0_OFF;
	int rc;

	eckd_set_track(d, lr->trk);
	rc = eckd_cur_track(d, &s);
	if (rc)
		return rc;
	switch (lr->orient) {
	case LR_ORIENT_INDEX:
		return ECKD_DONE;
	case LR_ORIENT_HOME:
		if (memcmp(s->buf + 1, lr->search, 4))
			return eckd_check(d, 0, SNS1_NO_REC_FOUND, 0);
		return ECKD_DONE;
	default:
		break;
	}
	for (;;) {
		rc = eckd_track_rec_at(s->buf, s->len, off, &rec);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return eckd_check(d, 0, SNS1_NO_REC_FOUND, 0);
		if (!memcmp(s->buf + rec.off, lr->search, 5))
			break;
		off = eckd_rec_end(&rec);
	}
	d->ch.rec = rec;
	d->ch.orient = lr->orient == LR_ORIENT_DATA ? ORIENT_DATA
						    : ORIENT_COUNT;
	return ECKD_DONE;
}

/* Home address and R0 as a freshly formatted track has them. */
static bool standard_r0(const uint8_t *buf, const struct eckd_rec *r0,
			const uint8_t cchh[4])
{
	return !memcmp(buf + 1, cchh, 4) && !memcmp(buf + r0->off, cchh, 4) &&
	       r0->r == 0 && r0->kl == 0 && r0->dl == 8;
}

int eckd_orient_after_r0(struct eckd_device *d, bool may_format_r0,
			 struct eckd_cache_slot **s)
{
	uint8_t cchh[4];
	struct eckd_rec rec;
	int rc;

	rc = eckd_cur_track(d, s);
	if (rc)
		return rc;
	rc = eckd_track_rec_at((*s)->buf, (*s)->len, ECKD_R0_OFF, &rec);
	if (rc < 0)
		return rc;
	eckd_cchh_store(cchh, d->ch.trk / eckd_vol(d)->heads,
			d->ch.trk % eckd_vol(d)->heads);
	if (rc == 0 || (may_format_r0 && !standard_r0((*s)->buf, &rec, cchh))) {
		/* No R0, or the subsystem may rewrite it: a standard one. */
		if (!may_format_r0)
			return eckd_check(d, 0, SNS1_INV_TRACK_FORMAT, 0);
		(*s)->len = eckd_track_init((*s)->buf, cchh);
		eckd_dirty(d, *s);
		rc = eckd_track_rec_at((*s)->buf, (*s)->len, ECKD_R0_OFF,
				       &rec);
		if (rc <= 0)
			return -EUCLEAN;
	}
	d->ch.rec = rec;
	d->ch.orient = ORIENT_DATA;
	return ECKD_DONE;
}
