/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read Track Data (A6) and Write Track Data (A5) in the domain of the
 * Locate Record Extended a Prefix embeds, as Linux 6.1 sends them once the
 * feature codes announce both (dasd_eckd_build_cp_cmd_track: Prefix 01,
 * then one command per track, IDALs of 4 KB): one to many tracks with
 * partial first and last tracks, checked block by block against Read Data
 * programs; the data areas of CDL tracks 0 and 1; data chaining; counts
 * the track does not match; every error with its sense bytes; through a
 * HyperPAV alias; and (stand-in image) what a program writes back and
 * syncs, a read-only volume.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"
#include "cp_check.h"
#include "cp_util.h"
#include "css/css_arch.h"
#ifdef ECKD_FAKE_IMAGE
#include "fake_image.h"
#endif

#define SSID    0x002b
#define LSS     0x2b
#define UA      0x09
#define CYLS    3
#define BLK     4096u
#define BPT     12u                      /* 4 KB blocks a track */
#define BLOCKS  (CYLS * T_HEADS * BPT)
#define V_BASE  0x80                     /* Prefix validity on a base */
#define V_ALIAS 0xb0                     /* ... on a HyperPAV alias */
#define RTD     0xa6
#define WTD     0xa5
#define H_CD    CCW_FLAG_CD

/* want_ok(), and the last CCW moved all its count. */
static void want_done(const struct tresult *r, int last)
{
	want_ok(r, last);
	assert_int_equal(r->residual, 0);
}

static struct harness *new_dev(enum ckd_null_format nf)
{
	struct ckd_geometry g = t_geo(CYLS);
	struct error err;
	struct ckd_image *img = ckd_image_new_mem(&g, nf, &err);
	struct harness *h;

	assert_non_null(img);
	h = h_new(img, SSID, UA);
	assert_non_null(h);
	return h;
}

/* A track program and its parameter bytes. */
struct tprog {
	uint8_t de[16], lre[20], pfx[64];
	struct tccw p[1 + 32];
	int n;
};

/*
 * What dasd_eckd_build_cp_cmd_track builds for the 4 KB blocks
 * [first, first + nblk) in buf: Define Extent of the tracks (read 40 C0,
 * block size 0; write 80 C0, block size 4096), LRE Read Track Data (0C,
 * length = the bytes of the last track) or Write Track Data (3F / 23,
 * length = the block size) with count = tracks and the search on the
 * first block's record, then per track one command for its blocks.
 */
static void track_prog(struct tprog *t, uint32_t first, uint32_t nblk,
		       uint8_t *buf, bool write, uint8_t validity)
{
	uint32_t last = first + nblk - 1, ftrk = first / BPT;
	uint32_t ltrk = last / BPT, foff = first % BPT, loff = last % BPT;
	uint32_t tlf = (ftrk == ltrk ? loff - foff + 1 : loff + 1) * BLK;

	t_de(t->de, write ? 0x80 : 0x40, 0xc0, ftrk, ltrk, 0);
	if (write)
		st_be16(t->de + 2, BLK);
	t_lre(t->lre, write ? 0x3f : 0x0c, 0x80, (uint8_t)(ltrk - ftrk + 1),
	      ftrk, (uint8_t)(foff + 1), BLK,
	      (uint16_t)(write ? BLK : tlf), write ? 0x23 : 0x00);
	t_pfx_lre(t->pfx, validity, UA, LSS, t->de, t->lre);
	t->n = 0;
	t->p[t->n++] = t_ccw(0xe7, H_CC, 64, t->pfx);
	for (uint32_t b = first; b <= last;) {
		uint32_t cnt = BPT - b % BPT;

		if (cnt > last - b + 1)
			cnt = last - b + 1;
		t->p[t->n++] = t_ccw(write ? WTD : RTD, H_CC | H_IDA,
				     (uint16_t)(cnt * BLK),
				     buf + (size_t)(b - first) * BLK);
		b += cnt;
	}
	t->p[t->n - 1].flags &= (uint8_t)~H_CC;
}

