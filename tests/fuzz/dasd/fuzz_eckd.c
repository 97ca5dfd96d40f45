/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the 3390/3990 command processor: the input is a
 * set-up byte followed by channel programs of (command, flags, count,
 * data) CCWs, executed through the channel subsystem (CSS_F_SYNC, flat
 * memory; tests/unit/dasd/harness_css.c) against a 2-cylinder memory
 * volume, and with HyperPAV aliases of it on subchannels of their own
 * (Prefix, the LCU's unit address configuration), all of them new for
 * each input. The set-up byte: bits
 * 0-1 the volume's null track format (mod 3), bits 2-3 the number of
 * aliases (0-3). Bits 0-1 of a program's first flag byte (PCI, suspend
 * and MIDA, which are not used otherwise) choose the device that runs it
 * (0 the base, mod the number of devices). Looks for crashes, hangs,
 * leaks and undefined behaviour, and aborts when a program breaks one of
 * these invariants:
 *   - each started program ends once at the device (end_program) and
 *     gets exactly one final (primary) status;
 *   - the residual count is never above the count of the CCW it is for;
 *   - a unit check always comes with sense that is not empty (byte 0 or 1
 *     names the condition) and is in the 24-byte compatible format (byte
 *     27 bit 0x80): in the IRB with concurrent sense, else from the Sense
 *     command that follows.
 *
 * CCW encoding: cmd, flags (CD/CC/SLI/SKIP/IDA only), count (big-endian
 * 16 bits, at most 9000), then up to count data bytes. A TIC (cmd 08) may
 * only go forward, or back to a Search ID directly before it: the loops
 * the IPL programs use, which end when the record is found or not found.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "css/css_arch.h"
#include "harness.h"
#include "image/ckd_image.h"

#define MAX_CCWS     24
#define MAX_PROGRAMS 8
#define MAX_COUNT    9000
#define FLAG_MASK    0xf4   /* CD, CC, SLI, SKIP, IDA */
#define MAX_ALIASES  3      /* set-up byte bits 2-3 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_search(uint8_t cmd)
{
	uint8_t base = cmd & 0x7f;

	return base == 0x31 || base == 0x51 || base == 0x71;
}

/* Parse one program; returns the CCWs used, 0 at the end of the input.
 * *dev: the device selector of its first CCW. */
static int parse_program(const uint8_t **data, size_t *size, struct tccw *p,
			 unsigned int *dev)
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
			/* forward, or back onto the Search just before it */
			if (n > 0 && is_search(p[n - 1].cmd) && (c->count & 1))
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

static void violated(const char *what, int prog)
{
	fprintf(stderr, "fuzz_eckd: program %d: invariant violated: %s\n",
		prog, what);
	abort();
}

static void check_sense(const uint8_t sense[32], int prog)
{
	if (!(sense[0] | sense[1]))
		violated("unit check with empty sense", prog);
	if (!(sense[27] & 0x80))
		violated("sense not in the 24-byte compatible format", prog);
}

/* The invariants of one program's result (see the header). */
static void check_result(struct harness *h, int dev, const struct tccw *prog,
			 int n, const struct tresult *res, bool csense, int i)
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
		check_sense(res->sense, i);
	} else {
		uint8_t sense[32] = { 0 };
		struct tccw s = { .cmd = 0x04, .flags = H_SLI, .count = 32,
				  .data = sense };
		struct tresult sr;

		if (h_run_on(h, dev, &s, 1, 0x80, &sr) ||
		    sr.dstat != (DEV_STAT_CHN_END | DEV_STAT_DEV_END))
			violated("Sense after a unit check failed", i);
		check_sense(sense, i);
	}
}

/*
 * One harness for the whole run (the 4 MB of channel storage of each of
 * its subchannels made a harness per input slow). Every input attaches a
 * fresh channel subsystem, 3390, memory volume and aliases, and detaches
 * them before it returns: the devices' last flush and teardown count for
 * the input that caused them, and the storage is cleared for the next one.
 */
static const struct ckd_geometry geo = {
	.devtype = 0x3390, .cyls = 2, .heads = 15, .trksize = 56832,
};
static struct harness *harness;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_EMERG);
	harness = h_new(ckd_image_new_mem(&geo, CKD_NULL_R0, NULL), 0x0001,
			0x01);
	if (!harness)
		abort();
	/* The storage of all subchannels, made once. */
	for (int a = 1; a <= MAX_ALIASES; a++)
		if (h_add_alias(harness, (uint8_t)(0x01 + a)) != a)
			abort();
	h_detach(harness);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ckd_null_format nullfmt;
	struct tccw prog[MAX_CCWS];
	struct tresult res;
	int ndevs;

	if (size < 1)
		return 0;
	nullfmt = (enum ckd_null_format)((data[0] & 3) % 3);
	if (h_attach(harness, ckd_image_new_mem(&geo, nullfmt, NULL)))
		abort();
	ndevs = 1 + ((data[0] >> 2) & MAX_ALIASES);
	for (int a = 1; a < ndevs; a++)
		if (h_add_alias(harness, (uint8_t)(0x01 + a)) != a)
			violated("an alias could not be added", -1);
	data++;
	size--;
	for (int i = 0; i < MAX_PROGRAMS; i++) {
		unsigned int sel = 0;
		int n = parse_program(&data, &size, prog, &sel);
		int dev = (int)(sel % (unsigned int)ndevs);

		if (!n)
			break;
		h_set_csense(harness, i != 3);
		if (h_run_on(harness, dev, prog, n, (i & 1) ? 0x40 : 0x80, &res))
			violated("the program could not be started", i);
		check_result(harness, dev, prog, n, &res, i != 3, i);
		for (int j = 0; j < n; j++)
			if (prog[j].cmd != H_TIC)
				free(prog[j].data);
	}
	h_detach(harness);
	return 0;
}
