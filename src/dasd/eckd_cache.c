/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Track cache (see eckd_cache.h): least-recently-used replacement over
 * ECKD_CACHE_SLOTS whole-track buffers, write-back on eviction and flush.
 */
#include "dasd/eckd_cache.h"

#include <errno.h>
#include <stdlib.h>

#include "dasd/eckd_track.h"
#include "image/ckd_image.h"

int eckd_cache_init(struct eckd_cache *c, struct ckd_image *img)
{
	const struct ckd_geometry *geo = ckd_image_geometry(img);

	c->img = img;
	c->clock = 0;
	c->bufsize = geo->trksize;
	if (c->bufsize < ECKD_EMPTY_TRACK_LEN)
		c->bufsize = ECKD_EMPTY_TRACK_LEN;
	for (int i = 0; i < ECKD_CACHE_SLOTS; i++) {
		struct eckd_cache_slot *s = &c->slot[i];

		s->valid = false;
		s->dirty = false;
		s->buf = malloc(c->bufsize);
		if (!s->buf) {
			eckd_cache_fini(c);
			return -ENOMEM;
		}
	}
	return 0;
}

void eckd_cache_fini(struct eckd_cache *c)
{
	for (int i = 0; i < ECKD_CACHE_SLOTS; i++) {
		free(c->slot[i].buf);
		c->slot[i].buf = NULL;
		c->slot[i].valid = false;
	}
}

static int write_back(struct eckd_cache *c, struct eckd_cache_slot *s)
{
	int rc;

	if (!s->valid || !s->dirty)
		return 0;
	rc = ckd_image_write_track(c->img, s->trk, s->buf, s->len);
	s->dirty = false;
	if (rc)
		s->valid = false;
	return rc;
}

int eckd_cache_get(struct eckd_cache *c, uint32_t trk,
		   struct eckd_cache_slot **out)
{
	struct eckd_cache_slot *victim = NULL;
	int rc;

	for (int i = 0; i < ECKD_CACHE_SLOTS; i++) {
		struct eckd_cache_slot *s = &c->slot[i];

		if (s->valid && s->trk == trk) {
			s->stamp = ++c->clock;
			*out = s;
			return 0;
		}
		/* Prefer a free slot, else the least recently used. */
		if (!s->valid) {
			if (!victim || victim->valid)
				victim = s;
		} else if (!victim ||
			   (victim->valid && s->stamp < victim->stamp)) {
			victim = s;
		}
	}
	rc = write_back(c, victim);
	victim->valid = false;
	if (rc)
		return rc;
	rc = ckd_image_read_track(c->img, trk, victim->buf, c->bufsize,
				  &victim->len);
	if (rc)
		return rc;
	if (victim->len > c->bufsize || victim->len < ECKD_HA_LEN)
		return -EUCLEAN;
	victim->trk = trk;
	victim->valid = true;
	victim->dirty = false;
	victim->stamp = ++c->clock;
	*out = victim;
	return 0;
}

int eckd_cache_flush(struct eckd_cache *c)
{
	int first = 0;

	for (int i = 0; i < ECKD_CACHE_SLOTS; i++) {
		int rc = write_back(c, &c->slot[i]);

		if (rc && !first)
			first = rc;
	}
	return first;
}

void eckd_cache_drop(struct eckd_cache *c)
{
	for (int i = 0; i < ECKD_CACHE_SLOTS; i++) {
		c->slot[i].valid = false;
		c->slot[i].dirty = false;
	}
}
