/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host: a channel subsystem built from an inventory - channel paths,
 * subchannels, and a 3390 on an opened (or newly created) image for each.
 */
#ifndef CCWPASS_DAEMON_HOST_H
#define CCWPASS_DAEMON_HOST_H

#include <stdbool.h>
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
	/* Where tape drives keep their state for the next ccwpassd (NULL:
	 * nowhere), and whether to mount what the last one left there
	 * (docs/tape.md "Restarts"). */
	const char *tape_state_dir;
	bool tape_restore;
};

/*
 * Build the channel subsystem the inventory describes. Images that are
 * missing are created when the inventory says so. Returns: the css, or NULL
 * with err naming the subchannel and the reason.
 */
struct css *host_build(const struct inventory *inv,
		       const struct host_options *opt, struct error *err);

/*
 * For a reload (docs/operations.md "Add or remove a DASD"): make the
 * devices of the entries of inv that add[] marks, without putting them in
 * css yet - images opened (or created), aliases on their new or running
 * bases, LCUs shared with devices already running. devs has
 * INV_MAX_SCHS slots, by entry. All or none: on failure none is left and
 * err names the entry's line. Returns 0 or -errno.
 */
struct css_device;
struct inv_sch;
int host_make_devices(struct css *css, const struct inventory *inv,
		      const bool *add, struct css_device **devs,
		      const struct host_options *opt, struct error *err);
/* Destroy the devices host_make_devices made of inv and nobody took
 * (aliases first). */
void host_drop_devices(const struct inventory *inv, struct css_device **devs);
/* Put entry s's subchannel with dev in css (dev is css's from now on,
 * also when this fails). 0 or -errno with err. */
int host_add_sch(struct css *css, const struct inv_sch *s,
		 struct css_device *dev, struct error *err);

#endif
