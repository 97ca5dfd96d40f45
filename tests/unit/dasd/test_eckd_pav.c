/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A base 3390 and three HyperPAV aliases in one logical control unit
 * (SSID 002b, base unit address 09, aliases 0a-0c, as in the research
 * note hyperpav.md), each on its own subchannel of the real channel
 * subsystem: what Linux 6.1 reads from an alias (RCD, features, unit
 * address configuration), the Prefix programs dasd_eckd builds once
 * Prefix is announced (block I/O, format, format check) on the base and
 * on aliases, the checks of a Prefix and the sense of a base the alias
 * cannot verify; and with the subchannels' worker threads: reads of one
 * track on base and aliases at the same time, writes of one track one
 * program after the other and never torn, a program waiting for another's
 * tracks cleared, and (fake image) the durability of exactly what each
 * program wrote; (real image) programs of base and aliases that end
 * together share one fdatasync (group commit). Also the harness's
 * h_detach / h_attach with aliases.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "common/log.h"
#include "cp_check.h"
#include "cp_util.h"
#include "css/css_arch.h"
#include "test_wait.h"
#ifdef ECKD_FAKE_IMAGE
#include "fake_image.h"
#else
#include <unistd.h>

#include "image/ckd_image.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"
#endif

#define SSID    0x002b
#define LSS     0x2b
#define BASE_UA 0x09
#define NALIAS  3
#define CYLS    4

/* Prefix validity bytes as prefix_LRE() sets them. */
#define V_READ      0x80
#define V_WRITE     0xc0   /* + time stamp valid */
#define V_HYPERPAV  0x30   /* verify base + HyperPAV */

static struct harness *new_lcu(bool threaded, enum ckd_null_format nf)
{
	struct ckd_geometry g = t_geo(CYLS);
	struct error err;
	struct ckd_image *img = ckd_image_new_mem(&g, nf, &err);
	struct harness *h;

	assert_non_null(img);
	h = threaded ? h_new_threaded(img, SSID, BASE_UA)
		     : h_new(img, SSID, BASE_UA);
	assert_non_null(h);
	for (int i = 1; i <= NALIAS; i++)
		assert_int_equal(h_add_alias(h, (uint8_t)(BASE_UA + i)), i);
	return h;
}

/* The sense Linux takes as "base / alias binding changed". */
static void want_base_alias(const struct tresult *r)
{
	want_check(r, 0, 0x10, 0x00, 0x0f);
	assert_int_equal(r->sense[8], 0x67);
}

/* Block I/O as dasd_eckd_build_cp_cmd_single builds it with Prefix, on
 * device dev (0 the base, else an alias), 4 KB blocks >= 24. */
static struct tresult pfx_block_io(struct harness *h, int dev, uint32_t block,
				   int nblk, uint8_t *buf, bool write)
{
	uint32_t first = block / 12, last = (block + (uint32_t)nblk - 1) / 12;
	uint8_t de[16], pfx[64], lr[16];
	struct tccw p[2 + 24];
	int n = 0;

	t_de(de, write ? 0x80 : 0x40, 0xc0, first, last, write ? 0x0a : 0);
	t_pfx(pfx, 0, (write ? V_WRITE : V_READ) | (dev ? V_HYPERPAV : 0),
	      BASE_UA, LSS, de, NULL);
	t_lr(lr, write ? 0x01 : 0x06, 0x80, (uint8_t)nblk, first,
	     (uint8_t)(block % 12 + 1), 4096);
	p[n++] = t_ccw(0xe7, H_CC, 64, pfx);
	p[n++] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < nblk; i++)
		p[n++] = t_ccw(write ? 0x85 : 0x86, H_CC | H_IDA, 4096,
			       buf + (size_t)i * 4096);
	p[n - 1].flags &= (uint8_t)~H_CC;
	return run_on(h, dev, p, n);
}

/* Two-command programs: PSF order 18 with suborder so + RSSD of count. */
static struct tresult prssd(struct harness *h, int dev, uint8_t so,
			    uint8_t *buf, uint16_t count)
{
	uint8_t psf[12] = { 0x18 };
	struct tccw p[2];

	psf[6] = so;
	p[0] = t_ccw(0x27, H_CC, 12, psf);
	p[1] = t_ccw(0x3e, 0, count, buf);
	return run_on(h, dev, p, 2);
}

static struct tresult one(struct harness *h, int dev, uint8_t cmd,
			  uint8_t flags, uint16_t count, void *buf)
{
	struct tccw p = t_ccw(cmd, flags, count, buf);

	return run_on(h, dev, &p, 1);
}

/* ---- identification ---- */

