/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int log_level = -1;
static log_sink_fn *log_sink;
static void *log_sink_opaque;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

int log_level_parse(const char *s)
{
	for (int i = 0; i < 8; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	if (s[0] >= '0' && s[0] <= '7' && !s[1])
		return s[0] - '0';
	return -1;
}

static int level_from_env(void)
{
	const char *s = getenv("CCWPASS_LOG");
	int level = s && *s ? log_level_parse(s) : -1;

	return level < 0 ? LOG_NOTICE : level;
}

void log_set_level(int level)
{
	log_level = level < 0 ? 0 : level > 7 ? 7 : level;
}

int log_get_level(void)
{
	if (log_level < 0)
		log_level = level_from_env();
	return log_level;
}

void log_set_sink(log_sink_fn *fn, void *opaque)
{
	pthread_mutex_lock(&log_lock);
	log_sink = fn;
	log_sink_opaque = opaque;
	pthread_mutex_unlock(&log_lock);
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	char buf[1024];

	if (!log_enabled(level))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	pthread_mutex_lock(&log_lock);
	if (log_sink)
		log_sink(level, buf, log_sink_opaque);
	else
		fprintf(stderr, "ccwpass: %s: %s\n",
			level_names[level < 0 ? 0 : level > 7 ? 7 : level], buf);
	pthread_mutex_unlock(&log_lock);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
