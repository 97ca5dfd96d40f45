/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw vfio-user byte streams for the protocol tests (vfu_raw.h). */
#include "vfu_raw.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/error.h"
#include "vfio_user/vfu_client.h"

int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

void raw_bytes(int fd, const void *buf, size_t len, const int *fds,
		      size_t nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	/* The server may already have closed: that is a valid outcome. */
	(void)sendmsg(fd, &mh, MSG_NOSIGNAL);
}

int raw_recv_fd(int sock)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *c;
	int fd;

	assert_int_equal(recvmsg(sock, &mh, MSG_CMSG_CLOEXEC), 1);
	c = CMSG_FIRSTHDR(&mh);
	assert_non_null(c);
	assert_int_equal(c->cmsg_type, SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

void raw_msg(int fd, uint16_t id, uint16_t cmd, uint32_t flags,
		    const void *payload, size_t len, const int *fds,
		    size_t nfds)
{
	uint8_t buf[16 + 4096];
	struct vfu_hdr h = {
		.msg_id = id, .cmd = cmd, .size = (uint32_t)(16 + len),
		.flags = flags,
	};

	assert_true(len <= 4096);
	vfu_hdr_encode(buf, &h);
	if (len)
		memcpy(buf + 16, payload, len);
	raw_bytes(fd, buf, 16 + len, fds, nfds);
}

static bool read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;     /* EOF or ECONNRESET */
		p += n;
		len -= (size_t)n;
	}
	return true;
}

int raw_recv(int fd, struct raw_reply *r)
{
	uint8_t hdr[16];

	if (!read_full(fd, hdr, 16))
		return 0;
	assert_int_equal(vfu_hdr_decode(hdr, 16 + sizeof(r->payload), &r->h), 0);
	r->len = r->h.size - 16;
	assert_true(read_full(fd, r->payload, r->len));
	return 1;
}

void expect_reply_ok(int fd, uint16_t id, uint16_t cmd)
{
	struct raw_reply r;

	assert_int_equal(raw_recv(fd, &r), 1);
	assert_int_equal(r.h.msg_id, id);
	assert_int_equal(r.h.cmd, cmd);
	assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY);
}

void expect_reply(int fd, uint16_t id, uint16_t cmd, struct raw_reply *r)
{
	assert_int_equal(raw_recv(fd, r), 1);
	assert_int_equal(r->h.msg_id, id);
	assert_int_equal(r->h.cmd, cmd);
	assert_int_equal(r->h.flags, VFU_F_TYPE_REPLY);
}

void expect_error(int fd, uint16_t id, int err)
{
	struct raw_reply r;

	assert_int_equal(raw_recv(fd, &r), 1);
	assert_int_equal(r.h.msg_id, id);
	assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY | VFU_F_ERROR);
	assert_int_equal(r.h.error, err);
	assert_int_equal(r.len, 0);
}

void expect_eof(int fd)
{
	struct raw_reply r;

	assert_int_equal(raw_recv(fd, &r), 0);
}

void raw_version(int fd, uint16_t id)
{
	static const char json[] = "{\"capabilities\":{\"max_msg_fds\":8}}";
	uint8_t v[4 + sizeof(json)];

	vfu_version_encode(v, 0, 1);
	memcpy(v + 4, json, sizeof(json));
	raw_msg(fd, id, VFU_CMD_VERSION, 0, v, sizeof(v), NULL, 0);
	expect_reply_ok(fd, id, VFU_CMD_VERSION);
}

void assert_alive(struct fixture *f)
{
	struct vfu_client *c;
	struct vfu_device_info di;
	struct error err = { 0 };

	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	/* Every connection ends with client_gone, negotiated or not. */
	testdev_wait_gone(&f->dev, f->conns);
	assert_int_equal(vfu_client_connect(f->path, &c, &err), 0);
	assert_int_equal(vfu_client_device_info(c, &di), 0);
	assert_int_equal(di.num_regions, 3);
	vfu_client_close(c);
}

static int setup_common(void **state, bool negotiate)
{
	struct fixture *f = calloc(1, sizeof(*f));

	tmpdir_make(f->dir, sizeof(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/dev.sock", f->dir);
	testloop_start(&f->tl);
	testdev_start(&f->dev, f->tl.loop, f->path, 0);
	f->fd = raw_connect(f->path);
	f->conns = 1;
	f->id = 100;
	*state = f;
	if (negotiate)
		raw_version(f->fd, f->id++);
	return 0;
}

int setup(void **state)
{
	return setup_common(state, true);
}

int setup_raw(void **state)
{
	return setup_common(state, false);
}

int teardown(void **state)
{
	struct fixture *f = *state;

	assert_alive(f);
	testdev_stop(&f->dev);
	testloop_stop(&f->tl);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

void raw_dma_map(int fd, uint16_t id, uint64_t addr, uint64_t size,
		 uint32_t flags)
{
	struct vfu_dma_map m = { .argsz = 32, .flags = flags, .addr = addr,
				 .size = size };
	uint8_t q[32];

	vfu_dma_map_encode(q, &m);
	raw_msg(fd, id, VFU_CMD_DMA_MAP, 0, q, 32, NULL, 0);
}

void raw_dma_map_fds(int fd, uint16_t id, uint64_t addr, uint64_t size,
		     uint32_t flags, uint64_t offset, const int *fds,
		     size_t nfds)
{
	struct vfu_dma_map m = { .argsz = 32, .flags = flags, .offset = offset,
				 .addr = addr, .size = size };
	uint8_t q[32];

	vfu_dma_map_encode(q, &m);
	raw_msg(fd, id, VFU_CMD_DMA_MAP, 0, q, 32, fds, nfds);
}

void raw_region(int fd, uint16_t id, uint16_t cmd, uint32_t region,
		uint64_t off, uint32_t count, const void *data,
		size_t data_len, const int *fds, size_t nfds)
{
	struct vfu_region_access a = { .offset = off, .region = region,
				       .count = count };
	uint8_t q[16 + 1024] = { 0 };

	assert_true(data_len <= sizeof(q) - 16);
	vfu_region_access_encode(q, &a);
	if (data)
		memcpy(q + 16, data, data_len);
	raw_msg(fd, id, cmd, 0, q, 16 + data_len, fds, nfds);
}

void raw_set_irqs(int fd, uint16_t id, uint32_t flags, uint32_t index,
		  uint32_t start, uint32_t count, const int *fds, size_t nfds)
{
	struct vfu_irq_set s = { .argsz = 20, .flags = flags, .index = index,
				 .start = start, .count = count };
	uint8_t q[20];

	vfu_irq_set_encode(q, &s);
	raw_msg(fd, id, VFU_CMD_DEVICE_SET_IRQS, 0, q, 20, fds, nfds);
}
