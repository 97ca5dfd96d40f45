/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel paths, the subchannel table and the I/O instructions: condition
 * codes in every state, STSCH/MSCH fields, TSCH/HSCH/CSCH semantics, path
 * selection, vary off/on (CSS_F_SYNC).
 */
#include "css_test.h"

#include <errno.h>
#include <string.h>

static void test_chp_add(void **state)
{
	struct css *css = css_new(CSS_F_SYNC);
	struct error err;

	(void)state;
	assert_int_equal(css_add_chp(css, 0, CSS_CHP_TYPE_FC, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "chp 00"));
	assert_int_equal(css_add_chp(css, 0x40, CSS_CHP_TYPE_FC, NULL), 0);
	assert_int_equal(css_add_chp(css, 0x40, 0x11, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "chp 40"));
	assert_true(css_chp_exists(css, 0x40));
	assert_false(css_chp_exists(css, 0x41));
	assert_int_equal(css_chp_type(css, 0x40), CSS_CHP_TYPE_FC);
	assert_int_equal(css_chp_type(css, 0x41), -ENOENT);
	assert_true(css_chp_online(css, 0x40));
	assert_false(css_chp_online(css, 0x41));
	assert_int_equal(css_chp_vary(css, 0x41, false), -ENOENT);
	assert_int_equal(css_chp_vary(css, 0x40, false), 0);
	assert_false(css_chp_online(css, 0x40));
	css_free(css);
}

static struct css_subchannel_config base_cfg(struct tdev *d, uint16_t sch,
					     uint16_t devno)
{
	struct css_subchannel_config c;

	memset(&c, 0, sizeof(c));
	c.schid = (struct css_busid){ 0, 0, sch };
	c.devno = (struct css_busid){ 0, 0, devno };
	c.chpids[0] = 0x40;
	c.pim = c.pam = 0x80;
	c.pom = 0xff;
	c.type = CSS_SCH_TYPE_IO;
	c.dev = &d->dev;
	return c;
}

static void expect_add_error(struct css *css, struct css_subchannel_config c,
			     int err_no, const char *text)
{
	struct error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(css_add_subchannel(css, &c, NULL, &err), -err_no);
	assert_int_equal(err.errnum, err_no);
	assert_non_null(strstr(err.msg, "sch 0.0.0011"));
	assert_non_null(strstr(err.msg, text));
}

static void test_add_subchannel_errors(void **state)
{
	struct css *css = css_new(CSS_F_SYNC);
	struct tdev d1, d2;
	struct css_subchannel_config c;

	(void)state;
	tdev_init(&d1);
	tdev_init(&d2);
	assert_int_equal(css_add_chp(css, 0x40, CSS_CHP_TYPE_FC, NULL), 0);
	c = base_cfg(&d1, 0x11, 0x100);
	assert_int_equal(css_add_subchannel(css, &c, NULL, NULL), 0);

	c = base_cfg(&d2, 0x11, 0x200);
	expect_add_error(css, c, EEXIST, "already defined");
	c = base_cfg(&d2, 0x12, 0x100);
	c.schid.num = 0x11;
	expect_add_error(css, c, EEXIST, "already defined");
	c = base_cfg(&d2, 0x11, 0x100);
	c.schid.num = 0x11;
	c.devno.num = 0x200;
	c.devno.ssid = 1;
	expect_add_error(css, c, EINVAL, "not in css");
	c = base_cfg(&d2, 0x11, 0x200);
	c.chpids[0] = 0x41;
	expect_add_error(css, c, EINVAL, "no such channel path 41");
	c = base_cfg(&d2, 0x11, 0x200);
	c.chpids[3] = 0x40;
	expect_add_error(css, c, EINVAL, "slot 3");
	c = base_cfg(&d2, 0x11, 0x200);
	c.pim = 0xc0;
	expect_add_error(css, c, EINVAL, "without a CHPID");
	c = base_cfg(&d2, 0x11, 0x200);
	c.pam = 0xc0;
	expect_add_error(css, c, EINVAL, "PAM");
	c = base_cfg(&d2, 0x11, 0x200);
	c.dev = NULL;
	expect_add_error(css, c, EINVAL, "no device");
	c = base_cfg(&d2, 0x11, 0x200);
	c.type = CSS_SCH_TYPE_CHSC;
	expect_add_error(css, c, EINVAL, "I/O subchannels");

	/* The devno clash is reported against the new subchannel. */
	c = base_cfg(&d2, 0x13, 0x100);
	{
		struct error err;

		assert_int_equal(css_add_subchannel(css, &c, NULL, &err), -EEXIST);
		assert_non_null(strstr(err.msg, "sch 0.0.0013"));
		assert_non_null(strstr(err.msg, "0.0.0011"));
	}
	css_free(css);
	assert_int_equal(d1.destroy_calls, 1);
	assert_int_equal(d2.destroy_calls, 0);   /* not added: caller keeps it */
}

