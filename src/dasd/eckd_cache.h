/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The storage control's track cache: a few whole tracks of one volume.
 * Channel programs read and write records in these buffers directly
 * (css_io_put/get); changed tracks go back to the image with
 * ckd_image_write_track() when evicted or flushed, and the device makes
 * them durable with ckd_image_sync() before a program's final status
 * (3990/9390 Storage Control Reference, GA32-0274, "Cache operations":
 * here always write-through at the end of the channel program).
 */
#ifndef CCWPASS_DASD_ECKD_CACHE_H
#define CCWPASS_DASD_ECKD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ckd_image;

#define ECKD_CACHE_SLOTS 8

struct eckd_cache_slot {
	uint8_t *buf;       /* cache->bufsize bytes */
	size_t len;         /* track image length through the end marker */
	uint32_t trk;
	bool valid;
	bool dirty;
	uint64_t stamp;     /* last use, for LRU */
};

struct eckd_cache {
	struct ckd_image *img;
	size_t bufsize;     /* the image's track slot size */
	uint64_t clock;
	struct eckd_cache_slot slot[ECKD_CACHE_SLOTS];
};

/* Returns: 0 or -ENOMEM. */
int eckd_cache_init(struct eckd_cache *c, struct ckd_image *img);
/* Frees the buffers (dirty tracks are lost: flush first). */
void eckd_cache_fini(struct eckd_cache *c);

/*
 * Track trk, read from the image unless cached. The slot stays valid until
 * the next eckd_cache_get/flush/drop. Returns: 0; -EINVAL (no such track),
 * -EIO, -EUCLEAN (corrupt track image) or an eviction's write error.
 */
int eckd_cache_get(struct eckd_cache *c, uint32_t trk,
		   struct eckd_cache_slot **out);

static inline void eckd_cache_dirty(struct eckd_cache_slot *s)
{
	s->dirty = true;
}

/*
 * Write every dirty track to the image. A track that cannot be written is
 * dropped, so the next read sees the image's version. Returns: 0 or the
 * first error (-EIO, -ENOSPC, -EROFS, -EINVAL).
 */
int eckd_cache_flush(struct eckd_cache *c);

/* Forget every cached track, dirty or not. */
void eckd_cache_drop(struct eckd_cache *c);

#endif
