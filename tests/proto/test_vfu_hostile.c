/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw bytes against a live vfio-user server: every malformed or hostile
 * message gets an error reply or a closed connection, never a crash, and
 * the server serves the next client afterwards (checked in teardown).
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
#include "test_wait.h"
#include "vfu_raw.h"

/* ---- negotiation -------------------------------------------------------- */

static void test_command_before_version(void **state)
{
	struct fixture *f = *state;
	uint8_t q[16] = { 0 };

	st_he32(q, 16);
	raw_msg(f->fd, 1, VFU_CMD_DEVICE_GET_INFO, 0, q, 16, NULL, 0);
	expect_error(f->fd, 1, EINVAL);
	expect_eof(f->fd);
}

static void test_bad_major(void **state)
{
	struct fixture *f = *state;
	uint8_t v[4];

	vfu_version_encode(v, 1, 0);
	raw_msg(f->fd, 7, VFU_CMD_VERSION, 0, v, 4, NULL, 0);
	expect_error(f->fd, 7, ENOTSUP);
	expect_eof(f->fd);
}

static void version_with(struct fixture *f, const void *data, size_t len)
{
	uint8_t v[4 + 256];

	vfu_version_encode(v, 0, 1);
	memcpy(v + 4, data, len);
	raw_msg(f->fd, 9, VFU_CMD_VERSION, 0, v, 4 + len, NULL, 0);
	expect_error(f->fd, 9, EINVAL);
	expect_eof(f->fd);
}

static void test_json_not_terminated(void **state)
{
	version_with(*state, "{}", 2);
}

/* A JSON text with its terminating NUL. */
#define VERSION_WITH(f, lit) version_with(f, lit, sizeof(lit))

static void test_json_syntax(void **state)
{
	VERSION_WITH(*state, "{\"capabilities\":{\"max_msg_fds\":}}");
}

static void test_json_wrong_type(void **state)
{
	VERSION_WITH(*state, "{\"capabilities\":{\"max_msg_fds\":\"8\"}}");
}

static void test_json_not_object(void **state)
{
	VERSION_WITH(*state, "[1, 2]");
}

static void test_json_embedded_nul(void **state)
{
	VERSION_WITH(*state, "{}\0{}");
}

static void test_version_truncated(void **state)
{
	struct fixture *f = *state;

	raw_msg(f->fd, 3, VFU_CMD_VERSION, 0, "\0", 1, NULL, 0);
	expect_error(f->fd, 3, EINVAL);
	expect_eof(f->fd);
}

static void test_version_with_fd(void **state)
{
	struct fixture *f = *state;
	int p[2];
	uint8_t v[4];
	char c;

	assert_int_equal(pipe(p), 0);
	vfu_version_encode(v, 0, 1);
	raw_msg(f->fd, 4, VFU_CMD_VERSION, 0, v, 4, &p[1], 1);
	close(p[1]);
	expect_error(f->fd, 4, EINVAL);
	expect_eof(f->fd);
	/* The server closed its copy: the pipe has no writer left. */
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
}

static void test_version_twice(void **state)
{
	struct fixture *f = *state;
	uint8_t v[4];

	raw_version(f->fd, 1);
	vfu_version_encode(v, 0, 1);
	raw_msg(f->fd, 2, VFU_CMD_VERSION, 0, v, 4, NULL, 0);
	expect_error(f->fd, 2, EINVAL);
	/* Still usable. */
	raw_msg(f->fd, 3, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	expect_reply_ok(f->fd, 3, VFU_CMD_DEVICE_RESET);
}

static void test_version_no_json(void **state)
{
	struct fixture *f = *state;
	struct raw_reply r;
	struct vfu_version v;
	uint8_t q[4];

	vfu_version_encode(q, 0, 0);
	raw_msg(f->fd, 5, VFU_CMD_VERSION, 0, q, 4, NULL, 0);
	assert_int_equal(raw_recv(f->fd, &r), 1);
	assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY);
	assert_int_equal(vfu_version_decode(r.payload, r.len, &v), 0);
	assert_int_equal(v.major, 0);
	assert_int_equal(v.minor, 0);     /* never above the client's */
	assert_non_null(v.json);
}

/* ---- framing ------------------------------------------------------------- */

