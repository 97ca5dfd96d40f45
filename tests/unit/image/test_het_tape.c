/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HET tapes (src/image/aws_tape.h, het_codec.h): records written to a
 * .het file zlib-compressed when shorter and stored as they are when not,
 * a .aws file plain; compressed records (zlib, bzip2 in chunks, Bus-Tech
 * zlib) read back whole, stepped over and located by block id; damaged
 * compressed records refused; and Hercules' tools both ways (ours ->
 * hetmap, hetget; hetupd -z / -b, hetinit -> us). Hercules' tests skip
 * without the tools.
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
#include <zlib.h>
#ifdef CCWPASS_HAVE_BZIP2
#include <bzlib.h>
#endif

#include "common/byteorder.h"
#include "image/aws_tape.h"
#include "image/het_codec.h"
#include "image_test.h"

static char *dir;

static int setup(void **state)
{
	dir = it_mkdtemp();
	return 0;
}

static int teardown(void **state)
{
	it_rmdir(dir);
	return 0;
}

/* Test records: text that compresses, bytes that do not. */
static void fill_text(uint8_t *p, size_t n, unsigned seed)
{
	static const char words[] = "HERCULES 3490 TAPE RECORD ";

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)words[(i + seed) % (sizeof(words) - 1)];
}

static void fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 7);
	}
}

static struct aws_tape *open_tape(const char *path, bool readonly)
{
	struct error err = { 0 };
	struct aws_tape *t = aws_tape_open(path, readonly, &err);

	if (!t)
		fail_msg("%s", err.msg);
	return t;
}

/* The records of the interop tape: file 1 = rec[0..3), file 2 = rec[3..5). */
#define NREC 5
static const size_t rec_len[NREC] = { 20000, 30000, 65535, 80, 4096 };
static uint8_t *rec[NREC];

static void make_records(void)
{
	for (int i = 0; i < NREC; i++) {
		rec[i] = malloc(rec_len[i]);
		assert_non_null(rec[i]);
		if (i == 1 || i == 4)
			fill_random(rec[i], rec_len[i], (uint32_t)i);
		else
			fill_text(rec[i], rec_len[i], (unsigned)i);
	}
}

static void free_records(void)
{
	for (int i = 0; i < NREC; i++)
		free(rec[i]);
}

/* The records, tape marks after file 1 and after file 2, and one more. */
static void write_records(const char *path)
{
	struct error err = { 0 };
	struct aws_tape *t;

	assert_int_equal(aws_tape_create(path, false, false, &err), 0);
	t = open_tape(path, false);
	for (int i = 0; i < NREC; i++) {
		assert_int_equal(aws_tape_write(t, rec[i], rec_len[i]), 0);
		if (i == 2)
			assert_int_equal(aws_tape_write_mark(t), 0);
	}
	assert_int_equal(aws_tape_write_mark(t), 0);
	assert_int_equal(aws_tape_write_mark(t), 0);
	aws_tape_close(t);
}

/* Read the tape of write_records() back, record for record. */
static void check_records(const char *path)
{
	struct aws_tape *t = open_tape(path, true);
	static uint8_t in[AWS_MAX_BLOCK];
	size_t len;

	for (int i = 0; i < NREC; i++) {
		assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
		assert_int_equal(len, rec_len[i]);
		assert_memory_equal(in, rec[i], len);
		if (i == 2)
			assert_int_equal(aws_tape_read(t, in, sizeof(in), &len),
					 AWS_MARK);
	}
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	assert_int_equal(aws_tape_forward(t), AWS_END);
	assert_int_equal(aws_tape_block_id(t), NREC + 3);
	aws_tape_close(t);
}

/* The chunk header at off of a file's bytes. */
struct chunk {
	uint16_t cur, prev;
	uint8_t f1, f2;
};

static struct chunk chunk_at(const uint8_t *file, size_t off)
{
	return (struct chunk){ ld_le16(file + off), ld_le16(file + off + 2),
			       file[off + 4], file[off + 5] };
}

/* .het: each record one chunk, zlib (flags 0xA1) when shorter, plain
 * (0xA0) when not; the stream is a zlib stream at level 4 that zlib
 * itself inflates. .aws (and .HET: the case does not matter) as named. */
