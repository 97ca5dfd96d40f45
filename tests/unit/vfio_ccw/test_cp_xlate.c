/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-program translator: data addressing. Direct CCWs split into
 * IDAWs, guest IDALs in every format and block size, counts, skip, NOP,
 * read backward, the IDAW rules of PoP ch. 15 "Indirect Data Addressing",
 * and guest memory outside the DMA map.
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

#define G        0x1000u     /* where the test programs start */
#define IDAL     0x3000u
#define GB       CP_GUEST_BASE
#define NODATA   CP_NODATA_ADDR

/* Host CCW i of the first segment; returns its IDAL address. */
static uint32_t ccw_at(struct cp_program *cp, unsigned int i,
		       struct css_ccw *c)
{
	host_ccw(cp, host_cpa(cp) + 8 * i, c);
	return c->cda;
}

static void t_sense_id_direct(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G), host;
	struct css_ccw c;
	struct tmem m;
	uint32_t idal;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0xe4, CCW_FLAG_SLI, 256, 0x4000);
	assert_int_equal(translate(&cp, &m, &orb), 0);

	assert_int_equal(cp_get_orb(&cp, 0xabcd, 0x40, &host), 0);
	assert_int_equal(host.intparm, 0xabcd);
	assert_int_equal(host.ctrl0 & ~ORB_CTRL0_KEY,
			 ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64);
	assert_int_equal(host.lpm, 0x80);
	assert_true(host.cpa >= CP_ARENA_BASE && !(host.cpa & 7));

	idal = ccw_at(&cp, 0, &c);
	assert_int_equal(c.cmd, 0xe4);
	assert_int_equal(c.flags, CCW_FLAG_SLI | CCW_FLAG_IDA);
	assert_int_equal(c.count, 256);
	assert_true(host_idaw(&cp, idal, 0) == GB + 0x4000);

	assert_true(cp_iova_pinned(&cp, G, 8));
	assert_true(cp_iova_pinned(&cp, 0x40ff, 1));
	assert_true(cp_iova_pinned(&cp, 0x3000, 0x1001));
	assert_false(cp_iova_pinned(&cp, 0x4100, 0x100));
	assert_false(cp_iova_pinned(&cp, G + 8, 8));
	assert_false(cp_iova_pinned(&cp, 0, G));
	assert_false(cp_iova_pinned(&cp, 0x4000, 0));
	cp_free(&cp);
	tmem_fini(&m);
}

/* Expect the host IDAL of CCW 0 to be exactly the n guest addresses. */
static void expect_idaws(struct cp_program *cp, const uint64_t *a,
			 unsigned int n)
{
	struct css_ccw c;
	uint32_t idal = ccw_at(cp, 0, &c);
	unsigned int k;

	assert_true(c.flags & CCW_FLAG_IDA);
	for (k = 0; k < n; k++)
		assert_true(host_idaw(cp, idal, k) == GB + a[k]);
}

