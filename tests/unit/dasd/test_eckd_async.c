/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 3390 on a CCKD file behind the channel subsystem's worker thread (no
 * CSS_F_SYNC), with HALT, CLEAR, TEST and STORE SUBCHANNEL coming from a
 * second thread at random moments while 4 KB block writes run - the way
 * vfio_ccw drives it (notify on the worker collects the IRB with TSCH).
 * Checks: every START gets exactly one final status (start, halt or clear
 * function), nothing hangs, and a block read after each program returns
 * the data of the last write that ended normally, or of an interrupted
 * one (never anything else); after closing and reopening the file, the
 * same. Meant to run under ThreadSanitizer too. Waits use condition
 * variables; nothing is timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sched.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"
#include "dasd/eckd.h"
#include "image/ckd_image.h"

#define ROUNDS    200
#define MEM_SIZE  (1u << 20)
#define CCW_AT    0x1000u
#define DATA_AT   0x10000u
#define NBLK      12              /* one track of 4 KB blocks */
#define TRK       3               /* blocks 36-47 */

struct rig {
	struct css *css;
	struct css_subchannel *sch;
	uint8_t *mem;
	struct css_flatmem fm;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct css_irb got[8];        /* final statuses of this round */
	int ngot;
	/* the disturbing thread */
	pthread_t thread;
	bool stop;
	bool go;                      /* one action requested */
	bool done;                    /* ... and performed */
	uint32_t rnd;
};

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static bool is_final(const struct css_scsw *s)
{
	uint16_t st = s->ctrl & SCSW_CTRL_STCTL;

	if (st & SCSW_STCTL_INTERMEDIATE)
		return false;
	return st & (SCSW_STCTL_PRIMARY | SCSW_STCTL_STATUS_PEND);
}

