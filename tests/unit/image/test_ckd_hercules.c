/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interoperability with Hercules' own utilities (Debian package hercules
 * 3.13): volumes ccwpass writes pass cckdcdsk and list in dasdls; volumes
 * Hercules makes (dasdinit, ckd2cckd, cckd2ckd) read in ccwpass; 3.13
 * refuses CCKD64, and reads what ccwpass convert makes of it; a crash
 * with a live journal leaves Hercules a consistent older volume. Each case
 * is skipped with a note when a utility is missing - except with CI=true
 * (CI installs hercules), where a missing utility fails the case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/ckd_cdl.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image_test.h"

#define CYLS 20
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

static struct ckd_image *open_ok(const char *path, unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, flags, &err);

	if (!img)
		fail_msg("open %s: %s", path, err.msg);
	return img;
}

/* cckdcdsk at level 3 (headers, tables, free space, every track image),
   read-only: it must report nothing. */
static void cckdcdsk_clean(const char *path)
{
	char *out;
	int rc = it_run(&out, "cckdcdsk -3 -ro '%s'", path);

	if (rc != 0 || strstr(out, "HHC"))
		fail_msg("cckdcdsk on %s (rc %d):\n%s", path, rc, out);
	free(out);
}

static void create(const char *path, enum ckd_image_format fmt,
		   const char *volser)
{
	struct ckd_geometry geo = it_geo(CYLS);
	struct ckd_init_options opt = { .format = fmt, .layout = CKD_INIT_CDL };
	struct error err;

	strcpy(opt.volser, volser);
	if (ckd_image_create(path, &geo, &opt, &err))
		fail_msg("create: %s", err.msg);
}

/* Writes, rewrites and null tracks, so free space gets chained. */
/* Round 1 writes in batches of SCRIBBLE_BATCH (ckd_image_write_tracks:
   direct writes, aligned and padded images), the others track by track. */
#define SCRIBBLE_BATCH 8
static uint8_t batch[SCRIBBLE_BATCH][CKD_MAX_TRACK_SIZE];

static void scribble(const char *path)
{
	struct ckd_image *img = open_ok(path, 0);
	const struct ckd_geometry *g = ckd_image_geometry(img);

	for (uint32_t round = 0; round < 3; round++) {
		struct ckd_track_out out[SCRIBBLE_BATCH];
		unsigned int n = 0, done;

		for (uint32_t t = 2; t < TRKS; t += 11) {
			uint8_t *b = round == 1 ? batch[n] : buf;
			size_t len = (t + round) % 4 == 0 ?
				ckd_track_null(b, CKD_MAX_TRACK_SIZE, (uint16_t)(t / 15),
					       (uint16_t)(t % 15), CKD_NULL_LINUX) :
				it_track(b, CKD_MAX_TRACK_SIZE, g, t, round, t % 3);

			if (round != 1) {
				assert_int_equal(ckd_image_write_track(img, t, buf, len), 0);
				continue;
			}
			out[n++] = (struct ckd_track_out){ t, b, len };
			if (n == SCRIBBLE_BATCH || t + 11 >= TRKS) {
				assert_int_equal(ckd_image_write_tracks(img, out, n,
									&done), 0);
				assert_int_equal(done, n);
				n = 0;
			}
		}
		assert_int_equal(ckd_image_sync(img), 0);
	}
	ckd_image_close(img);
}

/* Every track of a and b reads the same. */
static void same_tracks(const char *a, const char *b)
{
	struct ckd_image *x = open_ok(a, CKD_OPEN_RDONLY);
	struct ckd_image *y = open_ok(b, CKD_OPEN_RDONLY);
	uint32_t n = ckd_image_tracks(x);

	assert_int_equal(ckd_image_tracks(y), n);
	for (uint32_t t = 0; t < n; t++) {
		size_t lx, ly;

		assert_int_equal(ckd_image_read_track(x, t, buf, sizeof(buf), &lx), 0);
		assert_int_equal(ckd_image_read_track(y, t, other, sizeof(other),
						      &ly), 0);
		if (lx != ly || memcmp(buf, other, lx))
			fail_msg("track %u differs between %s and %s", t, a, b);
	}
	ckd_image_close(x);
	ckd_image_close(y);
}

