/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AF_UNIX socket set-up for vfio-user (QEMU docs/interop/vfio-user.rst,
 * "Socket" and "Authentication": access control is the socket file's mode,
 * so every socket is created 0600 in a 0700 runtime directory).
 */
#include "vfio_user/vfu_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"

static int make_addr(struct sockaddr_un *sa, const char *path,
		     struct error *err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (!*path)
		return error_setf(err, EINVAL, "vfio-user socket: empty path");
	if (strlen(path) >= sizeof(sa->sun_path))
		return error_setf(err, ENAMETOOLONG,
				  "vfio-user socket %s: path too long", path);
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

/* Is somebody accepting on the socket file at sa? */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return true;   /* cannot tell: do not remove */
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ||
		errno != ECONNREFUSED;
	close(fd);
	return alive;
}

int vfu_listen_unix(const char *path, int *fdp, struct error *err)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret;

	*fdp = -1;
	if (!path)
		return error_setf(err, EINVAL, "vfio-user socket: no path");
	ret = make_addr(&sa, path, err);
	if (ret < 0)
		return ret;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return error_setf(err, EEXIST,
					  "vfio-user socket %s: exists and is "
					  "not a socket", path);
		if (socket_alive(&sa))
			return error_setf(err, EADDRINUSE,
					  "vfio-user socket %s: in use", path);
		log_msg(LOG_INFO, "vfio-user socket %s: removing stale socket",
			path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_setf(err, errno, "vfio-user socket %s: socket: %s",
				  path, strerror(errno));
	/* The inode mode of an unbound socket becomes the file's mode.
	 * SO_PASSCRED: accepted sockets inherit it, so every message comes
	 * with the pid of the process that sent it (vfu_pvm.c). */
	if (fchmod(fd, 0600) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &(int){ 1 },
		       sizeof(int)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = error_setf(err, errno, "vfio-user socket %s: bind: %s",
				 path, strerror(errno));
		goto fail;
	}
	if (chmod(path, 0600) < 0 || listen(fd, 8) < 0) {
		ret = error_setf(err, errno, "vfio-user socket %s: listen: %s",
				 path, strerror(errno));
		unlink(path);
		goto fail;
	}
	*fdp = fd;
	return 0;

fail:
	close(fd);
	return ret;
}

int vfu_connect_unix(const char *path, int *fdp, struct error *err)
{
	struct sockaddr_un sa;
	int fd, ret;

	*fdp = -1;
	if (!path)
		return error_setf(err, EINVAL, "vfio-user socket: no path");
	ret = make_addr(&sa, path, err);
	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_setf(err, errno, "vfio-user socket %s: socket: %s",
				  path, strerror(errno));
	do {
		ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		ret = error_setf(err, errno, "vfio-user socket %s: connect: %s",
				 path, strerror(errno));
		close(fd);
		return ret;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		ret = error_setf(err, errno, "vfio-user socket %s: fcntl: %s",
				 path, strerror(errno));
		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

int vfu_socket_path(char *buf, size_t size, const char *dir,
		    const char *name, struct error *err)
{
	struct sockaddr_un sa;
	struct stat st;
	int n;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return error_setf(err, errno, "runtime directory %s: %s", dir,
				  strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return error_setf(err, ENOTDIR,
				  "runtime directory %s: not a directory", dir);
	n = snprintf(buf, size, "%s/%s.sock", dir, name);
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(sa.sun_path))
		return error_setf(err, ENAMETOOLONG,
				  "vfio-user socket %s/%s.sock: path too long",
				  dir, name);
	return 0;
}
