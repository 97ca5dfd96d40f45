/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A removal that blocks (an mdev in use whose VMM takes its time to let go,
 * up to the release timeout) must not stop the rest of the driver core:
 * the sysfs view's queries go on, other subchannels can be changed, and
 * what touches the same device waits or fails as the kernel's would
 * (issue 8, point 7: the bus lock was held for up to 10 s).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus/bus_internal.h"
#include "bus_fixture.h"
#include "test_wait.h"

static int setup(void **state)
{
	struct fx *fx = fx_new(true);

	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", "vfio_ccw"), 0);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0314", "vfio_ccw"), 0);
	bus_probe_all(fx->bus);
	assert_int_equal(bus_mdev_create(fx->bus, "0.0.0313", "vfio_ccw-io",
					 FX_UUID1, strlen(FX_UUID1), NULL), 0);
	fx_clear_events(fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	fx_release(fx);
	fx_free(fx);
	return 0;
}

/* One driver-core call on a thread of its own. */
struct call {
	pthread_t t;
	struct fx *fx;
	enum { REMOVE, UNBIND, QUERY } what;
	const char *arg;
	int ret;
	int done;                 /* atomic */
};

static void *call_main(void *opaque)
{
	struct call *c = opaque;
	struct bus_sch_info *si = calloc(1, sizeof(*si));
	struct bus_mdev_info mi;

	switch (c->what) {
	case REMOVE:
		c->ret = bus_mdev_remove(c->fx->bus, c->arg);
		break;
	case UNBIND:
		c->ret = bus_unbind(c->fx->bus, BUS_CSS, "vfio_ccw", c->arg);
		break;
	case QUERY:          /* what a read of /sys/bus/css/devices/... does */
		c->ret = bus_sch_info(c->fx->bus, c->arg, si);
		if (c->ret == 0)
			c->ret = bus_mdev_info(c->fx->bus, FX_UUID1, &mi);
		break;
	}
	free(si);
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void call_start(struct call *c, struct fx *fx, int what,
		       const char *arg)
{
	*c = (struct call){ .fx = fx, .what = what, .arg = arg };
	assert_int_equal(pthread_create(&c->t, NULL, call_main, c), 0);
}

static bool call_done(struct call *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_SEQ_CST);
}

static int call_join(struct call *c)
{
	pthread_join(c->t, NULL);
	return c->ret;
}

/* Threads waiting in the driver core for a removal to end. */
static unsigned int waiters(struct fx *fx)
{
	unsigned int n;

	pthread_mutex_lock(&fx->bus->lock);
	n = fx->bus->idle_waiters;
	pthread_mutex_unlock(&fx->bus->lock);
	return n;
}

static int create(struct fx *fx, const char *sch, const char *uuid)
{
	return bus_mdev_create(fx->bus, sch, "vfio_ccw-io", uuid, strlen(uuid),
			       NULL);
}

static void test_queries_while_remove_blocks(void **state)
{
	struct fx *fx = *state;
	struct call rm, rm2, q;

	fx_hold(fx, true, false);
	call_start(&rm, fx, REMOVE, FX_UUID1);
	assert_true(fx_wait_held(fx, 1));

	/* The view answers, and still shows the mdev. */
	call_start(&q, fx, QUERY, "0.0.0313");
	assert_true(TEST_WAIT_UNTIL(call_done(&q)));
	assert_int_equal(call_join(&q), 0);
	assert_false(call_done(&rm));

	/* Other devices can change meanwhile. */
	assert_int_equal(create(fx, "0.0.0314", FX_UUID2), 0);
	/* The UUID is still taken; its parent's one instance too. */
	assert_int_equal(create(fx, "0.0.0314", FX_UUID1), -EEXIST);
	assert_int_equal(create(fx, "0.0.0313", FX_UUID3), -EUSERS);

	/* A second remove of the same mdev waits for the first, then
	 * succeeds (kernfs_remove_self); the driver is asked once. */
	call_start(&rm2, fx, REMOVE, FX_UUID1);
	assert_true(TEST_WAIT_UNTIL(waiters(fx) == 1));
	assert_false(call_done(&rm));
	fx_release(fx);
	assert_int_equal(call_join(&rm), 0);
	assert_int_equal(call_join(&rm2), 0);
	assert_int_equal(fx->mremove_calls, 1);
	assert_int_equal(bus_mdev_remove(fx->bus, FX_UUID1), -ENODEV);
}

static void test_unbind_waits_for_remove(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info si;
	struct call rm, ub, q;

	fx_hold(fx, true, false);
	call_start(&rm, fx, REMOVE, FX_UUID1);
	assert_true(fx_wait_held(fx, 1));
	call_start(&ub, fx, UNBIND, "0.0.0313");
	/* Once the unbind has begun, the parent takes no new mdev (the
	 * kernel's unreg_sem): -ENODEV instead of -EUSERS. */
	assert_true(TEST_WAIT_UNTIL(create(fx, "0.0.0313", FX_UUID2) ==
				    -ENODEV));
	call_start(&q, fx, QUERY, "0.0.0313");
	assert_true(TEST_WAIT_UNTIL(call_done(&q)));
	assert_int_equal(call_join(&q), 0);
	assert_false(call_done(&ub));
	fx_release(fx);
	assert_int_equal(call_join(&rm), 0);
	assert_int_equal(call_join(&ub), 0);
	assert_int_equal(fx->mremove_calls, 1);
	assert_int_equal(fx->remove_calls, 1);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &si), 0);
	assert_string_equal(si.driver, "");
	assert_null(si.mtype);
	/* The events in the kernel's order. */
	assert_int_equal(fx->nev, 3);
	assert_int_equal(fx->ev[0].kind, BUS_EV_MDEV_REMOVE);
	assert_int_equal(fx->ev[1].kind, BUS_EV_PARENT_UNREGISTERED);
	assert_int_equal(fx->ev[2].kind, BUS_EV_UNBIND);
}

/* The driver's own remove (vfio_ccw waits for a clear to end) may block
 * too: the view answers, and a bind of that device waits for it. */
static void test_driver_remove_blocks(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info si;
	struct call ub, q;

	fx_hold(fx, false, true);
	call_start(&ub, fx, UNBIND, "0.0.0313");
	assert_true(fx_wait_held(fx, 1));
	call_start(&q, fx, QUERY, "0.0.0314");
	assert_true(TEST_WAIT_UNTIL(call_done(&q)));
	call_join(&q);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &si), 0);
	assert_string_equal(si.driver, "vfio_ccw");   /* until it is gone */
	assert_int_equal(si.nmdevs, 0);
	assert_false(call_done(&ub));
	fx_release(fx);
	assert_int_equal(call_join(&ub), 0);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &si), 0);
	assert_string_equal(si.driver, "vfio_ccw");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queries_while_remove_blocks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind_waits_for_remove,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_remove_blocks,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