static void t_direct_split(void **state)
{
	static const uint64_t a4[] = { 0x4f00, 0x5000, 0x6000 };
	static const uint64_t a2[] = { 0x47f0, 0x4800 };
	struct cp_program cp;
	struct css_orb orb, host;
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0x06, 0, 0x1200, 0x4f00);
	orb = test_orb(ORB_F1, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, a4, 3);
	assert_true(cp_iova_pinned(&cp, 0x60ff, 1));
	assert_false(cp_iova_pinned(&cp, 0x6100, 1));
	cp_free(&cp);

	/* C64=0 and C64+I2K: 2K blocks, host ORB says I2K. */
	put_ccw1(&m, G, 0x06, 0, 0x20, 0x47f0);
	orb = test_orb(ORB_CTRL0_FMT | ORB_CTRL0_PFCH, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, a2, 2);
	assert_int_equal(cp_get_orb(&cp, 0, 0x80, &host), 0);
	assert_true(host.ctrl0 & ORB_CTRL0_C64);
	assert_true(host.ctrl0 & ORB_CTRL0_I2K);
	cp_free(&cp);
	orb = test_orb(ORB_F1 | ORB_CTRL0_I2K, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, a2, 2);
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_ida_formats(void **state)
{
	static const uint64_t f2_4k[] = { 0x8100, 0xa000, 0xc000 };
	static const uint64_t f1_2k[] = { 0x47fe, 0x5000, 0x5800 };
	static const uint64_t f2_2k[] = { 0x4400, 0x7800 };
	struct cp_program cp;
	struct css_orb orb;
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);

	/* Format-2 4K: three IDAWs used, the fourth never read. */
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 0xf00 + 0x1000 + 0x10, IDAL);
	put_idaw2(&m, IDAL, 0x8100);
	put_idaw2(&m, IDAL + 8, 0xa000);
	put_idaw2(&m, IDAL + 16, 0xc000);
	put_idaw2(&m, IDAL + 24, 0xdead000);
	orb = test_orb(ORB_F1, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, f2_4k, 3);
	assert_false(tmem_touched(&m, IDAL + 24, 8));
	assert_true(cp_iova_pinned(&cp, IDAL + 16, 1));
	assert_false(cp_iova_pinned(&cp, IDAL + 24, 8));
	assert_true(cp_iova_pinned(&cp, 0xc00f, 1));
	assert_false(cp_iova_pinned(&cp, 0xc010, 1));
	cp_free(&cp);

	/* Format-1 (31-bit, 2K) IDAWs at a word-aligned IDAL. */
	tmem_clear_touched(&m);
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 2 + 2048 + 1, IDAL + 4);
	put_idaw1(&m, IDAL + 4, 0x47fe);
	put_idaw1(&m, IDAL + 8, 0x5000);
	put_idaw1(&m, IDAL + 12, 0x5800);
	put_idaw1(&m, IDAL + 16, 0x7fffffff);
	orb = test_orb(ORB_CTRL0_FMT | ORB_CTRL0_PFCH, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, f1_2k, 3);
	assert_false(tmem_touched(&m, IDAL + 16, 4));
	cp_free(&cp);

	/* Format-2 2K IDAWs (C64 + I2K). */
	put_ccw1(&m, G, 0x01, CCW_FLAG_IDA, 0x500, IDAL);
	put_idaw2(&m, IDAL, 0x4400);
	put_idaw2(&m, IDAL + 8, 0x7800);
	orb = test_orb(ORB_F1 | ORB_CTRL0_I2K, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, f2_2k, 2);
	assert_true(cp_iova_pinned(&cp, 0x78ff, 1));
	assert_false(cp_iova_pinned(&cp, 0x7900, 1));
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_huge_counts(void **state)
{
	struct cp_program cp;
	struct css_orb orb;
	struct css_ccw c;
	struct tmem m;
	uint32_t idal, k;

	(void)state;
	tmem_init(&m, 0x30000);

	/* 65535 bytes from 0x47ff in 2K blocks: 1 + 31 + 1 = 33 IDAWs. */
	put_ccw1(&m, G, 0x06, 0, 0xffff, 0x47ff);
	orb = test_orb(ORB_CTRL0_FMT | ORB_CTRL0_PFCH, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_true(host_idaw(&cp, idal, 0) == GB + 0x47ff);
	for (k = 1; k < 33; k++)
		assert_true(host_idaw(&cp, idal, k) == GB + 0x4800 + (k - 1) * 2048);
	assert_true(cp_iova_pinned(&cp, 0x47ff + 0xfffe, 1));
	assert_false(cp_iova_pinned(&cp, 0x47ff + 0xffff, 1));
	cp_free(&cp);

	/* 65535 bytes through a format-2 4K IDAL of 17 scattered pages. */
	put_ccw1(&m, G, 0x05, CCW_FLAG_IDA, 0xffff, IDAL);
	put_idaw2(&m, IDAL, 0x4fff);
	for (k = 1; k < 17; k++)
		put_idaw2(&m, IDAL + 8 * k, 0x20000 - k * 0x1000);
	orb = test_orb(ORB_F1, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	for (k = 0; k < 17; k++)
		assert_true(host_idaw(&cp, idal, k) - GB ==
			    (k ? 0x20000 - k * 0x1000 : 0x4fff));
	/* 1 + 15 * 4096 + 4094 bytes: the last page is used up to 0xffd. */
	assert_true(cp_iova_pinned(&cp, 0x10000 + 0xffd, 1));
	assert_false(cp_iova_pinned(&cp, 0x10000 + 0xffe, 1));
	cp_free(&cp);
	tmem_fini(&m);
}

/* Host CCW 0 must move no data: the shared IDAL with CP_NODATA_ADDR. */
static void expect_nodata(struct cp_program *cp)
{
	struct css_ccw c;
	uint32_t idal = ccw_at(cp, 0, &c);

	assert_true(c.flags & CCW_FLAG_IDA);
	assert_true(host_idaw(cp, idal, 0) == NODATA);
	assert_int_equal(css_mem_read(cp_host_mem(cp), NODATA, &c, 1), -EFAULT);
}

static void t_no_data(void **state)
{
	static const struct { uint8_t cmd, flags; uint16_t count; } ok[] = {
		{ 0x06, 0, 0 },                      /* count 0, direct */
		{ 0x06, CCW_FLAG_IDA, 0 },           /* zero-length IDAL */
		{ 0x03, 0, 16 },                     /* NOP */
		{ 0x06, CCW_FLAG_SKIP, 100 },        /* skip on read */
		{ 0x86, CCW_FLAG_SKIP | CCW_FLAG_IDA, 100 },
		{ 0x04, CCW_FLAG_SKIP, 32 },         /* skip on sense */
		{ 0xe4, CCW_FLAG_SKIP, 32 },         /* skip on sense ID */
		{ 0x0c, CCW_FLAG_SKIP, 32 },         /* skip on read backward */
		{ 0x0c, 0, 0 },                      /* read backward, count 0 */
	};
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct tmem m;
	size_t i;

	(void)state;
	tmem_init(&m, 0x10000);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		tmem_clear_touched(&m);
		/* The data (or IDAL) address is far outside guest memory. */
		put_ccw1(&m, G, ok[i].cmd, ok[i].flags, ok[i].count, 0x7ff00000);
		assert_int_equal(translate(&cp, &m, &orb), 0);
		expect_nodata(&cp);
		assert_int_equal(m.refused, 0);
		assert_false(cp_iova_pinned(&cp, 0x7ff00000, 0x1000));
		assert_true(cp_iova_pinned(&cp, G, 8));
		cp_free(&cp);
	}
	/* Skip means nothing for write and control commands. */
	put_ccw1(&m, G, 0x01, CCW_FLAG_SKIP, 16, 0x7ff00000);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	put_ccw1(&m, G, 0x63, CCW_FLAG_SKIP, 16, 0x7ff00000);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	tmem_fini(&m);
}

/* Read backward: data addresses name the rightmost byte, descending. */
static void t_read_backward(void **state)
{
	static const uint64_t direct[] = { 0x5010, 0x4fff, 0x3fff };
	static const uint64_t ida[] = { 0x6100, 0x8fff };
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct css_ccw c;
	struct tmem m;
	uint32_t idal;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0x0c, 0, 16, 0x4010);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_idaw(&cp, ccw_at(&cp, 0, &c), 0) == GB + 0x4010);
	assert_true(cp_iova_pinned(&cp, 0x4001, 1));
	assert_true(cp_iova_pinned(&cp, 0x4010, 1));
	assert_false(cp_iova_pinned(&cp, 0x4000, 1));
	assert_false(cp_iova_pinned(&cp, 0x4011, 1));
	cp_free(&cp);

	/* 0x11 + 0x1000 + 0xf bytes down from 0x5010 in 4K blocks. */
	put_ccw1(&m, G, 0x0c, 0, 0x1020, 0x5010);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, direct, 3);
	assert_true(cp_iova_pinned(&cp, 0x3ff1, 1));
	assert_false(cp_iova_pinned(&cp, 0x3ff0, 1));
	cp_free(&cp);

	/* Running below address 0: the host program-checks there. */
	put_ccw1(&m, G, 0x0c, 0, 0x20, 0x10);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_true(host_idaw(&cp, idal, 0) == GB + 0x10);
	assert_true(host_idaw(&cp, idal, 1) == CP_NODATA_ADDR + 1);
	cp_free(&cp);

	/* IDA: later IDAWs name the last byte of their block. */
	put_ccw1(&m, G, 0x0c, CCW_FLAG_IDA, 0x101 + 0x100, IDAL);
	put_idaw2(&m, IDAL, 0x6100);
	put_idaw2(&m, IDAL + 8, 0x8fff);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	expect_idaws(&cp, ida, 2);
	assert_true(cp_iova_pinned(&cp, 0x8f00, 1));
	assert_false(cp_iova_pinned(&cp, 0x8eff, 1));
	cp_free(&cp);
	put_idaw2(&m, IDAL + 8, 0x9000);       /* names a block's first byte */
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_true(host_idaw(&cp, idal, 1) == GB + 0x9000);
	assert_false(cp_iova_pinned(&cp, 0x8f00, 0x200));
	cp_free(&cp);

	/* The data-chained part of a read backward descends too. */
	put_ccw1(&m, G, 0x0c, CCW_FLAG_CD | CCW_FLAG_SKIP, 16, 0x7ff00000);
	put_ccw1(&m, G + 8, 0x02, 0, 16, 0x4020);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(cp_iova_pinned(&cp, 0x4011, 1));
	assert_false(cp_iova_pinned(&cp, 0x4021, 1));
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_outside_memory(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);

	/* An IDAW naming memory the guest does not have. */
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 0x1010, IDAL);
	put_idaw2(&m, IDAL, 0xf000);
	put_idaw2(&m, IDAL + 8, 0x10000);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	assert_false(cp_iova_pinned(&cp, 0xf000, 1));
	cp_free(&cp);
	/* An IDAW in the far guest space, beyond what the window reaches. */
	put_idaw2(&m, IDAL + 8, 0x4000000000000000ull);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	put_idaw2(&m, IDAL + 8, 0xfffffffffffff000ull);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);

	/* Direct data running off the end of memory. */
	put_ccw1(&m, G, 0x06, 0, 16, 0x10000 - 8);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);

	/* The IDAL itself runs off the end: the second IDAW is not there. */
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 0x1000, 0x10000 - 8);
	put_idaw2(&m, 0x10000 - 8, 0x4800);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);

	/* ... but an IDAL using only its last IDAW at the very end is fine. */
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 0x800, 0x10000 - 8);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	cp_free(&cp);

	/* The same with a memory that cannot be mapped directly. */
	m.no_map = true;
	put_ccw1(&m, G, 0x06, 0, 16, 0x10000 - 8);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	put_ccw1(&m, G, 0x06, 0, 16, 0x10000 - 16);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(cp_iova_pinned(&cp, 0xffff, 1));
	cp_free(&cp);
	assert_true(tmem_canary_ok(&m));
	tmem_fini(&m);
}

