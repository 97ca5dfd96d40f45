/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the image unit tests. */
#ifndef CCWPASS_TESTS_IMAGE_TEST_H
#define CCWPASS_TESTS_IMAGE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "image/ckd_image.h"

/* A fresh directory under $TMPDIR (removed with its files by it_rmdir). */
char *it_mkdtemp(void);
void it_rmdir(char *dir);
/* dir + "/" + name, malloc'd. */
char *it_path(const char *dir, const char *name);

/* Whole file into memory (malloc'd); *len receives the size. */
uint8_t *it_read_file(const char *path, size_t *len);
int it_write_file(const char *path, const uint8_t *data, size_t len);
/* Patch bytes of a file in place. */
void it_patch(const char *path, uint64_t off, const void *data, size_t len);
void it_patch_le32(const char *path, uint64_t off, uint32_t v);

/* Set the file's access and modification times to 2001-09-09. */
void it_set_old_mtime(const char *path);

/* 3390 geometry with cyls cylinders. */
struct ckd_geometry it_geo(uint32_t cyls);

/* Create a volume (asserting success). */
void it_create(const char *path, uint32_t cyls, enum ckd_image_format fmt,
	       enum ckd_init_layout layout);

/*
 * A valid track image for trk with contents derived from seed: R1..Rn of
 * pseudo-random key/data lengths and bytes (compressible if text).
 */
size_t it_track(uint8_t *buf, size_t size, const struct ckd_geometry *geo,
		uint32_t trk, uint32_t seed, bool text);

/*
 * An incompressible track as a Linux guest writes it: R1-R12 of 4096
 * pseudo-random bytes (49277 bytes), derived from trk and seed.
 */
size_t it_random_track(uint8_t *buf, size_t size,
		       const struct ckd_geometry *geo, uint32_t trk,
		       uint32_t seed);

/* Read track trk and compare it with want[0..len). */
bool it_track_equals(struct ckd_image *img, uint32_t trk, const uint8_t *want,
		     size_t len);

/* Capture log messages (joined with '\n') for assertions. */
void it_log_capture(void);
const char *it_log_text(void);
void it_log_release(void);

/* Run an external program; output (stdout+stderr) into *out (malloc'd). */
int it_run(char **out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Is the Hercules utility on PATH? Prints a skip note if not - or, when the
 * environment has CI=true (CI installs hercules), fails the running test.
 */
bool it_have_tool(const char *name);

#endif
