/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ckd_image_convert(): CCKD <-> CCKD64 <-> plain, every track equal, null
 * tracks and absent L2 tables kept, the target's null format chosen from
 * the source; refusals (existing target, target = source, source in use
 * or damaged, full disk) leave no file behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "image/ckd_image.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"
#include "image_test.h"

#define CYLS 20                   /* 300 tracks: L2 groups 0 and 1 */
#define TRKS (CYLS * 15)

static char *dir;
static uint8_t buf[CKD_MAX_TRACK_SIZE], other[CKD_MAX_TRACK_SIZE];

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

static char *in_dir(const char *name)
{
	return it_path(dir, name);
}

static unsigned int nfiles(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static struct ckd_image *open_ok(const char *path, unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, flags, &err);

	if (!img)
		fail_msg("open %s: %s", path, err.msg);
	return img;
}

/*
 * Writes in group 0 only (random, text and null tracks, synced and
 * rewritten), so that group 1 keeps no L2 table.
 */
static void scribble(const char *path)
{
	struct ckd_image *img = open_ok(path, 0);
	const struct ckd_geometry *g = ckd_image_geometry(img);

	for (uint32_t round = 0; round < 2; round++) {
		for (uint32_t t = 2; t < 256; t += 3) {
			size_t len = (t + round) % 5 == 0 ?
				ckd_track_null(buf, sizeof(buf), (uint16_t)(t / 15),
					       (uint16_t)(t % 15), CKD_NULL_R0) :
				t % 2 ? it_random_track(buf, sizeof(buf), g, t,
							round) :
				it_track(buf, sizeof(buf), g, t, round, true);

			assert_int_equal(ckd_image_write_track(img, t, buf, len),
					 0);
		}
		assert_int_equal(ckd_image_sync(img), 0);
	}
	ckd_image_close(img);
}

/* Every track of a and b reads the same; returns how many are null. */
static uint64_t same_tracks(const char *a, const char *b)
{
	struct ckd_image *x = open_ok(a, CKD_OPEN_RDONLY);
	struct ckd_image *y = open_ok(b, CKD_OPEN_RDONLY);
	uint64_t nulls = 0;

	assert_int_equal(ckd_image_tracks(y), ckd_image_tracks(x));
	for (uint32_t t = 0; t < ckd_image_tracks(x); t++) {
		size_t lx, ly;

		assert_int_equal(ckd_image_read_track(x, t, buf, sizeof(buf),
						      &lx), 0);
		assert_int_equal(ckd_image_read_track(y, t, other,
						      sizeof(other), &ly), 0);
		if (lx != ly || memcmp(buf, other, lx))
			fail_msg("track %u differs between %s and %s", t, a, b);
		nulls += ckd_track_null_match(buf, lx, (uint16_t)(t / 15),
					      (uint16_t)(t % 15)) >= 0;
	}
	ckd_image_close(x);
	ckd_image_close(y);
	return nulls;
}

static void convert_ok(const char *in, const char *out,
		       enum ckd_image_format fmt, struct ckd_convert_result *r)
{
	struct ckd_convert_options opt = { .format = fmt };
	struct error err = { 0 };
	struct ckd_image *img;

	if (ckd_image_convert(in, out, &opt, r, &err))
		fail_msg("convert %s -> %s: %s", in, out, err.msg);
	img = open_ok(out, CKD_OPEN_RDONLY);
	assert_int_equal(ckd_image_format(img), fmt);
	assert_int_equal(ckd_image_geometry(img)->cyls, CYLS);
	ckd_image_close(img);
}

static uint8_t *read_head(const char *path, size_t n)
{
	uint8_t *p = malloc(n);
	int fd = open(path, O_RDONLY);

	assert_true(p && fd >= 0);
	assert_int_equal(pread(fd, p, n, 0), (ssize_t)n);
	close(fd);
	return p;
}

