/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translated programs run through the host channel subsystem (CSS_F_SYNC)
 * against a test-double device: data lands in guest memory, and the SCSW
 * CCW address comes back as the guest's (PoP ch. 16 "CCW-Address Field")
 * for normal ends, program and unit checks and status-modifier skips.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cp_dev.h"
#include "cp_test.h"
#include "vfio_ccw/cp_internal.h"

#define G     0x1000u
#define IDAL  0x3000u
#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

struct env {
	struct tmem m;
	struct cpfix f;
	struct cp_program cp;
	struct css_irb irb;
};

static int setup(void **state)
{
	static struct env e;

	memset(&e, 0, sizeof(e));
	tmem_init(&e.m, 0x40000);
	cpfix_init(&e.f);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	cp_free(&e->cp);
	cpfix_fini(&e->f);
	tmem_fini(&e->m);
	return 0;
}

/* Translate (must succeed) and run; the IRB is in e->irb. */
static void run(struct env *e, uint16_t ctrl0)
{
	struct css_orb orb = test_orb(ctrl0, G);

	cp_free(&e->cp);
	assert_int_equal(translate(&e->cp, &e->m, &orb), 0);
	cpfix_run(&e->f, &e->cp, &e->irb);
}

static void expect_pattern(struct env *e, unsigned int n, uint32_t addr,
			   size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (e->m.buf[addr + i] != cpdev_pattern(n, i))
			fail_msg("command %u byte %zu at 0x%zx wrong", n, i,
				 (size_t)addr + i);
}

/* Bytes [addr, addr + len) are command n's data from offset off on. */
static void expect_pattern_at(struct env *e, unsigned int n, uint32_t addr,
			      size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (e->m.buf[addr + i] != cpdev_pattern(n, off + i))
			fail_msg("command %u byte %zu at 0x%zx wrong", n, off + i,
				 (size_t)addr + i);
}

static void expect_end(struct env *e, uint32_t cpa, uint8_t dstat,
		       uint8_t cstat)
{
	assert_int_equal(e->irb.scsw.cpa, cpa);
	assert_int_equal(e->irb.scsw.dstat, dstat);
	assert_int_equal(e->irb.scsw.cstat, cstat);
	assert_true(e->irb.scsw.ctrl & SCSW_STCTL_STATUS_PEND);
}

static void e_sense_id_rcd(void **state)
{
	struct env *e = *state;

	put_ccw1(&e->m, G, 0xe4, CCW_FLAG_SLI, 256, 0x4000);
	run(e, ORB_F1);
	expect_end(e, G + 8, CE_DE, 0);
	assert_memory_equal(e->m.buf + 0x4000, "\xff\x39\x90\xe9\x33\x90\x0c",
			    7);
	assert_int_equal(e->irb.scsw.count, 256 - 8);

	/* RCD through a format-2 4K IDAL straddling two pages. */
	put_ccw1(&e->m, G, 0xfa, CCW_FLAG_IDA, 256, IDAL);
	put_idaw2(&e->m, IDAL, 0x4f80);
	put_idaw2(&e->m, IDAL + 8, 0x9000);
	run(e, ORB_F1);
	expect_end(e, G + 8, CE_DE, 0);
	expect_pattern(e, 1, 0x4f80, 0x80);
	for (size_t i = 0; i < 0x80; i++)
		assert_int_equal(e->m.buf[0x9000 + i], cpdev_pattern(1, 0x80 + i));
	assert_int_equal(e->m.buf[0x9080], 0);
}

static void dasd_program(struct env *e, bool ida)
{
	unsigned int i;

	put_ccw1(&e->m, G, 0x63, CCW_FLAG_CC, 16, 0x2000);
	put_ccw1(&e->m, G + 8, 0x47, CCW_FLAG_CC, 16, 0x2010);
	for (i = 0; i < 8; i++) {
		uint32_t data = 0x10000 + 0x1000 * i;

		if (ida) {
			/* Pages in reverse order, IDAL per record. */
			data = 0x20000 - 0x1000 * i;
			put_idaw2(&e->m, IDAL + 8 * i, data);
		}
		put_ccw1(&e->m, G + 16 + 8 * i, 0x86,
			 (i < 7 ? CCW_FLAG_CC : 0) | (ida ? CCW_FLAG_IDA : 0),
			 4096, ida ? IDAL + 8 * i : data);
	}
}

static void e_dasd_read(void **state)
{
	struct env *e = *state;
	unsigned int i;

	memcpy(e->m.buf + 0x2000, "DEFINE EXTENT...LOCATE RECORD...", 32);
	dasd_program(e, false);
	run(e, ORB_F1);
	expect_end(e, G + 80, CE_DE, 0);
	assert_int_equal(e->f.dev.ncmds, 10);
	assert_memory_equal(e->f.dev.wdata, "LOCATE RECORD...", 16);
	for (i = 0; i < 8; i++)
		expect_pattern(e, 2 + i, 0x10000 + 0x1000 * i, 4096);

	dasd_program(e, true);
	run(e, ORB_F1);
	expect_end(e, G + 80, CE_DE, 0);
	for (i = 0; i < 8; i++)
		expect_pattern(e, 12 + i, 0x20000 - 0x1000 * i, 4096);
}

