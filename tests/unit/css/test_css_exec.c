/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-program execution (CSS_F_SYNC): command and data chaining,
 * SLI / incorrect length / residuals, skip, PCI, TIC, program checks.
 */
#include "css_test.h"

#include <string.h>

static const uint8_t DATA16[16] = "0123456789abcdef";

static void test_read_normal(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;
	struct css_schib s;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, 0, 8, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_memory_equal(f.mem + 0x1000, DATA16, 8);
	assert_int_equal(f.mem[0x1008], 0);
	assert_int_equal(irb.scsw.flags, SCSW_FLAGS_FMT | SCSW_FLAGS_PFCH);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_START | ST_FINAL);
	assert_int_equal(irb.scsw.cpa, 0x108);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(irb.esw.sublog, 0x80u << ESW_SUBLOG_LPUM_SHIFT);
	assert_int_equal(irb.esw.erw, 0);
	assert_int_equal(f.dev.rec[0].cmd, 0x02);
	assert_int_equal(f.dev.rec[0].count, 8);
	assert_int_equal(f.dev.rec[0].remaining, 8);
	assert_false(f.dev.rec[0].chained);
	assert_int_equal(f.dev.rec[0].xfer, 8);
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(f.notifies, 1);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.intparm, 0x12345678);
	assert_int_equal(s.scsw.ctrl, 0);
	fix_fini(&f);
}

static void test_write_and_command_chain(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	memcpy(f.mem + 0x2000, "WRITEME!", 8);
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x02, CCW_FLAG_CC, 4, 0x1000);
	put_ccw1(&f, 0x110, 0x01, 0, 6, 0x2000);
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true });
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 4 });
	tdev_add(&f.dev, (struct tdev_step){ .len = 6 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 3);
	assert_false(f.dev.rec[0].chained);
	assert_true(f.dev.rec[1].chained);
	assert_true(f.dev.rec[2].chained);
	assert_int_equal(f.dev.rec[2].cmd, 0x01);
	assert_int_equal(f.dev.rec[2].xfer, 6);
	assert_memory_equal(f.dev.rec[2].data, "WRITEM", 6);
	assert_memory_equal(f.mem + 0x1000, DATA16, 4);
	assert_int_equal(irb.scsw.cpa, 0x118);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(f.dev.end_calls, 1);
	fix_fini(&f);
}

static void test_data_chain_read(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CD, 4, 0x1000);
	put_ccw1(&f, 0x108, 0x00, CCW_FLAG_CD, 3, 0x2000); /* code ignored */
	put_ccw1(&f, 0x110, 0xff, 0, 5, 0x3000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 10 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 1);
	assert_int_equal(f.dev.rec[0].remaining, 4);
	assert_int_equal(f.dev.rec[0].xfer, 10);
	assert_memory_equal(f.mem + 0x1000, "0123", 4);
	assert_memory_equal(f.mem + 0x2000, "456", 3);
	assert_memory_equal(f.mem + 0x3000, "789", 3);
	assert_int_equal(f.mem[0x3003], 0);
	/* Short block in the last CCW, no SLI: incorrect length. */
	assert_int_equal(irb.scsw.cpa, 0x118);
	assert_int_equal(irb.scsw.count, 2);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL_ALERT);

	/* The same with SLI in the last CCW: no incorrect length. */
	put_ccw1(&f, 0x110, 0xff, CCW_FLAG_SLI, 5, 0x3000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 10 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.count, 2);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	fix_fini(&f);
}

static void test_data_chain_write_through_tic(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	memcpy(f.mem + 0x1000, "AB", 2);
	memcpy(f.mem + 0x2000, "CDE", 3);
	put_ccw1(&f, 0x100, 0x01, CCW_FLAG_CD, 2, 0x1000);
	put_ccw1(&f, 0x108, CCW_CMD_TIC, 0, 0, 0x200);   /* data chain via TIC */
	put_ccw1(&f, 0x200, 0x01, 0, 3, 0x2000);
	tdev_add(&f.dev, (struct tdev_step){ .len = 5 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].xfer, 5);
	assert_memory_equal(f.dev.rec[0].data, "ABCDE", 5);
	assert_int_equal(irb.scsw.cpa, 0x208);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static void test_sli_ignored_with_cd(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CD | CCW_FLAG_SLI, 8, 0x1000);
	put_ccw1(&f, 0x108, 0x02, CCW_FLAG_SLI, 8, 0x2000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 4 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cpa, 0x108);
	assert_int_equal(irb.scsw.count, 4);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	fix_fini(&f);
}

