/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_ccw end to end: a 3390 behind the host channel subsystem, bound to
 * vfio_ccw, its mdev served over a real socket, driven by the real
 * vfio-user client the way QEMU 7.2 drives a vfio-ccw device, with the
 * channel programs Linux's cio and dasd_eckd send. Every test runs twice:
 * guest memory mapped with a memfd (the server copies directly) and
 * without (every access is a DMA message).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "test_wait.h"
#include "vcc_live.h"
#include "vfio_ccw/vcc_guestmem.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"
#include "vfio_user/vfu_client.h"

#define PROG  VL_PROG
#define PARM  VL_PARM
#define BUF   VL_BUF
#define BUF2  VL_BUF2
#define CE_DE VL_CE_DE

static int setup(void **state)
{
	*state = vl_fix_new(true);
	return 0;
}

static int teardown(void **state)
{
	vl_fix_free(*state, VL_FIX_NO_MESSAGES);
	return 0;
}

static void assert_final_ok(const struct css_irb *irb, uint32_t cpa,
			    uint16_t residual)
{
	assert_true(vl_final_ok(irb, cpa, residual));
}

/* ---- device, regions, interrupts as QEMU's realize sees them ---- */

static void test_device_info(void **state)
{
	struct vl_fix *f = *state;
	static const uint32_t sizes[4] = { 124, 8, 52, 8 };
	static const uint32_t flags[4] = {
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		VFIO_REGION_INFO_FLAG_CAPS,
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS,
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS,
	};
	struct vfu_device_info di;
	struct vfu_region_info ri;
	struct vfu_irq_info ii;
	uint8_t buf[256];
	struct stat st;

	assert_int_equal(stat(vcc_mdev_socket(f->h.dev[0].p), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(vfu_client_device_info(f->g.c, &di), 0);
	assert_int_equal(di.flags, VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(di.num_regions, 4);
	assert_int_equal(di.num_irqs, 3);
	for (uint32_t i = 0; i < 4; i++) {
		int n = vfu_client_region_info(f->g.c, i, buf, sizeof(buf));
		int off;

		assert_true(n >= 32);
		assert_int_equal(vfu_region_info_decode(buf, (size_t)n, &ri), 0);
		assert_int_equal(ri.size, sizes[i]);
		assert_int_equal(ri.offset, (uint64_t)i << 10);
		assert_int_equal(ri.flags, flags[i]);
		off = vfu_caps_find(buf, (size_t)n, VFIO_REGION_INFO_CAP_TYPE);
		if (i == 0) {
			assert_true(off < 0);
			continue;
		}
		/* QEMU's vfio_get_dev_region_info(): type 2, subtype i. */
		assert_true(off >= 32);
		assert_int_equal(ld_he16(buf + off + 2), 1);     /* version */
		assert_int_equal(ld_he32(buf + off + 8), VFIO_REGION_TYPE_CCW);
		assert_int_equal(ld_he32(buf + off + 12), i);
	}
	assert_int_equal(vfu_client_region_info(f->g.c, 4, buf, sizeof(buf)),
			 -EINVAL);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(vfu_client_irq_info(f->g.c, i, &ii), 0);
		assert_int_equal(ii.count, 1);
		assert_int_equal(ii.flags, VFIO_IRQ_INFO_EVENTFD);
	}
	/* Read-only regions refuse writes; nothing goes past the end. */
	assert_int_equal(vfu_client_region_write(f->g.c, VCC_REGION_SCHIB, 0,
						 buf, 52), -EINVAL);
	assert_int_equal(vfu_client_region_write(f->g.c, VCC_REGION_CRW, 0,
						 buf, 8), -EINVAL);
	assert_int_equal(vfu_client_region_read(f->g.c, VCC_REGION_IO, 100,
						buf, 25), -EINVAL);
	assert_int_equal(vl_dev_state(f->h.dev[0].p), VCC_STATE_IDLE);
	assert_true(vcc_mdev_in_use(f->h.dev[0].p));
	assert_int_equal(vcc_available_instances(f->h.dev[0].p), 0);
}

/* ---- bring-up: what Linux's cio and dasd_eckd send first ---- */

static void test_bringup(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	uint8_t *b = g->mem + BUF;
	struct css_irb irb;

	/* Sense ID, count 40, SLI (cio device_id.c). */
	vl_ccw1(g, PROG, 0xe4, CCW_FLAG_SLI, 40, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
	assert_true(irb.scsw.count < 40);
	assert_int_equal(b[0], 0xff);
	assert_int_equal(ld_be16(b + 1), 0x3990);
	assert_int_equal(ld_be16(b + 4), 0x3390);

	/* Sense Path Group ID on each path, then Set PGID establish. */
	for (int path = 0; path < 2; path++) {
		uint8_t lpm = (uint8_t)(0x80 >> path);

		vl_ccw1(g, PROG, 0x34, CCW_FLAG_SLI, 12, BUF);
		assert_int_equal(vl_ssch(g, VL_ORB_LINUX, lpm, PROG), 124);
		assert_int_equal(vl_wait_irb(g, &irb), 0);
		assert_final_ok(&irb, PROG + 8, 0);
		assert_int_equal(irb.esw.sublog >> 16 & 0xff, lpm); /* LPUM */
		memset(b, 0, 12);
		b[0] = 0x80;                /* establish, multipath */
		b[1] = 0xde;
		vl_ccw1(g, PROG, 0xaf, CCW_FLAG_SLI, 12, BUF);
		assert_int_equal(vl_ssch(g, VL_ORB_LINUX, lpm, PROG), 124);
		assert_int_equal(vl_wait_irb(g, &irb), 0);
		assert_final_ok(&irb, PROG + 8, 0);
	}

	/* Read Configuration Data, 256, no SLI. */
	vl_ccw1(g, PROG, 0xfa, 0, 256, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 8, 0);
	assert_int_equal(b[0] & 0xc0, 0xc0);       /* a NED */
	/* Read Device Characteristics, 64. */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 8, 0);
	assert_int_equal(ld_be16(b), 0x3990);
	assert_int_equal(ld_be16(b + 3), 0x3390);
	assert_int_equal(ld_be16(b + 12), 1113);   /* cylinders */
	/* PSF Prepare for Read Subsystem Data (feature codes) + RSSD. */
	memset(g->mem + PARM, 0, 12);
	g->mem[PARM] = 0x18;
	g->mem[PARM + 6] = 0x41;
	memset(b, 0xee, 256);
	vl_ccw1(g, PROG, 0x27, CCW_FLAG_CC, 12, PARM);
	vl_ccw1(g, PROG + 8, 0x3e, 0, 256, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 16, 0);
	for (int i = 0; i < 256; i++)   /* Prefix, Read/Write Track Data */
		assert_int_equal(b[i], i == 8 ? 0x01 : i == 9 ? 0x20 :
				 i == 12 ? 0x40 : 0x00);
}

/* ---- 4 KB block I/O as dasd_eckd: DE + LR + 8 x Write / Read ---- */

static void assert_write_read(struct vl_guest *g, uint32_t trk, uint8_t rec,
			      enum vl_addr wa, enum vl_addr ra, uint32_t seed)
{
	assert_int_equal(vl_write_read(g, trk, rec, wa, ra, seed), 0);
}

static void test_block_io(void **state)
{
	struct vl_fix *f = *state;
	struct css_stats before, after;
	uint64_t direct, locked;

	css_sch_stats(f->h.dev[0].sch, &before);
	assert_write_read(&f->g, 2, 1, VL_DIRECT, VL_IDA2_4K, 1);
	assert_write_read(&f->g, 3, 5, VL_IDA2_4K, VL_IDA1_2K, 2);
	assert_write_read(&f->g, 4, 1, VL_IDA1_2K, VL_DIRECT, 3);
	assert_write_read(&f->g, 5, 3, VL_FMT0, VL_FMT0, 4);
	/* And the first write is still there. */
	{
		static uint8_t want[8 * 4096];
		struct css_irb irb;
		uint16_t c0;

		vl_fill(want, sizeof(want), 1);
		c0 = vl_block_prog(&f->g, false, 2, 1, 8, BUF2, VL_IDA1_2K);
		vl_run(&f->g, c0, PROG, &irb);
		assert_final_ok(&irb, PROG + 16 + 64, 0);
		assert_memory_equal(f->g.mem + BUF2, want, sizeof(want));
	}
	/* Counted: 4 writes and 4 + 1 reads of 8 x 4 KB (and each program's
	 * 16-byte Define Extent and Locate Record parameters), each stage
	 * timed (docs/performance.md). */
	css_sch_stats(f->h.dev[0].sch, &after);
	assert_int_equal(after.programs - before.programs, 9);
	assert_int_equal(after.unit_checks, before.unit_checks);
	assert_int_equal(after.bytes_written - before.bytes_written,
			 4 * 8 * 4096 + 9 * 32);
	assert_int_equal(after.bytes_read - before.bytes_read, 5 * 8 * 4096);
	for (int i = 0; i < CSS_STAGES; i++) {
		/* vmm: only programs less than a second apart count. */
		if (i == CSS_STAGE_VMM)
			assert_true(after.stage_ns[i] >= before.stage_ns[i]);
		else
			assert_true(after.stage_ns[i] > before.stage_ns[i]);
		assert_true(after.stage_max_ns[i] <= after.stage_ns[i]);
	}
	assert_true(after.busy_ns - before.busy_ns >=
		    after.stage_ns[CSS_STAGE_EXECUTE] -
		    before.stage_ns[CSS_STAGE_EXECUTE]);
	/* The memory path used is the one the mapping allows. */
	vcc_guestmem_stats(vcc_mdev_guestmem(f->h.dev[0].p->mdev), &direct,
			   &locked);
	if (vl_mem_mode == VL_MEMFD) {
		assert_true(direct > 0);
		assert_int_equal(locked, 0);
	} else {
		assert_int_equal(direct, 0);
		assert_true(locked > 0);
	}
}

/*
 * A program that brings VCC_PREFAULT_MIN_PAGES or more guest pages the
 * daemon never touched gets them faulted in ahead (docs/performance.md
 * "First touch of guest memory"), once; one that brings fewer does not
 * (steady-state I/O makes no memory-management calls). Only fd-mapped
 * memory has pages of ours.
 */
static void test_prefault_first_touch(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_guestmem *gm = vcc_mdev_guestmem(f->h.dev[0].p->mdev);
	const uint32_t fresh = 0x200000, fresh2 = 0x300000;
	static uint8_t want[12 * 4096];
	struct css_irb irb;
	uint64_t before, after;
	uint16_t c0;

	/* Track 6 written by one program, through memory the test wrote. */
	vl_fill(want, sizeof(want), 6);
	memcpy(g->mem + fresh, want, sizeof(want));
	before = vcc_guestmem_prefaulted(gm);
	c0 = vl_block_prog(g, true, 6, 1, 12, fresh, VL_IDA2_4K);
	vl_run(g, c0, PROG, &irb);
	assert_final_ok(&irb, PROG + 16 + 12 * 8, 0);
	after = vcc_guestmem_prefaulted(gm);
	if (vl_mem_mode != VL_MEMFD) {
		assert_int_equal(after, before);
		return;
	}
	assert_true(after - before >= 12);
	/* Read back into the same pages: nothing new to fault in. */
	memset(g->mem + fresh, 0, sizeof(want));
	c0 = vl_block_prog(g, false, 6, 1, 12, fresh, VL_IDA2_4K);
	vl_run(g, c0, PROG, &irb);
	assert_final_ok(&irb, PROG + 16 + 12 * 8, 0);
	assert_memory_equal(g->mem + fresh, want, sizeof(want));
	assert_int_equal(vcc_guestmem_prefaulted(gm), after);
	/* Four new pages: left to the copies. */
	c0 = vl_block_prog(g, false, 6, 1, 4, fresh2, VL_IDA2_4K);
	vl_run(g, c0, PROG, &irb);
	assert_final_ok(&irb, PROG + 16 + 4 * 8, 0);
	assert_memory_equal(g->mem + fresh2, want, 4 * 4096);
	assert_int_equal(vcc_guestmem_prefaulted(gm), after);
}

/* A short read: residual count and incorrect length, as the guest sees. */
static void test_residual_and_sense(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;

	/* RDC with count 80 (64 available), SLI: residual 16. */
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_SLI, 80, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 8, 16);
	/* Without SLI: incorrect length. */
	vl_ccw1(g, PROG, 0x64, 0, 80, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_INCORR_LEN);
	assert_int_equal(irb.scsw.count, 16);
	/* Locate Record without Define Extent: unit check, and the sense
	 * comes concurrently in the ECW. */
	vl_lr(g, PARM, 0x06, 1, 2, 1, 4096);
	vl_ccw1(g, PROG, 0x47, CCW_FLAG_CC, 16, PARM);
	vl_ccw1(g, PROG + 8, 0x86, 0, 4096, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
	assert_true(irb.scsw.flags & SCSW_FLAGS_ECTL);
	assert_true(irb.esw.erw & ESW_ERW_CONS);
	assert_int_equal((irb.esw.erw & ESW_ERW_SCNT) >> ESW_ERW_SCNT_SHIFT, 32);
	assert_int_equal(irb.ecw[0], 0x80);           /* command reject */
	assert_true(irb.scsw.ctrl & SCSW_STCTL_ALERT);
	assert_int_equal(vl_dev_state(f->h.dev[0].p), VCC_STATE_IDLE);
}

/* ---- HSCH / CSCH interrupt a running program ---- */

static void test_halt_clear(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	struct css_irb irb;

	vl_loop_prog(g);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	assert_int_equal(vl_dev_state(p), VCC_STATE_CP_PENDING);
	/* CP_PENDING: any io region request is busy (QEMU: cc 2). */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EBUSY);
	assert_int_equal(vl_io_write(g, SCSW_FCTL_HALT, 0, 0, 0), -EBUSY);
	assert_false(vl_signalled(g->io_efd));
	vl_wait_running(g);
	/* The CCW address is the guest's: inside the loop. */
	vl_halt_loop(g, &irb);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	/* IDLE: halt and clear are not for the io region. */
	assert_int_equal(vl_io_write(g, SCSW_FCTL_HALT, 0, 0, 0), -EOPNOTSUPP);
	assert_int_equal(vl_io_write(g, SCSW_FCTL_CLEAR, 0, 0, 0), -EOPNOTSUPP);
	/* HSCH again on the idle subchannel: halt status alone. */
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_HSCH), 8);
	assert_int_equal(vl_wait_irb(g, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_HALT | SCSW_STCTL_STATUS_PEND);

	/* Clear a running program. */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	vl_wait_running(g);
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_CSCH), 8);
	assert_int_equal(vl_wait_irb(g, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.cpa, 0);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	assert_int_equal(vl_async(g, 4), -EINVAL);
	/* The device works after all that. */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 8, 0);
}

