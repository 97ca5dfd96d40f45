/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile vfio-user bytes against a real vfio_ccw mdev socket, continued
 * from test_vcc_raw.c (same fixture, vcc_raw_fix.h): bad SET_IRQS and a
 * refused one staying quiet, DMA maps of files the server must not map,
 * unknown unmaps, fds where none belong, I/O abandoned mid-way, a
 * read-only map the device must store into, bad answers to the server's
 * DMA_READ. Every test runs once per guest memory mode of the normal
 * client.
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

#include "test_wait.h"
#include "common/byteorder.h"
#include "vcc_live.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"
#include "vfio_user/vfu_client.h"
#include "vfu_raw.h"
#include "vcc_raw_fix.h"

/* ---- SET_IRQS ---- */

static void irqs_err(struct fix *f, uint32_t flags, uint32_t index,
		     uint32_t start, uint32_t count, const int *fds,
		     size_t nfds)
{
	uint16_t id = f->id++;

	raw_set_irqs(f->fd, id, flags, index, start, count, fds, nfds);
	expect_error(f->fd, id, EINVAL);
}

static void test_set_irqs_bad(void **state)
{
	struct fix *f = *state;
	const uint32_t trig = VFIO_IRQ_SET_DATA_EVENTFD |
			      VFIO_IRQ_SET_ACTION_TRIGGER;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), p[2], many[9];
	uint8_t q[21];
	uint64_t cnt;
	uint16_t id;

	assert_true(efd >= 0);
	assert_int_equal(pipe(p), 0);
	irqs_err(f, trig, VFIO_CCW_NUM_IRQS, 0, 1, &efd, 1);      /* index */
	irqs_err(f, trig, 0xffffffff, 0, 1, &efd, 1);
	irqs_err(f, trig, VFIO_CCW_IO_IRQ_INDEX, 0, 2,
		 (int[]){ efd, efd }, 2);                          /* count */
	irqs_err(f, trig, VFIO_CCW_IO_IRQ_INDEX, 1, 1, &efd, 1);  /* start */
	irqs_err(f, trig, VFIO_CCW_IO_IRQ_INDEX, 0, 1,
		 (int[]){ efd, efd }, 2);                          /* 2 fds */
	for (int i = 0; i < 9; i++)
		many[i] = p[1];
	irqs_err(f, trig, VFIO_CCW_CRW_IRQ_INDEX, 0, 1, many, 9); /* > 8 */
	irqs_err(f, trig, VFIO_CCW_REQ_IRQ_INDEX, 0, 1, &p[1], 1); /* pipe */
	irqs_err(f, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK,
		 VFIO_CCW_IO_IRQ_INDEX, 0, 1, &efd, 1);            /* mask */
	irqs_err(f, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		 VFIO_CCW_IO_IRQ_INDEX, 0, 1, &efd, 1);            /* fd on NONE */
	b_progress(f);
	assert_pipe_orphaned(p);
	/* An eventfd trigger without fd de-assigns (vfio-user's fd -1). */
	id = f->id++;
	raw_set_irqs(f->fd, id, trig, VFIO_CCW_IO_IRQ_INDEX, 0, 1, NULL, 0);
	expect_reply_ok(f->fd, id, VFU_CMD_DEVICE_SET_IRQS);
	/* A good one is installed: a DATA_BOOL trigger fires it. */
	id = f->id++;
	raw_set_irqs(f->fd, id, trig, VFIO_CCW_CRW_IRQ_INDEX, 0, 1, &efd, 1);
	expect_reply_ok(f->fd, id, VFU_CMD_DEVICE_SET_IRQS);
	id = f->id++;
	vfu_irq_set_encode(q, &(struct vfu_irq_set){
		.argsz = 21, .index = VFIO_CCW_CRW_IRQ_INDEX, .count = 1,
		.flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER });
	q[20] = 1;
	raw_msg(f->fd, id, VFU_CMD_DEVICE_SET_IRQS, 0, q, 21, NULL, 0);
	expect_reply_ok(f->fd, id, VFU_CMD_DEVICE_SET_IRQS);
	assert_int_equal(read(efd, &cnt, sizeof(cnt)), sizeof(cnt));
	/* The server's copy stays until the client goes (fd count). */
	close(efd);
}

/* efd signalled within the failure guard; its counter is consumed. */
static void assert_signalled(int efd)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t cnt;

	assert_int_equal(poll(&pfd, 1, VL_WAIT_MS), 1);
	assert_int_equal(read(efd, &cnt, sizeof(cnt)), sizeof(cnt));
}

