/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directories of the view and what each holds, laid out as sysfs is on
 * an s390 host (drivers/base/core.c and bus.c for the device, driver and
 * subsystem links; drivers/s390/cio/css.c, chp.c, device.c for css0, its
 * subchannels, channel paths and ccw devices; drivers/vfio/mdev/mdev_sysfs.c
 * for mdev_supported_types and the mdev directory; drivers/iommu/iommu.c
 * for kernel/iommu_groups; kernel/module/sysfs.c for module/). Links are
 * relative, so they resolve inside the tree wherever it is mounted.
 */
#include "sysfs/sysfs_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "css/css.h"

/* A listing in progress: the consumer and whether it asked to stop. */
struct lister {
	struct sysfs_tree *t;
	const struct sysfs_node *dir;
	sysfs_child_fn *fn;
	void *opaque;
	int stop;
};

static int put(struct lister *l, const char *name, struct sysfs_node *c)
{
	if (!l->stop)
		l->stop = l->fn(name, c, l->opaque);
	return l->stop;
}

static struct sysfs_node child_of(const struct sysfs_node *dir)
{
	struct sysfs_node c = *dir;

	c.attr = NULL;
	c.link[0] = '\0';
	return c;
}

static int put_dir(struct lister *l, const char *name, enum sysfs_dir kind,
		   struct sysfs_node *c)
{
	c->type = SYSFS_DIR;
	c->mode = 0755;
	c->dir = kind;
	return put(l, name, c);
}

static int put_subdir(struct lister *l, const char *name, enum sysfs_dir kind)
{
	struct sysfs_node c = child_of(l->dir);

	return put_dir(l, name, kind, &c);
}

