/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile channel programs over the wire: TIC loops and chains, overlong
 * chains, IDAWs and CCWs outside the DMA map, chains at the edge of it,
 * zero-length and read-backward transfers. Each gets the errno a VMM sees
 * (Linux's) or the channel status the guest's channel would give, the
 * device stays usable, and nothing outside the map is touched: the
 * canary area behind guest memory, and a hole in the map, are checked.
 */
#include <errno.h>
#include <linux/vfio_ccw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "vcc_live.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_user/vfu_client.h"

#define PROG VL_PROG
#define BUF  VL_BUF
#define END  VL_MEM_SIZE
#define HOLE 0x100000u        /* [1M, 2M) unmapped in test_hole */
#define HOLE_SIZE 0x100000u

static int setup(void **state)
{
	*state = vl_fix_new(false);
	return 0;
}

/* After every test: canaries intact, device idle and still working. */
static int teardown(void **state)
{
	vl_fix_free(*state, VL_FIX_CHECK_IO | VL_FIX_NO_MESSAGES);
	return 0;
}

static void nop(struct vl_guest *g, uint32_t at, bool chain)
{
	vl_ccw1(g, at, 0x03, (chain ? CCW_FLAG_CC : 0) | CCW_FLAG_SLI, 1, 0);
}

static void tic(struct vl_guest *g, uint32_t at, uint32_t to)
{
	vl_ccw1(g, at, 0x08, 0, 0, to);
}

static void run_expect_pgm_check(struct vl_guest *g, uint16_t ctrl0,
				 uint32_t cpa, uint32_t at)
{
	struct css_irb irb;

	vl_run(g, ctrl0, cpa, &irb);
	assert_int_equal(irb.scsw.cstat & SCH_STAT_PROG_CHECK,
			 SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.cpa, at);
	assert_true(irb.scsw.ctrl & SCSW_STCTL_ALERT);
}

static void test_tic_self(void **state)
{
	struct vl_fix *f = *state;

	/* A TIC to itself: TIC to TIC is a program check. */
	tic(&f->g, PROG, PROG);
	run_expect_pgm_check(&f->g, VL_ORB_LINUX, PROG, PROG + 8);
	/* NOP, TIC -> TIC -> NOP: the same, at the second TIC. */
	nop(&f->g, PROG, true);
	tic(&f->g, PROG + 8, PROG + 0x100);
	tic(&f->g, PROG + 0x100, PROG);
	run_expect_pgm_check(&f->g, VL_ORB_LINUX, PROG, PROG + 0x108);
}

static void test_tic_ping_pong(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;

	/* Two segments TIC to each other: runs until halted. */
	nop(g, PROG, true);
	tic(g, PROG + 8, PROG + 0x200);
	nop(g, PROG + 0x200, true);
	tic(g, PROG + 0x208, PROG);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	vl_wait_running(g);
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_HSCH), 8);
	assert_int_equal(vl_wait_irb(g, &irb), 0);
	assert_true(irb.scsw.ctrl & SCSW_FCTL_HALT);
	assert_true(irb.scsw.cpa == PROG + 8 || irb.scsw.cpa == PROG + 16 ||
		    irb.scsw.cpa == PROG + 0x208 || irb.scsw.cpa == PROG + 0x210);
}

static void test_tic_chain(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;
	uint32_t at = PROG;

	/* 16 segments are fine ... */
	for (int i = 0; i < 15; i++, at += 0x100) {
		nop(g, at, true);
		tic(g, at + 8, at + 0x100);
	}
	nop(g, at, false);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, at + 8, 1));  /* a NOP moves nothing */
	/* ... a 17th is not (Linux since its 2026 fix: -EINVAL). */
	nop(g, at, true);
	tic(g, at + 8, at + 0x100);
	nop(g, at + 0x100, false);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EINVAL);
	assert_false(vl_signalled(g->io_efd));
}

static void test_long_chain(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;

	for (uint32_t i = 0; i < 255; i++)
		nop(g, PROG + 8 * i, i < 254);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 255 * 8, 1));
	/* 256 CCWs in one segment: -EINVAL, the 257th never read. */
	for (uint32_t i = 0; i < 300; i++)
		nop(g, PROG + 8 * i, true);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EINVAL);
}

