/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the CCKD backend tests (see cckd_test.h). */
#include "cckd_test.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/byteorder.h"
#include "image_test.h"

static const struct ct_layout layouts[] = {
	{ "cckd", CKD_IMAGE_CCKD, "CKD_C370", "CKD_S370", 4, 8, 40, 12, 44 },
	{ "cckd64", CKD_IMAGE_CCKD64, "CKD_C064", "CKD_S064", 8, 16, 12, 16,
	  72 },
};

const struct ct_layout *ct_layout = &layouts[0];
char *ct_path;
const struct ckd_geometry *ct_geo;
static char *dir;
static uint8_t tbuf[CKD_MAX_TRACK_SIZE];

uint64_t ct_stat(unsigned int i)
{
	return 512 + ct_layout->stats + i * ct_layout->off;
}

int ct_setup(void **state)
{
	(void)state;
	dir = it_mkdtemp();
	ct_path = it_path(dir, "vol.cckd");
	it_create(ct_path, CT_CYLS, ct_layout->format, CKD_INIT_CDL);
	return 0;
}

int ct_teardown(void **state)
{
	(void)state;
	free(ct_path);
	ct_path = NULL;
	it_rmdir(dir);
	return 0;
}

struct ckd_image *ct_open_ok(unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(ct_path, flags, &err);

	if (!img)
		fail_msg("open: %s", err.msg);
	ct_geo = ckd_image_geometry(img);
	return img;
}

void ct_open_fails(int errnum, const char *what)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(ct_path, CKD_OPEN_RDONLY, &err);

	if (img)
		fail_msg("open succeeded; expected \"%s\"", what);
	assert_int_equal(err.errnum, errnum);
	if (!strstr(err.msg, what) || !strstr(err.msg, ct_path))
		fail_msg("message \"%s\" lacks \"%s\" or the file name",
			 err.msg, what);
}

uint64_t ct_le_off(const uint8_t *p)
{
	return ct_layout->off == 4 ? ld_le32(p) : ld_le64(p);
}

void ct_st_le_off(uint8_t *p, uint64_t v)
{
	if (ct_layout->off == 4)
		st_le32(p, (uint32_t)v);
	else
		st_le64(p, v);
}

uint64_t ct_file_off(uint64_t off)
{
	size_t n;
	uint8_t *f = it_read_file(ct_path, &n);
	uint64_t v;

	assert_true(off + ct_layout->off <= n);
	v = ct_le_off(f + off);
	free(f);
	return v;
}

void ct_patch_off(uint64_t off, uint64_t v)
{
	uint8_t b[8];

	ct_st_le_off(b, v);
	it_patch(ct_path, off, b, ct_layout->off);
}

uint64_t ct_l1(uint32_t i)
{
	return ct_file_off(1024 + (uint64_t)i * ct_layout->off);
}

uint64_t ct_l2ent_pos(uint32_t t)
{
	return ct_l1(0) + (uint64_t)ct_layout->l2ent * t;
}

uint64_t ct_file_size(void)
{
	struct stat st;

	assert_int_equal(stat(ct_path, &st), 0);
	return (uint64_t)st.st_size;
}

/* Byte-swap an offset-sized field in place (little- to big-endian). */
static void swap_off(uint8_t *p)
{
	uint64_t v = ct_le_off(p);

	if (ct_layout->off == 4)
		st_be32(p, (uint32_t)v);
	else
		st_be64(p, v);
}

void ct_to_big_endian(void)
{
	size_t n;
	uint8_t *f = it_read_file(ct_path, &n);
	uint8_t *h = f + 512;
	uint32_t nl1 = ld_le32(h + 4);

	st_be32(h + 4, nl1);
	st_be32(h + 8, ld_le32(h + 8));
	for (unsigned int i = 0; i < 7; i++)
		swap_off(f + ct_stat(i));
	st_be16(h + ct_layout->nullfmt + 2, ld_le16(h + ct_layout->nullfmt + 2));
	h[3] |= 0x02;                   /* big-endian */
	for (uint32_t i = 0; i < nl1; i++) {
		uint8_t *e = f + 1024 + (size_t)ct_layout->off * i;
		uint64_t l2 = ct_le_off(e);

		swap_off(e);
		for (unsigned int j = 0; l2 && j < 256; j++) {
			uint8_t *x = f + l2 + (size_t)ct_layout->l2ent * j;

			swap_off(x);
			st_be16(x + ct_layout->off, ld_le16(x + ct_layout->off));
			st_be16(x + ct_layout->off + 2, ld_le16(x + ct_layout->off + 2));
		}
	}
	assert_int_equal(it_write_file(ct_path, f, n), 0);
	free(f);
}

size_t ct_put(struct ckd_image *img, uint32_t trk, uint32_t seed, bool text)
{
	size_t len = it_track(tbuf, sizeof(tbuf), ct_geo, trk, seed, text);

	assert_int_equal(ckd_image_write_track(img, trk, tbuf, len), 0);
	return len;
}

void ct_expect(struct ckd_image *img, uint32_t trk, uint32_t seed, bool text)
{
	size_t len = it_track(tbuf, sizeof(tbuf), ct_geo, trk, seed, text);

	if (!it_track_equals(img, trk, tbuf, len))
		fail_msg("track %u differs", trk);
}

int ct_select(int argc, char **argv)
{
	if (argc < 2)
		return 0;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (!strcmp(argv[1], layouts[i].name)) {
			ct_layout = &layouts[i];
			return 0;
		}
	}
	fprintf(stderr, "usage: %s [cckd|cckd64]\n", argv[0]);
	return -1;
}
