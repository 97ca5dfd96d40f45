/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's small text rules: sysfs_streq, kstrtoul base 0, chp names. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
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

/* vsscanf "%5s": only an empty buffer converts nothing. */
static void test_word(void **state)
{
	char w[6];

	assert_int_equal(sysfs_text_word("", w, sizeof(w)), -ENODATA);
	assert_int_equal(sysfs_text_word("\n", w, sizeof(w)), 0);
	assert_string_equal(w, "");
	assert_int_equal(sysfs_text_word(" \t\v\f\r", w, sizeof(w)), 0);
	assert_string_equal(w, "");
	assert_int_equal(sysfs_text_word("  on\n", w, sizeof(w)), 0);
	assert_string_equal(w, "on");
	assert_int_equal(sysfs_text_word("offline", w, sizeof(w)), 0);
	assert_string_equal(w, "offli");
	assert_int_equal(sysfs_text_word("\xa0" "1 0", w, sizeof(w)), 0);
	assert_string_equal(w, "1");
	assert_int_equal(sysfs_text_word("\x85on", w, sizeof(w)), 0);
	assert_string_equal(w, "\x85on");   /* not kernel white space */
}

/* kobject_synth_uevent's syntax: ACTION [UUID [KEY=VALUE ...]] */
static void test_uevent(void **state)
{
	static const char *const good[] = {
		"add", "change\n", "remove", "move", "online", "offline",
		"bind", "unbind\n",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6",
		"change 7E270A25-E163-4922-AF60-757FC8ED48C6\n",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 A=1 bB2=x9\n",
	};
	static const char *const bad[] = {
		"", "\n", "garbage", "ad", "adds", "Add", "change\n\n",
		" add", "add ", "add\n ",
		"add 7e270a25-e163-4922-af60-757fc8ed48c",
		"add 7e270a25-e163-4922-af60-757fc8ed48cX",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6x",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 ",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 A",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 A=",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 =1",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 A_B=1",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 A=1  B=2",
		"add 7e270a25-e163-4922-af60-757fc8ed48c6 A=1-2",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		if (sysfs_text_uevent(good[i], strlen(good[i])) != 0)
			fail_msg("refused \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (sysfs_text_uevent(bad[i], strlen(bad[i])) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	/* a trailing NUL counts like the newline (python's writes) */
	assert_int_equal(sysfs_text_uevent("add\0", 4), 0);
	assert_int_equal(sysfs_text_uevent("add\0\0", 5), -EINVAL);
	/* Latin-1 letters are alphanumeric to the kernel */
	{
		const char *l1 = "add 7e270a25-e163-4922-af60-757fc8ed48c6 \xe9=\xc0";
		const char *times = "add 7e270a25-e163-4922-af60-757fc8ed48c6 \xd7=1";

		assert_int_equal(sysfs_text_uevent(l1, strlen(l1)), 0);
		assert_int_equal(sysfs_text_uevent(times, strlen(times)), -EINVAL);
	}
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
		cmocka_unit_test(test_word),
		cmocka_unit_test(test_uevent),
		cmocka_unit_test(test_chp_name),
		cmocka_unit_test(test_bprintf_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
