/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysfs view internals: nodes, directory kinds, attributes. */
#ifndef CCWPASS_SYSFS_SYSFS_PRIV_H
#define CCWPASS_SYSFS_SYSFS_PRIV_H

#include <stdint.h>

#include "bus/bus.h"
#include "sysfs/sysfs.h"

struct sysfs_tree {
	struct bus *bus;
};

/* Directory kinds; a node's keys below say which object it belongs to. */
enum sysfs_dir {
	SD_ROOT,
	SD_BUS,              /* /bus */
	SD_BUS_X,            /* /bus/<css|mdev|ccw> */
	SD_BUS_DEVICES,      /* /bus/X/devices */
	SD_BUS_DRIVERS,      /* /bus/X/drivers */
	SD_DRIVER,           /* /bus/X/drivers/<drv> */
	SD_DEVICES,          /* /devices */
	SD_CSS0,             /* /devices/css0 */
	SD_SCH,              /* /devices/css0/<sch> */
	SD_MTYPES,           /* .../<sch>/mdev_supported_types */
	SD_MTYPE,            /* .../mdev_supported_types/<type> */
	SD_MTYPE_DEVICES,    /* .../<type>/devices */
	SD_MDEV,             /* /devices/css0/<sch>/<uuid> */
	SD_CCWDEV,           /* /devices/css0/<sch>/<devno> */
	SD_CMF,              /* .../<devno>/cmf (while cmb_enable is 1) */
	SD_CHP,              /* /devices/css0/chp0.<xx> */
	SD_CLASS,            /* /class */
	SD_CLASS_MDEV_BUS,   /* /class/mdev_bus */
	SD_KERNEL,           /* /kernel */
	SD_GROUPS,           /* /kernel/iommu_groups */
	SD_GROUP,            /* /kernel/iommu_groups/<n> */
	SD_GROUP_DEVICES,    /* /kernel/iommu_groups/<n>/devices */
	SD_MODULES,          /* /module */
	SD_MODULE,           /* /module/<mod> */
	SD_MODULE_DRIVERS,   /* /module/<mod>/drivers */
};

enum sysfs_busid {
	SB_CSS,
	SB_CCW,
	SB_MDEV,
};

struct sysfs_attr;

#define SYSFS_LINK_MAX 256

struct sysfs_node {
	enum sysfs_type type;
	mode_t mode;
	enum sysfs_dir dir;                 /* SYSFS_DIR */
	const struct sysfs_attr *attr;      /* SYSFS_FILE */
	char link[SYSFS_LINK_MAX];          /* SYSFS_LINK */
	/* keys */
	enum sysfs_busid bus;
	char sch[CSS_BUSID_STRLEN];
	char dev[CSS_BUSID_STRLEN];         /* ccw device bus id */
	char uuid[BUS_UUID_SIZE];
	char drv[BUS_NAME_MAX];             /* driver or module name */
	uint8_t chpid;
	unsigned int group;
	/* the object's generation when looked up (bus.h); 0: not tracked */
	unsigned long gen;
};

/* Rendered attribute content. */
struct sysfs_buf {
	size_t len;
	char data[SYSFS_PAGE];
};

void sysfs_bprintf(struct sysfs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct sysfs_attr {
	const char *name;
	mode_t mode;
	/* 0 or -errno (the read fails with it) */
	int (*show)(struct sysfs_tree *t, const struct sysfs_node *n,
		    struct sysfs_buf *b);
	/* buf is NUL-terminated at len. 0 or -errno. */
	int (*store)(struct sysfs_tree *t, const struct sysfs_node *n,
		     const char *buf, size_t len);
};

/* Attribute tables (NULL-name terminated), sysfs_attrs*.c */
extern const struct sysfs_attr sysfs_sch_attrs[];
extern const struct sysfs_attr sysfs_css0_attrs[];
extern const struct sysfs_attr sysfs_chp_attrs[];
extern const struct sysfs_attr sysfs_bus_attrs[];
extern const struct sysfs_attr sysfs_driver_attrs[];
extern const struct sysfs_attr sysfs_ccwdev_attrs[];
/* sysfs_attrs_cmf.c: the ccw device's cmb_enable, and its cmf/ */
int sysfs_cmb_enable_show(struct sysfs_tree *t, const struct sysfs_node *n,
			  struct sysfs_buf *b);
int sysfs_cmb_enable_store(struct sysfs_tree *t, const struct sysfs_node *n,
			   const char *buf, size_t len);
extern const struct sysfs_attr sysfs_cmf_attrs[];
extern const struct sysfs_attr sysfs_mtype_attrs[];
extern const struct sysfs_attr sysfs_mdev_attrs[];
extern const struct sysfs_attr sysfs_module_attrs[];

/* sysfs_dirs.c: fn gets every child of dir; a non-zero return stops. */
typedef int sysfs_child_fn(const char *name, const struct sysfs_node *child,
			   void *opaque);
int sysfs_dir_list(struct sysfs_tree *t, const struct sysfs_node *dir,
		   sysfs_child_fn *fn, void *opaque);
/* 0 with *child filled, or -ENOENT. */
int sysfs_dir_lookup(struct sysfs_tree *t, const struct sysfs_node *dir,
		     const char *name, struct sysfs_node *child);

/* sysfs_text.c: the kernel's small parsers. */
/* sysfs_streq: name written with at most one trailing newline -> out. */
int sysfs_text_name(const char *buf, char *out, size_t size);
/* kstrtoul(buf, base 0): 0, -EINVAL, -ERANGE. */
int sysfs_text_ulong(const char *buf, unsigned long *val);
/*
 * sscanf(buf, "%<size-1>s", out) as the kernel's vsscanf() does it: -ENODATA
 * (nothing converted) only when buf is empty; otherwise skips the kernel's
 * white space (\t \n \v \f \r, blank, 0xa0) and copies at most size - 1
 * other bytes - so blanks only give an empty word. 0 or -ENODATA.
 */
int sysfs_text_word(const char *buf, char *out, size_t size);
/*
 * A write to a device's `uevent` (lib/kobject_uevent.c kobject_synth_uevent):
 * an action (add remove change move online offline bind unbind), optionally
 * followed by " UUID" and " KEY=VALUE" pairs (alphanumeric), one trailing
 * newline or NUL. len is the store's byte count. 0 or -EINVAL.
 */
int sysfs_text_uevent(const char *buf, size_t len);
/* "chp0.1a" <-> chpid; 0 or -EINVAL. */
int sysfs_text_chp(const char *name, uint8_t *chpid);

#endif
