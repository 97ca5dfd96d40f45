/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 3390 track capacity (IBM 3390 Direct Access Storage Reference, GC26-4574,
 * "Track capacity calculation"): a track has 1729 cells of 34 bytes for user
 * records; a record costs 10 + 9 cells of overhead plus its key (9 cells of
 * overhead plus the key bytes) and data bytes, each rounded up to cells after
 * adding 6 bytes of error-correction per 232-byte block plus one.
 */
#include "dasd/eckd_geom.h"

#include "common/byteorder.h"

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

/* Cells for a key or data field of n bytes. */
static uint32_t field_cells(uint32_t n)
{
	uint32_t blocks = div_up(n + 6, 232) + 1;

	return div_up(n + 6 * blocks, ECKD_3390_CELL_BYTES);
}

uint32_t eckd_3390_record_cells(uint8_t kl, uint16_t dl)
{
	uint32_t cells = 10 + 9 + field_cells(dl);

	if (kl)
		cells += 9 + field_cells(kl);
	return cells;
}

unsigned int eckd_3390_recs_per_track(uint8_t kl, uint16_t dl)
{
	return ECKD_3390_TRACK_CELLS / eckd_3390_record_cells(kl, dl);
}

uint32_t eckd_3390_r0_extra_cells(uint8_t kl, uint16_t dl)
{
	uint32_t std = eckd_3390_record_cells(0, 8);
	uint32_t r0 = eckd_3390_record_cells(kl, dl);

	return r0 > std ? r0 - std : 0;
}

void eckd_cchh_store(uint8_t out[4], uint32_t cyl, uint32_t head)
{
	st_be16(out, (uint16_t)cyl);
	st_be16(out + 2, (uint16_t)(((cyl >> 16) << 4) | (head & 0xf)));
}

void eckd_cchh_load(const uint8_t in[4], uint32_t *cyl, uint32_t *head)
{
	uint16_t hh = ld_be16(in + 2);

	*cyl = (uint32_t)(hh >> 4) << 16 | ld_be16(in);
	*head = hh & 0xf;
}