static struct tresult track_io(struct harness *h, int dev, uint32_t first,
			       uint32_t nblk, uint8_t *buf, bool write)
{
	struct tprog t;

	track_prog(&t, first, nblk, buf, write, dev ? V_ALIAS : V_BASE);
	return run_on(h, dev, t.p, t.n);
}

/* Blocks read as build_cp_cmd_single does with Prefix: Prefix 00, LR 06
 * (TLF 4096) and one Read Data per block, at most 48 blocks. */
static void read_blocks(struct harness *h, uint32_t first, uint32_t nblk,
			uint8_t *buf)
{
	uint8_t de[16], pfx[64], lr[16];
	struct tccw p[2 + 48];
	struct tresult r;
	int n = 0;

	assert_true(nblk <= 48);
	t_de(de, 0x40, 0xc0, first / BPT, (first + nblk - 1) / BPT, 0);
	t_pfx(pfx, 0, V_BASE, UA, LSS, de, NULL);
	t_lr(lr, 0x06, 0x80, (uint8_t)nblk, first / BPT,
	     (uint8_t)(first % BPT + 1), BLK);
	p[n++] = t_ccw(0xe7, H_CC, 64, pfx);
	p[n++] = t_ccw(0x47, H_CC, 16, lr);
	for (uint32_t i = 0; i < nblk; i++)
		p[n++] = t_ccw(0x86, H_CC | H_IDA, BLK, buf + i * BLK);
	p[n - 1].flags &= (uint8_t)~H_CC;
	r = run_on(h, 0, p, n);
	want_done(&r, n - 1);
}

/* ---- data ---- */

/* Requests of every shape, written with Write Track Data and read back
 * with Read Track Data; then the whole volume, block by block with Read
 * Data, holds exactly what was written where Linux puts block b: record
 * b % 12 + 1 of track b / 12. */
static void test_shapes(void **state)
{
	static const struct { uint32_t first, n; } req[] = {
		{ 27, 5 },              /* inside track 2: records 4-8 */
		{ 36, 12 },             /* exactly track 3 */
		{ 59, 2 },              /* last of track 4, first of 5 */
		{ 48, 24 },             /* tracks 4 and 5 */
		{ 61, 190 },            /* Linux's largest: 11 + 14 x 12 + 11 */
		{ 0, 30 },              /* from track 0 (not CDL here) */
		{ 300, 1 },
		{ BLOCKS - 7, 7 },      /* the end of the volume */
	};
	struct harness *h = new_dev(CKD_NULL_LINUX);
	uint8_t *disk = calloc(BLOCKS, BLK), *out = malloc(190 * BLK);
	uint8_t *in = malloc(190 * BLK);
	struct tprog t;
	struct tresult r;

	(void)state;
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		size_t len = (size_t)req[i].n * BLK;

		fill(out, len, (uint32_t)i + 1);
		track_prog(&t, req[i].first, req[i].n, out, true, V_BASE);
		r = run_on(h, 0, t.p, t.n);
		want_done(&r, t.n - 1);
		assert_int_equal(r.executed, t.n);
		memcpy(disk + (size_t)req[i].first * BLK, out, len);

		memset(in, 0x5a, len);
		r = track_io(h, 0, req[i].first, req[i].n, in, false);
		want_done(&r, t.n - 1);
		assert_memory_equal(in, out, len);
	}
	for (uint32_t b = 0; b < BLOCKS; b += 45) {
		uint32_t n = BLOCKS - b < 45 ? BLOCKS - b : 45;

		read_blocks(h, b, n, in);
		assert_memory_equal(in, disk + (size_t)b * BLK, n * BLK);
	}
	free(disk);
	free(out);
	free(in);
	h_free(h);
}