/*
 * A refused SET_IRQS changes nothing, not even a second signal of an IRB
 * already signalled (QEMU would inject it twice). A new IO eventfd is
 * signalled once for it, which shows the moment the device would act has
 * passed by the time B made progress.
 */
static void test_set_irqs_refused_quiet(void **state)
{
	struct fix *f = *state;
	const uint32_t trig = VFIO_IRQ_SET_DATA_EVENTFD |
			      VFIO_IRQ_SET_ACTION_TRIGGER;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int efd2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), p[2];
	uint8_t cmd[VCC_CMD_REGION_SIZE] = { 0 };
	uint64_t cnt;
	uint16_t id;

	assert_true(efd >= 0 && efd2 >= 0);
	assert_int_equal(pipe(p), 0);
	id = f->id++;
	raw_set_irqs(f->fd, id, trig, VFIO_CCW_IO_IRQ_INDEX, 0, 1, &efd, 1);
	expect_reply_ok(f->fd, id, VFU_CMD_DEVICE_SET_IRQS);
	/* The halt's IRB: shown, signalled, left unread. */
	st_he32(cmd, VFIO_CCW_ASYNC_CMD_HSCH);
	id = f->id++;
	raw_region(f->fd, id, WR, VCC_REGION_ASYNC, 0, 4, cmd, 4, NULL, 0);
	expect_count(f, id, WR, 4);
	wait_irb_posted(f->pa);
	assert_signalled(efd);
	irqs_err(f, trig, VFIO_CCW_IO_IRQ_INDEX, 0, 1, &p[1], 1);
	b_progress(f);
	assert_int_equal(read(efd, &cnt, sizeof(cnt)), -1);
	assert_int_equal(errno, EAGAIN);
	assert_pipe_orphaned(p);
	id = f->id++;
	raw_set_irqs(f->fd, id, trig, VFIO_CCW_IO_IRQ_INDEX, 0, 1, &efd2, 1);
	expect_reply_ok(f->fd, id, VFU_CMD_DEVICE_SET_IRQS);
	assert_signalled(efd2);
	close(efd);
	close(efd2);
}

/* ---- DMA_MAP / DMA_UNMAP ---- */

static void map_err(struct fix *f, uint64_t addr, uint64_t size,
		    uint64_t offset, const int *fds, size_t nfds, int err)
{
	uint16_t id = f->id++;

	raw_dma_map_fds(f->fd, id, addr, size, VFU_DMA_READ | VFU_DMA_WRITE,
			offset, fds, nfds);
	expect_error(f->fd, id, err);
}

static void unmap(struct fix *f, uint64_t addr, uint64_t size,
		  const int *fds, size_t nfds, int err)
{
	struct vfu_dma_unmap u = { .argsz = 24, .addr = addr, .size = size };
	uint16_t id = f->id++;
	uint8_t q[24];

	vfu_dma_unmap_encode(q, &u);
	raw_msg(f->fd, id, VFU_CMD_DMA_UNMAP, 0, q, 24, fds, nfds);
	if (err)
		expect_error(f->fd, id, err);
	else
		expect_reply_ok(f->fd, id, VFU_CMD_DMA_UNMAP);
}

