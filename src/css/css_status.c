/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Subchannel status as the program sees it: the SCSW at the end of the
 * start, halt and clear functions, intermediate (PCI, initial-status,
 * suspended) status, the ESW and ECW stored by TEST SUBCHANNEL, and what
 * TEST SUBCHANNEL clears. Every guest-visible status is produced here.
 *
 * Principles of Operation SA22-7832 ch. 16 "Subchannel-Status Word" (status
 * control, alert status, deferred condition code, CCW address, count),
 * "Extended-Status Word" (format 0: subchannel logout with the LPUM, ERW
 * with the concurrent-sense bit and sense count), "Extended-Control Word";
 * ch. 14 "TEST SUBCHANNEL" (conditions cleared at the subchannel).
 * All functions are called with sch->lock held.
 */
#include <string.h>

#include "css/css_internal.h"

/* SCSW word-0 bits that START SUBCHANNEL copies from ORB word 1 (same bit
 * positions: key, S, F, P, I, A, U). */
#define ORB_TO_SCSW_FLAGS 0xf8f8
_Static_assert((ORB_CTRL0_KEY | ORB_CTRL0_SPND | ORB_CTRL0_FMT |
		ORB_CTRL0_PFCH | ORB_CTRL0_ISIC | ORB_CTRL0_ALCC |
		ORB_CTRL0_SSIC) == ORB_TO_SCSW_FLAGS, "ORB bits");
_Static_assert((SCSW_FLAGS_KEY | SCSW_FLAGS_SCTL | SCSW_FLAGS_FMT |
		SCSW_FLAGS_PFCH | SCSW_FLAGS_ISIC | SCSW_FLAGS_ALCC |
		SCSW_FLAGS_SSI) == ORB_TO_SCSW_FLAGS, "SCSW bits");

/* Subchannel-logout field-validity flag: LPUM valid (word 0 bit 17). */
#define ESW_SUBLOG_FVF_LPUM 0x00004000u

#define SCSW_CC3 (3u << SCSW_FLAGS_CC_SHIFT)

/* Channel checks that make the ESW a format-0 ESW with logout (L bit). */
#define SCH_STAT_CHANNEL_CHECKS (SCH_STAT_CHN_DATA_CHK | \
				 SCH_STAT_CHN_CTRL_CHK | \
				 SCH_STAT_INTF_CTRL_CHK)

static void set_stctl(struct css_scsw *s, uint16_t stctl)
{
	s->ctrl = (uint16_t)((s->ctrl & ~SCSW_CTRL_STCTL) | stctl);
}

static void set_actl(struct css_scsw *s, uint16_t actl)
{
	s->ctrl = (uint16_t)((s->ctrl & ~SCSW_CTRL_ACTL) | actl);
}

/*
 * Alert status: the status is unusual - unit check, unit exception,
 * attention or busy from the device, or any subchannel status other than
 * PCI (incorrect length included).
 */
static bool is_alert(uint8_t dstat, uint8_t cstat)
{
	return (dstat & (DEV_STAT_ATTENTION | DEV_STAT_UNIT_CHECK |
			 DEV_STAT_UNIT_EXCEP | DEV_STAT_BUSY)) ||
	       (cstat & (uint8_t)~SCH_STAT_PCI);
}

bool css_status_pending(const struct css_subchannel *sch)
{
	return sch->scsw.ctrl & SCSW_STCTL_STATUS_PEND;
}

/* Intermediate status pending, not yet cleared by TEST SUBCHANNEL. */
static bool intermediate_pending(const struct css_subchannel *sch)
{
	return (sch->scsw.ctrl & (SCSW_STCTL_INTERMEDIATE | SCSW_STCTL_STATUS_PEND))
	       == (SCSW_STCTL_INTERMEDIATE | SCSW_STCTL_STATUS_PEND);
}

static void clear_extras(struct css_subchannel *sch)
{
	memset(&sch->esw, 0, sizeof(sch->esw));
	memset(sch->ecw, 0, sizeof(sch->ecw));
}

static void set_logout(struct css_subchannel *sch)
{
	sch->esw.sublog = (uint32_t)sch->pmcw.lpum << ESW_SUBLOG_LPUM_SHIFT;
}

void css_status_reset_for_start(struct css_subchannel *sch,
				const struct css_orb *orb)
{
	struct css_scsw *s = &sch->scsw;

	s->flags = orb->ctrl0 & ORB_TO_SCSW_FLAGS;
	s->ctrl = SCSW_FCTL_START | SCSW_ACTL_START_PEND;
	s->cpa = 0;
	s->dstat = 0;
	s->cstat = 0;
	s->count = 0;
	clear_extras(sch);
	sch->pmcw.intparm = orb->intparm;
	/* The ORB LPM replaces the subchannel's; 0 keeps the PMCW LPM. */
	if (orb->lpm)
		sch->pmcw.lpm = orb->lpm;
}

/*
 * End of a start function that reached the device (normal end, check, or
 * stopped by halt at a CCW boundary): primary + secondary status.
 */
