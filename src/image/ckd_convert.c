/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Converting a volume image to another format (ccwpass convert;
 * docs/image-format.md "Converting"): every track of the source is read
 * through its backend and written through the target's, into a new file
 * (ckd_newfile.h) whose CCKD header names the source's null track format,
 * so that the tracks a CCKD source never stored stay absent: those are
 * not copied at all (an empty 3390-54 has 982800 of them). The closed
 * target is read back and compared with the source before it is renamed
 * into place; tracks both files leave unwritten are compared by reading
 * one in 256 (they are the same null track by construction).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/ckd_image_impl.h"
#include "image/ckd_newfile.h"
#include "image/ckd_track.h"

struct convert {
	const char *in, *out;
	const struct ckd_convert_options *opt;
	struct ckd_convert_result *res;
	struct ckd_image *src;
	struct ckd_newfile nf;
	uint8_t *a, *b;                   /* two track buffers */
	bool skip_unwritten;              /* the target's absent tracks read as
					     the source's */
	uint64_t done, total;
	struct error *err;
};

static const char *format_name(enum ckd_image_format f)
{
	switch (f) {
	case CKD_IMAGE_PLAIN:
		return "plain CKD";
	case CKD_IMAGE_CCKD:
		return "CCKD";
	case CKD_IMAGE_CCKD64:
		return "CCKD64";
	case CKD_IMAGE_MEM:
		break;
	}
	return "memory";
}

static void step(struct convert *c)
{
	c->done++;
	if (c->opt->progress)
		c->opt->progress(c->done, c->total, c->opt->opaque);
}

/* out may not be in (same file), however named. */
static int check_paths(struct convert *c)
{
	struct stat si, so;

	if (c->opt->format != CKD_IMAGE_PLAIN &&
	    c->opt->format != CKD_IMAGE_CCKD &&
	    c->opt->format != CKD_IMAGE_CCKD64)
		return error_setf(c->err, EINVAL, "%s: only plain CKD, CCKD "
				  "and CCKD64 files can be made", c->out);
	if (stat(c->in, &si) == 0 && stat(c->out, &so) == 0 &&
	    si.st_dev == so.st_dev && si.st_ino == so.st_ino)
		return error_setf(c->err, EINVAL, "%s: is the input file %s; "
				  "convert into a new file, then rename it",
				  c->out, c->in);
	return 0;
}

/*
 * The null format a plain source's unwritten tracks most likely have:
 * the commonest among up to 64 tracks spread over the volume (HA + R0 if
 * none is a null track). It only decides which L2 tables a CCKD target
 * needs; every track is copied either way.
 */
static enum ckd_null_format sample_nullfmt(struct convert *c)
{
	uint32_t trks = ckd_image_tracks(c->src), step = trks / 64 + 1;
	const struct ckd_geometry *g = ckd_image_geometry(c->src);
	unsigned int n[3] = { 0 };
	enum ckd_null_format best = CKD_NULL_R0;
	size_t len;

	for (uint32_t t = 0; t < trks; t += step) {
		int f;

		if (ckd_image_read_track(c->src, t, c->a, CKD_MAX_TRACK_SIZE,
					 &len) < 0)
			continue;
		f = ckd_track_null_match(c->a, len, (uint16_t)(t / g->heads),
					 (uint16_t)(t % g->heads));
		if (f >= 0 && f < 3)
			n[f]++;
	}
	for (int f = 0; f < 3; f++)
		if (n[f] > n[best])
			best = (enum ckd_null_format)f;
	return best;
}

static int read_failed(struct convert *c, const char *path, uint32_t t,
		       int rc)
{
	return error_setf(c->err, -rc, "%s: track %u cannot be read: %s",
			  path, t, rc == -EUCLEAN ? "the stored track is "
			  "damaged (see the log)" : strerror(-rc));
}

/*
 * The target refused a track: its format's limit or a full disk? At the
 * CCKD limit the file ends within a track image and the room kept for the
 * L2 tables (2 KB each, 8 MB for a 3390-54) of 4 GiB.
 */
static int write_failed(struct convert *c, uint32_t t, int rc)
{
	struct stat st;

	if (rc == -ENOSPC && c->opt->format == CKD_IMAGE_CCKD &&
	    fstat(c->nf.fd, &st) == 0 &&
	    (uint64_t)st.st_size + (16u << 20) > 0xffffffffull)
		return error_setf(c->err, ENOSPC, "%s: track %u: the volume's "
				  "tracks do not fit in a CCKD file (at most "
				  "4 GiB); use --format cckd64", c->out, t);
	return error_setf(c->err, -rc, "%s: cannot write track %u: %s",
			  c->out, t, strerror(-rc));
}