static void test_dma_map_bad(void **state)
{
	struct fix *f = *state;
	char path[] = "/tmp/vcc-raw-XXXXXX";
	int p[2], tmp, plain, sealed;
	uint16_t id;

	assert_int_equal(pipe(p), 0);
	tmp = mkstemp(path);
	assert_true(tmp >= 0);
	unlink(path);
	assert_int_equal(ftruncate(tmp, MAP_SIZE), 0);
	plain = memfd_create("vcc-raw-plain", MFD_CLOEXEC);
	assert_true(plain >= 0);
	assert_int_equal(ftruncate(plain, MAP_SIZE), 0);
	sealed = sealed_memfd(MAP_SIZE);

	map_err(f, 0, MAP_SIZE, 0, &p[1], 1, EINVAL);       /* not a file */
	map_err(f, 0, MAP_SIZE, 0, &tmp, 1, EPERM);         /* can shrink */
	map_err(f, 0, MAP_SIZE, 0, &plain, 1, EPERM);       /* not sealed */
	map_err(f, 0, 2 * MAP_SIZE, 0, &sealed, 1, EINVAL); /* too short */
	map_err(f, 0, 4096, 100, &sealed, 1, EINVAL);       /* unaligned */
	map_err(f, 0, MAP_SIZE, 0, (int[]){ sealed, sealed }, 2, EINVAL);
	b_progress(f);
	assert_pipe_orphaned(p);
	close(tmp);
	close(plain);

	id = f->id++;
	raw_dma_map_fds(f->fd, id, 0, MAP_SIZE, VFU_DMA_READ | VFU_DMA_WRITE,
			0, &sealed, 1);
	expect_reply_ok(f->fd, id, VFU_CMD_DMA_MAP);
	/* The seal holds: the file cannot be shrunk under the server. */
	assert_int_equal(ftruncate(sealed, 0), -1);
	assert_int_equal(errno, EPERM);
	map_err(f, MAP_SIZE / 2, MAP_SIZE, 0, &sealed, 1, EEXIST);
	map_err(f, MAP_SIZE - 1, 2, 0, NULL, 0, EEXIST);
	map_err(f, UINT64_MAX - 10, 4096, 0, NULL, 0, EINVAL);
	unmap(f, 0x900000, 0x1000, NULL, 0, ENOENT);        /* unknown */
	unmap(f, 0, MAP_SIZE / 2, NULL, 0, ENOENT);         /* a part */
	unmap(f, 0, MAP_SIZE, &sealed, 1, EINVAL);          /* an fd */
	unmap(f, 0, MAP_SIZE, NULL, 0, 0);
	unmap(f, 0, MAP_SIZE, NULL, 0, ENOENT);             /* again */
	close(sealed);
}

/* ---- fds where none belong ---- */

static void test_unexpected_fds(void **state)
{
	struct fix *f = *state;
	uint8_t q[32] = { 0 };
	int p[2];
	uint16_t id;

	assert_int_equal(pipe(p), 0);
	id = f->id++;
	raw_msg(f->fd, id, VFU_CMD_DEVICE_RESET, 0, NULL, 0, &p[1], 1);
	expect_error(f->fd, id, EINVAL);
	st_he32(q, 16);
	id = f->id++;
	raw_msg(f->fd, id, VFU_CMD_DEVICE_GET_INFO, 0, q, 16, &p[1], 1);
	expect_error(f->fd, id, EINVAL);
	st_he32(q, 32);
	id = f->id++;
	raw_msg(f->fd, id, VFU_CMD_DEVICE_GET_REGION_INFO, 0, q, 32, &p[1], 1);
	expect_error(f->fd, id, EINVAL);
	id = f->id++;
	raw_region(f->fd, id, RD, VCC_REGION_SCHIB, 0, VCC_SCHIB_REGION_SIZE,
		   NULL, 0, &p[1], 1);
	expect_error(f->fd, id, EINVAL);
	/* A START with an fd attached is refused before the device sees it. */
	expect_error(f->fd, raw_start(f, &p[1], 1), EINVAL);
	unmap(f, 0, MAP_SIZE, &p[1], 1, EINVAL);
	b_progress(f);
	assert_pipe_orphaned(p);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
	assert_false(irb_posted(f->pa));
	id = f->id++;
	raw_msg(f->fd, id, VFU_CMD_DEVICE_RESET, 0, NULL, 0, NULL, 0);
	expect_reply_ok(f->fd, id, VFU_CMD_DEVICE_RESET);
}

/*
 * A raw client that maps a sealed memfd, starts a real program (Sense ID)
 * and leaves without reading its IRB or unmapping anything.
 */
static void test_abandoned_io(void **state)
{
	struct fix *f = *state;
	uint8_t *mem = map_sense_id(f, VFU_DMA_READ | VFU_DMA_WRITE);

	expect_count(f, raw_start(f, NULL, 0), WR, VCC_IO_REGION_SIZE);
	wait_irb_posted(f->pa);
	/* The device did write the client's memory: 0xff, then 3390's CU. */
	assert_int_equal(mem[VL_BUF], 0xff);
	assert_int_equal(ld_be16(mem + VL_BUF + 1), 0x3990);
	b_progress(f);
	/* A second START while the IRB is unread: it runs, and its IRB
	 * queues behind the one shown. Both are left behind. */
	expect_count(f, raw_start(f, NULL, 0), WR, VCC_IO_REGION_SIZE);
	TEST_WAIT_UNTIL(irbs_queued(f->pa) >= 1);
	assert_int_equal(irbs_queued(f->pa), 1);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
	munmap(mem, MAP_SIZE);
}

/*
 * Guest memory the client maps read-only: the program can be fetched, but
 * the device's data cannot be stored. The server must neither write
 * through its read-only mapping (SIGSEGV) nor pretend it did. (Linux
 * pins data pages read-write and refuses the START with -EPERM.)
 */