static void test_table_order(void **state)
{
	struct css *css = css_new(CSS_F_SYNC);
	struct tdev d[4];
	const uint16_t order[4] = { 0x30, 0x10, 0x20, 0x05 };
	struct css_subchannel *s, *by_devno = NULL;
	struct css_subchannel_config c;
	uint16_t prev = 0;
	int n = 0;

	(void)state;
	assert_int_equal(css_add_chp(css, 0x40, CSS_CHP_TYPE_FC, NULL), 0);
	for (int i = 0; i < 4; i++) {
		tdev_init(&d[i]);
		c = base_cfg(&d[i], order[i], (uint16_t)(0x1000 + order[i]));
		if (i == 3)
			c.schid.ssid = c.devno.ssid = 1;
		assert_int_equal(css_add_subchannel(css, &c, &s, NULL), 0);
		if (i == 1)
			by_devno = s;
	}
	for (s = css_next_subchannel(css, NULL); s; s = css_next_subchannel(css, s)) {
		struct css_busid id = css_sch_id(s);
		uint16_t key = (uint16_t)(id.ssid << 12 | id.num);

		assert_true(n == 0 || key > prev);
		prev = key;
		n++;
	}
	assert_int_equal(n, 4);
	assert_ptr_equal(css_find_devno(css, (struct css_busid){ 0, 0, 0x1010 }),
			 by_devno);
	assert_null(css_find_devno(css, (struct css_busid){ 0, 0, 0x1005 }));
	s = css_find_subchannel(css, (struct css_busid){ 0, 1, 0x05 });
	assert_non_null(s);
	assert_string_equal(css_sch_name(s), "0.1.0005");
	assert_int_equal(css_sch_devno(s).num, 0x1005);
	assert_ptr_equal(css_sch_device(s), &d[3].dev);
	assert_null(css_find_subchannel(css, (struct css_busid){ 0, 0, 0x05 }));
	css_free(css);
	for (int i = 0; i < 4; i++)
		assert_int_equal(d[i].destroy_calls, 1);
}

static void test_stsch_initial(void **state)
{
	struct fix f;
	struct css_schib s;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0xc0, false);
	assert_int_equal(css_stsch(f.sch, &s), 0);
	assert_int_equal(s.pmcw.flags, PMCW_FLAGS_DNV | PMCW_FLAGS_ENA);
	assert_int_equal(s.pmcw.devno, 0x1234);
	assert_int_equal(s.pmcw.pim, 0xc0);
	assert_int_equal(s.pmcw.pam, 0xc0);
	assert_int_equal(s.pmcw.pom, 0xff);
	assert_int_equal(s.pmcw.lpm, 0xc0);
	assert_int_equal(s.pmcw.chpid[0], 0x40);
	assert_int_equal(s.pmcw.chpid[1], 0x41);
	assert_int_equal(s.pmcw.chpid[2], 0);
	assert_int_equal(s.pmcw.chars & PMCW_CHARS_ST, 0);
	assert_int_equal(s.scsw.ctrl, 0);
	fix_fini(&f);
}

