/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compressed FBA volumes (src/image/fba_cfba.h) in ccwpass alone: a new
 * one is a few KB and reads as zeros; random, compressible and zero
 * blocks, whole and partial block groups, read back before and after a
 * reopen; groups of zeros take no space; read-only opens never write;
 * damaged headers, tables and groups are refused by name or read as
 * -EIO. Hercules' view of the same files: test_cfba_hercules.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/byteorder.h"
#include "cfba_test.h"
#include "image_test.h"

#define BLOCKS 5000u                  /* 42 groups, the last partly used */

static char *dir, *path;

static int setup(void **state)
{
	(void)state;
	dir = it_mkdtemp();
	path = it_path(dir, "vol.cfba");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(path);
	it_rmdir(dir);
	return 0;
}

static uint32_t file_le32(const char *p, uint64_t off)
{
	size_t len;
	uint8_t *v = it_read_file(p, &len);
	uint32_t x;

	assert_true(off + 4 <= len);
	x = ld_le32(v + off);
	free(v);
	return x;
}

static off_t file_size(const char *p)
{
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	return st.st_size;
}

/* A 9336-20 (1,672,881 blocks) is two KB of headers and L1 table. */
static void test_create(void **state)
{
	struct error err = { 0 };
	uint8_t buf[2 * FBA_BLOCK_SIZE], zero[sizeof(buf)] = { 0 };
	struct fba_image *img;
	struct stat st;
	uint8_t *v;
	size_t len;

	(void)state;
	cfba_create(path, 1672881);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* 13941 groups: 55 L1 entries after the two headers. */
	assert_int_equal(st.st_size, 1024 + 55 * 4);
	v = it_read_file(path, &len);
	assert_memory_equal(v, "FBA_C370", 8);
	assert_int_equal(ld_le32(v + 8), 1672881);     /* heads: blocks */
	assert_int_equal(ld_le32(v + 12), 512);        /* trksize */
	assert_int_equal(v[16], 0x36);
	assert_memory_equal(v + 512, "\x00\x03\x01", 3);
	assert_int_equal(ld_le32(v + 512 + 4), 55);    /* numl1tab */
	assert_int_equal(ld_le32(v + 512 + 8), 256);
	assert_int_equal(ld_le32(v + 512 + 40), 1672881);
	assert_int_equal(v[512 + 45], 1);              /* zlib */
	free(v);
	assert_int_equal(fba_image_create_format(path, 10, FBA_IMAGE_CFBA,
						 0x9336, false, &err), -EEXIST);
	assert_int_equal(fba_image_create_format(path, 0, FBA_IMAGE_CFBA,
						 0x9336, true, &err), -EINVAL);
	img = cfba_open(path, false);
	assert_int_equal(fba_image_blocks(img), 1672881);
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(fba_image_read(img, 1672879, 2, buf), 0);
	assert_memory_equal(buf, zero, sizeof(buf));
	assert_int_equal(fba_image_read(img, 1672880, 2, buf), -ERANGE);
	assert_int_equal(fba_image_write(img, 1672881, 1, buf), -ERANGE);
	fba_image_close(img);
	assert_int_equal(file_size(path), 1024 + 55 * 4);
}

static void test_write_read_reopen(void **state)
{
	struct cfba_model m;
	struct fba_image *img;

	(void)state;
	cfba_model_init(&m, BLOCKS);
	cfba_create(path, BLOCKS);
	img = cfba_open(path, false);
	cfba_scribble(img, &m, 1);
	cfba_check(img, &m);
	assert_int_equal(fba_image_flush(img), 0);
	cfba_scribble(img, &m, 7);                /* rewrites, unsynced */
	cfba_check(img, &m);
	fba_image_close(img);
	img = cfba_open(path, false);
	cfba_check(img, &m);
	cfba_write(img, &m, 119, 2, 0, 9);        /* across groups 0 and 1 */
	fba_image_close(img);
	img = cfba_open(path, true);
	cfba_check(img, &m);
	fba_image_close(img);
	cfba_model_free(&m);
}

/* Random data is stored raw, text compressed, zeros not at all. */
static void test_space(void **state)
{
	struct cfba_model m;
	struct fba_image *img;
	off_t empty, full;

	(void)state;
	cfba_model_init(&m, BLOCKS);
	cfba_create(path, BLOCKS);
	empty = file_size(path);
	img = cfba_open(path, false);
	cfba_write(img, &m, 0, 1200, 1, 3);       /* 10 groups of text */
	fba_image_close(img);
	full = file_size(path);
	assert_true(full - empty < 10 * 2048 + 2048);
	img = cfba_open(path, false);
	cfba_write(img, &m, 1200, 240, 0, 3);     /* 2 random groups */
	fba_image_close(img);
	assert_true(file_size(path) >= full + 2 * 61445);
	img = cfba_open(path, false);
	cfba_write(img, &m, 0, 1440, 2, 0);       /* all zeros again */
	fba_image_close(img);
	assert_int_equal(file_size(path), empty); /* no L2 table either */
	img = cfba_open(path, true);
	cfba_check(img, &m);
	fba_image_close(img);
	cfba_model_free(&m);
}

/* A read-only open changes no byte of the file, and refuses writes. */
static void test_readonly(void **state)
{
	struct cfba_model m;
	struct fba_image *img;
	uint8_t *before, *after, blk[FBA_BLOCK_SIZE] = { 1 };
	size_t lb, la;

	(void)state;
	cfba_model_init(&m, BLOCKS);
	cfba_create(path, BLOCKS);
	img = cfba_open(path, false);
	cfba_scribble(img, &m, 2);
	fba_image_close(img);
	before = it_read_file(path, &lb);
	img = cfba_open(path, true);
	assert_true(fba_image_readonly(img));
	assert_int_equal(fba_image_write(img, 0, 1, blk), -EROFS);
	cfba_check(img, &m);
	assert_int_equal(fba_image_flush(img), 0);
	fba_image_close(img);
	after = it_read_file(path, &la);
	assert_int_equal(la, lb);
	assert_memory_equal(after, before, la);
	free(before);
	free(after);
	cfba_model_free(&m);
}

