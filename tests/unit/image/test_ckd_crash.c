/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD and CCKD64 crash consistency (the argument names the format:
 * "cckd", the default, or "cckd64"). Every pwrite, fdatasync and
 * ftruncate of a session is recorded (ckd_io seam). A crash image is the
 * file as it was before the session plus everything up to some barrier
 * plus ANY subset of the 512-byte sector pieces written after it (the
 * disk may persist them in any order, and tear multi-sector writes). For
 * each such image every track must read back as it was after the last
 * completed ckd_image_sync() or as after the next one; the image must
 * open for reading and writing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/ckd_image.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"
#include "image_test.h"

#define CYLS 18                   /* 270 tracks: two L2 groups */
#define TRKS (CYLS * 15)
#define MAX_OPS 4096
#define SECTOR 512

enum op_kind { OP_WRITE, OP_BARRIER, OP_TRUNC, OP_EPOCH };

struct op {
	enum op_kind kind;
	uint64_t off;                 /* write offset or new size */
	size_t len;
	uint8_t *data;
};

static struct op ops[MAX_OPS];
static size_t nops;
static bool recording;

static ssize_t rec_pwrite(int fd, const void *b, size_t n, off_t off)
{
	/* Split into sector pieces: each may or may not reach the disk. */
	for (size_t done = 0; recording && done < n;) {
		uint64_t at = (uint64_t)off + done;
		size_t piece = SECTOR - at % SECTOR;

		if (piece > n - done)
			piece = n - done;
		assert_true(nops < MAX_OPS);
		ops[nops].kind = OP_WRITE;
		ops[nops].off = at;
		ops[nops].len = piece;
		ops[nops].data = malloc(piece);
		memcpy(ops[nops].data, (const uint8_t *)b + done, piece);
		nops++;
		done += piece;
	}
	return pwrite(fd, b, n, off);
}

static int rec_fdatasync(int fd)
{
	if (recording) {
		assert_true(nops < MAX_OPS);
		ops[nops++] = (struct op){ .kind = OP_BARRIER };
	}
	return fdatasync(fd);
}

static int rec_ftruncate(int fd, off_t len)
{
	if (recording) {
		assert_true(nops < MAX_OPS);
		ops[nops++] = (struct op){ .kind = OP_TRUNC, .off = (uint64_t)len };
	}
	return ftruncate(fd, len);
}

static const struct ckd_io_ops recorder = {
	.pread = pread, .pwrite = rec_pwrite, .fdatasync = rec_fdatasync,
	.ftruncate = rec_ftruncate,
};

/* ckd_image_sync() number n completed here. */
static void mark_epoch(void)
{
	ops[nops++] = (struct op){ .kind = OP_EPOCH };
}

/* Expected track contents after each epoch: 0 before the session, 1-3
   after each ckd_image_sync(), 4 after ckd_image_close(). */
#define SYNCS 3
#define EPOCHS (SYNCS + 2)
static uint8_t *expect_img[EPOCHS][TRKS];
static size_t expect_len[EPOCHS][TRKS];

static enum ckd_image_format format = CKD_IMAGE_CCKD;
static char *dir, *path, *crash_path;
static uint8_t *base;
static size_t base_len;
static uint8_t trkbuf[CKD_MAX_TRACK_SIZE];

static void remember(unsigned int epoch, struct ckd_image *img)
{
	for (uint32_t t = 0; t < TRKS; t++) {
		size_t len;

		assert_int_equal(ckd_image_read_track(img, t, trkbuf,
						      sizeof(trkbuf), &len), 0);
		expect_img[epoch][t] = malloc(len);
		memcpy(expect_img[epoch][t], trkbuf, len);
		expect_len[epoch][t] = len;
	}
}

/*
 * A mix of writes over both groups: the same tracks every round (so old
 * durable images are replaced), some others, null tracks, a rewrite.
 */
static void write_one(struct ckd_image *img, uint32_t t, uint32_t round)
{
	const struct ckd_geometry *g = ckd_image_geometry(img);
	size_t len;

	if ((t + round) % 5 == 0)
		len = ckd_track_null(trkbuf, sizeof(trkbuf), (uint16_t)(t / 15),
				     (uint16_t)(t % 15), CKD_NULL_R0);
	else
		len = it_track(trkbuf, sizeof(trkbuf), g, t, round, t % 2);
	assert_int_equal(ckd_image_write_track(img, t, trkbuf, len), 0);
}

