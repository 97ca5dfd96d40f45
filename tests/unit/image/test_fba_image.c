/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain FBA volumes (src/image/fba_image.h; CFBA: test_cfba_image.c): made sparse and 0600, blocks
 * read back as written, bounds and read-only refused with the kernel's
 * errnos, files that are not plain FBA volumes refused by name, one
 * writer at a time.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "image/ckd_image.h"
#include "image/fba_image.h"
#include "image_test.h"

static char *dir, *path;

static int setup(void **state)
{
	dir = it_mkdtemp();
	path = it_path(dir, "vol.fba");
	return 0;
}

static int teardown(void **state)
{
	free(path);
	it_rmdir(dir);
	return 0;
}

static void test_create_sparse_private(void **state)
{
	struct error err = { 0 };
	struct fba_image *img;
	uint8_t buf[2 * FBA_BLOCK_SIZE], zero[sizeof(buf)] = { 0 };
	struct stat st;

	/* A 9336-20's worth of blocks: 818 MiB, nothing of it on disk. */
	assert_int_equal(fba_image_create(path, 1672881, false, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 1672881ll * 512);
	assert_true(st.st_blocks * 512 < 64 * 1024);
	assert_int_equal(fba_image_create(path, 10, false, &err), -EEXIST);
	img = fba_image_open(path, false, &err);
	assert_non_null(img);
	assert_int_equal(fba_image_blocks(img), 1672881);
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(fba_image_read(img, 1672879, 2, buf), 0);
	assert_memory_equal(buf, zero, sizeof(buf));
	fba_image_close(img);
}

static void test_write_read_flush(void **state)
{
	struct error err = { 0 };
	struct fba_image *img;
	uint8_t out[3 * FBA_BLOCK_SIZE], in[sizeof(out)];

	assert_int_equal(fba_image_create(path, 100, false, &err), 0);
	img = fba_image_open(path, false, &err);
	assert_non_null(img);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(fba_image_write(img, 97, 3, out), 0);
	assert_int_equal(fba_image_flush(img), 0);
	assert_int_equal(fba_image_flush(img), 0);   /* nothing new */
	fba_image_close(img);
	img = fba_image_open(path, true, &err);
	assert_non_null(img);
	assert_true(fba_image_readonly(img));
	assert_int_equal(fba_image_read(img, 97, 3, in), 0);
	assert_memory_equal(in, out, sizeof(out));
	/* Block 97 sits at byte 97 * 512 of the file, as Hercules has it. */
	{
		size_t len;
		uint8_t *file = it_read_file(path, &len);

		assert_int_equal(len, 100 * 512);
		assert_memory_equal(file + 97 * 512, out, sizeof(out));
		free(file);
	}
	assert_int_equal(fba_image_write(img, 0, 1, out), -EROFS);
	fba_image_close(img);
}

static void test_bounds(void **state)
{
	struct error err = { 0 };
	struct fba_image *img;
	uint8_t buf[2 * FBA_BLOCK_SIZE] = { 0 };

	assert_int_equal(fba_image_create(path, 100, false, &err), 0);
	img = fba_image_open(path, false, &err);
	assert_non_null(img);
	assert_int_equal(fba_image_read(img, 100, 1, buf), -ERANGE);
	assert_int_equal(fba_image_read(img, 99, 2, buf), -ERANGE);
	assert_int_equal(fba_image_write(img, 99, 2, buf), -ERANGE);
	assert_int_equal(fba_image_write(img, UINT64_MAX, 1, buf), -ERANGE);
	assert_int_equal(fba_image_read(img, 99, 1, buf), 0);
	fba_image_close(img);
	assert_int_equal(fba_image_create(path, 0, true, &err), -EINVAL);
}

/* Files that are not plain FBA volumes are named and refused. */
static void test_refused(void **state)
{
	struct error err = { 0 };
	uint8_t odd[1000] = { 0 };
	char *ckd = it_path(dir, "vol.cckd");

	assert_int_equal(it_write_file(path, odd, sizeof(odd)), 0);
	assert_null(fba_image_open(path, false, &err));
	assert_non_null(strstr(err.msg, "vol.fba: 1000 bytes"));
	assert_int_equal(it_write_file(path, odd, 0), 0);
	assert_null(fba_image_open(path, false, &err));
	it_create(ckd, 3, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	assert_null(fba_image_open(ckd, false, &err));
	assert_non_null(strstr(err.msg, "a compressed CKD image"));
	memcpy(odd, "FBA_C064", 8);
	assert_int_equal(it_write_file(path, odd, 512), 0);
	assert_null(fba_image_open(path, false, &err));
	assert_non_null(strstr(err.msg, "CFBA64"));
	memcpy(odd, "FBA_S370", 8);
	assert_int_equal(it_write_file(path, odd, 512), 0);
	assert_null(fba_image_open(path, false, &err));
	assert_non_null(strstr(err.msg, "shadow"));
	free(ckd);
	ckd = it_path(dir, "none");
	assert_null(fba_image_open(ckd, false, &err));
	assert_int_equal(err.errnum, ENOENT);
	/* A FIFO where a volume should be: refused, the opener not held
	 * (without a writer an open for reading would wait for ever). */
	assert_int_equal(mkfifo(ckd, 0600), 0);
	assert_null(fba_image_open(ckd, true, &err));
	assert_null(fba_image_open(ckd, false, &err));
	unlink(ckd);
	free(ckd);
}

/* One writer: a second writer or a reader is refused while it runs. */
static void test_one_writer(void **state)
{
	struct error err = { 0 };
	struct fba_image *a, *b;

	assert_int_equal(fba_image_create(path, 10, false, &err), 0);
	a = fba_image_open(path, false, &err);
	assert_non_null(a);
	assert_null(fba_image_open(path, false, &err));
	assert_int_equal(err.errnum, EBUSY);
	assert_null(fba_image_open(path, true, &err));
	fba_image_close(a);
	a = fba_image_open(path, true, &err);
	b = fba_image_open(path, true, &err);
	assert_non_null(a);
	assert_non_null(b);
	fba_image_close(b);
	fba_image_close(a);
}

/* What Hercules' dasdinit makes (raw, and with its VOL1 label in block
 * 1) opens with Hercules' block count; the label is where Hercules put
 * it. Skipped without Hercules. */
static void test_hercules_dasdinit(void **state)
{
	static const uint8_t vol1[4] = { 0xe5, 0xd6, 0xd3, 0xf1 }; /* EBCDIC */
	struct error err = { 0 };
	struct fba_image *img;
	uint8_t blk[FBA_BLOCK_SIZE];
	char *out = NULL;

	if (!it_have_tool("dasdinit"))
		skip();
	assert_int_equal(it_run(&out, "dasdinit -r '%s' 9336 20000", path), 0);
	free(out);
	img = fba_image_open(path, false, &err);
	assert_non_null(img);
	assert_int_equal(fba_image_blocks(img), 20000);
	fba_image_close(img);
	unlink(path);
	assert_int_equal(it_run(&out, "dasdinit '%s' 3370 LNX001 1000", path), 0);
	free(out);
	img = fba_image_open(path, true, &err);
	assert_non_null(img);
	assert_int_equal(fba_image_blocks(img), 1000);
	assert_int_equal(fba_image_read(img, 1, 1, blk), 0);
	assert_memory_equal(blk, vol1, 4);
	fba_image_close(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_sparse_private,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_flush, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_writer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hercules_dasdinit, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
