/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel programs of Linux 6.1 (cio recognition, dasd_eckd bring-up,
 * analysis, dasdfmt, block I/O), the s390-ccw BIOS IPL and error cases,
 * run against a 3390 through harness.h (the real channel subsystem when
 * built with harness_css.c, a stand-in channel with harness_fake.c).
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

#include "common/log.h"
#include "cp_check.h"
#include "cp_util.h"
#include "css/css_arch.h"
#include "css/css_device.h"
#ifdef ECKD_FAKE_IMAGE
#include "fake_image.h"
#include "test_wait.h"
#endif

#define SSID 0x1234
#define UA 0x05
#define TRACKS(cyls) ((cyls) * T_HEADS)

static struct harness *new_dev(uint32_t cyls, enum ckd_null_format nf)
{
	struct ckd_geometry g = t_geo(cyls);
	struct error err;
	struct ckd_image *img = ckd_image_new_mem(&g, nf, &err);
	struct harness *h;

	assert_non_null(img);
	h = h_new(img, SSID, UA);
	assert_non_null(h);
	return h;
}

static struct tresult run(struct harness *h, const struct tccw *p, int n)
{
	struct tresult r;

	assert_int_equal(h_run(h, p, n, 0x80, &r), 0);
	/* One program, one end at the device, one final status. */
	assert_int_equal(r.ends, 1);
	assert_int_equal(r.statuses, 1);
	assert_true(r.final_status);
	return r;
}

/* ---- the dasdfmt procedure (dasd_eckd_build_format, intensity 8/C) ---- */

/* Format tracks first..last in one request; CDL rules for tracks 0/1. */
static void format_tracks(struct harness *h, uint32_t first, uint32_t last,
			  bool invalidate)
{
	uint32_t ntrk = last - first + 1;
	int n = 0, ncounts = invalidate ? 1 : (int)ntrk * 12;
	struct tccw *p = calloc((size_t)ncounts + 2, sizeof(*p));
	uint8_t (*cnt)[8] = calloc((size_t)ncounts, 8);
	uint8_t de[16], lr[16];
	struct tresult r;

	t_de(de, 0x00, 0xc4, first, last, invalidate ? 0 : 0x04);
	t_lr(lr, 0x03, 0x80, (uint8_t)ncounts, first, 0,
	     invalidate ? 8 : 4096);
	p[n++] = t_ccw(0x63, H_CC, 16, de);
	p[n++] = t_ccw(0x47, H_CC, 16, lr);
	if (invalidate) {
		t_count(cnt[0], first, 1, 0, 0);
		p[n++] = t_ccw(0x1d, H_SLI, 8, cnt[0]);
	}
	for (uint32_t j = 0; !invalidate && j < ntrk; j++) {
		uint32_t trk = first + j;

		for (int i = 0; i < 12; i++) {
			uint8_t *c = cnt[j * 12 + (uint32_t)i];
			uint8_t kl = 0;
			uint16_t dl = 4096;

			if (trk == 0 && i < 3) {
				static const uint16_t dls[3] = { 24, 144, 80 };

				kl = 4;
				dl = dls[i];
			} else if (trk == 1) {
				kl = 44;
				dl = 96;
			}
			t_count(c, trk, (uint8_t)(i + 1), kl, dl);
			p[n++] = t_ccw((i != 0 || j == 0) ? 0x1d : 0x9d,
				       H_SLI | H_CC, 8, c);
		}
	}
	p[n - 1].flags &= (uint8_t)~H_CC;
	r = run(h, p, n);
	want_ok(&r, n - 1);
	free(cnt);
	free(p);
}

static void dasdfmt_cdl(struct harness *h, uint32_t tracks)
{
	format_tracks(h, 0, 0, true);                   /* invalidate track 0 */
	for (uint32_t t = 1; t < tracks; t += 21)       /* 21 tracks a request */
		format_tracks(h, t, t + 20 < tracks ? t + 20 : tracks - 1,
			      false);
	format_tracks(h, 0, 0, false);                  /* revalidate track 0 */
}

/* ---- block I/O as build_cp_cmd_single does it (4 KB, blocks >= 24) ---- */

static struct tresult block_io(struct harness *h, uint32_t block, int nblk,
			       uint8_t *buf, bool write, uint8_t ccwflags)
{
	uint32_t first = block / 12, last = (block + (uint32_t)nblk - 1) / 12;
	struct tccw p[2 + 64];
	uint8_t de[16], lr[16];
	int n = 0;

	t_de(de, write ? 0x80 : 0x40, 0xc0, first, last, 0);
	t_lr(lr, write ? 0x01 : 0x06, 0x80, (uint8_t)nblk, first,
	     (uint8_t)(block % 12 + 1), 4096);
	p[n++] = t_ccw(0x63, H_CC, 16, de);
	p[n++] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < nblk; i++)
		p[n++] = t_ccw(write ? 0x85 : 0x86, H_CC | ccwflags, 4096,
			       buf + (size_t)i * 4096);
	p[n - 1].flags &= (uint8_t)~H_CC;
	return run(h, p, n);
}

/* One CDL special record of tracks 0-1 (0x8D / 0x8E with key + data). */
static struct tresult cdl_record_io(struct harness *h, uint32_t trk,
				    uint8_t rec, uint16_t len, uint8_t *buf,
				    bool write)
{
	uint8_t de[16], lr[16];
	struct tccw p[3];

	t_de(de, write ? 0x80 : 0x40, 0xc0, trk, trk, 0);
	t_lr(lr, write ? 0x01 : 0x06, 0x80, 1, trk, rec, len);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(write ? 0x8d : 0x8e, 0, len, buf);
	return run(h, p, 3);
}

/* ------------------------------------------------------------------ */

