/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 3390 track geometry: track capacity in cells, records per track and the
 * CCHH address format (IBM 3390 Direct Access Storage Reference, GC26-4574,
 * "Track capacity"; 3990/9390 Storage Control Reference, GA32-0274,
 * "Track addresses" incl. the extended-address-volume cylinder bits).
 */
#ifndef CCWPASS_DASD_ECKD_GEOM_H
#define CCWPASS_DASD_ECKD_GEOM_H

#include <stdbool.h>
#include <stdint.h>

#define ECKD_3390_HEADS        15
#define ECKD_3390_TRACK_CELLS  1729   /* user-record cells per track */
#define ECKD_3390_CELL_BYTES   34     /* 1729 * 34 = 58786, RDC bytes 17-19 */
#define ECKD_3390_TRACK_LEN    58786
#define ECKD_3390_HA_R0_LEN    1428   /* RDC bytes 20-21 */
#define ECKD_3390_MAX_R0_DL    57326  /* RDC bytes 44-45 */
#define ECKD_3390_MAX_R1_DL    56664
#define ECKD_3390_SECTORS      224    /* RDC byte 16 (rotational positions) */

/*
 * Cells a record with key length kl and data length dl occupies (for R0 the
 * same formula applies; its standard form, kl 0 dl 8, takes 20 cells).
 */
uint32_t eckd_3390_record_cells(uint8_t kl, uint16_t dl);

/* Records of equal size that fit one track (4096 -> 12, 512 -> 49). */
unsigned int eckd_3390_recs_per_track(uint8_t kl, uint16_t dl);

/*
 * Cells a track uses: the sum over user records (R1...) plus what R0 takes
 * beyond its standard 20 cells. A track is valid while this is <= 1729.
 */
uint32_t eckd_3390_r0_extra_cells(uint8_t kl, uint16_t dl);

/*
 * CCHH as carried by Seek, Define Extent, Locate Record and count fields:
 * CC = cylinder bits 16-31 (low 16 bits), HH = cylinder bits 4-15 of the
 * upper part (cylinder >> 16) << 4 | head (extended address volumes).
 */
void eckd_cchh_store(uint8_t out[4], uint32_t cyl, uint32_t head);
void eckd_cchh_load(const uint8_t in[4], uint32_t *cyl, uint32_t *head);

#endif
