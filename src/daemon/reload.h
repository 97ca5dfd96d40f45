/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dynamic I/O reconfiguration: bring the running host to a new inventory
 * (SIGHUP, `ccwpass reload`; docs/operations.md "Add or remove a DASD").
 * Subchannels only in the new inventory are added as a device appears on
 * a real host - driverctl's saved override applied, then probed, so
 * mdevctl's autostart follows; subchannels no longer in it are removed as
 * the kernel removes one (an mdev a VMM uses gets the request interrupt);
 * unchanged ones are not touched. A subchannel whose definition changed
 * (resizing, another image, other paths...) or a channel path whose type
 * changed is refused, and so is the whole new inventory: it changes
 * nothing and says why. New volumes are opened before anything is removed.
 */
#ifndef CCWPASS_DAEMON_RELOAD_H
#define CCWPASS_DAEMON_RELOAD_H

#include <stddef.h>

#include "bus/bus.h"
#include "common/error.h"
#include "inventory/inventory.h"

struct reload_target {
	struct inventory *cur;     /* what runs; replaced on success */
	struct css *css;
	struct bus *bus;
	const char *etc_dir;       /* driverctl.d */
	/* Tape drives' states (host_options): a drive added starts from the
	 * inventory's tape, a drive removed leaves none behind. */
	const char *tape_state_dir;
};

/*
 * Apply next. Returns 0 with summary ("added 0.0.0320; removed 0.0.0314;
 * 2 unchanged"); 1 when it was applied except for new subchannels that
 * could not be added after all (err says which; they stay out of cur, so
 * a next reload tries them again); or -errno with err (nothing was
 * changed).
 */
int reload_apply(struct reload_target *t, const struct inventory *next,
		 char *summary, size_t size, struct error *err);

#endif
