/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Indirect data addressing (format-1 2K, format-2 4K and 2K IDAWs) with its
 * boundary rules, and read backward (direct and IDA).
 */
#include "css_test.h"

#include <stdlib.h>
#include <string.h>

static uint8_t pattern[0x2000];

static int setup_pattern(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + i / 256);
	return 0;
}

static struct css_orb orb_ida(uint16_t extra)
{
	struct css_orb o = orb1(0x100);

	o.ctrl0 |= extra;
	return o;
}

static void test_idaw1_2k(void **state)
{
	struct fix f;
	struct css_orb orb = orb_ida(ORB_CTRL0_I2K);   /* T ignored without H */
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x1000, 0x800);
	put_idaw1(&f, 0x800, 0x4100);     /* first: anywhere, to its block end */
	put_idaw1(&f, 0x804, 0x6000);
	put_idaw1(&f, 0x808, 0x8000);
	tdev_add(&f.dev, (struct tdev_step){ .data = pattern, .len = 0x1000 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].xfer, 0x1000);
	assert_memory_equal(f.mem + 0x4100, pattern, 0x700);
	assert_int_equal(f.mem[0x4800], 0);
	assert_memory_equal(f.mem + 0x6000, pattern + 0x700, 0x800);
	assert_int_equal(f.mem[0x6800], 0);
	assert_memory_equal(f.mem + 0x8000, pattern + 0xf00, 0x100);
	assert_int_equal(f.mem[0x8100], 0);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(irb.scsw.count, 0);
	fix_fini(&f);
}

static void test_idaw2_4k(void **state)
{
	struct fix f;
	struct css_orb orb = orb_ida(ORB_CTRL0_C64);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA | CCW_FLAG_SLI, 0x2000, 0x800);
	put_idaw2(&f, 0x800, 0x10800);
	put_idaw2(&f, 0x808, 0x12000);
	put_idaw2(&f, 0x810, 0x14000);
	tdev_add(&f.dev, (struct tdev_step){ .data = pattern, .len = 0x1400 });
	run_ok(&f, &orb, &irb);
	assert_memory_equal(f.mem + 0x10800, pattern, 0x800);
	assert_memory_equal(f.mem + 0x12000, pattern + 0x800, 0xc00);
	assert_int_equal(f.mem[0x12c00], 0);
	assert_int_equal(f.mem[0x14000], 0);
	assert_int_equal(irb.scsw.count, 0xc00);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static void test_idaw2_2k_write(void **state)
{
	struct fix f;
	struct css_orb orb = orb_ida(ORB_CTRL0_C64 | ORB_CTRL0_I2K);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	memcpy(f.mem + 0x10000, pattern, 0x800);
	memcpy(f.mem + 0x11800, pattern + 0x800, 0x800);
	put_ccw1(&f, 0x100, 0x01, CCW_FLAG_IDA, 0x200, 0x800);
	put_idaw2(&f, 0x800, 0x10700);
	put_idaw2(&f, 0x808, 0x11800);      /* 2K aligned, not 4K: fine */
	tdev_add(&f.dev, (struct tdev_step){ .len = 0x200 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].xfer, 0x200);
	assert_memory_equal(f.dev.rec[0].data, pattern + 0x700, 0x100);
	assert_memory_equal(f.dev.rec[0].data + 0x100, pattern + 0x800, 0x100);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static void test_ida_boundary_checks(void **state)
{
	struct fix f;
	struct css_orb orb;
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	f.dev.dflt = (struct tdev_step){ .data = pattern, .len = 0x1000 };

	/* Format 1: the second IDAW not on a 2K boundary. */
	orb = orb_ida(0);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x1000, 0x800);
	put_idaw1(&f, 0x800, 0x4000);
	put_idaw1(&f, 0x804, 0x6100);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].xfer, 0x800);
	assert_memory_equal(f.mem + 0x4000, pattern, 0x800);
	assert_int_equal(f.mem[0x6100], 0);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.cpa, 0x108);
	assert_int_equal(irb.scsw.count, 0x800);

	/* Format 2, 4K blocks: 2K alignment is not enough. */
	orb = orb_ida(ORB_CTRL0_C64);
	put_idaw2(&f, 0x800, 0x4000);
	put_idaw2(&f, 0x808, 0x6800);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[1].xfer, 0x1000);
	assert_int_equal(irb.scsw.cstat, 0);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x1800, 0x800);
	run_ok(&f, &orb, &irb);               /* offered 0x1000 of 0x1800 */
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	put_idaw2(&f, 0x800, 0x4800);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[3].xfer, 0x800);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);

	/* Format-1 IDAW with bit 0 set: found before the device starts. */
	orb = orb_ida(0);
	put_idaw1(&f, 0x800, 0x80004000);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 4);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.dstat, 0);

	/* IDAL not on a word / doubleword boundary. */
	put_idaw1(&f, 0x800, 0x4000);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x100, 0x802);
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	orb = orb_ida(ORB_CTRL0_C64);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x100, 0x804);
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	/* IDAL in unavailable storage; IDAL address bit 0 (format 1). */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x100, MEMSZ);
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x100, 0x80000800);
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(f.dev.nexec, 4);
	/* The IDAW's data in unavailable storage. */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA, 0x100, 0x800);
	put_idaw2(&f, 0x800, 0x7fff0000);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 5);
	assert_int_equal(f.dev.rec[4].xfer, 0);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	fix_fini(&f);
}

