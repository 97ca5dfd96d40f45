/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte images of the channel-subsystem formats, big-endian as the
 * architecture defines them (or in host order for QEMU's vfio-ccw regions:
 * css_arch.h "enum css_order") (Principles of
 * Operation SA22-7832, ch. 15 "Operation-Request Block", "Channel-Command
 * Word", ch. 15 "Subchannel-Information Block" (PMCW), ch. 16
 * "Interruption-Response Block" (SCSW, ESW, ECW, EMW), ch. 17
 * "Channel-Report Word").
 */
#include "css/css_arch.h"

#include <string.h>

#include "common/byteorder.h"

/* Byte offsets inside the architecture images. */
#define ORB_OFF_INTPARM 0
#define ORB_OFF_CTRL0   4
#define ORB_OFF_LPM     6
#define ORB_OFF_CTRL1   7
#define ORB_OFF_CPA     8

#define PMCW_OFF_INTPARM 0
#define PMCW_OFF_FLAGS   4
#define PMCW_OFF_DEVNO   6
#define PMCW_OFF_LPM     8
#define PMCW_OFF_PNOM    9
#define PMCW_OFF_LPUM    10
#define PMCW_OFF_PIM     11
#define PMCW_OFF_MBI     12
#define PMCW_OFF_POM     14
#define PMCW_OFF_PAM     15
#define PMCW_OFF_CHPID   16
#define PMCW_OFF_CHARS   24

#define SCSW_OFF_FLAGS 0
#define SCSW_OFF_CTRL  2
#define SCSW_OFF_CPA   4
#define SCSW_OFF_DSTAT 8
#define SCSW_OFF_CSTAT 9
#define SCSW_OFF_COUNT 10

#define SCHIB_OFF_PMCW 0
#define SCHIB_OFF_SCSW 28
#define SCHIB_OFF_MBA  40
#define SCHIB_OFF_MDA  48

#define IRB_OFF_SCSW 0
#define IRB_OFF_ESW  12
#define IRB_OFF_ECW  32
#define IRB_OFF_EMW  64
#define IRB_EMW_SIZE 32

#define ESW_OFF_SUBLOG 0
#define ESW_OFF_ERW    4
#define ESW_OFF_FADDR  8
#define ESW_OFF_SADDR  16

_Static_assert(ORB_OFF_CPA + 4 == CSS_ORB_SIZE, "ORB command-mode words 0-2");
_Static_assert(CSS_CCW_SIZE == 8, "a CCW is a doubleword");
_Static_assert(PMCW_OFF_CHARS + 4 == CSS_PMCW_SIZE, "PMCW is 7 words");
_Static_assert(SCSW_OFF_COUNT + 2 == CSS_SCSW_SIZE, "SCSW is 3 words");
_Static_assert(SCHIB_OFF_SCSW == CSS_PMCW_SIZE, "SCHIB: SCSW follows PMCW");
_Static_assert(SCHIB_OFF_MBA == SCHIB_OFF_SCSW + CSS_SCSW_SIZE,
	       "SCHIB: MBA follows SCSW");
_Static_assert(SCHIB_OFF_MDA + 4 == CSS_SCHIB_SIZE, "SCHIB is 13 words");
_Static_assert(IRB_OFF_ESW == CSS_SCSW_SIZE, "IRB: ESW follows SCSW");
_Static_assert(ESW_OFF_SADDR + 4 == CSS_ESW_SIZE, "ESW is 5 words");
_Static_assert(IRB_OFF_ECW == IRB_OFF_ESW + CSS_ESW_SIZE, "IRB: ECW at word 8");
_Static_assert(IRB_OFF_EMW == IRB_OFF_ECW + CSS_ECW_SIZE, "IRB: EMW at word 16");
_Static_assert(IRB_OFF_EMW + IRB_EMW_SIZE == CSS_IRB_SIZE, "IRB is 24 words");
_Static_assert(sizeof(((struct css_irb *)0)->emw) == IRB_EMW_SIZE, "EMW size");