static void test_alias_identification(void **state)
{
	static const uint8_t senseid[12] = {
		0xff, 0x39, 0x90, 0xe9, 0x33, 0x90, 0x0e, 0x00,
		0x40, 0xfa, 0x01, 0x00,
	};
	static const uint8_t serial[12] = {    /* "000000002B09" EBCDIC */
		0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,
		0xf0, 0xf0, 0xf2, 0xc2, 0xf0, 0xf9,
	};
	struct harness *h = new_lcu(false, CKD_NULL_LINUX);
	uint8_t buf[512], rdc[2][64], rcd[2][256], uac[2][512];
	struct tresult r;

	(void)state;
	for (int dev = 0; dev <= 1; dev++) {
		memset(buf, 0, sizeof(buf));
		r = one(h, dev, 0xe4, H_SLI, 40, buf);
		want_ok(&r, 0);
		assert_memory_equal(buf, senseid, sizeof(senseid));
		r = one(h, dev, 0x64, 0, 64, rdc[dev]);
		want_ok(&r, 0);
		r = one(h, dev, 0xfa, 0, 256, rcd[dev]);
		want_ok(&r, 0);
		memset(buf, 0xaa, 256);
		r = prssd(h, dev, 0x41, buf, 256);
		want_ok(&r, 1);
		/* Prefix, Read Track Data, Write Track Data. */
		for (int i = 0; i < 256; i++)
			assert_int_equal(buf[i], i == 8 ? 0x01 : i == 9 ? 0x20 :
					 i == 12 ? 0x40 : 0x00);
		r = prssd(h, dev, 0x0e, uac[dev], 512);
		want_ok(&r, 1);
	}
	/* The alias's RDC is its base's (its "New DASD" line). */
	assert_memory_equal(rdc[0], rdc[1], 64);
	/* NED: the LCU's serial and LSS, each device's unit address. */
	for (int dev = 0; dev <= 1; dev++) {
		assert_memory_equal(rcd[dev] + 18, serial, 12);
		assert_int_equal(rcd[dev][30], LSS);
		assert_int_equal(rcd[dev][31], BASE_UA + dev);
		assert_int_equal(ld_be16(rcd[dev] + 224 + 8), SSID);
		/* SNEQ (record 5): 01 base, 03 HyperPAV alias. */
		assert_int_equal(rcd[dev][160], 0x40);
		assert_int_equal(ld_be16(rcd[dev] + 162), 0x0001);
		assert_int_equal(rcd[dev][168], dev ? 0x03 : 0x01);
		assert_int_equal(rcd[dev][169], 0x00);
	}
	/* One unit address configuration for the LCU, whoever is asked. */
	assert_memory_equal(uac[0], uac[1], 512);
	for (int i = 0; i < 512; i++) {
		uint8_t want = 0;

		if (i == 2 * BASE_UA)
			want = 0x01;
		else if (i >= 2 * (BASE_UA + 1) && i <= 2 * (BASE_UA + NALIAS) &&
			 !(i & 1))
			want = 0x03;
		assert_int_equal(uac[0][i], want);
	}
	h_free(h);
}

/* What dasd_eckd_check_characteristics sends to an alias going online:
 * no PSF 1D, no ESE queries (skipped for uid type 03); the LCU update's
 * PSF 0E may come on the alias. (research note, table 1.1) */
static void test_alias_bringup(void **state)
{
	struct harness *h = new_lcu(false, CKD_NULL_LINUX);
	uint8_t buf[512], pg[12];
	struct tccw p[1];
	struct tresult r;

	(void)state;
	for (int dev = 1; dev <= NALIAS; dev++) {
		r = one(h, dev, 0xe4, H_SLI, 40, buf);
		want_ok(&r, 0);
		for (uint8_t lpm = 0x80; lpm >= 0x40; lpm >>= 1) {
			p[0] = t_ccw(0x34, 0, 12, pg);
			assert_int_equal(h_run_on(h, dev, p, 1, lpm, &r), 0);
			want_ok(&r, 0);
			assert_int_equal(pg[0], 0x00);      /* reset */
			memset(pg, 0, sizeof(pg));
			pg[0] = 0x80;                       /* establish, MP */
			pg[1] = (uint8_t)dev;
			p[0] = t_ccw(0xaf, 0, 12, pg);
			assert_int_equal(h_run_on(h, dev, p, 1, lpm, &r), 0);
			want_ok(&r, 0);
		}
		for (int round = 0; round < 2; round++)
			for (uint8_t lpm = 0x80; lpm >= 0x40; lpm >>= 1) {
				p[0] = t_ccw(0xfa, 0, 256, buf);
				assert_int_equal(h_run_on(h, dev, p, 1, lpm,
							  &r), 0);
				want_ok(&r, 0);
				assert_int_equal(buf[31], BASE_UA + dev);
				assert_int_equal(buf[168], 0x03);
			}
		r = one(h, dev, 0x64, 0, 64, buf);
		want_ok(&r, 0);
		r = prssd(h, dev, 0x41, buf, 256);
		want_ok(&r, 1);
		r = prssd(h, dev, 0x0e, buf, 512);
		want_ok(&r, 1);
		assert_int_equal(buf[2 * (BASE_UA + dev)], 0x03);
	}
	h_free(h);
}

/* ---- Prefix programs ---- */

