/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One log function with syslog levels. Messages about a subchannel start
 * with "sch c.s.xxxx: " (see css_log() in css/css.h).
 *
 * Rate limit: what a guest or a client can repeat (a full disk and the
 * guest's retries, a hostile vfio-user peer) must not flood the log. Every
 * call site (its format string) gets, per object (the message's text up
 * to ": ", e.g. "sch 0.0.0313"), LOG_RATELIMIT_BURST lines per
 * LOG_RATELIMIT_INTERVAL_MS; the rest are counted, and the first line
 * after the interval is preceded by "<object>: N similar messages
 * suppressed" (as the kernel's printk_ratelimit). Debug lines are never
 * limited: they are asked for.
 */
#ifndef CCWPASS_COMMON_LOG_H
#define CCWPASS_COMMON_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <syslog.h>

#define LOG_RATELIMIT_BURST 10
#define LOG_RATELIMIT_INTERVAL_MS 5000

/* Messages above this level are dropped (default LOG_NOTICE; CCWPASS_LOG
 * env). A negative level: $CCWPASS_LOG decides again at the next message. */
void log_set_level(int level);
/*
 * A level by syslog name (emerg alert crit err warning notice info debug,
 * and panic, error, warn) or digit 0-7; -1 if none. An unknown
 * $CCWPASS_LOG is reported once on stderr and means notice.
 */
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
/* "<obj>: <message>", rate-limited per (fmt, obj) (css_log() uses it). */
void log_obj_vmsg(int level, const char *obj, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Tests: the rate limit's clock in ms (NULL: CLOCK_MONOTONIC); forgets
 * every bucket. */
void log_set_clock(uint64_t (*now_ms)(void));

static inline int log_enabled(int level)
{
	return level <= log_get_level();
}

#endif
