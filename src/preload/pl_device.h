/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device object, shared by pl_device.c (connection, ioctls) and
 * pl_device_io.c (region access, DMA fan-out, errno mapping).
 */
#ifndef CCWPASS_PRELOAD_PL_DEVICE_H
#define CCWPASS_PRELOAD_PL_DEVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "preload/pl_vfio.h"

struct vfu_client;

/* What the vfio-user server may describe (its own limits are the same). */
#define PL_MAX_REGIONS 64
#define PL_MAX_IRQS 16
#define PL_NAME_LEN 128

struct pl_region {
	uint64_t offset;            /* in the device fd (region info) */
	uint64_t size;
	uint32_t flags;
};

struct pl_device {
	struct pl_obj obj;
	struct pl_group *group;     /* reference */
	char name[PL_NAME_LEN];     /* mdev UUID */
	char path[256];             /* its vfio-user socket */
	struct vfu_client *c;
	pthread_t thread;           /* answers server DMA requests */
	bool thread_started;
	atomic_bool gone;           /* connection over (closed or lost) */
	unsigned open_fds;          /* pl_lock */

	/* Fixed at connect time. */
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	struct pl_region region[PL_MAX_REGIONS];
	uint32_t irq_count[PL_MAX_IRQS];
	uint32_t max_xfer;          /* bytes per REGION_READ/WRITE */
	uint32_t max_fds;           /* fds per message */
};

/* True once the connection to ccwpassd is gone. */
bool pl_device_lost(struct pl_device *d);

#endif