/* Multi-byte fields in the order the image uses (css_arch.h). */
static uint16_t ld16(enum css_order o, const uint8_t *p)
{
	return o == CSS_ORDER_BE ? ld_be16(p) : ld_he16(p);
}

static uint32_t ld32(enum css_order o, const uint8_t *p)
{
	return o == CSS_ORDER_BE ? ld_be32(p) : ld_he32(p);
}

static uint64_t ld64(enum css_order o, const uint8_t *p)
{
	return o == CSS_ORDER_BE ? ld_be64(p) : ld_he64(p);
}

static void st16(enum css_order o, uint8_t *p, uint16_t v)
{
	if (o == CSS_ORDER_BE)
		st_be16(p, v);
	else
		st_he16(p, v);
}

static void st32(enum css_order o, uint8_t *p, uint32_t v)
{
	if (o == CSS_ORDER_BE)
		st_be32(p, v);
	else
		st_he32(p, v);
}

static void st64(enum css_order o, uint8_t *p, uint64_t v)
{
	if (o == CSS_ORDER_BE)
		st_be64(p, v);
	else
		st_he64(p, v);
}

void css_orb_load_o(struct css_orb *orb, const uint8_t b[CSS_ORB_SIZE],
		    enum css_order o)
{
	orb->intparm = ld32(o, b + ORB_OFF_INTPARM);
	orb->ctrl0 = ld16(o, b + ORB_OFF_CTRL0);
	orb->lpm = b[ORB_OFF_LPM];
	orb->ctrl1 = b[ORB_OFF_CTRL1];
	orb->cpa = ld32(o, b + ORB_OFF_CPA);
}

void css_orb_store_o(const struct css_orb *orb, uint8_t b[CSS_ORB_SIZE],
		     enum css_order o)
{
	st32(o, b + ORB_OFF_INTPARM, orb->intparm);
	st16(o, b + ORB_OFF_CTRL0, orb->ctrl0);
	b[ORB_OFF_LPM] = orb->lpm;
	b[ORB_OFF_CTRL1] = orb->ctrl1;
	st32(o, b + ORB_OFF_CPA, orb->cpa);
}

void css_orb_load(struct css_orb *orb, const uint8_t b[CSS_ORB_SIZE])
{
	css_orb_load_o(orb, b, CSS_ORDER_BE);
}

void css_orb_store(const struct css_orb *orb, uint8_t b[CSS_ORB_SIZE])
{
	css_orb_store_o(orb, b, CSS_ORDER_BE);
}

/*
 * Format 1: command, flags, count(2), data address(4).
 * Format 0: command, data address(3), flags, reserved, count(2). A format-0
 * TIC is any command code with 1000 in bits 4-7; its flags and count are
 * ignored, so the converted CCW is a clean format-1 TIC.
 */
void css_ccw_load(struct css_ccw *ccw, const uint8_t b[CSS_CCW_SIZE], bool fmt1)
{
	if (fmt1) {
		ccw->cmd = b[0];
		ccw->flags = b[1];
		ccw->count = ld_be16(b + 2);
		ccw->cda = ld_be32(b + 4);
		return;
	}
	ccw->cda = ld_be24(b + 1);
	if (CCW_CMD_IS_TIC(b[0])) {
		ccw->cmd = CCW_CMD_TIC;
		ccw->flags = 0;
		ccw->count = 0;
		return;
	}
	ccw->cmd = b[0];
	ccw->flags = b[4];
	ccw->count = ld_be16(b + 6);
}

void css_ccw_store(const struct css_ccw *ccw, uint8_t b[CSS_CCW_SIZE])
{
	b[0] = ccw->cmd;
	b[1] = ccw->flags;
	st_be16(b + 2, ccw->count);
	st_be32(b + 4, ccw->cda);
}

void css_scsw_load_o(struct css_scsw *scsw, const uint8_t b[CSS_SCSW_SIZE],
		     enum css_order o)
{
	scsw->flags = ld16(o, b + SCSW_OFF_FLAGS);
	scsw->ctrl = ld16(o, b + SCSW_OFF_CTRL);
	scsw->cpa = ld32(o, b + SCSW_OFF_CPA);
	scsw->dstat = b[SCSW_OFF_DSTAT];
	scsw->cstat = b[SCSW_OFF_CSTAT];
	scsw->count = ld16(o, b + SCSW_OFF_COUNT);
}