static void e_fmt1_idal(void **state)
{
	struct env *e = *state;

	/* C64=0: format-1 IDAWs, 2K blocks; one 4K record over three. */
	put_ccw1(&e->m, G, 0x86, CCW_FLAG_IDA, 4096, IDAL);
	put_idaw1(&e->m, IDAL, 0x5400);
	put_idaw1(&e->m, IDAL + 4, 0x8000);
	put_idaw1(&e->m, IDAL + 8, 0x6800);
	run(e, ORB_CTRL0_FMT | ORB_CTRL0_PFCH);
	expect_end(e, G + 8, CE_DE, 0);
	expect_pattern(e, 0, 0x5400, 0x400);
	for (size_t i = 0; i < 2048; i++)
		assert_int_equal(e->m.buf[0x8000 + i], cpdev_pattern(0, 0x400 + i));
	for (size_t i = 0; i < 0x400; i++)
		assert_int_equal(e->m.buf[0x6800 + i], cpdev_pattern(0, 0xc00 + i));
	assert_int_equal(e->m.buf[0x6c00], 0);

	/* And a write through a format-2 2K IDAL. */
	memset(e->m.buf + 0x7800, 'a', 2048);
	memset(e->m.buf + 0xa000, 'b', 2048);
	put_ccw1(&e->m, G, 0x05, CCW_FLAG_IDA, 4096, IDAL);
	put_idaw2(&e->m, IDAL, 0x7800);
	put_idaw2(&e->m, IDAL + 8, 0xa000);
	run(e, ORB_F1 | ORB_CTRL0_I2K);
	expect_end(e, G + 8, CE_DE, 0);
	assert_int_equal(e->f.dev.wlen, 4096);
	assert_int_equal(e->f.dev.wdata[2047], 'a');
	assert_int_equal(e->f.dev.wdata[2048], 'b');
}

/* Bytes [addr, addr + len) hold the last command's data from offset off. */
static void expect_last(struct env *e, uint32_t addr, size_t off, size_t len)
{
	expect_pattern_at(e, e->f.dev.ncmds - 1, addr, off, len);
}

/*
 * A format-0 CCW with the IDA flag: its IDAL is read in the format and
 * block size the ORB gives (C64 = 0: format-1 IDAWs, 2K; C64: format-2,
 * 4K; C64 + I2K: format-2, 2K), only as many IDAWs as the count needs,
 * and the data lands block by block where they point.
 */
static void e_fmt0_ida(void **state)
{
	struct env *e = *state;

	/* C64 = 0: four 31-bit IDAWs, 2K blocks, the first one partial. */
	put_ccw0(&e->m, G, 0x86, IDAL, CCW_FLAG_IDA, 4096);
	put_idaw1(&e->m, IDAL, 0x5400);
	put_idaw1(&e->m, IDAL + 4, 0x8000);
	put_idaw1(&e->m, IDAL + 8, 0x6800);
	put_idaw1(&e->m, IDAL + 12, 0x7800);       /* never needed */
	tmem_clear_touched(&e->m);
	run(e, ORB_CTRL0_PFCH);
	expect_end(e, G + 8, CE_DE, 0);
	assert_false(e->irb.scsw.flags & SCSW_FLAGS_FMT);
	expect_last(e, 0x5400, 0, 0x400);
	expect_last(e, 0x8000, 0x400, 0x800);
	expect_last(e, 0x6800, 0xc00, 0x400);
	assert_int_equal(e->m.buf[0x6c00], 0);
	assert_int_equal(e->m.buf[0x7800], 0);
	assert_true(tmem_touched(&e->m, IDAL, 12));
	assert_false(tmem_touched(&e->m, IDAL + 12, 4));

	/* C64: format-2 IDAWs, 4K blocks: two IDAWs for 0x100 + 0xf00. */
	put_idaw2(&e->m, IDAL, 0x9f00);
	put_idaw2(&e->m, IDAL + 8, 0xc000);
	put_idaw2(&e->m, IDAL + 16, 0xe000);       /* never needed */
	tmem_clear_touched(&e->m);
	run(e, ORB_CTRL0_PFCH | ORB_CTRL0_C64);
	expect_end(e, G + 8, CE_DE, 0);
	expect_last(e, 0x9f00, 0, 0x100);
	expect_last(e, 0xc000, 0x100, 0xf00);
	assert_int_equal(e->m.buf[0xcf00], 0);
	assert_int_equal(e->m.buf[0xe000], 0);
	assert_true(tmem_touched(&e->m, IDAL, 16));
	assert_false(tmem_touched(&e->m, IDAL + 16, 8));

	/* C64 + I2K: format-2 IDAWs, 2K blocks, in reverse page order. */
	put_idaw2(&e->m, IDAL, 0x11800);
	put_idaw2(&e->m, IDAL + 8, 0x11000);
	put_idaw2(&e->m, IDAL + 16, 0x12000);      /* never needed */
	tmem_clear_touched(&e->m);
	run(e, ORB_CTRL0_PFCH | ORB_CTRL0_C64 | ORB_CTRL0_I2K);
	expect_end(e, G + 8, CE_DE, 0);
	expect_last(e, 0x11800, 0, 0x800);
	expect_last(e, 0x11000, 0x800, 0x800);
	assert_int_equal(e->m.buf[0x12000], 0);
	assert_false(tmem_touched(&e->m, IDAL + 16, 8));
}

