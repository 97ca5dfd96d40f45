/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the dasd tests check of a program's end (cmocka: include after
 * <cmocka.h>), and the pseudo-random data they write.
 */
#ifndef CCWPASS_TESTS_DASD_CP_CHECK_H
#define CCWPASS_TESTS_DASD_CP_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "css/css_arch.h"
#include "harness.h"

#define OK_STAT (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

/* Channel end + device end, no channel status, ended after CCW last. */
static inline void want_ok(const struct tresult *r, int last)
{
	assert_int_equal(r->dstat, OK_STAT);
	assert_int_equal(r->cstat, 0);
	assert_int_equal(r->last, last);
}

/* Unit check after CCW last with sense bytes 0, 1 and 7, 24-byte format. */
static inline void want_check(const struct tresult *r, int last, uint8_t b0,
			      uint8_t b1, uint8_t b7)
{
	assert_int_equal(r->dstat, OK_STAT | DEV_STAT_UNIT_CHECK);
	assert_int_equal(r->last, last);
	assert_true(r->sense_valid);
	assert_int_equal(r->sense[0], b0);
	assert_int_equal(r->sense[1], b1);
	assert_int_equal(r->sense[7], b7);
	assert_int_equal(r->sense[27] & 0x80, 0x80);
}

/* Run a program on device dev (LPM 80): one end at the device, one final
   status. */
static inline struct tresult run_on(struct harness *h, int dev,
				    const struct tccw *p, int n)
{
	struct tresult r;

	assert_int_equal(h_run_on(h, dev, p, n, 0x80, &r), 0);
	assert_int_equal(r.ends, 1);
	assert_int_equal(r.statuses, 1);
	assert_true(r.final_status);
	return r;
}

/* len pseudo-random bytes from seed (an LCG: the same seed, the same). */
static inline void fill(uint8_t *buf, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
}

#endif
