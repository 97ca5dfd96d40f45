/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD images (CKD_C370): write/read/reopen, null-track collapse, space
 * reuse, header state, big-endian files, read-only opens, I/O errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/byteorder.h"
#include "image/ckd_compress.h"
#include "image/ckd_header.h"
#include "image/ckd_image.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"
#include "image_test.h"

#define CYLS 20                 /* 300 tracks: two L2 groups */
#define TRKS (CYLS * 15)

static char *dir, *path;
static uint8_t buf[CKD_MAX_TRACK_SIZE], want[CKD_MAX_TRACK_SIZE];
static const struct ckd_geometry *geo;

static int setup(void **state)
{
	(void)state;
	dir = it_mkdtemp();
	path = it_path(dir, "vol.cckd");
	it_create(path, CYLS, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(path);
	it_rmdir(dir);
	return 0;
}

static struct ckd_image *open_ok(unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, flags, &err);

	if (!img)
		fail_msg("open: %s", err.msg);
	geo = ckd_image_geometry(img);
	return img;
}

static void open_fails(int errnum, const char *what)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, CKD_OPEN_RDONLY, &err);

	if (img)
		fail_msg("open succeeded; expected \"%s\"", what);
	assert_int_equal(err.errnum, errnum);
	if (!strstr(err.msg, what) || !strstr(err.msg, path))
		fail_msg("message \"%s\" lacks \"%s\" or the file name",
			 err.msg, what);
}

static uint32_t file_le32(uint64_t off)
{
	size_t n;
	uint8_t *f = it_read_file(path, &n);
	uint32_t v;

	assert_true(off + 4 <= n);
	v = ld_le32(f + off);
	free(f);
	return v;
}

static uint64_t file_size(void)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static size_t put(struct ckd_image *img, uint32_t trk, uint32_t seed,
		  bool text)
{
	size_t len = it_track(buf, sizeof(buf), geo, trk, seed, text);

	assert_int_equal(ckd_image_write_track(img, trk, buf, len), 0);
	return len;
}

static void expect(struct ckd_image *img, uint32_t trk, uint32_t seed,
		   bool text)
{
	size_t len = it_track(want, sizeof(want), geo, trk, seed, text);

	if (!it_track_equals(img, trk, want, len))
		fail_msg("track %u differs", trk);
}

static void test_fresh_volume(void **state)
{
	struct ckd_image *img = open_ok(CKD_OPEN_RDONLY);
	size_t len;

	(void)state;
	assert_int_equal(ckd_image_format(img), CKD_IMAGE_CCKD);
	assert_int_equal(geo->cyls, CYLS);
	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &len), 0);
	assert_memory_equal(buf + 21 + 8, "\xc9\xd7\xd3\xf1", 4);  /* IPL1 */
	for (uint32_t t = 2; t < TRKS; t++) {
		assert_int_equal(ckd_image_read_track(img, t, buf, sizeof(buf),
						      &len), 0);
		assert_int_equal(ckd_track_null_match(buf, len,
						      (uint16_t)(t / 15),
						      (uint16_t)(t % 15)),
				 CKD_NULL_LINUX);
	}
	ckd_image_close(img);
	/* Only group 0 has an L2 table; nullfmt 2, zlib, closed. */
	assert_int_not_equal(file_le32(1024), 0);
	assert_int_equal(file_le32(1028), 0);
	assert_true(file_size() < 8192);
}

static void test_write_read_reopen(void **state)
{
	struct ckd_image *img = open_ok(0);

	(void)state;
	for (uint32_t t = 2; t < TRKS; t += 7)
		put(img, t, 11, t % 3 != 0);
	assert_int_equal(ckd_image_sync(img), 0);
	/* Written but not yet synced tracks read back too. */
	put(img, 299, 12, true);
	expect(img, 299, 12, true);
	ckd_image_close(img);
	img = open_ok(CKD_OPEN_RDONLY);
	for (uint32_t t = 2; t < TRKS; t += 7)
		expect(img, t, 11, t % 3 != 0);
	expect(img, 299, 12, true);
	ckd_image_close(img);
}

