/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Track cache (see eckd_cache.h): least-recently-used replacement over
 * whole-track buffers, write-back on eviction and flush. Image reads and
 * writes happen with the slot marked busy and the lock dropped, so that
 * programs on other subchannels go on using the other slots meanwhile.
 */
#include "dasd/eckd_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/thread.h"

#include "dasd/eckd_track.h"
#include "image/ckd_image.h"

static struct eckd_cache_slot *slot_new(size_t bufsize)
{
	struct eckd_cache_slot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->buf = malloc(bufsize);
	if (!s->buf) {
		free(s);
		return NULL;
	}
	return s;
}

int eckd_cache_init(struct eckd_cache *c, struct ckd_image *img)
{
	const struct ckd_geometry *geo = ckd_image_geometry(img);

	c->img = img;
	c->clock = 0;
	c->nslots = 0;
	c->tracks = geo->cyls * geo->heads;
	c->readahead = true;
	for (int i = 0; i < ECKD_CACHE_RA_STREAMS; i++)
		c->ra[i] = (struct eckd_ra_stream){ .last = UINT32_MAX };
	c->ra_turn = 0;
	c->ra_started = c->ra_stop = false;
	c->ra_reads = c->ra_hits = 0;
	c->ra_want = 0;
	pthread_cond_init(&c->ra_cond, NULL);
	c->bufsize = geo->trksize;
	if (c->bufsize < ECKD_EMPTY_TRACK_LEN)
		c->bufsize = ECKD_EMPTY_TRACK_LEN;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	for (int i = 0; i < ECKD_CACHE_SLOTS; i++) {
		c->slot[i] = slot_new(c->bufsize);
		if (!c->slot[i]) {
			eckd_cache_fini(c);
			return -ENOMEM;
		}
		c->nslots++;
	}
	return 0;
}

void eckd_cache_fini(struct eckd_cache *c)
{
	bool join;

	pthread_mutex_lock(&c->lock);
	c->ra_stop = true;
	join = c->ra_started;
	c->ra_started = false;
	pthread_cond_broadcast(&c->ra_cond);
	pthread_mutex_unlock(&c->lock);
	if (join)
		pthread_join(c->ra_thread, NULL);
	pthread_cond_destroy(&c->ra_cond);
	for (unsigned int i = 0; i < c->nslots; i++) {
		free(c->slot[i]->buf);
		free(c->slot[i]);
		c->slot[i] = NULL;
	}
	c->nslots = 0;
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
}

/*
 * Write a dirty slot back with the lock dropped (the slot is busy
 * meanwhile). Lock held on entry and return. Returns: 0 or -errno; on an
 * error the slot keeps its state (dirty) for the caller to decide.
 */
static int write_back(struct eckd_cache *c, struct eckd_cache_slot *s)
{
	int rc;

	s->busy = true;
	pthread_mutex_unlock(&c->lock);
	rc = ckd_image_write_track(c->img, s->trk, s->buf, s->len);
	pthread_mutex_lock(&c->lock);
	s->busy = false;
	if (!rc) {
		s->dirty = false;
		s->owner = NULL;
		s->wb_failed = false;
	}
	pthread_cond_broadcast(&c->cond);
	return rc;
}

/* A slot nobody uses now (not pinned, not busy). */
static bool idle(const struct eckd_cache_slot *s)
{
	return !s->pins && !s->busy;
}

/*
 * Which slot to reuse, best first: free, then clean (least recently
 * used), then read ahead but not yet used, then one changed by owner, then
 * one changed by another program (its write-back has not failed before).
 * NULL: none can be reused now.
 */
static struct eckd_cache_slot *pick_victim(struct eckd_cache *c,
					   const void *owner)
{
	struct eckd_cache_slot *best = NULL;
	int best_rank = 5;

	for (unsigned int i = 0; i < c->nslots; i++) {
		struct eckd_cache_slot *s = c->slot[i];
		int rank;

		if (!idle(s))
			continue;
		if (!s->valid)
			rank = 0;
		else if (!s->dirty && !s->ahead)
			rank = 1;
		else if (!s->dirty)
			rank = 2;       /* read ahead, not yet used */
		else if (s->owner == owner)
			rank = 3;
		else if (!s->wb_failed)
			rank = 4;
		else
			continue;
		if (rank < best_rank ||
		    (rank == best_rank && s->stamp < best->stamp)) {
			best = s;
			best_rank = rank;
		}
	}
	return best;
}

/* The slot holding (or reading) trk, if any. */
static struct eckd_cache_slot *find(struct eckd_cache *c, uint32_t trk)
{
	for (unsigned int i = 0; i < c->nslots; i++)
		if (c->slot[i]->valid && c->slot[i]->trk == trk)
			return c->slot[i];
	return NULL;
}

