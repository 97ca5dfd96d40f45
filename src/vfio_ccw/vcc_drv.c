/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio_ccw subchannel driver (Linux drivers/s390/cio/vfio_ccw_drv.c):
 * probe / remove, the css callbacks and the interrupt bottom half.
 *
 * The css calls notify on its worker thread each time the subchannel
 * becomes status pending; we collect the IRB there (TEST SUBCHANNEL,
 * Principles of Operation SA22-7832 ch. 14) and queue it. The bottom half
 * runs on the mdev's loop thread: it fires the FSM INTERRUPT event per IRB
 * (io_todo: CCW address back to the guest's, final status -> free the
 * program and go IDLE, IRB into the io region, IO interrupt). Channel-path
 * events (ch. 17 "Channel-Path Reconfiguration") queue CRWs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/log.h"
#include "common/ptime.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_trace.h"
#include "vfio_user/vfu_server.h"

/*
 * ---- css callback registrations ----
 * The css copies a callback and its opaque under the subchannel lock and
 * calls it without: a callback may still be on its way when the handlers
 * are replaced. The opaque is therefore a handle (slot + generation) into
 * this table, and remove waits until no callback uses its slot.
 */
#define REG_SLOT_BITS 20
#define REG_SLOT_MASK ((1u << REG_SLOT_BITS) - 1)

struct reg_slot {
	struct vcc_private *p;
	unsigned int users;
	uintptr_t gen;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reg_cond = PTHREAD_COND_INITIALIZER;
static struct reg_slot *reg_slots;
static size_t reg_n;

static int reg_add(struct vcc_private *p)
{
	size_t i;
	int ret = 0;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < reg_n && reg_slots[i].p; i++)
		;
	if (i == reg_n) {
		struct reg_slot *s = i < REG_SLOT_MASK
			? realloc(reg_slots, (reg_n + 1) * sizeof(*s)) : NULL;

		if (!s) {
			ret = -ENOMEM;
			goto out;
		}
		reg_slots = s;
		reg_slots[reg_n++] = (struct reg_slot){ 0 };
	}
	reg_slots[i].p = p;
	reg_slots[i].gen++;
	p->handle = reg_slots[i].gen << REG_SLOT_BITS | i;
out:
	pthread_mutex_unlock(&reg_lock);
	return ret;
}

static void reg_del(struct vcc_private *p)
{
	size_t i = p->handle & REG_SLOT_MASK;

	pthread_mutex_lock(&reg_lock);
	reg_slots[i].p = NULL;
	while (reg_slots[i].users)
		pthread_cond_wait(&reg_cond, &reg_lock);
	pthread_mutex_unlock(&reg_lock);
}

static struct vcc_private *reg_get(void *opaque)
{
	uintptr_t h = (uintptr_t)opaque;
	size_t i = h & REG_SLOT_MASK;
	struct vcc_private *p = NULL;

	pthread_mutex_lock(&reg_lock);
	if (i < reg_n && reg_slots[i].p &&
	    reg_slots[i].gen == h >> REG_SLOT_BITS) {
		p = reg_slots[i].p;
		reg_slots[i].users++;
	}
	pthread_mutex_unlock(&reg_lock);
	return p;
}

static void reg_put(struct vcc_private *p)
{
	size_t i = p->handle & REG_SLOT_MASK;

	pthread_mutex_lock(&reg_lock);
	if (--reg_slots[i].users == 0)
		pthread_cond_broadcast(&reg_cond);
	pthread_mutex_unlock(&reg_lock);
}

/* ---- interrupts ---- */

/*
 * The server is used under lock: vcc_mdev_remove() takes it away under
 * lock before destroying it, so it cannot be freed while we signal (the
 * write never blocks: the server keeps its eventfds non-blocking).
 */
int vcc_irq_trigger(struct vcc_private *p, uint32_t index)
{
	struct vfu_server *srv;
	int ret = -ENOENT;

	pthread_mutex_lock(&p->lock);
	srv = p->mdev ? vcc_mdev_server(p->mdev) : NULL;
	if (srv)
		ret = vfu_irq_trigger(srv, index);
	pthread_mutex_unlock(&p->lock);
	return ret;
}

