/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's lock and pid file (see pidfile.h). */
#include "daemon/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"
#include "sysfs/sysfs_ns.h"

#define LOCK_WAIT_MS 1000

struct pidfile {
	int fd;                   /* the lock file */
	char pid_path[PATH_MAX];
};

/* The pid a running daemon wrote, or "?". */
static void read_pid(const char *path, char *text, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? read(fd, text, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n > 0 && text[n - 1] == '\n')
		n--;
	if (n <= 0)
		snprintf(text, size, "?");
	else
		text[n] = '\0';
}

/*
 * The lock, or EWOULDBLOCK when another daemon holds it. `ccwpass status`
 * and `ccwpass run` tell whether a daemon runs by taking a shared lock for
 * an instant (sysfs_ns_check_daemon): one of them at the moment a daemon
 * starts must not make it give up, so it tries again for LOCK_WAIT_MS -
 * a running daemon holds the lock for good.
 */
static int lock_exclusive(int fd)
{
	struct timespec until = deadline_ms(LOCK_WAIT_MS), now;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!deadline_after(&until, &now)) {
			errno = EWOULDBLOCK;
			return -1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 },
			  NULL);
	}
}

/* A lock file root (we) alone can open: ours, regular, 0600. */
static int check_lock_file(int fd, const char *path, struct error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return error_setf(err, errno, "lock file %s: %s", path,
				  strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error_setf(err, EPERM, "lock file %s: not a regular "
				  "file", path);
	if (st.st_uid != geteuid())
		return error_setf(err, EPERM, "lock file %s: owned by uid %u, "
				  "not by this user: remove it", path,
				  (unsigned int)st.st_uid);
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) < 0)
		return error_setf(err, errno, "lock file %s: chmod: %s", path,
				  strerror(errno));
	return 0;
}

int pidfile_acquire(const char *runtime_dir, struct pidfile **out,
		    struct error *err)
{
	struct pidfile *p = calloc(1, sizeof(*p));
	char lock_path[PATH_MAX], pid[32];
	int ret;

	if (!p)
		return error_setf(err, ENOMEM, "pid file: out of memory");
	snprintf(lock_path, sizeof(lock_path), "%s/%s", runtime_dir,
		 SYSFS_NS_LOCKFILE);
	snprintf(p->pid_path, sizeof(p->pid_path), "%s/%s", runtime_dir,
		 SYSFS_NS_PIDFILE);
	/* Never unlinked: the lock is on one inode for good, so there is no
	 * race between a daemon leaving and the next one arriving. */
	p->fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	if (p->fd < 0) {
		ret = error_setf(err, errno, "lock file %s: %s", lock_path,
				 strerror(errno));
		goto fail;
	}
	ret = check_lock_file(p->fd, lock_path, err);
	if (ret < 0)
		goto fail_close;
	if (lock_exclusive(p->fd) < 0) {
		if (errno == EWOULDBLOCK) {
			read_pid(p->pid_path, pid, sizeof(pid));
			ret = error_setf(err, EBUSY, "ccwpassd already runs "
					 "on %s (pid %s)", runtime_dir, pid);
		} else {
			ret = error_setf(err, errno, "lock file %s: lock: %s",
					 lock_path, strerror(errno));
		}
		goto fail_close;
	}
	*out = p;
	return 0;
fail_close:
	close(p->fd);
fail:
	free(p);
	return ret;
}

int pidfile_write(struct pidfile *p, pid_t pid)
{
	char text[32], tmp[PATH_MAX + 8];
	int n = snprintf(text, sizeof(text), "%d\n", (int)pid);
	int fd, ret = 0;

	/* Written whole under another name, then renamed: readers never see
	 * a half-written pid. */
	snprintf(tmp, sizeof(tmp), "%s.new", p->pid_path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0 || write(fd, text, (size_t)n) != n)
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, p->pid_path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

void pidfile_release(struct pidfile *p)
{
	if (!p)
		return;
	unlink(p->pid_path);
	close(p->fd);
	free(p);
}
