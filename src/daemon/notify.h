/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd's readiness protocol (sd_notify, $NOTIFY_SOCKET): a unit with
 * Type=notify learns that ccwpassd is ready (the view is mounted, every
 * subchannel probed), that it reloads its inventory and that it stops.
 * Without $NOTIFY_SOCKET every call does nothing.
 */
#ifndef CCWPASS_DAEMON_NOTIFY_H
#define CCWPASS_DAEMON_NOTIFY_H

/* READY=1 with MAINPID (the process that runs the host) and STATUS. */
void notify_ready(const char *status);
/* RELOADING=1 with the monotonic time systemd 253+ asks for. */
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *status);

#endif
