/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Glue between the driver core and vfio_ccw (Linux vfio_ccw_drv.c: the css
 * driver "vfio_ccw" for I/O subchannels, registering an mdev parent with the
 * type "io" -> "vfio_ccw-io", max one instance, mdev driver
 * "vfio_ccw_mdev").
 */
#include "daemon/vcc_driver.h"

static int drv_probe(void *opaque, struct css_subchannel *sch, void **priv,
		     struct error *err)
{
	struct vcc_private *p = NULL;
	int ret = vcc_probe(sch, opaque, &p, err);

	if (ret == 0)
		*priv = p;
	return ret;
}

static void drv_remove(void *opaque, void *priv)
{
	vcc_remove(priv);
}

static int mdev_create(void *priv, const char *uuid, struct error *err)
{
	return vcc_mdev_create(priv, uuid, err);
}

static int mdev_remove(void *priv, const char *uuid)
{
	return vcc_mdev_remove(priv, uuid);
}

static pid_t mdev_holder(void *priv, const char *uuid)
{
	return vcc_mdev_client_pid(priv);
}

static const struct bus_mdev_type vcc_type = {
	.name = VCC_MDEV_TYPE,
	.pretty_name = VCC_MDEV_TYPE_NAME,
	.device_api = VCC_DEVICE_API,
	.max_instances = VCC_MAX_INSTANCES,
	.mdev_driver = VCC_MDEV_DRIVER,
	.create = mdev_create,
	.remove = mdev_remove,
	.holder = mdev_holder,
};

static int drv_trace(void *opaque, void *priv, const char *path,
		     uint64_t max, struct error *err)
{
	return vcc_trace_set(priv, path, max, err);
}

static void drv_trace_state(void *opaque, void *priv, char *buf, size_t size)
{
	vcc_trace_get(priv, buf, size);
}

static const struct bus_driver vcc_driver = {
	.name = VCC_DRIVER_NAME,
	.module = VCC_DRIVER_MODULE,
	.sch_types = BUS_SCH_TYPE(CSS_SCH_TYPE_IO),
	.probe = drv_probe,
	.remove = drv_remove,
	.mdev = &vcc_type,
	.trace = drv_trace,
	.trace_state = drv_trace_state,
};

int vcc_driver_register(struct bus *bus, const struct vcc_options *opt,
			struct error *err)
{
	return bus_register_driver(bus, &vcc_driver, (void *)opt, err);
}
