/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's pid file (see pidfile.h). */
#include "daemon/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "sysfs/sysfs_ns.h"

struct pidfile {
	int fd;
	char path[PATH_MAX];
};

int pidfile_acquire(const char *runtime_dir, struct pidfile **out,
		    struct error *err)
{
	struct pidfile *p = calloc(1, sizeof(*p));
	char text[32] = "";
	ssize_t n;

	if (!p)
		return error_setf(err, ENOMEM, "pid file: out of memory");
	snprintf(p->path, sizeof(p->path), "%s/%s", runtime_dir,
		 SYSFS_NS_PIDFILE);
	p->fd = open(p->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (p->fd < 0) {
		int ret = error_setf(err, errno, "pid file %s: %s", p->path,
				     strerror(errno));

		free(p);
		return ret;
	}
	if (flock(p->fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno, ret;

		n = pread(p->fd, text, sizeof(text) - 1, 0);
		if (n > 0 && text[n - 1] == '\n')
			text[n - 1] = '\0';
		if (e == EWOULDBLOCK)
			ret = error_setf(err, EBUSY,
					 "ccwpassd already runs on %s (pid %s)",
					 runtime_dir, text[0] ? text : "?");
		else
			ret = error_setf(err, e, "pid file %s: lock: %s",
					 p->path, strerror(e));
		close(p->fd);
		free(p);
		return ret;
	}
	*out = p;
	return 0;
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