static void test_prefix_block_io(void **state)
{
	struct harness *h = new_lcu(false, CKD_NULL_LINUX);
	uint8_t *out = malloc(8 * 4096), *in = malloc(8 * 4096);
	struct tresult r;

	(void)state;
	/* Written through an alias, read through the base and another
	 * alias; and the other way round. */
	fill(out, 8 * 4096, 1);
	r = pfx_block_io(h, 1, 30, 8, out, true);
	want_ok(&r, 9);
	memset(in, 0, 8 * 4096);
	r = pfx_block_io(h, 0, 30, 8, in, false);
	want_ok(&r, 9);
	assert_memory_equal(in, out, 8 * 4096);
	memset(in, 0, 8 * 4096);
	r = pfx_block_io(h, 3, 30, 8, in, false);
	want_ok(&r, 9);
	assert_memory_equal(in, out, 8 * 4096);

	fill(out, 8 * 4096, 2);
	r = pfx_block_io(h, 0, 100, 8, out, true);
	want_ok(&r, 9);
	memset(in, 0, 8 * 4096);
	r = pfx_block_io(h, 2, 100, 8, in, false);
	want_ok(&r, 9);
	assert_memory_equal(in, out, 8 * 4096);
	free(out);
	free(in);
	h_free(h);
}

/* dasdfmt through an alias (dasd_eckd_build_format with Prefix), then
 * the format check (dasd_eckd_build_check: Prefix format 01, LRE read
 * count 50, 50 Read Counts) through another. */
static void test_prefix_format_and_check(void **state)
{
	const uint32_t first = 15, last = 17;
	struct harness *h = new_lcu(false, CKD_NULL_R0);
	uint8_t de[16], pfx[64], lr[16], cnt[36][8], got[50][8];
	struct tccw p[2 + 50];
	struct tresult r;
	int n = 0;

	(void)state;
	t_de(de, 0x00, 0xc4, first, last, 0x0e);   /* R0 perm, time stamp */
	t_pfx(pfx, 0, V_WRITE | V_HYPERPAV, BASE_UA, LSS, de, NULL);
	t_lr(lr, 0x03, 0x80, 36, first, 0, 4096);
	p[n++] = t_ccw(0xe7, H_CC, 64, pfx);
	p[n++] = t_ccw(0x47, H_CC, 16, lr);
	for (uint32_t t = first; t <= last; t++)
		for (int i = 0; i < 12; i++) {
			uint8_t *c = cnt[(t - first) * 12 + (uint32_t)i];

			t_count(c, t, (uint8_t)(i + 1), 0, 4096);
			p[n++] = t_ccw(i == 0 && t != first ? 0x9d : 0x1d,
				       H_SLI | H_CC, 8, c);
		}
	p[n - 1].flags &= (uint8_t)~H_CC;
	r = run_on(h, 1, p, n);
	want_ok(&r, n - 1);

	t_de(de, 0x40, 0xc4, 16, 16, 0);
	t_lr(lr, 0x06, 0x00, 50, 16, 0, 0);
	lr[13] = 0;                                 /* sector 0 */
	t_pfx(pfx, 1, V_READ | V_HYPERPAV, BASE_UA, LSS, de, lr);
	n = 0;
	p[n++] = t_ccw(0xe7, H_CC, 64, pfx);
	for (int i = 0; i < 50; i++)
		p[n++] = t_ccw(0x12, H_SLI | H_CC, 8, got[i]);
	p[n - 1].flags &= (uint8_t)~H_CC;
	r = run_on(h, 2, p, n);
	want_ok(&r, n - 1);
	/* Records 1-12 of track 16, then again from record 1. */
	for (int i = 0; i < 50; i++)
		assert_memory_equal(got[i], cnt[12 + i % 12], 8);
	h_free(h);
}

