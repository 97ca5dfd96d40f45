/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "daemon/logging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

#define IDENT "ccwpassd"
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static const char *const target_names[] = {
	[LOG_TARGET_AUTO] = "auto",
	[LOG_TARGET_STDERR] = "stderr",
	[LOG_TARGET_JOURNAL] = "journal",
	[LOG_TARGET_SYSLOG] = "syslog",
};

static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

int log_target_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(target_names) / sizeof(target_names[0]);
	     i++)
		if (!strcmp(s, target_names[i]))
			return (int)i;
	return -1;
}

const char *log_target_name(enum log_target t)
{
	return target_names[t];
}

static const char *level_name(int level)
{
	return level_names[level < 0 ? 0 : level > 7 ? 7 : level];
}

static void sink_stderr(int level, const char *msg, void *opaque)
{
	struct timespec ts;
	struct tm tm;
	char when[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld%+03ld%02ld " IDENT "[%d]: %s: %s\n", when,
		ts.tv_nsec / 1000000, tm.tm_gmtoff / 3600,
		labs(tm.tm_gmtoff) / 60 % 60, (int)getpid(), level_name(level),
		msg);
}

/* The object a message is about: its text up to the first ": ". */
static int object_len(const char *msg)
{
	const char *colon = strstr(msg, ": ");

	return colon && colon - msg < 64 && !strchr(msg, '\n') ?
		(int)(colon - msg) : 0;
}

static void sink_journal(int level, const char *msg, void *opaque)
{
	int olen = object_len(msg);

	if (olen)
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", level,
				"SYSLOG_IDENTIFIER=" IDENT,
				"CCWPASS_OBJECT=%.*s", olen, msg, NULL);
	else
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", level,
				"SYSLOG_IDENTIFIER=" IDENT, NULL);
}

static void sink_syslog(int level, const char *msg, void *opaque)
{
	syslog(level, "%s", msg);
}

/* stderr is the journal's stream: $JOURNAL_STREAM is its "dev:ino". */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	return fstat(STDERR_FILENO, &st) == 0 &&
	       (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

enum log_target logging_setup(enum log_target t, bool detached)
{
	if (t == LOG_TARGET_AUTO) {
		if (!detached)
			t = stderr_is_journal() ? LOG_TARGET_JOURNAL :
						  LOG_TARGET_STDERR;
		else if (is_socket(JOURNAL_SOCKET))
			t = LOG_TARGET_JOURNAL;
		else if (is_socket("/dev/log"))
			t = LOG_TARGET_SYSLOG;
		else
			t = LOG_TARGET_STDERR;
	}
	switch (t) {
	case LOG_TARGET_JOURNAL:
		log_set_sink(sink_journal, NULL);
		break;
	case LOG_TARGET_SYSLOG:
		openlog(IDENT, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_set_sink(sink_syslog, NULL);
		break;
	default:
		log_set_sink(sink_stderr, NULL);
		break;
	}
	return t;
}
