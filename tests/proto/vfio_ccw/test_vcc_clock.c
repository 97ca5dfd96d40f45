/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timeouts and the wall clock (issue 8, point 7): every timed wait counts
 * on CLOCK_MONOTONIC, so a step of the wall clock (settimeofday, an NTP
 * step, an administrator's `date -s`) neither ends a wait early nor
 * stretches it. Each test starts a wait with a short timeout, steps
 * CLOCK_REALTIME forward by far more than that while it runs, and checks
 * that the wait still lasted its full timeout on the monotonic clock (a
 * lower bound: load can only make it longer). The wall clock is put back
 * to where it would have been (teardown, also after a failure).
 *
 * Needs CAP_SYS_TIME (root); runs alone (is_parallel false): other tests
 * would see the step.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "test_wait.h"
#include "vcc_live.h"
#include "vfu_raw.h"

#define TIMEOUT_MS 2000
#define STEP_S     20         /* far past any TIMEOUT_MS deadline */

/* ---- the wall clock, stepped and put back ---- */

static struct timespec rt0, mono0;
static bool stepped;

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static struct timespec ts_of(int64_t ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000,
				  .tv_nsec = ns % 1000000000 };
}

static void clock_step(long secs)
{
	struct timespec now;

	assert_int_equal(clock_gettime(CLOCK_REALTIME, &now), 0);
	now.tv_sec += secs;
	assert_int_equal(clock_settime(CLOCK_REALTIME, &now), 0);
	stepped = true;
}

/* Wall time = where it was + monotonic time since. */
static void clock_restore(void)
{
	struct timespec mono, rt;

	if (!stepped)
		return;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	rt = ts_of(ns_of(&rt0) + ns_of(&mono) - ns_of(&mono0));
	if (clock_settime(CLOCK_REALTIME, &rt) < 0)
		perror("test_vcc_clock: putting the clock back");
	stepped = false;
}

static int64_t mono_ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (ns_of(&now) - ns_of(t0)) / 1000000;
}

static int clock_setup(void **state)
{
	clock_gettime(CLOCK_REALTIME, &rt0);
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	return 0;
}

static int clock_teardown(void **state)
{
	clock_restore();
	return 0;
}

/* ---- an mdev removal waiting for the VMM (vcc_mdev release timeout) ---- */

struct remover {
	struct vl_host *h;
	struct timespec start;
	int64_t took_ms;
	int ret;
};

static void *remove_main(void *arg)
{
	struct remover *r = arg;

	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->ret = vcc_mdev_remove(r->h->dev[0].p, r->h->dev[0].uuid);
	r->took_ms = mono_ms_since(&r->start);
	return NULL;
}

static void test_release_timeout(void **state)
{
	struct remover r = { 0 };
	struct vl_host h;
	struct vl_guest g;
	pthread_t t;

	vl_host_start(&h, 1, TIMEOUT_MS, false);
	assert_int_equal(vl_guest_connect(&g, vcc_mdev_socket(h.dev[0].p),
					  VL_MEMFD), 0);
	r.h = &h;
	assert_int_equal(pthread_create(&t, NULL, remove_main, &r), 0);
	/* The removal asks the VMM to let go; this one never does. */
	assert_int_equal(vl_wait(&g, g.req_efd, VL_WAIT_MS), 0);
	clock_step(STEP_S);
	assert_int_equal(pthread_join(t, NULL), 0);
	clock_restore();
	assert_int_equal(r.ret, 0);
	assert_true(r.took_ms >= TIMEOUT_MS);
	vl_guest_close(&g);
	vl_host_stop(&h);
}

/* ---- a device's DMA message nobody answers (vfu_server timeout) ---- */

static void test_dma_reply_timeout(void **state)
{
	struct testloop tl;
	struct testdev d;
	struct raw_reply r;
	struct timespec start;
	uint8_t cmd[TD_CMD_SIZE];
	char dir[256], path[300];
	bool replied = false, asked = false;
	int fd;

	tmpdir_make(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/dev.sock", dir);
	testloop_start(&tl);
	testdev_start(&d, tl.loop, path, TIMEOUT_MS);
	/* A raw client: it maps memory without an fd, so the device asks
	 * for it with messages, and it answers none of them. */
	fd = raw_connect(path);
	raw_version(fd, 1);
	raw_dma_map(fd, 2, 0x10000, 4096, VFU_DMA_READ | VFU_DMA_WRITE);
	expect_reply_ok(fd, 2, VFU_CMD_DMA_MAP);
	st_he32(cmd, TD_ASYNC_WRITE);
	st_he32(cmd + 4, 64);
	st_he64(cmd + 8, 0x10000);
	clock_gettime(CLOCK_MONOTONIC, &start);
	raw_region(fd, 3, VFU_CMD_REGION_WRITE, 1, 0, sizeof(cmd), cmd,
		   sizeof(cmd), NULL, 0);
	/* The reply, and the device's DMA_WRITE (in either order): from now
	 * on the device waits for an answer. */
	while (!replied || !asked) {
		assert_int_equal(raw_recv(fd, &r), 1);
		if (r.h.cmd == VFU_CMD_DMA_WRITE)
			asked = true;
		else if (r.h.cmd == VFU_CMD_REGION_WRITE)
			replied = true;
	}
	clock_step(STEP_S);
	testdev_wait_async(&d, 1);
	clock_restore();
	assert_true(mono_ms_since(&start) >= TIMEOUT_MS);
	assert_int_equal(d.async_result, -ETIMEDOUT);
	close(fd);
	testdev_stop(&d);
	testloop_stop(&tl);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_release_timeout, clock_setup,
						clock_teardown),
		cmocka_unit_test_setup_teardown(test_dma_reply_timeout, clock_setup,
						clock_teardown),
	};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (geteuid() != 0 || clock_settime(CLOCK_REALTIME, &now) < 0) {
		printf("SKIP: needs CAP_SYS_TIME to step the clock\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
