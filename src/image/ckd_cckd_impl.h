/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the CCKD backend, which serves both compressed formats (CCKD and
 * CCKD64, told apart by a struct cckd_format): in-memory L1/L2 tables and
 * free space (ckd_cckd.c opens and reads, ckd_cckd_write.c writes, syncs,
 * closes).
 */
#ifndef CCWPASS_IMAGE_CKD_CCKD_IMPL_H
#define CCWPASS_IMAGE_CKD_CCKD_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "image/ckd_header.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_space.h"

/* One L2 entry: where track images live. pos 0 = null track of format len. */
struct cckd_l2ent {
	uint64_t pos;
	uint16_t len;
	uint16_t size;
	uint32_t crc;                 /* CRC-32 of the stored image, while the
					 track is fresh (not in the file) */
};

/*
 * The journal (ckd_cckd_journal.c; docs/image-format.md "The journal"):
 * a ring of slots in the file's space, found through a private area in
 * the reserved bytes of the compressed header. Commit k writes record k
 * to slot k % nslots; the header's checkpoint says which records are in
 * the L1 table in place.
 */
#define CCKD_JRN_AREA_POS   448     /* private area in the compressed header */
#define CCKD_JRN_AREA_SIZE  64
#define CCKD_JRN_SLOT       4096
#define CCKD_JRN_SLOTS      256

/* Slot size and count of new journals: CCKD_JRN_SLOT, CCKD_JRN_SLOTS.
   Tests set a smaller size (a multiple of 512) to reach the fallback
   with few tracks, fewer slots (3 or more) to fill the ring. */
extern uint32_t cckd_jrn_slot_size;
extern uint32_t cckd_jrn_slots;

struct cckd_jrn_area {
	uint64_t pos;                 /* first slot; 0: no journal */
	uint32_t slot;                /* slot size */
	uint32_t nslots;
	uint64_t id;                  /* random, per journal: tells its records
					 from stale slot contents */
	uint64_t ckpt;                /* records <= ckpt are in the L1 table */
};

/* The L1 entries a record changes, kept until they are in place. */
struct cckd_jrn_chg {
	uint64_t seq;                 /* the record's */
	uint32_t n, cap;
	uint32_t *idx;
	uint64_t *pos;
};

struct cckd_journal {
	struct cckd_jrn_area area;    /* as the header in the file holds it
					 (ckpt: the last one written) */
	bool written;                 /* the header in the file has the area */
	struct cckd_jrn_chg *chg;     /* per slot: its record's L1 changes */
	uint32_t nchg;
};

/*
 * Commit k (c->seq) is durable when a barrier after it completed
 * (img->dur.durable); its L1 entries go in place only after that, and
 * the checkpoint moves past it only once they are durable. What the
 * barriers made durable is kept in c->dur, under img->dur.mu (a flush
 * publishes it without img->lock).
 */
struct cckd_durable {
	uint64_t l1;                  /* the L1 table in place is durably as
					 of this commit */
	uint64_t ckpt;                /* the header's checkpoint, durably */
	uint32_t nslots;              /* the journal's ring, 0: none yet */
};

/* One direct read's data: [pos, pos+len) of the file, until a write
   (len 0: nothing). */
struct cckd_rbuf {
	uint8_t *buf;                 /* CCKD_STAGE_SIZE bytes, aligned */
	uint64_t pos;
	size_t len;
	uint64_t used;                /* LRU stamp */
	bool busy;                    /* a direct read into it is under way,
					 img->lock dropped (len 0 meanwhile) */
};

/* Read buffers: one per sequential reader followed at once (a base and
   its HyperPAV aliases reading at four places). */
#define CCKD_RBUFS 4

