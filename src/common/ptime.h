/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a channel program's time goes: the css worker points this
 * thread's sink at the program it runs, and the layers below it - the
 * image file I/O, the data moved to and from guest memory - charge their
 * time there without knowing of channel programs (docs/performance.md).
 */
#ifndef CCWPASS_COMMON_PTIME_H
#define CCWPASS_COMMON_PTIME_H

#include <stdint.h>
#include <time.h>

enum ptime_part {
	PTIME_IMAGE,            /* image file reads, writes and syncs */
	PTIME_COPY,             /* data moved to / from guest memory */
	PTIME_PARTS
};

struct ptime_sink {
	uint64_t ns[PTIME_PARTS];
	uint64_t bytes_in;      /* from guest memory (the guest writes) */
	uint64_t bytes_out;     /* to guest memory (the guest reads) */
};

/* This thread's sink, or NULL (nothing is counted). */
extern __thread struct ptime_sink *ptime_sink;

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t ptime_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Charge part p with the time since start (a ptime_now() value). */
static inline void ptime_charge(enum ptime_part p, uint64_t start)
{
	if (ptime_sink)
		ptime_sink->ns[p] += ptime_now() - start;
}

/* Start of a timed section: 0 (free) when nothing counts. */
static inline uint64_t ptime_start(void)
{
	return ptime_sink ? ptime_now() : 0;
}

#endif
