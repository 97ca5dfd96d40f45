/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-program translator: chains and segments (PoP ch. 15 "Chaining",
 * "Transfer in Channel"), the programs Linux's dasd driver and the s390-ccw
 * BIOS send, hostile TIC programs and chain lengths, the ORB, the SCSW
 * mapping and the life cycle.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cp_test.h"
#include "vfio_ccw/cp_internal.h"

#define G        0x1000u
#define GB       CP_GUEST_BASE

static void t_dasd_read(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct css_ccw c;
	struct tmem m;
	uint32_t h, i;

	(void)state;
	tmem_init(&m, 0x20000);
	/* Define Extent, Locate Record, 8 x Read Data (4K records). */
	put_ccw1(&m, G, 0x63, CCW_FLAG_CC, 16, 0x2000);
	put_ccw1(&m, G + 8, 0x47, CCW_FLAG_CC, 16, 0x2010);
	for (i = 0; i < 8; i++)
		put_ccw1(&m, G + 16 + 8 * i, 0x86,
			 (i < 7 ? CCW_FLAG_CC : 0) | CCW_FLAG_SLI, 4096,
			 0x10000 + 4096 * i);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 1);
	assert_int_equal(cp.b->seg[0].len, 10);
	h = host_cpa(&cp);
	host_ccw(&cp, h, &c);
	assert_int_equal(c.cmd, 0x63);
	assert_int_equal(c.flags, CCW_FLAG_CC | CCW_FLAG_IDA);
	assert_true(host_idaw(&cp, c.cda, 0) == GB + 0x2000);
	for (i = 0; i < 8; i++) {
		host_ccw(&cp, h + 16 + 8 * i, &c);
		assert_int_equal(c.cmd, 0x86);
		assert_int_equal(c.count, 4096);
		assert_true(host_idaw(&cp, c.cda, 0) == GB + 0x10000 + 4096 * i);
		assert_true(cp_iova_pinned(&cp, 0x10000 + 4096 * i + 4095, 1));
	}
	/* Nothing after the last CCW was fetched. */
	assert_false(tmem_touched(&m, G + 80, 8));
	assert_true(host_is_self_tic(&cp, h + 80));
	cp_free(&cp);
	tmem_fini(&m);
}