/* ---- STSCH and channel-path events ---- */

static void test_schib_and_crw(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_schib s;
	struct css_crw crw;
	struct css_irb irb;

	assert_int_equal(vl_schib(g, &s), 0);
	assert_int_equal(s.pmcw.devno, 0x2b00);
	assert_int_equal(s.pmcw.pim, 0xc0);
	assert_int_equal(s.pmcw.pam, 0xc0);
	assert_int_equal(s.pmcw.chpid[0], VL_CHP_A);
	assert_int_equal(s.pmcw.chpid[1], VL_CHP_B);
	assert_true(s.pmcw.flags & PMCW_FLAGS_ENA);
	assert_int_equal(vl_crw(g, &crw), -ENOENT);

	/* Vary 41 off: PAM follows at once, a CRW arrives. */
	assert_int_equal(css_chp_vary(f->h.css, VL_CHP_B, false), 0);
	assert_int_equal(vl_wait(g, g->crw_efd, VL_WAIT_MS), 0);
	assert_int_equal(vl_crw(g, &crw), 0);
	assert_int_equal(crw.rsc, CRW_RSC_CHP);
	assert_int_equal(crw.erc, CRW_ERC_PERRN);
	assert_int_equal(crw.rsid, VL_CHP_B);
	assert_int_equal(vl_crw(g, &crw), -ENOENT);    /* QEMU's loop ends */
	assert_int_equal(vl_schib(g, &s), 0);
	assert_int_equal(s.pmcw.pam, 0x80);
	/* I/O still works on the other path. */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 8, 0);
	assert_int_equal(irb.esw.sublog >> 16 & 0xff, 0x80);

	/* Both off: START is accepted, ends with deferred cc 3. */
	assert_int_equal(css_chp_vary(f->h.css, VL_CHP_A, false), 0);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_int_equal((irb.scsw.flags & SCSW_FLAGS_CC) >> SCSW_FLAGS_CC_SHIFT,
			 3);
	assert_true(irb.scsw.ctrl & SCSW_STCTL_ALERT);
	assert_int_equal(vl_dev_state(f->h.dev[0].p), VCC_STATE_IDLE);

	/* Both on again: two CRWs (initialized), read until zero. */
	assert_int_equal(css_chp_vary(f->h.css, VL_CHP_A, true), 0);
	assert_int_equal(css_chp_vary(f->h.css, VL_CHP_B, true), 0);
	assert_int_equal(vl_wait(g, g->crw_efd, VL_WAIT_MS), 0);
	assert_int_equal(vl_crw(g, &crw), 0);
	assert_int_equal(crw.erc, CRW_ERC_PERRN);      /* A's vary off */
	assert_int_equal(crw.rsid, VL_CHP_A);
	assert_int_equal(vl_crw(g, &crw), 0);
	assert_int_equal(crw.erc, CRW_ERC_INIT);
	assert_int_equal(crw.rsid, VL_CHP_A);
	assert_int_equal(vl_crw(g, &crw), 0);
	assert_int_equal(crw.erc, CRW_ERC_INIT);
	assert_int_equal(crw.rsid, VL_CHP_B);
	assert_int_equal(vl_crw(g, &crw), -ENOENT);
	assert_int_equal(vl_schib(g, &s), 0);
	assert_int_equal(s.pmcw.pam, 0xc0);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 8, 0);
}