static void test_recognition_and_characteristics(void **state)
{
	static const uint8_t senseid[12] = {
		0xff, 0x39, 0x90, 0xe9, 0x33, 0x90, 0x0e, 0x00,
		0x40, 0xfa, 0x01, 0x00,
	};
	struct harness *h = new_dev(3, CKD_NULL_R0);
	uint8_t buf[512], pg[12], rcd[2][256], psf[66];
	struct tccw p[2];
	struct tresult r;

	(void)state;
	/* cio: Sense ID, count 40, SLI. */
	memset(buf, 0, sizeof(buf));
	p[0] = t_ccw(0xe4, H_SLI, 40, buf);
	r = run(h, p, 1);
	want_ok(&r, 0);
	assert_int_equal(r.residual, 28);
	assert_memory_equal(buf, senseid, 12);

	/* cio path grouping: SNID / SPID establish multipath per path. */
	for (int path = 0; path < H_NPATHS; path++) {
		uint8_t lpm = (uint8_t)(0x80 >> path);

		memset(buf, 0xaa, 12);
		p[0] = t_ccw(0x34, H_SLI, 12, buf);
		assert_int_equal(h_run(h, p, 1, lpm, &r), 0);
		want_ok(&r, 0);
		for (int i = 0; i < 12; i++)
			assert_int_equal(buf[i], 0);       /* reset */
		memset(pg, 0, sizeof(pg));
		pg[0] = 0x80;                              /* establish, MP */
		memcpy(pg + 1, "\x80\x00\x12\x34\x56\x20\x64\xde\xad\xbe\xef",
		       11);
		p[0] = t_ccw(0xaf, H_SLI, 12, pg);
		assert_int_equal(h_run(h, p, 1, lpm, &r), 0);
		want_ok(&r, 0);
		p[0] = t_ccw(0x34, H_SLI, 12, buf);
		assert_int_equal(h_run(h, p, 1, lpm, &r), 0);
		assert_int_equal(buf[0], 0xc8);            /* grouped + MP */
		assert_memory_equal(buf + 1, pg + 1, 11);
	}

	/* dasd_eckd_read_conf: RCD per path, 256 bytes, no SLI. */
	for (int path = 0; path < H_NPATHS; path++) {
		memset(rcd[path], 0, 256);
		memcpy(rcd[path], "\xe5\xf1\x4b\xf0", 4);  /* Linux's "V1.0" */
		p[0] = t_ccw(0xfa, 0, 256, rcd[path]);
		assert_int_equal(h_run(h, p, 1, (uint8_t)(0x80 >> path), &r),
				 0);
		want_ok(&r, 0);
		assert_int_equal(r.residual, 0);
		assert_int_equal(rcd[path][0] >> 6, 3);    /* NED */
		assert_int_equal(rcd[path][1], 0x01);      /* device NED */
		assert_memory_equal(rcd[path] + 13, "\xc9\xc2\xd4", 3); /* IBM */
		assert_int_equal(rcd[path][31], UA);
		assert_int_equal(rcd[path][224], 0x80);    /* general NEQ */
		assert_int_equal(ld_be16(rcd[path] + 232), SSID);
		assert_int_equal(rcd[path][241] & 0x04, 0); /* no FICON tm */
		assert_int_equal(rcd[path][242] & 0x07, 0);
		assert_int_equal(ld_be16(rcd[path] + 226), path);
	}
	/* Same device on both paths (uid parts), different interfaces. */
	assert_memory_equal(rcd[0], rcd[1], 224);

	/* Read Device Characteristics: exactly 64 bytes. */
	p[0] = t_ccw(0x64, 0, 64, buf);
	r = run(h, p, 1);
	want_ok(&r, 0);
	assert_int_equal(r.residual, 0);
	assert_int_equal(ld_be16(buf), 0x3990);
	assert_int_equal(buf[2], 0xe9);
	assert_int_equal(ld_be16(buf + 3), 0x3390);
	assert_int_equal(ld_be16(buf + 12), 3);
	assert_int_equal(ld_be16(buf + 14), 15);
	assert_int_equal(buf[16], 224);
	assert_int_equal(ld_be32(buf + 60), 3);
	assert_int_equal(buf[6] & 0x40, 0);                /* no RT_in_LR */
	assert_int_equal(buf[8] & 0x60, 0);                /* no XRC, PPRC */

	/* PSF Set Subsystem Characteristics, 66 bytes. */
	memset(psf, 0, sizeof(psf));
	psf[0] = 0x1d;
	psf[6] = 0xc8;
	psf[7] = 0x88;
	p[0] = t_ccw(0x27, 0, 66, psf);
	r = run(h, p, 1);
	want_ok(&r, 0);

	/* PSF Prepare RSSD (feature codes) + Read Subsystem Data. */
	memset(psf, 0, 12);
	psf[0] = 0x18;
	psf[6] = 0x41;
	memset(buf, 0xaa, 256);
	p[0] = t_ccw(0x27, H_CC, 12, psf);
	p[1] = t_ccw(0x3e, 0, 256, buf);
	r = run(h, p, 2);
	want_ok(&r, 1);
	for (int i = 0; i < 256; i++)     /* Prefix, Read/Write Track Data */
		assert_int_equal(buf[i], i == 8 ? 0x01 : i == 9 ? 0x20 :
				 i == 12 ? 0x40 : 0x00);

	/* Volume storage / logical configuration query: not supported. */
	for (int so = 0x52; so <= 0x53; so++) {
		psf[6] = (uint8_t)so;
		p[0] = t_ccw(0x27, H_CC, 12, psf);
		p[1] = t_ccw(0x3e, H_SLI, 64, buf);
		r = run(h, p, 2);
		want_check(&r, 0, 0x80, 0x00, 0x04);
	}

	/* Unit address configuration: base device (base address 00), no
	 * aliases. */
	psf[6] = 0x0e;
	p[0] = t_ccw(0x27, H_CC, 12, psf);
	p[1] = t_ccw(0x3e, 0, 512, buf);
	r = run(h, p, 2);
	want_ok(&r, 1);
	assert_int_equal(buf[2 * UA], 0x01);
	assert_int_equal(buf[2 * UA + 1], 0x00);
	assert_int_equal(buf[0] | buf[2 * UA + 2], 0);
	h_free(h);
}

/*
 * Every 3390 model of the model table through the command processor: the
 * RDC reply is the 3390-9 image of test_eckd_pure.c with the model's
 * cylinder fields (bytes 12-13 and 60-63), 15 tracks per cylinder, and
 * Linux's reading of it (dasd_eckd: the 32-bit field when bytes 12-13 are
 * 0xfffe) gives the model's cylinders. Cylinder counts: research note
 * eckd-dasd-protocol.md ("Geometry"), IBM GC26-4573.
 */
static void test_model_table_rdc(void **state)
{
	static const struct {
		const char *name;
		uint32_t cyls;
	} models[] = {
		{ "3390-1", 1113 }, { "3390-2", 2226 }, { "3390-3", 3339 },
		{ "3390-9", 10017 }, { "3390-27", 32760 }, { "3390-54", 65520 },
	};
	static const uint8_t rdc_3390_9[64] = {
		0x39, 0x90, 0xe9, 0x33, 0x90, 0x0e, 0x10, 0x00,
		0x00, 0x00, 0x20, 0x32, 0x27, 0x21, 0x00, 0x0f,
		0xe0, 0x00, 0xe5, 0xa2, 0x05, 0x94, 0x02, 0x22,
		0x13, 0x09, 0x06, 0x74, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x32, 0x32, 0x15, 0x02, 0xdf, 0xee, 0x00, 0x01,
		0x06, 0x77, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x27, 0x21,
	};
	uint8_t want[64], rdc[64], sid[12];
	struct tccw p[1];
	struct tresult r;

	(void)state;
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		const struct eckd_model *m = eckd_model_find(models[i].name);
		struct harness *h;
		uint32_t cyls;

		assert_non_null(m);
		assert_int_equal(m->cyls, models[i].cyls);
		assert_int_equal(m->heads, 15);
		assert_ptr_equal(eckd_model_by_cyls(0x3390, models[i].cyls), m);

		h = new_dev(models[i].cyls, CKD_NULL_R0);
		memset(rdc, 0xaa, sizeof(rdc));
		p[0] = t_ccw(0x64, 0, 64, rdc);
		r = run(h, p, 1);
		want_ok(&r, 0);
		assert_int_equal(r.residual, 0);
		memcpy(want, rdc_3390_9, sizeof(want));
		st_be16(want + 12, (uint16_t)models[i].cyls);
		st_be32(want + 60, models[i].cyls);
		assert_memory_equal(rdc, want, sizeof(want));
		cyls = ld_be16(rdc + 12) == 0xfffe ? ld_be32(rdc + 60)
						   : ld_be16(rdc + 12);
		assert_int_equal(cyls, models[i].cyls);
		assert_int_equal(ld_be16(rdc + 14), 15);

		/* Sense ID names the same device type and model. */
		p[0] = t_ccw(0xe4, H_SLI, 12, sid);
		r = run(h, p, 1);
		want_ok(&r, 0);
		assert_int_equal(ld_be16(sid + 4), 0x3390);
		assert_int_equal(sid[6], m->dev_model);
		h_free(h);
	}
}

