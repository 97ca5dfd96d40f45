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

/* The vfio-ccw io region (uapi vfio_ccw.h struct ccw_io_region). */
#define PL_CCW_IO_REGION        0
#define PL_CCW_ASYNC_REGION     1       /* vfio_ccw's first device region */
#define PL_CCW_IO_ORB           0
#define PL_CCW_IO_IRB           24
#define PL_CCW_IO_SIZE          124
#define PL_CCW_IRB_SIZE         96

struct pl_device {
	struct pl_obj obj;
	struct pl_group *group;     /* reference */
	char name[PL_NAME_LEN];     /* mdev UUID */
	char path[256];             /* its vfio-user socket */
	/*
	 * The connection. Every user holds conn for reading; a reconnect
	 * (ccwpassd restarted) swaps c holding it for writing, after the
	 * device's DMA mappings and interrupt eventfds were replayed on the
	 * new one (docs/preload.md "When ccwpassd restarts").
	 */
	pthread_rwlock_t conn;
	struct vfu_client *c;
	pthread_mutex_t rc_lock;    /* conn_gen, reconnecting */
	pthread_cond_t rc_cond;     /* a reconnect ended */
	unsigned long conn_gen;     /* connections made so far */
	atomic_bool closing;        /* QEMU closed it: no reconnect */
	int irq_fd[PL_MAX_IRQS];    /* our dup of QEMU's eventfd (count 1) */
	/* vfio-ccw: a start the old connection took, its final status not
	 * yet read by QEMU; ended with a channel-path failure on reconnect. */
	bool start_pending;         /* rc_lock */
	uint8_t orb[12];            /* its ORB (for the IRB's CCW address) */
	bool irb_override;          /* rc_lock: the next io-region read ... */
	uint8_t irb[PL_CCW_IRB_SIZE];   /* ... gets this IRB */
	bool override_signalled;    /* rc_lock: ... its IO eventfd written */
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
/* The connection's number (it moves with each reconnect). */
unsigned long pl_device_gen(struct pl_device *d);
/* ret is the transport's, not the device's (-ENOTCONN, ...). */
bool pl_device_transport_error(int ret);
/* Wait (bounded) until the connection gen was replaced: true, or it is
 * not coming back: false. */
bool pl_device_wait_reconnect(struct pl_device *d, unsigned long gen);
/* After a reconnect, the connection held for writing: end the start the
 * old daemon took (if any) with an interface-control check, as a channel
 * whose path failed. */
void pl_device_fail_pending_start(struct pl_device *d);
/* No start is in flight any more (reset, halt or clear; the device goes:
 * its start no longer counts for the others' posting). */
void pl_device_no_start(struct pl_device *d);

#endif
