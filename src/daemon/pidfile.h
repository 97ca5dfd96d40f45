/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * <runtime_dir>/ccwpassd.pid, exclusively locked (flock) for the daemon's
 * whole life: a second daemon on the same runtime directory is refused,
 * and clients tell a live daemon from a stale file by the lock
 * (sysfs_ns_check_daemon).
 */
#ifndef CCWPASS_DAEMON_PIDFILE_H
#define CCWPASS_DAEMON_PIDFILE_H

#include <sys/types.h>

#include "common/error.h"

struct pidfile;

/* Create and lock. -EBUSY (another daemon: err names its pid) or -errno. */
int pidfile_acquire(const char *runtime_dir, struct pidfile **out,
		    struct error *err);
/* Record the daemon's pid (after daemonizing). */
int pidfile_write(struct pidfile *p, pid_t pid);
/* Remove and unlock. */
void pidfile_release(struct pidfile *p);

#endif
