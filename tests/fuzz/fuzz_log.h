/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The log's rate limit (common/log.h) in a fuzz target: its buckets are
 * state one input would leave to the next, and its clock would make an
 * input's messages depend on when it runs. fuzz_log_reset(), first thing
 * in every input: no buckets, and a clock that stands still. (Targets
 * whose log level lets no message through do without: no message of
 * src/ is more urgent than LOG_ERR.)
 */
#ifndef CCWPASS_FUZZ_LOG_H
#define CCWPASS_FUZZ_LOG_H

#include <stdint.h>

#include "common/log.h"

static inline uint64_t fuzz_log_clock(void)
{
	return 0;
}

static inline void fuzz_log_reset(void)
{
	log_set_clock(fuzz_log_clock);
}

#endif
