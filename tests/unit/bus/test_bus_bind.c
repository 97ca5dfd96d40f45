/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Driver core: bind / unbind / drivers_probe / driver_override on the css
 * bus, the io_subchannel ccw device and the ccw bus, with the kernel's
 * errnos (drivers/base/bus.c, dd.c; drivers/s390/cio/css.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"

static int setup(void **state)
{
	*state = fx_new(true);
	return 0;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

static const char *driver_of(struct fx *fx, const char *sch)
{
	static struct bus_sch_info info;

	assert_int_equal(bus_sch_info(fx->bus, sch, &info), 0);
	return info.driver;
}

static void test_initial_unbound(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;

	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_string_equal(info.driver, "");
	assert_false(info.has_override);
	assert_false(info.ccwdev);
	assert_int_equal(info.st, 0);
	assert_string_equal(info.dev_busid, "0.0.2b09");
	assert_int_equal(info.pim, 0xf0);
	assert_int_equal(info.pam, 0xf0);
	assert_int_equal(info.pom, 0xff);
	assert_int_equal(info.chpids[0], 0x1a);
	assert_int_equal(info.chpids[3], 0x0a);
	assert_int_equal(info.chpids[4], 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0316", &info), -ENOENT);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.313", &info), -ENOENT);
	assert_int_equal(bus_sch_info(fx->bus, "0.1.0020", &info), 0);
	assert_string_equal(info.dev_busid, "0.1.4000");
	assert_true(bus_sch_info(fx->bus, "0.0.0315", &info) == 0 && info.qdio);
}

static void test_probe_all_picks_io_subchannel(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;

	bus_probe_all(fx->bus);
	assert_string_equal(driver_of(fx, "0.0.0313"), "io_subchannel");
	assert_string_equal(driver_of(fx, "0.0.0315"), "io_subchannel");
	assert_int_equal(fx->probe_calls, 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_true(info.ccwdev);
	assert_string_equal(info.ccw_driver, "dasd-eckd");
	assert_int_equal(info.cu_type, 0x3990);
	assert_int_equal(info.dev_type, 0x3390);
	assert_int_equal(bus_ccwdev_info(fx->bus, "0.0.2b09", &info), 0);
	assert_string_equal(info.name, "0.0.0313");
	assert_null(info.mtype);
}

static void test_bind_errors(void **state)
{
	struct fx *fx = *state;

	bus_probe_all(fx->bus);
	/* bound already */
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 -EBUSY);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "io_subchannel",
				  "0.0.0313"), -EBUSY);
	/* unknown device, garbage, unknown driver */
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0399"),
			 -ENODEV);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "garbage"),
			 -ENODEV);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", ""), -ENODEV);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "nosuch", "0.0.0313"),
			 -ENODEV);
	assert_int_equal(fx->probe_calls, 0);
}

static void test_unbind_errors(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "io_subchannel",
				    "0.0.0313"), -ENODEV);  /* not bound */
	bus_probe_all(fx->bus);
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 -ENODEV);  /* wrong driver */
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "io_subchannel",
				    "0.0.0399"), -ENODEV);
	assert_string_equal(driver_of(fx, "0.0.0313"), "io_subchannel");
}

static void test_seed_manual_procedure(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;

	bus_probe_all(fx->bus);
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "io_subchannel",
				    "0.0.0313"), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_string_equal(info.driver, "");
	assert_false(info.ccwdev);
	/* dev_busid stays: it comes from the PMCW, not the ccw device */
	assert_string_equal(info.dev_busid, "0.0.2b09");
	assert_int_equal(bus_ccwdev_info(fx->bus, "0.0.2b09", &info), -ENOENT);
	/* no override: vfio_ccw still matches an I/O subchannel */
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"), 0);
	assert_int_equal(fx->probe_calls, 1);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_string_equal(info.driver, "vfio_ccw");
	assert_non_null(info.mtype);
	assert_string_equal(info.mtype->name, "vfio_ccw-io");
	assert_int_equal(info.available, 1);
	assert_int_equal(info.nmdevs, 0);
	assert_false(info.ccwdev);
	/* bind twice */
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 -EBUSY);
	assert_int_equal(fx->probe_calls, 1);
	/* and back */
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 0);
	assert_int_equal(fx->remove_calls, 1);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "io_subchannel",
				  "0.0.0313"), 0);
	assert_int_equal(bus_ccwdev_info(fx->bus, "0.0.2b09", &info), 0);
}

static void test_override_semantics(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;

	bus_probe_all(fx->bus);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", "vfio_ccw"), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_true(info.has_override);
	assert_string_equal(info.override, "vfio_ccw");
	/* the override does not unbind */
	assert_string_equal(info.driver, "io_subchannel");
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "io_subchannel",
				    "0.0.0313"), 0);
	/* io_subchannel no longer matches */
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "io_subchannel",
				  "0.0.0313"), -ENODEV);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0313"), 0);
	assert_string_equal(driver_of(fx, "0.0.0313"), "vfio_ccw");
	/* probing a bound device changes nothing */
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0313"), 0);
	assert_string_equal(driver_of(fx, "0.0.0313"), "vfio_ccw");
	assert_int_equal(fx->probe_calls, 1);
	/* an override naming no driver: nothing binds, probing succeeds */
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 0);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", "none"), 0);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0313"), 0);
	assert_string_equal(driver_of(fx, "0.0.0313"), "");
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 -ENODEV);
	/* clearing: "" and NULL */
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", ""), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_false(info.has_override);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", "x"), 0);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", NULL), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_false(info.has_override);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0313"), 0);
	assert_string_equal(driver_of(fx, "0.0.0313"), "io_subchannel");
}