static void test_ida_data_chain(void **state)
{
	struct fix f;
	struct css_orb orb = orb_ida(ORB_CTRL0_C64);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_IDA | CCW_FLAG_CD, 0x10, 0x800);
	put_ccw1(&f, 0x108, 0x02, 0, 0x10, 0x3000);       /* direct */
	put_ccw1(&f, 0x110, 0x03, 0, 0, 0);
	put_idaw2(&f, 0x800, 0x4ff8);     /* crosses into the next block */
	put_idaw2(&f, 0x808, 0x9000);
	tdev_add(&f.dev, (struct tdev_step){ .data = pattern, .len = 0x20 });
	run_ok(&f, &orb, &irb);
	assert_memory_equal(f.mem + 0x4ff8, pattern, 8);
	assert_memory_equal(f.mem + 0x9000, pattern + 8, 8);
	assert_memory_equal(f.mem + 0x3000, pattern + 0x10, 0x10);
	assert_int_equal(irb.scsw.cpa, 0x110);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static const uint8_t ABC[8] = "ABCDEFGH";

static void test_read_backward_direct(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	/* The data address names the rightmost byte; bytes arrive last
	 * byte of the record first and go to descending addresses. */
	put_ccw1(&f, 0x100, 0x0c, 0, 8, 0x10ff);
	tdev_add(&f.dev, (struct tdev_step){ .data = ABC, .len = 8 });
	run_ok(&f, &orb, &irb);
	for (int i = 0; i < 8; i++)
		assert_int_equal(f.mem[0x10ff - i], ABC[i]);
	assert_int_equal(f.mem[0x1100], 0);
	assert_int_equal(f.mem[0x10f7], 0);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(irb.scsw.count, 0);

	/* Short block: the residual is the untouched left part. */
	put_ccw1(&f, 0x100, 0x0c, CCW_FLAG_SLI, 16, 0x20ff);
	tdev_add(&f.dev, (struct tdev_step){ .data = ABC, .len = 3 });
	run_ok(&f, &orb, &irb);
	assert_memory_equal(f.mem + 0x20fd, "CBA", 3);
	assert_int_equal(f.mem[0x20fc], 0);
	assert_int_equal(irb.scsw.count, 13);

	/* Below address 0: program check after the bytes that fit. */
	put_ccw1(&f, 0x100, 0x0c, 0, 8, 3);
	tdev_add(&f.dev, (struct tdev_step){ .data = ABC, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[2].xfer, 4);
	assert_memory_equal(f.mem, "DCBA", 4);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	fix_fini(&f);
}

static void test_read_backward_ida(void **state)
{
	struct fix f;
	struct css_orb orb = orb_ida(ORB_CTRL0_C64);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x0c, CCW_FLAG_IDA, 8, 0x800);
	put_idaw2(&f, 0x800, 0x11003);   /* rightmost byte; 4 bytes to 0x11000 */
	put_idaw2(&f, 0x808, 0x13fff);   /* next must name a block's last byte */
	tdev_add(&f.dev, (struct tdev_step){ .data = ABC, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_memory_equal(f.mem + 0x11000, "DCBA", 4);
	assert_int_equal(f.mem[0x11004], 0);
	assert_int_equal(f.mem[0x10fff], 0);
	assert_memory_equal(f.mem + 0x13ffc, "HGFE", 4);
	assert_int_equal(irb.scsw.cstat, 0);

	/* A block start is not a valid later IDAW when reading backward. */
	put_idaw2(&f, 0x808, 0x13000);
	tdev_add(&f.dev, (struct tdev_step){ .data = ABC, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[1].xfer, 4);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.count, 4);

	/* Format-1 IDAWs, 2K blocks. */
	orb = orb_ida(0);
	put_ccw1(&f, 0x100, 0x0c, CCW_FLAG_IDA, 8, 0x900);
	put_idaw1(&f, 0x900, 0x15801);
	put_idaw1(&f, 0x904, 0x167ff);
	tdev_add(&f.dev, (struct tdev_step){ .data = ABC, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_memory_equal(f.mem + 0x15800, "BA", 2);
	assert_memory_equal(f.mem + 0x167fa, "HGFEDC", 6);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idaw1_2k),
		cmocka_unit_test(test_idaw2_4k),
		cmocka_unit_test(test_idaw2_2k_write),
		cmocka_unit_test(test_ida_boundary_checks),
		cmocka_unit_test(test_ida_data_chain),
		cmocka_unit_test(test_read_backward_direct),
		cmocka_unit_test(test_read_backward_ida),
	};

	return cmocka_run_group_tests(tests, setup_pattern, NULL);
}
