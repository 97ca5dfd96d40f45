/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio_ccw state machine (Linux drivers/s390/cio/vfio_ccw_fsm.c): a
 * [state][event] table of named actions, and the only place that starts,
 * halts and clears I/O on the subchannel (START / HALT / CLEAR / MODIFY
 * SUBCHANNEL, Principles of Operation SA22-7832 ch. 14 "I/O Instructions").
 * docs/vfio-ccw.md has the table and the errno of every request.
 *
 * Where the software channel subsystem differs from a machine:
 * - START gives immediate cc 3 only for a disabled subchannel; "no usable
 *   path" is a deferred cc 3 (cc 0, then alert status with cc 3), which
 *   reaches the guest in the IRB as on hardware.
 * - CLEAR does not wait: CLOSE issues it and moves on; the translated
 *   program (still read by the css worker until the clear is performed) is
 *   freed when the clear's status arrives ("quiesce").
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "common/log.h"
#include "common/ptime.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_trace.h"

#define CC_OK          0
#define CC_PENDING     1
#define CC_BUSY        2
#define CC_NOT_OPER    3

#define ENABLE_TRIES   5

typedef void vcc_fsm_fn(struct vcc_private *p, enum vcc_event ev);

static const char *const state_names[VCC_NR_STATES] = {
	[VCC_STATE_NOT_OPER] = "NOT_OPER",
	[VCC_STATE_STANDBY] = "STANDBY",
	[VCC_STATE_IDLE] = "IDLE",
	[VCC_STATE_CP_PROCESSING] = "CP_PROCESSING",
	[VCC_STATE_CP_PENDING] = "CP_PENDING",
};

static const char *const event_names[VCC_NR_EVENTS] = {
	[VCC_EVENT_NOT_OPER] = "NOT_OPER",
	[VCC_EVENT_IO_REQ] = "IO_REQ",
	[VCC_EVENT_INTERRUPT] = "INTERRUPT",
	[VCC_EVENT_ASYNC_REQ] = "ASYNC_REQ",
	[VCC_EVENT_OPEN] = "OPEN",
	[VCC_EVENT_CLOSE] = "CLOSE",
};

const char *vcc_state_name(enum vcc_state s)
{
	return (unsigned int)s < VCC_NR_STATES ? state_names[s] : "?";
}

const char *vcc_event_name(enum vcc_event e)
{
	return (unsigned int)e < VCC_NR_EVENTS ? event_names[e] : "?";
}

/* ---- the subchannel ---- */

/* Enable for I/O with concurrent sense; stale status is discarded. */
static int sch_enable(struct vcc_private *p)
{
	struct css_schib schib;
	struct css_irb irb;
	int cc = CC_NOT_OPER;

	for (int i = 0; i < ENABLE_TRIES; i++) {
		if (css_stsch(p->sch, &schib) != CC_OK)
			return -ENODEV;
		schib.pmcw.flags &= (uint16_t)~PMCW_FLAGS_ISC;
		schib.pmcw.flags |= PMCW_FLAGS_ENA |
				    VCC_ISC << PMCW_FLAGS_ISC_SHIFT;
		schib.pmcw.chars |= PMCW_CHARS_CSENSE;
		cc = css_msch(p->sch, &schib);
		if (cc != CC_PENDING)
			break;
		css_tsch(p->sch, &irb);
	}
	switch (cc) {
	case CC_OK:
		return 0;
	case CC_PENDING:
	case CC_BUSY:
		return -EBUSY;
	case CC_NOT_OPER:
		return -ENODEV;
	default:
		return cc < 0 ? cc : -EIO;
	}
}

/* Disable. Returns 0, -EBUSY (status pending or a function active). */
static int sch_disable(struct vcc_private *p)
{
	struct css_schib schib;
	int cc;

	if (css_stsch(p->sch, &schib) != CC_OK)
		return -ENODEV;
	if (!(schib.pmcw.flags & PMCW_FLAGS_ENA))
		return 0;
	schib.pmcw.flags &= (uint16_t)~PMCW_FLAGS_ENA;
	cc = css_msch(p->sch, &schib);
	if (cc == CC_OK)
		return 0;
	return cc == CC_NOT_OPER ? -ENODEV : -EBUSY;
}

