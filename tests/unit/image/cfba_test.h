/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the CFBA tests (test_cfba_image.c, test_cfba_hercules.c):
 * a volume and a model of its blocks in memory, kept in step.
 */
#ifndef CCWPASS_TESTS_CFBA_TEST_H
#define CCWPASS_TESTS_CFBA_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "image/fba_image.h"

struct cfba_model {
	uint64_t blocks;
	uint8_t *v;                   /* blocks x 512 */
};

void cfba_model_init(struct cfba_model *m, uint64_t blocks);
void cfba_model_free(struct cfba_model *m);

/* A new CFBA volume of blocks blocks at path (asserting success). */
void cfba_create(const char *path, uint64_t blocks);
/* Open (asserting success). */
struct fba_image *cfba_open(const char *path, bool readonly);

/*
 * Fill buf (count blocks) with data of a kind: 0 random bytes (does not
 * compress), 1 text (compresses), 2 zeros; seed varies it.
 */
void cfba_fill(uint8_t *buf, uint32_t count, int kind, uint32_t seed);

/* Write count blocks of a kind at blk into img and the model. */
void cfba_write(struct fba_image *img, struct cfba_model *m, uint64_t blk,
		uint32_t count, int kind, uint32_t seed);

/* A mix of writes: random, text and zeros, whole and partial groups,
   across group boundaries and at the end of the volume. */
void cfba_scribble(struct fba_image *img, struct cfba_model *m,
		   uint32_t seed);

/* Every block of img reads as the model says (fails naming the block). */
void cfba_check(struct fba_image *img, const struct cfba_model *m);

/* A plain file's bytes equal the model's (fails naming the block). */
void cfba_check_plain(const char *path, const struct cfba_model *m);

#endif