/* One track's data in two data-chained CCWs: the device sees one stream. */
static void test_data_chaining(void **state)
{
	struct harness *h = new_dev(CKD_NULL_LINUX);
	uint8_t *out = malloc(BPT * BLK), *in = calloc(BPT, BLK);
	struct tprog t;
	struct tresult r;

	(void)state;
	fill(out, BPT * BLK, 7);
	for (int write = 1; write >= 0; write--) {
		uint8_t *buf = write ? out : in;

		track_prog(&t, 5 * BPT, BPT, buf, write, V_BASE);
		t.p[1] = t_ccw(write ? WTD : RTD, H_CD | H_IDA, 5 * BLK, buf);
		t.p[2] = t_ccw(write ? WTD : RTD, H_IDA, 7 * BLK,
			       buf + 5 * BLK);
		r = run_on(h, 0, t.p, 3);
		want_done(&r, 2);
		assert_int_equal(r.executed, 2);
	}
	assert_memory_equal(in, out, BPT * BLK);
	free(out);
	free(in);
	h_free(h);
}

/* A base write read through a HyperPAV alias (validity B0, the base's
 * unit address) and the other way round. */
static void test_alias(void **state)
{
	struct harness *h = new_dev(CKD_NULL_LINUX);
	uint8_t *out = malloc(40 * BLK), *in = malloc(40 * BLK);
	struct tresult r;

	(void)state;
	assert_int_equal(h_add_alias(h, UA + 1), 1);
	fill(out, 40 * BLK, 11);
	r = track_io(h, 0, 100, 40, out, true);
	want_done(&r, 4);
	memset(in, 0, 40 * BLK);
	r = track_io(h, 1, 100, 40, in, false);
	want_done(&r, 4);
	assert_memory_equal(in, out, 40 * BLK);
	fill(out, 36 * BLK, 12);
	r = track_io(h, 1, 132, 36, out, true);         /* tracks 11-13 */
	want_done(&r, 3);
	r = track_io(h, 0, 132, 36, in, false);
	want_done(&r, 3);
	assert_memory_equal(in, out, 36 * BLK);
	free(out);
	free(in);
	h_free(h);
}

/* ---- CDL tracks 0 and 1 ---- */

/* dasdfmt's CDL tracks first..last with Prefix (build_format): track 0
 * R1-R3 key 4 and data 24 / 144 / 80, track 1 twelve 44 / 96, the rest
 * twelve 4 KB records. */
static void format_cdl(struct harness *h, uint32_t first, uint32_t last)
{
	uint32_t ntrk = last - first + 1;
	uint8_t de[16], pfx[64], lr[16], (*cnt)[8] = calloc(ntrk * BPT, 8);
	struct tccw *p = calloc(2 + ntrk * BPT, sizeof(*p));
	struct tresult r;
	int n = 0;

	t_de(de, 0x00, 0xc4, first, last, 0x04);
	t_pfx(pfx, 0, V_BASE, UA, LSS, de, NULL);
	t_lr(lr, 0x03, 0x80, (uint8_t)(ntrk * BPT), first, 0, BLK);
	p[n++] = t_ccw(0xe7, H_CC, 64, pfx);
	p[n++] = t_ccw(0x47, H_CC, 16, lr);
	for (uint32_t trk = first; trk <= last; trk++)
		for (uint32_t i = 0; i < BPT; i++) {
			static const uint16_t dl0[3] = { 24, 144, 80 };
			uint8_t *c = cnt[(trk - first) * BPT + i];

			if (trk == 0 && i < 3)
				t_count(c, trk, (uint8_t)(i + 1), 4, dl0[i]);
			else if (trk == 1)
				t_count(c, trk, (uint8_t)(i + 1), 44, 96);
			else
				t_count(c, trk, (uint8_t)(i + 1), 0, BLK);
			p[n++] = t_ccw(i == 0 && trk != first ? 0x9d : 0x1d,
				       H_SLI | H_CC, 8, c);
		}
	p[n - 1].flags &= (uint8_t)~H_CC;
	r = run_on(h, 0, p, n);
	want_done(&r, n - 1);
	free(p);
	free(cnt);
}

