/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Track images: build, iterate, validate (good and every kind of broken). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/byteorder.h"
#include "image/ckd_track.h"
#include "image_test.h"

static uint8_t trk[CKD_MAX_TRACK_SIZE];
static struct ckd_geometry geo;

static int setup(void **state)
{
	(void)state;
	geo = it_geo(100);
	return 0;
}

/* Track 17 = cyl 1 head 2: R1 4/24, R2 0/100. */
static size_t sample(void)
{
	struct ckd_track_builder b;
	uint8_t key[4] = { 1, 2, 3, 4 }, data[100];

	memset(data, 0xab, sizeof(data));
	ckd_track_begin(&b, trk, sizeof(trk), 1, 2);
	ckd_track_add(&b, 1, key, 4, data, 24);
	ckd_track_add(&b, 2, NULL, 0, data, 100);
	return ckd_track_finish(&b);
}

static void test_build_layout(void **state)
{
	static const uint8_t head[] = {
		0x00, 0x00, 0x01, 0x00, 0x02,                    /* HA */
		0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08,  /* R0 count */
		0, 0, 0, 0, 0, 0, 0, 0,                          /* R0 data */
		0x00, 0x01, 0x00, 0x02, 0x01, 0x04, 0x00, 0x18,  /* R1 count */
		1, 2, 3, 4,                                      /* R1 key */
	};
	size_t len = sample();

	(void)state;
	assert_int_equal(len, 5 + 16 + 8 + 4 + 24 + 8 + 100 + 8);
	assert_memory_equal(trk, head, sizeof(head));
	assert_true(ckd_is_eot(trk + len - 8));
	assert_int_equal(ckd_track_check(&geo, 17, trk, len, NULL), 0);
}

static void test_iterate(void **state)
{
	size_t len = sample(), pos = CKD_HA_SIZE;
	struct ckd_record r;

	(void)state;
	assert_int_equal(ckd_track_next(trk, len, &pos, &r, NULL), 1);
	assert_int_equal(r.count.rec, 0);
	assert_int_equal(r.count.dl, 8);
	assert_int_equal(ckd_track_next(trk, len, &pos, &r, NULL), 1);
	assert_int_equal(r.count.rec, 1);
	assert_int_equal(r.count.kl, 4);
	assert_int_equal(r.key[3], 4);
	assert_int_equal(r.offset, 21);
	assert_int_equal(ckd_track_next(trk, len, &pos, &r, NULL), 1);
	assert_int_equal(r.count.dl, 100);
	assert_int_equal(r.data[99], 0xab);
	assert_int_equal(ckd_track_next(trk, len, &pos, &r, NULL), 0);
	assert_int_equal(pos, len - 8);
}

static void test_measure(void **state)
{
	size_t len = sample(), got = 0;
	struct ckd_track_fault f;

	(void)state;
	memset(trk + len, 0x5a, 100);   /* slot tail after the marker */
	assert_int_equal(ckd_track_measure(trk, len + 100, &got, NULL), 0);
	assert_int_equal(got, len);
	/* No marker within the slot. */
	memset(trk + len - 8, 0, 8);
	assert_int_equal(ckd_track_measure(trk, len, &got, &f), -EUCLEAN);
	assert_non_null(strstr(f.what, "past the track end"));
}

static void test_count_roundtrip(void **state)
{
	struct ckd_count c = { 0x1234, 0x000e, 7, 44, 96 }, d;
	uint8_t raw[8];

	(void)state;
	ckd_count_store(raw, &c);
	assert_int_equal(ld_be16(raw), 0x1234);
	assert_int_equal(raw[5], 44);
	ckd_count_load(&d, raw);
	assert_memory_equal(&c, &d, sizeof(c));
}

/* Each broken variant of the sample track, with the fault it names. */
struct broken {
	const char *name;
	size_t (*make)(size_t len);
	const char *what;
};

static size_t b_short(size_t len) { (void)len; return 20; }
static size_t b_long(size_t len) { (void)len; return CKD_3390_TRACK_SIZE + 1; }
static size_t b_flag(size_t len) { trk[0] = 1; return len; }
static size_t b_ha(size_t len) { trk[4] = 3; return len; }
static size_t b_r0num(size_t len) { trk[9] = 1; return len; }
static size_t b_r0cchh(size_t len) { trk[6] = 9; return len; }
static size_t b_r0dl(size_t len) { trk[12] = 9; return len; }
static size_t b_rec0(size_t len) { trk[25] = 0; return len; }
static size_t b_head(size_t len) { trk[24] = 15; return len; }
static size_t b_overrun(size_t len) { st_be16(trk + 27, 60000); return len; }
static size_t b_noeot(size_t len) { trk[len - 1] = 0; return len; }
static size_t b_tail(size_t len) { return len + 3; }
static size_t b_nor0(size_t len)
{
	(void)len;
	memset(trk + 5, 0xff, 8);
	return 13;
}

