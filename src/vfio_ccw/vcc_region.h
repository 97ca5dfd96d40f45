/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bytes of the vfio-ccw device regions (Linux include/uapi/linux/
 * vfio_ccw.h: struct ccw_io_region, ccw_cmd_region, ccw_schib_region,
 * ccw_crw_region) in the byte order QEMU 7.2 (hw/vfio/ccw.c) really uses
 * them, which on an s390x host is the architecture order and on x86 is not
 * (docs/vfio-ccw.md "Byte order"):
 *
 *   io    orb_area, scsw_area: QEMU's ORB / SCSW structs, each field in
 *         host order; irb_area: architecture (big-endian) IRB;
 *         ret_code: host-order s32
 *   cmd   command, ret_code: host-order u32 / s32
 *   schib QEMU's SCHIB struct (PMCW, SCSW, MBA, MDA), each field in host
 *         order (QEMU reads the PMCW bytes and tests the SCSW PNO bit of a
 *         host-order u16)
 *   crw   QEMU's CRW struct: u16 flags, u16 rsid, each in host order, then
 *         a zero pad word; all zero = no CRW
 *
 * Pure functions over byte arrays; structures never overlay them.
 */
#ifndef CCWPASS_VFIO_CCW_VCC_REGION_H
#define CCWPASS_VFIO_CCW_VCC_REGION_H

#include <stdint.h>

#include "css/css_arch.h"

/* Region indexes (vfio_ccw: io is VFIO_CCW_CONFIG_REGION_INDEX, the
 * others follow it as capability-typed regions) and their offsets. */
#define VCC_REGION_IO       0
#define VCC_REGION_ASYNC    1
#define VCC_REGION_SCHIB    2
#define VCC_REGION_CRW      3
#define VCC_NUM_REGIONS     4
#define VCC_REGION_OFFSET(i) ((uint64_t)(i) << 10)

/* struct ccw_io_region */
#define VCC_IO_ORB_OFF      0
#define VCC_IO_SCSW_OFF     12
#define VCC_IO_IRB_OFF      24
#define VCC_IO_RET_OFF      120
#define VCC_IO_REGION_SIZE  124
/* struct ccw_cmd_region */
#define VCC_CMD_COMMAND_OFF 0
#define VCC_CMD_RET_OFF     4
#define VCC_CMD_REGION_SIZE 8
/* struct ccw_schib_region */
#define VCC_SCHIB_REGION_SIZE 52
/* struct ccw_crw_region */
#define VCC_CRW_REGION_SIZE 8

/* io region: the ORB and SCSW QEMU copied in (host-order fields). */
void vcc_io_get_orb(const uint8_t *region, struct css_orb *orb);
void vcc_io_get_scsw(const uint8_t *region, struct css_scsw *scsw);
/* The same areas as QEMU fills them (tests, fuzzing). */
void vcc_io_put_orb(uint8_t *region, const struct css_orb *orb);
void vcc_io_put_scsw(uint8_t *region, const struct css_scsw *scsw);
int32_t vcc_io_get_ret(const uint8_t *region);
void vcc_io_set_ret(uint8_t *region, int32_t ret);
/* The IRB, big-endian as the architecture stores it. */
void vcc_io_put_irb(uint8_t *region, const struct css_irb *irb);
void vcc_io_get_irb(const uint8_t *region, struct css_irb *irb);

/* cmd region */
uint32_t vcc_cmd_get_command(const uint8_t *region);
int32_t vcc_cmd_get_ret(const uint8_t *region);
void vcc_cmd_set_ret(uint8_t *region, int32_t ret);

/* schib region (52 bytes), QEMU's SCHIB layout with host-order fields. */
void vcc_schib_encode(const struct css_schib *schib, uint8_t *b);
void vcc_schib_decode(const uint8_t *b, struct css_schib *schib);

/* crw region (8 bytes); a NULL crw encodes "none" (all zero). */
void vcc_crw_encode(const struct css_crw *crw, uint8_t *b);
/* Returns 0 (b holds a CRW) or -ENOENT (all zero: no CRW). */
int vcc_crw_decode(const uint8_t *b, struct css_crw *crw);

#endif