/* Key and data of record rec of track 0 or 1 (0x8D, Prefix 00). */
static void write_kd(struct harness *h, uint32_t trk, uint8_t rec,
		     uint16_t len, uint8_t *kd)
{
	uint8_t de[16], pfx[64], lr[16];
	struct tccw p[3];
	struct tresult r;

	t_de(de, 0x80, 0xc0, trk, trk, 0);
	t_pfx(pfx, 0, V_BASE, UA, LSS, de, NULL);
	t_lr(lr, 0x01, 0x80, 1, trk, rec, len);
	p[0] = t_ccw(0xe7, H_CC, 64, pfx);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(0x8d, 0, len, kd);
	r = run_on(h, 0, p, 3);
	want_done(&r, 2);
}

/* Read Track Data moves data areas only: track 0 of a CDL volume gives
 * IPL1 (24), IPL2 (144), VOL1 (80) and nine 4 KB blocks without keys;
 * the 4 KB records R4-R12 take Write Track Data as any other track's;
 * from R1 on, Write Track Data meets 24-byte records: invalid track
 * format, nothing written. */
static void test_cdl_tracks(void **state)
{
	static const uint16_t dl0[3] = { 24, 144, 80 };
	const size_t t0len = 24 + 144 + 80 + 9 * BLK;
	struct harness *h = new_dev(CKD_NULL_R0);
	uint8_t *want = malloc(t0len), *got = malloc(12 * 96 + BPT * BLK);
	uint8_t kd[4 + 144], *blocks = malloc(BPT * BLK);
	struct tprog t;
	struct tresult r;
	size_t at = 0;

	(void)state;
	format_cdl(h, 0, 3);
	for (uint8_t rec = 1; rec <= 3; rec++) {
		fill(kd, sizeof(kd), rec);
		write_kd(h, 0, rec, (uint16_t)(4 + dl0[rec - 1]), kd);
		memcpy(want + at, kd + 4, dl0[rec - 1]);
		at += dl0[rec - 1];
	}
	/* Blocks 3-11 (records 4-12 of track 0) as Linux writes them on an
	 * LDL volume; on CDL it uses Write Data, the records are the same. */
	fill(blocks, 9 * BLK, 40);
	track_prog(&t, 3, 9, blocks, true, V_BASE);
	r = run_on(h, 0, t.p, t.n);
	want_done(&r, 1);
	memcpy(want + at, blocks, 9 * BLK);

	/* The whole of track 0: LRE search R1, length = all its data. */
	track_prog(&t, 0, 12, got, false, V_BASE);
	t.lre[14] = (uint8_t)(t0len >> 8);
	t.lre[15] = (uint8_t)t0len;
	t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);
	t.p[1].count = (uint16_t)t0len;
	r = run_on(h, 0, t.p, t.n);
	want_done(&r, 1);
	assert_memory_equal(got, want, t0len);

	/* Track 1: twelve 96-byte data areas (zero), keys left out; and
	 * track 2 after it in the same program. */
	memset(got, 0xee, 12 * 96 + 12 * BLK);
	track_prog(&t, 12, 24, got, false, V_BASE);
	t.p[1].count = 12 * 96;
	t.p[2].data = got + 12 * 96;
	r = run_on(h, 0, t.p, t.n);
	want_done(&r, 2);
	for (size_t i = 0; i < 12 * 96 + 12 * BLK; i++)
		assert_int_equal(got[i], 0);

	/* Write Track Data from R1 of track 0: R1 has 24 bytes. */
	fill(blocks, BPT * BLK, 41);
	track_prog(&t, 0, 12, blocks, true, V_BASE);
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 1, 0x00, 0x40, 0x00);
	track_prog(&t, 0, 12, got, false, V_BASE);
	t.lre[14] = (uint8_t)(t0len >> 8);
	t.lre[15] = (uint8_t)t0len;
	t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);
	t.p[1].count = (uint16_t)t0len;
	r = run_on(h, 0, t.p, t.n);
	want_done(&r, 1);
	assert_memory_equal(got, want, t0len);
	free(want);
	free(got);
	free(blocks);
	h_free(h);
}

/* ---- errors ---- */

