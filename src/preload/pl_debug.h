/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages of the preload library. Everything goes through log_msg()
 * (common/log.h); the library installs a sink that writes one
 * "ccwpass-preload: ..." line per message to stderr. With
 * CCWPASS_PRELOAD_DEBUG=1 every intercepted call is logged (LOG_DEBUG).
 */
#ifndef CCWPASS_PRELOAD_PL_DEBUG_H
#define CCWPASS_PRELOAD_PL_DEBUG_H

#include <stdbool.h>

#include "common/log.h"

extern bool pl_debug_on;

#define PL_DEBUG(...)                                   \
	do {                                            \
		if (pl_debug_on)                        \
			log_msg(LOG_DEBUG, __VA_ARGS__); \
	} while (0)

/* Name of a VFIO ioctl request (or "0x...." in buf). */
const char *pl_ioctl_name(unsigned long req, char *buf, unsigned size);

#endif