static void test_il_short_suppresses_chaining(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CC, 10, 0x1000);
	put_ccw1(&f, 0x108, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 6 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 1);
	assert_int_equal(irb.scsw.cpa, 0x108);
	assert_int_equal(irb.scsw.count, 4);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL_ALERT);

	/* SLI: no indication, chaining goes on. */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CC | CCW_FLAG_SLI, 10, 0x1000);
	f.dev.nsteps = 0;
	f.dev.nexec = 0;
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 6 });
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 2);
	assert_int_equal(irb.scsw.cpa, 0x110);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static void test_il_long_block(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	/* Read: the device offers more than the count. */
	put_ccw1(&f, 0x100, 0x02, 0, 4, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].xfer, 4);
	assert_int_equal(f.mem[0x1004], 0);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	/* ... suppressed by SLI. */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_SLI, 4, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, 0);
	/* Write: the device asks more than the count. */
	put_ccw1(&f, 0x100, 0x01, 0, 4, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[2].xfer, 4);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	/* Count 0 (format 1, no chain data) and the device sends a byte. */
	put_ccw1(&f, 0x100, 0x02, 0, 0, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 1 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[3].xfer, 0);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	fix_fini(&f);
}

static void test_il_immediate(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	f.dev.dflt.no_xfer = true;
	put_ccw1(&f, 0x100, 0x03, 0, 16, 0x1000);
	/* Format 1, incorrect-length-indication mode: indicated. */
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.count, 16);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	/* Suppression mode (ORB L): not indicated. */
	orb.ctrl1 = ORB_CTRL1_ILS;
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.count, 16);
	assert_int_equal(irb.scsw.cstat, 0);
	/* Command rejected at once (unit check, no data): not indicated. */
	orb.ctrl1 = 0;
	put_ccw1(&f, 0x100, 0x02, 0, 16, 0x1000);
	f.dev.dflt.status = CE_DE | DEV_STAT_UNIT_CHECK;
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(irb.scsw.dstat, CE_DE | DEV_STAT_UNIT_CHECK);
	assert_int_equal(irb.scsw.count, 16);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL_ALERT);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_ECTL, 0);
	fix_fini(&f);
}

static void test_skip(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	memset(f.mem + 0x1000, 0xee, 16);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_SKIP | CCW_FLAG_CC, 8, 0x1000);
	/* Skip: even an unavailable data address is never used. */
	put_ccw1(&f, 0x108, 0x02, CCW_FLAG_SKIP, 8, 0x7fff0000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 6 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].xfer, 8);
	assert_int_equal(f.dev.rec[1].xfer, 6);
	assert_int_equal(f.mem[0x1000], 0xee);
	assert_int_equal(f.mem[0x1007], 0xee);
	assert_int_equal(irb.scsw.count, 2);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	/* Skip is ignored for writes: the data is fetched. */
	put_ccw1(&f, 0x100, 0x01, CCW_FLAG_SKIP, 4, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .len = 4 });
	run_ok(&f, &orb, &irb);
	assert_memory_equal(f.dev.rec[2].data, "\xee\xee\xee\xee", 4);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static void test_pci_merged_into_final(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x03, CCW_FLAG_PCI, 0, 0);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.notifies, 2);     /* intermediate, then final */
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PCI);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_START | ST_FINAL);
	assert_int_equal(irb.scsw.cpa, 0x110);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	fix_fini(&f);
}

