/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile vfio-user bytes against a real vfio_ccw mdev socket: a live host
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

#define MAP_SIZE (1u << 20)      /* the hostile client's memfd */
#define RD VFU_CMD_REGION_READ
#define WR VFU_CMD_REGION_WRITE

/* ---- mdev B's normal client, writing and reading all along ---- */

struct worker {
	struct vl_guest *g;
	pthread_t thread;
	atomic_int rounds;
	atomic_int fails;
	atomic_bool stop;
};

static void *worker_main(void *opaque)
{
	struct worker *w = opaque;

	for (uint32_t i = 0; !atomic_load(&w->stop); i++) {
		if (vl_write_read(w->g, 2 + i % 8, (uint8_t)(1 + i % 5),
				  i & 1 ? VL_IDA2_4K : VL_DIRECT,
				  i & 1 ? VL_DIRECT : VL_IDA1_2K, 7000 + i))
			atomic_fetch_add(&w->fails, 1);
		atomic_fetch_add(&w->rounds, 1);
	}
	return NULL;
}

/* Bounded wait (a failure guard) until B finished n rounds. */
static void wait_rounds(struct worker *w, int n)
{
	for (int i = 0; i < VL_WAIT_MS && atomic_load(&w->rounds) < n; i++)
		usleep(1000);
	assert_true(atomic_load(&w->rounds) >= n);
	assert_int_equal(atomic_load(&w->fails), 0);
}

/* ---- fixture ---- */

struct fix {
	struct vl_host h;
	struct vl_guest b;
	struct worker w;
	const char *sock_a;
	struct vcc_private *pa;
	int nfds;               /* open fds before the hostile client */
	int fd;                 /* the hostile client's connection */
	uint16_t id;
};

static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int rs_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	vl_host_start(&f->h, 2, 2000, false);
	f->pa = f->h.dev[0].p;
	f->sock_a = vcc_mdev_socket(f->pa);
	assert_int_equal(vl_guest_connect(&f->b, vcc_mdev_socket(f->h.dev[1].p),
					  vl_mem_mode), 0);
	f->w.g = &f->b;
	assert_int_equal(pthread_create(&f->w.thread, NULL, worker_main,
					&f->w), 0);
	wait_rounds(&f->w, 1);
	f->nfds = fd_count();
	f->fd = raw_connect(f->sock_a);
	f->id = 1;
	raw_version(f->fd, f->id++);
	*state = f;
	return 0;
}

/* B completes a whole write + read while the hostile client is there. */
static void b_progress(struct fix *f)
{
	wait_rounds(&f->w, atomic_load(&f->w.rounds) + 1);
}

static bool irb_posted(struct vcc_private *p)
{
	bool posted;

	vcc_fsm_lock(p);
	posted = p->irb_posted;
	vcc_fsm_unlock(p);
	return posted;
}

static unsigned int irbs_queued(struct vcc_private *p)
{
	unsigned int n;

	vcc_fsm_lock(p);
	n = p->irbq.n;
	vcc_fsm_unlock(p);
	return n;
}

static void wait_irb_posted(struct vcc_private *p)
{
	for (int i = 0; i < VL_WAIT_MS && !irb_posted(p); i++)
		usleep(1000);
	assert_true(irb_posted(p));
}

/* The hostile client is gone: its server side ends, and with it every fd
 * it received (bounded wait: the loop thread closes them). */
static void hostile_gone(struct fix *f)
{
	int n = -1;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	for (int i = 0; i < VL_WAIT_MS; i++) {
		n = fd_count();
		if (!vcc_mdev_in_use(f->pa) && n == f->nfds)
			break;
		usleep(1000);
	}
	assert_false(vcc_mdev_in_use(f->pa));
	assert_int_equal(n, f->nfds);
}

static int rs_teardown(void **state)
{
	struct fix *f = *state;
	uint8_t io[VCC_IO_REGION_SIZE];
	static const uint8_t zero[CSS_IRB_SIZE];
	struct vl_guest a;

	hostile_gone(f);
	/* B keeps working after the hostile session, too. */
	b_progress(f);
	atomic_store(&f->w.stop, true);
	pthread_join(f->w.thread, NULL);
	assert_int_equal(atomic_load(&f->w.fails), 0);
	assert_true(vl_guest_canary_ok(&f->b));
	assert_int_equal(vl_dev_state(f->h.dev[1].p), VCC_STATE_IDLE);

	/* A normal client of A: IDLE, no IRB left over, block I/O works. */
	assert_int_equal(vl_guest_reconnect(&a, f->sock_a, vl_mem_mode), 0);
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
	assert_false(irb_posted(f->pa));
	assert_int_equal(vfu_client_region_read(a.c, VCC_REGION_IO, 0, io,
						sizeof(io)), sizeof(io));
	assert_memory_equal(io + VCC_IO_IRB_OFF, zero, sizeof(zero));
	assert_false(vl_signalled(a.io_efd));
	assert_int_equal(vl_write_read(&a, 9, 1, VL_DIRECT, VL_IDA2_4K, 4242),
			 0);
	assert_true(vl_guest_canary_ok(&a));
	assert_int_equal(vl_dev_state(f->pa), VCC_STATE_IDLE);
	vl_guest_close(&a);
	vl_guest_close(&f->b);
	vl_host_stop(&f->h);
	free(f);
	return 0;
}

