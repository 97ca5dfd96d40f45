/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The view under concurrent use, as FUSE worker threads use it: several
 * threads reading one open file (one fd shared by the threads of a
 * process: each read from offset 0 renders again) must each get the whole,
 * untorn content - kernfs serialises the reads of one open file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"
#include "sysfs/sysfs.h"

#define NTHREADS 4
#define ROUNDS   20000
#define OV_LEN   4000

struct shared {
	struct sysfs_file *f;
	char want[OV_LEN + 2];
	size_t want_len;
	atomic_int bad;
};

static void *reader(void *opaque)
{
	struct shared *s = opaque;
	char *buf = malloc(2 * SYSFS_PAGE);

	for (int i = 0; buf && i < ROUNDS; i++) {
		ssize_t n = sysfs_read(s->f, buf, 2 * SYSFS_PAGE, 0);

		if (n != (ssize_t)s->want_len || memcmp(buf, s->want, s->want_len))
			atomic_fetch_add(&s->bad, 1);
	}
	free(buf);
	return NULL;
}

static void test_shared_open_file_reads(void **state)
{
	struct fx *fx = fx_new(true);
	struct sysfs_tree *t;
	struct shared s = { .bad = 0 };
	pthread_t th[NTHREADS];
	char *ov = malloc(OV_LEN + 1);

	assert_non_null(ov);
	bus_probe_all(fx->bus);
	t = sysfs_tree_new(fx->bus);
	memset(ov, 'a', OV_LEN);
	ov[OV_LEN] = '\0';
	assert_int_equal(bus_set_override(fx->bus, "0.0.0313", ov), 0);
	snprintf(s.want, sizeof(s.want), "%s\n", ov);
	s.want_len = OV_LEN + 1;
	assert_int_equal(sysfs_open(t, "/devices/css0/0.0.0313/driver_override",
				    O_RDONLY, &s.f), 0);
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, &s), 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&s.bad), 0);
	sysfs_close(s.f);
	sysfs_tree_free(t);
	fx_free(fx);
	free(ov);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_open_file_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