static int copy_tracks(struct convert *c)
{
	const struct ckd_geometry *g = ckd_image_geometry(c->src);
	struct ckd_image *dst;
	int rc = 0;

	dst = ckd_image_open(c->nf.tmp, CKD_OPEN_QUIET, c->err);
	if (!dst)
		return -c->err->errnum;
	for (uint32_t t = 0; rc == 0 && t < ckd_image_tracks(c->src); t++) {
		size_t len;

		if (c->skip_unwritten && ckd_image_unwritten(c->src, t)) {
			c->res->null_tracks++;
			step(c);
			continue;
		}
		rc = ckd_image_read_track(c->src, t, c->a, CKD_MAX_TRACK_SIZE,
					  &len);
		if (rc < 0) {
			rc = read_failed(c, c->in, t, rc);
			break;
		}
		c->res->null_tracks += ckd_track_null_match(
			c->a, len, (uint16_t)(t / g->heads),
			(uint16_t)(t % g->heads)) >= 0;
		rc = ckd_image_write_track(dst, t, c->a, len);
		if (rc < 0)
			rc = write_failed(c, t, rc);
		step(c);
	}
	if (ckd_image_close(dst) < 0 && rc == 0)
		rc = error_setf(c->err, EIO, "%s: cannot complete the file "
				"(see the log)", c->out);
	return rc;
}

/* The closed copy, opened afresh, reads exactly as the source. */
static int verify(struct convert *c)
{
	struct ckd_image *dst = ckd_image_open(c->nf.tmp, CKD_OPEN_RDONLY,
					       c->err);
	int rc = 0;

	if (!dst)
		return -c->err->errnum;
	for (uint32_t t = 0; rc == 0 && t < ckd_image_tracks(c->src); t++) {
		size_t la, lb;

		if (t % 256 && dst->nullfmt == c->src->nullfmt &&
		    ckd_image_unwritten(c->src, t) &&
		    ckd_image_unwritten(dst, t)) {
			step(c);
			continue;
		}
		rc = ckd_image_read_track(c->src, t, c->a, CKD_MAX_TRACK_SIZE,
					  &la);
		if (rc < 0) {
			rc = read_failed(c, c->in, t, rc);
			break;
		}
		rc = ckd_image_read_track(dst, t, c->b, CKD_MAX_TRACK_SIZE,
					  &lb);
		if (rc < 0) {
			rc = read_failed(c, c->out, t, rc);
			break;
		}
		if (la != lb || memcmp(c->a, c->b, la))
			rc = error_setf(c->err, EIO, "%s: track %u reads back "
					"differently from %s", c->out, t,
					c->in);
		step(c);
	}
	ckd_image_close(dst);
	return rc;
}

static int convert(struct convert *c)
{
	const struct ckd_geometry *g = ckd_image_geometry(c->src);
	int nullfmt = c->src->nullfmt;
	int rc;

	c->res->from = ckd_image_format(c->src);
	c->res->geo = *g;
	c->res->tracks = ckd_image_tracks(c->src);
	c->total = 2 * c->res->tracks;
	c->a = malloc(CKD_MAX_TRACK_SIZE);
	c->b = malloc(CKD_MAX_TRACK_SIZE);
	if (!c->a || !c->b)
		return error_setf(c->err, ENOMEM, "out of memory");
	c->skip_unwritten = nullfmt >= 0 &&
			    c->opt->format != CKD_IMAGE_PLAIN;
	if (nullfmt < 0)
		nullfmt = (int)sample_nullfmt(c);
	rc = ckd_newfile_begin(&c->nf, c->out, c->opt->overwrite, c->err);
	if (rc < 0)
		return rc;
	rc = ckd_newfile_skeleton(&c->nf, g, c->opt->format,
				  (enum ckd_null_format)nullfmt);
	if (rc < 0)
		rc = error_setf(c->err, -rc, "%s: cannot write the %s headers: "
				"%s", c->out, format_name(c->opt->format),
				strerror(-rc));
	if (rc == 0)
		rc = copy_tracks(c);
	if (rc == 0)
		rc = verify(c);
	if (rc < 0) {
		ckd_newfile_abandon(&c->nf);
		return rc;
	}
	return ckd_newfile_publish(&c->nf);
}

int ckd_image_convert(const char *in, const char *out,
		      const struct ckd_convert_options *opt,
		      struct ckd_convert_result *res, struct error *err)
{
	struct error local;
	struct ckd_convert_result r = { 0 };
	struct convert c = { .in = in, .out = out, .opt = opt,
			     .res = res ? res : &r, .err = err ? err : &local };
	int rc;

	*c.res = (struct ckd_convert_result){ 0 };
	c.err->errnum = 0;
	rc = check_paths(&c);
	if (rc < 0)
		return rc;
	c.src = ckd_image_open(in, CKD_OPEN_RDONLY, c.err);
	if (!c.src)
		return -c.err->errnum;
	rc = convert(&c);
	ckd_image_close(c.src);
	free(c.a);
	free(c.b);
	return rc;
}
