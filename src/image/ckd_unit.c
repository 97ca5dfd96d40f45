/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CKD tracks as the units of a CCKD file (see ckd_unit.h, ckd_track.h). */
#include "image/ckd_unit.h"

#include <stdio.h>

static uint16_t cyl_of(const struct ckd_geometry *geo, uint32_t trk)
{
	return (uint16_t)(trk / geo->heads);
}

static uint16_t head_of(const struct ckd_geometry *geo, uint32_t trk)
{
	return (uint16_t)(trk % geo->heads);
}

static size_t track_null(const struct ckd_geometry *geo, uint32_t trk,
			 unsigned int fmt, uint8_t *buf)
{
	return ckd_track_null(buf, geo->trksize, cyl_of(geo, trk),
			      head_of(geo, trk), cckd_nullfmt_to_api(fmt));
}

static int track_null_match(const struct ckd_geometry *geo, uint32_t trk,
			    const uint8_t *buf, size_t len, unsigned int hdrfmt)
{
	int fmt = ckd_track_null_match(buf, len, cyl_of(geo, trk),
				       head_of(geo, trk));
	int h;

	if (fmt < 0)
		return -1;
	h = cckd_nullfmt_from_api((enum ckd_null_format)fmt);
	/* Hercules reads {0, 0, 0} as format 2 in a Linux image. */
	if (h == CCKD_NULLFMT_R1EOF && hdrfmt == CCKD_NULLFMT_LINUX)
		return -1;
	return h;
}

static void track_describe(const struct ckd_geometry *geo, uint32_t trk,
			   char *buf, size_t size)
{
	snprintf(buf, size, "track %u (cyl %u head %u)", trk,
		 trk / geo->heads, trk % geo->heads);
}

const struct ckd_unit ckd_unit_track = {
	.name = "track",
	.fmt32 = &cckd_format32,
	.fmt64 = &cckd_format64,
	.geometry = ckd_devhdr_geometry,
	.check = ckd_track_check,
	.null = track_null,
	.null_match = track_null_match,
	.describe = track_describe,
};
