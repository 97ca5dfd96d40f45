/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a durable guest write costs in the image layer (not a test; see
 * bench/README.md "Image syncs"): a fresh CCKD64 (or -f cckd) 3390-9
 * made by ckd_image_create(), then, as a Linux guest's dd with O_DIRECT
 * writes it, consecutive 4 KiB blocks (12 to a track, random bytes) with
 * a sync after each - the ECKD device writes back the whole track image
 * and calls ckd_image_sync() before final status - then 1 MiB (256
 * blocks, 21-22 tracks) per sync, then 4 KiB rewrites of random blocks
 * among those written ("4 KiB rw": space is reused, the file hardly
 * grows). Prints syncs per second, MiB/s and
 * fdatasyncs per sync (counted through the ckd_io seam).
 *
 *   build/bench/bench_image_sync [-f cckd|cckd64] [-n SYNCS] [DIR]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image/ckd_image.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"

#define BLK 4096
#define BLKS_PER_TRK 12

static unsigned long nsyncs;

static int counting_fdatasync(int fd)
{
	nsyncs++;
	return fdatasync(fd);
}

static const struct ckd_io_ops counting = {
	.pread = pread, .pwrite = pwrite, .fdatasync = counting_fdatasync,
	.ftruncate = ftruncate,
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static void random_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		memcpy(p + i, &rng, 8);
	}
}

/* The guest's view of the volume: 12 blocks per track from track 2. */
static uint8_t (*blocks)[BLKS_PER_TRK][BLK];
static uint8_t trk[CKD_MAX_TRACK_SIZE];

static int write_track(struct ckd_image *img, uint32_t t)
{
	struct ckd_track_builder b;

	ckd_track_begin(&b, trk, sizeof(trk), (uint16_t)(t / 15),
			(uint16_t)(t % 15));
	for (unsigned int r = 0; r < BLKS_PER_TRK; r++)
		ckd_track_add(&b, (uint8_t)(r + 1), NULL, 0, blocks[t][r], BLK);
	return ckd_image_write_track(img, t, trk, ckd_track_finish(&b));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * n syncs of per_sync blocks each, from block *next on; with span, each
 * sync at a random block below span instead (rewrites).
 */
static int run(struct ckd_image *img, const char *what, unsigned int n,
	       unsigned int per_sync, uint64_t *next, uint64_t span)
{
	unsigned long before = nsyncs;
	double t0 = now(), dt;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t first = span ? (rng >> 11) % span : *next;
		uint64_t last = first + per_sync - 1;

		for (uint64_t b = first; b <= last; b++)
			random_bytes(blocks[2 + b / BLKS_PER_TRK][b % BLKS_PER_TRK],
				     BLK);
		for (uint64_t t = first / BLKS_PER_TRK; t <= last / BLKS_PER_TRK;
		     t++)
			if (write_track(img, (uint32_t)(2 + t)))
				return -EIO;
		if (ckd_image_sync(img))
			return -EIO;
		if (!span)
			*next = last + 1;
	}
	dt = now() - t0;
	printf("%-10s %6u syncs in %6.2f s: %8.1f syncs/s, %7.2f MiB/s, "
	       "%.2f fdatasync per sync\n", what, n, dt, n / dt,
	       n * (double)per_sync * BLK / dt / 1048576.0,
	       (double)(nsyncs - before) / n);
	return 0;
}

int main(int argc, char **argv)
{
	struct ckd_geometry geo = { 0x3390, 10017, 15, 56832 };
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD64,
					.layout = CKD_INIT_CDL };
	unsigned int n = 2000;
	const char *dir = ".";
	char path[4096];
	struct ckd_image *img;
	struct error err = { 0 };
	uint64_t next = 0;
	int c, rc;

	while ((c = getopt(argc, argv, "f:n:")) != -1) {
		if (c == 'f' && !strcmp(optarg, "cckd"))
			opt.format = CKD_IMAGE_CCKD;
		else if (c == 'n')
			n = (unsigned int)strtoul(optarg, NULL, 0);
		else if (!(c == 'f' && !strcmp(optarg, "cckd64")))
			return fprintf(stderr, "usage: %s [-f cckd|cckd64] "
				       "[-n SYNCS] [DIR]\n", argv[0]), 2;
	}
	if (optind < argc)
		dir = argv[optind];
	/* Enough tracks for both runs. */
	blocks = calloc(2 + (n + 256 * (n / 8 + 2ull)) / BLKS_PER_TRK + 2,
			sizeof(*blocks));
	if (!blocks)
		return 1;
	snprintf(path, sizeof(path), "%s/bench-image-sync-%d.cckd", dir,
		 (int)getpid());
	strcpy(opt.volser, "BENCH1");
	if (ckd_image_create(path, &geo, &opt, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	ckd_io = &counting;
	img = ckd_image_open(path, 0, &err);
	if (!img) {
		fprintf(stderr, "%s\n", err.msg);
		unlink(path);
		return 1;
	}
	rc = run(img, "4 KiB", n, 1, &next, 0);
	next = (next + 255) / 256 * 256;
	if (rc == 0)
		rc = run(img, "1 MiB", n / 8 ? n / 8 : 1, 256, &next, 0);
	if (rc == 0)
		rc = run(img, "4 KiB rw", n, 1, &next, next);
	nsyncs = 0;
	if (ckd_image_close(img))
		rc = -EIO;
	printf("close: %lu fdatasync\n", nsyncs);
	unlink(path);
	free(blocks);
	return rc ? 1 : 0;
}
