/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Closing a CCKD or CCKD64 file written by ccwpass (docs/image-format.md
 * "The sequence", 5): everything into the L1 table in place, durably;
 * then the journal's space and every generation are free, the free space
 * at the end of the file is truncated, the free space is chained as
 * Hercules expects (old format: {next, length} at the start of each free
 * block), fdatasync; the header's statistics are written, its "opened"
 * bit and private area cleared, fdatasync. The file is plain CCKD again.
 */
#include <errno.h>
#include <string.h>

#include "image/ckd_cckd_impl.h"
#include "image/ckd_io.h"

/* Header statistics as cckdcdsk computes them from the tables. */
static void compute_stats(struct ckd_image *img, struct cckd_image *c)
{
	struct cckd_header *h = &c->hdr;
	uint64_t used = CCKD_L1_POS + (uint64_t)c->nl1 * c->fmt->off_size;
	uint64_t largest, gaps, imbed = 0;

	for (uint32_t i = 0; i < c->nl1; i++) {
		if (!c->l1[i])
			continue;
		used += cckd_l2tab_size(c->fmt);
		for (unsigned int j = 0; j < CCKD_L2_ENTRIES; j++) {
			const struct cckd_l2ent *e = &c->l2[i][j];

			if (e->pos) {
				used += e->len;
				imbed += (uint32_t)(e->size - e->len);
			}
		}
	}
	gaps = ckd_space_free_total(&c->space, &largest);
	h->size = c->space.eof;
	h->used = used;
	h->free_imbed = imbed;
	h->free_total = gaps + imbed;
	h->free_largest = largest;
	h->free_number = 0;
	h->free = 0;
	for (size_t i = c->space.free.n; i-- > 0;) {
		if (c->space.free.v[i].len < c->fmt->freeblk_size)
			continue;          /* not in the chain, see below */
		h->free_number++;
		h->free = c->space.free.v[i].pos;
	}
	(void)img;
}

/* The next free block from index i on that can hold a chain entry. */
static size_t chainable(const struct cckd_image *c, size_t i)
{
	const struct ckd_extent_list *l = &c->space.free;

	while (i < l->n && l->v[i].len < c->fmt->freeblk_size)
		i++;
	return i;
}

/*
 * Old-format free chain: {next block position, this block's length}, two
 * offsets of the format's size. A gap too small for an entry (only a file
 * written elsewhere has one) stays out of the chain, lost until cckdcdsk
 * reclaims it.
 */
static int write_free_chain(struct ckd_image *img, struct cckd_image *c)
{
	const struct ckd_extent_list *l = &c->space.free;
	unsigned int w = c->fmt->off_size;

	(void)img;
	for (size_t i = chainable(c, 0); i < l->n;) {
		uint8_t blk[CCKD_FREEBLK_MAX];
		size_t n = chainable(c, i + 1);
		uint64_t next = n < l->n ? l->v[n].pos : 0;
		int rc;

		cckd_st_off(c->be, blk, w, next);
		cckd_st_off(c->be, blk + w, w, l->v[i].len);
		rc = ckd_pwrite_full(c->fd, blk, c->fmt->freeblk_size,
				     l->v[i].pos);
		if (rc < 0)
			return rc;
		i = n;
	}
	return 0;
}

/*
 * Everything into the L1 table in place, so that the journal is not
 * needed any more: a last commit without it, or flushes until the L1
 * table in place is durably as of the last commit and the checkpoint
 * durably just below it (a replay of the last record alone changes
 * nothing).
 */
static int settle(struct ckd_image *img, struct cckd_image *c)
{
	if (memchr(c->l2_dirty, 1, c->nl1))
		return cckd_commit_in_place(img);
	for (;;) {
		struct cckd_durable d;
		int rc;

		cckd_durable(img, NULL, &d);
		if (d.l1 >= c->seq && (!c->jrn.area.pos || d.ckpt + 1 >= c->seq))
			return 0;
		rc = ckd_flush_locked(img);
		if (rc < 0)
			return rc;
	}
}

static int close_rw(struct ckd_image *img, struct cckd_image *c)
{
	struct cckd_jrn_area *a = &c->jrn.area;
	int rc = ckd_durable_error(img);

	if (rc == 0)
		rc = settle(img, c);
	if (rc < 0 || c->failed)
		return rc < 0 ? rc : -EIO;
	/* Nothing a crash could leave needs the journal or what the
	   commits replaced any more. */
	if (a->pos)
		rc = ckd_space_release(&c->space, a->pos,
				       (uint64_t)a->slot * a->nslots);
	a->pos = 0;
	if (rc == 0)
		rc = ckd_space_commit(&c->space, UINT64_MAX);
	if (rc == 0)
		rc = ckd_truncate(c->fd, c->space.eof);
	if (rc == 0)
		rc = write_free_chain(img, c);
	if (rc == 0)
		rc = ckd_datasync(c->fd);
	if (rc < 0)
		return rc;
	compute_stats(img, c);
	c->hdr.options &= (uint8_t)~CCKD_OPT_OPENED;
	rc = cckd_write_header(c, 0);
	if (rc == 0)
		rc = ckd_datasync(c->fd);
	return rc;
}


int cckd_close(struct ckd_image *img)
{
	struct cckd_image *c = img->priv;
	int rc = img->readonly ? 0 : close_rw(img, c);

	cckd_free(c);
	return rc;
}
