/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the 3490/3480 command processor (src/tape/):
 * the input is a set-up byte followed by channel programs (encoding and
 * invariants: tests/fuzz/dasd/fuzz_cp.h), executed through the channel
 * subsystem (CSS_F_SYNC; tests/unit/dasd/harness_css.c) against a new
 * drive for each input, on a new AWSTAPE file (on a tmpfs when there is
 * one). The set-up byte: bit 0 the type (3490 or 3480), bit 1 a
 * write-protected tape, bit 2 no tape at all, bits 3-4 what is on the
 * tape (nothing; two tape marks; two records and a tape mark; a record of
 * three chunks). A unit check must come with sense whose ERA code (byte
 * 3) names the condition.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz_log.h"
#include "../fuzz_tmpfs.h"
#include "common/log.h"
#include "image/aws_tape.h"
#include "tape/tape.h"

#define FUZZ_NAME "fuzz_tape"
#include "../dasd/fuzz_cp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct harness *harness;
static char path[256];

static void check_sense(const uint8_t sense[32], int prog)
{
	if (!sense[3])
		violated("unit check without an ERA code in sense byte 3", prog);
}


/* The tape's first contents, as a file of chunks. */
static void write_tape(unsigned int kind)
{
	static const uint8_t marks[] = { 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0x40, 0 };
	static const uint8_t records[] = {
		3, 0, 0, 0, 0xa0, 0, 'a', 'b', 'c',
		1, 0, 3, 0, 0xa0, 0, 'd',
		0, 0, 1, 0, 0x40, 0,
	};
	static const uint8_t chunks[] = {
		2, 0, 0, 0, 0x80, 0, 'a', 'b',
		1, 0, 2, 0, 0x00, 0, 'c',
		1, 0, 1, 0, 0x20, 0, 'd',
	};
	const uint8_t *b = kind == 1 ? marks : kind == 2 ? records : chunks;
	size_t n = kind == 1 ? sizeof(marks) : kind == 2 ? sizeof(records) :
		   sizeof(chunks);
	FILE *f = fopen(path, "wb");

	if (!f || (kind && fwrite(b, 1, n, f) != n))
		abort();
	fclose(f);
}

static struct css_device *new_drive(uint8_t setup)
{
	struct tape_config cfg = { .type = (setup & 1) ? 0x3480 : 0x3490 };
	struct error err;

	if (!(setup & 4)) {
		write_tape((setup >> 3) & 3);
		cfg.tape = aws_tape_open(path, setup & 2, &err);
		if (!cfg.tape)
			abort();
	}
	return tape_device_new(&cfg, &err);
}

/* One harness for the run; a channel subsystem and drive per input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_EMERG);
	snprintf(path, sizeof(path), "%s/ccwpass-fuzz-%d.aws", fuzz_file_dir(),
		 (int)getpid());
	harness = h_new_dev(new_drive(4));
	if (!harness)
		abort();
	h_detach(harness);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_log_reset();
	if (size < 1)
		return 0;
	if (h_attach_dev(harness, new_drive(data[0])))
		abort();
	run_programs(harness, data + 1, size - 1, check_sense);
	h_detach(harness);
	unlink(path);
	return 0;
}