/* TSCH and record what it got, atomically for start()'s idle check. */
static void collect(struct rig *r)
{
	struct css_irb irb;

	pthread_mutex_lock(&r->lock);
	if (css_tsch(r->sch, &irb) == 0 && is_final(&irb.scsw)) {
		assert_true(r->ngot < 8);
		r->got[r->ngot++] = irb;
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void notify(struct css_subchannel *sch, void *opaque)
{
	(void)sch;
	collect(opaque);
}

/* HSCH / CSCH / TSCH / STSCH at a random moment, once per request. */
static void *disturb(void *arg)
{
	struct rig *r = arg;

	for (;;) {
		struct css_schib schib;
		unsigned int spin;

		pthread_mutex_lock(&r->lock);
		while (!r->go && !r->stop)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		r->go = false;
		spin = rnd(&r->rnd) % 3000;
		pthread_mutex_unlock(&r->lock);
		for (unsigned int i = 0; i < spin; i++)
			sched_yield();
		switch (rnd(&r->rnd) % 6) {
		case 0:
			css_hsch(r->sch);
			break;
		case 1:
			css_csch(r->sch);
			break;
		case 2:
			collect(r);     /* may take it before notify does */
			break;
		default:
			css_stsch(r->sch, &schib);
			break;
		}
		pthread_mutex_lock(&r->lock);
		r->done = true;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
}

static void put_ccw(struct rig *r, unsigned int i, uint8_t cmd, uint8_t flags,
		    uint16_t count, uint32_t cda)
{
	uint8_t *p = r->mem + CCW_AT + 8 * i;

	p[0] = cmd;
	p[1] = flags;
	st_be16(p + 2, count);
	st_be32(p + 4, cda);
}

/* DE + LR + 12 block reads or writes of track TRK. */
static void build(struct rig *r, bool write)
{
	uint8_t *de = r->mem + 0x800, *lr = r->mem + 0x900;

	memset(de, 0, 16);
	de[0] = write ? 0x80 : 0x40;
	de[1] = 0xc0;
	st_be16(de + 10, TRK);
	st_be16(de + 14, TRK);
	memset(lr, 0, 16);
	lr[0] = write ? 0x01 : 0x06;
	lr[1] = 0x80;
	lr[3] = NBLK;
	st_be16(lr + 6, TRK);
	st_be16(lr + 10, TRK);
	lr[12] = 1;
	st_be16(lr + 14, 4096);
	put_ccw(r, 0, 0x63, 0x40, 16, 0x800);
	put_ccw(r, 1, 0x47, 0x40, 16, 0x900);
	for (unsigned int i = 0; i < NBLK; i++)
		put_ccw(r, 2 + i, write ? 0x85 : 0x86,
			i + 1 < NBLK ? 0x40 : 0, 4096, DATA_AT + i * 4096);
}

static bool idle(struct rig *r)
{
	struct css_schib schib;

	assert_int_equal(css_stsch(r->sch, &schib), 0);
	return !(schib.scsw.ctrl & (SCSW_CTRL_FCTL | SCSW_STCTL_STATUS_PEND));
}

/*
 * START SUBCHANNEL on the idle subchannel, optionally with one disturbance
 * at a random moment (it may also land after the program ended), then wait
 * until the subchannel is idle again with every status collected. Returns
 * the final status of the start function, or a clear status that ended it
 * (*ended false: a clear replaced it). At most one start status and, when
 * there is none, a clear status: nothing lost, nothing twice.
 */
static struct css_irb start(struct rig *r, bool disturbance)
{
	struct css_orb orb = { .ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH,
			       .lpm = 0x80, .cpa = CCW_AT };
	struct css_irb res;
	int starts = 0, clears = 0;

	pthread_mutex_lock(&r->lock);
	r->ngot = 0;
	r->done = !disturbance;
	pthread_mutex_unlock(&r->lock);
	assert_int_equal(css_ssch(r->sch, &orb, &r->fm.mem), 0);
	pthread_mutex_lock(&r->lock);
	r->go = disturbance;
	pthread_cond_broadcast(&r->cond);
	while (!r->done || !idle(r))
		pthread_cond_wait(&r->cond, &r->lock);
	memset(&res, 0, sizeof(res));
	for (int i = 0; i < r->ngot; i++) {
		uint16_t fc = r->got[i].scsw.ctrl & SCSW_CTRL_FCTL;

		if (fc & SCSW_FCTL_START) {
			starts++;
			res = r->got[i];
		} else if (fc == SCSW_FCTL_CLEAR) {
			if (!clears++ && !starts)
				res = r->got[i];
		}
	}
	pthread_mutex_unlock(&r->lock);
	assert_true(starts <= 1);
	assert_true(starts == 1 || clears >= 1);
	return res;
}

static bool ended_normally(const struct css_irb *irb)
{
	return (irb->scsw.ctrl & SCSW_CTRL_FCTL) == SCSW_FCTL_START &&
	       irb->scsw.dstat == (DEV_STAT_CHN_END | DEV_STAT_DEV_END) &&
	       irb->scsw.cstat == 0 && irb->scsw.cpa == CCW_AT + 8 * (2 + NBLK);
}

static void pattern(uint8_t *p, uint32_t gen)
{
	for (unsigned int i = 0; i < NBLK * 4096; i += 4)
		st_be32(p + i, gen * 0x10000u + i / 4);
}

/* Which generation the block data is; 0 for a never-written track. */
static uint32_t generation(const uint8_t *p)
{
	uint32_t gen = ld_be32(p) / 0x10000u;
	static uint8_t want[NBLK * 4096];

	pattern(want, gen);
	return memcmp(p, want, sizeof(want)) ? UINT32_MAX : gen;
}

static void rig_init(struct rig *r, struct ckd_image *img)
{
	struct eckd_config cfg = { .image = img, .ssid = 1, .unit_addr = 2 };
	struct css_subchannel_config sc = {
		.schid = { 0, 0, 0x0010 }, .devno = { 0, 0, 0x1234 },
		.chpids = { 0x40 }, .pim = 0x80, .pam = 0x80, .pom = 0x80,
		.type = CSS_SCH_TYPE_IO,
	};
	struct css_schib schib;
	struct error err;

	memset(r, 0, sizeof(*r));
	r->rnd = 0x2545f491;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->mem = calloc(1, MEM_SIZE);
	assert_non_null(r->mem);
	css_flatmem_init(&r->fm, r->mem, MEM_SIZE);
	r->css = css_new(0);
	assert_non_null(r->css);
	assert_int_equal(css_add_chp(r->css, 0x40, CSS_CHP_TYPE_FC, &err), 0);
	sc.dev = eckd_device_new(&cfg, &err);
	assert_non_null(sc.dev);
	assert_int_equal(css_add_subchannel(r->css, &sc, &r->sch, &err), 0);
	css_sch_set_handlers(r->sch, notify, NULL, r);
	assert_int_equal(css_stsch(r->sch, &schib), 0);
	schib.pmcw.flags |= PMCW_FLAGS_ENA;
	schib.pmcw.chars |= PMCW_CHARS_CSENSE;
	assert_int_equal(css_msch(r->sch, &schib), 0);
	assert_int_equal(pthread_create(&r->thread, NULL, disturb, r), 0);
}

static void rig_fini(struct rig *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	css_free(r->css);             /* closes the image */
	free(r->mem);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
}

/* Read the track without disturbance; returns its generation. */
static uint32_t read_back(struct rig *r)
{
	struct css_irb irb;

	build(r, false);
	memset(r->mem + DATA_AT, 0, NBLK * 4096);
	irb = start(r, false);
	if (!ended_normally(&irb))
		fail_msg("read: fctl %04x dstat %02x cstat %02x",
			 irb.scsw.ctrl, irb.scsw.dstat, irb.scsw.cstat);
	return generation(r->mem + DATA_AT);
}

static void test_writes_with_halt_and_clear(void **state)
{
	char dir[] = "/tmp/eckd-async-XXXXXX", path[64];
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD,
					.layout = CKD_INIT_CDL,
					.volser = "ASYNC1" };
	struct ckd_geometry g = { .devtype = 0x3390, .cyls = 1, .heads = 15,
				  .trksize = 56832 };
	uint32_t good = 0, latest = 0, now;
	unsigned int normal = 0, stopped = 0;
	struct ckd_image *img;
	struct error err;
	struct rig r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vol.cckd", dir);
	assert_int_equal(ckd_image_create(path, &g, &opt, &err), 0);
	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	rig_init(&r, img);
	for (uint32_t gen = 1; gen <= ROUNDS; gen++) {
		struct css_irb irb;

		build(&r, true);
		pattern(r.mem + DATA_AT, gen);
		irb = start(&r, true);
		if (ended_normally(&irb)) {
			good = gen;
			normal++;
		} else {
			stopped++;
		}
		latest = gen;
		/* A stopped write may have written some blocks: the read
		   must see the last good write or a later one, block by
		   block; all 12 blocks from one write when it ended well. */
		now = read_back(&r);
		if (ended_normally(&irb))
			assert_int_equal(now, gen);
		else if (now == UINT32_MAX) {
			const uint8_t *p = r.mem + DATA_AT;

			for (unsigned int b = 0; b < NBLK; b++) {
				uint32_t bg = ld_be32(p + b * 4096) / 0x10000u;

				assert_true((bg == 0 && good == 0) ||
					    (bg >= good && bg <= latest));
			}
		} else {
			assert_true(now >= good && now <= latest);
		}
	}
	rig_fini(&r);
	/* Everything that ended normally was durable at its final status. */
	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	rig_init(&r, img);
	now = read_back(&r);
	assert_true(now == UINT32_MAX || (now >= good && now <= latest));
	rig_fini(&r);
	print_message("async: %u writes ended normally, %u were halted or "
		      "cleared\n", normal, stopped);
	assert_true(normal > 0);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes_with_halt_and_clear),
	};

	log_set_level(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
