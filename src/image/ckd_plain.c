/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hercules plain CKD images, "CKD_P370", and Hyperion's "CKD_P064", whose
 * layout is the same (docs/image-format.md "Plain CKD"; Hercules ckddasd.c
 * ckddasd_init_handler, Hyperion dasdutil64.c): a 512-byte device header,
 * then fixed track slots of trksize bytes at 512 + t * trksize. A volume may be
 * split over files name_1, name_2, ... (fileseq 1.., highcyl = the last
 * cylinder in each file but the last, whose highcyl is 0).
 *
 * Writes replace a whole slot in place (the format has nowhere else to put
 * it): a commit is the pwrites done, a flush the fdatasync of every file
 * written since the last flush (ckd_durable.c), but a crash during a
 * write can tear that one track. Use CCKD for crash consistency.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"

/* Hercules' limit on files per volume (featall.h CKD_MAXFILES). */
#define PLAIN_MAX_FILES 27

struct plain_file {
	int fd;
	char *path;
	uint32_t first_trk;
	uint32_t ntrks;
	bool dirty;                    /* written since the last flush began */
};

struct plain_image {
	unsigned int nfiles;
	struct plain_file files[PLAIN_MAX_FILES];
	uint8_t *slot;                 /* one zero-padded track slot */
	uint64_t seq;                  /* commits with writes since the open */
	bool written;                  /* a write since the last commit */
};

static struct plain_file *file_of(struct plain_image *p, uint32_t trk)
{
	for (unsigned int i = 0; i < p->nfiles; i++)
		if (trk - p->files[i].first_trk < p->files[i].ntrks)
			return &p->files[i];
	return NULL;
}

static uint64_t slot_pos(const struct ckd_image *img,
			 const struct plain_file *f, uint32_t trk)
{
	return CKD_DEVHDR_SIZE +
	       (uint64_t)(trk - f->first_trk) * img->geo.trksize;
}

static int plain_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			    size_t bufsize, size_t *len)
{
	struct plain_image *p = img->priv;
	struct plain_file *f = file_of(p, trk);
	struct ckd_track_fault fault;
	int rc;

	(void)bufsize;
	if (!f)
		return -EINVAL;
	rc = ckd_pread_full(f->fd, buf, img->geo.trksize, slot_pos(img, f, trk));
	if (rc < 0) {
		log_msg(LOG_ERR, "%s: track %u: %s", f->path, trk,
			rc == -ENODATA ? "file ends inside the track slot" :
			"read error");
		return rc == -ENODATA ? -EUCLEAN : -EIO;
	}
	if (ckd_track_measure(buf, img->geo.trksize, len, &fault) < 0) {
		ckd_log_bad_track(img, trk, "track slot", &fault);
		return -EUCLEAN;
	}
	return 0;
}

static int plain_write_track(struct ckd_image *img, uint32_t trk,
			     const uint8_t *buf, size_t len)
{
	struct plain_image *p = img->priv;
	struct plain_file *f = file_of(p, trk);
	int rc;

	if (!f)
		return -EINVAL;
	memcpy(p->slot, buf, len);
	memset(p->slot + len, 0, img->geo.trksize - len);
	rc = ckd_pwrite_full(f->fd, p->slot, img->geo.trksize,
			     slot_pos(img, f, trk));
	if (rc < 0)
		return rc == -ENOSPC ? -ENOSPC : -EIO;
	f->dirty = true;
	p->written = true;
	return 0;
}

/* The pwrites are in the file: a commit only numbers them. */
static int plain_commit(struct ckd_image *img, uint64_t *seq)
{
	struct plain_image *p = img->priv;

	p->seq += p->written;
	p->written = false;
	*seq = p->seq;
	return 0;
}

/* The files written since the last flush began (at most max into fd). */
static unsigned int plain_files(struct ckd_image *img, int *fd,
				unsigned int max)
{
	struct plain_image *p = img->priv;
	unsigned int n = 0;

	for (unsigned int i = 0; i < p->nfiles && n < max; i++)
		if (p->files[i].dirty)
			fd[n++] = p->files[i].fd;
	return n;
}