static void test_pci_intermediate(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb *i0, *i1;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	f.tsch_in_notify = true;
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x03, CCW_FLAG_PCI | CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x110, 0x03, 0, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	assert_int_equal(f.notify_irbs, 2);
	i0 = &f.irbs[0];
	i1 = &f.irbs[1];
	assert_int_equal(FCTL(i0->scsw), SCSW_FCTL_START);
	assert_int_equal(ACTL(i0->scsw), SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE);
	assert_int_equal(STCTL(i0->scsw), SCSW_STCTL_INTERMEDIATE |
			 SCSW_STCTL_STATUS_PEND);
	assert_int_equal(i0->scsw.cstat, SCH_STAT_PCI);
	assert_int_equal(i0->scsw.cpa, 0x110);
	assert_int_equal(i1->scsw.ctrl, SCSW_FCTL_START | ST_FINAL);
	assert_int_equal(i1->scsw.cstat, 0);
	assert_int_equal(i1->scsw.cpa, 0x118);
	assert_int_equal(f.dev.nexec, 3);
	fix_fini(&f);
}

static void test_pci_in_data_chain(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	f.tsch_in_notify = true;
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CD, 4, 0x1000);
	put_ccw1(&f, 0x108, 0x02, CCW_FLAG_PCI, 4, 0x2000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	assert_int_equal(f.notify_irbs, 2);
	assert_int_equal(STCTL(f.irbs[0].scsw), SCSW_STCTL_INTERMEDIATE |
			 SCSW_STCTL_STATUS_PEND);
	assert_int_equal(f.irbs[0].scsw.cstat, SCH_STAT_PCI);
	assert_int_equal(f.irbs[0].scsw.cpa, 0x110);
	assert_int_equal(f.irbs[1].scsw.cpa, 0x110);
	assert_int_equal(f.irbs[1].scsw.cstat, 0);
	assert_memory_equal(f.mem + 0x2000, "4567", 4);
	fix_fini(&f);
}

static void test_tic(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, CCW_CMD_TIC, 0, 0, 0x200);     /* forward */
	put_ccw1(&f, 0x200, 0x04, CCW_FLAG_CC | CCW_FLAG_SLI, 32, 0x1000);
	put_ccw1(&f, 0x208, CCW_CMD_TIC, 0, 0, 0x110);     /* backward */
	put_ccw1(&f, 0x110, 0x02, 0, 4, 0x1100);
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true });
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 16 });
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 4 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 3);
	assert_int_equal(f.dev.rec[1].cmd, 0x04);
	assert_int_equal(f.dev.rec[2].cmd, 0x02);
	assert_int_equal(irb.scsw.cpa, 0x118);
	assert_int_equal(irb.scsw.cstat, 0);

	/* TIC as the first CCW. */
	orb.cpa = 0x208;
	f.dev.nsteps = 0;
	f.dev.nexec = 0;
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 4 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cpa, 0x118);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static void test_tic_checks(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	/* TIC to TIC. */
	put_ccw1(&f, 0x100, CCW_CMD_TIC, 0, 0, 0x200);
	put_ccw1(&f, 0x200, CCW_CMD_TIC, 0, 0, 0x100);
	expect_prog_check(&f, &orb, 0x208, 0);
	/* Format-1 TIC with flags, with a count, with address bit 0. */
	put_ccw1(&f, 0x100, CCW_CMD_TIC, CCW_FLAG_CC, 0, 0x300);
	expect_prog_check(&f, &orb, 0x108, 0);
	put_ccw1(&f, 0x100, CCW_CMD_TIC, 0, 8, 0x300);
	expect_prog_check(&f, &orb, 0x108, 0);
	put_ccw1(&f, 0x100, CCW_CMD_TIC, 0, 0, 0x80000300);
	expect_prog_check(&f, &orb, 0x108, 0);
	/* TIC to an unaligned / unavailable address: TIC address + 8. */
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, CCW_CMD_TIC, 0, 0, 0x304);
	expect_prog_check(&f, &orb, 0x110, 1);
	put_ccw1(&f, 0x108, CCW_CMD_TIC, 0, 0, 0x7ffffff8);
	expect_prog_check(&f, &orb, 0x110, 1);
	fix_fini(&f);
}

