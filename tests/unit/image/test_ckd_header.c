/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hercules device header, CCKD and CCKD64 headers: layout, round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/byteorder.h"
#include "image/ckd_header.h"

static void test_devhdr_layout(void **state)
{
	struct ckd_devhdr h = { .heads = 15, .trksize = 56832, .devtype = 0x90,
				.fileseq = 1, .highcyl = 0x1234 }, g;
	uint8_t raw[CKD_DEVHDR_SIZE];

	(void)state;
	memcpy(h.devid, "CKD_P370", 8);
	ckd_devhdr_store(raw, &h);
	assert_memory_equal(raw, "CKD_P370", 8);
	assert_int_equal(ld_le32(raw + 8), 15);
	assert_int_equal(ld_le32(raw + 12), 56832);
	assert_int_equal(raw[16], 0x90);
	assert_int_equal(raw[17], 1);
	assert_int_equal(raw[18], 0x34);      /* little-endian */
	assert_int_equal(raw[19], 0x12);
	for (int i = 20; i < CKD_DEVHDR_SIZE; i++)
		assert_int_equal(raw[i], 0);
	ckd_devhdr_load(&g, raw);
	assert_string_equal(g.devid, "CKD_P370");
	assert_int_equal(g.heads, h.heads);
	assert_int_equal(g.trksize, h.trksize);
	assert_int_equal(g.devtype, h.devtype);
	assert_int_equal(g.fileseq, h.fileseq);
	assert_int_equal(g.highcyl, h.highcyl);
}

static void test_devhdr_geometry(void **state)
{
	struct ckd_devhdr h = { .heads = 15, .trksize = 56832, .devtype = 0x90 };
	struct ckd_geometry geo;
	const char *field = NULL;

	(void)state;
	assert_int_equal(ckd_devhdr_geometry(&h, 10017, &geo, &field), 0);
	assert_int_equal(geo.devtype, 0x3390);
	assert_int_equal(geo.cyls, 10017);
	assert_int_equal(ckd_devtype_byte(&geo), 0x90);
	h.heads = 16;
	assert_int_equal(ckd_devhdr_geometry(&h, 1, &geo, &field), -EINVAL);
	assert_string_equal(field, "heads");
	h.heads = 15;
	h.trksize = 56320;
	assert_int_equal(ckd_devhdr_geometry(&h, 1, &geo, &field), -EINVAL);
	assert_string_equal(field, "trksize");
	h.trksize = 56832;
	h.devtype = 0x45;
	assert_int_equal(ckd_devhdr_geometry(&h, 1, &geo, &field), -EINVAL);
	assert_non_null(strstr(field, "devtype"));
	h.devtype = 0x90;
	assert_int_equal(ckd_devhdr_geometry(&h, 0, &geo, &field), -EINVAL);
	assert_string_equal(field, "cylinders");
	assert_int_equal(ckd_devhdr_geometry(&h, 65536, &geo, &field), -EINVAL);
}

static struct cckd_header sample(uint8_t options)
{
	return (struct cckd_header){
		.vrm = { 0, 3, 1 }, .options = options, .numl1tab = 587,
		.numl2tab = 256, .size = 0x11223344, .used = 0x10000,
		.free = 0x2000, .free_total = 300, .free_largest = 200,
		.free_number = 2, .free_imbed = 12, .cyls = 10017,
		.nullfmt = 2, .compress = 1, .compress_parm = -1,
	};
}

/* Field by field: the struct has padding. */
static void assert_same_header(const struct cckd_header *a,
			       const struct cckd_header *b)
{
	assert_memory_equal(a->vrm, b->vrm, 3);
	assert_int_equal(a->options, b->options);
	assert_int_equal(a->numl1tab, b->numl1tab);
	assert_int_equal(a->numl2tab, b->numl2tab);
	assert_true(a->size == b->size && a->used == b->used);
	assert_true(a->free == b->free && a->free_total == b->free_total);
	assert_true(a->free_largest == b->free_largest);
	assert_true(a->free_number == b->free_number);
	assert_true(a->free_imbed == b->free_imbed);
	assert_int_equal(a->cyls, b->cyls);
	assert_int_equal(a->nullfmt, b->nullfmt);
	assert_int_equal(a->compress, b->compress);
	assert_int_equal(a->compress_parm, b->compress_parm);
}

static void test_cckd_header_le(void **state)
{
	struct cckd_header h = sample(CCKD_OPT_ORDWR), g;
	uint8_t raw[CCKD_HDR_SIZE];

	(void)state;
	cckd_header_store(raw, &h, &cckd_format32);
	assert_int_equal(raw[0], 0);
	assert_int_equal(raw[1], 3);
	assert_int_equal(raw[2], 1);
	assert_int_equal(raw[3], CCKD_OPT_ORDWR);
	assert_int_equal(ld_le32(raw + 4), 587);
	assert_int_equal(ld_le32(raw + 8), 256);
	assert_int_equal(ld_le32(raw + 12), 0x11223344);
	assert_int_equal(ld_le32(raw + 32), 2);
	assert_int_equal(ld_le32(raw + 40), 10017);
	assert_int_equal(raw[44], 2);
	assert_int_equal(raw[45], 1);
	assert_int_equal(ld_le16(raw + 46), 0xffff);
	cckd_header_load(&g, raw, &cckd_format32);
	assert_same_header(&g, &h);
}

static void test_cckd_header_be(void **state)
{
	struct cckd_header h = sample(CCKD_OPT_BIGENDIAN), g;
	uint8_t raw[CCKD_HDR_SIZE];

	(void)state;
	cckd_header_store(raw, &h, &cckd_format32);
	assert_int_equal(ld_be32(raw + 4), 587);
	assert_int_equal(ld_be32(raw + 12), 0x11223344);
	assert_int_equal(ld_be32(raw + 36), 12);
	/* cyls is little-endian whatever the options byte says. */
	assert_int_equal(ld_le32(raw + 40), 10017);
	cckd_header_load(&g, raw, &cckd_format32);
	assert_same_header(&g, &h);
	assert_true(cckd_big_endian(&g));
}

