/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How channel programs end (CSS_F_SYNC): the status-modifier skip, halt
 * from the device, format 0, concurrent sense, end_program status, the
 * initial-status interruption, suspend; status the device presents on
 * its own (unsolicited).
 */
#include "css_test.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t DATA16[16] = "0123456789abcdef";

static void test_status_modifier_search_loop(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;
	static const uint8_t id[5] = { 0, 0, 0, 0, 1 };

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	memcpy(f.mem + 0x1000, id, 5);
	put_ccw1(&f, 0x100, 0x07, CCW_FLAG_CC, 6, 0x1010);       /* Seek */
	put_ccw1(&f, 0x108, 0x31, CCW_FLAG_CC, 5, 0x1000);       /* Search ID = */
	put_ccw1(&f, 0x110, CCW_CMD_TIC, 0, 0, 0x108);
	put_ccw1(&f, 0x118, 0x06, 0, 8, 0x2000);                 /* Read Data */
	tdev_add(&f.dev, (struct tdev_step){ .len = 6 });
	for (int i = 0; i < 3; i++)
		tdev_add(&f.dev, (struct tdev_step){ .len = 5 });
	tdev_add(&f.dev, (struct tdev_step){ .len = 5,
		 .status = CE_DE | DEV_STAT_STAT_MOD });
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 8 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 6);
	for (int i = 1; i < 5; i++) {
		assert_int_equal(f.dev.rec[i].cmd, 0x31);
		assert_memory_equal(f.dev.rec[i].data, id, 5);
	}
	assert_int_equal(f.dev.rec[5].cmd, 0x06);
	assert_memory_equal(f.mem + 0x2000, DATA16, 8);
	assert_int_equal(irb.scsw.cpa, 0x120);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.cstat, 0);
	fix_fini(&f);
}

static void test_status_modifier_last_ccw(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .status = CE_DE | DEV_STAT_STAT_MOD });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.dstat, CE_DE | DEV_STAT_STAT_MOD);
	assert_int_equal(irb.scsw.cpa, 0x110);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	fix_fini(&f);
}

static void test_sync_halt_from_device(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, CCW_CMD_TIC, 0, 0, 0x100);
	f.dev.halt_after = 50;
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 50);
	assert_int_equal(f.dev.hsch_cc, 0);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_START | SCSW_FCTL_HALT);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	assert_int_equal(irb.scsw.cpa, 0x108);
	assert_int_equal(f.dev.end_calls, 1);
	fix_fini(&f);
}

static void test_format0(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	orb.ctrl0 &= (uint16_t)~ORB_CTRL0_FMT;
	put_ccw0(&f, 0x100, 0x02, CCW_FLAG_CC, 4, 0x1000);
	put_ccw0(&f, 0x108, 0x78, 0xff, 0x1234, 0x200);   /* TIC (any x8) */
	put_ccw0(&f, 0x200, 0x03, CCW_FLAG_SLI, 1, 0);
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 4 });
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 2);
	assert_memory_equal(f.mem + 0x1000, DATA16, 4);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_FMT, 0);
	assert_int_equal(irb.scsw.cpa, 0x208);
	assert_int_equal(irb.scsw.count, 1);
	assert_int_equal(irb.scsw.cstat, 0);
	/* Format 0: immediate NOP with a count and no SLI - no IL. */
	put_ccw0(&f, 0x200, 0x03, 0, 1, 0);
	f.dev.nsteps = 0;
	f.dev.nexec = 0;
	tdev_add(&f.dev, (struct tdev_step){ .data = DATA16, .len = 4 });
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, 0);
	/* Format 0: count 0 is invalid (not for the TIC). */
	f.dev.dflt = (struct tdev_step){ .data = DATA16, .len = 4 };
	put_ccw0(&f, 0x200, 0x03, 0, 0, 0);
	expect_prog_check(&f, &orb, 0x208, 1);
	/* Format 0: bit 39 (the format-1 MIDA position) must be zero. */
	put_ccw0(&f, 0x100, 0x03, 0x01, 1, 0);
	expect_prog_check(&f, &orb, 0x108, 0);
	/* 24-bit data address just below 16M: unavailable storage here. */
	put_ccw0(&f, 0x100, 0x02, 0, 4, 0xfffffe);
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	fix_fini(&f);
}

