/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile vfio-user bytes against a real vfio_ccw mdev socket (this file:
 * framing, commands and regions; test_vcc_raw_dma.c the rest): a live host
 * with two mdevs, A and B. A raw client (tests/proto/vfu_raw.h) sends
 * mdev A truncated and oversized messages, unknown commands, region
 * accesses across and beyond the four vfio-ccw regions, writes to the
 * read-only schib and crw regions, bad SET_IRQS, DMA maps of files the
 * server must not map, unknown unmaps, fds where none belong, a second
 * VERSION, bad answers to the server's DMA_READ, a read-only map the
 * device must store into, and I/O it then abandons. Each gets the errno of
 * docs/protocol.md / docs/vfio-ccw.md or a closed connection. Meanwhile a
 * normal client keeps writing and reading blocks on mdev B, also while the
 * hostile connection is open; afterwards the process holds exactly the fds
 * it held before, and a normal client of mdev A finds it IDLE with no
 * stale IRB and does block I/O (teardown). Every test runs once per guest
 * memory mode of the normal clients.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "vcc_live.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"
#include "vfio_user/vfu_client.h"
#include "vfu_raw.h"
#include "vcc_raw_fix.h"

/* ---- framing ---- */

static void test_truncated_header(void **state)
{
	struct fix *f = *state;
	uint8_t h[8] = { 1, 0, VFU_CMD_REGION_WRITE, 0, 40, 0, 0, 0 };

	raw_bytes(f->fd, h, sizeof(h), NULL, 0);
	b_progress(f);
	shutdown(f->fd, SHUT_WR);
	expect_eof(f->fd);
}

static void test_truncated_payload(void **state)
{
	struct fix *f = *state;
	uint8_t m[24] = { 0 };
	struct vfu_hdr h = { .msg_id = 2, .cmd = VFU_CMD_REGION_WRITE,
			     .size = 16 + 16 + VCC_IO_REGION_SIZE };

	vfu_hdr_encode(m, &h);
	raw_bytes(f->fd, m, sizeof(m), NULL, 0);
	b_progress(f);
	shutdown(f->fd, SHUT_WR);
	expect_eof(f->fd);
}

static void test_huge_size(void **state)
{
	struct fix *f = *state;
	uint8_t m[16];
	struct vfu_hdr h = { .msg_id = 3, .cmd = VFU_CMD_REGION_WRITE,
			     .size = 0xffffffff };

	vfu_hdr_encode(m, &h);
	raw_bytes(f->fd, m, sizeof(m), NULL, 0);
	expect_error(f->fd, 3, EMSGSIZE);
	expect_eof(f->fd);
	b_progress(f);
}

/* ---- commands ---- */

static void test_unknown_command(void **state)
{
	struct fix *f = *state;

	raw_msg(f->fd, 10, 999, 0, "abcd", 4, NULL, 0);
	expect_error(f->fd, 10, EINVAL);
	raw_msg(f->fd, 11, 6 /* GET_REGION_IO_FDS */, 0, "01234567", 8, NULL,
		0);
	expect_error(f->fd, 11, EOPNOTSUPP);
	raw_msg(f->fd, 12, VFU_CMD_DEVICE_FEATURE, 0, "abcdefgh", 8, NULL, 0);
	expect_error(f->fd, 12, EOPNOTSUPP);
	/* DMA_READ is the server's to send. */
	raw_msg(f->fd, 13, VFU_CMD_DMA_READ, 0, "0123456789abcdef", 16, NULL,
		0);
	expect_error(f->fd, 13, EINVAL);
	b_progress(f);
	expect_device_info(f);
}

static void test_version_twice(void **state)
{
	struct fix *f = *state;
	uint8_t v[4];

	vfu_version_encode(v, 0, 1);
	raw_msg(f->fd, 20, VFU_CMD_VERSION, 0, v, 4, NULL, 0);
	expect_error(f->fd, 20, EINVAL);
	b_progress(f);
	expect_device_info(f);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
}

/* ---- the io region: count and offset ---- */

