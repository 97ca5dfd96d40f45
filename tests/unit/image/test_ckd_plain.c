/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain CKD images (CKD_P370): write/read/reopen, read-only opens, locks,
 * split files, broken headers and slots.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/ckd_header.h"
#include "image/ckd_image.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"
#include "image_test.h"

static char *dir, *path;
static uint8_t buf[CKD_MAX_TRACK_SIZE], want[CKD_MAX_TRACK_SIZE];

static int setup(void **state)
{
	(void)state;
	dir = it_mkdtemp();
	path = it_path(dir, "vol.ckd");
	it_create(path, 3, CKD_IMAGE_PLAIN, CKD_INIT_CDL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(path);
	it_rmdir(dir);
	return 0;
}

static struct ckd_image *open_ok(const char *p, unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(p, flags, &err);

	if (!img)
		fail_msg("open %s: %s", p, err.msg);
	return img;
}

/* Open must fail with errnum and a message containing what. */
static void open_fails(const char *p, unsigned int flags, int errnum,
		       const char *what)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(p, flags, &err);

	if (img)
		fail_msg("open %s succeeded; expected \"%s\"", p, what);
	assert_int_equal(err.errnum, errnum);
	if (!strstr(err.msg, what) || !strstr(err.msg, p))
		fail_msg("message \"%s\" lacks \"%s\" or the file name",
			 err.msg, what);
}

static void test_geometry_and_contents(void **state)
{
	struct ckd_image *img = open_ok(path, 0);
	const struct ckd_geometry *g = ckd_image_geometry(img);
	size_t len;

	(void)state;
	assert_int_equal(ckd_image_format(img), CKD_IMAGE_PLAIN);
	assert_false(ckd_image_readonly(img));
	assert_int_equal(g->devtype, 0x3390);
	assert_int_equal(g->cyls, 3);
	assert_int_equal(g->heads, 15);
	assert_int_equal(g->trksize, 56832);
	assert_int_equal(ckd_image_tracks(img), 45);
	assert_string_equal(ckd_image_path(img), path);
	assert_int_equal(ckd_image_read_track(img, 44, buf, sizeof(buf), &len), 0);
	assert_int_equal(ckd_track_null_match(buf, len, 2, 14), CKD_NULL_LINUX);
	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(buf[5 + 16 + 5], 4);      /* R1 key length 4 */
	/* Range and buffer checks. */
	assert_int_equal(ckd_image_read_track(img, 45, buf, sizeof(buf), &len),
			 -EINVAL);
	assert_int_equal(ckd_image_read_track(img, 0, buf, 1000, &len), -EINVAL);
	assert_int_equal(ckd_image_write_track(img, 45, buf, len), -EINVAL);
	ckd_image_close(img);
}

static void test_write_read_reopen(void **state)
{
	struct ckd_image *img = open_ok(path, 0);
	size_t lens[45];

	(void)state;
	for (uint32_t t = 2; t < 45; t += 3) {
		lens[t] = it_track(buf, sizeof(buf), ckd_image_geometry(img), t,
				   7, t % 2);
		assert_int_equal(ckd_image_write_track(img, t, buf, lens[t]), 0);
	}
	assert_int_equal(ckd_image_sync(img), 0);
	ckd_image_close(img);
	img = open_ok(path, CKD_OPEN_RDONLY);
	for (uint32_t t = 2; t < 45; t += 3) {
		size_t n = it_track(want, sizeof(want), ckd_image_geometry(img),
				    t, 7, t % 2);

		assert_int_equal(n, lens[t]);
		assert_true(it_track_equals(img, t, want, n));
	}
	ckd_image_close(img);
}

static void test_bad_write_rejected(void **state)
{
	struct ckd_image *img = open_ok(path, 0);
	size_t len = it_track(buf, sizeof(buf), ckd_image_geometry(img), 5, 1,
			      false);

	(void)state;
	/* A track image for track 5 written to track 6: wrong HA. */
	assert_int_equal(ckd_image_write_track(img, 6, buf, len), -EINVAL);
	buf[len - 1] = 0;
	assert_int_equal(ckd_image_write_track(img, 5, buf, len), -EINVAL);
	ckd_image_close(img);
}

