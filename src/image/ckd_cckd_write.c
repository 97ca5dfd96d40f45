/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD and CCKD64 writes, crash-consistently (docs/image-format.md "How
 * ccwpass writes a CCKD file"). Nothing a crash could leave references -
 * the L1/L2 tables in place, which Hercules reads, and the journal's
 * records after the checkpoint, which ccwpass replays - is ever
 * overwritten:
 *
 *  write_track  the new image goes to free space; the in-memory L2 entry
 *               switches; the old image's space is released at once if
 *               it was written since the last sync, else deferred to the
 *               generation of the next sync.
 *  sync k       every changed L2 table is written whole to new space (or
 *               dropped: L1 entry 0 when all its tracks are default null
 *               tracks); record k (the tables, CRC-32 of each and of the
 *               track images written since sync k - 1) goes to journal
 *               slot k % 8; the L1 entries of record k - 1 are written in
 *               place and the header's checkpoint moves to k - 2, whose
 *               entries became durable with sync k - 1; ONE fdatasync.
 *               Generations up to k - 1 become free: neither the L1 in
 *               place nor a replay needs them any more.
 *  fallback     a record that does not fit a slot (or no room for the
 *               journal, or the close): the L1 entries of record k - 1 and
 *               the new tables, fdatasync, the new L1 entries in place and
 *               the checkpoint k, fdatasync.
 *  close        everything into the L1 table in place (a last sync
 *               without the journal, or the last record's entries and a
 *               checkpoint, then fdatasync); the journal's space and every
 *               generation are free; trailing free space is truncated;
 *               free space is chained as Hercules expects (old format:
 *               {next, length} at the start of each free block);
 *               fdatasync; the header's statistics are written, its
 *               "opened" bit and private area cleared; fdatasync.
 *
 * A crash leaves every track as of the last completed sync or the one in
 * progress once the journal is replayed (ckd_cckd.c, at open), and as of
 * the sync before the last completed one at the oldest in the L1 table in
 * place; the header keeps its "opened" bit, so Hercules runs its check and
 * ccwpass rebuilds free space from the L2 tables on the next open.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_compress.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"

static void fresh_set(struct cckd_image *c, uint32_t trk, bool on)
{
	if (on)
		c->fresh[trk / 8] |= (uint8_t)(1u << (trk % 8));
	else
		c->fresh[trk / 8] &= (uint8_t)~(1u << (trk % 8));
}

static struct cckd_l2ent *table_for(struct cckd_image *c, uint32_t l1x)
{
	struct cckd_l2ent *t = c->l2[l1x];

	if (t)
		return t;
	t = malloc(CCKD_L2_ENTRIES * sizeof(*t));
	if (!t)
		return NULL;
	for (unsigned int i = 0; i < CCKD_L2_ENTRIES; i++)
		t[i] = (struct cckd_l2ent){ 0, c->hdr.nullfmt, c->hdr.nullfmt, 0 };
	c->l2[l1x] = t;
	return t;
}

/* The entry that stores buf as a null track, if one can. */
static bool null_entry(const struct ckd_image *img, const struct cckd_image *c,
		       uint32_t trk, const uint8_t *buf, size_t len,
		       struct cckd_l2ent *e)
{
	int fmt = ckd_track_null_match(buf, len,
				       (uint16_t)(trk / img->geo.heads),
				       (uint16_t)(trk % img->geo.heads));
	int h;

	if (fmt < 0)
		return false;
	h = cckd_nullfmt_from_api((enum ckd_null_format)fmt);
	/* Hercules reads {0, 0, 0} as format 2 in a Linux image. */
	if (h == CCKD_NULLFMT_R1EOF && c->hdr.nullfmt == CCKD_NULLFMT_LINUX)
		return false;
	*e = (struct cckd_l2ent){ 0, (uint16_t)h, (uint16_t)h, 0 };
	return true;
}

/* The format cannot address more: say so once per open image. */
static void log_limit(const struct ckd_image *img, struct cckd_image *c)
{
	if (c->limit_logged)
		return;
	c->limit_logged = true;
	log_msg(LOG_ERR, "%s: no space: a %s file cannot grow past %ju bytes "
		"(its offsets are %u-bit); writes that need more space fail. "
		"Convert it to CCKD64 while nothing uses it: ccwpass convert "
		"%s NEWFILE", img->path, c->fmt->name,
		(uintmax_t)c->fmt->limit, c->fmt->off_size * 8, img->path);
}

static int store_image(struct ckd_image *img, struct cckd_image *c,
		       const uint8_t *buf, size_t len, struct cckd_l2ent *e)
{
	const uint8_t *data = buf;
	size_t n = ckd_compress_track(c->io, CCKD_IO_SIZE, buf, len,
				      c->hdr.compress, c->hdr.compress_parm);
	uint64_t pos;
	uint32_t size;
	int rc;

	if (n)
		data = c->io;
	else
		n = len;
	/* Room for the tables the next sync writes stays free. */
	c->space.reserve = (uint64_t)(c->ndirty + 1) * cckd_l2tab_size(c->fmt);
	rc = ckd_space_alloc(&c->space, (uint32_t)n, false, &pos, &size);
	if (rc == -ENOSPC)
		log_limit(img, c);
	if (rc < 0)
		return rc;
	rc = ckd_pwrite_full(c->fd, data, n, pos);
	if (rc < 0) {
		ckd_space_release(&c->space, pos, size);
		return rc == -ENOSPC ? -ENOSPC : -EIO;
	}
	*e = (struct cckd_l2ent){ pos, (uint16_t)n, (uint16_t)size,
				  cckd_crc32(data, n) };
	return 0;
}

int cckd_write_track(struct ckd_image *img, uint32_t trk, const uint8_t *buf,
		     size_t len)
{
	struct cckd_image *c = img->priv;
	uint32_t l1x = trk / CCKD_L2_ENTRIES;
	struct cckd_l2ent old = cckd_entry(c, trk), e;
	struct cckd_l2ent *t;
	int rc;

	if (c->failed)
		return -EIO;
	t = table_for(c, l1x);
	if (!t)
		return -ENOMEM;
	if (!null_entry(img, c, trk, buf, len, &e)) {
		rc = store_image(img, c, buf, len, &e);
		if (rc < 0)
			return rc;
	}
	if (old.pos) {
		rc = cckd_fresh(c, trk) ?
		     ckd_space_release(&c->space, old.pos, old.size) :
		     ckd_space_defer(&c->space, old.pos, old.size, c->seq + 1);
		if (rc < 0) {
			c->failed = true;   /* cannot track the space any more */
			return rc;
		}
	}
	t[trk % CCKD_L2_ENTRIES] = e;
	fresh_set(c, trk, e.pos != 0);
	c->ndirty += !c->l2_dirty[l1x];
	c->l2_dirty[l1x] = 1;
	return 0;
}

/* Write each changed L2 table to new space; *newl1 receives it. */
static int write_tables(struct ckd_image *img, struct cckd_image *c,
			uint64_t *newl1, uint32_t *lo, uint32_t *hi)
{
	uint32_t tabsize = cckd_l2tab_size(c->fmt);
	uint8_t raw[CCKD_L2TAB_MAX];

	/* Every entry is defined even when a table below fails: the
	   caller gives back whatever differs from the durable L1. */
	memcpy(newl1, c->l1, c->nl1 * sizeof(*newl1));
	*lo = c->nl1;
	*hi = 0;
	for (uint32_t i = 0; i < c->nl1; i++) {
		bool empty = true;
		uint64_t pos;
		uint32_t size;
		int rc;

		if (!c->l2_dirty[i])
			continue;
		*lo = i < *lo ? i : *lo;
		*hi = i;
		for (unsigned int j = 0; j < CCKD_L2_ENTRIES && empty; j++)
			empty = cckd_entry_is_default(c, &c->l2[i][j]);
		if (empty) {
			newl1[i] = 0;
			continue;
		}
		rc = ckd_space_alloc(&c->space, tabsize, true, &pos, &size);
		if (rc == -ENOSPC)
			log_limit(img, c);
		if (rc == 0) {
			newl1[i] = pos;
			cckd_l2_encode(c, raw, c->l2[i]);
			rc = ckd_pwrite_full(c->fd, raw, tabsize, pos);
		}
		if (rc < 0) {
			log_msg(LOG_ERR, "%s: cannot write the L2 table of "
				"tracks %u-%u: %s", img->path,
				i * CCKD_L2_ENTRIES,
				i * CCKD_L2_ENTRIES + CCKD_L2_ENTRIES - 1,
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* Give back the L2 tables written in a sync that did not complete. */
static void drop_tables(struct cckd_image *c, const uint64_t *newl1)
{
	for (uint32_t i = 0; i < c->nl1; i++)
		if (newl1[i] != c->l1[i] && newl1[i] != 0)
			ckd_space_release(&c->space, newl1[i],
					  cckd_l2tab_size(c->fmt));
}

/* L1 entries lo..hi of l1, in place (each aligned to its size, so no
   entry straddles a sector). */
static int write_l1(struct cckd_image *c, const uint64_t *l1, uint32_t lo,
		    uint32_t hi)
{
	unsigned int w = c->fmt->off_size;
	size_t n = (size_t)(hi - lo + 1) * w;
	uint8_t *raw = malloc(n);
	int rc;

	if (!raw)
		return -ENOMEM;
	for (uint32_t i = lo; i <= hi; i++)
		cckd_st_off(c->be, raw + (size_t)w * (i - lo), w, l1[i]);
	rc = ckd_pwrite_full(c->fd, raw, n, CCKD_L1_POS + (uint64_t)lo * w);
	free(raw);
	return rc;
}

/* The compressed header, with the journal's private area (checkpoint
   ckpt) while there is a journal. */
static int write_header(struct cckd_image *c, uint64_t ckpt)
{
	uint8_t raw[CCKD_HDR_SIZE];

	cckd_header_store(raw, &c->hdr, c->fmt);
	if (c->jrn.area.pos) {
		struct cckd_jrn_area a = c->jrn.area;

		a.ckpt = ckpt;
		cckd_jrn_area_store(raw, &a);
	}
	return ckd_pwrite_full(c->fd, raw, sizeof(raw), CCKD_HDR_POS);
}

/*
 * A barrier a sync depends on. If it fails Linux may drop the pages whose
 * write-back failed and report success to the next fdatasync: what was
 * written since the last sync cannot be trusted any more, so the image
 * takes no more writes.
 */
static int barrier(struct ckd_image *img, struct cckd_image *c)
{
	if (ckd_datasync(c->fd) == 0)
		return 0;
	c->failed = true;
	log_msg(LOG_ERR, "%s: fdatasync failed; no more writes", img->path);
	return -EIO;
}

/* The switch is done: the L1 takes the new tables, the replaced ones
   wait for their generation, and what no crash can need any more is
   free. */
static int finish_switch(struct ckd_image *img, struct cckd_image *c,
			 const uint64_t *newl1)
{
	const struct cckd_jrn_area *a = &c->jrn.area;
	uint64_t upto = c->l1_done;
	int rc = 0;

	for (uint32_t i = 0; i < c->nl1; i++) {
		if (!c->l2_dirty[i])
			continue;
		if (c->l1[i] && c->l1[i] != newl1[i])
			rc |= ckd_space_defer(&c->space, c->l1[i],
					      cckd_l2tab_size(c->fmt), c->seq);
		c->l1[i] = newl1[i];
		c->l2_dirty[i] = 0;
		c->ndirty--;
		if (newl1[i] == 0) {
			free(c->l2[i]);
			c->l2[i] = NULL;
		}
	}
	memset(c->fresh, 0, ckd_image_tracks(img) / 8 + 1);
	/* What sync g replaced: the on-disk L1 may point at it until g's
	   L1 entries are durable in place, and a replay may read it while
	   record g - 1 lies after the checkpoint. */
	if (a->pos && a->ckpt + 1 < upto)
		upto = a->ckpt + 1;
	rc |= ckd_space_commit(&c->space, upto);
	if (rc) {
		/* Durable, but the space is no longer known: stop. */
		c->failed = true;
		log_msg(LOG_ERR, "%s: cannot account for the space a sync "
			"freed; no more writes", img->path);
		return -ENOMEM;
	}
	return 0;
}

/* The state on disk is unknown: reuse no space from now. */
static int fail_switch(struct ckd_image *img, struct cckd_image *c, int rc)
{
	c->failed = true;
	log_msg(LOG_ERR, "%s: sync failed while switching the L1 table: %s; "
		"no more writes", img->path, strerror(-rc));
	return -EIO;
}

/*
 * The sync without the journal (a record that does not fit a slot, no
 * room for a journal, close): the L1 entries of the last record and the
 * new tables, fdatasync, the new L1 entries in place and the checkpoint,
 * fdatasync.
 */
static int sync_switch(struct ckd_image *img, struct cckd_image *c,
		       const uint64_t *newl1, uint32_t lo, uint32_t hi)
{
	struct cckd_journal *j = &c->jrn;
	int rc = 0;

	if (j->pending)
		rc = write_l1(c, c->l1, j->lo, j->hi);
	if (rc < 0)
		return fail_switch(img, c, rc);
	if (barrier(img, c) < 0)
		return -EIO;
	if (j->pending) {
		c->l1_done = c->seq;
		j->pending = false;
	}
	rc = write_l1(c, newl1, lo, hi);
	if (rc == 0 && j->area.pos)
		rc = write_header(c, c->seq + 1);
	if (rc == 0)
		rc = barrier(img, c);
	if (rc < 0)
		return fail_switch(img, c, rc);
	c->seq++;
	c->l1_done = c->seq;
	j->area.ckpt = c->seq;
	j->durable = j->area.pos != 0;
	return finish_switch(img, c, newl1);
}

/*
 * The journal's sync k: record k names the new tables (written); the L1
 * entries of record k - 1 go in place and the checkpoint moves up to
 * what is durable in place (k - 2); one fdatasync.
 */
static int sync_journal(struct ckd_image *img, struct cckd_image *c,
			const uint64_t *newl1, uint32_t lo, uint32_t hi,
			uint64_t rec_pos)
{
	struct cckd_journal *j = &c->jrn;
	int rc = 0;

	if (j->pending)
		rc = write_l1(c, c->l1, j->lo, j->hi);
	if (rc == 0 && (!j->durable || j->area.ckpt != c->l1_done))
		rc = write_header(c, c->l1_done);
	if (rc < 0)
		return fail_switch(img, c, rc);
	if (barrier(img, c) < 0) {
		/* Disown the record, so that its pages, if the kernel
		   writes them back after all, do not complete the sync
		   that failed. */
		static const uint8_t zero[8];

		ckd_pwrite_full(c->fd, zero, sizeof(zero), rec_pos);
		return -EIO;
	}
	j->area.ckpt = c->l1_done;
	j->durable = true;
	if (j->pending)
		c->l1_done = c->seq;
	j->pending = true;
	j->lo = lo;
	j->hi = hi;
	c->seq++;
	return finish_switch(img, c, newl1);
}

/* The journal's space, at the first sync that has a record for it. */
static int journal_alloc(struct cckd_image *c)
{
	struct cckd_jrn_area *a = &c->jrn.area;
	uint64_t pos;
	int rc;

	rc = ckd_space_alloc_aligned(&c->space, a->slot * a->nslots,
				     CCKD_JRN_SLOT, &pos);
	if (rc < 0)
		return rc;
	a->pos = pos;
	a->ckpt = c->l1_done;
	c->jrn.durable = false;
	return 0;
}

/*
 * Write this sync's record, if it can have one. Returns 0 with *pos the
 * record's position (0: none, switch in place), or negative errno.
 */
static int write_record(struct cckd_image *c, const uint64_t *newl1,
			uint64_t *pos)
{
	struct cckd_jrn_area *a = &c->jrn.area;
	uint64_t seq = c->seq + 1;
	uint8_t *rec;
	size_t len;
	int rc = 0;

	*pos = 0;
	if (!a->pos)
		*a = (struct cckd_jrn_area){ .slot = cckd_jrn_slot_size,
					     .nslots = CCKD_JRN_SLOTS,
					     .id = cckd_jrn_new_id() };
	rec = malloc(a->slot);
	if (!rec)
		return -ENOMEM;
	len = cckd_jrn_record(c, seq, newl1, rec);
	/* No room for a journal (a CCKD file at its limit): switch. */
	if (len && !a->pos && journal_alloc(c) < 0)
		len = 0;
	if (len) {
		*pos = a->pos + (seq % a->nslots) * a->slot;
		rc = ckd_pwrite_full(c->fd, rec, len, *pos);
	}
	free(rec);
	return rc;
}

static int sync_changes(struct ckd_image *img, bool journal)
{
	struct cckd_image *c = img->priv;
	uint64_t rec = 0;
	uint32_t lo, hi;
	uint64_t *newl1;
	int rc;

	if (c->failed)
		return -EIO;
	if (!memchr(c->l2_dirty, 1, c->nl1))
		return 0;
	newl1 = malloc(c->nl1 * sizeof(*newl1));
	if (!newl1)
		return -ENOMEM;
	rc = write_tables(img, c, newl1, &lo, &hi);
	if (rc == 0 && journal)
		rc = write_record(c, newl1, &rec);
	if (rc < 0) {
		/* Nothing durable references the new tables or the record:
		   a failed write can be retried later. */
		drop_tables(c, newl1);
		free(newl1);
		return -EIO;
	}
	rc = rec ? sync_journal(img, c, newl1, lo, hi, rec) :
	     sync_switch(img, c, newl1, lo, hi);
	free(newl1);
	return rc < 0 ? -EIO : 0;
}

int cckd_sync(struct ckd_image *img)
{
	return sync_changes(img, true);
}

int cckd_mark_open(struct ckd_image *img)
{
	struct cckd_image *c = img->priv;
	int rc;

	c->hdr.options |= CCKD_OPT_OPENED | CCKD_OPT_ORDWR;
	rc = write_header(c, 0);
	if (rc == 0)
		rc = ckd_datasync(c->fd);
	return rc;
}

int cckd_write_l1_all(struct cckd_image *c)
{
	int rc = write_l1(c, c->l1, 0, c->nl1 - 1);

	return rc ? rc : ckd_datasync(c->fd);
}

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
 * needed any more: a last sync without it, or the last record's L1
 * entries and the checkpoint below it (a replay of that record alone
 * changes nothing).
 */
static int settle(struct ckd_image *img, struct cckd_image *c)
{
	struct cckd_journal *j = &c->jrn;
	int rc;

	if (memchr(c->l2_dirty, 1, c->nl1))
		return sync_changes(img, false);
	if (!j->pending)
		return 0;
	rc = write_l1(c, c->l1, j->lo, j->hi);
	if (rc == 0)
		rc = write_header(c, c->l1_done);
	if (rc < 0)
		return fail_switch(img, c, rc);
	if (barrier(img, c) < 0)
		return -EIO;
	j->area.ckpt = c->l1_done;
	c->l1_done = c->seq;
	j->pending = false;
	return 0;
}

static int close_rw(struct ckd_image *img, struct cckd_image *c)
{
	struct cckd_jrn_area *a = &c->jrn.area;
	int rc = settle(img, c);

	if (rc < 0 || c->failed)
		return rc < 0 ? rc : -EIO;
	/* Nothing a crash could leave needs the journal or what the
	   syncs replaced any more. */
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
	rc = write_header(c, 0);
	if (rc == 0)
		rc = ckd_datasync(c->fd);
	return rc;
}

void cckd_free(struct cckd_image *c)
{
	if (!c)
		return;
	if (c->l2)
		for (uint32_t i = 0; i < c->nl1; i++)
			free(c->l2[i]);
	free(c->l2);
	free(c->l1);
	free(c->l2_dirty);
	free(c->fresh);
	free(c->io);
	ckd_space_fini(&c->space);
	close(c->fd);
	free(c);
}

int cckd_close(struct ckd_image *img)
{
	struct cckd_image *c = img->priv;
	int rc = img->readonly ? 0 : close_rw(img, c);

	cckd_free(c);
	return rc;
}
