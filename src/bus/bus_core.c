/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Driver core: devices from the channel subsystem, driver registration,
 * notifications and the queries the sysfs view renders from
 * (Linux drivers/base/core.c, bus.c; drivers/s390/cio/css.c for what a
 * subchannel device shows).
 */
#include "bus/bus_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/ptime.h"
#include "css/css_device.h"

void bus_emit(struct bus *b, const struct bus_event *ev)
{
	if (b->listener)
		b->listener(ev, b->listener_opaque);
}

void bus_idle_wait(struct bus *b)
{
	b->idle_waiters++;
	pthread_cond_wait(&b->idle, &b->lock);
	b->idle_waiters--;
}

void bus_wait_attached(struct bus *b, struct bus_dev *d)
{
	while (d->detaching)
		bus_idle_wait(b);
}

struct bus_dev *bus_find_attached(struct bus *b, const char *name)
{
	struct bus_dev *d;

	/* Looked up again after each wait: it may have been removed. */
	while ((d = bus_find_dev(b, name)) && d->detaching)
		bus_idle_wait(b);
	return d;
}

struct bus_dev *bus_find_dev(struct bus *b, const char *name)
{
	for (size_t i = 0; i < b->ndevs; i++)
		if (!b->devs[i]->gone && !strcmp(b->devs[i]->name, name))
			return b->devs[i];
	return NULL;
}

struct bus_dev *bus_find_ccwdev(struct bus *b, const char *devname)
{
	for (size_t i = 0; i < b->ndevs; i++)
		if (!b->devs[i]->gone && b->devs[i]->ccwdev &&
		    !strcmp(b->devs[i]->devname, devname))
			return b->devs[i];
	return NULL;
}

struct bus_drv *bus_find_drv(struct bus *b, const char *name)
{
	for (unsigned int i = 0; i < b->ndrvs; i++)
		if (!strcmp(b->drvs[i].ops->name, name))
			return &b->drvs[i];
	return NULL;
}

/* The static part of a subchannel: type, QDIO, device number (STSCH). */
static int dev_init(struct bus_dev *d, struct css_subchannel *sch,
		    struct error *err)
{
	struct css_busid schid = css_sch_id(sch);
	struct css_schib schib;

	memset(d, 0, sizeof(*d));
	d->sch = sch;
	css_busid_format(schid, d->name);
	if (css_stsch(sch, &schib) != 0)
		return error_setf(err, ENODEV, "sch %s: not operational",
				  d->name);
	d->st = (uint8_t)((schib.pmcw.chars & PMCW_CHARS_ST) >>
			  PMCW_CHARS_ST_SHIFT);
	d->qdio = schib.pmcw.flags & PMCW_FLAGS_QF;
	d->dnv = schib.pmcw.flags & PMCW_FLAGS_DNV;
	if (d->dnv) {
		struct css_busid devno = {
			.cssid = 0, .ssid = schid.ssid, .num = schib.pmcw.devno,
		};

		css_busid_format(devno, d->devname);
	}
	return 0;
}

/* Lock held. Insert a device for sch, keeping schid order. */
static int dev_insert(struct bus *b, struct css_subchannel *sch,
		      struct error *err)
{
	struct bus_dev *d;
	size_t pos;

	if (b->ndevs == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct bus_dev **n = realloc(b->devs, cap * sizeof(*n));

		if (!n)
			return error_setf(err, ENOMEM, "driver core: out of "
					  "memory");
		b->devs = n;
		b->cap = cap;
	}
	d = malloc(sizeof(*d));
	if (!d)
		return error_setf(err, ENOMEM, "driver core: out of memory");
	if (dev_init(d, sch, err) < 0) {
		free(d);
		return -ENODEV;
	}
	if (bus_find_dev(b, d->name)) {
		error_setf(err, EEXIST, "sch %s: already on the bus", d->name);
		free(d);
		return -EEXIST;
	}
	for (pos = b->ndevs; pos > 0; pos--) {
		struct css_busid a = css_sch_id(b->devs[pos - 1]->sch);
		struct css_busid n = css_sch_id(sch);

		if (a.cssid < n.cssid || (a.cssid == n.cssid &&
		    (a.ssid < n.ssid || (a.ssid == n.ssid && a.num < n.num))))
			break;
		b->devs[pos] = b->devs[pos - 1];
	}
	b->devs[pos] = d;
	b->ndevs++;
	return 0;
}

