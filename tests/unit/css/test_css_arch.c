/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Architecture byte images (checked against byte layouts written by hand
 * from the Principles of Operation), round trips, CRW, bus ids.
 */
#include "css_test.h"

#include <errno.h>
#include <string.h>

#include "css/css_arch.h"

static void test_orb_image(void **state)
{
	const uint8_t want[CSS_ORB_SIZE] = {
		0xde, 0xad, 0xbe, 0xef,   /* intparm */
		0x30, 0xc2,               /* key 3, F, P, H (C64) */
		0x80,                     /* LPM */
		0x80,                     /* L (ILS) */
		0x00, 0x01, 0x00, 0x00,   /* CPA */
	};
	struct css_orb orb = {
		.intparm = 0xdeadbeef,
		.ctrl0 = 0x3000 | ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64,
		.lpm = 0x80,
		.ctrl1 = ORB_CTRL1_ILS,
		.cpa = 0x10000,
	};
	uint8_t b[CSS_ORB_SIZE];
	struct css_orb back;

	(void)state;
	css_orb_store(&orb, b);
	assert_memory_equal(b, want, sizeof(want));
	css_orb_load(&back, want);
	assert_memory_equal(&back, &orb, sizeof(orb));
}

static void test_ccw_images(void **state)
{
	const uint8_t f1[8] = { 0x86, 0x24, 0x10, 0x00, 0x7f, 0x00, 0x10, 0x08 };
	const uint8_t f0[8] = { 0x02, 0x00, 0x10, 0x00, 0x24, 0x00, 0x00, 0x50 };
	const uint8_t f0tic[8] = { 0x78, 0x00, 0x20, 0x08, 0xff, 0x00, 0x12, 0x34 };
	struct css_ccw c;
	uint8_t b[8];

	(void)state;
	css_ccw_load(&c, f1, true);
	assert_int_equal(c.cmd, 0x86);
	assert_int_equal(c.flags, CCW_FLAG_SLI | CCW_FLAG_IDA);
	assert_int_equal(c.count, 0x1000);
	assert_int_equal(c.cda, 0x7f001008);
	css_ccw_store(&c, b);
	assert_memory_equal(b, f1, 8);

	css_ccw_load(&c, f0, false);
	assert_int_equal(c.cmd, 0x02);
	assert_int_equal(c.cda, 0x001000);
	assert_int_equal(c.flags, CCW_FLAG_SLI | CCW_FLAG_IDA);
	assert_int_equal(c.count, 0x50);

	/* Format-0 TIC: any xxxx1000 code; flags and count ignored. */
	css_ccw_load(&c, f0tic, false);
	assert_int_equal(c.cmd, CCW_CMD_TIC);
	assert_int_equal(c.flags, 0);
	assert_int_equal(c.count, 0);
	assert_int_equal(c.cda, 0x002008);
}

static void test_scsw_image(void **state)
{
	const uint8_t want[CSS_SCSW_SIZE] = {
		0x60, 0xc0,               /* key 6, F, P */
		0x40, 0x07,               /* start function; primary, secondary, pending */
		0x00, 0x00, 0x10, 0x08,   /* CCW address */
		0x0c, 0x40,               /* CE DE; incorrect length */
		0x00, 0x10,               /* count */
	};
	struct css_scsw s = {
		.flags = 0x6000 | SCSW_FLAGS_FMT | SCSW_FLAGS_PFCH,
		.ctrl = SCSW_FCTL_START | SCSW_STCTL_PRIMARY |
			SCSW_STCTL_SECONDARY | SCSW_STCTL_STATUS_PEND,
		.cpa = 0x1008,
		.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END,
		.cstat = SCH_STAT_INCORR_LEN,
		.count = 0x10,
	};
	uint8_t b[CSS_SCSW_SIZE];
	struct css_scsw back;

	(void)state;
	css_scsw_store(&s, b);
	assert_memory_equal(b, want, sizeof(want));
	css_scsw_load(&back, want);
	assert_memory_equal(&back, &s, sizeof(s));
}