static int sync_failures;

static int failing_fdatasync(int fd)
{
	if (sync_failures > 0) {
		sync_failures--;
		errno = EIO;
		return -1;
	}
	return fdatasync(fd);
}

static const struct ckd_io_ops failing_sync = {
	.pread = pread, .pwrite = pwrite, .fdatasync = failing_fdatasync,
	.ftruncate = ftruncate,
};

/*
 * One failed fdatasync: Linux may have dropped the pages that failed, so a
 * second fdatasync "succeeding" would prove nothing. The image refuses
 * writes and syncs from then on.
 */
static void test_failed_sync_is_final(void **state)
{
	struct ckd_image *img = open_ok(path, 0);
	const struct ckd_geometry *g = ckd_image_geometry(img);
	size_t len = it_track(buf, sizeof(buf), g, 5, 1, false);

	(void)state;
	assert_int_equal(ckd_image_write_track(img, 5, buf, len), 0);
	ckd_io = &failing_sync;
	sync_failures = 1;
	assert_int_equal(ckd_image_sync(img), -EIO);
	assert_int_equal(ckd_image_sync(img), -EIO);
	len = it_track(buf, sizeof(buf), g, 6, 1, false);
	assert_int_equal(ckd_image_write_track(img, 6, buf, len), -EIO);
	ckd_io = &ckd_io_libc;
	ckd_image_close(img);
}

static void test_readonly_never_modifies(void **state)
{
	struct stat before, after;
	uint8_t *b1, *b2;
	size_t n1, n2, len;
	struct ckd_image *img;

	(void)state;
	it_set_old_mtime(path);       /* any write would move it to now */
	assert_int_equal(stat(path, &before), 0);
	b1 = it_read_file(path, &n1);
	img = open_ok(path, CKD_OPEN_RDONLY);
	assert_true(ckd_image_readonly(img));
	for (uint32_t t = 0; t < 45; t++)
		assert_int_equal(ckd_image_read_track(img, t, buf, sizeof(buf),
						      &len), 0);
	assert_int_equal(ckd_image_write_track(img, 3, buf, len), -EROFS);
	assert_int_equal(ckd_image_sync(img), 0);
	ckd_image_close(img);
	assert_int_equal(stat(path, &after), 0);
	b2 = it_read_file(path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	free(b1);
	free(b2);
}

static void test_locking(void **state)
{
	struct ckd_image *a, *b;

	(void)state;
	a = open_ok(path, 0);
	open_fails(path, 0, EBUSY, "in use by another process");
	open_fails(path, CKD_OPEN_RDONLY, EBUSY, "in use");
	ckd_image_close(a);
	a = open_ok(path, CKD_OPEN_RDONLY);
	b = open_ok(path, CKD_OPEN_RDONLY);    /* readers share */
	open_fails(path, 0, EBUSY, "in use");
	ckd_image_close(a);
	ckd_image_close(b);
	a = open_ok(path, 0);                  /* free again */
	ckd_image_close(a);
}

static void test_missing_file(void **state)
{
	char *p = it_path(dir, "nope.ckd");

	(void)state;
	open_fails(p, 0, ENOENT, "cannot open");
	free(p);
}

static void test_broken_headers(void **state)
{
	uint8_t one = 1;

	(void)state;
	it_patch_le32(path, 8, 16);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "header field heads");
	it_patch_le32(path, 8, 15);
	it_patch_le32(path, 12, 4096);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "header field trksize");
	it_patch_le32(path, 12, 56832);
	it_patch(path, 0, "XKD_P370", 8);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "devid");
	it_patch(path, 0, "CKD_P370", 8);
	it_patch(path, 16, "\x45", 1);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "devtype");
	it_patch(path, 16, "\x90", 1);
	it_patch(path, 18, "\x05\x00", 2);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "highcyl");
	it_patch(path, 18, "\x00\x00", 2);
	it_patch(path, 17, "\x03", 1);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "fileseq");
	it_patch(path, 17, "\x00", 1);
	/* One stray byte at the end: not whole track slots. */
	it_patch(path, 512 + 45ull * 56832, &one, 1);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "file size");
	assert_int_equal(truncate(path, 512 + 45ll * 56832), 0);
	ckd_image_close(open_ok(path, CKD_OPEN_RDONLY));
	assert_int_equal(truncate(path, 100), 0);
	open_fails(path, CKD_OPEN_RDONLY, EINVAL, "too short");
}