/* The pipe's write end has no holder left: the server closed its copies
 * (poll's time-out is a failure guard, not a measure). */
static void assert_pipe_orphaned(int p[2])
{
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };
	char c;

	close(p[1]);
	assert_int_equal(poll(&pfd, 1, VL_WAIT_MS), 1);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
}

static void expect_count(struct fix *f, uint16_t id, uint16_t cmd,
			 uint32_t count)
{
	struct raw_reply r;
	struct vfu_region_access a;

	expect_reply(f->fd, id, cmd, &r);
	assert_int_equal(vfu_region_access_decode(r.payload, r.len, &a), 0);
	assert_int_equal(a.count, count);
	assert_int_equal(r.len, 16 + (cmd == RD ? count : 0));
}

static void expect_device_info(struct fix *f)
{
	struct vfu_device_info di;
	struct raw_reply r;
	uint8_t q[16] = { 0 };
	uint16_t id = f->id++;

	st_he32(q, 16);
	raw_msg(f->fd, id, VFU_CMD_DEVICE_GET_INFO, 0, q, 16, NULL, 0);
	expect_reply(f->fd, id, VFU_CMD_DEVICE_GET_INFO, &r);
	assert_int_equal(vfu_device_info_decode(r.payload, r.len, &di), 0);
	assert_int_equal(di.flags, VFIO_DEVICE_FLAGS_CCW |
				   VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(di.num_regions, VCC_NUM_REGIONS);
	assert_int_equal(di.num_irqs, VFIO_CCW_NUM_IRQS);
}

/* Region access expecting an errno. */
static void region_err(struct fix *f, uint16_t cmd, uint32_t region,
		       uint64_t off, uint32_t count, size_t data_len, int err)
{
	uint16_t id = f->id++;

	raw_region(f->fd, id, cmd, region, off, count, NULL, data_len, NULL, 0);
	expect_error(f->fd, id, err);
}

static int sealed_memfd(size_t size)
{
	int fd = memfd_create("vcc-raw", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	return fd;
}

/* The io region as QEMU writes it for START: ORB (format 1, prefetch,
 * 64-bit IDAWs, program at VL_PROG) and SCSW, each field in host order. */
static void start_region(uint8_t region[VCC_IO_REGION_SIZE])
{
	struct css_orb orb = { .ctrl0 = VL_ORB_LINUX, .lpm = 0xff,
			       .cpa = VL_PROG };
	struct css_scsw scsw = {
		.ctrl = SCSW_FCTL_START | SCSW_ACTL_START_PEND,
	};

	memset(region, 0, VCC_IO_REGION_SIZE);
	vcc_io_put_orb(region, &orb);
	vcc_io_put_scsw(region, &scsw);
}

/* START over the raw connection, fds attached. */
static uint16_t raw_start(struct fix *f, const int *fds, size_t nfds)
{
	uint8_t region[VCC_IO_REGION_SIZE];
	uint16_t id = f->id++;

	start_region(region);
	raw_region(f->fd, id, WR, VCC_REGION_IO, 0, sizeof(region), region,
		   sizeof(region), fds, nfds);
	return id;
}

/*
 * A sealed memfd holding Sense ID (64 bytes to VL_BUF) at VL_PROG, DMA
 * mapped at 0 with prot (then closed here). Returns our mapping of it.
 */
static uint8_t *map_sense_id(struct fix *f, uint32_t prot)
{
	int memfd = sealed_memfd(MAP_SIZE);
	uint8_t *mem = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			    memfd, 0);
	uint16_t id = f->id++;

	assert_true(mem != MAP_FAILED);
	mem[VL_PROG] = 0xe4;
	mem[VL_PROG + 1] = CCW_FLAG_SLI;
	st_be16(mem + VL_PROG + 2, 64);
	st_be32(mem + VL_PROG + 4, VL_BUF);
	raw_dma_map_fds(f->fd, id, 0, MAP_SIZE, prot, 0, &memfd, 1);
	expect_reply_ok(f->fd, id, VFU_CMD_DMA_MAP);
	close(memfd);
	return mem;
}

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
	for (int i = 0; i < VL_WAIT_MS && irbs_queued(f->pa) < 1; i++)
		usleep(1000);
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
		T(test_truncated_header),
		T(test_truncated_payload),
		T(test_huge_size),
		T(test_unknown_command),
		T(test_version_twice),
		T(test_io_region_bounds),
		T(test_io_region_short),
		T(test_async_region),
		T(test_set_irqs_refused_quiet),
		T(test_readonly_and_missing_regions),
		T(test_region_read_bounds),
		T(test_set_irqs_bad),
		T(test_dma_map_bad),
		T(test_unexpected_fds),
		T(test_abandoned_io),
		T(test_readonly_map),
		T(test_dma_replies_bad),
	};

	return vl_run_mem_groups(tests, sizeof(tests) / sizeof(tests[0]));
}
