/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The track cache's read-ahead (src/dasd/eckd_cache.h): after
 * ECKD_CACHE_RA_RUN tracks got one after the other, the tracks ahead are
 * read by the cache's thread and later gets find them; a changed track is
 * never taken for it; a random pattern or read-ahead switched off reads
 * nothing ahead; two streams at once; four streams get room for four
 * windows; the cache stops its thread at fini. Waits have deadlines.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/thread.h"
#include "cp_util.h"
#include "dasd/eckd_cache.h"
#include "dasd/eckd_track.h"
#include "image/ckd_image.h"
#include "test_wait.h"

static struct ckd_image *img;
static struct eckd_cache cache;

/* A cache for a volume in memory of cyl cylinders (15 tracks each). */
static int setup_cyl(unsigned int cyl)
{
	struct ckd_geometry g = t_geo(cyl);
	struct error err = { 0 };

	img = ckd_image_new_mem(&g, CKD_NULL_LINUX, &err);
	assert_non_null(img);
	assert_int_equal(eckd_cache_init(&cache, img), 0);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return setup_cyl(10);
}

/* 600 tracks: room for four streams far apart, and for a stream
   three windows long. */
static int setup_big(void **state)
{
	(void)state;
	return setup_cyl(40);
}

static int teardown(void **state)
{
	(void)state;
	eckd_cache_fini(&cache);
	ckd_image_close(img);
	return 0;
}

static void get_put(uint32_t trk, const void *owner)
{
	struct eckd_cache_slot *s;

	assert_int_equal(eckd_cache_get(&cache, trk, owner, &s), 0);
	assert_int_equal(s->trk, trk);
	eckd_cache_put(&cache, s);
}

static uint64_t counter(const uint64_t *p)
{
	uint64_t v;

	pthread_mutex_lock(&cache.lock);
	v = *p;
	pthread_mutex_unlock(&cache.lock);
	return v;
}

/* An unsigned field of the cache, read under its lock (an assertion that
 * fails must not leave the lock held for the teardown). */
static unsigned int counter_u(const unsigned int *p)
{
	unsigned int v;

	pthread_mutex_lock(&cache.lock);
	v = *p;
	pthread_mutex_unlock(&cache.lock);
	return v;
}

/* The read-ahead thread has read its window (nothing busy). */
static bool ra_started(void)
{
	bool v;

	pthread_mutex_lock(&cache.lock);
	v = cache.ra_started;
	pthread_mutex_unlock(&cache.lock);
	return v;
}

static bool ra_done(void)
{
	bool done;

	pthread_mutex_lock(&cache.lock);
	done = true;
	for (int i = 0; i < ECKD_CACHE_RA_STREAMS; i++)
		done = done && cache.ra[i].next >= cache.ra[i].end;
	for (unsigned int i = 0; i < cache.nslots; i++)
		done = done && !cache.slot[i]->busy;
	pthread_mutex_unlock(&cache.lock);
	return done;
}

/* Can a thread of this process become a background one (a sandbox may
 * refuse SCHED_BATCH)? */
static void *try_batch(void *arg)
{
	thread_set_background();
	*(bool *)arg = sched_getscheduler(0) == SCHED_BATCH;
	return NULL;
}

static bool batch_allowed(void)
{
	pthread_t t;
	bool ok = false;

	assert_int_equal(pthread_create(&t, NULL, try_batch, &ok), 0);
	pthread_join(t, NULL);
	return ok;
}

static void test_sequential_reads_ahead(void **state)
{
	struct sched_param sp;
	int policy;
	uint32_t t;

	(void)state;
	for (t = 0; t <= ECKD_CACHE_RA_RUN; t++)
		get_put(t, NULL);
	/* The window after the RA_RUN-th track (its first track may have
	 * been the program's own). */
	assert_true(TEST_WAIT_UNTIL(ra_done()));
	assert_true(counter(&cache.ra_reads) >= ECKD_CACHE_RA_TRACKS - 1);
	/* A background thread: waking it never preempts a program's (where
	 * the machine lets a thread choose SCHED_BATCH at all). */
	assert_int_equal(pthread_getschedparam(cache.ra_thread, &policy, &sp),
			 0);
	if (batch_allowed())
		assert_int_equal(policy, SCHED_BATCH);
	/* The next tracks are hits; reading on keeps the window ahead. */
	for (; t < 3 * ECKD_CACHE_RA_TRACKS; t++)
		get_put(t, NULL);
	assert_true(counter(&cache.ra_hits) >= ECKD_CACHE_RA_TRACKS - 1);
	/* At least the first window and the half window the last step
	 * added after the last track (the window moves by halves). */
	assert_true(TEST_WAIT_UNTIL(ra_done()));
	assert_true(counter(&cache.ra_reads) >=
		    ECKD_CACHE_RA_TRACKS - 1 + ECKD_CACHE_RA_TRACKS / 2);
	assert_true(counter_u(&cache.nslots) <= ECKD_CACHE_RA_SLOTS);
}

