/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mdev core: create_store's UUID rules and errnos, host-wide UUID
 * uniqueness, instances, remove, parent unregistration, IOMMU group numbers
 * (drivers/vfio/mdev/mdev_core.c, mdev_sysfs.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"

/* Both 0.0.0313 and 0.0.0314 bound to the fake vfio_ccw. */
static int setup(void **state)
{
	struct fx *fx = fx_new(true);

	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", "vfio_ccw"), 0);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0314", "vfio_ccw"), 0);
	assert_int_equal(bus_set_override(fx->bus, "0.1.0020", "vfio_ccw"), 0);
	bus_probe_all(fx->bus);
	fx_clear_events(fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

static int create(struct fx *fx, const char *sch, const char *text)
{
	return bus_mdev_create(fx->bus, sch, "vfio_ccw-io", text, strlen(text),
			       NULL);
}

static void test_uuid_parse(void **state)
{
	char out[BUS_UUID_SIZE];

	assert_int_equal(bus_uuid_parse(FX_UUID1, out), 0);
	assert_string_equal(out, FX_UUID1);
	assert_int_equal(bus_uuid_parse("7E270A25-E163-4922-AF60-757FC8ED48C6",
					out), 0);
	assert_string_equal(out, FX_UUID1);
	/* dash in the wrong place, non-hex, short */
	assert_int_equal(bus_uuid_parse("7e270a2-5e163-4922-af60-757fc8ed48c6",
					out), -EINVAL);
	assert_int_equal(bus_uuid_parse("7e270a25-e163-4922-af60-757fc8ed48cg",
					out), -EINVAL);
	assert_int_equal(bus_uuid_parse("7e270a25e1634922af60757fc8ed48c60000",
					out), -EINVAL);
	assert_int_equal(bus_uuid_parse("7e270a25-e163-4922-af60-757fc8ed48c",
					out), -EINVAL);
	assert_int_equal(bus_uuid_parse("", out), -EINVAL);
}

static void test_create_lengths(void **state)
{
	struct fx *fx = *state;
	char buf[64];

	/* 35 and 38 bytes */
	assert_int_equal(bus_mdev_create(fx->bus, "0.0.0313", "vfio_ccw-io",
					 FX_UUID1, 35, NULL), -EINVAL);
	snprintf(buf, sizeof(buf), "%s\n\n", FX_UUID1);
	assert_int_equal(create(fx, "0.0.0313", buf), -EINVAL);
	snprintf(buf, sizeof(buf), " %s", FX_UUID1);
	assert_int_equal(create(fx, "0.0.0313", buf), -EINVAL);
	assert_int_equal(create(fx, "0.0.0313", ""), -EINVAL);
	assert_int_equal(create(fx, "0.0.0313", "not-a-uuid-but-36-characters-long!!"),
			 -EINVAL);
	assert_int_equal(fx->create_calls, 0);
	/* 37 bytes: only echo's newline may follow (the kernel ignores
	 * whatever the 37th byte is; ccwpass is stricter). */
	snprintf(buf, sizeof(buf), "%sx", FX_UUID2);
	assert_int_equal(create(fx, "0.0.0314", buf), -EINVAL);
	snprintf(buf, sizeof(buf), "%s ", FX_UUID2);
	assert_int_equal(create(fx, "0.0.0314", buf), -EINVAL);
	snprintf(buf, sizeof(buf), "%s\r", FX_UUID2);
	assert_int_equal(create(fx, "0.0.0314", buf), -EINVAL);
	assert_int_equal(bus_mdev_create(fx->bus, "0.0.0314", "vfio_ccw-io",
					 FX_UUID2 "\0", 37, NULL), -EINVAL);
	assert_int_equal(fx->create_calls, 0);
	snprintf(buf, sizeof(buf), "%s\n", FX_UUID1);
	assert_int_equal(create(fx, "0.0.0313", buf), 0);
	assert_string_equal(fx->last_created, FX_UUID1);
	/* 36 bytes, no newline (mdevctl's write). */
	assert_int_equal(create(fx, "0.0.0314", FX_UUID2), 0);
	assert_string_equal(fx->last_created, FX_UUID2);
}

static void test_create_canonical_and_info(void **state)
{
	struct fx *fx = *state;
	char uuid[BUS_UUID_SIZE];
	struct bus_sch_info info;
	struct bus_mdev_info mi;

	assert_int_equal(bus_mdev_create(fx->bus, "0.0.0313", "vfio_ccw-io",
					 "7E270A25-E163-4922-AF60-757FC8ED48C6",
					 36, uuid), 0);
	assert_string_equal(uuid, FX_UUID1);
	assert_string_equal(fx->last_created, FX_UUID1);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_int_equal(info.available, 0);
	assert_int_equal(info.nmdevs, 1);
	assert_string_equal(info.mdevs[0], FX_UUID1);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), 0);
	assert_string_equal(mi.parent, "0.0.0313");
	assert_string_equal(mi.type->name, "vfio_ccw-io");
	assert_int_equal(mi.group, 0);
	assert_int_equal(bus_group_info(fx->bus, 0, &mi), 0);
	assert_string_equal(mi.uuid, FX_UUID1);
	assert_int_equal(bus_group_info(fx->bus, 1, &mi), -ENOENT);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID2, &mi), -ENOENT);
	assert_int_equal(fx->nev, 1);
	assert_int_equal(fx->ev[0].kind, BUS_EV_MDEV_ADD);
	assert_string_equal(fx->ev[0].uuid, FX_UUID1);
	assert_string_equal(fx->ev[0].sch, "0.0.0313");
}

