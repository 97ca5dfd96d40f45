/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CKD volume images: whole tracks in and out, durably.
 *
 * Formats (docs/image-format.md): Hercules plain CKD ("CKD_P370", fixed
 * track slots; Hyperion's "CKD_P064" is the same layout), Hercules
 * compressed CKD ("CKD_C370", L1/L2 tables with null tracks, which makes a
 * blank or freshly formatted 3390-9 a few KB, but 32-bit offsets: at most
 * 4 GiB of stored tracks) and Hyperion's CCKD64 ("CKD_C064", the same with
 * 64-bit offsets), plus an in-memory volume for tests and fuzzing. A
 * backend is an ops table.
 *
 * A track image is in Hercules track layout (see ckd_track.h): home address
 * (5 bytes: flag 0, CC, HH), R0 count + 8 data bytes, records
 * (CCHHRKDD count, key, data), end-of-track marker (8 x 0xFF). Track numbers
 * are linear: cyl * heads + head.
 */
#ifndef CCWPASS_IMAGE_CKD_IMAGE_H
#define CCWPASS_IMAGE_CKD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct ckd_image;

enum ckd_image_format {
	CKD_IMAGE_PLAIN,  /* CKD_P370 (reads CKD_P064 too) */
	CKD_IMAGE_CCKD,   /* CKD_C370: 32-bit offsets, files up to 4 GiB */
	CKD_IMAGE_CCKD64, /* CKD_C064: 64-bit offsets (Hyperion 4.2+) */
	CKD_IMAGE_MEM,    /* in memory, not persistent */
};

/* What a blank track holds (the CCKD "null track" formats). */
enum ckd_null_format {
	CKD_NULL_R0 = 0,      /* HA, R0, end of track ("unformatted") */
	CKD_NULL_R1EOF = 1,   /* HA, R0, empty R1 */
	CKD_NULL_LINUX = 2,   /* HA, R0, R1-R12 of 4096 zero bytes (3390 Linux) */
};

struct ckd_geometry {
	uint16_t devtype;    /* 0x3390 */
	uint32_t cyls;
	uint32_t heads;      /* tracks per cylinder */
	uint32_t trksize;    /* bytes per track slot in the image (56832) */
};

/* Largest track image any supported device needs (3390: 56832). */
#define CKD_MAX_TRACK_SIZE 65536

#define CKD_OPEN_RDONLY 0x1

/*
 * Open an existing image (format detected from its header). A read-only
 * open never modifies the file. Returns: the image, or NULL with err set
 * (ENOENT, EACCES, EINVAL for a broken or unsupported header, naming the
 * file and the field).
 */
struct ckd_image *ckd_image_open(const char *path, unsigned int flags,
				 struct error *err);

/* A volatile volume whose tracks all start as null format nullfmt. */
struct ckd_image *ckd_image_new_mem(const struct ckd_geometry *geo,
				    enum ckd_null_format nullfmt,
				    struct error *err);

/*
 * Commits, makes everything durable and closes; NULL is a no-op. The last
 * call on the image (see "Threads" below); it is gone either way.
 * Returns: 0, or negative errno (-EIO) if the flush or the final
 * bookkeeping failed (also logged).
 */
int ckd_image_close(struct ckd_image *img);

const struct ckd_geometry *ckd_image_geometry(const struct ckd_image *img);
enum ckd_image_format ckd_image_format(const struct ckd_image *img);
bool ckd_image_readonly(const struct ckd_image *img);
const char *ckd_image_path(const struct ckd_image *img); /* "(memory)" for MEM */

static inline uint32_t ckd_image_tracks(const struct ckd_image *img)
{
	const struct ckd_geometry *g = ckd_image_geometry(img);

	return g->cyls * g->heads;
}

/*
 * Threads. Every call below may come from any thread; an image serializes
 * its reads, writes and commits with its own mutex, so callers need no
 * lock of their own for the image's sake (a caller orders its own
 * operations: a commit covers the writes that returned before it was
 * called, from any thread). ckd_image_make_durable(), ckd_image_flush()
 * and the sequence queries are free-threaded: they run at any time,
 * concurrently with reads, writes, commits and each other, and the
 * fdatasync they wait for holds no lock a reader, writer or committer
 * needs. ckd_image_close() must be the last call: no other may be in
 * progress or follow. docs/image-format.md "Commits and durability".
 */