static void test_write_het(void **state)
{
	char *path = it_path(dir, "w.het"), *aws = it_path(dir, "w.aws");
	static uint8_t out[AWS_MAX_BLOCK];
	uint8_t *file;
	size_t len, off = 0;
	uLongf olen;

	make_records();
	write_records(path);
	file = it_read_file(path, &len);
	for (int i = 0; i < NREC; i++) {
		struct chunk c = chunk_at(file, off);
		bool random = i == 1 || i == 4;

		assert_int_equal(c.f1, random ? 0xa0 : 0xa1);
		assert_int_equal(c.f2, 0);
		if (random) {
			assert_int_equal(c.cur, rec_len[i]);
			assert_memory_equal(file + off + 6, rec[i], rec_len[i]);
		} else {
			assert_true(c.cur < (rec_len[i] > 1000 ? rec_len[i] / 4
							   : rec_len[i]));
			assert_int_equal(file[off + 6], 0x78);   /* zlib, */
			assert_int_equal(file[off + 7], 0x5e);   /* level 2-5 */
			olen = sizeof(out);
			assert_int_equal(uncompress(out, &olen, file + off + 6,
						    c.cur), Z_OK);
			assert_int_equal(olen, rec_len[i]);
			assert_memory_equal(out, rec[i], olen);
		}
		off += 6 + c.cur;
		if (i == 2) {
			assert_int_equal(chunk_at(file, off).f1, 0x40);
			off += 6;
		}
	}
	assert_int_equal(len, off + 12);
	free(file);
	check_records(path);

	write_records(aws);
	file = it_read_file(aws, &len);
	assert_int_equal(chunk_at(file, 0).f1, 0xa0);
	assert_int_equal(chunk_at(file, 0).cur, rec_len[0]);
	free(file);
	check_records(aws);
	assert_int_equal(aws_format_of_name(aws), AWS_FORMAT_AWSTAPE);
	assert_int_equal(aws_format_of_name("/x/T.HET"), AWS_FORMAT_HET);
	assert_int_equal(aws_format_of_name("het"), AWS_FORMAT_AWSTAPE);
	free_records();
	free(aws);
	free(path);
}

/* A file built here: one chunk header and its data at *off. */
static void put_chunk(uint8_t *file, size_t *off, uint16_t *prev,
		      const void *data, uint16_t len, uint8_t f1, uint8_t f2)
{
	st_le16(file + *off, len);
	st_le16(file + *off + 2, *prev);
	file[*off + 4] = f1;
	file[*off + 5] = f2;
	if (len)
		memcpy(file + *off + 6, data, len);
	*off += 6 + len;
	*prev = len;
}

/* zlib in one chunk, bzip2 cut in three chunks (where built), Bus-Tech
 * zlib, a plain record, a tape mark: read whole (also into a short
 * buffer), stepped over both ways, located. */
static void test_read_compressed(void **state)
{
	char *path = it_path(dir, "r.het");
	static uint8_t text[40000], z[50000], bz[50000], file[200000];
	static uint8_t in[AWS_MAX_BLOCK];
	uLongf zlen = sizeof(z);
	unsigned int bzlen = sizeof(bz);
	size_t off = 0, len;
	uint16_t prev = 0;
	bool bzip2 = het_have_bzip2();
	struct aws_tape *t;

	fill_text(text, sizeof(text), 7);
	assert_int_equal(compress2(z, &zlen, text, sizeof(text), 9), Z_OK);
	put_chunk(file, &off, &prev, z, (uint16_t)zlen, 0xa1, 0);
#ifdef CCWPASS_HAVE_BZIP2
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)bz, &bzlen,
						  (char *)text, 30000, 1, 0, 0),
			 BZ_OK);
	assert_true(bzlen > 30);
	put_chunk(file, &off, &prev, bz, 10, 0x82, 0);
	put_chunk(file, &off, &prev, bz + 10, 10, 0x02, 0);
	put_chunk(file, &off, &prev, bz + 20, (uint16_t)(bzlen - 20), 0x22, 0);
#else
	(void)bz;
	(void)bzlen;
