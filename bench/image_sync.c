/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a durable guest write costs in the image layer (not a test; see
 * bench/README.md "Image syncs"): a fresh CCKD64 (or -f cckd) 3390-9
 * made by ckd_image_create(), then, by mode (-m):
 *
 *  sync       (the default) as a Linux guest's dd with O_DIRECT writes
 *             it, consecutive 4 KiB blocks (12 to a track, random bytes)
 *             with a sync after each - the ECKD device writes back the
 *             whole track image and calls ckd_image_sync() before final
 *             status - then 1 MiB (256 blocks, 21-22 tracks) per sync,
 *             then 4 KiB rewrites of random blocks among those written
 *             ("4 KiB rw": space is reused, the file hardly grows);
 *  group      -t threads, each writing its own consecutive 4 KiB blocks
 *             with ckd_image_commit() + ckd_image_make_durable() after
 *             each: group commit, fdatasyncs shared by the threads;
 *  writeback  the same with ckd_image_commit() only, and with -i MS a
 *             flusher thread that calls ckd_image_flush() every MS
 *             milliseconds when ckd_image_dirty() (at once when
 *             ckd_image_flush_urgent()); then one ckd_image_flush().
 *
 * Prints syncs (commits) per second, MiB/s and fdatasyncs per sync
 * (counted through the ckd_io seam). -n is the number of syncs (in group
 * and writeback modes, of all threads together).
 *
 *   build/bench/bench_image_sync [-f cckd|cckd64] [-m sync|group|writeback]
 *                                [-n SYNCS] [-t THREADS] [-i MS] [DIR]
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
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
#define MAX_THREADS 64

static atomic_ulong nsyncs;

static int counting_fdatasync(int fd)
{
	atomic_fetch_add(&nsyncs, 1);
	return fdatasync(fd);
}

