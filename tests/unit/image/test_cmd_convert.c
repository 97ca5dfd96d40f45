/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ccwpass convert` as a user runs it (the binary is argv[1]). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/ckd_image.h"
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
	return it_run(out, "cd '%s' && '%s' convert %s", dir, ccwpass, args);
}

static enum ckd_image_format format_of(const char *name)
{
	char *path = it_path(dir, name);
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, CKD_OPEN_RDONLY, &err);
	enum ckd_image_format f;

	if (!img)
		fail_msg("%s", err.msg);
	f = ckd_image_format(img);
	ckd_image_close(img);
	free(path);
	return f;
}

static void test_help_and_usage(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(run(&out, "--help"), 0);
	assert_non_null(strstr(out, "Usage: ccwpass convert"));
	assert_non_null(strstr(out, "cckd64 (default)"));
	assert_non_null(strstr(out, "Hercules 3.13"));
	free(out);
	assert_int_equal(run(&out, "only-one"), 2);
	assert_non_null(strstr(out, "need IN and OUT"));
	free(out);
	assert_int_equal(run(&out, "-f qcow2 a b"), 2);
	assert_non_null(strstr(out, "use cckd64, cckd or plain"));
	free(out);
	assert_int_equal(it_run(&out, "'%s' --help", ccwpass), 0);
	assert_non_null(strstr(out, "convert "));
	free(out);
}

static void test_convert(void **state)
{
	char *path = it_path(dir, "old.cckd"), *out;

	(void)state;
	it_create(path, 5, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	/* Default: CCKD64, with a summary naming both files. */
	assert_int_equal(run(&out, "old.cckd new.cckd64"), 0);
	assert_non_null(strstr(out, "new.cckd64: CCKD64, 5 cylinders, 75 "
			       "tracks (73 null) copied from old.cckd (CCKD) "
			       "and verified"));
	free(out);
	assert_int_equal(format_of("new.cckd64"), CKD_IMAGE_CCKD64);
	assert_int_equal(run(&out, "-q -f plain new.cckd64 p.ckd"), 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(format_of("p.ckd"), CKD_IMAGE_PLAIN);
	assert_int_equal(run(&out, "-q --format cckd p.ckd back.cckd"), 0);
	free(out);
	assert_int_equal(format_of("back.cckd"), CKD_IMAGE_CCKD);
	/* Refusals name the file; --force replaces OUT, never IN. */
	assert_int_equal(run(&out, "-q old.cckd new.cckd64"), 1);
	assert_non_null(strstr(out, "new.cckd64: already exists"));
	free(out);
	assert_int_equal(run(&out, "-q --force -f cckd old.cckd new.cckd64"), 0);
	free(out);
	assert_int_equal(format_of("new.cckd64"), CKD_IMAGE_CCKD);
	assert_int_equal(run(&out, "-q --force old.cckd ./old.cckd"), 1);
	assert_non_null(strstr(out, "is the input file"));
	free(out);
	assert_int_equal(run(&out, "-q missing.cckd x.cckd"), 1);
	assert_non_null(strstr(out, "missing.cckd"));
	free(out);
	free(path);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help_and_usage, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_convert, setup, teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-CCWPASS\n", argv[0]);
		return 2;
	}
	ccwpass = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
