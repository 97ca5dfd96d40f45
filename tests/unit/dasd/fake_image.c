/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory-only stand-in for the image layer (image/ckd_image.h): tracks in
 * Hercules layout, null tracks generated on read, and fault injection.
 * Calls from several threads are serialised, as the real layer does.
 */
#include "fake_image.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"

struct ckd_image {
	struct ckd_geometry geo;
	enum ckd_null_format nullfmt;
	pthread_mutex_t lock;
	uint8_t **trk;
	size_t *len;
	unsigned int *trk_writes;
	bool ro;
	int fail_sync, fail_write, fail_read;
	unsigned int syncs, writes;
	uint64_t commits;               /* the last commit's number */
	bool wb_due;                    /* fake_image_set_writeback_due */
	unsigned int wb_starts;
};

static size_t put_count(uint8_t *p, uint32_t cyl, uint32_t head, uint8_t r,
			uint8_t kl, uint16_t dl)
{
	st_be16(p, (uint16_t)cyl);
	st_be16(p + 2, (uint16_t)head);
	p[4] = r;
	p[5] = kl;
	st_be16(p + 6, dl);
	return 8;
}

static size_t null_track(const struct ckd_image *img, uint32_t trk,
			 uint8_t *buf)
{
	uint32_t cyl = trk / img->geo.heads, head = trk % img->geo.heads;
	size_t o = 0;

	buf[o++] = 0;
	st_be16(buf + o, (uint16_t)cyl);
	st_be16(buf + o + 2, (uint16_t)head);
	o += 4;
	o += put_count(buf + o, cyl, head, 0, 0, 8);
	memset(buf + o, 0, 8);
	o += 8;
	if (img->nullfmt == CKD_NULL_R1EOF)
		o += put_count(buf + o, cyl, head, 1, 0, 0);
	if (img->nullfmt == CKD_NULL_LINUX) {
		for (int r = 1; r <= 12; r++) {
			o += put_count(buf + o, cyl, head, (uint8_t)r, 0, 4096);
			memset(buf + o, 0, 4096);
			o += 4096;
		}
	}
	memset(buf + o, 0xff, 8);
	return o + 8;
}

struct ckd_image *ckd_image_new_mem(const struct ckd_geometry *geo,
				    enum ckd_null_format nullfmt,
				    struct error *err)
{
	uint32_t n = geo->cyls * geo->heads;
	struct ckd_image *img = calloc(1, sizeof(*img));

	if (!img) {
		error_setf(err, ENOMEM, "(memory): out of memory");
		return NULL;
	}
	img->geo = *geo;
	img->nullfmt = nullfmt;
	pthread_mutex_init(&img->lock, NULL);
	img->trk = calloc(n, sizeof(*img->trk));
	img->len = calloc(n, sizeof(*img->len));
	img->trk_writes = calloc(n, sizeof(*img->trk_writes));
	if (!img->trk || !img->len || !img->trk_writes) {
		ckd_image_close(img);
		error_setf(err, ENOMEM, "(memory): out of memory");
		return NULL;
	}
	return img;
}

static unsigned int closed_syncs, closed_commits;

void fake_image_closed_counts(unsigned int *syncs, unsigned int *commits)
{
	*syncs = closed_syncs;
	*commits = closed_commits;
}

unsigned int fake_image_commits(struct ckd_image *img)
{
	unsigned int n;

	pthread_mutex_lock(&img->lock);
	n = (unsigned int)img->commits;
	pthread_mutex_unlock(&img->lock);
	return n;
}

int ckd_image_close(struct ckd_image *img)
{
	if (!img)
		return 0;
	closed_syncs = img->syncs;
	closed_commits = (unsigned int)img->commits;
	if (img->trk)
		for (uint32_t t = 0; t < img->geo.cyls * img->geo.heads; t++)
			free(img->trk[t]);
	free(img->trk);
	free(img->len);
	free(img->trk_writes);
	pthread_mutex_destroy(&img->lock);
	free(img);
	return 0;
}

const struct ckd_geometry *ckd_image_geometry(const struct ckd_image *img)
{
	return &img->geo;
}

enum ckd_image_format ckd_image_format(const struct ckd_image *img)
{
	(void)img;
	return CKD_IMAGE_MEM;
}

bool ckd_image_readonly(const struct ckd_image *img)
{
	return img->ro;
}

const char *ckd_image_path(const struct ckd_image *img)
{
	(void)img;
	return "(memory)";
}

static int read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf,
		      size_t bufsize, size_t *len)
{
	if (img->fail_read)
		return img->fail_read;
	if (trk >= img->geo.cyls * img->geo.heads || bufsize < img->geo.trksize)
		return -EINVAL;
	if (!img->trk[trk]) {
		*len = null_track(img, trk, buf);
		return 0;
	}
	memcpy(buf, img->trk[trk], img->len[trk]);
	*len = img->len[trk];
	return 0;
}