static void test_override_errors(void **state)
{
	struct fx *fx = *state;
	char big[BUS_OVERRIDE_MAX + 2];
	struct bus_sch_info info;

	memset(big, 'a', sizeof(big));
	big[BUS_OVERRIDE_MAX + 1] = '\0';
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", big), -EINVAL);
	big[BUS_OVERRIDE_MAX] = '\0';
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", big), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_int_equal(strlen(info.override), BUS_OVERRIDE_MAX);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0399", "vfio_ccw"),
			 -ENODEV);
}

static void test_probe_refusal(void **state)
{
	struct fx *fx = *state;

	/* QDIO: explicit bind gets the probe's -ENODEV */
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0315"),
			 -ENODEV);
	assert_string_equal(driver_of(fx, "0.0.0315"), "");
	/* with an override, drivers_probe succeeds but nothing binds */
	assert_int_equal(bus_set_override(fx->bus, "0.0.0315", "vfio_ccw"), 0);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0315"), 0);
	assert_string_equal(driver_of(fx, "0.0.0315"), "");
	/* other probe errors come back from bind as they are */
	fx->probe_ret = -ENOMEM;
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0314"),
			 -ENOMEM);
	assert_string_equal(driver_of(fx, "0.0.0314"), "");
	assert_int_equal(fx->nev, 0);
}

static void test_drivers_probe_errors(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0399"),
			 -ENODEV);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "junk"), -ENODEV);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.1.0020"), 0);
	assert_string_equal(driver_of(fx, "0.1.0020"), "io_subchannel");
}

static int msg_probe(void *opaque, struct css_subchannel *sch, void **priv,
		     struct error *err)
{
	*priv = NULL;
	return 0;
}

static void msg_remove(void *opaque, void *priv)
{
}

static void test_type_mismatch(void **state)
{
	struct fx *fx = *state;
	static const struct bus_driver msg = {
		.name = "eadm_subchannel",
		.sch_types = BUS_SCH_TYPE(CSS_SCH_TYPE_ADM),
		.probe = msg_probe,
		.remove = msg_remove,
	};

	assert_int_equal(bus_register_driver(fx->bus, &msg, NULL, NULL), 0);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "eadm_subchannel",
				  "0.0.0313"), -ENODEV);
	/* even the override cannot make a type match */
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313",
					  "eadm_subchannel"), 0);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0313"), 0);
	assert_string_equal(driver_of(fx, "0.0.0313"), "");
	assert_true(bus_driver_exists(fx->bus, BUS_CSS, "eadm_subchannel"));
}

static void test_register_errors(void **state)
{
	struct fx *fx = *state;
	struct bus_driver bad = fx->drv;
	struct bus_mdev_type badtype = fx->mtype;
	struct error err = { 0 };

	assert_int_equal(bus_register_driver(fx->bus, &fx->drv, fx, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "vfio_ccw"));
	bad.name = "other";
	bad.probe = NULL;
	assert_int_equal(bus_register_driver(fx->bus, &bad, fx, &err), -EINVAL);
	bad.probe = fx->drv.probe;
	badtype.max_instances = BUS_MAX_INSTANCES + 1;
	bad.mdev = &badtype;
	assert_int_equal(bus_register_driver(fx->bus, &bad, fx, &err), -EINVAL);
	bad.name = "io_subchannel";
	bad.mdev = NULL;
	assert_int_equal(bus_register_driver(fx->bus, &bad, fx, &err), -EEXIST);
}

static void test_ccw_bus(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;

	assert_int_equal(bus_unbind(fx->bus, BUS_CCW, "dasd-eckd", "0.0.2b09"),
			 -ENODEV);  /* no ccw device yet */
	bus_probe_all(fx->bus);
	assert_int_equal(bus_unbind(fx->bus, BUS_CCW, "other", "0.0.2b09"),
			 -ENODEV);
	assert_int_equal(bus_unbind(fx->bus, BUS_CCW, "dasd-eckd", "0.0.2b09"),
			 0);
	assert_int_equal(bus_ccwdev_info(fx->bus, "0.0.2b09", &info), 0);
	assert_string_equal(info.ccw_driver, "");
	assert_int_equal(bus_unbind(fx->bus, BUS_CCW, "dasd-eckd", "0.0.2b09"),
			 -ENODEV);
	assert_int_equal(bus_bind(fx->bus, BUS_CCW, "dasd-eckd", "0.0.2b09"),
			 0);
	assert_int_equal(bus_bind(fx->bus, BUS_CCW, "dasd-eckd", "0.0.2b09"),
			 -EBUSY);
	assert_int_equal(bus_bind(fx->bus, BUS_CCW, "dasd-eckd", "0.0.0313"),
			 -ENODEV);
	assert_int_equal(bus_unbind(fx->bus, BUS_CCW, "dasd-eckd", "0.0.2b09"),
			 0);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CCW, "0.0.2b09"), 0);
	assert_int_equal(bus_ccwdev_info(fx->bus, "0.0.2b09", &info), 0);
	assert_string_equal(info.ccw_driver, "dasd-eckd");
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CCW, "0.0.2b99"),
			 -ENODEV);
	assert_true(bus_driver_exists(fx->bus, BUS_CCW, "dasd-eckd"));
	assert_false(bus_driver_exists(fx->bus, BUS_CCW, "vfio_ccw"));
}