static void test_outside_map(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;

	/* The program itself. */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, END), -EFAULT);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, END + 0x800), -EFAULT);
	/* A TIC out of the map. */
	nop(g, PROG, true);
	tic(g, PROG + 8, END + 0x100);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* Direct data into the canary area. */
	vl_ccw1(g, PROG, 0x64, 0, 64, END - 32);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* Format-2 IDAW to the canary area, and far beyond. */
	vl_idaw2(g, VL_IDAL, END + 64);
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_IDA, 64, VL_IDAL);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	vl_idaw2(g, VL_IDAL, 0xfffffffffffff000ull);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* A later IDAW of a 2-block transfer. */
	vl_idaw2(g, VL_IDAL, BUF);
	vl_idaw2(g, VL_IDAL + 8, END);
	vl_ccw1(g, PROG, 0x86, CCW_FLAG_IDA, 8192, VL_IDAL);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* The IDAL itself runs off the map: its second IDAW is beyond. */
	vl_idaw2(g, END - 8, BUF);
	vl_ccw1(g, PROG, 0x86, CCW_FLAG_IDA, 8192, END - 8);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* Format-1 IDAWs (2K) likewise. */
	vl_idaw1(g, VL_IDAL, END + 0x800);
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_IDA, 64, VL_IDAL);
	assert_int_equal(vl_ssch(g, ORB_CTRL0_FMT | ORB_CTRL0_PFCH, 0xff, PROG),
			 -EFAULT);
	assert_false(vl_signalled(g->io_efd));
}

static void test_edge_of_map(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;

	/* A chain ending in the last doubleword of the map is fine. */
	nop(g, END - 16, true);
	vl_ccw1(g, END - 8, 0x64, 0, 64, END - 64);
	vl_run(g, VL_ORB_LINUX, END - 16, &irb);
	assert_true(vl_final_ok(&irb, END, 0));
	assert_int_equal(ld_be16(g->mem + END - 64), 0x3990);
	/* Chaining on from there is not. */
	vl_ccw1(g, END - 8, 0x64, CCW_FLAG_CC, 64, END - 64);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, END - 16), -EFAULT);
	/* Data chaining on from the last CCW is not either. */
	vl_ccw1(g, END - 8, 0x64, CCW_FLAG_CD, 32, END - 64);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, END - 16), -EFAULT);
}

static void test_zero_length(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;

	/* Format 1, count 0, SLI: the device's data does not fit, the
	 * length is suppressed; nothing is stored. */
	memset(g->mem + BUF, 0x11, 64);
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_SLI, 0, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_int_equal(irb.scsw.cstat & SCH_STAT_PROG_CHECK, 0);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(g->mem[BUF], 0x11);
	/* Without SLI: incorrect length. */
	vl_ccw1(g, PROG, 0x64, 0, 0, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	assert_int_equal(g->mem[BUF], 0x11);
	/* Format 0 forbids count 0: program check at that CCW. */
	vl_ccw0(g, PROG, 0x64, CCW_FLAG_SLI, 0, BUF);
	run_expect_pgm_check(g, ORB_CTRL0_PFCH, PROG, PROG + 8);
	/* Chain data with count 0: program check. */
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_CD, 0, BUF);
	vl_ccw1(g, PROG + 8, 0x64, 0, 64, BUF);
	run_expect_pgm_check(g, VL_ORB_LINUX, PROG, PROG + 8);
	assert_int_equal(g->mem[BUF], 0x11);
}

static void test_read_backward(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;

	/*
	 * The data address names the rightmost byte. 256 bytes ending at
	 * 0x10 run below address 0: the guest's channel would store 17
	 * bytes, then program-check; so does the host program (no-data
	 * IDAW from there). A 3390 rejects Read Backward (command reject)
	 * before any byte moves: nothing is stored.
	 */
	memset(g->mem, 0x33, 0x20);
	vl_ccw1(g, PROG, 0x0c, 0, 256, 0x10);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
	assert_int_equal(irb.ecw[0], 0x80);
	for (int i = 0; i < 0x20; i++)
		assert_int_equal(g->mem[i], 0x33);
	/* Inside the map: the same reject, nothing stored. */
	memset(g->mem + BUF, 0x22, 256);
	vl_ccw1(g, PROG, 0x0c, 0, 256, BUF + 255);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
	for (int i = 0; i < 256; i++)
		assert_int_equal(g->mem[BUF + i], 0x22);
}