static void test_prefix_checks(void **state)
{
	struct harness *h = new_lcu(false, CKD_NULL_LINUX);
	uint8_t de[16], pfx[64], lr[16], data[4096];
	struct tccw p[3];
	struct tresult r;

	(void)state;
	t_de(de, 0x40, 0xc0, 2, 2, 0);
	t_lr(lr, 0x06, 0x80, 1, 2, 1, 4096);
#define PFX_RUN(dev, mutate)                                               \
	do {                                                               \
		t_pfx(pfx, 0, V_READ | ((dev) ? V_HYPERPAV : 0), BASE_UA,   \
		      LSS, de, NULL);                                      \
		mutate;                                                    \
		p[0] = t_ccw(0xe7, H_CC, 64, pfx);                         \
		p[1] = t_ccw(0x47, H_CC, 16, lr);                          \
		p[2] = t_ccw(0x86, 0, 4096, data);                         \
		r = run_on(h, (dev), p, 3);                                \
	} while (0)

	/* Well-formed, base and alias. */
	PFX_RUN(0, (void)0);
	want_ok(&r, 2);
	PFX_RUN(1, (void)0);
	want_ok(&r, 2);
	/* Count below 64: command reject, count too small. */
	p[0] = t_ccw(0xe7, H_SLI, 63, pfx);
	r = run_on(h, 0, p, 1);
	want_check(&r, 0, 0x80, 0x00, 0x03);
	/* Malformed: invalid parameter, base or alias. */
	for (int dev = 0; dev <= 1; dev++) {
		PFX_RUN(dev, pfx[0] = 2);
		want_check(&r, 0, 0x80, 0x00, 0x04);
		PFX_RUN(dev, pfx[1] &= 0x7f);           /* no Define Extent */
		want_check(&r, 0, 0x80, 0x00, 0x04);
		PFX_RUN(dev, pfx[1] |= 0x01);           /* reserved bit */
		want_check(&r, 0, 0x80, 0x00, 0x04);
		PFX_RUN(dev, pfx[3] = 1);               /* aux */
		want_check(&r, 0, 0x80, 0x00, 0x04);
		PFX_RUN(dev, pfx[9] = 1);               /* reserved byte */
		want_check(&r, 0, 0x80, 0x00, 0x04);
		PFX_RUN(dev, pfx[44] = 0x06);           /* LRE in format 0 */
		want_check(&r, 0, 0x80, 0x00, 0x04);
		PFX_RUN(dev, (pfx[0] = 1, memcpy(pfx + 44, lr, 16),
			      pfx[61] = 0x11));         /* extended operation */
		want_check(&r, 0, 0x80, 0x00, 0x04);
		PFX_RUN(dev, pfx[12] |= 0x20);          /* DE mask reserved */
		want_check(&r, 0, 0x80, 0x00, 0x04);
	}
	/* On the base: the base must be the device itself, no alias bits. */
	PFX_RUN(0, pfx[1] |= V_HYPERPAV);
	want_check(&r, 0, 0x80, 0x00, 0x04);
	PFX_RUN(0, pfx[2] = BASE_UA + 1);
	want_check(&r, 0, 0x80, 0x00, 0x04);
	PFX_RUN(0, pfx[4] = LSS + 1);
	want_check(&r, 0, 0x80, 0x00, 0x04);
	/* On an alias: verify base + HyperPAV, a base of this LCU, its LSS;
	 * otherwise the sense that makes Linux reload the alias and redo
	 * the request on the base. */
	PFX_RUN(1, pfx[1] = V_READ);
	want_base_alias(&r);
	PFX_RUN(1, pfx[1] = V_READ | 0x20);            /* static PAV */
	want_base_alias(&r);
	PFX_RUN(1, pfx[2] = BASE_UA + 2);              /* an alias */
	want_base_alias(&r);
	PFX_RUN(1, pfx[2] = 0x42);                     /* nothing there */
	want_base_alias(&r);
	PFX_RUN(1, pfx[4] = LSS + 1);
	want_base_alias(&r);
	/* Linux's retry on the base after such an error: the same program
	 * with validity bits 20 and 10 cleared. */
	PFX_RUN(0, pfx[1] = V_READ);
	want_ok(&r, 2);

	/* Sequence: Prefix replaces Define Extent, one of either. */
	t_pfx(pfx, 0, V_READ, BASE_UA, LSS, de, NULL);
	p[0] = t_ccw(0xe7, H_CC, 64, pfx);
	p[1] = t_ccw(0x63, H_CC, 16, de);
	r = run_on(h, 0, p, 2);
	want_check(&r, 1, 0x80, 0x00, 0x02);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0xe7, H_CC, 64, pfx);
	r = run_on(h, 0, p, 2);
	want_check(&r, 1, 0x80, 0x00, 0x02);
#undef PFX_RUN
	h_free(h);
}

/* An alias has no volume until a Prefix names its base. */
static void test_alias_without_prefix(void **state)
{
	static const uint8_t cmds[] = { 0x63, 0x47, 0x07, 0x13, 0x02, 0x06,
					0x86, 0x12, 0x31, 0x05, 0x1d };
	struct harness *h = new_lcu(false, CKD_NULL_LINUX);
	uint8_t buf[64] = { 0 };
	struct tresult r;

	(void)state;
	for (size_t i = 0; i < sizeof(cmds); i++) {
		r = one(h, 2, cmds[i], H_SLI, 16, buf);
		want_check(&r, 0, 0x80, 0x00, 0x02);
	}
	r = one(h, 2, 0x03, 0, 0, NULL);
	want_ok(&r, 0);
	/* Reset Summary Unit Check (count 16, SLI, byte 0 the reason):
	 * nothing to reset, accepted on base and aliases. */
	buf[0] = 0x80;
	r = one(h, 2, 0xf9, H_SLI, 16, buf);
	want_ok(&r, 0);
	r = one(h, 0, 0xf9, H_SLI, 16, buf);
	want_ok(&r, 0);
	/* Reserve, Release, Unconditional Reserve: the base's alone. */
	for (size_t i = 0; i < 3; i++) {
		uint8_t cmd = i == 0 ? 0xb4 : i == 1 ? 0x94 : 0x14;

		r = one(h, 2, cmd, H_SLI, 32, buf);
		want_check(&r, 0, 0x80, 0x00, 0x01);
		r = one(h, 0, cmd, H_SLI, 32, buf);
		want_ok(&r, 0);
	}
	/* The base reserved: an alias's Sense Path Group ID shows none (cio
	 * would call an alias reserved elsewhere boxed). */
	memset(buf, 0xaa, 12);
	r = one(h, 2, 0x34, H_SLI, 12, buf);
	want_ok(&r, 0);
	assert_int_equal(buf[0] & 0x30, 0);
	r = one(h, 0, 0x94, H_SLI, 32, buf);
	want_ok(&r, 0);
	h_free(h);
}

/* ---- with the subchannels' worker threads ---- */

/* Events of the programs, seen by the harness's hook. */
struct events {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int seq;
	unsigned int at[H_MAX_DEVS][24];     /* seq of command index i */
	unsigned int ended[H_MAX_DEVS];      /* seq of the last end */
	/* A gate: device gate_dev stops before command gate_index until
	 * open (or the deadline: timed_out). */
	int gate_dev, gate_index;
	bool gated, open, timed_out;
};