static void test_dasdls_lists_volume(void **state)
{
	char *cckd = it_path(dir, "ls.cckd"), *plain = it_path(dir, "ls.ckd");
	char *out;

	(void)state;
	if (!it_have_tool("dasdls"))
		skip();
	create(cckd, CKD_IMAGE_CCKD, "HERC01");
	create(plain, CKD_IMAGE_PLAIN, "HERC02");
	assert_int_equal(it_run(&out, "dasdls '%s'", cckd), 0);
	assert_non_null(strstr(out, "VOLSER=HERC01"));
	assert_non_null(strstr(out, "LINUX.VHERC01.PART0001.NATIVE"));
	free(out);
	assert_int_equal(it_run(&out, "dasdls '%s'", plain), 0);
	assert_non_null(strstr(out, "VOLSER=HERC02"));
	free(out);
	free(cckd);
	free(plain);
}

static void test_cckdcdsk_after_create_and_writes(void **state)
{
	char *path = it_path(dir, "chk.cckd");

	(void)state;
	if (!it_have_tool("cckdcdsk"))
		skip();
	create(path, CKD_IMAGE_CCKD, "CHK001");
	cckdcdsk_clean(path);
	scribble(path);
	cckdcdsk_clean(path);
	free(path);
}

static void put(struct ckd_image *img, uint32_t t, uint32_t seed)
{
	size_t len = it_track(buf, sizeof(buf), ckd_image_geometry(img), t,
			      seed, t % 2);

	assert_int_equal(ckd_image_write_track(img, t, buf, len), 0);
}

static bool holds(const char *path, uint32_t t, uint32_t seed)
{
	struct ckd_image *img = open_ok(path, CKD_OPEN_RDONLY);
	size_t len = it_track(other, sizeof(other), ckd_image_geometry(img), t,
			      seed, t % 2);
	bool ok = it_track_equals(img, t, other, len);

	ckd_image_close(img);
	return ok;
}

/* cckdcdsk's messages on a file that was not closed: only the header's
   statistics and free space, which are stale after any crash. */
static void cckdcdsk_only_stale_statistics(const char *path)
{
	char *out, *p;

	it_run(&out, "cckdcdsk -f -3 -ro '%s'", path);
	for (p = strstr(out, "HHC"); p; p = strstr(p + 1, "HHC"))
		if (strncmp(p, "HHCCU601W", 9) && strncmp(p, "HHCCU610W", 9) &&
		    strncmp(p, "HHCCU502W", 9))
			fail_msg("cckdcdsk on %s:\n%s", path, out);
	free(out);
}

/*
 * A crash after three syncs, the last only in ccwpass's journal: what
 * Hercules reads (the L1 table in place) is the volume of sync 2, with
 * every table and track intact; its repair keeps the private header area
 * (and clears the opened bit, so ccwpass then ignores it); ccwpass's own
 * recovery gives sync 3 and a file cckdcdsk finds clean.
 */
