/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver core of the software host: the css bus with its subchannels,
 * the ccw bus with the devices io_subchannel creates, drivers as ops tables,
 * driver_override, bind / unbind / drivers_probe, and the mdev core (parents,
 * types, create / remove, UUIDs unique across the host, IOMMU group numbers).
 *
 * The semantics and errnos are the Linux kernel's: drivers/base/bus.c and
 * dd.c (bind_store, unbind_store, drivers_probe_store, device_driver_attach),
 * drivers/base/driver.c (driver_set_override), drivers/s390/cio/css.c
 * (css_bus_match, subchannel attributes), drivers/s390/cio/device.c
 * (io_subchannel: the ccw device), drivers/vfio/mdev/mdev_core.c and
 * mdev_sysfs.c (create_store, remove_store). docs/sysfs.md lists them.
 *
 * Threading: every function takes the bus lock itself. Probe, mdev create
 * and the event listener run with it held and must not block or call back
 * into the bus. The remove callbacks (a driver's, an mdev type's) may block
 * while a VMM lets go: they run without the lock, the device marked as
 * going (other changes to it wait; queries go on and still show it).
 */
#ifndef CCWPASS_BUS_BUS_H
#define CCWPASS_BUS_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "css/css.h"

struct bus;

#define BUS_NAME_MAX       32     /* driver names, bus ids */
#define BUS_UUID_LEN       36     /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
#define BUS_UUID_SIZE      (BUS_UUID_LEN + 1)
#define BUS_MAX_INSTANCES  16     /* per mdev parent */
#define BUS_OVERRIDE_MAX   4094   /* longest driver_override (PAGE_SIZE - 2) */

/* The two buses of the software host. */
enum bus_kind {
	BUS_CSS,   /* /sys/bus/css: subchannels */
	BUS_CCW,   /* /sys/bus/ccw: devices of io_subchannel-bound subchannels */
};

/* Bit for a subchannel type (CSS_SCH_TYPE_*) in bus_driver.sch_types. */
#define BUS_SCH_TYPE(st) (1u << (st))

/*
 * One mdev type a parent driver offers (one per driver here):
 * mdev_supported_types/<name>/ with name, device_api, available_instances.
 */
struct bus_mdev_type {
	const char *name;          /* sysfs directory name, "vfio_ccw-io" */
	const char *pretty_name;   /* `name` attribute; NULL: no such file */
	const char *device_api;    /* "vfio-ccw" */
	unsigned int max_instances; /* 1..BUS_MAX_INSTANCES */
	const char *mdev_driver;   /* the mdev's driver on the mdev bus */
	/*
	 * Create the mdev (uuid canonical, lower case) on the subchannel the
	 * driver's probe returned priv for. Returns 0 or -errno (the write to
	 * `create` fails with it).
	 */
	int (*create)(void *priv, const char *uuid, struct error *err);
	/* Remove it (may block while a user lets go; runs without the bus
	 * lock). Returns 0 or -errno. */
	int (*remove)(void *priv, const char *uuid);
	/* Optional: the pid of the process that uses it (0: none or not
	 * known). Runs with the bus lock held: must not block. */
	pid_t (*holder)(void *priv, const char *uuid);
};

/* A css driver. */
struct bus_driver {
	const char *name;          /* "vfio_ccw" */
	const char *module;        /* /sys/module/<module>; NULL: built in */
	unsigned int sch_types;    /* BUS_SCH_TYPE(...) it matches */
	/*
	 * Take the subchannel. Returns 0 with *priv set, or -errno: the
	 * explicit bind fails with it; drivers_probe goes on to the next
	 * driver (dd.c: probe errors are not bind errors for the bus).
	 */
	int (*probe)(void *opaque, struct css_subchannel *sch, void **priv,
		     struct error *err);
	/* Give it back (may block; runs without the bus lock). The mdevs
	 * were removed before. */
	void (*remove)(void *opaque, void *priv);
	/* Non-NULL: every bound subchannel is an mdev parent of this type. */
	const struct bus_mdev_type *mdev;
	/*
	 * Optional: a trace of what the subchannel does, switched on (to
	 * path, at most max bytes) or off (path NULL) while it runs, and its
	 * state as one line. Called with the bus lock held: must not block
	 * for long.
	 */
	int (*trace)(void *opaque, void *priv, const char *path, uint64_t max,
		     struct error *err);
	void (*trace_state)(void *opaque, void *priv, char *buf, size_t size);
};

