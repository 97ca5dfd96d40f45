/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Image locks (see ckd_lock.h). */
#include "image/ckd_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int busy(const char *path, bool exclusive, pid_t holder,
		struct error *err)
{
	char who[48] = "";

	if (holder > 0 && kill(holder, 0) == 0)
		snprintf(who, sizeof(who), ", pid %d", (int)holder);
	return error_setf(err, EBUSY, "%s: image is in use by another process "
			  "(locked%s%s)", path, exclusive ? "" : " for writing",
			  who);
}

/* Without root: an OFD lock on the image (flock where OFD locks are
 * missing). */
static int lock_on_image(int fd, const char *path, bool exclusive,
			 struct error *err)
{
	struct flock fl = {
		.l_type = exclusive ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
	};

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return fd;
	if (errno == EINVAL &&
	    flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
		return fd;
	if (errno == EACCES || errno == EAGAIN || errno == EWOULDBLOCK)
		return busy(path, exclusive, 0, err);
	return error_setf(err, errno, "%s: cannot lock: %s", path,
			  strerror(errno));
}

/* CKD_LOCK_DIR, made when missing, checked when there: root's, 0700. */
static int lock_dir(struct error *err)
{
	struct stat st;
	int dfd;

	if (mkdir("/run/ccwpass", 0755) < 0 && errno != EEXIST)
		return error_setf(err, errno, "/run/ccwpass: %s",
				  strerror(errno));
	if (mkdir(CKD_LOCK_DIR, 0700) < 0 && errno != EEXIST)
		return error_setf(err, errno, "%s: %s", CKD_LOCK_DIR,
				  strerror(errno));
	dfd = open(CKD_LOCK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		   O_CLOEXEC);
	if (dfd < 0)
		return error_setf(err, errno, "%s: %s", CKD_LOCK_DIR,
				  strerror(errno));
	if (fstat(dfd, &st) < 0 || st.st_uid != geteuid()) {
		close(dfd);
		return error_setf(err, EPERM, "%s: not root's", CKD_LOCK_DIR);
	}
	if ((st.st_mode & 077) && fchmod(dfd, 0700) < 0) {
		close(dfd);
		return error_setf(err, errno, "%s: chmod: %s", CKD_LOCK_DIR,
				  strerror(errno));
	}
	return dfd;
}

static pid_t holder_pid(int lfd)
{
	char text[24];
	ssize_t n = pread(lfd, text, sizeof(text) - 1, 0);

	if (n <= 0)
		return 0;
	text[n] = '\0';
	return (pid_t)strtol(text, NULL, 10);
}

/* The lock is on the file the name holds now, not one a writer that left
 * unlinked between our open and our flock. */
static bool still_named(int dfd, const char *name, int lfd)
{
	struct stat a, b;

	return fstat(lfd, &a) == 0 &&
	       fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* One attempt: the lock fd, -EAGAIN (the name moved: try again), -errno. */
static int lock_name(int dfd, const char *path, bool exclusive,
		     const char *name, struct error *err)
{
	int lfd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			 0600);

	if (lfd < 0)
		return error_setf(err, errno, "%s/%s: %s", CKD_LOCK_DIR, name,
				  strerror(errno));
	if (flock(lfd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		int e = errno;
		pid_t holder = holder_pid(lfd);

		close(lfd);
		if (e == EWOULDBLOCK)
			return busy(path, exclusive, holder, err);
		return error_setf(err, e, "%s: cannot lock: %s", path,
				  strerror(e));
	}
	if (!still_named(dfd, name, lfd)) {
		close(lfd);
		return -EAGAIN;
	}
	return lfd;
}

static int lock_in_dir(int fd, const char *path, struct ckd_lock *lk,
		       struct error *err)
{
	char text[24];
	struct stat st;
	int dfd, lfd = -EAGAIN, n;

	if (fstat(fd, &st) < 0)
		return error_setf(err, errno, "%s: %s", path, strerror(errno));
	dfd = lock_dir(err);
	if (dfd < 0)
		return dfd;
	snprintf(lk->name, sizeof(lk->name), "%llx-%llx.lock",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	for (int tries = 0; lfd == -EAGAIN && tries < 100; tries++)
		lfd = lock_name(dfd, path, lk->exclusive, lk->name, err);
	close(dfd);
	if (lfd == -EAGAIN)
		return error_setf(err, EAGAIN, "%s: lock file %s/%s keeps "
				  "being replaced", path, CKD_LOCK_DIR,
				  lk->name);
	if (lfd < 0)
		return lfd;
	/* The one writer says who it is, for the next one's message (only
	 * that message depends on it: errors are of no consequence). */
	if (lk->exclusive && ftruncate(lfd, 0) == 0) {
		n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
		if (pwrite(lfd, text, (size_t)n, 0) != n)
			errno = 0;
	}
	lk->fd = lfd;
	return 0;
}

int ckd_lock_image(int fd, const char *path, bool exclusive,
		   struct ckd_lock *lk, struct error *err)
{
	int rc;

	*lk = (struct ckd_lock){ .fd = -1, .exclusive = exclusive };
	if (geteuid() != 0) {
		rc = lock_on_image(fd, path, exclusive, err);
		return rc < 0 ? rc : 0;
	}
	return lock_in_dir(fd, path, lk, err);
}

/*
 * The last holder removes the file while it holds it, so lock files do not
 * pile up: one that opened the name meanwhile finds it unlinked once it has
 * the lock, and tries again (still_named). A reader is the last one when
 * it can turn its lock exclusive (flock may drop the shared lock first: no
 * matter, it is leaving).
 */
void ckd_unlock_image(struct ckd_lock *lk)
{
	int dfd;

	if (lk->fd < 0)
		return;
	if (lk->exclusive || flock(lk->fd, LOCK_EX | LOCK_NB) == 0) {
		dfd = open(CKD_LOCK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			   O_CLOEXEC);
		if (dfd >= 0) {
			unlinkat(dfd, lk->name, 0);
			close(dfd);
		}
	}
	close(lk->fd);
	lk->fd = -1;
}
