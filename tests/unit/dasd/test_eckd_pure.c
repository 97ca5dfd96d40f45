/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 3390's pure parts: track capacity, CCHH format, Sense ID / RDC / RCD
 * byte images, sense layout, Define Extent / Locate Record checks, track
 * image walking and the model table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "dasd/eckd.h"
#include "dasd/eckd_geom.h"
#include "dasd/eckd_ident.h"
#include "dasd/eckd_params.h"
#include "dasd/eckd_sense.h"
#include "dasd/eckd_track.h"

static void test_records_per_track(void **state)
{
	(void)state;
	assert_int_equal(eckd_3390_recs_per_track(0, 4096), 12);
	assert_int_equal(eckd_3390_recs_per_track(0, 2048), 21);
	assert_int_equal(eckd_3390_recs_per_track(0, 1024), 33);
	assert_int_equal(eckd_3390_recs_per_track(0, 512), 49);
	assert_int_equal(eckd_3390_recs_per_track(0, 56664), 1);
	assert_int_equal(eckd_3390_recs_per_track(0, 56665), 0);
	assert_int_equal(eckd_3390_recs_per_track(44, 96), 50);
	assert_int_equal(eckd_3390_record_cells(0, 8), 20);
	/* The largest R0 fills the track exactly. */
	assert_int_equal(eckd_3390_r0_extra_cells(0, 57326), 1729);
	assert_true(eckd_3390_r0_extra_cells(0, 57327) > 1729);
	assert_int_equal(eckd_3390_r0_extra_cells(0, 8), 0);
	/* 10017 x 15 x 12 x 4 KB = 7212240 KB, what Linux prints. */
	assert_int_equal(10017u * 15 * eckd_3390_recs_per_track(0, 4096) * 4,
			 7212240);
}

static void test_cchh(void **state)
{
	uint8_t b[4];
	uint32_t cyl, head;

	(void)state;
	eckd_cchh_store(b, 10016, 14);
	assert_memory_equal(b, "\x27\x20\x00\x0e", 4);
	eckd_cchh_load(b, &cyl, &head);
	assert_int_equal(cyl, 10016);
	assert_int_equal(head, 14);
	/* Extended address volume: cylinder bits 16-27 above the head. */
	eckd_cchh_store(b, 70000, 3);
	assert_memory_equal(b, "\x11\x70\x00\x13", 4);
	eckd_cchh_load(b, &cyl, &head);
	assert_int_equal(cyl, 70000);
	assert_int_equal(head, 3);
}

static struct eckd_ident ident(uint32_t cyls)
{
	struct eckd_ident id = {
		.cu_type = 0x3990, .cu_model = 0xe9, .dev_type = 0x3390,
		.dev_model = 0x0e, .cyls = cyls, .heads = 15, .ssid = 0x1234,
		.unit_addr = 0x05,
	};

	assert_int_equal(eckd_serial_make(id.serial, "", id.ssid,
					  id.unit_addr), 0);
	return id;
}

static void test_sense_id(void **state)
{
	static const uint8_t want[12] = {
		0xff, 0x39, 0x90, 0xe9, 0x33, 0x90, 0x0e, 0x00,
		0x40, 0xfa, 0x01, 0x00,
	};
	struct eckd_ident id = ident(10017);
	uint8_t b[ECKD_SENSEID_LEN];

	(void)state;
	eckd_build_senseid(b, &id);
	assert_memory_equal(b, want, sizeof(want));
}

static void test_rdc_3390_9(void **state)
{
	static const uint8_t want[64] = {
		0x39, 0x90, 0xe9, 0x33, 0x90, 0x0e, 0x10, 0x00,
		0x00, 0x00, 0x20, 0x32, 0x27, 0x21, 0x00, 0x0f,
		0xe0, 0x00, 0xe5, 0xa2, 0x05, 0x94, 0x02, 0x22,
		0x13, 0x09, 0x06, 0x74, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x32, 0x32, 0x15, 0x02, 0xdf, 0xee, 0x00, 0x01,
		0x06, 0x77, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x27, 0x21,
	};
	struct eckd_ident id = ident(10017);
	uint8_t b[ECKD_RDC_LEN];

	(void)state;
	eckd_build_rdc(b, &id);
	assert_memory_equal(b, want, sizeof(want));
	/* What Linux prints from it: 3390/0E (CU 3990/01). */
	assert_int_equal(b[2] & 7, 1);
}