static bool sch_enabled(struct vcc_private *p)
{
	struct css_schib schib;

	return css_stsch(p->sch, &schib) == CC_OK &&
	       (schib.pmcw.flags & PMCW_FLAGS_ENA);
}

/*
 * Stop whatever runs with a clear (Linux's quiesce, without the wait).
 * The cp stays until the clear's status arrives. Returns 0 or -ENODEV.
 */
static int quiesce_start(struct vcc_private *p)
{
	int cc = css_csch(p->sch);

	if (cc != CC_OK) {
		css_log(p->sch, LOG_WARNING, "vfio_ccw: clear failed (cc %d)",
			cc);
		return -ENODEV;
	}
	p->quiesce = true;
	pthread_mutex_lock(&p->lock);
	p->quiesce_waiting = true;
	pthread_mutex_unlock(&p->lock);
	vcc_trace_event(p->trace, p->name, "quiesce", "clear issued");
	return 0;
}

/*
 * An IRB while CLOSE's clear is outstanding: everything up to the clear's
 * own status belongs to the closed session and is dropped. Returns true
 * when the IRB was consumed here.
 */
static bool quiesce_irq(struct vcc_private *p)
{
	const struct css_scsw *s = &p->irb.scsw;
	bool final = !(s->ctrl & (SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE));
	bool deliver;

	if (!p->quiesce)
		return false;
	if (!(s->ctrl & SCSW_FCTL_CLEAR) || !final) {
		css_log(p->sch, LOG_DEBUG,
			"vfio_ccw: dropping status %04x of a closed program",
			s->ctrl);
		return true;
	}
	cp_free(&p->cp);
	p->quiesce = false;
	deliver = p->quiesce_deliver;
	p->quiesce_deliver = false;
	pthread_mutex_lock(&p->lock);
	p->quiesce_waiting = false;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	vcc_trace_event(p->trace, p->name, "quiesce", "done");
	if (p->state == VCC_STATE_STANDBY || p->state == VCC_STATE_NOT_OPER) {
		sch_disable(p);
		return true;
	}
	if (deliver)             /* the guest's own CSCH met ours */
		vcc_io_todo(p);
	return true;
}

static void set_state(struct vcc_private *p, enum vcc_state s)
{
	if (p->state != s && log_enabled(LOG_DEBUG))
		css_log(p->sch, LOG_DEBUG, "vfio_ccw: %s -> %s",
			vcc_state_name(p->state), vcc_state_name(s));
	p->state = s;
}

/* ---- START: Linux fsm_io_helper ---- */

static int io_helper(struct vcc_private *p, uint32_t intparm)
{
	struct css_schib schib;
	struct css_orb orb;
	uint8_t lpm;
	int cc;

	pthread_mutex_lock(&p->lock);
	lpm = p->lpm;
	pthread_mutex_unlock(&p->lock);
	if (cp_get_orb(&p->cp, intparm, lpm, &orb) < 0)
		return -EIO;
	cc = css_ssch(p->sch, &orb, cp_host_mem(&p->cp));
	switch (cc) {
	case CC_OK:
		set_state(p, VCC_STATE_CP_PENDING);
		return 0;
	case CC_PENDING:
	case CC_BUSY:
		return -EBUSY;
	case CC_NOT_OPER:
		/* The paths of the ORB are gone (all of them for LPM 0). */
		pthread_mutex_lock(&p->lock);
		if (orb.lpm)
			p->lpm &= (uint8_t)~orb.lpm;
		else
			p->lpm = 0;
		lpm = p->lpm;
		pthread_mutex_unlock(&p->lock);
		if (css_stsch(p->sch, &schib) != CC_OK)
			return -ENODEV;
		return lpm ? -EACCES : -ENODEV;
	default:
		return cc;       /* a program interruption: -EINVAL, ... */
	}
}

/* ---- actions ---- */

static void fsm_nop(struct vcc_private *p, enum vcc_event ev)
{
}