static void test_cckd_to_cckd64_and_back(void **state)
{
	char *a = in_dir("a.cckd"), *b = in_dir("b.cckd64");
	char *c = in_dir("c.cckd");
	struct ckd_convert_result r;
	uint8_t *h;
	uint64_t nulls;

	(void)state;
	it_create(a, CYLS, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	scribble(a);
	convert_ok(a, b, CKD_IMAGE_CCKD64, &r);
	assert_int_equal(r.from, CKD_IMAGE_CCKD);
	assert_int_equal(r.geo.cyls, CYLS);
	assert_int_equal(r.tracks, TRKS);
	nulls = same_tracks(a, b);
	assert_int_equal(r.null_tracks, nulls);
	assert_true(nulls > 100 && nulls < TRKS);
	/* CKD_C064, nullfmt 2 like the source; group 1 still has no table
	   (L1[1] = 0, 8 bytes at 1032), group 0 has one. */
	h = read_head(b, 1040);
	assert_memory_equal(h, "CKD_C064", 8);
	assert_int_equal(h[512 + 72], 2);
	assert_true(ld_le64(h + 1024) != 0);
	assert_true(ld_le64(h + 1032) == 0);
	free(h);
	convert_ok(b, c, CKD_IMAGE_CCKD, &r);
	assert_int_equal(r.from, CKD_IMAGE_CCKD64);
	same_tracks(a, c);
	h = read_head(c, 1032);
	assert_memory_equal(h, "CKD_C370", 8);
	assert_int_equal(ld_le32(h + 1028), 0);
	free(h);
	assert_int_equal(nfiles(), 3);
	free(a);
	free(b);
	free(c);
}

static void test_plain_both_ways(void **state)
{
	char *a = in_dir("a.cckd64"), *p = in_dir("p.ckd");
	char *blank = in_dir("blank.ckd"), *b = in_dir("b.cckd64");
	char *cdl = in_dir("cdl.ckd"), *c = in_dir("c.cckd64");
	struct ckd_convert_result r;
	struct stat st;
	uint8_t *h;

	(void)state;
	it_create(a, CYLS, CKD_IMAGE_CCKD64, CKD_INIT_CDL);
	scribble(a);
	convert_ok(a, p, CKD_IMAGE_PLAIN, &r);
	same_tracks(a, p);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 512 + TRKS * 56832);
	/* A blank plain volume: HA + R0 tracks become the header's null
	   format (Hercules' 1): no L2 table at all. */
	it_create(blank, CYLS, CKD_IMAGE_PLAIN, CKD_INIT_BLANK);
	convert_ok(blank, b, CKD_IMAGE_CCKD64, &r);
	assert_int_equal(r.from, CKD_IMAGE_PLAIN);
	assert_int_equal(r.null_tracks, TRKS);
	same_tracks(blank, b);
	assert_int_equal(stat(b, &st), 0);
	assert_int_equal(st.st_size, 1024 + 2 * 8);
	h = read_head(b, 1024);
	assert_int_equal(h[512 + 72], 1);
	free(h);
	/* A CDL plain volume: the Linux null track (Hercules' 2). */
	it_create(cdl, CYLS, CKD_IMAGE_PLAIN, CKD_INIT_CDL);
	convert_ok(cdl, c, CKD_IMAGE_CCKD64, &r);
	same_tracks(cdl, c);
	h = read_head(c, 1040);
	assert_int_equal(h[512 + 72], 2);
	assert_true(ld_le64(h + 1032) == 0);
	free(h);
	free(a);
	free(p);
	free(blank);
	free(b);
	free(cdl);
	free(c);
}

static void expect_refused(const char *in, const char *out, bool overwrite,
			   int errnum, const char *what)
{
	struct ckd_convert_options opt = { .format = CKD_IMAGE_CCKD64,
					   .overwrite = overwrite };
	struct error err = { 0 };
	unsigned int before = nfiles();

	assert_int_equal(ckd_image_convert(in, out, &opt, NULL, &err), -errnum);
	assert_int_equal(err.errnum, errnum);
	if (!strstr(err.msg, what))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, what);
	assert_int_equal(nfiles(), before);          /* no temporary left */
}

