/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building the parameter blocks and programs Linux 6.1's dasd_eckd sends
 * (drivers/s390/block/dasd_eckd.c: define_extent, locate_record,
 * locate_record_ext, prefix_LRE, dasd_eckd_build_format,
 * dasd_eckd_analysis_ccw, build_cp_cmd_single, build_cp_cmd_track).
 */
#ifndef CCWPASS_TESTS_DASD_CP_UTIL_H
#define CCWPASS_TESTS_DASD_CP_UTIL_H

#include <stdint.h>
#include <string.h>

#include "common/byteorder.h"
#include "harness.h"
#include "image/ckd_image.h"

#define T_HEADS 15
#define T_TRKSIZE 56832

static inline void t_cchh(uint8_t *p, uint32_t trk)
{
	uint32_t cyl = trk / T_HEADS, head = trk % T_HEADS;

	st_be16(p, (uint16_t)cyl);
	st_be16(p + 2, (uint16_t)((cyl >> 16) << 4 | head));
}

/* Define Extent: mask, attributes, first and last track, byte 7. */
static inline void t_de(uint8_t p[16], uint8_t mask, uint8_t attr,
			uint32_t first, uint32_t last, uint8_t ext)
{
	memset(p, 0, 16);
	p[0] = mask;
	p[1] = attr;
	p[7] = ext;
	t_cchh(p + 8, first);
	t_cchh(p + 12, last);
}

/*
 * Prefix (prefix_LRE): format 0 or 1, validity (80 read, C0 write with a
 * time stamp; + 30 from a HyperPAV alias), the base's unit address and
 * LSS, the 16 Define Extent bytes (with DE byte 7 bit 0x02 the extended
 * parameter gets a time stamp, as set_timestamp does) and, for format 1,
 * the 16 Locate Record bytes of the embedded Locate Record Extended.
 */
static inline void t_pfx(uint8_t p[64], uint8_t format, uint8_t validity,
			 uint8_t base_ua, uint8_t lss, const uint8_t de[16],
			 const uint8_t *lr)
{
	memset(p, 0, 64);
	p[0] = format;
	p[1] = validity;
	p[2] = base_ua;
	p[4] = lss;
	memcpy(p + 12, de, 16);
	if (de[7] & 0x02)
		st_be64(p + 28, 0xd1a2b3c4d5e6f708ull);    /* TOD */
	if (lr)
		memcpy(p + 44, lr, 16);
}

/* Linux's sector estimate for record rec of reclen bytes on a 3390. */
static inline uint8_t t_sector(unsigned int rec, unsigned int reclen)
{
	unsigned int dn, d;

	if (!rec)
		return 0;
	dn = (reclen + 6 + 231) / 232;
	d = 9 + (reclen + 6 * (dn + 1) + 33) / 34;
	return (uint8_t)((49 + (rec - 1) * (10 + d)) / 8);
}

/* Locate Record: op byte, aux, count, track, record of the search. */
static inline void t_lr(uint8_t p[16], uint8_t op, uint8_t aux, uint8_t count,
			uint32_t trk, uint8_t rec, uint16_t tlf)
{
	memset(p, 0, 16);
	p[0] = op;
	p[1] = aux;
	p[3] = count;
	t_cchh(p + 4, trk);
	t_cchh(p + 8, trk);
	p[12] = rec;
	p[13] = t_sector(rec, tlf);
	st_be16(p + 14, tlf);
}

/*
 * Locate Record Extended (locate_record_ext), 20 bytes: op byte, aux,
 * count, track, record of the search, the record length Linux estimates
 * the sector with, the length (bytes 14-15) and the extended operation.
 */
static inline void t_lre(uint8_t p[20], uint8_t op, uint8_t aux,
			 uint8_t count, uint32_t trk, uint8_t rec,
			 uint16_t reclen, uint16_t length, uint8_t ext_op)
{
	t_lr(p, op, aux, count, trk, rec, length);
	p[13] = t_sector(rec, reclen);
	p[16] = 0;
	p[17] = ext_op;
	p[18] = p[19] = 0;
}

/* Prefix format 1 with the 20 bytes of a Locate Record Extended. */
static inline void t_pfx_lre(uint8_t p[64], uint8_t validity, uint8_t base_ua,
			     uint8_t lss, const uint8_t de[16],
			     const uint8_t lre[20])
{
	t_pfx(p, 1, validity, base_ua, lss, de, lre);
	memcpy(p + 60, lre + 16, 4);
}

/* Count field CCHH R KL DL. */
static inline void t_count(uint8_t p[8], uint32_t trk, uint8_t r, uint8_t kl,
			   uint16_t dl)
{
	t_cchh(p, trk);
	p[4] = r;
	p[5] = kl;
	st_be16(p + 6, dl);
}

static inline struct tccw t_ccw(uint8_t cmd, uint8_t flags, uint16_t count,
				void *data)
{
	struct tccw c = { .cmd = cmd, .flags = flags, .count = count,
			  .data = data };

	return c;
}

static inline struct ckd_geometry t_geo(uint32_t cyls)
{
	struct ckd_geometry g = {
		.devtype = 0x3390, .cyls = cyls, .heads = T_HEADS,
		.trksize = T_TRKSIZE,
	};

	return g;
}

#endif
