/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dynamic I/O reconfiguration in the driver core (bus_add_sch,
 * bus_remove_sch; issue 10): a removed subchannel is gone for every
 * lookup at once, then unbound as device_del() does - also while its mdev
 * removal blocks for a VMM - and the view's queries go on meanwhile; an
 * added one takes its place in schid order and probes like any other;
 * readers of the view never touch a device that went (churn under ASan
 * and TSan).
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
#include "css/css_device.h"
#include "test_wait.h"

static int setup(void **state)
{
	struct fx *fx = fx_new(true);

	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", "vfio_ccw"), 0);
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

static struct css_busid id(const char *s)
{
	struct css_busid b;

	assert_int_equal(css_busid_parse(s, &b), 0);
	return b;
}

struct remover {
	pthread_t t;
	struct fx *fx;
	const char *sch;
	int ret;
	int done;                  /* atomic */
};

static void *remover_main(void *opaque)
{
	struct remover *r = opaque;

	r->ret = bus_remove_sch(r->fx->bus, r->sch);
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static bool removed(struct remover *r)
{
	return __atomic_load_n(&r->done, __ATOMIC_SEQ_CST);
}

static void names_of(const struct bus_sch_info *s, void *opaque)
{
	strcat(opaque, s->name);
	strcat(opaque, " ");
}

static void test_remove_in_use(void **state)
{
	struct fx *fx = *state;
	struct remover r = { .fx = fx, .sch = "0.0.0313" };
	struct bus_sch_info *si = calloc(1, sizeof(*si));
	char list[128] = "";

	fx_hold(fx, true, false);          /* the VMM takes its time */
	assert_int_equal(pthread_create(&r.t, NULL, remover_main, &r), 0);
	assert_true(fx_wait_held(fx, 1));
	/* Gone for lookups at once; the others answer meanwhile. */
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", si), -ENOENT);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 -ENODEV);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", "vfio_ccw"),
			 -ENODEV);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0314", si), 0);
	bus_for_each_sch(fx->bus, names_of, list);
	assert_string_equal(list, "0.0.0314 0.0.0315 0.1.0020 ");
	assert_false(removed(&r));
	fx_release(fx);
	pthread_join(r.t, NULL);
	assert_int_equal(r.ret, 0);
	/* The mdev went first (the driver was asked once), then the driver. */
	assert_int_equal(fx->mremove_calls, 1);
	assert_int_equal(fx->remove_calls, 1);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1,
				       &(struct bus_mdev_info){ 0 }), -ENOENT);
	assert_int_equal(bus_remove_sch(fx->bus, "0.0.0313"), -ENODEV);
	assert_int_equal(css_remove_subchannel(fx->css, id("0.0.0313")), 0);
	assert_int_equal(css_remove_subchannel(fx->css, id("0.0.0313")),
			 -ENODEV);
	free(si);
}

/* A thread doing one driver-core write. */
struct op {
	pthread_t t;
	struct fx *fx;
	enum { OP_UNBIND, OP_BIND, OP_PROBE } what;
	int ret;
};

