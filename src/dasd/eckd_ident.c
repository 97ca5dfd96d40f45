/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identification records (3990/9390 Storage Control Reference, GA32-0274:
 * "Sense ID", "Read Device Characteristics", "Read Configuration Data",
 * "Perform Subsystem Function / Read Subsystem Data"; Linux's dasd_eckd
 * parses them in dasd_eckd.h: dasd_eckd_characteristics, dasd_ned,
 * dasd_gneq). Every byte is stored explicitly, big-endian.
 */
#include "dasd/eckd_ident.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/byteorder.h"
#include "dasd/eckd_geom.h"

_Static_assert(ECKD_RDC_LEN == 64, "RDC is 64 bytes");
_Static_assert(ECKD_RCD_LEN == 8 * 32, "RCD is eight 32-byte records");
_Static_assert(ECKD_UAC_LEN == 2 * ECKD_LCU_UNITS, "UAC: 2 bytes per unit address");

/* Sense ID: CIW for Read Configuration Data (type 0, command FA, 256). */
#define CIW_RCD 0x40fa0100u

/* RDC facilities (bytes 6-9): Locate Record read operation supported; no
 * read-track (raw access), no XRC, no PPRC, no cache functions. */
#define RDC_FACILITIES 0x10000000u
#define RDC_DEV_CLASS  0x20   /* DASD */
#define RDC_UNIT_TYPE  0x32   /* 3390 unit type / MDR / OBR id */
#define RDC_CU_CODE    0x15   /* storage director type code (3990-6 class) */
#define RDC_LV_COMPAT  0xfffe /* 16-bit cylinders of a large volume */
#define RDC_MAX_16CYL  65520  /* above this the 32-bit field counts */

/* RCD record flags (byte 0): bits 0-1 = 11 NED, 10 general NEQ. */
#define NED_FLAGS      0xd0   /* NED, serial number valid */
#define NED_DEVICE     0x01   /* byte 1: NED describes the device */
#define NED_CU         0x02   /* byte 1: NED describes the control unit */
#define NED_CLASS_DASD 0x01
#define GNEQ_FLAGS     0x80
#define SNEQ_FLAGS     0x40   /* bits 0-1 = 01: NEQ */
#define SNEQ_FORMAT    0x0001 /* bytes 2-3: subsystem NEQ (4: virtual device) */
#define GNEQ_TIMEOUT   0x1e   /* 30 * 10^0 seconds */

static uint8_t ebcdic(char c)
{
	if (c >= '0' && c <= '9')
		return (uint8_t)(0xf0 + (c - '0'));
	if (c >= 'A' && c <= 'I')
		return (uint8_t)(0xc1 + (c - 'A'));
	if (c >= 'J' && c <= 'R')
		return (uint8_t)(0xd1 + (c - 'J'));
	if (c >= 'S' && c <= 'Z')
		return (uint8_t)(0xe2 + (c - 'S'));
	return 0x40; /* blank */
}

static void put_ebcdic(uint8_t *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = ebcdic(s[i]);
}

int eckd_serial_make(char out[ECKD_SERIAL_LEN + 1], const char *in,
		     uint16_t ssid, uint8_t unit_addr)
{
	size_t n = strlen(in);

	if (!n) {
		snprintf(out, ECKD_SERIAL_LEN + 1, "000000%04X%02X",
			 (unsigned int)ssid, (unsigned int)unit_addr);
		return 0;
	}
	if (n > ECKD_SERIAL_LEN)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!((in[i] >= '0' && in[i] <= '9') ||
		      (in[i] >= 'A' && in[i] <= 'Z')))
			return -EINVAL;
	memset(out, '0', ECKD_SERIAL_LEN - n);
	memcpy(out + ECKD_SERIAL_LEN - n, in, n);
	out[ECKD_SERIAL_LEN] = '\0';
	return 0;
}

void eckd_build_senseid(uint8_t out[ECKD_SENSEID_LEN],
			const struct eckd_ident *id)
{
	out[0] = 0xff;
	st_be16(out + 1, id->cu_type);
	out[3] = id->cu_model;
	st_be16(out + 4, id->dev_type);
	out[6] = id->dev_model;
	out[7] = 0;
	st_be32(out + 8, CIW_RCD);
}