/* A cached slot for trk; waits while it is being read or written. */
static struct eckd_cache_slot *lookup(struct eckd_cache *c, uint32_t trk)
{
	struct eckd_cache_slot *s;

	while ((s = find(c, trk)) && s->busy)
		pthread_cond_wait(&c->cond, &c->lock);
	return s;
}

/*
 * A slot that may take a new track, cleaned; lock held. Returns: 0, or
 * the error of writing back one of owner's tracks (dropped).
 */
static int make_room(struct eckd_cache *c, const void *owner,
		     struct eckd_cache_slot **out)
{
	for (;;) {
		struct eckd_cache_slot *v = pick_victim(c, owner);
		int rc;

		if (!v && c->nslots < ECKD_CACHE_MAX_SLOTS) {
			v = slot_new(c->bufsize);
			if (!v)
				return -ENOMEM;
			c->slot[c->nslots++] = v;
		}
		if (!v) {       /* every slot pinned or busy: wait for one */
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		if (!v->valid || !v->dirty) {
			*out = v;
			return 0;
		}
		rc = write_back(c, v);
		if (!rc)
			continue;       /* it may have been taken meanwhile */
		if (v->owner == owner) {
			/* The program's own change is lost: it hears of it. */
			v->valid = false;
			v->dirty = false;
			v->owner = NULL;
			return rc;
		}
		/* Another program's: it hears of it at its flush. */
		v->wb_failed = true;
	}
}

/*
 * Read track trk from the image into slot s, which becomes it (busy
 * meanwhile, the lock dropped; ahead: read ahead, not for a program).
 * Lock held on entry and return. Returns: 0, or -errno (-EUCLEAN: a
 * track image of a bad length) with the slot free again.
 */
static int fill(struct eckd_cache *c, struct eckd_cache_slot *s,
		uint32_t trk, bool ahead)
{
	size_t len = 0;
	int rc;

	s->trk = trk;
	s->valid = true;
	s->dirty = false;
	s->busy = true;
	s->ahead = ahead;
	pthread_mutex_unlock(&c->lock);
	rc = ckd_image_read_track(c->img, trk, s->buf, c->bufsize, &len);
	if (!rc && (len > c->bufsize || len < ECKD_HA_LEN))
		rc = -EUCLEAN;
	pthread_mutex_lock(&c->lock);
	s->busy = false;
	s->len = len;
	if (rc) {
		s->valid = false;
		s->ahead = false;
	}
	pthread_cond_broadcast(&c->cond);
	return rc;
}

/* ---- read-ahead ---- */

/*
 * A slot read-ahead may fill, lock held: a free one, else the least
 * recently used clean one that is not itself read ahead and unused (one
 * read ahead ECKD_CACHE_RA_RECENT gets ago is a window nobody came for).
 * NULL: none.
 */
static struct eckd_cache_slot *ra_slot(struct eckd_cache *c)
{
	struct eckd_cache_slot *best = NULL;