static void test_cckdcdsk_after_crash_with_journal(void **state)
{
	char *path = it_path(dir, "j.cckd"), *crash = it_path(dir, "jc.cckd");
	char *herc = it_path(dir, "jh.cckd"), *out;
	struct ckd_image *img;
	uint8_t *f, *g;
	size_t n, m;

	(void)state;
	if (!it_have_tool("cckdcdsk"))
		skip();
	create(path, CKD_IMAGE_CCKD, "JRN001");
	img = open_ok(path, 0);
	put(img, 5, 1);
	assert_int_equal(ckd_image_sync(img), 0);
	put(img, 6, 2);
	assert_int_equal(ckd_image_sync(img), 0);
	put(img, 5, 3);
	put(img, 270, 3);
	assert_int_equal(ckd_image_sync(img), 0);
	f = it_read_file(path, &n);               /* the crash */
	ckd_image_close(img);
	cckdcdsk_clean(path);
	assert_memory_equal(f + 960, "CCWPJRNL", 8);
	assert_int_equal(it_write_file(crash, f, n), 0);
	assert_int_equal(it_write_file(herc, f, n), 0);
	cckdcdsk_only_stale_statistics(crash);
	/* Hercules repairs it its way. */
	it_run(&out, "cckdcdsk -f -1 '%s'", herc);
	free(out);
	g = it_read_file(herc, &m);
	assert_false(g[512 + 3] & 0x80);
	assert_memory_equal(g + 960, f + 960, 64);
	free(g);
	cckdcdsk_clean(herc);
	assert_true(holds(herc, 5, 1));
	assert_true(holds(herc, 6, 2));
	/* ccwpass recovers it. */
	assert_true(holds(crash, 5, 3));
	ckd_image_close(open_ok(crash, 0));
	cckdcdsk_clean(crash);
	assert_true(holds(crash, 5, 3));
	assert_true(holds(crash, 6, 2));
	assert_true(holds(crash, 270, 3));
	free(f);
	free(path);
	free(crash);
	free(herc);
}

static void test_cckd2ckd_reads_our_tracks(void **state)
{
	char *cckd = it_path(dir, "conv.cckd"), *plain = it_path(dir, "conv.ckd");
	char *out;

	(void)state;
	if (!it_have_tool("cckd2ckd"))
		skip();
	create(cckd, CKD_IMAGE_CCKD, "CNV001");
	scribble(cckd);
	/* Hercules decompresses every track and writes a plain file. */
	assert_int_equal(it_run(&out, "cckd2ckd -q -lfs '%s' '%s'", cckd, plain),
			 0);
	free(out);
	same_tracks(cckd, plain);
	free(cckd);
	free(plain);
	/* A blank volume, too. */
	cckd = it_path(dir, "blank.cckd");
	plain = it_path(dir, "blank.ckd");
	it_create(cckd, CYLS, CKD_IMAGE_CCKD, CKD_INIT_BLANK);
	if (it_have_tool("cckdcdsk"))
		cckdcdsk_clean(cckd);
	assert_int_equal(it_run(&out, "cckd2ckd -q -lfs '%s' '%s'", cckd, plain),
			 0);
	free(out);
	same_tracks(cckd, plain);
	free(cckd);
	free(plain);
}

static void test_ckd2cckd_of_our_plain(void **state)
{
	char *plain = it_path(dir, "p.ckd"), *z = it_path(dir, "z.cckd");
	char *bz = it_path(dir, "bz.cckd");
	char *out;

	(void)state;
	if (!it_have_tool("ckd2cckd"))
		skip();
	create(plain, CKD_IMAGE_PLAIN, "PLN001");
	{
		struct ckd_image *img = open_ok(plain, 0);

		for (uint32_t t = 2; t < TRKS; t += 5) {
			size_t len = it_track(buf, sizeof(buf),
					      ckd_image_geometry(img), t, 4, 1);

			assert_int_equal(ckd_image_write_track(img, t, buf, len), 0);
		}
		ckd_image_close(img);
	}
	/* Hercules compresses (zlib, then bzip2); ccwpass reads it back. */
	assert_int_equal(it_run(&out, "ckd2cckd -q -z '%s' '%s'", plain, z), 0);
	free(out);
	same_tracks(plain, z);
	assert_int_equal(it_run(&out, "ckd2cckd -q -bz2 '%s' '%s'", plain, bz), 0);
	free(out);
	same_tracks(plain, bz);
	free(plain);
	free(z);
	free(bz);
}

/* Check the CDL contents Hercules' dasdinit -linux writes, as ccwpass
   reads them. */