/* The s390-ccw BIOS: format-0 Seek, Search ID Equal, TIC *-8, Read. */
static void e_bios_loop(void **state)
{
	struct env *e = *state;

	put_ccw0(&e->m, G, 0x07, 0x2000, CCW_FLAG_CC, 6);
	put_ccw0(&e->m, G + 8, 0x31, 0x2008, CCW_FLAG_CC, 5);
	put_ccw0(&e->m, G + 16, 0x08, G + 8, 0, 0);
	put_ccw0(&e->m, G + 24, 0x86, 0x6000, CCW_FLAG_SLI, 512);
	e->f.dev.search_hit = 2;
	run(e, ORB_CTRL0_PFCH);
	expect_end(e, G + 32, CE_DE, 0);
	assert_int_equal(e->f.dev.ncmds, 5);
	assert_int_equal(e->f.dev.cmd[3], 0x31);
	assert_int_equal(e->f.dev.cmd[4], 0x86);
	expect_pattern(e, 4, 0x6000, 512);
	/* The guest sees its own ORB's format and prefetch bits. */
	assert_false(e->irb.scsw.flags & SCSW_FLAGS_FMT);
	assert_true(e->irb.scsw.flags & SCSW_FLAGS_PFCH);

	/* Format-0 count 0 is a program check at that CCW. */
	e->f.dev.searches = 0;
	e->f.dev.ncmds = 0;
	put_ccw0(&e->m, G + 24, 0x86, 0x6000, CCW_FLAG_SLI, 0);
	run(e, ORB_CTRL0_PFCH);
	expect_end(e, G + 32, 0, SCH_STAT_PROG_CHECK);
	assert_int_equal(e->f.dev.ncmds, 4);
}

static void e_checks(void **state)
{
	struct env *e = *state;

	/* Program check in a middle CCW (invalid command code). */
	put_ccw1(&e->m, G, 0x63, CCW_FLAG_CC, 16, 0x2000);
	put_ccw1(&e->m, G + 8, 0x47, CCW_FLAG_CC, 16, 0x2010);
	put_ccw1(&e->m, G + 16, 0x00, CCW_FLAG_CC, 16, 0x7ff00000);
	put_ccw1(&e->m, G + 24, 0x86, 0, 16, 0x5000);
	run(e, ORB_F1);
	expect_end(e, G + 24, 0, SCH_STAT_PROG_CHECK);

	/* Unit check from the device at the second command. */
	put_ccw1(&e->m, G + 16, 0x86, CCW_FLAG_CC, 16, 0x5000);
	e->f.dev.ncmds = 0;
	e->f.dev.check_at = 1;
	run(e, ORB_F1);
	expect_end(e, G + 16, CE_DE | DEV_STAT_UNIT_CHECK, 0);
	e->f.dev.check_at = -1;

	/* A TIC to itself: TIC to TIC. */
	put_ccw1(&e->m, G, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&e->m, G + 8, CCW_CMD_TIC, 0, 0, G + 8);
	run(e, ORB_F1);
	expect_end(e, G + 16, 0, SCH_STAT_PROG_CHECK);

	/* TIC to an unaligned address: the TIC program-checks. */
	put_ccw1(&e->m, G + 8, CCW_CMD_TIC, 0, 0, 0x2004);
	run(e, ORB_F1);
	expect_end(e, G + 16, 0, SCH_STAT_PROG_CHECK);

	/* An unaligned ORB address. */
	{
		struct css_orb orb = test_orb(ORB_F1, G + 4);

		cp_free(&e->cp);
		assert_int_equal(translate(&e->cp, &e->m, &orb), 0);
		cpfix_run(&e->f, &e->cp, &e->irb);
		expect_end(e, G + 12, 0, SCH_STAT_PROG_CHECK);
	}

	/* Suspend flag without suspend control. */
	put_ccw1(&e->m, G, 0x86, CCW_FLAG_SUSPEND, 16, 0x5000);
	run(e, ORB_F1);
	expect_end(e, G + 8, 0, SCH_STAT_PROG_CHECK);
}