struct cckd_image {
	int fd;
	int dfd;                      /* the same file with O_DIRECT, for
					 ckd_cckd_direct.c; -1: none */
	uint8_t *stage;               /* its aligned buffer (dfd >= 0) */
	struct cckd_rbuf rbuf[CCKD_RBUFS]; /* what direct reads read */
	uint64_t rclock;              /* their LRU clock */
	uint64_t rgen;                /* cckd_read_forget() calls: a read
					 that saw it change reads again */
	uint8_t *buffered;            /* bit per track: its image was last
					 written through the page cache
					 (dfd >= 0) */
	bool direct_off;              /* the file system refused direct I/O:
					 none from now on (dfd and the
					 buffers stay until cckd_free) */
	bool no_cachestat;            /* the kernel has no cachestat() */
	const struct cckd_format *fmt;
	bool be;                      /* tables are big-endian */
	bool limit_logged;            /* the format's size limit was reported */
	struct cckd_header hdr;
	uint32_t nl1;                 /* L1 entries */
	uint64_t *l1;                 /* L1 as of the last commit */
	uint64_t *l1_place;           /* L1 as written in place */
	uint64_t l1_written;          /* l1_place is as of this commit */
	struct cckd_l2ent **l2;       /* current tables; NULL = all default */
	uint8_t *l2_dirty;            /* table differs from the committed one */
	uint32_t ndirty;              /* how many l2_dirty entries are set */
	uint8_t *fresh;               /* bit per track: its data extent is
					 not referenced by committed tables */
	struct ckd_space space;       /* read-write opens only */
	uint8_t *io;                  /* stored-image buffer */
	bool failed;                  /* a commit failed half way: stop */
	uint64_t seq;                 /* commits since the open: the
					 generation of space they replace */
	uint64_t space_upto;          /* generations freed up to here */
	struct cckd_durable dur;      /* under img->dur.mu */
	struct cckd_journal jrn;
};

static inline bool cckd_fresh(const struct cckd_image *c, uint32_t trk)
{
	return c->fresh[trk / 8] & (1u << (trk % 8));
}

#define CCKD_IO_SIZE 65536

/* Entry of track trk (default entry if its table is absent). */
struct cckd_l2ent cckd_entry(const struct cckd_image *c, uint32_t trk);
/* Hercules null format of a null entry (pos 0). */
unsigned int cckd_entry_nullfmt(const struct cckd_image *c,
				const struct cckd_l2ent *e);
/* Does entry e read the same as an absent L2 table's entry? */
bool cckd_entry_is_default(const struct cckd_image *c,
			   const struct cckd_l2ent *e);

/* An L2 table in the file's format and byte order <-> in memory. */
void cckd_l2_decode(const struct cckd_image *c, struct cckd_l2ent *t,
		    const uint8_t *raw);
void cckd_l2_encode(const struct cckd_image *c, uint8_t *raw,
		    const struct cckd_l2ent *t);

/* ckd_cckd_journal.c */
/*
 * The private area in the compressed header raw[0..511] (with the
 * checksum of raw[0..447], which must already be final). A header
 * without a journal has zeros there (cckd_header_store()).
 */
void cckd_jrn_area_store(uint8_t *raw, const struct cckd_jrn_area *a);
/*
 * The private area in raw. Returns 1 (valid, *a filled), 0 (none), -1
 * (ours but not to be trusted: the header was rewritten by someone else,
 * or its fields are out of range).
 */
int cckd_jrn_area_load(const uint8_t *raw, struct cckd_jrn_area *a);
/*
 * Record seq of a sync that switches the L1 entries where l2_dirty is set
 * to newl1, into rec (a slot's size). Returns its length, or 0 if it does
 * not fit a slot.
 */
size_t cckd_jrn_record(const struct cckd_image *c, uint64_t seq,
		       const uint64_t *newl1, uint8_t *rec);
/*
 * Apply the records after a->ckpt to c->l1, in order, each only if it and
 * every table and track image it names verify; stop at the first that
 * does not. data_lo/fsize bound the data area. Returns how many were
 * applied, or -ENOMEM.
 */
int64_t cckd_jrn_replay(struct ckd_image *img, struct cckd_image *c,
			const struct cckd_jrn_area *a, uint64_t data_lo,
			uint64_t fsize);
/* CRC-32 (zlib's) of the journal: of records, tables, track images. */
uint32_t cckd_crc32(const uint8_t *p, size_t n);
/* A new random journal id. */
uint64_t cckd_jrn_new_id(void);

/* ckd_cckd_write.c */
int cckd_write_track(struct ckd_image *img, uint32_t trk, const uint8_t *buf,
		     size_t len);
/* Track trk's table, made all default if absent. NULL: out of memory. */
struct cckd_l2ent *cckd_table_for(struct cckd_image *c, uint32_t l1x);
/* The entry that stores buf as a null track, if one can. */
bool cckd_null_entry(const struct ckd_image *img, const struct cckd_image *c,
		     uint32_t trk, const uint8_t *buf, size_t len,
		     struct cckd_l2ent *e);
/* Track trk is stored as e now (its table exists: cckd_table_for);
   the space of what it replaces is freed or deferred. Returns 0 or
   negative errno (then c->failed). */