static void test_duplicate_and_instances(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	/* same UUID again on the same parent: -EEXIST before -EUSERS */
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), -EEXIST);
	/* same UUID (other case) on another parent */
	assert_int_equal(create(fx, "0.0.0314",
				"7E270A25-E163-4922-AF60-757FC8ED48C6"),
			 -EEXIST);
	/* second instance */
	assert_int_equal(create(fx, "0.0.0313", FX_UUID2), -EUSERS);
	assert_int_equal(fx->create_calls, 1);
	assert_int_equal(create(fx, "0.0.0314", FX_UUID2), 0);
}

static void test_create_wrong_parent(void **state)
{
	struct fx *fx = *state;

	/* not a parent (QDIO: vfio_ccw refused it, nothing bound) */
	assert_int_equal(create(fx, "0.0.0315", FX_UUID1), -ENODEV);
	assert_int_equal(create(fx, "0.0.0399", FX_UUID1), -ENODEV);
	assert_int_equal(bus_mdev_create(fx->bus, "0.0.0313", "vfio_ccw-xx",
					 FX_UUID1, 36, NULL), -ENODEV);
	/* io_subchannel is no parent */
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 0);
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", NULL), 0);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0313"), 0);
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), -ENODEV);
	assert_int_equal(fx->create_calls, 0);
}

static void test_driver_create_failure(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;
	struct bus_mdev_info mi;

	fx->create_ret = -ENOSPC;
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), -ENOSPC);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_int_equal(info.available, 1);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), -ENOENT);
	assert_int_equal(fx->nev, 0);
	fx->create_ret = 0;
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), 0);
	assert_int_equal(mi.group, 0);
}

static void test_remove(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;

	assert_int_equal(bus_mdev_remove(fx->bus, FX_UUID1), -ENODEV);
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	fx->mremove_ret = -EBUSY;
	assert_int_equal(bus_mdev_remove(fx->bus, FX_UUID1), -EBUSY);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_int_equal(info.nmdevs, 1);
	fx->mremove_ret = 0;
	fx_clear_events(fx);
	assert_int_equal(bus_mdev_remove(fx->bus, FX_UUID1), 0);
	assert_int_equal(fx->mremove_calls, 2);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_int_equal(info.nmdevs, 0);
	assert_int_equal(info.available, 1);
	assert_int_equal(fx->nev, 1);
	assert_int_equal(fx->ev[0].kind, BUS_EV_MDEV_REMOVE);
	assert_int_equal(bus_mdev_remove(fx->bus, FX_UUID1), -ENODEV);
	/* the UUID is free again */
	assert_int_equal(create(fx, "0.0.0314", FX_UUID1), 0);
}

static void test_unbind_removes_mdevs(void **state)
{
	struct fx *fx = *state;
	struct bus_mdev_info mi;

	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	fx_clear_events(fx);
	/* a driver that refuses is overruled by the unbind */
	fx->mremove_ret = -EBUSY;
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"),
			 0);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), -ENOENT);
	assert_int_equal(fx->mremove_calls, 1);
	assert_int_equal(fx->remove_calls, 1);
	assert_int_equal(fx->nev, 3);
	assert_int_equal(fx->ev[0].kind, BUS_EV_MDEV_REMOVE);
	assert_string_equal(fx->ev[0].uuid, FX_UUID1);
	assert_int_equal(fx->ev[1].kind, BUS_EV_PARENT_UNREGISTERED);
	assert_int_equal(fx->ev[2].kind, BUS_EV_UNBIND);
	/* rebinding registers the parent again, with no mdev */
	fx_clear_events(fx);
	assert_int_equal(bus_drivers_probe(fx->bus, BUS_CSS, "0.0.0313"), 0);
	assert_int_equal(fx->ev[0].kind, BUS_EV_PARENT_REGISTERED);
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
}