void css_scsw_store_o(const struct css_scsw *scsw, uint8_t b[CSS_SCSW_SIZE],
		      enum css_order o)
{
	st16(o, b + SCSW_OFF_FLAGS, scsw->flags);
	st16(o, b + SCSW_OFF_CTRL, scsw->ctrl);
	st32(o, b + SCSW_OFF_CPA, scsw->cpa);
	b[SCSW_OFF_DSTAT] = scsw->dstat;
	b[SCSW_OFF_CSTAT] = scsw->cstat;
	st16(o, b + SCSW_OFF_COUNT, scsw->count);
}

void css_scsw_load(struct css_scsw *scsw, const uint8_t b[CSS_SCSW_SIZE])
{
	css_scsw_load_o(scsw, b, CSS_ORDER_BE);
}

void css_scsw_store(const struct css_scsw *scsw, uint8_t b[CSS_SCSW_SIZE])
{
	css_scsw_store_o(scsw, b, CSS_ORDER_BE);
}

static void pmcw_load(struct css_pmcw *pmcw, const uint8_t b[CSS_PMCW_SIZE],
		      enum css_order o)
{
	pmcw->intparm = ld32(o, b + PMCW_OFF_INTPARM);
	pmcw->flags = ld16(o, b + PMCW_OFF_FLAGS);
	pmcw->devno = ld16(o, b + PMCW_OFF_DEVNO);
	pmcw->lpm = b[PMCW_OFF_LPM];
	pmcw->pnom = b[PMCW_OFF_PNOM];
	pmcw->lpum = b[PMCW_OFF_LPUM];
	pmcw->pim = b[PMCW_OFF_PIM];
	pmcw->mbi = ld16(o, b + PMCW_OFF_MBI);
	pmcw->pom = b[PMCW_OFF_POM];
	pmcw->pam = b[PMCW_OFF_PAM];
	memcpy(pmcw->chpid, b + PMCW_OFF_CHPID, sizeof(pmcw->chpid));
	pmcw->chars = ld32(o, b + PMCW_OFF_CHARS);
}

void css_pmcw_load(struct css_pmcw *pmcw, const uint8_t b[CSS_PMCW_SIZE])
{
	pmcw_load(pmcw, b, CSS_ORDER_BE);
}

static void pmcw_store(const struct css_pmcw *pmcw, uint8_t b[CSS_PMCW_SIZE],
		       enum css_order o)
{
	st32(o, b + PMCW_OFF_INTPARM, pmcw->intparm);
	st16(o, b + PMCW_OFF_FLAGS, pmcw->flags);
	st16(o, b + PMCW_OFF_DEVNO, pmcw->devno);
	b[PMCW_OFF_LPM] = pmcw->lpm;
	b[PMCW_OFF_PNOM] = pmcw->pnom;
	b[PMCW_OFF_LPUM] = pmcw->lpum;
	b[PMCW_OFF_PIM] = pmcw->pim;
	st16(o, b + PMCW_OFF_MBI, pmcw->mbi);
	b[PMCW_OFF_POM] = pmcw->pom;
	b[PMCW_OFF_PAM] = pmcw->pam;
	memcpy(b + PMCW_OFF_CHPID, pmcw->chpid, sizeof(pmcw->chpid));
	st32(o, b + PMCW_OFF_CHARS, pmcw->chars);
}

void css_pmcw_store(const struct css_pmcw *pmcw, uint8_t b[CSS_PMCW_SIZE])
{
	pmcw_store(pmcw, b, CSS_ORDER_BE);
}

void css_schib_load_o(struct css_schib *schib,
		      const uint8_t b[CSS_SCHIB_SIZE], enum css_order o)
{
	pmcw_load(&schib->pmcw, b + SCHIB_OFF_PMCW, o);
	css_scsw_load_o(&schib->scsw, b + SCHIB_OFF_SCSW, o);
	schib->mba = ld64(o, b + SCHIB_OFF_MBA);
	memcpy(schib->mda, b + SCHIB_OFF_MDA, sizeof(schib->mda));
}