static const uint8_t SENSE32[32] = { 0x80, 0x02, 0, 0, 0, 0, 0, 0x04, [31] = 0x5a };

static void test_concurrent_sense(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, true);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_SLI, 4, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true,
		 .status = CE_DE | DEV_STAT_UNIT_CHECK, .sense = SENSE32,
		 .sense_len = 32 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.sense_calls, 1);
	assert_int_equal(irb.scsw.dstat, CE_DE | DEV_STAT_UNIT_CHECK);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL_ALERT);
	assert_true(irb.scsw.flags & SCSW_FLAGS_ECTL);
	assert_int_equal(irb.esw.erw, ESW_ERW_CONS | (32u << ESW_ERW_SCNT_SHIFT));
	assert_memory_equal(irb.ecw, SENSE32, 32);
	assert_int_equal(irb.scsw.count, 4);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	assert_int_equal(irb.ecw[0], 0);

	/* The device had only 24 bytes: the sense count says so. */
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true,
		 .status = CE_DE | DEV_STAT_UNIT_CHECK, .sense = SENSE32,
		 .sense_len = 24 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.esw.erw, ESW_ERW_CONS | (24u << ESW_ERW_SCNT_SHIFT));
	assert_int_equal(irb.ecw[24], 0);
	fix_fini(&f);
}

static void test_no_concurrent_sense(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_SLI, 4, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .no_xfer = true,
		 .status = CE_DE | DEV_STAT_UNIT_CHECK, .sense = SENSE32,
		 .sense_len = 32 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.sense_calls, 0);
	assert_int_equal(f.dev.sense_len, 32);      /* kept for a Sense */
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_ECTL, 0);
	assert_int_equal(irb.esw.erw, 0);
	for (int i = 0; i < 32; i++)
		assert_int_equal(irb.ecw[i], 0);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL_ALERT);

	/* Concurrent sense on, but the device has none to give. */
	fix_fini(&f);
	fix_init(&f, CSS_F_SYNC, 0x80, true);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .status = CE_DE | DEV_STAT_UNIT_CHECK });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.sense_calls, 1);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_ECTL, 0);
	assert_int_equal(irb.esw.erw, 0);
	fix_fini(&f);
}

static void test_end_program_status(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, true);
	put_ccw1(&f, 0x100, 0x01, 0, 4, 0x1000);
	tdev_add(&f.dev, (struct tdev_step){ .len = 4 });
	f.dev.end_status = DEV_STAT_UNIT_CHECK;
	memcpy(f.dev.sense, SENSE32, 32);
	f.dev.sense_len = 32;
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(irb.scsw.dstat, CE_DE | DEV_STAT_UNIT_CHECK);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL_ALERT);
	assert_true(irb.scsw.flags & SCSW_FLAGS_ECTL);
	assert_memory_equal(irb.ecw, SENSE32, 32);
	fix_fini(&f);
}

static void test_initial_status_interruption(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	f.tsch_in_notify = true;
	orb.ctrl0 |= ORB_CTRL0_ISIC;
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x03, 0, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	assert_int_equal(f.notify_irbs, 2);
	assert_true(f.irbs[0].scsw.flags & SCSW_FLAGS_ZCC);
	assert_true(f.irbs[0].scsw.flags & SCSW_FLAGS_ISIC);
	assert_int_equal(STCTL(f.irbs[0].scsw), SCSW_STCTL_INTERMEDIATE |
			 SCSW_STCTL_STATUS_PEND);
	assert_int_equal(f.irbs[0].scsw.cstat, 0);
	assert_int_equal(f.irbs[1].scsw.flags & SCSW_FLAGS_ZCC, 0);
	assert_int_equal(f.irbs[1].scsw.ctrl, SCSW_FCTL_START | ST_FINAL);
	fix_fini(&f);
}