static void test_refusals(void **state)
{
	char *a = in_dir("a.cckd"), *b = in_dir("b.cckd64");
	char *link2 = in_dir("hard.cckd"), *missing = in_dir("none.cckd");
	struct ckd_convert_options opt = { .format = CKD_IMAGE_CCKD64 };
	struct ckd_image *img;
	struct error err;
	struct stat st;

	(void)state;
	it_create(a, CYLS, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	it_create(b, 1, CKD_IMAGE_CCKD64, CKD_INIT_BLANK);
	expect_refused(a, b, false, EEXIST, "already exists");
	expect_refused(a, a, true, EINVAL, "is the input file");
	assert_int_equal(link(a, link2), 0);
	expect_refused(a, link2, true, EINVAL, "is the input file");
	unlink(link2);
	expect_refused(missing, link2, false, ENOENT, missing);
	opt.format = CKD_IMAGE_MEM;
	assert_int_equal(ckd_image_convert(a, link2, &opt, NULL, &err),
			 -EINVAL);
	/* In use (ccwpassd has it open for writing). */
	img = open_ok(a, 0);
	expect_refused(a, link2, false, EBUSY, "in use");
	ckd_image_close(img);
	/* --force replaces the target. */
	opt.format = CKD_IMAGE_CCKD64;
	assert_int_equal(ckd_image_convert(a, b, &(struct ckd_convert_options){
		.format = CKD_IMAGE_CCKD64, .overwrite = true }, NULL, &err), 0);
	assert_int_equal(stat(b, &st), 0);
	same_tracks(a, b);
	free(a);
	free(b);
	free(link2);
	free(missing);
}

static void test_damaged_source(void **state)
{
	char *a = in_dir("a.cckd64"), *b = in_dir("b.cckd64");
	struct ckd_image *img;
	uint8_t *h;
	uint64_t pos;
	size_t len;

	(void)state;
	it_create(a, CYLS, CKD_IMAGE_CCKD64, CKD_INIT_CDL);
	img = open_ok(a, 0);
	len = it_track(buf, sizeof(buf), ckd_image_geometry(img), 40, 1, false);
	assert_int_equal(ckd_image_write_track(img, 40, buf, len), 0);
	ckd_image_close(img);
	/* Track 40's stored image gets another track's home address. */
	h = read_head(a, 1032);
	pos = ld_le64(h + 1024) + 16 * 40;
	free(h);
	h = read_head(a, pos + 8);
	pos = ld_le64(h + pos);
	free(h);
	it_patch(a, pos + 4, "\x07", 1);
	it_log_capture();
	expect_refused(a, b, false, EUCLEAN, "track 40 cannot be read");
	it_log_release();
	free(a);
	free(b);
}

/* The disk fills up while the target is written. */
static int writes_left;

static ssize_t full_pwrite(int fd, const void *p, size_t n, off_t off)
{
	if (writes_left-- <= 0) {
		errno = ENOSPC;
		return -1;
	}
	return pwrite(fd, p, n, off);
}

static const struct ckd_io_ops full_disk = {
	.pread = pread, .pwrite = full_pwrite, .fdatasync = fdatasync,
	.ftruncate = ftruncate,
};

static void test_disk_full(void **state)
{
	char *a = in_dir("a.cckd"), *b = in_dir("b.cckd");

	(void)state;
	it_create(a, CYLS, CKD_IMAGE_CCKD64, CKD_INIT_CDL);
	scribble(a);
	ckd_io = &full_disk;
	writes_left = 20;
	it_log_capture();
	expect_refused(a, b, false, ENOSPC, "cannot write track");
	it_log_release();
	ckd_io = &ckd_io_libc;
	free(a);
	free(b);
}

struct prog {
	uint64_t last, total;
	unsigned int calls;
	bool monotonic;
};

static void on_progress(uint64_t done, uint64_t total, void *opaque)
{
	struct prog *p = opaque;

	p->monotonic &= done > p->last && done <= total;
	p->last = done;
	p->total = total;
	p->calls++;
}

static void test_progress(void **state)
{
	char *a = in_dir("a.cckd"), *b = in_dir("b.cckd64");
	struct prog p = { .monotonic = true };
	struct ckd_convert_options opt = { .format = CKD_IMAGE_CCKD64,
					   .progress = on_progress,
					   .opaque = &p };
	struct error err;

	(void)state;
	it_create(a, CYLS, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	assert_int_equal(ckd_image_convert(a, b, &opt, NULL, &err), 0);
	/* Copying, then verifying: every track twice. */
	assert_true(p.monotonic);
	assert_int_equal(p.total, 2 * TRKS);
	assert_int_equal(p.last, 2 * TRKS);
	free(a);
	free(b);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cckd_to_cckd64_and_back),
		T(test_plain_both_ways),
		T(test_refusals),
		T(test_damaged_source),
		T(test_disk_full),
		T(test_progress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
