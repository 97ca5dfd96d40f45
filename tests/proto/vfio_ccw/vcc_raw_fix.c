/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vcc_raw tests' fixture: see vcc_raw_fix.h. */
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

/* ---- mdev B's normal client, writing and reading all along ---- */


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
	assert_true(TEST_WAIT_UNTIL(atomic_load(&w->rounds) >= n));
	assert_int_equal(atomic_load(&w->fails), 0);
}

/* ---- fixture ---- */


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

int rs_setup(void **state)
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
void b_progress(struct fix *f)
{
	wait_rounds(&f->w, atomic_load(&f->w.rounds) + 1);
}

bool irb_posted(struct vcc_private *p)
{
	bool posted;

	vcc_fsm_lock(p);
	posted = p->irb_posted;
	vcc_fsm_unlock(p);
	return posted;
}

unsigned int irbs_queued(struct vcc_private *p)
{
	unsigned int n;

	vcc_fsm_lock(p);
	n = p->irbq.n;
	vcc_fsm_unlock(p);
	return n;
}

void wait_irb_posted(struct vcc_private *p)
{
	assert_true(TEST_WAIT_UNTIL(irb_posted(p)));
}

/* The hostile client is gone: its server side ends, and with it every fd
 * it received (bounded wait: the loop thread closes them). */
void hostile_gone(struct fix *f)
{
	int n = -1;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	TEST_WAIT_UNTIL((n = fd_count()) == f->nfds && !vcc_mdev_in_use(f->pa));
	assert_false(vcc_mdev_in_use(f->pa));
	assert_int_equal(n, f->nfds);
}

int rs_teardown(void **state)
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
void assert_pipe_orphaned(int p[2])
{
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };
	char c;

	close(p[1]);
	assert_int_equal(poll(&pfd, 1, VL_WAIT_MS), 1);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
}

void expect_count(struct fix *f, uint16_t id, uint16_t cmd,
		  uint32_t count)
{
	struct raw_reply r;
	struct vfu_region_access a;

	expect_reply(f->fd, id, cmd, &r);
	assert_int_equal(vfu_region_access_decode(r.payload, r.len, &a), 0);
	assert_int_equal(a.count, count);
	assert_int_equal(r.len, 16 + (cmd == RD ? count : 0));
}

void expect_device_info(struct fix *f)
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
void region_err(struct fix *f, uint16_t cmd, uint32_t region,
		uint64_t off, uint32_t count, size_t data_len, int err)
{
	uint16_t id = f->id++;

	raw_region(f->fd, id, cmd, region, off, count, NULL, data_len, NULL, 0);
	expect_error(f->fd, id, err);
}

int sealed_memfd(size_t size)
{
	int fd = memfd_create("vcc-raw", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	return fd;
}

/* The io region as QEMU writes it for START: ORB (format 1, prefetch,
 * 64-bit IDAWs, program at VL_PROG) and SCSW, each field in host order. */
void start_region(uint8_t region[VCC_IO_REGION_SIZE])
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
uint16_t raw_start(struct fix *f, const int *fds, size_t nfds)
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
uint8_t *map_sense_id(struct fix *f, uint32_t prot)
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