static void test_msch_fields(void **state)
{
	struct fix f;
	struct css_schib s, in;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0xc0, false);
	css_stsch(f.sch, &in);
	in.pmcw.intparm = 0xcafe;
	in.pmcw.flags = (uint16_t)((3 << PMCW_FLAGS_ISC_SHIFT) | PMCW_FLAGS_ENA |
				   PMCW_FLAGS_MP | PMCW_FLAGS_QF | PMCW_FLAGS_TF);
	in.pmcw.lpm = 0x40;
	in.pmcw.chars = PMCW_CHARS_CSENSE;
	in.mba = 0x1000;
	/* Not program-modifiable: ignored. */
	in.pmcw.devno = 0x9999;
	in.pmcw.pim = 0xff;
	in.pmcw.pam = 0x01;
	in.pmcw.pom = 0x0f;
	in.pmcw.lpum = 0x11;
	in.pmcw.chpid[5] = 0x77;
	in.scsw.ctrl = SCSW_FCTL_START;
	assert_int_equal(css_msch(f.sch, &in), 0);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.intparm, 0xcafe);
	assert_int_equal(s.pmcw.flags, (3 << PMCW_FLAGS_ISC_SHIFT) |
			 PMCW_FLAGS_ENA | PMCW_FLAGS_MP | PMCW_FLAGS_DNV);
	assert_int_equal(s.pmcw.lpm, 0x40);
	assert_int_equal(s.pmcw.chars, PMCW_CHARS_CSENSE);
	assert_int_equal(s.mba, 0x1000);
	assert_int_equal(s.pmcw.devno, 0x1234);
	assert_int_equal(s.pmcw.pim, 0xc0);
	assert_int_equal(s.pmcw.pam, 0xc0);
	assert_int_equal(s.pmcw.pom, 0xff);
	assert_int_equal(s.pmcw.lpum, 0);
	assert_int_equal(s.pmcw.chpid[5], 0);
	assert_int_equal(s.scsw.ctrl, 0);

	/* Reserved bits: operand exception, nothing changes. */
	in = s;
	in.pmcw.intparm = 1;
	in.pmcw.flags |= 0x0100;
	assert_int_equal(css_msch(f.sch, &in), -EINVAL);
	in = s;
	in.pmcw.intparm = 1;
	in.pmcw.chars |= 0x00000100;
	assert_int_equal(css_msch(f.sch, &in), -EINVAL);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.intparm, 0xcafe);
	fix_fini(&f);
}

static void test_disabled_cc3(void **state)
{
	struct fix f;
	struct css_schib s;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	css_stsch(f.sch, &s);
	s.pmcw.flags &= (uint16_t)~PMCW_FLAGS_ENA;
	assert_int_equal(css_msch(f.sch, &s), 0);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 3);
	assert_int_equal(css_hsch(f.sch), 3);
	assert_int_equal(css_csch(f.sch), 3);
	assert_int_equal(css_tsch(f.sch, &irb), 3);
	assert_int_equal(css_stsch(f.sch, &s), 0);
	assert_int_equal(f.dev.nexec, 0);
	assert_int_equal(f.dev.reset_calls, 0);
	fix_fini(&f);
}

static void test_status_pending_cc(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_schib s;
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	assert_int_equal(f.notifies, 1);
	/* Final status pending: SSCH 1, HSCH 1, MSCH 1. */
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 1);
	assert_int_equal(css_hsch(f.sch), 1);
	css_stsch(f.sch, &s);
	assert_int_equal(css_msch(f.sch, &s), 1);
	assert_int_equal(STCTL(s.scsw), ST_FINAL);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	/* Collected: idle, nothing pending. */
	memset(&irb, 0xaa, sizeof(irb));
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	assert_int_equal(irb.scsw.ctrl, 0);
	assert_int_equal(irb.esw.sublog, 0);
	css_stsch(f.sch, &s);
	assert_int_equal(s.scsw.ctrl, 0);
	assert_int_equal(css_msch(f.sch, &s), 0);
	assert_int_equal(f.dev.nexec, 1);
	fix_fini(&f);
}

