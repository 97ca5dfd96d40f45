/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CDL tracks 0 and 1: the bytes Linux's dasd driver and ibm.c partition
 * parser read, as dasdfmt + fdasd -a write them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "common/byteorder.h"
#include "image/ckd_cdl.h"
#include "image/ckd_track.h"
#include "image_test.h"

static uint8_t trk[CKD_MAX_TRACK_SIZE];

static struct ckd_cdl_volume vol(uint32_t cyls)
{
	struct ckd_cdl_volume v = { .cyls = cyls, .heads = 15,
				    .created = 1700000000 };  /* 2023-11-14 */

	strcpy(v.volser, "0X2B09");
	return v;
}

/* The n-th record (0 = R0) of the track in trk. */
static struct ckd_record rec(size_t len, unsigned int n)
{
	struct ckd_record r;
	size_t pos = CKD_HA_SIZE;

	for (unsigned int i = 0; i <= n; i++)
		assert_int_equal(ckd_track_next(trk, len, &pos, &r, NULL), 1);
	return r;
}

static void ebc(uint8_t *out, const char *s, size_t n)
{
	ckd_ebcdic_from_ascii(out, s, n);
}

static void test_ebcdic(void **state)
{
	uint8_t e[8];
	char a[9] = { 0 };

	(void)state;
	ebc(e, "VOL1", 4);
	assert_memory_equal(e, "\xe5\xd6\xd3\xf1", 4);
	ebc(e, "IPL2", 4);
	assert_memory_equal(e, "\xc9\xd7\xd3\xf2", 4);
	ebc(e, "A9@#$.", 8);
	assert_memory_equal(e, "\xc1\xf9\x7c\x7b\x5b\x4b\x40\x40", 8);
	ckd_ascii_from_ebcdic(a, e, 8);
	assert_string_equal(a, "A9@#$.  ");
}

static void test_volser_valid(void **state)
{
	(void)state;
	assert_true(ckd_volser_valid("0X2B09"));
	assert_true(ckd_volser_valid("A"));
	assert_true(ckd_volser_valid("$#@"));
	assert_false(ckd_volser_valid(""));
	assert_false(ckd_volser_valid("ABCDEFG"));
	assert_false(ckd_volser_valid("abc"));
	assert_false(ckd_volser_valid("A B"));
}

static void test_track0(void **state)
{
	struct ckd_cdl_volume v = vol(10017);
	struct ckd_geometry geo = it_geo(10017);
	size_t len = ckd_cdl_track0(trk, sizeof(trk), &v);
	uint8_t want[80];
	struct ckd_record r;

	(void)state;
	assert_int_equal(ckd_track_check(&geo, 0, trk, len, NULL), 0);
	/* IPL1 4/24, IPL2 4/144, VOL1 4/80: Linux's CDL test in analysis. */
	r = rec(len, 1);
	assert_int_equal(r.count.kl, 4);
	assert_int_equal(r.count.dl, 24);
	assert_memory_equal(r.key, "\xc9\xd7\xd3\xf1", 4);
	assert_memory_equal(r.data, "\x00\x0a\x00\x00\x00\x00\x00\x0f"
				    "\x03\x00\x00\x00\x00\x00\x00\x01", 16);
	r = rec(len, 2);
	assert_int_equal(r.count.dl, 144);
	assert_memory_equal(r.key, "\xc9\xd7\xd3\xf2", 4);
	assert_int_equal(ld_be32(r.data), 0x07003ab8);
	assert_int_equal(ld_be32(r.data + 40), 0x00000400);
	r = rec(len, 3);
	assert_int_equal(r.count.kl, 4);
	assert_int_equal(r.count.dl, 80);
	assert_memory_equal(r.key, "\xe5\xd6\xd3\xf1", 4);
	memset(want, 0x40, sizeof(want));
	ebc(want, "VOL1", 4);
	ebc(want + 4, "0X2B09", 6);
	memcpy(want + 11, "\x00\x00\x00\x01\x01", 5);   /* VTOC at 0/1/1 */
	assert_memory_equal(r.data, want, 80);
	/* R4-R12: 4 KB blocks (the block size Linux takes from R4). */
	for (unsigned int i = 4; i <= 12; i++) {
		r = rec(len, i);
		assert_int_equal(r.count.rec, i);
		assert_int_equal(r.count.kl, 0);
		assert_int_equal(r.count.dl, 4096);
	}
	assert_int_equal(len, 5 + 16 + 36 + 156 + 92 + 9 * 4104 + 8);
}

static void test_volser_padding(void **state)
{
	struct ckd_cdl_volume v = vol(100);
	size_t len;
	struct ckd_record r;

	(void)state;
	strcpy(v.volser, "AB");
	len = ckd_cdl_track0(trk, sizeof(trk), &v);
	r = rec(len, 3);
	assert_memory_equal(r.data + 4, "\xc1\xc2\x40\x40\x40\x40", 6);
	len = ckd_cdl_track1(trk, sizeof(trk), &v);
	r = rec(len, 3);
	{
		char name[45] = { 0 };

		ckd_ascii_from_ebcdic(name, r.key, 44);
		assert_string_equal(name, "LINUX.VAB.PART0001.NATIVE"
					  "                   ");
	}
}