void css_schib_store_o(const struct css_schib *schib,
		       uint8_t b[CSS_SCHIB_SIZE], enum css_order o)
{
	pmcw_store(&schib->pmcw, b + SCHIB_OFF_PMCW, o);
	css_scsw_store_o(&schib->scsw, b + SCHIB_OFF_SCSW, o);
	st64(o, b + SCHIB_OFF_MBA, schib->mba);
	memcpy(b + SCHIB_OFF_MDA, schib->mda, sizeof(schib->mda));
}

void css_schib_load(struct css_schib *schib, const uint8_t b[CSS_SCHIB_SIZE])
{
	css_schib_load_o(schib, b, CSS_ORDER_BE);
}

void css_schib_store(const struct css_schib *schib, uint8_t b[CSS_SCHIB_SIZE])
{
	css_schib_store_o(schib, b, CSS_ORDER_BE);
}

void css_irb_store(const struct css_irb *irb, uint8_t b[CSS_IRB_SIZE])
{
	uint8_t *esw = b + IRB_OFF_ESW;

	css_scsw_store(&irb->scsw, b + IRB_OFF_SCSW);
	st_be32(esw + ESW_OFF_SUBLOG, irb->esw.sublog);
	st_be32(esw + ESW_OFF_ERW, irb->esw.erw);
	st_be64(esw + ESW_OFF_FADDR, irb->esw.faddr);
	st_be32(esw + ESW_OFF_SADDR, irb->esw.saddr);
	memcpy(b + IRB_OFF_ECW, irb->ecw, CSS_ECW_SIZE);
	memcpy(b + IRB_OFF_EMW, irb->emw, IRB_EMW_SIZE);
}

void css_irb_load(struct css_irb *irb, const uint8_t b[CSS_IRB_SIZE])
{
	const uint8_t *esw = b + IRB_OFF_ESW;

	css_scsw_load(&irb->scsw, b + IRB_OFF_SCSW);
	irb->esw.sublog = ld_be32(esw + ESW_OFF_SUBLOG);
	irb->esw.erw = ld_be32(esw + ESW_OFF_ERW);
	irb->esw.faddr = ld_be64(esw + ESW_OFF_FADDR);
	irb->esw.saddr = ld_be32(esw + ESW_OFF_SADDR);
	memcpy(irb->ecw, b + IRB_OFF_ECW, CSS_ECW_SIZE);
	memcpy(irb->emw, b + IRB_OFF_EMW, IRB_EMW_SIZE);
}

/*
 * CRW: bit 0 reserved, 1 solicited, 2 overflow, 3 chaining, 4-7 reporting
 * source, 8 ancillary report (not kept), 9 reserved, 10-15 error-recovery
 * code, 16-31 reporting-source ID.
 */
#define CRW_S        0x40000000u
#define CRW_R        0x20000000u
#define CRW_C        0x10000000u
#define CRW_RSC_SHIFT 24
#define CRW_RSC_MASK 0x0fu
#define CRW_ERC_SHIFT 16
#define CRW_ERC_MASK 0x3fu

uint32_t css_crw_encode(const struct css_crw *crw)
{
	return (crw->solicited ? CRW_S : 0) | (crw->overflow ? CRW_R : 0) |
	       (crw->chain ? CRW_C : 0) |
	       (uint32_t)(crw->rsc & CRW_RSC_MASK) << CRW_RSC_SHIFT |
	       (uint32_t)(crw->erc & CRW_ERC_MASK) << CRW_ERC_SHIFT |
	       crw->rsid;
}

void css_crw_decode(struct css_crw *crw, uint32_t word)
{
	crw->solicited = word & CRW_S;
	crw->overflow = word & CRW_R;
	crw->chain = word & CRW_C;
	crw->rsc = (word >> CRW_RSC_SHIFT) & CRW_RSC_MASK;
	crw->erc = (word >> CRW_ERC_SHIFT) & CRW_ERC_MASK;
	crw->rsid = (uint16_t)word;
}
