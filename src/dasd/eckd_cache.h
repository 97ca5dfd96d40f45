/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The storage control's track cache: whole tracks of one volume, shared by
 * every subchannel that reaches the volume (a base and its HyperPAV
 * aliases). Channel programs read and write records in these buffers
 * directly (css_io_put/get); changed tracks go back to the image with
 * ckd_image_write_track() when evicted, ckd_image_write_tracks() when
 * flushed, and the device commits
 * them with eckd_volume_commit() before a program's final status
 * (3990/9390 Storage Control Reference, GA32-0274, "Cache operations":
 * writethrough - durable at the end of the channel program - unless the
 * volume's cache mode is writeback).
 *
 * Threading: every function may be called from any thread. The cache's
 * lock guards which track a slot holds, its state and the LRU order; it is
 * never held while the image is read or written. The bytes of a track are
 * not guarded here: a slot stays the track it is while pinned (between
 * eckd_cache_get and eckd_cache_put), and the device's extent locks
 * (eckd_volume.h) make sure that a track being changed is used by one
 * program only.
 *
 * Read-ahead (a 3990's sequential staging): once programs get
 * ECKD_CACHE_RA_RUN tracks one after the other, a thread of the cache
 * reads the next ECKD_CACHE_RA_TRACKS tracks into free or clean slots
 * while the guest is busy between programs; a program that wants such a
 * track finds it cached, or waits for its read to end. It never writes
 * anything back and never takes a changed slot. Up to
 * ECKD_CACHE_RA_STREAMS sequential streams are followed at once (readers
 * at several places of the volume, through a base and its aliases). The
 * cache grows for it, in the thread, never in a program: to
 * ECKD_CACHE_RA_SLOTS when the first stream starts, and by
 * ECKD_CACHE_RA_STREAM_SLOTS each time the thread finds no slot for a
 * window (several streams at once), up to ECKD_CACHE_MAX_SLOTS: the most
 * ever needed, so no memory-management call in steady state. A program
 * that needs a slot takes a track read ahead but not yet used only when
 * no other clean one is there, so one stream's window does not push out
 * another's; a window nobody came for within ECKD_CACHE_RA_RECENT gets is
 * the thread's to reuse.
 */
#ifndef CCWPASS_DASD_ECKD_CACHE_H
#define CCWPASS_DASD_ECKD_CACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ckd_image;

#define ECKD_CACHE_SLOTS     8    /* slots a cache starts with */
#define ECKD_CACHE_RA_RUN    4    /* consecutive tracks that start read-ahead */
#define ECKD_CACHE_RA_TRACKS 48   /* tracks read ahead of the last one got */
#define ECKD_CACHE_RA_SLOTS  96   /* slots the cache grows to for read-ahead */
#define ECKD_CACHE_RA_STREAM_SLOTS 64  /* ... and by this when windows do not fit */
#define ECKD_FLUSH_BATCH     32   /* tracks a flush writes back in one go */
#define ECKD_CACHE_RA_STREAMS 4   /* sequential streams followed at once */
#define ECKD_CACHE_RA_RECENT 512  /* gets since its last: a stream still in use */
/* The most slots a cache has: read-ahead for every stream (11.5 MiB of
 * 3390 tracks); programs grow it up to this too when every slot is in use. */
#define ECKD_CACHE_MAX_SLOTS \
	(ECKD_CACHE_RA_SLOTS + \
	 (ECKD_CACHE_RA_STREAMS - 1) * ECKD_CACHE_RA_STREAM_SLOTS)

/* One sequential stream of track gets, and its window to read ahead. */
struct eckd_ra_stream {
	uint32_t last;            /* the track got last (UINT32_MAX: none) */
	unsigned int run;         /* ... the how-manieth in a row it is */
	uint32_t next, end;       /* to read: [next, end) */
	uint64_t stamp;           /* last use, to replace the oldest */
};

struct eckd_cache_slot {
	uint8_t *buf;       /* cache->bufsize bytes */
	size_t len;         /* track image length through the end marker */
	uint32_t trk;
	bool valid;         /* holds track trk (or is being read: busy) */
	bool dirty;         /* changed since read or written back */
	bool busy;          /* being read from or written to the image */
	bool ahead;         /* read ahead, not got by a program since */
	bool wb_failed;     /* a write-back for another program failed */
	unsigned int pins;  /* commands using the buffer now */
	const void *owner;  /* the program that changed it (while dirty) */
	uint64_t stamp;     /* last use, for LRU */
};

struct eckd_cache {
	pthread_mutex_t lock;
	pthread_cond_t cond;          /* a slot stopped being busy or pinned */
	struct ckd_image *img;
	size_t bufsize;               /* the image's track slot size */
	uint32_t tracks;              /* the volume's */
	uint64_t clock;
	unsigned int nslots;
	struct eckd_cache_slot *slot[ECKD_CACHE_MAX_SLOTS];

	/* read-ahead, under lock */
	bool readahead;               /* allowed (eckd_cache_init: yes) */
	struct eckd_ra_stream ra[ECKD_CACHE_RA_STREAMS];
	unsigned int ra_turn;         /* the stream the thread serves next */
	bool ra_started, ra_stop;
	pthread_t ra_thread;
	pthread_cond_t ra_cond;       /* work for the read-ahead thread */
	uint64_t ra_reads, ra_hits;   /* tracks it read; of those got later */
	unsigned int ra_want;         /* slots the thread grows the cache to */
};

/* Returns: 0 or -ENOMEM. */
int eckd_cache_init(struct eckd_cache *c, struct ckd_image *img);
/* Frees the buffers (dirty tracks are lost: flush first); stops the
 * read-ahead thread first. */
void eckd_cache_fini(struct eckd_cache *c);
/* Read-ahead on or off (tests and fuzzing that want one thread). */
void eckd_cache_set_readahead(struct eckd_cache *c, bool on);

/*
 * Track trk, pinned, read from the image unless cached. Making room may
 * write back a track changed by a program (owner or another one). The
 * slot stays trk until eckd_cache_put(). Returns: 0; -EINVAL (no such
 * track), -EIO, -EUCLEAN (corrupt track image), or the error of writing
 * back one of owner's own changed tracks (that track is dropped).
 */
int eckd_cache_get(struct eckd_cache *c, uint32_t trk, const void *owner,
		   struct eckd_cache_slot **out);

/* Unpin a slot eckd_cache_get() gave. */
void eckd_cache_put(struct eckd_cache *c, struct eckd_cache_slot *s);

/* The pinned slot s was changed by program owner. */
void eckd_cache_dirty(struct eckd_cache *c, struct eckd_cache_slot *s,
		      const void *owner);

/*
 * Write every track changed by owner (NULL: by anyone) back to the image,
 * up to ECKD_FLUSH_BATCH at a time with ckd_image_write_tracks(), waiting
 * for write-backs of them others have under way. A track that
 * cannot be written is dropped, so the next read sees the image's
 * version. Returns: 0 or the first error (-EIO, -ENOSPC, -EROFS, -EINVAL).
 */
int eckd_cache_flush(struct eckd_cache *c, const void *owner);

#endif