static void test_prog_checks(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	static const uint8_t bad_codes[] = { 0x00, 0x10, 0xf0, 0x18, 0xf8 };

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	/* Channel-program address unaligned / unavailable. */
	orb.cpa = 0x104;
	expect_prog_check(&f, &orb, 0x10c, 0);
	orb.cpa = 0x7ff00000;
	expect_prog_check(&f, &orb, 0x7ff00008, 0);
	orb.cpa = 0x100;
	/* Invalid command codes (format 1: only 08 is a TIC). */
	for (size_t i = 0; i < sizeof(bad_codes); i++) {
		put_ccw1(&f, 0x100, bad_codes[i], 0, 4, 0x1000);
		expect_prog_check(&f, &orb, 0x108, 0);
	}
	/* Count 0 with chain data. */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CD, 0, 0x1000);
	expect_prog_check(&f, &orb, 0x108, 0);
	/* Format-1 data address with bit 0 set. */
	put_ccw1(&f, 0x100, 0x02, 0, 4, 0x80001000);
	expect_prog_check(&f, &orb, 0x108, 0);
	/* MIDA flag. */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_MIDA, 4, 0x1000);
	expect_prog_check(&f, &orb, 0x108, 0);
	/* Suspend flag without ORB suspend control. */
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_SUSPEND, 0, 0);
	expect_prog_check(&f, &orb, 0x108, 0);
	/* Suspend with chain data, even with suspend control. */
	orb.ctrl0 |= ORB_CTRL0_SPND;
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_SUSPEND | CCW_FLAG_CD, 4, 0x1000);
	expect_prog_check(&f, &orb, 0x108, 0);
	orb.ctrl0 &= (uint16_t)~ORB_CTRL0_SPND;
	/* The second command of a chain: its address + 8. */
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x00, 0, 4, 0x1000);
	expect_prog_check(&f, &orb, 0x110, 1);
	/* Command chaining off the end of storage. */
	orb.cpa = MEMSZ - 8;
	put_ccw1(&f, MEMSZ - 8, 0x03, CCW_FLAG_CC, 0, 0);
	expect_prog_check(&f, &orb, MEMSZ + 8, 1);
	orb.cpa = 0x100;
	fix_fini(&f);
}

static void test_prog_checks_in_transfer(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	/* Data area beyond storage: nothing stored, device ends. */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CC, 8, MEMSZ - 2);
	put_ccw1(&f, 0x108, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 1);
	assert_int_equal(f.dev.rec[0].xfer, 0);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.cpa, 0x108);
	assert_int_equal(irb.scsw.count, 8);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL_ALERT);
	/* Data-chained CCW with count 0: found when chaining to it. */
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_CD, 4, 0x1000);
	put_ccw1(&f, 0x108, 0x02, 0, 0, 0x2000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[1].xfer, 4);
	assert_memory_equal(f.mem + 0x1000, "0123", 4);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.cpa, 0x110);
	/* Data-chained CCW with the suspend flag. */
	orb.ctrl0 |= ORB_CTRL0_SPND;
	put_ccw1(&f, 0x108, 0x02, CCW_FLAG_SUSPEND, 4, 0x2000);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.cpa, 0x110);
	/* Data chaining to an unavailable CCW address. */
	orb.ctrl0 &= (uint16_t)~ORB_CTRL0_SPND;
	put_ccw1(&f, 0x108, CCW_CMD_TIC, 0, 0, MEMSZ);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.cpa, 0x110);     /* the TIC + 8 */
	fix_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_normal),
		cmocka_unit_test(test_write_and_command_chain),
		cmocka_unit_test(test_data_chain_read),
		cmocka_unit_test(test_data_chain_write_through_tic),
		cmocka_unit_test(test_sli_ignored_with_cd),
		cmocka_unit_test(test_il_short_suppresses_chaining),
		cmocka_unit_test(test_il_long_block),
		cmocka_unit_test(test_il_immediate),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_pci_merged_into_final),
		cmocka_unit_test(test_pci_intermediate),
		cmocka_unit_test(test_pci_in_data_chain),
		cmocka_unit_test(test_tic),
		cmocka_unit_test(test_tic_checks),
		cmocka_unit_test(test_prog_checks),
		cmocka_unit_test(test_prog_checks_in_transfer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