static void test_pmcw_image(void **state)
{
	const uint8_t want[CSS_PMCW_SIZE] = {
		0x11, 0x22, 0x33, 0x44,   /* intparm */
		0x28, 0x85, 0x12, 0x34,   /* ISC 5; E, D (MP), V; devno */
		0xc0, 0x01, 0x80, 0xf0,   /* LPM PNOM LPUM PIM */
		0xab, 0xcd, 0xff, 0xe0,   /* MBI POM PAM */
		0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
		0x00, 0x00, 0x00, 0x01,   /* ST 0, S (concurrent sense) */
	};
	struct css_pmcw p = {
		.intparm = 0x11223344,
		.flags = (5 << PMCW_FLAGS_ISC_SHIFT) | PMCW_FLAGS_ENA |
			 PMCW_FLAGS_MP | PMCW_FLAGS_DNV,
		.devno = 0x1234,
		.lpm = 0xc0, .pnom = 0x01, .lpum = 0x80, .pim = 0xf0,
		.mbi = 0xabcd, .pom = 0xff, .pam = 0xe0,
		.chpid = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 },
		.chars = PMCW_CHARS_CSENSE,
	};
	uint8_t b[CSS_PMCW_SIZE];
	struct css_pmcw back;

	(void)state;
	css_pmcw_store(&p, b);
	assert_memory_equal(b, want, sizeof(want));
	css_pmcw_load(&back, want);
	assert_memory_equal(&back, &p, sizeof(p));
}

static void test_schib_roundtrip(void **state)
{
	struct css_schib s, back;
	uint8_t b[CSS_SCHIB_SIZE];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.pmcw.intparm = 1;
	s.pmcw.devno = 0xbeef;
	s.pmcw.chars = 2u << PMCW_CHARS_ST_SHIFT;
	s.scsw.cpa = 0x7ffffff8;
	s.scsw.count = 0xffff;
	s.mba = 0x0102030405060708ull;
	memcpy(s.mda, "\x9a\xbc\xde\xf0", 4);
	css_schib_store(&s, b);
	assert_int_equal(b[6], 0xbe);          /* devno at PMCW byte 6 */
	assert_int_equal(b[25], 0x40);         /* ST 2 in word 6 bits 8-10 */
	assert_int_equal(b[28 + 4], 0x7f);     /* SCSW word 1 at byte 32 */
	assert_int_equal(b[40], 0x01);         /* MBA at byte 40 */
	assert_int_equal(b[51], 0xf0);
	memset(&back, 0, sizeof(back));      /* padding compares equal */
	css_schib_load(&back, b);
	assert_memory_equal(&back, &s, sizeof(s));
}

static void test_irb_image(void **state)
{
	struct css_irb irb, back;
	uint8_t b[CSS_IRB_SIZE];
	const uint8_t esw[20] = {
		0x00, 0x80, 0x00, 0x00,   /* logout: LPUM 80 */
		0x01, 0x20, 0x00, 0x00,   /* ERW: cons, sense count 32 */
		0, 0, 0, 0, 0, 0, 0, 0x10, /* failing-storage address */
		0, 0, 0x20, 0x08,         /* secondary CCW address */
	};

	(void)state;
	memset(&irb, 0, sizeof(irb));
	irb.scsw.ctrl = SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND;
	irb.esw.sublog = 0x80u << ESW_SUBLOG_LPUM_SHIFT;
	irb.esw.erw = ESW_ERW_CONS | (32u << ESW_ERW_SCNT_SHIFT);
	irb.esw.faddr = 0x10;
	irb.esw.saddr = 0x2008;
	for (int i = 0; i < CSS_ECW_SIZE; i++)
		irb.ecw[i] = (uint8_t)i;
	irb.emw[31] = 0x77;
	css_irb_store(&irb, b);
	assert_int_equal(b[2], 0x10);          /* clear function */
	assert_int_equal(b[3], 0x01);          /* status pending */
	assert_memory_equal(b + 12, esw, sizeof(esw));
	assert_int_equal(b[32], 0);
	assert_int_equal(b[63], 31);
	assert_int_equal(b[95], 0x77);
	memset(&back, 0, sizeof(back));      /* padding compares equal */
	css_irb_load(&back, b);
	assert_memory_equal(&back, &irb, sizeof(irb));
}

