/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD and CCKD64 writes and commits, crash-consistently
 * (docs/image-format.md "How ccwpass writes a CCKD file"). Nothing a
 * crash could leave references - the L1/L2 tables in place, which
 * Hercules reads, and the journal's records after the checkpoint, which
 * ccwpass replays - is ever overwritten:
 *
 *  write_track  the new image goes to free space; the in-memory L2 entry
 *               switches; the old image's space is released at once if
 *               it was written since the last commit, else deferred to
 *               the generation of the next commit.
 *  commit k     every changed L2 table is written whole to new space (or
 *               dropped: L1 entry 0 when all its tracks are default null
 *               tracks); record k (the tables, CRC-32 of each and of the
 *               track images written since commit k - 1) goes to journal
 *               slot k % nslots. No fdatasync: a SIGKILL from now on
 *               leaves k or later once the journal is replayed.
 *  flush        (ckd_cckd_flush.c) the L1 entries of the records already
 *               durable go in place, the header's checkpoint moves to
 *               the records whose entries are durably in place; ONE
 *               fdatasync makes every commit before it durable.
 *  fallback     a record that does not fit a slot (or no room for the
 *               journal, or the close): flushes until every earlier
 *               commit is durably in place (the first also covers the new
 *               tables), then the new L1 entries in place and the
 *               checkpoint k, fdatasync.
 *  close        (ckd_cckd_close.c) everything into the L1 table in place,
 *               the journal's space and every generation free, the file
 *               as Hercules expects it.
 *
 * What commit g replaced (deferred space of generation g) is free once
 * the L1 table in place durably no longer points at it and no replay can
 * read a record that does. A host crash leaves every track as of the
 * last durable commit or a later one once the journal is replayed
 * (ckd_cckd.c, at open), and as of an older commit in the L1 table in
 * place; the header keeps its "opened" bit, so Hercules runs its check
 * and ccwpass rebuilds free space from the L2 tables on the next open.
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

struct cckd_l2ent *cckd_table_for(struct cckd_image *c, uint32_t l1x)
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

bool cckd_null_entry(const struct ckd_image *img, const struct cckd_image *c,
		     uint32_t trk, const uint8_t *buf, size_t len,
		     struct cckd_l2ent *e)
{
	int h = img->unit->null_match(&img->geo, trk, buf, len,
				      c->hdr.nullfmt);

	if (h < 0)
		return false;
	*e = (struct cckd_l2ent){ 0, (uint16_t)h, (uint16_t)h, 0 };
	return true;
}

void cckd_log_limit(const struct ckd_image *img, struct cckd_image *c)
{
	if (c->limit_logged)
		return;
	c->limit_logged = true;
	if (img->unit != &ckd_unit_track) {
		log_msg(LOG_ERR, "%s: no space: a %s file cannot grow past %ju "
			"bytes (its offsets are %u-bit); writes that need more "
			"space fail", img->path, c->fmt->name,
			(uintmax_t)c->fmt->limit, c->fmt->off_size * 8);
		return;
	}
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
		cckd_log_limit(img, c);
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
	struct cckd_l2ent e;
	int rc;

	if (c->failed)
		return -EIO;
	cckd_read_forget(c);
	if (!cckd_table_for(c, trk / CCKD_L2_ENTRIES))
		return -ENOMEM;
	if (!cckd_null_entry(img, c, trk, buf, len, &e)) {
		rc = store_image(img, c, buf, len, &e);
		if (rc < 0)
			return rc;
	}
	rc = cckd_install(c, trk, e);
	if (rc == 0)
		cckd_mark_buffered(c, trk, e.pos != 0);
	return rc;
}

