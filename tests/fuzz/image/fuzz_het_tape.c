/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for HET volumes (src/image/aws_tape.c reading and
 * writing a .het file, src/image/het_codec.c): the input is a count n
 * (its first byte, mod 32) of operation bytes, the operations, and the
 * rest is the tape file, whose records may be zlib, bzip2 or Bus-Tech
 * compressed. The operations read (into a whole and into a short
 * buffer), skip forward and backward, locate, rewind, write records that
 * compress and records that do not, and tape marks. Looks for crashes,
 * hangs, leaks, overruns and undefined behaviour, and aborts when: a
 * record reads longer than 65535 bytes; a record read into a short
 * buffer differs in length or first bytes from the same record read
 * whole; a block id does not move by one over a block; a record written
 * and stepped back over does not read back as written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz_log.h"
#include "../fuzz_tmpfs.h"
#include "common/log.h"
#include "image/aws_tape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char path[256];
static uint8_t buf[AWS_MAX_BLOCK], part[AWS_MAX_BLOCK];
static uint8_t text[AWS_MAX_BLOCK], noise[AWS_MAX_BLOCK];

static void quiet(int level, const char *msg, void *opaque)
{
	(void)level;
	(void)msg;
	(void)opaque;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint32_t x = 0x9e3779b9u;

	(void)argc;
	(void)argv;
	log_set_sink(quiet, NULL);
	log_get_level();
	snprintf(path, sizeof(path), "%s/ccwpass-fuzz-%d.het", fuzz_file_dir(),
		 (int)getpid());
	for (size_t i = 0; i < sizeof(text); i++) {
		text[i] = (uint8_t)"TAPE RECORD 3490 "[i % 17];
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (uint8_t)(x >> 11);
	}
	return 0;
}

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_het_tape: invariant violated: %s\n", what);
	abort();
}

/* One step; the id must follow the block moved over. */
static void step(struct aws_tape *t, int ret, uint32_t before, int dir)
{
	uint32_t after = aws_tape_block_id(t);

	if ((ret == AWS_DATA || ret == AWS_MARK) &&
	    after != before + (uint32_t)dir)
		broken("block id did not move by one");
	if (ret != AWS_DATA && ret != AWS_MARK && after != before)
		broken("block id moved without a block");
}

/*
 * Read the record at block id whole, then again into shortlen bytes: the
 * same. Both from the position Locate reaches (forward from the load
 * point): a damaged previous-length field may step backward elsewhere.
 */
static void read_twice(struct aws_tape *t, uint32_t id, size_t shortlen)
{
	size_t len = 0, len2 = 0;
	int ret;

	if (aws_tape_locate(t, id) != 0)
		return;
	ret = aws_tape_read(t, buf, sizeof(buf), &len);
	step(t, ret, id, 1);
	if (ret != AWS_DATA)
		return;
	if (len > AWS_MAX_BLOCK)
		broken("a record longer than 65535 bytes");
	if (aws_tape_locate(t, id) != 0)
		broken("locate failed where it succeeded");
	ret = aws_tape_read(t, part, shortlen, &len2);
	if (ret != AWS_DATA || len2 != len ||
	    memcmp(part, buf, len < shortlen ? len : shortlen))
		broken("a record read short differs from it read whole");
}

static void write_back(struct aws_tape *t, const uint8_t *src, size_t wlen)
{
	uint32_t id = aws_tape_block_id(t);
	size_t len;

	if (aws_tape_write(t, src, wlen) != 0)
		return;
	if (aws_tape_block_id(t) != id + 1)
		broken("write did not count a block");
	if (aws_tape_backward(t) != AWS_DATA ||
	    aws_tape_read(t, buf, sizeof(buf), &len) != AWS_DATA ||
	    len != wlen || memcmp(buf, src, len))
		broken("a written record did not read back");
}

static void run(struct aws_tape *t, const uint8_t *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t id = aws_tape_block_id(t);
		size_t len, arg = ops[i] >> 3;
		int ret;

		switch (ops[i] & 7) {
		case 0:
			step(t, aws_tape_read(t, buf, sizeof(buf), &len), id, 1);
			break;
		case 1:
			read_twice(t, id, 1 + arg * 2113);
			break;
		case 2:
			step(t, aws_tape_forward(t), id, 1);
			break;
		case 3:
			step(t, aws_tape_backward(t), id, -1);
			break;
		case 4:
			ret = aws_tape_locate(t, (uint32_t)arg);
			if (ret == 0 && aws_tape_block_id(t) != arg)
				broken("locate ended elsewhere");
			break;
		case 5:
			write_back(t, arg & 1 ? noise : text, 1 + (arg >> 1) * 4369);
			break;
		case 6:
			if (aws_tape_write_mark(t) == 0 &&
			    (aws_tape_backward(t) != AWS_MARK ||
			     aws_tape_forward(t) != AWS_MARK))
				broken("a written tape mark did not read back");
			break;
		default:
			aws_tape_rewind(t);
			if (!aws_tape_at_load_point(t) || aws_tape_block_id(t))
				broken("rewind left the load point");
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_tape *t;
	size_t nops;
	FILE *f;

	fuzz_log_reset();
	if (size < 1)
		return 0;
	nops = data[0] % 32;
	if (nops > size - 1)
		nops = size - 1;
	f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size > 1 + nops &&
	    fwrite(data + 1 + nops, 1, size - 1 - nops, f) != size - 1 - nops) {
		fclose(f);
		unlink(path);
		return 0;
	}
	fclose(f);
	t = aws_tape_open(path, false, NULL);
	if (t) {
		if (aws_tape_format(t) != AWS_FORMAT_HET)
			broken("a .het file not written as HET");
		run(t, data + 1, nops);
		aws_tape_close(t);
	}
	unlink(path);
	return 0;
}
