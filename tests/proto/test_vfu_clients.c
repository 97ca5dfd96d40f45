/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user clients misbehaving in time rather than in bytes: vanishing in
 * the middle of a DMA round trip, pipelining commands during one, answering
 * wrongly or never; a second client; several devices and clients at once.
 * After each the server serves a new client (checked in teardown).
 */
#include <errno.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "common/evloop.h"
#include "vfio_user/vfu_client.h"
#include "vfu_raw.h"

/* ---- clients that vanish ------------------------------------------------- */

static void test_vanish_during_dma(void **state)
{
	struct fixture *f = *state;
	uint8_t cmd[16 + 16];
	struct vfu_region_access a = { .region = 1, .count = 16 };
	struct raw_reply r;
	struct vfu_dma_access da;

	/* A message-backed region, then a command that makes the device read
	 * it: the server asks us with DMA_READ, and we leave instead. */
	raw_dma_map(f->fd, 80, 0x10000, 0x1000, VFU_DMA_READ);
	expect_reply_ok(f->fd, 80, VFU_CMD_DMA_MAP);
	vfu_region_access_encode(cmd, &a);
	st_he32(cmd + 16, TD_DMA_READ);
	st_he32(cmd + 20, 64);
	st_he64(cmd + 24, 0x10100);
	raw_msg(f->fd, 81, VFU_CMD_REGION_WRITE, 0, cmd, sizeof(cmd), NULL, 0);
	assert_int_equal(raw_recv(f->fd, &r), 1);
	assert_int_equal(r.h.cmd, VFU_CMD_DMA_READ);
	assert_int_equal(r.h.flags, VFU_F_TYPE_COMMAND);
	assert_int_equal(vfu_dma_access_decode(r.payload, r.len, &da), 0);
	assert_int_equal(da.addr, 0x10100);
	assert_int_equal(da.count, 64);
	close(f->fd);
	f->fd = -1;
	testdev_wait_gone(&f->dev, 1);
	assert_int_equal(f->dev.last_result, -EFAULT);
	/* teardown: a new client works (and the DMA table was dropped). */
}

