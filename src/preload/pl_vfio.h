/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO objects the preload library plays (Linux
 * Documentation/driver-api/vfio.rst, "VFIO Usage Example"; uapi
 * <linux/vfio.h>): a container (/dev/vfio/vfio, the type1 IOMMU with its
 * DMA mappings), groups (/dev/vfio/N) and devices (VFIO_GROUP_GET_DEVICE_FD),
 * each a real file descriptor in QEMU's process. A device is a vfio-user
 * connection to ccwpassd.
 *
 * Lifetimes follow the kernel: a group holds its container, a device holds
 * its group; closing a group fd while a device is open keeps the group (and
 * its container link) until the device goes; the last group leaving a
 * container drops the IOMMU type and every DMA mapping.
 *
 * Locking: one recursive lock (pl_lock) guards the object graph
 * (container <-> groups <-> devices, the DMA map list). Device I/O (pread,
 * pwrite, device ioctls) runs without it, on a reference.
 */
#ifndef CCWPASS_PRELOAD_PL_VFIO_H
#define CCWPASS_PRELOAD_PL_VFIO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pl_kind {
	PL_CONTAINER = 1,
	PL_GROUP,
	PL_DEVICE,
};

/* Head of every object (its first member: objects convert to it). */
struct pl_obj {
	enum pl_kind kind;
	atomic_int refs;
};

struct pl_container;
struct pl_group;
struct pl_device;

void pl_obj_get(struct pl_obj *o);
/* A reference unless the last one is already gone (the object is being
 * released by another thread): true when taken. */
bool pl_obj_tryget(struct pl_obj *o);
/* Drop a reference; the last one releases the object. */
void pl_obj_put(struct pl_obj *o);
/* QEMU closed fd, which was o's (called before fd is really closed). */
void pl_obj_closed(struct pl_obj *o, int fd);

void pl_lock(void);
void pl_unlock(void);
bool pl_trylock(void);

/* A descriptor QEMU owns for one of our objects: a sealed, empty memfd
 * named after it (stray read/write/mmap on it fail or do nothing).
 * Returns the fd or -errno. */
int pl_make_fd(const char *name, int open_flags);

/* Where ccwpassd publishes groups and sockets (CCWPASS_RUNTIME_DIR). */
const char *pl_runtime_dir(void);
int pl_call_timeout_ms(void);
int pl_spin_us(void);          /* CCWPASS_PRELOAD_SPIN_US */
int pl_reconnect_ms(void);
bool pl_process_vm_wanted(void);
/* CCWPASS_PRELOAD_POSTED_START */
enum pl_posted { PL_POSTED_NEVER, PL_POSTED_AUTO, PL_POSTED_ALWAYS };
enum pl_posted pl_posted_start_mode(void);
bool pl_posted_start_wanted(void);

/* One DMA mapping of the container (VFIO_IOMMU_MAP_DMA). */
struct pl_dma {
	uint64_t iova;
	uint64_t size;
	uint64_t vaddr;
	uint32_t prot;      /* VFU_DMA_READ | VFU_DMA_WRITE */
	int fd;             /* our dup of the backing fd, or -1 */
	uint64_t offset;    /* into fd */
};

/* ---- container (pl_container.c) --------------------------------------- */
int pl_container_open(int flags);
int pl_container_ioctl(struct pl_container *c, unsigned long req,
		       unsigned long arg);
void pl_container_release(struct pl_container *c);
/* pl_lock held. Attach g (0 or -errno) / detach it. */
int pl_container_attach(struct pl_container *c, struct pl_group *g);
void pl_container_detach(struct pl_container *c, struct pl_group *g);
bool pl_container_has_iommu(const struct pl_container *c);
/* pl_lock held, d not used by anyone else (new, or its connection held
 * for writing): offer every mapping to d. 0 or -errno. */
int pl_container_replay(struct pl_container *c, struct pl_device *d);

/* ---- group (pl_group.c) ----------------------------------------------- */
/* Most devices open in one group (an mdev group has one). */
#define PL_GROUP_MAX_DEVICES 16

int pl_group_open(unsigned long id, int flags);
/* May this process open group id (its <runtime>/dev/vfio node)? 0 or
 * -EACCES. */
int pl_group_access(unsigned long id);
int pl_group_ioctl(struct pl_group *g, unsigned long req, unsigned long arg);
void pl_group_closed(struct pl_group *g);
void pl_group_release(struct pl_group *g);
/* pl_lock held: the group's open devices (DMA fan-out). */
size_t pl_group_ndevices(const struct pl_group *g);
struct pl_device *pl_group_device(const struct pl_group *g, size_t i);
/* pl_lock held: d has no descriptor left; forget it. */
void pl_group_forget_device(struct pl_group *g, struct pl_device *d);
unsigned long pl_group_id(const struct pl_group *g);

/* ---- device (pl_device.c, pl_device_io.c) ----------------------------- */
/* pl_lock held. Connect to the mdev's socket: 0 and a new device with
 * one reference (the caller's), or -errno after one line on stderr that
 * names the mdev and the socket. */
int pl_device_connect(struct pl_group *g, const char *name,
		      struct pl_device **dp);
const char *pl_device_name(const struct pl_device *d);
/* pl_lock held: one more / one less descriptor for the device. */
void pl_device_opened(struct pl_device *d);
void pl_device_closed(struct pl_device *d);
void pl_device_release(struct pl_device *d);

int pl_device_ioctl(struct pl_device *d, unsigned long req, unsigned long arg);
ssize_t pl_device_pread(struct pl_device *d, void *buf, size_t count,
			off_t offset);
ssize_t pl_device_pwrite(struct pl_device *d, const void *buf, size_t count,
			 off_t offset);

/* DMA fan-out (pl_lock held). Failures of a device that is gone are not
 * errors (its I/O fails ENODEV anyway); returns 0 or the server's -errno. */
int pl_device_dma_map(struct pl_device *d, const struct pl_dma *m);
/* The same for a caller with the device to itself (pl_container_replay). */
int pl_device_dma_map_excl(struct pl_device *d, const struct pl_dma *m);
/* pl_lock held: the mappings of d's container again (a reconnect). */
int pl_container_replay_device(struct pl_device *d);
struct pl_group *pl_device_group(struct pl_device *d);
void pl_device_dma_unmap(struct pl_device *d, const struct pl_dma *m);

/* The errno a failed device call shows QEMU: ENODEV once the connection
 * to ccwpassd is gone, else the server's (or local) error. */
int pl_device_errno(struct pl_device *d, int ret);

#endif