#endif
	put_chunk(file, &off, &prev, z, (uint16_t)zlen, 0xa0, 0x80);
	put_chunk(file, &off, &prev, "plain", 5, 0xa0, 0);
	put_chunk(file, &off, &prev, NULL, 0, 0x40, 0);
	assert_int_equal(it_write_file(path, file, off), 0);

	t = open_tape(path, true);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, sizeof(text));
	assert_memory_equal(in, text, len);
	if (bzip2) {
		memset(in, 0, sizeof(in));
		assert_int_equal(aws_tape_read(t, in, 100, &len), AWS_DATA);
		assert_int_equal(len, 30000);             /* whole length */
		assert_memory_equal(in, text, 100);       /* first bytes */
		assert_int_equal(in[100], 0);             /* no more */
	}
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, sizeof(text));              /* Bus-Tech */
	assert_memory_equal(in, text, len);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, 5);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_MARK);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_END);
	assert_int_equal(aws_tape_block_id(t), bzip2 ? 5 : 4);
	/* back over the mark, the plain, Bus-Tech and bzip2 records */
	assert_int_equal(aws_tape_backward(t), AWS_MARK);
	assert_int_equal(aws_tape_backward(t), AWS_DATA);
	assert_int_equal(aws_tape_backward(t), AWS_DATA);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
	assert_int_equal(len, sizeof(text));
	if (bzip2) {
		assert_int_equal(aws_tape_locate(t, 1), 0);
		assert_int_equal(aws_tape_backward(t), AWS_DATA);
		assert_true(aws_tape_at_load_point(t));
		assert_int_equal(aws_tape_forward(t), AWS_DATA);
		assert_int_equal(aws_tape_backward(t), AWS_DATA);
		assert_int_equal(aws_tape_forward(t), AWS_DATA);
		assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), AWS_DATA);
		assert_int_equal(len, 30000);
		assert_memory_equal(in, text, len);
	}
	aws_tape_close(t);
	free(path);
}

/* Damaged compressed records end with -EIO, the position kept, and a
 * message naming the file. */
static void test_damaged(void **state)
{
	char *path = it_path(dir, "d.het");
	static uint8_t text[70000], z[1000], file[140000], in[AWS_MAX_BLOCK];
	uLongf zlen;
	size_t off, len;
	uint16_t prev;
	struct aws_tape *t;

	fill_text(text, sizeof(text), 3);
	for (int c = 0; c < 8; c++) {
		zlen = sizeof(z);
		off = 0;
		prev = 0;
		/* 70000 bytes: past a record's 65535 */
		assert_int_equal(compress2(z, &zlen, text, c ? 1000 : 70000, 6),
				 Z_OK);
		switch (c) {
		case 0:   /* expands past 65535 */
			put_chunk(file, &off, &prev, z, (uint16_t)zlen, 0xa1, 0);
			break;
		case 1:   /* cut short */
			put_chunk(file, &off, &prev, z, (uint16_t)(zlen / 2),
				  0xa1, 0);
			break;
		case 2:   /* a flipped byte in the stream (checksum) */
			z[zlen / 2] ^= 0x55;
			put_chunk(file, &off, &prev, z, (uint16_t)zlen, 0xa1, 0);
			break;
		case 3:   /* method bits 0x03: no such method */
			put_chunk(file, &off, &prev, z, (uint16_t)zlen, 0xa3, 0);
			break;
		case 4:   /* zlib in flags1 and Bus-Tech in flags2 */
			put_chunk(file, &off, &prev, z, (uint16_t)zlen, 0xa1, 0x80);
			break;
		case 5:   /* chunks of one record compressed differently */
			put_chunk(file, &off, &prev, z, 8, 0x81, 0);
			put_chunk(file, &off, &prev, z + 8, (uint16_t)(zlen - 8),
				  0x20, 0);
			break;
		case 6:   /* stored bytes past 65535 in two chunks */
			put_chunk(file, &off, &prev, text, 40000, 0x81, 0);
			put_chunk(file, &off, &prev, text, 30000, 0x21, 0);
			break;
		case 7:   /* bzip2 flag on bytes that are not bzip2 */
			put_chunk(file, &off, &prev, z, (uint16_t)zlen, 0xa2, 0);
			break;
		}
		assert_int_equal(it_write_file(path, file, off), 0);
		t = open_tape(path, false);
		it_log_capture();
		assert_int_equal(aws_tape_read(t, in, sizeof(in), &len), -EIO);
		if (!strstr(it_log_text(), "d.het"))
			fail_msg("case %d: %s", c, it_log_text());
		it_log_release();
		assert_true(aws_tape_at_load_point(t));
		assert_int_equal(aws_tape_block_id(t), 0);
		aws_tape_close(t);
	}
	free(path);
}

