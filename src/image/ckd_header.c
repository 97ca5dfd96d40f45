/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hercules CKD device header and the CCKD / CCKD64 compressed device
 * headers: encode, decode, check (docs/image-format.md; Hercules
 * hstructs.h, cckd.h; Hyperion cckd64.h).
 */
#include "image/ckd_header.h"

#include <errno.h>
#include <string.h>

#include "common/byteorder.h"
#include "image/ckd_track.h"

_Static_assert(CKD_DEVHDR_SIZE == 512, "CKDDASD_DEVHDR is 512 bytes");
_Static_assert(CCKD_HDR_SIZE == 512, "CCKDDASD_DEVHDR is 512 bytes");
_Static_assert(CCKD_L1_POS == CKD_DEVHDR_SIZE + CCKD_HDR_SIZE,
	       "L1 table follows the headers");

/* Device header offsets. */
enum {
	DH_DEVID = 0, DH_HEADS = 8, DH_TRKSIZE = 12, DH_DEVTYPE = 16,
	DH_FILESEQ = 17, DH_HIGHCYL = 18,
};

/* Compressed header offsets common to both formats. */
enum { CH_VRM = 0, CH_OPTIONS = 3, CH_NUML1 = 4, CH_NUML2 = 8 };
/* Statistics, in this order from cckd_format.hdr_stats. */
enum {
	ST_SIZE, ST_USED, ST_FREE, ST_FREE_TOTAL, ST_FREE_LARGEST,
	ST_FREE_NUMBER, ST_FREE_IMBED, ST_COUNT,
};

/* CCKD (cckd.h CCKD_DEVHDR): offsets and statistics are 32-bit. */
#define C32_CYLS     40
#define C32_STATS    12
#define C32_NULLFMT  44
#define C32_L2ENT    8              /* pos32 len16 size16 */
#define C32_FREEBLK  8              /* next32 len32 */
_Static_assert(C32_STATS + ST_COUNT * 4 == C32_CYLS, "stats end at cyls");
_Static_assert(C32_CYLS + 4 == C32_NULLFMT, "nullfmt follows cyls");
_Static_assert(C32_L2ENT == 4 + 2 + 2, "CCKD_L2ENT");
_Static_assert(CCKD_L2_ENTRIES * C32_L2ENT == 2048, "CCKD L2 table");

/* CCKD64 (cckd64.h CCKD64_DEVHDR): offsets and statistics are 64-bit. */
#define C64_CYLS     12
#define C64_STATS    16
#define C64_NULLFMT  72
#define C64_L2ENT    16             /* pos64 len16 size16 pad32 */
#define C64_FREEBLK  16             /* next64 len64 */
_Static_assert(C64_CYLS + 4 == C64_STATS, "stats follow cyls");
_Static_assert(C64_STATS + ST_COUNT * 8 == C64_NULLFMT, "nullfmt follows");
_Static_assert(C64_NULLFMT + 4 <= CCKD_HDR_SIZE, "header fits");
_Static_assert(C64_L2ENT == 8 + 2 + 2 + 4, "CCKD64_L2ENT");
_Static_assert(CCKD_L2_ENTRIES * C64_L2ENT == CCKD_L2TAB_MAX, "L2 table");
_Static_assert(C64_FREEBLK == CCKD_FREEBLK_MAX, "CCKD64_FREEBLK");

const struct cckd_format cckd_format32 = {
	.devid = "CKD_C370", .name = "CCKD", .format = CKD_IMAGE_CCKD,
	.off_size = 4, .l2ent_size = C32_L2ENT, .freeblk_size = C32_FREEBLK,
	.hdr_cyls = C32_CYLS, .hdr_stats = C32_STATS,
	.hdr_nullfmt = C32_NULLFMT,
	.limit = 0xffffffffull, .shadow = 0xffffffffull,
	.create_options = CCKD_OPT_NOFUDGE,
};

/* Hyperion's limit is the largest off_t; "see the base file" is all ones. */
const struct cckd_format cckd_format64 = {
	.devid = "CKD_C064", .name = "CCKD64", .format = CKD_IMAGE_CCKD64,
	.off_size = 8, .l2ent_size = C64_L2ENT, .freeblk_size = C64_FREEBLK,
	.hdr_cyls = C64_CYLS, .hdr_stats = C64_STATS,
	.hdr_nullfmt = C64_NULLFMT,
	.limit = INT64_MAX, .shadow = UINT64_MAX,
	.create_options = CCKD_OPT_ORDWR,
};

/* Hercules' compressed FBA: CCKD's container under its own devid; a new
   file's options as Hercules 3.13's dasdinit -z and fba2cfba write them. */
const struct cckd_format cckd_format_cfba = {
	.devid = "FBA_C370", .name = "CFBA", .format = CKD_IMAGE_CCKD,
	.off_size = 4, .l2ent_size = C32_L2ENT, .freeblk_size = C32_FREEBLK,
	.hdr_cyls = C32_CYLS, .hdr_stats = C32_STATS,
	.hdr_nullfmt = C32_NULLFMT,
	.limit = 0xffffffffull, .shadow = 0xffffffffull,
	.create_options = CCKD_OPT_NOFUDGE | CCKD_OPT_ORDWR,
};