#define BUS_IO_SUBCHANNEL  "io_subchannel"
#define BUS_CCW_DASD_ECKD  "dasd-eckd"

/* ---- change notifications (what udev would be told) ---- */
enum bus_event_kind {
	BUS_EV_BIND,                /* schid bound to driver */
	BUS_EV_UNBIND,              /* schid unbound from driver */
	BUS_EV_PARENT_REGISTERED,   /* change, MDEV_STATE=registered */
	BUS_EV_PARENT_UNREGISTERED, /* change, MDEV_STATE=unregistered */
	BUS_EV_MDEV_ADD,            /* uuid created on schid */
	BUS_EV_MDEV_REMOVE,         /* uuid removed from schid */
	BUS_EV_CHP_VARY,            /* chpid varied online / offline */
};

struct bus_event {
	enum bus_event_kind kind;
	const char *sch;            /* "0.0.0313" (not for CHP_VARY) */
	const char *driver;         /* BIND / UNBIND */
	const char *uuid;           /* MDEV_* */
	unsigned int group;         /* MDEV_*: its IOMMU group */
	uint8_t chpid;              /* CHP_VARY */
	bool online;                /* CHP_VARY */
};

/* Called with the bus lock held: must not block or call bus functions. */
typedef void bus_event_fn(const struct bus_event *ev, void *opaque);

/* ---- life cycle ---- */

/*
 * A driver core over css (which must outlive it): one unbound device per
 * subchannel, the built-in io_subchannel driver (and the ccw bus driver
 * dasd-eckd) registered. Returns NULL with err set on failure.
 */
struct bus *bus_new(struct css *css, struct error *err);
/* Unbinds every device (bus_shutdown) and frees. */
void bus_free(struct bus *b);

/*
 * Register a css driver after the built-in ones; drivers_probe tries them in
 * registration order. opaque is passed to probe/remove. Returns 0, -EEXIST
 * (name taken), -EINVAL (bad table) with err set.
 */
int bus_register_driver(struct bus *b, const struct bus_driver *drv,
			void *opaque, struct error *err);

void bus_set_listener(struct bus *b, bus_event_fn *fn, void *opaque);

/*
 * Group numbers for which reserved(n) is true are never handed out (the
 * daemon reserves the host's own /sys/kernel/iommu_groups/<n>).
 */
void bus_set_group_filter(struct bus *b, bool (*reserved)(unsigned int n,
							   void *opaque),
			  void *opaque);

/* drivers_probe for every unbound subchannel (in schid order). */
void bus_probe_all(struct bus *b);
/* Unbind every subchannel (mdevs first). */
void bus_shutdown(struct bus *b);
/*
 * Dynamic I/O reconfiguration. Add: a device for a subchannel the css
 * just got, unbound (the caller applies overrides and probes). 0 or
 * -errno with err. Remove: the device goes for every lookup at once, then
 * is unbound as the kernel's device_del() does (mdevs first; one a VMM
 * uses gets the request interrupt and the release timeout), then freed;
 * the caller then removes the subchannel from the css. 0 or -ENODEV.
 */
int bus_add_sch(struct bus *b, struct css_subchannel *sch, struct error *err);
int bus_remove_sch(struct bus *b, const char *name);

/* ---- the operations behind sysfs writes: 0 or the kernel's -errno ---- */