int ckd_image_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			 size_t bufsize, size_t *len)
{
	int rc;

	pthread_mutex_lock(&img->lock);
	rc = read_track(img, trk, buf, bufsize, len);
	pthread_mutex_unlock(&img->lock);
	return rc;
}

static int write_track(struct ckd_image *img, uint32_t trk,
		       const uint8_t *buf, size_t len)
{
	if (img->ro)
		return -EROFS;
	if (img->fail_write)
		return img->fail_write;
	if (trk >= img->geo.cyls * img->geo.heads || len > img->geo.trksize ||
	    len < 13 + 8)
		return -EINVAL;
	if (!img->trk[trk]) {
		img->trk[trk] = malloc(img->geo.trksize);
		if (!img->trk[trk])
			return -ENOSPC;
	}
	memcpy(img->trk[trk], buf, len);
	img->len[trk] = len;
	img->writes++;
	img->trk_writes[trk]++;
	return 0;
}

int ckd_image_write_track(struct ckd_image *img, uint32_t trk,
			  const uint8_t *buf, size_t len)
{
	int rc;

	pthread_mutex_lock(&img->lock);
	rc = write_track(img, trk, buf, len);
	pthread_mutex_unlock(&img->lock);
	return rc;
}

/* Track by track, as the image layer's fallback does. */
int ckd_image_write_tracks(struct ckd_image *img,
			   const struct ckd_track_out *t, unsigned int n,
			   unsigned int *done)
{
	int rc = 0;

	for (*done = 0; *done < n; ++*done) {
		rc = ckd_image_write_track(img, t[*done].trk, t[*done].buf,
					   t[*done].len);
		if (rc)
			break;
	}
	return rc;
}

/* A commit counts; making it durable is a "sync" (fake_image_syncs) that
   fake_image_fail_sync() can fail. */
int ckd_image_commit(struct ckd_image *img, uint64_t *seq)
{
	pthread_mutex_lock(&img->lock);
	img->commits++;
	if (seq)
		*seq = img->commits;
	pthread_mutex_unlock(&img->lock);
	return 0;
}

int ckd_image_make_durable(struct ckd_image *img, uint64_t seq)
{
	int rc = 0;

	(void)seq;
	pthread_mutex_lock(&img->lock);
	if (img->fail_sync)
		rc = img->fail_sync;
	else
		img->syncs++;
	pthread_mutex_unlock(&img->lock);
	return rc;
}

int ckd_image_flush(struct ckd_image *img)
{
	return ckd_image_make_durable(img, 0);
}

bool ckd_image_flush_urgent(struct ckd_image *img)
{
	(void)img;
	return false;
}

bool ckd_image_writeback_due(struct ckd_image *img)
{
	bool due;

	pthread_mutex_lock(&img->lock);
	due = img->wb_due;
	pthread_mutex_unlock(&img->lock);
	return due;
}

void ckd_image_start_writeback(struct ckd_image *img)
{
	pthread_mutex_lock(&img->lock);
	img->wb_due = false;
	img->wb_starts++;
	pthread_mutex_unlock(&img->lock);
}

void fake_image_set_writeback_due(struct ckd_image *img, bool due)
{
	pthread_mutex_lock(&img->lock);
	img->wb_due = due;
	pthread_mutex_unlock(&img->lock);
}

unsigned int fake_image_writeback_starts(struct ckd_image *img)
{
	unsigned int n;

	pthread_mutex_lock(&img->lock);
	n = img->wb_starts;
	pthread_mutex_unlock(&img->lock);
	return n;
}

int ckd_image_sync(struct ckd_image *img)
{
	return ckd_image_commit(img, NULL) ?: ckd_image_make_durable(img, 0);
}

void fake_image_set_readonly(struct ckd_image *img, bool ro)
{
	img->ro = ro;
}

void fake_image_fail_sync(struct ckd_image *img, int err)
{
	img->fail_sync = err;
}

void fake_image_fail_write(struct ckd_image *img, int err)
{
	img->fail_write = err;
}

void fake_image_fail_read(struct ckd_image *img, int err)
{
	img->fail_read = err;
}

unsigned int fake_image_syncs(struct ckd_image *img)
{
	unsigned int n;

	pthread_mutex_lock(&img->lock);
	n = img->syncs;
	pthread_mutex_unlock(&img->lock);
	return n;
}

unsigned int fake_image_writes(struct ckd_image *img)
{
	unsigned int n;

	pthread_mutex_lock(&img->lock);
	n = img->writes;
	pthread_mutex_unlock(&img->lock);
	return n;
}

unsigned int fake_image_track_writes(struct ckd_image *img, uint32_t trk)
{
	unsigned int n;

	pthread_mutex_lock(&img->lock);
	n = img->trk_writes[trk];
	pthread_mutex_unlock(&img->lock);
	return n;
}
