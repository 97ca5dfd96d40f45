/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An IBM FBA direct-access storage device - a 9336 behind a 6310 control
 * unit, or a 3370 behind a 3880 - speaking the channel programs Linux's
 * dasd_fba driver sends (docs/fba.md; facts in docs/research/fba-dasd.md):
 * Sense ID, Read Device Characteristics, Define Extent, Locate, Read,
 * Write, NOP, Sense. Its volume is a plain FBA image (image/fba_image.h).
 */
#ifndef CCWPASS_DASD_FBA_H
#define CCWPASS_DASD_FBA_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct css_device;
struct fba_image;

struct fba_model {
	const char *name;      /* "9336-20" */
	uint16_t dev_type;     /* 0x9336 */
	uint8_t dev_model;     /* Sense ID device model byte */
	uint16_t cu_type;      /* 0x6310 */
	uint8_t unit_type;     /* RDC byte 3 */
	uint32_t bpg;          /* RDC: blocks per cyclical group */
	uint32_t bpp;          /* RDC: blocks per access position */
	uint32_t blocks;       /* the model's capacity in 512-byte blocks */
};

/*
 * Looks up "9336-10", "9336-20", "9336" (= 9336-20), "3370-1", "3370-2",
 * "3370" (= 3370-1). NULL if unknown.
 */
const struct fba_model *fba_model_find(const char *name);
/*
 * The model a volume of `blocks` blocks of dev_type reports itself as
 * (as Hercules decides it): the first of the type whose capacity holds
 * it, else the largest. NULL if dev_type is not 0x9336 or 0x3370.
 */
const struct fba_model *fba_model_for(uint16_t dev_type, uint64_t blocks);

struct fba_config {
	struct fba_image *image;  /* the device owns it from the call on,
				     even when fba_device_new() fails */
	uint16_t dev_type;        /* 0x9336 or 0x3370 */
	uint8_t dev_model;        /* 0: by the volume's size */
	uint8_t cu_model;         /* 0: the default (6310: 0x80, 3880: 0x01) */
};

/* Returns: the device, or NULL with err. */
struct css_device *fba_device_new(const struct fba_config *cfg,
				  struct error *err);

#endif
