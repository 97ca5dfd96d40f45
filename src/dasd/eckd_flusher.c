/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The write-back flusher of a volume (see eckd_flusher.h): one thread per
 * volume with cache = writeback that sleeps until a program commits,
 * waits out the interval (or less, when the image asks), and flushes.
 */
#include "dasd/eckd_flusher.h"

#include <errno.h>
#include <string.h>

#include "common/deadline.h"
#include "common/log.h"
#include "common/thread.h"
#include "image/ckd_image.h"

static void flush_now(struct eckd_flusher *f)
{
	int rc;

	pthread_mutex_unlock(&f->lock);
	rc = ckd_image_flush(f->img);
	pthread_mutex_lock(&f->lock);
	if (rc && !f->failed) {
		/* The image takes no more writes: programs end with an
		 * equipment check from now on and say so themselves. */
		log_msg(LOG_ERR, "%s: write-back flush failed: %s; the volume "
			"takes no more writes", f->name, strerror(-rc));
		f->failed = true;
	}
}

static void *flusher_main(void *arg)
{
	struct eckd_flusher *f = arg;

	pthread_setname_np(pthread_self(), "ccwpass-flush");
	thread_set_background();
	pthread_mutex_lock(&f->lock);
	while (!f->stop) {
		struct timespec until;

		if (!f->dirty) {
			pthread_cond_wait(&f->cond, &f->lock);
			continue;
		}
		/* The interval counts from the first commit after a flush. */
		until = deadline_ms(f->interval_ms);
		while (!f->stop && !f->urgent) {
			if (f->start_wb) {
				f->start_wb = false;
				pthread_mutex_unlock(&f->lock);
				ckd_image_start_writeback(f->img);
				pthread_mutex_lock(&f->lock);
				continue;
			}
			if (pthread_cond_timedwait(&f->cond, &f->lock,
						   &until) == ETIMEDOUT)
				break;
		}
		f->dirty = false;
		f->urgent = false;
		flush_now(f);
	}
	if (f->dirty) {
		f->dirty = false;
		flush_now(f);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int eckd_flusher_start(struct eckd_flusher *f, struct ckd_image *img,
		       unsigned int interval_ms, const char *name,
		       struct error *err)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->img = img;
	f->name = name;
	f->interval_ms = interval_ms ? interval_ms : 1;
	pthread_mutex_init(&f->lock, NULL);
	deadline_cond_init(&f->cond);
	rc = pthread_create(&f->thread, NULL, flusher_main, f);
	if (rc) {
		error_setf(err, rc, "%s: cannot start the write-back flusher",
			   name);
		pthread_cond_destroy(&f->cond);
		pthread_mutex_destroy(&f->lock);
		return -1;
	}
	f->running = true;
	return 0;
}

void eckd_flusher_kick(struct eckd_flusher *f)
{
	bool urgent = ckd_image_flush_urgent(f->img);
	bool wb = ckd_image_writeback_due(f->img);
	bool wake = false;

	pthread_mutex_lock(&f->lock);
	if (!f->dirty || (urgent && !f->urgent) || (wb && !f->start_wb)) {
		f->dirty = true;
		f->urgent = f->urgent || urgent;
		f->start_wb = f->start_wb || wb;
		wake = true;
	}
	pthread_mutex_unlock(&f->lock);
	/* After the unlock: the flusher woken first would block on it. */
	if (wake)
		pthread_cond_signal(&f->cond);
}

void eckd_flusher_stop(struct eckd_flusher *f)
{
	if (!f->running)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	f->running = false;
}
