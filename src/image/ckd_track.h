/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CKD track images in Hercules layout (docs/image-format.md, "Track image";
 * Hercules ckddasd.c / cckd.h): the byte stream a 3390 track holds.
 *
 *   home address   5 bytes   flag (0), CC (BE16), HH (BE16)
 *   R0             8 + 8     count CCHH 00 00 0008, 8 data bytes
 *   records        8 + KL + DL each: count CCHH R KL DL(BE16), key, data
 *   end of track   8 bytes   FF FF FF FF FF FF FF FF
 *
 * The image ends right after the end-of-track marker. Images stored in a
 * CCKD file use the flag byte for the compression method; in memory it is 0.
 */
#ifndef CCWPASS_IMAGE_CKD_TRACK_H
#define CCWPASS_IMAGE_CKD_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/ckd_image.h"

#define CKD_HA_SIZE        5
#define CKD_COUNT_SIZE     8
#define CKD_R0_DATA_SIZE   8
#define CKD_EOT_SIZE       8
/* HA + R0 + end of track: the smallest valid track. */
#define CKD_TRACK_MIN_SIZE (CKD_HA_SIZE + CKD_COUNT_SIZE + CKD_R0_DATA_SIZE + \
			    CKD_EOT_SIZE)

/* 3390 image track slot: HA + R0 + one 56664-byte R1 + EOT, rounded to 512. */
#define CKD_3390_TRACK_SIZE 56832
#define CKD_3390_HEADS      15

/* The 12 x 4096 Linux null track (Hercules null format 2). */
#define CKD_LINUX_BLOCK_SIZE 4096
#define CKD_LINUX_BLOCKS     12

/* A decoded count field. */
struct ckd_count {
	uint16_t cyl;
	uint16_t head;
	uint8_t rec;
	uint8_t kl;
	uint16_t dl;
};

void ckd_count_load(struct ckd_count *c, const uint8_t *p);
void ckd_count_store(uint8_t *p, const struct ckd_count *c);
/* True if the 8 bytes at p are the end-of-track marker. */
bool ckd_is_eot(const uint8_t *p);

/* One record of a track image; key and data point into the image. */
struct ckd_record {
	struct ckd_count count;
	size_t offset;           /* of the count field */
	const uint8_t *key;      /* count.kl bytes */
	const uint8_t *data;     /* count.dl bytes */
};

/* Where and why a track image is malformed. */
struct ckd_track_fault {
	size_t offset;           /* byte offset in the track image */
	char what[96];           /* e.g. "R3 data runs past the track end" */
};

/*
 * Step through the records of a track image (R0 first). *pos starts at
 * CKD_HA_SIZE. Returns: 1 with *rec filled and *pos advanced; 0 at the end
 * of track marker (*pos then points at it); -EUCLEAN if a count or its key
 * and data run past len (fault filled if non-NULL).
 */
int ckd_track_next(const uint8_t *trk, size_t len, size_t *pos,
		   struct ckd_record *rec, struct ckd_track_fault *fault);

/*
 * Find the length of the track image in buf[0..size): up to and including
 * the end-of-track marker. Returns: 0 with *len; -EUCLEAN if no marker
 * follows a well-formed record chain within size.
 */
int ckd_track_measure(const uint8_t *buf, size_t size, size_t *len,
		      struct ckd_track_fault *fault);

/*
 * Validate a complete track image for track trk of geometry geo:
 * len within [CKD_TRACK_MIN_SIZE, geo->trksize]; home address flag 0 and
 * CCHH = the track's; R0 count = CCHH 0 0 8 (what Hercules' cckdcdsk
 * requires); every further record numbered 1-255 with a head number below
 * geo->heads; the end-of-track marker exactly at len - 8.
 * Returns: 0, or -EUCLEAN with fault filled (if non-NULL).
 */
int ckd_track_check(const struct ckd_geometry *geo, uint32_t trk,
		    const uint8_t *trk_image, size_t len,
		    struct ckd_track_fault *fault);

/* ---- building track images ---- */

struct ckd_track_builder {
	uint8_t *buf;
	size_t size;
	size_t len;
	uint16_t cyl;
	uint16_t head;
	bool overflow;           /* an add did not fit; finish returns 0 */
};

/* Start a track: home address and a standard R0 (8 zero data bytes). */
void ckd_track_begin(struct ckd_track_builder *b, uint8_t *buf, size_t size,
		     uint16_t cyl, uint16_t head);
/* Append a record with this track's CCHH; key/data NULL means zeros. */
void ckd_track_add(struct ckd_track_builder *b, uint8_t rec,
		   const uint8_t *key, uint8_t kl,
		   const uint8_t *data, uint16_t dl);
/* Append the end-of-track marker. Returns: the image length, 0 on overflow. */
size_t ckd_track_finish(struct ckd_track_builder *b);

/* ---- null tracks ---- */

/* Length of a null track image of format fmt (0 for an unknown format). */
size_t ckd_track_null_size(enum ckd_null_format fmt);

/* Build null track fmt for (cyl, head). Returns: its length, 0 if size is short. */
size_t ckd_track_null(uint8_t *buf, size_t size, uint16_t cyl, uint16_t head,
		      enum ckd_null_format fmt);

/* Which null format the image equals byte for byte, or -1 for none. */
int ckd_track_null_match(const uint8_t *trk_image, size_t len,
			 uint16_t cyl, uint16_t head);

#endif