/* CCKD64 (Hyperion cckd64.h): cyls at 12, 64-bit statistics at 16-71,
   nullfmt, compress and its parameter at 72-75. */
static void test_cckd64_header_le(void **state)
{
	struct cckd_header h = sample(CCKD_OPT_ORDWR), g;
	uint8_t raw[CCKD_HDR_SIZE];

	(void)state;
	h.size = 0x123456789aull;
	h.used = 0x1122334455ull;
	h.free_number = 0x100000001ll;
	cckd_header_store(raw, &h, &cckd_format64);
	assert_int_equal(raw[1], 3);
	assert_int_equal(ld_le32(raw + 4), 587);
	assert_int_equal(ld_le32(raw + 8), 256);
	assert_int_equal(ld_le32(raw + 12), 10017);
	assert_true(ld_le64(raw + 16) == 0x123456789aull);
	assert_true(ld_le64(raw + 24) == 0x1122334455ull);
	assert_true(ld_le64(raw + 32) == 0x2000);
	assert_true(ld_le64(raw + 40) == 300);
	assert_true(ld_le64(raw + 48) == 200);
	assert_true(ld_le64(raw + 56) == 0x100000001ull);
	assert_true(ld_le64(raw + 64) == 12);
	assert_int_equal(raw[72], 2);
	assert_int_equal(raw[73], 1);
	assert_int_equal(ld_le16(raw + 74), 0xffff);
	for (int i = 76; i < CCKD_HDR_SIZE; i++)
		assert_int_equal(raw[i], 0);
	cckd_header_load(&g, raw, &cckd_format64);
	assert_same_header(&g, &h);
}

static void test_cckd64_header_be(void **state)
{
	struct cckd_header h = sample(CCKD_OPT_BIGENDIAN), g;
	uint8_t raw[CCKD_HDR_SIZE];

	(void)state;
	h.size = 0x500000000ull;
	cckd_header_store(raw, &h, &cckd_format64);
	assert_int_equal(ld_be32(raw + 4), 587);
	assert_true(ld_be64(raw + 16) == 0x500000000ull);
	assert_true(ld_be64(raw + 64) == 12);
	assert_int_equal(ld_be16(raw + 74), 0xffff);
	/* cyls stays little-endian (Hyperion's swap leaves it alone). */
	assert_int_equal(ld_le32(raw + 12), 10017);
	cckd_header_load(&g, raw, &cckd_format64);
	assert_same_header(&g, &h);
}

static void test_formats(void **state)
{
	(void)state;
	assert_ptr_equal(cckd_format_of("CKD_C370"), &cckd_format32);
	assert_ptr_equal(cckd_format_of("CKD_C064"), &cckd_format64);
	assert_null(cckd_format_of("CKD_P370"));
	assert_int_equal(cckd_l2tab_size(&cckd_format32), 2048);
	assert_int_equal(cckd_l2tab_size(&cckd_format64), 4096);
	assert_true(cckd_format32.limit == 0xffffffffull);
	assert_true(cckd_format64.limit > (1ull << 40));
}

static void test_cckd_header_check(void **state)
{
	struct cckd_header h = sample(0);
	const char *field = NULL;
	uint32_t trks = 10017 * 15;

	(void)state;
	assert_int_equal(cckd_header_check(&h, trks, &field), 0);
	h.numl1tab = 588;           /* one spare entry is accepted */
	assert_int_equal(cckd_header_check(&h, trks, &field), 0);
	h.numl1tab = 589;
	assert_int_equal(cckd_header_check(&h, trks, &field), -EINVAL);
	assert_string_equal(field, "numl1tab");
	h = sample(0);
	h.numl2tab = 128;
	assert_int_equal(cckd_header_check(&h, trks, &field), -EINVAL);
	assert_string_equal(field, "numl2tab");
	h = sample(0);
	h.vrm[1] = 2;
	assert_int_equal(cckd_header_check(&h, trks, &field), -EINVAL);
	assert_non_null(strstr(field, "vrm"));
	h = sample(0);
	h.nullfmt = 3;
	assert_int_equal(cckd_header_check(&h, trks, &field), -EINVAL);
	assert_string_equal(field, "nullfmt");
	h = sample(0);
	h.compress = 4;
	assert_int_equal(cckd_header_check(&h, trks, &field), -EINVAL);
	assert_string_equal(field, "compress");
}

static void test_nullfmt_mapping(void **state)
{
	(void)state;
	/* Hercules: 0 = HA R0 R1(EOF), 1 = HA R0, 2 = Linux. */
	assert_int_equal(cckd_nullfmt_from_api(CKD_NULL_R1EOF), 0);
	assert_int_equal(cckd_nullfmt_from_api(CKD_NULL_R0), 1);
	assert_int_equal(cckd_nullfmt_from_api(CKD_NULL_LINUX), 2);
	for (int f = 0; f <= 2; f++)
		assert_int_equal(cckd_nullfmt_from_api(cckd_nullfmt_to_api(
					(unsigned int)f)), f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devhdr_layout),
		cmocka_unit_test(test_devhdr_geometry),
		cmocka_unit_test(test_cckd_header_le),
		cmocka_unit_test(test_cckd_header_be),
		cmocka_unit_test(test_cckd64_header_le),
		cmocka_unit_test(test_cckd64_header_be),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_cckd_header_check),
		cmocka_unit_test(test_nullfmt_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