static void test_compressed_on_disk(void **state)
{
	struct ckd_image *img = open_ok(0);
	uint64_t before = file_size();
	struct ckd_track_builder b;
	uint8_t text[4096];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (uint8_t)("The quick brown fox "[i % 20]);
	ckd_track_begin(&b, buf, sizeof(buf), 1, 5);
	for (uint8_t r = 1; r <= 12; r++)
		ckd_track_add(&b, r, NULL, 0, text, sizeof(text));
	len = ckd_track_finish(&b);
	assert_int_equal(ckd_image_write_track(img, 20, buf, len), 0);
	ckd_image_close(img);
	/* Text records compress well below their size. */
	assert_true(file_size() < before + len / 10 + 2048);
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, 20, buf, len));
	ckd_image_close(img);
}

/* Random (incompressible) records are stored raw, without a full try. */
static void test_incompressible_stored_raw(void **state)
{
	struct ckd_image *img = open_ok(0);
	uint64_t before = file_size();
	static uint8_t out[CKD_3390_TRACK_SIZE + 1024];
	struct ckd_track_builder b;
	uint8_t rnd[4096];
	uint32_t x = 12345;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(rnd); i++) {
		x = x * 1103515245u + 12345u;
		rnd[i] = (uint8_t)(x >> 16);
	}
	ckd_track_begin(&b, buf, sizeof(buf), 1, 6);
	for (uint8_t r = 1; r <= 12; r++)
		ckd_track_add(&b, r, NULL, 0, rnd, sizeof(rnd));
	len = ckd_track_finish(&b);
	assert_int_equal(ckd_compress_track(out, sizeof(out), buf, len,
					    CCKD_COMPRESS_ZLIB, -1), 0);
	assert_int_equal(ckd_image_write_track(img, 21, buf, len), 0);
	ckd_image_close(img);
	assert_true(file_size() >= before + len);
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, 21, buf, len));
	ckd_image_close(img);
}

static void test_header_open_and_closed(void **state)
{
	struct ckd_image *img;
	uint8_t opts;
	size_t n;
	uint8_t *f;

	(void)state;
	img = open_ok(0);
	f = it_read_file(path, &n);
	opts = f[512 + 3];
	free(f);
	assert_true(opts & CCKD_OPT_OPENED);
	put(img, 40, 1, false);
	ckd_image_close(img);
	f = it_read_file(path, &n);
	assert_false(f[512 + 3] & CCKD_OPT_OPENED);
	assert_true(f[512 + 3] & CCKD_OPT_ORDWR);
	/* size = file size; used + free_total = size */
	assert_int_equal(ld_le32(f + 512 + 12), n);
	assert_int_equal(ld_le32(f + 512 + 16) + ld_le32(f + 512 + 24), n);
	free(f);
}

static void test_null_collapse(void **state)
{
	struct ckd_image *img = open_ok(0);
	uint64_t small = file_size();
	size_t len;

	(void)state;
	put(img, 260, 3, false);
	assert_int_equal(ckd_image_sync(img), 0);
	assert_int_not_equal(file_le32(1028), 0);    /* group 1 has a table */
	/* Writing the Linux null track back removes the table again. */
	len = ckd_track_null(buf, sizeof(buf), 17, 5, CKD_NULL_LINUX);
	assert_int_equal(ckd_image_write_track(img, 260, buf, len), 0);
	assert_int_equal(ckd_image_sync(img), 0);
	assert_int_equal(file_le32(1028), 0);
	/* A null track in group 0 is stored as an entry, not as data. */
	put(img, 5, 9, false);
	len = ckd_track_null(buf, sizeof(buf), 0, 5, CKD_NULL_LINUX);
	assert_int_equal(ckd_image_write_track(img, 5, buf, len), 0);
	ckd_image_close(img);
	/* At most one L2 table more (group 0's moved copy). */
	assert_true(file_size() <= small + 2048);
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, 5, buf, len));
	ckd_image_close(img);
}

static void test_r1eof_in_linux_image(void **state)
{
	struct ckd_image *img = open_ok(0);
	size_t len = ckd_track_null(buf, sizeof(buf), 0, 9, CKD_NULL_R1EOF);
	size_t r0len;
	uint8_t r0[64];

	(void)state;
	/* Hercules reads entry {0,0,0} as format 2 here: store the image. */
	assert_int_equal(ckd_image_write_track(img, 9, buf, len), 0);
	r0len = ckd_track_null(r0, sizeof(r0), 0, 10, CKD_NULL_R0);
	assert_int_equal(ckd_image_write_track(img, 10, r0, r0len), 0);
	ckd_image_close(img);
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, 9, buf, len));
	assert_true(it_track_equals(img, 10, r0, r0len));
	ckd_image_close(img);
}

