/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD and CCKD64 crash consistency (the first argument names the format:
 * "cckd", the default, or "cckd64"; the second the session: "sync", the
 * default, or "writeback"). A session is recorded (crash_test.h) and
 * every crash image it allows is checked:
 *  - read-only, which replays the journal in memory;
 *  - after a read-write open, which replays it into the L1 table and
 *    drops it (recovery), and again after that image's clean close;
 *  - as Hercules reads the file, the on-disk L1 alone (the journal's
 *    private header area cleared): every track intact, as of an epoch no
 *    later than the journal's.
 * The sync session: syncs and a close; every track must read as of the
 * last completed ckd_image_sync() or the next one (Hercules: or the one
 * before), the whole volume as of one sync but where a sync falls back
 * to the L1 table in place (a group as of either). Crashes during
 * recovery are checked the same way, and the fdatasyncs of each sync are
 * counted: one, two for the sync whose record does not fit the journal
 * (slots of 512 bytes here), four for the close.
 * The writeback session: commits without make_durable in a ring of 4
 * slots, make_durable now and then (once in another thread, its
 * fdatasync held while the next commit runs), a commit that falls back,
 * a close: with every piece written up to a commit (what a SIGKILL
 * leaves) the volume reads exactly as of that commit; in any crash image
 * as of one commit from the last whose pieces all reached the disk to
 * the one in progress; a commit does no fdatasync unless the ring is
 * full or it falls back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/log.h"
#include "crash_test.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image_test.h"
#include "test_wait.h"

#define CYLS 18                   /* 270 tracks: two L2 groups */
#define TRKS (CYLS * 15)
#define SYNCS 6
#define BIG 4                     /* this sync's record does not fit */
#define WB_COMMITS 11             /* the writeback session's commits */
#define WB_BIG 6                  /* this one's record does not fit */
#define WB_HELD 9                 /* this one's flush runs through the next */
/* Expected track contents after each epoch: 0 before the session, 1..
   n after each sync or commit, n + 1 after the close. */
#define EPOCHS (SYNCS + 2)
#define WB_EPOCHS (WB_COMMITS + 2)
#define MAX_EPOCHS WB_EPOCHS
#define AREA (512 + CCKD_JRN_AREA_POS)

static uint8_t *expect_img[MAX_EPOCHS][TRKS];
static size_t expect_len[MAX_EPOCHS][TRKS];
static unsigned int nepochs;      /* of the session recorded */
/* Writeback: session.n when commit k returned. */
static size_t wb_at[WB_COMMITS + 1];

static enum ckd_image_format format = CKD_IMAGE_CCKD;
static char *dir, *path, *crash_path;
static uint8_t *base;
static size_t base_len;
static struct cr_log session;
static struct cr_file file;
static uint8_t trkbuf[CKD_MAX_TRACK_SIZE];
static unsigned long checked, behind;

/* Thousands of recoveries would log "was not closed cleanly" each. */
static void quiet(int level, const char *msg, void *opaque)
{
	(void)opaque;
	if (level <= LOG_WARNING)
		fprintf(stderr, "%s\n", msg);
}

static void remember(unsigned int epoch, struct ckd_image *img)
{
	for (uint32_t t = 0; t < TRKS; t++) {
		size_t len;

		assert_int_equal(ckd_image_read_track(img, t, trkbuf,
						      sizeof(trkbuf), &len), 0);
		expect_img[epoch][t] = malloc(len);
		memcpy(expect_img[epoch][t], trkbuf, len);
		expect_len[epoch][t] = len;
	}
}

/*
 * A mix of writes over both groups: the same tracks every round (so old
 * durable images are replaced), some others, null tracks, a rewrite.
 */
static void write_one(struct ckd_image *img, uint32_t t, uint32_t round)
{
	const struct ckd_geometry *g = ckd_image_geometry(img);
	size_t len;

	if ((t + round) % 5 == 0)
		len = ckd_track_null(trkbuf, sizeof(trkbuf), (uint16_t)(t / 15),
				     (uint16_t)(t % 15), CKD_NULL_R0);
	else
		len = it_track(trkbuf, sizeof(trkbuf), g, t, round, t % 2);
	assert_int_equal(ckd_image_write_track(img, t, trkbuf, len), 0);
}

/*
 * Tracks first, first + step, ... below end in batches of BATCH
 * (ckd_image_write_tracks: direct writes of aligned, padded images where
 * the file system takes them), as write_one() makes them.
 */
