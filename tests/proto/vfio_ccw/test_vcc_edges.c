/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_ccw edge cases over the wire, against the in-process live ccwpassd
 * (vcc_live.h) driven by the real vfio-user client, in every guest-memory
 * mode:
 * - the skip flag executed: reads with skip (alone, data-chained, in a
 *   block read, with a data address outside the map) run through the
 *   translator and the channel subsystem: CE+DE, the residual count, guest
 *   memory untouched where skipped;
 * - START / HALT meeting a busy (cc 2) or status-pending (cc 1) host
 *   subchannel: -EBUSY, state IDLE, no program kept;
 * - DMA unmap while a program runs: of memory it does not use (nothing
 *   happens, the program runs on until halted) and of memory it uses
 *   (reset, as Linux; nothing is written there after the unmap returned);
 * - the client going away while the server waits for its reply to a
 *   DMA_WRITE (DMA-message mode only): no hang, the next client finds the
 *   device idle without a stale IRB, and block I/O works;
 * - a client that never mapped guest memory: START is -EFAULT (no CCW can
 *   be fetched), nothing changes.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "test_wait.h"
#include "vcc_live.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"
#include "vfio_user/vfu_client.h"
#include "vfio_user/vfu_proto.h"

#define PROG  VL_PROG
#define BUF   VL_BUF
#define BUF2  VL_BUF2
#define END   VL_MEM_SIZE
#define SPLIT (2u << 20)          /* test_unmap_*: two DMA regions */
#define BUF3  (SPLIT + 0x10000u)  /* data in the upper region */

static int setup(void **state)
{
	*state = vl_fix_new(false);
	return 0;
}

/* After every test: canaries intact, the device idle and working. */
static int teardown(void **state)
{
	/* Not VL_FIX_NO_MESSAGES: unmapping memory a running program uses
	 * (test_unmap_used) takes the client address away first, so a copy
	 * then in flight asks by message, as designed. */
	vl_fix_free(*state, VL_FIX_CHECK_IO);
	return 0;
}

static bool has_program(struct vcc_private *p)
{
	bool b;

	vcc_fsm_lock(p);
	b = p->cp.initialized;
	vcc_fsm_unlock(p);
	return b;
}

static void assert_all(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			fail_msg("byte %zu is %02x, not %02x", i, p[i], v);
}

/* ---- the skip flag, executed ---- */

static void test_skip(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	uint8_t rdc[64];
	struct css_irb irb;

	/* The reference: Read Device Characteristics, 64 bytes. */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF + 0x1000);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 8, 0));
	memcpy(rdc, g->mem + BUF + 0x1000, sizeof(rdc));
	assert_int_equal(ld_be16(rdc), 0x3990);

	/* With skip: the same end, count used up, nothing stored. */
	memset(g->mem + BUF, 0xee, 256);
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_SKIP, 64, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 8, 0));
	assert_all(g->mem + BUF, 256, 0xee);
	/* ... with SLI and a longer count: residual 16, still nothing. */
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_SKIP | CCW_FLAG_SLI, 80, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 8, 16));
	assert_all(g->mem + BUF, 256, 0xee);
	/* A skipped data area need not be mapped (nothing is pinned). */
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_SKIP, 64, END);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 8, 0));

	/* Data chaining: the first 32 bytes skipped, the rest stored. */
	memset(g->mem + BUF2, 0xee, 64);
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_SKIP | CCW_FLAG_CD, 32, BUF);
	vl_ccw1(g, PROG + 8, 0x64, 0, 32, BUF2);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 16, 0));
	assert_all(g->mem + BUF, 256, 0xee);
	assert_memory_equal(g->mem + BUF2, rdc + 32, 32);
	assert_all(g->mem + BUF2 + 32, 32, 0xee);
	/* ... and the other way round: stored, then skipped. */
	memset(g->mem + BUF2, 0xee, 64);
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_CD, 32, BUF2);
	vl_ccw1(g, PROG + 8, 0x64, CCW_FLAG_SKIP, 32, BUF);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 16, 0));
	assert_memory_equal(g->mem + BUF2, rdc, 32);
	assert_all(g->mem + BUF2 + 32, 32, 0xee);
	assert_all(g->mem + BUF, 256, 0xee);
}