void css_status_final(struct css_subchannel *sch,
		      const struct css_exec_result *res, const uint8_t *sense,
		      size_t sense_len)
{
	struct css_scsw *s = &sch->scsw;
	bool pci = intermediate_pending(sch) && (s->cstat & SCH_STAT_PCI);
	bool zcc = intermediate_pending(sch) && (s->flags & SCSW_FLAGS_ZCC);
	uint16_t stctl = SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY |
			 SCSW_STCTL_STATUS_PEND;

	s->cpa = res->cpa;
	s->count = res->count;
	s->dstat = res->dstat;
	s->cstat = (uint8_t)(res->cstat | (pci ? SCH_STAT_PCI : 0));
	s->flags &= (uint16_t)~(SCSW_FLAGS_ESWF | SCSW_FLAGS_CC | SCSW_FLAGS_ZCC |
				SCSW_FLAGS_ECTL | SCSW_FLAGS_PNO);
	if (zcc)
		s->flags |= SCSW_FLAGS_ZCC;
	if (is_alert(s->dstat, s->cstat))
		stctl |= SCSW_STCTL_ALERT;
	set_actl(s, 0);
	set_stctl(s, stctl);

	clear_extras(sch);
	set_logout(sch);
	if (s->cstat & SCH_STAT_CHANNEL_CHECKS) {
		s->flags |= SCSW_FLAGS_ESWF;
		sch->esw.sublog |= ESW_SUBLOG_FVF_LPUM;
	}
	if (sense_len) {
		if (sense_len > CSS_ECW_SIZE)
			sense_len = CSS_ECW_SIZE;
		memcpy(sch->ecw, sense, sense_len);
		sch->esw.erw = ESW_ERW_CONS |
			       ((uint32_t)sense_len << ESW_ERW_SCNT_SHIFT &
				ESW_ERW_SCNT);
		s->flags |= SCSW_FLAGS_ECTL;
	}
}

/*
 * No path available for selection (LPM & PAM & POM == 0): the start
 * function ends at once with deferred condition code 3, alert status.
 */
void css_status_no_path(struct css_subchannel *sch)
{
	struct css_scsw *s = &sch->scsw;

	s->flags = (uint16_t)((s->flags & ~SCSW_FLAGS_CC) | SCSW_CC3);
	set_actl(s, 0);
	set_stctl(s, SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND);
	s->cpa = 0;
	s->count = 0;
	s->dstat = 0;
	s->cstat = 0;
	sch->pmcw.lpum = 0;
	clear_extras(sch);
}

void css_status_start_refused(const struct css_orb *orb, bool not_oper,
			      struct css_irb *irb)
{
	struct css_scsw *s = &irb->scsw;

	memset(irb, 0, sizeof(*irb));
	s->flags = orb->ctrl0 & ORB_TO_SCSW_FLAGS;
	if (not_oper) {
		s->flags |= SCSW_CC3;
		s->ctrl = SCSW_FCTL_START;
		set_stctl(s, SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND);
		return;
	}
	s->ctrl = SCSW_FCTL_START | SCSW_ACTL_START_PEND;
	set_stctl(s, SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY |
		  SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND);
	s->cpa = orb->cpa + 8;
	s->dstat = DEV_STAT_UNIT_EXCEP;
}

/*
 * Halt function completed without device status: on an idle subchannel, a
 * start-pending one (the program never began) or a suspended one (the CCW
 * address still names the suspended CCW + 8). Status pending alone.
 */
void css_status_halted(struct css_subchannel *sch)
{
	struct css_scsw *s = &sch->scsw;
	bool suspended = s->ctrl & SCSW_ACTL_SUSPENDED;

	set_actl(s, 0);
	set_stctl(s, SCSW_STCTL_STATUS_PEND);
	if (!suspended) {
		s->cpa = 0;
		s->count = 0;
	}
	s->dstat = 0;
	s->cstat = 0;
	s->flags &= (uint16_t)~(SCSW_FLAGS_ESWF | SCSW_FLAGS_ZCC |
				SCSW_FLAGS_ECTL | SCSW_FLAGS_PNO);
	clear_extras(sch);
	set_logout(sch);
}

/*
 * Clear function completed: function control "clear", status pending
 * alone, everything else zero; the LPUM names the path the clear signal
 * used (0 when none was available).
 */
void css_status_cleared(struct css_subchannel *sch, uint8_t path)
{
	struct css_scsw *s = &sch->scsw;

	s->flags = 0;
	s->ctrl = SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND;
	s->cpa = 0;
	s->count = 0;
	s->dstat = 0;
	s->cstat = 0;
	sch->pmcw.lpum = path;
	clear_extras(sch);
	set_logout(sch);
}

/*
 * Intermediate status while the subchannel stays active: PCI, or the
 * initial-status interruption (Z). Merges into status already pending.
 */