void vcc_bh_kick(struct vcc_private *p)
{
	uint64_t one = 1;
	bool mine;

	mine = vcc_fsm_owned(p);
	pthread_mutex_lock(&p->lock);
	if (p->bh_fd >= 0) {
		/* Never blocks; EAGAIN means it is signalled already. */
		if (write(p->bh_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_msg(LOG_ERR, "sch %s: vfio_ccw: kick: %s", p->name,
				strerror(errno));
		pthread_mutex_unlock(&p->lock);
		return;
	}
	pthread_mutex_unlock(&p->lock);
	/* No loop: run it here, unless this thread is inside an event,
	 * which runs the bottom half when it ends. */
	if (!mine) {
		vcc_fsm_lock(p);
		vcc_fsm_unlock(p);
	}
}

/*
 * The css worker's status, now: the bottom half runs on this thread when
 * fsm_lock is free (a try, never a wait: whoever holds it may be waiting
 * for this worker), which saves the switch to the loop thread between a
 * program's final status and the VMM's eventfd; else the loop runs it.
 */
static void bh_now(struct vcc_private *p)
{
	if (!vcc_fsm_owned(p) && vcc_fsm_trylock(p)) {
		vcc_bh_run(p);
		vcc_fsm_unlock(p);
		return;
	}
	vcc_bh_kick(p);
}

/* Status that ends the start function (no subchannel/device activity). */
static bool irb_is_final(const struct css_irb *irb)
{
	return !(irb->scsw.ctrl & (SCSW_ACTL_SCH_ACTIVE |
				   SCSW_ACTL_DEV_ACTIVE));
}

/* Full rxq, under p->lock: drop the oldest intermediate IRB (the oldest
 * of all when every one is final). */
static void rxq_drop(struct vcc_private *p)
{
	unsigned int i = 0;

	while (i < p->rx_n &&
	       irb_is_final(&p->rxq[(p->rx_head + i) % VCC_RXQ_MAX]))
		i++;
	if (i == p->rx_n)
		i = 0;
	for (; i + 1 < p->rx_n; i++)
		p->rxq[(p->rx_head + i) % VCC_RXQ_MAX] =
			p->rxq[(p->rx_head + i + 1) % VCC_RXQ_MAX];
	p->rx_n--;
}

/* Worker thread: collect the status and queue it. */
static void vcc_sch_notify(struct css_subchannel *sch, void *opaque)
{
	struct vcc_private *p = reg_get(opaque);
	struct css_irb irb;

	if (!p)
		return;
	/* cc 1: an earlier TSCH took this status already (merged PCI). */
	if (css_tsch(sch, &irb) == 0) {
		bool keep = true;

		pthread_mutex_lock(&p->lock);
		if (p->rx_n == VCC_RXQ_MAX) {
			/* Nobody processes: intermediate status gives, never
			 * the final status that ends a program. */
			p->rx_lost++;
			keep = irb_is_final(&irb);
			if (keep)
				rxq_drop(p);
		}
		if (keep) {
			p->rxq[(p->rx_head + p->rx_n) % VCC_RXQ_MAX] = irb;
			p->rx_n++;
			if (irb_is_final(&irb))
				__atomic_store_n(&p->t_status, ptime_now(),
						 __ATOMIC_RELAXED);
		}
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		bh_now(p);
	}
	reg_put(p);
}

/*
 * A channel path of the subchannel was varied (Linux vfio_ccw_chp_event):
 * the usable-path mask follows, and the guest gets a channel-path CRW -
 * "permanent error, not initialized" when it went away, "initialized"
 * when it came back. An I/O in progress on it is left to complete: the
 * software channel does not lose it as hardware may.
 */
static void vcc_sch_chp_event(struct css_subchannel *sch, uint8_t mask,
			      enum css_chp_event ev, void *opaque)
{
	struct vcc_private *p = reg_get(opaque);
	struct css_schib schib;
	uint8_t done[8];
	int ndone = 0;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	if (ev == CSS_CHP_VARY_OFF)
		p->lpm &= (uint8_t)~mask;
	else
		p->lpm |= mask;
	pthread_mutex_unlock(&p->lock);
	if (css_stsch(sch, &schib) == 0) {
		for (int i = 0; i < 8; i++) {
			uint8_t chpid = schib.pmcw.chpid[i];
			bool seen = false;

			if (!(mask & (0x80 >> i)) || !chpid)
				continue;
			for (int k = 0; k < ndone; k++)
				seen |= done[k] == chpid;
			if (seen)
				continue;
			done[ndone++] = chpid;
			vcc_crw_queue(p, CRW_RSC_CHP, ev == CSS_CHP_VARY_OFF ?
				      CRW_ERC_PERRN : CRW_ERC_INIT, chpid);
		}
	}
	vcc_bh_kick(p);
	reg_put(p);
}

/* ---- the bottom half ---- */

/* An INTERRUPT event for each IRB the worker collected (fsm_lock held). */
static void run_rxq(struct vcc_private *p)
{
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (!p->rx_n) {
			pthread_mutex_unlock(&p->lock);
			return;
		}
		p->irb = p->rxq[p->rx_head];
		p->rx_head = (p->rx_head + 1) % VCC_RXQ_MAX;
		p->rx_n--;
		pthread_mutex_unlock(&p->lock);
		vcc_fsm_event(p, VCC_EVENT_INTERRUPT);
	}
}

void vcc_bh_run(struct vcc_private *p)
{
	bool resignal, crw;

	/*
	 * A new eventfd was installed (SET_IRQS): signal what waited before
	 * it - the IRB shown then, if still unread and still the same (a
	 * later one was signalled on the new eventfd: a second signal would
	 * make QEMU read and inject it twice), and queued CRWs (QEMU reads
	 * those until zero: an extra signal is harmless).
	 */
	pthread_mutex_lock(&p->lock);
	resignal = p->resignal;
	p->resignal = false;
	pthread_mutex_unlock(&p->lock);
	if (resignal && p->resignal_io && p->irb_posted &&
	    p->irb_seq == p->resignal_seq)
		vcc_irq_trigger(p, VFIO_CCW_IO_IRQ_INDEX);
	if (resignal)
		p->resignal_io = false;
	/* Again after a posted start that waited for this (its status may
	 * be queued already: a synchronous channel subsystem). */
	do
		run_rxq(p);
	while (vcc_post_retry(p));
	pthread_mutex_lock(&p->lock);
	crw = p->crw_n > 0 && (resignal || p->crw_signal);
	p->crw_signal = false;
	pthread_mutex_unlock(&p->lock);
	if (crw)
		vcc_irq_trigger(p, VFIO_CCW_CRW_IRQ_INDEX);
}

/* The ESW must not show host addresses either. */
static void sanitize_esw(struct css_esw *esw)
{
	if (esw->faddr >= CP_GUEST_BASE &&
	    esw->faddr - CP_GUEST_BASE < CP_GUEST_LIMIT) {
		esw->faddr -= CP_GUEST_BASE;
	} else {
		esw->faddr = 0;
		esw->erw &= ~VCC_ERW_FSAVF;
	}
	esw->saddr = 0;
	esw->erw &= ~VCC_ERW_SCAVF;
}

void vcc_io_todo(struct vcc_private *p)
{
	struct css_irb irb = p->irb;
	uint16_t actl = irb.scsw.ctrl & SCSW_CTRL_ACTL;
	bool final = !(actl & (SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE));
	bool finished = false;

	if (p->cp.initialized) {
		cp_update_scsw(&p->cp, &irb.scsw);
		if (final && p->state == VCC_STATE_CP_PENDING) {
			cp_free(&p->cp);
			finished = true;
		}
	} else if (irb.scsw.cpa) {
		/* No program: no address in it can be the guest's. */
		css_log(p->sch, LOG_WARNING, "vfio_ccw: status without a "
			"program names ccw %08x", irb.scsw.cpa);
		irb.scsw.cpa = 0;
	}
	sanitize_esw(&irb.esw);
	memset(irb.emw, 0, sizeof(irb.emw));
	vcc_trace_irb(p->trace, p->name, &irb);
	vcc_irb_post(p, &irb);
	/* IDLE only when the program is done: not for an unsolicited
	 * status, nor for the end of a halt / clear without a program. */
	if (finished)
		p->state = VCC_STATE_IDLE;
}

/* ---- IRBs for the VMM: one at a time ---- */

static void irb_show(struct vcc_private *p, const uint8_t *irb)
{
	uint64_t t;

	memcpy(p->io_region + VCC_IO_IRB_OFF, irb, CSS_IRB_SIZE);
	p->irb_posted = true;
	p->irb_seq++;
	t = __atomic_exchange_n(&p->t_status, 0, __ATOMIC_RELAXED);
	/* Before the VMM can answer with the next start. */
	if (t) {
		p->t_fetch = ptime_now();
		__atomic_store_n(&p->t_told, p->t_fetch, __ATOMIC_RELAXED);
	}
	vcc_irq_trigger(p, VFIO_CCW_IO_IRQ_INDEX);
	if (t)
		css_sch_stats_add(p->sch, CSS_STAGE_IRB, ptime_now() - t);
}

/* Full queue: drop the oldest intermediate IRB (the oldest of all when
 * every one is final). */
static void irbq_drop(struct vcc_irbq *q)
{
	unsigned int i = 0;

	while (i < q->n && q->final[(q->head + i) % VCC_IRBQ_MAX])
		i++;
	if (i == q->n)
		i = 0;
	for (; i + 1 < q->n; i++) {
		unsigned int to = (q->head + i) % VCC_IRBQ_MAX;
		unsigned int from = (q->head + i + 1) % VCC_IRBQ_MAX;

		memcpy(q->irb[to], q->irb[from], CSS_IRB_SIZE);
		q->final[to] = q->final[from];
	}
	q->n--;
}

void vcc_irb_post(struct vcc_private *p, const struct css_irb *irb)
{
	struct vcc_irbq *q = &p->irbq;
	bool final = irb_is_final(irb);
	unsigned int slot;
	uint8_t bytes[CSS_IRB_SIZE];

	css_irb_store(irb, bytes);
	if (!p->irb_posted) {
		irb_show(p, bytes);
		return;
	}
	if (q->n == VCC_IRBQ_MAX) {
		/* The VMM reads nothing: intermediate status is what gives. */
		p->irbs_dropped++;
		if (!final)
			return;
		irbq_drop(q);
	}
	slot = (q->head + q->n) % VCC_IRBQ_MAX;
	memcpy(q->irb[slot], bytes, CSS_IRB_SIZE);
	q->final[slot] = final;
	q->n++;
}

void vcc_irb_consumed(struct vcc_private *p)
{
	struct vcc_irbq *q = &p->irbq;

	if (p->t_fetch) {
		css_sch_stats_add(p->sch, CSS_STAGE_FETCH,
				  ptime_now() - p->t_fetch);
		p->t_fetch = 0;
	}
	p->irb_posted = false;
	if (!q->n)
		return;
	irb_show(p, q->irb[q->head]);
	q->head = (q->head + 1) % VCC_IRBQ_MAX;
	q->n--;
}

void vcc_irb_flush(struct vcc_private *p)
{
	p->irbq.head = 0;
	p->irbq.n = 0;
	p->irb_posted = false;
	p->t_fetch = 0;
	memset(p->io_region + VCC_IO_IRB_OFF, 0, CSS_IRB_SIZE);
}

bool vcc_wait_quiesce(struct vcc_private *p, int timeout_ms)
{
	struct timespec until;
	bool done;
	int ret = 0;

	until = deadline_ms(timeout_ms);
	pthread_mutex_lock(&p->lock);
	while (p->quiesce_waiting && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&p->cond, &p->lock, &until);
	done = !p->quiesce_waiting;
	pthread_mutex_unlock(&p->lock);
	return done;
}

/* ---- probe / remove ---- */

static void private_free(struct vcc_private *p)
{
	if (!p)
		return;
	cp_free(&p->cp);
	vcc_trace_close(p->trace);
	free(p->socket_dir);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->fsm_lock);
	free(p);
}

