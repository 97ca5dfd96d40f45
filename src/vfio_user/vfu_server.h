/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A vfio-user server for one device (QEMU docs/interop/vfio-user.rst,
 * "Client/server interactions"): it owns a listening socket, serves one
 * client at a time, answers the protocol itself and calls the device
 * through an ops table. It knows nothing about the device's bus.
 *
 * Threading model
 * - Everything that reads the socket runs on the thread of the event loop
 *   given at creation (the loop thread): accept, message decoding and every
 *   device op. Several servers may share one loop; a client can only stall
 *   its own server for at most timeout_ms.
 * - vfu_dma_read / vfu_dma_write / vfu_dma_map_ptr / vfu_irq_trigger may be
 *   called from any thread (channel-program workers), and also from device
 *   ops on the loop thread.
 * - Mapped (fd) regions are copied under the DMA table lock, so a
 *   DMA_UNMAP waits for copies in progress. Pointers from vfu_dma_map_ptr
 *   stay valid until the device agrees to unmap the region (dma_unmap op)
 *   or until client_gone returns.
 * - Regions without fd whose client address is known (the private
 *   capability VFU_CAP_PROCESS_VM, vfu_pvm.c) are copied with
 *   process_vm_readv / _writev under the DMA table lock, like fd regions;
 *   if that fails the access goes on with messages.
 * - Other unmapped (message) regions go through DMA_READ / DMA_WRITE
 *   requests to the client. A worker thread sends the request and sleeps until the loop
 *   thread receives the reply. On the loop thread itself (a device op doing
 *   DMA) the server reads the socket in place; client commands that arrive
 *   meanwhile are queued and handled, in order, after the op returns.
 *   Hence a device op must never wait for a worker that does message DMA.
 * - A second client that connects while one is served is accepted and
 *   closed at once (it sees end-of-file); the first client is unaffected.
 * - When the client goes away (or is dropped for a protocol error), the
 *   client_gone op runs on the loop thread, then the server drops the DMA
 *   table and closes the eventfds; the next client starts afresh.
 */
#ifndef CCWPASS_VFIO_USER_VFU_SERVER_H
#define CCWPASS_VFIO_USER_VFU_SERVER_H

#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vfio_user/vfu_dma.h"
#include "vfio_user/vfu_proto.h"

struct error;
struct evloop;
struct vfu_server;

/* Static description of the device; copied by vfu_server_create(). */
struct vfu_region_desc {
	uint64_t size;
	uint32_t flags;       /* VFIO_REGION_INFO_FLAG_READ | _WRITE */
	uint64_t offset;      /* reported in region info (device fd offset) */
	const struct vfu_region_cap *caps;   /* e.g. VFIO_REGION_INFO_CAP_TYPE */
	unsigned nr_caps;
};

struct vfu_irq_desc {
	uint32_t count;       /* sub-indexes */
	uint32_t flags;       /* VFIO_IRQ_INFO_* (EVENTFD, MASKABLE, ...) */
};

struct vfu_device_desc {
	uint32_t flags;       /* VFIO_DEVICE_FLAGS_* (RESET enables reset op) */
	uint32_t num_regions;
	const struct vfu_region_desc *regions;
	uint32_t num_irqs;
	const struct vfu_irq_desc *irqs;
};

/*
 * Device callbacks, all on the loop thread; dev is the config's dev.
 * Ranges and indexes are validated against the description first.
 */
/* Who connected: the kernel's word (SO_PEERCRED, SO_PEERGROUPS). */
#define VFU_PEER_GROUPS 64
struct vfu_peer {
	pid_t pid;                /* 0: unknown (another pid namespace) */
	uid_t uid;
	gid_t gid;
	int ngroups;              /* supplementary groups (at most 64 kept) */
	gid_t groups[VFU_PEER_GROUPS];
};