static void test_io_region_bounds(void **state)
{
	struct fix *f = *state;
	const uint32_t io = VCC_REGION_IO;

	region_err(f, WR, io, 0, VCC_IO_REGION_SIZE + 1,
		   VCC_IO_REGION_SIZE + 1, EINVAL);            /* oversized */
	region_err(f, WR, io, 4, VCC_IO_REGION_SIZE, VCC_IO_REGION_SIZE,
		   EINVAL);                                    /* past the end */
	region_err(f, WR, io, VCC_IO_REGION_SIZE, 1, 1, EINVAL);
	/* The device-fd offset of the async region means nothing here. */
	region_err(f, WR, io, VCC_REGION_OFFSET(VCC_REGION_ASYNC), 8, 8,
		   EINVAL);
	region_err(f, WR, io, UINT64_MAX - 3, 8, 8, EINVAL);  /* wraps */
	region_err(f, WR, io, 0, 0x7fffffff, 0, EINVAL);      /* > 1 MiB */
	region_err(f, WR, io, 0, 12, 8, EINVAL);              /* short data */
	region_err(f, WR, io, 0, 8, 12, EINVAL);              /* extra data */
	b_progress(f);
	/* None of that reached the device. */
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
	assert_false(irb_posted(f->pa));
}

/*
 * Short writes are writes (Linux: pos + count within the region): each
 * fires the I/O request with whatever the region holds. No guest memory
 * is mapped, so a START cannot fetch its first CCW: -EFAULT.
 */
static void test_io_region_short(void **state)
{
	struct fix *f = *state;
	uint8_t region[VCC_IO_REGION_SIZE];
	struct css_scsw scsw = { .ctrl = SCSW_FCTL_HALT };
	uint16_t id = 30;

	start_region(region);
	/* The ORB alone: no function in the SCSW area, nothing done. */
	raw_region(f->fd, id, WR, VCC_REGION_IO, VCC_IO_ORB_OFF, 12,
		   region + VCC_IO_ORB_OFF, 12, NULL, 0);
	expect_count(f, id++, WR, 12);
	raw_region(f->fd, id, WR, VCC_REGION_IO, 0, 0, NULL, 0, NULL, 0);
	expect_count(f, id++, WR, 0);
	/* Then the SCSW: START with that ORB. */
	raw_region(f->fd, id, WR, VCC_REGION_IO, VCC_IO_SCSW_OFF, 12,
		   region + VCC_IO_SCSW_OFF, 12, NULL, 0);
	expect_error(f->fd, id++, EFAULT);
	/* Bytes over the IRB, over ret_code: the START again, the same. */
	raw_region(f->fd, id, WR, VCC_REGION_IO, VCC_IO_IRB_OFF, 1, "x", 1,
		   NULL, 0);
	expect_error(f->fd, id++, EFAULT);
	raw_region(f->fd, id, WR, VCC_REGION_IO, VCC_IO_RET_OFF, 4, "\0\0\0\0",
		   4, NULL, 0);
	expect_error(f->fd, id++, EFAULT);
	/* The last byte alone, and the whole region. */
	raw_region(f->fd, id, WR, VCC_REGION_IO, VCC_IO_REGION_SIZE - 1, 1,
		   "\0", 1, NULL, 0);
	expect_error(f->fd, id++, EFAULT);
	raw_region(f->fd, id, WR, VCC_REGION_IO, 0, VCC_IO_REGION_SIZE, region,
		   VCC_IO_REGION_SIZE, NULL, 0);
	expect_error(f->fd, id++, EFAULT);
	b_progress(f);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
	assert_false(irb_posted(f->pa));
	/* HALT / CLEAR through the io region are refused. */
	vcc_io_put_scsw(region, &scsw);
	raw_region(f->fd, id, WR, VCC_REGION_IO, VCC_IO_SCSW_OFF, 12,
		   region + VCC_IO_SCSW_OFF, 12, NULL, 0);
	expect_error(f->fd, id++, EOPNOTSUPP);
}

/* ---- the other regions ---- */