/* Run a one-track Read Track Data program of track 2 after mutate. */
#define RTD_RUN(mutate)                                                    \
	do {                                                               \
		track_prog(&t, 2 * BPT, BPT, buf, false, V_BASE);          \
		mutate;                                                    \
		t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);            \
		r = run_on(h, 0, t.p, t.n);                                \
	} while (0)

/* Bytes 0-19 of the LRE that make the Prefix an invalid parameter. */
static void test_invalid_parameters(void **state)
{
	struct harness *h = new_dev(CKD_NULL_LINUX);
	uint8_t *buf = malloc(BPT * BLK), lr[16];
	struct tprog t;
	struct tresult r;

	(void)state;
	RTD_RUN((void)0);
	want_done(&r, 1);
	RTD_RUN(t.lre[0] = 0x4c);               /* home: Read Track (raw) */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[0] = 0xcc);               /* index */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN((t.lre[1] = 0, t.lre[14] = t.lre[15] = 0));   /* no length */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[1] |= 0x20);              /* imbedded CCW valid */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[1] |= 0x04);              /* imbedded count valid */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[2] = 0xa6);               /* imbedded CCW */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[3] = 0);                  /* no tracks */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[16] = 1);                 /* imbedded count */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[17] = 0x23);              /* ext. op without 3F */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[19] = 2);                 /* extended parameter */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[0] = 0x3f);               /* 3F without ext. op */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN((t.lre[0] = 0x3f, t.lre[17] = 0x11));  /* write full track */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(st_be16(t.lre + 4, CYLS));      /* track beyond the volume */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	RTD_RUN(t.lre[13] = 224);               /* sector */
	want_check(&r, 0, 0x80, 0x00, 0x04);
	/* Write Track Data: the record length above the DE block size. */
	track_prog(&t, 2 * BPT, BPT, buf, true, V_BASE);
	st_be16(t.lre + 14, 2 * BLK);
	t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 0, 0x80, 0x00, 0x04);
	/* The track operations exist only in an LRE, not in Locate Record. */
	track_prog(&t, 2 * BPT, BPT, buf, false, V_BASE);
	t_pfx(t.pfx, 0, V_BASE, UA, LSS, t.de, NULL);
	memcpy(lr, t.lre, 16);
	t.p[2] = t.p[1];
	t.p[1] = t_ccw(0x47, H_CC, 16, lr);
	r = run_on(h, 0, t.p, 3);
	want_check(&r, 1, 0x80, 0x00, 0x04);
	free(buf);
	h_free(h);
}

/* Commands outside the domain of their operation: command reject,
 * invalid sequence; too few commands: operation incomplete. */
static void test_sequence(void **state)
{
	struct harness *h = new_dev(CKD_NULL_LINUX);
	uint8_t *buf = malloc(2 * BPT * BLK), de[16], pfx[64], lr[16];
	struct tprog t;
	struct tccw p[3];
	struct tresult r;

	(void)state;
	/* Without a domain. */
	p[0] = t_ccw(RTD, 0, BLK, buf);
	r = run_on(h, 0, p, 1);
	want_check(&r, 0, 0x80, 0x00, 0x02);
	/* In a Read Data domain (Prefix 00 + LR 06). */
	t_de(de, 0x40, 0xc0, 2, 2, 0);
	t_pfx(pfx, 0, V_BASE, UA, LSS, de, NULL);
	t_lr(lr, 0x06, 0x80, 1, 2, 1, BLK);
	p[0] = t_ccw(0xe7, H_CC, 64, pfx);
	p[1] = t_ccw(0x47, H_CC, 16, lr);
	p[2] = t_ccw(RTD, 0, BLK, buf);
	r = run_on(h, 0, p, 3);
	want_check(&r, 2, 0x80, 0x00, 0x02);
	/* Read Data, Write Track Data in a Read Track Data domain; Read
	 * Track Data in a Write Track Data one. */
	track_prog(&t, 2 * BPT, BPT, buf, false, V_BASE);
	t.p[1].cmd = 0x86;
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 1, 0x80, 0x00, 0x02);
	t.p[1].cmd = WTD;
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 1, 0x80, 0x00, 0x02);
	track_prog(&t, 2 * BPT, BPT, buf, true, V_BASE);
	t.p[1].cmd = RTD;
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 1, 0x80, 0x00, 0x02);
	/* One command more than the LRE's tracks. */
	track_prog(&t, 2 * BPT, BPT, buf, false, V_BASE);
	t.p[1].flags |= H_CC;
	t.p[2] = t_ccw(RTD, H_IDA, BPT * BLK, buf + BPT * BLK);
	r = run_on(h, 0, t.p, 3);
	want_check(&r, 2, 0x80, 0x00, 0x02);
	/* One less: the first command ends the chain in the domain. */
	track_prog(&t, 2 * BPT, 2 * BPT, buf, false, V_BASE);
	t.p[1].flags &= (uint8_t)~H_CC;
	r = run_on(h, 0, t.p, 2);
	want_check(&r, 1, 0x81, 0x00, 0x00);
	/* Write Track Data under a file mask that inhibits writes. */
	track_prog(&t, 2 * BPT, BPT, buf, true, V_BASE);
	t.de[0] = 0x40;
	t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 0, 0x80, 0x00, 0x02);
	free(buf);
	h_free(h);
}