int cckd_install(struct cckd_image *c, uint32_t trk, struct cckd_l2ent e)
{
	uint32_t l1x = trk / CCKD_L2_ENTRIES;
	struct cckd_l2ent old = cckd_entry(c, trk);
	struct cckd_l2ent *t = c->l2[l1x];
	int rc;

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
			cckd_log_limit(img, c);
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

int cckd_write_l1(struct cckd_image *c, const uint64_t *l1, uint32_t lo,
		  uint32_t hi)
{
	/* Each entry is aligned to its size: none straddles a sector. */
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

int cckd_write_header(struct cckd_image *c, uint64_t ckpt)
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

void cckd_durable(struct ckd_image *img, uint64_t *seq, struct cckd_durable *d)
{
	struct cckd_image *c = img->priv;

	pthread_mutex_lock(&img->dur.mu);
	if (seq)
		*seq = img->dur.durable;
	*d = c->dur;
	pthread_mutex_unlock(&img->dur.mu);
}

/*
 * Free what no crash can need any more: generation g once the L1 table
 * in place durably no longer points at what commit g replaced
 * (dur.l1 >= g) and no replay reads record g - 1, whose tables and
 * images it may be (dur.ckpt >= g - 1).
 */
static int reclaim(struct ckd_image *img, struct cckd_image *c)
{
	struct cckd_durable d;
	uint64_t upto;

	cckd_durable(img, NULL, &d);
	upto = d.l1;
	if (c->jrn.area.pos && d.ckpt + 1 < upto)
		upto = d.ckpt + 1;
	if (upto <= c->space_upto)
		return 0;
	c->space_upto = upto;
	return ckd_space_commit(&c->space, upto);
}

/* Commit c->seq is in the file: the L1 takes the new tables, the
   replaced ones wait for their generation, and what no crash can need
   any more is free. */
static int finish_commit(struct ckd_image *img, struct cckd_image *c,
			 const uint64_t *newl1)
{
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
	rc |= reclaim(img, c);
	if (rc) {
		/* In the file, but the space is no longer known: stop. */
		c->failed = true;
		log_msg(LOG_ERR, "%s: cannot account for the space a commit "
			"freed; no more writes", img->path);
		return -ENOMEM;
	}
	return 0;
}

/* The state on disk is unknown: reuse no space from now. */
static int fail_switch(struct ckd_image *img, struct cckd_image *c, int rc)
{
	c->failed = true;
	log_msg(LOG_ERR, "%s: commit failed while switching the L1 table: "
		"%s; no more writes", img->path, strerror(-rc));
	return -EIO;
}

/*
 * The commit without the journal (a record that does not fit a slot, no
 * room for a journal, close): flushes until the new tables are durable
 * and every earlier commit is durably in the L1 table in place; then the
 * new L1 entries in place and the checkpoint, and one more flush. A crash
 * before it ends leaves each group as of the last commit or this one.
 */
static int commit_switch(struct ckd_image *img, struct cckd_image *c,
			 const uint64_t *newl1, uint32_t lo, uint32_t hi)
{
	struct cckd_journal *j = &c->jrn;
	struct cckd_durable d;
	int rc;

	do {
		rc = ckd_flush_locked(img);
		if (rc < 0)
			return rc;
		cckd_durable(img, NULL, &d);
	} while (d.l1 < c->seq);
	rc = cckd_write_l1(c, newl1, lo, hi);
	if (rc == 0 && j->area.pos)
		rc = cckd_write_header(c, c->seq + 1);
	if (rc < 0)
		return fail_switch(img, c, rc);
	memcpy(c->l1_place + lo, newl1 + lo,
	       (size_t)(hi - lo + 1) * sizeof(*newl1));
	c->seq++;
	c->l1_written = c->seq;
	if (j->area.pos) {
		j->area.ckpt = c->seq;
		j->written = true;
	}
	rc = ckd_flush_locked(img);
	return rc < 0 ? rc : finish_commit(img, c, newl1);
}

/* The journal's space, at the first commit that has a record for it. */
static int journal_alloc(struct ckd_image *img, struct cckd_image *c)
{
	struct cckd_journal *j = &c->jrn;
	struct cckd_jrn_area *a = &j->area;
	uint64_t pos;
	int rc;

	if (j->nchg != a->nslots) {
		struct cckd_jrn_chg *v = calloc(a->nslots, sizeof(*v));

		if (!v)
			return -ENOMEM;
		cckd_jrn_chg_free(j);
		j->chg = v;
		j->nchg = a->nslots;
	}
	rc = ckd_space_alloc_aligned(&c->space, a->slot * a->nslots,
				     CCKD_JRN_SLOT, &pos);
	if (rc < 0)
		return rc;
	/* Every earlier commit is in place (they all switched). */
	a->pos = pos;
	a->ckpt = c->seq;
	j->written = false;
	pthread_mutex_lock(&img->dur.mu);
	c->dur.ckpt = c->seq;
	c->dur.nslots = a->nslots;
	pthread_mutex_unlock(&img->dur.mu);
	return 0;
}

/*
 * Write this commit's record, if it can have one (and, with the first,
 * the header that finds the journal). Returns 0 with *pos the record's
 * position (0: none, switch in place), or negative errno.
 */
static int write_record(struct ckd_image *img, struct cckd_image *c,
			const uint64_t *newl1, uint64_t *pos)
{
	struct cckd_journal *j = &c->jrn;
	struct cckd_jrn_area *a = &j->area;
	uint64_t seq = c->seq + 1;
	uint8_t *rec;
	size_t len;
	int rc = 0;

	*pos = 0;
	if (!a->pos)
		*a = (struct cckd_jrn_area){ .slot = cckd_jrn_slot_size,
					     .nslots = cckd_jrn_slots,
					     .id = cckd_jrn_new_id() };
	rec = malloc(a->slot);
	if (!rec)
		return -ENOMEM;
	len = cckd_jrn_record(c, seq, newl1, rec);
	/* No room for a journal (a CCKD file at its limit): switch. */
	if (len && !a->pos && journal_alloc(img, c) < 0)
		len = 0;
	if (len)
		rc = cckd_jrn_room(img, c, seq);
	if (len && rc == 0)
		rc = cckd_jrn_reserve(c, seq);
	if (len && rc == 0) {
		*pos = a->pos + (seq % a->nslots) * a->slot;
		rc = ckd_pwrite_full(c->fd, rec, len, *pos);
	}
	if (len && rc == 0 && !j->written) {
		rc = cckd_write_header(c, a->ckpt);
		j->written = rc == 0;
	}
	free(rec);
	return rc;
}

static int commit_changes(struct ckd_image *img, bool journal)
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
	cckd_read_forget(c);
	newl1 = malloc(c->nl1 * sizeof(*newl1));
	if (!newl1)
		return -ENOMEM;
	rc = write_tables(img, c, newl1, &lo, &hi);
	if (rc == 0 && journal)
		rc = write_record(img, c, newl1, &rec);
	if (rc < 0) {
		/* Nothing committed references the new tables or the
		   record: a failed write can be retried later. */
		drop_tables(c, newl1);
		free(newl1);
		return -EIO;
	}
	if (rec) {
		cckd_jrn_keep(c, c->seq + 1, newl1);
		c->seq++;
		rc = finish_commit(img, c, newl1);
	} else {
		rc = commit_switch(img, c, newl1, lo, hi);
	}
	free(newl1);
	return rc < 0 ? -EIO : 0;
}

int cckd_commit(struct ckd_image *img, uint64_t *seq)
{
	int rc = commit_changes(img, true);

	*seq = ((struct cckd_image *)img->priv)->seq;
	return rc;
}

/* Close: the last changes without the journal. */
int cckd_commit_in_place(struct ckd_image *img)
{
	return commit_changes(img, false);
}

int cckd_mark_open(struct ckd_image *img)
{
	struct cckd_image *c = img->priv;
	int rc;

	c->hdr.options |= CCKD_OPT_OPENED | CCKD_OPT_ORDWR;
	rc = cckd_write_header(c, 0);
	if (rc == 0)
		rc = ckd_datasync(c->fd);
	return rc;
}

int cckd_write_l1_all(struct cckd_image *c)
{
	int rc = cckd_write_l1(c, c->l1, 0, c->nl1 - 1);

	return rc ? rc : ckd_datasync(c->fd);
}

void cckd_free(struct cckd_image *c)
{
	if (!c)
		return;
	if (c->l2)
		for (uint32_t i = 0; i < c->nl1; i++)
			free(c->l2[i]);
	cckd_jrn_chg_free(&c->jrn);
	free(c->l2);
	free(c->l1);
	free(c->l1_place);
	free(c->l2_dirty);
	free(c->fresh);
	free(c->io);
	cckd_direct_close(c);
	ckd_space_fini(&c->space);
	close(c->fd);
	free(c);
}
