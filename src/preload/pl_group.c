/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIO groups, /dev/vfio/N (<linux/vfio.h>: VFIO_GROUP_GET_STATUS,
 * _SET_CONTAINER, _UNSET_CONTAINER, _GET_DEVICE_FD; semantics of
 * drivers/vfio/group.c: one open file per group, a container can only be
 * unset while no device is open, GET_DEVICE_FD needs a container with an
 * IOMMU).
 *
 * Group N exists when ccwpassd lists a device in
 * <runtime>/sys/kernel/iommu_groups/N/devices/; the entry's name is the
 * mdev UUID that VFIO_GROUP_GET_DEVICE_FD asks for. Who may open it is
 * <runtime>/dev/vfio/N's to say (owner, group, mode), as /dev/vfio/N's on a
 * real host; ccwpassd checks the same when the device connects.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "preload/pl_debug.h"
#include "preload/pl_fdtab.h"
#include "preload/pl_real.h"
#include "preload/pl_vfio.h"

#define GROUP_STATUS_MINSZ 8       /* argsz, flags */
_Static_assert(sizeof(struct vfio_group_status) == GROUP_STATUS_MINSZ,
	       "vfio_group_status");

/* Device names: mdev UUIDs (36), with room to spare. */
#define NAME_MAX_LEN 128

struct pl_group {
	struct pl_obj obj;
	unsigned long id;
	bool fd_open;                       /* pl_lock */
	struct pl_container *container;     /* reference; pl_lock */
	struct pl_device *devices[PL_GROUP_MAX_DEVICES];   /* with open fds */
	size_t ndevices;
	struct pl_group *next;              /* registry */
};

/* Every live group (pl_lock). */
static struct pl_group *registry;

unsigned long pl_group_id(const struct pl_group *g)
{
	return g->id;
}

size_t pl_group_ndevices(const struct pl_group *g)
{
	return g->ndevices;
}

struct pl_device *pl_group_device(const struct pl_group *g, size_t i)
{
	return g->devices[i];
}

void pl_group_forget_device(struct pl_group *g, struct pl_device *d)
{
	for (size_t i = 0; i < g->ndevices; i++) {
		if (g->devices[i] == d) {
			g->devices[i] = g->devices[--g->ndevices];
			return;
		}
	}
}

/*
 * Look at <runtime>/sys/kernel/iommu_groups/<id>/devices: 0 when it lists
 * name (any device when name is NULL), else -ENOENT (no such group) or
 * -ENODEV (group without that device).
 */
static int group_lists(unsigned long id, const char *name)
{
	char path[4096];
	struct dirent *e;
	bool any = false, found = false;
	DIR *dir;

	if ((size_t)snprintf(path, sizeof(path),
			     "%s/sys/kernel/iommu_groups/%lu/devices",
			     pl_runtime_dir(), id) >= sizeof(path))
		return -ENAMETOOLONG;
	dir = opendir(path);
	if (!dir)
		return -ENOENT;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		any = true;
		if (name && !strcmp(e->d_name, name))
			found = true;
	}
	closedir(dir);
	if (!any)
		return -ENOENT;
	return !name || found ? 0 : -ENODEV;
}

/* The kernel's permission check of open("/dev/vfio/N", O_RDWR): 0 or
 * -EACCES (a daemon without group nodes allows all, as before). */
int pl_group_access(unsigned long id)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/dev/vfio/%lu", pl_runtime_dir(), id);
	if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == 0 ||
	    errno != EACCES)
		return 0;
	return -EACCES;
}

int pl_group_open(unsigned long id, int flags)
{
	struct pl_group *g;
	char name[64];
	int fd, ret;

	ret = group_lists(id, NULL);
	if (ret < 0) {
		log_msg(LOG_ERR, "/dev/vfio/%lu: no iommu group %lu under "
			"%s/sys/kernel/iommu_groups (is ccwpassd running with "
			"this CCWPASS_RUNTIME_DIR?)", id, id, pl_runtime_dir());
		return ret;
	}
	ret = pl_group_access(id);
	if (ret < 0) {
		log_msg(LOG_ERR, "/dev/vfio/%lu: permission denied (%s/dev/vfio/"
			"%lu: its owner grants access, e.g. chown)", id,
			pl_runtime_dir(), id);
		return ret;
	}
	pl_lock();
	/* A group whose last reference was dropped by another thread (a
	 * device going away) is on its way out: it cannot be reused. Our own
	 * reference keeps the group alive until its fd holds one. */
	for (g = registry; g; g = g->next)
		if (g->id == id && pl_obj_tryget(&g->obj))
			break;
	if (g && g->fd_open) {
		ret = -EBUSY;           /* one open file per group */
		goto out;
	}
	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g) {
			ret = -ENOMEM;
			goto out;
		}
		g->obj.kind = PL_GROUP;
		atomic_init(&g->obj.refs, 1);
		g->id = id;
		g->next = registry;
		registry = g;
	}
	snprintf(name, sizeof(name), "ccwpass:vfio-group-%lu", id);
	fd = pl_make_fd(name, flags);
	ret = fd < 0 ? fd : pl_fdtab_add(fd, &g->obj);
	if (ret < 0) {
		if (fd >= 0)
			pl_real_close(fd);
		goto out;       /* a new group goes again with our reference */
	}
	g->fd_open = true;
	ret = fd;
