/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Region byte layouts of the vfio-ccw device against what QEMU 7.2 does
 * with them (hw/vfio/ccw.c): it memcpy()s the region into its own packed
 * structs and reads their fields natively. These tests read the bytes the
 * same way (memcpy into host integers) to prove what QEMU will see.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "vfio_ccw/vcc_region.h"

/* What QEMU does: a native load of a field of its packed struct. */
static uint16_t native16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t native32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void test_orb_from_qemu(void **state)
{
	uint8_t region[VCC_IO_REGION_SIZE] = { 0 };
	uint32_t intparm = 0x11223344, cpa = 0x1fe17c10;
	uint16_t ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64;
	struct css_orb orb;

	/* QEMU: memcpy(region->orb_area, &sch->orb, sizeof(ORB)) with
	 * ORB = { u32 intparm; u16 ctrl0; u8 lpm; u8 ctrl1; u32 cpa; }. */
	memcpy(region + 0, &intparm, 4);
	memcpy(region + 4, &ctrl0, 2);
	region[6] = 0xff;
	region[7] = ORB_CTRL1_ILS;
	memcpy(region + 8, &cpa, 4);
	vcc_io_get_orb(region, &orb);
	assert_int_equal(orb.intparm, intparm);
	assert_int_equal(orb.ctrl0, ctrl0);
	assert_int_equal(orb.lpm, 0xff);
	assert_int_equal(orb.ctrl1, ORB_CTRL1_ILS);
	assert_int_equal(orb.cpa, cpa);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		/* The s390-ccw BIOS ORB as logged on x86 (research notes). */
		static const uint8_t bios[12] = {
			0x00, 0x00, 0x00, 0x00, 0xc2, 0x00, 0xff, 0x00,
			0x10, 0x7c, 0xe1, 0x1f,
		};

		memcpy(region, bios, sizeof(bios));
		vcc_io_get_orb(region, &orb);
		assert_int_equal(orb.ctrl0, 0x00c2);
		assert_int_equal(orb.cpa, 0x1fe17c10);
		assert_int_equal(orb.lpm, 0xff);
	}
#endif
	/* And back. */
	memset(region, 0, sizeof(region));
	orb = (struct css_orb){ 0xdeadbeef, 0x1234, 0x80, 0x01, 0x00c0ffee };
	vcc_io_put_orb(region, &orb);
	assert_int_equal(native32(region), 0xdeadbeef);
	assert_int_equal(native16(region + 4), 0x1234);
	assert_int_equal(native32(region + 8), 0x00c0ffee);
}

static void test_scsw_from_qemu(void **state)
{
	uint8_t region[VCC_IO_REGION_SIZE] = { 0 };
	uint16_t flags = 0x0480, ctrl = SCSW_FCTL_START | SCSW_ACTL_START_PEND;
	uint32_t cpa = 0x00012340;
	uint16_t count = 0x1000;
	struct css_scsw s;

	memcpy(region + 12, &flags, 2);
	memcpy(region + 14, &ctrl, 2);
	memcpy(region + 16, &cpa, 4);
	region[20] = 0x0c;
	region[21] = 0x40;
	memcpy(region + 22, &count, 2);
	vcc_io_get_scsw(region, &s);
	assert_int_equal(s.flags, flags);
	assert_int_equal(s.ctrl, ctrl);
	assert_int_equal(s.cpa, cpa);
	assert_int_equal(s.dstat, 0x0c);
	assert_int_equal(s.cstat, 0x40);
	assert_int_equal(s.count, count);
	memset(region, 0, sizeof(region));
	vcc_io_put_scsw(region, &s);
	assert_int_equal(native16(region + 14), ctrl);
}

static void test_irb_big_endian(void **state)
{
	uint8_t region[VCC_IO_REGION_SIZE];
	const uint8_t *b = region + VCC_IO_IRB_OFF;
	struct css_irb irb = { 0 }, back;

	memset(region, 0x55, sizeof(region));
	irb.scsw.flags = SCSW_FLAGS_ECTL;
	irb.scsw.ctrl = SCSW_FCTL_START | SCSW_STCTL_PRIMARY |
			SCSW_STCTL_SECONDARY | SCSW_STCTL_ALERT |
			SCSW_STCTL_STATUS_PEND;
	irb.scsw.cpa = 0x1fe17c28;
	irb.scsw.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END |
			 DEV_STAT_UNIT_CHECK;
	irb.scsw.count = 0x0102;
	irb.esw.sublog = 0x00804000;
	irb.esw.erw = ESW_ERW_CONS | 32u << ESW_ERW_SCNT_SHIFT;
	irb.ecw[0] = 0x80;
	irb.ecw[31] = 0x7f;
	vcc_io_put_irb(region, &irb);
	/* Architecture order: QEMU byte-swaps on its way to the guest. */
	assert_int_equal(ld_be16(b + 0), SCSW_FLAGS_ECTL);
	assert_int_equal(ld_be16(b + 2), irb.scsw.ctrl);
	assert_int_equal(ld_be32(b + 4), 0x1fe17c28);
	assert_int_equal(b[8], irb.scsw.dstat);
	assert_int_equal(ld_be16(b + 10), 0x0102);
	assert_int_equal(ld_be32(b + 12), 0x00804000);
	assert_int_equal(ld_be32(b + 16), irb.esw.erw);
	assert_int_equal(b[32], 0x80);          /* ECW raw */
	assert_int_equal(b[63], 0x7f);
	/* Neither the ORB / SCSW areas nor ret_code are touched. */
	assert_int_equal(region[0], 0x55);
	assert_int_equal(region[VCC_IO_RET_OFF], 0x55);
	vcc_io_get_irb(region, &back);
	assert_memory_equal(&back.scsw, &irb.scsw, sizeof(irb.scsw));
	assert_int_equal(back.esw.erw, irb.esw.erw);
	assert_memory_equal(back.ecw, irb.ecw, sizeof(irb.ecw));
}

