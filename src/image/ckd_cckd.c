/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hercules compressed CKD images, "CKD_C370" (CCKD) and Hyperion's
 * "CKD_C064" (CCKD64): opening, validation and reading
 * (docs/image-format.md "CCKD", "CCKD64"; Hercules cckddasd.c, cckdutil.c
 * cckd_chkdsk; Hyperion cckd64.h, cckddasd64.c). Layout: device header
 * (0), compressed header (512), L1 table (1024, numl1tab offsets of L2
 * tables), then L2 tables (256 x {pos, len16, size16}), track images and
 * free space in any order. Offsets are 32-bit in CCKD, 64-bit in CCKD64
 * (struct cckd_format). Track t is entry t % 256 of the L2 table at
 * L1[t / 256]; an L1 entry of 0 means "every track of this group is a null
 * track of the header's format"; an L2 entry with pos 0 is a null track of
 * format len. A file left open by ccwpass may have a journal
 * (ckd_cckd_journal.c) whose records after the checkpoint name newer L2
 * tables: they are applied to the L1 table before the tables are read
 * (in memory for a read-only open; a read-write open writes the result in
 * place and drops the journal).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_compress.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"

_Static_assert(CCKD_IO_SIZE >= CKD_MAX_TRACK_SIZE, "stored images fit");

/* An entry: pos (off_size bytes), len16, size16, CCKD64: pad32 (zero). */
void cckd_l2_decode(const struct cckd_image *c, struct cckd_l2ent *t,
		    const uint8_t *raw)
{
	unsigned int w = c->fmt->off_size;

	for (unsigned int i = 0; i < CCKD_L2_ENTRIES; i++) {
		const uint8_t *p = raw + i * c->fmt->l2ent_size;

		t[i].pos = cckd_ld_off(c->be, p, w);
		t[i].len = cckd_ld16(c->be, p + w);
		t[i].size = cckd_ld16(c->be, p + w + 2);
		t[i].crc = 0;
	}
}

void cckd_l2_encode(const struct cckd_image *c, uint8_t *raw,
		    const struct cckd_l2ent *t)
{
	unsigned int w = c->fmt->off_size;

	memset(raw, 0, cckd_l2tab_size(c->fmt));
	for (unsigned int i = 0; i < CCKD_L2_ENTRIES; i++) {
		uint8_t *p = raw + i * c->fmt->l2ent_size;

		cckd_st_off(c->be, p, w, t[i].pos);
		cckd_st16(c->be, p + w, t[i].len);
		cckd_st16(c->be, p + w + 2, t[i].size);
	}
}

struct cckd_l2ent cckd_entry(const struct cckd_image *c, uint32_t trk)
{
	const struct cckd_l2ent *t = c->l2[trk / CCKD_L2_ENTRIES];

	if (t)
		return t[trk % CCKD_L2_ENTRIES];
	return (struct cckd_l2ent){ 0, c->hdr.nullfmt, c->hdr.nullfmt, 0 };
}

unsigned int cckd_entry_nullfmt(const struct cckd_image *c,
				const struct cckd_l2ent *e)
{
	/* As Hercules: a bad format means the header's; in a Linux image
	   (header format 2) an entry of format 0 also reads as format 2. */
	if (e->len > CCKD_NULLFMT_LINUX)
		return c->hdr.nullfmt;
	if (e->len == CCKD_NULLFMT_R1EOF && c->hdr.nullfmt == CCKD_NULLFMT_LINUX)
		return CCKD_NULLFMT_LINUX;
	return e->len;
}

bool cckd_entry_is_default(const struct cckd_image *c,
			   const struct cckd_l2ent *e)
{
	return e->pos == 0 && cckd_entry_nullfmt(c, e) == c->hdr.nullfmt;
}

