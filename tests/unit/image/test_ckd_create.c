/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Creating volumes (ckd_image_create) and memory volumes: contents, the
 * 3390-9 disk budget, refusing to overwrite, bad options, progress.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dasd/eckd.h"
#include "image/ckd_cdl.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image_test.h"

static char *dir;
static uint8_t buf[CKD_MAX_TRACK_SIZE];

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

static struct ckd_image *open_ok(const char *path, unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, flags, &err);

	if (!img)
		fail_msg("open %s: %s", path, err.msg);
	return img;
}

static int nfiles(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") &&
					     strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

/* A CDL volume of a model: small on disk, every track readable. */
static void check_budget(const char *model, enum ckd_image_format fmt)
{
	const struct eckd_model *m = eckd_model_find(model);
	struct ckd_geometry geo = it_geo(m->cyls);
	struct ckd_init_options opt = { .format = fmt,
					.layout = CKD_INIT_CDL,
					.volser = "0X2B09" };
	char *path = it_path(dir, "big.cckd");
	uint32_t last = m->cyls * 15 - 1;
	struct ckd_image *img;
	struct error err;
	struct stat st;
	size_t len;

	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	/* Disk actually used, not just the apparent size: < 100 MB. */
	assert_true((uint64_t)st.st_blocks * 512 < 100ull * 1000 * 1000);
	assert_true(st.st_size < 64 * 1024);
	img = open_ok(path, CKD_OPEN_RDONLY);
	assert_int_equal(ckd_image_format(img), fmt);
	assert_int_equal(ckd_image_geometry(img)->cyls, m->cyls);
	assert_int_equal(ckd_image_tracks(img), last + 1);
	assert_int_equal(ckd_image_read_track(img, last, buf, sizeof(buf),
					      &len), 0);
	assert_int_equal(ckd_track_null_match(buf, len,
					      (uint16_t)(m->cyls - 1), 14),
			 CKD_NULL_LINUX);
	/* VOL1 in track 0 R3, the format-1 DSCB in track 1 R4 (big disk). */
	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &len), 0);
	{
		struct ckd_cdl_volume v = { .cyls = m->cyls, .heads = 15 };
		static uint8_t t0[CKD_MAX_TRACK_SIZE];
		size_t n;

		strcpy(v.volser, "0X2B09");
		n = ckd_cdl_track0(t0, sizeof(t0), &v);
		assert_int_equal(n, len);
		assert_memory_equal(t0, buf, n);
	}
	ckd_image_close(img);
	unlink(path);
	free(path);
}

static void test_3390_9_budget(void **state)
{
	(void)state;
	check_budget("3390-9", CKD_IMAGE_CCKD);
	check_budget("3390-9", CKD_IMAGE_CCKD64);
}

/* The largest model as CCKD64: 65520 cylinders, 982800 tracks. */
static void test_3390_54_budget(void **state)
{
	(void)state;
	check_budget("3390-54", CKD_IMAGE_CCKD64);
}

static void test_blank_volumes(void **state)
{
	static const enum ckd_image_format fmts[] = { CKD_IMAGE_PLAIN,
						      CKD_IMAGE_CCKD,
						      CKD_IMAGE_CCKD64 };
	/* 5 cylinders: one L1 entry of 4 / 8 bytes, no L2 table. */
	static const off_t sizes[] = { 512 + 75 * 56832, 1024 + 4, 1024 + 8 };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char *path = it_path(dir, i ? "blank.cckd" : "blank.ckd");
		struct ckd_image *img;
		struct stat st;
		size_t len;

		it_create(path, 5, fmts[i], CKD_INIT_BLANK);
		img = open_ok(path, CKD_OPEN_RDONLY);
		assert_int_equal(ckd_image_format(img), fmts[i]);
		for (uint32_t t = 0; t < 75; t++) {
			assert_int_equal(ckd_image_read_track(img, t, buf,
							      sizeof(buf),
							      &len), 0);
			assert_int_equal(ckd_track_null_match(buf, len,
							      (uint16_t)(t / 15),
							      (uint16_t)(t % 15)),
					 CKD_NULL_R0);
		}
		ckd_image_close(img);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, sizes[i]);
		unlink(path);
		free(path);
	}
}

static void test_plain_cdl_contents(void **state)
{
	char *path = it_path(dir, "cdl.ckd");
	struct ckd_cdl_volume v = { .cyls = 4, .heads = 15 };
	static uint8_t t1[CKD_MAX_TRACK_SIZE];
	struct ckd_image *img;
	size_t len, n;

	(void)state;
	it_create(path, 4, CKD_IMAGE_PLAIN, CKD_INIT_CDL);
	img = open_ok(path, CKD_OPEN_RDONLY);
	assert_int_equal(ckd_image_read_track(img, 1, buf, sizeof(buf), &len), 0);
	strcpy(v.volser, "TEST01");
	n = ckd_cdl_track1(t1, sizeof(t1), &v);
	assert_int_equal(n, len);
	/* Equal but for the dates (bytes 9-11 and 31-33 of the F1 data). */
	assert_memory_equal(t1, buf, 5 + 16 + 2 * 148 + 8 + 44 + 9);
	for (uint32_t t = 2; t < 60; t++) {
		assert_int_equal(ckd_image_read_track(img, t, buf, sizeof(buf),
						      &len), 0);
		assert_int_equal(ckd_track_null_match(buf, len,
						      (uint16_t)(t / 15),
						      (uint16_t)(t % 15)),
				 CKD_NULL_LINUX);
	}
	ckd_image_close(img);
	free(path);
}

