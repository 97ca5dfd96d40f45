/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FBA DASD (src/dasd/fba.h) through the real channel subsystem and a
 * plain FBA image: identification as Linux's cio and dasd_fba read it,
 * the channel programs dasd_fba builds (docs/research/fba-dasd.md section
 * 3: data-chained, one pair per block, discard), and command reject /
 * file protected for what a real device refuses.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/byteorder.h"
#include "cp_util.h"
#include "css/css_arch.h"
#include "dasd/fba.h"
#include "harness.h"
#include "image/fba_image.h"

#define H_DC 0x80
#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

static char dir[64], path[80];
static struct harness *h;

static struct harness *open_dev(uint64_t blocks, uint16_t type, bool ro)
{
	struct fba_config cfg = { .dev_type = type };
	struct error err = { 0 };
	struct css_device *dev;

	unlink(path);
	assert_int_equal(fba_image_create(path, blocks, false, &err), 0);
	cfg.image = fba_image_open(path, ro, &err);
	assert_non_null(cfg.image);
	dev = fba_device_new(&cfg, &err);
	assert_non_null(dev);
	return h_new_dev(dev);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "%s/ccwpass-fba-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vol.fba", dir);
	h = open_dev(1672881, 0x9336, false);
	assert_non_null(h);
	return 0;
}