static void fsm_io_error(struct vcc_private *p, enum vcc_event ev)
{
	css_log(p->sch, LOG_NOTICE, "vfio_ccw: I/O request in state %s",
		vcc_state_name(p->state));
	vcc_io_set_ret(p->io_region, -EIO);
}

static void fsm_io_busy(struct vcc_private *p, enum vcc_event ev)
{
	vcc_io_set_ret(p->io_region, -EBUSY);
}

static void fsm_io_retry(struct vcc_private *p, enum vcc_event ev)
{
	vcc_io_set_ret(p->io_region, -EAGAIN);
}

static void fsm_async_error(struct vcc_private *p, enum vcc_event ev)
{
	css_log(p->sch, LOG_NOTICE, "vfio_ccw: command %u in state %s",
		vcc_cmd_get_command(p->cmd_region), vcc_state_name(p->state));
	vcc_cmd_set_ret(p->cmd_region, -EIO);
}

static void fsm_async_retry(struct vcc_private *p, enum vcc_event ev)
{
	vcc_cmd_set_ret(p->cmd_region, -EAGAIN);
}

/* Status while closed: a clear of ours completing, or a stray one. */
static void fsm_disabled_irq(struct vcc_private *p, enum vcc_event ev)
{
	if (quiesce_irq(p))
		return;
	sch_disable(p);
}

static void fsm_notoper(struct vcc_private *p, enum vcc_event ev)
{
	css_log(p->sch, LOG_WARNING, "vfio_ccw: not operational (event %s in "
		"state %s)", vcc_event_name(ev), vcc_state_name(p->state));
	set_state(p, VCC_STATE_NOT_OPER);
	vcc_irb_flush(p);
	vcc_post_drop(p, true);
	/* A program that may still run keeps its cp until it is cleared. */
	if (p->quiesce)
		return;
	if (p->cp.initialized && quiesce_start(p) == 0)
		return;
	cp_free(&p->cp);
}

/* Translate and start the guest's program; cp is ours from cp_init on. */
static int start_program(struct vcc_private *p, const struct css_orb *orb,
			 bool *initialized)
{
	uint64_t t0 = ptime_now(), t1;
	uint64_t told = __atomic_exchange_n(&p->t_told, 0, __ATOMIC_RELAXED);
	int ret = cp_init(&p->cp, p->guest, orb);

	if (ret)
		return ret;          /* e.g. -EBUSY: cp is not ours to free */
	*initialized = true;
	p->cp.name = p->name;
	ret = cp_prefetch(&p->cp);
	t1 = ptime_now();
	if (!ret)
		ret = io_helper(p, orb->intparm);
	if (!ret) {
		css_sch_stats_add(p->sch, CSS_STAGE_TRANSLATE, t1 - t0);
		css_sch_stats_add(p->sch, CSS_STAGE_RECEIVE, ptime_now() - t0);
		/* Back to back: what the guest and the VMM did in between. */
		if (told && t0 - told < 1000000000ull)
			css_sch_stats_add(p->sch, CSS_STAGE_VMM, t0 - told);
	}
	return ret;
}

/* Linux fsm_io_request: act on the SCSW function the VMM wrote. */
static void fsm_io_request(struct vcc_private *p, enum vcc_event ev)
{
	bool initialized = false;
	struct css_scsw scsw;
	struct css_orb orb;
	int ret = 0;

	set_state(p, VCC_STATE_CP_PROCESSING);
	vcc_io_get_scsw(p->io_region, &scsw);
	if (scsw.ctrl & SCSW_FCTL_START) {
		vcc_io_get_orb(p->io_region, &orb);
		if (orb.ctrl0 & ORB_CTRL0_B)
			ret = -EOPNOTSUPP;  /* transport mode */
		else if (p->quiesce)
			ret = -EBUSY;       /* still clearing after a reset */
		else if (!p->guest)
			ret = -EIO;         /* no guest memory (no client) */
		else
			ret = start_program(p, &orb, &initialized);
		vcc_trace_ssch(p->trace, p->name, &orb,
			       initialized ? &p->cp : NULL, p->posting, ret);
		if (ret && initialized)
			cp_free(&p->cp);
	} else if (scsw.ctrl & SCSW_FCTL_HALT) {
		ret = -EOPNOTSUPP;          /* halt goes through the cmd region */
	} else if (scsw.ctrl & SCSW_FCTL_CLEAR) {
		ret = -EOPNOTSUPP;          /* clear likewise */
	}
	vcc_io_set_ret(p->io_region, ret);
	if (ret && log_enabled(LOG_DEBUG))
		css_log(p->sch, LOG_DEBUG, "vfio_ccw: I/O request (fctl %04x): "
			"%s", scsw.ctrl & SCSW_CTRL_FCTL, strerror(-ret));
	if (p->state == VCC_STATE_CP_PROCESSING)
		set_state(p, VCC_STATE_IDLE);
}

