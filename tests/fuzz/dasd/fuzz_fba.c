/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the FBA command processor (src/dasd/fba_dev.c):
 * the input is a set-up byte followed by channel programs (encoding and
 * invariants: fuzz_cp.h), executed through the channel subsystem
 * (CSS_F_SYNC, flat memory; tests/unit/dasd/harness_css.c) against a new
 * FBA device on a new memory volume for each input. The set-up byte: bit
 * 0 the type (9336 or 3370), bit 1 a read-only volume, bits 2-7 the
 * volume's size (8 to 512 blocks). A unit check must come with sense that
 * names the condition (byte 0 not zero).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "dasd/fba.h"
#include "image/fba_image.h"

#define FUZZ_NAME "fuzz_fba"
#include "fuzz_cp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void check_sense(const uint8_t sense[32], int prog)
{
	if (!sense[0])
		violated("unit check without a condition in sense byte 0", prog);
}

static struct harness *harness;

static struct css_device *new_device(uint8_t setup)
{
	struct fba_config cfg = { .dev_type = (setup & 1) ? 0x3370 : 0x9336 };
	struct error err;

	cfg.image = fba_image_new_mem(8 + (uint64_t)(setup >> 2) * 8,
				      setup & 2, &err);
	if (!cfg.image)
		abort();
	return fba_device_new(&cfg, &err);
}

/* One harness for the run (its 4 MB of channel storage made once); a
 * channel subsystem, device and volume of their own for each input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_EMERG);
	harness = h_new_dev(new_device(0));
	if (!harness)
		abort();
	h_detach(harness);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (h_attach_dev(harness, new_device(data[0])))
		abort();
	run_programs(harness, data + 1, size - 1, check_sense);
	h_detach(harness);
	return 0;
}