static void test_commands_during_dma(void **state)
{
	struct fixture *f = *state;
	uint8_t cmd[16 + 16];
	struct vfu_region_access a = { .region = 1, .count = 16 };
	struct raw_reply r;
	uint8_t reply[16 + 16 + 64];
	struct vfu_dma_access da;
	struct vfu_hdr h;

	raw_dma_map(f->fd, 90, 0x10000, 0x1000, VFU_DMA_READ);
	expect_reply_ok(f->fd, 90, VFU_CMD_DMA_MAP);
	vfu_region_access_encode(cmd, &a);
	st_he32(cmd + 16, TD_DMA_READ);
	st_he32(cmd + 20, 64);
	st_he64(cmd + 24, 0x10000);
	raw_msg(f->fd, 91, VFU_CMD_REGION_WRITE, 0, cmd, sizeof(cmd), NULL, 0);
	assert_int_equal(raw_recv(f->fd, &r), 1);
	assert_int_equal(r.h.cmd, VFU_CMD_DMA_READ);
	/* Pipelined commands before we answer: handled after the write. */
	raw_msg(f->fd, 92, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	/* Answer the DMA_READ. */
	da = (struct vfu_dma_access){ .addr = 0x10000, .count = 64 };
	vfu_dma_access_encode(reply + 16, &da);
	memset(reply + 32, 0xee, 64);
	h = (struct vfu_hdr){ .msg_id = r.h.msg_id, .cmd = VFU_CMD_DMA_READ,
			      .size = sizeof(reply), .flags = VFU_F_TYPE_REPLY };
	vfu_hdr_encode(reply, &h);
	raw_bytes(f->fd, reply, sizeof(reply), NULL, 0);
	expect_reply_ok(f->fd, 91, VFU_CMD_REGION_WRITE);
	expect_reply_ok(f->fd, 92, VFU_CMD_DEVICE_RESET);
	assert_int_equal(f->dev.last_result, 0);
	assert_int_equal(f->dev.resets, 1);   /* reset came after the copy */
	assert_int_equal(f->dev.mem[0], 0);
}

static void test_dma_reply_garbage(void **state)
{
	struct fixture *f = *state;
	uint8_t cmd[16 + 16];
	struct vfu_region_access a = { .region = 1, .count = 16 };
	struct raw_reply r;
	uint8_t reply[16 + 16 + 8];
	struct vfu_dma_access da = { .addr = 0x10000, .count = 8 };
	struct vfu_hdr h;

	raw_dma_map(f->fd, 93, 0x10000, 0x1000, VFU_DMA_READ);
	expect_reply_ok(f->fd, 93, VFU_CMD_DMA_MAP);
	vfu_region_access_encode(cmd, &a);
	st_he32(cmd + 16, TD_DMA_READ);
	st_he32(cmd + 20, 64);
	st_he64(cmd + 24, 0x10000);
	raw_msg(f->fd, 94, VFU_CMD_REGION_WRITE, 0, cmd, sizeof(cmd), NULL, 0);
	assert_int_equal(raw_recv(f->fd, &r), 1);
	/* Reply with the wrong count: the copy fails, the client stays. */
	vfu_dma_access_encode(reply + 16, &da);
	h = (struct vfu_hdr){ .msg_id = r.h.msg_id, .cmd = VFU_CMD_DMA_READ,
			      .size = sizeof(reply), .flags = VFU_F_TYPE_REPLY };
	vfu_hdr_encode(reply, &h);
	raw_bytes(f->fd, reply, sizeof(reply), NULL, 0);
	expect_error(f->fd, 94, EFAULT);
	/* A reply nobody asked for: disconnect. */
	raw_bytes(f->fd, reply, sizeof(reply), NULL, 0);
	expect_eof(f->fd);
}

static void test_second_client_refused(void **state)
{
	struct fixture *f = *state;
	struct vfu_client *c;
	struct error err = { 0 };

	assert_int_equal(vfu_client_connect(f->path, &c, &err), -ECONNREFUSED);
	assert_null(c);
	/* The first client is unaffected. */
	raw_msg(f->fd, 95, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	expect_reply_ok(f->fd, 95, VFU_CMD_DEVICE_RESET);
}

/* ---- several devices ------------------------------------------------------ */

struct worker_args {
	const char *path;
	uint8_t tag;
	int ok;
};

static void *client_worker(void *opaque)
{
	struct worker_args *a = opaque;
	struct error err = { 0 };
	struct vfu_client *c;
	uint8_t buf[TD_MEM_SIZE], back[TD_MEM_SIZE];

	if (vfu_client_connect(a->path, &c, &err) < 0)
		return NULL;
	for (int round = 0; round < 200; round++) {
		memset(buf, a->tag ^ round, sizeof(buf));
		if (vfu_client_region_write(c, 0, 0, buf, sizeof(buf)) !=
		    (int)sizeof(buf) ||
		    vfu_client_region_read(c, 0, 0, back, sizeof(back)) !=
		    (int)sizeof(back) || memcmp(buf, back, sizeof(buf)))
			break;
		a->ok = round + 1;
	}
	vfu_client_close(c);
	return NULL;
}

static void test_two_devices_one_loop(void **state)
{
	struct fixture *f = *state;
	struct testdev d2;
	char path2[320];
	pthread_t t[2];
	struct worker_args a[2] = { { f->path, 0x11, 0 }, { path2, 0x22, 0 } };

	/* The raw client leaves so the first device takes a real one. */
	close(f->fd);
	f->fd = -1;
	testdev_wait_gone(&f->dev, 1);
	snprintf(path2, sizeof(path2), "%s/dev2.sock", f->dir);
	testdev_start(&d2, f->tl.loop, path2, 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, client_worker,
						&a[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(a[0].ok, 200);
	assert_int_equal(a[1].ok, 200);
	testdev_stop(&d2);
}

static void test_stalled_client_other_device(void **state)
{
	struct fixture *f = *state;
	struct testloop tl2;
	struct testdev d2;
	char path2[320];
	struct vfu_client *c;
	struct error err = { 0 };
	uint8_t cmd[16 + 16];
	struct vfu_region_access a = { .region = 1, .count = 16 };
	struct raw_reply r;
	uint8_t b = 1;

	/* Device 1's client stalls in a DMA round trip ... */
	raw_dma_map(f->fd, 96, 0x10000, 0x1000, VFU_DMA_READ);
	expect_reply_ok(f->fd, 96, VFU_CMD_DMA_MAP);
	vfu_region_access_encode(cmd, &a);
	st_he32(cmd + 16, TD_DMA_READ);
	st_he32(cmd + 20, 8);
	st_he64(cmd + 24, 0x10000);
	raw_msg(f->fd, 97, VFU_CMD_REGION_WRITE, 0, cmd, sizeof(cmd), NULL, 0);
	assert_int_equal(raw_recv(f->fd, &r), 1);
	assert_int_equal(r.h.cmd, VFU_CMD_DMA_READ);
	/* ... device 2 on its own loop thread is unaffected. */
	testloop_start(&tl2);
	snprintf(path2, sizeof(path2), "%s/dev2.sock", f->dir);
	testdev_start(&d2, tl2.loop, path2, 0);
	assert_int_equal(vfu_client_connect(path2, &c, &err), 0);
	assert_int_equal(vfu_client_region_write(c, 0, 0, &b, 1), 1);
	assert_int_equal(vfu_client_reset(c), 0);
	vfu_client_close(c);
	testdev_stop(&d2);
	testloop_stop(&tl2);
}

static void test_worker_dma_timeout(void **state)
{
	struct fixture *f = *state;
	struct testdev d2;
	char path2[320];
	int fd;
	uint8_t cmd[16 + 16];
	struct vfu_region_access a = { .region = 1, .count = 16 };
	struct raw_reply r;

	/* A server with a short I/O bound; its client never answers. */
	snprintf(path2, sizeof(path2), "%s/dev2.sock", f->dir);
	testdev_start(&d2, f->tl.loop, path2, 50);
	fd = raw_connect(path2);
	raw_version(fd, 1);
	raw_dma_map(fd, 2, 0x10000, 0x1000,
		VFU_DMA_READ | VFU_DMA_WRITE);
	expect_reply_ok(fd, 2, VFU_CMD_DMA_MAP);
	vfu_region_access_encode(cmd, &a);
	st_he32(cmd + 16, TD_ASYNC_WRITE);
	st_he32(cmd + 20, 8);
	st_he64(cmd + 24, 0x10000);
	raw_msg(fd, 3, VFU_CMD_REGION_WRITE, 0, cmd, sizeof(cmd), NULL, 0);
	/* The reply and the worker's DMA_WRITE come in either order. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(raw_recv(fd, &r), 1);
		if (r.h.cmd == VFU_CMD_DMA_WRITE)
			assert_int_equal(r.h.flags, VFU_F_TYPE_COMMAND);
		else
			assert_int_equal(r.h.msg_id, 3);
	}
	testdev_wait_async(&d2, 1);
	assert_int_equal(d2.async_result, -ETIMEDOUT);
	/* The unresponsive client was dropped. */
	expect_eof(fd);
	testdev_wait_gone(&d2, 1);
	close(fd);
	testdev_stop(&d2);
}


/* A server that negotiates and then never answers: swallows requests. */
static void *mute_server(void *arg)
{
	int fd = *(int *)arg;
	static const char json[] = "{\"capabilities\":{\"max_msg_fds\":8}}";
	uint8_t v[4 + sizeof(json)];
	struct raw_reply r;

	assert_int_equal(raw_recv(fd, &r), 1);
	assert_int_equal(r.h.cmd, VFU_CMD_VERSION);
	vfu_version_encode(v, 0, 1);
	memcpy(v + 4, json, sizeof(json));
	raw_msg(fd, r.h.msg_id, VFU_CMD_VERSION, VFU_F_TYPE_REPLY, v, sizeof(v),
		NULL, 0);
	while (raw_recv(fd, &r) == 1)
		;
	return NULL;
}

static void test_client_call_timeout(void **state)
{
	struct vfu_device_info di;
	struct error err = { 0 };
	struct vfu_client *c;
	pthread_t t;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pthread_create(&t, NULL, mute_server, &sv[1]), 0);
	assert_int_equal(vfu_client_open_fd(sv[0], &c, &err), 0);
	assert_false(vfu_client_dead(c));
	vfu_client_set_timeout(c, 100);
	/* The unanswered request ends the connection, and so do later ones. */
	assert_int_equal(vfu_client_device_info(c, &di), -ETIMEDOUT);
	assert_true(vfu_client_dead(c));
	assert_int_equal(vfu_client_device_info(c, &di), -ETIMEDOUT);
	vfu_client_close(c);
	assert_int_equal(pthread_join(t, NULL), 0);
	close(sv[1]);
}

/* Reads what comes and never answers, not even the VERSION. */
static void *silent_server(void *arg)
{
	int fd = *(int *)arg;
	struct raw_reply r;

	while (raw_recv(fd, &r) == 1)
		;
	return NULL;
}

/* A server that accepts but never answers the handshake (a daemon hung
 * while starting): with timeout_ms the connect ends with -ETIMEDOUT. */
static void test_client_handshake_timeout(void **state)
{
	struct vfu_client_opts o = { .timeout_ms = 100 };
	struct error err = { 0 };
	struct vfu_client *c = NULL;
	pthread_t t;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pthread_create(&t, NULL, silent_server, &sv[1]), 0);
	assert_int_equal(vfu_client_open_fd_opts(sv[0], &o, &c, &err), -ETIMEDOUT);
	assert_null(c);
	assert_int_equal(pthread_join(t, NULL), 0);   /* it saw the close */
	close(sv[1]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_RAW(fn) cmocka_unit_test_setup_teardown(fn, setup_raw, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vanish_during_dma),
		T(test_commands_during_dma),
		T(test_dma_reply_garbage),
		T(test_second_client_refused),
		T(test_two_devices_one_loop),
		T(test_stalled_client_other_device),
		T(test_worker_dma_timeout),
		cmocka_unit_test(test_client_call_timeout),
		cmocka_unit_test(test_client_handshake_timeout),
	};

	return cmocka_run_group_tests_name("vfu_clients", tests, NULL, NULL);
}