static void test_broken_slot(void **state)
{
	struct ckd_image *img;
	uint8_t junk[64];
	size_t len;

	(void)state;
	memset(junk, 0x11, sizeof(junk));
	/* Track 7: R1's data length now runs past the slot. */
	it_patch(path, 512 + 7ull * 56832 + 21 + 6, "\xff\xf0", 2);
	/* Track 8: home address of another track. */
	it_patch(path, 512 + 8ull * 56832 + 1, "\x00\x09", 2);
	it_log_capture();
	img = open_ok(path, CKD_OPEN_RDONLY);
	assert_int_equal(ckd_image_read_track(img, 7, buf, sizeof(buf), &len),
			 -EUCLEAN);
	assert_non_null(strstr(it_log_text(), "track 7"));
	assert_non_null(strstr(it_log_text(), "run past the track end"));
	assert_int_equal(ckd_image_read_track(img, 8, buf, sizeof(buf), &len),
			 -EUCLEAN);
	assert_non_null(strstr(it_log_text(), "home address CCHH"));
	assert_non_null(strstr(it_log_text(), path));
	assert_int_equal(ckd_image_read_track(img, 9, buf, sizeof(buf), &len), 0);
	ckd_image_close(img);
	it_log_release();
}

/* A volume split over vol_1.ckd (cylinders 0-1) and vol_2.ckd (cylinder 2). */
static void make_split(const char *first, const char *second)
{
	size_t n;
	uint8_t *all = it_read_file(path, &n);
	size_t cyl = 15 * 56832;

	all[17] = 1;                         /* fileseq 1 */
	all[18] = 1;                         /* highcyl 1 */
	assert_int_equal(it_write_file(first, all, 512 + 2 * cyl), 0);
	memmove(all + 512, all + 512 + 2 * cyl, cyl);
	all[17] = 2;
	all[18] = 0;
	assert_int_equal(it_write_file(second, all, 512 + cyl), 0);
	free(all);
}

static void test_split_files(void **state)
{
	char *first = it_path(dir, "vol_1.ckd"), *second = it_path(dir, "vol_2.ckd");
	struct ckd_image *img;
	size_t len, n;
	uint8_t *f2;

	(void)state;
	make_split(first, second);
	img = open_ok(first, 0);
	assert_int_equal(ckd_image_geometry(img)->cyls, 3);
	assert_int_equal(ckd_image_read_track(img, 44, buf, sizeof(buf), &len), 0);
	assert_int_equal(ckd_track_null_match(buf, len, 2, 14), CKD_NULL_LINUX);
	/* Track 31 (cylinder 2, head 1) lives in the second file. */
	len = it_track(buf, sizeof(buf), ckd_image_geometry(img), 31, 3, false);
	assert_int_equal(ckd_image_write_track(img, 31, buf, len), 0);
	ckd_image_close(img);
	f2 = it_read_file(second, &n);
	assert_memory_equal(f2 + 512 + 56832, buf, len);
	free(f2);
	/* The second file cannot be opened on its own. */
	open_fails(second, CKD_OPEN_RDONLY, EINVAL, "fileseq");
	unlink(second);
	open_fails(first, CKD_OPEN_RDONLY, ENOENT, "split volume file 2");
	free(first);
	free(second);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_geometry_and_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_write_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_sync_is_final, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_never_modifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