#define BATCH 12
static uint8_t batch[BATCH][CKD_MAX_TRACK_SIZE];

static void write_batches(struct ckd_image *img, uint32_t first,
			  uint32_t step, uint32_t end, uint32_t round)
{
	const struct ckd_geometry *g = ckd_image_geometry(img);
	struct ckd_track_out out[BATCH];
	unsigned int n = 0, done;

	for (uint32_t t = first; t < end; t += step) {
		size_t len = (t + round) % 5 == 0 ?
			ckd_track_null(batch[n], CKD_MAX_TRACK_SIZE,
				       (uint16_t)(t / 15), (uint16_t)(t % 15),
				       CKD_NULL_R0) :
			it_track(batch[n], CKD_MAX_TRACK_SIZE, g, t, round,
				 t % 2);

		out[n] = (struct ckd_track_out){ t, batch[n], len };
		if (++n == BATCH || t + step >= end) {
			assert_int_equal(ckd_image_write_tracks(img, out, n,
								&done), 0);
			assert_int_equal(done, n);
			n = 0;
		}
	}
}

static void session_writes(struct ckd_image *img, uint32_t round, bool big)
{
	for (uint32_t t = 0; t < TRKS; t += 37)
		write_one(img, t, round);
	/* Odd rounds write these in batches, even ones track by track. */
	if (round % 2)
		write_batches(img, round + 5, 53, TRKS, round);
	for (uint32_t t = round + 5; t < TRKS && round % 2 == 0; t += 53)
		write_one(img, t, round);
	/* Too many new track images for a record of 512 bytes. */
	if (big)
		write_batches(img, 1, 3, TRKS, round);
	write_one(img, 37, round + 100);
}

/*
 * Epoch 0 (some content, cleanly closed), then the image open for the
 * session, remembered, the file as the open left it in base, and the
 * recorder on. The journal's slots are 512 bytes.
 */
static struct ckd_image *begin_session(unsigned int epochs)
{
	struct ckd_image *img;
	struct error err;

	nepochs = epochs;
	checked = behind = 0;
	dir = it_mkdtemp();
	path = it_path(dir, "vol.cckd");
	crash_path = it_path(dir, "crash.cckd");
	it_create(path, CYLS, format, CKD_INIT_BLANK);
	cckd_jrn_slot_size = 512;
	log_set_sink(quiet, NULL);
	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	session_writes(img, 0, false);
	ckd_image_close(img);

	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	remember(0, img);
	base = it_read_file(path, &base_len);   /* as open left it */
	cr_record(&session);
	return img;
}

static void end_session(void)
{
	cr_stop();
	cckd_jrn_slot_size = CCKD_JRN_SLOT;
	cckd_jrn_slots = CCKD_JRN_SLOTS;
}

/*
 * The writeback session's writes: fewer (every crash image of a run of
 * commits without a barrier is checked), track 37 every time, and for
 * big too many small (compressible) new images for a record of 512
 * bytes.
 */
static void wb_writes(struct ckd_image *img, uint32_t round, bool big)
{
	for (uint32_t t = round * 7 % 37; t < TRKS; t += 61)
		write_one(img, t, round);
	if (big)
		write_batches(img, 1, 2, 2 * 90, round);
	write_one(img, 37, round + 100);
}

static int setup(void **state)
{
	struct ckd_image *img = begin_session(EPOCHS);

	(void)state;
	for (unsigned int e = 1; e <= SYNCS; e++) {
		session_writes(img, e, e == BIG);
		assert_int_equal(ckd_image_sync(img), 0);
		cr_mark(&session);
		remember(e, img);
	}
	/* Written, not synced: close makes it durable. */
	session_writes(img, SYNCS + 1, false);
	remember(SYNCS + 1, img);
	ckd_image_close(img);
	cr_mark(&session);
	end_session();
	return 0;
}

/* ---- holding a flush's fdatasync while the session goes on */

static pthread_mutex_t hold_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cond;
static bool hold_armed;                /* fdatasyncs wait until released */
static bool hold_waiting;              /* one does */

static void hold_barrier(void)
{
	struct timespec until = deadline_ms(TEST_WAIT_MS);

	pthread_mutex_lock(&hold_mu);
	if (hold_armed) {
		hold_waiting = true;
		while (hold_armed && pthread_cond_timedwait(&hold_cond, &hold_mu,
							    &until) == 0)
			;
		hold_waiting = false;
	}
	pthread_mutex_unlock(&hold_mu);
}

