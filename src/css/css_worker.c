/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Performing the start, halt and clear functions (Principles of Operation
 * SA22-7832 ch. 15 "Clear Function", "Halt Function", "Start Function and
 * Resume Function", "Path Management").
 *
 * Each subchannel gets one worker thread, created on its first function;
 * with CSS_F_SYNC the function runs in the thread that issued the
 * instruction before the instruction returns. Either way the device
 * operations of a subchannel run in one thread at a time, and the notify
 * callback runs without locks after the subchannel became status pending.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "css/css_internal.h"

/* The first path (lowest path number = leftmost mask bit) of a mask. */
static uint8_t first_path(uint8_t mask)
{
	for (uint8_t bit = 0x80; bit; bit >>= 1)
		if (mask & bit)
			return bit;
	return 0;
}

void css_worker_notify(struct css_subchannel *sch)
{
	css_notify_fn *fn;
	void *opaque;

	pthread_mutex_lock(&sch->lock);
	fn = sch->stop ? NULL : sch->notify;
	opaque = sch->opaque;
	pthread_mutex_unlock(&sch->lock);
	if (fn)
		fn(sch, opaque);
}

enum css_exec_end css_worker_poll(struct css_subchannel *sch)
{
	enum css_exec_end r = CSS_END_STATUS;

	pthread_mutex_lock(&sch->lock);
	if (sch->stop)
		r = CSS_END_STOP;
	else if (sch->scsw.ctrl & SCSW_ACTL_CLEAR_PEND)
		r = CSS_END_CLEAR;
	else if (sch->scsw.ctrl & SCSW_ACTL_HALT_PEND)
		r = CSS_END_HALT;
	pthread_mutex_unlock(&sch->lock);
	return r;
}

/* Called with the lock held; drops it around the device call. */
static uint8_t end_program(struct css_subchannel *sch)
{
	uint8_t extra = 0;

	if (!sch->program_open)
		return 0;
	sch->program_open = false;
	if (sch->dev->ops->end_program) {
		pthread_mutex_unlock(&sch->lock);
		extra = sch->dev->ops->end_program(sch->dev);
		pthread_mutex_lock(&sch->lock);
	}
	return extra;
}

static void io_setup(struct css_subchannel *sch, uint8_t path)
{
	struct css_ccw_io *io = &sch->io;
	uint16_t c0 = sch->orb.ctrl0;

	memset(io, 0, sizeof(*io));
	io->sch = sch;
	io->mem = sch->mem;
	io->fmt1 = c0 & ORB_CTRL0_FMT;
	io->idaw2 = c0 & ORB_CTRL0_C64;
	io->ida_block = (io->idaw2 && !(c0 & ORB_CTRL0_I2K)) ? 4096 : 2048;
	io->addr_limit = io->fmt1 ? 1ull << 31 : 1ull << 24;
	io->path = path;
	io->suspend_ok = c0 & ORB_CTRL0_SPND;
	io->ils = io->fmt1 && (sch->orb.ctrl1 & ORB_CTRL1_ILS);
	io->isic = c0 & ORB_CTRL0_ISIC;
}

/* Start function. Returns true when status became pending (notify). */
static bool run_start(struct css_subchannel *sch)
{
	struct css_program_times t = { .begin = ptime_now() };
	struct css_exec_result res;
	uint8_t sense[CSS_ECW_SIZE], extra = 0, path;
	size_t sense_len = 0;

	sch->scsw.ctrl &= (uint16_t)~SCSW_ACTL_START_PEND;
	path = first_path(sch->pmcw.lpm & sch->pmcw.pam & sch->pmcw.pom);
	if (!path) {
		css_log(sch, LOG_DEBUG, "no path available (lpm %02x pam %02x pom %02x)",
			sch->pmcw.lpm, sch->pmcw.pam, sch->pmcw.pom);
		css_status_no_path(sch);
		return true;
	}
	sch->pmcw.lpum = path;
	sch->scsw.ctrl |= SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE;
	io_setup(sch, path);
	sch->running = true;
	sch->program_open = true;
	pthread_mutex_unlock(&sch->lock);

	ptime_sink = &t.sink;
	css_mem_prepare(sch->mem, NULL, 0);
	css_exec_run(sch, &res);
	ptime_sink = NULL;
	t.executed = ptime_now();

	pthread_mutex_lock(&sch->lock);
	sch->running = false;
	if (res.end != CSS_END_SUSPEND)
		extra = end_program(sch);
	t.status = ptime_now();
	switch (res.end) {
	case CSS_END_STOP:
	case CSS_END_CLEAR:
		return false;          /* the clear function takes over */
	case CSS_END_SUSPEND:
		if (sch->scsw.ctrl & (SCSW_ACTL_CLEAR_PEND | SCSW_ACTL_HALT_PEND))
			return false;
		return css_status_suspended(sch, res.cpa, res.count);
	case CSS_END_HALT:
		if (!res.executed) {
			css_status_halted(sch);
			return true;
		}
		break;
	case CSS_END_STATUS:
		break;
	}
	if (sch->scsw.ctrl & SCSW_ACTL_CLEAR_PEND)
		return false;
	res.dstat |= extra;
	if ((res.dstat & DEV_STAT_UNIT_CHECK) &&
	    (sch->pmcw.chars & PMCW_CHARS_CSENSE) && sch->dev->ops->take_sense) {
		pthread_mutex_unlock(&sch->lock);
		sense_len = sch->dev->ops->take_sense(sch->dev, sense, sizeof(sense));
		pthread_mutex_lock(&sch->lock);
		if (sense_len > sizeof(sense))
			sense_len = sizeof(sense);
		if (sch->scsw.ctrl & SCSW_ACTL_CLEAR_PEND)
			return false;
	}
	css_status_final(sch, &res, sense, sense_len);
	css_stats_program(sch, &t, res.dstat);
	return true;
}

/* Halt function on a subchannel with no program running. */
static bool run_halt(struct css_subchannel *sch)
{
	end_program(sch);      /* a suspended program ends here */
	if (sch->scsw.ctrl & SCSW_ACTL_CLEAR_PEND)
		return false;
	css_status_halted(sch);
	return true;
}

/* Clear function: the clear signal resets the device, and with it any
 * status the device had waiting to present. */
static bool run_clear(struct css_subchannel *sch)
{
	sch->unsolicited = 0;
	end_program(sch);
	if (sch->dev->ops->reset) {
		pthread_mutex_unlock(&sch->lock);
		sch->dev->ops->reset(sch->dev);
		pthread_mutex_lock(&sch->lock);
	}
	css_status_cleared(sch, first_path(sch->pmcw.pam & sch->pmcw.pom));
	return true;
}

/*
 * Status the device presents on its own becomes pending once the
 * subchannel is idle: no function in progress, no status pending. A
 * subchannel that is not enabled does not take it (nobody would take the
 * interruption): it is dropped. Returns true when it became pending.
 */
static bool run_unsolicited(struct css_subchannel *sch)
{
	uint8_t dstat = sch->unsolicited, path;

	if (!dstat || (sch->scsw.ctrl & (SCSW_CTRL_FCTL | SCSW_CTRL_STCTL)))
		return false;
	sch->unsolicited = 0;
	path = first_path(sch->pmcw.pam & sch->pmcw.pom);
	if (!(sch->pmcw.flags & PMCW_FLAGS_ENA) || !path) {
		css_log(sch, LOG_DEBUG, "device status %02x dropped: %s", dstat,
			path ? "subchannel not enabled" : "no path");
		return false;
	}
	css_log(sch, LOG_DEBUG, "unsolicited device status %02x", dstat);
	css_status_unsolicited(sch, dstat, path);
	return true;
}

/* Performs requested functions until none is left. Lock held. */
static void process_locked(struct css_subchannel *sch)
{
	for (;;) {
		uint16_t actl = sch->scsw.ctrl & SCSW_CTRL_ACTL;
		bool notify;

		if (sch->stop)
			return;
		if (actl & SCSW_ACTL_CLEAR_PEND)
			notify = run_clear(sch);
		else if (actl & SCSW_ACTL_HALT_PEND)
			notify = run_halt(sch);
		else if (actl & SCSW_ACTL_START_PEND)
			notify = run_start(sch);
		else if (!run_unsolicited(sch))
			return;      /* nothing to do, or status must wait */
		else
			notify = true;
		if (notify && !sch->stop) {
			pthread_mutex_unlock(&sch->lock);
			css_worker_notify(sch);
			pthread_mutex_lock(&sch->lock);
		}
	}
}

static void *worker_main(void *arg)
{
	struct css_subchannel *sch = arg;

	pthread_setname_np(pthread_self(), "ccwpass-sch");
	pthread_mutex_lock(&sch->lock);
	while (!sch->stop) {
		process_locked(sch);
		if (sch->stop)
			break;
		pthread_cond_wait(&sch->cond, &sch->lock);
	}
	pthread_mutex_unlock(&sch->lock);
	return NULL;
}

int css_worker_prepare(struct css_subchannel *sch)
{
	int r;

	if (css_sync(sch) || sch->thread_started)
		return 0;
	if (sch->stop)
		return -ESHUTDOWN;
	r = pthread_create(&sch->thread, NULL, worker_main, sch);
	if (r) {
		css_log(sch, LOG_ERR, "cannot start worker thread: %s",
			strerror(r));
		return -r;
	}
	sch->thread_started = true;
	return 0;
}

void css_worker_kick(struct css_subchannel *sch)
{
	if (!css_sync(sch)) {
		if (sch->kick_held)
			sch->kick_owed = true;
		else
			pthread_cond_signal(&sch->cond);
		return;
	}
	if (sch->running || sch->in_process)
		return;        /* the loop already running picks it up */
	sch->in_process = true;
	process_locked(sch);
	sch->in_process = false;
}

void css_sch_hold_start(struct css_subchannel *sch)
{
	pthread_mutex_lock(&sch->lock);
	sch->kick_held = true;
	pthread_mutex_unlock(&sch->lock);
}

/*
 * The owed kick is signalled after the unlock: a worker woken while the
 * lock is still held (on this CPU it preempts the caller at once) would
 * only block on the lock and be woken a second time. The worker looks at
 * its work under the lock before it waits, so nothing is missed.
 */
void css_sch_release_start(struct css_subchannel *sch)
{
	bool owed;

	pthread_mutex_lock(&sch->lock);
	sch->kick_held = false;
	owed = sch->kick_owed;
	sch->kick_owed = false;
	pthread_mutex_unlock(&sch->lock);
	if (owed)
		pthread_cond_signal(&sch->cond);
}

void css_worker_stop(struct css_subchannel *sch)
{
	bool join;

	pthread_mutex_lock(&sch->lock);
	sch->stop = true;
	join = sch->thread_started;
	sch->thread_started = false;
	pthread_cond_signal(&sch->cond);
	pthread_mutex_unlock(&sch->lock);
	if (join)
		pthread_join(sch->thread, NULL);
	/* A suspended program still owes its end (durability). */
	pthread_mutex_lock(&sch->lock);
	end_program(sch);
	pthread_mutex_unlock(&sch->lock);
}