static void ev_init(struct events *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
	deadline_cond_init(&e->cond);
	e->gate_dev = -1;
}

static void ev_fini(struct events *e)
{
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
}

static void hook(int dev, int index, uint8_t cmd, void *arg)
{
	struct events *e = arg;

	(void)cmd;
	pthread_mutex_lock(&e->lock);
	if (index < 0)
		e->ended[dev] = ++e->seq;
	else if (index < 24)
		e->at[dev][index] = ++e->seq;
	if (dev == e->gate_dev && index == e->gate_index) {
		struct timespec until = deadline_ms(TEST_WAIT_MS);

		e->gated = true;
		pthread_cond_broadcast(&e->cond);
		while (!e->open && !e->timed_out)
			if (pthread_cond_timedwait(&e->cond, &e->lock,
						   &until) == ETIMEDOUT)
				e->timed_out = true;
	}
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

/* Wait until pred(e, arg) holds (or the deadline). */
static bool ev_wait(struct events *e, bool (*pred)(struct events *, int),
		    int arg)
{
	struct timespec until = deadline_ms(TEST_WAIT_MS);
	bool ok;

	pthread_mutex_lock(&e->lock);
	while (!(ok = pred(e, arg)) &&
	       pthread_cond_timedwait(&e->cond, &e->lock, &until) != ETIMEDOUT)
		;
	ok = pred(e, arg);
	pthread_mutex_unlock(&e->lock);
	return ok;
}

static bool is_gated(struct events *e, int unused)
{
	(void)unused;
	return e->gated;
}

static bool has_started(struct events *e, int dev)
{
	return e->at[dev][0] != 0;
}

static void ev_open(struct events *e)
{
	pthread_mutex_lock(&e->lock);
	e->open = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

/* A whole track (12 x 4 KB, blocks 12 trk ...) through Prefix on dev. */
static struct tccw *track_prog(int dev, uint32_t trk, bool write,
			       uint8_t *buf, uint8_t pfx[64], uint8_t lr[16])
{
	static __thread struct tccw p[14];
	uint8_t de[16];

	t_de(de, write ? 0x80 : 0x40, 0xc0, trk, trk, write ? 0x0a : 0);
	t_pfx(pfx, 0, (write ? V_WRITE : V_READ) | (dev ? V_HYPERPAV : 0),
	      BASE_UA, LSS, de, NULL);
	t_lr(lr, write ? 0x01 : 0x06, 0x80, 12, trk, 1, 4096);
	p[0] = t_ccw(0xe7, H_CC, 64, pfx);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < 12; i++)
		p[2 + i] = t_ccw(write ? 0x85 : 0x86, i < 11 ? H_CC : 0, 4096,
				 buf + (size_t)i * 4096);
	return p;
}

/*
 * Reads of one track on the base and three aliases at the same time: the
 * base's program stops inside its extent (before its first Read) until
 * the aliases' programs, reading the same track, have ended. Were reads
 * serialised, they could not end, and the gate would time out.
 */
static void test_parallel_reads(void **state)
{
	struct harness *h = new_lcu(true, CKD_NULL_LINUX);
	uint8_t *data = malloc(12 * 4096), *in[1 + NALIAS];
	uint8_t pfx[1 + NALIAS][64], lr[1 + NALIAS][16];
	struct tccw *p[1 + NALIAS];
	struct events e;
	struct tresult r;

	(void)state;
	ev_init(&e);
	fill(data, 12 * 4096, 7);
	r = pfx_block_io(h, 0, 12 * 20, 12, data, true);
	want_ok(&r, 13);
	e.gate_dev = 0;
	e.gate_index = 2;
	h_set_hook(h, hook, &e);
	for (int dev = 0; dev <= NALIAS; dev++) {
		in[dev] = calloc(12, 4096);
		p[dev] = malloc(14 * sizeof(struct tccw));
		memcpy(p[dev], track_prog(dev, 20, false, in[dev], pfx[dev],
					  lr[dev]), 14 * sizeof(struct tccw));
	}
	assert_int_equal(h_start_on(h, 0, p[0], 14, 0x80), 0);
	assert_true(ev_wait(&e, is_gated, 0));
	for (int dev = 1; dev <= NALIAS; dev++)
		assert_int_equal(h_start_on(h, dev, p[dev], 14, 0x80), 0);
	for (int dev = 1; dev <= NALIAS; dev++) {
		assert_int_equal(h_wait_on(h, dev, &r), 0);
		want_ok(&r, 13);
	}
	ev_open(&e);
	assert_int_equal(h_wait_on(h, 0, &r), 0);
	want_ok(&r, 13);
	assert_false(e.timed_out);
	for (int dev = 0; dev <= NALIAS; dev++) {
		assert_memory_equal(in[dev], data, 12 * 4096);
		free(in[dev]);
		free(p[dev]);
	}
	h_set_hook(h, NULL, NULL);
	ev_fini(&e);
	free(data);
	h_free(h);
}

/*
 * Two programs writing one track, on the base and on an alias: the
 * alias's Prefix is issued while the base's program is in the middle of
 * the track; it is granted only after the base's program ended, and the
 * track holds the alias's twelve records, not a mixture.
 */
static void test_same_track_writes_serialise(void **state)
{
	struct harness *h = new_lcu(true, CKD_NULL_LINUX);
	uint8_t *a = malloc(12 * 4096), *b = malloc(12 * 4096);
	uint8_t *in = calloc(12, 4096);
	uint8_t pfx[2][64], lr[2][16];
	struct tccw pa[14], pb[14];
	struct events e;
	struct tresult r;

	(void)state;
	ev_init(&e);
	fill(a, 12 * 4096, 11);
	fill(b, 12 * 4096, 12);
	memcpy(pa, track_prog(0, 25, true, a, pfx[0], lr[0]), sizeof(pa));
	memcpy(pb, track_prog(1, 25, true, b, pfx[1], lr[1]), sizeof(pb));
	e.gate_dev = 0;
	e.gate_index = 5;                   /* after three of its writes */
	h_set_hook(h, hook, &e);
	assert_int_equal(h_start_on(h, 0, pa, 14, 0x80), 0);
	assert_true(ev_wait(&e, is_gated, 0));
	assert_int_equal(h_start_on(h, 1, pb, 14, 0x80), 0);
	assert_true(ev_wait(&e, has_started, 1));   /* Prefix issued */
	ev_open(&e);
	assert_int_equal(h_wait_on(h, 0, &r), 0);
	want_ok(&r, 13);
	assert_int_equal(h_wait_on(h, 1, &r), 0);
	want_ok(&r, 13);
	assert_false(e.timed_out);
	/* The alias's Locate Record came after the base's program ended. */
	assert_true(e.at[1][1] > e.ended[0]);
	h_set_hook(h, NULL, NULL);
	r = pfx_block_io(h, 2, 12 * 25, 12, in, false);
	want_ok(&r, 13);
	assert_memory_equal(in, b, 12 * 4096);
	ev_fini(&e);
	free(a);
	free(b);
	free(in);
	h_free(h);
}

/* ---- writers and a reader of one track, many times over ---- */

#define TORN_ROUNDS 40
#define TORN_TRACK  33

struct torn_job {
	struct harness *h;
	int dev;
	bool write;
	int bad;                      /* reads that saw a mixed track */
};

/* Record i of a track written by writer w in round n. */
static void torn_pattern(uint8_t *buf, int w, int n)
{
	for (int i = 0; i < 12; i++) {
		memset(buf + (size_t)i * 4096, w * 64 + n, 4096);
		buf[(size_t)i * 4096] = (uint8_t)i;
	}
}

/* All twelve records from one writer and round (or all untouched). */
static bool uniform(const uint8_t *buf)
{
	for (int i = 0; i < 12; i++)
		if (buf[(size_t)i * 4096 + 1] != buf[1] ||
		    (buf[1] && buf[(size_t)i * 4096] != i))
			return false;
	return true;
}

static void *torn_worker(void *arg)
{
	struct torn_job *j = arg;
	uint8_t *buf = malloc(12 * 4096), pfx[64], lr[16];
	struct tresult r;

	for (int n = 1; n <= TORN_ROUNDS; n++) {
		struct tccw *p;

		if (j->write)
			torn_pattern(buf, j->dev, n);
		else
			memset(buf, 0, 12 * 4096);
		p = track_prog(j->dev, TORN_TRACK, j->write, buf, pfx, lr);
		if (h_run_on(j->h, j->dev, p, 14, 0x80, &r) ||
		    r.dstat != OK_STAT) {
			j->bad++;
			continue;
		}
		if (!j->write && !uniform(buf))
			j->bad++;
	}
	free(buf);
	return NULL;
}

static void test_no_torn_track(void **state)
{
	struct harness *h = new_lcu(true, CKD_NULL_LINUX);
	struct torn_job jobs[3] = {
		{ .h = h, .dev = 0, .write = true },
		{ .h = h, .dev = 1, .write = true },
		{ .h = h, .dev = 2, .write = false },
	};
	uint8_t *in = calloc(12, 4096);
	pthread_t t[3];
	struct tresult r;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, torn_worker,
						&jobs[i]), 0);
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(jobs[i].bad, 0);
	}
	r = pfx_block_io(h, 3, 12 * TORN_TRACK, 12, in, false);
	want_ok(&r, 13);
	assert_true(uniform(in));
	assert_true(in[1] == 0 * 64 + TORN_ROUNDS ||
		    in[1] == 1 * 64 + TORN_ROUNDS);
	free(in);
	h_free(h);
}

