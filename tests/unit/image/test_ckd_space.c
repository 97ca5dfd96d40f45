/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD free space: first fit, exact fits, slivers, deferral by generation,
 * aligned allocation, end of file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "image/ckd_space.h"

static struct ckd_space s;

static int setup(void **state)
{
	(void)state;
	ckd_space_init(&s, 1000, 1000, 0xffffffff);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ckd_space_fini(&s);
	return 0;
}

static uint64_t alloc(uint32_t len, bool exact, uint32_t *size)
{
	uint64_t pos = 0;
	uint32_t sz = 0;

	assert_int_equal(ckd_space_alloc(&s, len, exact, &pos, &sz), 0);
	if (size)
		*size = sz;
	return pos;
}

static void test_append_and_reuse(void **state)
{
	uint64_t a, b, c;

	(void)state;
	a = alloc(500, false, NULL);
	b = alloc(500, false, NULL);
	c = alloc(500, false, NULL);
	assert_int_equal(a, 1000);
	assert_int_equal(b, 1500);
	assert_int_equal(c, 2000);
	assert_int_equal(s.eof, 2500);
	assert_int_equal(ckd_space_release(&s, b, 500), 0);
	/* First fit reuses the hole, splitting it. */
	assert_int_equal(alloc(200, false, NULL), 1500);
	assert_int_equal(s.free.n, 1);
	assert_int_equal(s.free.v[0].pos, 1700);
	assert_int_equal(s.free.v[0].len, 300);
}

static void test_sliver_stays_with_allocation(void **state)
{
	uint32_t size;
	uint64_t a;

	(void)state;
	a = alloc(1000, false, NULL);
	alloc(100, false, NULL);
	ckd_space_release(&s, a, 1000);
	/* 1000 - 950 = 50 < CKD_SPACE_MIN_FREE: the track takes all. */
	assert_int_equal(alloc(950, false, &size), a);
	assert_int_equal(size, 1000);
	assert_int_equal(s.free.n, 0);
}

static void test_exact_skips_sliver(void **state)
{
	uint32_t size;
	uint64_t a, b;

	(void)state;
	a = alloc(2100, false, NULL);
	b = alloc(100, false, NULL);
	ckd_space_release(&s, a, 2100);
	/* An L2 table (exact 2048) would leave 52 bytes: not here. */
	assert_int_equal(alloc(2048, true, &size), b + 100);
	assert_int_equal(size, 2048);
	/* An exact fit is taken. */
	a = alloc(2100 - 2048, true, &size);
	assert_int_equal(a, 1000);
	assert_int_equal(size, 52);
}

static void test_merge_and_eof_shrink(void **state)
{
	uint64_t a, b, c;

	(void)state;
	a = alloc(100, false, NULL);
	b = alloc(100, false, NULL);
	c = alloc(100, false, NULL);
	ckd_space_release(&s, a, 100);
	ckd_space_release(&s, b, 100);
	assert_int_equal(s.free.n, 1);
	assert_int_equal(s.free.v[0].len, 200);
	/* Freeing the last extent moves the end down past all free space. */
	ckd_space_release(&s, c, 100);
	assert_int_equal(s.free.n, 0);
	assert_int_equal(s.eof, 1000);
}

static void test_deferred_until_commit(void **state)
{
	uint64_t a;

	(void)state;
	a = alloc(500, false, NULL);
	alloc(500, false, NULL);
	assert_int_equal(ckd_space_defer(&s, a, 500, 1), 0);
	/* Still referenced by durable tables: not reused. */
	assert_int_equal(alloc(500, false, NULL), 2000);
	assert_int_equal(ckd_space_free_total(&s, NULL), 0);
	assert_int_equal(ckd_space_commit(&s, 1), 0);
	assert_int_equal(s.pending.n, 0);
	assert_int_equal(alloc(500, false, NULL), a);
}

static void test_deferred_by_generation(void **state)
{
	uint64_t a, b, c;

	(void)state;
	a = alloc(100, false, NULL);
	b = alloc(100, false, NULL);
	c = alloc(100, false, NULL);
	alloc(100, false, NULL);
	assert_int_equal(ckd_space_defer(&s, a, 100, 3), 0);
	assert_int_equal(ckd_space_defer(&s, b, 100, 4), 0);
	assert_int_equal(ckd_space_defer(&s, c, 100, 3), 0);
	/* Generation 2 is done: nothing of 3 or 4 is free yet. */
	assert_int_equal(ckd_space_commit(&s, 2), 0);
	assert_int_equal(s.pending.n, 3);
	assert_int_equal(ckd_space_free_total(&s, NULL), 0);
	/* Generation 3: a and c, not b. */
	assert_int_equal(ckd_space_commit(&s, 3), 0);
	assert_int_equal(s.pending.n, 1);
	assert_int_equal(s.pending.v[0].pos, b);
	assert_int_equal(ckd_space_free_total(&s, NULL), 200);
	assert_int_equal(alloc(100, true, NULL), a);
	assert_int_equal(ckd_space_commit(&s, UINT64_MAX), 0);
	assert_int_equal(s.pending.n, 0);
	/* b and c merged. */
	assert_int_equal(s.free.n, 1);
	assert_int_equal(s.free.v[0].pos, b);
	assert_int_equal(s.free.v[0].len, 200);
}