static void test_truncated_header(void **state)
{
	struct fixture *f = *state;
	uint8_t h[8] = { 1, 0, 4, 0, 40, 0, 0, 0 };

	raw_bytes(f->fd, h, sizeof(h), NULL, 0);
	shutdown(f->fd, SHUT_WR);
	expect_eof(f->fd);
}

static void test_truncated_payload(void **state)
{
	struct fixture *f = *state;
	uint8_t m[24] = { 0 };
	struct vfu_hdr h = { .msg_id = 1, .cmd = VFU_CMD_REGION_WRITE,
			     .size = 16 + 16 + 64 };

	vfu_hdr_encode(m, &h);
	raw_bytes(f->fd, m, sizeof(m), NULL, 0);
	shutdown(f->fd, SHUT_WR);
	expect_eof(f->fd);
}

static void test_huge_size(void **state)
{
	struct fixture *f = *state;
	uint8_t m[16];
	struct vfu_hdr h = { .msg_id = 6, .cmd = VFU_CMD_REGION_WRITE,
			     .size = 0xffffffff };

	vfu_hdr_encode(m, &h);
	raw_bytes(f->fd, m, sizeof(m), NULL, 0);
	expect_error(f->fd, 6, EMSGSIZE);
	expect_eof(f->fd);
}

static void test_size_below_header(void **state)
{
	struct fixture *f = *state;
	uint8_t m[16];
	struct vfu_hdr h = { .msg_id = 8, .cmd = VFU_CMD_DEVICE_RESET,
			     .size = 8 };

	vfu_hdr_encode(m, &h);
	raw_bytes(f->fd, m, sizeof(m), NULL, 0);
	expect_error(f->fd, 8, EINVAL);
	expect_eof(f->fd);
}

static void test_byte_by_byte(void **state)
{
	struct fixture *f = *state;
	uint8_t m[16];
	struct vfu_hdr h = { .msg_id = 11, .cmd = VFU_CMD_DEVICE_RESET,
			     .size = 16 };

	/* Partial reads: one byte per write still makes one message. */
	vfu_hdr_encode(m, &h);
	for (int i = 0; i < 16; i++)
		raw_bytes(f->fd, m + i, 1, NULL, 0);
	expect_reply_ok(f->fd, 11, VFU_CMD_DEVICE_RESET);
}

