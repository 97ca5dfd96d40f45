/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's lock and pid file in its runtime directory:
 *  - <runtime_dir>/ccwpassd.lock (0600, root's alone): flock'ed
 *    exclusively for the daemon's whole life; a second daemon on the same
 *    runtime directory is refused, and clients tell a live daemon from a
 *    stale pid file by this lock (sysfs_ns_check_daemon). No one else can
 *    open it, so no one else can hold a lock that stops a restart.
 *  - <runtime_dir>/ccwpassd.pid (0644): the pid, for people and scripts;
 *    only information, never locked.
 */
#ifndef CCWPASS_DAEMON_PIDFILE_H
#define CCWPASS_DAEMON_PIDFILE_H

#include <sys/types.h>

#include "common/error.h"

struct pidfile;

/*
 * Take the lock. Returns 0, -EBUSY (another daemon: err names its pid),
 * -EPERM (the lock file is not ours: err says whose) or -errno.
 */
int pidfile_acquire(const char *runtime_dir, struct pidfile **out,
		    struct error *err);
/* Record the daemon's pid (after daemonizing). */
int pidfile_write(struct pidfile *p, pid_t pid);
/* Remove the pid file, then unlock. */
void pidfile_release(struct pidfile *p);

#endif
