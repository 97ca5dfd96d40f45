/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer: the input is the bytes of an FBA volume file, meant to be a
 * compressed one (CFBA, "FBA_C370": the seeds are ccwpass's and Hercules'
 * CFBA files, fresh, written, big-endian and left open with a live
 * journal), so that hostile device and compressed headers, L1 and L2
 * tables and block groups reach the CFBA code (src/image/fba_cfba.c,
 * fba_group.c and the CCKD backend under them). It is opened read-only
 * and blocks are read: each read must succeed or fail with -EIO. If it
 * opens read-write too, blocks are written across a group boundary and
 * into one group, flushed, closed, and must read back unchanged. Any
 * crash, sanitizer report or abort() is a finding.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz_log.h"
#include "../fuzz_tmpfs.h"
#include "fuzz_zlib.h"
#include "common/log.h"
#include "image/fba_image.h"

#define MAX_READS 24
#define GROUP     120u              /* blocks per CFBA block group */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static uint8_t buf[2 * GROUP * FBA_BLOCK_SIZE], mine[4 * FBA_BLOCK_SIZE];

static void quiet(int level, const char *msg, void *opaque)
{
	(void)level;
	(void)msg;
	(void)opaque;
}

/* A read in range succeeds, or the file is damaged there: -EIO. */
static void read_ok(struct fba_image *img, uint64_t blk, uint32_t count)
{
	int ret = fba_image_read(img, blk, count, buf);

	if (ret != 0 && ret != -EIO)
		abort();
}

static void read_some(struct fba_image *img)
{
	uint64_t n = fba_image_blocks(img);
	uint64_t step = n / MAX_READS + 1;

	for (uint64_t b = 0; b < n && b < 2 * GROUP; b += GROUP / 2)
		read_ok(img, b, n - b < GROUP ? (uint32_t)(n - b) : GROUP);
	for (uint64_t b = 2 * GROUP; b < n; b += step)
		read_ok(img, b, 1);
	if (fba_image_read(img, n, 1, buf) != -ERANGE)
		abort();
}

/* Blocks whose bytes depend on the input. */
static void pattern(uint8_t *out, uint32_t count, const uint8_t *data,
		    size_t size)
{
	for (size_t i = 0; i < (size_t)count * FBA_BLOCK_SIZE; i++)
		out[i] = size ? (uint8_t)(data[i % size] + i) : (uint8_t)i;
}

/* Write the pattern at blk; 1 if it went in, 0 if refused as the file
   allows (a damaged group to merge with, no space). */
static int write_some(struct fba_image *img, uint64_t blk, uint32_t count,
		      const uint8_t *data, size_t size)
{
	int ret;

	pattern(mine, count, data, size);
	ret = fba_image_write(img, blk, count, mine);
	if (ret != 0 && ret != -EIO && ret != -ENOSPC)
		abort();
	return ret == 0;
}

/* What was written reads back after a close and a read-only open. */
static void check(struct fba_image *img, uint64_t blk, uint32_t count,
		  const uint8_t *data, size_t size)
{
	pattern(mine, count, data, size);
	if (fba_image_read(img, blk, count, buf) != 0 ||
	    memcmp(buf, mine, (size_t)count * FBA_BLOCK_SIZE))
		abort();                   /* written blocks lost */
}

static void write_and_check(const char *path, const uint8_t *data,
			    size_t size)
{
	struct fba_image *img = fba_image_open(path, false, NULL);
	const uint8_t *d2 = data + size / 2;
	size_t s2 = size - size / 2;
	uint64_t n, b1, b2;
	int ok1, ok2;

	if (!img)
		return;
	n = fba_image_blocks(img);
	b1 = (n / 2 / GROUP) * GROUP;               /* across a boundary */
	b1 = b1 >= 2 ? b1 - 2 : 0;
	b2 = size % n;
	ok1 = n >= b1 + 4 && write_some(img, b1, 4, data, size);
	if (fba_image_flush(img) != 0) {
		fba_image_close(img);
		return;
	}
	ok2 = write_some(img, b2, 1, d2, s2);
	fba_image_close(img);
	img = fba_image_open(path, true, NULL);
	if (!img)
		abort();                   /* we wrote it: it must open */
	if (ok2)
		check(img, b2, 1, d2, s2);
	if (ok1 && !(b2 >= b1 && b2 < b1 + 4))
		check(img, b1, 4, data, size);
	fba_image_close(img);
}

/* One file, rewritten for every input, on a tmpfs (fuzz_tmpfs.h). */
static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_sink(quiet, NULL);
	log_get_level();        /* reads CCWPASS_LOG once: not in an input */
	fuzz_zlib_warm();
	snprintf(path, sizeof(path), "%s/ccwpass-fuzz-%d.cfba",
		 fuzz_file_dir(), (int)getpid());
	return 0;
}

struct input {
	const uint8_t *data;
	size_t size;
};

static void *one_input(void *opaque)
{
	const struct input *in = opaque;
	struct fba_image *img;
	FILE *f;

	f = fopen(path, "wb");
	if (!f)
		return NULL;
	if (in->size && fwrite(in->data, 1, in->size, f) != in->size) {
		fclose(f);
		unlink(path);
		return NULL;
	}
	fclose(f);
	img = fba_image_open(path, true, NULL);
	if (img) {
		read_some(img);
		fba_image_close(img);
		write_and_check(path, in->data, in->size);
	}
	unlink(path);
	return NULL;
}

/* Each input on a thread of its own (the image layer's zlib streams are
   per thread; see fuzz_ckd_image.c). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	pthread_t t;

	fuzz_log_reset();
	if (pthread_create(&t, NULL, one_input, &in) != 0)
		abort();
	pthread_join(t, NULL);
	return 0;
}
