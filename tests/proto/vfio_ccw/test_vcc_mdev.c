/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mdev life cycle over the wire: two mdevs on two subchannels at
 * once, removal while a VMM uses the device (the REQ interrupt, QEMU's
 * unplug; a VMM that does not let go is disconnected), the one-mdev rule,
 * clients that come and go.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vcc_live.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"
#include "vfio_user/vfu_client.h"
#include "vfio_user/vfu_transport.h"

static enum vcc_state dev_state(struct vcc_private *p)
{
	enum vcc_state s;

	vcc_fsm_lock(p);
	s = p->state;
	vcc_fsm_unlock(p);
	return s;
}

static bool sch_enabled(struct css_subchannel *sch)
{
	struct css_schib schib;

	return css_stsch(sch, &schib) == 0 &&
	       (schib.pmcw.flags & PMCW_FLAGS_ENA);
}

/* ---- two mdevs on two subchannels, each with its own client ---- */

struct worker {
	struct vl_guest *g;
	uint32_t seed;
	int fails;
	pthread_t thread;
};

static void *worker_main(void *opaque)
{
	struct worker *w = opaque;

	for (uint32_t i = 0; i < 6; i++)
		if (vl_write_read(w->g, 2 + i, (uint8_t)(1 + i % 5),
				  i & 1 ? VL_IDA2_4K : VL_DIRECT,
				  i & 1 ? VL_DIRECT : VL_IDA1_2K,
				  w->seed + i))
			w->fails++;
	return NULL;
}