/* dasd_eckd's block read with the first record skipped. */
static void test_skip_block(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	static uint8_t want[2 * 4096];
	struct css_irb irb;
	uint16_t c0;

	vl_fill(want, sizeof(want), 77);
	memcpy(g->mem + BUF, want, sizeof(want));
	c0 = vl_block_prog(g, true, 7, 1, 2, BUF, VL_DIRECT);
	vl_run(g, c0, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 32, 0));

	for (int a = VL_DIRECT; a <= VL_IDA1_2K; a++) {
		memset(g->mem + BUF2, 0xee, sizeof(want));
		c0 = vl_block_prog(g, false, 7, 1, 2, BUF2, (enum vl_addr)a);
		g->mem[PROG + 16 + 1] |= CCW_FLAG_SKIP;   /* the 1st read */
		vl_run(g, c0, PROG, &irb);
		assert_true(vl_final_ok(&irb, PROG + 32, 0));
		assert_all(g->mem + BUF2, 4096, 0xee);
		assert_memory_equal(g->mem + BUF2 + 4096, want + 4096, 4096);
	}
}

/* ---- cc 1 / cc 2 on the host subchannel ---- */

static uint8_t host_prog[0x1000];

/*
 * START and HALT through the regions while the host subchannel is busy
 * with a program vfio_ccw did not start (cc 2), then status pending with
 * its halt status (cc 1): -EBUSY, state IDLE, nothing translated, no IRB.
 * vfio_ccw's css callbacks are taken away meanwhile, or they would collect
 * the status at once.
 */
static void test_busy_cc(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	struct css_subchannel *sch = f->h.dev[0].sch;
	const uint16_t active = SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE;
	struct css_orb orb = { .ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH,
			       .lpm = 0x80, .cpa = 0x100 };
	struct css_flatmem hm;
	struct css_schib s;
	struct css_irb irb;

	css_flatmem_init(&hm, host_prog, sizeof(host_prog));
	st_be64(host_prog + 0x100, 0x0360000100000000ull);   /* NOP, CC+SLI */
	st_be64(host_prog + 0x108, 0x0800000000000100ull);   /* TIC 0x100 */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF);

	css_sch_set_handlers(sch, NULL, NULL, NULL);
	assert_int_equal(css_ssch(sch, &orb, &hm.mem), 0);
	assert_true(TEST_WAIT_UNTIL(css_stsch(sch, &s) == 0 &&
				    (s.scsw.ctrl & active) == active));
	/* cc 2: start function active. */
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EBUSY);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	assert_false(has_program(p));

	/* cc 1: the host program halted, its status pending. */
	assert_int_equal(css_hsch(sch), 0);
	assert_true(TEST_WAIT_UNTIL(css_stsch(sch, &s) == 0 &&
				    (s.scsw.ctrl & SCSW_STCTL_STATUS_PEND)));
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EBUSY);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	assert_false(has_program(p));
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_HSCH), -EBUSY);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	assert_false(vl_signalled(g->io_efd));

	/* The status is still the host program's, then vfio_ccw's again. */
	assert_int_equal(css_tsch(sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL,
			 SCSW_FCTL_START | SCSW_FCTL_HALT);
	vcc_sch_attach(p);
	vl_run(g, VL_ORB_LINUX, PROG, &irb);
	assert_true(vl_final_ok(&irb, PROG + 8, 0));
	assert_false(vl_signalled(g->io_efd));
}

/* ---- DMA unmap while a program runs ---- */

static void map(struct vl_guest *g, uint64_t iova, uint64_t size)
{
	assert_int_equal(vfu_client_dma_map(g->c, iova, size,
					    VFU_DMA_READ | VFU_DMA_WRITE,
					    g->memfd, iova, g->mem + iova), 0);
}

static void split_map(struct vl_guest *g)
{
	assert_int_equal(vfu_client_dma_unmap(g->c, 0, END), 0);
	map(g, 0, SPLIT);
	map(g, SPLIT, END - SPLIT);
}

static void join_map(struct vl_guest *g)
{
	assert_int_equal(vfu_client_dma_unmap(g->c, 0, SPLIT), 0);
	assert_int_equal(vfu_client_dma_unmap(g->c, SPLIT, END - SPLIT), 0);
	map(g, 0, END);
}

/* Memory the program does not use goes: the program runs on. */
static void test_unmap_unrelated(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	struct css_irb irb;

	split_map(g);
	vl_loop_prog(g);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	vl_wait_running(g);
	assert_int_equal(vfu_client_dma_unmap(g->c, SPLIT, END - SPLIT), 0);
	assert_int_equal(vl_dev_state(p), VCC_STATE_CP_PENDING);
	assert_true(has_program(p));
	assert_false(vl_signalled(g->io_efd));
	vl_wait_running(g);
	/* Halting it gives the halt status of the running program. */
	vl_halt_loop(g, &irb);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	assert_false(has_program(p));
	map(g, SPLIT, END - SPLIT);
	join_map(g);
}

