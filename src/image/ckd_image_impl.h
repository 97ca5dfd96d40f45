/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the image layer: the image object and the backend ops table
 * (plain CKD, CCKD and CCKD64, memory). Not for use outside src/image and its tests.
 */
#ifndef CCWPASS_IMAGE_CKD_IMAGE_IMPL_H
#define CCWPASS_IMAGE_CKD_IMAGE_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "image/ckd_header.h"
#include "image/ckd_image.h"
#include "image/ckd_lock.h"
#include "image/ckd_unit.h"

/* Files one flush may fdatasync (a split plain volume has up to 27). */
#define CKD_FLUSH_FDS 32

/* What one flush's barrier covers (filled by the backend's flush_prepare). */
struct ckd_flush {
	uint64_t target;              /* commits up to this one */
	unsigned int nfd;
	int fd[CKD_FLUSH_FDS];        /* the files to fdatasync */
	union {
		struct {
			uint64_t l1;          /* the L1 table in place as of
						 this commit */
			uint64_t ckpt;        /* the header's checkpoint */
			uint64_t from;        /* records (from, target] are
						 in it: disowned if it fails */
			uint64_t jpos;        /* the journal's slots */
			uint32_t slot, nslots;
		} cckd;
	} u;
};

/*
 * Backend operations. The generic layer (ckd_image.c, ckd_durable.c)
 * checks track numbers, buffer sizes, read-only state and the structure
 * of written tracks, holds img->lock around every call but flush_done
 * and flush_failed, and validates what read_track returns. A read_track
 * may drop img->lock while it waits for the disk and take it again
 * (CCKD direct reads: it then makes sure what it read is still current).
 */
struct ckd_image_ops {
	/* Fill buf (bufsize >= trksize) with track trk; *len = its length. */
	int (*read_track)(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			  size_t bufsize, size_t *len);
	int (*write_track)(struct ckd_image *img, uint32_t trk,
			   const uint8_t *buf, size_t len);
	/* Optional (else write_track each): ckd_image_write_tracks() of
	   tracks already checked. */
	int (*write_tracks)(struct ckd_image *img,
			    const struct ckd_track_out *t, unsigned int n,
			    unsigned int *done);
	/* ckd_image_commit(): *seq = the commit's number. */
	int (*commit)(struct ckd_image *img, uint64_t *seq);
	/* A flush is in flight (img->dur.flushing): write what its barrier
	   should cover besides the commits (a CCKD L1 table in place, the
	   checkpoint) and say what it covers. */
	int (*flush_prepare)(struct ckd_image *img, struct ckd_flush *f);
	/* Optional; under img->dur.mu, not img->lock: f's barrier
	   succeeded. */
	void (*flush_done)(struct ckd_image *img, const struct ckd_flush *f);
	/* Optional; no lock: f's barrier failed - the commits it covered
	   must never become valid (the kernel may still write them back).
	   Not called when flush_prepare failed: what was committed is
	   intact in the file and stays valid. */
	void (*flush_failed)(struct ckd_image *img, const struct ckd_flush *f);
	/* Optional; under img->dur.mu, not img->lock: a flush should
	   start soon. */
	bool (*flush_urgent)(struct ckd_image *img);
	/* Make everything durable (if writable), release the backend state
	   and its files. No other call is in progress. */
	int (*close)(struct ckd_image *img);
	/* Optional: track trk has never been stored, so it reads as the
	   null track img->nullfmt (a CCKD track in an absent L2 table or
	   with a default entry). */
	bool (*unwritten)(struct ckd_image *img, uint32_t trk);
	/* Optional: the image's files, for ckd_image_start_writeback()
	   (at most max into fd; open until close). */
	unsigned int (*files)(struct ckd_image *img, int *fd,
			      unsigned int max);
};

/*
 * Commits and durability (ckd_durable.c): img->lock orders the backend's
 * state; mu guards these fields and is taken inside img->lock, never the
 * other way round. At most one flush is in flight.
 */
