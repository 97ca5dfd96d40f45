/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CFBA volumes and Hercules' own utilities (Debian's hercules 3.13):
 * what ccwpass makes and writes passes cckdcdsk -3 and converts with
 * cfba2fba to exactly the blocks ccwpass reads; what Hercules' dasdinit
 * -z and fba2cfba make reads here block for block, and stays clean for
 * Hercules after ccwpass wrote into its groups; a big-endian file
 * (cckdswap) is read and written in its byte order. Each case is skipped
 * with a note when a utility is missing - except with CI=true, where a
 * missing utility fails it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfba_test.h"
#include "image_test.h"

#define BLOCKS 5000u

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = it_mkdtemp();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	it_rmdir(dir);
	return 0;
}

static bool have_tools(void)
{
	return it_have_tool("cckdcdsk") && it_have_tool("cfba2fba") &&
	       it_have_tool("fba2cfba") && it_have_tool("dasdinit") &&
	       it_have_tool("cckdswap");
}

static void run_ok(const char *what, const char *cmd, const char *a,
		   const char *b)
{
	char *out;
	int rc = b ? it_run(&out, "%s '%s' '%s'", cmd, a, b) :
		     it_run(&out, "%s '%s'", cmd, a);

	if (rc != 0)
		fail_msg("%s (rc %d):\n%s", what, rc, out);
	free(out);
}

/* cckdcdsk at level 3 (headers, tables, free space, every group image),
   read-only: it must report nothing. */
static void cckdcdsk_clean(const char *path)
{
	char *out;
	int rc = it_run(&out, "cckdcdsk -3 -ro '%s'", path);

	if (rc != 0 || strstr(out, "HHC"))
		fail_msg("cckdcdsk on %s (rc %d):\n%s", path, rc, out);
	free(out);
}

/* Hercules' conversion of path equals the model block for block. */
static void hercules_reads(const char *path, const struct cfba_model *m)
{
	char *plain = it_path(dir, "conv.fba");
	char *out;
	int rc;

	cckdcdsk_clean(path);
	rc = it_run(&out, "cfba2fba -q -r '%s' '%s'", path, plain);
	if (rc != 0)
		fail_msg("cfba2fba %s (rc %d):\n%s", path, rc, out);
	free(out);
	cfba_check_plain(plain, m);
	free(plain);
}

static void test_ours_for_hercules(void **state)
{
	char *path = it_path(dir, "ours.cfba");
	struct cfba_model m;
	struct fba_image *img;

	(void)state;
	if (!have_tools())
		skip();
	cfba_model_init(&m, BLOCKS);
	cfba_create(path, BLOCKS);
	hercules_reads(path, &m);                 /* fresh: all zeros */
	for (uint32_t round = 0; round < 3; round++) {
		img = cfba_open(path, false);
		cfba_scribble(img, &m, round * 10);
		assert_int_equal(fba_image_flush(img), 0);
		cfba_write(img, &m, 2000 + round * 130, 130, round % 3,
			   round);
		fba_image_close(img);
		hercules_reads(path, &m);
	}
	cfba_model_free(&m);
	free(path);
}

/* dasdinit -z: zeros (with -r), or the VOL1 label in block 1. */
static void test_dasdinit(void **state)
{
	char *raw = it_path(dir, "raw.cfba"), *lab = it_path(dir, "lab.cfba");
	static const uint8_t vol1[] = { 0xe5, 0xd6, 0xd3, 0xf1,   /* VOL1 */
					0xc8, 0xc5, 0xd9, 0xc3, 0xf0, 0xf1 };
	uint8_t blk[FBA_BLOCK_SIZE];
	struct cfba_model m;
	struct fba_image *img;
	char *out;

	(void)state;
	if (!have_tools())
		skip();
	assert_int_equal(it_run(&out, "dasdinit -z -r '%s' 9336 %u", raw,
				BLOCKS), 0);
	free(out);
	assert_int_equal(it_run(&out, "dasdinit -z '%s' 9336 HERC01 %u", lab,
				BLOCKS), 0);
	free(out);
	cfba_model_init(&m, BLOCKS);
	img = cfba_open(raw, false);
	cfba_check(img, &m);
	cfba_scribble(img, &m, 5);
	fba_image_close(img);
	hercules_reads(raw, &m);
	img = cfba_open(lab, true);
	assert_int_equal(fba_image_blocks(img), BLOCKS);
	assert_int_equal(fba_image_read(img, 1, 1, blk), 0);
	assert_memory_equal(blk, vol1, sizeof(vol1));
	fba_image_close(img);
	cfba_model_free(&m);
	free(raw);
	free(lab);
}

/* fba2cfba of data that Hercules compressed (or stored raw) reads here;
   ccwpass's writes into its groups leave it clean for Hercules. */
static void test_fba2cfba(void **state)
{
	char *plain = it_path(dir, "in.fba"), *path = it_path(dir, "h.cfba");
	struct cfba_model m;
	struct fba_image *img;

	(void)state;
	if (!have_tools())
		skip();
	cfba_model_init(&m, BLOCKS);
	cfba_fill(m.v, 130, 0, 1);                          /* random */
	cfba_fill(m.v + 300 * FBA_BLOCK_SIZE, 700, 1, 2);   /* text */
	cfba_fill(m.v + (BLOCKS - 3) * FBA_BLOCK_SIZE, 3, 0, 3);
	assert_int_equal(it_write_file(plain, m.v,
				       (size_t)BLOCKS * FBA_BLOCK_SIZE), 0);
	run_ok("fba2cfba", "fba2cfba -q", plain, path);
	img = cfba_open(path, false);
	cfba_check(img, &m);
	cfba_scribble(img, &m, 11);
	fba_image_close(img);
	hercules_reads(path, &m);
	cfba_model_free(&m);
	free(plain);
	free(path);
}

/* A big-endian file stays big-endian and clean. */
static void test_big_endian(void **state)
{
	char *path = it_path(dir, "be.cfba");
	struct cfba_model m;
	struct fba_image *img;
	uint8_t *v;
	size_t len;

	(void)state;
	if (!have_tools())
		skip();
	cfba_model_init(&m, BLOCKS);
	cfba_create(path, BLOCKS);
	img = cfba_open(path, false);
	cfba_scribble(img, &m, 3);
	fba_image_close(img);
	run_ok("cckdswap", "cckdswap", path, NULL);
	v = it_read_file(path, &len);
	assert_true(v[512 + 3] & 0x02);
	free(v);
	img = cfba_open(path, false);
	cfba_check(img, &m);
	cfba_scribble(img, &m, 4);
	fba_image_close(img);
	v = it_read_file(path, &len);
	assert_true(v[512 + 3] & 0x02);
	free(v);
	img = cfba_open(path, true);
	cfba_check(img, &m);
	fba_image_close(img);
	hercules_reads(path, &m);
	cfba_model_free(&m);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ours_for_hercules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dasdinit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fba2cfba, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_endian, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