int cckd_install(struct cckd_image *c, uint32_t trk, struct cckd_l2ent e);
/* The format cannot address more: say so once per open image. */
void cckd_log_limit(const struct ckd_image *img, struct cckd_image *c);
int cckd_commit(struct ckd_image *img, uint64_t *seq);
/* The commit of the close: without the journal. */
int cckd_commit_in_place(struct ckd_image *img);
/* Mark the file open (header options, no journal) before the first
   change. */
int cckd_mark_open(struct ckd_image *img);
/* After a replay at open: write the whole L1 table in place, fdatasync. */
int cckd_write_l1_all(struct cckd_image *c);
/* L1 entries lo..hi of l1, in place. */
int cckd_write_l1(struct cckd_image *c, const uint64_t *l1, uint32_t lo,
		  uint32_t hi);
/* The compressed header, with the journal's private area (checkpoint
   ckpt) while there is a journal. */
int cckd_write_header(struct cckd_image *c, uint64_t ckpt);
/* The durable state (img->dur.durable and c->dur) under img->dur.mu. */
void cckd_durable(struct ckd_image *img, uint64_t *seq, struct cckd_durable *d);
void cckd_free(struct cckd_image *c);

/* ckd_cckd_flush.c: the ckd_image_ops of flushes, the ring */
int cckd_flush_prepare(struct ckd_image *img, struct ckd_flush *f);
void cckd_flush_done(struct ckd_image *img, const struct ckd_flush *f);
void cckd_flush_failed(struct ckd_image *img, const struct ckd_flush *f);
bool cckd_flush_urgent(struct ckd_image *img);
/* Keep the L1 changes of record seq (newl1 where l2_dirty is set);
   cckd_jrn_reserve() first, so that it cannot fail. */
int cckd_jrn_reserve(struct cckd_image *c, uint64_t seq);
void cckd_jrn_chg_free(struct cckd_journal *j);
void cckd_jrn_keep(struct cckd_image *c, uint64_t seq, const uint64_t *newl1);
/* Room in the ring for record seq: flushes (img->lock held) until the
   record seq - nslots is durably behind the checkpoint. */
int cckd_jrn_room(struct ckd_image *img, struct cckd_image *c, uint64_t seq);

/* The compressed header's cyls field of an open CCKD or CFBA image (a
   CFBA file's block count). */
uint32_t cckd_hdr_cyls(const struct ckd_image *img);

/* ckd_cckd_direct.c: direct writes of track images (docs/image-format.md
   "Direct writes") */
#define CCKD_DIO_ALIGN   4096u       /* offsets and lengths of direct I/O */
#define CCKD_STAGE_SIZE  (1u << 20)  /* the most one direct write moves */
/* Whether new read-write opens write track images directly (tests turn
   it off to reach the buffered path). */
extern bool cckd_direct_writes;
/* c->dfd and c->stage for a read-write open of c->fd, when the file
   system takes O_DIRECT; else c->dfd = -1 (buffered writes). */
void cckd_direct_open(struct ckd_image *img, struct cckd_image *c);
void cckd_direct_close(struct cckd_image *c);
/* Read track trk's stored image at [pos, pos+n): from the page cache
   when it holds all of it (or trk was written there since the open),
   else with a direct read when the image has c->dfd (so that
   reading what direct writes put in the file fills no page cache
   either). img->lock held; a direct read drops it while it waits for the
   disk (reads of other threads, writes and commits go on meanwhile).
   Returns: 0; -EAGAIN: the file's space may have been reused meanwhile,
   look the image up again; -ENODATA past the end of the file; -EIO. */
int cckd_read_image(struct ckd_image *img, struct cckd_image *c,
		    uint32_t trk, uint8_t *buf, size_t n, uint64_t pos);
/* Track trk's image was written through the page cache (on) or is not
   (off: direct, or a null track): where reading it is cheapest. */
void cckd_mark_buffered(struct cckd_image *c, uint32_t trk, bool on);
/* Something may reuse file space: what direct reads read is no longer
   to be trusted. */
void cckd_read_forget(struct cckd_image *c);
/* The ckd_image_ops write_tracks of CCKD files. */
int cckd_write_tracks(struct ckd_image *img, const struct ckd_track_out *t,
		      unsigned int n, unsigned int *done);

/* ckd_cckd_close.c: everything into the L1 table in place, the file as
   Hercules expects it, the backend freed. */
int cckd_close(struct ckd_image *img);

#endif