static void test_rdc_cylinder_fields(void **state)
{
	struct eckd_ident id;
	uint8_t b[ECKD_RDC_LEN];

	(void)state;
	id = ident(65520);                      /* 3390-54: still 16-bit */
	eckd_build_rdc(b, &id);
	assert_int_equal(ld_be16(b + 12), 65520);
	assert_int_equal(ld_be32(b + 60), 65520);
	id = ident(262668);                     /* EAV: 0xfffe + 32-bit */
	eckd_build_rdc(b, &id);
	assert_int_equal(ld_be16(b + 12), 0xfffe);
	assert_int_equal(ld_be32(b + 60), 262668);
	id = ident(5);                          /* small test volume */
	eckd_build_rdc(b, &id);
	assert_int_equal(ld_be16(b + 12), 5);
	assert_int_equal(ld_be32(b + 60), 5);
}

static void test_rcd(void **state)
{
	static const uint8_t ned[32] = {
		0xd0, 0x01, 0x01, 0x00,
		0xf0, 0xf0, 0xf3, 0xf3, 0xf9, 0xf0,      /* "003390" */
		0xf0, 0xf0, 0xc5,                        /* "00E" */
		0xc9, 0xc2, 0xd4,                        /* "IBM" */
		0xe9, 0xe9,                              /* "ZZ" */
		0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,      /* "000000123405" */
		0xf1, 0xf2, 0xf3, 0xf4, 0xf0, 0xf5,
		0x34, 0x05,
	};
	struct eckd_ident id = ident(10017);
	uint8_t b[ECKD_RCD_LEN], b1[ECKD_RCD_LEN];

	(void)state;
	eckd_build_rcd(b, &id, 0);
	assert_memory_equal(b, ned, sizeof(ned));
	/* Control unit NED: identifier 11, not a device NED. */
	assert_int_equal(b[32] >> 6, 3);
	assert_int_equal(b[33], 0x02);
	/* No SNEQ anywhere (identifier 01): a base device. */
	for (int i = 0; i < 8; i++)
		assert_int_not_equal(b[i * 32] >> 6, 1);
	/* General NEQ in record 7. */
	assert_int_equal(b[224], 0x80);
	assert_int_equal(b[230], 0x1e);
	assert_int_equal(ld_be16(b + 232), 0x1234);
	assert_int_equal(b[235], 0x05);
	assert_int_equal(b[241] & 0x04, 0);
	assert_int_equal(b[242] & 0x07, 0);
	/* Another path: same device, another interface id. */
	eckd_build_rcd(b1, &id, 3);
	assert_memory_equal(b, b1, 224);
	assert_int_equal(ld_be16(b1 + 226), 3);
}

static void test_serial(void **state)
{
	char s[ECKD_SERIAL_LEN + 1];

	(void)state;
	assert_int_equal(eckd_serial_make(s, "", 0xbeef, 0x7f), 0);
	assert_string_equal(s, "000000BEEF7F");
	assert_int_equal(eckd_serial_make(s, "ABC12", 0, 0), 0);
	assert_string_equal(s, "0000000ABC12");
	assert_int_equal(eckd_serial_make(s, "0123456789AB", 0, 0), 0);
	assert_string_equal(s, "0123456789AB");
	assert_int_equal(eckd_serial_make(s, "abc", 0, 0), -EINVAL);
	assert_int_equal(eckd_serial_make(s, "0123456789ABC", 0, 0), -EINVAL);
	assert_int_equal(eckd_serial_make(s, "A-B", 0, 0), -EINVAL);
}

static void test_uac_and_features(void **state)
{
	uint8_t type[ECKD_LCU_UNITS] = { 0 };
	uint8_t b[ECKD_UAC_LEN];
	int nonzero = 0;

	(void)state;
	/* A device of its own at unit address 05: {01, 00}. Byte 1 is not
	 * the unit address: Linux would log "An Alias device was reassigned"
	 * at every reload (research note hyperpav.md 2.5). */
	type[0x05] = ECKD_UA_BASE;
	eckd_build_uac(b, type);
	assert_int_equal(b[10], 0x01);
	assert_int_equal(b[11], 0x00);
	for (int i = 0; i < ECKD_UAC_LEN; i++)
		nonzero += b[i] != 0;
	assert_int_equal(nonzero, 1);

	/* The research note's LCU: base 09, HyperPAV aliases 0a-0c. */
	memset(type, 0, sizeof(type));
	type[0x09] = ECKD_UA_BASE;
	type[0x0a] = type[0x0b] = type[0x0c] = ECKD_UA_HYPERPAV;
	eckd_build_uac(b, type);
	for (int i = 0; i < ECKD_UAC_LEN; i++) {
		uint8_t want = 0;

		if (i == 0x12)
			want = 0x01;
		else if (i == 0x14 || i == 0x16 || i == 0x18)
			want = 0x03;
		assert_int_equal(b[i], want);
	}

	/* Prefix (byte 8 bit 01), Read Track Data (byte 9 bit 20), Write
	 * Track Data (byte 12 bit 40), nothing else. */
	memset(b, 0xaa, sizeof(b));
	eckd_build_features(b);
	for (int i = 0; i < ECKD_FEATURES_LEN; i++)
		assert_int_equal(b[i], i == 8 ? 0x01 : i == 9 ? 0x20 :
				 i == 12 ? 0x40 : 0x00);
}

