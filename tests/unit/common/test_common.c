/* SPDX-License-Identifier: GPL-2.0-or-later */
/* src/common: byte-order helpers, set-up errors, the log function. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/deadline.h"
#include "common/error.h"
#include "common/log.h"

static void test_byteorder(void **state)
{
	uint8_t b[8];

	(void)state;
	st_be16(b, 0x1234);
	assert_memory_equal(b, "\x12\x34", 2);
	st_be24(b, 0xabcdef);
	assert_memory_equal(b, "\xab\xcd\xef", 3);
	assert_int_equal(ld_be24(b), 0xabcdef);
	st_be32(b, 0x01020304);
	assert_memory_equal(b, "\x01\x02\x03\x04", 4);
	assert_int_equal(ld_be32(b), 0x01020304);
	st_be64(b, 0x0102030405060708ull);
	assert_memory_equal(b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_true(ld_be64(b) == 0x0102030405060708ull);
	st_le16(b, 0x1234);
	assert_memory_equal(b, "\x34\x12", 2);
	assert_int_equal(ld_le16(b), 0x1234);
	st_le32(b, 0x01020304);
	assert_memory_equal(b, "\x04\x03\x02\x01", 4);
	assert_int_equal(ld_le32(b), 0x01020304);
	st_le64(b, 0x0102030405060708ull);
	assert_memory_equal(b, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
	assert_true(ld_le64(b) == 0x0102030405060708ull);
	/* Host order is one of the two, and round-trips. */
	st_he32(b, 0xdeadbeef);
	assert_int_equal(ld_he32(b), 0xdeadbeef);
	assert_true(ld_be32(b) == 0xdeadbeef || ld_le32(b) == 0xdeadbeef);
}

static void test_deadline(void **state)
{
	struct timespec t = { .tv_sec = 5, .tv_nsec = 999000000L }, u;

	(void)state;
	u = deadline_add_ms(t, 1);              /* carries into seconds */
	assert_int_equal(u.tv_sec, 6);
	assert_int_equal(u.tv_nsec, 0);
	u = deadline_add_ms(t, 2500);
	assert_int_equal(u.tv_sec, 8);
	assert_int_equal(u.tv_nsec, 499000000L);
	assert_true(deadline_after(&u, &t));
	assert_false(deadline_after(&t, &u));
	assert_false(deadline_after(&t, &t));
	t = deadline_in_ms(CLOCK_MONOTONIC, 0);   /* none: now */
	u = deadline_in_ms(CLOCK_MONOTONIC, 60000);
	assert_true(deadline_after(&u, &t));
	assert_true(u.tv_nsec >= 0 && u.tv_nsec < 1000000000L);
}

static void test_error(void **state)
{
	struct error err = { 0 };
	char big[600];

	(void)state;
	/* A NULL err is allowed and the errno still comes back. */
	assert_int_equal(error_setf(NULL, EINVAL, "x %d", 1), -EINVAL);
	assert_int_equal(error_setf(&err, ENOENT, "%s: missing", "a.img"), -ENOENT);
	assert_int_equal(err.errnum, ENOENT);
	assert_string_equal(err.msg, "a.img: missing");
	error_prefix(&err, "sch %s", "0.0.0313");
	assert_string_equal(err.msg, "sch 0.0.0313: a.img: missing");
	error_prefix(NULL, "ignored");
	/* Long messages are cut, never overrun, and stay terminated. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	error_setf(&err, EIO, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	error_prefix(&err, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	error_setf(&err, EIO, "tail");
	error_prefix(&err, "%.*s", (int)sizeof(err.msg) - 4, big);
	assert_true(strlen(err.msg) < sizeof(err.msg));
	/* A suffix: "old; new", cut and terminated as well. */
	error_setf(&err, ENOENT, "a.img: missing");
	error_suffix(&err, "make it with %s", "dasdinit");
	assert_string_equal(err.msg, "a.img: missing; make it with dasdinit");
	error_suffix(NULL, "ignored");
	error_suffix(&err, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	error_suffix(&err, "more");
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
}

struct sink {
	int calls;
	int level;
	char msg[128];
};

static void sink_fn(int level, const char *msg, void *opaque)
{
	struct sink *s = opaque;

	s->calls++;
	s->level = level;
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
}

static void test_log(void **state)
{
	struct sink s = { 0 };

	(void)state;
	assert_int_equal(log_level_parse("debug"), LOG_DEBUG);
	assert_int_equal(log_level_parse("error"), LOG_ERR);
	assert_int_equal(log_level_parse("emerg"), LOG_EMERG);
	assert_int_equal(log_level_parse("6"), LOG_INFO);
	assert_int_equal(log_level_parse("8"), -1);
	assert_int_equal(log_level_parse("67"), -1);
	assert_int_equal(log_level_parse("Debug"), -1);
	assert_int_equal(log_level_parse(""), -1);
	log_set_sink(sink_fn, &s);
	log_set_level(LOG_WARNING);
	assert_true(log_enabled(LOG_ERR));
	assert_false(log_enabled(LOG_INFO));
	log_msg(LOG_INFO, "dropped");
	assert_int_equal(s.calls, 0);
	log_msg(LOG_ERR, "sch %s: %s", "0.0.0313", "kept");
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.level, LOG_ERR);
	assert_string_equal(s.msg, "sch 0.0.0313: kept");
	log_set_level(99);               /* clamped to debug */
	assert_int_equal(log_get_level(), LOG_DEBUG);
	log_msg(LOG_DEBUG, "now kept");
	assert_int_equal(s.calls, 2);
	log_set_sink(NULL, NULL);
	log_set_level(LOG_NOTICE);
}