/*
 * Read track trk into buf (bufsize >= geometry trksize). *len receives the
 * length of the track image up to and including the end-of-track marker.
 * Returns: 0; -EINVAL trk out of range; -EIO read error; -EUCLEAN the
 * stored track is corrupt (bad home address, overlong record, missing end
 * marker, bad compression) - the image is not changed.
 */
int ckd_image_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			 size_t bufsize, size_t *len);

/*
 * Replace track trk with the track image buf[0..len) (validated with
 * ckd_track_check(); len <= trksize). Reads see it at once; it survives a
 * SIGKILL of the process after ckd_image_commit(), a host crash after
 * ckd_image_make_durable(). Returns: 0; -EROFS; -EINVAL; -ENOSPC; -EIO
 * (also once a flush has failed: the image takes no more writes).
 */
int ckd_image_write_track(struct ckd_image *img, uint32_t trk,
			  const uint8_t *buf, size_t len);

/* One track of ckd_image_write_tracks(). */
struct ckd_track_out {
	uint32_t trk;
	const uint8_t *buf;
	size_t len;
};

/*
 * ckd_image_write_track() of n tracks, in this order, in one go where the
 * backend can: a CCKD file stores them in one extent with one direct
 * write (docs/image-format.md "Direct writes"). *done receives how many
 * of t[] were written. Returns: 0 (all); or the negative errno of t[*done]
 * as ckd_image_write_track() gives it - t[*done] and what follows it
 * were not written.
 */
int ckd_image_write_tracks(struct ckd_image *img,
			   const struct ckd_track_out *t, unsigned int n,
			   unsigned int *done);

/*
 * Put every completed ckd_image_write_track() into the image file (the
 * page cache) so that a SIGKILL of the process at any later moment loses
 * and tears nothing: an open after it (which replays the CCKD journal)
 * reads every track as of this commit or a later one. No fdatasync in
 * the common case; a CCKD commit does barriers itself, under the image's
 * mutex, only when its journal's ring is full of records not yet
 * checkpointed (up to 3; ckd_image_flush_urgent() tells a flusher to
 * come first) or its record does not fit a slot (about 500 new track
 * images; 2-3). *seq (may be NULL) receives the number
 * ckd_image_make_durable() must reach for this commit to be durable (the
 * last commit's when nothing changed; 0 for read-only and memory images).
 * Returns: 0; -EIO: a table or the record could not be written, e.g. the
 * disk is full (nothing lost; a later commit retries), or after a failed
 * flush; -ENOMEM.
 */
int ckd_image_commit(struct ckd_image *img, uint64_t *seq);

/*
 * Return once every commit up to seq (clamped to the last commit) is
 * durable: it survives a host crash or power loss. Group commit: if a
 * flush is in flight, wait for it; then, if seq is not durable yet, one
 * waiting thread leads the next flush (one fdatasync per file of the
 * image), covering every commit made before it starts, while the others
 * wait for it. So commits of N threads that wait together cost one
 * fdatasync, and commit + make_durable from one thread exactly one.
 * Free-threaded (see above); it may wait for the image's mutex briefly
 * to prepare a flush, never holds it over the fdatasync.
 * Returns: 0; -EIO if a flush failed - then and from then on for every
 * caller: Linux may drop the pages whose write-back failed and let a
 * later fdatasync succeed, so nothing written since the last good flush
 * can be made durable any more, and the image takes no more writes.
 */
int ckd_image_make_durable(struct ckd_image *img, uint64_t seq);

/* make_durable(the last commit). Returns: 0 or -EIO. */
int ckd_image_flush(struct ckd_image *img);

/*
 * ckd_image_commit() + ckd_image_make_durable(): every completed write
 * durable. A host crash at any point leaves each track either old or new,
 * never torn or lost (CCKD; a plain file can tear a track being written).
 * Returns: 0, -EIO, -ENOSPC, -ENOMEM.
 */
int ckd_image_sync(struct ckd_image *img);

/* The last commit's number, and the highest commit known durable.
   Free-threaded. */
uint64_t ckd_image_committed_seq(struct ckd_image *img);
uint64_t ckd_image_durable_seq(struct ckd_image *img);

/*
 * Something committed is not durable yet (durable < committed, in one
 * look): a write-back flusher has work, ckd_image_flush() would
 * fdatasync. Writes not committed do not count. False for read-only and
 * memory images, and once a flush failed (nothing can be made durable
 * any more). Free-threaded.
 */
