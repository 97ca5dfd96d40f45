/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's small text rules: sysfs_streq, kstrtoul base 0, chp names. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "sysfs/sysfs_priv.h"

static void test_name(void **state)
{
	char out[16];

	assert_int_equal(sysfs_text_name("0.0.0313\n", out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0313");
	assert_int_equal(sysfs_text_name("0.0.0313", out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0313");
	assert_int_equal(sysfs_text_name("0.0.0313\n\n", out, sizeof(out)), 0);
	assert_string_equal(out, "0.0.0313\n");   /* matches no device */
	assert_int_equal(sysfs_text_name("", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(sysfs_text_name("0123456789abcdef", out, sizeof(out)),
			 -EINVAL);
}

static void test_ulong(void **state)
{
	unsigned long v = 99;
	char big[64];

	assert_int_equal(sysfs_text_ulong("1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(sysfs_text_ulong("1\n", &v), 0);
	assert_int_equal(sysfs_text_ulong("+7", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(sysfs_text_ulong("0x1f", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(sysfs_text_ulong("010", &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(sysfs_text_ulong("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sysfs_text_ulong("", &v), -EINVAL);
	assert_int_equal(sysfs_text_ulong("\n", &v), -EINVAL);
	assert_int_equal(sysfs_text_ulong("-1", &v), -EINVAL);
	assert_int_equal(sysfs_text_ulong("1\n\n", &v), -EINVAL);
	assert_int_equal(sysfs_text_ulong(" 1", &v), -EINVAL);
	assert_int_equal(sysfs_text_ulong("08", &v), -EINVAL);
	assert_int_equal(sysfs_text_ulong("0x", &v), -EINVAL);
	assert_int_equal(sysfs_text_ulong("1x", &v), -EINVAL);
	snprintf(big, sizeof(big), "%lu0", ULONG_MAX);
	assert_int_equal(sysfs_text_ulong(big, &v), -ERANGE);
	snprintf(big, sizeof(big), "%lu", ULONG_MAX);
	assert_int_equal(sysfs_text_ulong(big, &v), 0);
	assert_true(v == ULONG_MAX);
}

static void test_chp_name(void **state)
{
	uint8_t c = 0;

	assert_int_equal(sysfs_text_chp("chp0.1a", &c), 0);
	assert_int_equal(c, 0x1a);
	assert_int_equal(sysfs_text_chp("chp0.ff", &c), 0);
	assert_int_equal(c, 0xff);
	assert_int_equal(sysfs_text_chp("chp0.1A", &c), -EINVAL);
	assert_int_equal(sysfs_text_chp("chp0.1", &c), -EINVAL);
	assert_int_equal(sysfs_text_chp("chp1.1a", &c), -EINVAL);
	assert_int_equal(sysfs_text_chp("chp0.1g", &c), -EINVAL);
}

static void test_bprintf_bounds(void **state)
{
	static struct sysfs_buf b;

	for (int i = 0; i < 1000; i++)
		sysfs_bprintf(&b, "0123456789");
	assert_int_equal(b.len, SYSFS_PAGE - 1);
	assert_int_equal(b.data[SYSFS_PAGE - 1], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_ulong),
		cmocka_unit_test(test_chp_name),
		cmocka_unit_test(test_bprintf_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