static bool hold_has_one(void)
{
	bool yes;

	pthread_mutex_lock(&hold_mu);
	yes = hold_waiting;
	pthread_mutex_unlock(&hold_mu);
	return yes;
}

static void hold_set(bool on)
{
	pthread_mutex_lock(&hold_mu);
	hold_armed = on;
	pthread_cond_broadcast(&hold_cond);
	pthread_mutex_unlock(&hold_mu);
}

struct flusher {
	struct ckd_image *img;
	uint64_t seq;
	int rc;
	pthread_t tid;
};

static void *flusher_main(void *arg)
{
	struct flusher *f = arg;

	f->rc = ckd_image_make_durable(f->img, f->seq);
	return NULL;
}

/*
 * Commits without make_durable in a ring of 4 slots (commit 5 finds it
 * full), make_durable after commits 2, 7 and 8, commit WB_BIG without
 * the journal; commit WB_HELD's make_durable in another thread, its
 * fdatasync held (its L1 entries and checkpoint written, not durable)
 * while commit WB_HELD + 1 runs and the writes of the next reuse the
 * space commits replaced; writes after the last commit that the close
 * commits.
 */
static int setup_writeback(void **state)
{
	struct flusher f = { 0 };
	struct ckd_image *img;

	(void)state;
	cckd_jrn_slots = 4;
	img = begin_session(WB_EPOCHS);
	f.img = img;
	cr_on_barrier(hold_barrier);
	for (unsigned int k = 1; k <= WB_COMMITS; k++) {
		uint64_t seq;

		if (k != WB_HELD + 2)         /* written during the hold */
			wb_writes(img, k, k == WB_BIG);
		assert_int_equal(ckd_image_commit(img, &seq), 0);
		wb_at[k] = session.n;
		remember(k, img);
		if (k == 2 || k == 7 || k == 8)
			assert_int_equal(ckd_image_make_durable(img, seq), 0);
		if (k == WB_HELD) {
			f.seq = seq;
			hold_set(true);
			assert_int_equal(pthread_create(&f.tid, NULL,
							flusher_main, &f), 0);
			assert_true(TEST_WAIT_UNTIL(hold_has_one()));
		}
		if (k == WB_HELD + 1) {
			wb_writes(img, k + 1, false);
			hold_set(false);
			pthread_join(f.tid, NULL);
			assert_int_equal(f.rc, 0);
		}
	}
	wb_writes(img, WB_COMMITS + 1, false);
	remember(WB_COMMITS + 1, img);
	ckd_image_close(img);
	end_session();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cr_free(&session);
	cr_file_free(&file);
	for (unsigned int e = 0; e < MAX_EPOCHS; e++)
		for (uint32_t t = 0; t < TRKS; t++) {
			free(expect_img[e][t]);
			expect_img[e][t] = NULL;
		}
	free(base);
	free(path);
	free(crash_path);
	it_rmdir(dir);
	return 0;
}

static bool track_is(struct ckd_image *img, unsigned int epoch, uint32_t t)
{
	size_t len;

	if (ckd_image_read_track(img, t, trkbuf, sizeof(trkbuf), &len) != 0)
		return false;
	return len == expect_len[epoch][t] &&
	       !memcmp(trkbuf, expect_img[epoch][t], len);
}

static struct ckd_image *open_file(const struct cr_file *f, unsigned int flags,
				   const char *what)
{
	struct ckd_image *img;
	struct error err = { 0 };

	/* A new file rather than a truncated one: ext4 flushes a file
	   rewritten after truncation when it is closed. */
	unlink(crash_path);
	assert_int_equal(it_write_file(crash_path, f->v, f->len), 0);
	img = ckd_image_open(crash_path, flags, &err);
	if (!img)
		fail_msg("%s: the crash image does not open: %s", what,
			 err.msg);
	return img;
}

/* Every track reads as of an epoch in lo..hi; the first such epoch of
   each track into got[] (if not NULL). */
static void state_within(struct ckd_image *img, unsigned int lo,
			 unsigned int hi, unsigned int *got, const char *what)
{
	for (uint32_t t = 0; t < TRKS; t++) {
		unsigned int e = lo;

		while (e <= hi && e < nepochs && !track_is(img, e, t))
			e++;
		if (e > hi || e >= nepochs)
			fail_msg("%s: track %u is none of epochs %u-%u", what,
				 t, lo, hi);
		if (got)
			got[t] = e;
	}
}