static void test_ret_codes(void **state)
{
	uint8_t io[VCC_IO_REGION_SIZE] = { 0 }, cmd[VCC_CMD_REGION_SIZE] = { 0 };
	uint32_t command = 2;

	vcc_io_set_ret(io, -EBUSY);
	assert_int_equal(vcc_io_get_ret(io), -EBUSY);
	assert_int_equal((int32_t)native32(io + 120), -EBUSY);
	memcpy(cmd, &command, 4);
	assert_int_equal(vcc_cmd_get_command(cmd), 2);
	vcc_cmd_set_ret(cmd, -ENODEV);
	assert_int_equal((int32_t)native32(cmd + 4), -ENODEV);
	assert_int_equal(vcc_cmd_get_ret(cmd), -ENODEV);
}

static void test_schib_as_qemu_reads_it(void **state)
{
	uint8_t b[VCC_SCHIB_REGION_SIZE];
	struct css_schib s = { 0 }, back;

	s.pmcw.intparm = 0x01020304;
	s.pmcw.flags = PMCW_FLAGS_ENA | PMCW_FLAGS_DNV;
	s.pmcw.devno = 0x1234;
	s.pmcw.lpm = 0xc0;
	s.pmcw.pnom = 0x40;
	s.pmcw.lpum = 0x80;
	s.pmcw.pim = 0xc0;
	s.pmcw.pom = 0xbf;
	s.pmcw.pam = 0x80;
	s.pmcw.chpid[0] = 0x40;
	s.pmcw.chpid[1] = 0x41;
	s.pmcw.chars = PMCW_CHARS_CSENSE;
	s.scsw.flags = SCSW_FLAGS_PNO | (3u << SCSW_FLAGS_CC_SHIFT);
	s.scsw.ctrl = SCSW_STCTL_STATUS_PEND;
	s.mba = 0x1122334455667788ull;
	vcc_schib_encode(&s, b);
	/* QEMU vfio_ccw_handle_store(): pnom, lpum, pam, pom bytes ... */
	assert_int_equal(b[9], 0x40);
	assert_int_equal(b[10], 0x80);
	assert_int_equal(b[15], 0x80);
	assert_int_equal(b[14], 0xbf);
	/* ... and `s->scsw.flags & SCSW_FLAGS_MASK_PNO` on a native u16. */
	assert_true(native16(b + 28) & 0x0001);
	assert_int_equal(native16(b + 28), s.scsw.flags);
	assert_int_equal(native16(b + 6), 0x1234);
	assert_int_equal(b[16], 0x40);
	vcc_schib_decode(b, &back);
	assert_memory_equal(&back.pmcw, &s.pmcw, sizeof(s.pmcw));
	assert_memory_equal(&back.scsw, &s.scsw, sizeof(s.scsw));
	assert_true(back.mba == s.mba);
	/* A CC bit alone must not look like PNO to QEMU. */
	s.scsw.flags = 1u << SCSW_FLAGS_CC_SHIFT;
	vcc_schib_encode(&s, b);
	assert_false(native16(b + 28) & 0x0001);
}

static void test_crw_as_qemu_reads_it(void **state)
{
	uint8_t b[VCC_CRW_REGION_SIZE];
	struct css_crw crw = {
		.rsc = CRW_RSC_CHP, .erc = CRW_ERC_PERRN, .rsid = 0x0040,
	}, back;

	vcc_crw_encode(&crw, b);
	/* QEMU: CRW { u16 flags; u16 rsid; } copied from region->crw. */
	assert_int_equal(native16(b), 0x0406);
	assert_int_equal(native16(b + 2), 0x0040);
	assert_int_equal(native32(b + 4), 0);
	assert_true(native32(b) != 0);
	assert_int_equal(vcc_crw_decode(b, &back), 0);
	assert_int_equal(back.rsc, CRW_RSC_CHP);
	assert_int_equal(back.erc, CRW_ERC_PERRN);
	assert_int_equal(back.rsid, 0x40);
	crw.overflow = true;
	crw.erc = CRW_ERC_INIT;
	vcc_crw_encode(&crw, b);
	assert_int_equal(native16(b), 0x2402);     /* R bit 0x2000 */
	/* Empty queue: the u32 QEMU tests is 0. */
	vcc_crw_encode(NULL, b);
	assert_int_equal(native32(b), 0);
	assert_int_equal(vcc_crw_decode(b, &back), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orb_from_qemu),
		cmocka_unit_test(test_scsw_from_qemu),
		cmocka_unit_test(test_irb_big_endian),
		cmocka_unit_test(test_ret_codes),
		cmocka_unit_test(test_schib_as_qemu_reads_it),
		cmocka_unit_test(test_crw_as_qemu_reads_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
