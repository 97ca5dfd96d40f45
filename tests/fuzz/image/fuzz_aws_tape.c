/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for AWSTAPE volumes (src/image/aws_tape.c): the input
 * is a count n (its first byte, mod 32) of operation bytes, the
 * operations, and the rest is the tape file. The operations read, skip
 * forward and backward, locate, rewind, write records and tape marks.
 * Looks for crashes, hangs, leaks and undefined behaviour, and aborts
 * when: a block id does not move by one over a block (or stays at the
 * end and the load point); a record written and stepped back over does
 * not read back as written.
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
static uint8_t buf[AWS_MAX_BLOCK], rec[AWS_MAX_BLOCK];

static void quiet(int level, const char *msg, void *opaque)
{
	(void)level;
	(void)msg;
	(void)opaque;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_sink(quiet, NULL);
	log_get_level();
	snprintf(path, sizeof(path), "%s/ccwpass-fuzz-%d.aws", fuzz_file_dir(),
		 (int)getpid());
	for (size_t i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)(i * 31 + 7);
	return 0;
}

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_aws_tape: invariant violated: %s\n", what);
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

static void run(struct aws_tape *t, const uint8_t *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t id = aws_tape_block_id(t);
		size_t len, wlen;
		int ret;

		switch (ops[i] & 7) {
		case 0:
			step(t, aws_tape_read(t, buf, sizeof(buf), &len), id, 1);
			break;
		case 1:
			step(t, aws_tape_forward(t), id, 1);
			break;
		case 2:
			step(t, aws_tape_backward(t), id, -1);
			break;
		case 3:
			ret = aws_tape_locate(t, ops[i] >> 3);
			if (ret == 0 && aws_tape_block_id(t) != ops[i] >> 3)
				broken("locate ended elsewhere");
			break;
		case 4:
			aws_tape_rewind(t);
			if (!aws_tape_at_load_point(t) || aws_tape_block_id(t))
				broken("rewind left the load point");
			break;
		case 5:
			wlen = 1 + (size_t)(ops[i] >> 3) * 2047;
			if (aws_tape_write(t, rec, wlen) != 0)
				break;
			if (aws_tape_block_id(t) != id + 1)
				broken("write did not count a block");
			if (aws_tape_backward(t) != AWS_DATA ||
			    aws_tape_read(t, buf, sizeof(buf), &len) != AWS_DATA ||
			    len != wlen || memcmp(buf, rec, len))
				broken("a written record did not read back");
			break;
		case 6:
			if (aws_tape_write_mark(t) == 0 &&
			    (aws_tape_backward(t) != AWS_MARK ||
			     aws_tape_forward(t) != AWS_MARK))
				broken("a written tape mark did not read back");
			break;
		default:
			aws_tape_flush(t);
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
		run(t, data + 1, nops);
		aws_tape_close(t);
	}
	unlink(path);
	return 0;
}