	for (unsigned int i = 0; i < c->nslots; i++) {
		struct eckd_cache_slot *s = c->slot[i];

		if (!idle(s) || s->dirty ||
		    (s->ahead && c->clock - s->stamp <= ECKD_CACHE_RA_RECENT))
			continue;      /* a window still to be used */
		if (!s->valid)
			return s;
		if (!best || s->stamp < best->stamp)
			best = s;
	}
	return best;
}

/*
 * The cache grows to ra_want slots, in this thread (lock held, dropped
 * while allocating): ECKD_CACHE_RA_SLOTS when read-ahead starts, more
 * when the windows of several streams did not fit, so that later I/O
 * allocates nothing (no memory-management system call in steady state,
 * this thread's malloc arena included).
 */
static void ra_grow(struct eckd_cache *c)
{
	struct eckd_cache_slot *add[ECKD_CACHE_MAX_SLOTS];
	unsigned int n = 0, want;

	want = c->nslots < c->ra_want ? c->ra_want - c->nslots : 0;
	if (!want)
		return;
	pthread_mutex_unlock(&c->lock);
	while (n < want && (add[n] = slot_new(c->bufsize)))
		n++;
	pthread_mutex_lock(&c->lock);
	while (n && c->nslots < ECKD_CACHE_MAX_SLOTS)
		c->slot[c->nslots++] = add[--n];
	if (c->nslots < c->ra_want || n)
		c->ra_want = c->nslots;   /* out of memory, or at the cap */
	pthread_mutex_unlock(&c->lock);
	while (n) {
		free(add[--n]->buf);
		free(add[n]);
	}
	pthread_mutex_lock(&c->lock);
}

/* The next track to read ahead, taking the streams in turn (lock held).
 * False: none has one. */
static bool ra_take(struct eckd_cache *c, uint32_t *trk)
{
	for (unsigned int k = 0; k < ECKD_CACHE_RA_STREAMS; k++) {
		struct eckd_ra_stream *st =
			&c->ra[(c->ra_turn + k) % ECKD_CACHE_RA_STREAMS];

		if (st->next < st->end) {
			*trk = st->next++;
			c->ra_turn = (c->ra_turn + k + 1) %
				     ECKD_CACHE_RA_STREAMS;
			return true;
		}
	}
	return false;
}

static void *ra_main(void *arg)
{
	struct eckd_cache *c = arg;

	pthread_setname_np(pthread_self(), "ccwpass-ahead");
	thread_set_background();
	pthread_mutex_lock(&c->lock);
	while (!c->ra_stop) {
		struct eckd_cache_slot *s;
		uint32_t trk;

		if (c->nslots < c->ra_want) {
			ra_grow(c);     /* drops the lock: ra_stop again */
			continue;
		}

		if (!ra_take(c, &trk)) {
			pthread_cond_wait(&c->ra_cond, &c->lock);
			continue;
		}
		if (find(c, trk))
			continue;
		s = ra_slot(c);
		if (!s && c->nslots < ECKD_CACHE_MAX_SLOTS) {
			/* The windows do not fit (several streams at once):
			 * room for one more, once. */
			c->ra_want = c->nslots + ECKD_CACHE_RA_STREAM_SLOTS;
			if (c->ra_want > ECKD_CACHE_MAX_SLOTS)
				c->ra_want = ECKD_CACHE_MAX_SLOTS;
			ra_grow(c);     /* drops the lock: look again */
			if (c->ra_stop || !c->readahead)
				continue;
			if (!find(c, trk))
				s = ra_slot(c);
		}
		if (!s)
			continue;      /* full of what is still to be used */
		/* An error is for the program's own read to report. */
		if (!fill(c, s, trk, true)) {
			s->stamp = ++c->clock;
			c->ra_reads++;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/*
 * A program got trk (lock held): the stream it continues (else the
 * oldest one starts over from it); after ECKD_CACHE_RA_RUN tracks in a
 * row, that stream's window ahead of trk is read. Returns whether the
 * read-ahead thread is to be woken: the caller signals once it dropped
 * the lock, which the thread, woken first, would only block on.
 */
static bool note_sequential(struct eckd_cache *c, uint32_t trk)
{
	struct eckd_ra_stream *st = NULL, *old = &c->ra[0];
	uint32_t end;

	for (int i = 0; i < ECKD_CACHE_RA_STREAMS && !st; i++) {
		if (c->ra[i].last == trk)
			return false;   /* the same track again */
		if (c->ra[i].last != UINT32_MAX && c->ra[i].last + 1 == trk)
			st = &c->ra[i];
		else if (c->ra[i].stamp < old->stamp)
			old = &c->ra[i];
	}
	if (!st) {
		*old = (struct eckd_ra_stream){ .last = trk, .run = 1,
						.stamp = c->clock };
		return false;
	}
	st->run++;
	st->last = trk;
	st->stamp = c->clock;
	if (!c->readahead || c->ra_stop || st->run < ECKD_CACHE_RA_RUN)
		return false;
	if (st->next <= trk)
		st->next = trk + 1;   /* the program overtook the thread */
	/* The window moves in steps of half its size, not by a track per
	 * track got: the thread then reads a dozen tracks per wake-up, not
	 * one (a wake-up is the dearer part on a virtual machine). */
	if (st->end > trk + 1 + ECKD_CACHE_RA_TRACKS / 2 &&
	    st->end <= trk + 1 + ECKD_CACHE_RA_TRACKS)
		return false;
	end = trk + 1 + ECKD_CACHE_RA_TRACKS;
	if (end > c->tracks || end < trk)
		end = c->tracks;
	if (st->next > end)
		st->next = trk + 1;
	st->end = end;
	if (!c->ra_started) {
		int r;

		if (c->ra_want < ECKD_CACHE_RA_SLOTS)
			c->ra_want = ECKD_CACHE_RA_SLOTS;
		r = pthread_create(&c->ra_thread, NULL, ra_main, c);

		if (r) {
			c->readahead = false;
			log_msg(LOG_WARNING, "%s: no read-ahead thread: %s",
				ckd_image_path(c->img), strerror(r));
			return false;
		}
		c->ra_started = true;
	}
	return true;
}

void eckd_cache_set_readahead(struct eckd_cache *c, bool on)
{
	pthread_mutex_lock(&c->lock);
	c->readahead = on;
	if (!on)
		for (int i = 0; i < ECKD_CACHE_RA_STREAMS; i++)
			c->ra[i].next = c->ra[i].end;
	pthread_mutex_unlock(&c->lock);
}

int eckd_cache_get(struct eckd_cache *c, uint32_t trk, const void *owner,
		   struct eckd_cache_slot **out)
{
	struct eckd_cache_slot *s;
	bool wake = false;
	int rc;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		s = lookup(c, trk);
		if (s)
			break;
		rc = make_room(c, owner, &s);
		if (rc)
			goto out;
		/* Someone may have read trk while a write-back ran; s
		 * stays ours as long as the lock is not dropped. */
		if (find(c, trk))
			continue;
		rc = fill(c, s, trk, false);
		if (rc)
			goto out;
		break;
	}
	s->pins++;
	s->stamp = ++c->clock;
	if (s->ahead) {
		s->ahead = false;
		c->ra_hits++;
	}
	wake = note_sequential(c, trk);
	*out = s;
	rc = 0;
out:
	pthread_mutex_unlock(&c->lock);
	if (wake)
		pthread_cond_signal(&c->ra_cond);
	return rc;
}

void eckd_cache_put(struct eckd_cache *c, struct eckd_cache_slot *s)
{
	pthread_mutex_lock(&c->lock);
	if (!--s->pins)
		pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void eckd_cache_dirty(struct eckd_cache *c, struct eckd_cache_slot *s,
		      const void *owner)
{
	pthread_mutex_lock(&c->lock);
	s->dirty = true;
	s->owner = owner;
	s->wb_failed = false;
	pthread_mutex_unlock(&c->lock);
}

/*
 * The idle slots owner changed (NULL: any changed slot), up to
 * ECKD_FLUSH_BATCH, in track order (so that they lie in the file in the
 * order a reader reads them); waits while all such slots are busy.
 * Lock held. Returns how many (0: none left).
 */
static unsigned int changed(struct eckd_cache *c, const void *owner,
			    struct eckd_cache_slot **out)
{
	for (;;) {
		unsigned int n = 0;
		bool wait = false;

		for (unsigned int i = 0; i < c->nslots; i++) {
			struct eckd_cache_slot *s = c->slot[i];
			unsigned int k;

			if (!s->valid || !s->dirty || (owner && s->owner != owner))
				continue;
			if (!idle(s)) {
				wait = true;
				continue;
			}
			if (n == ECKD_FLUSH_BATCH)
				break;
			for (k = n++; k > 0 && out[k - 1]->trk > s->trk; k--)
				out[k] = out[k - 1];
			out[k] = s;
		}
		if (n || !wait)
			return n;
		pthread_cond_wait(&c->cond, &c->lock);
	}
}

/*
 * Write slots s[0..n) back in one ckd_image_write_tracks() (the lock
 * dropped, the slots busy meanwhile). The slot whose write failed is
 * dropped; those after it stay changed, for the next round. Lock held
 * on entry and return. Returns: 0 or the error.
 */
static int write_back_batch(struct eckd_cache *c,
			    struct eckd_cache_slot **s, unsigned int n)
{
	struct ckd_track_out t[ECKD_FLUSH_BATCH];
	unsigned int done = 0;
	int rc;

	for (unsigned int i = 0; i < n; i++) {
		s[i]->busy = true;
		t[i] = (struct ckd_track_out){ s[i]->trk, s[i]->buf,
					       s[i]->len };
	}
	pthread_mutex_unlock(&c->lock);
	rc = ckd_image_write_tracks(c->img, t, n, &done);
	pthread_mutex_lock(&c->lock);
	for (unsigned int i = 0; i < n; i++) {
		s[i]->busy = false;
		if (i < done || (rc && i == done)) {
			s[i]->dirty = false;
			s[i]->owner = NULL;
			s[i]->wb_failed = false;
			s[i]->valid = i < done;
		}
	}
	pthread_cond_broadcast(&c->cond);
	return rc;
}

int eckd_cache_flush(struct eckd_cache *c, const void *owner)
{
	struct eckd_cache_slot *s[ECKD_FLUSH_BATCH];
	unsigned int n;
	int first = 0;

	pthread_mutex_lock(&c->lock);
	while ((n = changed(c, owner, s))) {
		int rc = write_back_batch(c, s, n);

		if (rc && !first)
			first = rc;
	}
	pthread_mutex_unlock(&c->lock);
	return first;
}
