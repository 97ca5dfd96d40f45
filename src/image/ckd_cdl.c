/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CDL tracks 0 and 1 byte for byte as dasdfmt (-b 4096 -d cdl) and then
 * `fdasd -a` leave them (see ckd_cdl.h; DSCB field names as in IBM
 * DFSMSdfp Advanced Services, "DSCB formats"; values as s390-tools' libvtoc
 * sets them; Linux block/partitions/ibm.c reads VOL1 and the format-1 DSCB).
 * All multi-byte fields are big-endian.
 */
#include "image/ckd_cdl.h"

#include <stdio.h>
#include <string.h>

#include "common/byteorder.h"
#include "image/ckd_track.h"

#define CDL_KEY_LEN   4        /* IPL1, IPL2, VOL1 keys */
#define CDL_IPL1_LEN  24
#define CDL_IPL2_LEN  144
#define CDL_VOL1_LEN  80
#define DSCB_KEY_LEN  44
#define DSCB_DATA_LEN 96
#define CDL_RECORDS   12       /* 4 KB blocks per 3390 track */
#define BIG_DISK_TRKS 0x10000  /* above this fdasd writes a format-7 DSCB */
#define DS4DEVTK_3390 0xe5a2   /* 3390 track length, 58786 */

/* dasdfmt's empty bootstrap: IPL PSW + 2 CCWs, then the IPL2 channel program. */
static const uint8_t ipl1_data[CDL_IPL1_LEN] = {
	0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f,  /* PSW */
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  /* CCW: NOP */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ipl2_head[44] = {
	0x07, 0x00, 0x3a, 0xb8, 0x40, 0x00, 0x00, 0x06,  /* Seek */
	0x31, 0x00, 0x3a, 0xbe, 0x40, 0x00, 0x00, 0x05,  /* Search ID Equal */
	0x08, 0x00, 0x3a, 0xa0, 0x00, 0x00, 0x00, 0x00,  /* TIC */
	0x06, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,  /* Read Data, SLI */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x04, 0x00,
};

/* Offsets in the 80 data bytes of VOL1 (after its 4-byte key). */
enum {
	VOL1_LABEL = 0,        /* "VOL1" */
	VOL1_VOLSER = 4,       /* 6 characters, blank padded */
	VOL1_SECURITY = 10,
	VOL1_VTOC = 11,        /* CCHHR of the VTOC's format-4 DSCB */
	VOL1_REST = 16,        /* blanks to the end */
};

/* Offsets in the 96 data bytes of a format-4 DSCB (after its 44-byte key). */
enum {
	DS4IDFMT = 0, DS4HPCHR = 1, DS4DSREC = 6, DS4NOEXT = 15,
	DS4DSCYL = 18, DS4DSTRK = 20, DS4DEVTK = 22, DS4DEVFG = 27,
	DS4DEVDT = 30, DS4VTOCE = 61, DS4DCYL = 88, DS4DEVF2 = 94,
};

/* Offsets in the 96 data bytes of a format-1 DSCB. */
enum {
	DS1FMTID = 0, DS1DSSN = 1, DS1VOLSQ = 7, DS1CREDT = 9, DS1EXPDT = 12,
	DS1NOEPV = 15, DS1SYSCD = 18, DS1REFD = 31, DS1RECFM = 40,
	DS1BLKL = 42, DS1LRECL = 44, DS1DSIND = 49, DS1SCAL1 = 50,
	DS1EXT1 = 61,
};

/* An extent: type, sequence, lower CCHH, upper CCHH (10 bytes). */
static void put_extent(uint8_t *p, uint8_t type, uint32_t lo_cyl,
		       uint32_t lo_head, uint32_t hi_cyl, uint32_t hi_head)
{
	p[0] = type;
	p[1] = 0;
	/* CCHH with the cylinder's bits 16-27 in the top of HH. */
	st_be16(p + 2, (uint16_t)lo_cyl);
	st_be16(p + 4, (uint16_t)((lo_cyl >> 16) << 4 | lo_head));
	st_be16(p + 6, (uint16_t)hi_cyl);
	st_be16(p + 8, (uint16_t)((hi_cyl >> 16) << 4 | hi_head));
}

static void put_cchhr(uint8_t *p, uint16_t cyl, uint16_t head, uint8_t rec)
{
	st_be16(p, cyl);
	st_be16(p + 2, head);
	p[4] = rec;
}

size_t ckd_cdl_track0(uint8_t *buf, size_t size, const struct ckd_cdl_volume *v)
{
	uint8_t key[CDL_KEY_LEN], ipl2[CDL_IPL2_LEN], vol1[CDL_VOL1_LEN];
	struct ckd_track_builder b;

	memset(ipl2, 0, sizeof(ipl2));
	memcpy(ipl2, ipl2_head, sizeof(ipl2_head));
	memset(vol1, 0x40, sizeof(vol1));
	ckd_ebcdic_from_ascii(vol1 + VOL1_LABEL, "VOL1", 4);
	ckd_ebcdic_from_ascii(vol1 + VOL1_VOLSER, v->volser, CKD_VOLSER_LEN);
	put_cchhr(vol1 + VOL1_VTOC, 0, 1, 1);

	ckd_track_begin(&b, buf, size, 0, 0);
	ckd_ebcdic_from_ascii(key, "IPL1", sizeof(key));
	ckd_track_add(&b, 1, key, CDL_KEY_LEN, ipl1_data, CDL_IPL1_LEN);
	ckd_ebcdic_from_ascii(key, "IPL2", sizeof(key));
	ckd_track_add(&b, 2, key, CDL_KEY_LEN, ipl2, CDL_IPL2_LEN);
	ckd_ebcdic_from_ascii(key, "VOL1", sizeof(key));
	ckd_track_add(&b, 3, key, CDL_KEY_LEN, vol1, CDL_VOL1_LEN);
	for (uint8_t r = 4; r <= CDL_RECORDS; r++)
		ckd_track_add(&b, r, NULL, 0, NULL, CKD_LINUX_BLOCK_SIZE);
	return ckd_track_finish(&b);
}

static bool big_disk(const struct ckd_cdl_volume *v)
{
	return (uint64_t)v->cyls * v->heads > BIG_DISK_TRKS;
}

static void format4(uint8_t *key, uint8_t *d, const struct ckd_cdl_volume *v,
		    uint8_t f1_rec)
{
	memset(key, 0x04, DSCB_KEY_LEN);
	memset(d, 0, DSCB_DATA_LEN);
	d[DS4IDFMT] = 0xf4;
	put_cchhr(d + DS4HPCHR, 0, 1, f1_rec);      /* highest format-1 */
	/* Free DSCBs: records per track - 2, less the one format 1. */
	st_be16(d + DS4DSREC, CDL_RECORDS - 2 - 1);
	d[DS4NOEXT] = 1;
	st_be16(d + DS4DSCYL, (uint16_t)v->cyls);
	st_be16(d + DS4DSTRK, (uint16_t)v->heads);
	st_be16(d + DS4DEVTK, DS4DEVTK_3390);
	d[DS4DEVFG] = 0x30;
	d[DS4DEVDT] = CDL_RECORDS;                   /* DSCBs per track */
	put_extent(d + DS4VTOCE, 0x01, 0, 1, 0, 1);  /* the VTOC: track 1 */
	st_be32(d + DS4DCYL, v->cyls);
	d[DS4DEVF2] = 0x40;                          /* format 8/9 allowed */
}

static void empty_dscb(uint8_t *key, uint8_t *d, uint8_t id)
{
	memset(key, 0, DSCB_KEY_LEN);
	memset(key, id, 4);
	memset(d, 0, DSCB_DATA_LEN);
	d[0] = (uint8_t)(0xf0 | id);
}

static void put_date(uint8_t *p, const struct tm *tm)
{
	p[0] = (uint8_t)tm->tm_year;                 /* years since 1900 */
	st_be16(p + 1, (uint16_t)tm->tm_yday);       /* 0-based, as fdasd */
}

static void format1(uint8_t *key, uint8_t *d, const struct ckd_cdl_volume *v)
{
	static const uint8_t never[3] = { 0x63, 0x01, 0x6d }; /* 99.365 */
	char name[DSCB_KEY_LEN + 1];
	struct tm tm;

	snprintf(name, sizeof(name), "LINUX.V%s.PART0001.NATIVE", v->volser);
	ckd_ebcdic_from_ascii(key, name, DSCB_KEY_LEN);
	gmtime_r(&v->created, &tm);
	memset(d, 0, DSCB_DATA_LEN);
	d[DS1FMTID] = 0xf1;
	ckd_ebcdic_from_ascii(d + DS1DSSN, v->volser, CKD_VOLSER_LEN);
	st_be16(d + DS1VOLSQ, 1);
	put_date(d + DS1CREDT, &tm);
	memcpy(d + DS1EXPDT, never, sizeof(never));
	d[DS1NOEPV] = 1;
	ckd_ebcdic_from_ascii(d + DS1SYSCD, "IBM LINUX", 13);
	put_date(d + DS1REFD, &tm);
	d[DS1RECFM] = 0x88;
	st_be16(d + DS1BLKL, CKD_LINUX_BLOCK_SIZE);
	st_be16(d + DS1LRECL, CKD_LINUX_BLOCK_SIZE);
	d[DS1DSIND] = 0x80;                          /* last volume */
	d[DS1SCAL1] = 0x80;
	/* Partition 1: track 2 (cyl 0 head 2) to the last track. */
	put_extent(d + DS1EXT1, 0x01, 0, 2, v->cyls - 1, v->heads - 1);
}

size_t ckd_cdl_track1(uint8_t *buf, size_t size, const struct ckd_cdl_volume *v)
{
	uint8_t key[DSCB_KEY_LEN], data[DSCB_DATA_LEN];
	uint8_t f1_rec = big_disk(v) ? 4 : 3;
	struct ckd_track_builder b;
	uint8_t r = 1;

	ckd_track_begin(&b, buf, size, 0, 1);
	format4(key, data, v, f1_rec);
	ckd_track_add(&b, r++, key, DSCB_KEY_LEN, data, DSCB_DATA_LEN);
	empty_dscb(key, data, 0x05);
	ckd_track_add(&b, r++, key, DSCB_KEY_LEN, data, DSCB_DATA_LEN);
	if (big_disk(v)) {
		empty_dscb(key, data, 0x07);
		ckd_track_add(&b, r++, key, DSCB_KEY_LEN, data, DSCB_DATA_LEN);
	}
	format1(key, data, v);
	ckd_track_add(&b, r++, key, DSCB_KEY_LEN, data, DSCB_DATA_LEN);
	while (r <= CDL_RECORDS)
		ckd_track_add(&b, r++, NULL, DSCB_KEY_LEN, NULL, DSCB_DATA_LEN);
	return ckd_track_finish(&b);
}
