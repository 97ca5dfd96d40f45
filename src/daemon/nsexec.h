/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpassd --ns-exec [--runtime-dir D] [--etc-dir E] -- CMD ARGS...`: run
 * CMD in a mount namespace with the daemon's sysfs view at /sys (the way
 * the daemon starts the helpers udev would run). Not for users: they have
 * `ccwpass run`.
 */
#ifndef CCWPASS_DAEMON_NSEXEC_H
#define CCWPASS_DAEMON_NSEXEC_H

/* argv[0] is "--ns-exec". Returns an exit code only when exec failed. */
int nsexec_main(int argc, char **argv);

#endif
