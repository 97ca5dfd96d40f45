/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mdev attributes (drivers/vfio/mdev/mdev_sysfs.c): the type's
 * available_instances "%u", device_api, name and write-only create; the
 * mdev's write-only remove (kstrtoul base 0; zero does nothing; any parse
 * error is -EINVAL) and its uevent (stores checked as
 * kobject_synth_uevent does). A file opened on a parent registration or an
 * mdev that has since been replaced by one of the same name is stale:
 * -ENODEV (kernfs deactivates the old node).
 */
#include "sysfs/sysfs_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mtype_get(struct sysfs_tree *t, const struct sysfs_node *n,
		     struct bus_sch_info **out)
{
	struct bus_sch_info *s = malloc(sizeof(*s));

	if (!s)
		return -ENOMEM;
	if (bus_sch_info(t->bus, n->sch, s) < 0 || !s->mtype ||
	    (n->gen && s->parent_gen != n->gen)) {
		free(s);
		return -ENODEV;
	}
	*out = s;
	return 0;
}

static int available_show(struct sysfs_tree *t, const struct sysfs_node *n,
			  struct sysfs_buf *b)
{
	struct bus_sch_info *s;
	int ret = mtype_get(t, n, &s);

	if (ret == 0) {
		sysfs_bprintf(b, "%u\n", s->available);
		free(s);
	}
	return ret;
}

static int device_api_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	struct bus_sch_info *s;
	int ret = mtype_get(t, n, &s);

	if (ret == 0) {
		sysfs_bprintf(b, "%s\n", s->mtype->device_api);
		free(s);
	}
	return ret;
}

static int name_show(struct sysfs_tree *t, const struct sysfs_node *n,
		     struct sysfs_buf *b)
{
	struct bus_sch_info *s;
	int ret = mtype_get(t, n, &s);

	if (ret == 0) {
		sysfs_bprintf(b, "%s\n", s->mtype->pretty_name ?
			      s->mtype->pretty_name : s->mtype->name);
		free(s);
	}
	return ret;
}

static int create_store(struct sysfs_tree *t, const struct sysfs_node *n,
			const char *buf, size_t len)
{
	struct bus_sch_info *s;
	char type[64];
	int ret = mtype_get(t, n, &s);

	if (ret < 0)
		return ret;
	snprintf(type, sizeof(type), "%s", s->mtype->name);
	free(s);
	return bus_mdev_create_gen(t->bus, n->sch, n->gen, type, buf, len,
				   NULL);
}

const struct sysfs_attr sysfs_mtype_attrs[] = {
	{ "available_instances", 0444, available_show, NULL },
	{ "create", 0200, NULL, create_store },
	{ "device_api", 0444, device_api_show, NULL },
	{ "name", 0444, name_show, NULL },
	{ NULL, 0, NULL, NULL },
};

static int remove_store(struct sysfs_tree *t, const struct sysfs_node *n,
			const char *buf, size_t len)
{
	unsigned long val;

	if (sysfs_text_ulong(buf, &val) < 0)
		return -EINVAL;
	if (!val)
		return 0;
	return bus_mdev_remove_gen(t->bus, n->uuid, n->gen);
}

/* The mdev this file was opened on, not a later one of that UUID. */
static int mdev_get(struct sysfs_tree *t, const struct sysfs_node *n,
		    struct bus_mdev_info *m)
{
	if (bus_mdev_info(t->bus, n->uuid, m) < 0 || (n->gen && m->gen != n->gen))
		return -ENODEV;
	return 0;
}

static int mdev_uevent_show(struct sysfs_tree *t, const struct sysfs_node *n,
			    struct sysfs_buf *b)
{
	struct bus_mdev_info m;

	if (mdev_get(t, n, &m) < 0)
		return -ENODEV;
	sysfs_bprintf(b, "DRIVER=%s\n", m.type->mdev_driver);
	return 0;
}

static int mdev_uevent_store(struct sysfs_tree *t, const struct sysfs_node *n,
			     const char *buf, size_t len)
{
	struct bus_mdev_info m;

	if (mdev_get(t, n, &m) < 0)
		return -ENODEV;
	return sysfs_text_uevent(buf, len);
}

/*
 * ccwpass's own: the pid of the process (QEMU) connected to the mdev's
 * socket, empty when none. Not in the kernel's sysfs (there, the holder
 * of /dev/vfio/N is found with fuser).
 */
static int holder_show(struct sysfs_tree *t, const struct sysfs_node *n,
		       struct sysfs_buf *b)
{
	struct bus_mdev_info m;

	if (mdev_get(t, n, &m) < 0)
		return -ENODEV;
	if (m.holder > 0)
		sysfs_bprintf(b, "%d\n", (int)m.holder);
	return 0;
}

const struct sysfs_attr sysfs_mdev_attrs[] = {
	{ "ccwpass_holder", 0444, holder_show, NULL },
	{ "remove", 0200, NULL, remove_store },
	{ "uevent", 0644, mdev_uevent_show, mdev_uevent_store },
	{ NULL, 0, NULL, NULL },
};
