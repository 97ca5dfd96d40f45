/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CFBA crash consistency: a session of block writes (partial and whole
 * block groups, compressible, random and zero blocks) with
 * fba_image_flush() after each round and a close is recorded
 * (crash_test.h), and every crash image it allows is checked:
 *  - read-only (the journal replayed in memory): every block group as of
 *    the last completed flush or the next (a group is written whole, so
 *    it is never torn);
 *  - recovered by a read-write open: the same state, and again after
 *    that open's clean close (the file then closed and journal-free);
 *  - as Hercules reads the file (the journal's private area cleared):
 *    every group intact, as of the flush before the last completed one
 *    at the oldest.
 * The fdatasyncs are counted: one per flush.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfba_test.h"
#include "common/log.h"
#include "crash_test.h"
#include "image/ckd_cckd_impl.h"
#include "image_test.h"

#define BLOCKS 1000u                      /* 9 groups, the last partly */
#define GROUP 120u
#define GROUPS ((BLOCKS + GROUP - 1) / GROUP)
#define FLUSHES 4
#define EPOCHS (FLUSHES + 2)              /* before, each flush, close */
#define AREA (CCKD_HDR_POS + CCKD_JRN_AREA_POS)

static struct cfba_model expect[EPOCHS];
static char *dir, *path, *crash_path;
static uint8_t *base;
static size_t base_len;
static struct cr_log session;
static struct cr_file file;
static unsigned long checked, behind;

static void quiet(int level, const char *msg, void *opaque)
{
	(void)level;
	(void)msg;
	(void)opaque;
}

/* Round r's writes (into the model m as well). */
static void round_writes(struct fba_image *img, struct cfba_model *m,
			 uint32_t r)
{
	cfba_write(img, m, 10 + r * 7, 20, 1, r);           /* group 0 */
	cfba_write(img, m, 230 + r, 30, 1, r + 1);          /* groups 1-2 */
	cfba_write(img, m, 480 + r * 120 % 360, 120, 1, r); /* a whole one */
	if (r == 2)
		cfba_write(img, m, 360, 120, 0, r);         /* random */
	if (r == 3)
		cfba_write(img, m, 0, 120, 2, r);           /* group 0 null */
	cfba_write(img, m, BLOCKS - 2, 2, 1, r + 2);        /* the end */
}

static void copy_model(unsigned int epoch, const struct cfba_model *m)
{
	cfba_model_init(&expect[epoch], BLOCKS);
	memcpy(expect[epoch].v, m->v, (size_t)BLOCKS * FBA_BLOCK_SIZE);
}

static int setup(void **state)
{
	struct cfba_model m;
	struct fba_image *img;

	(void)state;
	dir = it_mkdtemp();
	path = it_path(dir, "vol.cfba");
	crash_path = it_path(dir, "crash.cfba");
	log_set_sink(quiet, NULL);
	cfba_model_init(&m, BLOCKS);
	cfba_create(path, BLOCKS);
	img = cfba_open(path, false);
	round_writes(img, &m, 0);
	fba_image_close(img);
	img = cfba_open(path, false);
	copy_model(0, &m);
	base = it_read_file(path, &base_len);   /* as the open left it */
	cr_record(&session);
	for (unsigned int e = 1; e <= FLUSHES; e++) {
		round_writes(img, &m, e);
		assert_int_equal(fba_image_flush(img), 0);
		cr_mark(&session);
		copy_model(e, &m);
	}
	round_writes(img, &m, FLUSHES + 1);     /* the close makes it durable */
	copy_model(FLUSHES + 1, &m);
	fba_image_close(img);
	cr_mark(&session);
	cr_stop();
	cfba_model_free(&m);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cr_free(&session);
	cr_file_free(&file);
	for (unsigned int e = 0; e < EPOCHS; e++)
		cfba_model_free(&expect[e]);
	free(base);
	free(path);
	free(crash_path);
	it_rmdir(dir);
	return 0;
}

static struct fba_image *open_file(const struct cr_file *f, bool readonly,
				   const char *what)
{
	struct error err = { 0 };
	struct fba_image *img;

	unlink(crash_path);
	assert_int_equal(it_write_file(crash_path, f->v, f->len), 0);
	img = fba_image_open(crash_path, readonly, &err);
	if (!img)
		fail_msg("%s: the crash image does not open: %s", what,
			 err.msg);
	return img;
}

static bool group_is(const uint8_t *got, unsigned int epoch, uint32_t g)
{
	uint32_t n = g == GROUPS - 1 ? BLOCKS - g * GROUP : GROUP;

	return !memcmp(got + (size_t)g * GROUP * FBA_BLOCK_SIZE,
		       expect[epoch].v + (size_t)g * GROUP * FBA_BLOCK_SIZE,
		       (size_t)n * FBA_BLOCK_SIZE);
}

static uint8_t vol[BLOCKS * FBA_BLOCK_SIZE];

static void read_all(struct fba_image *img, const char *what)
{
	if (fba_image_read(img, 0, BLOCKS, vol) != 0)
		fail_msg("%s: a block does not read", what);
}

/* Every group as of an epoch in lo..hi, the first such into got[]. */
static void state_within(struct fba_image *img, unsigned int lo,
			 unsigned int hi, unsigned int *got, const char *what)
{
	read_all(img, what);
	for (uint32_t g = 0; g < GROUPS; g++) {
		unsigned int e = lo;

		while (e <= hi && e < EPOCHS && !group_is(vol, e, g))
			e++;
		if (e > hi || e >= EPOCHS)
			fail_msg("%s: block group %u is none of epochs %u-%u",
				 what, g, lo, hi);
		got[g] = e;
	}
}

/* Every group as want[] says. */
static void state_is(struct fba_image *img, const unsigned int *want,
		     const char *what)
{
	read_all(img, what);
	for (uint32_t g = 0; g < GROUPS; g++)
		if (!group_is(vol, want[g], g))
			fail_msg("%s: block group %u is not as of epoch %u",
				 what, g, want[g]);
}

/* Hercules' view: the on-disk L1 alone. */
static void check_hercules_view(unsigned int lo, unsigned int hi,
				const unsigned int *got)
{
	struct cr_file h = { 0 };
	unsigned int seen[GROUPS];
	struct fba_image *img;

	cr_set(&h, file.v, file.len);
	if (h.len >= AREA + CCKD_JRN_AREA_SIZE)
		memset(h.v + AREA, 0, CCKD_JRN_AREA_SIZE);
	img = open_file(&h, true, "without the journal");
	state_within(img, lo, hi, seen, "without the journal");
	fba_image_close(img);
	for (uint32_t g = 0; g < GROUPS; g++)
		if (seen[g] < got[g]) {
			behind++;
			break;
		}
	cr_file_free(&h);
}

static void check_crash(size_t upto, size_t end, const bool *keep,
			unsigned int marks, void *opaque)
{
	unsigned int got[GROUPS];
	bool final = marks == FLUSHES + 1;
	unsigned int hi = final ? marks : marks + 1;
	struct fba_image *img;
	uint8_t *f;
	size_t n;

	(void)opaque;
	cr_build(&file, base, base_len, &session, upto, end, keep);
	img = open_file(&file, true, "read-only");
	state_within(img, marks, hi, got, "read-only");
	fba_image_close(img);
	check_hercules_view(marks && !final ? marks - 1 : marks, hi, got);
	img = open_file(&file, false, "read-write");
	state_is(img, got, "recovered");
	fba_image_close(img);
	f = it_read_file(crash_path, &n);
	assert_false(f[CCKD_HDR_POS + 3] & CCKD_OPT_OPENED);
	free(f);
	img = fba_image_open(crash_path, true, NULL);
	assert_non_null(img);
	state_is(img, got, "recovered and closed");
	fba_image_close(img);
	checked++;
}

static void test_every_crash_point(void **state)
{
	unsigned long n;

	(void)state;
	n = cr_each_crash(&session, check_crash, NULL);
	assert_int_equal(n, checked);
	assert_true(checked > 50);
	fprintf(stderr, "%lu crash images; Hercules behind ccwpass in %lu\n",
		checked, behind);
}

/* One fdatasync per flush (none for the writes between). */
static void test_barriers_per_flush(void **state)
{
	size_t mark[FLUSHES + 2] = { 0 };
	unsigned int m = 1;

	(void)state;
	for (size_t i = 0; i < session.n && m <= FLUSHES + 1; i++)
		if (session.v[i].kind == CR_MARK)
			mark[m++] = i;
	for (unsigned int e = 1; e <= FLUSHES; e++)
		assert_int_equal(cr_count(&session, CR_BARRIER, mark[e - 1],
					  mark[e]), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_crash_point),
		cmocka_unit_test(test_barriers_per_flush),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
