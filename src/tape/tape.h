/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An IBM 3490 (or 3480) magnetic tape subsystem, speaking the channel
 * programs Linux's tape_34xx driver sends (docs/tape.md; facts in
 * docs/research/tape-3490.md), on an AWSTAPE volume
 * (image/aws_tape.h). Status and sense as Hercules gives them, which is
 * what tape_34xx's error recovery was checked against there.
 */
#ifndef CCWPASS_TAPE_TAPE_H
#define CCWPASS_TAPE_TAPE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct css_device;
struct aws_tape;
struct tape_state_file;

struct tape_config {
	struct aws_tape *tape;    /* the mounted volume, or NULL (no tape);
				     the device owns it from the call on */
	uint16_t type;            /* 0x3490 or 0x3480 */
	uint8_t dev_model;        /* 0: 0x10 */
	uint8_t cu_model;         /* 0: 0x10 */
	/* The tape's length in bytes of the file (0: no end). A write or
	 * tape mark that would go past it ends with unit check, physical
	 * end of tape (ERA 38); one that ends in the last TAPE_EOT_MARGIN
	 * bytes is done and ends with unit exception: the end-of-tape
	 * warning, after which Linux writes its end-of-volume tape mark. */
	uint64_t capacity;
	uint8_t mode;             /* the Mode Set byte it starts with */
	/* Where the drive saves what it holds and where the tape is, after
	 * every program that moved or changed it and every load or unload,
	 * for the next ccwpassd (tape_state.h), with the inventory's tape
	 * that state goes with. NULL: nowhere. The device owns it from the
	 * call on. */
	struct tape_state_file *state;
	const char *inv_tape;
	bool inv_readonly;
};

#define TAPE_EOT_MARGIN (128u << 10)

/* Returns: the device, or NULL with err (the tape closed). */
struct css_device *tape_device_new(const struct tape_config *cfg,
				   struct error *err);

#endif