static void busy_hook(struct tdev *d, struct css_ccw_io *io)
{
	struct fix *f = d->arg;
	struct css_orb orb = orb1(0x100);
	struct css_schib s;
	struct css_irb irb;

	(void)io;
	/* Start function in progress: SSCH 2, MSCH 2, TSCH 1. */
	assert_int_equal(css_ssch(d->sch, &orb, &f->fm.mem), 2);
	css_stsch(d->sch, &s);
	assert_int_equal(css_msch(d->sch, &s), 2);
	assert_int_equal(FCTL(s.scsw), SCSW_FCTL_START);
	assert_int_equal(ACTL(s.scsw), SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE);
	assert_int_equal(css_tsch(d->sch, &irb), 1);
	/* Halt: 0, then 2 while the halt is pending. */
	assert_int_equal(css_hsch(d->sch), 0);
	assert_int_equal(css_hsch(d->sch), 2);
	css_stsch(d->sch, &s);
	assert_int_equal(FCTL(s.scsw), SCSW_FCTL_START | SCSW_FCTL_HALT);
	assert_true(ACTL(s.scsw) & SCSW_ACTL_HALT_PEND);
	assert_int_equal(css_msch(d->sch, &s), 2);
}

static void test_busy_cc_and_halt(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	f.dev.arg = &f;
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x110, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .hook = busy_hook });
	run_ok(&f, &orb, &irb);
	/* Halted at the CCW boundary after the first command. */
	assert_int_equal(f.dev.nexec, 1);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_START | SCSW_FCTL_HALT);
	assert_int_equal(ACTL(irb.scsw), 0);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(irb.scsw.cpa, 0x108);
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(f.notifies, 1);
	fix_fini(&f);
}

static void test_orb_operand_errors(void **state)
{
	struct fix f;
	struct css_orb orb;
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	orb = orb1(0x100);
	orb.ctrl0 |= ORB_CTRL0_B;
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), -EOPNOTSUPP);
	orb = orb1(0x100);
	orb.ctrl1 |= 0x02;
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), -EINVAL);
	orb = orb1(0x80000100);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), -EINVAL);
	orb = orb1(0x100);
	orb.ctrl0 |= ORB_CTRL0_STRM;
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), -EINVAL);
	orb = orb1(0x100);
	assert_int_equal(css_ssch(f.sch, &orb, NULL), -EINVAL);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	assert_int_equal(f.dev.nexec, 0);
	fix_fini(&f);
}

static void test_hsch_idle(void **state)
{
	struct fix f;
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	assert_int_equal(css_hsch(f.sch), 0);
	assert_int_equal(f.notifies, 1);
	assert_int_equal(css_hsch(f.sch), 1);   /* status pending alone */
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_HALT);
	assert_int_equal(ACTL(irb.scsw), 0);
	assert_int_equal(STCTL(irb.scsw), SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.dstat, 0);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(f.dev.end_calls, 0);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	fix_fini(&f);
}

static void test_csch_idle_and_pending(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;
	struct css_schib s;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0xc0, false);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	/* Clear withdraws the pending final status. */
	assert_int_equal(css_csch(f.sch), 0);
	assert_int_equal(f.dev.reset_calls, 1);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.flags, 0);
	assert_int_equal(irb.scsw.cpa, 0);
	assert_int_equal(irb.scsw.dstat, 0);
	assert_int_equal(irb.esw.sublog >> ESW_SUBLOG_LPUM_SHIFT & 0xff, 0x80);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.lpum, 0x80);
	assert_int_equal(s.pmcw.pom, 0xff);
	assert_int_equal(s.scsw.ctrl, 0);
	/* Again on an idle subchannel; cc 0 also while status pending. */
	assert_int_equal(css_csch(f.sch), 0);
	assert_int_equal(css_csch(f.sch), 0);
	assert_int_equal(f.dev.reset_calls, 3);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	assert_int_equal(f.dev.end_calls, 1);
	fix_fini(&f);
}

static void clear_hook(struct tdev *d, struct css_ccw_io *io)
{
	(void)io;
	assert_int_equal(css_csch(d->sch), 0);
	assert_int_equal(d->reset_calls, 0);   /* at the CCW boundary */
}

