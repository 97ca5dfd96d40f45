/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A CKD track image in Hercules layout, as the control unit's cache holds
 * it (see image/ckd_image.h): home address (flag, CC, HH), records
 * (count CCHH R KL DL, key, data; the first is R0) and an end-of-track
 * marker of 8 x 0xff. Offsets are into the image buffer; every access is
 * bounds-checked because the bytes come from a file.
 */
#ifndef CCWPASS_DASD_ECKD_TRACK_H
#define CCWPASS_DASD_ECKD_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECKD_HA_LEN     5
#define ECKD_COUNT_LEN  8
#define ECKD_EOT_LEN    8
#define ECKD_R0_OFF     ECKD_HA_LEN  /* R0's count follows the home address */

/* One record of a track image. */
struct eckd_rec {
	size_t off;     /* offset of the count field */
	uint8_t r;      /* record number */
	uint8_t kl;     /* key length */
	uint16_t dl;    /* data length */
};

static inline size_t eckd_rec_key(const struct eckd_rec *rec)
{
	return rec->off + ECKD_COUNT_LEN;
}

static inline size_t eckd_rec_data(const struct eckd_rec *rec)
{
	return rec->off + ECKD_COUNT_LEN + rec->kl;
}

static inline size_t eckd_rec_end(const struct eckd_rec *rec)
{
	return rec->off + ECKD_COUNT_LEN + rec->kl + rec->dl;
}

/*
 * The field at off of the track image buf[0..len).
 * Returns: 1 a record (rec filled), 0 the end-of-track marker,
 * -EUCLEAN the image is malformed there.
 */
int eckd_track_rec_at(const uint8_t *buf, size_t len, size_t off,
		      struct eckd_rec *rec);

/*
 * Cells (eckd_geom.h) used by the records that start before offset end,
 * R0 counted by its excess over a standard R0. Returns: 0 or -EUCLEAN.
 */
int eckd_track_cells_before(const uint8_t *buf, size_t len, size_t end,
			    uint32_t *cells);

/*
 * Whether a record kl/dl can be formatted at offset off of a track whose
 * records before off use `cells` cells, in an image buffer of size bytes.
 */
bool eckd_track_fits(uint32_t cells, size_t off, uint8_t kl, uint16_t dl,
		     bool is_r0, size_t size);

/*
 * Format a record at off: store the 8 count bytes, zero its key and data
 * areas and end the track after it (erasing what followed). The caller has
 * checked eckd_track_fits(). Returns: the new image length.
 */
size_t eckd_track_format(uint8_t *buf, size_t off, const uint8_t count[8],
			 struct eckd_rec *rec);

/*
 * An empty track: home address for CCHH, a standard R0 (count CCHH 0 0 8,
 * eight zero bytes) and the end marker. size must be >= 37.
 * Returns: the image length.
 */
size_t eckd_track_init(uint8_t *buf, const uint8_t cchh[4]);

/* Length of an empty track image (HA + R0 + marker). */
#define ECKD_EMPTY_TRACK_LEN (ECKD_HA_LEN + ECKD_COUNT_LEN + 8 + ECKD_EOT_LEN)

#endif
