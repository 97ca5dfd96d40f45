/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The I/O instructions against one subchannel: START, HALT, CLEAR, TEST,
 * STORE and MODIFY SUBCHANNEL, with the condition codes of Principles of
 * Operation SA22-7832 ch. 14 ("I/O Instructions"). A subchannel is not
 * operational (cc 3) for SSCH/HSCH/CSCH/TSCH when it has no valid device
 * number or is not enabled.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "css/css_internal.h"

#define CC_OK           0
#define CC_STATUS_PEND  1
#define CC_BUSY         2
#define CC_NOT_OPER     3

/* PMCW bits MODIFY SUBCHANNEL takes from the SCHIB. */
#define MSCH_FLAGS (PMCW_FLAGS_ISC | PMCW_FLAGS_ENA | PMCW_FLAGS_LM | \
		    PMCW_FLAGS_MME | PMCW_FLAGS_MP)
#define MSCH_CHARS (PMCW_CHARS_MBFC | PMCW_CHARS_XMWME | PMCW_CHARS_CSENSE)
/* PMCW word 1 bits 5-7 and word 6 bits other than ST/F/X/S: reserved. */
#define PMCW_FLAGS_RESERVED 0x0700
#define PMCW_CHARS_RESERVED (~(uint32_t)(PMCW_CHARS_ST | MSCH_CHARS))

static bool not_operational(const struct css_subchannel *sch)
{
	return (sch->pmcw.flags & (PMCW_FLAGS_DNV | PMCW_FLAGS_ENA)) !=
	       (PMCW_FLAGS_DNV | PMCW_FLAGS_ENA);
}

static uint16_t stctl(const struct css_subchannel *sch)
{
	return sch->scsw.ctrl & SCSW_CTRL_STCTL;
}

static uint16_t fctl(const struct css_subchannel *sch)
{
	return sch->scsw.ctrl & SCSW_CTRL_FCTL;
}

int css_ssch(struct css_subchannel *sch, const struct css_orb *orb,
	     struct css_mem *mem)
{
	int ret;

	if (orb->ctrl0 & ORB_CTRL0_B)
		return -EOPNOTSUPP;    /* transport mode */
	if ((orb->ctrl0 & ORB_CTRL0_STRM) || (orb->ctrl1 & ORB_CTRL1_RESERVED) ||
	    (orb->cpa & 0x80000000u) || !mem)
		return -EINVAL;        /* operand exception */

	pthread_mutex_lock(&sch->lock);
	if (not_operational(sch)) {
		ret = CC_NOT_OPER;
	} else if (stctl(sch) & SCSW_STCTL_STATUS_PEND) {
		ret = CC_STATUS_PEND;
	} else if (fctl(sch)) {
		ret = CC_BUSY;
	} else {
		ret = css_worker_prepare(sch);
		if (ret == 0) {
			css_status_reset_for_start(sch, orb);
			sch->orb = *orb;
			sch->mem = mem;
			sch->t_start = ptime_now();
			if (log_enabled(LOG_DEBUG))
				css_log(sch, LOG_DEBUG,
					"ssch cpa %08x ctrl %04x lpm %02x %02x",
					orb->cpa, orb->ctrl0, orb->lpm, orb->ctrl1);
			css_worker_kick(sch);
		}
	}
	pthread_mutex_unlock(&sch->lock);
	return ret;
}

int css_hsch(struct css_subchannel *sch)
{
	const uint16_t active = SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE;
	uint16_t sc;
	int ret;

	pthread_mutex_lock(&sch->lock);
	sc = stctl(sch);
	if (not_operational(sch)) {
		ret = CC_NOT_OPER;
	} else if (sc == SCSW_STCTL_STATUS_PEND ||
		   ((sc & SCSW_STCTL_STATUS_PEND) &&
		    (sc & (SCSW_STCTL_ALERT | SCSW_STCTL_PRIMARY |
			   SCSW_STCTL_SECONDARY)))) {
		ret = CC_STATUS_PEND;
	} else if (fctl(sch) & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR)) {
		ret = CC_BUSY;
	} else {
		ret = css_worker_prepare(sch);
		if (ret == 0) {
			/* Intermediate status of an active subchannel is
			 * withdrawn: the halt's status replaces it. */
			if (sc == (SCSW_STCTL_INTERMEDIATE | SCSW_STCTL_STATUS_PEND) &&
			    (sch->scsw.ctrl & active) == active)
				sch->scsw.ctrl &= (uint16_t)~SCSW_CTRL_STCTL;
			sch->scsw.ctrl |= SCSW_FCTL_HALT | SCSW_ACTL_HALT_PEND;
			css_log(sch, LOG_DEBUG, "hsch");
			css_worker_kick(sch);
		}
	}
	pthread_mutex_unlock(&sch->lock);
	return ret;
}