const struct cckd_format *cckd_format_of(const char *devid)
{
	if (!strcmp(devid, cckd_format32.devid))
		return &cckd_format32;
	if (!strcmp(devid, cckd_format64.devid))
		return &cckd_format64;
	return NULL;
}

struct ckd_devtype_info {
	uint8_t byte;
	uint16_t devtype;
	uint32_t heads;
	uint32_t trksize;
};

/* Slot size = HA + R0 + maximum R1 + end marker, rounded up to 512. */
static const struct ckd_devtype_info devtypes[] = {
	{ 0x90, 0x3390, CKD_3390_HEADS, CKD_3390_TRACK_SIZE },
	{ 0x80, 0x3380, 15, 47616 },
};

void ckd_devhdr_load(struct ckd_devhdr *h, const uint8_t p[CKD_DEVHDR_SIZE])
{
	memcpy(h->devid, p + DH_DEVID, 8);
	h->devid[8] = '\0';
	h->heads = ld_le32(p + DH_HEADS);
	h->trksize = ld_le32(p + DH_TRKSIZE);
	h->devtype = p[DH_DEVTYPE];
	h->fileseq = p[DH_FILESEQ];
	h->highcyl = ld_le16(p + DH_HIGHCYL);
}

void ckd_devhdr_store(uint8_t p[CKD_DEVHDR_SIZE], const struct ckd_devhdr *h)
{
	memset(p, 0, CKD_DEVHDR_SIZE);
	memcpy(p + DH_DEVID, h->devid, 8);
	st_le32(p + DH_HEADS, h->heads);
	st_le32(p + DH_TRKSIZE, h->trksize);
	p[DH_DEVTYPE] = h->devtype;
	p[DH_FILESEQ] = h->fileseq;
	st_le16(p + DH_HIGHCYL, h->highcyl);
}

int ckd_devhdr_geometry(const struct ckd_devhdr *h, uint32_t cyls,
			struct ckd_geometry *geo, const char **field)
{
	const struct ckd_devtype_info *d = NULL;

	for (size_t i = 0; i < sizeof(devtypes) / sizeof(devtypes[0]); i++)
		if (devtypes[i].byte == h->devtype)
			d = &devtypes[i];
	if (!d) {
		*field = "devtype (unsupported device type)";
		return -EINVAL;
	}
	if (h->heads != d->heads) {
		*field = "heads";
		return -EINVAL;
	}
	if (h->trksize != d->trksize) {
		*field = "trksize";
		return -EINVAL;
	}
	if (cyls == 0 || cyls > CKD_MAX_CYLS) {
		*field = "cylinders";
		return -EINVAL;
	}
	geo->devtype = d->devtype;
	geo->heads = d->heads;
	geo->trksize = d->trksize;
	geo->cyls = cyls;
	return 0;
}

uint8_t ckd_devtype_byte(const struct ckd_geometry *geo)
{
	for (size_t i = 0; i < sizeof(devtypes) / sizeof(devtypes[0]); i++)
		if (devtypes[i].devtype == geo->devtype &&
		    devtypes[i].heads == geo->heads &&
		    devtypes[i].trksize == geo->trksize)
			return devtypes[i].byte;
	return 0;
}

uint32_t cckd_ld32(bool be, const uint8_t *p)
{
	return be ? ld_be32(p) : ld_le32(p);
}

uint64_t cckd_ld_off(bool be, const uint8_t *p, unsigned int size)
{
	if (size == 4)
		return cckd_ld32(be, p);
	return be ? ld_be64(p) : ld_le64(p);
}

void cckd_st_off(bool be, uint8_t *p, unsigned int size, uint64_t v)
{
	if (size == 4)
		cckd_st32(be, p, (uint32_t)v);
	else if (be)
		st_be64(p, v);
	else
		st_le64(p, v);
}

uint16_t cckd_ld16(bool be, const uint8_t *p)
{
	return be ? ld_be16(p) : ld_le16(p);
}

void cckd_st32(bool be, uint8_t *p, uint32_t v)
{
	if (be)
		st_be32(p, v);
	else
		st_le32(p, v);
}

void cckd_st16(bool be, uint8_t *p, uint16_t v)
{
	if (be)
		st_be16(p, v);
	else
		st_le16(p, v);
}