static void test_path_group_rules(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t a[12] = { 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	uint8_t b[12] = { 0x80, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
	uint8_t buf[12], dis[12];
	struct tccw p[1];
	struct tresult r;

	(void)state;
	p[0] = t_ccw(0xaf, 0, 12, a);
	assert_int_equal(h_run(h, p, 1, 0x80, &r), 0);
	want_ok(&r, 0);
	/* The other path cannot join with another path group id. */
	p[0] = t_ccw(0xaf, 0, 12, b);
	assert_int_equal(h_run(h, p, 1, 0x40, &r), 0);
	want_check(&r, 0, 0x80, 0, 0x04);
	/* Disband: every path ungrouped, ids kept; then b may group. */
	memcpy(dis, a, 12);
	dis[0] = 0xa0;
	p[0] = t_ccw(0xaf, 0, 12, dis);
	assert_int_equal(h_run(h, p, 1, 0x80, &r), 0);
	want_ok(&r, 0);
	p[0] = t_ccw(0x34, 0, 12, buf);
	assert_int_equal(h_run(h, p, 1, 0x80, &r), 0);
	assert_int_equal(buf[0], 0x80);
	assert_memory_equal(buf + 1, a + 1, 11);
	p[0] = t_ccw(0xaf, 0, 12, b);
	assert_int_equal(h_run(h, p, 1, 0x40, &r), 0);
	want_ok(&r, 0);
	/* Resign: this path leaves the group. */
	b[0] = 0xc0;
	assert_int_equal(h_run(h, p, 1, 0x40, &r), 0);
	want_ok(&r, 0);
	p[0] = t_ccw(0x34, 0, 12, buf);
	assert_int_equal(h_run(h, p, 1, 0x40, &r), 0);
	assert_int_equal(buf[0], 0x80);
	/* Too short, reserved function bits. */
	p[0] = t_ccw(0xaf, H_SLI, 8, b);
	r = run(h, p, 1);
	want_check(&r, 0, 0x80, 0, 0x03);
	b[0] = 0x61;
	p[0] = t_ccw(0xaf, 0, 12, b);
	r = run(h, p, 1);
	want_check(&r, 0, 0x80, 0, 0x04);
	h_free(h);
}

/* tunedasd -S / -L / -O and -Q: Device Reserve, Release, Unconditional
 * Reserve, and the reservation in Sense Path Group ID byte 0. */
static uint8_t snid_state(struct harness *h, uint8_t lpm)
{
	uint8_t buf[12];
	struct tccw p[1];
	struct tresult r;

	memset(buf, 0xaa, sizeof(buf));
	p[0] = t_ccw(0x34, H_SLI, 12, buf);
	assert_int_equal(h_run(h, p, 1, lpm, &r), 0);
	want_ok(&r, 0);
	return buf[0];
}

static struct tresult resv_cmd(struct harness *h, uint8_t cmd, uint8_t lpm)
{
	uint8_t sense[32];
	struct tccw p[1];
	struct tresult r;

	memset(sense, 0xaa, sizeof(sense));
	p[0] = t_ccw(cmd, H_SLI, 32, sense);
	assert_int_equal(h_run(h, p, 1, lpm, &r), 0);
	if (r.dstat == OK_STAT) {
		assert_int_equal(r.residual, 0);       /* 32 sense bytes */
		assert_int_equal(sense[0], 0);
		assert_int_equal(sense[27], 0x80);
	}
	return r;
}

/* Busy alone at the first CCW: the command was not accepted. */
static void want_busy(const struct tresult *r)
{
	assert_int_equal(r->dstat, DEV_STAT_BUSY);
	assert_int_equal(r->cstat, 0);
	assert_int_equal(r->last, 0);
}

/* Set Path Group ID on path lpm: function fn with the 11-byte id. */
static void spid(struct harness *h, uint8_t lpm, uint8_t fn,
		 const uint8_t *id)
{
	uint8_t pg[12];
	struct tccw p[1];
	struct tresult r;

	pg[0] = fn;
	memcpy(pg + 1, id, 11);
	p[0] = t_ccw(0xaf, 0, 12, pg);
	assert_int_equal(h_run(h, p, 1, lpm, &r), 0);
	want_ok(&r, 0);
}

#define SET_PG_EST_MP  0x80   /* establish, multipath */
#define SET_PG_RESIGN  0x40
#define SET_PG_DISBAND 0xa0

static void test_reserve_release(void **state)
{
	static const uint8_t a[11] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	static const uint8_t b[11] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t de[16], lr[16], sense[32];
	struct tccw p[3];
	struct tresult r;

	(void)state;
	spid(h, 0x80, SET_PG_EST_MP, a);               /* both paths grouped */
	spid(h, 0x40, SET_PG_EST_MP, a);
	assert_int_equal(snid_state(h, 0x40), 0xc8);  /* not reserved */

	/* Reserved through path 0: the whole group holds it. */
	r = resv_cmd(h, 0xb4, 0x80);
	want_ok(&r, 0);
	assert_int_equal(snid_state(h, 0x80), 0xf8);
	assert_int_equal(snid_state(h, 0x40), 0xf8);
	r = resv_cmd(h, 0xb4, 0x40);                   /* again: fine */
	want_ok(&r, 0);
	/* cio's offline disbands: ungrouped, the ids and the reservation
	 * stay (online again would find the device boxed); and regroups. */
	spid(h, 0x80, SET_PG_DISBAND, a);
	assert_int_equal(snid_state(h, 0x80), 0xb0);
	assert_int_equal(snid_state(h, 0x40), 0xb0);
	for (uint8_t lpm = 0x80; lpm >= 0x40; lpm >>= 1) {
		spid(h, lpm, SET_PG_EST_MP, a);
		assert_int_equal(snid_state(h, lpm), 0xf8);
	}
	/* A resign with the path's own id keeps it; so does a clear. */
	spid(h, 0x40, SET_PG_RESIGN, a);
	assert_int_equal(snid_state(h, 0x40), 0xb0);
	spid(h, 0x40, SET_PG_EST_MP, a);
#ifndef ECKD_FAKE_IMAGE   /* the stand-in channel has no clear */
	assert_int_equal(h_clear_on(h, 0), 0);
	assert_int_equal(h_wait_on(h, 0, &r), 0);
	assert_true(r.cleared);
#endif
	assert_int_equal(snid_state(h, 0x80), 0xf8);

	/* Path 1 leaves the group: the reservation is someone else's. */
	spid(h, 0x40, SET_PG_RESIGN, b);
	assert_int_equal(snid_state(h, 0x40), 0xa0);
	r = resv_cmd(h, 0xb4, 0x40);
	want_busy(&r);
	r = resv_cmd(h, 0x94, 0x40);
	want_busy(&r);
	assert_int_equal(snid_state(h, 0x80), 0xf8);   /* still held */

	/* Unconditional Reserve takes it to path 1's id b. */
	r = resv_cmd(h, 0x14, 0x40);
	want_ok(&r, 0);
	assert_int_equal(snid_state(h, 0x40), 0xb0);
	assert_int_equal(snid_state(h, 0x80), 0xe8);
	r = resv_cmd(h, 0x94, 0x80);
	want_busy(&r);

	/* Released from there; a Release without a reservation is fine. */
	r = resv_cmd(h, 0x94, 0x40);
	want_ok(&r, 0);
	assert_int_equal(snid_state(h, 0x80), 0xc8);
	assert_int_equal(snid_state(h, 0x40), 0x80);
	r = resv_cmd(h, 0x94, 0x80);
	want_ok(&r, 0);

	/* Reserved through an ungrouped path with an id: for that id, which
	 * both paths then group under (path 0 disbands its group first). */
	r = resv_cmd(h, 0xb4, 0x40);
	want_ok(&r, 0);
	assert_int_equal(snid_state(h, 0x40), 0xb0);
	assert_int_equal(snid_state(h, 0x80), 0xe8);
	spid(h, 0x80, SET_PG_DISBAND, a);
	assert_int_equal(snid_state(h, 0x80), 0xa0);
	for (uint8_t lpm = 0x40; lpm; lpm <<= 1) {
		spid(h, lpm, SET_PG_EST_MP, b);
		assert_int_equal(snid_state(h, lpm), 0xf8);
	}
	r = resv_cmd(h, 0x94, 0x80);
	want_ok(&r, 0);
	assert_int_equal(snid_state(h, 0x40), 0xc8);

	/* Not in a Locate Record domain. */
	t_de(de, 0x40, 0xc4, 0, 1, 0);
	t_lr(lr, 0x06, 0x00, 1, 0, 0, 0);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0xb4, H_SLI, 32, sense);
	r = run(h, p, 3);
	want_check(&r, 2, 0x80, 0, 0x02);
	assert_int_equal(snid_state(h, 0x80), 0xc8);
	h_free(h);
}

/* dasd_eckd_analysis_ccw: counts of R1-R4 of track 0 and R1 of track 1. */
static struct tresult analysis(struct harness *h, uint8_t counts[5][8])
{
	uint8_t de[16], lr0[16], lr1[16];
	struct tccw p[8];

	t_de(de, 0x40, 0xc4, 0, 1, 0);
	t_lr(lr0, 0x06, 0x00, 4, 0, 0, 0);
	t_lr(lr1, 0x06, 0x00, 1, 1, 0, 0);
	memset(counts, 0, 40);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr0);
	for (int i = 0; i < 4; i++)
		p[2 + i] = t_ccw(0x12, H_CC, 8, counts[i]);
	p[6] = t_ccw(0x47, H_CC, 16, lr1);
	p[7] = t_ccw(0x12, 0, 8, counts[4]);
	return run(h, p, 8);
}

