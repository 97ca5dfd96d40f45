/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Commits and durability of an image (docs/image-format.md "Commits and
 * durability"). ckd_image_commit() puts the writes into the file under
 * the image's mutex, so that a SIGKILL cannot lose them; a flush makes
 * the commits made before it durable with one fdatasync per file.
 * Group commit: at most one flush is in flight; a thread that needs one
 * waits for the flush in flight, then leads the next one itself unless
 * it covered its commit, while every other thread that needs it waits.
 * The leader prepares under the image's mutex (the backend writes what
 * the barrier must also cover: a CCKD L1 table in place, a checkpoint)
 * and runs the fdatasync without it, so reads, writes and commits go on
 * meanwhile. A failed flush is final: every waiter gets -EIO, and so
 * does every later write, commit and flush; the commits a failed
 * fdatasync covered are disowned (the backend's flush_failed), those of
 * a flush whose prepare failed are not.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/deadline.h"
#include "common/log.h"
#include "common/ptime.h"
#include "image/ckd_image.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"

void ckd_durable_init(struct ckd_durable *d)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->mu, NULL);
	deadline_cond_init(&d->cond);
}

void ckd_durable_fini(struct ckd_durable *d)
{
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->mu);
}

int ckd_durable_error(struct ckd_image *img)
{
	int rc;

	pthread_mutex_lock(&img->dur.mu);
	rc = img->dur.error;
	pthread_mutex_unlock(&img->dur.mu);
	return rc;
}

/*
 * Run the flush the caller marked in flight (dur.flushing, set under
 * dur.mu while it held img->lock): the backend prepares under img->lock,
 * the fdatasyncs run without it unless hold, then the result is
 * published. img->lock is held on entry, and on return iff hold.
 * Returns: 0 or -EIO.
 */
static int lead_flush(struct ckd_image *img, bool hold)
{
	struct ckd_durable *d = &img->dur;
	struct ckd_flush f;
	int rc, prc;

	memset(&f, 0, sizeof(f));
	/* The fdatasync writes back whatever is written before it. */
	atomic_store_explicit(&img->unstarted, 0, memory_order_relaxed);
	prc = img->ops->flush_prepare(img, &f);
	if (!hold)
		pthread_mutex_unlock(&img->lock);
	rc = prc;
	for (unsigned int i = 0; rc == 0 && i < f.nfd; i++)
		rc = ckd_datasync(f.fd[i]);
	/* A failed barrier: before anyone hears of it, as nothing may
	   touch the image once every caller has returned. Not a failed
	   prepare: every commit is intact in the file then, and an open
	   must find them all, as after a SIGKILL. */
	if (rc < 0 && prc == 0 && img->ops->flush_failed)
		img->ops->flush_failed(img, &f);
	pthread_mutex_lock(&d->mu);
	if (rc == 0) {
		if (img->ops->flush_done)
			img->ops->flush_done(img, &f);
		if (f.target > d->durable)
			d->durable = f.target;
		if (f.target > d->committed)
			d->committed = f.target;
	} else if (!d->error) {
		/* Linux may drop the pages whose write-back failed and let
		   the next fdatasync succeed: nothing written since the last
		   good flush can be made durable any more. */
		d->error = -EIO;
		log_msg(LOG_ERR, "%s: %s failed; no more writes", img->path,
			prc ? "preparing a flush" : "fdatasync");
	}
	d->flushing = false;
	pthread_mutex_unlock(&d->mu);
	/* After the unlock: a waiter woken first would block on d->mu. */
	pthread_cond_broadcast(&d->cond);
	return rc < 0 ? -EIO : 0;
}

int ckd_flush_locked(struct ckd_image *img)
{
	struct ckd_durable *d = &img->dur;
	int rc;

	pthread_mutex_lock(&d->mu);
	/* The flush in flight is past its prepare (it held img->lock for
	   that): it needs nothing the caller holds to end. */
	while (d->flushing && !d->error)
		pthread_cond_wait(&d->cond, &d->mu);
	rc = d->error;
	if (rc == 0)
		d->flushing = true;
	pthread_mutex_unlock(&d->mu);
	return rc ? rc : lead_flush(img, true);
}