static void test_crw(void **state)
{
	struct css_crw crw = {
		.rsc = CRW_RSC_CHP, .erc = CRW_ERC_PERRN, .solicited = true,
		.rsid = 0x0040,
	};
	struct css_crw back;

	(void)state;
	assert_int_equal(css_crw_encode(&crw), 0x44060040);
	css_crw_decode(&back, 0x44060040);
	assert_int_equal(back.rsc, CRW_RSC_CHP);
	assert_int_equal(back.erc, CRW_ERC_PERRN);
	assert_true(back.solicited);
	assert_false(back.overflow);
	assert_false(back.chain);
	assert_int_equal(back.rsid, 0x40);
	css_crw_decode(&back, 0x33020313);   /* R, C, sch, init */
	assert_true(back.overflow);
	assert_true(back.chain);
	assert_int_equal(back.rsc, CRW_RSC_SCH);
	assert_int_equal(back.erc, CRW_ERC_INIT);
	assert_int_equal(css_crw_encode(&back), 0x33020313);
}

static void test_busid_parse(void **state)
{
	static const char *const bad[] = {
		"", "0", "0.0", "0.0.", "0.0.313", "0.0.03130", "0.4.0313",
		"100.0.0313", "0.0.0313\n", " 0.0.0313", "0x0.0.0313",
		"0..0313", "0.0.031g", ".0.0313", "0.00.0313", "0.0.+313",
		"0.0.0313.", "-1.0.0313",
	};
	struct css_busid id;

	(void)state;
	assert_int_equal(css_busid_parse("0.0.0313", &id), 0);
	assert_int_equal(id.cssid, 0);
	assert_int_equal(id.ssid, 0);
	assert_int_equal(id.num, 0x313);
	assert_int_equal(css_busid_parse("fe.3.ffff", &id), 0);
	assert_int_equal(id.cssid, 0xfe);
	assert_int_equal(id.ssid, 3);
	assert_int_equal(id.num, 0xffff);
	assert_int_equal(css_busid_parse("A.1.00Ff", &id), 0);
	assert_int_equal(id.cssid, 0xa);
	assert_int_equal(id.num, 0xff);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id = (struct css_busid){ 9, 9, 9 };
		assert_int_equal(css_busid_parse(bad[i], &id), -EINVAL);
		assert_int_equal(id.num, 9);   /* untouched on error */
	}
	assert_int_equal(css_busid_parse(NULL, &id), -EINVAL);
}

static void test_busid_format(void **state)
{
	char buf[CSS_BUSID_STRLEN];
	struct css_busid a = { 0xfe, 3, 0x1a }, b = { 0xfe, 3, 0x1a };

	(void)state;
	assert_string_equal(css_busid_format(a, buf), "fe.3.001a");
	assert_string_equal(css_busid_format((struct css_busid){ 0, 0, 0x313 },
					     buf), "0.0.0313");
	assert_true(css_busid_eq(a, b));
	b.ssid = 2;
	assert_false(css_busid_eq(a, b));
	b = a;
	b.cssid = 0;
	assert_false(css_busid_eq(a, b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orb_image),
		cmocka_unit_test(test_ccw_images),
		cmocka_unit_test(test_scsw_image),
		cmocka_unit_test(test_pmcw_image),
		cmocka_unit_test(test_schib_roundtrip),
		cmocka_unit_test(test_irb_image),
		cmocka_unit_test(test_crw),
		cmocka_unit_test(test_busid_parse),
		cmocka_unit_test(test_busid_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