/* Every track reads as got[] says. */
static void state_is(struct ckd_image *img, const unsigned int *got,
		     const char *what)
{
	for (uint32_t t = 0; t < TRKS; t++)
		if (!track_is(img, got[t], t))
			fail_msg("%s: track %u is not as epoch %u", what, t,
				 got[t]);
}

/* The whole volume reads as of one epoch in lo..hi; got[] receives it
   for every track. */
static void state_single(struct ckd_image *img, unsigned int lo,
			 unsigned int hi, unsigned int *got, const char *what)
{
	for (unsigned int e = lo; e <= hi && e < nepochs; e++) {
		uint32_t t = 0;

		while (t < TRKS && track_is(img, e, t))
			t++;
		if (t < TRKS)
			continue;
		for (t = 0; t < TRKS; t++)
			got[t] = e;
		return;
	}
	fail_msg("%s: the volume is as of none of epochs %u-%u", what, lo, hi);
}

static bool same_track(unsigned int a, unsigned int b, uint32_t t)
{
	return expect_len[a][t] == expect_len[b][t] &&
	       !memcmp(expect_img[a][t], expect_img[b][t], expect_len[a][t]);
}

/*
 * What Hercules reads: the on-disk L1 alone (the private area cleared,
 * which Hercules never looks at). Every track as of an epoch in lo..hi;
 * counts the images in which that is behind what ccwpass reads (got).
 */
static void check_hercules_view(const struct cr_file *f, unsigned int lo,
				unsigned int hi, const unsigned int *got)
{
	struct cr_file h = { 0 };
	unsigned int seen[TRKS];
	struct ckd_image *img;

	cr_set(&h, f->v, f->len);
	if (h.len >= AREA + CCKD_JRN_AREA_SIZE)
		memset(h.v + AREA, 0, CCKD_JRN_AREA_SIZE);
	img = open_file(&h, CKD_OPEN_RDONLY, "without the journal");
	state_within(img, lo, hi, seen, "without the journal");
	ckd_image_close(img);
	for (uint32_t t = 0; t < TRKS; t++)
		if (seen[t] < got[t] && !same_track(seen[t], got[t], t)) {
			behind++;
			break;
		}
	cr_file_free(&h);
}

/* The file at crash_path is plain CCKD again: closed, no private area. */
static void check_clean(void)
{
	size_t n;
	uint8_t *f = it_read_file(crash_path, &n), zero[CCKD_JRN_AREA_SIZE];

	memset(zero, 0, sizeof(zero));
	assert_true(n >= 1024);
	assert_false(f[512 + 3] & CCKD_OPT_OPENED);
	assert_memory_equal(f + AREA, zero, sizeof(zero));
	free(f);
}

/*
 * The crash image in `file`: read-only as of an epoch in lo..hi (single:
 * the whole volume as of one), what Hercules reads (an epoch in
 * herc_lo..hi), recovered by a read-write open, closed. got[] receives
 * the state.
 */
static void check_range(unsigned int lo, unsigned int hi, unsigned int herc_lo,
			bool single, unsigned int *got)
{
	struct error err = { 0 };
	struct ckd_image *img;

	img = open_file(&file, CKD_OPEN_RDONLY, "read-only");
	if (single)
		state_single(img, lo, hi, got, "read-only");
	else
		state_within(img, lo, hi, got, "read-only");
	ckd_image_close(img);
	check_hercules_view(&file, herc_lo, hi, got);
	img = open_file(&file, 0, "read-write");
	state_is(img, got, "recovered");
	assert_int_equal(ckd_image_close(img), 0);
	check_clean();
	img = ckd_image_open(crash_path, CKD_OPEN_RDONLY, &err);
	if (!img)
		fail_msg("recovered and closed: %s", err.msg);
	state_is(img, got, "recovered and closed");
	ckd_image_close(img);
	checked++;
}

/*
 * The sync session's crash image in `file`, the last completed sync
 * `epoch` (final: the file as the close left it). A sync that falls back
 * to the L1 table in place (BIG, the close's) switches group by group.
 */
static void check_image(unsigned int epoch, bool final, unsigned int *got)
{
	unsigned int hi = final ? epoch : epoch + 1;

	check_range(epoch, hi, epoch && !final ? epoch - 1 : epoch,
		    hi != BIG && hi != SYNCS + 1, got);
}

