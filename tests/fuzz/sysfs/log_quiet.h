/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Keep the fuzzer's output readable: only errors are logged. */
#ifndef CCWPASS_FUZZ_LOG_QUIET_H
#define CCWPASS_FUZZ_LOG_QUIET_H

#include "common/log.h"

static inline void log_quiet(void)
{
	log_set_level(LOG_ERR);
}

#endif
