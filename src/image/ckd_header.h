/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hercules CKD image headers (docs/image-format.md; Hercules hstructs.h
 * CKDDASD_DEVHDR and CCKDDASD_DEVHDR, cckd.h; Hyperion cckd64.h
 * CCKD64_DEVHDR):
 *
 *  offset 0    device header, 512 bytes, every format
 *     0  devid[8]    "CKD_P370" / "CKD_P064" plain, "CKD_C370" CCKD,
 *                    "CKD_C064" CCKD64 (ASCII)
 *     8  heads       LE32 tracks per cylinder
 *    12  trksize     LE32 bytes per track slot
 *    16  devtype     last two hex digits of the type (0x90 = 3390)
 *    17  fileseq     0 only file, 1.. file number of a split volume
 *    18  highcyl     LE16 highest cylinder in this file, 0 in the last
 *  offset 512  compressed device header, 512 bytes (CCKD and CCKD64)
 *                    CCKD   CCKD64
 *     vrm[3]            0        0   version 0, release 3, modification 1
 *     options           3        3   0x02 big-endian tables, 0x40 opened
 *                                    r/w since the last check, 0x80 open
 *                                    now (not closed cleanly), 0x20 space
 *                                    errors, 0x01 "nofudge" (legacy)
 *     numl1tab          4        4   32-bit: L1 entries = ceil(tracks/256)
 *     numl2tab          8        8   32-bit: L2 entries per table = 256
 *     cyls             40       12   LE32 (always little-endian)
 *     size, used, free, free_total, free_largest, free_number, free_imbed
 *                    12-39    16-71  7 fields of 4 (CCKD) or 8 (CCKD64)
 *     nullfmt          44       72   null track format of absent tracks
 *     compress         45       73   0 none, 1 zlib, 2 bzip2
 *     compress_parm    46       74   16-bit (-1 = library default)
 *  Every numeric field but cyls is in the byte order the options byte
 *  names; so are the L1 table (at 1024), the L2 tables and free blocks.
 */
#ifndef CCWPASS_IMAGE_CKD_HEADER_H
#define CCWPASS_IMAGE_CKD_HEADER_H

#include <stdbool.h>
#include <stdint.h>

#include "image/ckd_image.h"

#define CKD_DEVHDR_SIZE     512
#define CCKD_HDR_POS        512
#define CCKD_HDR_SIZE       512
#define CCKD_L1_POS         1024
#define CCKD_L2_ENTRIES     256
/* Largest L2 table (CCKD64: 256 x 16 bytes) and free block (16). */
#define CCKD_L2TAB_MAX      (CCKD_L2_ENTRIES * 16)
#define CCKD_FREEBLK_MAX    16

#define CCKD_OPT_NOFUDGE    0x01
#define CCKD_OPT_BIGENDIAN  0x02
#define CCKD_OPT_SPERRS     0x20
#define CCKD_OPT_ORDWR      0x40
#define CCKD_OPT_OPENED     0x80

#define CCKD_COMPRESS_NONE  0
#define CCKD_COMPRESS_ZLIB  1
#define CCKD_COMPRESS_BZIP2 2

/* Hercules' own null format numbers (on disk), see ckd_cckd_nullfmt(). */
#define CCKD_NULLFMT_R1EOF  0      /* HA, R0, R1 (0/0), end of track */
#define CCKD_NULLFMT_R0     1      /* HA, R0, end of track */
#define CCKD_NULLFMT_LINUX  2      /* HA, R0, R1-R12 4096 zero bytes */

/* Largest cylinder count: CC of the home address is 16 bits. */
#define CKD_MAX_CYLS        65535

struct ckd_devhdr {
	char devid[9];            /* NUL ended */
	uint32_t heads;
	uint32_t trksize;
	uint8_t devtype;
	uint8_t fileseq;
	uint16_t highcyl;
};

/*
 * What differs between the two compressed formats. CCKD ("CKD_C370")
 * stores file offsets in 32 bits, so its files end at 4 GiB; CCKD64
 * ("CKD_C064", Hercules Hyperion 4.2 and later) widens every offset and
 * statistic to 64 bits and moves the header fields, nothing else.
 */
