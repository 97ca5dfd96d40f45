/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CCKD / CCKD64 journal (docs/image-format.md "The journal"): one
 * fdatasync per sync, the switch without it when a record does not fit,
 * what a crash between syncs leaves (the last sync only in the journal),
 * torn or damaged records, tables and track images (the replay stops
 * before them), a header someone else rewrote, big-endian files, and a
 * clean close that leaves nothing of it. Every case runs for the format
 * the argument names (cckd_test.h). The byte layout of the private area
 * and the records is the test's own, written from the documentation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cckd_test.h"
#include "common/byteorder.h"
#include "crash_test.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image_test.h"

#define AREA 960                  /* 512 + 448: the private area */
#define REC_LEN 24
#define REC_NTAB 28
#define REC_NTRK 30
#define REC_TAB 32

static uint8_t buf[CKD_MAX_TRACK_SIZE];

static void sync_ok(struct ckd_image *img)
{
	assert_int_equal(ckd_image_sync(img), 0);
}

/* Three syncs over both groups; the volume as it stands after each. */
static void three_syncs(struct ckd_image *img)
{
	ct_put(img, 10, 1, false);
	sync_ok(img);
	ct_put(img, 20, 2, false);
	ct_put(img, 270, 2, true);
	sync_ok(img);
	ct_put(img, 10, 3, false);
	ct_put(img, 280, 3, true);
	sync_ok(img);
}

static bool null_track(struct ckd_image *img, uint32_t t)
{
	size_t len = ckd_track_null(buf, sizeof(buf), (uint16_t)(t / 15),
				    (uint16_t)(t % 15), CKD_NULL_LINUX);

	return it_track_equals(img, t, buf, len);
}

/* The volume as of sync 2 or sync 3 of three_syncs(). */
static void expect_sync(struct ckd_image *img, int n)
{
	ct_expect(img, 20, 2, false);
	ct_expect(img, 270, 2, true);
	if (n == 3) {
		ct_expect(img, 10, 3, false);
		ct_expect(img, 280, 3, true);
	} else {
		ct_expect(img, 10, 1, false);
		assert_true(null_track(img, 280));
	}
}

/* The file as a crash right after the last sync leaves it (every write
   so far reached the disk). */
static uint8_t *crash_copy(size_t *n)
{
	return it_read_file(ct_path, n);
}

static void put_file(const uint8_t *f, size_t n)
{
	unlink(ct_path);
	assert_int_equal(it_write_file(ct_path, f, n), 0);
}

/* Open the file read-only, then recover it read-write and close it: both
   must read as of sync n, and the closed file has no journal left. */
static void expect_recovers_to(int n)
{
	struct ckd_image *img = ct_open_ok(CKD_OPEN_RDONLY);
	uint8_t zero[64] = { 0 };
	uint8_t *f;
	size_t len;

	expect_sync(img, n);
	ckd_image_close(img);
	img = ct_open_ok(0);
	expect_sync(img, n);
	assert_int_equal(ckd_image_close(img), 0);
	f = it_read_file(ct_path, &len);
	assert_false(f[512 + 3] & 0x80);
	assert_memory_equal(f + AREA, zero, sizeof(zero));
	free(f);
	img = ct_open_ok(CKD_OPEN_RDONLY);
	expect_sync(img, n);
	ckd_image_close(img);
}

/* Where record seq lies in the file f. */
static uint64_t record_at(const uint8_t *f, uint64_t seq)
{
	const uint8_t *a = f + AREA;

	assert_memory_equal(a, "CCWPJRNL", 8);
	return ld_le64(a + 16) + seq % ld_le32(a + 28) * ld_le32(a + 24);
}

static void test_one_barrier_per_sync(void **state)
{
	struct ckd_image *img = ct_open_ok(0);
	struct cr_log log = { 0 };
	size_t at = 0;

	(void)state;
	cr_record(&log);
	for (uint32_t i = 0; i < 10; i++) {
		ct_put(img, 2 + i * 29, i, false);
		sync_ok(img);
		/* One fdatasync, nothing else but writes. */
		assert_int_equal(cr_count(&log, CR_BARRIER, at, log.n), 1);
		assert_int_equal(cr_count(&log, CR_TRUNC, at, log.n), 0);
		at = log.n;
	}
	/* 1 MiB: 21 tracks in both groups, one sync. */
	for (uint32_t t = 240; t < 261; t++)
		ct_put(img, t, 11, false);
	sync_ok(img);
	assert_int_equal(cr_count(&log, CR_BARRIER, at, log.n), 1);
	at = log.n;
	/* A sync with nothing to write costs nothing. */
	sync_ok(img);
	assert_int_equal(log.n, at);
	cr_stop();
	cr_free(&log);
	ckd_image_close(img);
	img = ct_open_ok(CKD_OPEN_RDONLY);
	for (uint32_t i = 0; i < 10; i++)
		ct_expect(img, 2 + i * 29, i, false);
	for (uint32_t t = 240; t < 261; t++)
		ct_expect(img, t, 11, false);
	ckd_image_close(img);
}

