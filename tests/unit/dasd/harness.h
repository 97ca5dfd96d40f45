/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running channel programs against a 3390 in tests and fuzzing. Two
 * implementations share this interface: harness_css.c (the real channel
 * subsystem, CSS_F_SYNC, flat memory, IDAWs) and harness_fake.c (a minimal
 * channel written for these tests, used while the CSS is not available).
 */
#ifndef CCWPASS_TESTS_DASD_HARNESS_H
#define CCWPASS_TESTS_DASD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dasd/eckd.h"

struct ckd_image;
struct css_device;
struct harness;

#define H_CC   0x40   /* CCW flags as in css_arch.h */
#define H_SLI  0x20
#define H_SKIP 0x10
#define H_IDA  0x04
#define H_TIC  0x08   /* command code: count = index of the target CCW */

struct tccw {
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	void *data;       /* count bytes of test memory (NULL if count 0) */
};

struct tresult {
	int last;             /* index of the CCW the final status is for */
	uint8_t dstat;        /* device status */
	uint8_t cstat;        /* subchannel status */
	uint16_t residual;
	bool sense_valid;     /* concurrent sense taken with the status */
	uint8_t sense[32];
	int executed;         /* commands the device executed (TICs not) */
	int ends;             /* the device's end_program() calls */
	int statuses;         /* status-pending IRBs TEST SUBCHANNEL gave */
	bool final_status;    /* the IRB held primary (final) status */
	bool cleared;         /* a clear function ended the program */
};

#define H_NPATHS 2            /* paths 0x80 and 0x40 */

/* A device on img (owned by the harness from now on); NULL on failure. */
struct harness *h_new(struct ckd_image *img, uint16_t ssid, uint8_t ua);
void h_free(struct harness *h);

/* Only harness_css.c: any device (the harness owns it, even on failure)
 * on the base's subchannel, e.g. an FBA DASD. */
struct harness *h_new_dev(struct css_device *dev);
/* Only harness_css.c: h_attach() of any device (see h_new_dev). */
int h_attach_dev(struct harness *h, struct css_device *dev);

/* Only harness_fake.c: h_new() for a volume with cache = writeback and
   that flush interval (eckd_config.writeback_ms). */
struct harness *h_new_writeback(struct ckd_image *img, unsigned int ms);

/*
 * Only harness_css.c: h_new_threaded() runs the channel subsystem with its
 * worker threads instead of CSS_F_SYNC (h_run waits for the final status,
 * which the subchannel's notify callback collects with TEST SUBCHANNEL).
 * h_add_alias() adds a HyperPAV alias of the base at unit address ua on a
 * subchannel of its own (0.0.0002..., devno 0.0.1235...) with its own
 * storage. Returns: its number for h_run_on (1, 2, ...), or -1.
 */
#define H_MAX_DEVS 5
struct harness *h_new_threaded(struct ckd_image *img, uint16_t ssid,
			       uint8_t ua);
int h_add_alias(struct harness *h, uint8_t ua);

/*
 * One harness, many devices (for fuzzing: a fresh device per input
 * without the cost of a new harness). h_detach() destroys the base, its
 * aliases and the image and leaves nothing of the programs that ran
 * (harness_css.c: the channel subsystem goes too, and the storage they
 * used is cleared); until h_attach() only h_attach() and h_free() may be
 * called. h_attach() puts a fresh 3390 on img (owned by the harness from
 * now on, even on failure) where h_new() or h_new_threaded() would, with
 * no aliases (h_add_alias numbers them from 1 again).
 * Returns: 0, or -1 (still detached; -1 also if a device was attached).
 */
void h_detach(struct harness *h);
int h_attach(struct harness *h, struct ckd_image *img);

/* Only harness_css.c: 3390s made from now on have no read-ahead in their
 * cache (eckd_config.no_readahead; fuzzing wants the same run twice). */
extern bool h_no_readahead;

/* Take sense concurrently with a unit check (default) or leave it pending. */
void h_set_csense(struct harness *h, bool on);

/*
 * Run prog[0..n) on the path given by lpm (0x80 or 0x40).
 * Returns: 0 with res filled, or -1 if the harness could not start it.
 */
int h_run(struct harness *h, const struct tccw *prog, int n, uint8_t lpm,
	  struct tresult *res);
/* The same on device dev (0: the base); programs on different devices may
 * run at the same time from different threads (h_new_threaded). */
int h_run_on(struct harness *h, int dev, const struct tccw *prog, int n,
	     uint8_t lpm, struct tresult *res);

/*
 * h_run_on in two halves (h_new_threaded only): START SUBCHANNEL, and
 * waiting for the final status of the start function, or of a clear
 * function (CLEAR SUBCHANNEL: h_clear_on) that ended it (res->cleared).
 * prog must stay valid in between. Returns: 0 or -1.
 */
int h_start_on(struct harness *h, int dev, const struct tccw *prog, int n,
	       uint8_t lpm);
int h_wait_on(struct harness *h, int dev, struct tresult *res);
int h_clear_on(struct harness *h, int dev);

/*
 * A test hook on the channel subsystem's side of the device: called on the
 * thread running dev's program before the 3390 executes command index
 * (0, 1, ... of the program; cmd its code), and with index -1 when the
 * program ends, before the 3390's end_program. NULL: none.
 */
typedef void h_hook_fn(int dev, int index, uint8_t cmd, void *arg);
void h_set_hook(struct harness *h, h_hook_fn *fn, void *arg);

/* The css_device and its image (for tests that look at them). */
struct css_device *h_device(struct harness *h);
struct ckd_image *h_test_image(struct harness *h);

#endif