/*
 * drivers/<driver>/bind: -ENODEV for an unknown device or driver or when
 * the driver does not match (type, driver_override); -EBUSY when the device
 * has a driver; else the probe's result.
 */
int bus_bind(struct bus *b, enum bus_kind k, const char *driver,
	     const char *dev);
/* drivers/<driver>/unbind: -ENODEV unless dev is bound to driver. */
int bus_unbind(struct bus *b, enum bus_kind k, const char *driver,
	       const char *dev);
/* drivers_probe: -ENODEV for an unknown device; 0 otherwise (bound or not). */
int bus_drivers_probe(struct bus *b, enum bus_kind k, const char *dev);
/* driver_override of a subchannel; NULL or "" clears. -ENODEV, -EINVAL, -ENOMEM. */
int bus_set_override(struct bus *b, const char *sch, const char *driver);

/*
 * mdev_supported_types/<type>/create with the bytes written: a valid UUID
 * (either case) of 36 bytes, optionally followed by one newline (stricter
 * than the kernel, which ignores any 37th byte), else
 * -EINVAL; an mdev with that UUID anywhere -EEXIST; no instance left
 * -EUSERS; -ENODEV when sch is no parent of that type; else the driver's
 * result. On success *uuid_out (if non-NULL) gets the canonical UUID.
 */
int bus_mdev_create(struct bus *b, const char *sch, const char *type,
		    const char *buf, size_t len, char uuid_out[BUS_UUID_SIZE]);
/* The mdev's `remove` with a non-zero value: 0, -ENODEV, driver errors. */
int bus_mdev_remove(struct bus *b, const char *uuid);

/*
 * Generations: each registration of an mdev parent and each mdev gets a
 * new non-zero number (bus_sch_info.parent_gen, bus_mdev_info.gen). A file
 * opened on an object that was since replaced by one of the same name (the
 * parent unbound and bound again, the mdev removed and created again) is
 * stale: the kernel's writes to it fail with -ENODEV. These variants do
 * the same when the object's generation is not gen (0: any).
 */
int bus_mdev_create_gen(struct bus *b, const char *sch,
			unsigned long parent_gen, const char *type,
			const char *buf, size_t len,
			char uuid_out[BUS_UUID_SIZE]);
int bus_mdev_remove_gen(struct bus *b, const char *uuid, unsigned long gen);

/* chp status "on"/"off": vary the path in the css. 0, -ENODEV. */
int bus_chp_vary(struct bus *b, uint8_t chpid, bool online);

/* Check and canonicalise a UUID text (exactly 36 chars). 0 or -EINVAL. */
int bus_uuid_parse(const char *text, char out[BUS_UUID_SIZE]);

/* ---- queries (consistent within one call) ---- */

struct bus_sch_info {
	char name[CSS_BUSID_STRLEN];      /* "0.0.0313" */
	struct css_busid schid;
	uint8_t st;                       /* subchannel type */
	bool qdio;
	bool dnv;                         /* device number valid */
	char dev_busid[CSS_BUSID_STRLEN]; /* "0.0.2b09" or "none" */
	uint8_t chpids[8];
	uint8_t pim, pam, pom;
	bool has_override;
	char override[BUS_OVERRIDE_MAX + 1];
	char driver[BUS_NAME_MAX];        /* "" unbound */
	/* mdev parent (registered by the bound driver), else mtype NULL */
	const struct bus_mdev_type *mtype;
	unsigned long parent_gen;         /* this registration (0: none) */
	unsigned int available;           /* available_instances */
	unsigned int nmdevs;
	char mdevs[BUS_MAX_INSTANCES][BUS_UUID_SIZE];
	/* the ccw device (while io_subchannel is bound) */
	bool ccwdev;
	char ccw_driver[BUS_NAME_MAX];    /* "" unbound */
	uint16_t cu_type, dev_type;
	uint8_t cu_model, dev_model;
};

