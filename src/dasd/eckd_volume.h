/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 3390 volume as its storage control holds it: the image, its geometry,
 * the track cache, and the extent locks that serialise channel programs
 * of different subchannels (a base and its HyperPAV aliases) on it.
 *
 * Extent locks are what a PAV storage control calls extent conflict
 * serialisation: a program claims the tracks of its Define Extent (or
 * Prefix) when it names them, for reading (file mask "inhibit all
 * writes") or for writing, and keeps them until its end, after its writes
 * are durable. Claims that overlap wait unless both read, in the order
 * they were made. A program holds at most one claim at a time (one
 * extent, or one track at a time for commands outside any extent), so
 * claims cannot wait on each other in a circle.
 *
 * Threading: every function may be called from any thread.
 */
#ifndef CCWPASS_DASD_ECKD_VOLUME_H
#define CCWPASS_DASD_ECKD_VOLUME_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "dasd/eckd_cache.h"
#include "dasd/eckd_flusher.h"

struct ckd_image;

/* One program's claim on the tracks first..last. */
struct eckd_extent_lock {
	struct eckd_extent_lock *prev, *next;
	uint32_t first, last;
	bool write;
	bool held;                    /* granted (or waiting: queued) */
	bool queued;
};

struct eckd_volume {
	unsigned int refs;            /* atomic */
	struct ckd_image *img;
	char name[80];                /* "3390 <image path>" for messages */
	uint32_t cyls, heads, tracks;
	bool readonly;
	bool writeback;               /* else writethrough */
	struct eckd_cache cache;
	struct eckd_flusher flusher;  /* writeback only */
	pthread_mutex_t lock;         /* the claims */
	pthread_cond_t cond;          /* a claim was dropped */
	struct eckd_extent_lock *head, *tail;   /* in the order made */
};

/*
 * A volume on img, which it owns from the call on (closed on failure),
 * writethrough (writeback_ms 0) or writeback with that flush interval
 * (eckd_config). One reference. Returns: the volume, or NULL with err.
 */
struct eckd_volume *eckd_volume_new(struct ckd_image *img,
				    unsigned int writeback_ms,
				    struct error *err);

void eckd_volume_get(struct eckd_volume *v);
/* The last reference stops the flusher, writes changed tracks back,
   syncs and closes. */
void eckd_volume_put(struct eckd_volume *v);

/*
 * A program that wrote ends: what it wrote back into the image (through
 * the cache) is committed to the file, then, writethrough, made durable
 * (group commit with the programs of other subchannels ending meanwhile),
 * or, writeback, left to the flusher. Call before its claim is dropped.
 * Returns: 0 or -errno of the commit or flush.
 */
int eckd_volume_commit(struct eckd_volume *v);

/*
 * Claim tracks first..last (first <= last) for a program, waiting while
 * an earlier claim conflicts. cancelled(arg) is asked now and then while
 * waiting (a halt or clear of the program). Returns: 0 (x held), or
 * -ECANCELED (nothing held).
 */
int eckd_volume_lock(struct eckd_volume *v, struct eckd_extent_lock *x,
		     uint32_t first, uint32_t last, bool write,
		     bool (*cancelled)(void *arg), void *arg);
/* Drop a claim eckd_volume_lock() granted. */
void eckd_volume_unlock(struct eckd_volume *v, struct eckd_extent_lock *x);

#endif
