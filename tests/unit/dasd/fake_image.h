/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test double of image/ckd_image.h (memory volumes only) with fault
 * injection, for the 3390 tests that run without the image library.
 */
#ifndef CCWPASS_TESTS_DASD_FAKE_IMAGE_H
#define CCWPASS_TESTS_DASD_FAKE_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "image/ckd_image.h"

void fake_image_set_readonly(struct ckd_image *img, bool ro);
/* Make the next calls fail with err (0: stop failing). */
void fake_image_fail_sync(struct ckd_image *img, int err);
void fake_image_fail_write(struct ckd_image *img, int err);
void fake_image_fail_read(struct ckd_image *img, int err);
unsigned int fake_image_syncs(struct ckd_image *img);
/* Commits so far (ckd_image_commit); the syncs and commits of the last
   image closed (for what happens at a device's destruction). */
unsigned int fake_image_commits(struct ckd_image *img);
void fake_image_closed_counts(unsigned int *syncs, unsigned int *commits);
unsigned int fake_image_writes(struct ckd_image *img);
/* What ckd_image_writeback_due() says until the next
   ckd_image_start_writeback(), and how many of those were called. */
void fake_image_set_writeback_due(struct ckd_image *img, bool due);
unsigned int fake_image_writeback_starts(struct ckd_image *img);
/* Writes of track trk (ckd_image_write_track calls that succeeded). */
unsigned int fake_image_track_writes(struct ckd_image *img, uint32_t trk);

#endif