/* One writer at a time, as for plain volumes. */
static void test_one_writer(void **state)
{
	struct error err = { 0 };
	struct fba_image *img;

	(void)state;
	cfba_create(path, BLOCKS);
	img = cfba_open(path, false);
	assert_null(fba_image_open(path, false, &err));
	assert_int_equal(err.errnum, EBUSY);
	fba_image_close(img);
}

/* ---- damage ---- */

/* A written volume: groups 0 (text), 1 (random, raw), 2 (text). */
static void damage_base(struct cfba_model *m, uint64_t *l2, uint64_t *g1,
			uint64_t *g2)
{
	struct fba_image *img;

	cfba_model_init(m, BLOCKS);
	cfba_create(path, BLOCKS);
	img = cfba_open(path, false);
	cfba_write(img, m, 0, 120, 1, 1);
	cfba_write(img, m, 120, 120, 0, 2);
	cfba_write(img, m, 240, 120, 1, 3);
	fba_image_close(img);
	*l2 = file_le32(path, 1024);
	*g1 = file_le32(path, *l2 + 8);
	*g2 = file_le32(path, *l2 + 16);
	assert_int_equal(file_le32(path, *l2 + 12) & 0xffff, 61445);
	assert_true((file_le32(path, *l2 + 20) & 0xffff) < 61445);
}

static void open_fails(int errnum, const char *what)
{
	struct error err = { 0 };

	assert_null(fba_image_open(path, false, &err));
	assert_int_equal(err.errnum, errnum);
	assert_non_null(strstr(err.msg, "vol.cfba"));
	if (!strstr(err.msg, what))
		fail_msg("expected \"%s\" in: %s", what, err.msg);
}

static void test_damaged_headers(void **state)
{
	struct cfba_model m;
	uint64_t l2, g1, g2;

	(void)state;
	damage_base(&m, &l2, &g1, &g2);
	it_patch_le32(path, 512 + 40, 0);                 /* no blocks */
	open_fails(EINVAL, "block count");
	it_patch_le32(path, 512 + 40, BLOCKS * 200);      /* numl1tab short */
	open_fails(EINVAL, "numl1tab");
	it_patch_le32(path, 512 + 40, BLOCKS);
	it_patch_le32(path, 12, 4096);                    /* sector size */
	open_fails(EINVAL, "trksize");
	it_patch_le32(path, 12, 512);
	it_patch(path, 512, "\x01", 1);                   /* version */
	open_fails(EINVAL, "vrm");
	cfba_model_free(&m);
}

static void test_damaged_tables(void **state)
{
	struct cfba_model m;
	uint64_t l2, g1, g2;
	uint8_t *save;
	size_t len;

	(void)state;
	damage_base(&m, &l2, &g1, &g2);
	save = it_read_file(path, &len);
	it_patch_le32(path, 1024, 0xfffffff0);
	open_fails(EUCLEAN, "L2 table outside");
	it_write_file(path, save, len);
	it_patch_le32(path, l2 + 8, 0x7ffffff0);          /* group 1 pos */
	open_fails(EUCLEAN, "outside the data area");
	it_write_file(path, save, len);
	it_patch_le32(path, l2 + 12, 61446 | 61446u << 16); /* len, size */
	open_fails(EUCLEAN, "len 61446");
	it_write_file(path, save, len);
	it_patch_le32(path, l2 + 16, (uint32_t)g1 + 100); /* overlaps 1 */
	open_fails(EUCLEAN, "overlaps");
	free(save);
	cfba_model_free(&m);
}

/* A damaged group reads as -EIO; the others still read. */
static void test_damaged_groups(void **state)
{
	struct cfba_model m;
	uint64_t l2, g1, g2;
	uint8_t buf[FBA_BLOCK_SIZE];
	struct fba_image *img;

	(void)state;
	damage_base(&m, &l2, &g1, &g2);
	it_patch(path, g1 + 4, "\x07", 1);                /* group number */
	it_patch(path, g2 + 40, "\xff\xff\xff\xff", 4);   /* zlib stream */
	img = cfba_open(path, true);
	assert_int_equal(fba_image_read(img, 130, 1, buf), -EIO);
	assert_int_equal(fba_image_read(img, 300, 1, buf), -EIO);
	assert_int_equal(fba_image_read(img, 119, 1, buf), 0);
	assert_memory_equal(buf, m.v + 119 * FBA_BLOCK_SIZE, FBA_BLOCK_SIZE);
	fba_image_close(img);
	/* A partial write into a damaged group cannot merge: -EIO too. */
	img = cfba_open(path, false);
	assert_int_equal(fba_image_write(img, 130, 1, buf), -EIO);
	fba_image_close(img);
	it_patch(path, g1, "\x05", 1);                    /* method 5 */
	img = cfba_open(path, true);
	assert_int_equal(fba_image_read(img, 130, 1, buf), -EIO);
	fba_image_close(img);
	it_patch_le32(path, l2 + 12, 100 | 61445u << 16); /* short raw */
	it_patch(path, g1, "\x00\x00\x00\x00\x01", 5);
	img = cfba_open(path, true);
	assert_int_equal(fba_image_read(img, 130, 1, buf), -EIO);
	fba_image_close(img);
	cfba_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_reopen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_writer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damaged_headers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damaged_tables, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damaged_groups, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