/*
 * An alias's program waiting for tracks the base's program holds is
 * ended by CLEAR SUBCHANNEL; the base's program goes on, and the alias
 * works again afterwards (it holds nothing).
 */
static void test_clear_while_waiting(void **state)
{
	struct harness *h = new_lcu(true, CKD_NULL_LINUX);
	uint8_t *a = malloc(12 * 4096), *b = malloc(12 * 4096);
	uint8_t pfx[2][64], lr[2][16];
	struct tccw pa[14], pb[14];
	struct events e;
	struct tresult r;

	(void)state;
	ev_init(&e);
	fill(a, 12 * 4096, 21);
	fill(b, 12 * 4096, 22);
	memcpy(pa, track_prog(0, 40, true, a, pfx[0], lr[0]), sizeof(pa));
	memcpy(pb, track_prog(1, 40, true, b, pfx[1], lr[1]), sizeof(pb));
	e.gate_dev = 0;
	e.gate_index = 3;
	h_set_hook(h, hook, &e);
	assert_int_equal(h_start_on(h, 0, pa, 14, 0x80), 0);
	assert_true(ev_wait(&e, is_gated, 0));
	assert_int_equal(h_start_on(h, 1, pb, 14, 0x80), 0);
	assert_true(ev_wait(&e, has_started, 1));
	assert_int_equal(h_clear_on(h, 1), 0);
	assert_int_equal(h_wait_on(h, 1, &r), 0);
	assert_true(r.cleared);
	assert_int_equal(e.at[1][1], 0);            /* never got further */
	ev_open(&e);
	assert_int_equal(h_wait_on(h, 0, &r), 0);
	want_ok(&r, 13);
	assert_false(e.timed_out);
	h_set_hook(h, NULL, NULL);
	memcpy(pb, track_prog(1, 40, true, b, pfx[1], lr[1]), sizeof(pb));
	r = run_on(h, 1, pb, 14);
	want_ok(&r, 13);
	ev_fini(&e);
	free(a);
	free(b);
	h_free(h);
}

