/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AWSTAPE volumes (src/image/aws_tape.h): the bytes Hercules writes,
 * records and tape marks forward and backward, block ids, writing in the
 * middle cutting off the rest, records of several chunks, damaged files
 * refused, and Hercules' own tools both ways (hetinit -> us, us -> hetmap).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/aws_tape.h"
#include "image_test.h"

static char *dir, *path;

static int setup(void **state)
{
	dir = it_mkdtemp();
	path = it_path(dir, "t.aws");
	return 0;
}

static int teardown(void **state)
{
	free(path);
	it_rmdir(dir);
	return 0;
}

static struct aws_tape *open_rw(void)
{
	struct error err = { 0 };
	struct aws_tape *t = aws_tape_open(path, false, &err);

	if (!t)
		fail_msg("%s", err.msg);
	return t;
}

static void test_create(void **state)
{
	static const uint8_t two_marks[12] = {
		0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0x40, 0 };
	struct error err = { 0 };
	struct aws_tape *t;
	uint8_t *file;
	size_t len;

	assert_int_equal(aws_tape_create(path, true, false, &err), 0);
	file = it_read_file(path, &len);
	assert_int_equal(len, 12);
	assert_memory_equal(file, two_marks, 12);   /* as `hetinit -n` */
	free(file);
	assert_int_equal(aws_tape_create(path, true, false, &err), -EEXIST);
	t = open_rw();
	assert_true(aws_tape_at_load_point(t));
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	assert_int_equal(aws_tape_forward(t), AWS_END);
	assert_int_equal(aws_tape_block_id(t), 2);
	aws_tape_close(t);
}

static void test_records_and_marks(void **state)
{
	struct error err = { 0 };
	struct aws_tape *t;
	uint8_t a[100], b[65535], in[65535];
	size_t len;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	assert_int_equal(aws_tape_create(path, false, false, &err), 0);
	t = open_rw();
	assert_int_equal(aws_tape_write(t, a, sizeof(a)), 0);
	assert_int_equal(aws_tape_write(t, b, sizeof(b)), 0);
	assert_int_equal(aws_tape_write_mark(t), 0);
	assert_int_equal(aws_tape_write(t, a, 10), 0);
	assert_int_equal(aws_tape_write_mark(t), 0);
	assert_int_equal(aws_tape_write_mark(t), 0);
	assert_int_equal(aws_tape_write(t, a, 0), -EINVAL);
	assert_int_equal(aws_tape_write(t, a, 65536), -EINVAL);
	assert_int_equal(aws_tape_block_id(t), 6);
	assert_int_equal(aws_tape_flush(t), 0);
	aws_tape_rewind(t);
	/* forward, a short buffer: the record's length, its first bytes */
	assert_int_equal(aws_tape_read(t, in, 50, &len), AWS_DATA);
	assert_int_equal(len, 100);
	assert_memory_equal(in, a, 50);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, 65535);
	assert_memory_equal(in, b, sizeof(b));
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_MARK);
	assert_int_equal(aws_tape_block_id(t), 3);
	/* backward over the mark and the big record */
	assert_int_equal(aws_tape_backward(t), AWS_MARK);
	assert_int_equal(aws_tape_backward(t), AWS_DATA);
	assert_int_equal(aws_tape_block_id(t), 1);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, 65535);
	/* locate by block id; past the end */
	assert_int_equal(aws_tape_locate(t, 3), 0);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, 10);
	assert_int_equal(aws_tape_locate(t, 99), AWS_END);
	assert_int_equal(aws_tape_block_id(t), 6);
	assert_int_equal(aws_tape_backward(t), AWS_MARK);
	aws_tape_rewind(t);
	assert_int_equal(aws_tape_backward(t), AWS_END);   /* load point */
	/* writing after block 1 cuts off what followed */
	assert_int_equal(aws_tape_locate(t, 1), 0);
	assert_int_equal(aws_tape_write_mark(t), 0);
	assert_int_equal(aws_tape_forward(t), AWS_END);
	aws_tape_rewind(t);
	assert_int_equal(aws_tape_forward(t), AWS_DATA);
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	assert_int_equal(aws_tape_forward(t), AWS_END);
	aws_tape_close(t);
	t = aws_tape_open(path, true, &err);
	assert_non_null(t);
	assert_int_equal(aws_tape_write_mark(t), -EROFS);
	aws_tape_close(t);
}

