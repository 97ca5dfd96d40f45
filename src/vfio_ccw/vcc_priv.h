/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the vfio_ccw mediated device, shared by
 * src/vfio_ccw/vcc_*.c and their tests (Linux vfio_ccw_private.h plays
 * this part). docs/vfio-ccw.md describes the design.
 *
 * Threads and locks
 * - fsm_lock serialises FSM events and everything they touch (state, cp,
 *   the io / cmd region bytes, the IRB queue for the VMM). Events run on
 *   the mdev's loop thread while an mdev exists (region ops, reset,
 *   client_ready / client_gone, the bottom half); before and after that on
 *   the thread calling the vcc.h API. Nothing waits for a css worker while
 *   holding it.
 * - lock is a leaf lock (any thread, held briefly; only the vfio-user
 *   server's own leaf locks nest in it): the IRBs the css worker collected
 *   (rxq), the CRW queue, the mdev pointer and its vfio-user server
 *   (eventfds are signalled under it, so removal cannot free the server
 *   under a signal), the bottom-half kick, client presence.
 * - css notify / chp_event callbacks (worker or varying thread) only take
 *   lock: they queue and kick the bottom half, which runs FSM INTERRUPT
 *   events on the loop thread (or inline when there is no loop). The
 *   notify of a status runs it itself when fsm_lock is free (a try, never
 *   a wait): one thread switch less between a program's status and the
 *   VMM's eventfd (docs/performance.md).
 */
#ifndef CCWPASS_VFIO_CCW_VCC_PRIV_H
#define CCWPASS_VFIO_CCW_VCC_PRIV_H

#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "css/css.h"
#include "vfio_ccw/cp.h"
#include "vfio_ccw/vcc.h"
#include "vfio_ccw/vcc_region.h"

enum vcc_state {
	VCC_STATE_NOT_OPER,
	VCC_STATE_STANDBY,
	VCC_STATE_IDLE,
	VCC_STATE_CP_PROCESSING,
	VCC_STATE_CP_PENDING,
	VCC_NR_STATES
};

enum vcc_event {
	VCC_EVENT_NOT_OPER,
	VCC_EVENT_IO_REQ,
	VCC_EVENT_INTERRUPT,
	VCC_EVENT_ASYNC_REQ,
	VCC_EVENT_OPEN,
	VCC_EVENT_CLOSE,
	VCC_NR_EVENTS
};

#define VCC_RXQ_MAX   32   /* IRBs collected by the worker, not processed */
#define VCC_IRBQ_MAX  16   /* IRBs waiting until the VMM read the last one */
#define VCC_CRWQ_MAX  64   /* CRWs not yet read */
#define VCC_ISC       6    /* interruption subclass, as Linux's VFIO_CCW_ISC */
#define VCC_QUIESCE_TIMEOUT_MS 60000  /* a clear always ends; be patient */

/* Extended-report word bits (PoP ch. 16 "Extended-Report Word"). */
#define VCC_ERW_FSAVF 0x02000000u  /* failing-storage address valid */
#define VCC_ERW_SCAVF 0x00800000u  /* secondary-CCW address valid */

struct vcc_mdev;
struct vcc_trace;

struct vcc_irbq {
	uint8_t irb[VCC_IRBQ_MAX][CSS_IRB_SIZE];
	bool final[VCC_IRBQ_MAX];
	unsigned int head, n;
};

struct vcc_private {
	struct css_subchannel *sch;
	char name[CSS_BUSID_STRLEN];
	uintptr_t handle;             /* css callback registration */
	char *socket_dir;
	int release_timeout_ms;
	int (*authorize)(void *opaque, const char *uuid,
			 const struct vfu_peer *peer);
	void *authorize_opaque;
	struct vcc_trace *trace;      /* NULL: no trace */
	bool start_held;              /* the server's thread only: an
					 io-region write held the starts
					 until its answer is sent */

	/* ---- under fsm_lock ---- */
	pthread_mutex_t fsm_lock;
	enum vcc_state state;
	struct cp_program cp;
	struct css_mem *guest;        /* guest memory for cp_init (NULL: none) */
	uint8_t lpm;                  /* Linux's sch->lpm: usable paths */
	bool quiesce;                 /* CLOSE's clear is outstanding: the cp
					 is freed when its status arrives */
	bool quiesce_deliver;         /* ... and the guest asked for a clear */
	struct css_irb irb;           /* the IRB of the INTERRUPT event */
	uint8_t io_region[VCC_IO_REGION_SIZE];
	uint8_t cmd_region[VCC_CMD_REGION_SIZE];
	bool irb_posted;              /* io_region holds an unread IRB */
	bool posting;                 /* the IO_REQ being handled was posted */
	bool start_deferred;          /* a posted start met a busy host
					 subchannel: io_region holds it until
					 the next bottom half (vcc_post.c) */
	uint64_t irb_seq;             /* IRBs shown so far */
	uint64_t resignal_seq;        /* irb_seq when an IO eventfd came */
	bool resignal_io;             /* ... and that IRB was unread */
	struct vcc_irbq irbq;
	uint64_t irbs_dropped;
	uint64_t t_fetch;             /* a final status shown: the
					 vmm_fetch stage starts */

	/* ---- under lock ---- */
	pthread_mutex_t lock;
	pthread_cond_t cond;          /* client gone, quiesce done */
	struct css_irb rxq[VCC_RXQ_MAX];
	uint64_t t_status;            /* final status collected (ptime_now,
					 atomic): the irb stage starts */
	uint64_t t_told;              /* ... and the VMM told (atomic): the
					 vmm stage starts */
	unsigned int rx_head, rx_n;
	uint64_t rx_lost;
	struct css_crw crwq[VCC_CRWQ_MAX];
	unsigned int crw_head, crw_n;
	bool crw_lost;                /* next CRW gets the overflow flag */
	bool crw_signal;              /* a CRW was queued: signal the VMM */
	bool fsm_busy;                /* fsm_lock held by fsm_owner */
	pthread_t fsm_owner;
	int bh_fd;                    /* the mdev loop's bottom-half eventfd */
	bool resignal;                /* a new IO / CRW eventfd: re-signal */
	struct vcc_mdev *mdev;
	bool client;                  /* a VMM is connected */
	pid_t client_pid;             /* its pid (SO_PEERCRED), 0: unknown */
	bool quiesce_waiting;         /* mirror of quiesce for waiters */
};

/* ---- vcc_fsm.c: the [state][event] table; start / halt / clear ---- */
const char *vcc_state_name(enum vcc_state s);
const char *vcc_event_name(enum vcc_event e);
/* Take / drop fsm_lock; dropping runs the bottom half when no loop does. */
void vcc_fsm_lock(struct vcc_private *p);
void vcc_fsm_unlock(struct vcc_private *p);
/* This thread holds fsm_lock. */
bool vcc_fsm_owned(struct vcc_private *p);
/* Take fsm_lock when nobody holds it: true, else false at once. */
bool vcc_fsm_trylock(struct vcc_private *p);
/* Fire an event (fsm_lock held). */
void vcc_fsm_event(struct vcc_private *p, enum vcc_event ev);
/* Reset = CLOSE then OPEN (fsm_lock held). Returns: 0, -EINVAL (NOT_OPER). */
int vcc_fsm_reset(struct vcc_private *p);

/* ---- vcc_drv.c: css glue and the bottom half ---- */
/* Queue work for the bottom half (any thread). */
void vcc_bh_kick(struct vcc_private *p);
/* Run the bottom half: IRBs from the worker, CRW and IRQ signals.
 * fsm_lock held. */
void vcc_bh_run(struct vcc_private *p);
/* The Linux io_todo for the IRB in p->irb (FSM INTERRUPT, fsm_lock held). */
void vcc_io_todo(struct vcc_private *p);
/* Hand an IRB to the VMM: into the io region now, or queued until the
 * previous one was read (fsm_lock held). */
void vcc_irb_post(struct vcc_private *p, const struct css_irb *irb);
/* The VMM read the io region's IRB: post the next (fsm_lock held). */
void vcc_irb_consumed(struct vcc_private *p);
/* Forget every IRB not yet read (fsm_lock held). */
void vcc_irb_flush(struct vcc_private *p);
/*
 * Wait (not on the loop thread, fsm_lock not held) until CLOSE's clear
 * completed. Returns true, or false after timeout_ms.
 */
bool vcc_wait_quiesce(struct vcc_private *p, int timeout_ms);
/*
 * (Re)install vfio_ccw's css callbacks on p->sch (probe does; tests that
 * borrow the host subchannel to make it status pending or busy behind the
 * FSM's back put them back with it).
 */
void vcc_sch_attach(struct vcc_private *p);
/* Signal an eventfd of the mdev's client (IO, CRW, REQ); -ENOENT if none. */
int vcc_irq_trigger(struct vcc_private *p, uint32_t index);

/*
 * Region accesses, as the vfio-user ops make them (offset and length
 * checked again: -EINVAL). The io and async ones take fsm_lock; schib and
 * crw need only lock. Return the bytes done or -errno.
 */

/* ---- vcc_async.c: the async command region ---- */
int vcc_async_write(struct vcc_private *p, uint64_t off, const void *buf,
		    uint32_t len);
int vcc_async_read(struct vcc_private *p, uint64_t off, void *buf,
		   uint32_t len);
/* HSCH / CSCH for the FSM. Returns: 0 or -errno as Linux fsm_do_*. */
int vcc_do_halt(struct vcc_private *p);
int vcc_do_clear(struct vcc_private *p);

/* ---- vcc_chp.c: schib and CRW regions, the CRW queue ---- */
int vcc_schib_read(struct vcc_private *p, uint64_t off, void *buf,
		   uint32_t len);
int vcc_crw_read(struct vcc_private *p, uint64_t off, void *buf,
		 uint32_t len);
/* Queue a CRW (lock not held). */
void vcc_crw_queue(struct vcc_private *p, uint8_t rsc, uint8_t erc,
		   uint16_t rsid);
/* CRWs not yet read (lock not held). */
unsigned int vcc_crw_pending(struct vcc_private *p);

/* ---- vcc_ops.c: the io region and the vfio-user device ---- */
/* fsm_lock held, bounds checked: the bytes into the region (not over the
 * IRB), IO_REQ; returns its errno (0: done). */
int vcc_io_request(struct vcc_private *p, uint64_t off, const void *buf,
		   uint32_t len);
int vcc_io_write(struct vcc_private *p, uint64_t off, const void *buf,
		 uint32_t len);
int vcc_io_read(struct vcc_private *p, uint64_t off, void *buf, uint32_t len);
struct vfu_device_desc;
struct vfu_device_ops;
extern const struct vfu_device_desc vcc_device_desc;
extern const struct vfu_device_ops vcc_device_ops;

/* ---- vcc_post.c: posted starts (VFU_CAP_POSTED_WRITE) ---- */
/* An io-region write the VMM did not wait for (fsm_lock not held). */
void vcc_io_post(struct vcc_private *p, uint64_t off, const void *buf,
		 uint32_t len);
/* Start a deferred posted start if the device is idle again (bottom half,
 * fsm_lock held). True when it no longer waits (started or refused). */
bool vcc_post_retry(struct vcc_private *p);
/* Forget a deferred posted start: the guest halted or cleared it, or the
 * device went (fsm_lock held). With status, the guest is shown deferred
 * cc 3 for it. */
void vcc_post_drop(struct vcc_private *p, bool status);

/* ---- vcc_mdev.c ---- */
/* lock held; NULL while the mdev is being removed. */
struct vfu_server *vcc_mdev_server(struct vcc_mdev *m);
struct vcc_guestmem *vcc_mdev_guestmem(struct vcc_mdev *m);
/* Client connected / gone (loop thread). */
void vcc_mdev_client_ready(struct vcc_private *p);
void vcc_mdev_client_gone(struct vcc_private *p);

#endif