/*
 * h_detach / h_attach (what fuzz_eckd does per input), synchronous and
 * threaded: the new base has none of the old aliases, its aliases are
 * numbered from 1 again, and nothing the old volume held is read back.
 */
static void test_detach_attach(void **state)
{
	struct ckd_geometry g = t_geo(CYLS);
	uint8_t *out = malloc(4 * 4096), *in = malloc(4 * 4096);
	uint8_t uac[512];
	struct tresult r;

	(void)state;
	for (int threaded = 0; threaded <= 1; threaded++) {
		struct harness *h = new_lcu(threaded, CKD_NULL_LINUX);

		fill(out, 4 * 4096, 41);
		r = pfx_block_io(h, 2, 30, 4, out, true);
		want_ok(&r, 5);
		h_detach(h);
		assert_int_equal(h_attach(h, ckd_image_new_mem(&g,
						CKD_NULL_LINUX, NULL)), 0);
		assert_int_equal(h_add_alias(h, BASE_UA + 1), 1);
		r = prssd(h, 1, 0x0e, uac, 512);
		want_ok(&r, 1);
		assert_int_equal(uac[2 * (BASE_UA + 1)], 0x03);
		assert_int_equal(uac[2 * (BASE_UA + 2)], 0x00);
		memset(in, 0xaa, 4 * 4096);
		r = pfx_block_io(h, 1, 30, 4, in, false);
		want_ok(&r, 5);
		for (size_t i = 0; i < 4 * 4096; i++)
			assert_int_equal(in[i], 0);
		h_free(h);
	}
	free(out);
	free(in);
}

#ifdef ECKD_FAKE_IMAGE
/*
 * The end of a program makes durable what it wrote, and only that: while
 * the base's program has written half of track 9, an alias's program
 * writes track 5 and ends (track 5 written back, one sync, track 9 not
 * touched), a read program on another alias ends without a write or a
 * sync; then the base's program ends (track 9 written, a second sync).
 */
static void test_durability_per_program(void **state)
{
	struct harness *h = new_lcu(true, CKD_NULL_LINUX);
	struct ckd_image *img = h_test_image(h);
	uint8_t *a = malloc(12 * 4096), *b = malloc(12 * 4096);
	uint8_t *c = calloc(12, 4096);
	uint8_t pfx[3][64], lr[3][16];
	struct tccw pa[14], pb[14], pc[14];
	struct events e;
	struct tresult r;

	(void)state;
	ev_init(&e);
	fill(a, 12 * 4096, 31);
	fill(b, 12 * 4096, 32);
	memcpy(pa, track_prog(0, 9, true, a, pfx[0], lr[0]), sizeof(pa));
	memcpy(pb, track_prog(1, 5, true, b, pfx[1], lr[1]), sizeof(pb));
	memcpy(pc, track_prog(2, 20, false, c, pfx[2], lr[2]), sizeof(pc));
	e.gate_dev = 0;
	e.gate_index = 8;                   /* six records written */
	h_set_hook(h, hook, &e);
	assert_int_equal(h_start_on(h, 0, pa, 14, 0x80), 0);
	assert_true(ev_wait(&e, is_gated, 0));
	r = run_on(h, 1, pb, 14);
	want_ok(&r, 13);
	assert_int_equal(fake_image_track_writes(img, 5), 1);
	assert_int_equal(fake_image_track_writes(img, 9), 0);
	assert_int_equal(fake_image_syncs(img), 1);
	r = run_on(h, 2, pc, 14);
	want_ok(&r, 13);
	assert_int_equal(fake_image_writes(img), 1);
	assert_int_equal(fake_image_syncs(img), 1);
	ev_open(&e);
	assert_int_equal(h_wait_on(h, 0, &r), 0);
	want_ok(&r, 13);
	assert_int_equal(fake_image_track_writes(img, 9), 1);
	assert_int_equal(fake_image_writes(img), 2);
	assert_int_equal(fake_image_syncs(img), 2);
	assert_false(e.timed_out);
	h_set_hook(h, NULL, NULL);
	ev_fini(&e);
	free(a);
	free(b);
	free(c);
	h_free(h);
}
#else
/* ---- group commit: fdatasyncs counted and held (the ckd_io seam) ---- */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_closed;
static unsigned int gate_syncs, gate_held;

