/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 24-byte compatible sense in a 32-byte record (3990/9390 Storage Control
 * Reference, GA32-0274, chapter "Sense information"): bytes 0-2 exception
 * bits, 5-6 cylinder/head (X'FFFF' beyond 4095 cylinders), 7 format and
 * message, 8-12 record id for data checks, 27 bit 0 = 24-byte compatible,
 * 28-31 track address (enhanced layout when the cylinder exceeds 16 bits).
 */
#include "dasd/eckd_sense.h"

#include <string.h>

#include "common/byteorder.h"

void eckd_sense_build(uint8_t out[ECKD_SENSE_LEN],
		      const struct eckd_sense_info *si)
{
	memset(out, 0, ECKD_SENSE_LEN);
	out[0] = si->b0;
	out[1] = si->b1;
	if (si->vol_cyls > 4095) {
		out[5] = 0xff;
		out[6] = 0xff;
	} else {
		out[5] = (uint8_t)si->cyl;
		out[6] = (uint8_t)(((si->cyl >> 8) & 0xf) << 4 |
				   (si->head & 0xf));
	}
	out[7] = si->fmt_msg;
	if ((si->fmt_msg & 0xf0) == SNS7_F4_DATA_CHECK) {
		st_be16(out + 8, (uint16_t)si->cyl);
		st_be16(out + 10, (uint16_t)si->head);
		out[12] = si->rec;
	} else {
		out[8] = si->b8;
	}
	out[27] = SNS27_24BYTE;
	if (si->cyl > 0xffff) {
		out[27] |= SNS27_ENH_ADDR;
		st_be16(out + 28, (uint16_t)si->cyl);
		out[30] = (uint8_t)(si->cyl >> 20);
		out[31] = (uint8_t)(((si->cyl >> 16) & 0xf) << 4 |
				    (si->head & 0xf));
	} else {
		st_be16(out + 29, (uint16_t)si->cyl);
		out[31] = (uint8_t)(si->head & 0xf);
	}
}
