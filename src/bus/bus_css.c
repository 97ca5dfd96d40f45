/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Binding on the css and ccw buses, as Linux does it:
 * - match (drivers/s390/cio/css.c css_bus_match): a driver_override names
 *   the only driver that may bind; otherwise the subchannel type decides;
 * - bind_store / unbind_store / drivers_probe_store (drivers/base/bus.c)
 *   and device_driver_attach / device_attach (drivers/base/dd.c): an
 *   unknown device or a mismatch is -ENODEV, a bound device -EBUSY, a
 *   probe error fails an explicit bind but only skips a driver when
 *   probing;
 * - driver_set_override (drivers/base/driver.c);
 * - io_subchannel (drivers/s390/cio/device.c): binding it registers the
 *   ccw device (named by the device number), unbinding removes it; a 3390
 *   behind a 3990 is then bound to dasd-eckd, as with dasd_eckd_mod loaded.
 */
#include "bus/bus_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "css/css_device.h"

static bool dev_match(const struct bus_dev *d, const struct bus_drv *drv)
{
	if (d->override && strcmp(d->override, drv->ops->name))
		return false;
	return drv->ops->sch_types & BUS_SCH_TYPE(d->st);
}

static int dev_attach(struct bus *b, struct bus_dev *d, struct bus_drv *drv)
{
	struct error err = { 0 };
	void *priv = NULL;
	int ret;

	ret = drv->ops->probe(drv->opaque, d->sch, &priv, &err);
	if (ret < 0) {
		log_msg(ret == -ENODEV || ret == -ENXIO ? LOG_DEBUG : LOG_WARNING,
			"%s: probe of %s failed with error %d%s%s",
			drv->ops->name, d->name, ret, err.msg[0] ? ": " : "",
			err.msg);
		return ret;
	}
	d->drv = drv;
	d->priv = priv;
	if (drv->ops->mdev) {
		d->parent = true;
		d->parent_gen = ++b->gen;
		bus_emit(b, &(struct bus_event){
			.kind = BUS_EV_PARENT_REGISTERED, .sch = d->name,
		});
	}
	bus_emit(b, &(struct bus_event){
		.kind = BUS_EV_BIND, .sch = d->name, .driver = drv->ops->name,
	});
	log_msg(LOG_INFO, "sch %s: bound to %s", d->name, drv->ops->name);
	return 0;
}

/*
 * The driver's remove (and an mdev's) may wait for a VMM to let go: the bus
 * lock is dropped meanwhile, so the view goes on answering, and d is
 * marked detaching so that no other change to it starts (bind, unbind,
 * probe and mdev creation wait or fail as the kernel's would).
 */
void bus_detach(struct bus *b, struct bus_dev *d)
{
	struct bus_drv *drv = d->drv;

	d->detaching = true;
	if (d->parent) {
		bus_mdev_remove_all(b, d);
		d->parent = false;
		d->parent_gen = 0;
		bus_emit(b, &(struct bus_event){
			.kind = BUS_EV_PARENT_UNREGISTERED, .sch = d->name,
		});
	}
	pthread_mutex_unlock(&b->lock);
	drv->ops->remove(drv->opaque, d->priv);
	pthread_mutex_lock(&b->lock);
	d->drv = NULL;
	d->priv = NULL;
	d->ccwdev = false;           /* the ccw device goes with its maker */
	d->ccw_bound = false;
	d->cmb = false;              /* ... and its measurement */
	d->detaching = false;
	pthread_cond_broadcast(&b->idle);
	bus_emit(b, &(struct bus_event){
		.kind = BUS_EV_UNBIND, .sch = d->name, .driver = drv->ops->name,
	});
	log_msg(LOG_INFO, "sch %s: unbound from %s", d->name, drv->ops->name);
}

/* device_attach(): the first matching driver whose probe succeeds. */
static void dev_probe(struct bus *b, struct bus_dev *d)
{
	for (unsigned int i = 0; i < b->ndrvs && !d->drv; i++)
		if (dev_match(d, &b->drvs[i]))
			dev_attach(b, d, &b->drvs[i]);
}

/* ---- the ccw bus: one driver, dasd-eckd, for a 3390 on a 3990 ---- */

static bool ccw_match(const struct bus_dev *d)
{
	const struct css_device *cdev = css_sch_device(d->sch);

	return cdev && cdev->cu_type == 0x3990 && cdev->dev_type == 0x3390;
}

static int ccw_bind(struct bus *b, const char *driver, const char *dev)
{
	struct bus_dev *d = bus_find_ccwdev(b, dev);

	if (!d || strcmp(driver, BUS_CCW_DASD_ECKD) || !ccw_match(d))
		return -ENODEV;
	if (d->ccw_bound)
		return -EBUSY;
	d->ccw_bound = true;
	return 0;
}