/* Every file written since the last flush began, and every commit. */
static int plain_flush_prepare(struct ckd_image *img, struct ckd_flush *f)
{
	struct plain_image *p = img->priv;

	_Static_assert(PLAIN_MAX_FILES <= CKD_FLUSH_FDS, "a flush syncs all");
	f->target = p->seq;
	f->nfd = plain_files(img, f->fd, CKD_FLUSH_FDS);
	for (unsigned int i = 0; i < p->nfiles; i++)
		p->files[i].dirty = false;
	return 0;
}

static void plain_free(struct plain_image *p)
{
	for (unsigned int i = 0; i < p->nfiles; i++) {
		close(p->files[i].fd);
		free(p->files[i].path);
	}
	free(p->slot);
	free(p);
}

static int plain_close(struct ckd_image *img)
{
	uint64_t seq;
	int rc = img->readonly ? 0 : ckd_durable_error(img);

	if (!img->readonly && rc == 0) {
		plain_commit(img, &seq);
		rc = ckd_flush_locked(img);
	}
	plain_free(img->priv);
	return rc;
}

static const struct ckd_image_ops plain_ops = {
	.read_track = plain_read_track,
	.write_track = plain_write_track,
	.commit = plain_commit,
	.flush_prepare = plain_flush_prepare,
	.close = plain_close,
	.files = plain_files,
};

/*
 * Name of file n (2..) of a split volume, as Hercules forms it: the
 * character before the first '.' of the base name (or the last character)
 * becomes '0' + n, or 'A' + n - 10 from n = 10 on.
 */
static char *split_name(const char *first, unsigned int n)
{
	char *name = strdup(first);
	char *base, *dot, *c;

	if (!name || !*name)
		return name;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	dot = strchr(base + 1, '.');
	c = dot ? dot - 1 : name + strlen(name) - 1;
	*c = (char)(n <= 9 ? '0' + n : 'A' + n - 10);
	return name;
}

/*
 * Check one file's header and size; fill f's track range. highcyl of the
 * last file is 0. Returns 0 or -EINVAL with err naming the file and field.
 */
static int check_file(struct ckd_image *img, struct plain_file *f,
		      struct ckd_devhdr *h, unsigned int seq,
		      uint32_t cyls_before, struct error *err)
{
	uint64_t cylsize = (uint64_t)h->heads * h->trksize;
	struct ckd_geometry geo;
	struct stat st;
	uint64_t cyls;
	const char *field;

	if (ckd_devhdr_geometry(h, 1, &geo, &field) < 0)
		return error_setf(err, EINVAL, "%s: header field %s: devtype "
				  "0x%02x heads %u trksize %u", f->path, field,
				  h->devtype, h->heads, h->trksize);
	if (fstat(f->fd, &st) < 0)
		return error_setf(err, errno, "%s: fstat: %s", f->path,
				  strerror(errno));
	if ((uint64_t)st.st_size < CKD_DEVHDR_SIZE ||
	    ((uint64_t)st.st_size - CKD_DEVHDR_SIZE) % cylsize)
		return error_setf(err, EINVAL, "%s: file size %jd is not the "
				  "header plus whole cylinders of %u x %u "
				  "bytes", f->path, (intmax_t)st.st_size,
				  h->heads, h->trksize);
	cyls = ((uint64_t)st.st_size - CKD_DEVHDR_SIZE) / cylsize;
	if (cyls == 0 || cyls_before + cyls > CKD_MAX_CYLS)
		return error_setf(err, EINVAL, "%s: %ju cylinders (file "
				  "size)", f->path, (uintmax_t)cyls);
	geo.cyls = cyls_before + (uint32_t)cyls;
	if (seq > 1 && (geo.heads != img->geo.heads ||
			geo.trksize != img->geo.trksize))
		return error_setf(err, EINVAL, "%s: header fields heads/"
				  "trksize differ from the first file", f->path);
	/* Hercules treats fileseq 1 with highcyl = cylinders as one file. */
	if (seq == 1 && h->fileseq == 1 && h->highcyl == cyls) {
		h->fileseq = 0;
		h->highcyl = 0;
	}
	if (h->highcyl && h->highcyl != cyls_before + cyls - 1)
		return error_setf(err, EINVAL, "%s: header field highcyl %u: "
				  "the file holds cylinders %u-%ju", f->path,
				  h->highcyl, cyls_before,
				  (uintmax_t)(cyls_before + cyls - 1));
	img->geo = geo;
	f->first_trk = cyls_before * geo.heads;
	f->ntrks = (uint32_t)cyls * geo.heads;
	return 0;
}