static void test_analysis_unformatted(void **state)
{
	struct harness *h = new_dev(2, CKD_NULL_R0);
	uint8_t counts[5][8];
	struct tresult r;

	(void)state;
	r = analysis(h, counts);
	/* "No record found" on the first Read Count: Linux says "not
	 * formatted". */
	want_check(&r, 2, 0x00, 0x08, 0x00);
	h_free(h);
}

static void test_dasdfmt_then_analysis(void **state)
{
	static const uint8_t want[5][8] = {
		{ 0, 0, 0, 0, 1, 4, 0, 24 },
		{ 0, 0, 0, 0, 2, 4, 0, 144 },
		{ 0, 0, 0, 0, 3, 4, 0, 80 },
		{ 0, 0, 0, 0, 4, 0, 0x10, 0x00 },
		{ 0, 0, 0, 1, 1, 44, 0, 96 },
	};
	struct harness *h = new_dev(3, CKD_NULL_R0);
	uint8_t counts[5][8];
	struct tresult r;

	(void)state;
	dasdfmt_cdl(h, TRACKS(3));
	r = analysis(h, counts);
	want_ok(&r, 7);
	assert_memory_equal(counts, want, sizeof(want));
	h_free(h);
}

/* h_detach() / h_attach() (what fuzz_eckd does per input): nothing of
 * the old device survives, neither its volume nor its path groups. */
static void test_detach_attach(void **state)
{
	struct ckd_geometry g = t_geo(2);
	struct harness *h = new_dev(3, CKD_NULL_R0);
	uint8_t a[12] = { 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	uint8_t b[12] = { 0x80, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
	uint8_t counts[5][8];
	struct tccw p[1];
	struct tresult r;

	(void)state;
	dasdfmt_cdl(h, TRACKS(3));
	p[0] = t_ccw(0xaf, 0, 12, a);               /* path 0x80 grouped */
	r = run(h, p, 1);
	want_ok(&r, 0);
	h_detach(h);
	assert_int_equal(h_attach(h, ckd_image_new_mem(&g, CKD_NULL_R0, NULL)),
			 0);
	assert_int_equal(h_attach(h, ckd_image_new_mem(&g, CKD_NULL_R0, NULL)),
			 -1);                       /* one device at a time */
	r = analysis(h, counts);
	want_check(&r, 2, 0x00, 0x08, 0x00);        /* unformatted */
	p[0] = t_ccw(0xaf, 0, 12, b);               /* no group to clash */
	r = run(h, p, 1);
	want_ok(&r, 0);
	h_free(h);
}

static void test_block_io(void **state, uint8_t ccwflags)
{
	struct harness *h = new_dev(3, CKD_NULL_R0);
	size_t len = 8 * 4096;
	uint8_t *out = malloc(len), *in = malloc(len);
	struct tresult r;

	(void)state;
	dasdfmt_cdl(h, TRACKS(3));
	fill(out, len, 42);
	/* Blocks 34-41: track 2 R11-R12, then track 3 R1-R6 (multitrack). */
	r = block_io(h, 34, 8, out, true, ccwflags);
	want_ok(&r, 9);
	assert_int_equal(r.residual, 0);
	memset(in, 0, len);
	r = block_io(h, 34, 8, in, false, ccwflags);
	want_ok(&r, 9);
	assert_memory_equal(in, out, len);
	/* The neighbours are still zero. */
	r = block_io(h, 33, 1, in, false, ccwflags);
	want_ok(&r, 2);
	for (size_t i = 0; i < 4096; i++)
		assert_int_equal(in[i], 0);
	free(out);
	free(in);
	h_free(h);
}

static void test_block_io_direct(void **state)
{
	test_block_io(state, 0);
}

static void test_block_io_ida(void **state)
{
	test_block_io(state, H_IDA);
}

static void test_cdl_labels(void **state)
{
	struct harness *h = new_dev(3, CKD_NULL_R0);
	uint8_t vol1[84], dscb[140], in[140];
	struct tresult r;

	(void)state;
	dasdfmt_cdl(h, TRACKS(3));
	/* VOL1 (block 2: track 0 R3, key "VOL1" + 80) and a DSCB (block 12:
	 * track 1 R1, 44 + 96), as fdasd writes them through the block
	 * device. */
	fill(vol1, sizeof(vol1), 7);
	fill(dscb, sizeof(dscb), 8);
	r = cdl_record_io(h, 0, 3, 84, vol1, true);
	want_ok(&r, 2);
	r = cdl_record_io(h, 1, 1, 140, dscb, true);
	want_ok(&r, 2);
	r = cdl_record_io(h, 0, 3, 84, in, false);
	want_ok(&r, 2);
	assert_memory_equal(in, vol1, 84);
	r = cdl_record_io(h, 1, 1, 140, in, false);
	want_ok(&r, 2);
	assert_memory_equal(in, dscb, 140);
	/* Wrong transfer length for the record: invalid track format. */
	r = cdl_record_io(h, 0, 3, 80, vol1, true);
	want_check(&r, 2, 0x00, 0x40, 0x00);
	h_free(h);
}

static void test_format_check_read_count(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t de[16], lr[16], cnt[50][8];
	struct tccw p[52];
	struct tresult r;

	(void)state;
	dasdfmt_cdl(h, TRACKS(1));
	/* dasd_eckd_build_check: 50 single-track Read Counts on a 12-record
	 * track: no exception, the records repeat from R1. */
	t_de(de, 0x40, 0xc4, 2, 2, 0);
	t_lr(lr, 0x06, 0x00, 50, 2, 0, 0);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < 50; i++)
		p[2 + i] = t_ccw(0x12, H_CC | H_SLI, 8, cnt[i]);
	p[51].flags = H_SLI;
	r = run(h, p, 52);
	want_ok(&r, 51);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(ld_be16(cnt[i] + 2), 2);
		assert_int_equal(cnt[i][4], i % 12 + 1);
		assert_int_equal(ld_be16(cnt[i] + 6), 4096);
	}
	h_free(h);
}