static int cckd_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			   size_t bufsize, size_t *len)
{
	struct cckd_image *c = img->priv;
	struct cckd_l2ent e;
	struct ckd_track_fault f = { .offset = 0 };
	const char *why;
	uint8_t *in;
	int rc;

again:
	e = cckd_entry(c, trk);
	if (e.pos == 0) {
		*len = img->unit->null(&img->geo, trk,
				       cckd_entry_nullfmt(c, &e), buf);
		return *len ? 0 : -EIO;
	}
	/* Straight into buf: a track stored uncompressed (data that did not
	   compress, such as random bytes) then needs no copy; a compressed
	   one is moved aside and inflated back into buf. */
	in = e.len <= bufsize ? buf : c->io;
	rc = cckd_read_image(img, c, trk, in, e.len, e.pos);
	if (rc == -EAGAIN)
		goto again;     /* a write went on while the disk was read */
	if (rc == -ENODATA) {
		log_msg(LOG_ERR, "%s: %s %u: stored image at 0x%jx (%u "
			"bytes) runs past the end of the file", img->path,
			img->unit->name, trk, (uintmax_t)e.pos, e.len);
		return -EUCLEAN;
	}
	if (rc < 0) {
		log_msg(LOG_ERR, "%s: %s %u: read error at 0x%jx",
			img->path, img->unit->name, trk, (uintmax_t)e.pos);
		return -EIO;
	}
	if (in == buf && buf[0] != CCKD_COMPRESS_NONE) {
		memcpy(c->io, buf, e.len);
		in = c->io;
	}
	rc = ckd_decompress_track(buf, img->geo.trksize, len, in, e.len, &why);
	if (rc < 0) {
		snprintf(f.what, sizeof(f.what), "%s (compression byte %u)",
			 why, in[0]);
		ckd_log_bad_track(img, trk, "stored image", &f);
	}
	return rc;
}

uint32_t cckd_hdr_cyls(const struct ckd_image *img)
{
	const struct cckd_image *c = img->priv;

	return c->hdr.cyls;
}

static bool cckd_unwritten(struct ckd_image *img, uint32_t trk)
{
	struct cckd_image *c = img->priv;
	struct cckd_l2ent e = cckd_entry(c, trk);

	return cckd_entry_is_default(c, &e);
}

static unsigned int cckd_files(struct ckd_image *img, int *fd,
			       unsigned int max)
{
	struct cckd_image *c = img->priv;

	if (!max)
		return 0;
	fd[0] = c->fd;
	return 1;
}

static const struct ckd_image_ops cckd_ops = {
	.read_track = cckd_read_track,
	.write_track = cckd_write_track,
	.write_tracks = cckd_write_tracks,
	.commit = cckd_commit,
	.flush_prepare = cckd_flush_prepare,
	.flush_done = cckd_flush_done,
	.flush_failed = cckd_flush_failed,
	.flush_urgent = cckd_flush_urgent,
	.close = cckd_close,
	.unwritten = cckd_unwritten,
	.files = cckd_files,
};

/* ---- opening ---- */

struct cckd_extent {
	uint64_t pos;
	uint64_t size;
	uint32_t what;               /* track number, or L2 table | L2_MARK */
};

#define L2_MARK 0x80000000u

struct cckd_open {
	struct ckd_image *img;
	struct cckd_image *c;
	uint64_t fsize;
	uint64_t l1end;
	struct cckd_extent *ext;     /* every L2 table and stored track */
	size_t next;
	size_t cap;
	struct error *err;
	struct cckd_jrn_area jrn;    /* the journal, if live (jrn.pos != 0) */
	int64_t replayed;            /* records of it applied */
};

static int bad(struct cckd_open *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct cckd_open *o, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_setf(o->err, EUCLEAN, "%s: %s (run Hercules' cckdcdsk "
			  "to repair)", o->img->path, msg);
}

static int add_extent(struct cckd_open *o, uint64_t pos, uint64_t size,
		      uint32_t what)
{
	if (o->next == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 1024;
		struct cckd_extent *v = realloc(o->ext, cap * sizeof(*v));

		if (!v)
			return error_setf(o->err, ENOMEM, "%s: out of memory",
					  o->img->path);
		o->ext = v;
		o->cap = cap;
	}
	o->ext[o->next++] = (struct cckd_extent){ pos, size, what };
	return 0;
}