int css_csch(struct css_subchannel *sch)
{
	int ret;

	pthread_mutex_lock(&sch->lock);
	if (not_operational(sch)) {
		ret = CC_NOT_OPER;
	} else {
		ret = css_worker_prepare(sch);
		if (ret == 0) {
			/* Pending status is withdrawn; the path masks are
			 * reset before the clear signal. */
			sch->scsw.ctrl = SCSW_FCTL_CLEAR | SCSW_ACTL_CLEAR_PEND;
			sch->scsw.flags &= (uint16_t)~SCSW_FLAGS_PNO;
			sch->pmcw.pom = 0xff;
			sch->pmcw.lpum = 0;
			sch->pmcw.pnom = 0;
			css_log(sch, LOG_DEBUG, "csch");
			css_worker_kick(sch);
		}
	}
	pthread_mutex_unlock(&sch->lock);
	return ret;
}

int css_tsch(struct css_subchannel *sch, struct css_irb *irb)
{
	int ret;

	pthread_mutex_lock(&sch->lock);
	if (not_operational(sch)) {
		ret = CC_NOT_OPER;
	} else {
		css_status_store_irb(sch, irb);
		if (css_status_pending(sch)) {
			css_status_tsch_clear(sch);
			if (sch->unsolicited)
				css_worker_kick(sch);   /* its turn now */
			ret = CC_OK;
		} else {
			ret = CC_STATUS_PEND;
		}
	}
	pthread_mutex_unlock(&sch->lock);
	return ret;
}

void css_sch_present(struct css_subchannel *sch, uint8_t dstat)
{
	pthread_mutex_lock(&sch->lock);
	sch->unsolicited |= dstat;
	if (css_worker_prepare(sch) == 0)
		css_worker_kick(sch);
	pthread_mutex_unlock(&sch->lock);
}

int css_stsch(struct css_subchannel *sch, struct css_schib *schib)
{
	pthread_mutex_lock(&sch->lock);
	schib->pmcw = sch->pmcw;
	schib->scsw = sch->scsw;
	schib->mba = sch->mba;
	memcpy(schib->mda, sch->mda, sizeof(schib->mda));
	pthread_mutex_unlock(&sch->lock);
	return CC_OK;
}

int css_msch(struct css_subchannel *sch, const struct css_schib *schib)
{
	const struct css_pmcw *in = &schib->pmcw;
	struct css_pmcw *p;
	int ret = CC_OK;

	if ((in->flags & PMCW_FLAGS_RESERVED) || (in->chars & PMCW_CHARS_RESERVED))
		return -EINVAL;        /* operand exception */

	pthread_mutex_lock(&sch->lock);
	p = &sch->pmcw;
	if (!(p->flags & PMCW_FLAGS_DNV)) {
		ret = CC_OK;           /* no device: nothing to modify */
	} else if (stctl(sch) & SCSW_STCTL_STATUS_PEND) {
		ret = CC_STATUS_PEND;
	} else if (fctl(sch)) {
		ret = CC_BUSY;
	} else {
		p->intparm = in->intparm;
		p->flags = (uint16_t)((p->flags & ~MSCH_FLAGS) | (in->flags & MSCH_FLAGS));
		p->lpm = in->lpm;
		p->mbi = in->mbi;
		p->chars = (p->chars & ~MSCH_CHARS) | (in->chars & MSCH_CHARS);
		sch->mba = schib->mba;
		if (log_enabled(LOG_DEBUG))
			css_log(sch, LOG_DEBUG, "msch flags %04x lpm %02x chars %08x",
				p->flags, p->lpm, p->chars);
	}
	pthread_mutex_unlock(&sch->lock);
	return ret;
}