static void test_group_numbers(void **state)
{
	struct fx *fx = *state;
	struct bus_mdev_info mi;

	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	assert_int_equal(create(fx, "0.0.0314", FX_UUID2), 0);
	assert_int_equal(create(fx, "0.1.0020", FX_UUID3), 0);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), 0);
	assert_int_equal(mi.group, 0);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID2, &mi), 0);
	assert_int_equal(mi.group, 1);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID3, &mi), 0);
	assert_int_equal(mi.group, 2);
	/* the freed number comes back first */
	assert_int_equal(bus_mdev_remove(fx->bus, FX_UUID2), 0);
	assert_int_equal(bus_group_info(fx->bus, 1, &mi), -ENOENT);
	assert_int_equal(create(fx, "0.0.0314",
				"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"), 0);
	assert_int_equal(bus_group_info(fx->bus, 1, &mi), 0);
	assert_string_equal(mi.uuid, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
}

static bool reserve_low(unsigned int n, void *opaque)
{
	return n < *(unsigned int *)opaque;
}

static void test_group_filter(void **state)
{
	struct fx *fx = *state;
	unsigned int below = 5;
	struct bus_mdev_info mi;

	bus_set_group_filter(fx->bus, reserve_low, &below);
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	assert_int_equal(create(fx, "0.0.0314", FX_UUID2), 0);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), 0);
	assert_int_equal(mi.group, 5);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID2, &mi), 0);
	assert_int_equal(mi.group, 6);
}

static void count_mdev(const struct bus_mdev_info *m, void *opaque)
{
	char *order = opaque;

	strcat(order, m->uuid[0] == '6' ? "6" : m->uuid[0] == '7' ? "7" : "?");
}

static void test_mdev_iteration_order(void **state)
{
	struct fx *fx = *state;
	char order[8] = "";

	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	assert_int_equal(create(fx, "0.0.0314", FX_UUID2), 0);
	bus_for_each_mdev(fx->bus, count_mdev, order);
	assert_string_equal(order, "67");
}

/* A new parent registration or a new mdev of the same UUID: a new number. */
static void test_generations(void **state)
{
	struct fx *fx = *state;
	struct bus_sch_info info;
	struct bus_mdev_info mi;
	unsigned long pgen, mgen;

	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	pgen = info.parent_gen;
	assert_true(pgen != 0);
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), 0);
	mgen = mi.gen;
	assert_true(mgen != 0 && mgen != pgen);
	assert_int_equal(bus_mdev_remove_gen(fx->bus, FX_UUID1, mgen + 1), -ENODEV);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), 0);  /* kept */
	assert_int_equal(bus_mdev_remove_gen(fx->bus, FX_UUID1, mgen), 0);
	assert_int_equal(create(fx, "0.0.0313", FX_UUID1), 0);
	assert_int_equal(bus_mdev_info(fx->bus, FX_UUID1, &mi), 0);
	assert_true(mi.gen != mgen);
	assert_int_equal(bus_mdev_remove_gen(fx->bus, FX_UUID1, mgen), -ENODEV);
	/* unbind + bind: the parent's registration is a new one */
	assert_int_equal(bus_unbind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_true(info.parent_gen == 0 && !info.mtype);
	assert_int_equal(bus_bind(fx->bus, BUS_CSS, "vfio_ccw", "0.0.0313"), 0);
	assert_int_equal(bus_sch_info(fx->bus, "0.0.0313", &info), 0);
	assert_true(info.parent_gen != 0 && info.parent_gen != pgen);
	assert_int_equal(bus_mdev_create_gen(fx->bus, "0.0.0313", pgen,
					     "vfio_ccw-io", FX_UUID2, 36, NULL),
			 -ENODEV);
	assert_int_equal(bus_mdev_create_gen(fx->bus, "0.0.0313", info.parent_gen,
					     "vfio_ccw-io", FX_UUID2, 36, NULL),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_uuid_parse),
		T(test_create_lengths),
		T(test_create_canonical_and_info),
		T(test_duplicate_and_instances),
		T(test_create_wrong_parent),
		T(test_driver_create_failure),
		T(test_remove),
		T(test_unbind_removes_mdevs),
		T(test_group_numbers),
		T(test_group_filter),
		T(test_mdev_iteration_order),
		T(test_generations),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
