/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walking and formatting CKD track images in Hercules layout
 * (Hercules ckddasd "track header"/"record header" formats: HA 5 bytes,
 * count 8 bytes CCHHRKDD big-endian, end of track 8 x 0xff).
 */
#include "dasd/eckd_track.h"

#include <errno.h>
#include <string.h>

#include "common/byteorder.h"
#include "dasd/eckd_geom.h"
#include "image/ckd_track.h"

_Static_assert(ECKD_HA_LEN == CKD_HA_SIZE && ECKD_COUNT_LEN == CKD_COUNT_SIZE &&
	       ECKD_EOT_LEN == CKD_EOT_SIZE, "one track layout");

/* The image layer's walker is the one parser of track bytes. */
int eckd_track_rec_at(const uint8_t *buf, size_t len, size_t off,
		      struct eckd_rec *rec)
{
	struct ckd_record r;
	size_t pos = off;
	int rc = ckd_track_next(buf, len, &pos, &r, NULL);

	if (rc <= 0)
		return rc;
	rec->off = off;
	rec->r = r.count.rec;
	rec->kl = r.count.kl;
	rec->dl = r.count.dl;
	return 1;
}

int eckd_track_cells_before(const uint8_t *buf, size_t len, size_t end,
			    uint32_t *cells)
{
	struct eckd_rec rec;
	size_t off = ECKD_R0_OFF;
	uint32_t sum = 0;
	int rc;

	while (off < end) {
		rc = eckd_track_rec_at(buf, len, off, &rec);
		if (rc <= 0)
			return rc < 0 ? rc : -EUCLEAN;
		if (off == ECKD_R0_OFF)
			sum += eckd_3390_r0_extra_cells(rec.kl, rec.dl);
		else
			sum += eckd_3390_record_cells(rec.kl, rec.dl);
		off = eckd_rec_end(&rec);
	}
	*cells = sum;
	return 0;
}

bool eckd_track_fits(uint32_t cells, size_t off, uint8_t kl, uint16_t dl,
		     bool is_r0, size_t size)
{
	uint32_t need = is_r0 ? eckd_3390_r0_extra_cells(kl, dl)
			      : eckd_3390_record_cells(kl, dl);
	size_t bytes = off + ECKD_COUNT_LEN + kl + dl + ECKD_EOT_LEN;

	return cells + need <= ECKD_3390_TRACK_CELLS && bytes <= size;
}

size_t eckd_track_format(uint8_t *buf, size_t off, const uint8_t count[8],
			 struct eckd_rec *rec)
{
	memcpy(buf + off, count, ECKD_COUNT_LEN);
	rec->off = off;
	rec->r = count[4];
	rec->kl = count[5];
	rec->dl = ld_be16(count + 6);
	memset(buf + eckd_rec_key(rec), 0, (size_t)rec->kl + rec->dl);
	memset(buf + eckd_rec_end(rec), 0xff, ECKD_EOT_LEN);
	return eckd_rec_end(rec) + ECKD_EOT_LEN;
}

size_t eckd_track_init(uint8_t *buf, const uint8_t cchh[4])
{
	return ckd_track_null(buf, ECKD_EMPTY_TRACK_LEN, ld_be16(cchh),
			      ld_be16(cchh + 2), CKD_NULL_R0);
}