static void test_space_reuse(void **state)
{
	struct ckd_image *img = open_ok(0);
	uint64_t after_first;

	(void)state;
	put(img, 30, 0, false);
	put(img, 31, 0, false);
	assert_int_equal(ckd_image_sync(img), 0);
	after_first = file_size();
	/* Rewritten 50 times, synced each time: space is recycled. */
	for (uint32_t i = 1; i <= 50; i++) {
		put(img, 30, i, false);
		put(img, 31, i, false);
		assert_int_equal(ckd_image_sync(img), 0);
	}
	/* Unsynced rewrites reuse their own fresh space at once. */
	for (uint32_t i = 51; i <= 80; i++)
		put(img, 30, i, false);
	assert_true(file_size() < after_first + 4 * 60000);
	ckd_image_close(img);
	img = open_ok(CKD_OPEN_RDONLY);
	expect(img, 30, 80, false);
	expect(img, 31, 50, false);
	ckd_image_close(img);
}

static void test_readonly_never_modifies(void **state)
{
	struct ckd_image *img = open_ok(0);
	struct stat before, after;
	uint8_t *b1, *b2;
	size_t n1, n2, len;

	(void)state;
	put(img, 50, 2, false);
	ckd_image_close(img);
	it_set_old_mtime(path);       /* any write would move it to now */
	assert_int_equal(stat(path, &before), 0);
	b1 = it_read_file(path, &n1);
	img = open_ok(CKD_OPEN_RDONLY);
	for (uint32_t t = 0; t < TRKS; t++)
		assert_int_equal(ckd_image_read_track(img, t, buf, sizeof(buf),
						      &len), 0);
	assert_int_equal(ckd_image_write_track(img, 50, buf, len), -EROFS);
	assert_int_equal(ckd_image_sync(img), 0);
	ckd_image_close(img);
	b2 = it_read_file(path, &n2);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	free(b1);
	free(b2);
}

static void test_readonly_open_of_opened_file(void **state)
{
	struct ckd_image *img;
	size_t n1, n2, len;
	uint8_t *b1, *b2;

	(void)state;
	/* A file left "opened" (crash, or Hercules running) reads fine and
	   a read-only open leaves the bit alone. */
	it_patch(path, 512 + 3, "\xc1", 1);
	b1 = it_read_file(path, &n1);
	img = open_ok(CKD_OPEN_RDONLY);
	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &len), 0);
	ckd_image_close(img);
	b2 = it_read_file(path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	free(b1);
	free(b2);
}

/* Turn the little-endian file into the big-endian form Hercules writes
   on s390 or other big-endian hosts. */
static void to_big_endian(void)
{
	size_t n;
	uint8_t *f = it_read_file(path, &n);
	uint8_t *h = f + 512;
	uint32_t nl1 = ld_le32(h + 4);

	for (unsigned int off = 4; off < 40; off += 4)
		st_be32(h + off, ld_le32(h + off));
	st_be16(h + 46, ld_le16(h + 46));
	h[3] |= CCKD_OPT_BIGENDIAN;
	for (uint32_t i = 0; i < nl1; i++) {
		uint8_t *e = f + 1024 + 4 * i;
		uint32_t l2 = ld_le32(e);

		st_be32(e, l2);
		for (unsigned int j = 0; l2 && j < 256; j++) {
			uint8_t *x = f + l2 + 8 * j;

			st_be32(x, ld_le32(x));
			st_be16(x + 4, ld_le16(x + 4));
			st_be16(x + 6, ld_le16(x + 6));
		}
	}
	assert_int_equal(it_write_file(path, f, n), 0);
	free(f);
}

static void test_big_endian_file(void **state)
{
	struct ckd_image *img = open_ok(0);
	size_t n;
	uint8_t *f;

	(void)state;
	put(img, 7, 4, true);
	ckd_image_close(img);
	to_big_endian();
	img = open_ok(0);
	expect(img, 7, 4, true);
	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &n), 0);
	put(img, 280, 6, false);
	ckd_image_close(img);
	f = it_read_file(path, &n);
	assert_true(f[512 + 3] & CCKD_OPT_BIGENDIAN);
	assert_int_equal(ld_be32(f + 512 + 12), n);       /* size, BE */
	assert_true(ld_be32(f + 1028) > 1024);           /* L1[1], BE */
	free(f);
	img = open_ok(CKD_OPEN_RDONLY);
	expect(img, 7, 4, true);
	expect(img, 280, 6, false);
	ckd_image_close(img);
}

