/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a user's open files of the view cost the daemon (issue 8, point 5:
 * 4.4 KB each, without bound): a few hundred bytes each, and a bounded
 * number per user and for all users but root (src/sysfs/sysfs_quota.h).
 * The same through FUSE, as another user: tests/integration/test_users.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"
#include "sysfs/sysfs.h"
#include "sysfs/sysfs_quota.h"

#define OPENS 1000

static void test_open_file_cost(void **state)
{
	static struct sysfs_file *files[OPENS];
	struct fx *fx = fx_new(true);
	struct sysfs_tree *t;
	struct mallinfo2 before, after;
	char buf[64];
	size_t per_open;

	bus_probe_all(fx->bus);
	t = sysfs_tree_new(fx->bus);
	assert_non_null(t);
	before = mallinfo2();
	for (int i = 0; i < OPENS; i++)
		assert_int_equal(sysfs_open(t, "/devices/css0/0.0.0313/"
					    "pimpampom", O_RDONLY, &files[i]),
				 0);
	after = mallinfo2();
	per_open = (after.uordblks - before.uordblks) / OPENS;
	print_message("heap per open attribute: %zu bytes\n", per_open);
	assert_true(per_open < 1024);
	/* Each still shows what it rendered at open. */
	assert_int_equal(sysfs_read(files[OPENS - 1], buf, sizeof(buf), 0), 9);
	assert_memory_equal(buf, "f0 f0 ff\n", 9);
	for (int i = 0; i < OPENS; i++)
		sysfs_close(files[i]);
	sysfs_tree_free(t);
	fx_free(fx);
}

static void test_quota(void **state)
{
	/* Root is not counted. */
	for (int i = 0; i < 2 * SYSFS_QUOTA_PER_USER; i++)
		assert_int_equal(sysfs_quota_take(0), 0);
	assert_int_equal(sysfs_quota_held(0), 0);
	/* A user: its share, then EMFILE; another user still gets its. */
	for (int i = 0; i < SYSFS_QUOTA_PER_USER; i++)
		assert_int_equal(sysfs_quota_take(1000), 0);
	assert_int_equal(sysfs_quota_take(1000), -EMFILE);
	assert_int_equal(sysfs_quota_take(1001), 0);
	sysfs_quota_give(1000);
	assert_int_equal(sysfs_quota_take(1000), 0);
	/* All users together: ENFILE. */
	for (uid_t u = 2000; u < 2000 + SYSFS_QUOTA_USERS / SYSFS_QUOTA_PER_USER;
	     u++)
		for (int i = 0; i < SYSFS_QUOTA_PER_USER; i++)
			if (sysfs_quota_take(u) < 0)
				goto full;
	fail_msg("no bound for all users");
full:
	assert_int_equal(sysfs_quota_take(1002), -ENFILE);
	/* Giving back makes room. */
	sysfs_quota_give(1001);
	assert_int_equal(sysfs_quota_take(1002), 0);
	assert_int_equal(sysfs_quota_held(1000), SYSFS_QUOTA_PER_USER);
	assert_int_equal(sysfs_quota_held(1002), 1);
	assert_int_equal(sysfs_quota_held(1001), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_file_cost),
		cmocka_unit_test(test_quota),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