/* The s390-ccw BIOS: format-0 Seek, Search ID Equal, TIC *-8, Read. */
static void t_bios_fmt0(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_CTRL0_PFCH, G);
	struct css_ccw c;
	struct tmem m;
	uint32_t h;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw0(&m, G, 0x07, 0x2000, CCW_FLAG_CC, 6);
	put_ccw0(&m, G + 8, 0x31, 0x2008, CCW_FLAG_CC, 5);
	/* TIC with high command bits, flags and count: all ignored. */
	put_ccw0(&m, G + 16, 0xf8, G + 8, 0xff, 0xffff);
	put_ccw0(&m, G + 24, 0x86, 0x3000, CCW_FLAG_SLI, 512);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 1);
	assert_int_equal(cp.b->seg[0].len, 4);
	h = host_cpa(&cp);
	host_ccw(&cp, h + 8, &c);
	assert_int_equal(c.cmd, 0x31);
	assert_int_equal(c.count, 5);
	assert_true(host_idaw(&cp, c.cda, 0) == GB + 0x2008);
	host_ccw(&cp, h + 16, &c);
	assert_int_equal(c.cmd, CCW_CMD_TIC);
	assert_int_equal(c.flags, 0);
	assert_int_equal(c.count, 0);
	assert_int_equal(c.cda, h + 8);
	host_ccw(&cp, h + 24, &c);
	assert_int_equal(c.cmd, 0x86);
	assert_int_equal(c.flags, CCW_FLAG_SLI | CCW_FLAG_IDA);
	assert_true(host_idaw(&cp, c.cda, 0) == GB + 0x3000);
	cp_free(&cp);

	/* Format-0 count 0 is a program check there: a self-TIC. */
	put_ccw0(&m, G + 24, 0x86, 0x3000, CCW_FLAG_SLI, 0);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_is_self_tic(&cp, host_cpa(&cp) + 24));
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_tic_segments(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct css_ccw c;
	struct tmem m;
	uint32_t h;

	(void)state;
	tmem_init(&m, 0x10000);
	/* seg 0: A, B, TIC -> 0x1800; seg 1: X, TIC back to B in seg 0. */
	put_ccw1(&m, G, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 8, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 16, CCW_CMD_TIC, 0, 0, 0x1800);
	put_ccw1(&m, 0x1800, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, 0x1808, CCW_CMD_TIC, 0, 0, G + 8);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 2);
	h = host_cpa(&cp);
	host_ccw(&cp, h + 16, &c);
	assert_int_equal(c.cmd, CCW_CMD_TIC);
	assert_int_equal(c.cda, cp_host_addr(cp.b->seg[1].host_off));
	host_ccw(&cp, c.cda + 8, &c);
	assert_int_equal(c.cmd, CCW_CMD_TIC);
	assert_int_equal(c.cda, h + 8);
	assert_true(cp_iova_pinned(&cp, 0x1808, 1));
	assert_false(cp_iova_pinned(&cp, 0x1810, 1));
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_tic_loops(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct tmem m;
	uint32_t i;

	(void)state;
	tmem_init(&m, 0x10000);

	/* A TIC to itself as first CCW: translated as is (host checks). */
	put_ccw1(&m, G, CCW_CMD_TIC, 0, 0, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_is_self_tic(&cp, host_cpa(&cp)));
	assert_int_equal(cp.b->nseg, 1);
	cp_free(&cp);

	/* Ping-pong between two segments. */
	put_ccw1(&m, G, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 8, CCW_CMD_TIC, 0, 0, 0x1800);
	put_ccw1(&m, 0x1800, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, 0x1808, CCW_CMD_TIC, 0, 0, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 2);
	cp_free(&cp);

	/* TIC to TIC to TIC ...: 16 segments are fine, 17 are not. */
	for (i = 0; i < 15; i++)
		put_ccw1(&m, 0x2000 + 0x100 * i, CCW_CMD_TIC, 0, 0,
			 0x2000 + 0x100 * (i + 1));
	put_ccw1(&m, 0x2000 + 0x100 * 15, 0x03, 0, 0, 0);
	orb.cpa = 0x2000;
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 16);
	cp_free(&cp);
	put_ccw1(&m, 0x2000 + 0x100 * 15, CCW_CMD_TIC, 0, 0, 0x3000);
	put_ccw1(&m, 0x3000, 0x03, 0, 0, 0);
	assert_int_equal(translate(&cp, &m, &orb), -EINVAL);
	cp_free(&cp);

	/* A loop through all of them back to the start ends too. */
	put_ccw1(&m, 0x2000 + 0x100 * 15, CCW_CMD_TIC, 0, 0, 0x2000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 16);
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_tic_bad_targets(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	/* Unaligned or not addressable: the TIC itself program-checks. */
	put_ccw1(&m, G, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 8, CCW_CMD_TIC, 0, 0, 0x1804);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 1);
	assert_true(host_is_self_tic(&cp, host_cpa(&cp) + 8));
	assert_false(tmem_touched(&m, 0x1800, 16));
	cp_free(&cp);
	put_ccw1(&m, G + 8, CCW_CMD_TIC, 0, 0, 0x80001800);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_is_self_tic(&cp, host_cpa(&cp) + 8));
	cp_free(&cp);
	/* In format 1 only 08 is a TIC: 18 is a (host-rejected) command
	 * whose address is data, and its chain flags count. */
	put_ccw1(&m, G + 8, 0x18, CCW_FLAG_CC, 16, 0x1800);
	put_ccw1(&m, G + 16, 0x03, 0, 0, 0);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 1);
	assert_int_equal(cp.b->seg[0].len, 3);
	assert_true(cp_iova_pinned(&cp, 0x1800, 16));
	cp_free(&cp);
	/* A target outside guest memory: cannot be fetched. */
	put_ccw1(&m, G + 8, CCW_CMD_TIC, 0, 0, 0x7ff00000);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_chain_length(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct tmem m;
	uint32_t i;

	(void)state;
	tmem_init(&m, 0x10000);
	for (i = 0; i < 300; i++)
		put_ccw1(&m, G + 8 * i, 0x03, CCW_FLAG_CC, 0, 0);
	assert_int_equal(translate(&cp, &m, &orb), -EINVAL);
	/* The 256th CCW was never even read. */
	assert_true(tmem_touched(&m, G + 8 * 254, 8));
	assert_false(tmem_touched(&m, G + 8 * 255, 8));
	cp_free(&cp);

	put_ccw1(&m, G + 8 * 255, 0x03, 0, 0, 0);       /* 256 CCWs */
	assert_int_equal(translate(&cp, &m, &orb), -EINVAL);
	cp_free(&cp);
	put_ccw1(&m, G + 8 * 254, 0x03, 0, 0, 0);       /* 255 CCWs */
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->seg[0].len, 255);
	cp_free(&cp);

	/* A TIC back into the segment keeps it going (and counting). */
	put_ccw1(&m, G + 8 * 100, CCW_CMD_TIC, 0, 0, G);
	put_ccw1(&m, G + 8 * 254, 0x03, CCW_FLAG_CC, 0, 0);
	assert_int_equal(translate(&cp, &m, &orb), -EINVAL);
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_memory_edge(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, 0x1ff0);
	struct tmem m;

	(void)state;
	/* A chain ending in the last doubleword of memory. */
	tmem_init(&m, 0x2000);
	put_ccw1(&m, 0x1ff0, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, 0x1ff8, 0x03, 0, 0, 0);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(m.refused, 0);
	cp_free(&cp);
	/* ... chaining on into nothing. */
	put_ccw1(&m, 0x1ff8, 0x03, CCW_FLAG_CC, 0, 0);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	tmem_fini(&m);

	/* A CCW straddling the end of memory. */
	tmem_init(&m, 0x2004);
	put_ccw1(&m, 0x1ff8, 0x03, CCW_FLAG_CC, 0, 0);
	orb.cpa = 0x1ff8;
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	/* The first CCW outside memory. */
	orb.cpa = 0x8000;
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	assert_true(tmem_canary_ok(&m));
	tmem_fini(&m);
}

