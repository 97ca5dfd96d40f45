/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int log_level = -1;
static log_sink_fn *log_sink;
static void *log_sink_opaque;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* The names shown, by level. */
static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

/* Every name a level is known by: syslog.conf's (err, warning, and the
 * deprecated panic, error, warn) and ours. */
static const struct {
	const char *name;
	int level;
} level_aliases[] = {
	{ "emerg", LOG_EMERG }, { "panic", LOG_EMERG }, { "alert", LOG_ALERT },
	{ "crit", LOG_CRIT }, { "err", LOG_ERR }, { "error", LOG_ERR },
	{ "warning", LOG_WARNING }, { "warn", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

int log_level_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(level_aliases) / sizeof(level_aliases[0]);
	     i++)
		if (!strcmp(s, level_aliases[i].name))
			return level_aliases[i].level;
	if (s[0] >= '0' && s[0] <= '7' && !s[1])
		return s[0] - '0';
	return -1;
}

static int level_from_env(void)
{
	const char *s = getenv("CCWPASS_LOG");
	int level = s && *s ? log_level_parse(s) : -1;

	if (level < 0 && s && *s)
		fprintf(stderr, "ccwpass: warning: CCWPASS_LOG='%.32s' is not a "
			"log level (emerg, alert, crit, err, warning, notice, "
			"info, debug or 0-7); using notice\n", s);
	return level < 0 ? LOG_NOTICE : level;
}

void log_set_level(int level)
{
	log_level = level < 0 ? -1 : level > 7 ? 7 : level;
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

/* ---- rate limit ---- */

/*
 * One bucket per (call site, object): the site is the format string, the
 * object the message's prefix up to ": " ("sch 0.0.0313", "mdev <uuid>",
 * an image's path), so a flood about one object does not silence another.
 * Direct-mapped: a bucket taken over by another key first reports what it
 * suppressed.
 */
#define RL_BUCKETS 256
#define RL_OBJ_MAX 64

struct rl_bucket {
	uint64_t key;              /* 0: free */
	uint64_t begin_ms;         /* start of the current interval */
	unsigned int printed;
	unsigned int missed;
	int level;
	char obj[RL_OBJ_MAX];      /* for the "suppressed" line */
};

static struct rl_bucket rl_buckets[RL_BUCKETS];

static uint64_t clock_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static uint64_t (*rl_now)(void) = clock_ms;

void log_set_clock(uint64_t (*now_ms)(void))
{
	pthread_mutex_lock(&log_lock);
	rl_now = now_ms ? now_ms : clock_ms;
	memset(rl_buckets, 0, sizeof(rl_buckets));
	pthread_mutex_unlock(&log_lock);
}

/* FNV-1a over the site pointer and the object name. */
static uint64_t rl_key(const char *site, const char *obj, size_t objlen)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uintptr_t p = (uintptr_t)site;

	for (size_t i = 0; i < sizeof(p); i++, p >>= 8)
		h = (h ^ (p & 0xff)) * 0x100000001b3ull;
	for (size_t i = 0; i < objlen; i++)
		h = (h ^ (uint8_t)obj[i]) * 0x100000001b3ull;
	return h ? h : 1;
}

/* The object a message is about: its text up to ": ", if short. */
static size_t msg_obj_len(const char *msg)
{
	const char *colon = strstr(msg, ": ");

	return colon && colon - msg < RL_OBJ_MAX ? (size_t)(colon - msg) : 0;
}

static void emit(int level, const char *msg)
{
	if (log_sink)
		log_sink(level, msg, log_sink_opaque);
	else
		fprintf(stderr, "ccwpass: %s: %s\n",
			level_names[level < 0 ? 0 : level > 7 ? 7 : level], msg);
}

static void rl_report(struct rl_bucket *b)
{
	char line[160];

	if (!b->missed)
		return;
	snprintf(line, sizeof(line), "%s%s%u similar message%s suppressed",
		 b->obj, b->obj[0] ? ": " : "", b->missed,
		 b->missed == 1 ? "" : "s");
	emit(b->level, line);
	b->missed = 0;
}

/* log_lock held. Should this message be shown? */
static bool rl_pass(int level, const char *site, const char *msg)
{
	size_t objlen = msg_obj_len(msg);
	uint64_t key = rl_key(site, msg, objlen);
	struct rl_bucket *b = &rl_buckets[key % RL_BUCKETS];
	uint64_t now = rl_now();

	if (level >= LOG_DEBUG)
		return true;            /* asked for: every line */
	if (b->key != key) {
		rl_report(b);
		*b = (struct rl_bucket){ .key = key, .begin_ms = now };
		memcpy(b->obj, msg, objlen);
		b->obj[objlen] = '\0';
	} else if (now - b->begin_ms >= LOG_RATELIMIT_INTERVAL_MS) {
		rl_report(b);
		b->begin_ms = now;
		b->printed = 0;
	}
	b->level = level;
	if (b->printed < LOG_RATELIMIT_BURST) {
		b->printed++;
		return true;
	}
	b->missed++;
	return false;
}

/* ---- messages ---- */

static void vmsg(int level, const char *obj, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = 0;

	if (!log_enabled(level))
		return;
	if (obj)
		n = snprintf(buf, sizeof(buf), "%s: ", obj);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	pthread_mutex_lock(&log_lock);
	if (rl_pass(level, fmt, buf))
		emit(level, buf);
	pthread_mutex_unlock(&log_lock);
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	vmsg(level, NULL, fmt, ap);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(level, NULL, fmt, ap);
	va_end(ap);
}

void log_obj_vmsg(int level, const char *obj, const char *fmt, va_list ap)
{
	vmsg(level, obj, fmt, ap);
}