bool css_status_intermediate(struct css_subchannel *sch, bool pci, bool zcc,
			     uint32_t cpa, uint16_t count)
{
	struct css_scsw *s = &sch->scsw;

	if (css_status_pending(sch)) {
		if (intermediate_pending(sch)) {
			s->cstat |= pci ? SCH_STAT_PCI : 0;
			s->flags |= zcc ? SCSW_FLAGS_ZCC : 0;
		}
		return false;
	}
	s->cpa = cpa;
	s->count = count;
	s->dstat = 0;
	s->cstat = pci ? SCH_STAT_PCI : 0;
	if (zcc)
		s->flags |= SCSW_FLAGS_ZCC;
	set_stctl(s, SCSW_STCTL_INTERMEDIATE | SCSW_STCTL_STATUS_PEND);
	clear_extras(sch);
	set_logout(sch);
	return true;
}

/*
 * The program reached a CCW with the suspend flag: the subchannel is
 * suspended; unless the ORB asked to suppress it (U), it also becomes
 * status pending with alert + intermediate status.
 */
bool css_status_suspended(struct css_subchannel *sch, uint32_t cpa,
			  uint16_t count)
{
	struct css_scsw *s = &sch->scsw;
	bool pci = intermediate_pending(sch) && (s->cstat & SCH_STAT_PCI);

	set_actl(s, SCSW_ACTL_SUSPENDED);
	s->cpa = cpa;
	s->count = count;
	s->dstat = 0;
	s->cstat = pci ? SCH_STAT_PCI : 0;
	if (s->flags & SCSW_FLAGS_SSI) {
		if (!pci)
			set_stctl(s, 0);
		return false;
	}
	set_stctl(s, SCSW_STCTL_ALERT | SCSW_STCTL_INTERMEDIATE |
		     SCSW_STCTL_STATUS_PEND);
	clear_extras(sch);
	set_logout(sch);
	return !pci;
}

/*
 * Status the device presented on its own while the subchannel was idle
 * (no function, nothing pending): alert status with status pending, no
 * function, CCW address and count zero (PoP "Alert Status": status not
 * associated with a function), the path it came on in the LPUM.
 */
void css_status_unsolicited(struct css_subchannel *sch, uint8_t dstat,
			    uint8_t path)
{
	struct css_scsw *s = &sch->scsw;

	s->flags = 0;
	s->ctrl = SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND;
	s->cpa = 0;
	s->count = 0;
	s->dstat = dstat;
	s->cstat = 0;
	sch->pmcw.lpum = path;
	clear_extras(sch);
	set_logout(sch);
}

void css_status_store_irb(const struct css_subchannel *sch, struct css_irb *irb)
{
	memset(irb, 0, sizeof(*irb));
	irb->scsw = sch->scsw;
	if (!css_status_pending(sch))
		return;
	irb->esw = sch->esw;
	if (sch->scsw.flags & SCSW_FLAGS_ECTL)
		memcpy(irb->ecw, sch->ecw, sizeof(irb->ecw));
}

/* TEST SUBCHANNEL with status pending (PoP fig. "Conditions cleared"). */
void css_status_tsch_clear(struct css_subchannel *sch)
{
	struct css_scsw *s = &sch->scsw;
	uint16_t stctl = s->ctrl & SCSW_CTRL_STCTL;
	uint16_t fctl = s->ctrl & SCSW_CTRL_FCTL;
	uint16_t actl = s->ctrl & SCSW_CTRL_ACTL;
	const uint16_t pend_actl = SCSW_ACTL_RESUME_PEND | SCSW_ACTL_START_PEND |
				   SCSW_ACTL_HALT_PEND | SCSW_ACTL_CLEAR_PEND |
				   SCSW_ACTL_SUSPENDED;

	if (!(stctl & SCSW_STCTL_STATUS_PEND))
		return;
	if (stctl & SCSW_STCTL_INTERMEDIATE) {
		/* The function goes on: keep function and activity control. */
		s->flags &= (uint16_t)~SCSW_FLAGS_ZCC;
		if ((fctl & SCSW_FCTL_HALT) && (actl & SCSW_ACTL_SUSPENDED))
			s->ctrl &= (uint16_t)~SCSW_CTRL_FCTL;
		if ((fctl & SCSW_FCTL_START) && (actl & SCSW_ACTL_SUSPENDED)) {
			s->flags &= (uint16_t)~SCSW_FLAGS_PNO;
			if (fctl & SCSW_FCTL_HALT)
				s->ctrl &= (uint16_t)~pend_actl;
			else
				s->ctrl &= (uint16_t)~SCSW_ACTL_RESUME_PEND;
		}
		s->cstat &= (uint8_t)~SCH_STAT_PCI;
	} else {
		/* Primary, secondary, alert or status pending alone: idle. */
		s->ctrl &= (uint16_t)~(SCSW_CTRL_FCTL | pend_actl);
		s->flags &= (uint16_t)~SCSW_FLAGS_PNO;
	}
	s->ctrl &= (uint16_t)~SCSW_CTRL_STCTL;
	memset(sch->ecw, 0, sizeof(sch->ecw));
}
