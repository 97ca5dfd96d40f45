/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ccwpass dasdinit` as a user runs it (the binary is argv[1]). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/ckd_image.h"
#include "image/fba_image.h"
#include "image_test.h"

static const char *ccwpass;
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

static int run(char **out, const char *args)
{
	return it_run(out, "cd '%s' && '%s' dasdinit %s", dir, ccwpass, args);
}

static void test_help(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(run(&out, "--help"), 0);
	assert_non_null(strstr(out, "Usage: ccwpass dasdinit"));
	assert_non_null(strstr(out, "--volser"));
	/* The default format, and who cannot read it. */
	assert_non_null(strstr(out, "cckd64 (default)"));
	assert_non_null(strstr(out, "Hercules 3.13"));
	free(out);
	assert_int_equal(run(&out, "--bogus x.cckd"), 2);
	free(out);
	assert_int_equal(run(&out, ""), 2);
	assert_non_null(strstr(out, "need FILE"));
	free(out);
}

static void test_default_cdl_cckd(void **state)
{
	struct ckd_image *img;
	struct error err;
	char *out, *path = it_path(dir, "d.cckd");

	(void)state;
	assert_int_equal(run(&out, "--volser lnx9 d.cckd"), 0);
	assert_non_null(strstr(out, "10017 cylinders"));
	assert_non_null(strstr(out, "volser LNX9"));
	assert_non_null(strstr(out, "CCKD64"));
	free(out);
	img = ckd_image_open(path, CKD_OPEN_RDONLY, &err);
	assert_non_null(img);
	assert_int_equal(ckd_image_format(img), CKD_IMAGE_CCKD64);
	assert_int_equal(ckd_image_geometry(img)->cyls, 10017);
	ckd_image_close(img);
	/* Exists: refused, naming the file; --force replaces it. */
	assert_int_equal(run(&out, "-q d.cckd 3390-1"), 1);
	assert_non_null(strstr(out, "d.cckd: already exists"));
	free(out);
	assert_int_equal(run(&out, "-q --force -t 3390-1 d.cckd"), 0);
	assert_string_equal(out, "");
	free(out);
	img = ckd_image_open(path, CKD_OPEN_RDONLY, &err);
	assert_int_equal(ckd_image_geometry(img)->cyls, 1113);
	ckd_image_close(img);
	free(path);
}

static void test_options(void **state)
{
	struct ckd_image *img;
	struct error err;
	struct stat st;
	char *out, *path = it_path(dir, "p.ckd");

	(void)state;
	assert_int_equal(run(&out, "--blank --format plain --cyls 3 p.ckd"), 0);
	assert_non_null(strstr(out, "blank"));
	free(out);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 512 + 45 * 56832);
	img = ckd_image_open(path, CKD_OPEN_RDONLY, &err);
	assert_int_equal(ckd_image_format(img), CKD_IMAGE_PLAIN);
	ckd_image_close(img);
	assert_int_equal(run(&out, "-t 3390-7 x.cckd"), 2);
	assert_non_null(strstr(out, "unknown model"));
	free(out);
	assert_int_equal(run(&out, "--cyls 0 x.cckd"), 2);
	free(out);
	assert_int_equal(run(&out, "--format qcow x.cckd"), 2);
	assert_non_null(strstr(out, "use cckd64, cckd or plain"));
	free(out);
	/* CCKD for a model beyond 4 GiB: created, with a note. */
	assert_int_equal(run(&out, "-q -f cckd big.cckd 3390-27"), 0);
	assert_non_null(strstr(out, "note: big.cckd: a CCKD file holds at "
			       "most 4 GiB, about 5033 of these 32760 "
			       "cylinders"));
	free(out);
	assert_int_equal(run(&out, "-q -f cckd c3.cckd 3390-3"), 0);
	assert_string_equal(out, "");
	free(out);
	for (int i = 0; i < 2; i++) {
		static const char *const fmt[] = { "cckd", "cckd64" };
		static const enum ckd_image_format want[] = {
			CKD_IMAGE_CCKD, CKD_IMAGE_CCKD64,
		};
		char args[64], *p = it_path(dir, fmt[i]);

		snprintf(args, sizeof(args), "-q -f %s -c 2 %s", fmt[i],
			 fmt[i]);
		assert_int_equal(run(&out, args), 0);
		free(out);
		img = ckd_image_open(p, CKD_OPEN_RDONLY, &err);
		assert_non_null(img);
		assert_int_equal(ckd_image_format(img), want[i]);
		ckd_image_close(img);
		free(p);
	}
	assert_int_equal(run(&out, "--volser TOOLONG7 x.cckd"), 2);
	free(out);
	assert_int_equal(run(&out, "--volser 'A B' x.cckd"), 1);
	assert_non_null(strstr(out, "volume serial"));
	free(out);
	assert_int_equal(run(&out, "-t 3390-3 x.cckd 3390-9"), 2);
	assert_non_null(strstr(out, "model given twice"));
	free(out);
	free(path);
}

/* FBA volumes: plain FBA, zeros, 0600; what FBA refuses, named. */
static void test_fba(void **state)
{
	char *out, *path = it_path(dir, "d.fba");
	struct stat st;

	(void)state;
	assert_int_equal(run(&out, "d.fba 9336 --blocks 1000"), 0);
	assert_non_null(strstr(out, "d.fba: 9336-10 FBA volume (Sense ID "
				    "9336/00), 1000 blocks of 512 bytes"));
	free(out);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 1000 * 512);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_not_equal(run(&out, "d.fba 9336"), 0);     /* exists */
	free(out);
	assert_int_equal(run(&out, "--force -q d.fba 3370"), 0);
	free(out);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 558000ll * 512);
	assert_int_equal(run(&out, "e.fba 9336 --cdl"), 1);
	assert_non_null(strstr(out, "--cdl is for 3390s"));
	free(out);
	assert_int_equal(run(&out, "e.fba 9336 --cyls 10"), 1);
	assert_non_null(strstr(out, "an FBA volume has --blocks"));
	free(out);
	assert_int_equal(run(&out, "e.cckd 3390-9 --blocks 10"), 1);
	assert_non_null(strstr(out, "--blocks is for FBA models"));
	free(out);
	free(path);
}

/* --format cfba: a few KB that reads as the volume's zeros; the CKD
   formats are refused for FBA, cfba for a 3390. */
static void test_cfba(void **state)
{
	char *out, *path = it_path(dir, "d.cfba");
	uint8_t blk[FBA_BLOCK_SIZE], zero[FBA_BLOCK_SIZE] = { 0 };
	struct error err = { 0 };
	struct fba_image *img;
	struct stat st;

	(void)state;
	assert_int_equal(run(&out, "--format cfba d.cfba 9336"), 0);
	assert_non_null(strstr(out, "d.cfba: 9336-20 FBA volume (Sense ID "
				    "9336/10), 1672881 blocks of 512 bytes "
				    "(816 MiB), CFBA (zlib), blank"));
	free(out);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 4096);
	assert_int_equal(st.st_mode & 07777, 0600);
	img = fba_image_open(path, true, &err);
	assert_non_null(img);
	assert_int_equal(fba_image_format(img), FBA_IMAGE_CFBA);
	assert_int_equal(fba_image_blocks(img), 1672881);
	assert_int_equal(fba_image_read(img, 1672880, 1, blk), 0);
	assert_memory_equal(blk, zero, sizeof(blk));
	fba_image_close(img);
	assert_int_equal(run(&out, "-f cfba -B 10000000 -q big.cfba 9336"), 0);
	assert_non_null(strstr(out, "a CFBA file holds at most 4 GiB"));
	free(out);
	assert_int_equal(run(&out, "-f cckd e.fba 9336"), 1);
	assert_non_null(strstr(out, "--format cckd is a 3390 format"));
	free(out);
	assert_int_equal(run(&out, "-f cckd64 e.fba 3370"), 1);
	assert_non_null(strstr(out, "plain (default) or cfba"));
	free(out);
	assert_int_equal(run(&out, "-f cfba e.cckd 3390-1"), 1);
	assert_non_null(strstr(out, "--format cfba is for FBA volumes"));
	free(out);
	assert_int_equal(run(&out, "-f cfba64 e.cfba 9336"), 2);
	free(out);
	free(path);
	path = it_path(dir, "e.cckd");                /* nothing refused made */
	assert_int_not_equal(stat(path, &st), 0);
	free(path);
	path = it_path(dir, "e.fba");
	assert_int_not_equal(stat(path, &st), 0);
	free(path);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_default_cdl_cckd),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_fba),
		cmocka_unit_test(test_cfba),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-CCWPASS\n", argv[0]);
		return 2;
	}
	ccwpass = argv[1];
	return cmocka_run_group_tests(tests, setup, teardown);
}
