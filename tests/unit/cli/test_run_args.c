/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ccwpass run`'s argument repairs (src/cli/run_args.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/run_args.h"
#include "cli/run_ram.h"

static char joined[1024];

static const char *join(char **argv)
{
	joined[0] = '\0';
	for (char **p = argv; *p; p++) {
		if (p != argv)
			strcat(joined, " ");
		strcat(joined, *p);
	}
	return joined;
}

#define QEMU(note, ...)                                                  \
	({                                                               \
		char *a_[] = { __VA_ARGS__ };                            \
		char **r_ = run_fix_qemu_args((int)(sizeof(a_) / sizeof(*a_)), \
					      a_, note, sizeof(note));   \
		assert_non_null(r_);                                     \
		join(r_);                                                \
		run_args_free(r_);                                       \
		joined;                                                  \
	})

#define SHARE(note, ...)                                                 \
	({                                                               \
		char *a_[] = { __VA_ARGS__ };                            \
		char **r_ = run_share_qemu_ram((int)(sizeof(a_) / sizeof(*a_)), \
					       a_, note, sizeof(note));  \
		assert_non_null(r_);                                     \
		join(r_);                                                \
		run_args_free(r_);                                       \
		joined;                                                  \
	})

static void test_ram_size(void **state)
{
	assert_int_equal(run_qemu_ram_size("512"), 512ull << 20);
	assert_int_equal(run_qemu_ram_size("1G"), 1ull << 30);
	assert_int_equal(run_qemu_ram_size("1.5g"), 3ull << 29);
	assert_int_equal(run_qemu_ram_size("2048M"), 2ull << 30);
	assert_int_equal(run_qemu_ram_size("size=4G,slots=2,maxmem=8G"),
			 4ull << 30);
	assert_int_equal(run_qemu_ram_size("65536k"), 64ull << 20);
	assert_int_equal(run_qemu_ram_size("slots=2"), 0);
	assert_int_equal(run_qemu_ram_size("1X"), 0);
	assert_int_equal(run_qemu_ram_size("-1"), 0);
	assert_int_equal(run_qemu_ram_size(""), 0);
}

/* The seed's command line: plain RAM made a shared memfd of -m's size. */
static void test_ram_shared(void **state)
{
	char note[512] = "";

	assert_string_equal(SHARE(note, "qemu-system-s390x", "-M",
				  "s390-ccw-virtio", "-m", "1024", "-device",
				  "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/x"),
			    "qemu-system-s390x -M s390-ccw-virtio -m 1024 "
			    "-device vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/x "
			    "-object memory-backend-memfd,id=ccwpass-ram,"
			    "size=1073741824,share=on "
			    "-machine memory-backend=ccwpass-ram");
	assert_non_null(strstr(note, "guest RAM (1024 MiB) shared"));
	/* No -m: QEMU's default 128 MiB; --device and driver= spellings. */
	note[0] = '\0';
	assert_non_null(strstr(SHARE(note, "qemu-system-s390x", "--device",
				     "driver=vfio-ccw,sysfsdev=/sys/x"),
			       "size=134217728,share=on"));
}

/* RAM the command line already chose, or no vfio-ccw: left alone. */
static void test_ram_left_alone(void **state)
{
	static const char *const chosen[][2] = {
		{ "-mem-path", "/dev/hugepages" },
		{ "-mem-prealloc", "-nodefaults" },
		{ "-numa", "node,memdev=m0" },
		{ "-machine", "s390-ccw-virtio,memory-backend=mem" },
		{ "-m", "lots" },
	};
	char note[512] = "";

	for (size_t i = 0; i < sizeof(chosen) / sizeof(*chosen); i++) {
		char *a[] = { "qemu-system-s390x", "-device", "vfio-ccw",
			      (char *)chosen[i][0], (char *)chosen[i][1] };
		char **r = run_share_qemu_ram(5, a, note, sizeof(note));

		assert_non_null(r);
		assert_int_equal(run_args_count(r), 5);
		run_args_free(r);
	}
	assert_string_equal(SHARE(note, "qemu-system-s390x", "-device",
				  "virtio-blk-ccw,drive=d"),
			    "qemu-system-s390x -device virtio-blk-ccw,drive=d");
	assert_string_equal(note, "");
}

static void test_is(void **state)
{
	assert_true(run_is_qemu("qemu-system-s390x"));
	assert_true(run_is_qemu("/usr/bin/qemu-system-s390x"));
	assert_true(run_is_qemu("qemu-kvm"));
	assert_false(run_is_qemu("qemu-img"));
	assert_false(run_is_qemu("/opt/qemu-system/bin/sh"));
	assert_true(run_is_mdevctl("/usr/sbin/mdevctl"));
	assert_false(run_is_mdevctl("mdevctl2"));
}

#define FIND(...) ({ char *const a_[] = { __VA_ARGS__ }; \
	run_find_qemu((int)(sizeof(a_) / sizeof(*a_)), a_); })

static void test_find_qemu(void **state)
{
	char *rest[] = { strdup("qemu-system-s390x"), strdup("-m"),
			 strdup("512"), NULL };
	char **r = calloc(4, sizeof(char *));
	char *const pre[] = { "timeout", "60" };
	char **full;

	(void)state;
	assert_int_equal(FIND("qemu-system-s390x", "-m", "512"), 0);
	assert_int_equal(FIND("timeout", "60", "qemu-system-s390x", "-m", "1"), 2);
	assert_int_equal(FIND("/usr/bin/nice", "-n", "5", "/usr/bin/timeout",
			      "9", "/usr/bin/qemu-system-s390x"), 5);
	assert_int_equal(FIND("env", "A=b", "qemu-kvm"), 2);
	assert_int_equal(FIND("perf", "record", "-g", "--", "qemu-system-x86_64"),
			 4);
	assert_int_equal(FIND("strace", "-f", "-o", "t", "qemu-system-s390x"), 4);
	/* Not a wrapper, or no QEMU behind it. */
	assert_int_equal(FIND("ls", "/usr/bin/qemu-system-s390x"), -1);
	assert_int_equal(FIND("sh", "-c", "qemu-system-s390x"), -1);
	assert_int_equal(FIND("timeout", "60", "qemu-img", "info", "x"), -1);
	assert_int_equal(FIND("timeout"), -1);

	assert_non_null(r);
	memcpy(r, rest, sizeof(rest));
	full = run_args_prefix(2, pre, r);
	assert_non_null(full);
	assert_int_equal(run_args_count(full), 5);
	assert_string_equal(full[0], "timeout");
	assert_string_equal(full[1], "60");
	assert_string_equal(full[2], "qemu-system-s390x");
	assert_string_equal(full[4], "512");
	assert_null(full[5]);
	run_args_free(full);
}

static void test_squash_removed(void **state)
{
	char note[512] = "";

	assert_string_equal(QEMU(note, "qemu-system-s390x", "-M",
				 "s390-ccw-virtio,s390-squash-mcss=on", "-m",
				 "512"),
			    "qemu-system-s390x -M s390-ccw-virtio -m 512");
	/* the whole note: what went, why, and what to do instead */
	assert_string_equal(note, "ccwpass run: removed 's390-squash-mcss=on' "
			    "from -M: QEMU 7.2 has no such machine property "
			    "(vfio-ccw devices go to css fe: use devno=fe.x.xxxx, "
			    "or let QEMU pick one)\n");
	note[0] = '\0';
	/* the feature page's spelling, -machine, bare boolean */
	assert_string_equal(QEMU(note, "qemu-system-s390x", "-machine",
				 "s390-ccw-virtio,s390-squash-css=on,accel=tcg"),
			    "qemu-system-s390x -machine s390-ccw-virtio,accel=tcg");
	note[0] = '\0';
	assert_string_equal(QEMU(note, "qemu-system-s390x", "--machine",
				 "s390-squash-mcss,type=s390-ccw-virtio"),
			    "qemu-system-s390x --machine type=s390-ccw-virtio");
	/* nothing left: the option goes */
	note[0] = '\0';
	assert_string_equal(QEMU(note, "qemu-system-s390x", "-nographic", "-M",
				 "s390-squash-mcss=off", "-m", "1G"),
			    "qemu-system-s390x -nographic -m 1G");
	assert_non_null(strstr(note, "s390-squash-mcss=off"));
}

static void test_untouched(void **state)
{
	char note[512] = "";

	assert_string_equal(QEMU(note, "qemu-system-s390x", "-M",
				 "s390-ccw-virtio", "-device",
				 "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/x"),
			    "qemu-system-s390x -M s390-ccw-virtio -device "
			    "vfio-ccw,devno=fe.0.1234,sysfsdev=/sys/bus/mdev/devices/x");
	assert_string_equal(note, "");
	/* ",," is a literal comma inside a value, not a separator */
	assert_string_equal(QEMU(note, "qemu-system-s390x", "-M",
				 "s390-ccw-virtio,x=a,,s390-squash-mcss=on"),
			    "qemu-system-s390x -M s390-ccw-virtio,x=a,,s390-squash-mcss=on");
	assert_string_equal(note, "");
	/* similar names stay, -device values stay, a trailing -M stays */
	assert_string_equal(QEMU(note, "qemu-system-s390x", "-M",
				 "s390-squash-mcssx=on", "-device",
				 "s390-squash-mcss=on", "-M"),
			    "qemu-system-s390x -M s390-squash-mcssx=on -device "
			    "s390-squash-mcss=on -M");
	assert_string_equal(note, "");
}

static void test_mdevctl_typo(void **state)
{
	char note[512] = "";
	char *a[] = { "mdevctl", "define", "-u", "x", "-p", "0.0.0313", "-t",
		      "vfio-ccw_io", "-a" };
	char *b[] = { "mdevctl", "define", "--type=vfio-ccw_io" };
	char *c[] = { "mdevctl", "start", "-u", "vfio-ccw_io" };
	char **r;

	r = run_fix_mdevctl_args(9, a, note, sizeof(note));
	assert_string_equal(join(r),
			    "mdevctl define -u x -p 0.0.0313 -t vfio_ccw-io -a");
	run_args_free(r);
	assert_non_null(strstr(note, "typo"));
	r = run_fix_mdevctl_args(3, b, note, sizeof(note));
	assert_string_equal(join(r), "mdevctl define --type=vfio_ccw-io");
	run_args_free(r);
	note[0] = '\0';
	r = run_fix_mdevctl_args(4, c, note, sizeof(note));
	assert_string_equal(join(r), "mdevctl start -u vfio-ccw_io");
	run_args_free(r);
	assert_string_equal(note, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is),
		cmocka_unit_test(test_find_qemu),
		cmocka_unit_test(test_ram_size),
		cmocka_unit_test(test_ram_shared),
		cmocka_unit_test(test_ram_left_alone),
		cmocka_unit_test(test_squash_removed),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_mdevctl_typo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