static void test_suspend(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	orb.ctrl0 |= ORB_CTRL0_SPND;
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x02, CCW_FLAG_SUSPEND, 4, 0x1000);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 1);
	assert_int_equal(f.dev.end_calls, 0);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_START);
	assert_int_equal(ACTL(irb.scsw), SCSW_ACTL_SUSPENDED);
	assert_int_equal(STCTL(irb.scsw), SCSW_STCTL_ALERT |
			 SCSW_STCTL_INTERMEDIATE | SCSW_STCTL_STATUS_PEND);
	assert_true(irb.scsw.flags & SCSW_FLAGS_SCTL);
	assert_int_equal(irb.scsw.cpa, 0x110);
	assert_int_equal(irb.scsw.count, 4);
	/* Still suspended after TSCH: the start function goes on. */
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 2);
	assert_int_equal(css_hsch(f.sch), 0);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_START | SCSW_FCTL_HALT);
	assert_int_equal(ACTL(irb.scsw), 0);
	assert_int_equal(STCTL(irb.scsw), SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.cpa, 0x110);
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(css_tsch(f.sch, &irb), 1);

	/* Suppress-suspended-interruption: suspended without status. */
	orb.ctrl0 |= ORB_CTRL0_SSIC;
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	assert_int_equal(ACTL(irb.scsw), SCSW_ACTL_SUSPENDED);
	assert_int_equal(css_csch(f.sch), 0);
	assert_int_equal(f.dev.end_calls, 2);
	assert_int_equal(f.dev.reset_calls, 1);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	fix_fini(&f);
}

static void test_suspended_at_free(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	orb.ctrl0 |= ORB_CTRL0_SPND;
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_SUSPEND, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	assert_int_equal(f.dev.end_calls, 0);
	css_free(f.css);
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(f.dev.destroy_calls, 1);
	free(f.mem);
}

/* Unsolicited device status: alert status pending without a function,
 * at once on an idle subchannel, after the pending status was taken, and
 * after a running program ended; dropped on a disabled subchannel. */
static void test_unsolicited(void **state)
{
	const uint8_t attn = DEV_STAT_ATTENTION | DEV_STAT_DEV_END |
			     DEV_STAT_UNIT_EXCEP;
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_schib schib;
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0xc0, false);
	css_sch_present(f.sch, attn);
	assert_int_equal(f.notifies, 1);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(FCTL(irb.scsw), 0);
	assert_int_equal(ACTL(irb.scsw), 0);
	assert_int_equal(STCTL(irb.scsw), SCSW_STCTL_ALERT |
			 SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.dstat, attn);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(irb.scsw.cpa, 0);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_CC, 0);
	assert_int_equal(css_tsch(f.sch, &irb), 1);

	/* Status pending from a program: the device's status waits for
	 * TEST SUBCHANNEL, and a start meanwhile gets cc 1. */
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	css_sch_present(f.sch, DEV_STAT_DEV_END);
	css_sch_present(f.sch, DEV_STAT_ATTENTION);
	assert_int_equal(f.notifies, 2);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	assert_int_equal(f.notifies, 3);      /* at once after the TSCH */
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 1);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(irb.scsw.dstat, DEV_STAT_ATTENTION |
			 DEV_STAT_DEV_END);     /* merged */
	assert_int_equal(STCTL(irb.scsw), SCSW_STCTL_ALERT |
			 SCSW_STCTL_STATUS_PEND);

	/* Not enabled: nobody takes it. */
	assert_int_equal(css_stsch(f.sch, &schib), 0);
	schib.pmcw.flags &= (uint16_t)~PMCW_FLAGS_ENA;
	assert_int_equal(css_msch(f.sch, &schib), 0);
	css_sch_present(f.sch, attn);
	schib.pmcw.flags |= PMCW_FLAGS_ENA;
	assert_int_equal(css_msch(f.sch, &schib), 0);
	assert_int_equal(f.notifies, 3);
	assert_int_equal(css_tsch(f.sch, &irb), 1);

	/* The clear signal resets the device: what it had waiting goes. */
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	css_sch_present(f.sch, attn);
	assert_int_equal(css_csch(f.sch), 0);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_CLEAR);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	fix_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_modifier_search_loop),
		cmocka_unit_test(test_status_modifier_last_ccw),
		cmocka_unit_test(test_sync_halt_from_device),
		cmocka_unit_test(test_format0),
		cmocka_unit_test(test_concurrent_sense),
		cmocka_unit_test(test_no_concurrent_sense),
		cmocka_unit_test(test_end_program_status),
		cmocka_unit_test(test_initial_status_interruption),
		cmocka_unit_test(test_suspend),
		cmocka_unit_test(test_suspended_at_free),
		cmocka_unit_test(test_unsolicited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
