/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass run`: what can be checked of QEMU's command line in the view
 * before QEMU starts (docs/daemon.md "ccwpass run").
 */
#ifndef CCWPASS_CLI_RUN_CHECK_H
#define CCWPASS_CLI_RUN_CHECK_H

#include "common/error.h"

/*
 * Every `-device vfio-ccw,...,sysfsdev=PATH` of argv (NULL-terminated)
 * names an mdev in /sys (the view: call it inside the namespace).
 * Returns: 0, or -1 with err naming the option and the mdevs there are
 * (UUID and parent subchannel) or saying that none is started.
 */
int run_check_sysfsdev(char *const argv[], struct error *err);

#endif