/*
 * Memory the program writes to goes: the device is reset (as Linux's
 * vfio_ccw_dma_unmap), the program cleared without status for the guest,
 * and not one byte reaches that memory after the unmap returned.
 */
static void test_unmap_used(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	struct css_irb irb;
	int ret;

	split_map(g);
	/* Read Device Characteristics into the upper region, forever. */
	vl_ccw1(g, PROG, 0x64, CCW_FLAG_CC, 64, BUF3);
	vl_ccw1(g, PROG + 8, 0x08, 0, 0, PROG);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), 124);
	vl_wait_running(g);
	assert_int_equal(vfu_client_dma_unmap(g->c, SPLIT, END - SPLIT), 0);
	memset(g->mem + SPLIT, 0x5a, END - SPLIT);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	/* The clear may be outstanding a moment: START is busy until then. */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF);
	TEST_WAIT_UNTIL((ret = vl_ssch(g, VL_ORB_LINUX, 0xff, PROG)) != -EBUSY);
	assert_int_equal(ret, 124);
	assert_int_equal(vl_wait_irb(g, &irb), 0);
	assert_true(vl_final_ok(&irb, PROG + 8, 0));
	assert_false(vl_signalled(g->io_efd));     /* no status of the old */
	assert_false(has_program(p));
	assert_all(g->mem + SPLIT, END - SPLIT, 0x5a);
	/* The upper region cannot be reached any more. */
	vl_ccw1(g, PROG, 0x64, 0, 64, BUF3);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	map(g, SPLIT, END - SPLIT);
	join_map(g);
}

/* ---- the client goes away during a DMA_WRITE ---- */

/*
 * Answer the server's DMA requests until the next one is a DMA_WRITE,
 * which is left unanswered. The socket is peeked, never read past a
 * message, so the client's own reader stays at a message boundary.
 */
static void serve_until_dma_write(struct vl_guest *g)
{
	struct timespec until = deadline_in_ms(CLOCK_MONOTONIC, TEST_WAIT_MS);
	int fd = vfu_client_fd(g->c);

	while (!test_deadline_passed(&until)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint8_t hdr[64];
		ssize_t n;

		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = recv(fd, hdr, sizeof(hdr), MSG_PEEK | MSG_DONTWAIT);
		assert_true(n > 0);
		if (n < VFU_HDR_SIZE) {
			test_pause();              /* the rest is on its way */
			continue;
		}
		if (ld_he16(hdr + 2) == VFU_CMD_DMA_WRITE)
			return;
		assert_int_equal(ld_he16(hdr + 2), VFU_CMD_DMA_READ);
		if ((size_t)n < ld_he32(hdr + 4)) {
			test_pause();              /* not all there yet */
			continue;
		}
		assert_int_equal(vfu_client_service(g->c, 0), 1);
	}
	fail_msg("no DMA_WRITE came");
}

static void test_vanish_during_dma_write(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct vcc_private *p = f->h.dev[0].p;
	uint8_t region[VCC_IO_REGION_SIZE];
	uint16_t c0;

	if (vl_mem_mode != VL_MESSAGES)
		skip();              /* only DMA messages have a reply to wait for */
	c0 = vl_block_prog(g, false, 2, 1, 8, BUF2, VL_DIRECT);
	assert_int_equal(vl_ssch(g, c0, 0xff, PROG), 124);
	serve_until_dma_write(g);
	assert_int_equal(vl_dev_state(p), VCC_STATE_CP_PENDING);
	vl_guest_close(g);             /* the DMA_WRITE is never answered */

	assert_int_equal(vl_guest_reconnect(g, vcc_mdev_socket(p), vl_mem_mode), 0);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	assert_false(has_program(p));
	/* No stale IRB: nothing signalled, the IRB area is empty. */
	assert_false(vl_signalled(g->io_efd));
	assert_int_equal(vfu_client_region_read(g->c, VCC_REGION_IO, 0, region,
						sizeof(region)),
			 (int)sizeof(region));
	assert_all(region + VCC_IO_IRB_OFF, CSS_IRB_SIZE, 0);
	assert_int_equal(vl_write_read(g, 2, 1, VL_DIRECT, VL_IDA2_4K, 31), 0);
	assert_false(vl_signalled(g->io_efd));
}