static void test_ipl_probe(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t ipl1[28], ipl2[148], seek[6] = { 0 }, search[5] = { 0, 0, 0, 0, 2 };
	uint8_t lowcore[24], stage1[104];
	struct tccw p[4];
	struct tresult r;

	(void)state;
	dasdfmt_cdl(h, TRACKS(1));
	fill(ipl1, sizeof(ipl1), 1);
	fill(ipl2, sizeof(ipl2), 2);
	r = cdl_record_io(h, 0, 1, 28, ipl1, true);
	want_ok(&r, 2);
	r = cdl_record_io(h, 0, 2, 148, ipl2, true);
	want_ok(&r, 2);

	/* BIOS: Read IPL of 0x18 bytes into low core. */
	p[0] = t_ccw(0x02, 0, 24, lowcore);
	r = run(h, p, 1);
	want_ok(&r, 0);
	assert_memory_equal(lowcore, ipl1 + 4, 24);

	/* BIOS IPL1 fixup: Seek, Search ID Equal R2, TIC back, Read. */
	p[0] = t_ccw(0x07, H_CC, 6, seek);
	p[1] = t_ccw(0x31, H_CC, 5, search);
	p[2] = t_ccw(H_TIC, 0, 1, NULL);
	p[3] = t_ccw(0x06, H_SLI, 104, stage1);
	r = run(h, p, 4);
	want_ok(&r, 3);
	assert_memory_equal(stage1, ipl2 + 4, 104);
	h_free(h);
}

/*
 * Seek, Search ID Equal, TIC back to the search, Read: the loop zipl's
 * boot record and the BIOS use, here for a record that is not on the
 * track. Outside a Locate Record domain the 3990 ends a search with "no
 * record found" when the index point passes a second time without a
 * record found (GA32-0274, "Search ID", "No record found"): every record
 * of the track, R0 included, is compared exactly twice, then the search
 * ends with unit check - never an endless loop.
 */
static void search_loop_missing(enum ckd_null_format nf, int nrecs)
{
	struct harness *h = new_dev(1, nf);
	uint8_t seek[6] = { 0, 0, 0, 0, 0, 3 }, search[5] = { 0, 0, 0, 3, 13 };
	uint8_t buf[4096];
	struct tccw p[4];
	struct tresult r;

	p[0] = t_ccw(0x07, H_CC, 6, seek);
	p[1] = t_ccw(0x31, H_CC, 5, search);
	p[2] = t_ccw(H_TIC, 0, 1, NULL);
	p[3] = t_ccw(0x06, 0, 4096, buf);
	r = run(h, p, 4);
	want_check(&r, 1, 0x00, 0x08, 0x00);
	assert_int_equal(r.sense[31], 3);            /* head of the track */
	assert_int_equal(r.executed, 1 + 2 * nrecs + 1);
	/* The device is usable again afterwards. */
	p[0] = t_ccw(0x03, 0, 0, NULL);
	r = run(h, p, 1);
	want_ok(&r, 0);
	h_free(h);
}

static void test_search_tic_loop_no_record(void **state)
{
	(void)state;
	search_loop_missing(CKD_NULL_LINUX, 13);     /* R0 + R1-R12 */
	search_loop_missing(CKD_NULL_R0, 1);         /* R0 only */
}

static void test_search_tic_loop_passes_index_once(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t seek[6] = { 0, 0, 0, 0, 0, 3 };
	uint8_t s5[5] = { 0, 0, 0, 3, 5 }, s3[5] = { 0, 0, 0, 3, 3 }, cnt[8];
	struct tccw p[6];
	struct tresult r;

	(void)state;
	/* Search R5 from the index (R0-R5: 6 searches), then R3 from there:
	 * R6-R12, index, R0-R3 (11 searches); Read Count gives R4. */
	p[0] = t_ccw(0x07, H_CC, 6, seek);
	p[1] = t_ccw(0x31, H_CC, 5, s5);
	p[2] = t_ccw(H_TIC, 0, 1, NULL);
	p[3] = t_ccw(0x31, H_CC, 5, s3);
	p[4] = t_ccw(H_TIC, 0, 3, NULL);
	p[5] = t_ccw(0x12, 0, 8, cnt);
	r = run(h, p, 6);
	want_ok(&r, 5);
	assert_int_equal(r.executed, 1 + 6 + 11 + 1);
	assert_int_equal(cnt[4], 4);
	assert_int_equal(ld_be16(cnt + 2), 3);
	h_free(h);
}

static void test_ipl2_multitrack_read(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t seek[6] = { 0, 0, 0, 0, 0, 2 }, search[5] = { 0, 0, 0, 2, 11 };
	uint8_t *out = malloc(4 * 4096), *in = calloc(4, 4096);
	struct tccw p[7];
	struct tresult r;

	(void)state;
	dasdfmt_cdl(h, TRACKS(1));
	fill(out, 4 * 4096, 5);
	r = block_io(h, 34, 4, out, true, 0);
	want_ok(&r, 5);
	/* zipl stage 2: Seek, Search ID Equal, TIC, Read MT x 4 (SLI),
	 * outside any domain, crossing from track 2 to track 3. */
	p[0] = t_ccw(0x07, H_CC | H_SLI, 6, seek);
	p[1] = t_ccw(0x31, H_CC | H_SLI, 5, search);
	p[2] = t_ccw(H_TIC, 0, 1, NULL);
	for (int i = 0; i < 4; i++)
		p[3 + i] = t_ccw(0x86, H_CC | H_SLI, 4096, in + i * 4096);
	p[6].flags = H_SLI;
	r = run(h, p, 7);
	want_ok(&r, 6);
	assert_memory_equal(in, out, 4 * 4096);
	free(out);
	free(in);
	h_free(h);
}

static void test_read_count_multitrack(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t de[16], lr[16], cnt[14][8];
	struct tccw p[16];
	struct tresult r;

	(void)state;
	t_de(de, 0x40, 0xc4, 2, 3, 0);
	t_lr(lr, 0x06, 0x00, 14, 2, 0, 0);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < 14; i++)
		p[2 + i] = t_ccw(0x92, H_CC, 8, cnt[i]);
	p[15].flags = 0;
	r = run(h, p, 16);
	want_ok(&r, 15);
	for (int i = 0; i < 14; i++) {
		assert_int_equal(ld_be16(cnt[i] + 2), i < 12 ? 2 : 3);
		assert_int_equal(cnt[i][4], i % 12 + 1);
	}
	h_free(h);
}

static void test_write_r0_and_format(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t de[16], lr[16], r0[8], cnt[12][8], buf[16];
	struct tccw p[15];
	struct tresult r;

	(void)state;
	/* Intensity 1 of dasd_eckd_build_format: Write R0, then records,
	 * under a home-address oriented format Locate Record. */
	t_de(de, 0xc2, 0xc4, 4, 4, 0);
	t_lr(lr, 0x43, 0x00, 13, 4, 0, 0);
	t_count(r0, 4, 0, 0, 8);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x15, H_CC | H_SLI, 8, r0);
	for (int i = 0; i < 12; i++) {
		t_count(cnt[i], 4, (uint8_t)(i + 1), 0, 4096);
		p[3 + i] = t_ccw(0x1d, H_CC | H_SLI, 8, cnt[i]);
	}
	p[14].flags = H_SLI;
	r = run(h, p, 15);
	want_ok(&r, 14);
	/* Write R0 needs "permit all writes" in the file mask. */
	de[0] = 0x00;
	r = run(h, p, 15);
	want_check(&r, 2, 0x80, 0x00, 0x02);
	/* R0 as written. */
	t_de(de, 0x40, 0xc0, 4, 4, 0);
	t_lr(lr, 0x06, 0x00, 1, 4, 0, 0);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[2] = t_ccw(0x16, 0, 16, buf);
	r = run(h, p, 3);
	want_ok(&r, 2);
	assert_memory_equal(buf, r0, 8);
	h_free(h);
}