static void test_csch_running(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;
	static const uint8_t sense[4] = { 0x80 };

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, true);
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x110, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .hook = clear_hook,
		 .sense = sense, .sense_len = 4 });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 1);
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(f.dev.reset_calls, 1);
	assert_int_equal(f.dev.sense_len, 0);   /* reset dropped the sense */
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(f.notifies, 1);
	fix_fini(&f);
}

static void clear_pending_hook(struct tdev *d, struct css_ccw_io *io)
{
	struct fix *f = d->arg;
	struct css_orb orb = orb1(0x100);
	struct css_schib s;
	struct css_irb irb;

	(void)io;
	assert_int_equal(css_csch(d->sch), 0);
	css_stsch(d->sch, &s);
	assert_int_equal(s.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_ACTL_CLEAR_PEND);
	/* Clear pending: SSCH 2, HSCH 2, MSCH 2, TSCH 1, CSCH 0. */
	assert_int_equal(css_ssch(d->sch, &orb, &f->fm.mem), 2);
	assert_int_equal(css_hsch(d->sch), 2);
	assert_int_equal(css_msch(d->sch, &s), 2);
	assert_int_equal(css_tsch(d->sch, &irb), 1);
	assert_int_equal(css_csch(d->sch), 0);
}

static void test_clear_pending_cc(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	f.dev.arg = &f;
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .hook = clear_pending_hook });
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(f.dev.nexec, 1);
	assert_int_equal(f.dev.reset_calls, 1);
	assert_int_equal(f.notifies, 1);
	fix_fini(&f);
}

static void test_deferred_cc3(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0x80, false);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	orb.lpm = 0x40;                         /* a path not installed */
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 0);
	assert_int_equal(f.dev.end_calls, 0);
	assert_int_equal((irb.scsw.flags & SCSW_FLAGS_CC) >> SCSW_FLAGS_CC_SHIFT, 3);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_START);
	assert_int_equal(ACTL(irb.scsw), 0);
	assert_int_equal(STCTL(irb.scsw), SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.dstat, 0);
	/* A good LPM works again afterwards; the deferred cc is gone. */
	orb.lpm = 0x80;
	run_ok(&f, &orb, &irb);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_CC, 0);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	fix_fini(&f);
}

static void test_path_selection(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;
	struct css_schib s;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0xf0, false);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	orb.lpm = 0x30;
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].path, 0x20);
	assert_int_equal(irb.esw.sublog, 0x20u << ESW_SUBLOG_LPUM_SHIFT);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.lpum, 0x20);
	assert_int_equal(s.pmcw.lpm, 0x30);     /* the ORB LPM was taken */
	assert_int_equal(s.pmcw.intparm, 0x12345678);
	/* LPM 0 in the ORB: the subchannel's LPM (now 30) applies. */
	orb.lpm = 0;
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[1].path, 0x20);
	/* Single-path ORB, as path grouping does. */
	orb.lpm = 0x10;
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[2].path, 0x10);
	fix_fini(&f);
}

static void test_vary(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;
	struct css_schib s;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0xc0, false);
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	assert_int_equal(css_chp_vary(f.css, 0x40, false), 0);
	assert_int_equal(f.chp_events, 1);
	assert_int_equal(f.chp_mask, 0x80);
	assert_int_equal(f.chp_ev, CSS_CHP_VARY_OFF);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.pam, 0x40);
	assert_int_equal(s.pmcw.pim, 0xc0);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[0].path, 0x40);

	/* Varying to the state it has: no event. */
	assert_int_equal(css_chp_vary(f.css, 0x40, false), 0);
	assert_int_equal(f.chp_events, 1);
	/* A CHPID the subchannel does not use: no event. */
	assert_int_equal(css_chp_vary(f.css, 0x43, false), 0);
	assert_int_equal(f.chp_events, 1);

	assert_int_equal(css_chp_vary(f.css, 0x41, false), 0);
	assert_int_equal(f.chp_mask, 0x40);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.pam, 0);
	run_ok(&f, &orb, &irb);                 /* no path: deferred cc 3 */
	assert_int_equal((irb.scsw.flags & SCSW_FLAGS_CC) >> SCSW_FLAGS_CC_SHIFT, 3);
	assert_int_equal(f.dev.nexec, 1);
	/* No path was selected, none was found not operational: N and PNOM
	 * stay 0 (docs/css.md, "Path selection"). */
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_PNO, 0);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.pnom, 0);
	assert_int_equal(s.pmcw.pom, 0xff);

	assert_int_equal(css_chp_vary(f.css, 0x40, true), 0);
	assert_int_equal(f.chp_events, 3);
	assert_int_equal(f.chp_mask, 0x80);
	assert_int_equal(f.chp_ev, CSS_CHP_VARY_ON);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.pam, 0x80);
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[1].path, 0x80);
	fix_fini(&f);
}

