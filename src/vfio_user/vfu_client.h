/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A blocking vfio-user client (QEMU docs/interop/vfio-user.rst), used by
 * the tests and by the QEMU preload library.
 *
 * Threading: calls may come from any number of threads; they are
 * serialised (one request on the wire at a time). The server may send
 * DMA_READ / DMA_WRITE requests at any time, also between a request and
 * its reply. Whoever is waiting for a reply reads the socket and answers
 * such requests on the way; when no call is in progress, somebody must
 * call vfu_client_service() (typically a thread looping on it), or server
 * DMA stalls. Only one thread reads the socket at a time; the others wait.
 *
 * DMA requests are served from the regions given to vfu_client_dma_map()
 * with a vaddr (bounds and permissions checked), or by a handler installed
 * with vfu_client_set_dma_handler().
 */
#ifndef CCWPASS_VFIO_USER_VFU_CLIENT_H
#define CCWPASS_VFIO_USER_VFU_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vfio_user/vfu_proto.h"

struct error;
struct vfu_client;

/* Connect to path and negotiate. -ECONNREFUSED if the server refused or
 * closed the connection (e.g. it already serves a client). */
int vfu_client_connect(const char *path, struct vfu_client **cp,
		       struct error *err);
/* Same on a connected socket, which the client takes. */
int vfu_client_open_fd(int fd, struct vfu_client **cp, struct error *err);

/* What to propose at negotiation (NULL: defaults, all false). */
struct vfu_client_opts {
	/*
	 * Propose VFU_CAP_PROCESS_VM: a server that accepts it may read and
	 * write this process's memory directly (through the /proc/self/mem
	 * this process opens and sends with the VERSION) in the regions
	 * mapped without fd but with a vaddr, instead of sending DMA_READ /
	 * DMA_WRITE requests (which must still be answered: the server falls
	 * back to them when direct access fails). Not proposed when
	 * /proc/self/mem cannot be opened.
	 */
	bool process_vm;
	/*
	 * Propose VFU_CAP_POSTED_WRITE: vfu_client_region_post() may then
	 * send writes whose outcome the device reports its own way.
	 */
	bool posted_write;
	/*
	 * Bound the handshake (VERSION) and every later call as
	 * vfu_client_set_timeout does; <= 0: none. A server that accepts
	 * but never answers (a daemon that hangs while starting) must not
	 * hold the caller - a vCPU thread, when the preload library
	 * reconnects - for good.
	 */
	int timeout_ms;
	/*
	 * A caller waiting for its reply polls the socket this long before
	 * it sleeps in it (0: sleeps at once). Waking a thread that slept
	 * costs tens of microseconds on a virtual machine; a reply that comes
	 * within the spin costs none.
	 */
	int spin_us;
};
int vfu_client_connect_opts(const char *path, const struct vfu_client_opts *o,
			    struct vfu_client **cp, struct error *err);
int vfu_client_open_fd_opts(int fd, const struct vfu_client_opts *o,
			    struct vfu_client **cp, struct error *err);
/* True when the server accepted VFU_CAP_PROCESS_VM. */
bool vfu_client_process_vm(const struct vfu_client *c);
/* True when the server accepted VFU_CAP_POSTED_WRITE. */
bool vfu_client_posted_write(const struct vfu_client *c);
/* DMA_READ / DMA_WRITE requests received from the server so far. */
uint64_t vfu_client_dma_requests(const struct vfu_client *c);
/* Wake every thread blocked in the client (they get -ENOTCONN). */
void vfu_client_shutdown(struct vfu_client *c);
/* No other thread may be inside the client any more. */
void vfu_client_close(struct vfu_client *c);

int vfu_client_fd(const struct vfu_client *c);

/*
 * Bound every later call: a reply that has not come after timeout_ms
 * (<= 0: no bound, the default) ends the connection with -ETIMEDOUT, since
 * a late reply could not be matched any more.
 */
void vfu_client_set_timeout(struct vfu_client *c, int timeout_ms);
/* True once the connection has failed (closed, reset, timed out). */
bool vfu_client_dead(const struct vfu_client *c);
/* The server's capabilities and version from the negotiation. */
const struct vfu_caps *vfu_client_server_caps(const struct vfu_client *c);
uint16_t vfu_client_server_minor(const struct vfu_client *c);

