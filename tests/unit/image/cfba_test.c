/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers of the CFBA tests (see cfba_test.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cfba_test.h"
#include "image_test.h"

#define BS FBA_BLOCK_SIZE

void cfba_model_init(struct cfba_model *m, uint64_t blocks)
{
	m->blocks = blocks;
	m->v = calloc(blocks, BS);
	assert_non_null(m->v);
}

void cfba_model_free(struct cfba_model *m)
{
	free(m->v);
	m->v = NULL;
}

void cfba_create(const char *path, uint64_t blocks)
{
	struct error err = { 0 };

	if (fba_image_create_format(path, blocks, FBA_IMAGE_CFBA, 0x9336,
				    false, &err) < 0)
		fail_msg("create %s: %s", path, err.msg);
}

struct fba_image *cfba_open(const char *path, bool readonly)
{
	struct error err = { 0 };
	struct fba_image *img = fba_image_open(path, readonly, &err);

	if (!img)
		fail_msg("open %s: %s", path, err.msg);
	assert_int_equal(fba_image_format(img), FBA_IMAGE_CFBA);
	return img;
}

void cfba_fill(uint8_t *buf, uint32_t count, int kind, uint32_t seed)
{
	size_t n = (size_t)count * BS;
	uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);

	for (size_t i = 0; i < n; i++) {
		if (kind == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (uint8_t)x;
		} else if (kind == 1) {
			buf[i] = (uint8_t)("the quick brown fox jumps "
					   "over the lazy dog "[(i + seed) % 44]);
		} else {
			buf[i] = 0;
		}
	}
}

void cfba_write(struct fba_image *img, struct cfba_model *m, uint64_t blk,
		uint32_t count, int kind, uint32_t seed)
{
	uint8_t *buf = malloc((size_t)count * BS);

	assert_non_null(buf);
	cfba_fill(buf, count, kind, seed);
	assert_int_equal(fba_image_write(img, blk, count, buf), 0);
	memcpy(m->v + blk * BS, buf, (size_t)count * BS);
	free(buf);
}

void cfba_scribble(struct fba_image *img, struct cfba_model *m,
		   uint32_t seed)
{
	uint64_t last = m->blocks - 1;

	cfba_write(img, m, 0, 1, 1, seed);               /* block 0 */
	cfba_write(img, m, 100, 50, 0, seed + 1);         /* groups 0-1 */
	cfba_write(img, m, 240, 120, 1, seed + 2);        /* group 2 whole */
	cfba_write(img, m, 360, 240, 0, seed + 3);        /* groups 3-4 */
	cfba_write(img, m, 400, 8, 2, seed);              /* zeros in 3 */
	cfba_write(img, m, 480, 120, 2, seed);            /* group 4 null */
	cfba_write(img, m, 130, 3, 1, seed + 4);          /* rewrite in 1 */
	cfba_write(img, m, last - 9, 10, 0, seed + 5);    /* the end */
	cfba_write(img, m, last, 1, 1, seed + 6);
}

void cfba_check(struct fba_image *img, const struct cfba_model *m)
{
	uint8_t buf[32 * BS];

	assert_int_equal(fba_image_blocks(img), m->blocks);
	for (uint64_t b = 0; b < m->blocks; b += 32) {
		uint32_t n = m->blocks - b < 32 ? (uint32_t)(m->blocks - b) : 32;

		assert_int_equal(fba_image_read(img, b, n, buf), 0);
		for (uint32_t i = 0; i < n; i++)
			if (memcmp(buf + i * BS, m->v + (b + i) * BS, BS))
				fail_msg("%s: block %llu differs",
					 fba_image_path(img),
					 (unsigned long long)(b + i));
	}
}

void cfba_check_plain(const char *path, const struct cfba_model *m)
{
	size_t len;
	uint8_t *v = it_read_file(path, &len);

	assert_non_null(v);
	assert_int_equal(len, m->blocks * BS);
	for (uint64_t b = 0; b < m->blocks; b++)
		if (memcmp(v + b * BS, m->v + b * BS, BS))
			fail_msg("%s: block %llu differs", path,
				 (unsigned long long)b);
	free(v);
}
