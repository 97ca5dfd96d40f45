/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD files at and beyond 4 GiB.
 *
 * Without an argument (suite unit), on files whose holes cost no disk
 * space: the test writes the headers and L1/L2 tables itself (its own
 * encoding of cckd.h / cckd64.h), with every track entry pointing at a
 * 56 KiB slot of a sparse file, and real (random) track images in a
 * sample of the slots.
 *  - CCKD64 3390-54, all 982800 tracks in slots up to 56 GB: the sampled
 *    tracks read back from offsets up to 56 GB; rewrites land past 56 GB;
 *    the header statistics and the free chain hold 64-bit values; after
 *    close and reopen every sampled track reads as last written.
 *  - CCKD 3390-9 with slots up to just below 4 GiB: writes succeed until
 *    the file would pass 4 GiB, then fail with -ENOSPC and one message;
 *    the sync that follows still finds room for its L2 tables; the file
 *    reopens with every written track.
 *
 * With "fill [CYLS]" (suite large): a CCKD64 volume of CYLS cylinders
 * (default 6000: 90000 tracks, 4.4 GB) gets every track written with
 * random, incompressible data (12 x 4 KB records, as a Linux guest writes
 * them), synced every 64 tracks; every track must read back before and
 * after close/reopen, and the file must have passed 4 GiB; converting it
 * to CCKD must end in -ENOSPC and a message that says why. "fill 65520"
 * fills a whole 3390-54 (48 GB; run by hand).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image_test.h"

#define SLOT      57344u          /* per track: >= 56832, < 64 KiB */
#define TRKSIZE   56832u
#define GIB4      0x100000000ull

static char *dir, *path;
static uint8_t buf[CKD_MAX_TRACK_SIZE], want[CKD_MAX_TRACK_SIZE];
static uint8_t null[CKD_MAX_TRACK_SIZE];

static int setup(void **state)
{
	(void)state;
	dir = it_mkdtemp();
	path = it_path(dir, "big.cckd");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(path);
	it_rmdir(dir);
	return 0;
}

/* ---- a file written by the test itself ---- */

struct craft {
	bool cckd64;
	unsigned int off;             /* offset size: 4 or 8 */
	struct ckd_geometry geo;
	uint32_t trks, nl1, slots;    /* tracks 0..slots-1 have a slot */
	uint64_t l2pos;               /* first L2 table */
	uint64_t data;                /* slot of track 0 */
};

static void st_off(const struct craft *c, uint8_t *p, uint64_t v)
{
	if (c->off == 4)
		st_le32(p, (uint32_t)v);
	else
		st_le64(p, v);
}

static uint64_t ld_off(const struct craft *c, const uint8_t *p)
{
	return c->off == 4 ? ld_le32(p) : ld_le64(p);
}

static uint32_t l2tab_size(const struct craft *c)
{
	return 256 * 2 * c->off;
}

static uint64_t slot_pos(const struct craft *c, uint32_t t)
{
	return c->data + (uint64_t)t * SLOT;
}

/* Tracks with real contents: every 4099th and the last eight slots. */
static bool sampled(const struct craft *c, uint32_t t)
{
	return t < c->slots && (t % 4099 == 7 || t + 8 >= c->slots);
}

static void craft_layout(struct craft *c, bool cckd64, uint32_t cyls,
			 uint32_t slots)
{
	uint32_t ntab = (slots + 255) / 256;

	c->cckd64 = cckd64;
	c->off = cckd64 ? 8 : 4;
	c->geo = it_geo(cyls);
	c->trks = cyls * 15;
	c->nl1 = (c->trks + 255) / 256;
	c->slots = slots;
	c->l2pos = 1024 + (uint64_t)c->nl1 * c->off;
	c->data = c->l2pos + (uint64_t)ntab * l2tab_size(c);
}

static void pwrite_ok(int fd, const void *p, size_t n, uint64_t off)
{
	assert_int_equal(pwrite(fd, p, n, (off_t)off), (ssize_t)n);
}

static void pread_ok(int fd, void *p, size_t n, uint64_t off)
{
	assert_int_equal(pread(fd, p, n, (off_t)off), (ssize_t)n);
}