/* RCD of a base in an LCU with aliases and of a HyperPAV alias: the
 * subsystem NEQ in record 5 with the unit address type; the rest is the
 * device's RCD with its own unit address. */
static void test_rcd_sneq(void **state)
{
	static const uint8_t sneq_alias[32] = {
		0x40, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00,
	};
	struct eckd_ident id = ident(10017);
	uint8_t plain[ECKD_RCD_LEN], base[ECKD_RCD_LEN], alias[ECKD_RCD_LEN];

	(void)state;
	eckd_build_rcd(plain, &id, 1);
	id.sneq_type = ECKD_UA_BASE;
	eckd_build_rcd(base, &id, 1);
	assert_memory_equal(plain, base, 160);
	assert_int_equal(base[160], 0x40);
	assert_int_equal(ld_be16(base + 162), 0x0001);
	assert_int_equal(base[168], 0x01);
	assert_int_equal(base[169], 0x00);
	assert_memory_equal(plain + 192, base + 192, 64);

	id.sneq_type = ECKD_UA_HYPERPAV;
	id.unit_addr = 0x06;
	eckd_build_rcd(alias, &id, 1);
	assert_memory_equal(alias + 160, sneq_alias, 32);
	/* Same NED but for byte 31, the alias's own unit address; the
	 * serial (bytes 16-29) and LSS (30) are the LCU's. */
	assert_memory_equal(alias, plain, 31);
	assert_int_equal(alias[31], 0x06);
	assert_memory_equal(alias + 32, plain + 32, 32);
	/* General NEQ: the SSID, and the alias's unit address where the
	 * base has its own. */
	assert_int_equal(ld_be16(alias + 232), 0x1234);
	assert_int_equal(alias[235], 0x06);
	assert_int_equal(alias[243], 0x06);
}

static void test_sense_layout(void **state)
{
	struct eckd_sense_info si = {
		.b0 = SNS0_CMD_REJECT, .b1 = SNS1_WRITE_INHIBITED,
		.fmt_msg = SNS7_F0_INVALID_PARM, .cyl = 0x123, .head = 7,
		.vol_cyls = 3339,
	};
	uint8_t s[ECKD_SENSE_LEN];

	(void)state;
	eckd_sense_build(s, &si);
	assert_int_equal(s[0], 0x80);
	assert_int_equal(s[1], 0x02);
	assert_int_equal(s[5], 0x23);
	assert_int_equal(s[6], 0x17);
	assert_int_equal(s[7], 0x04);
	assert_int_equal(s[27], 0x80);
	assert_int_equal(ld_be16(s + 29), 0x123);
	assert_int_equal(s[31], 7);
	/* Over 4095 cylinders bytes 5-6 say X'FFFF'. */
	si.vol_cyls = 10017;
	eckd_sense_build(s, &si);
	assert_int_equal(s[5], 0xff);
	assert_int_equal(s[6], 0xff);
	/* Data check: record id in 8-12. */
	si.b0 = SNS0_DATA_CHECK;
	si.b1 = 0;
	si.fmt_msg = SNS7_F4_DATA_CHECK;
	si.rec = 9;
	eckd_sense_build(s, &si);
	assert_memory_equal(s + 8, "\x01\x23\x00\x07\x09", 5);
	/* Enhanced (EAV) cylinder layout, as Linux decodes it. */
	si.cyl = 0x123456;
	si.vol_cyls = 0x200000;
	eckd_sense_build(s, &si);
	assert_int_equal(s[27], 0x90);
	assert_int_equal((uint32_t)s[30] << 20 | (uint32_t)(s[31] & 0xf0) << 12 |
			 (uint32_t)s[28] << 8 | s[29], 0x123456);
	assert_int_equal(s[31] & 0x0f, 7);
}

