/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio_ccw driver (src/vfio_ccw/vcc.h) as a css driver of the driver
 * core: probe/remove bind it, its one mdev type "vfio_ccw-io" creates and
 * removes mdevs served at <socket_dir>/<uuid>.sock.
 */
#ifndef CCWPASS_DAEMON_VCC_DRIVER_H
#define CCWPASS_DAEMON_VCC_DRIVER_H

#include "bus/bus.h"
#include "vfio_ccw/vcc.h"

#define VCC_DRIVER_MODULE     "vfio_ccw"
#define VCC_MDEV_DRIVER       "vfio_ccw_mdev"

/* Register vfio_ccw; opt must outlive the bus. Returns 0 or -errno. */
int vcc_driver_register(struct bus *bus, const struct vcc_options *opt,
			struct error *err);

#endif
