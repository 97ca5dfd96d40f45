/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small test-double device for running translated programs through the
 * host channel subsystem (css_device.h): Sense ID, RCD, Sense, the ECKD
 * control commands (Seek, Search ID Equal with a scripted hit, Define
 * Extent, Locate Record), Read/Write Data with a known data pattern, and a
 * scripted unit check. Unknown commands move data by their direction.
 * Plus a fixture: a CSS_F_SYNC css with one enabled subchannel.
 */
#ifndef CCWPASS_TESTS_CP_DEV_H
#define CCWPASS_TESTS_CP_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "css/css.h"
#include "css/css_device.h"
#include "vfio_ccw/cp.h"

#define CPDEV_LOG 64

struct cpdev {
	struct css_device dev;
	unsigned int ncmds;
	uint8_t cmd[CPDEV_LOG];        /* command codes, in order */
	uint32_t moved[CPDEV_LOG];     /* bytes the channel took / gave */
	unsigned int search_hit;       /* Search ID Equal hits from this one */
	unsigned int searches;
	int check_at;                  /* unit check at command n, -1 never */
	uint32_t read_len;             /* bytes a read offers (0: its count) */
	uint8_t wdata[8192];           /* the last write's first bytes */
	size_t wlen;
	bool destroyed;
};

/* Byte i of the data the device's n-th command reads. */
static inline uint8_t cpdev_pattern(unsigned int n, size_t i)
{
	return (uint8_t)(n * 37 + i * 7 + 1);
}

struct cpfix {
	struct css *css;
	struct css_subchannel *sch;
	struct cpdev dev;
};

void cpfix_init(struct cpfix *f);
void cpfix_fini(struct cpfix *f);
/*
 * Run a prefetched cp on the subchannel (ssch + tsch, cc 0 both), map the
 * SCSW back (cp_update_scsw) and return the IRB.
 */
void cpfix_run(struct cpfix *f, struct cp_program *cp, struct css_irb *irb);

#endif