static void test_write_ckd_after_search(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t seek[6] = { 0, 0, 0, 0, 0, 5 }, search[5] = { 0, 0, 0, 5, 0 };
	uint8_t r1[108], r2[208], de[16], lr[16], cnt[3][8];
	struct tccw p[6];
	struct tresult r;

	(void)state;
	/* Outside a domain: Search ID Equal R0, Write CKD R1, Write CKD R2;
	 * the rest of the track is erased. */
	t_count(r1, 5, 1, 0, 100);
	fill(r1 + 8, 100, 1);
	t_count(r2, 5, 2, 0, 200);
	fill(r2 + 8, 200, 2);
	p[0] = t_ccw(0x07, H_CC, 6, seek);
	p[1] = t_ccw(0x31, H_CC, 5, search);
	p[2] = t_ccw(H_TIC, 0, 1, NULL);
	p[3] = t_ccw(0x1d, H_CC, 108, r1);
	p[4] = t_ccw(0x1d, 0, 208, r2);
	r = run(h, p, 5);
	want_ok(&r, 4);
	/* Three single-track Read Counts: R1, R2, then R1 again. */
	t_de(de, 0x40, 0xc0, 5, 5, 0);
	t_lr(lr, 0x06, 0x00, 3, 5, 0, 0);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < 3; i++)
		p[2 + i] = t_ccw(0x12, H_CC, 8, cnt[i]);
	p[4].flags = 0;
	r = run(h, p, 5);
	want_ok(&r, 4);
	assert_memory_equal(cnt[0], r1, 8);
	assert_memory_equal(cnt[1], r2, 8);
	assert_memory_equal(cnt[2], r1, 8);
	/* Write CKD without a preceding search: invalid sequence. */
	p[0] = t_ccw(0x07, H_CC, 6, seek);
	p[1] = t_ccw(0x1d, 0, 108, r1);
	r = run(h, p, 2);
	want_check(&r, 1, 0x80, 0x00, 0x02);
	h_free(h);
}

/* ---- error cases ---- */

static void test_invalid_command_and_sense(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t sense[32];
	struct tccw p[1];
	struct tresult r;

	(void)state;
	p[0] = t_ccw(0x54, H_SLI, 32, sense);   /* Sense Subsystem Status */
	r = run(h, p, 1);
	want_check(&r, 0, 0x80, 0x00, 0x01);

	/* Without concurrent sense the Sense command fetches it, once. */
	h_set_csense(h, false);
	r = run(h, p, 1);
	assert_int_equal(r.dstat, OK_STAT | DEV_STAT_UNIT_CHECK);
	assert_false(r.sense_valid);
	h_set_csense(h, true);
	p[0] = t_ccw(0x04, H_SLI, 32, sense);
	r = run(h, p, 1);
	want_ok(&r, 0);
	assert_int_equal(sense[0], 0x80);
	assert_int_equal(sense[7], 0x01);
	assert_int_equal(sense[27], 0x80);
	r = run(h, p, 1);
	want_ok(&r, 0);
	assert_int_equal(sense[0], 0);
	assert_int_equal(sense[1], 0);
	assert_int_equal(sense[27], 0x80);
	/* Sense not fetched right away is gone after another command. */
	h_set_csense(h, false);
	p[0] = t_ccw(0x54, H_SLI, 32, sense);
	r = run(h, p, 1);
	assert_int_equal(r.dstat, OK_STAT | DEV_STAT_UNIT_CHECK);
	p[0] = t_ccw(0x03, 0, 0, NULL);
	r = run(h, p, 1);
	want_ok(&r, 0);
	p[0] = t_ccw(0x04, H_SLI, 32, sense);
	r = run(h, p, 1);
	want_ok(&r, 0);
	assert_int_equal(sense[0], 0);
	h_free(h);
}

static void test_file_protected(void **state)
{
	struct harness *h = new_dev(2, CKD_NULL_LINUX);
	uint8_t de[16], lr[16], seek[6], buf[4096];
	struct tccw p[3];
	struct tresult r;

	(void)state;
	/* Locate Record outside the extent (tracks 2-3, LR on 5). */
	t_de(de, 0x40, 0xc0, 2, 3, 0);
	t_lr(lr, 0x06, 0x80, 1, 5, 1, 4096);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x86, 0, 4096, buf);
	r = run(h, p, 3);
	want_check(&r, 1, 0x00, 0x04, 0x00);
	assert_int_equal(r.sense[31], 5);      /* head of the track */

	/* A multitrack read leaving the extent. */
	t_lr(lr, 0x06, 0x80, 2, 3, 12, 4096);
	{
		struct tccw q[4] = {
			t_ccw(0x63, H_CC, 16, de), t_ccw(0x47, H_CC, 16, lr),
			t_ccw(0x86, H_CC, 4096, buf), t_ccw(0x86, 0, 4096, buf),
		};

		r = run(h, q, 4);
		want_check(&r, 3, 0x00, 0x04, 0x00);
	}

	/* Seek outside the extent. */
	memset(seek, 0, sizeof(seek));
	st_be16(seek + 4, 7);
	p[1] = t_ccw(0x07, 0, 6, seek);
	r = run(h, p, 2);
	want_check(&r, 1, 0x00, 0x04, 0x00);
	h_free(h);
}

static void test_no_record_found(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t de[16], lr[16], buf[4096];
	struct tccw p[3];
	struct tresult r;

	(void)state;
	t_de(de, 0x40, 0xc0, 0, 0, 0);
	t_lr(lr, 0x06, 0x80, 1, 0, 13, 4096);   /* there is no R13 */
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x86, 0, 4096, buf);
	r = run(h, p, 3);
	want_check(&r, 1, 0x00, 0x08, 0x00);
	h_free(h);
}

static void test_end_of_cylinder(void **state)
{
	struct harness *h = new_dev(2, CKD_NULL_LINUX);
	uint8_t seek[6] = { 0, 0, 0, 0, 0, 14 }, buf[4096];
	struct tccw p[14];
	struct tresult r;

	(void)state;
	/* Outside a domain a multitrack read may not leave the cylinder. */
	p[0] = t_ccw(0x07, H_CC, 6, seek);
	for (int i = 0; i < 13; i++)
		p[1 + i] = t_ccw(0x86, H_CC, 4096, buf);
	p[13].flags = 0;
	r = run(h, p, 14);
	want_check(&r, 13, 0x00, 0x20, 0x00);
	assert_int_equal(r.sense[31], 14);
	h_free(h);
}

static void test_invalid_track_format(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R0);
	uint8_t de[16], lr[16], cnt[13][8], buf[4096];
	struct tccw p[15];
	struct tresult r;

	(void)state;
	/* A 13th 4 KB record does not fit a 3390 track. */
	t_de(de, 0x00, 0xc4, 2, 2, 0x04);
	t_lr(lr, 0x03, 0x80, 13, 2, 0, 4096);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < 13; i++) {
		t_count(cnt[i], 2, (uint8_t)(i + 1), 0, 4096);
		p[2 + i] = t_ccw(0x1d, H_CC | H_SLI, 8, cnt[i]);
	}
	p[14].flags = H_SLI;
	r = run(h, p, 15);
	want_check(&r, 14, 0x00, 0x40, 0x00);

	/* Update write with a transfer length that is not the record's. */
	t_de(de, 0x80, 0xc0, 2, 2, 0);
	t_lr(lr, 0x01, 0x80, 1, 2, 1, 2048);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x85, 0, 2048, buf);
	r = run(h, p, 3);
	want_check(&r, 2, 0x00, 0x40, 0x00);
	h_free(h);
}

/*
 * Counts the volume image cannot hold (a user record numbered 0, a head
 * number beyond the cylinder, a non-standard R0) are refused at the
 * command (command reject, invalid parameter), the track unchanged -
 * not taken into the cache to fail at write-back as an equipment check.
 */