/* Linux fsm_async_request. */
static void fsm_async_request(struct vcc_private *p, enum vcc_event ev)
{
	uint32_t cmd = vcc_cmd_get_command(p->cmd_region);
	int ret;

	switch (cmd) {
	case VFIO_CCW_ASYNC_CMD_HSCH:
		ret = vcc_do_halt(p);
		break;
	case VFIO_CCW_ASYNC_CMD_CSCH:
		ret = vcc_do_clear(p);
		if (!ret && p->quiesce)
			p->quiesce_deliver = true;
		break;
	default:
		ret = -EINVAL;
		break;
	}
	/* Its status ends a posted start still waiting, too. */
	if (!ret)
		vcc_post_drop(p, false);
	vcc_cmd_set_ret(p->cmd_region, ret);
	vcc_trace_async(p->trace, p->name, cmd, ret);
}

static void fsm_irq(struct vcc_private *p, enum vcc_event ev)
{
	if (quiesce_irq(p))
		return;
	vcc_io_todo(p);
}

static void fsm_open(struct vcc_private *p, enum vcc_event ev)
{
	int ret;

	vcc_trace_event(p->trace, p->name, "open", "state %s",
			vcc_state_name(p->state));
	/* After a reset's CLOSE the clear may still be outstanding: the
	 * subchannel was never disabled. */
	if (p->quiesce && sch_enabled(p)) {
		set_state(p, VCC_STATE_IDLE);
		return;
	}
	ret = sch_enable(p);
	if (ret) {
		css_log(p->sch, LOG_WARNING, "vfio_ccw: cannot enable: %s",
			strerror(-ret));
		vcc_fsm_event(p, VCC_EVENT_NOT_OPER);
		return;
	}
	set_state(p, VCC_STATE_IDLE);
}

static void fsm_close(struct vcc_private *p, enum vcc_event ev)
{
	int ret = 0;

	vcc_trace_event(p->trace, p->name, "close", "state %s",
			vcc_state_name(p->state));
	vcc_post_drop(p, false);
	if (!sch_enabled(p)) {
		vcc_fsm_event(p, VCC_EVENT_NOT_OPER);
		return;
	}
	if (p->quiesce)
		;                        /* a clear is outstanding already */
	else if (p->cp.initialized)
		ret = quiesce_start(p);  /* a program may be running */
	else if (sch_disable(p) == -EBUSY)
		ret = quiesce_start(p);  /* status pending or a halt active */
	if (ret) {
		vcc_fsm_event(p, VCC_EVENT_NOT_OPER);
		return;
	}
	set_state(p, VCC_STATE_STANDBY);
	vcc_irb_flush(p);
	if (!p->quiesce)
		cp_free(&p->cp);
}