static void session_writes(struct ckd_image *img, uint32_t round)
{
	for (uint32_t t = 0; t < TRKS; t += 37)
		write_one(img, t, round);
	for (uint32_t t = round + 5; t < TRKS; t += 53)
		write_one(img, t, round);
	write_one(img, 37, round + 100);
}

static int setup(void **state)
{
	struct ckd_image *img;
	struct error err;

	(void)state;
	dir = it_mkdtemp();
	path = it_path(dir, "vol.cckd");
	crash_path = it_path(dir, "crash.cckd");
	it_create(path, CYLS, format, CKD_INIT_BLANK);
	/* Epoch 0: some content, cleanly closed. */
	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	session_writes(img, 0);
	ckd_image_close(img);

	img = ckd_image_open(path, 0, &err);
	assert_non_null(img);
	remember(0, img);
	base = it_read_file(path, &base_len);   /* as open left it */
	nops = 0;
	recording = true;
	ckd_io = &recorder;
	for (unsigned int e = 1; e <= SYNCS; e++) {
		session_writes(img, e);
		assert_int_equal(ckd_image_sync(img), 0);
		mark_epoch();
		remember(e, img);
	}
	/* Written, not synced: close makes it durable. */
	session_writes(img, SYNCS + 1);
	remember(SYNCS + 1, img);
	ckd_image_close(img);
	recording = false;
	ckd_io = &ckd_io_libc;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < nops; i++)
		free(ops[i].data);
	for (unsigned int e = 0; e < EPOCHS; e++)
		for (uint32_t t = 0; t < TRKS; t++)
			free(expect_img[e][t]);
	free(base);
	free(path);
	free(crash_path);
	it_rmdir(dir);
	return 0;
}

static uint8_t *img_buf;
static size_t img_len, img_cap;

static void apply(const struct op *o)
{
	if (o->kind == OP_TRUNC) {
		if (o->off > img_cap) {
			img_buf = realloc(img_buf, o->off);
			img_cap = o->off;
		}
		if (o->off > img_len)
			memset(img_buf + img_len, 0, o->off - img_len);
		img_len = o->off;
		return;
	}
	if (o->kind != OP_WRITE)
		return;
	if (o->off + o->len > img_cap) {
		img_cap = (o->off + o->len) * 2;
		img_buf = realloc(img_buf, img_cap);
	}
	if (o->off > img_len)
		memset(img_buf + img_len, 0, o->off - img_len);
	memcpy(img_buf + o->off, o->data, o->len);
	if (o->off + o->len > img_len)
		img_len = o->off + o->len;
}

static bool track_is(struct ckd_image *img, unsigned int epoch, uint32_t t)
{
	size_t len;

	if (ckd_image_read_track(img, t, trkbuf, sizeof(trkbuf), &len) != 0)
		return false;
	return len == expect_len[epoch][t] &&
	       !memcmp(trkbuf, expect_img[epoch][t], len);
}

static unsigned long checked;

/* Build the crash image: ops[0..upto) plus the chosen pieces of the
   segment [seg, seg_end), and check it. */
static void check_crash(size_t upto, size_t seg_end, const bool *keep,
			unsigned int epoch)
{
	struct ckd_image *img;
	struct error err = { 0 };

	img_len = 0;
	if (base_len > img_cap) {
		img_buf = realloc(img_buf, base_len);
		img_cap = base_len;
	}
	memcpy(img_buf, base, base_len);
	img_len = base_len;
	for (size_t i = 0; i < upto; i++)
		apply(&ops[i]);
	for (size_t i = upto; i < seg_end; i++)
		if (keep[i - upto])
			apply(&ops[i]);
	assert_int_equal(it_write_file(crash_path, img_buf, img_len), 0);
	img = ckd_image_open(crash_path, CKD_OPEN_RDONLY, &err);
	if (!img)
		fail_msg("crash image (segment at op %zu) does not open: %s",
			 upto, err.msg);
	for (uint32_t t = 0; t < TRKS; t++) {
		bool ok = track_is(img, epoch, t) ||
			  (epoch + 1 < EPOCHS && track_is(img, epoch + 1, t));

		if (!ok)
			fail_msg("crash image at op %zu: track %u is neither "
				 "epoch %u nor %u", upto, t, epoch, epoch + 1);
	}
	ckd_image_close(img);
	checked++;
}