/* ---- reset, FSM states over the wire ---- */

static void test_reset_running(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	struct css_irb irb;
	int ret;

	vl_loop_prog(g);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	assert_int_equal(vfu_client_reset(g->c), 0);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	/* Until the clear has been performed a start is busy; then the
	 * device is as new and the old program's status never shows. */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF);
	TEST_WAIT_UNTIL((ret = vl_ssch(g, VL_ORB_LINUX, 0xff, PROG)) != -EBUSY);
	assert_int_equal(ret, 124);
	assert_int_equal(vl_wait_irb(g, &irb), 0);
	assert_final_ok(&irb, PROG + 8, 0);
	assert_false(vl_signalled(g->io_efd));
}

static void test_states_over_the_wire(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;

	/* STANDBY (closed behind the client's back): -EIO. */
	vcc_fsm_lock(p);
	vcc_fsm_event(p, VCC_EVENT_CLOSE);
	vcc_fsm_unlock(p);
	assert_int_equal(vl_dev_state(p), VCC_STATE_STANDBY);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EIO);
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_CSCH), -EIO);
	/* Reset from STANDBY: CLOSE there is NOT_OPER (as Linux). */
	assert_int_equal(vfu_client_reset(g->c), -EINVAL);
	assert_int_equal(vl_dev_state(p), VCC_STATE_NOT_OPER);
	/* NOT_OPER: -EIO, reset -EINVAL, STSCH still answers. */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EIO);
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_HSCH), -EIO);
	assert_int_equal(vfu_client_reset(g->c), -EINVAL);
	{
		struct css_schib s;

		assert_int_equal(vl_schib(g, &s), 0);
	}
}