void cckd_header_load(struct cckd_header *h, const uint8_t p[CCKD_HDR_SIZE],
		      const struct cckd_format *f)
{
	bool be = p[CH_OPTIONS] & CCKD_OPT_BIGENDIAN;
	unsigned int w = f->off_size;
	const uint8_t *st = p + f->hdr_stats;
	const uint8_t *nf = p + f->hdr_nullfmt;

	memcpy(h->vrm, p + CH_VRM, 3);
	h->options = p[CH_OPTIONS];
	h->numl1tab = (int32_t)cckd_ld32(be, p + CH_NUML1);
	h->numl2tab = (int32_t)cckd_ld32(be, p + CH_NUML2);
	h->size = cckd_ld_off(be, st + ST_SIZE * w, w);
	h->used = cckd_ld_off(be, st + ST_USED * w, w);
	h->free = cckd_ld_off(be, st + ST_FREE * w, w);
	h->free_total = cckd_ld_off(be, st + ST_FREE_TOTAL * w, w);
	h->free_largest = cckd_ld_off(be, st + ST_FREE_LARGEST * w, w);
	h->free_number = w == 4 ?
		(int32_t)cckd_ld32(be, st + ST_FREE_NUMBER * w) :
		(int64_t)cckd_ld_off(be, st + ST_FREE_NUMBER * w, w);
	h->free_imbed = cckd_ld_off(be, st + ST_FREE_IMBED * w, w);
	h->cyls = ld_le32(p + f->hdr_cyls);
	h->nullfmt = nf[0];
	h->compress = nf[1];
	h->compress_parm = (int16_t)cckd_ld16(be, nf + 2);
}

void cckd_header_store(uint8_t p[CCKD_HDR_SIZE], const struct cckd_header *h,
		       const struct cckd_format *f)
{
	bool be = cckd_big_endian(h);
	unsigned int w = f->off_size;
	uint8_t *st = p + f->hdr_stats;
	uint8_t *nf = p + f->hdr_nullfmt;

	memset(p, 0, CCKD_HDR_SIZE);
	memcpy(p + CH_VRM, h->vrm, 3);
	p[CH_OPTIONS] = h->options;
	cckd_st32(be, p + CH_NUML1, (uint32_t)h->numl1tab);
	cckd_st32(be, p + CH_NUML2, (uint32_t)h->numl2tab);
	cckd_st_off(be, st + ST_SIZE * w, w, h->size);
	cckd_st_off(be, st + ST_USED * w, w, h->used);
	cckd_st_off(be, st + ST_FREE * w, w, h->free);
	cckd_st_off(be, st + ST_FREE_TOTAL * w, w, h->free_total);
	cckd_st_off(be, st + ST_FREE_LARGEST * w, w, h->free_largest);
	cckd_st_off(be, st + ST_FREE_NUMBER * w, w, (uint64_t)h->free_number);
	cckd_st_off(be, st + ST_FREE_IMBED * w, w, h->free_imbed);
	st_le32(p + f->hdr_cyls, h->cyls);
	nf[0] = h->nullfmt;
	nf[1] = h->compress;
	cckd_st16(be, nf + 2, (uint16_t)h->compress_parm);
}

int cckd_header_check(const struct cckd_header *h, uint32_t tracks,
		      const char **field)
{
	uint32_t n = (tracks + CCKD_L2_ENTRIES - 1) / CCKD_L2_ENTRIES;

	if (h->vrm[0] != 0 || h->vrm[1] != 3) {
		*field = "vrm (only CCKD version 0.3 is supported)";
		return -EINVAL;
	}
	/* Hercules' own check accepts one spare entry. */
	if (h->numl1tab < 0 || ((uint32_t)h->numl1tab != n &&
				(uint32_t)h->numl1tab != n + 1)) {
		*field = "numl1tab";
		return -EINVAL;
	}
	if (h->numl2tab != CCKD_L2_ENTRIES) {
		*field = "numl2tab";
		return -EINVAL;
	}
	if (h->nullfmt > CCKD_NULLFMT_LINUX) {
		*field = "nullfmt";
		return -EINVAL;
	}
	if (h->compress > CCKD_COMPRESS_BZIP2) {
		*field = "compress";
		return -EINVAL;
	}
	return 0;
}

int cckd_nullfmt_from_api(enum ckd_null_format fmt)
{
	switch (fmt) {
	case CKD_NULL_R0:
		return CCKD_NULLFMT_R0;
	case CKD_NULL_R1EOF:
		return CCKD_NULLFMT_R1EOF;
	case CKD_NULL_LINUX:
		return CCKD_NULLFMT_LINUX;
	}
	return -1;
}

enum ckd_null_format cckd_nullfmt_to_api(unsigned int hercules_fmt)
{
	switch (hercules_fmt) {
	case CCKD_NULLFMT_R0:
		return CKD_NULL_R0;
	case CCKD_NULLFMT_LINUX:
		return CKD_NULL_LINUX;
	default:
		return CKD_NULL_R1EOF;
	}
}

uint32_t ckd_format_capacity(enum ckd_image_format fmt,
			     const struct ckd_geometry *geo)
{
	const struct cckd_format *f = fmt == CKD_IMAGE_CCKD ? &cckd_format32 :
				      NULL;
	uint64_t trks = (uint64_t)geo->cyls * geo->heads;
	uint64_t nl1 = (trks + CCKD_L2_ENTRIES - 1) / CCKD_L2_ENTRIES;
	uint64_t tables, fit;

	if (!f || !geo->heads || !geo->trksize)
		return geo->cyls;
	/* Every track stored raw in a slot's worth, every L2 table. */
	tables = CCKD_L1_POS + nl1 * (f->off_size + cckd_l2tab_size(f));
	if (tables >= f->limit)
		return 0;
	fit = (f->limit - tables) / geo->trksize / geo->heads;
	return fit < geo->cyls ? (uint32_t)fit : geo->cyls;
}