/* The extent, missing records, records of another length. */
static void test_track_conditions(void **state)
{
	struct harness *h = new_dev(CKD_NULL_LINUX);
	struct harness *blank = new_dev(CKD_NULL_R0);
	uint8_t *buf = calloc(3 * BPT, BLK);
	struct tprog t;
	struct tresult r;

	(void)state;
	/* The LRE's track outside the extent: file protected at the Prefix. */
	track_prog(&t, 4 * BPT, BPT, buf, false, V_BASE);
	t_cchh(t.de + 8, 2);
	t_cchh(t.de + 12, 3);
	t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 0, 0x00, 0x04, 0x00);
	/* Its tracks running out of the extent: at the third command. */
	track_prog(&t, 2 * BPT, 3 * BPT, buf, false, V_BASE);
	t_cchh(t.de + 12, 3);
	t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 3, 0x00, 0x04, 0x00);
	assert_int_equal(r.sense[6] & 0x0f, 3);   /* still on head 3 */
	/* Records of 2048 bytes against an LRE length of 4096 (the DE
	 * block size allows it): invalid track format at the command. */
	track_prog(&t, 2 * BPT, BPT, buf, true, V_BASE);
	st_be16(t.lre + 14, BLK / 2);
	t_pfx_lre(t.pfx, V_BASE, UA, LSS, t.de, t.lre);
	r = run_on(h, 0, t.p, t.n);
	want_check(&r, 1, 0x00, 0x40, 0x00);

	/* An unformatted volume: no R1 to search for. */
	track_prog(&t, 2 * BPT, BPT, buf, false, V_BASE);
	r = run_on(blank, 0, t.p, t.n);
	want_check(&r, 0, 0x00, 0x08, 0x00);
	/* Track 2 formatted, track 3 not: no record at the second track. */
	format_cdl(blank, 2, 2);
	track_prog(&t, 2 * BPT, 2 * BPT, buf, false, V_BASE);
	r = run_on(blank, 0, t.p, t.n);
	want_check(&r, 2, 0x00, 0x08, 0x00);
	free(buf);
	h_free(h);
	h_free(blank);
}