/* The L2 entry of track t (group 0) as stored in the file. */
static uint64_t l2ent_pos(uint32_t t)
{
	return file_le32(1024) + 8ull * t;
}

static void test_broken_tables(void **state)
{
	uint32_t l1 = file_le32(1024), trk0;

	(void)state;
	it_patch_le32(path, 1024, 0x7fff0000);
	open_fails(EUCLEAN, "L1[0] = 0x7fff0000: L2 table outside");
	it_patch_le32(path, 1024, 0xffffffff);
	open_fails(EUCLEAN, "L1[0] = 0xffffffff");
	it_patch_le32(path, 1024, l1);
	trk0 = file_le32(l2ent_pos(0));
	it_patch_le32(path, l2ent_pos(0), 0x10000000);
	open_fails(EUCLEAN, "track 0: L2[0][0] pos 0x10000000");
	it_patch_le32(path, l2ent_pos(0), trk0);
	/* Track 1's image placed on track 0's: overlap. */
	it_patch_le32(path, l2ent_pos(1), trk0);
	open_fails(EUCLEAN, "overlaps");
	ckd_image_close(NULL);
}

static void test_broken_entry_lengths(void **state)
{
	uint8_t lens[4] = { 0xff, 0xff, 0x00, 0x01 };   /* len 65535 size 256 */

	(void)state;
	it_patch(path, l2ent_pos(0) + 4, lens, 4);
	open_fails(EUCLEAN, "track 0: L2[0][0] len 65535 size 256");
	it_patch(path, l2ent_pos(0) + 4, "\x02\x00\x02\x00", 4);
	open_fails(EUCLEAN, "len 2 size 2");
}

static void test_entry_beyond_last_track(void **state)
{
	struct ckd_image *img = open_ok(0);
	uint32_t l1;

	(void)state;
	put(img, 290, 1, false);
	ckd_image_close(img);
	l1 = file_le32(1028);
	/* Entry 100 of group 1 = track 356 of a 300-track volume. */
	it_patch_le32(path, l1 + 8 * 100, 4096);
	open_fails(EUCLEAN, "beyond the last track");
}

static void test_broken_headers(void **state)
{
	(void)state;
	it_patch_le32(path, 512 + 4, 5);
	open_fails(EINVAL, "numl1tab");
	it_patch_le32(path, 512 + 4, 2);
	it_patch(path, 512 + 1, "\x02", 1);
	open_fails(EINVAL, "vrm");
	it_patch(path, 512 + 1, "\x03", 1);
	it_patch_le32(path, 512 + 40, 0);
	open_fails(EINVAL, "cyls");
	it_patch_le32(path, 512 + 40, CYLS);
	it_patch(path, 512 + 44, "\x07", 1);
	open_fails(EINVAL, "nullfmt");
	it_patch(path, 512 + 44, "\x02", 1);
	it_patch(path, 512 + 45, "\x09", 1);
	open_fails(EINVAL, "compress");
	it_patch(path, 512 + 45, "\x01", 1);
	it_patch(path, 0, "CKD_S370", 8);
	open_fails(EINVAL, "shadow");
	it_patch(path, 0, "CKD_C370", 8);
	assert_int_equal(truncate(path, 1027), 0);
	open_fails(EUCLEAN, "cannot hold the L1 table");
	assert_int_equal(truncate(path, 700), 0);
	open_fails(EINVAL, "compressed device header");
}

/* A stored image: compression byte, CCHH, then the body. */
static void put_stored(uint32_t trk, const uint8_t *img, uint16_t len)
{
	size_t n = file_size();
	uint8_t ent[8];

	it_patch(path, n, img, len);
	st_le32(ent, (uint32_t)n);
	st_le16(ent + 4, len);
	st_le16(ent + 6, len);
	it_patch(path, l2ent_pos(trk), ent, 8);
}

/*
 * A file written elsewhere with a 4-byte gap between two track images:
 * the gap cannot hold a free-chain entry. The chain written at close must
 * consist of real entries only (Hercules follows it from the header).
 */
