/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the host channel subsystem, shared by the src/css sources only.
 *
 * Locking: css->lock protects the channel-path table and the subchannel
 * table; sch->lock protects everything in a subchannel that an instruction
 * can see or change (PMCW, SCSW, ESW/ECW of the pending status, the
 * function requests). Lock order: css->lock before sch->lock. Device
 * operations, memory accesses of a running program and the notify /
 * chp_event callbacks run without any lock held; device operations of one
 * subchannel are only ever called from one thread at a time (its worker, or
 * the caller of the instruction in CSS_F_SYNC mode).
 */
#ifndef CCWPASS_CSS_INTERNAL_H
#define CCWPASS_CSS_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ptime.h"
#include "css/css.h"
#include "css/css_device.h"

#define CSS_MAX_CHPID 256

struct css_chp {
	bool exists;
	bool online;
	uint8_t type;
};

struct css {
	unsigned int flags;
	pthread_mutex_t lock;
	struct css_chp chp[CSS_MAX_CHPID];
	struct css_subchannel **sch;   /* sorted by schid */
	size_t nsch, cap;
	unsigned int varying;          /* css_chp_vary()s using subchannels
					  without the lock */
	pthread_cond_t vary_done;      /* ... one of them ended */
};

/*
 * One command as the device sees it, plus the channel's transfer state
 * (data chaining, IDAWs, skip, residual) for the CCW currently in control.
 */
struct css_ccw_io {
	struct css_subchannel *sch;
	struct css_mem *mem;

	/* from the ORB, for the whole program */
	bool fmt1;             /* format-1 CCWs */
	bool idaw2;            /* format-2 (64-bit) IDAWs */
	uint32_t ida_block;    /* IDA block size: 2048 or 4096 */
	uint64_t addr_limit;   /* CCW / data / IDAL addresses are below this */
	uint8_t path;          /* the path used (one bit) */
	bool suspend_ok;       /* ORB S: CCW suspend flags honoured */
	bool ils;              /* ORB L: incorrect-length-suppression mode */
	bool isic;             /* ORB I: initial-status interruption */

	/* the command: from the CCW that started it */
	uint8_t cmd;
	uint8_t cmd_flags;
	uint32_t cmd_count;
	bool chained;          /* reached through command chaining */
	bool to_storage;       /* read, read backward, sense */
	bool backward;         /* read backward: descending addresses */

	/* the CCW in control (the command CCW or a data-chained one) */
	uint32_t ccw_addr;
	uint8_t flags;
	uint32_t count;
	uint32_t done;         /* bytes transferred for this CCW */
	uint32_t cda;          /* data address, or the IDAL address */
	bool skip;             /* count bytes, but do not store them */

	/* indirect data addressing of the CCW in control */
	uint64_t idaw_next;    /* address of the next IDAW */
	uint64_t ida_addr;     /* next data byte (the leftmost, or the
				  rightmost when reading backward) */
	uint32_t ida_left;     /* bytes left in the current IDA block */

	/* outcome of the command */
	uint8_t cstat;         /* check found by the channel (PROG_CHECK...) */
	bool overrun;          /* device offered / asked more than the count */
	bool moved;            /* device called css_io_put/get */
	bool broken;           /* transfer stopped by a check */
	bool notify_due;       /* intermediate status made pending meanwhile */
};

/* Why a channel program stopped running. */
enum css_exec_end {
	CSS_END_STATUS,     /* the program ended: final status below */
	CSS_END_SUSPEND,    /* a CCW with the suspend flag: suspended */
	CSS_END_HALT,       /* halt function seen at a CCW boundary */
	CSS_END_CLEAR,      /* clear function seen at a CCW boundary */
	CSS_END_STOP,       /* css_free() */
};

struct css_exec_result {
	enum css_exec_end end;
	bool executed;      /* at least one CCW was fetched */
	uint32_t cpa;       /* SCSW CCW address */
	uint16_t count;     /* SCSW residual count */
	uint8_t dstat;
	uint8_t cstat;
};

struct css_subchannel {
	struct css *css;
	pthread_mutex_t lock;
	pthread_cond_t cond;          /* worker: new function requested */
	pthread_t thread;
	bool thread_started;
	bool stop;                    /* css_free(): worker must exit */
	bool running;                 /* a channel program is executing */
	bool in_process;              /* CSS_F_SYNC: functions being run */
	bool kick_held;               /* css_sch_hold_start() */
	bool kick_owed;               /* a function came while held */
	bool program_open;            /* end_program() still owed */
	uint8_t unsolicited;          /* device status waiting to be made
					 pending on its own (css_sch_present) */