/* Status modifier on the next-to-last CCW skips past the segment end. */
static void e_skip_past_end(void **state)
{
	struct env *e = *state;

	put_ccw1(&e->m, G, 0x31, CCW_FLAG_CC, 5, 0x2000);
	put_ccw1(&e->m, G + 8, 0x03, 0, 0, 0);
	e->f.dev.search_hit = 0;
	run(e, ORB_F1);
	/* As the guest's channel: the CCW at G+16 (zeros) is invalid. */
	expect_end(e, G + 24, 0, SCH_STAT_PROG_CHECK);
	assert_int_equal(e->f.dev.ncmds, 1);
}

static void e_idaw_checks(void **state)
{
	struct env *e = *state;

	/* A later IDAW off its boundary: the first block moves, then the
	 * program check. */
	put_ccw1(&e->m, G, 0x86, CCW_FLAG_IDA, 0x2000, IDAL);
	put_idaw2(&e->m, IDAL, 0x4000);
	put_idaw2(&e->m, IDAL + 8, 0x5008);
	run(e, ORB_F1);
	expect_end(e, G + 8, CE_DE, SCH_STAT_PROG_CHECK);
	expect_pattern(e, 0, 0x4000, 0x1000);
	assert_int_equal(e->m.buf[0x5008], 0);

	/* Format-1 IDAW with bit 0 set, first or later. */
	put_ccw1(&e->m, G, 0x86, CCW_FLAG_IDA, 16, IDAL);
	put_idaw1(&e->m, IDAL, 0x80006000);
	run(e, ORB_CTRL0_FMT | ORB_CTRL0_PFCH);
	assert_int_equal(e->irb.scsw.cpa, G + 8);
	assert_int_equal(e->irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(e->m.buf[0x6000], 0);
	put_ccw1(&e->m, G, 0x86, CCW_FLAG_IDA, 32, IDAL);
	put_idaw1(&e->m, IDAL, 0x67f0);
	put_idaw1(&e->m, IDAL + 4, 0x80006800);
	run(e, ORB_CTRL0_FMT | ORB_CTRL0_PFCH);
	assert_int_equal(e->irb.scsw.cpa, G + 8);
	assert_int_equal(e->irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(e->m.buf[0x67f0], cpdev_pattern(e->f.dev.ncmds - 1, 0));
	assert_int_equal(e->m.buf[0x6800], 0);

	/* An unaligned format-2 IDAL. */
	put_ccw1(&e->m, G, 0x86, CCW_FLAG_IDA, 16, IDAL + 4);
	run(e, ORB_F1);
	assert_int_equal(e->irb.scsw.cpa, G + 8);
	assert_int_equal(e->irb.scsw.cstat, SCH_STAT_PROG_CHECK);
}

static void e_chaining_and_backward(void **state)
{
	struct env *e = *state;
	size_t i;

	/* Read with chain data: the record spans two data areas. */
	put_ccw1(&e->m, G, 0x86, CCW_FLAG_CD, 8, 0x4000);
	put_ccw1(&e->m, G + 8, 0x00, CCW_FLAG_SLI, 8, 0x5000);
	e->f.dev.read_len = 16;
	run(e, ORB_F1);
	expect_end(e, G + 16, CE_DE, 0);
	expect_pattern(e, 0, 0x4000, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(e->m.buf[0x5000 + i], cpdev_pattern(0, 8 + i));
	e->f.dev.read_len = 0;

	/* Read backward, direct, across a block boundary (2K). */
	put_ccw1(&e->m, G, 0x0c, 0, 0x20, 0x6810);
	run(e, ORB_CTRL0_FMT | ORB_CTRL0_PFCH);
	expect_end(e, G + 8, CE_DE, 0);
	for (i = 0; i < 0x20; i++)
		assert_int_equal(e->m.buf[0x6810 - i],
				 cpdev_pattern(e->f.dev.ncmds - 1, i));
	assert_int_equal(e->m.buf[0x67f0], 0);
	assert_int_equal(e->m.buf[0x6811], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(e_sense_id_rcd, setup, teardown),
		cmocka_unit_test_setup_teardown(e_dasd_read, setup, teardown),
		cmocka_unit_test_setup_teardown(e_fmt1_idal, setup, teardown),
		cmocka_unit_test_setup_teardown(e_fmt0_ida, setup, teardown),
		cmocka_unit_test_setup_teardown(e_bios_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(e_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(e_skip_past_end, setup, teardown),
		cmocka_unit_test_setup_teardown(e_idaw_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(e_chaining_and_backward, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