static void test_unstorable_counts(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t de[16], lr[16], cnt[8], rd[8];
	struct tccw p[4];
	struct tresult r;

	(void)state;
	for (int k = 0; k < 4; k++) {
		bool r0 = k >= 2;

		t_de(de, r0 ? 0xc2 : 0x00, 0xc4, 3, 3, 0x04);
		t_lr(lr, r0 ? 0x43 : 0x03, 0x00, 1, 3, 0, 0);
		t_count(cnt, 3, r0 ? 0 : 1, 0, r0 ? 8 : 100);
		if (k == 0)
			cnt[4] = 0;                 /* R0 as a user record */
		else if (k == 1)
			cnt[3] = 15;                /* head 15 */
		else if (k == 2)
			cnt[5] = 4;                 /* R0 with a key */
		else
			cnt[1] = 7;                 /* R0 of another cylinder */
		p[0] = t_ccw(0x63, H_CC, 16, de);
		p[1] = t_ccw(0x47, H_CC, 16, lr);
		p[2] = t_ccw(r0 ? 0x15 : 0x1d, H_SLI, 8, cnt);
		r = run(h, p, 3);
		want_check(&r, 2, 0x80, 0x00, 0x04);
	}
	/* Track 3 still holds R1 of the null track. */
	t_de(de, 0x40, 0xc0, 3, 3, 0);
	t_lr(lr, 0x06, 0x00, 1, 3, 0, 0);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x12, 0, 8, rd);
	r = run(h, p, 3);
	want_ok(&r, 2);
	t_count(cnt, 3, 1, 0, 4096);
	assert_memory_equal(rd, cnt, 8);
	h_free(h);
}

static struct harness *readonly_dev(void)
{
#ifdef ECKD_FAKE_IMAGE
	struct ckd_geometry g = t_geo(1);
	struct error err;
	struct ckd_image *img = ckd_image_new_mem(&g, CKD_NULL_R0, &err);

	assert_non_null(img);
	fake_image_set_readonly(img, true);
	return h_new(img, SSID, UA);
#else
	char path[] = "/tmp/eckd-ro-XXXXXX";
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD,
					.layout = CKD_INIT_BLANK,
					.volser = "RO0001", .overwrite = true };
	struct ckd_geometry g = t_geo(1);
	struct ckd_image *img;
	struct error err;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ckd_image_create(path, &g, &opt, &err), 0);
	img = ckd_image_open(path, CKD_OPEN_RDONLY, &err);
	assert_non_null(img);
	unlink(path);
	return h_new(img, SSID, UA);
#endif
}

static void test_write_inhibited(void **state)
{
	struct harness *h = readonly_dev();
	uint8_t de[16], lr[16], buf[4096] = { 0 };
	struct tccw p[3];
	struct tresult r;

	(void)state;
	assert_non_null(h);
	t_de(de, 0x80, 0xc0, 2, 2, 0);
	t_lr(lr, 0x01, 0x80, 1, 2, 1, 4096);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x85, 0, 4096, buf);
	r = run(h, p, 3);
	/* "command reject + write inhibited": Linux says "writing is
	 * inhibited" and fails the request, the path stays online. */
	want_check(&r, 1, 0x80, 0x02, 0x04);
	/* Reading still works: R0 of track 0. */
	t_de(de, 0x40, 0xc0, 0, 0, 0);
	t_lr(lr, 0x06, 0x00, 1, 0, 0, 0);
	p[2] = t_ccw(0x16, 0, 16, buf);
	r = run(h, p, 3);
	want_ok(&r, 2);
	assert_memory_equal(buf, "\x00\x00\x00\x00\x00\x00\x00\x08", 8);
	h_free(h);
}

static void test_chain_longer_than_domain(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t de[16], lr[16], *buf = calloc(3, 4096);
	struct tccw p[5];
	struct tresult r;

	(void)state;
	/* Locate Record for 2 records, 3 writes: the third is rejected. */
	t_de(de, 0x80, 0xc0, 0, 0, 0);
	t_lr(lr, 0x01, 0x80, 2, 0, 1, 4096);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	for (int i = 0; i < 3; i++)
		p[2 + i] = t_ccw(0x85, H_CC, 4096, buf + i * 4096);
	p[4].flags = 0;
	r = run(h, p, 5);
	want_check(&r, 4, 0x80, 0x00, 0x02);
	/* Same for reads beyond the domain (no Seek in between). */
	t_de(de, 0x40, 0xc0, 0, 0, 0);
	t_lr(lr, 0x06, 0x80, 2, 0, 1, 4096);
	for (int i = 0; i < 3; i++)
		p[2 + i].cmd = 0x86;
	r = run(h, p, 5);
	want_check(&r, 4, 0x80, 0x00, 0x02);
	free(buf);
	h_free(h);
}

static void test_incomplete_domain(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t de[16], lr[16], *buf = calloc(2, 4096);
	struct tccw p[4];
	struct tresult r;

	(void)state;
	t_de(de, 0x40, 0xc0, 0, 0, 0);
	t_lr(lr, 0x06, 0x80, 3, 0, 1, 4096);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x86, H_CC, 4096, buf);
	p[3] = t_ccw(0x86, 0, 4096, buf + 4096);
	r = run(h, p, 4);
	want_check(&r, 3, 0x81, 0x00, 0x00);
	free(buf);
	h_free(h);
}

static void test_sequence_errors(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	uint8_t de[16], de2[32] = { 0 }, lr[16], psf[12] = { 0x18 }, buf[512];
	struct tccw p[3];
	struct tresult r;

	(void)state;
	/* Locate Record without Define Extent. */
	t_lr(lr, 0x06, 0x80, 1, 0, 1, 4096);
	p[0] = t_ccw(0x47, 0, 16, lr);
	r = run(h, p, 1);
	want_check(&r, 0, 0x80, 0x00, 0x02);
	/* A second Define Extent. */
	t_de(de, 0x40, 0xc0, 0, 0, 0);
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x63, 0, 16, de);
	r = run(h, p, 2);
	want_check(&r, 1, 0x80, 0x00, 0x02);
	/* Define Extent with too few bytes. */
	p[0] = t_ccw(0x63, H_SLI, 8, de);
	r = run(h, p, 1);
	want_check(&r, 0, 0x80, 0x00, 0x03);
	/* 32-byte Define Extent with the extended parameter, SLI. */
	memcpy(de2, de, 16);
	de2[7] = 0x0a;
	p[0] = t_ccw(0x63, H_SLI, 32, de2);
	r = run(h, p, 1);
	want_ok(&r, 0);
	/* A NOP in a domain. */
	p[0] = t_ccw(0x63, H_CC, 16, de);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x03, 0, 0, NULL);
	r = run(h, p, 3);
	want_check(&r, 2, 0x80, 0x00, 0x02);
	/* Prepared subsystem data must be read next. */
	psf[6] = 0x41;
	p[0] = t_ccw(0x27, H_CC, 12, psf);
	p[1] = t_ccw(0x03, 0, 0, NULL);
	r = run(h, p, 2);
	want_check(&r, 1, 0x80, 0x00, 0x02);
	p[0] = t_ccw(0x3e, 0, 256, buf);
	r = run(h, p, 1);
	want_check(&r, 0, 0x80, 0x00, 0x02);
	h_free(h);
}

static void test_unit_exception(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_R1EOF);
	uint8_t seek[6] = { 0 }, buf[16];
	struct tccw p[2];
	struct tresult r;

	(void)state;
	/* R1 with data length 0 marks end of file: unit exception. */
	p[0] = t_ccw(0x07, H_CC, 6, seek);
	p[1] = t_ccw(0x06, H_SLI, 16, buf);
	r = run(h, p, 2);
	assert_int_equal(r.dstat, OK_STAT | DEV_STAT_UNIT_EXCEP);
	assert_int_equal(r.last, 1);
	assert_int_equal(r.residual, 16);
	h_free(h);
}