bool ckd_image_dirty(struct ckd_image *img);

/*
 * A flusher should flush now rather than at its interval: CCKD commits
 * not yet checkpointed fill half the journal's ring, and once it is full
 * commits do the fdatasyncs themselves under the image's mutex (see
 * ckd_image_commit). Free-threaded; false for other formats.
 */
bool ckd_image_flush_urgent(struct ckd_image *img);

/*
 * Early write-back, for a flusher (cache = writeback): without it the
 * page cache holds everything written since the last flush, and that
 * flush's fdatasync writes it all while commits wait for the journal's
 * ring (hundreds of milliseconds at a few hundred MiB/s). Due once
 * CKD_WRITEBACK_START bytes of tracks were written since the last start
 * or flush; ckd_image_start_writeback() then asks the kernel to start
 * writing every file of the image back (sync_file_range
 * SYNC_FILE_RANGE_WRITE: the disk writes begin, nobody waits for them).
 * It promises nothing about durability: only a flush does. Free-threaded;
 * the system calls run without img->lock.
 */
#define CKD_WRITEBACK_START (4u << 20)
bool ckd_image_writeback_due(struct ckd_image *img);
void ckd_image_start_writeback(struct ckd_image *img);

/*
 * How many cylinders of data that does not compress a file of format fmt
 * with geometry geo can store: geo->cyls unless the format's offsets end
 * first (CCKD: 4 GiB, about 5036 cylinders of a 3390). A CCKD volume
 * opened for writing whose geometry exceeds this logs a warning.
 */
uint32_t ckd_format_capacity(enum ckd_image_format fmt,
			     const struct ckd_geometry *geo);

/* ---- creating volumes (ccwpass dasdinit) ---- */

enum ckd_init_layout {
	CKD_INIT_BLANK,   /* every track HA + R0 only: Linux sees "unformatted" */
	CKD_INIT_CDL,     /* Linux compatible disk layout, 4 KB blocks,
			     IPL records, VOL1, VTOC, one partition */
};

struct ckd_init_options {
	enum ckd_image_format format;     /* PLAIN or CCKD */
	enum ckd_init_layout layout;
	char volser[7];                   /* 1-6 chars [A-Z0-9@#$], NUL ended */
	bool overwrite;                   /* else an existing file is EEXIST */
	/* Optional progress: called now and then with tracks done / total. */
	void (*progress)(uint64_t done, uint64_t total, void *opaque);
	void *opaque;
};

/*
 * Create a new volume of geometry geo at path (written to a temporary file
 * in the same directory, synced, then renamed into place).
 * Returns: 0, or negative errno with err naming the file and reason.
 */
int ckd_image_create(const char *path, const struct ckd_geometry *geo,
		     const struct ckd_init_options *opt, struct error *err);

/* ---- converting between formats (ccwpass convert) ---- */

struct ckd_convert_options {
	enum ckd_image_format format;     /* PLAIN, CCKD or CCKD64 */
	bool overwrite;                   /* else an existing out is EEXIST */
	/* Optional progress: tracks copied, then verified, of 2 x tracks. */
	void (*progress)(uint64_t done, uint64_t total, void *opaque);
	void *opaque;
};

struct ckd_convert_result {
	enum ckd_image_format from;       /* in's format */
	struct ckd_geometry geo;          /* both files' */
	uint64_t tracks;                  /* copied and verified: all */
	uint64_t null_tracks;             /* of those, null tracks */
};

/*
 * Copy every track of the image at in (opened read-only; it must not be
 * in use) into a new image of opt->format at out: built under a temporary
 * name, closed, read back and compared track by track with in, then
 * renamed into place. Null tracks stay null tracks. out must not be in.
 * Returns: 0 with *res filled (if non-NULL), or negative errno with err
 * naming the file and the reason: EEXIST out exists (without overwrite),
 * EINVAL out is in or an unknown format, EBUSY in is in use, ENOSPC the
 * tracks do not fit (a CCKD file's 4 GiB, or the file system), EUCLEAN
 * a track of in is damaged, EIO.
 */
int ckd_image_convert(const char *in, const char *out,
		      const struct ckd_convert_options *opt,
		      struct ckd_convert_result *res, struct error *err);

#endif