struct ckd_durable {
	pthread_mutex_t mu;
	pthread_cond_t cond;          /* a flush ended */
	uint64_t committed;           /* the last commit */
	uint64_t durable;             /* commits up to here survive a crash */
	bool flushing;                /* a flush is in flight */
	unsigned int waiters;         /* threads waiting for it */
	int error;                    /* 0, or -EIO: a flush failed */
};

struct ckd_image {
	const struct ckd_image_ops *ops;
	const struct ckd_unit *unit;  /* what a "track" is: a CKD track, or a
					 CFBA block group (fba_cfba.c) */
	struct ckd_geometry geo;
	enum ckd_image_format format;
	bool readonly;
	bool quiet;                   /* CKD_OPEN_QUIET */
	char *path;
	struct ckd_lock lock_file;    /* ckd_lock_image()'s (fd -1: none) */
	pthread_mutex_t lock;
	struct ckd_durable dur;
	/* Bytes of tracks written since the kernel was last asked to
	   start writing the files back (ckd_image_start_writeback) or a
	   flush began. */
	atomic_uint_fast64_t unstarted;
	int nullfmt;                  /* enum ckd_null_format that tracks never
					 written read as, -1: none (plain) */
	void *priv;                   /* the backend's state */
};

/* ckd_durable.c */
void ckd_durable_init(struct ckd_durable *d);
void ckd_durable_fini(struct ckd_durable *d);
/* 0, or the error of a failed flush (the image takes no more writes). */
int ckd_durable_error(struct ckd_image *img);
/*
 * For a backend that needs a barrier inside its own call (img->lock
 * held): wait for a flush in flight, then lead one, holding img->lock
 * over the fdatasync. Returns: 0 or -EIO.
 */
int ckd_flush_locked(struct ckd_image *img);
/* Tests: threads waiting in ckd_image_make_durable() for a flush. */
unsigned int ckd_image_durable_waiters(struct ckd_image *img);

/*
 * Whether track trk reads as img->nullfmt without any stored data (false
 * when the backend cannot tell, e.g. plain files): converting can skip it.
 */
bool ckd_image_unwritten(struct ckd_image *img, uint32_t trk);

/* ckd_image_open() flag inside src/image: no capacity warning (for the
   files create and convert write; they report it themselves). */
#define CKD_OPEN_QUIET 0x100

/* Backends: take over fd (locked, positioned anywhere) or fail. */
int ckd_plain_attach(struct ckd_image *img, int fd,
		     const struct ckd_devhdr *h, struct error *err);
int ckd_cckd_attach(struct ckd_image *img, int fd,
		    const struct ckd_devhdr *h, const struct cckd_format *fmt,
		    const uint8_t chdr[CCKD_HDR_SIZE], struct error *err);
int ckd_mem_attach(struct ckd_image *img, enum ckd_null_format nullfmt,
		   struct error *err);

/*
 * ckd_image_open() for a compressed image of unit's kind (its fmt32 or
 * fmt64 devid): a CFBA file is a ckd_image of FBA block groups
 * (fba_cfba.c). Returns: the image, or NULL with err set.
 */
struct ckd_image *ckd_image_open_unit(const char *path, unsigned int flags,
				      const struct ckd_unit *unit,
				      struct error *err);

/*
 * Open path (O_RDONLY or O_RDWR, close-on-exec). The volume is locked by
 * ckd_image_open() (ckd_lock.h), on its first file. Returns: the fd, or
 * negative errno with err set.
 */
int ckd_file_open(const char *path, bool readonly, struct error *err);

/*
 * ckd_file_open() and the volume's lock (ckd_lock_image(): exclusive for a
 * writer) in one: for the backends with one file (CKD's first file, FBA
 * volumes, tapes). Returns: the fd (*lk to ckd_unlock_image() after the
 * fd is closed), or negative errno with err set and nothing held.
 */
int ckd_file_open_locked(const char *path, bool readonly, struct ckd_lock *lk,
			 struct error *err);

/* Log a corrupt-track (unit) message naming the file, unit and fault. */
struct ckd_track_fault;
void ckd_log_bad_track(const struct ckd_image *img, uint32_t trk,
		       const char *where, const struct ckd_track_fault *f);

#endif