static void test_free_chain_skips_tiny_gap(void **state)
{
	struct ckd_image *img;
	uint32_t free_pos, nfree;
	size_t n = file_size(), len5, len6;
	uint8_t ent[8];

	(void)state;
	len5 = ckd_track_null(buf, sizeof(buf), 0, 5, CKD_NULL_R1EOF);
	put_stored(5, buf, (uint16_t)len5);
	len6 = ckd_track_null(buf, sizeof(buf), 0, 6, CKD_NULL_R1EOF);
	it_patch(path, n + len5 + 4, buf, len6);
	st_le32(ent, (uint32_t)(n + len5 + 4));
	st_le16(ent + 4, (uint16_t)len6);
	st_le16(ent + 6, (uint16_t)len6);
	it_patch(path, l2ent_pos(6), ent, 8);
	img = open_ok(0);
	ckd_image_close(img);
	free_pos = file_le32(512 + 20);
	nfree = file_le32(512 + 32);
	if (nfree == 0)
		assert_int_equal(free_pos, 0);
	for (uint32_t i = 0; i < nfree; i++) {
		uint32_t blen;

		assert_true(free_pos >= 1024 && free_pos + 8 <= file_size());
		blen = file_le32(free_pos + 4);
		assert_true(blen >= 8 && free_pos + blen <= file_size());
		free_pos = file_le32(free_pos);
	}
	assert_int_equal(free_pos, 0);
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, 6, buf, len6));
	ckd_image_close(img);
}

static void expect_bad_read(uint32_t trk, const char *what)
{
	struct ckd_image *img = open_ok(CKD_OPEN_RDONLY);
	size_t len;

	it_log_capture();
	assert_int_equal(ckd_image_read_track(img, trk, buf, sizeof(buf), &len),
			 -EUCLEAN);
	if (!strstr(it_log_text(), what) || !strstr(it_log_text(), path))
		fail_msg("log \"%s\" lacks \"%s\"", it_log_text(), what);
	assert_non_null(strstr(it_log_text(), "track"));
	it_log_release();
	/* Other tracks still read. */
	assert_int_equal(ckd_image_read_track(img, 0, buf, sizeof(buf), &len), 0);
	ckd_image_close(img);
}

static void test_broken_track_images(void **state)
{
	uint8_t stored[512];
	size_t len;

	(void)state;
	memset(stored, 0x55, sizeof(stored));
	stored[0] = 1;                               /* zlib, garbage */
	memcpy(stored + 1, "\x00\x00\x00\x03", 4);
	put_stored(3, stored, 100);
	expect_bad_read(3, "zlib stream is damaged");
	stored[0] = 7;
	put_stored(4, stored, 100);
	expect_bad_read(4, "unknown compression byte");
	/* Uncompressed, but the home address is another track's. */
	len = ckd_track_null(buf, sizeof(buf), 0, 9, CKD_NULL_R1EOF);
	put_stored(6, buf, (uint16_t)len);
	expect_bad_read(6, "home address CCHH");
	/* Uncompressed without an end marker. */
	len = ckd_track_null(buf, sizeof(buf), 0, 8, CKD_NULL_R1EOF);
	buf[len - 2] = 0;
	put_stored(8, buf, (uint16_t)len);
	expect_bad_read(8, "past the track end");
}

static void test_zlib_bomb(void **state)
{
	static uint8_t body[70000];
	uint8_t stored[2048];
	uLongf clen = sizeof(stored) - 5;

	(void)state;
	/* A valid zlib stream that inflates past the track size. */
	memset(body, 0, sizeof(body));
	assert_int_equal(compress2(stored + 5, &clen, body, sizeof(body), 9),
			 Z_OK);
	stored[0] = 1;
	memcpy(stored + 1, "\x00\x00\x00\x0b", 4);
	put_stored(11, stored, (uint16_t)(clen + 5));
	expect_bad_read(11, "expands past the track size");
}

/* I/O errors through the ckd_io seam. */
static int fail_pwrite_after;
static int fail_sync_count;

static ssize_t flaky_pwrite(int fd, const void *b, size_t n, off_t off)
{
	if (fail_pwrite_after == 0) {
		errno = ENOSPC;
		return -1;
	}
	if (fail_pwrite_after > 0)
		fail_pwrite_after--;
	return pwrite(fd, b, n, off);
}

