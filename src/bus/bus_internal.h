/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Driver core internals shared by bus_core.c, bus_css.c and bus_mdev.c. */
#ifndef CCWPASS_BUS_BUS_INTERNAL_H
#define CCWPASS_BUS_BUS_INTERNAL_H

#include <pthread.h>

#include "bus/bus.h"

#define BUS_MAX_DRIVERS 8

struct bus_drv {
	const struct bus_driver *ops;
	void *opaque;
};

/* A subchannel on the css bus, and the ccw device io_subchannel makes. */
struct bus_dev {
	struct css_subchannel *sch;
	char name[CSS_BUSID_STRLEN];      /* "0.0.0313" */
	char devname[CSS_BUSID_STRLEN];   /* "0.0.2b09"; "" when !dnv */
	uint8_t st;
	bool qdio;
	bool dnv;
	char *override;                   /* NULL: none */
	struct bus_drv *drv;              /* NULL: unbound */
	void *priv;                       /* from drv->ops->probe */
	bool parent;                      /* mdev parent registered */
	unsigned long parent_gen;         /* ... as registration number */
	unsigned int nmdevs;
	bool ccwdev;                      /* ccw device registered */
	bool ccw_bound;                   /* ... and bound to dasd-eckd */
	bool cmb;                         /* its cmb_enable is 1 */
	uint64_t cmb_since_ns;            /* ... since (CLOCK_MONOTONIC) */
	struct css_stats cmb_base;        /* ... and the counters then */
	bool detaching;                   /* an unbind runs without the bus
					     lock: other changes wait */
	bool gone;                        /* being removed (bus_remove_sch):
					     no lookup by name finds it */
	unsigned int users;               /* readers of its device without
					     the lock (describe): a removal
					     waits for them */
};

struct bus_mdev {
	char uuid[BUS_UUID_SIZE];
	struct bus_dev *parent;
	unsigned int group;
	unsigned long gen;
	bool removing;                    /* its remove runs without the lock */
	struct bus_mdev *next;            /* list in UUID order */
};

struct bus {
	pthread_mutex_t lock;
	pthread_cond_t idle;              /* a detach or an mdev removal ended */
	unsigned int idle_waiters;        /* threads in bus_idle_wait() */
	struct css *css;
	struct bus_dev **devs;            /* in schid order */
	size_t ndevs, cap;
	struct bus_drv drvs[BUS_MAX_DRIVERS];
	unsigned int ndrvs;
	struct bus_mdev *mdevs;
	bus_event_fn *listener;
	void *listener_opaque;
	bool (*reserved)(unsigned int n, void *opaque);
	void *reserved_opaque;
	unsigned long gen;                /* last generation handed out */
};

/* bus_core.c */
void bus_emit(struct bus *b, const struct bus_event *ev);
/* Wait (lock held, dropped meanwhile) until a detach or mdev removal ends. */
void bus_idle_wait(struct bus *b);
/* Wait (lock held, dropped meanwhile) until no detach runs on d. Only
 * for a d that cannot be removed meanwhile (its remover's own). */
void bus_wait_attached(struct bus *b, struct bus_dev *d);
/* The device of that name once no detach runs on it (lock held, dropped
 * while waiting), or NULL: it is not there (any more). */
struct bus_dev *bus_find_attached(struct bus *b, const char *name);
struct bus_dev *bus_find_dev(struct bus *b, const char *name);
struct bus_dev *bus_find_ccwdev(struct bus *b, const char *devname);
struct bus_drv *bus_find_drv(struct bus *b, const char *name);

/* bus_css.c: the built-in io_subchannel driver. */
extern const struct bus_driver bus_io_subchannel_driver;
/* Unbind d (lock held; dropped while the driver lets go, which may
 * block): mdevs first, then the driver's remove. */
void bus_detach(struct bus *b, struct bus_dev *d);

/* bus_mdev.c */
void bus_mdev_remove_all(struct bus *b, struct bus_dev *d);
struct bus_mdev *bus_find_mdev(struct bus *b, const char *uuid);
void bus_mdev_fill(const struct bus_mdev *m, struct bus_mdev_info *out);

#endif