static void check_hercules_linux_volume(const char *path, const char *volser)
{
	struct ckd_image *img = open_ok(path, CKD_OPEN_RDONLY);
	struct ckd_record r;
	size_t len, pos = CKD_HA_SIZE;
	uint8_t key[44];
	char text[11] = { 0 };

	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 1);  /* R0 */
	assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 1);
	assert_int_equal(r.count.kl, 4);
	assert_int_equal(r.count.dl, 24);
	assert_memory_equal(r.key, "\xc9\xd7\xd3\xf1", 4);             /* IPL1 */
	assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 1);
	assert_int_equal(r.count.dl, 144);
	assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 1);
	assert_int_equal(r.count.dl, 80);
	ckd_ascii_from_ebcdic(text, r.data, 10);
	assert_memory_equal(text, "VOL1", 4);
	assert_memory_equal(text + 4, volser, strlen(volser));
	for (unsigned int i = 4; i <= 12; i++) {
		assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 1);
		assert_int_equal(r.count.dl, 4096);
	}
	assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 0);

	assert_int_equal(ckd_image_read_track(img, 1, buf, sizeof(buf), &len), 0);
	pos = CKD_HA_SIZE;
	assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 1);
	assert_int_equal(ckd_track_next(buf, len, &pos, &r, NULL), 1);
	memset(key, 0x04, sizeof(key));
	assert_int_equal(r.count.kl, 44);
	assert_memory_equal(r.key, key, 44);                           /* F4 */
	assert_int_equal(r.data[0], 0xf4);

	for (uint32_t t = 2; t < ckd_image_tracks(img); t += 97) {
		assert_int_equal(ckd_image_read_track(img, t, buf, sizeof(buf),
						      &len), 0);
		assert_int_equal(ckd_track_null_match(buf, len,
						      (uint16_t)(t / 15),
						      (uint16_t)(t % 15)),
				 CKD_NULL_LINUX);
	}
	ckd_image_close(img);
}

static void test_hercules_dasdinit_cckd(void **state)
{
	char *path = it_path(dir, "herc.cckd");
	char *out;
	struct ckd_image *img;
	size_t len;

	(void)state;
	if (!it_have_tool("dasdinit") || !it_have_tool("cckdcdsk"))
		skip();
	assert_int_equal(it_run(&out, "dasdinit -z -linux '%s' 3390-1 LNX001",
				path), 0);
	free(out);
	check_hercules_linux_volume(path, "LNX001");
	assert_int_equal(ckd_image_geometry(img = open_ok(path, 0))->cyls, 1113);
	len = it_track(buf, sizeof(buf), ckd_image_geometry(img), 500, 1, 1);
	assert_int_equal(ckd_image_write_track(img, 500, buf, len), 0);
	ckd_image_close(img);
	cckdcdsk_clean(path);
	img = open_ok(path, CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, 500, buf, len));
	ckd_image_close(img);
	free(path);
}

static void test_hercules_dasdinit_plain(void **state)
{
	char *path = it_path(dir, "herc.ckd");
	char *out;
	struct ckd_image *img;
	size_t len;

	(void)state;
	if (!it_have_tool("dasdinit") || !it_have_tool("dasdls"))
		skip();
	assert_int_equal(it_run(&out, "dasdinit -lfs -linux '%s' 3390 PLN002 %d",
				path, CYLS), 0);
	free(out);
	check_hercules_linux_volume(path, "PLN002");
	img = open_ok(path, 0);
	assert_int_equal(ckd_image_geometry(img)->cyls, CYLS);
	len = it_track(buf, sizeof(buf), ckd_image_geometry(img), 77, 2, 0);
	assert_int_equal(ckd_image_write_track(img, 77, buf, len), 0);
	ckd_image_close(img);
	assert_int_equal(it_run(&out, "dasdls '%s'", path), 0);
	assert_non_null(strstr(out, "VOLSER=PLN002"));
	free(out);
	free(path);
}

