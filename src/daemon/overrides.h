/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * driverctl's saved overrides: /etc/driverctl.d/css-<sch> holds a driver
 * name; driverctl's udev rule applies it when the device appears (before
 * any driver binds). The daemon does the same before its first probe.
 */
#ifndef CCWPASS_DAEMON_OVERRIDES_H
#define CCWPASS_DAEMON_OVERRIDES_H

#include "bus/bus.h"

/* Returns the number of overrides applied. */
int overrides_apply(struct bus *bus, const char *etc_dir);
/* The same for one subchannel that just appeared (a reload): 1 or 0. */
int overrides_apply_one(struct bus *bus, const char *etc_dir,
			const char *sch);

#endif