static void test_changed_track_kept(void **state)
{
	static const void *prog = "a program";
	struct eckd_cache_slot *s;
	uint32_t t;

	(void)state;
	assert_int_equal(eckd_cache_get(&cache, 100, prog, &s), 0);
	eckd_cache_dirty(&cache, s, prog);
	eckd_cache_put(&cache, s);
	/* Far more tracks than slots, read-ahead filling them all. */
	for (t = 0; t < 2 * ECKD_CACHE_RA_SLOTS; t++)
		get_put(t, NULL);
	assert_true(TEST_WAIT_UNTIL(ra_done()));
	assert_true(counter(&cache.ra_reads) >= ECKD_CACHE_RA_TRACKS - 1);
	pthread_mutex_lock(&cache.lock);
	s = NULL;
	for (unsigned int i = 0; i < cache.nslots; i++)
		if (cache.slot[i]->valid && cache.slot[i]->trk == 100)
			s = cache.slot[i];
	assert_non_null(s);
	assert_true(s->dirty);
	pthread_mutex_unlock(&cache.lock);
	assert_int_equal(eckd_cache_flush(&cache, prog), 0);
}

static void test_random_or_off_reads_nothing(void **state)
{
	static const uint32_t order[] = { 7, 3, 90, 11, 12, 40, 2, 8, 9, 100 };

	(void)state;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		get_put(order[i], NULL);
	eckd_cache_set_readahead(&cache, false);
	for (uint32_t t = 20; t < 30; t++)
		get_put(t, NULL);
	assert_int_equal(counter(&cache.ra_reads), 0);
	assert_false(ra_started());
}

/* Two readers at two places of the volume (a base and an alias): both
 * streams are read ahead; once the thread caught up, every next track of
 * either is a hit. */
static void test_two_streams(void **state)
{
	const uint32_t far = 100, n = 40;   /* of 150 tracks */

	(void)state;
	for (uint32_t t = 0; t < n; t++) {
		if (t > ECKD_CACHE_RA_RUN)
			assert_true(TEST_WAIT_UNTIL(ra_done()));
		get_put(t, NULL);
		get_put(far + t, NULL);
	}
	assert_true(counter(&cache.ra_hits) >=
		    2 * (n - ECKD_CACHE_RA_RUN - 1));
}

/*
 * Four readers through a base and three aliases, taking turns with
 * programs of 11 tracks each (512 KiB), as the HyperPAV benchmark does: the
 * cache grows for four windows, and after each stream's first program
 * every track is a hit. With room for one window only, the streams' windows
 * pushed each other out before they were used.
 */
static void test_four_streams(void **state)
{
	enum { PROG = 11, ROUNDS = 10, SPAN = 140 };
	struct eckd_cache_slot *s[PROG];

	(void)state;
	for (uint32_t r = 0; r < ROUNDS; r++) {
		for (uint32_t k = 0; k < 4; k++) {
			uint32_t first = k * SPAN + r * PROG;

			assert_true(TEST_WAIT_UNTIL(ra_done()));
			for (uint32_t i = 0; i < PROG; i++) {
				assert_int_equal(eckd_cache_get(&cache,
						 first + i, NULL, &s[i]), 0);
				assert_int_equal(s[i]->trk, first + i);
			}
			for (uint32_t i = 0; i < PROG; i++)
				eckd_cache_put(&cache, s[i]);
		}
	}
	assert_true(counter(&cache.ra_hits) >= 4 * PROG * (ROUNDS - 1));
	assert_true(counter_u(&cache.nslots) > ECKD_CACHE_RA_SLOTS);
}

/*
 * A second pass over the same tracks (the benchmark's warm-up, then its
 * measured pass) is one stream at a time: the first pass's stream, ended,
 * does not make the cache grow for two (and its allocations would be
 * memory-management calls in steady state).
 */
static void test_second_pass_one_stream(void **state)
{
	(void)state;
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t t = 0; t < 300; t++)
			get_put(t, NULL);
	assert_true(TEST_WAIT_UNTIL(ra_done()));
	assert_int_equal(counter_u(&cache.nslots), ECKD_CACHE_RA_SLOTS);
}

/* Stopped while it reads: fini joins it (teardown), nothing leaks. */
static void test_fini_while_reading(void **state)
{
	(void)state;
	for (uint32_t t = 0; t <= ECKD_CACHE_RA_RUN; t++)
		get_put(t, NULL);
	assert_true(ra_started());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sequential_reads_ahead,
						setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_changed_track_kept,
						setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_random_or_off_reads_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_streams,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_four_streams,
						setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_second_pass_one_stream,
						setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_fini_while_reading,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