/* ---- the client goes away ---- */

static void test_client_vanishes(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	struct css_irb irb;

	vl_loop_prog(g);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	vl_guest_close(g);                 /* mid-I/O */
	assert_int_equal(vl_guest_reconnect(g, vcc_mdev_socket(p), vl_mem_mode), 0);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	vl_ccw1(g, PROG, 0xe4, CCW_FLAG_SLI, 40, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_int_equal(g->mem[BUF], 0xff);
	assert_write_read(g, 6, 1, VL_IDA2_4K, VL_DIRECT, 9);
}

/* An unmap of memory the program uses resets the device (as Linux). */
static void test_unmap_in_use(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	struct css_irb irb;
	int ret;

	vl_loop_prog(g);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	assert_int_equal(vfu_client_dma_unmap(g->c, 0, VL_MEM_SIZE), 0);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	/* Without memory a start cannot fetch its program. */
	TEST_WAIT_UNTIL((ret = vl_ssch(g, VL_ORB_LINUX, 0xff, PROG)) != -EBUSY);
	assert_int_equal(ret, -EFAULT);
	assert_int_equal(vfu_client_dma_map(g->c, 0, VL_MEM_SIZE,
					    VFU_DMA_READ | VFU_DMA_WRITE,
					    g->memfd, 0, g->mem), 0);
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_final_ok(&irb, PROG + 8, 0);
	assert_false(vl_signalled(g->io_efd));
}

/*
 * Memory unmapped and other memory mapped at the same addresses: a
 * program's data reaches the new memory, not the old mapping (nothing
 * the daemon kept of the old region outlives the unmap).
 */
static void test_remap_other_memory(void **state)
{
	static uint8_t want[8 * 4096];
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;
	uint8_t *mem2;
	void *hold;
	uint16_t c0;
	int fd2;

	if (vl_mem_mode != VL_MEMFD)
		skip();
	assert_write_read(g, 2, 1, VL_IDA2_4K, VL_IDA2_4K, 7);
	vl_fill(want, sizeof(want), 7);
	fd2 = memfd_create("vcc-guest-2", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_true(fd2 >= 0);
	assert_int_equal(ftruncate(fd2, VL_MEM_SIZE), 0);
	assert_int_equal(fcntl(fd2, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	mem2 = mmap(NULL, VL_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		    0);
	assert_true(mem2 != MAP_FAILED);
	c0 = vl_block_prog(g, false, 2, 1, 8, BUF2, VL_IDA2_4K);
	memcpy(mem2, g->mem, VL_MEM_SIZE);            /* the same program */
	memset(mem2 + BUF2, 0xaa, sizeof(want));
	memset(g->mem + BUF2, 0x55, sizeof(want));
	assert_int_equal(vfu_client_dma_unmap(g->c, 0, VL_MEM_SIZE), 0);
	/* The server (this process) may map the new memory where the old
	   was: hold the address space it freed, inaccessible, so that a
	   copy through a stale pointer faults instead of landing right. */
	hold = mmap(NULL, 4 * VL_MEM_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(hold != MAP_FAILED);
	assert_int_equal(vfu_client_dma_map(g->c, 0, VL_MEM_SIZE,
					    VFU_DMA_READ | VFU_DMA_WRITE, fd2,
					    0, mem2), 0);
	vl_run(g, c0, PROG, &irb);
	assert_final_ok(&irb, PROG + 16 + 64, 0);
	assert_memory_equal(mem2 + BUF2, want, sizeof(want));
	for (size_t i = 0; i < sizeof(want); i++)
		assert_int_equal(g->mem[BUF2 + i], 0x55);
	assert_int_equal(vfu_client_dma_unmap(g->c, 0, VL_MEM_SIZE), 0);
	assert_int_equal(vfu_client_dma_map(g->c, 0, VL_MEM_SIZE,
					    VFU_DMA_READ | VFU_DMA_WRITE,
					    g->memfd, 0, g->mem), 0);
	munmap(hold, 4 * VL_MEM_SIZE);
	munmap(mem2, VL_MEM_SIZE);
	close(fd2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_device_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bringup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_io, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefault_first_touch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_residual_and_sense, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_halt_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schib_and_crw, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset_running, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_states_over_the_wire, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_client_vanishes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unmap_in_use, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_remap_other_memory, setup,
						teardown),
	};
	return vl_run_mem_groups(tests, sizeof(tests) / sizeof(*tests));
}