int vcc_probe(struct css_subchannel *sch, const struct vcc_options *opt,
	      struct vcc_private **out, struct error *err)
{
	struct css_schib schib;
	struct vcc_private *p;
	const char *name = css_sch_name(sch);
	int ret;

	*out = NULL;
	if (css_stsch(sch, &schib) != 0)
		return error_setf(err, ENODEV, "sch %s: not operational", name);
	if ((schib.pmcw.chars & PMCW_CHARS_ST) >> PMCW_CHARS_ST_SHIFT !=
	    CSS_SCH_TYPE_IO)
		return error_setf(err, ENODEV, "sch %s: not an I/O subchannel",
				  name);
	if (schib.pmcw.flags & PMCW_FLAGS_QF)
		return error_setf(err, ENODEV, "sch %s: vfio_ccw does not "
				  "support QDIO", name);
	p = calloc(1, sizeof(*p));
	if (!p)
		return error_setf(err, ENOMEM, "sch %s: out of memory", name);
	pthread_mutex_init(&p->fsm_lock, NULL);
	pthread_mutex_init(&p->lock, NULL);
	deadline_cond_init(&p->cond);
	p->sch = sch;
	p->bh_fd = -1;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->lpm = schib.pmcw.pim & schib.pmcw.pam & schib.pmcw.pom;
	p->release_timeout_ms = opt && opt->release_timeout_ms > 0
				? opt->release_timeout_ms : 10000;
	if (opt) {
		p->authorize = opt->authorize;
		p->authorize_opaque = opt->authorize_opaque;
	}
	if (opt && opt->socket_dir) {
		p->socket_dir = strdup(opt->socket_dir);
		if (!p->socket_dir) {
			ret = error_setf(err, ENOMEM, "sch %s: out of memory",
					 name);
			goto fail;
		}
	}
	p->trace = vcc_trace_new();
	if (!p->trace) {
		ret = error_setf(err, ENOMEM, "sch %s: out of memory", name);
		goto fail;
	}
	if (opt && opt->trace_path) {
		ret = vcc_trace_start(p->trace, opt->trace_path, 0, err);
		if (ret < 0) {
			error_prefix(err, "sch %s", name);
			goto fail;
		}
	}
	ret = reg_add(p);
	if (ret < 0) {
		error_setf(err, -ret, "sch %s: out of memory", name);
		goto fail;
	}
	vcc_sch_attach(p);
	p->state = VCC_STATE_STANDBY;
	css_log(sch, LOG_INFO, "bound to vfio_ccw");
	vcc_trace_event(p->trace, p->name, "probe", "devno %04x",
			schib.pmcw.devno);
	*out = p;
	return 0;

fail:
	private_free(p);
	return ret;
}