static int gated_fdatasync(int fd)
{
	pthread_mutex_lock(&gate_mu);
	gate_syncs++;
	gate_held++;
	pthread_cond_broadcast(&gate_cond);
	while (gate_closed)
		pthread_cond_wait(&gate_cond, &gate_mu);
	gate_held--;
	pthread_mutex_unlock(&gate_mu);
	return fdatasync(fd);
}

static const struct ckd_io_ops gated_io = {
	.pread = pread, .pwrite = pwrite, .fdatasync = gated_fdatasync,
	.ftruncate = ftruncate,
};

static void gate_set(bool closed)
{
	pthread_mutex_lock(&gate_mu);
	gate_closed = closed;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_mu);
}

static unsigned int gate_count(unsigned int *held)
{
	unsigned int n;

	pthread_mutex_lock(&gate_mu);
	n = gate_syncs;
	if (held)
		*held = gate_held;
	pthread_mutex_unlock(&gate_mu);
	return n;
}

static bool one_held(void)
{
	unsigned int held;

	gate_count(&held);
	return held == 1;
}

/*
 * Group commit, on a CCKD file: the base's write program ends and its
 * fdatasync is held; meanwhile each alias runs a write program of a track
 * of its own, which commits and waits for durability. Once the held
 * fdatasync returns, one more covers all three: four programs, two
 * fdatasyncs. The data is there after a reopen.
 */
static void test_group_commit(void **state)
{
	char dir[] = "/tmp/eckd-pav-XXXXXX", path[64];
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD,
					.layout = CKD_INIT_CDL,
					.volser = "PAV001" };
	struct ckd_geometry g = t_geo(CYLS);
	uint8_t *data[1 + NALIAS], *in = calloc(12, 4096);
	uint8_t pfx[1 + NALIAS][64], lr[1 + NALIAS][16];
	struct tccw p[1 + NALIAS][14];
	struct ckd_image *img;
	struct harness *h;
	struct tresult r;
	struct error err;
	unsigned int held;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v.cckd", dir);
	assert_int_equal(ckd_image_create(path, &g, &opt, &err), 0);
	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	h = h_new_threaded(img, SSID, BASE_UA);
	assert_non_null(h);
	for (int i = 1; i <= NALIAS; i++)
		assert_int_equal(h_add_alias(h, (uint8_t)(BASE_UA + i)), i);
	for (int dev = 0; dev <= NALIAS; dev++) {
		data[dev] = malloc(12 * 4096);
		fill(data[dev], 12 * 4096, 40u + (uint32_t)dev);
		memcpy(p[dev], track_prog(dev, 30u + (uint32_t)dev, true,
					  data[dev], pfx[dev], lr[dev]),
		       sizeof(p[dev]));
	}
	ckd_io = &gated_io;
	gate_set(true);
	assert_int_equal(h_start_on(h, 0, p[0], 14, 0x80), 0);
	assert_true(TEST_WAIT_UNTIL(one_held()));
	for (int dev = 1; dev <= NALIAS; dev++)
		assert_int_equal(h_start_on(h, dev, p[dev], 14, 0x80), 0);
	/* The three aliases' programs have committed and wait for the
	   flush in flight; none of them has started one of its own. */
	assert_true(TEST_WAIT_UNTIL(ckd_image_durable_waiters(img) == NALIAS));
	assert_int_equal(gate_count(&held), 1);
	assert_int_equal(held, 1);
	gate_set(false);
	for (int dev = 0; dev <= NALIAS; dev++) {
		assert_int_equal(h_wait_on(h, dev, &r), 0);
		want_ok(&r, 13);
	}
	assert_int_equal(gate_count(NULL), 2);
	ckd_io = &ckd_io_libc;
	h_free(h);

	img = ckd_image_open(path, CKD_OPEN_RDONLY, &err);
	assert_non_null(img);
	for (int dev = 0; dev <= NALIAS; dev++) {
		size_t len;
		uint8_t *trk = malloc(g.trksize);

		assert_int_equal(ckd_image_read_track(img, 30u + (uint32_t)dev,
						      trk, g.trksize, &len), 0);
		/* record 1's data follows HA (5), R0 (8 + 8) and its count */
		assert_memory_equal(trk + 5 + 16 + 8, data[dev], 4096);
		free(trk);
		free(data[dev]);
	}
	ckd_image_close(img);
	free(in);
	unlink(path);
	rmdir(dir);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_identification),
		cmocka_unit_test(test_alias_bringup),
		cmocka_unit_test(test_prefix_block_io),
		cmocka_unit_test(test_prefix_format_and_check),
		cmocka_unit_test(test_prefix_checks),
		cmocka_unit_test(test_alias_without_prefix),
		cmocka_unit_test(test_parallel_reads),
		cmocka_unit_test(test_same_track_writes_serialise),
		cmocka_unit_test(test_no_torn_track),
		cmocka_unit_test(test_clear_while_waiting),
		cmocka_unit_test(test_detach_attach),
#ifdef ECKD_FAKE_IMAGE
		cmocka_unit_test(test_durability_per_program),
#else
		cmocka_unit_test(test_group_commit),
#endif
	};

	log_set_level(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