static void test_every_crash_point(void **state)
{
	unsigned int epoch = 0;
	size_t seg = 0;
	bool *keep = calloc(MAX_OPS, 1);

	(void)state;
	assert_true(nops > 10);
	while (seg < nops) {
		size_t end = seg, n;

		while (end < nops && ops[end].kind == OP_WRITE)
			end++;
		n = end - seg;
		/* Subsets of this segment's sector pieces: none, all, each
		   prefix, each single piece, all but each single piece. */
		memset(keep, 0, n);
		check_crash(seg, end, keep, epoch);
		for (size_t k = 1; k <= n; k++) {
			memset(keep, 0, n);
			memset(keep, 1, k);
			check_crash(seg, end, keep, epoch);
			memset(keep, 0, n);
			keep[k - 1] = 1;
			check_crash(seg, end, keep, epoch);
			memset(keep, 1, n);
			keep[k - 1] = 0;
			check_crash(seg, end, keep, epoch);
		}
		/* Past the barrier or epoch mark that ends the segment. */
		seg = end;
		while (seg < nops && ops[seg].kind != OP_WRITE) {
			if (ops[seg].kind == OP_EPOCH)
				epoch++;
			seg++;
		}
	}
	assert_int_equal(epoch, SYNCS);
	/* The file as close left it is the last epoch. */
	check_crash(nops, nops, keep, SYNCS + 1);
	print_message("checked %lu crash images over %zu recorded ops\n",
		      checked, nops);
	free(keep);
	free(img_buf);
	img_buf = NULL;
	img_cap = 0;
}

static void test_crash_images_open_writable(void **state)
{
	struct ckd_image *img;
	struct error err = { 0 };
	size_t cut[] = { nops / 4, nops / 2, 3 * nops / 4 };

	(void)state;
	/* A crashed file opens read-write (free space rebuilt), takes
	   writes and closes cleanly. */
	for (size_t i = 0; i < 3; i++) {
		size_t len;

		memcpy(img_buf = realloc(img_buf, base_len), base, base_len);
		img_cap = img_len = base_len;
		for (size_t j = 0; j < cut[i]; j++)
			apply(&ops[j]);
		assert_int_equal(it_write_file(crash_path, img_buf, img_len), 0);
		img = ckd_image_open(crash_path, 0, &err);
		if (!img)
			fail_msg("open: %s", err.msg);
		len = it_track(trkbuf, sizeof(trkbuf), ckd_image_geometry(img),
			       100, 7, false);
		assert_int_equal(ckd_image_write_track(img, 100, trkbuf, len), 0);
		ckd_image_close(img);
		img = ckd_image_open(crash_path, CKD_OPEN_RDONLY, &err);
		assert_non_null(img);
		assert_true(it_track_equals(img, 100, trkbuf, len));
		ckd_image_close(img);
	}
	free(img_buf);
	img_buf = NULL;
	img_cap = 0;
}

static void test_write_ordering_costs(void **state)
{
	size_t barriers = 0, epochs = 0;

	(void)state;
	for (size_t i = 0; i < nops; i++) {
		barriers += ops[i].kind == OP_BARRIER;
		epochs += ops[i].kind == OP_EPOCH;
	}
	/* Two fdatasyncs per sync; close adds its sync's two and two more. */
	assert_int_equal(epochs, SYNCS);
	assert_int_equal(barriers, 2 * SYNCS + 2 + 2);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_ordering_costs),
		cmocka_unit_test(test_every_crash_point),
		cmocka_unit_test(test_crash_images_open_writable),
	};

	if (argc > 1 && !strcmp(argv[1], "cckd64"))
		format = CKD_IMAGE_CCKD64;
	else if (argc > 1 && strcmp(argv[1], "cckd"))
		return 2;
	return cmocka_run_group_tests_name(argc > 1 ? argv[1] : "cckd", tests,
					   setup, teardown);
}