static int put_link(struct lister *l, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int put_link(struct lister *l, const char *name, const char *fmt, ...)
{
	struct sysfs_node c = child_of(l->dir);
	va_list ap;

	c.type = SYSFS_LINK;
	c.mode = 0777;
	va_start(ap, fmt);
	vsnprintf(c.link, sizeof(c.link), fmt, ap);
	va_end(ap);
	return put(l, name, &c);
}

static int put_attrs(struct lister *l, const struct sysfs_attr *table)
{
	for (const struct sysfs_attr *a = table; a->name; a++) {
		struct sysfs_node c = child_of(l->dir);

		c.type = SYSFS_FILE;
		c.mode = a->mode;
		c.attr = a;
		if (put(l, a->name, &c))
			return 1;
	}
	return 0;
}

static const char *const bus_names[] = {
	[SB_CSS] = "css", [SB_CCW] = "ccw", [SB_MDEV] = "mdev",
};

/* ---- / and the fixed levels ---- */

static void list_root(struct lister *l)
{
	put_subdir(l, "bus", SD_BUS);
	put_subdir(l, "class", SD_CLASS);
	put_subdir(l, "devices", SD_DEVICES);
	put_subdir(l, "kernel", SD_KERNEL);
	put_subdir(l, "module", SD_MODULES);
}

static void list_bus(struct lister *l)
{
	for (int i = 0; i < 3; i++) {
		struct sysfs_node c = child_of(l->dir);

		c.bus = (enum sysfs_busid)i;
		put_dir(l, bus_names[i], SD_BUS_X, &c);
	}
}

static void list_bus_x(struct lister *l)
{
	put_subdir(l, "devices", SD_BUS_DEVICES);
	put_subdir(l, "drivers", SD_BUS_DRIVERS);
	put_attrs(l, sysfs_bus_attrs);
}

/* ---- /bus/X/devices ---- */

static void sch_dev_link(const struct bus_sch_info *s, void *opaque)
{
	struct lister *l = opaque;

	if (l->dir->bus == SB_CSS)
		put_link(l, s->name, "../../../devices/css0/%s", s->name);
	else if (s->ccwdev)
		put_link(l, s->dev_busid, "../../../devices/css0/%s/%s",
			 s->name, s->dev_busid);
}

static void mdev_dev_link(const struct bus_mdev_info *m, void *opaque)
{
	struct lister *l = opaque;

	put_link(l, m->uuid, "../../../devices/css0/%s/%s", m->parent, m->uuid);
}

static void list_bus_devices(struct lister *l)
{
	if (l->dir->bus == SB_MDEV)
		bus_for_each_mdev(l->t->bus, mdev_dev_link, l);
	else
		bus_for_each_sch(l->t->bus, sch_dev_link, l);
}

/* ---- /bus/X/drivers and /bus/X/drivers/<drv> ---- */

static void driver_dir(const struct bus_driver *drv, void *opaque)
{
	struct lister *l = opaque;
	struct sysfs_node c = child_of(l->dir);
	const char *name = drv->name;

	if (l->dir->bus == SB_MDEV) {
		if (!drv->mdev)
			return;
		name = drv->mdev->mdev_driver;
	}
	snprintf(c.drv, sizeof(c.drv), "%s", name);
	put_dir(l, name, SD_DRIVER, &c);
}

static void list_bus_drivers(struct lister *l)
{
	bus_for_each_driver(l->t->bus, l->dir->bus == SB_CCW ? BUS_CCW : BUS_CSS,
			    driver_dir, l);
}

static void bound_link(const struct bus_sch_info *s, void *opaque)
{
	struct lister *l = opaque;

	if (l->dir->bus == SB_CSS && !strcmp(s->driver, l->dir->drv))
		put_link(l, s->name, "../../../../devices/css0/%s", s->name);
	else if (l->dir->bus == SB_CCW && !strcmp(s->ccw_driver, l->dir->drv))
		put_link(l, s->dev_busid, "../../../../devices/css0/%s/%s",
			 s->name, s->dev_busid);
}

static void bound_mdev_link(const struct bus_mdev_info *m, void *opaque)
{
	struct lister *l = opaque;

	if (!strcmp(m->type->mdev_driver, l->dir->drv))
		put_link(l, m->uuid, "../../../../devices/css0/%s/%s",
			 m->parent, m->uuid);
}

/* The module of a css driver, or of the css driver owning an mdev driver. */
struct module_find {
	enum sysfs_busid bus;
	const char *drv;
	char module[BUS_NAME_MAX];
};

static void find_module(const struct bus_driver *drv, void *opaque)
{
	struct module_find *f = opaque;
	const char *name = drv->name;

	if (f->bus == SB_MDEV)
		name = drv->mdev ? drv->mdev->mdev_driver : "";
	if (!strcmp(name, f->drv) && drv->module)
		snprintf(f->module, sizeof(f->module), "%s", drv->module);
}

static void list_driver(struct lister *l)
{
	struct module_find f = { .bus = l->dir->bus, .drv = l->dir->drv };

	if (l->dir->bus != SB_MDEV && put_attrs(l, sysfs_driver_attrs))
		return;
	if (l->dir->bus == SB_MDEV)
		bus_for_each_mdev(l->t->bus, bound_mdev_link, l);
	else
		bus_for_each_sch(l->t->bus, bound_link, l);
	if (l->dir->bus != SB_CCW) {
		bus_for_each_driver(l->t->bus, BUS_CSS, find_module, &f);
		if (f.module[0])
			put_link(l, "module", "../../../../module/%s", f.module);
	}
}

/* ---- /devices/css0 ---- */

static void sch_dir(const struct bus_sch_info *s, void *opaque)
{
	struct lister *l = opaque;
	struct sysfs_node c = child_of(l->dir);

	snprintf(c.sch, sizeof(c.sch), "%s", s->name);
	put_dir(l, s->name, SD_SCH, &c);
}

static void chp_dir(const struct bus_chp_info *chp, void *opaque)
{
	struct lister *l = opaque;
	struct sysfs_node c = child_of(l->dir);
	char name[16];

	c.chpid = chp->chpid;
	snprintf(name, sizeof(name), "chp0.%02x", chp->chpid);
	put_dir(l, name, SD_CHP, &c);
}

static void list_css0(struct lister *l)
{
	if (put_attrs(l, sysfs_css0_attrs))
		return;
	bus_for_each_chp(l->t->bus, chp_dir, l);
	bus_for_each_sch(l->t->bus, sch_dir, l);
}

static void list_sch(struct lister *l, const struct bus_sch_info *s)
{
	if (put_attrs(l, sysfs_sch_attrs))
		return;
	put_link(l, "subsystem", "../../../bus/css");
	if (s->driver[0])
		put_link(l, "driver", "../../../bus/css/drivers/%s", s->driver);
	if (s->mtype)
		put_subdir(l, "mdev_supported_types", SD_MTYPES);
	for (unsigned int i = 0; i < s->nmdevs; i++) {
		struct sysfs_node c = child_of(l->dir);

		snprintf(c.uuid, sizeof(c.uuid), "%s", s->mdevs[i]);
		put_dir(l, s->mdevs[i], SD_MDEV, &c);
	}
	if (s->ccwdev) {
		struct sysfs_node c = child_of(l->dir);

		snprintf(c.dev, sizeof(c.dev), "%s", s->dev_busid);
		put_dir(l, s->dev_busid, SD_CCWDEV, &c);
	}
}

static void list_mtype(struct lister *l, const struct bus_sch_info *s)
{
	for (const struct sysfs_attr *a = sysfs_mtype_attrs; a->name; a++) {
		struct sysfs_node c = child_of(l->dir);

		if (!strcmp(a->name, "name") && !s->mtype->pretty_name)
			continue;
		c.gen = s->parent_gen;   /* stale after a re-bind */
		c.type = SYSFS_FILE;
		c.mode = a->mode;
		c.attr = a;
		if (put(l, a->name, &c))
			return;
	}
	put_subdir(l, "devices", SD_MTYPE_DEVICES);
}

static void list_mdev(struct lister *l)
{
	struct sysfs_node dir = *l->dir;
	struct bus_mdev_info m;

	if (bus_mdev_info(l->t->bus, l->dir->uuid, &m) < 0)
		return;
	/* Its files belong to this mdev, not to a later one of that UUID. */
	dir.gen = m.gen;
	l->dir = &dir;
	if (put_attrs(l, sysfs_mdev_attrs))
		return;
	put_link(l, "mdev_type", "../mdev_supported_types/%s", m.type->name);
	put_link(l, "driver", "../../../../bus/mdev/drivers/%s",
		 m.type->mdev_driver);
	put_link(l, "iommu_group", "../../../../kernel/iommu_groups/%u",
		 m.group);
	put_link(l, "subsystem", "../../../../bus/mdev");
}

static void list_ccwdev(struct lister *l, const struct bus_sch_info *s)
{
	struct css_stats st;
	uint64_t el;
	bool cmb = false;

	if (put_attrs(l, sysfs_ccwdev_attrs))
		return;
	if (bus_ccw_cmb(l->t->bus, s->dev_busid, &cmb, &st, &el) == 0 && cmb &&
	    put_subdir(l, "cmf", SD_CMF))
		return;
	put_link(l, "subsystem", "../../../../bus/ccw");
	if (s->ccw_driver[0])
		put_link(l, "driver", "../../../../bus/ccw/drivers/%s",
			 s->ccw_driver);
}

/* Everything under /devices/css0/<sch>: one consistent look at the sch. */
static void list_under_sch(struct lister *l)
{
	struct bus_sch_info *s = malloc(sizeof(*s));

	if (!s)
		return;
	if (bus_sch_info(l->t->bus, l->dir->sch, s) < 0)
		goto out;
	switch (l->dir->dir) {
	case SD_SCH:
		list_sch(l, s);
		break;
	case SD_MTYPES:
		if (s->mtype)
			put_subdir(l, s->mtype->name, SD_MTYPE);
		break;
	case SD_MTYPE:
		if (s->mtype)
			list_mtype(l, s);
		break;
	case SD_MTYPE_DEVICES:
		for (unsigned int i = 0; s->mtype && i < s->nmdevs; i++)
			put_link(l, s->mdevs[i], "../../../%s", s->mdevs[i]);
		break;
	case SD_CCWDEV:
		if (s->ccwdev && !strcmp(s->dev_busid, l->dir->dev))
			list_ccwdev(l, s);
		break;
	case SD_CMF: {
		struct css_stats st;
		uint64_t el;
		bool cmb = false;

		if (s->ccwdev && !strcmp(s->dev_busid, l->dir->dev) &&
		    bus_ccw_cmb(l->t->bus, s->dev_busid, &cmb, &st, &el) == 0 &&
		    cmb)
			put_attrs(l, sysfs_cmf_attrs);
		break;
	}
	default:
		break;
	}
out:
	free(s);
}

/* ---- /class, /kernel, /module ---- */

static void parent_link(const struct bus_sch_info *s, void *opaque)
{
	struct lister *l = opaque;

	if (s->mtype)
		put_link(l, s->name, "../../devices/css0/%s", s->name);
}

static void group_dir(const struct bus_mdev_info *m, void *opaque)
{
	struct lister *l = opaque;
	struct sysfs_node c = child_of(l->dir);
	char name[16];

	c.group = m->group;
	snprintf(name, sizeof(name), "%u", m->group);
	put_dir(l, name, SD_GROUP, &c);
}

static void list_group_devices(struct lister *l)
{
	struct bus_mdev_info m;

	if (bus_group_info(l->t->bus, l->dir->group, &m) == 0)
		put_link(l, m.uuid, "../../../../devices/css0/%s/%s", m.parent,
			 m.uuid);
}

static void module_dir(const struct bus_driver *drv, void *opaque)
{
	struct lister *l = opaque;
	struct sysfs_node c = child_of(l->dir);

	if (!drv->module)
		return;
	snprintf(c.drv, sizeof(c.drv), "%s", drv->module);
	put_dir(l, drv->module, SD_MODULE, &c);
}

static void module_driver_links(const struct bus_driver *drv, void *opaque)
{
	struct lister *l = opaque;
	char name[BUS_NAME_MAX + 8];

	if (!drv->module || strcmp(drv->module, l->dir->drv))
		return;
	snprintf(name, sizeof(name), "css:%s", drv->name);
	put_link(l, name, "../../../bus/css/drivers/%s", drv->name);
	if (drv->mdev) {
		snprintf(name, sizeof(name), "mdev:%s", drv->mdev->mdev_driver);
		put_link(l, name, "../../../bus/mdev/drivers/%s",
			 drv->mdev->mdev_driver);
	}
}

int sysfs_dir_list(struct sysfs_tree *t, const struct sysfs_node *dir,
		   sysfs_child_fn *fn, void *opaque)
{
	struct lister l = { .t = t, .dir = dir, .fn = fn, .opaque = opaque };

	switch (dir->dir) {
	case SD_ROOT:
		list_root(&l);
		break;
	case SD_BUS:
		list_bus(&l);
		break;
	case SD_BUS_X:
		list_bus_x(&l);
		break;
	case SD_BUS_DEVICES:
		list_bus_devices(&l);
		break;
	case SD_BUS_DRIVERS:
		list_bus_drivers(&l);
		break;
	case SD_DRIVER:
		list_driver(&l);
		break;
	case SD_DEVICES:
		put_subdir(&l, "css0", SD_CSS0);
		break;
	case SD_CSS0:
		list_css0(&l);
		break;
	case SD_SCH:
	case SD_MTYPES:
	case SD_MTYPE:
	case SD_MTYPE_DEVICES:
	case SD_CCWDEV:
	case SD_CMF:
		list_under_sch(&l);
		break;
	case SD_MDEV:
		list_mdev(&l);
		break;
	case SD_CHP:
		put_attrs(&l, sysfs_chp_attrs);
		break;
	case SD_CLASS:
		put_subdir(&l, "mdev_bus", SD_CLASS_MDEV_BUS);
		break;
	case SD_CLASS_MDEV_BUS:
		bus_for_each_sch(t->bus, parent_link, &l);
		break;
	case SD_KERNEL:
		put_subdir(&l, "iommu_groups", SD_GROUPS);
		break;
	case SD_GROUPS:
		bus_for_each_mdev(t->bus, group_dir, &l);
		break;
	case SD_GROUP:
		put_subdir(&l, "devices", SD_GROUP_DEVICES);
		break;
	case SD_GROUP_DEVICES:
		list_group_devices(&l);
		break;
	case SD_MODULES:
		bus_for_each_driver(t->bus, BUS_CSS, module_dir, &l);
		break;
	case SD_MODULE:
		if (!put_attrs(&l, sysfs_module_attrs))
			put_subdir(&l, "drivers", SD_MODULE_DRIVERS);
		break;
	case SD_MODULE_DRIVERS:
		bus_for_each_driver(t->bus, BUS_CSS, module_driver_links, &l);
		break;
	}
	return 0;
}

struct finder {
	const char *name;
	struct sysfs_node *out;
	bool found;
};

static int find_child(const char *name, const struct sysfs_node *child,
		      void *opaque)
{
	struct finder *f = opaque;

	if (strcmp(name, f->name))
		return 0;
	*f->out = *child;
	f->found = true;
	return 1;
}

int sysfs_dir_lookup(struct sysfs_tree *t, const struct sysfs_node *dir,
		     const char *name, struct sysfs_node *child)
{
	struct finder f = { .name = name, .out = child };

	sysfs_dir_list(t, dir, find_child, &f);
	return f.found ? 0 : -ENOENT;
}
