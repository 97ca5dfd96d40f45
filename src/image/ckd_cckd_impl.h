/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the CCKD backend: in-memory L1/L2 tables and free space
 * (ckd_cckd.c opens and reads, ckd_cckd_write.c writes, syncs, closes).
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
	uint32_t pos;
	uint16_t len;
	uint16_t size;
};

struct cckd_image {
	int fd;
	bool be;                      /* tables are big-endian */
	struct cckd_header hdr;
	uint32_t nl1;                 /* L1 entries */
	uint32_t *l1;                 /* L1 as durable in the file */
	struct cckd_l2ent **l2;       /* current tables; NULL = all default */
	uint8_t *l2_dirty;            /* table differs from the durable one */
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

void cckd_l2_decode(struct cckd_l2ent *t, const uint8_t *raw, bool be);
void cckd_l2_encode(uint8_t *raw, const struct cckd_l2ent *t, bool be);

/* ckd_cckd_write.c */
int cckd_write_track(struct ckd_image *img, uint32_t trk, const uint8_t *buf,
		     size_t len);
int cckd_sync(struct ckd_image *img);
int cckd_close(struct ckd_image *img);
/* Mark the file open (header options) before the first change. */
int cckd_mark_open(struct ckd_image *img);
void cckd_free(struct cckd_image *c);

#endif