static const struct broken broken[] = {
	{ "short", b_short, "shorter than" },
	{ "long", b_long, "exceeds the track size" },
	{ "flag", b_flag, "flag byte" },
	{ "home address", b_ha, "home address CCHH" },
	{ "R0 number", b_r0num, "not R0" },
	{ "R0 CCHH", b_r0cchh, "R0 count CCHH" },
	{ "R0 length", b_r0dl, "R0 key/data length" },
	{ "record 0 again", b_rec0, "record number 0" },
	{ "head >= heads", b_head, "head 15" },
	{ "record overrun", b_overrun, "past the track end" },
	{ "no end marker", b_noeot, "past the track end" },
	{ "bytes after marker", b_tail, "follow the end-of-track" },
	{ "no R0", b_nor0, "shorter than" },
};

static void test_broken(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		struct ckd_track_fault f = { .what = "" };
		size_t len = sample(), blen;

		memset(trk + len, 0, 16);
		blen = broken[i].make(len);
		if (ckd_track_check(&geo, 17, trk, blen, &f) != -EUCLEAN ||
		    !strstr(f.what, broken[i].what))
			fail_msg("%s: got \"%s\"", broken[i].name, f.what);
	}
}

static void test_wrong_track(void **state)
{
	size_t len = sample();

	(void)state;
	assert_int_equal(ckd_track_check(&geo, 18, trk, len, NULL), -EUCLEAN);
}

static void test_builder_overflow(void **state)
{
	struct ckd_track_builder b;

	(void)state;
	ckd_track_begin(&b, trk, 100, 0, 0);
	ckd_track_add(&b, 1, NULL, 0, NULL, 200);
	assert_true(b.overflow);
	assert_int_equal(ckd_track_finish(&b), 0);
}

static void test_null_formats(void **state)
{
	static const enum ckd_null_format fmts[] = {
		CKD_NULL_R0, CKD_NULL_R1EOF, CKD_NULL_LINUX,
	};
	static const size_t sizes[] = { 29, 37, 49277 };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		size_t len = ckd_track_null(trk, sizeof(trk), 3, 4, fmts[i]);

		assert_int_equal(len, sizes[i]);
		assert_int_equal(ckd_track_null_size(fmts[i]), sizes[i]);
		assert_int_equal(ckd_track_check(&geo, 49, trk, len, NULL), 0);
		assert_int_equal(ckd_track_null_match(trk, len, 3, 4), fmts[i]);
		/* Another track's CCHH is not this track's null track. */
		assert_int_equal(ckd_track_null_match(trk, len, 3, 5), -1);
	}
	/* R1 of the Hercules format 0 track is an empty record. */
	ckd_track_null(trk, sizeof(trk), 3, 4, CKD_NULL_R1EOF);
	assert_int_equal(trk[25], 1);
	assert_int_equal(ld_be16(trk + 27), 0);
}

static void test_null_match_near_misses(void **state)
{
	size_t len;

	(void)state;
	len = ckd_track_null(trk, sizeof(trk), 0, 2, CKD_NULL_LINUX);
	trk[len - 100] = 1;       /* one data byte of R12 */
	assert_int_equal(ckd_track_null_match(trk, len, 0, 2), -1);
	len = ckd_track_null(trk, sizeof(trk), 0, 2, CKD_NULL_LINUX);
	trk[5 + 16 + 4] = 5;      /* R1 numbered 5 */
	assert_int_equal(ckd_track_null_match(trk, len, 0, 2), -1);
	len = ckd_track_null(trk, sizeof(trk), 0, 2, CKD_NULL_R0);
	trk[13] = 1;              /* R0 data not zero */
	assert_int_equal(ckd_track_null_match(trk, len, 0, 2), -1);
	/* A 37-byte track that is not HA R0 R1(0/0). */
	len = ckd_track_null(trk, sizeof(trk), 0, 2, CKD_NULL_R1EOF);
	trk[26] = 0;
	trk[28] = 0;
	trk[25] = 2;
	assert_int_equal(ckd_track_null_match(trk, len, 0, 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_layout),
		cmocka_unit_test(test_iterate),
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_count_roundtrip),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_wrong_track),
		cmocka_unit_test(test_builder_overflow),
		cmocka_unit_test(test_null_formats),
		cmocka_unit_test(test_null_match_near_misses),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