static int check_entry(struct cckd_open *o, uint32_t l1x, uint32_t l2x,
		       const struct cckd_l2ent *e)
{
	uint32_t trk = l1x * CCKD_L2_ENTRIES + l2x;
	const struct ckd_geometry *geo = &o->img->geo;
	const char *unit = o->img->unit->name;

	if (e->pos == 0)
		return 0;
	if (trk >= ckd_image_tracks(o->img))
		return bad(o, "L2[%u][%u]: entry for %s %u beyond the last "
			   "%s %u", l1x, l2x, unit, trk, unit,
			   ckd_image_tracks(o->img) - 1);
	if (e->pos == o->c->fmt->shadow)
		return bad(o, "%s %u: L2[%u][%u] pos 0x%jx (shadow file "
			   "entry in a base image)", unit, trk, l1x, l2x,
			   (uintmax_t)e->pos);
	if (e->len < CKD_HA_SIZE || e->len > e->size || e->len > geo->trksize)
		return bad(o, "%s %u: L2[%u][%u] len %u size %u (%s size %u)",
			   unit, trk, l1x, l2x, e->len, e->size, unit,
			   geo->trksize);
	if (e->pos < o->l1end || e->pos > o->fsize ||
	    e->size > o->fsize - e->pos)
		return bad(o, "%s %u: L2[%u][%u] pos 0x%jx size %u outside "
			   "the data area 0x%jx-0x%jx", unit, trk, l1x, l2x,
			   (uintmax_t)e->pos, e->size, (uintmax_t)o->l1end,
			   (uintmax_t)o->fsize);
	return add_extent(o, e->pos, e->size, trk);
}