struct bus *bus_new(struct css *css, struct error *err)
{
	struct css_subchannel *sch = NULL;
	struct bus *b = calloc(1, sizeof(*b));

	if (!b) {
		error_setf(err, ENOMEM, "driver core: out of memory");
		return NULL;
	}
	b->css = css;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->idle, NULL);
	while ((sch = css_next_subchannel(css, sch)))
		if (dev_insert(b, sch, err) < 0)
			goto fail;
	b->drvs[b->ndrvs++] = (struct bus_drv){
		.ops = &bus_io_subchannel_driver, .opaque = b,
	};
	return b;
fail:
	for (size_t i = 0; i < b->ndevs; i++)
		free(b->devs[i]);
	free(b->devs);
	pthread_cond_destroy(&b->idle);
	pthread_mutex_destroy(&b->lock);
	free(b);
	return NULL;
}

int bus_add_sch(struct bus *b, struct css_subchannel *sch, struct error *err)
{
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = dev_insert(b, sch, err);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_remove_sch(struct bus *b, const char *name)
{
	struct bus_dev *d;
	size_t i;

	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, name);
	if (!d) {
		pthread_mutex_unlock(&b->lock);
		return -ENODEV;
	}
	/* Gone for every lookup by name from now on: no new bind, override
	 * or mdev; then what is bound lets go (mdevs first: a VMM gets the
	 * request interrupt), as device_del() does. */
	d->gone = true;
	for (;;) {
		bus_wait_attached(b, d);
		if (!d->drv)
			break;
		bus_detach(b, d);
	}
	while (d->users)
		bus_idle_wait(b);
	for (i = 0; i < b->ndevs && b->devs[i] != d; i++)
		;
	memmove(b->devs + i, b->devs + i + 1,
		(b->ndevs - i - 1) * sizeof(*b->devs));
	b->ndevs--;
	pthread_mutex_unlock(&b->lock);
	free(d->override);
	free(d);
	return 0;
}

void bus_shutdown(struct bus *b)
{
	pthread_mutex_lock(&b->lock);
	for (size_t i = b->ndevs; i-- > 0;) {
		bus_wait_attached(b, b->devs[i]);
		if (b->devs[i]->drv)
			bus_detach(b, b->devs[i]);
	}
	pthread_mutex_unlock(&b->lock);
}