/* syslog.conf's names, and what $CCWPASS_LOG means (issue 8: "err" used
 * to mean notice without a word). */
static void test_log_levels(void **state)
{
	char out[512] = "";
	int pipefd[2], saved;
	ssize_t n;

	(void)state;
	assert_int_equal(log_level_parse("err"), LOG_ERR);
	assert_int_equal(log_level_parse("warn"), LOG_WARNING);
	assert_int_equal(log_level_parse("warning"), LOG_WARNING);
	assert_int_equal(log_level_parse("panic"), LOG_EMERG);
	assert_int_equal(log_level_parse("crit"), LOG_CRIT);
	assert_int_equal(log_level_parse("alert"), LOG_ALERT);
	assert_int_equal(log_level_parse("notice"), LOG_NOTICE);
	assert_int_equal(log_level_parse("info"), LOG_INFO);

	setenv("CCWPASS_LOG", "err", 1);
	log_set_level(-1);
	assert_int_equal(log_get_level(), LOG_ERR);
	setenv("CCWPASS_LOG", "warn", 1);
	log_set_level(-1);
	assert_int_equal(log_get_level(), LOG_WARNING);

	/* A name that is none: notice, and said so on stderr. */
	assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
	fflush(stderr);
	saved = dup(2);
	dup2(pipefd[1], 2);
	setenv("CCWPASS_LOG", "verbose", 1);
	log_set_level(-1);
	assert_int_equal(log_get_level(), LOG_NOTICE);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = read(pipefd[0], out, sizeof(out) - 1);
	assert_true(n > 0);
	out[n] = '\0';
	assert_non_null(strstr(out, "CCWPASS_LOG='verbose' is not a log level"));
	close(pipefd[0]);
	close(pipefd[1]);
	unsetenv("CCWPASS_LOG");
	log_set_level(LOG_NOTICE);
}

static uint64_t fake_ms;

static uint64_t fake_clock(void)
{
	return fake_ms;
}

struct lines {
	int n;
	char last[256];
	char all[64][256];
};

static void lines_sink(int level, const char *msg, void *opaque)
{
	struct lines *l = opaque;

	if (l->n < 64)
		snprintf(l->all[l->n], sizeof(l->all[0]), "%s", msg);
	l->n++;
	snprintf(l->last, sizeof(l->last), "%s", msg);
}

static void flood(const char *obj, int n)
{
	for (int i = 0; i < n; i++)
		log_msg(LOG_ERR, "%s: write failed: %s (try %d)", obj,
			strerror(ENOSPC), i);
}

/* A full disk and a guest's retries: at most a burst per interval per
 * (site, object), then one line saying how many were left out. */
static void test_log_ratelimit(void **state)
{
	struct lines l = { 0 };

	(void)state;
	fake_ms = 1000000;
	log_set_clock(fake_clock);
	log_set_sink(lines_sink, &l);
	log_set_level(LOG_INFO);

	flood("sch 0.0.0313", 15309);
	assert_int_equal(l.n, LOG_RATELIMIT_BURST);
	assert_string_equal(l.last, "sch 0.0.0313: write failed: No space "
			    "left on device (try 9)");
	/* Another object at the same site, another site: their own budget. */
	flood("sch 0.0.0314", 3);
	assert_int_equal(l.n, LOG_RATELIMIT_BURST + 3);
	log_msg(LOG_WARNING, "sch 0.0.0313: another message");
	assert_int_equal(l.n, LOG_RATELIMIT_BURST + 4);
	/* Debug lines are asked for: never limited. */
	for (int i = 0; i < 100; i++)
		log_msg(LOG_DEBUG, "sch 0.0.0313: trace %d", i);
	log_set_level(LOG_INFO);
	assert_int_equal(l.n, LOG_RATELIMIT_BURST + 4);   /* level drops them */
	log_set_level(LOG_DEBUG);
	for (int i = 0; i < 100; i++)
		log_msg(LOG_DEBUG, "sch 0.0.0313: trace %d", i);
	assert_int_equal(l.n, LOG_RATELIMIT_BURST + 104);

	/* Still inside the interval: nothing more. */
	fake_ms += LOG_RATELIMIT_INTERVAL_MS - 1;
	flood("sch 0.0.0313", 1);
	assert_int_equal(l.n, LOG_RATELIMIT_BURST + 104);
	/* The next interval: the count of what was left out, then a line. */
	fake_ms += 1;
	l.n = 0;
	flood("sch 0.0.0313", 1);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.all[0], "sch 0.0.0313: 15300 similar messages "
			    "suppressed");
	assert_string_equal(l.all[1], "sch 0.0.0313: write failed: No space "
			    "left on device (try 0)");

	log_set_sink(NULL, NULL);
	log_set_clock(NULL);
	log_set_level(LOG_NOTICE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byteorder),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_log_levels),
		cmocka_unit_test(test_log_ratelimit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