void eckd_build_rdc(uint8_t out[ECKD_RDC_LEN], const struct eckd_ident *id)
{
	memset(out, 0, ECKD_RDC_LEN);
	st_be16(out + 0, id->cu_type);
	out[2] = id->cu_model;
	st_be16(out + 3, id->dev_type);
	out[5] = id->dev_model;
	st_be32(out + 6, RDC_FACILITIES);
	out[10] = RDC_DEV_CLASS;
	out[11] = RDC_UNIT_TYPE;
	st_be16(out + 12, id->cyls > RDC_MAX_16CYL ? RDC_LV_COMPAT
						    : (uint16_t)id->cyls);
	st_be16(out + 14, (uint16_t)id->heads);
	out[16] = ECKD_3390_SECTORS;
	st_be24(out + 17, ECKD_3390_TRACK_LEN);
	st_be16(out + 20, ECKD_3390_HA_R0_LEN);
	out[22] = 2;        /* track capacity formula 2 ... */
	out[23] = 34;       /* ... factors f1-f5 */
	out[24] = 19;
	out[25] = 9;
	out[26] = 6;
	out[27] = 116;
	out[40] = RDC_UNIT_TYPE;    /* MDR record id */
	out[41] = RDC_UNIT_TYPE;    /* OBR record id */
	out[42] = RDC_CU_CODE;
	out[43] = 0x02;             /* parameter length / read track set */
	st_be16(out + 44, ECKD_3390_MAX_R0_DL);
	out[47] = 0x01;             /* track set size */
	out[48] = 6;                /* f6 */
	st_be16(out + 49, 0x7708);  /* RPS factors f7/f8 */
	out[57] = 0xff;             /* no alternate tracks (array device) */
	st_be32(out + 60, id->cyls);
}

static void put_ned(uint8_t *ned, uint8_t kind, const char *type,
		    const char *model, const struct eckd_ident *id)
{
	ned[0] = NED_FLAGS;
	ned[1] = kind;
	ned[2] = NED_CLASS_DASD;
	put_ebcdic(ned + 4, type, 6);
	put_ebcdic(ned + 10, model, 3);
	put_ebcdic(ned + 13, "IBM", 3);
	put_ebcdic(ned + 16, "ZZ", 2);      /* plant of manufacture */
	put_ebcdic(ned + 18, id->serial, ECKD_SERIAL_LEN);
}

void eckd_build_rcd(uint8_t out[ECKD_RCD_LEN], const struct eckd_ident *id,
		    unsigned int path_index)
{
	uint8_t *gneq = out + 7 * 32;
	char type[8], model[4];

	memset(out, 0, ECKD_RCD_LEN);

	/* Record 0: the device NED; uid = IBM.ZZ<serial>.<ssid>.<ua>. */
	snprintf(type, sizeof(type), "00%04X", (unsigned int)id->dev_type);
	snprintf(model, sizeof(model), "0%02X", (unsigned int)id->dev_model);
	put_ned(out, NED_DEVICE, type, model, id);
	out[30] = (uint8_t)id->ssid;        /* logical subsystem */
	out[31] = id->unit_addr;

	/* Record 1: the control unit NED. */
	snprintf(type, sizeof(type), "00%04X", (unsigned int)id->cu_type);
	snprintf(model, sizeof(model), "0%02X", (unsigned int)id->cu_model);
	put_ned(out + 32, NED_CU, type, model, id);

	/* Record 5: the subsystem NEQ with the unit address type. Without
	 * it Linux takes the device for a base. */
	if (id->sneq_type != ECKD_UA_NONE) {
		out[5 * 32] = SNEQ_FLAGS;
		st_be16(out + 5 * 32 + 2, SNEQ_FORMAT);
		out[5 * 32 + 8] = id->sneq_type;
		/* byte 9, the base unit address, only for static PAV */
	}

	/* Record 7: the general NEQ. */
	gneq[0] = GNEQ_FLAGS;
	st_be16(gneq + 2, (uint16_t)path_index);   /* interface id */
	gneq[6] = GNEQ_TIMEOUT;
	st_be16(gneq + 8, id->ssid);
	gneq[10] = 0x80;                 /* path / cluster id */
	gneq[11] = id->unit_addr;
	gneq[12] = id->unit_addr;        /* physical device id */
	gneq[13] = id->unit_addr;        /* physical device address */
	gneq[14] = (uint8_t)path_index;  /* storage adapter id */
	gneq[17] = 0x80;                 /* protocol; bit 0x04 (FICON tm) off */
	gneq[18] = 0x80;                 /* NEQ format; & 7 = no preference */
	gneq[19] = id->unit_addr;        /* logical device address */
}

void eckd_build_features(uint8_t out[ECKD_FEATURES_LEN])
{
	/* Prefix: Linux starts block I/O and format programs with it
	 * instead of Define Extent, and uses HyperPAV aliases only with it.
	 * Read / Write Track Data (which Linux uses only with Prefix): one
	 * command per track instead of one per block. No Locate Record
	 * Extended as a command of its own, no zHPF, no query host access. */
	memset(out, 0, ECKD_FEATURES_LEN);
	out[8] = ECKD_FEAT8_PREFIX;
	out[9] = ECKD_FEAT9_RTD;
	out[12] = ECKD_FEAT12_WTD;
}

void eckd_build_uac(uint8_t out[ECKD_UAC_LEN],
		    const uint8_t type[ECKD_LCU_UNITS])
{
	/* Byte 1 (base unit address) is 00 for bases and HyperPAV aliases:
	 * Linux compares it with what it derives from RCD (no base address
	 * but for static PAV) and logs "An Alias device was reassigned"
	 * after each reload when they differ. */
	memset(out, 0, ECKD_UAC_LEN);
	for (unsigned int ua = 0; ua < ECKD_LCU_UNITS; ua++)
		out[2 * ua] = type[ua];
}