static void check_crash(size_t upto, size_t end, const bool *keep,
			unsigned int marks, void *opaque)
{
	unsigned int got[TRKS];

	(void)opaque;
	cr_build(&file, base, base_len, &session, upto, end, keep);
	check_image(marks, marks == SYNCS + 1, got);
}

static void test_every_crash_point(void **state)
{
	unsigned long n;

	(void)state;
	assert_true(session.n > 10);
	cr_no_barriers();
	n = cr_each_crash(&session, check_crash, NULL);
	cr_stop();
	print_message("checked %lu crash images over %zu recorded ops; in %lu "
		      "the on-disk L1 alone was behind the journal\n", n,
		      session.n, behind);
	assert_int_equal(checked, n);
	/* The journal carried syncs the L1 table did not have yet. */
	assert_true(behind > 0);
}

/*
 * A writeback crash image: as of a commit from the last whose pieces are
 * all in it to the one in progress (the next after the last whose pieces
 * may all be), the volume as of one commit unless that range has one
 * that falls back (WB_BIG, the close's: group by group). Hercules reads
 * an older volume, any epoch, but intact.
 */
static void check_wb_crash(size_t upto, size_t end, const bool *keep,
			   unsigned int marks, void *opaque)
{
	unsigned int lo = 0, hi, got[TRKS];

	(void)marks;
	(void)opaque;
	cr_build(&file, base, base_len, &session, upto, end, keep);
	while (lo < WB_COMMITS && wb_at[lo + 1] <= upto)
		lo++;
	hi = lo;
	while (hi < WB_COMMITS && wb_at[hi + 1] <= end)
		hi++;
	if (upto == session.n)
		lo = hi = WB_COMMITS + 1;         /* closed */
	else
		hi++;
	check_range(lo, hi, 0, !(lo < WB_BIG && hi >= WB_BIG) &&
		    hi != WB_COMMITS + 1, got);
}

static void test_wb_every_crash_point(void **state)
{
	unsigned long n;

	(void)state;
	cr_no_barriers();
	n = cr_each_crash(&session, check_wb_crash, NULL);
	cr_stop();
	print_message("checked %lu crash images over %zu recorded ops; in %lu "
		      "the on-disk L1 alone was behind the journal\n", n,
		      session.n, behind);
	assert_int_equal(checked, n);
	assert_true(behind > 0);
}

/*
 * What a SIGKILL right after commit k leaves (every piece written so far,
 * no barrier needed): exactly commit k, read-only and recovered.
 */
static void test_wb_sigkill_after_each_commit(void **state)
{
	unsigned int got[TRKS];

	(void)state;
	cr_no_barriers();
	for (unsigned int k = 1; k <= WB_COMMITS; k++) {
		struct ckd_image *img;

		for (uint32_t t = 0; t < TRKS; t++)
			got[t] = k;
		cr_build(&file, base, base_len, &session, wb_at[k], wb_at[k],
			 NULL);
		img = open_file(&file, CKD_OPEN_RDONLY, "killed");
		state_is(img, got, "killed, read-only");
		ckd_image_close(img);
		img = open_file(&file, 0, "killed");
		state_is(img, got, "killed, recovered");
		assert_int_equal(ckd_image_close(img), 0);
	}
	cr_stop();
}

/*
 * fdatasyncs from the return of commit k - 1 to that of commit k: none
 * but make_durable's (after 2, 7, 8 and WB_HELD, whose ends after commit
 * WB_HELD + 1); two where the ring is full (commit 5: slot 1's record is
 * needed until the checkpoint passes it - records durable, their L1
 * entries in place, then the checkpoint with the second); three for the
 * commit without the journal (WB_BIG: every earlier commit durably in
 * place, then its own entries).
 */
static void test_wb_barriers_per_commit(void **state)
{
	static const unsigned int want[WB_COMMITS + 1] = {
		[3] = 1, [5] = 2, [WB_BIG] = 3, [8] = 1, [9] = 1,
		[WB_HELD + 2] = 1,
	};

	(void)state;
	for (unsigned int k = 1; k <= WB_COMMITS; k++) {
		size_t n = cr_count(&session, CR_BARRIER, wb_at[k - 1],
				    wb_at[k]);

		if (n != want[k])
			fail_msg("commit %u: %zu fdatasyncs, not %u", k, n,
				 want[k]);
	}
}