/* Headers: 3390, nullfmt 2 (Linux), zlib; statistics 0 (recomputed). */
static void craft_headers(const struct craft *c, int fd)
{
	uint8_t h[1024] = { 0 };
	uint8_t *ch = h + 512;
	unsigned int cyls_at = c->cckd64 ? 12 : 40;
	unsigned int nf_at = c->cckd64 ? 72 : 44;

	memcpy(h, c->cckd64 ? "CKD_C064" : "CKD_C370", 8);
	st_le32(h + 8, 15);
	st_le32(h + 12, TRKSIZE);
	h[16] = 0x90;
	ch[1] = 3;
	ch[2] = 1;
	st_le32(ch + 4, c->nl1);
	st_le32(ch + 8, 256);
	st_le32(ch + cyls_at, c->geo.cyls);
	ch[nf_at] = 2;
	ch[nf_at + 1] = 1;
	st_le16(ch + nf_at + 2, 0xffff);
	pwrite_ok(fd, h, sizeof(h), 0);
}

/*
 * Write the file. Every slot holds a track entry {slot, len, SLOT}; the
 * sampled ones a random track image (seed 1), the others nothing (a hole;
 * never read). Returns: 0, or -EFBIG if the file system cannot hold it.
 */
static int craft_file(const struct craft *c)
{
	uint32_t tab = l2tab_size(c), ntab = (c->slots + 255) / 256;
	uint8_t *l1 = calloc(c->nl1, c->off), *l2 = malloc(tab);
	uint64_t end = slot_pos(c, c->slots);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0 && l1 && l2);
	if (ftruncate(fd, (off_t)end) < 0) {
		int rc = -errno;

		close(fd);
		free(l1);
		free(l2);
		return rc == -EINVAL || rc == -EFBIG ? -EFBIG : rc;
	}
	craft_headers(c, fd);
	for (uint32_t g = 0; g < ntab; g++)
		st_off(c, l1 + (size_t)g * c->off, c->l2pos + (uint64_t)g * tab);
	pwrite_ok(fd, l1, (size_t)c->nl1 * c->off, 1024);
	for (uint32_t g = 0; g < ntab; g++) {
		memset(l2, 0, tab);
		for (uint32_t j = 0; j < 256; j++) {
			uint32_t t = g * 256 + j;
			uint8_t *e = l2 + (size_t)j * 2 * c->off;
			uint16_t len = TRKSIZE;

			if (t >= c->slots) {
				st_le16(e + c->off, 2);      /* null, fmt 2 */
				st_le16(e + c->off + 2, 2);
				continue;
			}
			if (sampled(c, t)) {
				len = (uint16_t)it_random_track(buf, sizeof(buf),
								&c->geo, t, 1);
				pwrite_ok(fd, buf, len, slot_pos(c, t));
			}
			st_off(c, e, slot_pos(c, t));
			st_le16(e + c->off, len);
			st_le16(e + c->off + 2, SLOT);
		}
		pwrite_ok(fd, l2, tab, c->l2pos + (uint64_t)g * tab);
	}
	close(fd);
	free(l1);
	free(l2);
	return 0;
}

static struct ckd_image *open_ok(unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, flags, &err);

	if (!img)
		fail_msg("open: %s", err.msg);
	return img;
}

static void expect_random(struct ckd_image *img, uint32_t t, uint32_t seed)
{
	size_t len = it_random_track(want, sizeof(want),
				     ckd_image_geometry(img), t, seed);

	if (!it_track_equals(img, t, want, len))
		fail_msg("track %u does not read as written (seed %u)", t,
			 seed);
}

static void put_random(struct ckd_image *img, uint32_t t, uint32_t seed)
{
	size_t len = it_random_track(buf, sizeof(buf), ckd_image_geometry(img),
				     t, seed);

	assert_int_equal(ckd_image_write_track(img, t, buf, len), 0);
}

static uint64_t file_size(void)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* Where track t's image is now, from the file's L1 and L2 tables. */
static uint64_t stored_pos(const struct craft *c, uint32_t t)
{
	uint8_t e[8];
	int fd = open(path, O_RDONLY);
	uint64_t l2;

	assert_true(fd >= 0);
	pread_ok(fd, e, c->off, 1024 + (uint64_t)(t / 256) * c->off);
	l2 = ld_off(c, e);
	assert_true(l2 != 0);
	pread_ok(fd, e, c->off, l2 + (uint64_t)(t % 256) * 2 * c->off);
	close(fd);
	return ld_off(c, e);
}

