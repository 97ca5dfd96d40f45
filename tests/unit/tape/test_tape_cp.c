/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 3490 (src/tape/tape.h) through the real channel subsystem on an
 * AWSTAPE file: the programs Linux's tape_34xx sends (docs/research/
 * tape-3490.md section 2) and the status and sense it expects back
 * (section 3): tape marks as unit exception, the end of the data and the
 * load point as unit checks with their ERA codes, write protection, no
 * tape, rewind-unload, block ids and Locate, Read Backward; an
 * operator's load and unload while the drive is in use.
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

#include "common/error.h"
#include "cp_util.h"
#include "css/css_arch.h"
#include "css/css_device.h"
#include "harness.h"
#include "image/aws_tape.h"
#include "image/ckd_io.h"
#include "tape/tape.h"

#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)
#define UX DEV_STAT_UNIT_EXCEP
#define UC DEV_STAT_UNIT_CHECK

static char dir[64], path[80];
static struct harness *h;
static struct css_device *tdev;   /* the drive of h */

static uint64_t capacity;   /* of the next mount() */

static struct harness *mount(bool ro, bool tape)
{
	struct tape_config cfg = { .type = 0x3490, .capacity = capacity };
	struct error err = { 0 };
	struct css_device *dev;

	if (tape) {
		cfg.tape = aws_tape_open(path, ro, &err);
		assert_non_null(cfg.tape);
	}
	dev = tape_device_new(&cfg, &err);
	assert_non_null(dev);
	tdev = dev;
	return h_new_dev(dev);
}

static int setup(void **state)
{
	struct error err = { 0 };

	snprintf(dir, sizeof(dir), "%s/ccwpass-tape-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.aws", dir);
	assert_int_equal(aws_tape_create(path, true, false, &err), 0);
	h = mount(false, true);
	assert_non_null(h);
	return 0;
}

