/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What udev does on a real host when the driver core reports a change, as
 * far as vfio-ccw needs it: on "change, MDEV_STATE=registered" of a parent
 * for which /etc/mdevctl.d/<parent> exists, run
 * `mdevctl start-parent-mdevs <parent>` (mdevctl's 60-mdevctl.rules), so
 * that `mdevctl define -a` devices come up when their subchannel is bound
 * to vfio_ccw. The helper runs in its own process, in a mount namespace
 * with the sysfs view at /sys, one at a time, never on a FUSE thread (it
 * writes back into the view).
 */
#ifndef CCWPASS_DAEMON_UEVENT_H
#define CCWPASS_DAEMON_UEVENT_H

#include <stdbool.h>

#include "bus/bus.h"
#include "common/error.h"

struct uevent_runner;

struct uevent_options {
	const char *runtime_dir;
	const char *etc_dir;       /* where mdevctl.d is looked up */
	const char *mdevctl;       /* program; NULL or "" disables */
};

/* Starts paused: events queue up until uevent_resume(). */
int uevent_start(const struct uevent_options *opt, struct uevent_runner **out,
		 struct error *err);
void uevent_resume(struct uevent_runner *u);
/*
 * As `udevadm settle`: waits until every queued event has been handled
 * (mdevctl's autostart done) or timeout_ms passed. false on the timeout.
 */
bool uevent_settle(struct uevent_runner *u, long timeout_ms);
/* A bus_event_fn: queues what needs a helper (never blocks). */
void uevent_post(const struct bus_event *ev, void *opaque);
/* Waits for the helper that runs (killing it after a few seconds), frees. */
void uevent_stop(struct uevent_runner *u);

#endif