void bus_free(struct bus *b)
{
	if (!b)
		return;
	bus_shutdown(b);
	for (size_t i = 0; i < b->ndevs; i++) {
		free(b->devs[i]->override);
		free(b->devs[i]);
	}
	free(b->devs);
	pthread_cond_destroy(&b->idle);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

int bus_register_driver(struct bus *b, const struct bus_driver *drv,
			void *opaque, struct error *err)
{
	const struct bus_mdev_type *t = drv ? drv->mdev : NULL;
	int ret = 0;

	if (!drv || !drv->name || !*drv->name ||
	    strlen(drv->name) >= BUS_NAME_MAX || !drv->probe || !drv->remove)
		return error_setf(err, EINVAL, "driver %s: incomplete ops table",
				  drv && drv->name ? drv->name : "(null)");
	if (t && (!t->name || !t->device_api || !t->create || !t->remove ||
		  !t->mdev_driver || !t->max_instances ||
		  t->max_instances > BUS_MAX_INSTANCES))
		return error_setf(err, EINVAL, "driver %s: bad mdev type",
				  drv->name);
	pthread_mutex_lock(&b->lock);
	if (bus_find_drv(b, drv->name) || !strcmp(drv->name, BUS_CCW_DASD_ECKD))
		ret = error_setf(err, EEXIST, "driver %s: already registered",
				 drv->name);
	else if (b->ndrvs == BUS_MAX_DRIVERS)
		ret = error_setf(err, ENOSPC, "driver %s: too many drivers",
				 drv->name);
	else
		b->drvs[b->ndrvs++] = (struct bus_drv){
			.ops = drv, .opaque = opaque,
		};
	pthread_mutex_unlock(&b->lock);
	return ret;
}

void bus_set_listener(struct bus *b, bus_event_fn *fn, void *opaque)
{
	pthread_mutex_lock(&b->lock);
	b->listener = fn;
	b->listener_opaque = opaque;
	pthread_mutex_unlock(&b->lock);
}

void bus_set_group_filter(struct bus *b,
			  bool (*reserved)(unsigned int n, void *opaque),
			  void *opaque)
{
	pthread_mutex_lock(&b->lock);
	b->reserved = reserved;
	b->reserved_opaque = opaque;
	pthread_mutex_unlock(&b->lock);
}

void bus_probe_all(struct bus *b)
{
	char name[CSS_BUSID_STRLEN];

	/* Each probe takes the lock: the array may change in between. */
	for (size_t i = 0;; i++) {
		pthread_mutex_lock(&b->lock);
		if (i >= b->ndevs) {
			pthread_mutex_unlock(&b->lock);
			break;
		}
		memcpy(name, b->devs[i]->name, sizeof(name));
		pthread_mutex_unlock(&b->lock);
		bus_drivers_probe(b, BUS_CSS, name);
	}
}

/* ---- queries ---- */

static void fill_sch(struct bus *b, const struct bus_dev *d,
		     struct bus_sch_info *out)
{
	const struct css_device *cdev = css_sch_device(d->sch);
	struct css_schib schib;
	const struct bus_mdev *m;

	memset(out, 0, sizeof(*out));
	memcpy(out->name, d->name, sizeof(out->name));
	out->schid = css_sch_id(d->sch);
	out->st = d->st;
	out->qdio = d->qdio;
	out->dnv = d->dnv;
	snprintf(out->dev_busid, sizeof(out->dev_busid), "%s",
		 d->dnv ? d->devname : "none");
	if (css_stsch(d->sch, &schib) == 0) {
		out->pim = schib.pmcw.pim;
		out->pam = schib.pmcw.pam;
		out->pom = schib.pmcw.pom;
		for (int i = 0; i < 8; i++)
			if (out->pim & (0x80 >> i))
				out->chpids[i] = schib.pmcw.chpid[i];
	}
	if (d->override) {
		out->has_override = true;
		snprintf(out->override, sizeof(out->override), "%s",
			 d->override);
	}
	if (d->drv)
		snprintf(out->driver, sizeof(out->driver), "%s",
			 d->drv->ops->name);
	if (d->parent) {
		out->mtype = d->drv->ops->mdev;
		out->parent_gen = d->parent_gen;
		out->available = out->mtype->max_instances - d->nmdevs;
		for (m = b->mdevs; m; m = m->next)
			if (m->parent == d && out->nmdevs < BUS_MAX_INSTANCES)
				memcpy(out->mdevs[out->nmdevs++], m->uuid,
				       BUS_UUID_SIZE);
	}
	out->ccwdev = d->ccwdev;
	if (d->ccw_bound)
		snprintf(out->ccw_driver, sizeof(out->ccw_driver), "%s",
			 BUS_CCW_DASD_ECKD);
	if (cdev) {
		out->cu_type = cdev->cu_type;
		out->cu_model = cdev->cu_model;
		out->dev_type = cdev->dev_type;
		out->dev_model = cdev->dev_model;
	}
}

int bus_sch_info(struct bus *b, const char *name, struct bus_sch_info *out)
{
	struct bus_dev *d;
	int ret = -ENOENT;

	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, name);
	if (d) {
		fill_sch(b, d, out);
		ret = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

/*
 * A device (and its subchannel) may be removed as soon as the lock is
 * dropped (bus_remove_sch): what is read of them is read under it. The
 * lock order is bus, then subchannel, then device.
 */
int bus_sch_stats(struct bus *b, const char *name, struct css_stats *out)
{
	struct bus_dev *d;

	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, name);
	if (d)
		css_sch_stats(d->sch, out);
	pthread_mutex_unlock(&b->lock);
	return d ? 0 : -ENOENT;
}

/*
 * The device of subchannel name, held against a removal for work without
 * the bus lock (its describe reads the volume, a media change opens and
 * flushes files): 0, -ENOENT (no such subchannel), -ENODEV (no device).
 * dev_release() when done.
 */
static int dev_hold(struct bus *b, const char *name, struct bus_dev **out,
		    struct css_device **dev)
{
	struct bus_dev *d;

	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, name);
	*dev = d ? css_sch_device(d->sch) : NULL;
	if (*dev)
		d->users++;
	pthread_mutex_unlock(&b->lock);
	*out = d;
	return !d ? -ENOENT : !*dev ? -ENODEV : 0;
}

