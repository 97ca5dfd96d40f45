/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's pid file (see pidfile.h). */
#include "daemon/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs/sysfs_ns.h"

struct pidfile {
	int fd;
	char path[PATH_MAX];
};

/* The lock is on the file the path names, not one unlinked meanwhile. */
static bool still_named(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Someone else holds the lock: name it, with the pid it wrote. */
static int refuse(struct pidfile *p, const char *runtime_dir, int e,
		  struct error *err)
{
	char text[32] = "";
	ssize_t n = pread(p->fd, text, sizeof(text) - 1, 0);

	if (n > 0 && text[n - 1] == '\n')
		text[n - 1] = '\0';
	if (e == EWOULDBLOCK)
		return error_setf(err, EBUSY, "ccwpassd already runs on %s (pid %s)",
				  runtime_dir, text[0] ? text : "?");
	return error_setf(err, e, "pid file %s: lock: %s", p->path, strerror(e));
}

int pidfile_acquire(const char *runtime_dir, struct pidfile **out,
		    struct error *err)
{
	struct pidfile *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return error_setf(err, ENOMEM, "pid file: out of memory");
	snprintf(p->path, sizeof(p->path), "%s/%s", runtime_dir,
		 SYSFS_NS_PIDFILE);
	/*
	 * A daemon that exits unlinks the file, then unlocks it. Opened just
	 * before the unlink, the old inode can be locked after the unlock:
	 * that lock guards nothing (the next daemon creates a new file), so
	 * open again.
	 */
	for (int tries = 0;; tries++) {
		p->fd = open(p->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (p->fd < 0) {
			ret = error_setf(err, errno, "pid file %s: %s", p->path,
					 strerror(errno));
			goto fail;
		}
		if (flock(p->fd, LOCK_EX | LOCK_NB) < 0) {
			ret = refuse(p, runtime_dir, errno, err);
			close(p->fd);
			goto fail;
		}
		if (still_named(p->fd, p->path))
			break;
		close(p->fd);
		if (tries == 100) {
			ret = error_setf(err, EAGAIN,
					 "pid file %s: keeps being replaced",
					 p->path);
			goto fail;
		}
	}
	*out = p;
	return 0;
fail:
	free(p);
	return ret;
}

int pidfile_write(struct pidfile *p, pid_t pid)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%d\n", (int)pid);

	if (ftruncate(p->fd, 0) < 0 || pwrite(p->fd, text, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

void pidfile_release(struct pidfile *p)
{
	if (!p)
		return;
	unlink(p->path);
	close(p->fd);
	free(p);
}
