/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw vfio-user byte streams for the protocol tests: a fixture with the
 * test device on a live server and one raw connection, and helpers to send
 * exact bytes (with fds) and to check replies.
 */
#ifndef CCWPASS_TESTS_VFU_RAW_H
#define CCWPASS_TESTS_VFU_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio_user/vfu_proto.h"
#include "vfu_testdev.h"

struct fixture {
	char dir[256];
	char path[300];
	struct testloop tl;
	struct testdev dev;
	int fd;                 /* raw connection */
	unsigned conns;         /* connections made to dev */
	uint16_t id;
};

struct raw_reply {
	struct vfu_hdr h;
	uint8_t payload[4096];
	size_t len;
};

int raw_connect(const char *path);
/* Exact bytes (a peer that already left is fine). */
void raw_bytes(int fd, const void *buf, size_t len, const int *fds,
	       size_t nfds);
/* The one fd that comes with one byte on sock (raw_bytes of a process
 * handing a socket on; raw_bytes is async-signal-safe). Asserts. */
int raw_recv_fd(int sock);
/* A message with a correct size field. */
void raw_msg(int fd, uint16_t id, uint16_t cmd, uint32_t flags,
	     const void *payload, size_t len, const int *fds, size_t nfds);
/* 1 with a message, 0 at end of stream. */
int raw_recv(int fd, struct raw_reply *r);
void expect_reply_ok(int fd, uint16_t id, uint16_t cmd);
void expect_error(int fd, uint16_t id, int err);
void expect_eof(int fd);
void raw_version(int fd, uint16_t id);
void raw_dma_map(int fd, uint16_t id, uint64_t addr, uint64_t size,
		 uint32_t flags);
/* The same with an fd offset and fds attached. */
void raw_dma_map_fds(int fd, uint16_t id, uint64_t addr, uint64_t size,
		     uint32_t flags, uint64_t offset, const int *fds,
		     size_t nfds);
/* REGION_READ / _WRITE: the access header, then data_len bytes of data
 * (zeros when data is NULL), whatever count says. */
void raw_region(int fd, uint16_t id, uint16_t cmd, uint32_t region,
		uint64_t off, uint32_t count, const void *data,
		size_t data_len, const int *fds, size_t nfds);
/* DEVICE_SET_IRQS without bool data. */
void raw_set_irqs(int fd, uint16_t id, uint32_t flags, uint32_t index,
		  uint32_t start, uint32_t count, const int *fds, size_t nfds);
/* A successful reply to cmd, returned in r. */
void expect_reply(int fd, uint16_t id, uint16_t cmd, struct raw_reply *r);

/* Close the raw connection; the server must serve a real client. */
void assert_alive(struct fixture *f);

/* cmocka fixtures: negotiated raw connection, or none yet (setup_raw). */
int setup(void **state);
int setup_raw(void **state);
int teardown(void **state);

#endif