static void t_idaw_rules(void **state)
{
	struct cp_program cp;
	struct css_orb orb;
	struct css_ccw c;
	struct tmem m;
	uint32_t idal;

	(void)state;
	tmem_init(&m, 0x10000);

	/* A later IDAW off its block boundary is kept for the host to check;
	 * nothing after it is read or pinned. */
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 0x3000, IDAL);
	put_idaw2(&m, IDAL, 0x4000);
	put_idaw2(&m, IDAL + 8, 0x5008);
	put_idaw2(&m, IDAL + 16, 0x6000);
	orb = test_orb(ORB_F1, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_true(host_idaw(&cp, idal, 0) == GB + 0x4000);
	assert_true(host_idaw(&cp, idal, 1) == GB + 0x5008);
	assert_false(tmem_touched(&m, IDAL + 16, 8));
	assert_false(cp_iova_pinned(&cp, 0x5008, 0x1000));
	cp_free(&cp);

	/* Format-1 IDAW with bit 0 set: first -> inaccessible host IDAW,
	 * later -> unaligned host IDAW. */
	orb = test_orb(ORB_CTRL0_FMT | ORB_CTRL0_PFCH, G);
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 16, IDAL);
	put_idaw1(&m, IDAL, 0x80004000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_true(host_idaw(&cp, idal, 0) == NODATA);
	cp_free(&cp);
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 32, IDAL);
	put_idaw1(&m, IDAL, 0x47f0);
	put_idaw1(&m, IDAL + 4, 0x80004800);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_true(host_idaw(&cp, idal, 0) == GB + 0x47f0);
	assert_true(host_idaw(&cp, idal, 1) == NODATA + 1);
	cp_free(&cp);

	/* An unaligned IDAL gives an equally unaligned host IDAL, unread. */
	tmem_clear_touched(&m);
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 16, IDAL + 4);
	orb = test_orb(ORB_F1, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_int_equal(idal & 7, 4);
	assert_false(tmem_touched(&m, IDAL, 16));
	cp_free(&cp);
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 16, IDAL + 2);
	orb = test_orb(ORB_CTRL0_FMT | ORB_CTRL0_PFCH, G);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_int_equal(idal & 7, 2);
	cp_free(&cp);

	/* Format-1 CCW: IDAL address and direct data with bit 0 set. */
	put_ccw1(&m, G, 0x06, CCW_FLAG_IDA, 16, 0x80000000 | IDAL);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_idaw(&cp, ccw_at(&cp, 0, &c), 0) == NODATA);
	cp_free(&cp);
	put_ccw1(&m, G, 0x06, 0, 16, 0x80004000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(host_idaw(&cp, ccw_at(&cp, 0, &c), 0) == NODATA);
	assert_int_equal(m.refused, 0);
	cp_free(&cp);
	tmem_fini(&m);
}