struct bus_mdev_info {
	char uuid[BUS_UUID_SIZE];
	char parent[CSS_BUSID_STRLEN];
	const struct bus_mdev_type *type;
	unsigned int group;               /* IOMMU group number */
	unsigned long gen;                /* this mdev (see bus_mdev_remove_gen) */
	pid_t holder;                     /* the process using it, 0: none */
};

struct bus_chp_info {
	uint8_t chpid;
	uint8_t type;
	bool online;
};

/* 0 or -ENOENT. */
int bus_sch_info(struct bus *b, const char *name, struct bus_sch_info *out);
/* The subchannel's measurement counters (css.h). 0 or -ENOENT. */
int bus_sch_stats(struct bus *b, const char *name, struct css_stats *out);
/* What its device is (css_device.h). 0, -ENOENT, -ENODEV (no device or
 * nothing to tell). */
struct css_device_desc;
int bus_sch_describe(struct bus *b, const char *name,
		     struct css_device_desc *out);
/*
 * An operator's load (path) or unload (NULL) of the removable medium of
 * subchannel name's device (css_device_ops.media: a tape drive); the
 * status the device then presents goes to the subchannel. 0, -ENOENT (no
 * such subchannel), -EOPNOTSUPP (no removable medium), or the device's
 * -errno with err.
 */
int bus_sch_media(struct bus *b, const char *name, const char *path,
		  bool readonly, struct error *err);
/*
 * Channel measurement of a ccw device (cio/cmf.c: its cmb_enable): on
 * starts counting from now, off stops. 0, -ENODEV (no such ccw device).
 */
int bus_ccw_set_cmb(struct bus *b, const char *devname, bool on);
/* Whether it is on, and the counters and time since it was turned on.
 * 0, -ENODEV. */
int bus_ccw_cmb(struct bus *b, const char *devname, bool *on,
		struct css_stats *since, uint64_t *elapsed_ns);
/*
 * The bound driver's trace of subchannel name (bus_driver.trace): set it
 * (path NULL: off); -ENOENT (no such subchannel), -ENODEV (its driver
 * has no trace, or it is being unbound), or the driver's result. Its
 * state: "off" when the driver has none.
 */
int bus_sch_trace(struct bus *b, const char *name, const char *path,
		  uint64_t max, struct error *err);
int bus_sch_trace_state(struct bus *b, const char *name, char *buf,
			size_t size);
/* The subchannel whose ccw device is `devname` ("0.0.2b09"). 0 or -ENOENT. */
int bus_ccwdev_info(struct bus *b, const char *devname,
		    struct bus_sch_info *out);
int bus_mdev_info(struct bus *b, const char *uuid, struct bus_mdev_info *out);
int bus_group_info(struct bus *b, unsigned int group,
		   struct bus_mdev_info *out);
int bus_chp_info(struct bus *b, uint8_t chpid, struct bus_chp_info *out);
/* True when the driver is registered on that bus. */
bool bus_driver_exists(struct bus *b, enum bus_kind k, const char *driver);

/* Iterations (in id order); fn runs with the bus lock held. */
typedef void bus_sch_fn(const struct bus_sch_info *info, void *opaque);
typedef void bus_mdev_fn(const struct bus_mdev_info *info, void *opaque);
typedef void bus_chp_fn(const struct bus_chp_info *info, void *opaque);
typedef void bus_driver_fn(const struct bus_driver *drv, void *opaque);
void bus_for_each_sch(struct bus *b, bus_sch_fn *fn, void *opaque);
void bus_for_each_mdev(struct bus *b, bus_mdev_fn *fn, void *opaque);
void bus_for_each_chp(struct bus *b, bus_chp_fn *fn, void *opaque);
void bus_for_each_driver(struct bus *b, enum bus_kind k, bus_driver_fn *fn,
			 void *opaque);

#endif