static int load_l2(struct cckd_open *o, uint32_t l1x)
{
	struct cckd_image *c = o->c;
	uint64_t pos = c->l1[l1x];
	uint32_t size = cckd_l2tab_size(c->fmt);
	uint8_t raw[CCKD_L2TAB_MAX];
	int rc;

	if (pos == 0)
		return 0;
	if (pos == c->fmt->shadow)
		return bad(o, "L1[%u] = 0x%jx (shadow file entry in a base "
			   "image)", l1x, (uintmax_t)pos);
	if (pos < o->l1end || pos > o->fsize || size > o->fsize - pos)
		return bad(o, "L1[%u] = 0x%jx: L2 table outside the data area "
			   "0x%jx-0x%jx", l1x, (uintmax_t)pos,
			   (uintmax_t)o->l1end, (uintmax_t)o->fsize);
	rc = ckd_pread_full(c->fd, raw, size, pos);
	if (rc < 0)
		return error_setf(o->err, EIO, "%s: cannot read the L2 table "
				  "L1[%u] at 0x%jx", o->img->path, l1x,
				  (uintmax_t)pos);
	c->l2[l1x] = malloc(CCKD_L2_ENTRIES * sizeof(struct cckd_l2ent));
	if (!c->l2[l1x])
		return error_setf(o->err, ENOMEM, "%s: out of memory",
				  o->img->path);
	cckd_l2_decode(c, c->l2[l1x], raw);
	rc = add_extent(o, pos, size, l1x | L2_MARK);
	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < CCKD_L2_ENTRIES; i++) {
		rc = check_entry(o, l1x, i, &c->l2[l1x][i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int cmp_extent(const void *a, const void *b)
{
	const struct cckd_extent *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *extent_name(const struct cckd_open *o,
			       const struct cckd_extent *e, char *buf,
			       size_t size)
{
	if (e->what & L2_MARK)
		snprintf(buf, size, "L2 table L1[%u]", e->what & ~L2_MARK);
	else
		snprintf(buf, size, "%s %u", o->img->unit->name, e->what);
	return buf;
}

/* Nothing the tables reference lies in a live journal. */
static int check_journal_clear(struct cckd_open *o)
{
	uint64_t lo = o->jrn.pos, hi = lo + (uint64_t)o->jrn.slot * o->jrn.nslots;
	char a[40];

	if (!lo)
		return 0;
	for (size_t i = 0; i < o->next; i++) {
		const struct cckd_extent *e = &o->ext[i];

		if (e->pos < hi && e->pos + e->size > lo)
			return bad(o, "%s at 0x%jx (%ju bytes) overlaps the "
				   "ccwpass journal at 0x%jx-0x%jx",
				   extent_name(o, e, a, sizeof(a)),
				   (uintmax_t)e->pos, (uintmax_t)e->size,
				   (uintmax_t)lo, (uintmax_t)hi);
	}
	return 0;
}

/* No two L2 tables or track images may share bytes; the gaps are free. */
static int check_overlaps(struct cckd_open *o)
{
	char a[40], b[40];

	if (o->next > 1)
		qsort(o->ext, o->next, sizeof(*o->ext), cmp_extent);
	for (size_t i = 1; i < o->next; i++) {
		const struct cckd_extent *p = &o->ext[i - 1], *e = &o->ext[i];

		if (p->pos + p->size > e->pos)
			return bad(o, "%s at 0x%jx (%ju bytes) overlaps %s at "
				   "0x%jx", extent_name(o, p, a, sizeof(a)),
				   (uintmax_t)p->pos, (uintmax_t)p->size,
				   extent_name(o, e, b, sizeof(b)),
				   (uintmax_t)e->pos);
	}
	return check_journal_clear(o);
}

static int build_space(struct cckd_open *o)
{
	struct ckd_space *s = &o->c->space;
	uint64_t at = o->l1end;
	int rc;

	ckd_space_init(s, o->l1end, o->l1end, o->c->fmt->limit);
	for (size_t i = 0; i < o->next; i++) {
		s->eof = o->ext[i].pos + o->ext[i].size;
		rc = ckd_space_release(s, at, o->ext[i].pos - at);
		if (rc < 0)
			return error_setf(o->err, ENOMEM, "%s: out of memory",
					  o->img->path);
		at = o->ext[i].pos + o->ext[i].size;
	}
	s->eof = at;
	return 0;
}

static int read_headers(struct cckd_open *o, const struct ckd_devhdr *h,
			const uint8_t *chdr)
{
	struct ckd_image *img = o->img;
	struct cckd_image *c = o->c;
	const char *field;
	struct stat st;

	cckd_header_load(&c->hdr, chdr, c->fmt);
	c->be = cckd_big_endian(&c->hdr);
	/* The journal counts only while the file is marked open. */
	if ((c->hdr.options & CCKD_OPT_OPENED) &&
	    cckd_jrn_area_load(chdr, &o->jrn) < 0) {
		log_msg(LOG_WARNING, "%s: journal ignored: the compressed "
			"header is not as ccwpass wrote it (rewritten by "
			"another program?)", img->path);
		o->jrn.pos = 0;
	}
	if (h->fileseq > 1 || h->highcyl != 0)
		return error_setf(o->err, EINVAL, "%s: header field %s: a "
				  "%s image is a single file", img->path,
				  h->fileseq > 1 ? "fileseq" : "highcyl",
				  c->fmt->name);
	if (img->unit->geometry(h, c->hdr.cyls, &img->geo, &field) < 0)
		return error_setf(o->err, EINVAL, "%s: header field %s: "
				  "devtype 0x%02x heads %u trksize %u cyls %u",
				  img->path, field, h->devtype, h->heads,
				  h->trksize, c->hdr.cyls);
	if (cckd_header_check(&c->hdr, ckd_image_tracks(img), &field) < 0)
		return error_setf(o->err, EINVAL, "%s: %s compressed header "
				  "field %s: vrm %u.%u.%u numl1tab %d numl2tab "
				  "%d nullfmt %u compress %u", img->path,
				  c->fmt->name, field,
				  c->hdr.vrm[0], c->hdr.vrm[1], c->hdr.vrm[2],
				  c->hdr.numl1tab, c->hdr.numl2tab,
				  c->hdr.nullfmt, c->hdr.compress);
	if (fstat(c->fd, &st) < 0)
		return error_setf(o->err, errno, "%s: fstat: %s", img->path,
				  strerror(errno));
	c->nl1 = (uint32_t)c->hdr.numl1tab;
	o->fsize = (uint64_t)st.st_size;
	o->l1end = CCKD_L1_POS + (uint64_t)c->nl1 * c->fmt->off_size;
	if (o->fsize < o->l1end)
		return bad(o, "file size %ju cannot hold the L1 table of %u "
			   "entries", (uintmax_t)o->fsize, c->nl1);
	return 0;
}

static int load_tables(struct cckd_open *o)
{
	struct cckd_image *c = o->c;
	uint32_t trks = ckd_image_tracks(o->img);
	unsigned int w = c->fmt->off_size;
	uint8_t *raw;
	int rc;

	c->l1 = calloc(c->nl1, sizeof(*c->l1));
	c->l1_place = calloc(c->nl1, sizeof(*c->l1_place));
	c->l2 = calloc(c->nl1, sizeof(*c->l2));
	c->l2_dirty = calloc(c->nl1, 1);
	c->fresh = calloc(trks / 8 + 1, 1);
	c->io = malloc(CCKD_IO_SIZE);
	raw = malloc((size_t)c->nl1 * w);
	if (!c->l1 || !c->l1_place || !c->l2 || !c->l2_dirty || !c->fresh || !c->io || !raw) {
		free(raw);
		return error_setf(o->err, ENOMEM, "%s: out of memory",
				  o->img->path);
	}
	rc = ckd_pread_full(c->fd, raw, (size_t)c->nl1 * w, CCKD_L1_POS);
	if (rc < 0) {
		free(raw);
		return error_setf(o->err, EIO, "%s: cannot read the L1 table",
				  o->img->path);
	}
	for (uint32_t i = 0; i < c->nl1; i++)
		c->l1[i] = cckd_ld_off(c->be, raw + (size_t)w * i, w);
	free(raw);
	if (o->jrn.pos) {
		o->replayed = cckd_jrn_replay(o->img, c, &o->jrn, o->l1end,
					      o->fsize);
		if (o->replayed < 0)
			return error_setf(o->err, ENOMEM, "%s: out of memory",
					  o->img->path);
	}
	/* A read-write open writes the replayed table in place. */
	memcpy(c->l1_place, c->l1, c->nl1 * sizeof(*c->l1));
	for (uint32_t i = 0; i < c->nl1; i++) {
		rc = load_l2(o, i);
		if (rc < 0)
			return rc;
	}
	return check_overlaps(o);
}

/* A CCKD volume that cannot store all its tracks: say so, and how to
   get out of it, when it is opened for writing. */
static void warn_capacity(const struct ckd_image *img)
{
	uint32_t fit = ckd_format_capacity(img->format, &img->geo);

	/* CFBA: fba_cfba.c says it in terms of blocks. */
	if (img->unit != &ckd_unit_track || fit >= img->geo.cyls)
		return;
	log_msg(LOG_WARNING, "%s: a CCKD file holds at most 4 GiB: about %u "
		"of this volume's %u cylinders of data that does not "
		"compress; guest writes beyond that fail. Convert it to "
		"CCKD64 while nothing uses it: ccwpass convert %s NEWFILE",
		img->path, fit, img->geo.cyls, img->path);
}

int ckd_cckd_attach(struct ckd_image *img, int fd,
		    const struct ckd_devhdr *h, const struct cckd_format *fmt,
		    const uint8_t chdr[CCKD_HDR_SIZE], struct error *err)
{
	struct cckd_image *c = calloc(1, sizeof(*c));
	struct cckd_open o = { .img = img, .c = c, .err = err };
	int rc;

	if (!c) {
		close(fd);
		return error_setf(err, ENOMEM, "%s: out of memory", img->path);
	}
	c->fd = fd;
	c->dfd = -1;
	c->fmt = fmt;
	rc = read_headers(&o, h, chdr);
	if (rc == 0)
		rc = load_tables(&o);
	if (rc == 0 && !img->readonly)
		rc = build_space(&o);
	free(o.ext);
	if (rc < 0)
		goto fail;
	if (!img->readonly)
		cckd_direct_open(img, c);
	img->priv = c;
	img->ops = &cckd_ops;
	img->format = fmt->format;
	img->nullfmt = (int)cckd_nullfmt_to_api(c->hdr.nullfmt);
	if (!img->readonly && !img->quiet)
		warn_capacity(img);
	if (!img->readonly) {
		if (c->hdr.options & CCKD_OPT_OPENED)
			log_msg(LOG_NOTICE, "%s: was not closed cleanly; %jd "
				"sync(s) replayed from the journal; free space "
				"rebuilt from the L2 tables", img->path,
				(intmax_t)o.replayed);
		/* The replayed state into the L1 table, durably, before
		   the header drops the journal. */
		rc = o.replayed ? cckd_write_l1_all(c) : 0;
		if (rc == 0)
			rc = cckd_mark_open(img);
		if (rc < 0) {
			img->priv = NULL;
			img->ops = NULL;
			rc = error_setf(err, -rc, "%s: cannot update the "
					"header: %s", img->path, strerror(-rc));
			goto fail;
		}
	}
	return 0;
fail:
	cckd_free(c);
	return rc;
}
