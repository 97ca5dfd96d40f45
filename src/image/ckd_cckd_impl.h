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
 * the reserved bytes of the compressed header. Sync k writes record k to
 * slot k % nslots; the header's checkpoint says which records are in the
 * L1 table in place.
 */
#define CCKD_JRN_AREA_POS   448     /* private area in the compressed header */
#define CCKD_JRN_AREA_SIZE  64
#define CCKD_JRN_SLOT       4096
#define CCKD_JRN_SLOTS      8

/* Slot size of new journals: CCKD_JRN_SLOT. Tests set a smaller one (a
   multiple of 512) to reach the fallback with few tracks. */
extern uint32_t cckd_jrn_slot_size;

struct cckd_jrn_area {
	uint64_t pos;                 /* first slot; 0: no journal */
	uint32_t slot;                /* slot size */
	uint32_t nslots;
	uint64_t id;                  /* random, per journal: tells its records
					 from stale slot contents */
	uint64_t ckpt;                /* records <= ckpt are in the L1 table */
};

struct cckd_journal {
	struct cckd_jrn_area area;    /* as the header holds it durably */
	bool durable;                 /* the header holds the area */
	bool pending;                 /* the last record's L1 entries are not
					 yet written in place */
	uint32_t lo, hi;              /* their L1 index range */
};

struct cckd_image {
	int fd;
	const struct cckd_format *fmt;
	bool be;                      /* tables are big-endian */
	bool limit_logged;            /* the format's size limit was reported */
	struct cckd_header hdr;
	uint32_t nl1;                 /* L1 entries */
	uint64_t *l1;                 /* L1 as durable in the file */
	struct cckd_l2ent **l2;       /* current tables; NULL = all default */
	uint8_t *l2_dirty;            /* table differs from the durable one */
	uint32_t ndirty;              /* how many l2_dirty entries are set */
	uint8_t *fresh;               /* bit per track: its data extent is
					 not referenced by durable tables */
	struct ckd_space space;       /* read-write opens only */
	uint8_t *io;                  /* stored-image buffer */
	bool failed;                  /* a sync failed half way: stop */
	uint64_t seq;                 /* syncs completed since the open: the
					 generation of space they replace */
	uint64_t l1_done;             /* syncs whose L1 entries are durable in
					 place */
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
int cckd_sync(struct ckd_image *img);
int cckd_close(struct ckd_image *img);
/* Mark the file open (header options, no journal) before the first
   change. */
int cckd_mark_open(struct ckd_image *img);
/* After a replay at open: write the whole L1 table in place, fdatasync. */
int cckd_write_l1_all(struct cckd_image *c);
void cckd_free(struct cckd_image *c);

#endif