static void de_bytes(uint8_t p[16], uint8_t mask, uint8_t attr, uint16_t bs,
		     uint16_t c0, uint16_t h0, uint16_t c1, uint16_t h1)
{
	memset(p, 0, 16);
	p[0] = mask;
	p[1] = attr;
	st_be16(p + 2, bs);
	st_be16(p + 8, c0);
	st_be16(p + 10, h0);
	st_be16(p + 12, c1);
	st_be16(p + 14, h1);
}

static void test_define_extent(void **state)
{
	struct eckd_extent de;
	uint8_t p[16];

	(void)state;
	de_bytes(p, 0x40, 0xc0, 0, 0, 2, 0, 3);     /* Linux read, trk 2-3 */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), 0);
	assert_int_equal(de.first, 2);
	assert_int_equal(de.last, 3);
	assert_int_equal(de.blksize, 57334);
	de_bytes(p, 0x00, 0xc4, 0, 1, 0, 2, 5);     /* format, byte 7 0x04 */
	p[7] = 0x04;
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), 0);
	assert_int_equal(de.first, 15);
	assert_int_equal(de.last, 35);
	assert_int_equal(de.gattr_ext, 0x04);

	de_bytes(p, 0x40, 0x80, 0, 0, 0, 0, 0);     /* not ECKD mode */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), -EINVAL);
	de_bytes(p, 0x60, 0xc0, 0, 0, 0, 0, 0);     /* reserved mask bit */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), -EINVAL);
	de_bytes(p, 0x40, 0xc0, 57335, 0, 0, 0, 0); /* block size */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), -EINVAL);
	de_bytes(p, 0x40, 0xc0, 0, 0, 0, 0, 0);
	p[5] = 1;                                   /* bytes 4-6 */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), -EINVAL);
	de_bytes(p, 0x40, 0xc0, 0, 0, 3, 0, 2);     /* end before begin */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), -EINVAL);
	de_bytes(p, 0x40, 0xc0, 0, 0, 0, 3339, 0);  /* past the volume */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), -EINVAL);
	de_bytes(p, 0x40, 0xc0, 0, 0, 0, 0, 15);    /* no head 15 */
	assert_int_equal(eckd_de_parse(p, 3339, 15, &de), -EINVAL);
}

static void lr_bytes(uint8_t p[16], uint8_t op, uint8_t aux, uint8_t count,
		     uint16_t cyl, uint16_t head, uint8_t rec, uint8_t sector,
		     uint16_t tlf)
{
	memset(p, 0, 16);
	p[0] = op;
	p[1] = aux;
	p[3] = count;
	st_be16(p + 4, cyl);
	st_be16(p + 6, head);
	st_be16(p + 8, cyl);
	st_be16(p + 10, head);
	p[12] = rec;
	p[13] = sector;
	st_be16(p + 14, tlf);
}

static void test_locate_record(void **state)
{
	struct eckd_locate lr;
	uint8_t p[16];

	(void)state;
	lr_bytes(p, 0x06, 0x80, 8, 0, 2, 1, 0, 4096);   /* Linux read */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), 0);
	assert_int_equal(lr.op, LR_OP_READ_DATA);
	assert_int_equal(lr.orient, LR_ORIENT_COUNT);
	assert_int_equal(lr.trk, 2);
	assert_int_equal(lr.count, 8);
	assert_int_equal(lr.tlf, 4096);
	assert_memory_equal(lr.search, "\x00\x00\x00\x02\x01", 5);
	lr_bytes(p, 0x06, 0x00, 4, 0, 0, 0, 0, 0);      /* analysis */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), 0);
	assert_int_equal(lr.tlf, 57334);                 /* DE block size */
	lr_bytes(p, 0x03, 0x80, 252, 0, 1, 0, 0, 4096);  /* dasdfmt */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), 0);
	lr_bytes(p, 0x43, 0x00, 13, 0, 1, 0, 0, 0);      /* HA + format */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), 0);

	lr_bytes(p, 0x0c, 0x00, 1, 0, 0, 0, 0, 0);       /* read tracks */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x41, 0x80, 1, 0, 0, 1, 0, 4096);    /* HA + write */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x40, 1, 0, 0, 1, 0, 0);       /* reserved aux */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x03, 0x01, 2, 0, 0, 0, 0, 0);       /* suffix, format */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x00, 0, 0, 0, 1, 0, 0);       /* count 0 */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x00, 0x00, 1, 0, 0, 1, 0, 0);       /* orient count 1 */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x00, 1, 0, 0, 1, 224, 0);     /* sector */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x00, 1, 0, 0, 1, 0xff, 0);    /* no sector */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), 0);
	lr_bytes(p, 0x06, 0x80, 1, 0, 0, 1, 0, 0);       /* TLF 0 */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x00, 1, 0, 0, 1, 0, 512);     /* TLF not valid */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x80, 1, 0, 0, 1, 0, 4096);    /* TLF > block */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 2048, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x80, 1, 3339, 0, 1, 0, 4096); /* no such track */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
	lr_bytes(p, 0x06, 0x80, 1, 0, 0, 1, 0, 4096);
	p[2] = 1;                                         /* byte 2 */
	assert_int_equal(eckd_lr_parse(p, 3339, 15, 57334, &lr), -EINVAL);
}

