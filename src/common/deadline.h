/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Absolute times for pthread_cond_timedwait and friends: "now + ms" on a
 * given clock, and comparing two of them.
 */
#ifndef CCWPASS_COMMON_DEADLINE_H
#define CCWPASS_COMMON_DEADLINE_H

#include <stdbool.h>
#include <time.h>

/* t + ms (ms >= 0), normalised. */
static inline struct timespec deadline_add_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* The time ms (<= 0: none) from now on clock. */
static inline struct timespec deadline_in_ms(clockid_t clock, long ms)
{
	struct timespec now;

	clock_gettime(clock, &now);
	return ms > 0 ? deadline_add_ms(now, ms) : now;
}

/* Is a later than b? */
static inline bool deadline_after(const struct timespec *a,
				  const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

#endif