/* A record in three chunks (as HET files cut them), read whole, stepped
 * over whole in both directions. */
static void test_chunked_record(void **state)
{
	uint8_t file[] = {
		3, 0, 0, 0, 0x80, 0, 'a', 'b', 'c',
		2, 0, 3, 0, 0x00, 0, 'd', 'e',
		1, 0, 2, 0, 0x20, 0, 'f',
		0, 0, 1, 0, 0x40, 0,
	};
	struct aws_tape *t;
	uint8_t in[16];
	size_t len;

	assert_int_equal(it_write_file(path, file, sizeof(file)), 0);
	t = open_rw();
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, 6);
	assert_memory_equal(in, "abcdef", 6);
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	assert_int_equal(aws_tape_backward(t), AWS_MARK);
	assert_int_equal(aws_tape_backward(t), AWS_DATA);
	assert_true(aws_tape_at_load_point(t));
	aws_tape_close(t);
}

/* Damaged files end with -EIO, never a crash or a wrong block. */
static void test_damaged(void **state)
{
	static const uint8_t no_start[] = { 1, 0, 0, 0, 0x20, 0, 'x' };
	static const uint8_t short_chunk[] = { 9, 0, 0, 0, 0xa0, 0, 'x' };
	static const uint8_t mark_data[] = { 1, 0, 0, 0, 0x40, 0, 'x' };
	static const uint8_t het_zlib[] = { 1, 0, 0, 0, 0xa1, 0, 'x' };
	static const uint8_t cut_header[] = { 1, 0, 0 };
	const struct { const uint8_t *b; size_t n; } cases[] = {
		{ no_start, sizeof(no_start) }, { short_chunk, sizeof(short_chunk) },
		{ mark_data, sizeof(mark_data) }, { het_zlib, sizeof(het_zlib) },
		{ cut_header, sizeof(cut_header) },
	};
	uint8_t in[16];
	size_t len;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct aws_tape *t;

		assert_int_equal(it_write_file(path, cases[i].b, cases[i].n), 0);
		t = open_rw();
		assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), -EIO);
		aws_tape_close(t);
	}
}

/* Hercules' tools: a tape hetinit labels reads here; one written here
 * hetmap maps. Skipped without Hercules. */
static void test_hercules(void **state)
{
	static const uint8_t vol1[4] = { 0xe5, 0xd6, 0xd3, 0xf1 };   /* VOL1 */
	struct aws_tape *t;
	uint8_t in[100], rec[800];
	char *out = NULL;
	size_t len;

	if (!it_have_tool("hetinit") || !it_have_tool("hetmap"))
		skip();
	assert_int_equal(it_run(&out, "hetinit -d '%s' VOL001", path), 0);
	free(out);
	t = open_rw();
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, 80);
	assert_memory_equal(in, vol1, 4);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, 80);                       /* HDR1 */
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	/* two files after the labels, then the end of the data */
	memset(rec, 0x5a, sizeof(rec));
	for (int f = 0; f < 2; f++) {
		for (int r = 0; r < 3; r++)
			assert_int_equal(aws_tape_write(t, rec, sizeof(rec)), 0);
		assert_int_equal(aws_tape_write_mark(t), 0);
	}
	assert_int_equal(aws_tape_write_mark(t), 0);
	aws_tape_close(t);
	assert_int_equal(it_run(&out, "hetmap -f '%s'", path), 0);
	/* the labels and the six records, 2 x 80 + 6 x 800 bytes */
	if (!strstr(out, "Blocks              : 8\n") ||
	    !strstr(out, "Uncompressed bytes  : 4960\n"))
		fail_msg("hetmap:\n%s", out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_and_marks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_chunked_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hercules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
