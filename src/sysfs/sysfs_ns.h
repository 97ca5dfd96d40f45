/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reaching the sysfs view at the standard /sys paths: a private mount
 * namespace whose /sys is a small tmpfs holding bind mounts of the real
 * /sys entries, with bus/, class/, devices/ and module/ merged with the
 * view's entries (bus/css, bus/ccw, bus/mdev, class/mdev_bus, devices/css0,
 * module/vfio_ccw). Used by `ccwpass run` and by ccwpassd for the helpers
 * udev would start (mdevctl start-parent-mdevs). docs/sysfs.md
 * "The mount namespace".
 *
 * Also the runtime directory's conventions shared by the daemon and its
 * clients: <runtime>/sys (the view), <runtime>/vfio-user/<uuid>.sock,
 * <runtime>/ccwpassd.lock (0600, locked by the running daemon) and
 * <runtime>/ccwpassd.pid (its pid).
 */
#ifndef CCWPASS_SYSFS_SYSFS_NS_H
#define CCWPASS_SYSFS_SYSFS_NS_H

#include <sys/types.h>

#include "common/error.h"

#define SYSFS_NS_RUNTIME_DIR   "/run/ccwpass"
#define SYSFS_NS_RUNTIME_ENV   "CCWPASS_RUNTIME_DIR"
#define SYSFS_NS_PIDFILE       "ccwpassd.pid"
#define SYSFS_NS_LOCKFILE      "ccwpassd.lock"
#define SYSFS_NS_SYS           "sys"
#define SYSFS_NS_SOCKETS       "vfio-user"
#define SYSFS_NS_VFIO_NODES    "dev/vfio"

/* --runtime-dir, else $CCWPASS_RUNTIME_DIR, else /run/ccwpass. */
const char *sysfs_ns_runtime_dir(const char *option);

/*
 * Is a ccwpassd serving runtime_dir (its lock file locked, its view
 * mounted)? Returns 0 with *pid set, or -ESRCH / -ENOENT / -EACCES (only
 * root can tell) / -errno with err saying what is missing.
 */
int sysfs_ns_check_daemon(const char *runtime_dir, pid_t *pid,
			  struct error *err);

struct sysfs_ns_options {
	const char *runtime_dir;
	/*
	 * NULL or "/etc": the real /etc. Otherwise <etc_dir>/mdevctl.d and
	 * <etc_dir>/driverctl.d are bind-mounted over /etc's (for tests: the
	 * tools hard-code /etc).
	 */
	const char *etc_dir;
};

/*
 * Move the calling process into a new private mount namespace with the
 * view merged into /sys and the daemon's group nodes at /dev/vfio (needs
 * CAP_SYS_ADMIN; call it before starting threads). Makes sure <etc>/mdevctl.d/scripts.d/{callouts,notifiers}
 * exist (mdevctl refuses to run otherwise). Returns 0 or -errno with err
 * naming the path that failed.
 */
int sysfs_ns_enter(const struct sysfs_ns_options *opt, struct error *err);

#endif
