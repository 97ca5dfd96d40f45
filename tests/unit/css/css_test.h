/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test support for the css unit tests: a scripted test-double device that
 * records what the channel gave it, and a fixture with one css, one
 * subchannel (0.0.0010, device 0.0.1234, CHPIDs 40-43) and flat storage.
 */
#ifndef CCWPASS_TEST_CSS_TEST_H
#define CCWPASS_TEST_CSS_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "css/css.h"
#include "css/css_device.h"

#define TDEV_STEPS 32
#define TDEV_RECS  64
#define TDEV_DATA  512
#define TDEV_SENSE 32

struct tdev;
typedef void tdev_hook_fn(struct tdev *d, struct css_ccw_io *io);

/* What the device does for one command. */
struct tdev_step {
	uint8_t status;            /* 0: CE|DE */
	const void *data;          /* read/sense: bytes offered to css_io_put */
	size_t len;                /* bytes offered (read) or asked (write) */
	bool no_xfer;              /* call neither put nor get */
	const uint8_t *sense;      /* recorded as sense before returning */
	size_t sense_len;
	tdev_hook_fn *hook;        /* runs before the status is returned */
};

/* What the device saw for one command. */
struct tdev_rec {
	uint8_t cmd, flags;
	uint32_t count, remaining;
	bool chained;
	uint8_t path;
	size_t xfer;               /* bytes the channel accepted / gave */
	uint8_t data[TDEV_DATA];   /* write: bytes received */
};

struct tdev {
	struct css_device dev;
	struct tdev_step steps[TDEV_STEPS];
	size_t nsteps;
	struct tdev_step dflt;     /* for commands beyond nsteps */
	struct tdev_rec rec[TDEV_RECS];
	size_t nexec;              /* execute() calls (rec keeps the first) */
	int end_calls, reset_calls, sense_calls, destroy_calls;
	uint8_t end_status;
	uint8_t sense[TDEV_SENSE];
	size_t sense_len;
	struct css_subchannel *sch;
	unsigned int halt_after;   /* css_hsch() after that many commands */
	int hsch_cc;               /* what that css_hsch() returned */
	void *arg;
};

void tdev_init(struct tdev *d);
void tdev_add(struct tdev *d, struct tdev_step step);

#define MEMSZ 0x20000

struct fix {
	struct css *css;
	struct css_subchannel *sch;
	struct tdev dev;
	uint8_t *mem;
	struct css_flatmem fm;
	/* notify bookkeeping */
	int notifies;
	bool tsch_in_notify;       /* collect the IRB inside the callback */
	int notify_irbs;
	struct css_irb irbs[8];
	int chp_events;
	uint8_t chp_mask;
	enum css_chp_event chp_ev;
};

/* css with CHPIDs 40-43 (type FC), subchannel with pim/pam as given,
 * enabled, concurrent sense as asked. */
void fix_init(struct fix *f, unsigned int flags, uint8_t pim, bool csense);
void fix_fini(struct fix *f);

void put_ccw1(struct fix *f, uint32_t addr, uint8_t cmd, uint8_t flags,
	      uint16_t count, uint32_t cda);
void put_ccw0(struct fix *f, uint32_t addr, uint8_t cmd, uint8_t flags,
	      uint16_t count, uint32_t cda);
void put_idaw1(struct fix *f, uint32_t addr, uint32_t idaw);
void put_idaw2(struct fix *f, uint32_t addr, uint64_t idaw);

/* A format-1 ORB (intparm 0x12345678, LPM 0 = keep PMCW LPM). */
struct css_orb orb1(uint32_t cpa);

/* ssch (expecting cc 0) then tsch (expecting cc 0) into irb. */
void run_ok(struct fix *f, const struct css_orb *orb, struct css_irb *irb);

/* Runs a program expected to end in a program check (reported CCW
 * address cpa) after execs commands reached the device. */
void expect_prog_check(struct fix *f, const struct css_orb *orb, uint32_t cpa,
		       size_t execs);

/* SCSW control halves. */
#define FCTL(s) ((s).ctrl & SCSW_CTRL_FCTL)
#define ACTL(s) ((s).ctrl & SCSW_CTRL_ACTL)
#define STCTL(s) ((s).ctrl & SCSW_CTRL_STCTL)
#define ST_FINAL (SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY | \
		  SCSW_STCTL_STATUS_PEND)
#define ST_FINAL_ALERT (ST_FINAL | SCSW_STCTL_ALERT)
#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

#endif
