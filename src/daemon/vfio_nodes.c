/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VFIO group nodes (see vfio_nodes.h). */
#include "daemon/vfio_nodes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/dirs.h"
#include "vfio_user/vfu_server.h"

/* Who a former daemon's node of mdev uuid granted access to. */
struct grant {
	char uuid[40];
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

struct vfio_nodes {
	char dir[PATH_MAX];           /* <runtime>/dev/vfio */
	char sockets[PATH_MAX];
	struct bus *bus;
	pthread_mutex_t lock;         /* grants */
	struct grant *grants;
	size_t ngrants;
	int inotify, stop;            /* watch; eventfd to end the thread */
	pthread_t thread;
	bool running;
};

bool vfio_nodes_may_open(const struct stat *st, uid_t uid, gid_t gid,
			 const gid_t *groups, int ngroups)
{
	const mode_t rw_user = S_IRUSR | S_IWUSR, rw_group = S_IRGRP | S_IWGRP;
	const mode_t rw_other = S_IROTH | S_IWOTH;
	bool member = gid == st->st_gid;

	if (uid == 0)
		return true;
	if (uid == st->st_uid)
		return (st->st_mode & rw_user) == rw_user;
	for (int i = 0; i < ngroups && !member; i++)
		member = groups[i] == st->st_gid;
	if (member)
		return (st->st_mode & rw_group) == rw_group;
	return (st->st_mode & rw_other) == rw_other;
}

/* A group node's name: a decimal number without leading zeros. */
static bool group_name(const char *name, unsigned int *group)
{
	char *end;
	unsigned long n;

	if (name[0] < '0' || name[0] > '9' || (name[0] == '0' && name[1]))
		return false;
	errno = 0;
	n = strtoul(name, &end, 10);
	if (errno || *end || n > UINT_MAX)
		return false;
	*group = (unsigned int)n;
	return true;
}

static void node_path(const struct vfio_nodes *v, unsigned int group,
		      char *out, size_t size)
{
	snprintf(out, size, "%s/%u", v->dir, group);
}

/* Does a node (or the socket that follows it) grant anyone but root? */
static bool grants_access(const struct stat *st)
{
	return st->st_uid != 0 || (st->st_mode & 066);
}

/* Does some node grant access to someone but root? */
static bool any_granted(const struct vfio_nodes *v)
{
	DIR *d = opendir(v->dir);
	struct dirent *e;
	unsigned int g;
	bool any = false;

	while (d && !any && (e = readdir(d))) {
		struct stat st;

		if (group_name(e->d_name, &g) &&
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			any = grants_access(&st);
	}
	if (d)
		closedir(d);
	return any;
}

/*
 * The socket of the node's mdev takes the node's owner, group and
 * read/write bits; the socket directory is searchable by others only
 * while some node grants access.
 */
static void follow(struct vfio_nodes *v, unsigned int group)
{
	char node[PATH_MAX + 16], sock[PATH_MAX + 64];
	struct bus_mdev_info mi;
	struct stat st;

	node_path(v, group, node, sizeof(node));
	if (bus_group_info(v->bus, group, &mi) == 0 &&
	    lstat(node, &st) == 0 && S_ISREG(st.st_mode)) {
		snprintf(sock, sizeof(sock), "%s/%s.sock", v->sockets, mi.uuid);
		if (chown(sock, st.st_uid, st.st_gid) < 0 ||
		    chmod(sock, st.st_mode & 0666) < 0)
			log_msg(LOG_WARNING, "mdev %s: %s: cannot follow %s: %s",
				mi.uuid, sock, node, strerror(errno));
		else
			log_msg(LOG_INFO, "mdev %s: group %u: %u:%u %04o",
				mi.uuid, group, (unsigned int)st.st_uid,
				(unsigned int)st.st_gid,
				(unsigned int)(st.st_mode & 07777));
	}
	if (chmod(v->sockets, any_granted(v) ? 0711 : 0700) < 0)
		log_msg(LOG_WARNING, "%s: chmod: %s", v->sockets,
			strerror(errno));
}

/* The grant a former daemon's node of uuid had, once, onto the new node
 * (the watch then makes the socket follow). */
static void regrant(struct vfio_nodes *v, const char *uuid, int fd,
		    const char *node)
{
	struct grant g = { .uuid = "" };

	pthread_mutex_lock(&v->lock);
	for (size_t i = 0; i < v->ngrants; i++) {
		if (strcasecmp(v->grants[i].uuid, uuid))
			continue;
		g = v->grants[i];
		v->grants[i] = v->grants[--v->ngrants];
		break;
	}
	pthread_mutex_unlock(&v->lock);
	if (!g.uuid[0])
		return;
	if (fchown(fd, g.uid, g.gid) < 0 || fchmod(fd, g.mode) < 0)
		log_msg(LOG_WARNING, "mdev %s: %s: cannot grant %u:%u %04o "
			"again: %s", uuid, node, (unsigned int)g.uid,
			(unsigned int)g.gid, (unsigned int)g.mode,
			strerror(errno));
	else
		log_msg(LOG_NOTICE, "mdev %s: %s: %u:%u %04o again, as the "
			"former ccwpassd had it", uuid, node,
			(unsigned int)g.uid, (unsigned int)g.gid,
			(unsigned int)g.mode);
}

void vfio_nodes_event(struct vfio_nodes *v, const struct bus_event *ev)
{
	char node[PATH_MAX + 16];
	int fd;

	if (!v || (ev->kind != BUS_EV_MDEV_ADD &&
		   ev->kind != BUS_EV_MDEV_REMOVE))
		return;
	node_path(v, ev->group, node, sizeof(node));
	unlink(node);
	if (ev->kind == BUS_EV_MDEV_REMOVE)
		return;
	/* As the kernel makes /dev/vfio/N: root's alone until granted. */
	fd = open(node, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		log_msg(LOG_WARNING, "mdev %s: %s: %s", ev->uuid, node,
			strerror(errno));
		return;
	}
	regrant(v, ev->uuid, fd, node);
	close(fd);
}

int vfio_nodes_authorize(void *opaque, const char *uuid,
			 const struct vfu_peer *peer)
{
	struct vfio_nodes *v = opaque;
	char node[PATH_MAX + 16];
	struct bus_mdev_info mi;
	struct stat st;

	if (peer->uid == 0)
		return 0;
	if (bus_mdev_info(v->bus, uuid, &mi) < 0)
		return -ENODEV;
	node_path(v, mi.group, node, sizeof(node));
	if (lstat(node, &st) < 0 || !S_ISREG(st.st_mode))
		return -ENODEV;
	if (vfio_nodes_may_open(&st, peer->uid, peer->gid, peer->groups,
				peer->ngroups))
		return 0;
	log_msg(LOG_NOTICE, "mdev %s: uid %u may not open %s (%u:%u %04o)",
		uuid, (unsigned int)peer->uid, node, (unsigned int)st.st_uid,
		(unsigned int)st.st_gid, (unsigned int)(st.st_mode & 07777));
	return -EACCES;
}

/* ---- the watch ---- */

static void handle_events(struct vfio_nodes *v)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(v->inotify, buf, sizeof(buf));
	unsigned int g;

	for (char *p = buf; n > 0 && p < buf + n;) {
		const struct inotify_event *e = (const void *)p;

		if (e->mask & IN_Q_OVERFLOW) {
			DIR *d = opendir(v->dir);
			struct dirent *de;

			while (d && (de = readdir(d)))
				if (group_name(de->d_name, &g))
					follow(v, g);
			if (d)
				closedir(d);
		} else if (e->len && group_name(e->name, &g)) {
			follow(v, g);
		}
		p += sizeof(*e) + e->len;
	}
}

static void *watch_main(void *opaque)
{
	struct vfio_nodes *v = opaque;

	pthread_setname_np(pthread_self(), "ccwpass-nodes");
	for (;;) {
		struct pollfd f[2] = {
			{ .fd = v->inotify, .events = POLLIN },
			{ .fd = v->stop, .events = POLLIN },
		};

		if (poll(f, 2, -1) < 0)
			continue;
		if (f[1].revents)
			return NULL;
		if (f[0].revents)
			handle_events(v);
	}
}

/*
 * The grants of a former daemon: its sockets (<uuid>.sock) followed their
 * nodes, so one that grants access tells who had the mdev.
 */
static void read_grants(struct vfio_nodes *v)
{
	DIR *d = opendir(v->sockets);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct grant *more;
		struct stat st;

		if (n != 36 + 5 || strcmp(e->d_name + 36, ".sock") ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISSOCK(st.st_mode) || !grants_access(&st))
			continue;
		more = realloc(v->grants, (v->ngrants + 1) * sizeof(*more));
		if (!more)
			break;
		v->grants = more;
		more += v->ngrants++;
		memcpy(more->uuid, e->d_name, 36);
		more->uuid[36] = '\0';
		more->uid = st.st_uid;
		more->gid = st.st_gid;
		more->mode = st.st_mode & 0666;
		log_msg(LOG_INFO, "mdev %s: the former ccwpassd granted it to "
			"%u:%u %04o", more->uuid, (unsigned int)st.st_uid,
			(unsigned int)st.st_gid, (unsigned int)more->mode);
	}
	if (d)
		closedir(d);
}