/* The tape written here: hetmap maps it, hetget extracts the same bytes. */
static void test_hercules_reads_ours(void **state)
{
	char *path = it_path(dir, "ours.het"), *got = it_path(dir, "f.bin");
	char *out = NULL;
	uint8_t *bytes;
	size_t len, off;

	if (!it_have_tool("hetmap") || !it_have_tool("hetget"))
		skip();
	make_records();
	write_records(path);
	assert_int_equal(it_run(&out, "hetmap -f '%s'", path), 0);
	if (!strstr(out, "Blocks              : 5\n") ||
	    !strstr(out, "Uncompressed bytes  : 119711\n"))
		fail_msg("hetmap:\n%s", out);
	free(out);
	for (int f = 1; f <= 2; f++) {
		assert_int_equal(it_run(&out, "hetget -n '%s' '%s' %d U 0 65535",
					path, got, f), 0);
		free(out);
		bytes = it_read_file(got, &len);
		off = 0;
		for (int i = f == 1 ? 0 : 3; i < (f == 1 ? 3 : NREC); i++) {
			assert_true(off + rec_len[i] <= len);
			assert_memory_equal(bytes + off, rec[i], rec_len[i]);
			off += rec_len[i];
		}
		assert_int_equal(off, len);
		free(bytes);
	}
	free_records();
	free(got);
	free(path);
}

/* hetupd -z / -b of a plain tape written here read back record for
 * record, and -z makes the very bytes a .het written here has;
 * hetinit -n is what aws_tape_create makes; hetinit's labels
 * (zlib-compressed) read. */
static void test_ours_reads_hercules(void **state)
{
	static const uint8_t vol1[4] = { 0xe5, 0xd6, 0xd3, 0xf1 };   /* VOL1 */
	char *aws = it_path(dir, "plain.aws"), *het = it_path(dir, "h.het");
	char *nl = it_path(dir, "nl.het"), *mine = it_path(dir, "mine.het");
	const char *opt[] = { "-z", "-b" };
	struct error err = { 0 };
	struct aws_tape *t;
	uint8_t *a, *b, in[100];
	size_t alen, blen;
	char *out = NULL;

	if (!it_have_tool("hetupd") || !it_have_tool("hetinit"))
		skip();
	make_records();
	write_records(aws);
	for (int m = 0; m < 2; m++) {
		if (m == 1 && !het_have_bzip2())
			break;
		assert_int_equal(it_run(&out, "hetupd %s '%s' '%s'", opt[m], aws,
					het), 0);
		free(out);
		a = it_read_file(het, &alen);
		assert_int_equal(a[4], 0xa1 + m);   /* compressed as asked */
		if (m == 0) {
			/* Hercules' default HET writing, byte for byte as ours
			 * (both with this machine's zlib) */
			write_records(mine);
			b = it_read_file(mine, &blen);
			assert_int_equal(alen, blen);
			assert_memory_equal(a, b, alen);
			free(b);
			unlink(mine);
		}
		free(a);
		check_records(het);
		unlink(het);
	}
	free_records();

	assert_int_equal(it_run(&out, "hetinit -n '%s'", nl), 0);
	free(out);
	assert_int_equal(aws_tape_create(mine, true, false, &err), 0);
	a = it_read_file(nl, &alen);
	b = it_read_file(mine, &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);

	assert_int_equal(it_run(&out, "hetinit '%s' VOL002", het), 0);
	free(out);
	a = it_read_file(het, &alen);
	assert_int_equal(a[4], 0xa1);           /* the label is compressed */
	free(a);
	t = open_tape(het, true);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &alen), AWS_DATA);
	assert_int_equal(alen, 80);
	assert_memory_equal(in, vol1, 4);
	assert_int_equal(aws_tape_read(t, in, sizeof(in), &alen), AWS_DATA);
	assert_int_equal(alen, 80);                    /* HDR1 */
	assert_int_equal(aws_tape_forward(t), AWS_MARK);
	assert_int_equal(aws_tape_forward(t), AWS_END);
	aws_tape_close(t);
	free(mine);
	free(nl);
	free(het);
	free(aws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_het, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_compressed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hercules_reads_ours, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ours_reads_hercules, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
