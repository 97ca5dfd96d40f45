/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Waiting in tests: for an event, bounded by a deadline on CLOCK_MONOTONIC
 * that only guards against a hang. Never a count of loop iterations (a
 * loaded machine runs fewer of them in the same time) and never a measure.
 */
#ifndef CCWPASS_TESTS_TEST_WAIT_H
#define CCWPASS_TESTS_TEST_WAIT_H

#include <stdbool.h>
#include <time.h>

#include "common/deadline.h"

/* The failure guard of every wait: long enough for any loaded machine. */
#define TEST_WAIT_MS 30000

/* Has the monotonic deadline d passed? */
static inline bool test_deadline_passed(const struct timespec *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return !deadline_after(d, &now);
}

/* A short pause between two looks at a condition (100 us). */
static inline void test_pause(void)
{
	nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
}

/*
 * Evaluate cond until it is true or ms milliseconds have passed; the value
 * is cond's last result. cond may have side effects (it is evaluated at
 * least once, and once more after the deadline).
 */
#define TEST_WAIT_UNTIL_MS(cond, ms)                                        \
	({                                                                  \
		struct timespec until_ =                                    \
			deadline_in_ms(CLOCK_MONOTONIC, (ms));              \
		bool ok_;                                                   \
		while (!(ok_ = (cond)) && !test_deadline_passed(&until_))   \
			test_pause();                                       \
		ok_ || (cond);                                              \
	})

#define TEST_WAIT_UNTIL(cond) TEST_WAIT_UNTIL_MS(cond, TEST_WAIT_MS)

#endif
