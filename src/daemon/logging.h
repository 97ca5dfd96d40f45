/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where ccwpassd's messages go (docs/daemon.md "Logging"):
 *  - stderr: "2026-12-06T11:02:36.123+0000 ccwpassd[1234]: notice: msg",
 *    local time with milliseconds;
 *  - journal: systemd's native protocol (sd_journal_send) with PRIORITY,
 *    SYSLOG_IDENTIFIER=ccwpassd and, for messages about an object,
 *    CCWPASS_OBJECT (e.g. "sch 0.0.0313"); the journal adds the pid;
 *  - syslog: syslog(3) as "ccwpassd[pid]", facility daemon.
 * auto: the journal when stderr is the journal's stream ($JOURNAL_STREAM,
 * as systemd sets it for a service) or, once detached, when journald
 * listens; else syslog once detached when /dev/log is there; else stderr
 * (after detaching: <runtime>/ccwpassd.log).
 */
#ifndef CCWPASS_DAEMON_LOGGING_H
#define CCWPASS_DAEMON_LOGGING_H

#include <stdbool.h>

enum log_target {
	LOG_TARGET_AUTO,
	LOG_TARGET_STDERR,
	LOG_TARGET_JOURNAL,
	LOG_TARGET_SYSLOG,
};

/* "auto", "stderr", "journal", "syslog"; -1 for anything else. */
int log_target_parse(const char *s);
const char *log_target_name(enum log_target t);

/*
 * Send every message to @t from now on (auto: decided with @detached,
 * whether stderr has been given up). Returns the target chosen.
 */
enum log_target logging_setup(enum log_target t, bool detached);

#endif
