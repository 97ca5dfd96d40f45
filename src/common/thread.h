/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scheduling of ccwpassd's helper threads.
 */
#ifndef CCWPASS_COMMON_THREAD_H
#define CCWPASS_COMMON_THREAD_H

/*
 * Make the calling thread a background one (SCHED_BATCH, same nice): it
 * still gets its fair share of a CPU, but being woken never preempts the
 * thread running there - typically the one that woke it, which is on a
 * guest's critical path (a program's worker waking read-ahead, a commit
 * waking the flusher). A thread that waits for one sleeps, so its CPU
 * is idle and takes the background thread at once. Best effort: a
 * refusal only costs speed.
 */
void thread_set_background(void);

#endif