static void test_aligned(void **state)
{
	uint64_t pos, a;

	(void)state;
	/* At the end: the bytes skipped become free. */
	assert_int_equal(ckd_space_alloc_aligned(&s, 4096, 4096, &pos), 0);
	assert_int_equal(pos, 4096);
	assert_int_equal(s.eof, 8192);
	assert_int_equal(s.free.n, 1);
	assert_int_equal(s.free.v[0].pos, 1000);
	assert_int_equal(s.free.v[0].len, 3096);
	/* In a free extent: exactly at its start, or split around it. */
	a = alloc(20000, false, NULL);
	assert_int_equal(a, 8192);            /* too big for the gap */
	assert_int_equal(alloc(4000, false, NULL), 28192);
	assert_int_equal(ckd_space_release(&s, a, 20000), 0);
	assert_int_equal(ckd_space_alloc_aligned(&s, 4096, 4096, &pos), 0);
	assert_int_equal(pos, 8192);
	assert_int_equal(s.free.n, 2);
	assert_int_equal(s.free.v[1].pos, 12288);
	assert_int_equal(alloc(3096, true, NULL), 1000);
	assert_int_equal(alloc(100, true, NULL), 12288);
	assert_int_equal(ckd_space_alloc_aligned(&s, 4096, 4096, &pos), 0);
	assert_int_equal(pos, 16384);
	assert_int_equal(s.free.n, 2);
	assert_int_equal(s.free.v[0].pos, 12388);
	assert_int_equal(s.free.v[0].len, 16384 - 12388);
	assert_int_equal(s.free.v[1].pos, 20480);
	assert_int_equal(s.free.v[1].len, 28192 - 20480);
	/* The reserve below the limit holds as for track images. */
	s.limit = s.eof + 8192;
	s.reserve = 4096;
	assert_int_equal(ckd_space_alloc_aligned(&s, 65536, 4096, &pos),
			 -ENOSPC);
}

static void test_limit(void **state)
{
	uint64_t pos;
	uint32_t size;

	(void)state;
	s.limit = 0xffffffff;
	s.eof = s.limit - 100;
	assert_int_equal(ckd_space_alloc(&s, 200, false, &pos, &size), -ENOSPC);
	assert_int_equal(ckd_space_alloc(&s, 100, false, &pos, &size), 0);
}

/* Track images leave the top `reserve` bytes to L2 tables. */
static void test_reserve(void **state)
{
	uint64_t pos;
	uint32_t size;

	(void)state;
	s.limit = 10000;
	s.reserve = 4096;
	/* From 1000: up to 10000 - 4096 = 5904 for track images. */
	assert_int_equal(ckd_space_alloc(&s, 4900, false, &pos, &size), 0);
	assert_int_equal(ckd_space_alloc(&s, 100, false, &pos, &size),
			 -ENOSPC);
	assert_int_equal(ckd_space_alloc(&s, 2048, true, &pos, &size), 0);
	assert_int_equal(pos, 5900);
	assert_int_equal(ckd_space_alloc(&s, 2048, true, &pos, &size), 0);
	assert_int_equal(ckd_space_alloc(&s, 2048, true, &pos, &size),
			 -ENOSPC);
	s.reserve = 20000;               /* more than the limit */
	assert_int_equal(ckd_space_alloc(&s, 1, false, &pos, &size), -ENOSPC);
}

static void test_free_total(void **state)
{
	uint64_t a, b, largest = 0;

	(void)state;
	a = alloc(300, false, NULL);
	alloc(10, false, NULL);
	b = alloc(700, false, NULL);
	alloc(10, false, NULL);
	ckd_space_release(&s, a, 300);
	ckd_space_release(&s, b, 700);
	assert_int_equal(ckd_space_free_total(&s, &largest), 1000);
	assert_int_equal(largest, 700);
}

/* Giving back space that is free already or not in the file is refused. */
static void test_bad_release_refused(void **state)
{
	uint64_t a, b;

	(void)state;
	a = alloc(300, false, NULL);
	b = alloc(300, false, NULL);
	alloc(300, false, NULL);
	assert_int_equal(ckd_space_release(&s, a, 300), 0);
	assert_int_equal(ckd_space_release(&s, a, 300), -EINVAL);
	assert_int_equal(ckd_space_release(&s, a + 100, 300), -EINVAL);
	assert_int_equal(ckd_space_release(&s, b - 100, 200), -EINVAL);
	assert_int_equal(ckd_space_release(&s, 500, 100), -EINVAL);
	assert_int_equal(ckd_space_release(&s, 0xbdbdbdbd, 2048), -EINVAL);
	assert_int_equal(ckd_space_release(&s, s.eof - 100, 200), -EINVAL);
	assert_int_equal(s.eof, 1900);
	assert_int_equal(s.free.n, 1);
	assert_int_equal(ckd_space_free_total(&s, NULL), 300);
	assert_int_equal(ckd_space_release(&s, b, 300), 0);
	assert_int_equal(s.free.n, 1);
	assert_int_equal(s.free.v[0].len, 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sliver_stays_with_allocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_skips_sliver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_and_eof_shrink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_until_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_by_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_release_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