static void test_exists_and_force(void **state)
{
	struct ckd_geometry geo = it_geo(2);
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD,
					.layout = CKD_INIT_CDL,
					.volser = "FIRST" };
	char *path = it_path(dir, "v.cckd");
	struct ckd_image *img;
	struct error err = { 0 };
	size_t len;

	(void)state;
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), 0);
	strcpy(opt.volser, "SECOND");
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), -EEXIST);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "already exists"));
	opt.overwrite = true;
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), 0);
	img = open_ok(path, CKD_OPEN_RDONLY);
	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &len), 0);
	{
		char vs[7] = { 0 };

		/* VOL1 data: after HA, R0, R1 (8+4+24), R2 (8+4+144), count, key */
		ckd_ascii_from_ebcdic(vs, buf + 5 + 16 + 36 + 156 + 8 + 4 + 4, 6);
		assert_string_equal(vs, "SECOND");
	}
	ckd_image_close(img);
	assert_int_equal(nfiles(), 1);   /* no temporary files left */
	free(path);
}

static void test_bad_options(void **state)
{
	struct ckd_geometry geo = it_geo(2);
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD,
					.layout = CKD_INIT_CDL,
					.volser = "abc" };
	char *path = it_path(dir, "bad.cckd");
	char *nodir = it_path(dir, "missing/x.cckd");
	struct error err = { 0 };

	(void)state;
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "volume serial"));
	strcpy(opt.volser, "OK");
	geo.cyls = 0;
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "cylinders"));
	geo = it_geo(2);
	geo.heads = 16;
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), -EINVAL);
	geo = it_geo(2);
	opt.format = CKD_IMAGE_MEM;
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), -EINVAL);
	opt.format = CKD_IMAGE_CCKD;
	assert_int_equal(ckd_image_create(nodir, &geo, &opt, &err), -ENOENT);
	assert_non_null(strstr(err.msg, nodir));
	assert_int_equal(nfiles(), 0);
	free(path);
	free(nodir);
}

struct prog {
	uint64_t last, total;
	unsigned int calls;
	bool monotonic;
};

static void on_progress(uint64_t done, uint64_t total, void *opaque)
{
	struct prog *p = opaque;

	p->monotonic &= done >= p->last && done <= total;
	p->last = done;
	p->total = total;
	p->calls++;
}

static void test_progress(void **state)
{
	struct prog p = { .monotonic = true };
	struct ckd_geometry geo = it_geo(30);
	struct ckd_init_options opt = { .format = CKD_IMAGE_PLAIN,
					.layout = CKD_INIT_CDL, .volser = "P",
					.progress = on_progress, .opaque = &p };
	char *path = it_path(dir, "p.ckd");
	struct error err;

	(void)state;
	assert_int_equal(ckd_image_create(path, &geo, &opt, &err), 0);
	assert_true(p.monotonic);
	assert_true(p.calls >= 30);
	assert_int_equal(p.total, 450);
	assert_int_equal(p.last, 450);
	free(path);
}

static void test_memory_volume(void **state)
{
	struct ckd_geometry geo = it_geo(3);
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_new_mem(&geo, CKD_NULL_LINUX, &err);
	size_t len, n;

	(void)state;
	assert_non_null(img);
	assert_int_equal(ckd_image_format(img), CKD_IMAGE_MEM);
	assert_string_equal(ckd_image_path(img), "(memory)");
	assert_int_equal(ckd_image_read_track(img, 44, buf, sizeof(buf), &len), 0);
	assert_int_equal(ckd_track_null_match(buf, len, 2, 14), CKD_NULL_LINUX);
	n = it_track(buf, sizeof(buf), &geo, 10, 1, false);
	assert_int_equal(ckd_image_write_track(img, 10, buf, n), 0);
	assert_int_equal(ckd_image_sync(img), 0);
	assert_true(it_track_equals(img, 10, buf, n));
	n = ckd_track_null(buf, sizeof(buf), 0, 10, CKD_NULL_LINUX);
	assert_int_equal(ckd_image_write_track(img, 10, buf, n), 0);
	assert_true(it_track_equals(img, 10, buf, n));
	assert_int_equal(ckd_image_write_track(img, 45, buf, n), -EINVAL);
	ckd_image_close(img);
	geo.trksize = 20;
	assert_null(ckd_image_new_mem(&geo, CKD_NULL_R0, &err));
	assert_int_equal(err.errnum, EINVAL);
	ckd_image_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_3390_9_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_3390_54_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blank_volumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_cdl_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exists_and_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_volume, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
