/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host channel subsystem: subchannels, channel paths and the I/O
 * instructions a host operating system issues against them (Principles of
 * Operation ch. 14 "I/O instructions", 15 "Basic I/O functions").
 *
 * Instructions return the condition code (0-3) the machine would set, or a
 * negative errno where the machine would present a program interruption
 * (operand exception / specification exception), e.g. -EINVAL for an ORB with
 * reserved bits set. Channel programs run asynchronously on a per-subchannel
 * worker (or inline, for tests and fuzzing: see CSS_F_SYNC); completion makes
 * the subchannel status pending and calls the subchannel's notify callback.
 */
#ifndef CCWPASS_CSS_CSS_H
#define CCWPASS_CSS_CSS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "css/css_arch.h"
#include "css/css_mem.h"

struct css;
struct css_subchannel;
struct css_device;

/* "cssid.ssid.num": a subchannel id (num = sch number) or a device bus id. */
struct css_busid {
	uint8_t cssid;
	uint8_t ssid;     /* 0-3 */
	uint16_t num;
};

#define CSS_BUSID_STRLEN 16 /* "ff.3.ffff" + NUL, with room */

/* Strict parse of "c.s.xxxx" (hex, xxxx exactly 4 digits). Returns: 0 / -EINVAL. */
int css_busid_parse(const char *s, struct css_busid *id);
/* Formats "%x.%x.%04x" into buf (CSS_BUSID_STRLEN bytes); returns buf. */
char *css_busid_format(struct css_busid id, char *buf);
bool css_busid_eq(struct css_busid a, struct css_busid b);

/* Inline execution: instructions run the channel program before returning. */
#define CSS_F_SYNC 0x1

struct css *css_new(unsigned int flags);
/* Stops all workers (halting running programs) and frees everything. */
void css_free(struct css *css);

/* ---- channel paths ---- */
#define CSS_CHP_TYPE_FC 0x1b /* FICON channel (what QEMU shows as "1b") */

int css_add_chp(struct css *css, uint8_t chpid, uint8_t type, struct error *err);
bool css_chp_exists(const struct css *css, uint8_t chpid);
/* Returns: the type, or -ENOENT. */
int css_chp_type(const struct css *css, uint8_t chpid);
bool css_chp_online(const struct css *css, uint8_t chpid);

enum css_chp_event {
	CSS_CHP_VARY_OFF,  /* path varied offline: removed from PAM */
	CSS_CHP_VARY_ON,   /* path varied online: added back to PAM */
};

/*
 * Vary a channel path off/on: every subchannel using it gets its PAM
 * updated and, if it registered one, its chp_event callback called (outside
 * the subchannel lock) with the path mask bit. Returns: 0, -ENOENT.
 */
int css_chp_vary(struct css *css, uint8_t chpid, bool online);

/* ---- subchannels ---- */
struct css_subchannel_config {
	struct css_busid schid;
	struct css_busid devno;   /* cssid/ssid must equal schid's */
	uint8_t chpids[8];        /* 0 = none; must be added with css_add_chp */
	uint8_t pim, pam, pom;
	uint8_t type;             /* CSS_SCH_TYPE_IO */
	bool qdio;                /* PMCW QF bit (vfio_ccw refuses these) */
	struct css_device *dev;   /* owned by the subchannel once added; on
				     failure the caller keeps it */
};

/* Returns: 0, -EEXIST (schid or devno in use), -EINVAL (with message). */
int css_add_subchannel(struct css *css, const struct css_subchannel_config *cfg,
		       struct css_subchannel **out, struct error *err);
struct css_subchannel *css_find_subchannel(struct css *css, struct css_busid schid);
/*
 * Take a subchannel out (dynamic I/O reconfiguration): its worker stops
 * (a program in progress ends at a CCW boundary, its writes made
 * durable) and its device is destroyed. Nobody may use it any more (the
 * driver core removed it first). 0 or -ENODEV.
 */
int css_remove_subchannel(struct css *css, struct css_busid schid);
struct css_subchannel *css_find_devno(struct css *css, struct css_busid devno);
/* Iteration in schid order; returns NULL after the last. */
struct css_subchannel *css_next_subchannel(struct css *css,
					   struct css_subchannel *prev);

struct css_busid css_sch_id(const struct css_subchannel *sch);
struct css_busid css_sch_devno(const struct css_subchannel *sch);
struct css_device *css_sch_device(const struct css_subchannel *sch);
const char *css_sch_name(const struct css_subchannel *sch); /* "0.0.0313" */

/*
 * Interruption: called (on the worker thread, without locks held) each time
 * the subchannel becomes status pending, intermediate status (PCI, initial
 * status, suspension) included. The callee normally issues css_tsch() to
 * collect the IRB; the status may already have been collected, so that
 * TSCH can set cc 1.
 */
typedef void css_notify_fn(struct css_subchannel *sch, void *opaque);
typedef void css_chp_event_fn(struct css_subchannel *sch, uint8_t path_mask,
			      enum css_chp_event ev, void *opaque);
void css_sch_set_handlers(struct css_subchannel *sch, css_notify_fn *notify,
			  css_chp_event_fn *chp_event, void *opaque);

