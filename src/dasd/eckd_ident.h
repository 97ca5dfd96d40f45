/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the 3990/3390 says about itself: Sense ID, Read Device
 * Characteristics, Read Configuration Data and the Read Subsystem Data
 * records Linux asks for (3990/9390 Storage Control Reference, GA32-0274;
 * docs/eckd.md has the byte images).
 */
#ifndef CCWPASS_DASD_ECKD_IDENT_H
#define CCWPASS_DASD_ECKD_IDENT_H

#include <stdint.h>

#define ECKD_SENSEID_LEN  12
#define ECKD_RDC_LEN      64
#define ECKD_RCD_LEN      256
#define ECKD_FEATURES_LEN 256   /* RSSD after PSF order 18 suborder 41 */
#define ECKD_UAC_LEN      512   /* RSSD after PSF order 18 suborder 0E */
#define ECKD_SERIAL_LEN   12

#define ECKD_CU_TYPE      0x3990
#define ECKD_DEV_TYPE     0x3390
#define ECKD_CU_MODEL     0xe9  /* ECKD, cache info, model 1 ("3990/01") */

/* Unit address types (unit address configuration byte 0, SNEQ byte 8). */
#define ECKD_UA_NONE      0x00  /* not configured */
#define ECKD_UA_BASE      0x01  /* base device */
#define ECKD_UA_PAV_ALIAS 0x02  /* static PAV alias (not offered) */
#define ECKD_UA_HYPERPAV  0x03  /* HyperPAV alias */
#define ECKD_LCU_UNITS    256   /* unit addresses of a logical control unit */

/* Feature codes (RSSD after PSF 18/41; Linux 6.1 reads the bits in
 * dasd_eckd_build_cp): Prefix (E7), Read Track Data (A6) and Write Track
 * Data (A5) in command mode. With all three Linux reads and writes whole
 * tracks a command (dasd_eckd_build_cp_cmd_track). */
#define ECKD_FEAT8_PREFIX 0x01  /* byte 8 */
#define ECKD_FEAT9_RTD    0x20  /* byte 9 */
#define ECKD_FEAT12_WTD   0x40  /* byte 12 */

struct eckd_ident {
	uint16_t cu_type;
	uint8_t cu_model;
	uint16_t dev_type;
	uint8_t dev_model;
	uint32_t cyls;
	uint32_t heads;
	uint16_t ssid;
	uint8_t unit_addr;
	char serial[ECKD_SERIAL_LEN + 1];  /* [0-9A-Z], exactly 12 */
	/* The subsystem NEQ's unit address type: ECKD_UA_NONE (no SNEQ
	 * record: a base, as for a device without aliases), ECKD_UA_BASE
	 * or ECKD_UA_HYPERPAV. */
	uint8_t sneq_type;
};

/*
 * Check a configured serial (<= 12 of [0-9A-Z], right-aligned with leading
 * zeros) or derive one from ssid and unit address when in is "".
 * Returns: 0 or -EINVAL.
 */
int eckd_serial_make(char out[ECKD_SERIAL_LEN + 1], const char *in,
		     uint16_t ssid, uint8_t unit_addr);

void eckd_build_senseid(uint8_t out[ECKD_SENSEID_LEN],
			const struct eckd_ident *id);
void eckd_build_rdc(uint8_t out[ECKD_RDC_LEN], const struct eckd_ident *id);
/* path_index 0-7: the interface the command came in on (GNEQ bytes 2-3). */
void eckd_build_rcd(uint8_t out[ECKD_RCD_LEN], const struct eckd_ident *id,
		    unsigned int path_index);
/* Prefix, Read Track Data and Write Track Data; nothing else. */
void eckd_build_features(uint8_t out[ECKD_FEATURES_LEN]);
/* {type, base unit address} per unit address; base address always 00. */
void eckd_build_uac(uint8_t out[ECKD_UAC_LEN],
		    const uint8_t type[ECKD_LCU_UNITS]);

#endif