static void test_track1_small(void **state)
{
	struct ckd_cdl_volume v = vol(3339);       /* 50085 tracks: no F7 */
	struct ckd_geometry geo = it_geo(3339);
	size_t len = ckd_cdl_track1(trk, sizeof(trk), &v);
	uint8_t key[44];
	struct ckd_record r;
	const uint8_t *d;

	(void)state;
	assert_int_equal(ckd_track_check(&geo, 1, trk, len, NULL), 0);
	for (unsigned int i = 1; i <= 12; i++) {
		r = rec(len, i);
		assert_int_equal(r.count.head, 1);
		assert_int_equal(r.count.kl, 44);
		assert_int_equal(r.count.dl, 96);
	}
	/* R1: format-4 DSCB. */
	r = rec(len, 1);
	memset(key, 0x04, 44);
	assert_memory_equal(r.key, key, 44);
	d = r.data;
	assert_int_equal(d[0], 0xf4);
	assert_memory_equal(d + 1, "\x00\x00\x00\x01\x03", 5);  /* DS4HPCHR */
	assert_int_equal(ld_be16(d + 6), 9);                    /* DS4DSREC */
	assert_int_equal(d[14], 0);                             /* DS4VTOCI */
	assert_int_equal(d[15], 1);                             /* DS4NOEXT */
	assert_int_equal(ld_be16(d + 18), 3339);                /* DS4DSCYL */
	assert_int_equal(ld_be16(d + 20), 15);                  /* DS4DSTRK */
	assert_int_equal(ld_be16(d + 22), 0xe5a2);              /* DS4DEVTK */
	assert_int_equal(d[27], 0x30);                          /* DS4DEVFG */
	assert_int_equal(d[30], 12);                            /* DS4DEVDT */
	assert_memory_equal(d + 61, "\x01\x00\x00\x00\x00\x01\x00\x00\x00\x01",
			    10);                                /* DS4VTOCE */
	assert_int_equal(ld_be32(d + 88), 3339);                /* DS4DCYL */
	assert_int_equal(d[94], 0x40);                          /* DS4DEVF2 */
	/* R2: empty format-5. */
	r = rec(len, 2);
	assert_memory_equal(r.key, "\x05\x05\x05\x05\x00\x00", 6);
	assert_int_equal(r.data[0], 0xf5);
	/* R3: format-1 DSCB of the partition. */
	r = rec(len, 3);
	d = r.data;
	assert_int_equal(d[0], 0xf1);
	ebc(key, "0X2B09", 6);
	assert_memory_equal(d + 1, key, 6);                     /* DS1DSSN */
	assert_int_equal(ld_be16(d + 7), 1);                    /* DS1VOLSQ */
	assert_int_equal(d[9], 123);                            /* 2023 */
	assert_int_equal(ld_be16(d + 10), 317);                 /* Nov 14 */
	assert_memory_equal(d + 12, "\x63\x01\x6d", 3);         /* DS1EXPDT */
	assert_int_equal(d[40], 0x88);                          /* DS1RECFM */
	assert_int_equal(ld_be16(d + 42), 4096);                /* DS1BLKL */
	/* DS1EXT1: track 2 (0/2) to the last track (3338/14). */
	assert_memory_equal(d + 61, "\x01\x00\x00\x00\x00\x02", 6);
	assert_int_equal(ld_be16(d + 67), 3338);
	assert_int_equal(ld_be16(d + 69), 14);
	/* R4-R12 empty: Linux's VTOC scan stops at the first one. */
	r = rec(len, 4);
	assert_int_equal(r.data[0], 0);
}

static void test_track1_big(void **state)
{
	struct ckd_cdl_volume v = vol(10017);     /* 150255 tracks: F7 */
	size_t len = ckd_cdl_track1(trk, sizeof(trk), &v);
	struct ckd_record r;

	(void)state;
	r = rec(len, 1);
	assert_int_equal(r.data[5], 4);            /* DS4HPCHR record 4 */
	r = rec(len, 3);
	assert_memory_equal(r.key, "\x07\x07\x07\x07", 4);
	assert_int_equal(r.data[0], 0xf7);
	r = rec(len, 4);
	assert_int_equal(r.data[0], 0xf1);
	assert_int_equal(ld_be16(r.data + 67), 10016);
	r = rec(len, 5);
	assert_int_equal(r.data[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ebcdic),
		cmocka_unit_test(test_volser_valid),
		cmocka_unit_test(test_track0),
		cmocka_unit_test(test_volser_padding),
		cmocka_unit_test(test_track1_small),
		cmocka_unit_test(test_track1_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