static void dev_release(struct bus *b, struct bus_dev *d)
{
	pthread_mutex_lock(&b->lock);
	if (!--d->users)
		pthread_cond_broadcast(&b->idle);
	pthread_mutex_unlock(&b->lock);
}

int bus_sch_describe(struct bus *b, const char *name,
		     struct css_device_desc *out)
{
	struct css_device *dev;
	struct bus_dev *d;
	int ret = dev_hold(b, name, &d, &dev);

	if (ret < 0)
		return ret;
	if (dev->ops->describe)
		dev->ops->describe(dev, out);
	else
		ret = -ENODEV;
	dev_release(b, d);
	return ret;
}

int bus_sch_media(struct bus *b, const char *name, const char *path,
		  bool readonly, struct error *err)
{
	struct css_device *dev;
	struct bus_dev *d;
	int ret = dev_hold(b, name, &d, &dev);

	if (ret == -ENOENT)
		return ret;
	if (ret == 0 && dev->ops->media)
		ret = dev->ops->media(dev, path, readonly, err);
	else
		ret = error_setf(err, EOPNOTSUPP, "sch %s: its device has no "
				 "removable medium", name);
	if (ret > 0) {
		css_sch_present(d->sch, (uint8_t)ret);
		ret = 0;
	}
	if (dev)
		dev_release(b, d);
	return ret;
}

int bus_sch_trace(struct bus *b, const char *name, const char *path,
		  uint64_t max, struct error *err)
{
	struct bus_dev *d;
	int ret;

	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, name);
	if (!d)
		ret = -ENOENT;
	else if (!d->drv || d->detaching || !d->drv->ops->trace)
		ret = error_setf(err, ENODEV, "sch %s: %s", name,
				 d->drv ? "its driver has no trace" :
				 "not bound to a driver");
	else
		ret = d->drv->ops->trace(d->drv->opaque, d->priv, path, max,
					 err);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_sch_trace_state(struct bus *b, const char *name, char *buf,
			size_t size)
{
	struct bus_dev *d;

	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, name);
	if (d && d->drv && !d->detaching && d->drv->ops->trace_state)
		d->drv->ops->trace_state(d->drv->opaque, d->priv, buf, size);
	else if (d)
		snprintf(buf, size, "off\n");
	pthread_mutex_unlock(&b->lock);
	return d ? 0 : -ENOENT;
}

int bus_ccw_set_cmb(struct bus *b, const char *devname, bool on)
{
	struct bus_dev *d;

	pthread_mutex_lock(&b->lock);
	d = bus_find_ccwdev(b, devname);
	if (d && on && !d->cmb) {
		d->cmb = true;
		d->cmb_since_ns = ptime_now();
		css_sch_stats(d->sch, &d->cmb_base);
	} else if (d && !on) {
		d->cmb = false;
	}
	pthread_mutex_unlock(&b->lock);
	return d ? 0 : -ENODEV;
}

int bus_ccw_cmb(struct bus *b, const char *devname, bool *on,
		struct css_stats *since, uint64_t *elapsed_ns)
{
	struct css_stats now, base;
	struct bus_dev *d;
	uint64_t t0 = 0;

