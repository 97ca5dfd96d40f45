/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Absolute times for pthread_cond_timedwait and friends: "now + ms" on a
 * given clock, and comparing two of them.
 *
 * Every timeout of ccwpass counts on CLOCK_MONOTONIC, which a step of the
 * wall clock (settimeofday, an NTP step) neither shortens nor stretches:
 * a condition variable that is waited on with a deadline is made with
 * deadline_cond_init(), and the deadline comes from deadline_ms().
 */
#ifndef CCWPASS_COMMON_DEADLINE_H
#define CCWPASS_COMMON_DEADLINE_H

#include <pthread.h>
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

/* now + ms (<= 0: now) on CLOCK_MONOTONIC, for deadline_cond_init() waits. */
static inline struct timespec deadline_ms(long ms)
{
	return deadline_in_ms(CLOCK_MONOTONIC, ms);
}

/* A condition variable whose timed waits take CLOCK_MONOTONIC deadlines. */
static inline void deadline_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &a);
	pthread_condattr_destroy(&a);
}

/* Is a later than b? */
static inline bool deadline_after(const struct timespec *a,
				  const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

#endif