/* Counts the track does not match: incorrect length at the channel. */
static void test_counts(void **state)
{
	struct harness *h = new_dev(CKD_NULL_LINUX);
	uint8_t *buf = calloc(2 * BPT + 1, BLK);
	struct tprog t;
	struct tresult r;

	(void)state;
	/* More than track 2 holds: the track ends first. */
	track_prog(&t, 2 * BPT, 2 * BPT, buf, false, V_BASE);
	t.p[1].count = (BPT + 1) * BLK;
	r = run_on(h, 0, t.p, t.n);
	assert_int_equal(r.dstat, OK_STAT);
	assert_int_equal(r.cstat, SCH_STAT_INCORR_LEN);
	assert_int_equal(r.last, 1);
	assert_int_equal(r.residual, BLK);
	/* The same with SLI: the program goes on. */
	t.p[1].flags |= H_SLI;
	r = run_on(h, 0, t.p, t.n);
	assert_int_equal(r.dstat, OK_STAT);
	assert_int_equal(r.cstat, 0);
	assert_int_equal(r.last, 2);
	/* Ending inside a record, reading and writing. */
	for (int write = 0; write <= 1; write++) {
		track_prog(&t, 2 * BPT, 2 * BPT, buf, write, V_BASE);
		t.p[1].count = BPT * BLK - 100;
		r = run_on(h, 0, t.p, t.n);
		assert_int_equal(r.dstat, OK_STAT);
		assert_int_equal(r.cstat, SCH_STAT_INCORR_LEN);
		assert_int_equal(r.last, 1);
		assert_int_equal(r.residual, 0);
	}
	/* The last track of a read: at most the LRE's length (5 blocks). */
	track_prog(&t, 2 * BPT, 5, buf, false, V_BASE);
	t.p[1].count = 6 * BLK;
	r = run_on(h, 0, t.p, t.n);
	assert_int_equal(r.cstat, SCH_STAT_INCORR_LEN);
	assert_int_equal(r.residual, BLK);
	free(buf);
	h_free(h);
}

#ifdef ECKD_FAKE_IMAGE
/* A program writes back each track it wrote once, then syncs once; a
 * read neither; an image that cannot be written: equipment check. */
static void test_durability(void **state)
{
	struct harness *h = new_dev(CKD_NULL_LINUX);
	struct ckd_image *img = h_test_image(h);
	uint8_t *buf = malloc(36 * BLK);
	struct tresult r;

	(void)state;
	fill(buf, 36 * BLK, 3);
	r = track_io(h, 0, 5 * BPT + 6, 36, buf, true);     /* tracks 5-8 */
	want_done(&r, 4);
	for (uint32_t trk = 4; trk <= 9; trk++)
		assert_int_equal(fake_image_track_writes(img, trk),
				 trk >= 5 && trk <= 8 ? 1 : 0);
	assert_int_equal(fake_image_writes(img), 4);
	assert_int_equal(fake_image_syncs(img), 1);
	r = track_io(h, 0, 5 * BPT + 6, 36, buf, false);
	want_done(&r, 4);
	assert_int_equal(fake_image_writes(img), 4);
	assert_int_equal(fake_image_syncs(img), 1);
	fake_image_fail_write(img, -28);
	r = track_io(h, 0, 5 * BPT, 12, buf, true);
	want_check(&r, 1, 0x10, 0x00, 0x10);
	fake_image_fail_write(img, 0);
	free(buf);
	h_free(h);
}

/* Write Track Data on a read-only volume: command reject with "write
 * inhibited" at the Prefix (Linux: "writing is inhibited"); reads go on. */
static void test_read_only(void **state)
{
	struct ckd_geometry g = t_geo(CYLS);
	struct error err;
	struct ckd_image *img = ckd_image_new_mem(&g, CKD_NULL_LINUX, &err);
	uint8_t *buf = calloc(BPT, BLK);
	struct harness *h;
	struct tresult r;

	(void)state;
	assert_non_null(img);
	fake_image_set_readonly(img, true);
	h = h_new(img, SSID, UA);
	assert_non_null(h);
	r = track_io(h, 0, 2 * BPT, BPT, buf, true);
	want_check(&r, 0, 0x80, 0x02, 0x04);
	r = track_io(h, 0, 2 * BPT, BPT, buf, false);
	want_done(&r, 1);
	free(buf);
	h_free(h);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_data_chaining),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_cdl_tracks),
		cmocka_unit_test(test_invalid_parameters),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_track_conditions),
		cmocka_unit_test(test_counts),
#ifdef ECKD_FAKE_IMAGE
		cmocka_unit_test(test_durability),
		cmocka_unit_test(test_read_only),
#endif
	};

	log_set_level(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
