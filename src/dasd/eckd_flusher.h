/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The write-back flusher of a volume with cache = writeback
 * (docs/inventory.md "Cache modes"): programs commit their writes into the
 * image file and end at once; this thread makes them durable (one
 * ckd_image_flush) at most interval_ms after the first commit that is not
 * yet durable, sooner when the image asks for it (ckd_image_flush_urgent:
 * a CCKD journal ring half full), and once more when it stops. Between
 * flushes it has the kernel start writing the file back whenever a few
 * MiB were written (ckd_image_start_writeback), so that a flush finds
 * little left to write.
 *
 * Threading: eckd_flusher_kick() from any thread, with any device or
 * volume lock held (the flusher's own lock is innermost); start and stop
 * from the volume's owner.
 */
#ifndef CCWPASS_DASD_ECKD_FLUSHER_H
#define CCWPASS_DASD_ECKD_FLUSHER_H

#include <pthread.h>
#include <stdbool.h>

#include "common/error.h"

struct ckd_image;

struct eckd_flusher {
	struct ckd_image *img;
	const char *name;             /* the volume's, for messages */
	unsigned int interval_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;          /* kicked or stopping */
	bool running;                 /* the thread was started */
	bool dirty;                   /* a commit since the last flush began */
	bool urgent;
	bool start_wb;                /* ckd_image_writeback_due() */
	bool stop;
	bool failed;                  /* a flush failed (said once) */
};

/*
 * Start the flusher of img (not owned) with the given interval (> 0);
 * name must outlive it. Returns: 0, or -1 with err.
 */
int eckd_flusher_start(struct eckd_flusher *f, struct ckd_image *img,
		       unsigned int interval_ms, const char *name,
		       struct error *err);

/* Something was committed: make it durable within the interval. */
void eckd_flusher_kick(struct eckd_flusher *f);

/* Stop the thread (after a last flush of what it was kicked for); a
 * flusher that was never started is left alone. */
void eckd_flusher_stop(struct eckd_flusher *f);

#endif
