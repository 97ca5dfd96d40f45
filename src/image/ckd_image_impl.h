/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the image layer: the image object and the backend ops table
 * (plain CKD, CCKD and CCKD64, memory). Not for use outside src/image and its tests.
 */
#ifndef CCWPASS_IMAGE_CKD_IMAGE_IMPL_H
#define CCWPASS_IMAGE_CKD_IMAGE_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "image/ckd_header.h"
#include "image/ckd_image.h"
#include "image/ckd_lock.h"

/*
 * Backend operations. The generic layer (ckd_image.c) checks track numbers,
 * buffer sizes, read-only state and the structure of written tracks, holds
 * img->lock around every call, and validates what read_track returns.
 */
struct ckd_image_ops {
	/* Fill buf (bufsize >= trksize) with track trk; *len = its length. */
	int (*read_track)(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			  size_t bufsize, size_t *len);
	int (*write_track)(struct ckd_image *img, uint32_t trk,
			   const uint8_t *buf, size_t len);
	int (*sync)(struct ckd_image *img);
	/* Sync (if writable), release the backend state and its files. */
	int (*close)(struct ckd_image *img);
	/* Optional: track trk has never been stored, so it reads as the
	   null track img->nullfmt (a CCKD track in an absent L2 table or
	   with a default entry). */
	bool (*unwritten)(struct ckd_image *img, uint32_t trk);
};

struct ckd_image {
	const struct ckd_image_ops *ops;
	struct ckd_geometry geo;
	enum ckd_image_format format;
	bool readonly;
	bool quiet;                   /* CKD_OPEN_QUIET */
	char *path;
	struct ckd_lock lock_file;    /* ckd_lock_image()'s (fd -1: none) */
	pthread_mutex_t lock;
	int nullfmt;                  /* enum ckd_null_format that tracks never
					 written read as, -1: none (plain) */
	void *priv;                   /* the backend's state */
};

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
 * Open path (O_RDONLY or O_RDWR, close-on-exec). The volume is locked by
 * ckd_image_open() (ckd_lock.h), on its first file. Returns: the fd, or
 * negative errno with err set.
 */
int ckd_file_open(const char *path, bool readonly, struct error *err);

/* Log a corrupt-track message naming the file, track and fault. */
struct ckd_track_fault;
void ckd_log_bad_track(const struct ckd_image *img, uint32_t trk,
		       const char *where, const struct ckd_track_fault *f);

#endif