static int ccw_unbind(struct bus *b, const char *driver, const char *dev)
{
	struct bus_dev *d = bus_find_ccwdev(b, dev);

	if (!d || !d->ccw_bound || strcmp(driver, BUS_CCW_DASD_ECKD))
		return -ENODEV;
	d->ccw_bound = false;
	return 0;
}

static int ccw_probe(struct bus *b, const char *dev)
{
	struct bus_dev *d = bus_find_ccwdev(b, dev);

	if (!d)
		return -ENODEV;
	if (!d->ccw_bound && ccw_match(d))
		d->ccw_bound = true;
	return 0;
}

/* ---- io_subchannel ---- */

static struct bus_dev *dev_by_sch(struct bus *b, struct css_subchannel *sch)
{
	for (size_t i = 0; i < b->ndevs; i++)
		if (b->devs[i]->sch == sch)
			return b->devs[i];
	return NULL;
}

static int io_sch_probe(void *opaque, struct css_subchannel *sch, void **priv,
			struct error *err)
{
	struct bus_dev *d = dev_by_sch(opaque, sch);

	if (!d)
		return error_setf(err, ENODEV, "unknown subchannel");
	/* Device recognition needs a valid device number. */
	if (d->dnv) {
		d->ccwdev = true;
		d->ccw_bound = ccw_match(d);
	}
	*priv = d;
	return 0;
}

/* The ccw device is removed by bus_detach(), under the bus lock. */
static void io_sch_remove(void *opaque, void *priv)
{
}

const struct bus_driver bus_io_subchannel_driver = {
	.name = BUS_IO_SUBCHANNEL,
	.module = NULL,
	.sch_types = BUS_SCH_TYPE(CSS_SCH_TYPE_IO),
	.probe = io_sch_probe,
	.remove = io_sch_remove,
};

/* ---- operations ---- */

int bus_bind(struct bus *b, enum bus_kind k, const char *driver,
	     const char *dev)
{
	struct bus_drv *drv;
	struct bus_dev *d;
	int ret;

	pthread_mutex_lock(&b->lock);
	if (k == BUS_CCW) {
		ret = ccw_bind(b, driver, dev);
		goto out;
	}
	drv = bus_find_drv(b, driver);
	d = bus_find_attached(b, dev);
	if (!drv || !d || !dev_match(d, drv))
		ret = -ENODEV;
	else if (d->drv)
		ret = -EBUSY;
	else
		ret = dev_attach(b, d, drv);
out:
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_unbind(struct bus *b, enum bus_kind k, const char *driver,
	       const char *dev)
{
	struct bus_dev *d;
	int ret = -ENODEV;

	pthread_mutex_lock(&b->lock);
	if (k == BUS_CCW) {
		ret = ccw_unbind(b, driver, dev);
		goto out;
	}
	d = bus_find_attached(b, dev);
	if (d && d->drv && !strcmp(d->drv->ops->name, driver)) {
		bus_detach(b, d);
		ret = 0;
	}
out:
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_drivers_probe(struct bus *b, enum bus_kind k, const char *dev)
{
	struct bus_dev *d;
	int ret = 0;

	pthread_mutex_lock(&b->lock);
	if (k == BUS_CCW) {
		ret = ccw_probe(b, dev);
		goto out;
	}
	d = bus_find_attached(b, dev);
	if (!d)
		ret = -ENODEV;
	else if (!d->drv)
		dev_probe(b, d);
out:
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int bus_set_override(struct bus *b, const char *sch, const char *driver)
{
	char *copy = NULL;
	struct bus_dev *d;
	int ret = 0;

	if (driver && strlen(driver) > BUS_OVERRIDE_MAX)
		return -EINVAL;
	if (driver && *driver) {
		copy = strdup(driver);
		if (!copy)
			return -ENOMEM;
	}
	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, sch);
	if (!d) {
		ret = -ENODEV;
	} else {
		free(d->override);
		d->override = copy;
		copy = NULL;
	}
	pthread_mutex_unlock(&b->lock);
	free(copy);
	return ret;
}

int bus_chp_vary(struct bus *b, uint8_t chpid, bool online)
{
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = css_chp_vary(b->css, chpid, online);
	if (ret == 0) {
		log_msg(LOG_NOTICE, "chp 0.%02x: varied %s", chpid,
			online ? "online" : "offline");
		bus_emit(b, &(struct bus_event){
			.kind = BUS_EV_CHP_VARY, .chpid = chpid,
			.online = online,
		});
	}
	pthread_mutex_unlock(&b->lock);
	return ret < 0 ? -ENODEV : 0;
}
