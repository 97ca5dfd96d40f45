/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD and CCKD64 flushes (docs/image-format.md "Commits and
 * durability"): the backend's part of a group commit (ckd_durable.c) and
 * the journal's ring. A barrier makes durable what was written before it;
 * what it may also carry follows from what earlier barriers made durable
 * (c->dur):
 *
 *  - the L1 entries of records already durable go in place (never those
 *    of a record that is not: a crash would leave the L1 table pointing
 *    at tables that may not be on disk);
 *  - the header's checkpoint moves to the records whose L1 entries are
 *    durably in place (a replay starts after it).
 *
 * So with one barrier per flush, commit k of a thread that flushes after
 * each commit is durable with its own flush, in the L1 table in place
 * with the next, behind the checkpoint with the one after: as the
 * journal always did. Record k reuses the slot of record k - nslots,
 * which only a checkpoint at or past it makes unneeded; a commit that
 * finds it needed flushes itself (at most three times: record durable,
 * entries in place, checkpoint).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_io.h"

uint32_t cckd_jrn_slots = CCKD_JRN_SLOTS;

void cckd_jrn_chg_free(struct cckd_journal *j)
{
	for (uint32_t i = 0; j->chg && i < j->nchg; i++) {
		free(j->chg[i].idx);
		free(j->chg[i].pos);
	}
	free(j->chg);
	j->chg = NULL;
	j->nchg = 0;
}

static struct cckd_jrn_chg *chg_of(struct cckd_image *c, uint64_t seq)
{
	return &c->jrn.chg[seq % c->jrn.nchg];
}

int cckd_jrn_reserve(struct cckd_image *c, uint64_t seq)
{
	struct cckd_jrn_chg *ch = chg_of(c, seq);
	uint32_t n = c->ndirty;
	uint32_t *idx;
	uint64_t *pos;

	if (n <= ch->cap)
		return 0;
	idx = realloc(ch->idx, n * sizeof(*idx));
	if (idx)
		ch->idx = idx;
	pos = idx ? realloc(ch->pos, n * sizeof(*pos)) : NULL;
	if (!pos)
		return -ENOMEM;
	ch->pos = pos;
	ch->cap = n;
	return 0;
}

void cckd_jrn_keep(struct cckd_image *c, uint64_t seq, const uint64_t *newl1)
{
	struct cckd_jrn_chg *ch = chg_of(c, seq);

	ch->seq = seq;
	ch->n = 0;
	for (uint32_t i = 0; i < c->nl1 && ch->n < ch->cap; i++) {
		if (!c->l2_dirty[i])
			continue;
		ch->idx[ch->n] = i;
		ch->pos[ch->n++] = newl1[i];
	}
}

int cckd_jrn_room(struct ckd_image *img, struct cckd_image *c, uint64_t seq)
{
	for (;;) {
		struct cckd_durable d;
		int rc;

		cckd_durable(img, NULL, &d);
		if (seq <= d.ckpt + c->jrn.area.nslots)
			return 0;
		rc = ckd_flush_locked(img);
		if (rc < 0)
			return rc;
	}
}

/* The L1 entries of records (c->l1_written, upto] in place. */
static int place_records(struct ckd_image *img, struct cckd_image *c,
			 uint64_t upto)
{
	uint32_t lo = c->nl1, hi = 0;

	for (uint64_t s = c->l1_written + 1; s <= upto; s++) {
		const struct cckd_jrn_chg *ch = chg_of(c, s);

		if (ch->seq != s) {
			log_msg(LOG_ERR, "%s: journal: the L1 changes of "
				"record %ju are gone", img->path,
				(uintmax_t)s);
			return -EIO;
		}
		for (uint32_t i = 0; i < ch->n; i++) {
			c->l1_place[ch->idx[i]] = ch->pos[i];
			lo = ch->idx[i] < lo ? ch->idx[i] : lo;
			hi = ch->idx[i] > hi ? ch->idx[i] : hi;
		}
	}
	c->l1_written = upto;
	return lo <= hi ? cckd_write_l1(c, c->l1_place, lo, hi) : 0;
}

int cckd_flush_prepare(struct ckd_image *img, struct ckd_flush *f)
{
	struct cckd_image *c = img->priv;
	struct cckd_journal *j = &c->jrn;
	struct cckd_durable d;
	uint64_t durable;
	int rc = 0;

	cckd_durable(img, &durable, &d);
	f->target = c->seq;
	f->fd[0] = c->fd;
	f->nfd = 1;
	f->u.cckd.from = durable;
	f->u.cckd.jpos = j->area.pos;
	f->u.cckd.slot = j->area.slot;
	f->u.cckd.nslots = j->area.nslots;
	if (c->failed)
		return -EIO;
	if (c->l1_written < durable)
		rc = place_records(img, c, durable);
	if (rc == 0 && j->written && j->area.ckpt < d.l1) {
		rc = cckd_write_header(c, d.l1);
		if (rc == 0)
			j->area.ckpt = d.l1;
	}
	f->u.cckd.l1 = c->l1_written;
	f->u.cckd.ckpt = j->written ? j->area.ckpt : d.ckpt;
	if (rc < 0) {
		c->failed = true;
		log_msg(LOG_ERR, "%s: cannot write the L1 table in place or "
			"the header: %s", img->path, strerror(-rc));
	}
	return rc;
}

void cckd_flush_done(struct ckd_image *img, const struct ckd_flush *f)
{
	struct cckd_image *c = img->priv;

	if (f->u.cckd.l1 > c->dur.l1)
		c->dur.l1 = f->u.cckd.l1;
	if (f->u.cckd.ckpt > c->dur.ckpt)
		c->dur.ckpt = f->u.cckd.ckpt;
}

/*
 * Disown the records the failed flush covered, so that their pages, if
 * the kernel writes them back after all, do not complete commits whose
 * flush failed (and a replay stops before every later one). Their slots
 * are not reused while they are after the checkpoint, which no flush
 * moves any more: no commit writes there meanwhile.
 */
void cckd_flush_failed(struct ckd_image *img, const struct ckd_flush *f)
{
	static const uint8_t zero[8];

	(void)img;
	for (uint64_t s = f->u.cckd.from + 1;
	     f->u.cckd.jpos && s <= f->target; s++)
		ckd_pwrite_full(f->fd[0], zero, sizeof(zero), f->u.cckd.jpos +
				s % f->u.cckd.nslots * f->u.cckd.slot);
}

bool cckd_flush_urgent(struct ckd_image *img)
{
	struct cckd_image *c = img->priv;

	return c->dur.nslots && img->dur.committed > img->dur.durable &&
	       img->dur.committed - c->dur.ckpt >= (c->dur.nslots + 1) / 2;
}
