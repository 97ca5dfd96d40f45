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

#include "common/log.h"
#include "image/ckd_image.h"

#define FUZZ_NAME "fuzz_eckd"
#include "fuzz_cp.h"

#define MAX_ALIASES  3      /* set-up byte bits 2-3 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_search(uint8_t cmd)
{
	uint8_t base = cmd & 0x7f;

	return base == 0x31 || base == 0x51 || base == 0x71;
}

static void check_sense(const uint8_t sense[32], int prog)
{
	if (!(sense[0] | sense[1]))
		violated("unit check with empty sense", prog);
	if (!(sense[27] & 0x80))
		violated("sense not in the 24-byte compatible format", prog);
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
	h_no_readahead = true;      /* one thread's work: the same run twice */
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
		int n = parse_program(&data, &size, prog, &sel, is_search);
		int dev = (int)(sel % (unsigned int)ndevs);

		if (!n)
			break;
		h_set_csense(harness, i != 3);
		if (h_run_on(harness, dev, prog, n, (i & 1) ? 0x40 : 0x80, &res))
			violated("the program could not be started", i);
		check_result(harness, dev, prog, n, &res, i != 3, i,
			     check_sense);
		free_program(prog, n);
	}
	h_detach(harness);
	return 0;
}