static int teardown(void **state)
{
	h_free(h);
	h = NULL;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void de(uint8_t p[16], uint8_t mask, uint32_t loc, uint32_t beg,
	       uint32_t end)
{
	memset(p, 0, 16);
	p[0] = mask;
	st_be16(p + 2, 512);
	st_be32(p + 4, loc);
	st_be32(p + 8, beg);
	st_be32(p + 12, end);
}

static void lo(uint8_t p[8], uint8_t op, uint16_t ct, uint32_t nr)
{
	memset(p, 0, 8);
	p[0] = op;
	st_be16(p + 2, ct);
	st_be32(p + 4, nr);
}

static void run(const struct tccw *prog, int n, struct tresult *r)
{
	assert_int_equal(h_run(h, prog, n, 0x80, r), 0);
}

/* Linux's data-chained shape: DE, Locate, one Read/Write per block with
 * DC. write: data has n blocks. */
static void transfer(bool write, uint32_t first, uint32_t n, uint8_t *data,
		     struct tresult *r)
{
	uint8_t d[16], l[8];
	struct tccw prog[2 + 96];

	assert_true(n <= 96);
	de(d, write ? 0x00 : 0x40, first, 0, n - 1);
	lo(l, write ? 0x05 : 0x06, (uint16_t)n, 0);
	prog[0] = t_ccw(0x63, H_CC, 16, d);
	prog[1] = t_ccw(0x43, H_CC, 8, l);
	for (uint32_t i = 0; i < n; i++)
		prog[2 + i] = t_ccw(write ? 0x41 : 0x42,
				    i + 1 < n ? H_DC : 0, 512, data + i * 512);
	run(prog, 2 + (int)n, r);
}

static void test_identification(void **state)
{
	static const uint8_t id_9336_20[7] = {
		0xff, 0x63, 0x10, 0x80, 0x93, 0x36, 0x10 };
	uint8_t id[256] = { 0 }, rdc[32];
	struct tccw p = t_ccw(0xe4, H_SLI, sizeof(id), id);
	struct tresult r;

	run(&p, 1, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_int_equal(r.residual, sizeof(id) - 7);
	assert_memory_equal(id, id_9336_20, 7);
	/* RDC: 32 bytes, no SLI, as Linux asks. */
	p = t_ccw(0x64, 0, sizeof(rdc), rdc);
	run(&p, 1, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_int_equal(r.cstat, 0);
	assert_int_equal(rdc[0], 0x30);            /* data chaining */
	assert_int_equal(rdc[2], 0x21);            /* FBA */
	assert_int_equal(ld_be16(rdc + 4), 512);
	assert_int_equal(ld_be32(rdc + 14), 1672881);
	/* NOP (cio's path verification). */
	p = t_ccw(0x03, H_SLI, 0, NULL);
	run(&p, 1, &r);
	assert_int_equal(r.dstat, CE_DE);
}

/* The model follows the volume's size; 3370s sit behind a 3880. */
static void test_models(void **state)
{
	static const uint8_t id_9336_10[7] = {
		0xff, 0x63, 0x10, 0x80, 0x93, 0x36, 0x00 };
	static const uint8_t id_3370[7] = {
		0xff, 0x38, 0x80, 0x01, 0x33, 0x70, 0x00 };
	uint8_t id[7];
	struct tccw p = t_ccw(0xe4, 0, sizeof(id), id);
	struct tresult r;

	h_free(h);
	h = open_dev(200000, 0x9336, false);
	run(&p, 1, &r);
	assert_memory_equal(id, id_9336_10, 7);
	h_free(h);
	h = open_dev(558000, 0x3370, false);
	run(&p, 1, &r);
	assert_memory_equal(id, id_3370, 7);
	assert_string_equal(fba_model_find("9336")->name, "9336-20");
	assert_null(fba_model_find("3390-9"));
	assert_int_equal(fba_model_for(0x3370, 600000)->dev_model, 0x04);
}

static void test_write_read_data_chained(void **state)
{
	uint8_t out[96 * 512], in[sizeof(out)];
	struct tresult r;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13 + i / 512);
	transfer(true, 1000, 96, out, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_int_equal(r.cstat, 0);
	memset(in, 0, sizeof(in));
	transfer(false, 1000, 96, in, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_memory_equal(in, out, sizeof(out));
	/* on disk where Hercules has block 1000 */
	{
		FILE *f = fopen(path, "rb");
		uint8_t blk[512];

		assert_non_null(f);
		assert_int_equal(fseek(f, 1000L * 512 + 95 * 512, SEEK_SET), 0);
		assert_int_equal(fread(blk, 1, 512, f), 512);
		fclose(f);
		assert_memory_equal(blk, out + 95 * 512, 512);
	}
}

/* Without data chaining: DE, then Locate(1) + Read per block. */
static void test_pairs(void **state)
{
	uint8_t out[3 * 512], in[3 * 512], d[16], l[3][8];
	struct tccw prog[7];
	struct tresult r;

	memset(out, 0x5a, sizeof(out));
	transfer(true, 40, 3, out, &r);
	de(d, 0x40, 40, 0, 2);
	prog[0] = t_ccw(0x63, H_CC, 16, d);
	for (int i = 0; i < 3; i++) {
		lo(l[i], 0x06, 1, (uint32_t)i);
		prog[1 + 2 * i] = t_ccw(0x43, H_CC, 8, l[i]);
		prog[2 + 2 * i] = t_ccw(0x42, i < 2 ? H_CC : 0, 512,
					in + i * 512);
	}
	run(prog, 7, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_memory_equal(in, out, sizeof(out));
}

/* Discard / write zeroes: a Write of count 0 with SLI zero-fills every
 * located block. */
static void test_write_zeroes(void **state)
{
	uint8_t out[16 * 512], in[16 * 512], zero[16 * 512] = { 0 }, d[16],
		l[8];
	struct tccw prog[3];
	struct tresult r;

	memset(out, 0xee, sizeof(out));
	transfer(true, 64, 16, out, &r);
	de(d, 0x00, 64, 0, 15);
	lo(l, 0x05, 16, 0);
	prog[0] = t_ccw(0x63, H_CC, 16, d);
	prog[1] = t_ccw(0x43, H_CC, 8, l);
	prog[2] = t_ccw(0x41, H_SLI, 0, NULL);
	run(prog, 3, &r);
	assert_int_equal(r.dstat, CE_DE);
	transfer(false, 64, 16, in, &r);
	assert_memory_equal(in, zero, sizeof(in));
}

static void expect_reject(const struct tresult *r, uint8_t s1)
{
	assert_int_equal(r->dstat, CE_DE | DEV_STAT_UNIT_CHECK);
	assert_true(r->sense_valid);
	assert_int_equal(r->sense[0], 0x80);       /* command reject */
	assert_int_equal(r->sense[1], s1);
}

static void test_rejects(void **state)
{
	uint8_t d[16], d2[16], l[8], blk[1024] = { 0 };
	struct tccw prog[4];
	struct tresult r;

	/* Locate without Define Extent */
	lo(l, 0x06, 1, 0);
	prog[0] = t_ccw(0x43, H_CC, 8, l);
	prog[1] = t_ccw(0x42, 0, 512, blk);
	run(prog, 2, &r);
	expect_reject(&r, 0);
	assert_int_equal(r.last, 0);
	/* a block outside the extent */
	de(d, 0x40, 10, 0, 3);
	lo(l, 0x06, 2, 3);
	prog[0] = t_ccw(0x63, H_CC, 16, d);
	prog[1] = t_ccw(0x43, H_CC, 8, l);
	prog[2] = t_ccw(0x42, 0, 1024, blk);
	run(prog, 3, &r);
	expect_reject(&r, 0);
	assert_int_equal(r.last, 1);
	/* an extent past the end of the volume */
	de(d, 0x40, 1672880, 0, 1);
	run(prog, 1, &r);
	expect_reject(&r, 0);
	/* a write where the extent inhibits writes: file protected */
	de(d, 0x40, 10, 0, 3);
	lo(l, 0x05, 1, 0);
	prog[2] = t_ccw(0x41, 0, 512, blk);
	run(prog, 3, &r);
	expect_reject(&r, 0x04);
	/* Read without a Locate before it; a second Define Extent */
	de(d, 0x40, 10, 0, 3);
	prog[1] = t_ccw(0x42, 0, 512, blk);
	run(prog, 2, &r);
	expect_reject(&r, 0);
	de(d2, 0x40, 10, 0, 3);
	prog[1] = t_ccw(0x63, 0, 16, d2);
	run(prog, 2, &r);
	expect_reject(&r, 0);
	/* an unknown command, a short Define Extent */
	prog[0] = t_ccw(0x07, 0, 0, NULL);
	run(prog, 1, &r);
	expect_reject(&r, 0);
	prog[0] = t_ccw(0x63, H_SLI, 8, d);
	run(prog, 1, &r);
	expect_reject(&r, 0);
	/* Sense without a unit check before it: zeros */
	h_set_csense(h, false);
	prog[0] = t_ccw(0x04, H_SLI, 32, blk);
	memset(blk, 0xff, 32);
	run(prog, 1, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_int_equal(blk[0], 0);
}

/* A read-only volume: reads work, a write is file protected. */
static void test_readonly(void **state)
{
	uint8_t blk[512] = { 1 }, d[16], l[8];
	struct tccw prog[3];
	struct tresult r;

	h_free(h);
	h = open_dev(1000, 0x9336, true);
	transfer(false, 0, 1, blk, &r);
	assert_int_equal(r.dstat, CE_DE);
	de(d, 0x00, 0, 0, 0);
	lo(l, 0x05, 1, 0);
	prog[0] = t_ccw(0x63, H_CC, 16, d);
	prog[1] = t_ccw(0x43, H_CC, 8, l);
	prog[2] = t_ccw(0x41, 0, 512, blk);
	run(prog, 3, &r);
	expect_reject(&r, 0x04);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identification, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_models, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_data_chained,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_zeroes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
