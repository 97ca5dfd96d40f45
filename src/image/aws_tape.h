/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tape volumes in Hercules' AWSTAPE format (.aws) and its compressed
 * variant HET (.het): a sequence of chunks, each a 6-byte header - this
 * chunk's length and the previous chunk's length (16 bits, little-endian),
 * flags1 (0x80 start of record, 0x20 end of record, 0x40 tape mark; HET:
 * 0x01 zlib, 0x02 bzip2), flags2 (HET: 0x80 Bus-Tech zlib) - followed by
 * its data. A record is one chunk or more, its bytes compressed as a
 * whole or not at all (het_codec.h); a tape mark is a header alone; the
 * end of the file is the end of the data. Writing truncates the file
 * after what was written, as a tape drive's write makes what followed
 * unreadable.
 *
 * Either format reads compressed records. How records are written
 * follows the file name, as Hercules picks the format: a name ending in
 * ".het" (any case) writes each record zlib-compressed when that makes it
 * shorter, any other name plain AWSTAPE.
 * docs/tape.md; facts in docs/research/tape-3490.md section 5.
 *
 * The position is between blocks (a record or a tape mark); block ids
 * count them from the load point (0), tape marks included.
 */
#ifndef CCWPASS_IMAGE_AWS_TAPE_H
#define CCWPASS_IMAGE_AWS_TAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define AWS_MAX_BLOCK 65535u   /* what a 3490 writes in one record */

struct aws_tape;

/* How a tape's records are written. */
enum aws_format {
	AWS_FORMAT_AWSTAPE = 0,  /* as given */
	AWS_FORMAT_HET = 1,      /* zlib-compressed when shorter */
};

/* The format a file name asks for: HET for "*.het" (any case). */
enum aws_format aws_format_of_name(const char *path);

/*
 * Create an empty tape at path (0600): with two tape marks (an unlabeled
 * tape, byte for byte what Hercules' `hetinit -n` writes, for .aws and
 * .het alike), or nothing (marks = false). An existing path is refused
 * (EEXIST) unless overwrite. Returns 0 or -errno with err.
 */
int aws_tape_create(const char *path, bool marks, bool overwrite,
		    struct error *err);

/* Open a tape at its load point; locked as images are (one writer).
 * Returns the tape, or NULL with err. */
struct aws_tape *aws_tape_open(const char *path, bool readonly,
			       struct error *err);
void aws_tape_close(struct aws_tape *t);

bool aws_tape_readonly(const struct aws_tape *t);
enum aws_format aws_tape_format(const struct aws_tape *t);
const char *aws_tape_path(const struct aws_tape *t);

/* Results of moving over one block. */
enum aws_block {
	AWS_DATA = 0,       /* a record */
	AWS_MARK = 1,       /* a tape mark */
	AWS_END = 2,        /* no block: end of data (forward) or load point
			       (backward) */
};

/*
 * Read the next block forward: a record into buf (its first size bytes;
 * *len = its whole length, decompressed), or a tape mark. Returns an
 * aws_block, or -EIO (a damaged file or compressed record: err-free, the
 * path is logged) / -errno.
 */
int aws_tape_read(struct aws_tape *t, void *buf, size_t size, size_t *len);
/* Skip one block forward / backward without reading it (a compressed
 * record is not decompressed). */
int aws_tape_forward(struct aws_tape *t);
int aws_tape_backward(struct aws_tape *t);

/* Write a record (1 to AWS_MAX_BLOCK bytes; compressed on a HET tape) /
 * a tape mark here; what followed is gone. Returns 0, -EROFS, -EINVAL
 * (length), -errno. */
int aws_tape_write(struct aws_tape *t, const void *buf, size_t len);
int aws_tape_write_mark(struct aws_tape *t);

/* Erase everything from here on (Data Security Erase): the end of the
 * data is here. 0, -EROFS, -errno. */
int aws_tape_erase(struct aws_tape *t);

/* Back to the load point. */
void aws_tape_rewind(struct aws_tape *t);
/* At the load point? The block id of the position (blocks before it). */
bool aws_tape_at_load_point(const struct aws_tape *t);
uint32_t aws_tape_block_id(const struct aws_tape *t);
/* Bytes of the file before the position (what is recorded up to here). */
uint64_t aws_tape_offset(const struct aws_tape *t);
/* Move to block id (from the load point). 0, or AWS_END past the end. */
int aws_tape_locate(struct aws_tape *t, uint32_t id);

/* Make what was written durable (one fdatasync if anything was). */
int aws_tape_flush(struct aws_tape *t);

#endif