/*
 * The closed file's statistics and free chain: size = file size,
 * used + free_total = size, free_number blocks of {next, length} from
 * free, ascending, inside the file, whose lengths add up to the gaps.
 */
static void check_stats_and_chain(const struct craft *c)
{
	uint8_t h[512], blk[16];
	int fd = open(path, O_RDONLY);
	unsigned int st = c->cckd64 ? 16 : 12, w = c->off;
	uint64_t size, used, next, total, imbed, number, gaps = 0, prev = 0;

	assert_true(fd >= 0);
	pread_ok(fd, h, sizeof(h), 512);
	assert_false(h[3] & 0x80);                   /* closed */
	size = ld_off(c, h + st);
	used = ld_off(c, h + st + w);
	next = ld_off(c, h + st + 2 * w);
	total = ld_off(c, h + st + 3 * w);
	number = ld_off(c, h + st + 5 * w);
	imbed = ld_off(c, h + st + 6 * w);
	assert_true(size == file_size());
	assert_true(used + total == size);
	assert_true(number > 0);
	for (uint64_t i = 0; i < number; i++) {
		uint64_t len;

		assert_true(next > prev && next + 2 * w <= size);
		pread_ok(fd, blk, 2 * w, next);
		len = ld_off(c, blk + w);
		assert_true(len >= 2 * w && next + len <= size);
		gaps += len;
		prev = next;
		next = ld_off(c, blk);
	}
	assert_true(next == 0);
	assert_true(gaps == total - imbed);
	close(fd);
}

static void test_cckd64_3390_54_past_56gb(void **state)
{
	struct craft c;
	struct ckd_image *img;
	struct stat st;
	uint32_t high = 0, last;
	size_t len;

	(void)state;
	craft_layout(&c, true, 65520, 65520 * 15);
	last = c.trks - 1;
	if (craft_file(&c) == -EFBIG) {
		print_message("SKIP: %s cannot hold a sparse 56 GB file\n", dir);
		skip();
	}
	assert_int_equal(stat(path, &st), 0);
	assert_true((uint64_t)st.st_size > 56000000000ull);
	assert_true((uint64_t)st.st_blocks * 512 < 100000000ull);

	/* Every sampled track reads back, most from beyond 4 GiB. */
	img = open_ok(CKD_OPEN_RDONLY);
	assert_int_equal(ckd_image_format(img), CKD_IMAGE_CCKD64);
	assert_int_equal(ckd_image_tracks(img), 982800);
	for (uint32_t t = 0; t < c.trks; t++) {
		if (!sampled(&c, t))
			continue;
		expect_random(img, t, 1);
		high += slot_pos(&c, t) >= GIB4;
	}
	assert_true(high > 200);
	ckd_image_close(img);

	/* Rewrites go to the end of the file, past 56 GB; the last track
	   becomes a null track. */
	img = open_ok(0);
	for (uint32_t t = 0; t < c.trks; t++)
		if (sampled(&c, t) && t % 2)
			put_random(img, t, 2);
	assert_int_equal(ckd_image_sync(img), 0);
	len = ckd_track_null(null, sizeof(null), 65519, 14, CKD_NULL_LINUX);
	assert_int_equal(ckd_image_write_track(img, last, null, len), 0);
	put_random(img, last - 2, 3);            /* written, not synced */
	ckd_image_close(img);
	/* The first rewrites found no free space: they went past 56 GB. */
	assert_true(stored_pos(&c, last - 6) >= slot_pos(&c, c.slots));
	assert_true(stored_pos(&c, last) == 0);
	check_stats_and_chain(&c);

	img = open_ok(CKD_OPEN_RDONLY);
	for (uint32_t t = 0; t < last - 2; t++)
		if (sampled(&c, t))
			expect_random(img, t, t % 2 ? 2 : 1);
	expect_random(img, last - 2, 3);
	expect_random(img, last - 1, 1);
	assert_true(it_track_equals(img, last, null, len));
	ckd_image_close(img);
	/* Space freed by the rewrites is used again. */
	img = open_ok(0);
	put_random(img, 7, 4);
	ckd_image_close(img);
	assert_true(stored_pos(&c, 7) < slot_pos(&c, c.slots));
	img = open_ok(CKD_OPEN_RDONLY);
	expect_random(img, 7, 4);
	ckd_image_close(img);
}

