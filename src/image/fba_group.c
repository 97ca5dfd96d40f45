/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CFBA block groups as the units of the CCKD container (ckd_unit.h,
 * fba_cfba.h; Hercules cckd.h FBA_BKGHDR, cckddasd.c cckd_null_trk,
 * cckd_cchh, cckd_validate).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/byteorder.h"
#include "image/ckd_unit.h"
#include "image/fba_cfba.h"

_Static_assert(FBA_GROUP_IMAGE <= CKD_MAX_TRACK_SIZE, "a group fits the "
	       "CCKD buffers");
_Static_assert(FBA_GROUP_IMAGE <= 0xffff, "an L2 entry's len holds it");

/* The blocks of the volume are counted by the compressed header; the
   device header's other fields are not needed (Hercules 3.13 leaves
   them zero). A sector size, if given, must be 512. */
static int group_geometry(const struct ckd_devhdr *h, uint32_t blocks,
			  struct ckd_geometry *geo, const char **field)
{
	if (h->trksize != 0 && h->trksize != 512) {
		*field = "trksize (sector size: 512)";
		return -EINVAL;
	}
	if (h->fileseq != 0) {
		*field = "fileseq";
		return -EINVAL;
	}
	if (blocks == 0) {
		*field = "cyls (block count)";
		return -EINVAL;
	}
	*geo = (struct ckd_geometry){
		.devtype = fba_cfba_devtype(h->devtype),
		.cyls = (uint32_t)(((uint64_t)blocks + FBA_GROUP_BLOCKS - 1) /
				   FBA_GROUP_BLOCKS),
		.heads = 1,
		.trksize = FBA_GROUP_IMAGE,
	};
	return 0;
}

static int group_check(const struct ckd_geometry *geo, uint32_t g,
		       const uint8_t *buf, size_t len,
		       struct ckd_track_fault *f)
{
	(void)geo;
	f->offset = 0;
	if (len != FBA_GROUP_IMAGE) {
		snprintf(f->what, sizeof(f->what), "%zu bytes, a block group "
			 "image has %u", len, FBA_GROUP_IMAGE);
		return -1;
	}
	if (buf[0] != 0) {
		snprintf(f->what, sizeof(f->what), "flag byte 0x%02x, not 0",
			 buf[0]);
		return -1;
	}
	if (ld_be32(buf + 1) != g) {
		f->offset = 1;
		snprintf(f->what, sizeof(f->what), "group number %u",
			 ld_be32(buf + 1));
		return -1;
	}
	return 0;
}

static size_t group_null(const struct ckd_geometry *geo, uint32_t g,
			 unsigned int fmt, uint8_t *buf)
{
	(void)geo;
	(void)fmt;                    /* every null group is zeros */
	memset(buf, 0, FBA_GROUP_IMAGE);
	st_be32(buf + 1, g);
	return FBA_GROUP_IMAGE;
}

/* A group of zeros is stored as the header's null entry, as if never
   written (Hercules itself stores it as a small zlib image). */
static int group_null_match(const struct ckd_geometry *geo, uint32_t g,
			    const uint8_t *buf, size_t len, unsigned int hdrfmt)
{
	const uint8_t *d = buf + FBA_GROUP_HDR;

	(void)geo;
	(void)g;
	if (len != FBA_GROUP_IMAGE || d[0] != 0 ||
	    memcmp(d, d + 1, FBA_GROUP_DATA - 1) != 0)
		return -1;
	return (int)hdrfmt;
}

static void group_describe(const struct ckd_geometry *geo, uint32_t g,
			   char *buf, size_t size)
{
	uint64_t first = (uint64_t)g * FBA_GROUP_BLOCKS;

	(void)geo;
	snprintf(buf, size, "block group %u (blocks %llu-%llu)", g,
		 (unsigned long long)first,
		 (unsigned long long)(first + FBA_GROUP_BLOCKS - 1));
}

const struct ckd_unit fba_unit_group = {
	.name = "block group",
	.fmt32 = &cckd_format_cfba,
	.fmt64 = NULL,
	.geometry = group_geometry,
	.check = group_check,
	.null = group_null,
	.null_match = group_null_match,
	.describe = group_describe,
};
