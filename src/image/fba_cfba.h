/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hercules compressed FBA ("CFBA", devid "FBA_C370"; docs/image-format.md
 * "Compressed FBA (CFBA)"): the CCKD container of ckd_cckd*.c whose
 * units are block groups of FBA_GROUP_BLOCKS blocks (Hercules cckd.h
 * CFBA_BLKS_PER_GRP, FBA_BKGHDR; fbadasd.c, cckddasd.c cfba_read_block):
 *
 *   block group image  5 + 61440 bytes: byte 0 the compression method
 *                      (stored image; 0 once read), bytes 1-4 the group
 *                      number, big-endian, then blocks 120 g .. 120 g + 119
 *   null group         all zeros (an L2 entry with pos 0, or no L2 table)
 *   device header      devid "FBA_C370"; Hercules 3.13 leaves the rest 0,
 *                      Hyperion stores heads = block count, trksize = 512
 *                      and the device type's low byte
 *   compressed header  CCKD's, with cyls (LE32) = the block count
 *
 * Block group g of the volume is "track" g of a ckd_image whose unit is
 * fba_unit_group (ckd_unit.h); fba_image.c turns block reads and writes
 * into block group reads and writes. Not for use outside src/image.
 */
#ifndef CCWPASS_IMAGE_FBA_CFBA_H
#define CCWPASS_IMAGE_FBA_CFBA_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "image/ckd_image.h"

#define FBA_GROUP_BLOCKS    120u
#define FBA_GROUP_DATA      (FBA_GROUP_BLOCKS * 512u)     /* 61440 */
#define FBA_GROUP_HDR       5u
#define FBA_GROUP_IMAGE     (FBA_GROUP_HDR + FBA_GROUP_DATA)

/* The device type in a CFBA device header's devtype byte (0: unknown). */
uint16_t fba_cfba_devtype(uint8_t byte);

/*
 * A new CFBA volume of blocks blocks (1 to FBA_MAX_BLOCKS: the caller,
 * fba_image_create_format, checked) at path: headers and an all-zero L1
 * table (every group null). devtype (0x9336, 0x3370) goes into the
 * device header. Returns: 0, or negative errno with err naming the path.
 */
int fba_cfba_create(const char *path, uint64_t blocks, uint16_t devtype,
		    bool overwrite, struct error *err);

/* Open a CFBA file; *blocks = its block count. Returns: the image (its
   tracks are the block groups), or NULL with err. */
struct ckd_image *fba_cfba_open(const char *path, bool readonly,
				uint64_t *blocks, struct error *err);

/*
 * Blocks blk .. blk + count - 1 (in range) of the volume from / into
 * img, a block group at a time through grp (FBA_GROUP_IMAGE bytes); the
 * caller serializes the calls that share grp. A write reads, changes
 * and writes back the groups it touches partly. Returns: 0, -EIO,
 * -EUCLEAN (a damaged group, logged), -ENOSPC, -EROFS, -ENOMEM.
 */
int fba_cfba_read(struct ckd_image *img, uint8_t *grp, uint64_t blk,
		  uint32_t count, uint8_t *buf);
int fba_cfba_write(struct ckd_image *img, uint8_t *grp, uint64_t blk,
		   uint32_t count, const uint8_t *buf);

#endif