/* How many times text occurs in the captured log. */
static unsigned int log_count(const char *text)
{
	unsigned int n = 0;

	for (const char *p = it_log_text(); (p = strstr(p, text)); p++)
		n++;
	return n;
}

static void test_cckd_refuses_at_4gb(void **state)
{
	/* Room for three random tracks and what the CCKD backend keeps
	   for the L2 tables of the next sync (2 KB per changed table + 1). */
	uint64_t room = 3 * 49277 + 3 * 2048 + 100, end;
	struct craft c;
	struct ckd_image *img;
	uint32_t slots = 70000, n = 0;
	size_t len, nlen;
	int rc = 0;

	(void)state;
	/* The most slots that leave that much below 4 GiB. */
	for (int i = 0; i < 3; i++) {
		craft_layout(&c, false, 10017, slots);
		slots = (uint32_t)((0xffffffffull - room - c.data) / SLOT);
	}
	craft_layout(&c, false, 10017, slots);
	end = slot_pos(&c, c.slots);
	assert_true(end + room <= 0xffffffffull && end + room + SLOT > GIB4);
	if (craft_file(&c) == -EFBIG) {
		print_message("SKIP: %s cannot hold a sparse 4 GB file\n", dir);
		skip();
	}
	it_log_capture();
	img = open_ok(0);
	/* Tracks after the last slot: written until the file is full. */
	for (uint32_t t = c.slots; t < c.trks; t++) {
		len = it_random_track(buf, sizeof(buf), &c.geo, t, 5);
		rc = ckd_image_write_track(img, t, buf, len);
		if (rc)
			break;
		n++;
	}
	assert_int_equal(rc, -ENOSPC);
	assert_true(n >= 3);
	len = it_random_track(buf, sizeof(buf), &c.geo, c.slots + n, 5);
	assert_int_equal(ckd_image_write_track(img, c.slots + n, buf, len),
			 -ENOSPC);
	/* One clear message, not one per failed write, saying what to do;
	   and the warning of the open before. */
	assert_int_equal(log_count("cannot grow past 4294967295 bytes"), 1);
	assert_int_equal(log_count("ccwpass convert"), 2);
	assert_int_equal(log_count("a CCKD file holds at most 4 GiB: about "
				   "5036 of this volume's 10017 cylinders"), 1);
	assert_non_null(strstr(it_log_text(), path));
	it_log_release();
	/* A null track frees its unsynced image's space: one more fits. */
	nlen = ckd_track_null(null, sizeof(null), (uint16_t)(c.slots / 15),
			      (uint16_t)(c.slots % 15), CKD_NULL_LINUX);
	assert_int_equal(ckd_image_write_track(img, c.slots, null, nlen), 0);
	assert_int_equal(ckd_image_write_track(img, c.slots + n, buf, len), 0);
	assert_int_equal(ckd_image_sync(img), 0);
	ckd_image_close(img);
	assert_true(file_size() <= 0xffffffffull);
	check_stats_and_chain(&c);

	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(it_track_equals(img, c.slots, null, nlen));
	for (uint32_t t = c.slots + 1; t <= c.slots + n; t++)
		expect_random(img, t, 5);
	expect_random(img, c.slots - 1, 1);
	ckd_image_close(img);
}

/* Opened for writing, a CCKD volume larger than 4 GiB of raw tracks
   warns once; smaller ones, CCKD64 and read-only opens do not. */