static void test_two_mdevs(void **state)
{
	struct vl_host h;
	struct vl_guest g[2];
	struct worker w[2];

	vl_host_start(&h, 2, 2000, false);
	assert_string_not_equal(vcc_mdev_socket(h.dev[0].p),
				vcc_mdev_socket(h.dev[1].p));
	assert_int_equal(vl_guest_connect(&g[0], vcc_mdev_socket(h.dev[0].p),
					  VL_MEMFD), 0);
	assert_int_equal(vl_guest_connect(&g[1], vcc_mdev_socket(h.dev[1].p),
					  VL_MESSAGES), 0);
	for (int i = 0; i < 2; i++) {
		w[i] = (struct worker){ .g = &g[i], .seed = 100u * (uint32_t)i };
		assert_int_equal(pthread_create(&w[i].thread, NULL, worker_main,
						&w[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(w[i].thread, NULL);
		assert_int_equal(w[i].fails, 0);
	}
	/* Each wrote its own volume: device 1's track 2 is device 1's. */
	assert_int_equal(vl_write_read(&g[1], 2, 1, VL_DIRECT, VL_DIRECT, 100),
			 0);
	for (int i = 0; i < 2; i++) {
		assert_true(vl_guest_canary_ok(&g[i]));
		assert_int_equal(dev_state(h.dev[i].p), VCC_STATE_IDLE);
		vl_guest_close(&g[i]);
	}
	vl_host_stop(&h);
}

/* ---- removal while in use ---- */

struct remover {
	struct vcc_private *p;
	const char *uuid;
	int ret;
	pthread_t thread;
};

static void *remover_main(void *opaque)
{
	struct remover *r = opaque;

	r->ret = vcc_mdev_remove(r->p, r->uuid);
	return NULL;
}

static void test_req_on_remove(void **state)
{
	struct vl_host h;
	struct vl_guest g;
	struct remover r;
	struct css_irb irb;
	char sock[400];
	struct stat st;
	struct error err = { 0 };

	vl_host_start(&h, 1, 20000, false);
	snprintf(sock, sizeof(sock), "%s", vcc_mdev_socket(h.dev[0].p));
	assert_int_equal(vl_guest_connect(&g, sock, VL_MEMFD), 0);
	assert_true(vcc_mdev_in_use(h.dev[0].p));
	r = (struct remover){ .p = h.dev[0].p, .uuid = h.dev[0].uuid };
	assert_int_equal(pthread_create(&r.thread, NULL, remover_main, &r), 0);
	/* QEMU's vfio_ccw_req_notifier_handler: unplug, close the device. */
	assert_int_equal(vl_wait(&g, g.req_efd, VL_WAIT_MS), 0);
	vl_guest_close(&g);
	pthread_join(r.thread, NULL);
	assert_int_equal(r.ret, 0);
	assert_int_equal(stat(sock, &st), -1);
	assert_null(vcc_mdev_uuid(h.dev[0].p));
	assert_int_equal(vcc_available_instances(h.dev[0].p), 1);
	assert_int_equal(dev_state(h.dev[0].p), VCC_STATE_STANDBY);
	assert_false(sch_enabled(h.dev[0].sch));
	/* A new mdev on the subchannel works. */
	assert_int_equal(vcc_mdev_create(h.dev[0].p, h.dev[0].uuid, &err), 0);
	assert_int_equal(vl_guest_connect(&g, vcc_mdev_socket(h.dev[0].p),
					  VL_MESSAGES), 0);
	vl_ccw1(&g, VL_PROG, 0x64, 0, 64, VL_BUF);
	vl_run(&g, VL_ORB_LINUX, VL_PROG, &irb);
	assert_true(vl_final_ok(&irb, VL_PROG + 8, 0));
	vl_guest_close(&g);
	vl_host_stop(&h);
}

/* A VMM that ignores REQ in the middle of an endless program. */
static void test_remove_not_released(void **state)
{
	struct vl_host h;
	struct vl_guest g;
	struct css_schib s;
	uint8_t b[8];

	vl_host_start(&h, 1, 200, false);
	assert_int_equal(vl_guest_connect(&g, vcc_mdev_socket(h.dev[0].p),
					  VL_MESSAGES), 0);
	vl_ccw1(&g, VL_PROG, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
	vl_ccw1(&g, VL_PROG + 8, 0x08, 0, 0, VL_PROG);
	vl_ccw1(&g, VL_PROG + 16, 0x03, CCW_FLAG_SLI, 1, 0);
	assert_int_equal(vl_ssch(&g, VL_ORB_LINUX, 0xff, VL_PROG), 124);
	assert_int_equal(vcc_mdev_remove(h.dev[0].p, h.dev[0].uuid), 0);
	assert_true(vl_signalled(g.req_efd));
	/* The client was dropped. */
	assert_true(vfu_client_region_read(g.c, VCC_REGION_SCHIB, 0, b, 8) < 0);
	assert_int_equal(dev_state(h.dev[0].p), VCC_STATE_STANDBY);
	assert_int_equal(css_stsch(h.dev[0].sch, &s), 0);
	assert_false(s.pmcw.flags & PMCW_FLAGS_ENA);
	assert_int_equal(s.scsw.ctrl, 0);      /* nothing left running */
	vl_guest_close(&g);
	vl_host_stop(&h);
}

/*
 * Removal while CRWs are being signalled: the loop thread's bottom half
 * and a VMM-side CRW reader both signal through the mdev's server while
 * vcc_mdev_remove() destroys it. Nothing may signal through a destroyed
 * server (ASan: use after free; TSan: the server pointer raced).
 */
struct crw_storm {
	struct vl_host *h;
	struct vcc_private *p;
	bool stop;               /* __atomic */
	unsigned varied, read;
	pthread_t vary, drain;
};

static bool storm_stop(struct crw_storm *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_ACQUIRE);
}

static void *storm_vary(void *opaque)
{
	struct crw_storm *s = opaque;

	while (!storm_stop(s)) {
		if (css_chp_vary(s->h->css, VL_CHP_B, false) == 0 &&
		    css_chp_vary(s->h->css, VL_CHP_B, true) == 0)
			s->varied++;
	}
	return NULL;
}

static void *storm_drain(void *opaque)
{
	struct crw_storm *s = opaque;
	uint8_t b[VCC_CRW_REGION_SIZE];

	/* As QEMU's CRW handler: read the region (it re-signals while more
	 * are queued), which keeps the queue from filling up. */
	while (!storm_stop(s))
		if (vcc_crw_read(s->p, 0, b, sizeof(b)) == sizeof(b))
			s->read++;
	return NULL;
}

static void test_remove_during_crw_storm(void **state)
{
	struct vl_host h;
	struct crw_storm s;
	struct error err = { 0 };

	vl_host_start(&h, 1, 2000, false);
	s = (struct crw_storm){ .h = &h, .p = h.dev[0].p };
	assert_int_equal(pthread_create(&s.vary, NULL, storm_vary, &s), 0);
	assert_int_equal(pthread_create(&s.drain, NULL, storm_drain, &s), 0);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(vcc_mdev_remove(h.dev[0].p, h.dev[0].uuid), 0);
		assert_null(vcc_mdev_uuid(h.dev[0].p));
		assert_int_equal(vcc_mdev_create(h.dev[0].p, h.dev[0].uuid,
						 &err), 0);
	}
	__atomic_store_n(&s.stop, true, __ATOMIC_RELEASE);
	pthread_join(s.vary, NULL);
	pthread_join(s.drain, NULL);
	assert_true(s.varied > 0);
	assert_true(s.read > 0);
	assert_int_equal(dev_state(h.dev[0].p), VCC_STATE_STANDBY);
	vl_host_stop(&h);
}

/* A set-up failure names the mdev (here: no descriptor for its loop). */
static void test_create_error_names_mdev(void **state)
{
	struct vl_host h;
	struct error err = { 0 };
	struct rlimit old, tight;
	int probe, ret;

	vl_host_start(&h, 1, 2000, false);
	assert_int_equal(vcc_mdev_remove(h.dev[0].p, h.dev[0].uuid), 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	/* Every descriptor below the highest one in use is taken. */
	probe = dup(0);
	assert_true(probe >= 0);
	close(probe);
	for (int fd = 0; fd < probe; fd++)
		assert_true(fcntl(fd, F_GETFD) >= 0);
	tight = old;
	tight.rlim_cur = (rlim_t)probe;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &tight), 0);
	ret = vcc_mdev_create(h.dev[0].p, h.dev[0].uuid, &err);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(ret, -EMFILE);
	assert_non_null(strstr(err.msg, h.dev[0].uuid));
	assert_null(vcc_mdev_uuid(h.dev[0].p));
	/* Nothing was left behind: the mdev can be made now. */
	assert_int_equal(vcc_mdev_create(h.dev[0].p, h.dev[0].uuid, &err), 0);
	vl_host_stop(&h);
}

/* ---- the rules of the mdev ---- */

static void test_mdev_rules(void **state)
{
	struct vl_host h;
	struct vl_guest g, g2;
	struct vfu_client *c;
	struct error err = { 0 };
	struct css_irb irb;
	char bad[40];

	vl_host_start(&h, 1, 2000, false);
	/* One mdev per subchannel. */
	assert_int_equal(vcc_mdev_create(h.dev[0].p,
					 "11111111-2222-3333-4444-555555555555",
					 &err), -EUSERS);
	assert_int_equal(vcc_mdev_remove(h.dev[0].p,
					 "11111111-2222-3333-4444-555555555555"),
			 -ENODEV);
	/* A client that connects and leaves without talking: still ready. */
	{
		struct error e2;
		int fd;

		assert_int_equal(vfu_connect_unix(vcc_mdev_socket(h.dev[0].p),
						  &fd, &e2), 0);
		close(fd);
	}
	assert_int_equal(vl_guest_reconnect(&g, vcc_mdev_socket(h.dev[0].p),
					    VL_MEMFD), 0);
	assert_int_equal(dev_state(h.dev[0].p), VCC_STATE_IDLE);
	/* A second client is refused; the first is unaffected. */
	assert_int_equal(vfu_client_connect(vcc_mdev_socket(h.dev[0].p), &c,
					    &err), -ECONNREFUSED);
	vl_ccw1(&g, VL_PROG, 0x64, 0, 64, VL_BUF);
	vl_run(&g, VL_ORB_LINUX, VL_PROG, &irb);
	assert_true(vl_final_ok(&irb, VL_PROG + 8, 0));
	vl_guest_close(&g);
	/* A client after a clean goodbye. */
	assert_int_equal(vl_guest_reconnect(&g2, vcc_mdev_socket(h.dev[0].p),
					    VL_MESSAGES), 0);
	vl_ccw1(&g2, VL_PROG, 0x64, 0, 64, VL_BUF);
	vl_run(&g2, VL_ORB_LINUX, VL_PROG, &irb);
	assert_true(vl_final_ok(&irb, VL_PROG + 8, 0));
	vl_guest_close(&g2);
	memset(bad, 'a', 10);
	bad[10] = 0;
	assert_int_equal(vcc_mdev_remove(h.dev[0].p, h.dev[0].uuid), 0);
	assert_int_equal(vcc_mdev_create(h.dev[0].p, bad, &err), -EINVAL);
	vl_host_stop(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_mdevs),
		cmocka_unit_test(test_req_on_remove),
		cmocka_unit_test(test_remove_not_released),
		cmocka_unit_test(test_remove_during_crw_storm),
		cmocka_unit_test(test_create_error_names_mdev),
		cmocka_unit_test(test_mdev_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