static int teardown(void **state)
{
	h_free(h);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void run(const struct tccw *p, int n, struct tresult *r)
{
	assert_int_equal(h_run(h, p, n, 0x80, r), 0);
}

/* One command (after a Mode Set, as tape_34xx sends most). */
static uint8_t one(uint8_t cmd, uint16_t count, void *data, struct tresult *r)
{
	uint8_t mode = 0;
	struct tccw p[2] = {
		t_ccw(0xdb, H_CC, 1, &mode),
		t_ccw(cmd, 0, count, data),
	};

	run(p, 2, r);
	return r->dstat;
}

static void expect_uc(const struct tresult *r, uint8_t s0, uint8_t s1,
			 uint8_t era)
{
	assert_int_equal(r->dstat, CE_DE | UC);
	assert_true(r->sense_valid);
	assert_int_equal(r->sense[0], s0);
	assert_int_equal(r->sense[1], s1);
	assert_int_equal(r->sense[3], era);
}

/* What Linux does at set-online: Sense ID (cio), Assign + NOP, the
 * medium sense. */
static void test_online(void **state)
{
	static const uint8_t id_3490[7] = {
		0xff, 0x34, 0x90, 0x10, 0x34, 0x90, 0x10 };
	uint8_t id[256], asg[11] = { 0 }, sense[32];
	struct tccw p[2];
	struct tresult r;

	p[0] = t_ccw(0xe4, H_SLI, sizeof(id), id);
	run(p, 1, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_memory_equal(id, id_3490, 7);
	p[0] = t_ccw(0xb7, H_CC, sizeof(asg), asg);
	p[1] = t_ccw(0x03, 0, 0, NULL);
	run(p, 2, &r);
	assert_int_equal(r.dstat, CE_DE);
	p[0] = t_ccw(0x04, 0, sizeof(sense), sense);
	run(p, 1, &r);
	assert_int_equal(r.dstat, CE_DE);
	assert_int_equal(r.residual, 0);
	assert_int_equal(sense[0], 0);                 /* loaded */
	assert_int_equal(sense[1], 0x48);              /* online, load point */
}

/* tar's view: records and tape marks written, rewound, read back. */
static void test_write_read(void **state)
{
	uint8_t rec[10240], in[65535], zero = 0;
	struct tccw p[4];
	struct tresult r;

	memset(rec, 'r', sizeof(rec));
	assert_int_equal(one(0x01, sizeof(rec), rec, &r), CE_DE);
	assert_int_equal(one(0x01, 100, rec, &r), CE_DE);
	/* mt weof 2: Mode Set, WTM, WTM, NOP */
	p[0] = t_ccw(0xdb, H_CC, 1, &zero);
	p[1] = t_ccw(0x1f, H_CC, 0, NULL);
	p[2] = t_ccw(0x1f, H_CC, 0, NULL);
	p[3] = t_ccw(0x03, 0, 0, NULL);
	run(p, 4, &r);
	assert_int_equal(r.dstat, CE_DE);
	/* mt rewind */
	p[1] = t_ccw(0x07, H_CC, 0, NULL);
	p[2] = t_ccw(0x03, 0, 0, NULL);
	run(p, 3, &r);
	assert_int_equal(r.dstat, CE_DE);
	/* read(2) with a 64 KiB buffer: the record, short */
	assert_int_equal(one(0x02, sizeof(in), in, &r), CE_DE);
	assert_int_equal(r.residual, sizeof(in) - sizeof(rec));
	assert_memory_equal(in, rec, sizeof(rec));
	assert_int_equal(one(0x02, sizeof(in), in, &r), CE_DE);
	assert_int_equal(r.residual, sizeof(in) - 100);
	/* the tape mark: unit exception, nothing read */
	assert_int_equal(one(0x02, sizeof(in), in, &r), CE_DE | UX);
	assert_int_equal(r.residual, sizeof(in));
	assert_int_equal(one(0x02, sizeof(in), in, &r), CE_DE | UX);
	/* the end of the data: 08 40 .. ERA 31 (Linux: end of file) */
	one(0x02, sizeof(in), in, &r);
	expect_uc(&r, 0x08, 0x40, 0x31);
}

static void test_spacing(void **state)
{
	uint8_t rec[80] = { 1 }, in[80], id[8];
	static const uint8_t id2[8] = { 1, 0, 0, 2, 1, 0, 0, 2 };
	uint8_t loc[4] = { 0x01, 0x00, 0x00, 0x01 };
	struct tresult r;

	/* file 1: two records; a mark; file 2: one record */
	one(0x01, sizeof(rec), rec, &r);
	rec[0] = 2;
	one(0x01, sizeof(rec), rec, &r);
	one(0x1f, 0, NULL, &r);
	rec[0] = 3;
	one(0x01, sizeof(rec), rec, &r);
	one(0x07, 0, NULL, &r);
	/* BSB at the load point: ERA 39 */
	one(0x27, 0, NULL, &r);
	expect_uc(&r, 0x00, 0x48, 0x39);
	/* FSF: past the mark, then the third record */
	assert_int_equal(one(0x3f, 0, NULL, &r), CE_DE);
	assert_int_equal(one(0x02, sizeof(in), in, &r), CE_DE);
	assert_int_equal(in[0], 3);
	/* BSF: back over the mark (positioned before it); BSB onto record 2 */
	assert_int_equal(one(0x2f, 0, NULL, &r), CE_DE);
	assert_int_equal(one(0x27, 0, NULL, &r), CE_DE);
	assert_int_equal(one(0x22, sizeof(id), id, &r), CE_DE);
	assert_memory_equal(id, ((uint8_t[8]){ 1, 0, 0, 1, 1, 0, 0, 1 }), 8);
	/* FSB over a record, FSB over the mark: unit exception */
	assert_int_equal(one(0x37, 0, NULL, &r), CE_DE);
	assert_int_equal(one(0x22, sizeof(id), id, &r), CE_DE);
	assert_memory_equal(id, id2, 8);
	assert_int_equal(one(0x37, 0, NULL, &r), CE_DE | UX);
	/* Locate block 1, then read it */
	assert_int_equal(one(0x4f, sizeof(loc), loc, &r), CE_DE);
	assert_int_equal(one(0x02, sizeof(in), in, &r), CE_DE);
	assert_int_equal(in[0], 2);
	/* Locate past the end: ERA 44 */
	loc[3] = 0x50;
	one(0x4f, sizeof(loc), loc, &r);
	expect_uc(&r, 0x10, 0x40, 0x44);
	/* Read Backward: the block before; its bytes leave the tape last
	 * first and fill storage from the right, so it reads as written */
	one(0x07, 0, NULL, &r);
	one(0x37, 0, NULL, &r);
	memset(in, 0xff, sizeof(in));
	assert_int_equal(one(0x0c, sizeof(in), in, &r), CE_DE);
	assert_int_equal(in[0], 1);                   /* byte 0 of record 1 */
	assert_int_equal(in[sizeof(in) - 1], 0);
	assert_int_equal(one(0x22, sizeof(id), id, &r), CE_DE);
	assert_int_equal(id[3], 0);
}

static void test_write_protected(void **state)
{
	uint8_t rec[80] = { 0 };
	struct tresult r;

	h_free(h);
	h = mount(true, true);
	one(0x01, sizeof(rec), rec, &r);
	expect_uc(&r, 0x80, 0x4a, 0x30);       /* online, BOT, protected */
	one(0x1f, 0, NULL, &r);
	expect_uc(&r, 0x80, 0x4a, 0x30);
	assert_int_equal(one(0x3f, 0, NULL, &r), CE_DE);   /* reading is fine */
}

/* No tape: not ready (ERA 43) for what needs one; Sense and Assign work;
 * Rewind Unload empties the drive. */
static void test_no_tape(void **state)
{
	uint8_t sense[32], asg[11] = { 0 };
	struct tresult r;

	one(0x01, 0, NULL, &r);                       /* rewind unload next */
	one(0x0f, 0, NULL, &r);
	expect_uc(&r, 0x40, 0x42, 0x2b);
	one(0x03, 0, NULL, &r);
	expect_uc(&r, 0x40, 0x42, 0x43);
	assert_int_equal(one(0xb7, sizeof(asg), asg, &r), CE_DE);
	assert_int_equal(one(0x04, sizeof(sense), sense, &r), CE_DE);
	assert_int_equal(sense[0], 0x40);
	h_free(h);
	h = mount(false, false);
	one(0x02, 10, sense, &r);
	expect_uc(&r, 0x40, 0x42, 0x43);
}

/* A tape of 512 KiB: writes in the last 128 KiB end with unit exception
 * (the end-of-tape warning; the record is written), one past the end
 * with unit check, physical end of tape (ERA 38), and is not written. */
static void test_end_of_tape(void **state)
{
	uint8_t rec[65535];
	struct tresult r;
	int n = 0;

	h_free(h);
	capacity = 512u << 10;
	h = mount(false, true);
	capacity = 0;
	memset(rec, 'e', sizeof(rec));
	one(0x07, 0, NULL, &r);
	while (one(0x01, sizeof(rec), rec, &r) == CE_DE)
		n++;
	assert_int_equal(n, 5);                /* 5 x 64 KiB < 384 KiB */
	assert_int_equal(r.dstat, CE_DE | UX);  /* the 6th: warning */
	assert_int_equal(one(0x01, sizeof(rec), rec, &r), CE_DE | UX);
	assert_int_equal(one(0x1f, 0, NULL, &r), CE_DE | UX);
	one(0x01, sizeof(rec), rec, &r);        /* 8 x 64 KiB > 512 KiB */
	expect_uc(&r, 0x10, 0x40, 0x38);
	/* rewind: everything written reads back; then the mark */
	one(0x07, 0, NULL, &r);
	for (int i = 0; i < 7; i++)
		assert_int_equal(one(0x37, 0, NULL, &r), CE_DE);
	assert_int_equal(one(0x37, 0, NULL, &r), CE_DE | UX);
}

/* The operator loads and unloads tapes (`ccwpass tape`): a load makes
 * the drive present attention + device end + unit exception and the
 * tape reads at its load point; a second load while one is in is
 * refused; an unload leaves the drive empty (intervention required at
 * the next command); a write-protected load rejects writes. */
static void test_operator_media(void **state)
{
	const int ready = DEV_STAT_ATTENTION | DEV_STAT_DEV_END | UX;
	struct css_device_desc desc;
	struct error err = { 0 };
	char other[96], buf[16], first[] = "first", again[] = "again";
	struct tresult r;

	assert_int_equal(one(0x01, 5, first, &r), CE_DE);
	assert_int_equal(tdev->ops->media(tdev, NULL, false, &err), 0);
	tdev->ops->describe(tdev, &desc);
	assert_string_equal(desc.image, "");
	assert_string_equal(desc.format, "none");
	one(0x03, 0, NULL, &r);
	expect_uc(&r, 0x40, 0x42, 0x43);              /* no tape */
	assert_int_equal(tdev->ops->media(tdev, NULL, false, &err),
			 -ENOMEDIUM);
	snprintf(other, sizeof(other), "%s/missing.aws", dir);
	assert_true(tdev->ops->media(tdev, other, false, &err) < 0);
	assert_non_null(strstr(err.msg, "missing.aws"));

	/* The same tape again: what was written before the unload. */
	assert_int_equal(tdev->ops->media(tdev, path, false, &err), ready);
	tdev->ops->describe(tdev, &desc);
	assert_string_equal(desc.image, path);
	assert_int_equal(one(0x02, sizeof(buf), buf, &r), CE_DE);
	assert_memory_equal(buf, "first", 5);
	assert_int_equal(tdev->ops->media(tdev, path, false, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "unload it first"));

	/* Write-protected. */
	assert_int_equal(tdev->ops->media(tdev, NULL, false, &err), 0);
	assert_int_equal(tdev->ops->media(tdev, path, true, &err), ready);
	tdev->ops->describe(tdev, &desc);
	assert_true(desc.readonly);
	one(0x01, 5, again, &r);
	expect_uc(&r, 0x80, 0x4a, 0x30);
}

/* An unload whose flush fails keeps the tape (what was written is not
 * safe); once the disk works again the unload goes through. */
static int sync_eio(int fd)
{
	(void)fd;
	errno = EIO;
	return -1;
}

static const struct ckd_io_ops failing_sync = {
	.pread = pread, .pwrite = pwrite, .fdatasync = sync_eio,
	.ftruncate = ftruncate,
};

static void test_unload_flush_fails(void **state)
{
	struct css_device_desc desc;
	struct error err = { 0 };
	char rec[] = "record";
	struct tresult r;

	ckd_io = &failing_sync;
	one(0x01, 6, rec, &r);               /* its own flush fails too */
	expect_uc(&r, 0x10, 0x40, 0x25);
	assert_int_equal(tdev->ops->media(tdev, NULL, false, &err), -EIO);
	assert_non_null(strstr(err.msg, "the tape stays loaded"));
	tdev->ops->describe(tdev, &desc);
	assert_string_equal(desc.image, path);
	ckd_io = &ckd_io_libc;
	assert_int_equal(tdev->ops->media(tdev, NULL, false, &err), 0);
	tdev->ops->describe(tdev, &desc);
	assert_string_equal(desc.image, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_online, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spacing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_protected, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_tape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_operator_media, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unload_flush_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_end_of_tape, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
