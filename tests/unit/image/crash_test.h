/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Crash images for the CCKD tests (test_ckd_crash.c, test_ckd_journal.c):
 * every pwrite, fdatasync and ftruncate of the image layer is recorded
 * through the ckd_io seam, pwrites split into 512-byte sector pieces. A
 * crash image is the file before the recording plus every operation up
 * to some point plus ANY subset of the sector pieces written after the
 * last barrier before it (the disk may persist them in any order, and
 * tear multi-sector writes). A barrier is recorded when its fdatasync
 * returns, so writes of other threads during it are not covered by it.
 */
#ifndef CCWPASS_TESTS_CRASH_TEST_H
#define CCWPASS_TESTS_CRASH_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR_SECTOR 512

enum cr_kind {
	CR_WRITE,                 /* one sector piece */
	CR_BARRIER,               /* fdatasync */
	CR_TRUNC,                 /* ftruncate to off */
	CR_MARK,                  /* the test's own mark (a sync completed) */
};

struct cr_op {
	enum cr_kind kind;
	uint64_t off;             /* write offset or new size */
	size_t len;
	uint8_t *data;
};

struct cr_log {
	struct cr_op *v;
	size_t n, cap;
};

/* Record the image layer's file operations into log until cr_stop(). */
void cr_record(struct cr_log *log);
void cr_stop(void);
/* While recording, fn runs in each fdatasync before it syncs (a test can
   hold a flush there); NULL: none. cr_stop() resets it. */
void cr_on_barrier(void (*fn)(void));
/* The image layer's fdatasync does nothing until cr_stop() (checking
   crash images needs no durability, and goes faster). */
void cr_no_barriers(void);
void cr_mark(struct cr_log *log);
void cr_free(struct cr_log *log);
/* Operations of a kind in [from, to). */
size_t cr_count(const struct cr_log *log, enum cr_kind kind, size_t from,
		size_t to);

/* A file image in memory. */
struct cr_file {
	uint8_t *v;
	size_t len, cap;
};

void cr_set(struct cr_file *f, const uint8_t *v, size_t len);
void cr_apply(struct cr_file *f, const struct cr_op *o);
/*
 * f = base[0..base_len), then every operation of [0, upto), then the
 * pieces i of [upto, end) with keep[i - upto] set.
 */
void cr_build(struct cr_file *f, const uint8_t *base, size_t base_len,
	      const struct cr_log *log, size_t upto, size_t end,
	      const bool *keep);
void cr_file_free(struct cr_file *f);

/*
 * For each run of sector pieces between barriers (and marks), call fn
 * with the crash images it allows that these tests check: none of the
 * pieces, all, each prefix, each single piece, all but each single
 * piece; marks is the number of marks before the run. Then once for the
 * whole log (upto = end = log->n). Returns how many calls.
 */
typedef void cr_check_fn(size_t upto, size_t end, const bool *keep,
			 unsigned int marks, void *opaque);
unsigned long cr_each_crash(const struct cr_log *log, cr_check_fn *fn,
			    void *opaque);

#endif