static int attach_files(struct ckd_image *img, struct plain_image *p,
			const struct ckd_devhdr *first, struct error *err)
{
	struct ckd_devhdr h = *first;
	uint32_t cyls = 0;
	int rc;

	for (unsigned int seq = 1;; seq++) {
		struct plain_file *f = &p->files[seq - 1];

		if (seq > 1) {
			uint8_t raw[CKD_DEVHDR_SIZE];

			f->path = split_name(img->path, seq);
			if (!f->path)
				return error_setf(err, ENOMEM, "out of memory");
			p->nfiles = seq;
			f->fd = -1;
			rc = ckd_file_open(f->path, img->readonly, err);
			if (rc < 0) {
				error_prefix(err, "%s: split volume file %u",
					     img->path, seq);
				return rc;
			}
			f->fd = rc;
			rc = ckd_pread_full(f->fd, raw, sizeof(raw), 0);
			if (rc < 0)
				return error_setf(err, EINVAL, "%s: cannot read "
						  "the device header", f->path);
			ckd_devhdr_load(&h, raw);
			if (strcmp(h.devid, first->devid) ||
			    h.fileseq != seq)
				return error_setf(err, EINVAL, "%s: devid/"
						  "fileseq: not file %u of a "
						  "%s volume", f->path, seq,
						  first->devid);
		}
		rc = check_file(img, f, &h, seq, cyls, err);
		if (rc < 0)
			return rc;
		cyls = img->geo.cyls;
		if (seq == 1 && h.fileseq == 0 && h.highcyl != 0)
			return error_setf(err, EINVAL, "%s: header field "
					  "highcyl %u in a single-file volume",
					  f->path, h.highcyl);
		if (h.highcyl == 0)
			return 0;
		if (seq == PLAIN_MAX_FILES)
			return error_setf(err, EINVAL, "%s: more than %d split "
					  "files", img->path, PLAIN_MAX_FILES);
	}
}

int ckd_plain_attach(struct ckd_image *img, int fd,
		     const struct ckd_devhdr *h, struct error *err)
{
	struct plain_image *p = calloc(1, sizeof(*p));
	int rc;

	if (!p) {
		close(fd);
		return error_setf(err, ENOMEM, "%s: out of memory", img->path);
	}
	p->nfiles = 1;
	p->files[0].fd = fd;
	p->files[0].path = strdup(img->path);
	if (!p->files[0].path) {
		rc = error_setf(err, ENOMEM, "%s: out of memory", img->path);
		goto fail;
	}
	if (h->fileseq > 1) {
		rc = error_setf(err, EINVAL, "%s: header field fileseq %u: "
				"open the volume by its first file", img->path,
				h->fileseq);
		goto fail;
	}
	rc = attach_files(img, p, h, err);
	if (rc < 0)
		goto fail;
	p->slot = malloc(img->geo.trksize);
	if (!p->slot) {
		rc = error_setf(err, ENOMEM, "%s: out of memory", img->path);
		goto fail;
	}
	img->priv = p;
	img->ops = &plain_ops;
	img->format = CKD_IMAGE_PLAIN;
	return 0;
fail:
	plain_free(p);
	return rc;
}
