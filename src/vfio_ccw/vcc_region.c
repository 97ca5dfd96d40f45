/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Region byte layouts of the vfio-ccw device (Linux uapi vfio_ccw.h) in
 * the byte order QEMU 7.2 uses them; see vcc_region.h and
 * docs/vfio-ccw.md "Byte order". Field offsets of ORB, SCSW, PMCW, SCHIB
 * follow the Principles of Operation (SA22-7832 ch. 15 "Operation-Request
 * Block", ch. 16 "Subchannel-Status Word", ch. 15 "Subchannel-Information
 * Block"), which QEMU's packed structs mirror; CRW: ch. 17 "Channel-Report
 * Word" (QEMU's struct splits it into flags and rsid halfwords).
 */
#include "vfio_ccw/vcc_region.h"

#include <errno.h>
#include <linux/vfio_ccw.h>
#include <string.h>

#include "common/byteorder.h"

_Static_assert(sizeof(struct ccw_io_region) == VCC_IO_REGION_SIZE, "io");
_Static_assert(sizeof(struct ccw_cmd_region) == VCC_CMD_REGION_SIZE, "cmd");
_Static_assert(sizeof(struct ccw_schib_region) == VCC_SCHIB_REGION_SIZE,
	       "schib");
_Static_assert(sizeof(struct ccw_crw_region) == VCC_CRW_REGION_SIZE, "crw");
_Static_assert(ORB_AREA_SIZE == CSS_ORB_SIZE &&
	       SCSW_AREA_SIZE == CSS_SCSW_SIZE &&
	       IRB_AREA_SIZE == CSS_IRB_SIZE &&
	       SCHIB_AREA_SIZE == CSS_SCHIB_SIZE, "area sizes");
_Static_assert(VCC_IO_SCSW_OFF == VCC_IO_ORB_OFF + ORB_AREA_SIZE &&
	       VCC_IO_IRB_OFF == VCC_IO_SCSW_OFF + SCSW_AREA_SIZE &&
	       VCC_IO_RET_OFF == VCC_IO_IRB_OFF + IRB_AREA_SIZE, "io layout");

/*
 * ORB, SCSW and SCHIB: the architecture's layout (QEMU's packed structs
 * mirror it) with host-order fields, i.e. css_arch's CSS_ORDER_HOST.
 */

/* CRW (QEMU struct CRW): flags halfword, rsid halfword. */
#define CRW_FLAGS 0
#define CRW_RSID  2
#define CRW_PAD   4

void vcc_io_get_orb(const uint8_t *region, struct css_orb *orb)
{
	css_orb_load_o(orb, region + VCC_IO_ORB_OFF, CSS_ORDER_HOST);
}

void vcc_io_put_orb(uint8_t *region, const struct css_orb *orb)
{
	css_orb_store_o(orb, region + VCC_IO_ORB_OFF, CSS_ORDER_HOST);
}

void vcc_io_get_scsw(const uint8_t *region, struct css_scsw *scsw)
{
	css_scsw_load_o(scsw, region + VCC_IO_SCSW_OFF, CSS_ORDER_HOST);
}

void vcc_io_put_scsw(uint8_t *region, const struct css_scsw *scsw)
{
	css_scsw_store_o(scsw, region + VCC_IO_SCSW_OFF, CSS_ORDER_HOST);
}

int32_t vcc_io_get_ret(const uint8_t *region)
{
	return (int32_t)ld_he32(region + VCC_IO_RET_OFF);
}

void vcc_io_set_ret(uint8_t *region, int32_t ret)
{
	st_he32(region + VCC_IO_RET_OFF, (uint32_t)ret);
}

void vcc_io_put_irb(uint8_t *region, const struct css_irb *irb)
{
	css_irb_store(irb, region + VCC_IO_IRB_OFF);
}

void vcc_io_get_irb(const uint8_t *region, struct css_irb *irb)
{
	css_irb_load(irb, region + VCC_IO_IRB_OFF);
}

uint32_t vcc_cmd_get_command(const uint8_t *region)
{
	return ld_he32(region + VCC_CMD_COMMAND_OFF);
}

int32_t vcc_cmd_get_ret(const uint8_t *region)
{
	return (int32_t)ld_he32(region + VCC_CMD_RET_OFF);
}

void vcc_cmd_set_ret(uint8_t *region, int32_t ret)
{
	st_he32(region + VCC_CMD_RET_OFF, (uint32_t)ret);
}

void vcc_schib_encode(const struct css_schib *schib, uint8_t *b)
{
	css_schib_store_o(schib, b, CSS_ORDER_HOST);
}

void vcc_schib_decode(const uint8_t *b, struct css_schib *schib)
{
	css_schib_load_o(schib, b, CSS_ORDER_HOST);
}

void vcc_crw_encode(const struct css_crw *crw, uint8_t *b)
{
	uint32_t word = crw ? css_crw_encode(crw) : 0;

	st_he16(b + CRW_FLAGS, (uint16_t)(word >> 16));
	st_he16(b + CRW_RSID, (uint16_t)word);
	st_he32(b + CRW_PAD, 0);
}

int vcc_crw_decode(const uint8_t *b, struct css_crw *crw)
{
	uint32_t word = (uint32_t)ld_he16(b + CRW_FLAGS) << 16 |
			ld_he16(b + CRW_RSID);

	if (!word)
		return -ENOENT;
	css_crw_decode(crw, word);
	return 0;
}