static vcc_fsm_fn *const jumptable[VCC_NR_STATES][VCC_NR_EVENTS] = {
	[VCC_STATE_NOT_OPER] = {
		[VCC_EVENT_NOT_OPER] = fsm_nop,
		[VCC_EVENT_IO_REQ] = fsm_io_error,
		[VCC_EVENT_ASYNC_REQ] = fsm_async_error,
		[VCC_EVENT_INTERRUPT] = fsm_disabled_irq,
		[VCC_EVENT_OPEN] = fsm_nop,
		[VCC_EVENT_CLOSE] = fsm_nop,
	},
	[VCC_STATE_STANDBY] = {
		[VCC_EVENT_NOT_OPER] = fsm_notoper,
		[VCC_EVENT_IO_REQ] = fsm_io_error,
		[VCC_EVENT_ASYNC_REQ] = fsm_async_error,
		[VCC_EVENT_INTERRUPT] = fsm_disabled_irq,
		[VCC_EVENT_OPEN] = fsm_open,
		[VCC_EVENT_CLOSE] = fsm_notoper,
	},
	[VCC_STATE_IDLE] = {
		[VCC_EVENT_NOT_OPER] = fsm_notoper,
		[VCC_EVENT_IO_REQ] = fsm_io_request,
		[VCC_EVENT_ASYNC_REQ] = fsm_async_request,
		[VCC_EVENT_INTERRUPT] = fsm_irq,
		[VCC_EVENT_OPEN] = fsm_notoper,
		[VCC_EVENT_CLOSE] = fsm_close,
	},
	[VCC_STATE_CP_PROCESSING] = {
		[VCC_EVENT_NOT_OPER] = fsm_notoper,
		[VCC_EVENT_IO_REQ] = fsm_io_retry,
		[VCC_EVENT_ASYNC_REQ] = fsm_async_retry,
		[VCC_EVENT_INTERRUPT] = fsm_irq,
		[VCC_EVENT_OPEN] = fsm_notoper,
		[VCC_EVENT_CLOSE] = fsm_close,
	},
	[VCC_STATE_CP_PENDING] = {
		[VCC_EVENT_NOT_OPER] = fsm_notoper,
		[VCC_EVENT_IO_REQ] = fsm_io_busy,
		[VCC_EVENT_ASYNC_REQ] = fsm_async_request,
		[VCC_EVENT_INTERRUPT] = fsm_irq,
		[VCC_EVENT_OPEN] = fsm_notoper,
		[VCC_EVENT_CLOSE] = fsm_close,
	},
};

void vcc_fsm_event(struct vcc_private *p, enum vcc_event ev)
{
	if ((unsigned int)p->state >= VCC_NR_STATES ||
	    (unsigned int)ev >= VCC_NR_EVENTS)
		return;
	if (ev != VCC_EVENT_INTERRUPT && log_enabled(LOG_DEBUG))
		css_log(p->sch, LOG_DEBUG, "vfio_ccw: event %s in state %s",
			vcc_event_name(ev), vcc_state_name(p->state));
	jumptable[p->state][ev](p, ev);
}

int vcc_fsm_reset(struct vcc_private *p)
{
	vcc_trace_event(p->trace, p->name, "reset", "state %s",
			vcc_state_name(p->state));
	vcc_fsm_event(p, VCC_EVENT_CLOSE);
	vcc_fsm_event(p, VCC_EVENT_OPEN);
	return p->state == VCC_STATE_NOT_OPER ? -EINVAL : 0;
}

/* fsm_lock was just taken by this thread: say who holds it. */
static void fsm_owner_set(struct vcc_private *p)
{
	pthread_mutex_lock(&p->lock);
	p->fsm_busy = true;
	p->fsm_owner = pthread_self();
	pthread_mutex_unlock(&p->lock);
}

void vcc_fsm_lock(struct vcc_private *p)
{
	pthread_mutex_lock(&p->fsm_lock);
	fsm_owner_set(p);
}

bool vcc_fsm_owned(struct vcc_private *p)
{
	bool mine;

	pthread_mutex_lock(&p->lock);
	mine = p->fsm_busy && pthread_equal(p->fsm_owner, pthread_self());
	pthread_mutex_unlock(&p->lock);
	return mine;
}

bool vcc_fsm_trylock(struct vcc_private *p)
{
	if (pthread_mutex_trylock(&p->fsm_lock))
		return false;
	fsm_owner_set(p);
	return true;
}

void vcc_fsm_unlock(struct vcc_private *p)
{
	bool inline_bh;

	pthread_mutex_lock(&p->lock);
	inline_bh = p->bh_fd < 0;
	pthread_mutex_unlock(&p->lock);
	/* No loop thread: work queued during this event is done now. */
	if (inline_bh)
		vcc_bh_run(p);
	pthread_mutex_lock(&p->lock);
	p->fsm_busy = false;
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&p->fsm_lock);
}