struct recovery {
	const uint8_t *base;          /* the crash image before recovery */
	size_t len;
	const struct cr_log *log;     /* what the recovery wrote */
	unsigned int epoch;
	const unsigned int *got;      /* the state it recovers */
};

static void check_recovery_crash(size_t upto, size_t end, const bool *keep,
				 unsigned int marks, void *opaque)
{
	const struct recovery *r = opaque;
	struct ckd_image *img;

	(void)marks;
	cr_build(&file, r->base, r->len, r->log, upto, end, keep);
	img = open_file(&file, CKD_OPEN_RDONLY, "recovery crashed");
	state_is(img, r->got, "recovery crashed");
	ckd_image_close(img);
	check_hercules_view(&file, r->epoch ? r->epoch - 1 : 0, r->epoch + 1,
			    r->got);
	checked++;
}

/*
 * A crash while a read-write open replays the journal into the L1 table:
 * at every barrier of the session the durable file is recovered under
 * the recorder, and every crash image of that recovery must read as the
 * recovered state.
 */
static void test_crash_during_recovery(void **state)
{
	unsigned int epoch = 0, got[TRKS], recoveries = 0;
	struct cr_file before = { 0 };
	unsigned long n = 0;

	(void)state;
	for (size_t b = 0; b < session.n; b++) {
		struct cr_log rlog = { 0 };
		struct recovery r;
		struct ckd_image *img;

		epoch += session.v[b].kind == CR_MARK;
		if (session.v[b].kind != CR_BARRIER)
			continue;
		cr_build(&before, base, base_len, &session, b + 1, b + 1, NULL);
		cr_set(&file, before.v, before.len);
		cr_no_barriers();
		check_image(epoch, false, got);
		cr_stop();
		unlink(crash_path);
		assert_int_equal(it_write_file(crash_path, before.v,
					       before.len), 0);
		cr_record(&rlog);
		img = ckd_image_open(crash_path, 0, NULL);
		cr_stop();
		assert_non_null(img);
		ckd_image_close(img);
		/* Only recoveries that write the L1 table matter here. */
		if (cr_count(&rlog, CR_BARRIER, 0, rlog.n) > 1) {
			r = (struct recovery){ before.v, before.len, &rlog,
					       epoch, got };
			cr_no_barriers();
			n += cr_each_crash(&rlog, check_recovery_crash, &r);
			cr_stop();
			recoveries++;
		}
		cr_free(&rlog);
	}
	print_message("%u recoveries, %lu crash images while recovering\n",
		      recoveries, n);
	assert_true(recoveries >= SYNCS - 2);
	cr_file_free(&before);
}

static void test_barriers_per_sync(void **state)
{
	size_t mark[EPOCHS], m = 1;

	(void)state;
	mark[0] = 0;
	for (size_t i = 0; i < session.n; i++)
		if (session.v[i].kind == CR_MARK)
			mark[m++] = i;
	assert_int_equal(m, EPOCHS);
	for (unsigned int e = 1; e <= SYNCS; e++) {
		/* One fdatasync per sync, two when its record does not fit
		   the journal (BIG). */
		assert_int_equal(cr_count(&session, CR_BARRIER, mark[e - 1],
					  mark[e]), e == BIG ? 2 : 1);
	}
	/* Close: the last sync without the journal (two), the free space
	   chain, the header (one each). */
	assert_int_equal(cr_count(&session, CR_BARRIER, mark[SYNCS],
				  mark[SYNCS + 1]), 4);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest sync_tests[] = {
		cmocka_unit_test(test_barriers_per_sync),
		cmocka_unit_test(test_every_crash_point),
		cmocka_unit_test(test_crash_during_recovery),
	};
	const struct CMUnitTest wb_tests[] = {
		cmocka_unit_test(test_wb_barriers_per_commit),
		cmocka_unit_test(test_wb_sigkill_after_each_commit),
		cmocka_unit_test(test_wb_every_crash_point),
	};
	const char *name = argc > 1 ? argv[1] : "cckd";

	deadline_cond_init(&hold_cond);
	if (!strcmp(name, "cckd64"))
		format = CKD_IMAGE_CCKD64;
	else if (strcmp(name, "cckd"))
		return 2;
	if (argc > 2 && !strcmp(argv[2], "writeback"))
		return cmocka_run_group_tests_name(name, wb_tests,
						   setup_writeback, teardown);
	if (argc > 2 && strcmp(argv[2], "sync"))
		return 2;
	return cmocka_run_group_tests_name(name, sync_tests, setup, teardown);
}
