/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user message framing on an AF_UNIX stream socket (QEMU
 * docs/interop/vfio-user.rst, "Header"; descriptors travel as SCM_RIGHTS
 * ancillary data, unix(7)).
 */
#include "vfio_user/vfu_transport.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void vfu_rx_init(struct vfu_rx *rx, size_t max_size)
{
	memset(rx, 0, sizeof(*rx));
	rx->max_size = max_size;
}

void vfu_rx_msg_free(struct vfu_rx_msg *m)
{
	for (size_t i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
	free(m->buf);
	m->buf = NULL;
}

void vfu_rx_reset(struct vfu_rx *rx)
{
	vfu_rx_msg_free(&rx->cur);
	memset(&rx->cur, 0, sizeof(rx->cur));
	rx->got = 0;
}

/* The sender of one read part (0: no credentials came with it). */
static void note_sender(struct vfu_rx_msg *m, pid_t pid)
{
	if (!m->sender_seen)
		m->sender = pid;
	else if (m->sender != pid)
		m->sender = 0;
	m->sender_seen = true;
}

static void take_cmsgs(struct vfu_rx_msg *m, struct msghdr *mh)
{
	pid_t pid = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n;
		int fd;

		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred u;

			memcpy(&u, CMSG_DATA(c), sizeof(u));
			pid = u.pid > 0 ? u.pid : 0;
			continue;
		}
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (m->nfds < VFU_MAX_FDS) {
				m->fds[m->nfds++] = fd;
			} else {
				close(fd);
				m->fds_dropped = true;
			}
		}
	}
	if (mh->msg_flags & MSG_CTRUNC)
		m->fds_dropped = true;   /* the kernel closed the rest */
	note_sender(m, pid);
}

/* One recvmsg into dst; returns bytes, 0 = no data now, or -errno. */
static ssize_t rx_read(struct vfu_rx *rx, int fd, uint8_t *dst, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VFU_MAX_FDS) +
			 CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = dst, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	do {
		n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if (n > 0 || mh.msg_controllen)
		take_cmsgs(&rx->cur, &mh);
	if (n == 0)
		return -ECONNRESET;
	return n;
}

int vfu_rx_step(struct vfu_rx *rx, int fd, struct vfu_rx_msg *out)
{
	ssize_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	while (rx->got < VFU_HDR_SIZE) {
		n = rx_read(rx, fd, rx->hdr + rx->got, VFU_HDR_SIZE - rx->got);
		if (n <= 0)
			goto short_read;
		rx->got += (size_t)n;
		if (rx->got < VFU_HDR_SIZE)
			continue;
		ret = vfu_hdr_decode(rx->hdr, rx->max_size, &rx->cur.hdr);
		if (ret == -EINVAL && rx->cur.hdr.size >= VFU_HDR_SIZE &&
		    rx->cur.hdr.size <= rx->max_size)
			ret = 0;   /* bad flags: decoded later, stream is fine */
		if (ret < 0) {
			out->hdr = rx->cur.hdr;
			vfu_rx_reset(rx);
			return ret;
		}
		rx->cur.buf = malloc(rx->cur.hdr.size);
		if (!rx->cur.buf) {
			vfu_rx_reset(rx);
			return -ENOMEM;
		}
		memcpy(rx->cur.buf, rx->hdr, VFU_HDR_SIZE);
	}
	while (rx->got < rx->cur.hdr.size) {
		n = rx_read(rx, fd, rx->cur.buf + rx->got,
			    rx->cur.hdr.size - rx->got);
		if (n <= 0)
			goto short_read;
		rx->got += (size_t)n;
	}
	*out = rx->cur;
	memset(&rx->cur, 0, sizeof(rx->cur));
	rx->got = 0;
	return 1;

short_read:
	if (n < 0)
		vfu_rx_reset(rx);
	return (int)n;
}

int vfu_wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n ? 0 : -ETIMEDOUT;
}

static int wait_writable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int n;

	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n)
		return -ETIMEDOUT;
	return p.revents & (POLLERR | POLLHUP) && !(p.revents & POLLOUT)
	       ? -EPIPE : 0;
}

#define SEND_IOV_MAX 8

int vfu_send_msg(int fd, struct vfu_hdr *h, const struct iovec *iov,
		 int niov, const int *fds, size_t nfds, int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VFU_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	uint8_t hdr[VFU_HDR_SIZE];
	struct iovec v[SEND_IOV_MAX];
	struct msghdr mh = { .msg_iov = v };
	size_t total = VFU_HDR_SIZE;
	int ret;

	if (niov < 0 || niov >= SEND_IOV_MAX || nfds > VFU_MAX_FDS)
		return -EINVAL;
	v[0].iov_base = hdr;
	v[0].iov_len = VFU_HDR_SIZE;
	for (int i = 0; i < niov; i++) {
		v[i + 1] = iov[i];
		total += iov[i].iov_len;
	}
	if (total > UINT32_MAX)
		return -EMSGSIZE;
	h->size = (uint32_t)total;
	vfu_hdr_encode(hdr, h);
	mh.msg_iovlen = (size_t)niov + 1;
	if (nfds) {
		struct cmsghdr *c;

		memset(ctl.buf, 0, sizeof(ctl.buf));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	while (total) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			ret = wait_writable(fd, timeout_ms);
			if (ret < 0)
				return ret;
			continue;
		}
		/* The fds went with the first byte; never send them again. */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		total -= (size_t)n;
		while (n > 0 && mh.msg_iovlen) {
			if ((size_t)n >= mh.msg_iov->iov_len) {
				n -= (ssize_t)mh.msg_iov->iov_len;
				mh.msg_iov++;
				mh.msg_iovlen--;
			} else {
				mh.msg_iov->iov_base = (uint8_t *)mh.msg_iov->iov_base + n;
				mh.msg_iov->iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}