/*
 * Read one incoming message (waiting up to timeout_ms, -1 forever) and
 * answer it if it is a DMA request. Returns 1, 0 (nothing arrived, or
 * another thread is reading, or a call in progress read it), or -errno
 * when the connection is gone. While a call waits for its reply, its
 * caller reads the socket and this returns once the call ended.
 * While every DMA region was given with an fd the server has nothing to
 * ask, and this waits for the connection's end only (a message the
 * server sends anyway is read by the next call); mapping a region without
 * an fd makes a waiting call return 0, to listen from then on.
 */
int vfu_client_service(struct vfu_client *c, int timeout_ms);

/*
 * Serve DMA requests with fn instead of the mapped regions. fn gets the
 * request's address and length and returns 0 or -errno (sent back).
 */
typedef int vfu_client_dma_fn(void *opaque, bool write, uint64_t iova,
			      void *buf, size_t len);
void vfu_client_set_dma_handler(struct vfu_client *c, vfu_client_dma_fn *fn,
				void *opaque);

/*
 * Raw request: payload of len bytes and nfds descriptors; the reply's
 * payload (without header) is copied to reply (up to reply_size bytes) and
 * its full length stored in *reply_len. Returns 0, the server's -errno
 * for an error reply, or -ENOTCONN / -EPROTO when the connection failed.
 */
int vfu_client_call(struct vfu_client *c, uint16_t cmd, const void *payload,
		    size_t len, const int *fds, size_t nfds, void *reply,
		    size_t reply_size, size_t *reply_len);
/*
 * Send a command with VFU_F_NO_REPLY and return once it is sent: 0 or
 * -errno (the connection is then dead). In order with the calls: a later
 * call is handled after it.
 */
int vfu_client_send(struct vfu_client *c, uint16_t cmd,
		    const struct iovec *iov, int niov);

/* Typed requests; 0 or -errno unless stated. */
int vfu_client_device_info(struct vfu_client *c, struct vfu_device_info *info);
/*
 * Region info as the VFIO ioctl: buf holds argsz bytes (argsz >= 32);
 * returns the payload bytes received. The reply's argsz field is the size
 * needed for the capability chain (see vfu_caps_find()).
 */
int vfu_client_region_info(struct vfu_client *c, uint32_t index, void *buf,
			   uint32_t argsz);
int vfu_client_irq_info(struct vfu_client *c, uint32_t index,
			struct vfu_irq_info *info);
/* flags as struct vfio_irq_set; eventfds in fds (nfds 0 or count),
 * bools (count bytes) for DATA_BOOL. */
int vfu_client_set_irqs(struct vfu_client *c, uint32_t index, uint32_t flags,
			uint32_t start, uint32_t count, const int *fds,
			size_t nfds, const uint8_t *bools);
/* Bytes transferred (count <= server's max_data_xfer_size) or -errno. */
int vfu_client_region_read(struct vfu_client *c, uint32_t index,
			   uint64_t offset, void *buf, uint32_t count);
int vfu_client_region_write(struct vfu_client *c, uint32_t index,
			    uint64_t offset, const void *buf, uint32_t count);
/*
 * A posted REGION_WRITE (VFU_CAP_POSTED_WRITE negotiated, else -ENOTSUP):
 * count once it is sent, or -errno; the device reports the outcome.
 */
int vfu_client_region_post(struct vfu_client *c, uint32_t index,
			   uint64_t offset, const void *buf, uint32_t count);
int vfu_client_reset(struct vfu_client *c);
/*
 * Offer [iova, iova + size) to the server: with fd >= 0 the server mmaps
 * fd at offset; vaddr (may be NULL) is where this process sees the memory,
 * used to answer the server's DMA requests. prot: VFU_DMA_READ | _WRITE.
 * Without fd, once VFU_CAP_PROCESS_VM is negotiated, the request carries
 * vaddr in its offset field (offset is not used).
 */
int vfu_client_dma_map(struct vfu_client *c, uint64_t iova, uint64_t size,
		       uint32_t prot, int fd, uint64_t offset, void *vaddr);
/* Returns 0 or -errno; a region the server refuses to unmap stays served. */
int vfu_client_dma_unmap(struct vfu_client *c, uint64_t iova, uint64_t size);
/*
 * Stop serving DMA requests for the region [iova, iova + size) locally,
 * whatever the server says (the memory is going away): later requests for
 * it are refused with EFAULT. Returns 0 or -ENOENT.
 */
int vfu_client_dma_forget(struct vfu_client *c, uint64_t iova, uint64_t size);

#endif