	struct css_busid schid, devno;
	char name[CSS_BUSID_STRLEN];
	struct css_device *dev;

	struct css_pmcw pmcw;
	struct css_scsw scsw;
	uint64_t mba;
	uint8_t mda[4];

	/* status-pending extras, stored by TEST SUBCHANNEL in the IRB */
	struct css_esw esw;
	uint8_t ecw[CSS_ECW_SIZE];

	/* the start function */
	struct css_orb orb;
	struct css_mem *mem;
	struct css_ccw_io io;
	uint64_t t_start;             /* when it was issued (ptime_now) */

	struct css_stats stats;       /* under lock */

	css_notify_fn *notify;
	css_chp_event_fn *chp_event;
	void *opaque;
};

/* ---- css_stats.c ---- */
/* One start function's times (ptime_now) and what it charged. */
struct css_program_times {
	uint64_t begin;           /* the worker took it */
	uint64_t executed;        /* the last CCW done */
	uint64_t status;          /* ended (durable), status about pending */
	struct ptime_sink sink;
};
/* Count a program that ends with final status (lock held). */
void css_stats_program(struct css_subchannel *sch,
		       const struct css_program_times *t, uint8_t dstat);

/* ---- css.c ---- */
bool css_sync(const struct css_subchannel *sch);

/* ---- css_status.c: every guest-visible status is built here ---- */
/* All with sch->lock held. */
void css_status_reset_for_start(struct css_subchannel *sch,
				const struct css_orb *orb);
void css_status_final(struct css_subchannel *sch,
		      const struct css_exec_result *res, const uint8_t *sense,
		      size_t sense_len);
void css_status_no_path(struct css_subchannel *sch);
void css_status_halted(struct css_subchannel *sch);
void css_status_cleared(struct css_subchannel *sch, uint8_t path);
/* Returns: true when the subchannel became status pending (notify due). */
bool css_status_intermediate(struct css_subchannel *sch, bool pci, bool zcc,
			     uint32_t cpa, uint16_t count);
bool css_status_suspended(struct css_subchannel *sch, uint32_t cpa,
			  uint16_t count);
void css_status_unsolicited(struct css_subchannel *sch, uint8_t dstat,
			    uint8_t path);
void css_status_store_irb(const struct css_subchannel *sch,
			  struct css_irb *irb);
void css_status_tsch_clear(struct css_subchannel *sch);
bool css_status_pending(const struct css_subchannel *sch);

/* ---- css_exec.c ---- */
/* Runs the program of sch->orb against sch->mem; no lock held. */
void css_exec_run(struct css_subchannel *sch, struct css_exec_result *res);
/* Channel status for a failed storage access (-EFAULT, ...). */
uint8_t css_exec_mem_check(int err);
/* Fetch one CCW (converted to format 1); Returns 0 or the channel status. */
uint8_t css_exec_fetch_ccw(struct css_ccw_io *io, uint64_t addr,
			   struct css_ccw *ccw);

/* ---- css_io.c ---- */
/*
 * Make the CCW at addr (already fetched and checked as a CCW) the one in
 * control: data address, IDAW and skip set-up. Returns 0 or the channel
 * status (program check) that the CCW causes.
 */
uint8_t css_io_begin_ccw(struct css_ccw_io *io, uint32_t addr,
			 const struct css_ccw *ccw);
/* Checks shared by command and data-chained CCWs. Returns 0 or status. */
uint8_t css_io_check_ccw(const struct css_ccw_io *io, const struct css_ccw *ccw,
			 bool data_chained);

/* ---- css_worker.c ---- */
/*
 * A function (start, halt, clear) was requested: run it (CSS_F_SYNC) or
 * wake the worker. Called with sch->lock held. Returns 0 or -errno
 * (worker thread could not be created; nothing was changed then).
 */
int css_worker_prepare(struct css_subchannel *sch);
void css_worker_kick(struct css_subchannel *sch);
void css_worker_stop(struct css_subchannel *sch);
/* Raises a PCI / ISIC intermediate interruption from the exec loop. */
void css_worker_notify(struct css_subchannel *sch);
/* What the running program must do at a CCW boundary (lock not held). */
enum css_exec_end css_worker_poll(struct css_subchannel *sch);

#endif
