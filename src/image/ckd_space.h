/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Free space of a CCKD file (docs/image-format.md "How ccwpass writes"):
 * first-fit allocation from a sorted list of free extents below a logical
 * end of file, plus a list of extents freed but still referenced by the
 * durable L1/L2 tables, which become usable only after the next commit.
 */
#ifndef CCWPASS_IMAGE_CKD_SPACE_H
#define CCWPASS_IMAGE_CKD_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hercules' CCKD_FREE_MIN_SIZE: smaller leftovers stay with the allocation. */
#define CKD_SPACE_MIN_FREE  96

struct ckd_extent {
	uint64_t pos;
	uint64_t len;
};

struct ckd_extent_list {
	struct ckd_extent *v;
	size_t n;
	size_t cap;
};

struct ckd_space {
	uint64_t base;                  /* nothing is allocated below this */
	uint64_t eof;                   /* everything from here on is free */
	uint64_t limit;                 /* the file may not grow past this */
	uint64_t reserve;               /* bytes below limit only exact
					   allocations (L2 tables) may use */
	struct ckd_extent_list free;    /* sorted, merged, all below eof */
	struct ckd_extent_list pending; /* freed, not reusable before commit */
};

/* limit: the largest file size the format's offsets address. */
void ckd_space_init(struct ckd_space *s, uint64_t base, uint64_t eof,
		    uint64_t limit);
void ckd_space_fini(struct ckd_space *s);

/*
 * [pos, pos+len) is unreferenced now: free at once. Returns 0, -ENOMEM, or
 * -EINVAL (nothing changed) if the range is not allocated space below eof.
 */
int ckd_space_release(struct ckd_space *s, uint64_t pos, uint64_t len);
/* [pos, pos+len) is still referenced by durable tables: free after commit. */
int ckd_space_defer(struct ckd_space *s, uint64_t pos, uint64_t len);
/* The durable tables no longer reference the deferred extents. */
int ckd_space_commit(struct ckd_space *s);

/*
 * Allocate len bytes, first fit, else at the end of file. With exact the
 * extent is exactly len bytes (L2 tables); otherwise it may be up to
 * CKD_SPACE_MIN_FREE - 1 bytes longer so no unusable sliver is left, and
 * the file may not grow into the top `reserve` bytes below the limit (so
 * that the tables a sync writes find room when track images no longer
 * do).
 * Returns: 0 with *pos and *size; -ENOSPC if the file would grow past
 * the limit; -ENOMEM.
 */
int ckd_space_alloc(struct ckd_space *s, uint32_t len, bool exact,
		    uint64_t *pos, uint32_t *size);

/* Sum and largest of the free extents (pending ones excluded). */
uint64_t ckd_space_free_total(const struct ckd_space *s, uint64_t *largest);

#endif