static void test_capacity_warning(void **state)
{
	static const struct {
		const char *model;
		uint32_t cyls;
		enum ckd_image_format fmt;
		unsigned int flags;
		unsigned int warnings;
	} cases[] = {
		{ "3390-9", 10017, CKD_IMAGE_CCKD, 0, 1 },
		{ "3390-9", 10017, CKD_IMAGE_CCKD, CKD_OPEN_RDONLY, 0 },
		{ "3390-3", 3339, CKD_IMAGE_CCKD, 0, 0 },
		{ "3390-9", 10017, CKD_IMAGE_CCKD64, 0, 0 },
		{ "3390-54", 65520, CKD_IMAGE_CCKD64, 0, 0 },
	};
	struct ckd_geometry geo = it_geo(10017);

	(void)state;
	assert_int_equal(ckd_format_capacity(CKD_IMAGE_CCKD, &geo), 5036);
	assert_int_equal(ckd_format_capacity(CKD_IMAGE_CCKD64, &geo), 10017);
	assert_int_equal(ckd_format_capacity(CKD_IMAGE_PLAIN, &geo), 10017);
	geo = it_geo(5037);                 /* the largest that fits */
	assert_int_equal(ckd_format_capacity(CKD_IMAGE_CCKD, &geo), 5037);
	geo = it_geo(5038);
	assert_int_equal(ckd_format_capacity(CKD_IMAGE_CCKD, &geo), 5037);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ckd_image *img;

		unlink(path);
		it_create(path, cases[i].cyls, cases[i].fmt, CKD_INIT_BLANK);
		it_log_capture();
		img = open_ok(cases[i].flags);
		ckd_image_close(img);
		if (log_count("holds at most 4 GiB") != cases[i].warnings ||
		    (cases[i].warnings && !strstr(it_log_text(), path)))
			fail_msg("%s %s: log \"%s\"", cases[i].model,
				 cases[i].fmt == CKD_IMAGE_CCKD ? "CCKD" :
				 "CCKD64", it_log_text());
		it_log_release();
	}
}

/* ---- filling a volume with real data (suite large) ---- */

static uint32_t fill_cyls = 6000;

static void read_all(struct ckd_image *img)
{
	for (uint32_t t = 0; t < ckd_image_tracks(img); t++)
		expect_random(img, t, 9);
}

/* More than 4 GiB of tracks do not fit a CCKD file: convert says so. */
static void refuse_cckd_copy(void)
{
	struct ckd_convert_options opt = { .format = CKD_IMAGE_CCKD };
	char *out = it_path(dir, "small.cckd");
	struct error err = { 0 };
	struct stat st;

	it_log_capture();
	assert_int_equal(ckd_image_convert(path, out, &opt, NULL, &err),
			 -ENOSPC);
	it_log_release();
	if (!strstr(err.msg, "do not fit in a CCKD file (at most 4 GiB); "
		    "use --format cckd64"))
		fail_msg("message: %s", err.msg);
	assert_int_equal(stat(out, &st), -1);
	free(out);
}

static void test_fill_with_random_data(void **state)
{
	struct ckd_geometry geo = it_geo(fill_cyls);
	uint64_t need = (uint64_t)geo.cyls * 15 * 49277;
	struct ckd_image *img;

	(void)state;
	it_create(path, fill_cyls, CKD_IMAGE_CCKD64, CKD_INIT_CDL);
	img = open_ok(0);
	for (uint32_t t = 0; t < ckd_image_tracks(img); t++) {
		put_random(img, t, 9);
		if (t % 64 == 63)
			assert_int_equal(ckd_image_sync(img), 0);
	}
	assert_int_equal(ckd_image_sync(img), 0);
	read_all(img);
	ckd_image_close(img);
	print_message("%u tracks of random data: file %ju bytes\n",
		      fill_cyls * 15, (uintmax_t)file_size());
	assert_true(file_size() > need);
	if (need > GIB4)
		assert_true(file_size() > GIB4);
	img = open_ok(CKD_OPEN_RDONLY);
	read_all(img);
	ckd_image_close(img);
	if (need > GIB4)
		refuse_cckd_copy();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest sparse[] = {
		cmocka_unit_test_setup_teardown(test_cckd64_3390_54_past_56gb,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cckd_refuses_at_4gb,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity_warning,
						setup, teardown),
	};
	const struct CMUnitTest fill[] = {
		cmocka_unit_test_setup_teardown(test_fill_with_random_data,
						setup, teardown),
	};

	if (argc > 1 && !strcmp(argv[1], "fill")) {
		if (argc > 2)
			fill_cyls = (uint32_t)strtoul(argv[2], NULL, 10);
		if (fill_cyls < 1 || fill_cyls > 65520) {
			fprintf(stderr, "%s fill [CYLINDERS 1-65520]\n",
				argv[0]);
			return 2;
		}
		return cmocka_run_group_tests_name("fill", fill, NULL, NULL);
	}
	return cmocka_run_group_tests_name("sparse", sparse, NULL, NULL);
}