static void test_async_region(void **state)
{
	struct fix *f = *state;
	const uint32_t as = VCC_REGION_ASYNC;
	uint8_t cmd[VCC_CMD_REGION_SIZE] = { 0 };
	uint16_t id = 40;

	/* Inside the async region, the count running into the schib's. */
	region_err(f, WR, as, 4, 8, 8, EINVAL);
	region_err(f, WR, as, VCC_CMD_REGION_SIZE, 1, 1, EINVAL);
	region_err(f, WR, as, 0, 16, 16, EINVAL);
	region_err(f, RD, as, 4, 8, 0, EINVAL);
	/* Not a command. */
	st_he32(cmd, 0x77);
	raw_region(f->fd, id, WR, as, 0, 8, cmd, 8, NULL, 0);
	expect_error(f->fd, id++, EINVAL);
	/* ret_code alone: the request again with command 0x77. */
	raw_region(f->fd, id, WR, as, 4, 4, cmd + 4, 4, NULL, 0);
	expect_error(f->fd, id++, EINVAL);
	b_progress(f);
	/*
	 * HSCH of the idle subchannel: cc 0, and the halt's IRB becomes
	 * pending. The client leaves without reading it: the next client
	 * must not see it (teardown).
	 */
	st_he32(cmd, VFIO_CCW_ASYNC_CMD_HSCH);
	raw_region(f->fd, id, WR, as, 0, 4, cmd, 4, NULL, 0);
	expect_count(f, id++, WR, 4);
	wait_irb_posted(f->pa);
}

static void test_readonly_and_missing_regions(void **state)
{
	struct fix *f = *state;

	region_err(f, WR, VCC_REGION_SCHIB, 0, VCC_SCHIB_REGION_SIZE,
		   VCC_SCHIB_REGION_SIZE, EINVAL);
	region_err(f, WR, VCC_REGION_SCHIB, 0, 1, 1, EINVAL);
	region_err(f, WR, VCC_REGION_CRW, 0, VCC_CRW_REGION_SIZE,
		   VCC_CRW_REGION_SIZE, EINVAL);
	/* Beyond the last region. */
	region_err(f, WR, VCC_NUM_REGIONS, 0, 4, 4, EINVAL);
	region_err(f, RD, VCC_NUM_REGIONS, 0, 4, 0, EINVAL);
	region_err(f, WR, 0xffffffff, 0, 4, 4, EINVAL);
	region_err(f, RD, 9, 0, 4, 0, EINVAL);
	b_progress(f);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
}

static void test_region_read_bounds(void **state)
{
	struct fix *f = *state;
	uint16_t id;

	region_err(f, RD, VCC_REGION_IO, 0, VCC_IO_REGION_SIZE + 1, 0, EINVAL);
	region_err(f, RD, VCC_REGION_IO, VCC_IO_RET_OFF, 8, 0, EINVAL);
	region_err(f, RD, VCC_REGION_IO, UINT64_MAX, 2, 0, EINVAL);
	region_err(f, RD, VCC_REGION_IO, 0, 0x7fffffff, 0, EINVAL);
	region_err(f, RD, VCC_REGION_IO, 0, 4, 4, EINVAL);    /* data on read */
	region_err(f, RD, VCC_REGION_SCHIB, VCC_SCHIB_REGION_SIZE, 1, 0,
		   EINVAL);
	region_err(f, RD, VCC_REGION_SCHIB, 48, 8, 0, EINVAL);
	region_err(f, RD, VCC_REGION_SCHIB, 0, VCC_SCHIB_REGION_SIZE + 1, 0,
		   EINVAL);
	region_err(f, RD, VCC_REGION_CRW, VCC_CRW_REGION_SIZE, 1, 0, EINVAL);
	region_err(f, RD, VCC_REGION_CRW, 0, 16, 0, EINVAL);
	b_progress(f);
	/* The regions themselves read fine. */
	id = f->id++;
	raw_region(f->fd, id, RD, VCC_REGION_SCHIB, 0, VCC_SCHIB_REGION_SIZE,
		   NULL, 0, NULL, 0);
	expect_count(f, id, RD, VCC_SCHIB_REGION_SIZE);
	id = f->id++;
	raw_region(f->fd, id, RD, VCC_REGION_SCHIB, VCC_SCHIB_REGION_SIZE, 0,
		   NULL, 0, NULL, 0);
	expect_count(f, id, RD, 0);
	id = f->id++;
	raw_region(f->fd, id, RD, VCC_REGION_IO, 0, VCC_IO_REGION_SIZE, NULL,
		   0, NULL, 0);
	expect_count(f, id, RD, VCC_IO_REGION_SIZE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, rs_setup, rs_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_truncated_header),
		T(test_truncated_payload),
		T(test_huge_size),
		T(test_unknown_command),
		T(test_version_twice),
		T(test_io_region_bounds),
		T(test_io_region_short),
		T(test_async_region),
		T(test_readonly_and_missing_regions),
		T(test_region_read_bounds),
	};

	return vl_run_mem_groups(tests, sizeof(tests) / sizeof(tests[0]));
}