static void test_orb_and_flags(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;

	/* An unaligned channel-program address: the guest's channel would
	 * program-check at once, CCW address = ORB address + 8. */
	nop(g, PROG, false);
	run_expect_pgm_check(g, VL_ORB_LINUX, PROG + 4, PROG + 12);
	/* CPA bit 0 / ORB reserved bits: an operand exception for QEMU. */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, 0x80000000u | PROG),
			 -EINVAL);
	/* Suspend under suspend control, MIDAW control: not passed on. */
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_SUSPEND, 64, BUF);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX | ORB_CTRL0_SPND, 0xff, PROG),
			 -EOPNOTSUPP);
	/* Transport mode. */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX | ORB_CTRL0_B, 0xff, PROG),
			 -EOPNOTSUPP);
	/* A command code the channel rejects (0x00): program check. */
	vl_ccw1(g, PROG, 0x00, 0, 8, BUF);
	run_expect_pgm_check(g, VL_ORB_LINUX, PROG, PROG + 8);
}

/* A hole in the DMA map: nothing reaches it. */
static void test_hole(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;

	assert_int_equal(vfu_client_dma_unmap(g->c, 0, VL_MEM_SIZE), 0);
	assert_int_equal(vfu_client_dma_map(g->c, 0, HOLE,
					    VFU_DMA_READ | VFU_DMA_WRITE,
					    g->memfd, 0, g->mem), 0);
	assert_int_equal(vfu_client_dma_map(g->c, HOLE + HOLE_SIZE,
					    END - HOLE - HOLE_SIZE,
					    VFU_DMA_READ | VFU_DMA_WRITE,
					    g->memfd, HOLE + HOLE_SIZE,
					    g->mem + HOLE + HOLE_SIZE), 0);
	memset(g->mem + HOLE, VL_CANARY, HOLE_SIZE);
	vl_idaw2(g, VL_IDAL, HOLE + 0x800);
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_IDA, 64, VL_IDAL);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* Direct data straddling the hole's start. */
	vl_ccw1(g, PROG, 0x64, 0, 64, HOLE - 32);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* Read backward from just above the hole reaches into it. */
	vl_ccw1(g, PROG, 0x0c, 0, 256, HOLE + HOLE_SIZE + 0x10);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	/* A program in the hole. */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, HOLE + 0x1000), -EFAULT);
	/* Data in the upper region is fine. */
	vl_ccw1(g, PROG, 0x64, 0, 64, HOLE + HOLE_SIZE);
	{
		struct css_irb irb;

		vl_run(g, VL_ORB_LINUX, PROG, &irb);
		assert_true(vl_final_ok(&irb, PROG + 8, 0));
	}
	for (uint32_t i = 0; i < HOLE_SIZE; i++)
		if (g->mem[HOLE + i] != VL_CANARY)
			fail_msg("hole byte %u touched", i);
	/* Map back as it was for the teardown's check. */
	assert_int_equal(vfu_client_dma_unmap(g->c, 0, HOLE), 0);
	assert_int_equal(vfu_client_dma_unmap(g->c, HOLE + HOLE_SIZE,
					      END - HOLE - HOLE_SIZE), 0);
	assert_int_equal(vfu_client_dma_map(g->c, 0, VL_MEM_SIZE,
					    VFU_DMA_READ | VFU_DMA_WRITE,
					    g->memfd, 0, g->mem), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tic_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tic_ping_pong, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tic_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_map, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_edge_of_map, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_zero_length, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_backward, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_orb_and_flags, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hole, setup, teardown),
	};
	return vl_run_mem_groups(tests, sizeof(tests) / sizeof(*tests));
}