static void test_track_image(void **state)
{
	uint8_t buf[56832], cchh[4], count[8];
	struct eckd_rec rec;
	uint32_t cells;
	size_t len, off;

	(void)state;
	eckd_cchh_store(cchh, 1, 2);
	len = eckd_track_init(buf, cchh);
	assert_int_equal(len, ECKD_EMPTY_TRACK_LEN);
	assert_memory_equal(buf, "\x00\x00\x01\x00\x02", 5);
	assert_int_equal(eckd_track_rec_at(buf, len, ECKD_R0_OFF, &rec), 1);
	assert_int_equal(rec.r, 0);
	assert_int_equal(rec.dl, 8);
	off = eckd_rec_end(&rec);
	assert_int_equal(eckd_track_rec_at(buf, len, off, &rec), 0);

	/* Twelve 4 KB records fit, a thirteenth does not. */
	for (int r = 1; r <= 13; r++) {
		memcpy(count, cchh, 4);
		count[4] = (uint8_t)r;
		count[5] = 0;
		st_be16(count + 6, 4096);
		assert_int_equal(eckd_track_cells_before(buf, len, off, &cells),
				 0);
		if (r == 13) {
			assert_false(eckd_track_fits(cells, off, 0, 4096, false,
						     sizeof(buf)));
			break;
		}
		assert_true(eckd_track_fits(cells, off, 0, 4096, false,
					    sizeof(buf)));
		len = eckd_track_format(buf, off, count, &rec);
		off = eckd_rec_end(&rec);
	}
	assert_int_equal(len, 5 + 16 + 12 * (8 + 4096) + 8);
	assert_int_equal(cells, 12 * 143);
	/* The byte limit of the image slot counts too. */
	assert_false(eckd_track_fits(0, ECKD_R0_OFF + 16, 0, 56664, false,
				     1000));

	/* Malformed images: record past the end, no end marker. */
	assert_int_equal(eckd_track_rec_at(buf, 30, ECKD_R0_OFF + 16, &rec),
			 -EUCLEAN);
	assert_int_equal(eckd_track_rec_at(buf, len - 8, off - 4104, &rec),
			 -EUCLEAN);
	assert_int_equal(eckd_track_rec_at(buf, len, len, &rec), -EUCLEAN);
}

static void test_models(void **state)
{
	const struct eckd_model *m;

	(void)state;
	m = eckd_model_find("3390-9");
	assert_non_null(m);
	assert_int_equal(m->cyls, 10017);
	assert_int_equal(m->heads, 15);
	assert_int_equal(m->dev_model, 0x0e);
	m = eckd_model_by_cyls(0x3390, 3339);
	assert_non_null(m);
	assert_string_equal(m->name, "3390-3");
	assert_null(eckd_model_by_cyls(0x3390, 5));
	assert_null(eckd_model_find("3380-K"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_per_track),
		cmocka_unit_test(test_cchh),
		cmocka_unit_test(test_sense_id),
		cmocka_unit_test(test_rdc_3390_9),
		cmocka_unit_test(test_rdc_cylinder_fields),
		cmocka_unit_test(test_rcd),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_uac_and_features),
		cmocka_unit_test(test_rcd_sneq),
		cmocka_unit_test(test_sense_layout),
		cmocka_unit_test(test_define_extent),
		cmocka_unit_test(test_locate_record),
		cmocka_unit_test(test_track_image),
		cmocka_unit_test(test_models),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
