/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hercules CKD device header and CCKD compressed device header: encode,
 * decode, check (docs/image-format.md; Hercules hstructs.h, cckd.h).
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
_Static_assert(CCKD_L2TAB_SIZE == 2048, "256 entries {pos32, len16, size16}");

/* Device header offsets. */
enum {
	DH_DEVID = 0, DH_HEADS = 8, DH_TRKSIZE = 12, DH_DEVTYPE = 16,
	DH_FILESEQ = 17, DH_HIGHCYL = 18,
};

/* Compressed header offsets. */
enum {
	CH_VRM = 0, CH_OPTIONS = 3, CH_NUML1 = 4, CH_NUML2 = 8, CH_SIZE = 12,
	CH_USED = 16, CH_FREE = 20, CH_FREE_TOTAL = 24, CH_FREE_LARGEST = 28,
	CH_FREE_NUMBER = 32, CH_FREE_IMBED = 36, CH_CYLS = 40, CH_NULLFMT = 44,
	CH_COMPRESS = 45, CH_COMPRESS_PARM = 46,
};

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

void cckd_header_load(struct cckd_header *h, const uint8_t p[CCKD_HDR_SIZE])
{
	bool be = p[CH_OPTIONS] & CCKD_OPT_BIGENDIAN;

	memcpy(h->vrm, p + CH_VRM, 3);
	h->options = p[CH_OPTIONS];
	h->numl1tab = (int32_t)cckd_ld32(be, p + CH_NUML1);
	h->numl2tab = (int32_t)cckd_ld32(be, p + CH_NUML2);
	h->size = cckd_ld32(be, p + CH_SIZE);
	h->used = cckd_ld32(be, p + CH_USED);
	h->free = cckd_ld32(be, p + CH_FREE);
	h->free_total = cckd_ld32(be, p + CH_FREE_TOTAL);
	h->free_largest = cckd_ld32(be, p + CH_FREE_LARGEST);
	h->free_number = (int32_t)cckd_ld32(be, p + CH_FREE_NUMBER);
	h->free_imbed = cckd_ld32(be, p + CH_FREE_IMBED);
	h->cyls = ld_le32(p + CH_CYLS);
	h->nullfmt = p[CH_NULLFMT];
	h->compress = p[CH_COMPRESS];
	h->compress_parm = (int16_t)cckd_ld16(be, p + CH_COMPRESS_PARM);
}

void cckd_header_store(uint8_t p[CCKD_HDR_SIZE], const struct cckd_header *h)
{
	bool be = cckd_big_endian(h);

	memset(p, 0, CCKD_HDR_SIZE);
	memcpy(p + CH_VRM, h->vrm, 3);
	p[CH_OPTIONS] = h->options;
	cckd_st32(be, p + CH_NUML1, (uint32_t)h->numl1tab);
	cckd_st32(be, p + CH_NUML2, (uint32_t)h->numl2tab);
	cckd_st32(be, p + CH_SIZE, h->size);
	cckd_st32(be, p + CH_USED, h->used);
	cckd_st32(be, p + CH_FREE, h->free);
	cckd_st32(be, p + CH_FREE_TOTAL, h->free_total);
	cckd_st32(be, p + CH_FREE_LARGEST, h->free_largest);
	cckd_st32(be, p + CH_FREE_NUMBER, (uint32_t)h->free_number);
	cckd_st32(be, p + CH_FREE_IMBED, h->free_imbed);
	st_le32(p + CH_CYLS, h->cyls);
	p[CH_NULLFMT] = h->nullfmt;
	p[CH_COMPRESS] = h->compress;
	cckd_st16(be, p + CH_COMPRESS_PARM, (uint16_t)h->compress_parm);
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