static void test_unknown_command(void **state)
{
	struct fixture *f = *state;

	raw_msg(f->fd, 12, 999, 0, "abcd", 4, NULL, 0);
	expect_error(f->fd, 12, EINVAL);
	raw_msg(f->fd, 13, VFU_CMD_DEVICE_FEATURE, 0, "abcdefgh", 8, NULL, 0);
	expect_error(f->fd, 13, EOPNOTSUPP);
	raw_msg(f->fd, 14, VFU_CMD_DMA_READ, 0, "0123456789abcdef", 16, NULL, 0);
	expect_error(f->fd, 14, EINVAL);
	/* The connection survives unknown commands. */
	raw_msg(f->fd, 15, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	expect_reply_ok(f->fd, 15, VFU_CMD_DEVICE_RESET);
}

static void test_bad_flags(void **state)
{
	struct fixture *f = *state;

	raw_msg(f->fd, 16, VFU_CMD_DEVICE_RESET, 0x40, NULL, 0, NULL, 0);
	expect_error(f->fd, 16, EINVAL);
	raw_msg(f->fd, 17, VFU_CMD_DEVICE_RESET, 0x2, NULL, 0, NULL, 0);
	expect_error(f->fd, 17, EINVAL);
	raw_msg(f->fd, 18, VFU_CMD_DEVICE_RESET, VFU_F_ERROR, NULL, 0, NULL, 0);
	expect_error(f->fd, 18, EINVAL);
	raw_msg(f->fd, 19, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	expect_reply_ok(f->fd, 19, VFU_CMD_DEVICE_RESET);
}

static void test_reply_flag_on_request(void **state)
{
	struct fixture *f = *state;

	raw_msg(f->fd, 20, VFU_CMD_DEVICE_RESET, VFU_F_TYPE_REPLY, NULL, 0,
		NULL, 0);
	expect_eof(f->fd);
}

static void test_no_reply(void **state)
{
	struct fixture *f = *state;

	raw_msg(f->fd, 21, VFU_CMD_DEVICE_RESET, VFU_F_NO_REPLY, NULL, 0, NULL,
		0);
	raw_msg(f->fd, 22, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	expect_reply_ok(f->fd, 22, VFU_CMD_DEVICE_RESET);
	assert_int_equal(f->dev.resets, 2);
}

static unsigned replied(struct testdev *d, int *queued)
{
	unsigned n;

	pthread_mutex_lock(&d->lock);
	n = d->replied;
	*queued = d->probe_queued;
	pthread_mutex_unlock(&d->lock);
	return n;
}

/* The device's replied op runs once per command, after the answer went. */
static void test_replied_after_reply(void **state)
{
	struct fixture *f = *state;
	const uint8_t data[4] = { 1, 2, 3, 4 };
	int queued;

	/* The set-up's VERSION is the first: its op may still be on its way. */
	assert_true(TEST_WAIT_UNTIL(replied(&f->dev, &queued) == 1));
	pthread_mutex_lock(&f->dev.lock);
	f->dev.probe = true;
	f->dev.probe_fd = f->fd;     /* nothing read from it meanwhile */
	pthread_mutex_unlock(&f->dev.lock);
	raw_region(f->fd, 23, VFU_CMD_REGION_WRITE, 0, 0, sizeof(data), data,
		   sizeof(data), NULL, 0);
	assert_true(TEST_WAIT_UNTIL(replied(&f->dev, &queued) == 2));
	/* The header and the access header of the answer were there. */
	assert_true(queued >= (int)(sizeof(struct vfu_hdr) + 16));
	expect_reply_ok(f->fd, 23, VFU_CMD_REGION_WRITE);
	/* No answer wanted: the op still runs, with nothing to read. */
	raw_msg(f->fd, 24, VFU_CMD_DEVICE_RESET, VFU_F_NO_REPLY, NULL, 0, NULL,
		0);
	assert_true(TEST_WAIT_UNTIL(replied(&f->dev, &queued) == 3));
	assert_int_equal(queued, 0);
	pthread_mutex_lock(&f->dev.lock);
	f->dev.probe = false;
	pthread_mutex_unlock(&f->dev.lock);
}

static void test_unexpected_fds(void **state)
{
	struct fixture *f = *state;
	int p[2], many[9];
	char c;

	assert_int_equal(pipe(p), 0);
	raw_msg(f->fd, 23, VFU_CMD_DEVICE_RESET, 0, NULL, 0, &p[1], 1);
	expect_error(f->fd, 23, EINVAL);
	/* More fds than allowed in one message. */
	for (int i = 0; i < 9; i++)
		many[i] = p[1];
	raw_msg(f->fd, 24, VFU_CMD_DEVICE_RESET, 0, NULL, 0, many, 9);
	expect_error(f->fd, 24, EINVAL);
	close(p[1]);
	/* Every copy the server received is closed again. */
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
	raw_msg(f->fd, 25, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	expect_reply_ok(f->fd, 25, VFU_CMD_DEVICE_RESET);
}

/* ---- per-command checks ----------------------------------------------- */

static void test_map_overlap_unmap_unknown(void **state)
{
	struct fixture *f = *state;
	struct vfu_dma_unmap u = { .argsz = 24, .addr = 0x10000, .size = 0x1000 };
	uint8_t q[24];

	raw_dma_map(f->fd, 30, 0x10000, 0x2000, VFU_DMA_READ);
	expect_reply_ok(f->fd, 30, VFU_CMD_DMA_MAP);
	raw_dma_map(f->fd, 31, 0x11000, 0x2000, VFU_DMA_READ);       /* overlaps */
	expect_error(f->fd, 31, EEXIST);
	raw_dma_map(f->fd, 32, 0xf000, 0x1001, VFU_DMA_READ);        /* 1 byte */
	expect_error(f->fd, 32, EEXIST);
	raw_dma_map(f->fd, 33, 0xf000, 0x1000, VFU_DMA_READ);        /* adjacent */
	expect_reply_ok(f->fd, 33, VFU_CMD_DMA_MAP);
	/* Unmap must match a map exactly. */
	vfu_dma_unmap_encode(q, &u);
	raw_msg(f->fd, 34, VFU_CMD_DMA_UNMAP, 0, q, 24, NULL, 0);
	expect_error(f->fd, 34, ENOENT);
	u.addr = 0x900000;
	vfu_dma_unmap_encode(q, &u);
	raw_msg(f->fd, 35, VFU_CMD_DMA_UNMAP, 0, q, 24, NULL, 0);
	expect_error(f->fd, 35, ENOENT);
	/* Dirty bitmaps are not supported. */
	u.flags = VFU_UNMAP_GET_DIRTY_BITMAP;
	vfu_dma_unmap_encode(q, &u);
	raw_msg(f->fd, 36, VFU_CMD_DMA_UNMAP, 0, q, 24, NULL, 0);
	expect_error(f->fd, 36, EINVAL);
	/* Wrong payload size. */
	raw_msg(f->fd, 37, VFU_CMD_DMA_UNMAP, 0, q, 20, NULL, 0);
	expect_error(f->fd, 37, EINVAL);
}

static void test_map_overflow(void **state)
{
	struct fixture *f = *state;

	raw_dma_map(f->fd, 40, UINT64_MAX - 10, 0x1000, VFU_DMA_READ);
	expect_error(f->fd, 40, EINVAL);
	raw_dma_map(f->fd, 41, 0x1000, 0, VFU_DMA_READ);
	expect_error(f->fd, 41, EINVAL);
	/* Ending exactly at 2^64 is fine. */
	raw_dma_map(f->fd, 42, UINT64_MAX - 0xfff, 0x1000, VFU_DMA_READ);
	expect_reply_ok(f->fd, 42, VFU_CMD_DMA_MAP);
}

static void region_access(struct fixture *f, uint16_t id, uint16_t cmd,
			  uint64_t off, uint32_t region, uint32_t count,
			  size_t data_len)
{
	struct vfu_region_access a = { .offset = off, .region = region,
				       .count = count };
	uint8_t q[16 + 256] = { 0 };

	vfu_region_access_encode(q, &a);
	raw_msg(f->fd, id, cmd, 0, q, 16 + data_len, NULL, 0);
}

static void test_region_bounds(void **state)
{
	struct fixture *f = *state;

	region_access(f, 50, VFU_CMD_REGION_READ, 0, 7, 4, 0);
	expect_error(f->fd, 50, EINVAL);                     /* index */
	region_access(f, 51, VFU_CMD_REGION_READ, UINT64_MAX - 1, 0, 16, 0);
	expect_error(f->fd, 51, EINVAL);                     /* overflow */
	region_access(f, 52, VFU_CMD_REGION_READ, 255, 0, 2, 0);
	expect_error(f->fd, 52, EINVAL);                     /* past end */
	region_access(f, 53, VFU_CMD_REGION_READ, 0, 0, 0x7fffffff, 0);
	expect_error(f->fd, 53, EINVAL);                     /* > max xfer */
	region_access(f, 54, VFU_CMD_REGION_WRITE, 0, 0, 8, 4);
	expect_error(f->fd, 54, EINVAL);                     /* short data */
	region_access(f, 55, VFU_CMD_REGION_WRITE, 0, 0, 4, 8);
	expect_error(f->fd, 55, EINVAL);                     /* extra data */
	region_access(f, 56, VFU_CMD_REGION_WRITE, 0, 2, 4, 4);
	expect_error(f->fd, 56, EINVAL);                     /* read-only */
	region_access(f, 57, VFU_CMD_REGION_READ, 0, 0, 4, 4);
	expect_error(f->fd, 57, EINVAL);                     /* data on read */
	region_access(f, 58, VFU_CMD_REGION_WRITE, 252, 0, 4, 4);
	expect_reply_ok(f->fd, 58, VFU_CMD_REGION_WRITE);    /* last bytes */
}

static void test_info_bad(void **state)
{
	struct fixture *f = *state;
	struct vfu_region_info ri = { .argsz = 32, .index = 3 };
	struct vfu_irq_info ii = { .argsz = 16, .index = 9 };
	uint8_t q[32];

	vfu_region_info_encode(q, &ri);
	raw_msg(f->fd, 60, VFU_CMD_DEVICE_GET_REGION_INFO, 0, q, 32, NULL, 0);
	expect_error(f->fd, 60, EINVAL);
	ri.index = 0;
	ri.argsz = 16;                                       /* too small */
	vfu_region_info_encode(q, &ri);
	raw_msg(f->fd, 61, VFU_CMD_DEVICE_GET_REGION_INFO, 0, q, 32, NULL, 0);
	expect_error(f->fd, 61, EINVAL);
	vfu_irq_info_encode(q, &ii);
	raw_msg(f->fd, 62, VFU_CMD_DEVICE_GET_IRQ_INFO, 0, q, 16, NULL, 0);
	expect_error(f->fd, 62, EINVAL);
	raw_msg(f->fd, 63, VFU_CMD_DEVICE_GET_INFO, 0, q, 12, NULL, 0);
	expect_error(f->fd, 63, EINVAL);
}

static void test_set_irqs_bad(void **state)
{
	struct fixture *f = *state;
	struct vfu_irq_set s = { .argsz = 20, .index = 0, .start = 0, .count = 1 };
	uint8_t q[24];
	int efd = eventfd(0, EFD_CLOEXEC);

	s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_EVENTFD |
		  VFIO_IRQ_SET_ACTION_TRIGGER;                 /* two data bits */
	vfu_irq_set_encode(q, &s);
	raw_msg(f->fd, 70, VFU_CMD_DEVICE_SET_IRQS, 0, q, 20, NULL, 0);
	expect_error(f->fd, 70, EINVAL);
	s.flags = VFIO_IRQ_SET_DATA_EVENTFD;                  /* no action */
	vfu_irq_set_encode(q, &s);
	raw_msg(f->fd, 71, VFU_CMD_DEVICE_SET_IRQS, 0, q, 20, NULL, 0);
	expect_error(f->fd, 71, EINVAL);
	s.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s.start = 0xffffffff;
	s.count = 2;                                          /* wraps */
	vfu_irq_set_encode(q, &s);
	raw_msg(f->fd, 72, VFU_CMD_DEVICE_SET_IRQS, 0, q, 20, NULL, 0);
	expect_error(f->fd, 72, EINVAL);
	s.start = 0;
	s.count = 1;
	vfu_irq_set_encode(q, &s);
	raw_msg(f->fd, 73, VFU_CMD_DEVICE_SET_IRQS, 0, q, 20,
		(int[]){ efd, efd }, 2);                      /* 2 fds, count 1 */
	expect_error(f->fd, 73, EINVAL);
	s.flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER;
	vfu_irq_set_encode(q, &s);
	raw_msg(f->fd, 74, VFU_CMD_DEVICE_SET_IRQS, 0, q, 20, NULL, 0);
	expect_error(f->fd, 74, EINVAL);                     /* bool missing */
	s.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	vfu_irq_set_encode(q, &s);
	raw_msg(f->fd, 75, VFU_CMD_DEVICE_SET_IRQS, 0, q, 20, &efd, 1);
	expect_reply_ok(f->fd, 75, VFU_CMD_DEVICE_SET_IRQS);
	close(efd);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_RAW(fn) cmocka_unit_test_setup_teardown(fn, setup_raw, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_RAW(test_command_before_version),
		T_RAW(test_bad_major),
		T_RAW(test_json_not_terminated),
		T_RAW(test_json_syntax),
		T_RAW(test_json_wrong_type),
		T_RAW(test_json_not_object),
		T_RAW(test_json_embedded_nul),
		T_RAW(test_version_truncated),
		T_RAW(test_version_with_fd),
		T_RAW(test_version_twice),
		T_RAW(test_version_no_json),
		T(test_truncated_header),
		T(test_truncated_payload),
		T(test_huge_size),
		T(test_size_below_header),
		T(test_byte_by_byte),
		T(test_unknown_command),
		T(test_bad_flags),
		T(test_reply_flag_on_request),
		T(test_no_reply),
		T(test_replied_after_reply),
		T(test_unexpected_fds),
		T(test_map_overlap_unmap_unknown),
		T(test_map_overflow),
		T(test_region_bounds),
		T(test_info_bad),
		T(test_set_irqs_bad),
	};

	return cmocka_run_group_tests_name("vfu_hostile", tests, NULL, NULL);
}
