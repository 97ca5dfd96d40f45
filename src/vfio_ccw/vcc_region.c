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

/* ORB words 0-2 (QEMU struct ORB). */
#define ORB_INTPARM 0
#define ORB_CTRL0   4
#define ORB_LPM     6
#define ORB_CTRL1   7
#define ORB_CPA     8

/* SCSW (QEMU struct SCSW). */
#define SCSW_FLAGS  0
#define SCSW_CTRL   2
#define SCSW_CPA    4
#define SCSW_DSTAT  8
#define SCSW_CSTAT  9
#define SCSW_COUNT  10

/* PMCW (QEMU struct PMCW), SCHIB (struct SCHIB). */
#define PMCW_INTPARM 0
#define PMCW_FLAGS   4
#define PMCW_DEVNO   6
#define PMCW_LPM     8
#define PMCW_PNOM    9
#define PMCW_LPUM    10
#define PMCW_PIM     11
#define PMCW_MBI     12
#define PMCW_POM     14
#define PMCW_PAM     15
#define PMCW_CHPID   16
#define PMCW_CHARS   24
#define SCHIB_SCSW   28
#define SCHIB_MBA    40
#define SCHIB_MDA    48
_Static_assert(SCHIB_SCSW == CSS_PMCW_SIZE && SCHIB_MBA == 28 + CSS_SCSW_SIZE &&
	       SCHIB_MDA + 4 == CSS_SCHIB_SIZE, "SCHIB layout");

/* CRW (QEMU struct CRW): flags halfword, rsid halfword. */
#define CRW_FLAGS 0
#define CRW_RSID  2
#define CRW_PAD   4

static void scsw_get_he(const uint8_t *b, struct css_scsw *s)
{
	s->flags = ld_he16(b + SCSW_FLAGS);
	s->ctrl = ld_he16(b + SCSW_CTRL);
	s->cpa = ld_he32(b + SCSW_CPA);
	s->dstat = b[SCSW_DSTAT];
	s->cstat = b[SCSW_CSTAT];
	s->count = ld_he16(b + SCSW_COUNT);
}

static void scsw_put_he(uint8_t *b, const struct css_scsw *s)
{
	st_he16(b + SCSW_FLAGS, s->flags);
	st_he16(b + SCSW_CTRL, s->ctrl);
	st_he32(b + SCSW_CPA, s->cpa);
	b[SCSW_DSTAT] = s->dstat;
	b[SCSW_CSTAT] = s->cstat;
	st_he16(b + SCSW_COUNT, s->count);
}

void vcc_io_get_orb(const uint8_t *region, struct css_orb *orb)
{
	const uint8_t *b = region + VCC_IO_ORB_OFF;

	orb->intparm = ld_he32(b + ORB_INTPARM);
	orb->ctrl0 = ld_he16(b + ORB_CTRL0);
	orb->lpm = b[ORB_LPM];
	orb->ctrl1 = b[ORB_CTRL1];
	orb->cpa = ld_he32(b + ORB_CPA);
}

void vcc_io_put_orb(uint8_t *region, const struct css_orb *orb)
{
	uint8_t *b = region + VCC_IO_ORB_OFF;

	st_he32(b + ORB_INTPARM, orb->intparm);
	st_he16(b + ORB_CTRL0, orb->ctrl0);
	b[ORB_LPM] = orb->lpm;
	b[ORB_CTRL1] = orb->ctrl1;
	st_he32(b + ORB_CPA, orb->cpa);
}

void vcc_io_get_scsw(const uint8_t *region, struct css_scsw *scsw)
{
	scsw_get_he(region + VCC_IO_SCSW_OFF, scsw);
}

void vcc_io_put_scsw(uint8_t *region, const struct css_scsw *scsw)
{
	scsw_put_he(region + VCC_IO_SCSW_OFF, scsw);
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
	const struct css_pmcw *p = &schib->pmcw;

	memset(b, 0, VCC_SCHIB_REGION_SIZE);
	st_he32(b + PMCW_INTPARM, p->intparm);
	st_he16(b + PMCW_FLAGS, p->flags);
	st_he16(b + PMCW_DEVNO, p->devno);
	b[PMCW_LPM] = p->lpm;
	b[PMCW_PNOM] = p->pnom;
	b[PMCW_LPUM] = p->lpum;
	b[PMCW_PIM] = p->pim;
	st_he16(b + PMCW_MBI, p->mbi);
	b[PMCW_POM] = p->pom;
	b[PMCW_PAM] = p->pam;
	memcpy(b + PMCW_CHPID, p->chpid, sizeof(p->chpid));
	st_he32(b + PMCW_CHARS, p->chars);
	scsw_put_he(b + SCHIB_SCSW, &schib->scsw);
	st_he64(b + SCHIB_MBA, schib->mba);
	memcpy(b + SCHIB_MDA, schib->mda, sizeof(schib->mda));
}

void vcc_schib_decode(const uint8_t *b, struct css_schib *schib)
{
	struct css_pmcw *p = &schib->pmcw;

	p->intparm = ld_he32(b + PMCW_INTPARM);
	p->flags = ld_he16(b + PMCW_FLAGS);
	p->devno = ld_he16(b + PMCW_DEVNO);
	p->lpm = b[PMCW_LPM];
	p->pnom = b[PMCW_PNOM];
	p->lpum = b[PMCW_LPUM];
	p->pim = b[PMCW_PIM];
	p->mbi = ld_he16(b + PMCW_MBI);
	p->pom = b[PMCW_POM];
	p->pam = b[PMCW_PAM];
	memcpy(p->chpid, b + PMCW_CHPID, sizeof(p->chpid));
	p->chars = ld_he32(b + PMCW_CHARS);
	scsw_get_he(b + SCHIB_SCSW, &schib->scsw);
	schib->mba = ld_he64(b + SCHIB_MBA);
	memcpy(schib->mda, b + SCHIB_MDA, sizeof(schib->mda));
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
