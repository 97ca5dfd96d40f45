/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Creating volumes (ccwpass dasdinit; docs/image-format.md "Creating a
 * volume"): a blank volume (every track HA + R0) or a Linux CDL volume
 * (ckd_cdl.h), as a plain CKD file (every slot written) or as a CCKD or
 * CCKD64 file whose absent L2 tables make every track but 0 and 1 a null
 * track. The file is built under a temporary name in the same directory,
 * synced, then renamed into place and the directory synced
 * (ckd_newfile.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/ckd_cdl.h"
#include "image/ckd_header.h"
#include "image/ckd_image.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"
#include "image/ckd_newfile.h"
#include "image/ckd_track.h"

#define CREATE_MAX_CYLS 65520   /* 3390-54; more needs EAV (format 8/9) */
/* Track images up to this length are written alone (the rest is a hole). */
#define PLAIN_SPARSE_MAX 512

struct create {
	const char *path;
	const struct ckd_geometry *geo;
	const struct ckd_init_options *opt;
	struct ckd_newfile nf;
	struct error *err;
};

static void progress(const struct create *c, uint64_t done)
{
	if (c->opt->progress)
		c->opt->progress(done, (uint64_t)c->geo->cyls * c->geo->heads,
				 c->opt->opaque);
}

static int check_options(const struct create *c)
{
	const struct ckd_geometry *g = c->geo;
	const struct ckd_init_options *o = c->opt;

	if (o->format != CKD_IMAGE_PLAIN && o->format != CKD_IMAGE_CCKD &&
	    o->format != CKD_IMAGE_CCKD64)
		return error_setf(c->err, EINVAL, "%s: only plain CKD, CCKD "
				  "and CCKD64 files can be created", c->path);
	if (!ckd_devtype_byte(g) || (o->layout == CKD_INIT_CDL &&
				     g->devtype != 0x3390))
		return error_setf(c->err, EINVAL, "%s: unsupported geometry: "
				  "device %04x, %u heads, %u-byte tracks",
				  c->path, g->devtype, g->heads, g->trksize);
	if (g->cyls < 1 || g->cyls > CREATE_MAX_CYLS)
		return error_setf(c->err, EINVAL, "%s: %u cylinders (1-%u)",
				  c->path, g->cyls, CREATE_MAX_CYLS);
	if (o->layout != CKD_INIT_BLANK && o->layout != CKD_INIT_CDL)
		return error_setf(c->err, EINVAL, "%s: unknown layout", c->path);
	if (o->layout == CKD_INIT_CDL && !ckd_volser_valid(o->volser))
		return error_setf(c->err, EINVAL, "%s: volume serial \"%s\": "
				  "1-6 characters of A-Z 0-9 @ # $", c->path,
				  o->volser);
	return 0;
}

static size_t build_track(const struct create *c, uint32_t trk, uint8_t *buf,
			  const struct ckd_cdl_volume *v)
{
	const struct ckd_geometry *g = c->geo;
	uint16_t cyl = (uint16_t)(trk / g->heads);
	uint16_t head = (uint16_t)(trk % g->heads);

	if (c->opt->layout == CKD_INIT_BLANK)
		return ckd_track_null(buf, g->trksize, cyl, head, CKD_NULL_R0);
	if (trk == 0)
		return ckd_cdl_track0(buf, g->trksize, v);
	if (trk == 1)
		return ckd_cdl_track1(buf, g->trksize, v);
	return ckd_track_null(buf, g->trksize, cyl, head, CKD_NULL_LINUX);
}

/*
 * Plain: the file is first extended to its full size (sparse), then written
 * a cylinder at a time; a cylinder of short tracks (blank) writes only the
 * track images and leaves the zero tails of the slots as holes.
 */
static int create_plain(struct create *c, const struct ckd_cdl_volume *v)
{
	const struct ckd_geometry *g = c->geo;
	size_t cylsize = (size_t)g->heads * g->trksize;
	uint8_t *cylbuf = calloc(1, cylsize);
	size_t *lens = calloc(g->heads, sizeof(*lens));
	int rc;

	rc = cylbuf && lens ? ckd_newfile_skeleton(&c->nf, g, CKD_IMAGE_PLAIN,
						   CKD_NULL_R0) : -ENOMEM;
	for (uint32_t cyl = 0; rc == 0 && cyl < g->cyls; cyl++) {
		uint64_t at = CKD_DEVHDR_SIZE + (uint64_t)cyl * cylsize;
		bool whole = false;

		memset(cylbuf, 0, cylsize);
		for (uint32_t h = 0; h < g->heads; h++) {
			lens[h] = build_track(c, cyl * g->heads + h,
					      cylbuf + (size_t)h * g->trksize, v);
			whole |= lens[h] > PLAIN_SPARSE_MAX;
		}
		if (whole)
			rc = ckd_pwrite_full(c->nf.fd, cylbuf, cylsize, at);
		for (uint32_t h = 0; !whole && rc == 0 && h < g->heads; h++)
			rc = ckd_pwrite_full(c->nf.fd,
					     cylbuf + (size_t)h * g->trksize,
					     lens[h],
					     at + (uint64_t)h * g->trksize);
		progress(c, (uint64_t)(cyl + 1) * g->heads);
	}
	free(lens);
	free(cylbuf);
	return rc;
}

/*
 * CCKD and CCKD64: headers and an all-zero L1 table (every track a null
 * track of the header's format), then tracks 0 and 1 of a CDL volume
 * written through the CCKD backend, whose close writes the header
 * statistics.
 */
static int create_cckd(struct create *c, const struct ckd_cdl_volume *v)
{
	const struct ckd_geometry *g = c->geo;
	bool cdl = c->opt->layout == CKD_INIT_CDL;
	uint8_t *buf = NULL;
	struct ckd_image *img;
	int rc;

	rc = ckd_newfile_skeleton(&c->nf, g, c->opt->format,
				  cdl ? CKD_NULL_LINUX : CKD_NULL_R0);
	if (rc == 0)
		rc = ckd_datasync(c->nf.fd);
	if (rc < 0 || !cdl)
		return rc;
	img = ckd_image_open(c->nf.tmp, CKD_OPEN_QUIET, c->err);
	if (!img)
		return -c->err->errnum;
	buf = malloc(g->trksize);
	rc = buf ? 0 : -ENOMEM;
	for (uint32_t t = 0; rc == 0 && t < 2; t++)
		rc = ckd_image_write_track(img, t, buf,
					   build_track(c, t, buf, v));
	if (rc == 0)
		rc = ckd_image_sync(img);
	free(buf);
	ckd_image_close(img);
	return rc;
}

int ckd_image_create(const char *path, const struct ckd_geometry *geo,
		     const struct ckd_init_options *opt, struct error *err)
{
	struct error local;
	struct create c = { .path = path, .geo = geo, .opt = opt,
			    .err = err ? err : &local };
	struct ckd_cdl_volume v = { .cyls = geo->cyls, .heads = geo->heads };
	int rc;

	err = c.err;
	err->errnum = 0;

	rc = check_options(&c);
	if (rc < 0)
		return rc;
	snprintf(v.volser, sizeof(v.volser), "%s", opt->volser);
	v.created = time(NULL);
	rc = ckd_newfile_begin(&c.nf, path, opt->overwrite, err);
	if (rc < 0)
		return rc;
	progress(&c, 0);
	rc = opt->format == CKD_IMAGE_PLAIN ? create_plain(&c, &v) :
					      create_cckd(&c, &v);
	if (rc < 0) {
		ckd_newfile_abandon(&c.nf);
		if (!err->errnum)
			return error_setf(err, -rc, "%s: cannot write the "
					  "volume: %s", path, strerror(-rc));
		return rc;
	}
	rc = ckd_newfile_publish(&c.nf);
	if (rc < 0)
		return rc;
	progress(&c, (uint64_t)geo->cyls * geo->heads);
	return 0;
}
