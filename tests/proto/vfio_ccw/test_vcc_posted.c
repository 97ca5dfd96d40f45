/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Posted starts over the wire (docs/vfio-ccw.md "Posted starts"), against
 * the in-process live ccwpassd (vcc_live.h), in every guest-memory mode:
 * - the capability is negotiated (the guest proposes it, as the preload
 *   library does);
 * - block writes and reads posted, as the preload library sends QEMU's
 *   START: the data arrives and comes back, each start ends with its IRB
 *   (over DMA messages too: the server asks for guest memory while no call
 *   waits);
 * - a start the server refuses is shown as QEMU would show the errno: a
 *   unit exception 8 past the program's address; the next start works;
 * - in order with calls: a schib read sent right after a posted start
 *   sees it running; a halt through the async region ends it;
 * - the trace marks posted starts.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_wait.h"
#include "vcc_live.h"
#include "vfio_ccw/vcc_region.h"
#include "vfio_user/vfu_client.h"

#define PROG  VL_PROG

static int setup(void **state)
{
	*state = vl_fix_new(true);
	return 0;
}

static int teardown(void **state)
{
	vl_fix_free(*state, VL_FIX_CHECK_IO | VL_FIX_NO_MESSAGES);
	return 0;
}

static void post_wait(struct vl_guest *g, uint16_t ctrl0, uint32_t cpa,
		      struct css_irb *irb)
{
	assert_int_equal(vl_post(g, ctrl0, 0xff, cpa), VCC_IO_REGION_SIZE);
	assert_int_equal(vl_wait_irb(g, irb), 0);
}

static void test_posted_block_io(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	const size_t len = 8 * 4096;
	struct css_irb irb;
	uint16_t ctrl0;

	assert_true(vfu_client_posted_write(g->c));
	for (uint32_t trk = 3; trk < 6; trk++) {
		vl_fill(g->mem + VL_BUF, len, trk);
		ctrl0 = vl_block_prog(g, true, trk, 1, 8, VL_BUF, VL_IDA2_4K);
		post_wait(g, ctrl0, PROG, &irb);
		assert_true(vl_final_ok(&irb, PROG + 16 + 64, 0));
		memset(g->mem + VL_BUF2, 0, len);
		ctrl0 = vl_block_prog(g, false, trk, 1, 8, VL_BUF2, VL_DIRECT);
		post_wait(g, ctrl0, PROG, &irb);
		assert_true(vl_final_ok(&irb, PROG + 16 + 64, 0));
		assert_memory_equal(g->mem + VL_BUF2, g->mem + VL_BUF, len);
	}
	assert_false(vl_signalled(g->io_efd));
}

static void test_posted_refused(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_irb irb;

	/* The program is not in the guest memory given to the device. */
	post_wait(g, VL_ORB_LINUX, VL_MEM_SIZE + 0x100, &irb);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_START | SCSW_ACTL_START_PEND |
			 SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY |
			 SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.cpa, VL_MEM_SIZE + 0x100 + 8);
	assert_int_equal(irb.scsw.dstat, DEV_STAT_UNIT_EXCEP);
	assert_false(vl_signalled(g->io_efd));
	/* Then a good one. */
	vl_ccw1(g, PROG, 0x64, 0, 64, VL_BUF);
	post_wait(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 8, 0));
}

static void test_posted_in_order(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_schib s;
	struct css_irb irb;
	char *text = NULL;
	size_t n = 0;
	FILE *fp;

	vl_loop_prog(g);
	assert_int_equal(vl_post(g, VL_ORB_LINUX, 0xff, PROG),
			 VCC_IO_REGION_SIZE);
	/* Handled after the start: the start function shows. */
	assert_int_equal(vl_schib(g, &s), 0);
	assert_int_equal(s.scsw.ctrl & SCSW_CTRL_FCTL, SCSW_FCTL_START);
	vl_wait_running(g);
	vl_halt_loop(g, &irb);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL,
			 SCSW_FCTL_START | SCSW_FCTL_HALT);

	fp = fopen(f->h.trace, "r");
	assert_non_null(fp);
	assert_true(getdelim(&text, &n, '\0', fp) > 0);
	fclose(fp);
	assert_non_null(strstr(text, " ssch intparm="));
	assert_non_null(strstr(text, " posted=1 ret=0\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_posted_block_io, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_posted_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_posted_in_order, setup,
						teardown),
	};
	return vl_run_mem_groups(tests, sizeof(tests) / sizeof(*tests));
}
