/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A volume shared by the subchannels of a base device and its HyperPAV
 * aliases (see eckd_volume.h): reference counting and the extent locks
 * (IBM DS8000 "PAV": I/O requests with conflicting extents, at least one
 * of them a write, are serialised by the control unit).
 */
#include "dasd/eckd_volume.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/deadline.h"
#include "common/log.h"
#include "image/ckd_image.h"

/* How often a waiting claim asks whether its program was halted. */
#define CANCEL_POLL_MS 10

struct eckd_volume *eckd_volume_new(struct ckd_image *img,
				    unsigned int writeback_ms,
				    struct error *err)
{
	const struct ckd_geometry *geo = ckd_image_geometry(img);
	struct eckd_volume *v = calloc(1, sizeof(*v));

	if (!v || eckd_cache_init(&v->cache, img)) {
		error_setf(err, ENOMEM, "%s: out of memory", ckd_image_path(img));
		free(v);
		ckd_image_close(img);
		return NULL;
	}
	v->refs = 1;
	v->img = img;
	snprintf(v->name, sizeof(v->name), "3390 %s", ckd_image_path(img));
	v->cyls = geo->cyls;
	v->heads = geo->heads;
	v->tracks = geo->cyls * geo->heads;
	v->readonly = ckd_image_readonly(img);
	v->writeback = writeback_ms && !v->readonly;
	if (v->writeback &&
	    eckd_flusher_start(&v->flusher, img, writeback_ms, v->name, err)) {
		eckd_cache_fini(&v->cache);
		ckd_image_close(img);
		free(v);
		return NULL;
	}
	pthread_mutex_init(&v->lock, NULL);
	deadline_cond_init(&v->cond);
	return v;
}

void eckd_volume_get(struct eckd_volume *v)
{
	__atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
}

void eckd_volume_put(struct eckd_volume *v)
{
	int rc;

	if (!v || __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL))
		return;
	/* Writethrough programs make their writes durable at their end,
	 * writeback ones leave that to the flusher; this is for what the
	 * flusher has not done yet and for a program that never ended (the
	 * daemon going down). */
	eckd_flusher_stop(&v->flusher);
	rc = eckd_cache_flush(&v->cache, NULL);
	if (!rc && !v->readonly)
		rc = ckd_image_sync(v->img);
	if (rc)
		log_msg(LOG_ERR, "%s: writing cached tracks: %s", v->name,
			strerror(-rc));
	eckd_cache_fini(&v->cache);
	ckd_image_close(v->img);
	pthread_cond_destroy(&v->cond);
	pthread_mutex_destroy(&v->lock);
	free(v);
}

int eckd_volume_commit(struct eckd_volume *v)
{
	uint64_t seq;
	int rc;

	rc = ckd_image_commit(v->img, &seq);
	if (rc)
		return rc;
	if (!v->writeback)
		return ckd_image_make_durable(v->img, seq);
	eckd_flusher_kick(&v->flusher);
	return 0;
}

static bool conflict(const struct eckd_extent_lock *a,
		     const struct eckd_extent_lock *b)
{
	return (a->write || b->write) && a->first <= b->last &&
	       b->first <= a->last;
}

/* Nothing made before x conflicts with it. */
static bool grantable(const struct eckd_extent_lock *x)
{
	for (const struct eckd_extent_lock *e = x->prev; e; e = e->prev)
		if (conflict(e, x))
			return false;
	return true;
}

static void unlink_claim(struct eckd_volume *v, struct eckd_extent_lock *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		v->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		v->tail = x->prev;
	x->prev = x->next = NULL;
	x->queued = false;
	x->held = false;
	pthread_cond_broadcast(&v->cond);
}

int eckd_volume_lock(struct eckd_volume *v, struct eckd_extent_lock *x,
		     uint32_t first, uint32_t last, bool write,
		     bool (*cancelled)(void *arg), void *arg)
{
	int rc = 0;

	x->first = first;
	x->last = last;
	x->write = write;
	x->held = false;
	x->next = NULL;
	pthread_mutex_lock(&v->lock);
	x->prev = v->tail;
	if (v->tail)
		v->tail->next = x;
	else
		v->head = x;
	v->tail = x;
	x->queued = true;
	while (!grantable(x)) {
		struct timespec until = deadline_ms(CANCEL_POLL_MS);

		if (pthread_cond_timedwait(&v->cond, &v->lock, &until) ==
		    ETIMEDOUT && cancelled && cancelled(arg)) {
			unlink_claim(v, x);
			rc = -ECANCELED;
			break;
		}
	}
	if (!rc)
		x->held = true;
	pthread_mutex_unlock(&v->lock);
	return rc;
}

void eckd_volume_unlock(struct eckd_volume *v, struct eckd_extent_lock *x)
{
	pthread_mutex_lock(&v->lock);
	if (x->queued)
		unlink_claim(v, x);
	pthread_mutex_unlock(&v->lock);
}