/*
 * A record holds some 500 new track images in its 4 KiB slot: a sync of
 * more switches the L1 table in place (two fdatasyncs), and the journal
 * goes on after it.
 */
static void test_fallback_when_record_does_not_fit(void **state)
{
	struct ckd_image *img;
	struct cr_log log = { 0 };
	uint8_t *f;
	size_t at, n;

	(void)state;
	unlink(ct_path);
	it_create(ct_path, 40, ct_layout->format, CKD_INIT_CDL);  /* 600 */
	img = ct_open_ok(0);
	cr_record(&log);
	for (uint32_t t = 2; t < 600; t++)
		ct_put(img, t, 5, true);
	sync_ok(img);
	assert_int_equal(cr_count(&log, CR_BARRIER, 0, log.n), 2);
	at = log.n;
	ct_put(img, 7, 6, true);
	sync_ok(img);
	assert_int_equal(cr_count(&log, CR_BARRIER, at, log.n), 1);
	cr_stop();
	cr_free(&log);
	/* A crash now: the last sync is in the journal only. */
	f = crash_copy(&n);
	ckd_image_close(img);
	put_file(f, n);
	free(f);
	img = ct_open_ok(CKD_OPEN_RDONLY);
	for (uint32_t t = 2; t < 600; t++)
		ct_expect(img, t, t == 7 ? 6 : 5, true);
	ckd_image_close(img);
}

/* A crash between syncs: the L1 table in place lacks the last sync,
   which only the journal has; a read-only open replays it in memory, a
   read-write open into the file. */
static void test_crash_between_syncs(void **state)
{
	struct ckd_image *img = ct_open_ok(0);
	uint8_t *f;
	size_t n;

	(void)state;
	three_syncs(img);
	f = crash_copy(&n);
	ckd_image_close(img);
	put_file(f, n);
	assert_true(f[512 + 3] & 0x80);                 /* opened */
	/* Group 1's L1 entry went in place with sync 3 (for sync 2). */
	assert_true(ct_l1(1) != 0);
	expect_recovers_to(3);
	free(f);
}

/* Damage one byte of the file at off (a crash that tore it). */
static void damage(uint8_t *f, uint64_t off)
{
	f[off] ^= 0x5a;
}

enum tear { TORN_HALF, FLIPPED, BAD_CRC, BAD_TABLE, BAD_IMAGE, OLD_RECORD,
	    OTHER_ID, TEAR_COUNT };

static void test_torn_records(void **state)
{
	(void)state;
	for (int how = 0; how < TEAR_COUNT; how++) {
		struct ckd_image *img;
		uint8_t *f;
		uint64_t rec;
		uint32_t len, ntab;
		size_t n;

		unlink(ct_path);
		it_create(ct_path, CT_CYLS, ct_layout->format, CKD_INIT_CDL);
		img = ct_open_ok(0);
		three_syncs(img);
		f = crash_copy(&n);
		ckd_image_close(img);
		rec = record_at(f, how == OLD_RECORD ? 2 : 3);
		len = ld_le32(f + rec + REC_LEN);
		ntab = ld_le16(f + rec + REC_NTAB);
		assert_true(ld_le16(f + rec + REC_NTRK) >= 1);
		switch (how) {
		case TORN_HALF:           /* a write that stopped half way */
			memset(f + rec + len / 2, 0, len - len / 2);
			break;
		case FLIPPED:
		case OLD_RECORD:          /* sync 3 needs sync 2's record */
			damage(f, rec + REC_TAB + 4);
			break;
		case BAD_CRC:
			damage(f, rec + len - 1);
			break;
		case BAD_TABLE:           /* the new L2 table did not land */
			damage(f, ld_le64(f + rec + REC_TAB + 8) + 40);
			break;
		case BAD_IMAGE: {         /* nor one of the track images */
			uint32_t trk = ld_le32(f + rec + REC_TAB + ntab * 16);

			assert_true(trk == 10 || trk == 280);
			uint64_t tab = ld_le64(f + rec + REC_TAB +
					       (trk > 255) * 16 + 8);

			damage(f, ct_le_off(f + tab + (uint64_t)ct_layout->l2ent *
					    (trk % 256)) + 20);
			break;
		}
		case OTHER_ID:            /* a stale record of another journal */
			damage(f, rec + 8);
			break;
		}
		put_file(f, n);
		free(f);
		expect_recovers_to(2);
	}
}