static int flaky_fdatasync(int fd)
{
	if (fail_sync_count > 0) {
		fail_sync_count--;
		errno = EIO;
		return -1;
	}
	return fdatasync(fd);
}

static const struct ckd_io_ops flaky = {
	.pread = pread, .pwrite = flaky_pwrite, .fdatasync = flaky_fdatasync,
	.ftruncate = ftruncate,
};

static void test_io_errors(void **state)
{
	struct ckd_image *img = open_ok(0);
	size_t len;

	(void)state;
	put(img, 60, 1, false);
	assert_int_equal(ckd_image_sync(img), 0);
	ckd_io = &flaky;
	/* Disk full: the write fails, the old track stays. */
	fail_pwrite_after = 0;
	fail_sync_count = 0;
	len = it_track(buf, sizeof(buf), geo, 60, 2, false);
	assert_int_equal(ckd_image_write_track(img, 60, buf, len), -ENOSPC);
	fail_pwrite_after = -1;
	expect(img, 60, 1, false);
	/* A table write fails (disk full): retried later, nothing lost. */
	put(img, 62, 4, false);
	fail_pwrite_after = 0;
	assert_int_equal(ckd_image_sync(img), -EIO);
	fail_pwrite_after = -1;
	assert_int_equal(ckd_image_sync(img), 0);
	/* The first barrier of a sync fails: the kernel may have dropped
	   pages and a retried fdatasync would claim them durable, so the
	   image takes no more writes and the track keeps its old image. */
	put(img, 61, 3, false);
	fail_sync_count = 1;
	assert_int_equal(ckd_image_sync(img), -EIO);
	assert_int_equal(ckd_image_sync(img), -EIO);
	len = it_track(buf, sizeof(buf), geo, 63, 5, false);
	assert_int_equal(ckd_image_write_track(img, 63, buf, len), -EIO);
	ckd_io = &ckd_io_libc;
	ckd_image_close(img);
	img = open_ok(CKD_OPEN_RDONLY);
	expect(img, 60, 1, false);
	expect(img, 62, 4, false);
	len = ckd_track_null(want, sizeof(want), 61 / 15, 61 % 15,
			     CKD_NULL_LINUX);
	assert_true(it_track_equals(img, 61, want, len));
	ckd_image_close(img);
}

/*
 * An L2 table write fails in a sync that changes tables of two groups: the
 * space given back must be exactly the tables written, never an undefined
 * L1 value of a later group (which once moved the end of the file to a
 * random offset, or freed live data).
 */
static void test_l2_write_error_gives_back_only_new_tables(void **state)
{
	struct ckd_image *img = open_ok(0);

	(void)state;
	/* meson runs this with MALLOC_PERTURB_ and no tcache, so heap bytes
	   never written read as 0xbd (ASan fills them with 0xbe). */
	put(img, 3, 1, true);
	put(img, 260, 1, true);
	ckd_io = &flaky;
	fail_pwrite_after = 0;          /* the first table of the sync */
	fail_sync_count = 0;
	assert_int_equal(ckd_image_sync(img), -EIO);
	fail_pwrite_after = -1;
	assert_int_equal(ckd_image_sync(img), 0);
	ckd_io = &ckd_io_libc;
	put(img, 261, 2, true);
	assert_int_equal(ckd_image_sync(img), 0);
	ckd_image_close(img);
	assert_true(file_size() < 1024 * 1024);
	img = open_ok(CKD_OPEN_RDONLY);
	expect(img, 3, 1, true);
	expect(img, 260, 1, true);
	expect(img, 261, 2, true);
	ckd_image_close(img);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_fresh_volume),
		T(test_write_read_reopen),
		T(test_compressed_on_disk),
		T(test_incompressible_stored_raw),
		T(test_header_open_and_closed),
		T(test_null_collapse),
		T(test_r1eof_in_linux_image),
		T(test_space_reuse),
		T(test_readonly_never_modifies),
		T(test_readonly_open_of_opened_file),
		T(test_big_endian_file),
		T(test_broken_tables),
		T(test_broken_entry_lengths),
		T(test_entry_beyond_last_track),
		T(test_broken_headers),
		T(test_broken_track_images),
		T(test_zlib_bomb),
		T(test_free_chain_skips_tiny_gap),
		T(test_io_errors),
		T(test_l2_write_error_gives_back_only_new_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