/*
 * The device presents status on its own, unsolicited (a tape drive made
 * ready: attention, device end, unit exception). It becomes pending with
 * alert status once the subchannel is idle - no function in progress, no
 * status pending - and notify runs as for any status; statuses waiting
 * together merge. A subchannel that is not enabled (or has no path) then
 * drops it, as nobody takes the interruption. Any thread.
 */
void css_sch_present(struct css_subchannel *sch, uint8_t dstat);

/* ---- measurement (docs/performance.md) ---- */

/* The stages of one channel program, in nanoseconds. */
enum css_stage {
	CSS_STAGE_RECEIVE,    /* the VMM's request arrived -> start issued
				 (its driver's share: vfio-user, translation) */
	CSS_STAGE_TRANSLATE,  /* of which: channel-program translation */
	CSS_STAGE_QUEUE,      /* start issued -> the worker began it */
	CSS_STAGE_EXECUTE,    /* the program, CCW by CCW (device and data) */
	CSS_STAGE_IMAGE,      /* of which: image file I/O */
	CSS_STAGE_COPY,       /* of which: data moved to / from storage */
	CSS_STAGE_END,        /* end of the program (writes made durable) */
	CSS_STAGE_IRB,        /* final status -> the VMM was told */
	CSS_STAGE_VMM,        /* the VMM was told -> its next request to
				 start on the subchannel, when within a
				 second: the guest's and the VMM's part
				 between two programs (not busy time) */
	CSS_STAGE_FETCH,      /* of which: the VMM was told -> it read the
				 final status (its wake-up and the read) */
	CSS_STAGES
};

/* What a subchannel did since it was made (counters only grow). */
struct css_stats {
	uint64_t programs;       /* start functions ended with final status */
	uint64_t unit_checks;    /* of which with unit check */
	/* Bytes the channel moved to / from storage (the guest's memory):
	 * what the guest read / wrote, command parameters included. */
	uint64_t bytes_read;
	uint64_t bytes_written;
	uint64_t busy_ns;        /* start issued -> final status, summed */
	uint64_t stage_ns[CSS_STAGES];
	uint64_t stage_max_ns[CSS_STAGES];
};

/* A copy of the counters (consistent: taken under the subchannel lock). */
void css_sch_stats(struct css_subchannel *sch, struct css_stats *out);
/* Add a stage the subchannel's driver measured (any thread). */
void css_sch_stats_add(struct css_subchannel *sch, enum css_stage stage,
		       uint64_t ns);
/* Printable name of a stage ("receive", ...). */
const char *css_stage_name(enum css_stage stage);

/*
 * The status a VMM's guest sees for a start its device refused after the
 * guest was given cc 0 (vfio-ccw's posted start, docs/vfio-ccw.md): with
 * not_oper, deferred condition code 3 with alert status, as a device found
 * not operational during the start; else the unit exception QEMU makes of
 * any other refusal (hw/s390x/css.h sch_gen_unit_exception: primary,
 * secondary and alert status, the CCW address 8 past the program's start,
 * start pending left set). Written into *irb whole; no subchannel changes.
 */
void css_status_start_refused(const struct css_orb *orb, bool not_oper,
			      struct css_irb *irb);

/* ---- I/O instructions ---- */
/*
 * START SUBCHANNEL: cc 0 started, 1 status pending, 2 busy, 3 not
 * operational. The program runs against mem, which must stay valid until
 * the final status is pending (or the subchannel is cleared).
 * Returns -EINVAL for ORB operand errors (reserved bits, transport mode:
 * -EOPNOTSUPP).
 */
int css_ssch(struct css_subchannel *sch, const struct css_orb *orb,
	     struct css_mem *mem);
/* HALT SUBCHANNEL: cc 0, 1 (status pending, not halted), 2 (busy), 3. */
int css_hsch(struct css_subchannel *sch);
/* CLEAR SUBCHANNEL: cc 0 or 3. */
int css_csch(struct css_subchannel *sch);
/*
 * Functions issued between hold and release start when released: the
 * caller answers its own client first (the worker would otherwise take
 * the caller's CPU while the client waits for that answer). Any thread;
 * release is idempotent. With CSS_F_SYNC functions run at once anyway.
 */
void css_sch_hold_start(struct css_subchannel *sch);
void css_sch_release_start(struct css_subchannel *sch);
/* TEST SUBCHANNEL: cc 0 (status was pending; irb filled, status cleared), 1, 3. */
int css_tsch(struct css_subchannel *sch, struct css_irb *irb);
/* STORE SUBCHANNEL: cc 0, 3. */
int css_stsch(struct css_subchannel *sch, struct css_schib *schib);
/*
 * MODIFY SUBCHANNEL: only the program-modifiable fields (intparm, ISC, ENA,
 * LM, MME, MP, LPM, MBI, CSENSE...) are taken. cc 0, 1 (status pending),
 * 2 (busy), 3. -EINVAL for reserved bits / bad ISC.
 */
int css_msch(struct css_subchannel *sch, const struct css_schib *schib);

/* Log with the "sch c.s.xxxx: " prefix. */
void css_log(const struct css_subchannel *sch, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
