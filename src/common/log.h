/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One log function with syslog levels. Messages about a subchannel start
 * with "sch c.s.xxxx: " (see css_log() in css/css.h).
 */
#ifndef CCWPASS_COMMON_LOG_H
#define CCWPASS_COMMON_LOG_H

#include <stdarg.h>
#include <syslog.h>

/* Messages above this level are dropped (default LOG_NOTICE; CCWPASS_LOG env). */
void log_set_level(int level);
/* A level by name ("emerg" .. "error" .. "debug") or digit 0-7; -1 if none. */
int log_level_parse(const char *s);
int log_get_level(void);

/*
 * Where messages go. The default writes "ccwpass: <level>: msg" lines to
 * stderr. A sink receives the fully formatted message without newline.
 */
typedef void log_sink_fn(int level, const char *msg, void *opaque);
void log_set_sink(log_sink_fn *fn, void *opaque);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static inline int log_enabled(int level)
{
	return level <= log_get_level();
}

#endif
