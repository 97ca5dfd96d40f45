/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio_ccw driver, in user space (Linux drivers/s390/cio/vfio_ccw_*).
 *
 * A subchannel bound to vfio_ccw is no longer used by the host; it offers
 * one mdev type, "vfio_ccw-io" ("I/O subchannel (Non-QDIO)", device api
 * "vfio-ccw", one instance). An mdev is served to a VMM over a vfio-user
 * socket as a VFIO_DEVICE_FLAGS_CCW device with the io, async-cmd, schib and
 * crw regions and the IO, CRW and REQ interrupts, exactly as the kernel's
 * ABI defines them (docs/vfio-ccw.md).
 *
 * This header is what the driver core (src/bus) and the daemon use: probe /
 * remove for binding, mdev create / remove. Uniqueness of UUIDs across the
 * host and the instance accounting of sysfs are the driver core's job; this
 * layer refuses a second mdev on one subchannel with -EUSERS all the same.
 *
 * Threading: every function here may be called from any thread, but not
 * concurrently for the same vcc_private (the driver core serialises per
 * subchannel). Each mdev runs its vfio-user server on its own event-loop
 * thread; channel programs run on the subchannel's css worker.
 */
#ifndef CCWPASS_VFIO_CCW_VCC_H
#define CCWPASS_VFIO_CCW_VCC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

struct css_subchannel;
struct vcc_private;
struct vfu_peer;

#define VCC_DRIVER_NAME     "vfio_ccw"
#define VCC_MDEV_TYPE       "vfio_ccw-io"     /* sysfs directory name */
#define VCC_MDEV_TYPE_NAME  "I/O subchannel (Non-QDIO)"
#define VCC_DEVICE_API      "vfio-ccw"
#define VCC_MAX_INSTANCES   1

struct vcc_options {
	/* Directory for the mdev sockets: <socket_dir>/<uuid>.sock (0600). */
	const char *socket_dir;
	/* Optional trace of every guest channel program and its IRBs
	 * (docs/vfio-ccw.md "Tracing"); NULL: none. */
	const char *trace_path;
	/*
	 * How long vcc_mdev_remove() waits for the VMM to release a device in
	 * use after signalling the REQ interrupt before disconnecting it
	 * (milliseconds; 0 = default 10000).
	 */
	int release_timeout_ms;
	/*
	 * Optional: may this client (the kernel's credentials of a process
	 * that connected to the mdev's socket) open the mdev's VFIO group?
	 * 0, or -EACCES and the connection is closed. NULL: anyone who can
	 * reach the socket.
	 */
	int (*authorize)(void *opaque, const char *uuid,
			 const struct vfu_peer *peer);
	void *authorize_opaque;
};

/*
 * Bind: take the subchannel from the host (the FSM goes from NOT_OPER to
 * STANDBY). Returns: 0; -ENODEV for a subchannel that is not an I/O
 * subchannel or is a QDIO one (as the kernel's probe); -ENOMEM. err names
 * the subchannel.
 */
int vcc_probe(struct css_subchannel *sch, const struct vcc_options *opt,
	      struct vcc_private **out, struct error *err);

/* Unbind: removes the mdev first (as vcc_mdev_remove), then frees. */
void vcc_remove(struct vcc_private *p);

/*
 * Create the mdev `uuid` (canonical lower-case 36-character form, already
 * validated by the driver core) and start serving it at
 * <socket_dir>/<uuid>.sock. Returns: 0; -EUSERS (the subchannel already
 * has its one mdev); -errno with err naming the mdev.
 */
int vcc_mdev_create(struct vcc_private *p, const char *uuid,
		    struct error *err);

/*
 * Remove the mdev. If a VMM uses it, the REQ interrupt asks it to let go
 * (QEMU unplugs the device); after release_timeout_ms the client is
 * disconnected anyway. The FSM is closed (subchannel disabled, a running
 * channel program halted/cleared) and the socket is removed.
 * Returns: 0; -ENODEV (no such mdev here).
 */
int vcc_mdev_remove(struct vcc_private *p, const char *uuid);

/* The mdev's UUID, or NULL when the subchannel has none. */
const char *vcc_mdev_uuid(const struct vcc_private *p);
/* Its socket path, or NULL. */
const char *vcc_mdev_socket(const struct vcc_private *p);
/* True while a VMM has the device open (a vfio-user client is connected). */
bool vcc_mdev_in_use(const struct vcc_private *p);
/*
 * Switch the subchannel's trace (docs/vfio-ccw.md "Tracing") on to path
 * with at most max bytes (0: no bound), or off (path NULL); its state as
 * "off" or "on PATH WRITTEN MAX". 0 or -errno with err.
 */
int vcc_trace_set(struct vcc_private *p, const char *path, uint64_t max,
		  struct error *err);
void vcc_trace_get(struct vcc_private *p, char *buf, size_t size);
/* The pid of the VMM connected to the mdev (0: none, or not known). */
pid_t vcc_mdev_client_pid(struct vcc_private *p);
/* VCC_MAX_INSTANCES minus the mdevs that exist. */
unsigned int vcc_available_instances(const struct vcc_private *p);

#endif