/* Nodes a daemon that died left behind (their mdevs are gone with it). */
static void clean(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int g;

	while (d && (e = readdir(d)))
		if (group_name(e->d_name, &g))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
}

int vfio_nodes_start(const char *runtime_dir, const char *sockets,
		     struct bus *bus, struct vfio_nodes **out,
		     struct error *err)
{
	struct vfio_nodes *v = calloc(1, sizeof(*v));
	char dev[PATH_MAX], container[PATH_MAX + 8];
	int ret, fd;

	if (!v)
		return error_setf(err, ENOMEM, "/dev/vfio nodes: out of memory");
	v->bus = bus;
	v->inotify = v->stop = -1;
	pthread_mutex_init(&v->lock, NULL);
	snprintf(dev, sizeof(dev), "%s/dev", runtime_dir);
	snprintf(v->dir, sizeof(v->dir), "%s/dev/vfio", runtime_dir);
	snprintf(v->sockets, sizeof(v->sockets), "%s", sockets);
	ret = dirs_own(dev, 0755, false, err);
	if (ret == 0)
		ret = dirs_own(v->dir, 0755, false, err);
	if (ret < 0)
		goto fail;
	clean(v->dir);
	read_grants(v);
	/* The container, crw-rw-rw- on a real host. */
	snprintf(container, sizeof(container), "%s/vfio", v->dir);
	fd = open(container, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 || fchmod(fd, 0666) < 0) {
		ret = error_setf(err, errno, "%s: %s", container,
				 strerror(errno));
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	close(fd);
	v->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	v->stop = eventfd(0, EFD_CLOEXEC);
	if (v->inotify < 0 || v->stop < 0 ||
	    inotify_add_watch(v->inotify, v->dir, IN_ATTRIB | IN_DELETE) < 0) {
		ret = error_setf(err, errno, "%s: watch: %s", v->dir,
				 strerror(errno));
		goto fail;
	}
	ret = -pthread_create(&v->thread, NULL, watch_main, v);
	if (ret < 0) {
		error_setf(err, -ret, "%s: no thread", v->dir);
		goto fail;
	}
	v->running = true;
	*out = v;
	return 0;
fail:
	vfio_nodes_stop(v);
	return ret;
}

void vfio_nodes_stop(struct vfio_nodes *v)
{
	if (!v)
		return;
	if (v->running) {
		if (eventfd_write(v->stop, 1) == 0)
			pthread_join(v->thread, NULL);
	}
	if (v->inotify >= 0)
		close(v->inotify);
	if (v->stop >= 0)
		close(v->stop);
	pthread_mutex_destroy(&v->lock);
	free(v->grants);
	free(v);
}