static void *op_main(void *opaque)
{
	struct op *o = opaque;

	switch (o->what) {
	case OP_UNBIND:
		o->ret = bus_unbind(o->fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313");
		break;
	case OP_BIND:
		o->ret = bus_bind(o->fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313");
		break;
	case OP_PROBE:
		o->ret = bus_drivers_probe(o->fx->bus, BUS_CSS, "0.0.0313");
		break;
	}
	return NULL;
}

static unsigned int idle_waiters(struct fx *fx)
{
	unsigned int n;

	pthread_mutex_lock(&fx->bus->lock);
	n = fx->bus->idle_waiters;
	pthread_mutex_unlock(&fx->bus->lock);
	return n;
}

/*
 * A bind and a drivers_probe wait for an unbind that blocks (the driver
 * lets go slowly); meanwhile the subchannel is removed. They must find it
 * gone (ENODEV), not bind a device being freed.
 */
static void test_waiters_see_removal(void **state)
{
	struct fx *fx = *state;
	struct op un = { .fx = fx, .what = OP_UNBIND };
	struct op bi = { .fx = fx, .what = OP_BIND };
	struct op pr = { .fx = fx, .what = OP_PROBE };
	struct remover r = { .fx = fx, .sch = "0.0.0313" };

	fx_hold(fx, false, true);
	assert_int_equal(pthread_create(&un.t, NULL, op_main, &un), 0);
	assert_true(fx_wait_held(fx, 1));
	assert_int_equal(pthread_create(&bi.t, NULL, op_main, &bi), 0);
	assert_int_equal(pthread_create(&pr.t, NULL, op_main, &pr), 0);
	assert_true(TEST_WAIT_UNTIL(idle_waiters(fx) == 2));
	assert_int_equal(pthread_create(&r.t, NULL, remover_main, &r), 0);
	assert_true(TEST_WAIT_UNTIL(idle_waiters(fx) == 3));
	fx_release(fx);
	pthread_join(un.t, NULL);
	pthread_join(bi.t, NULL);
	pthread_join(pr.t, NULL);
	pthread_join(r.t, NULL);
	assert_int_equal(un.ret, 0);
	assert_int_equal(r.ret, 0);
	/* Whichever ran first after the unbind: either it found the device
	 * already gone, or it bound it and the removal then unbound it. */
	assert_true(bi.ret == -ENODEV || bi.ret == 0);
	assert_true(pr.ret == -ENODEV || pr.ret == 0);
	assert_int_equal(fx->probe_calls, fx->remove_calls);
	assert_int_equal(css_remove_subchannel(fx->css, id("0.0.0313")), 0);
}

static void test_add(void **state)
{
	struct fx *fx = *state;
	struct error err = { 0 };
	struct bus_sch_info *si = calloc(1, sizeof(*si));
	char list[128] = "";

	fx_add_css_sch(fx, "0.0.0300", "0.0.2a00", false);
	assert_int_equal(bus_add_sch(fx->bus, css_find_subchannel(fx->css,
				     id("0.0.0300")), &err), 0);
	bus_for_each_sch(fx->bus, names_of, list);
	assert_string_equal(list,
			    "0.0.0300 0.0.0313 0.0.0314 0.0.0315 0.1.0020 ");
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0300", si), 0);
	assert_string_equal(si->driver, "");
	assert_string_equal(si->dev_busid, "0.0.2a00");
	assert_int_equal(bus_set_override(fx->bus, "0.0.0300", "vfio_ccw"), 0);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0300"), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0300", si), 0);
	assert_string_equal(si->driver, "vfio_ccw");
	assert_int_equal(bus_add_sch(fx->bus, css_find_subchannel(fx->css,
				     id("0.0.0300")), &err), -EEXIST);
	free(si);
}

/* The view's reads, on a thread of their own, until told to stop. */
struct reader {
	pthread_t t;
	struct fx *fx;
	int stop;                  /* atomic */
	unsigned long reads;
};

static void count(const struct bus_sch_info *s, void *opaque)
{
	(*(unsigned long *)opaque)++;
}

static void *reader_main(void *opaque)
{
	struct reader *r = opaque;
	struct bus_sch_info *si = malloc(sizeof(*si));
	struct css_device_desc d;
	struct css_stats st;
	unsigned long n = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
		bus_sch_info(r->fx->bus, "0.0.0300", si);
		bus_sch_stats(r->fx->bus, "0.0.0300", &st);
		bus_sch_describe(r->fx->bus, "0.0.0300", &d);
		bus_for_each_sch(r->fx->bus, count, &n);
		__atomic_add_fetch(&r->reads, 1, __ATOMIC_SEQ_CST);
	}
	free(si);
	return NULL;
}

/* One add, probe, remove of 0.0.0300; true once enough were done while
 * the reader read. */
static bool churn_once(struct fx *fx, struct reader *r, int *cycles)
{
	struct error err = { 0 };

	fx_add_css_sch(fx, "0.0.0300", "0.0.2a00", false);
	assert_int_equal(bus_add_sch(fx->bus, css_find_subchannel(
			fx->css, id("0.0.0300")), &err), 0);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0300"), 0);
	assert_int_equal(bus_remove_sch(fx->bus, "0.0.0300"), 0);
	assert_int_equal(css_remove_subchannel(fx->css, id("0.0.0300")), 0);
	return ++*cycles >= 300 &&
	       __atomic_load_n(&r->reads, __ATOMIC_SEQ_CST) >= 300;
}

static void test_churn_under_readers(void **state)
{
	struct fx *fx = *state;
	struct reader r = { .fx = fx };
	int cycles = 0;

	assert_int_equal(pthread_create(&r.t, NULL, reader_main, &r), 0);
	assert_true(TEST_WAIT_UNTIL(churn_once(fx, &r, &cycles)));
	__atomic_store_n(&r.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(r.t, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_remove_in_use, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_waiters_see_removal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_churn_under_readers,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
