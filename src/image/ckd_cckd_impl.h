/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the CCKD backend, which serves both compressed formats (CCKD and
 * CCKD64, told apart by a struct cckd_format): in-memory L1/L2 tables and
 * free space (ckd_cckd.c opens and reads, ckd_cckd_write.c writes, syncs,
 * closes).
 */
#ifndef CCWPASS_IMAGE_CKD_CCKD_IMPL_H
#define CCWPASS_IMAGE_CKD_CCKD_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "image/ckd_header.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_space.h"

/* One L2 entry: where track images live. pos 0 = null track of format len. */
struct cckd_l2ent {
	uint64_t pos;
	uint16_t len;
	uint16_t size;
};

struct cckd_image {
	int fd;
	const struct cckd_format *fmt;
	bool be;                      /* tables are big-endian */
	bool limit_logged;            /* the format's size limit was reported */
	struct cckd_header hdr;
	uint32_t nl1;                 /* L1 entries */
	uint64_t *l1;                 /* L1 as durable in the file */
	struct cckd_l2ent **l2;       /* current tables; NULL = all default */
	uint8_t *l2_dirty;            /* table differs from the durable one */
	uint32_t ndirty;              /* how many l2_dirty entries are set */
	uint8_t *fresh;               /* bit per track: its data extent is
					 not referenced by durable tables */
	struct ckd_space space;       /* read-write opens only */
	uint8_t *io;                  /* stored-image buffer */
	bool failed;                  /* a sync failed half way: stop */
};

#define CCKD_IO_SIZE 65536

/* Entry of track trk (default entry if its table is absent). */
struct cckd_l2ent cckd_entry(const struct cckd_image *c, uint32_t trk);
/* Hercules null format of a null entry (pos 0). */
unsigned int cckd_entry_nullfmt(const struct cckd_image *c,
				const struct cckd_l2ent *e);
/* Does entry e read the same as an absent L2 table's entry? */
bool cckd_entry_is_default(const struct cckd_image *c,
			   const struct cckd_l2ent *e);

/* An L2 table in the file's format and byte order <-> in memory. */
void cckd_l2_decode(const struct cckd_image *c, struct cckd_l2ent *t,
		    const uint8_t *raw);
void cckd_l2_encode(const struct cckd_image *c, uint8_t *raw,
		    const struct cckd_l2ent *t);

/* ckd_cckd_write.c */
int cckd_write_track(struct ckd_image *img, uint32_t trk, const uint8_t *buf,
		     size_t len);
int cckd_sync(struct ckd_image *img);
int cckd_close(struct ckd_image *img);
/* Mark the file open (header options) before the first change. */
int cckd_mark_open(struct ckd_image *img);
void cckd_free(struct cckd_image *c);

#endif