static void vary_off_hook(struct tdev *d, struct css_ccw_io *io)
{
	struct fix *f = d->arg;

	assert_int_equal(css_io_path(io), 0x80);
	assert_int_equal(css_chp_vary(f->css, 0x40, false), 0);
}

/*
 * The path in use is varied off while the program runs on it: the program
 * ends normally on that path (it was selected and is connected); PAM loses
 * the path for later starts. No path was found not operational during
 * selection, so PNOM, POM and the SCSW N bit are untouched.
 */
static void test_vary_while_started(void **state)
{
	struct fix f;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;
	struct css_schib s;

	(void)state;
	fix_init(&f, CSS_F_SYNC, 0xc0, false);
	f.dev.arg = &f;
	put_ccw1(&f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&f, 0x108, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .hook = vary_off_hook });
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.nexec, 2);
	assert_int_equal(f.dev.rec[1].path, 0x80);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.flags & (SCSW_FLAGS_CC | SCSW_FLAGS_PNO), 0);
	assert_int_equal(irb.esw.sublog, 0x80u << ESW_SUBLOG_LPUM_SHIFT);
	css_stsch(f.sch, &s);
	assert_int_equal(s.pmcw.pam, 0x40);
	assert_int_equal(s.pmcw.pom, 0xff);
	assert_int_equal(s.pmcw.pnom, 0);
	/* The next start selects the remaining path. */
	run_ok(&f, &orb, &irb);
	assert_int_equal(f.dev.rec[2].path, 0x40);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_PNO, 0);
	fix_fini(&f);
}

static void test_subchannel_added_offline(void **state)
{
	struct css *css = css_new(CSS_F_SYNC);
	struct tdev d;
	struct css_subchannel_config c;
	struct css_subchannel *s;
	struct css_schib schib;

	(void)state;
	tdev_init(&d);
	assert_int_equal(css_add_chp(css, 0x40, CSS_CHP_TYPE_FC, NULL), 0);
	assert_int_equal(css_add_chp(css, 0x41, CSS_CHP_TYPE_FC, NULL), 0);
	assert_int_equal(css_chp_vary(css, 0x41, false), 0);
	c = base_cfg(&d, 0x11, 0x100);
	c.chpids[1] = 0x41;
	c.pim = c.pam = 0xc0;
	assert_int_equal(css_add_subchannel(css, &c, &s, NULL), 0);
	css_stsch(s, &schib);
	assert_int_equal(schib.pmcw.pam, 0x80);
	css_free(css);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chp_add),
		cmocka_unit_test(test_add_subchannel_errors),
		cmocka_unit_test(test_table_order),
		cmocka_unit_test(test_stsch_initial),
		cmocka_unit_test(test_msch_fields),
		cmocka_unit_test(test_disabled_cc3),
		cmocka_unit_test(test_status_pending_cc),
		cmocka_unit_test(test_busy_cc_and_halt),
		cmocka_unit_test(test_orb_operand_errors),
		cmocka_unit_test(test_hsch_idle),
		cmocka_unit_test(test_csch_idle_and_pending),
		cmocka_unit_test(test_csch_running),
		cmocka_unit_test(test_clear_pending_cc),
		cmocka_unit_test(test_deferred_cc3),
		cmocka_unit_test(test_path_selection),
		cmocka_unit_test(test_vary),
		cmocka_unit_test(test_vary_while_started),
		cmocka_unit_test(test_subchannel_added_offline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
