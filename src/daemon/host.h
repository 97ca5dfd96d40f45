/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host: a channel subsystem built from an inventory - channel paths,
 * subchannels, and a 3390 on an opened (or newly created) image for each.
 */
#ifndef CCWPASS_DAEMON_HOST_H
#define CCWPASS_DAEMON_HOST_H

#include <stdint.h>

#include "common/error.h"

struct css;
struct inventory;

struct host_options {
	unsigned int css_flags;     /* CSS_F_SYNC for tests */
	/* Called while a missing volume is being created (tracks done/total). */
	void (*progress)(const char *image, uint64_t done, uint64_t total,
			 void *opaque);
	void *opaque;
};

/*
 * Build the channel subsystem the inventory describes. Images that are
 * missing are created when the inventory says so. Returns: the css, or NULL
 * with err naming the subchannel and the reason.
 */
struct css *host_build(const struct inventory *inv,
		       const struct host_options *opt, struct error *err);

#endif