#ifdef ECKD_FAKE_IMAGE
static void test_durability_and_sync_errors(void **state)
{
	struct harness *h = new_dev(1, CKD_NULL_LINUX);
	struct ckd_image *img = h_test_image(h);
	uint8_t *buf = calloc(1, 4096);
	struct tresult r;

	(void)state;
	r = block_io(h, 24, 1, buf, false, 0);
	want_ok(&r, 2);
	assert_int_equal(fake_image_syncs(img), 0);   /* nothing written */
	r = block_io(h, 24, 1, buf, true, 0);
	want_ok(&r, 2);
	assert_int_equal(fake_image_writes(img), 1);
	assert_int_equal(fake_image_syncs(img), 1);
	/* A failing sync: equipment check, never with "write inhibited". */
	fake_image_fail_sync(img, -5);
	r = block_io(h, 24, 1, buf, true, 0);
	want_check(&r, 2, 0x10, 0x00, 0x10);
	fake_image_fail_sync(img, 0);
	fake_image_fail_write(img, -28);
	r = block_io(h, 25, 1, buf, true, 0);
	want_check(&r, 2, 0x10, 0x00, 0x10);
	fake_image_fail_write(img, 0);
	fake_image_fail_read(img, -5);
	r = block_io(h, 40, 1, buf, false, 0);
	want_check(&r, 1, 0x10, 0x00, 0x10);
	fake_image_fail_read(img, -117);              /* EUCLEAN */
	r = block_io(h, 40, 1, buf, false, 0);
	want_check(&r, 1, 0x08, 0x00, 0x40);
	fake_image_fail_read(img, 0);
	r = block_io(h, 25, 1, buf, true, 0);
	want_ok(&r, 2);
	free(buf);
	h_free(h);
}

/*
 * cache = writeback: a program's writes are committed (in the image file)
 * at its end, not made durable; the flusher does that within the interval
 * and at the latest when the device goes away.
 */
/* A write-back device on a new memory volume (*img), flushing every
   interval_ms. */
static struct harness *h_writeback_mem(unsigned int interval_ms,
				       struct ckd_image **img)
{
	struct ckd_geometry g = t_geo(1);
	struct harness *h;
	struct error err;

	*img = ckd_image_new_mem(&g, CKD_NULL_LINUX, &err);
	assert_non_null(*img);
	h = h_new_writeback(*img, interval_ms);
	assert_non_null(h);
	return h;
}

static void test_writeback_commits_then_flushes(void **state)
{
	uint8_t *buf = calloc(1, 4096);
	unsigned int syncs, commits;
	struct ckd_image *img;
	struct harness *h;
	struct tresult r;

	(void)state;
	/* An interval longer than any test: only the end flushes. */
	h = h_writeback_mem(3600 * 1000, &img);
	r = block_io(h, 24, 1, buf, true, 0);
	want_ok(&r, 2);
	assert_int_equal(fake_image_commits(img), 1);
	assert_int_equal(fake_image_syncs(img), 0);
	r = block_io(h, 25, 1, buf, true, 0);
	want_ok(&r, 2);
	r = block_io(h, 25, 1, buf, false, 0);        /* a read commits nothing */
	want_ok(&r, 2);
	assert_int_equal(fake_image_commits(img), 2);
	assert_int_equal(fake_image_syncs(img), 0);
	h_free(h);
	fake_image_closed_counts(&syncs, &commits);
	assert_true(commits >= 2);          /* and the close's own sync */
	assert_true(syncs >= 1);

	/* A short interval: durable soon after, without another program. */
	h = h_writeback_mem(10, &img);
	r = block_io(h, 24, 1, buf, true, 0);
	want_ok(&r, 2);
	assert_int_equal(fake_image_commits(img), 1);
	assert_true(TEST_WAIT_UNTIL(fake_image_syncs(img) >= 1));
	free(buf);
	h_free(h);
}

/*
 * Between flushes the flusher starts the image's write-back once the
 * image says enough was written, long before the interval ends, and
 * without a flush.
 */
static void test_writeback_started_between_flushes(void **state)
{
	uint8_t *buf = calloc(1, 4096);
	struct ckd_image *img;
	struct harness *h;
	struct tresult r;

	(void)state;
	h = h_writeback_mem(3600 * 1000, &img);
	r = block_io(h, 24, 1, buf, true, 0);
	want_ok(&r, 2);
	assert_int_equal(fake_image_writeback_starts(img), 0);
	fake_image_set_writeback_due(img, true);
	r = block_io(h, 25, 1, buf, true, 0);
	want_ok(&r, 2);
	assert_true(TEST_WAIT_UNTIL(fake_image_writeback_starts(img) == 1));
	assert_false(ckd_image_writeback_due(img));
	/* Due again: the next commit wakes the flusher again. */
	fake_image_set_writeback_due(img, true);
	r = block_io(h, 26, 1, buf, true, 0);
	want_ok(&r, 2);
	assert_true(TEST_WAIT_UNTIL(fake_image_writeback_starts(img) == 2));
	assert_int_equal(fake_image_syncs(img), 0);
	free(buf);
	h_free(h);
}
#else
static void test_reopen_file_image(void **state)
{
	char dir[] = "/tmp/eckd-cp-XXXXXX", path[64];
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD,
					.layout = CKD_INIT_BLANK,
					.volser = "LNX001" };
	struct ckd_geometry g = t_geo(2);
	uint8_t *out = malloc(8 * 4096), *in = calloc(8, 4096);
	struct ckd_image *img;
	struct harness *h;
	struct tresult r;
	struct error err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vol.cckd", dir);
	assert_int_equal(ckd_image_create(path, &g, &opt, &err), 0);
	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	h = h_new(img, SSID, UA);
	dasdfmt_cdl(h, TRACKS(2));
	fill(out, 8 * 4096, 99);
	r = block_io(h, 30, 8, out, true, 0);
	want_ok(&r, 9);
	h_free(h);

	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	h = h_new(img, SSID, UA);
	r = block_io(h, 30, 8, in, false, 0);
	want_ok(&r, 9);
	assert_memory_equal(in, out, 8 * 4096);
	h_free(h);
	unlink(path);
	rmdir(dir);
	free(out);
	free(in);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recognition_and_characteristics),
		cmocka_unit_test(test_model_table_rdc),
		cmocka_unit_test(test_path_group_rules),
		cmocka_unit_test(test_reserve_release),
		cmocka_unit_test(test_analysis_unformatted),
		cmocka_unit_test(test_dasdfmt_then_analysis),
		cmocka_unit_test(test_detach_attach),
		cmocka_unit_test(test_block_io_direct),
		cmocka_unit_test(test_block_io_ida),
		cmocka_unit_test(test_cdl_labels),
		cmocka_unit_test(test_format_check_read_count),
		cmocka_unit_test(test_ipl_probe),
		cmocka_unit_test(test_search_tic_loop_no_record),
		cmocka_unit_test(test_search_tic_loop_passes_index_once),
		cmocka_unit_test(test_ipl2_multitrack_read),
		cmocka_unit_test(test_read_count_multitrack),
		cmocka_unit_test(test_write_r0_and_format),
		cmocka_unit_test(test_write_ckd_after_search),
		cmocka_unit_test(test_invalid_command_and_sense),
		cmocka_unit_test(test_file_protected),
		cmocka_unit_test(test_no_record_found),
		cmocka_unit_test(test_end_of_cylinder),
		cmocka_unit_test(test_invalid_track_format),
		cmocka_unit_test(test_unstorable_counts),
		cmocka_unit_test(test_write_inhibited),
		cmocka_unit_test(test_chain_longer_than_domain),
		cmocka_unit_test(test_incomplete_domain),
		cmocka_unit_test(test_sequence_errors),
		cmocka_unit_test(test_unit_exception),
#ifdef ECKD_FAKE_IMAGE
		cmocka_unit_test(test_durability_and_sync_errors),
		cmocka_unit_test(test_writeback_commits_then_flushes),
		cmocka_unit_test(test_writeback_started_between_flushes),
#else
		cmocka_unit_test(test_reopen_file_image),
#endif
	};

	log_set_level(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