void vcc_sch_attach(struct vcc_private *p)
{
	css_sch_set_handlers(p->sch, vcc_sch_notify, vcc_sch_chp_event,
			     (void *)p->handle);
}

void vcc_remove(struct vcc_private *p)
{
	const char *uuid;

	if (!p)
		return;
	uuid = vcc_mdev_uuid(p);
	if (uuid)
		vcc_mdev_remove(p, uuid);
	/* Closed already with the mdev; a subchannel never opened is
	 * disabled. Stop the callbacks, then wait for those under way. */
	vcc_fsm_lock(p);
	if (p->state != VCC_STATE_NOT_OPER && p->state != VCC_STATE_STANDBY)
		vcc_fsm_event(p, VCC_EVENT_CLOSE);
	vcc_fsm_unlock(p);
	if (!vcc_wait_quiesce(p, VCC_QUIESCE_TIMEOUT_MS)) {
		/* The worker may still run the program: keep its memory. */
		css_log(p->sch, LOG_ERR, "vfio_ccw: clear did not complete; "
			"leaking the device state");
		css_sch_set_handlers(p->sch, NULL, NULL, NULL);
		return;
	}
	css_sch_set_handlers(p->sch, NULL, NULL, NULL);
	reg_del(p);
	vcc_trace_event(p->trace, p->name, "remove", "state %s",
			vcc_state_name(p->state));
	css_log(p->sch, LOG_INFO, "unbound from vfio_ccw");
	private_free(p);
}

int vcc_trace_set(struct vcc_private *p, const char *path, uint64_t max,
		  struct error *err)
{
	int ret;

	if (!path) {
		vcc_trace_event(p->trace, p->name, "trace", "off");
		vcc_trace_stop(p->trace);
		css_log(p->sch, LOG_NOTICE, "trace off");
		return 0;
	}
	ret = vcc_trace_start(p->trace, path, max, err);
	if (ret == 0) {
		css_log(p->sch, LOG_NOTICE, "trace on: %s (at most %llu bytes)",
			path, (unsigned long long)max);
		vcc_trace_event(p->trace, p->name, "trace", "on, at most %llu "
				"bytes", (unsigned long long)max);
	}
	return ret;
}

void vcc_trace_get(struct vcc_private *p, char *buf, size_t size)
{
	vcc_trace_state(p->trace, buf, size);
}
