/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Free space of a CCKD file (docs/image-format.md "How ccwpass writes"):
 * first-fit allocation from a sorted list of free extents below a logical
 * end of file, plus a list of extents freed but still referenced by what
 * a crash could leave (the on-disk L1/L2 tables, the journal records a
 * replay may apply), each tagged with a generation: the number of the
 * sync that replaced it. A commit makes the generations up to a bound
 * usable.
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

struct ckd_deferred {
	uint64_t pos;
	uint64_t len;
	uint64_t gen;                   /* the sync that replaced it */
};

struct ckd_deferred_list {
	struct ckd_deferred *v;
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
	struct ckd_deferred_list pending; /* freed, not reusable before the
					     commit of its generation */
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
/*
 * [pos, pos+len) is still referenced by what a crash could leave; sync gen
 * replaces it: free after a commit of gen. Returns 0 or -ENOMEM.
 */
int ckd_space_defer(struct ckd_space *s, uint64_t pos, uint64_t len,
		    uint64_t gen);
/*
 * Nothing a crash could leave references the extents deferred with a
 * generation <= gen any more: they become free. Returns 0, or the first
 * error of ckd_space_release() (the rest stays deferred).
 */
int ckd_space_commit(struct ckd_space *s, uint64_t gen);

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

/*
 * Allocate exactly len bytes starting at a multiple of align (a power of
 * two), first fit, else at the end of file (the bytes skipped to reach
 * the alignment stay free); like any allocation that is not exact, the
 * file may not grow into the top `reserve` bytes.
 * Returns: 0 with *pos; -ENOSPC; -ENOMEM.
 */
int ckd_space_alloc_aligned(struct ckd_space *s, uint32_t len, uint32_t align,
			    uint64_t *pos);

/* Sum and largest of the free extents (pending ones excluded). */
uint64_t ckd_space_free_total(const struct ckd_space *s, uint64_t *largest);

#endif