static void test_events_bind_unbind(void **state)
{
	struct fx *fx = *state;

	bus_probe_all(fx->bus);
	assert_int_equal(fx->nev, 4);
	assert_int_equal(fx->ev[0].kind, BUS_EV_BIND);
	assert_string_equal(fx->ev[0].sch, "0.0.0313");
	assert_string_equal(fx->ev[0].driver, "io_subchannel");
	fx_clear_events(fx);
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "io_subchannel",
				    "0.0.0313"), 0);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"), 0);
	assert_int_equal(fx->nev, 3);
	assert_int_equal(fx->ev[0].kind, BUS_EV_UNBIND);
	assert_string_equal(fx->ev[0].driver, "io_subchannel");
	assert_int_equal(fx->ev[1].kind, BUS_EV_PARENT_REGISTERED);
	assert_string_equal(fx->ev[1].sch, "0.0.0313");
	assert_int_equal(fx->ev[2].kind, BUS_EV_BIND);
	assert_string_equal(fx->ev[2].driver, "vfio_ccw");
}

static void test_chp_vary(void **state)
{
	struct fx *fx = *state;
	struct bus_chp_info chp;
	struct bus_sch_info info;

	assert_int_equal(bus_chp_info(fx->bus, 0x2a, &chp), 0);
	assert_true(chp.online);
	assert_int_equal(chp.type, 0x1b);
	assert_int_equal(bus_chp_info(fx->bus, 0x2b, &chp), -ENOENT);
	assert_int_equal(bus_chp_vary(fx->bus, 0x2b, false), -ENODEV);
	assert_int_equal(bus_chp_vary(fx->bus, 0x2a, false), 0);
	assert_int_equal(bus_chp_info(fx->bus, 0x2a, &chp), 0);
	assert_false(chp.online);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_int_equal(info.pim, 0xf0);
	assert_int_equal(info.pam, 0xb0);
	assert_int_equal(info.chpids[1], 0x2a);   /* installed stays */
	assert_int_equal(fx->nev, 1);
	assert_int_equal(fx->ev[0].kind, BUS_EV_CHP_VARY);
	assert_int_equal(fx->ev[0].chpid, 0x2a);
	assert_false(fx->ev[0].online);
	/* varying off twice is fine, as in the kernel */
	assert_int_equal(bus_chp_vary(fx->bus, 0x2a, false), 0);
	assert_int_equal(bus_chp_vary(fx->bus, 0x2a, true), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_int_equal(info.pam, 0xf0);
}

static void count_chp(const struct bus_chp_info *c, void *opaque)
{
	(*(int *)opaque)++;
}

static void count_sch(const struct bus_sch_info *s, void *opaque)
{
	(*(int *)opaque)++;
}

static void count_drv(const struct bus_driver *drv, void *opaque)
{
	(*(int *)opaque)++;
}

static void test_iterations(void **state)
{
	struct fx *fx = *state;
	int n = 0;

	bus_for_each_chp(fx->bus, count_chp, &n);
	assert_int_equal(n, 4);
	n = 0;
	bus_for_each_sch(fx->bus, count_sch, &n);
	assert_int_equal(n, 4);
	n = 0;
	bus_for_each_driver(fx->bus, BUS_CSS, count_drv, &n);
	assert_int_equal(n, 2);
	n = 0;
	bus_for_each_driver(fx->bus, BUS_CCW, count_drv, &n);
	assert_int_equal(n, 1);
}

static void test_shutdown(void **state)
{
	struct fx *fx = *state;

	bus_probe_all(fx->bus);
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "io_subchannel",
				    "0.0.0314"), 0);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0314"), 0);
	bus_shutdown(fx->bus);
	assert_string_equal(driver_of(fx, "0.0.0313"), "");
	assert_string_equal(driver_of(fx, "0.0.0314"), "");
	assert_int_equal(fx->remove_calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_initial_unbound),
		T(test_probe_all_picks_io_subchannel),
		T(test_bind_errors),
		T(test_unbind_errors),
		T(test_seed_manual_procedure),
		T(test_override_semantics),
		T(test_override_errors),
		T(test_probe_refusal),
		T(test_drivers_probe_errors),
		T(test_type_mismatch),
		T(test_register_errors),
		T(test_ccw_bus),
		T(test_events_bind_unbind),
		T(test_chp_vary),
		T(test_iterations),
		T(test_shutdown),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
