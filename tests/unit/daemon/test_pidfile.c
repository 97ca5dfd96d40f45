/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccwpassd's lock and pid file (src/daemon/pidfile.h): one holder at a
 * time, also when daemons start and stop in quick succession; no other
 * user can hold a lock that stops a restart (issue 8: a shared flock on
 * the 0644 pid file did, with a message naming a dead pid); and the
 * daemon's directories (src/daemon/dirs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/dirs.h"
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
	snprintf(path, sizeof(path), "%s/ccwpassd.lock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
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

/*
 * `ccwpass status` tells whether a daemon runs by taking a shared lock for
 * an instant: one that holds it while a daemon starts does not stop the
 * start (guest-restart under load once did: "already runs", the dead
 * daemon's pid). A lock held for good still refuses it.
 */
static void test_checker_does_not_stop_start(void **state)
{
	struct error err = { 0 };
	struct pidfile *a;
	char lock[128];
	int go[2], fd;
	pid_t pid;

	snprintf(lock, sizeof(lock), "%s/ccwpassd.lock", dir);
	assert_int_equal(pidfile_acquire(dir, &a, &err), 0);   /* makes it */
	pidfile_release(a);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(lock, O_RDONLY);
		if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB) < 0 ||
		    write(go[1], "x", 1) != 1)
			_exit(1);
		usleep(50 * 1000);      /* a checker, for an instant */
		_exit(0);
	}
	close(go[1]);
	assert_int_equal(read(go[0], lock, 1), 1);       /* it holds it */
	close(go[0]);
	assert_int_equal(pidfile_acquire(dir, &a, &err), 0);
	pidfile_release(a);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
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

#define NOBODY 65534

/*
 * A daemon dies (SIGKILL: its pid file stays); another user, who may read
 * the pid file, holds a shared flock on it and tries the lock file; the
 * next daemon starts all the same.
 */
static void test_user_cannot_block_restart(void **state)
{
	char pidpath[128], lockpath[128], c;
	struct error err = { 0 };
	int ready[2], go[2], status;
	struct pidfile *p;
	struct stat st;
	pid_t pid;

	if (geteuid() != 0) {
		printf("SKIP: needs root to be another user\n");
		return;
	}
	snprintf(pidpath, sizeof(pidpath), "%s/ccwpassd.pid", dir);
	snprintf(lockpath, sizeof(lockpath), "%s/ccwpassd.lock", dir);
	assert_int_equal(chmod(dir, 0755), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {                     /* the daemon that crashes */
		if (pidfile_acquire(dir, &p, &err) < 0 ||
		    pidfile_write(p, getpid()) < 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(stat(pidpath, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(stat(lockpath, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {                     /* the other user */
		int fd;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		fd = open(pidpath, O_RDONLY);
		if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB) < 0)
			_exit(3);
		if (open(lockpath, O_RDONLY) >= 0 || errno != EACCES)
			_exit(4);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(5);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(pidfile_acquire(dir, &p, &err), 0);
	assert_int_equal(pidfile_write(p, getpid()), 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pidfile_release(p);
	assert_int_equal(access(pidpath, F_OK), -1);
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(go[i]);
	}
}

/* The daemon's directories: made with the mode asked (whatever the
 * umask), refused when others could replace their files, tightened on
 * request. */
static void test_dirs(void **state)
{
	struct error err = { 0 };
	char sub[128];
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(dirs_own(sub, 0700, false, &err), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(chmod(sub, 0777), 0);
	assert_int_equal(dirs_own(sub, 0755, false, &err), -EPERM);
	assert_non_null(strstr(err.msg, "group or others may write it"));
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(dirs_own(sub, 0755, false, &err), 0);   /* kept */
	assert_int_equal(dirs_own(sub, 0700, true, &err), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);              /* tightened */
	if (geteuid() == 0) {
		assert_int_equal(chown(sub, NOBODY, NOBODY), 0);
		assert_int_equal(dirs_own(sub, 0700, true, &err), -EPERM);
		assert_non_null(strstr(err.msg, "owned by uid 65534"));
	}
	rmdir(sub);
	/* The unit's UMask=0077: a runtime directory is still 0755. */
	{
		mode_t old = umask(0077);

		assert_int_equal(dirs_own(sub, 0755, false, &err), 0);
		umask(old);
	}
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	rmdir(sub);
	assert_int_equal(symlink("/tmp", sub), 0);
	assert_int_equal(dirs_own(sub, 0700, true, &err), -ENOTDIR);
	unlink(sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checker_does_not_stop_start,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_holder_under_churn,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_cannot_block_restart,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