/* Format-0 direct data crossing the 24-bit limit. */
static void t_fmt0_limit(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_CTRL0_PFCH, G);
	struct css_ccw c;
	struct tmem m;
	uint32_t idal;

	(void)state;
	tmem_init(&m, (1u << 24) + 0x2000);
	put_ccw0(&m, G, 0x06, 0xfff800, 0, 0x1000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	idal = ccw_at(&cp, 0, &c);
	assert_true(host_idaw(&cp, idal, 0) == GB + 0xfff800);
	assert_true(host_idaw(&cp, idal, 1) == NODATA + 1);
	assert_false(cp_iova_pinned(&cp, 1u << 24, 1));
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_suspend_mida(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct css_ccw c;
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	/* Suspend flag without suspend control: kept, the host checks it. */
	put_ccw1(&m, G, 0x06, CCW_FLAG_SUSPEND, 16, 0x4000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	ccw_at(&cp, 0, &c);
	assert_true(c.flags & CCW_FLAG_SUSPEND);
	cp_free(&cp);
	orb.ctrl0 |= ORB_CTRL0_SPND;
	assert_int_equal(translate(&cp, &m, &orb), -EOPNOTSUPP);
	cp_free(&cp);

	/* MIDA flag without MIDAW control: kept, no data. With: refused. */
	tmem_clear_touched(&m);
	orb = test_orb(ORB_F1, G);
	put_ccw1(&m, G, 0x06, CCW_FLAG_MIDA, 16, IDAL);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	ccw_at(&cp, 0, &c);
	assert_true(c.flags & CCW_FLAG_MIDA);
	assert_false(tmem_touched(&m, IDAL, 16));
	cp_free(&cp);
	orb.ctrl1 |= ORB_CTRL1_MIDAW;
	assert_int_equal(translate(&cp, &m, &orb), -EOPNOTSUPP);
	cp_free(&cp);
	tmem_fini(&m);
}

/* A data-chained CCW moves data for the command that began the chain. */
static void t_data_chaining(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0x01, CCW_FLAG_CD, 8, 0x4000);
	/* Own command "read with skip" is ignored: this is part of a write. */
	put_ccw1(&m, G + 8, 0x02, CCW_FLAG_SKIP, 8, 0x4100);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(cp_iova_pinned(&cp, 0x4100, 8));
	cp_free(&cp);
	put_ccw1(&m, G + 8, 0x02, CCW_FLAG_SKIP, 8, 0x7ff00000);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	/* A NOP head stays a NOP for its data-chained CCWs. */
	put_ccw1(&m, G, 0x03, CCW_FLAG_CD, 8, 0x7ff00000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	cp_free(&cp);
	tmem_fini(&m);
}

/* Data chaining carried on through a TIC, and CCWs nothing reaches. */
static void t_reachability(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct tmem m;

	(void)state;
	tmem_init(&m, 0x10000);
	/* Read backward, chain data through a TIC into another segment: the
	 * data there is stored backward too (own command ignored). */
	put_ccw1(&m, G, 0x0c, CCW_FLAG_CD, 8, 0x4010);
	put_ccw1(&m, G + 8, CCW_CMD_TIC, 0, 0, 0x1800);
	put_ccw1(&m, 0x1800, 0x02, 0, 8, 0x5010);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(cp_iova_pinned(&cp, 0x5009, 1));
	assert_false(cp_iova_pinned(&cp, 0x5011, 1));
	cp_free(&cp);

	/* Reached as a command only: a forward read. */
	put_ccw1(&m, G + 16, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(&m, G + 24, CCW_CMD_TIC, 0, 0, 0x1800);
	orb.cpa = G + 16;
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_true(cp_iova_pinned(&cp, 0x5017, 1));
	assert_false(cp_iova_pinned(&cp, 0x5009, 1));
	cp_free(&cp);

	/* Reached both ways (data-chained backward from G, and as a read
	 * command through its own TIC loop): refused. */
	orb.cpa = G;
	put_ccw1(&m, 0x1800, 0x02, CCW_FLAG_CC, 8, 0x5010);
	put_ccw1(&m, 0x1808, CCW_CMD_TIC, 0, 0, 0x1800);
	assert_int_equal(translate(&cp, &m, &orb), -EOPNOTSUPP);
	cp_free(&cp);

	/* After a data-chained TIC loop, the next CCW is never reached
	 * (the status modifier only skips in command chaining): its data
	 * address is not even looked at. */
	tmem_clear_touched(&m);
	put_ccw1(&m, G, 0x02, CCW_FLAG_CD, 8, 0x4000);
	put_ccw1(&m, G + 8, CCW_CMD_TIC, 0, 0, G);
	put_ccw1(&m, G + 16, 0x02, 0, 8, 0x7ff00000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	assert_int_equal(cp.b->seg[0].len, 3);
	assert_int_equal(cp.b->seg[0].mode[2], 0);
	assert_int_equal(m.refused, 0);
	/* With command chaining it is reached (status modifier on G). */
	cp_free(&cp);
	put_ccw1(&m, G, 0x02, CCW_FLAG_CC, 8, 0x4000);
	assert_int_equal(translate(&cp, &m, &orb), -EFAULT);
	cp_free(&cp);
	tmem_fini(&m);
}

static void t_host_space(void **state)
{
	struct cp_program cp;
	struct css_orb orb = test_orb(ORB_F1, G);
	struct css_mem *h;
	struct tmem m;
	uint8_t buf[16];

	(void)state;
	tmem_init(&m, 0x10000);
	put_ccw1(&m, G, 0x06, 0, 16, 0x4000);
	assert_int_equal(translate(&cp, &m, &orb), 0);
	h = cp_host_mem(&cp);

	assert_int_equal(css_mem_read(h, host_cpa(&cp), buf, 8), 0);
	assert_int_equal(css_mem_write(h, host_cpa(&cp), buf, 8), -EFAULT);
	assert_non_null(css_mem_map(h, host_cpa(&cp), 8, false));
	assert_null(css_mem_map(h, host_cpa(&cp), 8, true));
	assert_int_equal(css_mem_read(h, CP_ARENA_BASE - 8, buf, 8), -EFAULT);
	assert_int_equal(css_mem_read(h, CP_ARENA_BASE + CP_ARENA_MAX, buf, 1),
			 -EFAULT);
	assert_int_equal(css_mem_read(h, 0, buf, 1), -EFAULT);
	assert_int_equal(css_mem_read(h, NODATA, buf, 1), -EFAULT);
	assert_int_equal(css_mem_write(h, NODATA, buf, 1), -EFAULT);
	assert_null(css_mem_map(h, NODATA, 1, false));

	memcpy(m.buf + 0x4000, "guest data here!", 16);
	assert_int_equal(css_mem_read(h, GB + 0x4000, buf, 16), 0);
	assert_memory_equal(buf, "guest data here!", 16);
	assert_int_equal(css_mem_write(h, GB + 0x4000, "written by host!", 16), 0);
	assert_memory_equal(m.buf + 0x4000, "written by host!", 16);
	assert_ptr_equal(css_mem_map(h, GB + 0x4000, 16, true), m.buf + 0x4000);
	assert_int_equal(css_mem_read(h, GB + 0x10000 - 8, buf, 16), -EFAULT);
	assert_int_equal(css_mem_write(h, GB + 0x10000, buf, 1), -EFAULT);
	assert_int_equal(css_mem_read(h, UINT64_MAX, buf, 1), -EFAULT);
	assert_int_equal(css_mem_read(h, GB + 0x4000, buf, SIZE_MAX), -EFAULT);
	cp_free(&cp);

	/* Before prefetch (and after free) the space is empty. */
	assert_int_equal(cp_init(&cp, &m.mem, &orb), 0);
	assert_int_equal(css_mem_read(cp_host_mem(&cp), GB + 0x4000, buf, 1),
			 -EFAULT);
	assert_int_equal(css_mem_read(cp_host_mem(&cp), CP_ARENA_BASE, buf, 1),
			 -EFAULT);
	cp_free(&cp);
	assert_true(tmem_canary_ok(&m));
	tmem_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_sense_id_direct),
		cmocka_unit_test(t_direct_split),
		cmocka_unit_test(t_ida_formats),
		cmocka_unit_test(t_huge_counts),
		cmocka_unit_test(t_no_data),
		cmocka_unit_test(t_read_backward),
		cmocka_unit_test(t_outside_memory),
		cmocka_unit_test(t_idaw_rules),
		cmocka_unit_test(t_fmt0_limit),
		cmocka_unit_test(t_suspend_mida),
		cmocka_unit_test(t_data_chaining),
		cmocka_unit_test(t_reachability),
		cmocka_unit_test(t_host_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
