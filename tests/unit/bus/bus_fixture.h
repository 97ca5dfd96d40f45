/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small host for driver-core and sysfs tests: channel paths 1a 2a 3a 0a
 * (type 1b), subchannels 0.0.0313 (device 0.0.2b09), 0.0.0314 (0.0.2b0a),
 * 0.1.0020 (0.1.4000) and a QDIO one 0.0.0315 (0.0.2b0b), each a 3390 on a
 * 3990 that does nothing, plus a fake "vfio_ccw" driver (type
 * "vfio_ccw-io") that records its calls and refuses QDIO like the real one.
 */
#ifndef CCWPASS_TEST_BUS_FIXTURE_H
#define CCWPASS_TEST_BUS_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>

#include "bus/bus.h"

#define FX_EVENTS 64

struct fx_event {
	enum bus_event_kind kind;
	char sch[16];
	char driver[32];
	char uuid[BUS_UUID_SIZE];
	uint8_t chpid;
	bool online;
};

struct fx {
	struct css *css;
	struct bus *bus;
	/* fake vfio_ccw */
	struct bus_mdev_type mtype;
	struct bus_driver drv;
	int probe_calls, remove_calls, create_calls, mremove_calls;
	int probe_ret;            /* forced probe result (0: normal) */
	int create_ret;           /* forced create result */
	int mremove_ret;          /* forced mdev remove result */
	char last_created[BUS_UUID_SIZE];
	/* events */
	struct fx_event ev[FX_EVENTS];
	int nev;
	/*
	 * A VMM that does not let go: while hold_mdev (hold_driver) is set,
	 * the fake mdev remove (driver remove) counts itself in `held` and
	 * waits until fx_release(). Guarded by gate/gate_cond.
	 */
	pthread_mutex_t gate;
	pthread_cond_t gate_cond;
	bool hold_mdev, hold_driver;
	int held;
};

/* Builds everything; with_vfio registers the fake driver. */
struct fx *fx_new(bool with_vfio);
void fx_free(struct fx *fx);
/* A subchannel with a do-nothing 3390 into the css (not the bus). */
void fx_add_css_sch(struct fx *fx, const char *schid, const char *devno,
		    bool qdio);
/* Clears the event record. */
void fx_clear_events(struct fx *fx);
/* Make the remove callbacks block (see struct fx); let them go. */
void fx_hold(struct fx *fx, bool mdev, bool driver);
void fx_release(struct fx *fx);
/* Wait (bounded: false after the test deadline) until n removes are held. */
bool fx_wait_held(struct fx *fx, int n);

#define FX_UUID1 "7e270a25-e163-4922-af60-757fc8ed48c6"
#define FX_UUID2 "6dfd3ec5-e8b3-4e18-a6fe-57bc9eceb920"
#define FX_UUID3 "11111111-2222-3333-4444-555555555555"

#endif