static void t_overlapping_segments(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G + 8);
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	/* seg 0 at G+8: A, TIC -> G; seg 1 at G: B, A, TIC (back: goes on). */
	put_ccw1(&m, G, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 8, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 16, CCW_CMD_TIC, 0, 0, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->nseg, 2);
	assert_int_equal(cp.b->seg[0].len, 2);
	assert_int_equal(cp.b->seg[1].len, 4);
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_orb(void **state)
{
	struct cp_program cp;
	struct css_orb orb, host;
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0x03, 0, 0, 0);

	orb = test_orb(ORB_CTRL0_B | ORB_F1, G);
	memset(&cp, 0, sizeof(cp));
	assert_int_equal(cp_init(&cp, &m.mem, &orb), -EOPNOTSUPP);
	assert_int_equal(cp_prefetch(&cp), -EINVAL);
	orb = test_orb(ORB_F1, G);
	orb.ctrl1 = 0x02;
	assert_int_equal(cp_init(&cp, &m.mem, &orb), -EINVAL);
	orb = test_orb(ORB_F1, G | 0x80000000u);
	assert_int_equal(cp_init(&cp, &m.mem, &orb), -EINVAL);

	/* What the host ORB keeps and what it drops. */
	orb = test_orb(0x3000 | ORB_CTRL0_SPND | ORB_CTRL0_STRM |
		       ORB_CTRL0_MOD | ORB_CTRL0_SYNC | ORB_CTRL0_ISIC |
		       ORB_CTRL0_ALCC | ORB_CTRL0_SSIC | ORB_CTRL0_FMT, G);
	orb.ctrl1 = ORB_CTRL1_ILS | ORB_CTRL1_MIDAW | ORB_CTRL1_ORBX;
	orb.lpm = 0;
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp_get_orb(&cp, 7, 0x30, &host), 0);
	assert_int_equal(host.intparm, 7);
	assert_int_equal(host.ctrl0, 0x3000 | ORB_CTRL0_ISIC | ORB_CTRL0_FMT |
			 ORB_CTRL0_PFCH | ORB_CTRL0_C64 | ORB_CTRL0_I2K);
	assert_int_equal(host.ctrl1, ORB_CTRL1_ILS);
	assert_int_equal(host.lpm, 0x30);
	cp_free(&cp);

	/* An ORB address that names no CCW: a one-CCW program check. */
	orb = test_orb(ORB_F1, G + 4);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_is_self_tic(&cp, host_cpa(&cp)));
	assert_int_equal(m.refused, 0);
	assert_false(cp_iova_pinned(&cp, G, 16));
	cp_free(&cp);
	orb = test_orb(ORB_CTRL0_PFCH, 0x1000000);      /* format 0: 24 bit */
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_is_self_tic(&cp, host_cpa(&cp)));
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_update_scsw(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct css_scsw s;
	struct tmem m;
	uint32_t h0, h1;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 8, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 16, CCW_CMD_TIC, 0, 0, 0x1800);
	put_ccw1(&m, 0x1800, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, 0x1808, 0x03, 0, 0, 0);

	memset(&cp, 0, sizeof(cp));
	s = (struct css_scsw){ .cpa = 0x1234 };
	cp_update_scsw(&cp, &s);                 /* nothing translated yet */
	assert_int_equal(s.cpa, 0x1234);
	assert_false(cp_iova_pinned(&cp, 0, UINT64_MAX));

	assert_int_equal(translate(&cp, &m, &orb), 0);
	h0 = cp_host_addr(cp.b->seg[0].host_off);
	h1 = cp_host_addr(cp.b->seg[1].host_off);

	s = (struct css_scsw){ .ctrl = SCSW_FCTL_START, .cpa = h0 + 16 };
	cp_update_scsw(&cp, &s);           /* program check in the middle */
	assert_int_equal(s.cpa, G + 16);
	s.cpa = h1 + 16;                   /* normal end: last CCW + 8 */
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.cpa, 0x1810);
	s.cpa = h1 + 24;                   /* status modifier past the end */
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.cpa, 0x1818);
	s.cpa = h0 + 32;                   /* seg 0's sentinel + 8 */
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.cpa, G + 32);
	s.cpa = 0;
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.cpa, 0);
	s.cpa = h0 + 3;                    /* never a host address */
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.cpa, G + 8);
	s.cpa = 0x7fff0000;
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.cpa, G + 8);
	s.cpa = h1 + 40;
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.cpa, G + 8);
	cp_free(&cp);

	/* ORB echo bits are the guest's again (format 0, no prefetch...). */
	orb = test_orb(ORB_CTRL0_SPND | ORB_CTRL0_ALCC, G);
	put_ccw0(&m, G, 0x03, 0, 0, 1);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	s = (struct css_scsw){
		.flags = SCSW_FLAGS_FMT | SCSW_FLAGS_PFCH | SCSW_FLAGS_ZCC |
			 0x0100,
		.ctrl = SCSW_FCTL_START | SCSW_STCTL_STATUS_PEND,
		.cpa = host_cpa(&cp) + 8,
	};
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.flags, SCSW_FLAGS_SCTL | SCSW_FLAGS_ALCC |
			 SCSW_FLAGS_ZCC | 0x0100);
	assert_int_equal(s.cpa, G + 8);
	s.flags = SCSW_FLAGS_FMT;
	s.ctrl = SCSW_FCTL_CLEAR;
	s.cpa = host_cpa(&cp) + 8;
	cp_update_scsw(&cp, &s);
	assert_int_equal(s.flags, SCSW_FLAGS_FMT);
	assert_int_equal(s.cpa, G + 8);
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_life_cycle(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G), host;
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0x06, 0, 16, 0x4000);
	memset(&cp, 0, sizeof(cp));
	cp_free(&cp);                                  /* harmless */
	assert_int_equal(cp_prefetch(&cp), -EINVAL);
	assert_int_equal(cp_get_orb(&cp, 0, 0, &host), -EINVAL);
	assert_int_equal(cp_init(&cp, &m.mem, &orb), 0);
	assert_int_equal(cp_init(&cp, &m.mem, &orb), -EBUSY);
	assert_int_equal(cp_get_orb(&cp, 0, 0, &host), -EINVAL);
	assert_false(cp_iova_pinned(&cp, 0x4000, 1));
	assert_int_equal(cp_prefetch(&cp), 0);
	assert_int_equal(cp_prefetch(&cp), -EINVAL);
	assert_true(cp_iova_pinned(&cp, 0x4000, 1));
	cp_free(&cp);
	assert_false(cp_iova_pinned(&cp, 0x4000, 1));
	cp_free(&cp);

	/* A failed prefetch leaves an initialized, empty cp. */
	put_ccw1(&m, G, 0x06, 0, 16, 0x7ff00000);
	assert_int_equal(cp_init(&cp, &m.mem, &orb), 0);
	assert_int_equal(cp_prefetch(&cp), -EFAULT);
	assert_null(cp.b);
	assert_false(cp_iova_pinned(&cp, G, 8));
	assert_int_equal(cp_init(&cp, &m.mem, &orb), -EBUSY);
	cp_free(&cp);
	assert_int_equal(cp_init(&cp, &m.mem, &orb), 0);
	cp_free(&cp);
	tmem_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_dasd_read),
		cmocka_unit_test(t_bios_fmt0),
		cmocka_unit_test(t_tic_segments),
		cmocka_unit_test(t_tic_loops),
		cmocka_unit_test(t_tic_bad_targets),
		cmocka_unit_test(t_chain_length),
		cmocka_unit_test(t_memory_edge),
		cmocka_unit_test(t_overlapping_segments),
		cmocka_unit_test(t_orb),
		cmocka_unit_test(t_update_scsw),
		cmocka_unit_test(t_life_cycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
