/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Damaged CCKD and CCKD64 files: broken headers, L1/L2 tables and track
 * images give EINVAL / EUCLEAN with messages that name the file and the
 * field; a file written elsewhere with a gap too small for a free block.
 * Every case runs for the format the argument names (cckd_test.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cckd_test.h"
#include "common/byteorder.h"
#include "common/log.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image_test.h"

static uint8_t buf[CKD_MAX_TRACK_SIZE];

static void test_broken_tables(void **state)
{
	uint64_t l1_0 = ct_l1(0), trk0;

	(void)state;
	ct_patch_off(1024, 0x7fff0000);
	ct_open_fails(EUCLEAN, "L1[0] = 0x7fff0000: L2 table outside");
	/* Hercules' "see the base file" value: all ones. */
	ct_patch_off(1024, UINT64_MAX);
	ct_open_fails(EUCLEAN, ct_layout->off == 4 ? "L1[0] = 0xffffffff (shadow" :
			    "L1[0] = 0xffffffffffffffff (shadow");
	ct_patch_off(1024, l1_0);
	trk0 = ct_file_off(ct_l2ent_pos(0));
	ct_patch_off(ct_l2ent_pos(0), 0x10000000);
	ct_open_fails(EUCLEAN, "track 0: L2[0][0] pos 0x10000000");
	if (ct_layout->off == 8) {
		/* Beyond 4 GiB, and beyond any file: no wrap-around. */
		ct_patch_off(ct_l2ent_pos(0), 0x100000400ull);
		ct_open_fails(EUCLEAN, "track 0: L2[0][0] pos 0x100000400");
		ct_patch_off(ct_l2ent_pos(0), UINT64_MAX - 8);
		ct_open_fails(EUCLEAN, "pos 0xfffffffffffffff7 size");
		ct_patch_off(1024, 0x100000400ull);
		ct_open_fails(EUCLEAN, "L1[0] = 0x100000400: L2 table outside");
		ct_patch_off(1024, l1_0);
	}
	ct_patch_off(ct_l2ent_pos(0), trk0);
	/* Track 1's image placed on track 0's: overlap. */
	ct_patch_off(ct_l2ent_pos(1), trk0);
	ct_open_fails(EUCLEAN, "overlaps");
	ckd_image_close(NULL);
}

static void test_broken_entry_lengths(void **state)
{
	uint8_t lens[4] = { 0xff, 0xff, 0x00, 0x01 };   /* len 65535 size 256 */

	(void)state;
	it_patch(ct_path, ct_l2ent_pos(0) + ct_layout->off, lens, 4);
	ct_open_fails(EUCLEAN, "track 0: L2[0][0] len 65535 size 256");
	it_patch(ct_path, ct_l2ent_pos(0) + ct_layout->off, "\x02\x00\x02\x00", 4);
	ct_open_fails(EUCLEAN, "len 2 size 2");
}

static void test_entry_beyond_last_track(void **state)
{
	struct ckd_image *img = ct_open_ok(0);
	uint64_t tab;

	(void)state;
	ct_put(img, 290, 1, false);
	ckd_image_close(img);
	tab = ct_l1(1);
	/* Entry 100 of group 1 = track 356 of a 300-track volume. */
	ct_patch_off(tab + (uint64_t)ct_layout->l2ent * 100, 4096);
	ct_open_fails(EUCLEAN, "beyond the last track");
}

static void test_broken_headers(void **state)
{
	(void)state;
	it_patch_le32(ct_path, 512 + 4, 5);
	ct_open_fails(EINVAL, "numl1tab");
	it_patch_le32(ct_path, 512 + 4, 2);
	it_patch(ct_path, 512 + 1, "\x02", 1);
	ct_open_fails(EINVAL, "vrm");
	it_patch(ct_path, 512 + 1, "\x03", 1);
	it_patch_le32(ct_path, 512 + ct_layout->cyls, 0);
	ct_open_fails(EINVAL, "cyls");
	it_patch_le32(ct_path, 512 + ct_layout->cyls, CT_CYLS);
	it_patch(ct_path, 512 + ct_layout->nullfmt, "\x07", 1);
	ct_open_fails(EINVAL, "nullfmt");
	it_patch(ct_path, 512 + ct_layout->nullfmt, "\x02", 1);
	it_patch(ct_path, 512 + ct_layout->nullfmt + 1, "\x09", 1);
	ct_open_fails(EINVAL, "compress");
	it_patch(ct_path, 512 + ct_layout->nullfmt + 1, "\x01", 1);
	it_patch(ct_path, 0, ct_layout->shadow_devid, 8);
	ct_open_fails(EINVAL, "shadow");
	it_patch(ct_path, 0, "FBA_C064", 8);
	ct_open_fails(EINVAL, "not a CKD image");
	it_patch(ct_path, 0, ct_layout->devid, 8);
	assert_int_equal(truncate(ct_path, 1027), 0);
	ct_open_fails(EUCLEAN, "cannot hold the L1 table");
	assert_int_equal(truncate(ct_path, 700), 0);
	ct_open_fails(EINVAL, "compressed device header");
}

/* A stored image: compression byte, CCHH, then the body. */
static void put_stored(uint32_t trk, const uint8_t *img, uint16_t len)
{
	size_t n = ct_file_size();
	uint8_t ent[16] = { 0 };

	it_patch(ct_path, n, img, len);
	ct_st_le_off(ent, n);
	st_le16(ent + ct_layout->off, len);
	st_le16(ent + ct_layout->off + 2, len);
	it_patch(ct_path, ct_l2ent_pos(trk), ent, ct_layout->l2ent);
}

/*
 * A file written elsewhere with a 4-byte gap between two track images:
 * the gap cannot hold a free-chain entry. The chain written at close must
 * consist of real entries only (Hercules follows it from the header).
 */
static void test_free_chain_skips_tiny_gap(void **state)
{
	struct ckd_image *img;
	uint64_t free_pos, nfree;
	size_t n = ct_file_size(), len5, len6;
	uint8_t ent[16] = { 0 };

	(void)state;
	len5 = ckd_track_null(buf, sizeof(buf), 0, 5, CKD_NULL_R1EOF);
	put_stored(5, buf, (uint16_t)len5);
	len6 = ckd_track_null(buf, sizeof(buf), 0, 6, CKD_NULL_R1EOF);
	it_patch(ct_path, n + len5 + 4, buf, len6);
	ct_st_le_off(ent, n + len5 + 4);
	st_le16(ent + ct_layout->off, (uint16_t)len6);
	st_le16(ent + ct_layout->off + 2, (uint16_t)len6);
	it_patch(ct_path, ct_l2ent_pos(6), ent, ct_layout->l2ent);
	img = ct_open_ok(0);
	ckd_image_close(img);
	free_pos = ct_file_off(ct_stat(2));
	nfree = ct_file_off(ct_stat(5));
	if (nfree == 0)
		assert_true(free_pos == 0);
	/* Each block: {next, length}, two offsets. */
	for (uint64_t i = 0; i < nfree; i++) {
		uint64_t blen;

		assert_true(free_pos >= 1024 &&
			    free_pos + 2 * ct_layout->off <= ct_file_size());
		blen = ct_file_off(free_pos + ct_layout->off);
		assert_true(blen >= 2 * ct_layout->off &&
			    free_pos + blen <= ct_file_size());
		free_pos = ct_file_off(free_pos);
	}
	assert_true(free_pos == 0);
	img = ct_open_ok(CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, 6, buf, len6));
	ckd_image_close(img);
}

static void expect_bad_read(uint32_t trk, const char *what)
{
	struct ckd_image *img = ct_open_ok(CKD_OPEN_RDONLY);
	size_t len;

	it_log_capture();
	assert_int_equal(ckd_image_read_track(img, trk, buf, sizeof(buf), &len),
			 -EUCLEAN);
	if (!strstr(it_log_text(), what) || !strstr(it_log_text(), ct_path))
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

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ct_setup, ct_teardown)
	const struct CMUnitTest tests[] = {
		T(test_broken_tables),
		T(test_broken_entry_lengths),
		T(test_entry_beyond_last_track),
		T(test_broken_headers),
		T(test_broken_track_images),
		T(test_zlib_bomb),
		T(test_free_chain_skips_tiny_gap),
	};

	if (ct_select(argc, argv) < 0)
		return 2;
	return cmocka_run_group_tests_name(ct_layout->name, tests, NULL, NULL);
}
