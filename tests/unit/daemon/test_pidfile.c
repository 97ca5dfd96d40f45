/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccwpassd's pid file (src/daemon/pidfile.h): one holder at a time, also
 * when daemons start and stop in quick succession - a daemon that opened
 * the file just before the previous one unlinked it must not end up
 * "holding" the unlinked inode while a third takes a new file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/pidfile.h"

#define ROUNDS 4000
#define PROCS  3

struct shared {
	atomic_int holders;
	atomic_int overlaps;
	atomic_int held;
};

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/ccwpass-pidfile.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/ccwpassd.pid", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void test_second_refused(void **state)
{
	struct error err = { 0 };
	struct pidfile *a, *b;
	char want[128];

	assert_int_equal(pidfile_acquire(dir, &a, &err), 0);
	assert_int_equal(pidfile_write(a, 4242), 0);
	assert_int_equal(pidfile_acquire(dir, &b, &err), -EBUSY);
	snprintf(want, sizeof(want), "ccwpassd already runs on %s (pid 4242)",
		 dir);
	assert_string_equal(err.msg, want);
	pidfile_release(a);
	assert_int_equal(pidfile_acquire(dir, &b, &err), 0);   /* released */
	pidfile_release(b);
}

/* Processes that start and stop "daemons" as fast as they can. */
static void churn(struct shared *s)
{
	for (int i = 0; i < ROUNDS; i++) {
		struct error err = { 0 };
		struct pidfile *p;

		if (pidfile_acquire(dir, &p, &err) < 0)
			continue;
		if (atomic_fetch_add(&s->holders, 1) != 0)
			atomic_fetch_add(&s->overlaps, 1);
		atomic_fetch_add(&s->held, 1);
		sched_yield();
		atomic_fetch_sub(&s->holders, 1);
		pidfile_release(p);
	}
}

static void test_one_holder_under_churn(void **state)
{
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[PROCS];

	assert_true(s != MAP_FAILED);
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < PROCS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			churn(s);
			_exit(0);
		}
	}
	for (int i = 0; i < PROCS; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_true(atomic_load(&s->held) > 0);
	assert_int_equal(atomic_load(&s->overlaps), 0);
	munmap(s, sizeof(*s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_one_holder_under_churn,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