int ckd_image_commit(struct ckd_image *img, uint64_t *seq)
{
	uint64_t s = 0, t0;
	int rc;

	if (img->readonly) {
		if (seq)
			*seq = 0;
		return 0;
	}
	t0 = ptime_start();
	pthread_mutex_lock(&img->lock);
	rc = ckd_durable_error(img);
	if (rc == 0)
		rc = img->ops->commit(img, &s);
	if (rc == 0) {
		pthread_mutex_lock(&img->dur.mu);
		if (s > img->dur.committed)
			img->dur.committed = s;
		pthread_mutex_unlock(&img->dur.mu);
	}
	pthread_mutex_unlock(&img->lock);
	ptime_charge(PTIME_IMAGE, t0);
	if (rc == 0 && seq)
		*seq = s;
	return rc;
}

int ckd_image_make_durable(struct ckd_image *img, uint64_t seq)
{
	struct ckd_durable *d = &img->dur;
	uint64_t t0;
	int rc;

	if (img->readonly)
		return 0;
	t0 = ptime_start();
	pthread_mutex_lock(&d->mu);
	if (seq > d->committed)
		seq = d->committed;
	for (;;) {
		if (d->error || d->durable >= seq) {
			rc = d->error;
			break;
		}
		if (d->flushing) {
			d->waiters++;
			pthread_cond_wait(&d->cond, &d->mu);
			d->waiters--;
			continue;
		}
		/* Lead: img->lock first (the lock order), then look again. */
		pthread_mutex_unlock(&d->mu);
		pthread_mutex_lock(&img->lock);
		pthread_mutex_lock(&d->mu);
		if (d->flushing || d->error || d->durable >= seq) {
			pthread_mutex_unlock(&img->lock);
			continue;
		}
		d->flushing = true;
		pthread_mutex_unlock(&d->mu);
		lead_flush(img, false);
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	ptime_charge(PTIME_IMAGE, t0);
	return rc;
}

int ckd_image_flush(struct ckd_image *img)
{
	return ckd_image_make_durable(img, UINT64_MAX);
}

int ckd_image_sync(struct ckd_image *img)
{
	uint64_t seq;
	int rc = ckd_image_commit(img, &seq);

	return rc ? rc : ckd_image_make_durable(img, seq);
}

uint64_t ckd_image_committed_seq(struct ckd_image *img)
{
	uint64_t v;

	pthread_mutex_lock(&img->dur.mu);
	v = img->dur.committed;
	pthread_mutex_unlock(&img->dur.mu);
	return v;
}

uint64_t ckd_image_durable_seq(struct ckd_image *img)
{
	uint64_t v;

	pthread_mutex_lock(&img->dur.mu);
	v = img->dur.durable;
	pthread_mutex_unlock(&img->dur.mu);
	return v;
}

bool ckd_image_dirty(struct ckd_image *img)
{
	bool yes;

	pthread_mutex_lock(&img->dur.mu);
	yes = !img->dur.error && img->dur.durable < img->dur.committed;
	pthread_mutex_unlock(&img->dur.mu);
	return yes;
}

bool ckd_image_flush_urgent(struct ckd_image *img)
{
	bool yes = false;

	if (img->readonly || !img->ops->flush_urgent)
		return false;
	pthread_mutex_lock(&img->dur.mu);
	if (!img->dur.error)
		yes = img->ops->flush_urgent(img);
	pthread_mutex_unlock(&img->dur.mu);
	return yes;
}

unsigned int ckd_image_durable_waiters(struct ckd_image *img)
{
	unsigned int n;

	pthread_mutex_lock(&img->dur.mu);
	n = img->dur.waiters;
	pthread_mutex_unlock(&img->dur.mu);
	return n;
}

bool ckd_image_writeback_due(struct ckd_image *img)
{
	return !img->readonly && img->ops->files &&
	       atomic_load_explicit(&img->unstarted, memory_order_relaxed) >=
	       CKD_WRITEBACK_START;
}

void ckd_image_start_writeback(struct ckd_image *img)
{
	int fd[CKD_FLUSH_FDS];
	unsigned int n;

	if (img->readonly || !img->ops->files)
		return;
	atomic_store_explicit(&img->unstarted, 0, memory_order_relaxed);
	pthread_mutex_lock(&img->lock);
	n = img->ops->files(img, fd, CKD_FLUSH_FDS);
	pthread_mutex_unlock(&img->lock);
	/* A hint: where the file system cannot, the flush does it all. */
	for (unsigned int i = 0; i < n; i++)
		(void)ckd_start_writeback(fd[i]);
}