	pthread_mutex_lock(&b->lock);
	d = bus_find_ccwdev(b, devname);
	if (d) {
		*on = d->cmb;
		base = d->cmb_base;
		t0 = d->cmb_since_ns;
		if (d->cmb)
			css_sch_stats(d->sch, &now);
	}
	pthread_mutex_unlock(&b->lock);
	if (!d)
		return -ENODEV;
	memset(since, 0, sizeof(*since));
	*elapsed_ns = 0;
	if (!*on)
		return 0;
	since->programs = now.programs - base.programs;
	since->unit_checks = now.unit_checks - base.unit_checks;
	since->bytes_read = now.bytes_read - base.bytes_read;
	since->bytes_written = now.bytes_written - base.bytes_written;
	since->busy_ns = now.busy_ns - base.busy_ns;
	for (int i = 0; i < CSS_STAGES; i++)
		since->stage_ns[i] = now.stage_ns[i] - base.stage_ns[i];
	*elapsed_ns = ptime_now() - t0;
	return 0;
}

int bus_ccwdev_info(struct bus *b, const char *devname,
		    struct bus_sch_info *out)
{
	struct bus_dev *d;
	int ret = -ENOENT;

	pthread_mutex_lock(&b->lock);
	d = bus_find_ccwdev(b, devname);
	if (d) {
		fill_sch(b, d, out);
		ret = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_mdev_info(struct bus *b, const char *uuid, struct bus_mdev_info *out)
{
	struct bus_mdev *m;
	int ret = -ENOENT;

	pthread_mutex_lock(&b->lock);
	m = bus_find_mdev(b, uuid);
	if (m) {
		bus_mdev_fill(m, out);
		ret = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_group_info(struct bus *b, unsigned int group,
		   struct bus_mdev_info *out)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&b->lock);
	for (struct bus_mdev *m = b->mdevs; m; m = m->next)
		if (m->group == group) {
			bus_mdev_fill(m, out);
			ret = 0;
			break;
		}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_chp_info(struct bus *b, uint8_t chpid, struct bus_chp_info *out)
{
	int type = css_chp_type(b->css, chpid);

	if (type < 0)
		return -ENOENT;
	out->chpid = chpid;
	out->type = (uint8_t)type;
	out->online = css_chp_online(b->css, chpid);
	return 0;
}

bool bus_driver_exists(struct bus *b, enum bus_kind k, const char *driver)
{
	bool found;

	if (k == BUS_CCW)
		return !strcmp(driver, BUS_CCW_DASD_ECKD);
	pthread_mutex_lock(&b->lock);
	found = bus_find_drv(b, driver) != NULL;
	pthread_mutex_unlock(&b->lock);
	return found;
}

void bus_for_each_sch(struct bus *b, bus_sch_fn *fn, void *opaque)
{
	struct bus_sch_info *info = malloc(sizeof(*info));

	if (!info)
		return;
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < b->ndevs; i++) {
		if (b->devs[i]->gone)
			continue;
		fill_sch(b, b->devs[i], info);
		fn(info, opaque);
	}
	pthread_mutex_unlock(&b->lock);
	free(info);
}

void bus_for_each_mdev(struct bus *b, bus_mdev_fn *fn, void *opaque)
{
	struct bus_mdev_info info;

	pthread_mutex_lock(&b->lock);
	for (struct bus_mdev *m = b->mdevs; m; m = m->next) {
		bus_mdev_fill(m, &info);
		fn(&info, opaque);
	}
	pthread_mutex_unlock(&b->lock);
}

void bus_for_each_chp(struct bus *b, bus_chp_fn *fn, void *opaque)
{
	struct bus_chp_info info;

	for (unsigned int c = 0; c < 256; c++)
		if (bus_chp_info(b, (uint8_t)c, &info) == 0)
			fn(&info, opaque);
}

/* The ccw bus's one driver, as a table for bus_for_each_driver(). */
static const struct bus_driver ccw_dasd_eckd = {
	.name = BUS_CCW_DASD_ECKD,
	.module = "dasd_eckd_mod",
};

void bus_for_each_driver(struct bus *b, enum bus_kind k, bus_driver_fn *fn,
			 void *opaque)
{
	if (k == BUS_CCW) {
		fn(&ccw_dasd_eckd, opaque);
		return;
	}
	pthread_mutex_lock(&b->lock);
	for (unsigned int i = 0; i < b->ndrvs; i++)
		fn(b->drvs[i].ops, opaque);
	pthread_mutex_unlock(&b->lock);
}