/* ---- a client without guest memory ---- */

/* Connect, IO eventfd, reset - but no DMA map at all. */
static void connect_nomap(struct vl_guest *g, const char *sock)
{
	struct vfu_client_opts o = { .process_vm = vl_mem_mode == VL_PROCESS_VM };
	struct error err = { 0 };
	int ret = -ECONNREFUSED;

	memset(g, 0, sizeof(*g));
	g->mode = vl_mem_mode;
	g->memfd = g->crw_efd = g->req_efd = -1;
	TEST_WAIT_UNTIL((ret = vfu_client_connect_opts(sock, &o, &g->c, &err)) !=
			-ECONNREFUSED);
	assert_int_equal(ret, 0);
	g->io_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(g->io_efd >= 0);
	assert_int_equal(vfu_client_set_irqs(g->c, VFIO_CCW_IO_IRQ_INDEX,
					     VFIO_IRQ_SET_DATA_EVENTFD |
					     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
					     &g->io_efd, 1, NULL), 0);
	assert_int_equal(vfu_client_reset(g->c), 0);
}

static void test_no_dma_map(void **state)
{
	struct vl_fix *f = *state;
	struct vcc_private *p = f->h.dev[0].p;
	struct vl_guest bare;

	vl_guest_close(&f->g);
	connect_nomap(&bare, vcc_mdev_socket(p));
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	/* No CCW can be fetched: -EFAULT (docs/vfio-ccw.md). */
	assert_int_equal(vl_ssch(&bare, VL_ORB_LINUX, 0xff, PROG), -EFAULT);
	assert_int_equal(vl_ssch(&bare, ORB_CTRL0_PFCH, 0xff, PROG), -EFAULT);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	assert_false(has_program(p));
	assert_false(vl_signalled(bare.io_efd));
	/* Requests without guest memory still work. */
	assert_int_equal(vl_async(&bare, VFIO_CCW_ASYNC_CMD_HSCH), 8);
	assert_int_equal(vl_wait(&bare, bare.io_efd, VL_WAIT_MS), 0);
	assert_int_equal(vl_dev_state(p), VCC_STATE_IDLE);
	vl_guest_close(&bare);
	assert_int_equal(vl_guest_reconnect(&f->g, vcc_mdev_socket(p),
					    vl_mem_mode), 0);
}

/* ---- a full disk and a guest that retries ---- */

static uint64_t frozen_ms(void)
{
	return 42;              /* the whole flood is one rate-limit interval */
}

static void count_line(int level, const char *msg, void *opaque)
{
	(*(int *)opaque)++;
}

/*
 * The image cannot grow (RLIMIT_FSIZE: every new track image fails with
 * EFBIG, as on a full disk) and the guest retries its write 500 times:
 * each ends in a unit check with equipment-check sense, and the log gets
 * a burst per message and subchannel, not a line per retry (issue 8:
 * 15,309 lines in 25 s).
 */
static void test_full_disk_log(void **state)
{
	struct vl_fix *f = *state;
	struct vl_guest *g = &f->g;
	struct rlimit old, lim;
	struct css_irb irb;
	int lines = 0;
	uint16_t ctrl0;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 0;                 /* no byte beyond what exists */
	signal(SIGXFSZ, SIG_IGN);
	log_set_clock(frozen_ms);
	log_set_sink(count_line, &lines);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (int i = 0; i < 500; i++) {
		vl_fill(g->mem + BUF, 4 * 4096, (uint32_t)i + 1);
		ctrl0 = vl_block_prog(g, true, 3, 1, 4, BUF, VL_IDA2_4K);
		vl_run(g, ctrl0, PROG, &irb);
		assert_true(irb.scsw.dstat & DEV_STAT_UNIT_CHECK);
		assert_true(irb.ecw[0] & 0x10);          /* equipment check */
	}
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	log_set_sink(NULL, NULL);
	log_set_clock(NULL);
	assert_true(lines >= 1);
	assert_true(lines <= 4 * LOG_RATELIMIT_BURST);
	/* Room again: the retry goes through. */
	assert_int_equal(vl_write_read(g, 3, 1, VL_IDA2_4K, VL_DIRECT, 77), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_skip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skip_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_busy_cc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_unrelated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unmap_used, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vanish_during_dma_write,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_disk_log, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_dma_map, setup,
						teardown),
	};
	return vl_run_mem_groups(tests, sizeof(tests) / sizeof(*tests));
}