out:
	if (g)
		pl_obj_put(&g->obj);
	pl_unlock();
	return ret;
}

void pl_group_closed(struct pl_group *g)
{
	g->fd_open = false;
}

void pl_group_release(struct pl_group *g)
{
	struct pl_group **pp;

	pl_lock();
	for (pp = &registry; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	if (g->container)
		pl_container_detach(g->container, g);
	pl_unlock();
	free(g);
}

/* ---- ioctls ----------------------------------------------------------- */

static int get_status(struct pl_group *g, uint8_t *p)
{
	uint32_t flags = VFIO_GROUP_FLAGS_VIABLE;

	if (ld_he32(p) < GROUP_STATUS_MINSZ)
		return -EINVAL;
	if (g->container)
		flags |= VFIO_GROUP_FLAGS_CONTAINER_SET;
	st_he32(p + offsetof(struct vfio_group_status, flags), flags);
	return 0;
}

static int set_container(struct pl_group *g, const uint8_t *p)
{
	int cfd = (int)ld_he32(p);
	struct pl_obj *o;
	int ret;

	if (g->container)
		return -EINVAL;
	o = pl_fdtab_get(cfd);
	if (!o)
		return fcntl(cfd, F_GETFD) < 0 ? -EBADF : -EINVAL;
	if (o->kind != PL_CONTAINER) {
		pl_obj_put(o);
		return -EINVAL;
	}
	ret = pl_container_attach((struct pl_container *)o, g);
	if (!ret)
		g->container = (struct pl_container *)o;
	pl_obj_put(o);
	return ret;
}

static int unset_container(struct pl_group *g)
{
	if (!g->container)
		return -EINVAL;
	if (g->ndevices)
		return -EBUSY;
	pl_container_detach(g->container, g);
	g->container = NULL;
	return 0;
}

static int get_device_fd(struct pl_group *g, const char *arg)
{
	char name[NAME_MAX_LEN], fdname[NAME_MAX_LEN + 32];
	struct pl_device *d = NULL;
	bool fresh = false;
	size_t len = strnlen(arg, sizeof(name));
	int fd, ret;

	if (len == sizeof(name))
		return -ENODEV;     /* longer than any device name */
	memcpy(name, arg, len + 1);
	if (!g->container || !pl_container_has_iommu(g->container))
		return -EINVAL;
	ret = group_lists(g->id, name);
	if (ret < 0) {
		log_msg(LOG_ERR, "group %lu has no device %s (see %s/sys/"
			"kernel/iommu_groups/%lu/devices)", g->id, name,
			pl_runtime_dir(), g->id);
		return -ENODEV;
	}
	for (size_t i = 0; i < g->ndevices; i++)
		if (!strcmp(pl_device_name(g->devices[i]), name))
			d = g->devices[i];
	if (d) {
		pl_obj_get((struct pl_obj *)d);
	} else {
		if (g->ndevices == PL_GROUP_MAX_DEVICES)
			return -ENOSPC;
		ret = pl_device_connect(g, name, &d);   /* d: one reference */
		if (ret < 0)
			return ret;
		ret = pl_container_replay(g->container, d);
		if (ret < 0) {
			log_msg(LOG_ERR, "mdev %s: DMA mappings refused: %s",
				name, strerror(-ret));
			pl_obj_put((struct pl_obj *)d);
			return ret;
		}
		g->devices[g->ndevices++] = d;
		fresh = true;
	}
	snprintf(fdname, sizeof(fdname), "ccwpass:vfio-device-%s", name);
	fd = pl_make_fd(fdname, O_CLOEXEC);
	ret = fd < 0 ? fd : pl_fdtab_add(fd, (struct pl_obj *)d);
	if (ret < 0) {
		if (fd >= 0)
			pl_real_close(fd);
		if (fresh)
			pl_group_forget_device(g, d);
		pl_obj_put((struct pl_obj *)d);
		return ret;
	}
	pl_device_opened(d);
	pl_obj_put((struct pl_obj *)d);
	PL_DEBUG("mdev %s: device fd %d", name, fd);
	return fd;
}

int pl_group_ioctl(struct pl_group *g, unsigned long req, unsigned long arg)
{
	int ret;

	pl_lock();
	switch (req) {
	case VFIO_GROUP_GET_STATUS:
		ret = get_status(g, (uint8_t *)arg);
		break;
	case VFIO_GROUP_SET_CONTAINER:
		ret = set_container(g, (const uint8_t *)arg);
		break;
	case VFIO_GROUP_UNSET_CONTAINER:
		ret = unset_container(g);
		break;
	case VFIO_GROUP_GET_DEVICE_FD:
		ret = get_device_fd(g, (const char *)arg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	pl_unlock();
	return ret;
}

int pl_container_replay_device(struct pl_device *d)
{
	struct pl_group *g = pl_device_group(d);

	return g && g->container ? pl_container_replay(g->container, d) : 0;
}
