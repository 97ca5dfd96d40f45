/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A read-only view of a prefetched channel program for tracing: the
 * guest's CCWs as the translator fetched them (PoP SA22-7832 ch. 15
 * "Channel-Command Word"; format-0 CCWs already converted to format 1),
 * chain segment by chain segment. Nothing here changes cp.h semantics.
 */
#ifndef CCWPASS_VFIO_CCW_CP_DUMP_H
#define CCWPASS_VFIO_CCW_CP_DUMP_H

#include <stdint.h>

#include "css/css_arch.h"
#include "vfio_ccw/cp.h"

/* Called once per guest CCW: its guest address and its decoded form. */
typedef void cp_dump_ccw_fn(void *opaque, uint32_t addr,
			    const struct css_ccw *ccw);

/*
 * Report every fetched guest CCW, segments in the order they were found
 * (the ORB's first, then TIC targets), CCWs in address order. An unusable
 * channel-program address (a "poison" segment) reports nothing.
 * Returns: the number of CCWs reported, or -EINVAL when cp holds no
 * prefetched program.
 */
int cp_dump_ccws(const struct cp_program *cp, cp_dump_ccw_fn *fn,
		 void *opaque);

#endif