/* Hercules rewrote the header (its check after a crash does): the
   journal is no longer trusted, the L1 table in place counts. */
static void test_rewritten_header_disowns_journal(void **state)
{
	struct ckd_image *img = ct_open_ok(0);
	uint8_t *f;
	size_t n;

	(void)state;
	three_syncs(img);
	f = crash_copy(&n);
	ckd_image_close(img);
	ct_st_le_off(f + ct_stat(3), 12345);           /* free_total */
	put_file(f, n);
	free(f);
	it_log_capture();
	expect_recovers_to(2);
	assert_non_null(strstr(it_log_text(), "journal ignored"));
	it_log_release();
}

/* Without the opened bit (Hercules closed the file since) the private
   area means nothing, and a read-write open clears it. */
static void test_closed_file_ignores_area(void **state)
{
	struct ckd_image *img = ct_open_ok(0);
	uint8_t *f;
	size_t n;

	(void)state;
	three_syncs(img);
	f = crash_copy(&n);
	ckd_image_close(img);
	f[512 + 3] &= (uint8_t)~0x80;
	put_file(f, n);
	free(f);
	expect_recovers_to(2);
}

static void test_big_endian_journal(void **state)
{
	struct ckd_image *img;
	uint8_t *f;
	size_t n;

	(void)state;
	ct_to_big_endian();
	img = ct_open_ok(0);
	three_syncs(img);
	f = crash_copy(&n);
	ckd_image_close(img);
	put_file(f, n);
	free(f);
	expect_recovers_to(3);
	f = it_read_file(ct_path, &n);
	assert_true(f[512 + 3] & 0x02);
	/* Recovery wrote group 1's entry in the file's byte order. */
	if (ct_layout->off == 4)
		assert_true(ld_be32(f + 1028) > 1024 && ld_be32(f + 1028) < n);
	else
		assert_true(ld_be64(f + 1032) > 1024 && ld_be64(f + 1032) < n);
	free(f);
}

/* Syncs while the file is open, then a clean close: no private area, no
   opened bit, and the file no bigger than the data needs plus the
   journal's space (free, for the next open to reuse). */
static void test_clean_close_leaves_no_journal(void **state)
{
	struct ckd_image *img = ct_open_ok(0);
	uint8_t zero[64] = { 0 };
	uint64_t size;
	uint8_t *f;
	size_t n;

	(void)state;
	three_syncs(img);
	f = crash_copy(&n);
	assert_memory_equal(f + AREA, "CCWPJRNL", 8);
	free(f);
	assert_int_equal(ckd_image_close(img), 0);
	f = it_read_file(ct_path, &n);
	assert_false(f[512 + 3] & 0x80);
	assert_memory_equal(f + AREA, zero, sizeof(zero));
	free(f);
	/* Reopened and closed again: the next journal reuses that space. */
	size = ct_file_size();
	img = ct_open_ok(0);
	ct_put(img, 11, 4, true);
	sync_ok(img);
	ct_put(img, 12, 4, true);
	sync_ok(img);
	assert_int_equal(ckd_image_close(img), 0);
	assert_true(ct_file_size() <= size + 2 * 256 * ct_layout->l2ent);
}

/* The checksum of track images and records is zlib's crc32() (what
 * earlier versions wrote), whichever library computes it: every length
 * from 0 to a few hundred bytes at every alignment, and whole tracks. */
static void test_crc_is_zlibs(void **state)
{
	static uint8_t data[64 * 1024 + 16];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n < 300; n++)
			assert_int_equal(cckd_crc32(data + off, n),
					 (uint32_t)crc32_z(0, data + off, n));
	assert_int_equal(cckd_crc32(data, 56664),
			 (uint32_t)crc32_z(0, data, 56664));
	assert_int_equal(cckd_crc32(data + 3, 64 * 1024),
			 (uint32_t)crc32_z(0, data + 3, 64 * 1024));
	assert_int_equal(cckd_crc32((const uint8_t *)"123456789", 9),
			 0xcbf43926);   /* the CRC-32 check value */
}

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ct_setup, ct_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_is_zlibs),
		T(test_one_barrier_per_sync),
		T(test_fallback_when_record_does_not_fit),
		T(test_crash_between_syncs),
		T(test_torn_records),
		T(test_rewritten_header_disowns_journal),
		T(test_closed_file_ignores_area),
		T(test_big_endian_journal),
		T(test_clean_close_leaves_no_journal),
	};

	if (ct_select(argc, argv) < 0)
		return 2;
	return cmocka_run_group_tests_name(ct_layout->name, tests, NULL, NULL);
}
