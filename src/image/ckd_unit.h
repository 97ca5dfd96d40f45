/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What one L2 entry of a compressed image stores: a "unit" of at most
 * geo->trksize bytes whose first 5 bytes are a header (byte 0 the
 * compression method in a stored image, bytes 1-4 the unit's identity).
 * A CCKD file's units are CKD tracks (identity CCHH); a CFBA file's are
 * FBA block groups (identity the group number; fba_group.c). The CCKD
 * backend (ckd_cckd*.c) and the generic image layer reach the unit's
 * format only through this table. Not for use outside src/image.
 */
#ifndef CCWPASS_IMAGE_CKD_UNIT_H
#define CCWPASS_IMAGE_CKD_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "image/ckd_header.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"

struct ckd_unit {
	const char *name;         /* "track", "block group" (messages) */
	/* The unit's compressed formats, 32- and 64-bit; NULL: none. */
	const struct cckd_format *fmt32, *fmt64;
	/*
	 * The geometry of a compressed image: units = geo->cyls *
	 * geo->heads, each of at most geo->trksize bytes. hdr_cyls is the
	 * compressed header's cyls field. Returns 0, or -EINVAL with
	 * *field naming the header field at fault.
	 */
	int (*geometry)(const struct ckd_devhdr *h, uint32_t hdr_cyls,
			struct ckd_geometry *geo, const char **field);
	/* Whether buf[0..len) is a valid image of unit u: 0, or -1 with
	   *f saying where and why. */
	int (*check)(const struct ckd_geometry *geo, uint32_t u,
		     const uint8_t *buf, size_t len,
		     struct ckd_track_fault *f);
	/* Build unit u as a null entry of Hercules null format fmt reads
	   (buf: geo->trksize bytes). Returns its length, 0 on failure. */
	size_t (*null)(const struct ckd_geometry *geo, uint32_t u,
		       unsigned int fmt, uint8_t *buf);
	/* The Hercules null format of an entry that stores buf[0..len) as
	   a null entry in a file whose header says hdrfmt, or -1. */
	int (*null_match)(const struct ckd_geometry *geo, uint32_t u,
			  const uint8_t *buf, size_t len, unsigned int hdrfmt);
	/* "track 17 (cyl 1 head 2)", "block group 3 (blocks 360-479)" */
	void (*describe)(const struct ckd_geometry *geo, uint32_t u,
			 char *buf, size_t size);
};

extern const struct ckd_unit ckd_unit_track;      /* ckd_unit.c */
extern const struct ckd_unit fba_unit_group;      /* fba_group.c */

#endif