static const struct ckd_io_ops counting = {
	.pread = pread, .pwrite = pwrite, .fdatasync = counting_fdatasync,
	.ftruncate = ftruncate,
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static void random_bytes_from(uint64_t *state, uint8_t *p, size_t n)
{
	uint64_t x = *state;

	for (size_t i = 0; i < n; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
	*state = x;
}

static void random_bytes(uint8_t *p, size_t n)
{
	random_bytes_from(&rng, p, n);
}

/* The guest's view of the volume: 12 blocks per track from track 2. */
static uint8_t (*blocks)[BLKS_PER_TRK][BLK];
static uint8_t trk[CKD_MAX_TRACK_SIZE];

/* Track t of the 12 blocks blk into buf (CKD_MAX_TRACK_SIZE), written. */
static int put_track(struct ckd_image *img, uint32_t t, uint8_t *buf,
		     uint8_t (*blk)[BLK])
{
	struct ckd_track_builder b;

	ckd_track_begin(&b, buf, CKD_MAX_TRACK_SIZE, (uint16_t)(t / 15),
			(uint16_t)(t % 15));
	for (unsigned int r = 0; r < BLKS_PER_TRK; r++)
		ckd_track_add(&b, (uint8_t)(r + 1), NULL, 0, blk[r], BLK);
	return ckd_image_write_track(img, t, buf, ckd_track_finish(&b));
}

static int write_track(struct ckd_image *img, uint32_t t)
{
	return put_track(img, t, trk, blocks[t]);
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

/* ---- group and writeback: threads */

struct worker {
	struct ckd_image *img;
	uint32_t first;               /* its own tracks from here */
	unsigned int n;               /* 4 KiB writes, one commit each */
	bool durable;                 /* make_durable after each commit */
	uint64_t rng;
	int rc;
	bool started;
	pthread_t tid;
	uint8_t blk[BLKS_PER_TRK][BLK];
	uint8_t trk[CKD_MAX_TRACK_SIZE];
};

/* Consecutive 4 KiB blocks of its tracks, a commit after each. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	random_bytes_from(&w->rng, &w->blk[0][0], sizeof(w->blk));
	for (unsigned int i = 0; i < w->n && !w->rc; i++) {
		uint64_t seq;

		random_bytes_from(&w->rng, w->blk[i % BLKS_PER_TRK], BLK);
		w->rc = put_track(w->img, w->first + i / BLKS_PER_TRK,
				  w->trk, w->blk);
		if (!w->rc)
			w->rc = ckd_image_commit(w->img, &seq);
		if (!w->rc && w->durable)
			w->rc = ckd_image_make_durable(w->img, seq);
	}
	return NULL;
}

struct flusher {
	struct ckd_image *img;
	long ms;
	atomic_bool stop;
	unsigned long flushes;
	int rc;
	pthread_t tid;
};

/* Every ms milliseconds, a flush if something committed is not durable;
   at once while the journal's ring fills. */
static void *flusher_main(void *arg)
{
	struct flusher *f = arg;
	struct timespec pause = { f->ms / 1000, f->ms % 1000 * 1000000L };

	while (!atomic_load(&f->stop) && !f->rc) {
		if (!ckd_image_flush_urgent(f->img))
			nanosleep(&pause, NULL);
		if (ckd_image_dirty(f->img)) {
			f->rc = ckd_image_flush(f->img);
			f->flushes++;
		}
	}
	return NULL;
}

/*
 * n commits of 4 KiB each, spread over nthr threads (each on its own
 * tracks from *next on), with make_durable after each (group) or not
 * (writeback, with a flusher every ms milliseconds if ms > 0, then one
 * flush).
 */
static int run_threads(struct ckd_image *img, bool durable, unsigned int n,
		       unsigned int nthr, long ms, uint64_t *next)
{
	struct worker *w = calloc(nthr, sizeof(*w));
	struct flusher f = { .img = img, .ms = ms };
	unsigned long before = nsyncs;
	unsigned int per = n / nthr;
	double t0, dt;
	int rc = 0;
	char what[32];

	if (!w || !per) {
		free(w);
		return -EINVAL;
	}
	t0 = now();
	if (ms > 0 && pthread_create(&f.tid, NULL, flusher_main, &f))
		ms = 0;
	for (unsigned int i = 0; i < nthr; i++) {
		w[i] = (struct worker){ .img = img, .n = per,
					.durable = durable,
					.rng = rng + 0x1000193u * (i + 1) };
		w[i].first = (uint32_t)(2 + *next / BLKS_PER_TRK +
					i * (per / BLKS_PER_TRK + 2));
		w[i].started = !pthread_create(&w[i].tid, NULL, worker_main,
					       &w[i]);
	}
	for (unsigned int i = 0; i < nthr; i++) {
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
		else
			w[i].rc = -EAGAIN;
		rc = rc ? rc : w[i].rc;
	}
	dt = now() - t0;
	if (ms > 0) {
		atomic_store(&f.stop, true);
		pthread_join(f.tid, NULL);
		rc = rc ? rc : f.rc;
	}
	snprintf(what, sizeof(what), "%s %u thr", durable ? "group" :
		 "writeback", nthr);
	printf("%-14s %6u %s in %6.2f s: %8.1f/s, %7.2f MiB/s, "
	       "%.3f fdatasync per commit", what, per * nthr,
	       durable ? "syncs" : "commits", dt, per * nthr / dt,
	       per * nthr * (double)BLK / dt / 1048576.0,
	       (double)(nsyncs - before) / (per * nthr));
	if (ms > 0)
		printf(" (%lu flushes every %ld ms)", f.flushes, ms);
	printf("\n");
	if (!durable && rc == 0) {
		before = nsyncs;
		t0 = now();
		rc = ckd_image_flush(img);
		printf("%-14s then one flush: %.2f ms, %lu fdatasync\n", "",
		       (now() - t0) * 1e3, nsyncs - before);
	}
	*next += (uint64_t)nthr * (per / BLKS_PER_TRK + 2) * BLKS_PER_TRK;
	free(w);
	return rc;
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-f cckd|cckd64] [-m sync|group|"
		"writeback] [-n SYNCS] [-t THREADS] [-i MS] [DIR]\n", argv0);
	return 2;
}

int main(int argc, char **argv)
{
	struct ckd_geometry geo = { 0x3390, 10017, 15, 56832 };
	struct ckd_init_options opt = { .format = CKD_IMAGE_CCKD64,
					.layout = CKD_INIT_CDL };
	unsigned int n = 2000, nthr = 4;
	const char *dir = ".", *mode = "sync";
	char path[4096];
	struct ckd_image *img;
	struct error err = { 0 };
	uint64_t next = 0;
	long ms = 0;
	int c, rc;

	while ((c = getopt(argc, argv, "f:m:n:t:i:")) != -1) {
		if (c == 'f' && !strcmp(optarg, "cckd"))
			opt.format = CKD_IMAGE_CCKD;
		else if (c == 'f' && !strcmp(optarg, "cckd64"))
			opt.format = CKD_IMAGE_CCKD64;
		else if (c == 'm' && (!strcmp(optarg, "sync") ||
				      !strcmp(optarg, "group") ||
				      !strcmp(optarg, "writeback")))
			mode = optarg;
		else if (c == 'n')
			n = (unsigned int)strtoul(optarg, NULL, 0);
		else if (c == 't')
			nthr = (unsigned int)strtoul(optarg, NULL, 0);
		else if (c == 'i')
			ms = strtol(optarg, NULL, 0);
		else
			return usage(argv[0]);
	}
	if (nthr < 1 || nthr > MAX_THREADS || n < nthr || ms < 0)
		return usage(argv[0]);
	if (optind < argc)
		dir = argv[optind];
	/* Enough tracks for the sync mode's three runs. */
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
	if (!strcmp(mode, "sync")) {
		rc = run(img, "4 KiB", n, 1, &next, 0);
		next = (next + 255) / 256 * 256;
		if (rc == 0)
			rc = run(img, "1 MiB", n / 8 ? n / 8 : 1, 256, &next, 0);
		if (rc == 0)
			rc = run(img, "4 KiB rw", n, 1, &next, next);
	} else {
		bool durable = !strcmp(mode, "group");

		/* One thread first, as the baseline. */
		rc = run_threads(img, durable, n, 1, ms, &next);
		if (rc == 0 && nthr > 1)
			rc = run_threads(img, durable, n, nthr, ms, &next);
	}
	nsyncs = 0;
	if (ckd_image_close(img))
		rc = -EIO;
	printf("close: %lu fdatasync\n", (unsigned long)nsyncs);
	unlink(path);
	free(blocks);
	return rc ? 1 : 0;
}
