/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user transport over an AF_UNIX stream socket: message framing with
 * SCM_RIGHTS file descriptors (QEMU docs/interop/vfio-user.rst, "Socket"
 * and "Header"), and the socket set-up helpers.
 *
 * Receiving is incremental and never blocks: vfu_rx_step() reads what the
 * socket has, never past the end of the current message, so descriptors
 * sent with a message's first byte always belong to that message.
 */
#ifndef CCWPASS_VFIO_USER_VFU_TRANSPORT_H
#define CCWPASS_VFIO_USER_VFU_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "vfio_user/vfu_proto.h"

struct error;

/* A complete received message. The receiver owns buf and the fds. */
struct vfu_rx_msg {
	struct vfu_hdr hdr;
	uint8_t *buf;            /* hdr.size bytes, header included */
	int fds[VFU_MAX_FDS];
	size_t nfds;
	bool fds_dropped;        /* more fds came than allowed: all closed */
	/*
	 * The pid the kernel vouches sent every byte of the message
	 * (SCM_CREDENTIALS, when the receiving socket has SO_PASSCRED):
	 * 0 when unknown or not the same for all of it.
	 */
	pid_t sender;
	bool sender_seen;        /* internal: a part of it was read */
};

/* Receive state of one connection. */
struct vfu_rx {
	size_t max_size;         /* largest message accepted */
	uint8_t hdr[VFU_HDR_SIZE];
	size_t got;              /* bytes of the current message so far */
	struct vfu_rx_msg cur;
};

void vfu_rx_init(struct vfu_rx *rx, size_t max_size);
/* Drop a partial message (closing its fds). */
void vfu_rx_reset(struct vfu_rx *rx);
/* Close the fds and free the buffer of a received message. */
void vfu_rx_msg_free(struct vfu_rx_msg *m);

/*
 * Read from non-blocking socket fd. Returns 1 and fills *out when a message
 * is complete, 0 when the socket has no more data for now, -ECONNRESET when
 * the peer closed (even mid-message), -EMSGSIZE / -EINVAL when the header's
 * size is out of bounds (the stream cannot be trusted any more; *out->hdr
 * holds the header for an error reply), or another -errno.
 */
int vfu_rx_step(struct vfu_rx *rx, int fd, struct vfu_rx_msg *out);

/*
 * Send one message: header h (h->size is computed here), payload iovecs and
 * nfds descriptors, all or nothing from the caller's view. Waits up to
 * timeout_ms (-1: forever) whenever the socket is full. Returns 0,
 * -ETIMEDOUT, -EPIPE / -ECONNRESET (peer gone) or another -errno. Callers
 * serialise senders of one socket.
 */
int vfu_send_msg(int fd, struct vfu_hdr *h, const struct iovec *iov,
		 int niov, const int *fds, size_t nfds, int timeout_ms);

/* Wait until fd is readable; 0, -ETIMEDOUT or -errno. */
int vfu_wait_readable(int fd, int timeout_ms);

/*
 * Listening socket at path (mode 0600, non-blocking, close-on-exec,
 * SO_PASSCRED, which accepted sockets inherit: every message then carries
 * its sender's pid). A stale socket file nobody listens on is replaced; a
 * live one is -EADDRINUSE.
 */
int vfu_listen_unix(const char *path, int *fdp, struct error *err);
/* A connected client socket to path (non-blocking, close-on-exec). */
int vfu_connect_unix(const char *path, int *fdp, struct error *err);
/*
 * "<dir>/<name>.sock" in buf; dir is created mode 0700 when missing and
 * must be a directory. -ENAMETOOLONG when the path does not fit sun_path.
 */
int vfu_socket_path(char *buf, size_t size, const char *dir,
		    const char *name, struct error *err);

#endif