struct vfu_device_ops {
	/*
	 * Optional. A client connected to the socket: 0 to serve it, or
	 * -errno (EACCES) to close the connection before reading a byte. An
	 * accepted connection whose credentials cannot be read is closed.
	 */
	int (*authorize)(void *dev, const struct vfu_peer *peer);
	/* Return bytes done (0..len) or -errno (sent to the client). */
	int (*region_read)(void *dev, uint32_t index, uint64_t offset,
			   void *buf, uint32_t len);
	int (*region_write)(void *dev, uint32_t index, uint64_t offset,
			    const void *buf, uint32_t len);
	/*
	 * Optional: offers VFU_CAP_POSTED_WRITE. A REGION_WRITE the client
	 * posted (sent without wanting a reply): nothing goes back, so the
	 * device reports the outcome itself. Without it, or before the
	 * capability was negotiated, such a write goes to region_write and
	 * its result is dropped.
	 */
	void (*region_post)(void *dev, uint32_t index, uint64_t offset,
			    const void *buf, uint32_t len);
	/* 0 or -errno. Only called when the device has VFIO_DEVICE_FLAGS_RESET. */
	int (*reset)(void *dev);
	/*
	 * Optional. Told before the server changes its eventfd table (flags as
	 * in struct vfio_irq_set; fds NULL unless eventfds were sent; count 0
	 * with DATA_NONE|ACTION_TRIGGER disables the index). -errno vetoes.
	 */
	int (*set_irqs)(void *dev, uint32_t index, uint32_t flags,
			uint32_t start, uint32_t count, const int *fds);
	/* Optional. A region was added. */
	void (*dma_map)(void *dev, const struct vfu_dma_region *r);
	/*
	 * Optional. The client unmaps r: return 0 once the device no longer
	 * uses it (e.g. after resetting itself), or -errno to refuse.
	 */
	int (*dma_unmap)(void *dev, const struct vfu_dma_region *r);
	/* Optional. The client connected (after version negotiation). */
	void (*client_ready)(void *dev);
	/*
	 * Optional. A command was answered (or needed no answer): work it
	 * started that should not compete with the answer for a CPU, such
	 * as waking a thread, can begin now.
	 */
	void (*replied)(void *dev);
	/*
	 * Optional. A connection ended (every connection, negotiated or not):
	 * stop using the client's memory and eventfds before returning.
	 */
	void (*client_gone)(void *dev);
};

struct vfu_server_config {
	const char *name;         /* for log lines, e.g. the mdev UUID */
	const char *path;         /* socket to listen on; NULL: attach only */
	struct evloop *loop;
	const struct vfu_device_desc *desc;
	const struct vfu_device_ops *ops;
	void *dev;
	int timeout_ms;           /* client I/O bound; 0: 30000, -1: none */
};

/* Returns 0 or -errno with err naming the server. */
int vfu_server_create(const struct vfu_server_config *cfg,
		      struct vfu_server **sp, struct error *err);
/* Drops the client (client_gone), closes and removes the socket. Any
 * thread; must not race with other calls on the same server. */
void vfu_server_destroy(struct vfu_server *s);

/* Serve an already connected socket (takes it). -EBUSY with a client. */
int vfu_server_attach_fd(struct vfu_server *s, int fd);
/* Drop the current client, if any (e.g. the device is being removed). */
void vfu_server_disconnect(struct vfu_server *s);
bool vfu_server_has_client(struct vfu_server *s);
const char *vfu_server_path(const struct vfu_server *s);

/*
 * Client memory access for the device. Returns 0, -EFAULT when any byte
 * of the range is not mapped with the needed permission (nothing is
 * touched), -ENOTCONN / -ETIMEDOUT / -EIO when a message round trip fails.
 */
int vfu_dma_read(struct vfu_server *s, uint64_t iova, void *buf, size_t len);
int vfu_dma_write(struct vfu_server *s, uint64_t iova, const void *buf,
		  size_t len);
/* Direct pointer to [iova, iova + len) if it lies in one fd-mapped region
 * with the permission, else NULL. See the lifetime rule above. */
void *vfu_dma_map_ptr(struct vfu_server *s, uint64_t iova, size_t len,
		      bool write);

/*
 * Faulting guest memory in ahead of copies (docs/performance.md "First
 * touch of guest memory"): the pages of [iova, iova + len) - as far as
 * it lies in the fd region holding iova - that this process has not
 * faulted in yet (0 for other regions); and, from *iova towards end, an
 * iovec per such page for vfu_dma_fault_in() (vfu_dma.h; *iova moves on,
 * to end past regions without fd). Same lifetime rule as
 * vfu_dma_map_ptr: the caller keeps the region from being unmapped.
 */
uint64_t vfu_dma_untouched(struct vfu_server *s, uint64_t iova, uint64_t len);
size_t vfu_dma_collect(struct vfu_server *s, uint64_t *iova, uint64_t end,
		       struct iovec *iov, size_t max);

/* How device DMA to regions without fd was done, since creation. */
struct vfu_dma_stats {
	uint64_t messages;        /* DMA_READ / DMA_WRITE requests sent */
	uint64_t pvm_copies;      /* pieces copied with process_vm_* */
	uint64_t pvm_fallbacks;   /* pieces where process_vm_* failed and
				   * messages did (the rest of) the work */
	bool process_vm;          /* the current client has direct access */
};
void vfu_server_dma_stats(struct vfu_server *s, struct vfu_dma_stats *st);

/*
 * In-process tests only: accept VFU_CAP_PROCESS_VM from a client in the
 * server's own process (process-wide; off by default, so that bytes on a
 * socket whose both ends this process holds, e.g. a fuzzer's, can never
 * make the server copy into its own memory).
 */
void vfu_server_allow_process_vm_self(bool allow);

/* Signal the eventfd of (index, sub-index 0). 0, -ENOENT (no eventfd set),
 * -EINVAL (bad index) or -errno of write. */
int vfu_irq_trigger(struct vfu_server *s, uint32_t index);

#endif
