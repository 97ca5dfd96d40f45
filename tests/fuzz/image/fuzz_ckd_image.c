/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer: the input is the bytes of an image file (plain CKD, CCKD or
 * CCKD64; the seeds have each, CCKD64 also big-endian and left "opened",
 * and files left open with a live journal, which an open replays).
 * It is opened read-only and tracks are read; if it opens read-write too,
 * two tracks are written, synced, closed and must read back unchanged.
 * Any crash, sanitizer report or abort() is a finding.
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
#include "image/ckd_image.h"
#include "image/ckd_track.h"

#define MAX_READS 48

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t buf[CKD_MAX_TRACK_SIZE], mine[CKD_MAX_TRACK_SIZE];

static void quiet(int level, const char *msg, void *opaque)
{
	(void)level;
	(void)msg;
	(void)opaque;
}

static void read_some(struct ckd_image *img)
{
	uint32_t n = ckd_image_tracks(img);
	uint32_t step = n / (MAX_READS / 2) + 1;
	size_t len;

	for (uint32_t t = 0; t < n && t < MAX_READS / 2; t++)
		ckd_image_read_track(img, t, buf, sizeof(buf), &len);
	for (uint32_t t = MAX_READS / 2; t < n; t += step)
		ckd_image_read_track(img, t, buf, sizeof(buf), &len);
}

/* A valid track for trk whose bytes depend on the input. */
static size_t make_track(const struct ckd_geometry *geo, uint32_t trk,
			 const uint8_t *data, size_t size)
{
	struct ckd_track_builder b;
	uint16_t dl = (uint16_t)(size % 3000);

	ckd_track_begin(&b, mine, sizeof(mine), (uint16_t)(trk / geo->heads),
			(uint16_t)(trk % geo->heads));
	ckd_track_add(&b, 1, NULL, 0, NULL, dl);
	memcpy(mine + b.len - dl, data, dl < size ? dl : size);
	return ckd_track_finish(&b);
}

static void write_and_check(const char *path, const uint8_t *data, size_t size)
{
	struct ckd_image *img = ckd_image_open(path, 0, NULL);
	uint32_t trks, t1, t2;
	size_t l1, l2, len;

	if (!img)
		return;
	trks = ckd_image_tracks(img);
	t1 = size % trks;
	t2 = (uint32_t)((size * 7919) % trks);
	l1 = make_track(ckd_image_geometry(img), t1, data, size);
	if (ckd_image_write_track(img, t1, mine, l1) != 0 ||
	    ckd_image_sync(img) != 0) {
		ckd_image_close(img);
		return;
	}
	memcpy(buf, mine, l1);
	l2 = ckd_track_null(mine, sizeof(mine), (uint16_t)(t2 / 15),
			    (uint16_t)(t2 % 15), CKD_NULL_LINUX);
	if (t2 != t1 && ckd_image_write_track(img, t2, mine, l2) != 0) {
		ckd_image_close(img);
		return;
	}
	ckd_image_close(img);
	img = ckd_image_open(path, CKD_OPEN_RDONLY, NULL);
	if (!img)
		abort();                   /* we wrote it: it must open */
	memcpy(mine, buf, l1);
	if (ckd_image_read_track(img, t1, buf, sizeof(buf), &len) != 0 ||
	    len != l1 || memcmp(buf, mine, l1))
		abort();                   /* written track lost */
	ckd_image_close(img);
}

/*
 * One file, rewritten for every input. Its name ends in "_1" so that a
 * plain image claiming to be file 1 of a split volume looks for a "_2"
 * that does not exist. It lives where fuzz_file_dir() says (a tmpfs:
 * the image layer's fdatasync barriers, up to seven per input, cost a
 * disk flush each on a real file system, which made this target slow).
 */
static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_sink(quiet, NULL);
	log_get_level();        /* reads CCWPASS_LOG once: not in an input */
	fuzz_zlib_warm();
	snprintf(path, sizeof(path), "%s/ccwpass-fuzz-%d_1.img", fuzz_file_dir(),
		 (int)getpid());
	return 0;
}

struct input {
	const uint8_t *data;
	size_t size;
};

static void *one_input(void *opaque)
{
	const struct input *in = opaque;
	struct ckd_image *img;
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
	img = ckd_image_open(path, CKD_OPEN_RDONLY, NULL);
	if (img) {
		read_some(img);
		ckd_image_close(img);
		write_and_check(path, in->data, in->size);
	}
	unlink(path);
	return NULL;
}

/*
 * Each input on a thread of its own: the zlib streams the image layer
 * keeps per thread (ckd_compress.c), set to the compression level of the
 * last image, would otherwise pass from one input to the next.
 */
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