struct cckd_format {
	const char *devid;          /* device header devid */
	const char *name;           /* "CCKD", "CCKD64" (messages) */
	enum ckd_image_format format;
	unsigned int off_size;      /* bytes of an offset: L1 entry, L2 entry
				       pos, free block next/length, the
				       header statistics (4 or 8) */
	unsigned int l2ent_size;    /* {pos, len16, size16[, pad32]}: 8, 16 */
	unsigned int freeblk_size;  /* {next, length}: 8, 16 */
	unsigned int hdr_cyls;      /* compressed header offsets */
	unsigned int hdr_stats;     /* size, the first statistic */
	unsigned int hdr_nullfmt;   /* nullfmt; compress, parm follow */
	uint64_t limit;             /* largest file size it can address */
	uint64_t shadow;            /* L1/L2 "see the base file" value */
	uint8_t create_options;     /* options byte of a new file */
};

extern const struct cckd_format cckd_format32;   /* CKD_C370 */
extern const struct cckd_format cckd_format64;   /* CKD_C064 */
extern const struct cckd_format cckd_format_cfba; /* FBA_C370 (fba_cfba.c) */

/* The CKD format a devid names, or NULL. */
const struct cckd_format *cckd_format_of(const char *devid);

static inline uint32_t cckd_l2tab_size(const struct cckd_format *f)
{
	return CCKD_L2_ENTRIES * f->l2ent_size;
}

struct cckd_header {
	uint8_t vrm[3];
	uint8_t options;
	int32_t numl1tab;
	int32_t numl2tab;
	uint64_t size;
	uint64_t used;
	uint64_t free;
	uint64_t free_total;
	uint64_t free_largest;
	int64_t free_number;
	uint64_t free_imbed;
	uint32_t cyls;
	uint8_t nullfmt;
	uint8_t compress;
	int16_t compress_parm;
};

void ckd_devhdr_load(struct ckd_devhdr *h, const uint8_t p[CKD_DEVHDR_SIZE]);
void ckd_devhdr_store(uint8_t p[CKD_DEVHDR_SIZE], const struct ckd_devhdr *h);

/*
 * The geometry a device header describes. Known device types: 0x90 (3390,
 * 15 heads, 56832-byte slots) and 0x80 (3380, 15 heads, 47616). Returns 0,
 * or -EINVAL with *field naming the offending header field.
 */
int ckd_devhdr_geometry(const struct ckd_devhdr *h, uint32_t cyls,
			struct ckd_geometry *geo, const char **field);
/* The devtype byte and slot size for a geometry (0 = unsupported). */
uint8_t ckd_devtype_byte(const struct ckd_geometry *geo);

/*
 * Byte order of the compressed header and tables: from the options byte.
 * A statistic too large for a CCKD field is stored truncated; the CCKD
 * backend never lets a file grow that large (cckd_format32.limit).
 */
void cckd_header_load(struct cckd_header *h, const uint8_t p[CCKD_HDR_SIZE],
		      const struct cckd_format *f);
void cckd_header_store(uint8_t p[CCKD_HDR_SIZE], const struct cckd_header *h,
		       const struct cckd_format *f);

/* 16/32/64-bit loads and stores in the file's byte order. */
static inline bool cckd_big_endian(const struct cckd_header *h)
{
	return h->options & CCKD_OPT_BIGENDIAN;
}

uint16_t cckd_ld16(bool be, const uint8_t *p);
uint32_t cckd_ld32(bool be, const uint8_t *p);
void cckd_st16(bool be, uint8_t *p, uint16_t v);
void cckd_st32(bool be, uint8_t *p, uint32_t v);
/* An offset field of size bytes (4 or 8: cckd_format.off_size). */
uint64_t cckd_ld_off(bool be, const uint8_t *p, unsigned int size);
void cckd_st_off(bool be, uint8_t *p, unsigned int size, uint64_t v);

/*
 * Check a compressed header against the device geometry (numl1tab,
 * numl2tab, version, null format, compression). Returns 0 or -EINVAL with
 * *field set.
 */
int cckd_header_check(const struct cckd_header *h, uint32_t tracks,
		      const char **field);

/* Hercules null format number <-> API enum. */
int cckd_nullfmt_from_api(enum ckd_null_format fmt);
enum ckd_null_format cckd_nullfmt_to_api(unsigned int hercules_fmt);

#endif
