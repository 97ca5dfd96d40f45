/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-memory CKD volume for tests and fuzzing: every track starts as a null
 * track; written tracks are kept as copies. Nothing is persistent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/ckd_image_impl.h"
#include "image/ckd_track.h"

struct mem_track {
	uint8_t *data;           /* NULL: the null track */
	size_t len;
};

struct mem_image {
	enum ckd_null_format nullfmt;
	struct mem_track *tracks;
};

static int mem_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			  size_t bufsize, size_t *len)
{
	struct mem_image *m = img->priv;
	struct mem_track *t = &m->tracks[trk];

	if (!t->data) {
		*len = ckd_track_null(buf, bufsize,
				      (uint16_t)(trk / img->geo.heads),
				      (uint16_t)(trk % img->geo.heads),
				      m->nullfmt);
		return *len ? 0 : -EINVAL;
	}
	memcpy(buf, t->data, t->len);
	*len = t->len;
	return 0;
}

static int mem_write_track(struct ckd_image *img, uint32_t trk,
			   const uint8_t *buf, size_t len)
{
	struct mem_image *m = img->priv;
	struct mem_track *t = &m->tracks[trk];
	uint8_t *copy = NULL;

	if (ckd_track_null_match(buf, len, (uint16_t)(trk / img->geo.heads),
				 (uint16_t)(trk % img->geo.heads)) !=
	    (int)m->nullfmt) {
		copy = malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, buf, len);
	}
	free(t->data);
	t->data = copy;
	t->len = copy ? len : 0;
	return 0;
}

/* Nothing to make durable: every commit is number 0, durable from the
   start. */
static int mem_commit(struct ckd_image *img, uint64_t *seq)
{
	(void)img;
	*seq = 0;
	return 0;
}

static int mem_flush_prepare(struct ckd_image *img, struct ckd_flush *f)
{
	(void)img;
	(void)f;
	return 0;
}

static int mem_close(struct ckd_image *img)
{
	struct mem_image *m = img->priv;

	for (uint32_t i = 0; i < ckd_image_tracks(img); i++)
		free(m->tracks[i].data);
	free(m->tracks);
	free(m);
	return 0;
}

static const struct ckd_image_ops mem_ops = {
	.read_track = mem_read_track,
	.write_track = mem_write_track,
	.commit = mem_commit,
	.flush_prepare = mem_flush_prepare,
	.close = mem_close,
};

int ckd_mem_attach(struct ckd_image *img, enum ckd_null_format nullfmt,
		   struct error *err)
{
	struct mem_image *m = calloc(1, sizeof(*m));

	if (m)
		m->tracks = calloc(ckd_image_tracks(img), sizeof(*m->tracks));
	if (!m || !m->tracks) {
		free(m);
		return error_setf(err, ENOMEM, "(memory): out of memory for "
				  "%u tracks", ckd_image_tracks(img));
	}
	m->nullfmt = nullfmt;
	img->nullfmt = (int)nullfmt;
	img->priv = m;
	img->ops = &mem_ops;
	img->format = CKD_IMAGE_MEM;
	return 0;
}
