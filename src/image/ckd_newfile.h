/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A new image file, built under a temporary name next to its final path
 * and put in place only when complete (ccwpass dasdinit and convert;
 * docs/image-format.md "Creating a volume"), and the empty image of a
 * format that the backends then fill. Not for use outside src/image.
 */
#ifndef CCWPASS_IMAGE_CKD_NEWFILE_H
#define CCWPASS_IMAGE_CKD_NEWFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "image/ckd_image.h"

struct ckd_newfile {
	const char *path;           /* where it goes */
	char tmp[4096];             /* ".NAME.XXXXXXXX.tmp" in its directory */
	int fd;                     /* open read-write on tmp, or -1 */
	bool overwrite;             /* may replace an existing path */
	struct error *err;
};

/*
 * Refuse an existing path unless overwrite (EEXIST), then create the
 * temporary file (mode 0600). Returns: 0, or negative errno with err
 * naming the path.
 */
int ckd_newfile_begin(struct ckd_newfile *f, const char *path,
		      bool overwrite, struct error *err);

/*
 * Write the empty image of format into f->fd: plain, the device header
 * and zero-filled (sparse) slots that a backend must then write; CCKD or
 * CCKD64, the headers (null format nullfmt, zlib) and an all-zero L1
 * table, so that every track reads as that null track. Returns: 0 or
 * negative errno.
 */
int ckd_newfile_skeleton(struct ckd_newfile *f,
			 const struct ckd_geometry *geo,
			 enum ckd_image_format format,
			 enum ckd_null_format nullfmt);

/*
 * The empty compressed image of any unit (ckd_unit.h) into f->fd: device
 * header dh, fmt's compressed header (cyls field hdr_cyls, Hercules null
 * format nullfmt, zlib) and an all-zero L1 table for units units.
 * Returns: 0 or negative errno.
 */
struct ckd_devhdr;
struct cckd_format;
int ckd_newfile_cckd(struct ckd_newfile *f, const struct ckd_devhdr *dh,
		     const struct cckd_format *fmt, uint32_t units,
		     uint32_t hdr_cyls, unsigned int nullfmt);

/*
 * fsync and close the file, rename it into place (never over an existing
 * path unless overwrite), fsync the directory. Returns: 0, or negative
 * errno with err set; the temporary file is then removed.
 */
int ckd_newfile_publish(struct ckd_newfile *f);

/* Close and remove the temporary file (after a failure). */
void ckd_newfile_abandon(struct ckd_newfile *f);

#endif
