/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cp_dump.h: walk the guest CCWs a prefetched program holds (the segments
 * of cp_chain.c, PoP ch. 15 "Channel-Command Word", "Transfer in Channel").
 */
#include "vfio_ccw/cp_dump.h"

#include <errno.h>

#include "vfio_ccw/cp_internal.h"

int cp_dump_ccws(const struct cp_program *cp, cp_dump_ccw_fn *fn,
		 void *opaque)
{
	const struct cp_build *b = cp->b;
	int n = 0;

	if (!cp->initialized || !b)
		return -EINVAL;
	for (unsigned int i = 0; i < b->nseg; i++) {
		const struct cp_seg *s = &b->seg[i];

		if (s->poison || !s->ccw)
			continue;
		for (uint32_t j = 0; j < s->len; j++) {
			fn(opaque, s->guest + j * CSS_CCW_SIZE, &s->ccw[j]);
			n++;
		}
	}
	return n;
}
