/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FBA volumes in Hercules' formats (docs/image-format.md "FBA volumes"):
 *  - plain FBA: the file is the volume's 512-byte blocks one after the
 *    other, block 0 at offset 0, with no header (Hercules takes the block
 *    count from the file's size). Made sparse: blocks never written take
 *    no disk.
 *  - compressed FBA (CFBA, devid "FBA_C370"): Hercules' CCKD container
 *    holding block groups of 120 blocks, zlib-compressed, null groups
 *    free (fba_cfba.h); written crash-consistently by the CCKD backend.
 * Locking and durability as for CKD images (ckd_lock.h, ckd_image.h).
 */
#ifndef CCWPASS_IMAGE_FBA_IMAGE_H
#define CCWPASS_IMAGE_FBA_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

#define FBA_BLOCK_SIZE 512u
/* The largest volume: block numbers are 32 bits on the channel. */
#define FBA_MAX_BLOCKS 0xffffffffull

struct fba_image;

enum fba_image_format {
	FBA_IMAGE_PLAIN,  /* Hercules plain FBA: the blocks, no header */
	FBA_IMAGE_CFBA,   /* Hercules compressed FBA, "FBA_C370" */
	FBA_IMAGE_MEM,    /* in memory, not persistent */
};

/*
 * Create a plain volume of `blocks` blocks at path (0600, sparse: every
 * block reads as zeros), in place only when complete; an existing path
 * is refused (EEXIST) unless overwrite. Returns: 0, or negative errno
 * with err naming the path.
 */
int fba_image_create(const char *path, uint64_t blocks, bool overwrite,
		     struct error *err);

/*
 * The same in format fmt (PLAIN or CFBA: a few KB, every block group
 * null). devtype (0x9336, 0x3370) is recorded in a CFBA device header.
 * Returns: 0, or negative errno with err naming the path.
 */
int fba_image_create_format(const char *path, uint64_t blocks,
			    enum fba_image_format fmt, uint16_t devtype,
			    bool overwrite, struct error *err);

/* How many of `blocks` blocks of data that does not compress a CFBA file
 * can store (its offsets are 32-bit: about 4 GiB). */
uint64_t fba_image_cfba_capacity(uint64_t blocks);

/*
 * Open and lock a volume (exclusive for a writer, shared read-only), its
 * format told by its first bytes (a CFBA header, or none). Refused with
 * a message that names the file: a plain file whose size is not a
 * positive multiple of 512 bytes, a CKD image or an FBA shadow file (its
 * header says so), a damaged CFBA header or table. Returns: the image,
 * or NULL with err.
 */
struct fba_image *fba_image_open(const char *path, bool readonly,
				 struct error *err);
/* A volume in memory, all zeros (tests, fuzzing): no file, no lock.
 * Returns: the image, or NULL with err. */
struct fba_image *fba_image_new_mem(uint64_t blocks, bool readonly,
				    struct error *err);

/* Flushes what was written (fba_image_flush), unlocks, closes. */
void fba_image_close(struct fba_image *img);

uint64_t fba_image_blocks(const struct fba_image *img);
enum fba_image_format fba_image_format(const struct fba_image *img);
bool fba_image_readonly(const struct fba_image *img);
const char *fba_image_path(const struct fba_image *img);

/*
 * count blocks from block blk into buf / from buf. Any thread, at once
 * (a CFBA volume serializes them). Returns: 0; -ERANGE past the end;
 * -EROFS (write, read-only); -EIO (also a damaged CFBA block group,
 * logged), -ENOSPC, ... from the file.
 */
int fba_image_read(struct fba_image *img, uint64_t blk, uint32_t count,
		   void *buf);
int fba_image_write(struct fba_image *img, uint64_t blk, uint32_t count,
		    const void *buf);

/* What was written is on stable storage when this returns 0 (one
 * fdatasync if anything was written since the last; CFBA: a commit and
 * its flush, ckd_image_sync()). -EIO, ... */
int fba_image_flush(struct fba_image *img);

/* For listings: bytes the file takes on the host's disk. */
uint64_t fba_image_allocated(const struct fba_image *img);

#endif
