/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scheduling of ccwpassd's helper threads (common/thread.h).
 */
#include <sched.h>

#include "common/thread.h"

void thread_set_background(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	(void)sched_setscheduler(0, SCHED_BATCH, &sp);
}