static void test_readonly_map(void **state)
{
	struct fix *f = *state;
	uint8_t *mem = map_sense_id(f, VFU_DMA_READ);
	struct raw_reply r;
	struct css_irb irb;
	uint16_t id;

	expect_count(f, raw_start(f, NULL, 0), WR, VCC_IO_REGION_SIZE);
	wait_irb_posted(f->pa);
	id = f->id++;
	raw_region(f->fd, id, RD, VCC_REGION_IO, 0, VCC_IO_REGION_SIZE, NULL,
		   0, NULL, 0);
	expect_reply(f->fd, id, RD, &r);
	assert_int_equal(r.len, 16 + VCC_IO_REGION_SIZE);
	vcc_io_get_irb(r.payload + 16, &irb);
	/* The store fails as an unmapped address would (-EFAULT: program
	 * check, docs/css.md), after the CCW, with nothing transferred. */
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.cpa, VL_PROG + 8);
	assert_int_equal(irb.scsw.count, 64);
	assert_int_equal(mem[VL_BUF], 0);
	b_progress(f);
	munmap(mem, MAP_SIZE);
}

/* ---- guest memory by DMA messages, answered badly ---- */

/* START over the io region; the server fetches the first CCW with a
 * DMA_READ to us, which is returned (not answered). */
static uint16_t start_expect_dma_read(struct fix *f, struct raw_reply *r,
				      struct vfu_dma_access *a)
{
	uint16_t id = raw_start(f, NULL, 0);

	assert_int_equal(raw_recv(f->fd, r), 1);
	assert_int_equal(r->h.cmd, VFU_CMD_DMA_READ);
	assert_int_equal(r->h.flags, VFU_F_TYPE_COMMAND);
	assert_int_equal(vfu_dma_access_decode(r->payload, r->len, a), 0);
	assert_int_equal(a->addr, VL_PROG);
	assert_true(a->count >= 8 && a->count <= 16);
	return id;
}

static void test_dma_replies_bad(void **state)
{
	struct fix *f = *state;
	uint8_t q[16 + 16];
	struct vfu_dma_access a;
	struct raw_reply r;
	uint16_t id;

	raw_dma_map(f->fd, f->id, 0, MAP_SIZE, VFU_DMA_READ | VFU_DMA_WRITE);
	expect_reply_ok(f->fd, f->id++, VFU_CMD_DMA_MAP);

	/* An error reply: the CCW cannot be fetched. A command sent while
	 * the server waits runs after the START, in order. */
	id = start_expect_dma_read(f, &r, &a);
	st_he32(q, 16);
	raw_msg(f->fd, f->id, VFU_CMD_DEVICE_GET_INFO, 0, q, 16, NULL, 0);
	raw_msg(f->fd, r.h.msg_id, VFU_CMD_DMA_READ,
		VFU_F_TYPE_REPLY | VFU_F_ERROR, NULL, 0, NULL, 0);
	expect_error(f->fd, id, EFAULT);
	expect_reply(f->fd, f->id++, VFU_CMD_DEVICE_GET_INFO, &r);
	assert_int_equal(r.len, 16);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
	b_progress(f);

	/* A reply for fewer bytes than asked: the same. */
	id = start_expect_dma_read(f, &r, &a);
	vfu_dma_access_encode(q, &(struct vfu_dma_access){
		.addr = a.addr, .count = a.count / 2 });
	raw_msg(f->fd, r.h.msg_id, VFU_CMD_DMA_READ, VFU_F_TYPE_REPLY, q,
		16 + a.count / 2, NULL, 0);
	expect_error(f->fd, id, EFAULT);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);

	/* A reply to nothing the server asked: the connection ends. */
	start_expect_dma_read(f, &r, &a);
	raw_msg(f->fd, (uint16_t)(r.h.msg_id + 1), VFU_CMD_DMA_READ,
		VFU_F_TYPE_REPLY | VFU_F_ERROR, NULL, 0, NULL, 0);
	expect_eof(f->fd);
	b_progress(f);
	assert_false(irb_posted(f->pa));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, rs_setup, rs_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_set_irqs_refused_quiet),
		T(test_set_irqs_bad),
		T(test_dma_map_bad),
		T(test_unexpected_fds),
		T(test_abandoned_io),
		T(test_readonly_map),
		T(test_dma_replies_bad),
	};

	return vl_run_mem_groups(tests, sizeof(tests) / sizeof(tests[0]));
}
