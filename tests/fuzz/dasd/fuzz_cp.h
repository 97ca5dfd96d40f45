/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the DASD fuzz targets (fuzz_eckd, fuzz_fba) share: the encoding of
 * channel programs in an input and the invariants every program's result
 * must keep. Included once per target, after FUZZ_NAME is defined.
 *
 * CCW encoding: cmd, flags (CD/CC/SLI/SKIP/IDA only), count (big-endian
 * 16 bits, at most MAX_COUNT), then up to count data bytes. A TIC (cmd 08)
 * may only go forward, or back onto a command the target's loop_ok()
 * accepts directly before it (ECKD: a Search ID, as IPL programs loop).
 * Bits 0-1 of a program's first flag byte (PCI, suspend and MIDA, not
 * used otherwise) choose the device that runs it.
 *
 * Invariants: each started program ends once at the device
 * (end_program) and gets exactly one final (primary) status; the
 * residual count is never above the count of the CCW it is for; a unit
 * check always comes with sense the target's sense_ok() accepts, in the
 * IRB with concurrent sense, else from the Sense command that follows.
 */
#ifndef CCWPASS_TESTS_FUZZ_DASD_FUZZ_CP_H
#define CCWPASS_TESTS_FUZZ_DASD_FUZZ_CP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "css/css_arch.h"
#include "harness.h"

#define MAX_CCWS     24
#define MAX_PROGRAMS 8
#define MAX_COUNT    9000
#define FLAG_MASK    0xf4   /* CD, CC, SLI, SKIP, IDA */

static void violated(const char *what, int prog)
{
	fprintf(stderr, FUZZ_NAME ": program %d: invariant violated: %s\n",
		prog, what);
	abort();
}

/* Parse one program; returns the CCWs used, 0 at the end of the input.
 * *dev: the device selector of its first CCW. */
static int parse_program(const uint8_t **data, size_t *size, struct tccw *p,
			 unsigned int *dev, bool (*loop_ok)(uint8_t cmd))
{
	int n = 0;

	if (*size >= 4)
		*dev = (*data)[1] & 0x03;
	while (n < MAX_CCWS && *size >= 4) {
		struct tccw *c = &p[n];
		size_t take;

		c->cmd = (*data)[0];
		c->flags = (*data)[1] & FLAG_MASK;
		c->count = ld_be16(*data + 2) % (MAX_COUNT + 1);
		*data += 4;
		*size -= 4;
		c->data = NULL;
		if (c->cmd == H_TIC) {
			/* forward, or back onto a loop command just before */
			if (n > 0 && loop_ok && loop_ok(p[n - 1].cmd) &&
			    (c->count & 1))
				c->count = (uint16_t)(n - 1);
			else
				c->count = (uint16_t)(n + 1 + c->count % 3);
			c->flags = 0;
		} else if (c->count) {
			c->data = calloc(1, c->count);
			if (!c->data)
				abort();
			take = *size < c->count ? *size : c->count;
			memcpy(c->data, *data, take);
			*data += take;
			*size -= take;
		}
		n++;
		if (c->cmd != H_TIC && !(c->flags & (H_CC | 0x80)))
			break;
	}
	return n;
}

static void free_program(struct tccw *prog, int n)
{
	for (int j = 0; j < n; j++)
		if (prog[j].cmd != H_TIC)
			free(prog[j].data);
}

/* The invariants of one program's result (see the header). */
static void check_result(struct harness *h, int dev, const struct tccw *prog,
			 int n, const struct tresult *res, bool csense, int i,
			 void (*sense_ok)(const uint8_t sense[32], int prog))
{
	if (res->ends != 1)
		violated("device saw the program end not exactly once", i);
	if (res->statuses != 1 || !res->final_status)
		violated("not exactly one final status", i);
	if (res->last >= 0 && res->last < n && prog[res->last].cmd != H_TIC &&
	    res->residual > prog[res->last].count)
		violated("residual count above the CCW count", i);
	if (!(res->dstat & DEV_STAT_UNIT_CHECK))
		return;
	if (csense) {
		if (!res->sense_valid)
			violated("unit check without concurrent sense", i);
		sense_ok(res->sense, i);
	} else {
		uint8_t sense[32] = { 0 };
		struct tccw s = { .cmd = 0x04, .flags = H_SLI, .count = 32,
				  .data = sense };
		struct tresult sr;

		if (h_run_on(h, dev, &s, 1, 0x80, &sr) ||
		    sr.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END))
			violated("Sense after a unit check failed", i);
		sense_ok(sense, i);
	}
}

/*
 * The programs of an input (after its set-up byte) on the harness's base
 * device, one at a time, each checked: concurrent sense on all but the
 * fourth (whose unit check is then sensed with a Sense command), paths
 * 0x80 and 0x40 in turn.
 */
static __attribute__((unused)) void
run_programs(struct harness *h, const uint8_t *data, size_t size,
			 void (*sense_ok)(const uint8_t sense[32], int prog))
{
	struct tccw prog[MAX_CCWS];
	struct tresult res;

	for (int i = 0; i < MAX_PROGRAMS; i++) {
		unsigned int sel = 0;
		int n = parse_program(&data, &size, prog, &sel, NULL);

		if (!n)
			break;
		h_set_csense(h, i != 3);
		if (h_run(h, prog, n, (i & 1) ? 0x40 : 0x80, &res))
			violated("the program could not be started", i);
		check_result(h, 0, prog, n, &res, i != 3, i, sense_ok);
		free_program(prog, n);
	}
}

#endif