static void test_hercules_blank_volume(void **state)
{
	char *path = it_path(dir, "raw.cckd"), *ours = it_path(dir, "blank2.cckd");
	struct ckd_geometry geo = it_geo(CYLS);
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD,
					.layout = CKD_INIT_BLANK };
	struct error err;
	char *out;
	struct ckd_image *img;
	size_t len;

	(void)state;
	if (!it_have_tool("dasdinit"))
		skip();
	/*
	 * -r: no IPL records or label; dasdinit's header null format is
	 * Hercules' format 1 (HA + R0), like a ccwpass blank volume. But
	 * dasdinit also writes an L2 table for tracks 0-255 whose unused
	 * entries are {0, 0, 0}, and Hercules reads those as format 0
	 * (HA, R0, R1 of length 0): ccwpass reads them the same way.
	 */
	assert_int_equal(it_run(&out, "dasdinit -z -r '%s' 3390 %d", path, CYLS),
			 0);
	free(out);
	img = open_ok(path, CKD_OPEN_RDONLY);
	for (uint32_t t = 0; t < TRKS; t++) {
		int want = t >= 2 && t < 256 ? CKD_NULL_R1EOF : CKD_NULL_R0;

		assert_int_equal(ckd_image_read_track(img, t, buf, sizeof(buf),
						      &len), 0);
		assert_int_equal(ckd_track_null_match(buf, len,
						      (uint16_t)(t / 15),
						      (uint16_t)(t % 15)), want);
	}
	ckd_image_close(img);
	assert_int_equal(ckd_image_create(ours, &geo, &opt, &err), 0);
	img = open_ok(ours, CKD_OPEN_RDONLY);
	for (uint32_t t = 0; t < TRKS; t++) {
		assert_int_equal(ckd_image_read_track(img, t, buf, sizeof(buf),
						      &len), 0);
		assert_int_equal(ckd_track_null_match(buf, len,
						      (uint16_t)(t / 15),
						      (uint16_t)(t % 15)),
				 CKD_NULL_R0);
	}
	ckd_image_close(img);
	free(path);
	free(ours);
}

/*
 * Hercules 3.13 cannot read CCKD64 (it knows no CKD_C064); what
 * ccwpass convert makes of such a volume as CCKD or plain, it reads.
 */
static void test_cckd64_for_hercules_313(void **state)
{
	char *c64 = it_path(dir, "v.cckd64"), *c32 = it_path(dir, "v.cckd");
	char *plain = it_path(dir, "v.ckd"), *out;
	struct ckd_convert_options opt = { .format = CKD_IMAGE_CCKD };
	struct error err;

	(void)state;
	if (!it_have_tool("cckdcdsk") || !it_have_tool("dasdls"))
		skip();
	create(c64, CKD_IMAGE_CCKD64, "C64001");
	scribble(c64);
	it_run(&out, "cckdcdsk -3 -ro '%s'", c64);
	assert_non_null(strstr(out, "not a compressed dasd file"));
	free(out);
	it_run(&out, "dasdls '%s'", c64);
	assert_non_null(strstr(out, "CKD header invalid"));
	free(out);
	if (ckd_image_convert(c64, c32, &opt, NULL, &err))
		fail_msg("%s", err.msg);
	cckdcdsk_clean(c32);
	assert_int_equal(it_run(&out, "dasdls '%s'", c32), 0);
	assert_non_null(strstr(out, "VOLSER=C64001"));
	free(out);
	opt.format = CKD_IMAGE_PLAIN;
	if (ckd_image_convert(c64, plain, &opt, NULL, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(it_run(&out, "dasdls '%s'", plain), 0);
	assert_non_null(strstr(out, "LINUX.VC64001.PART0001.NATIVE"));
	free(out);
	same_tracks(c64, c32);
	same_tracks(c64, plain);
	free(c64);
	free(c32);
	free(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dasdls_lists_volume),
		cmocka_unit_test(test_cckdcdsk_after_create_and_writes),
		cmocka_unit_test(test_cckdcdsk_after_crash_with_journal),
		cmocka_unit_test(test_cckd2ckd_reads_our_tracks),
		cmocka_unit_test(test_ckd2cckd_of_our_plain),
		cmocka_unit_test(test_hercules_dasdinit_cckd),
		cmocka_unit_test(test_hercules_dasdinit_plain),
		cmocka_unit_test(test_hercules_blank_volume),
		cmocka_unit_test(test_cckd64_for_hercules_313),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
