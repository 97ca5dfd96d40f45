/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the CCKD backend tests (test_ckd_cckd.c,
 * test_ckd_cckd_damage.c), which run every case for the format their
 * argument names: "cckd" (CKD_C370, the default) or "cckd64" (CKD_C064).
 * The byte layouts are the tests' own, written from Hercules' cckd.h and
 * Hyperion's cckd64.h, so the files are checked against the format rather
 * than against the code's constants.
 */
#ifndef CCWPASS_TESTS_CKD_CCKD_TEST_H
#define CCWPASS_TESTS_CKD_CCKD_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/ckd_image.h"

#define CT_CYLS 20                 /* 300 tracks: two L2 groups */
#define CT_TRKS (CT_CYLS * 15)

/* Where a format keeps things (compressed header at 512, L1 at 1024). */
struct ct_layout {
	const char *name;
	enum ckd_image_format format;
	const char *devid, *shadow_devid;
	unsigned int off;             /* offset size: L1, L2 pos, free block */
	unsigned int l2ent;           /* L2 entry size */
	unsigned int cyls;            /* compressed header offsets */
	unsigned int stats;           /* size, used, free, free_total, ... */
	unsigned int nullfmt;         /* nullfmt, compress, compress_parm */
};

extern const struct ct_layout *ct_layout;
/* The volume of the running case (a CT_CYLS-cylinder CDL volume). */
extern char *ct_path;
/* Geometry of the image ct_open_ok opened last. */
extern const struct ckd_geometry *ct_geo;

/* File offset of statistic i (0 size, 1 used, 2 free, 3 free_total,
   4 free_largest, 5 free_number, 6 free_imbed). */
uint64_t ct_stat(unsigned int i);

/* Setup / teardown: a fresh directory and volume per case. */
int ct_setup(void **state);
int ct_teardown(void **state);

struct ckd_image *ct_open_ok(unsigned int flags);
/* A read-only open fails with errnum, the message naming what and path. */
void ct_open_fails(int errnum, const char *what);

/* Offset-sized little-endian values, in memory and in the file. */
uint64_t ct_le_off(const uint8_t *p);
void ct_st_le_off(uint8_t *p, uint64_t v);
uint64_t ct_file_off(uint64_t off);
void ct_patch_off(uint64_t off, uint64_t v);
/* L1 entry i; the file position of track t's L2 entry (group 0). */
uint64_t ct_l1(uint32_t i);
uint64_t ct_l2ent_pos(uint32_t t);
uint64_t ct_file_size(void);

/* Turn the closed little-endian volume into the big-endian form Hercules
   writes on big-endian hosts (cyls stays little-endian). */
void ct_to_big_endian(void);

/* Write it_track(trk, seed, text) / check that trk reads as it. */
size_t ct_put(struct ckd_image *img, uint32_t trk, uint32_t seed, bool text);
void ct_expect(struct ckd_image *img, uint32_t trk, uint32_t seed, bool text);

/* Pick the format argv[1] names. Returns 0, or -1 (usage printed). */
int ct_select(int argc, char **argv);

#endif
