/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 3990 sense data: 32 bytes in the 24-byte compatible format (3990/9390
 * Storage Control Reference, GA32-0274, "Sense information", formats 0-F).
 */
#ifndef CCWPASS_DASD_ECKD_SENSE_H
#define CCWPASS_DASD_ECKD_SENSE_H

#include <stdint.h>

#define ECKD_SENSE_LEN 32

/* Byte 0: unit check reasons */
#define SNS0_CMD_REJECT       0x80
#define SNS0_INTERVENTION_REQ 0x40
#define SNS0_EQUIPMENT_CHECK  0x10
#define SNS0_DATA_CHECK       0x08
#define SNS0_INCOMPL_DOMAIN   0x01   /* operation incomplete */

/* Byte 1 */
#define SNS1_PERM_ERR         0x80
#define SNS1_INV_TRACK_FORMAT 0x40
#define SNS1_EOC              0x20   /* end of cylinder */
#define SNS1_NO_REC_FOUND     0x08
#define SNS1_FILE_PROTECTED   0x04
#define SNS1_WRITE_INHIBITED  0x02
#define SNS1_IMPRECISE_END    0x01

/* Byte 7: format (high nibble) and message (low nibble) */
#define SNS7_F0_NONE          0x00
#define SNS7_F0_INVALID_CMD   0x01
#define SNS7_F0_INVALID_SEQ   0x02
#define SNS7_F0_COUNT_SMALL   0x03
#define SNS7_F0_INVALID_PARM  0x04
#define SNS7_F0_BASE_ALIAS    0x0f   /* format 0 message F: with byte 8 0x67 */
#define SNS7_F1_DEV_EQUIPMENT 0x10   /* format 1: device equipment check */
#define SNS7_F4_DATA_CHECK    0x40   /* format 4: data check, CCHHR in 8-12 */

/* Byte 8 after format 0 message F: the base / alias binding is not the
 * one the Prefix verifies (Linux 6.1 dasd_3990_erp_inspect_alias: with
 * equipment check, it reloads the alias and redoes the request on the
 * base device). */
#define SNS8_BASE_ALIAS       0x67

/* Byte 27 */
#define SNS27_24BYTE          0x80   /* 24-byte compatible sense */
#define SNS27_ENH_ADDR        0x10   /* cylinder in enhanced format (28-31) */

struct eckd_sense_info {
	uint8_t b0, b1;        /* bytes 0 and 1 */
	uint8_t fmt_msg;       /* byte 7 */
	uint8_t b8;            /* byte 8 (not with format 4) */
	uint32_t cyl, head;    /* current track */
	uint8_t rec;           /* current record (format 4) */
	uint32_t vol_cyls;     /* cylinders of the volume (bytes 5-6 rule) */
};

/* Build the 32 sense bytes. */
void eckd_sense_build(uint8_t out[ECKD_SENSE_LEN],
		      const struct eckd_sense_info *si);

#endif
