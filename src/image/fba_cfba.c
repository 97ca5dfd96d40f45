/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CFBA volumes (see fba_cfba.h): creating one, opening one as a
 * ckd_image of block groups, and blocks in and out of its groups.
 */
#include "image/fba_cfba.h"

#include <errno.h>
#include <string.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_header.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_newfile.h"
#include "image/ckd_unit.h"
#include "image/fba_image.h"

/* Hercules dasdtab: the FBA types whose low byte a header may carry. */
uint16_t fba_cfba_devtype(uint8_t byte)
{
	switch (byte) {
	case 0x36:
		return 0x9336;
	case 0x70:
		return 0x3370;
	default:
		return 0;
	}
}

static uint32_t groups_of(uint64_t blocks)
{
	return (uint32_t)((blocks + FBA_GROUP_BLOCKS - 1) / FBA_GROUP_BLOCKS);
}

int fba_cfba_create(const char *path, uint64_t blocks, uint16_t devtype,
		    bool overwrite, struct error *err)
{
	/* Hyperion's fields (Hercules 3.13 leaves all but devid zero). */
	struct ckd_devhdr dh = {
		.devid = "FBA_C370",
		.heads = (uint32_t)blocks,
		.trksize = FBA_BLOCK_SIZE,
		.devtype = (uint8_t)devtype,
	};
	struct ckd_newfile f;
	int ret;

	ret = ckd_newfile_begin(&f, path, overwrite, err);
	if (ret < 0)
		return ret;
	ret = ckd_newfile_cckd(&f, &dh, &cckd_format_cfba, groups_of(blocks),
			       (uint32_t)blocks, 0 /* Hercules' dasdinit's */);
	if (ret < 0) {
		error_setf(err, -ret, "%s: cannot write the volume: %s", path,
			   strerror(-ret));
		ckd_newfile_abandon(&f);
		return ret;
	}
	return ckd_newfile_publish(&f);
}

/* Every group stored raw, every L2 table. */
uint64_t fba_image_cfba_capacity(uint64_t blocks)
{
	uint64_t nl1 = (groups_of(blocks) + CCKD_L2_ENTRIES - 1) /
		       CCKD_L2_ENTRIES;
	uint64_t tables = CCKD_L1_POS +
			  nl1 * (4 + cckd_l2tab_size(&cckd_format_cfba));
	uint64_t fit = (cckd_format_cfba.limit - tables) / FBA_GROUP_IMAGE *
		       FBA_GROUP_BLOCKS;

	return fit < blocks ? fit : blocks;
}

struct ckd_image *fba_cfba_open(const char *path, bool readonly,
				uint64_t *blocks, struct error *err)
{
	struct ckd_image *img;
	uint64_t fit;

	img = ckd_image_open_unit(path, readonly ? CKD_OPEN_RDONLY : 0,
				  &fba_unit_group, err);
	if (!img)
		return NULL;
	*blocks = cckd_hdr_cyls(img);
	fit = fba_image_cfba_capacity(*blocks);
	if (!readonly && fit < *blocks)
		log_msg(LOG_WARNING, "%s: a CFBA file holds at most 4 GiB: "
			"about %llu of this volume's %llu blocks of data that "
			"does not compress; guest writes beyond that fail",
			path, (unsigned long long)fit,
			(unsigned long long)*blocks);
	return img;
}

/* Group g into grp; a read error of the image is the volume's -EIO. */
static int read_group(struct ckd_image *img, uint32_t g, uint8_t *grp)
{
	size_t len;
	int ret = ckd_image_read_track(img, g, grp, FBA_GROUP_IMAGE, &len);

	return ret == -EUCLEAN || ret == -EINVAL ? -EIO : ret;
}

int fba_cfba_read(struct ckd_image *img, uint8_t *grp, uint64_t blk,
		  uint32_t count, uint8_t *buf)
{
	while (count) {
		uint32_t g = (uint32_t)(blk / FBA_GROUP_BLOCKS);
		uint32_t off = (uint32_t)(blk % FBA_GROUP_BLOCKS);
		uint32_t n = FBA_GROUP_BLOCKS - off < count ?
			     FBA_GROUP_BLOCKS - off : count;
		int ret = read_group(img, g, grp);

		if (ret < 0)
			return ret;
		memcpy(buf, grp + FBA_GROUP_HDR + (size_t)off * FBA_BLOCK_SIZE,
		       (size_t)n * FBA_BLOCK_SIZE);
		buf += (size_t)n * FBA_BLOCK_SIZE;
		blk += n;
		count -= n;
	}
	return 0;
}

int fba_cfba_write(struct ckd_image *img, uint8_t *grp, uint64_t blk,
		   uint32_t count, const uint8_t *buf)
{
	while (count) {
		uint32_t g = (uint32_t)(blk / FBA_GROUP_BLOCKS);
		uint32_t off = (uint32_t)(blk % FBA_GROUP_BLOCKS);
		uint32_t n = FBA_GROUP_BLOCKS - off < count ?
			     FBA_GROUP_BLOCKS - off : count;
		int ret = 0;

		if (n < FBA_GROUP_BLOCKS) {
			ret = read_group(img, g, grp);
		} else {
			grp[0] = 0;
			st_be32(grp + 1, g);
		}
		if (ret < 0)
			return ret;
		memcpy(grp + FBA_GROUP_HDR + (size_t)off * FBA_BLOCK_SIZE, buf,
		       (size_t)n * FBA_BLOCK_SIZE);
		ret = ckd_image_write_track(img, g, grp, FBA_GROUP_IMAGE);
		if (ret < 0)
			return ret == -EINVAL ? -EIO : ret;
		buf += (size_t)n * FBA_BLOCK_SIZE;
		blk += n;
		count -= n;
	}
	return 0;
}
