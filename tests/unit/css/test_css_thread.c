/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The worker threads: a program runs on its subchannel's worker; halt and
 * clear from another thread stop a running TIC loop at a CCW boundary;
 * css_free() ends a program that would loop forever; notify runs on the
 * worker and may issue TSCH; device status presented on its own; a start
 * issued while starts are held runs once they are released. Waits use
 * condition variables, never time.
 */
#include "css_test.h"
#include "css/css_internal.h"   /* kick_owed: white box */
#include "test_wait.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int notifies;
	bool on_worker;
	pthread_t main;
	bool tsch;                  /* collect in the callback */
	int collected;
	struct css_irb irb;
};

static void w_notify(struct css_subchannel *sch, void *opaque)
{
	struct waiter *w = opaque;
	struct css_irb irb;
	int cc = 1;

	if (w->tsch)
		cc = css_tsch(sch, &irb);
	pthread_mutex_lock(&w->lock);
	w->notifies++;
	w->on_worker = !pthread_equal(pthread_self(), w->main);
	if (cc == 0) {
		w->collected++;
		w->irb = irb;
	}
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void w_init(struct waiter *w, struct fix *f)
{
	pthread_condattr_t ca;

	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	w->main = pthread_self();
	css_sch_set_handlers(f->sch, w_notify, NULL, w);
}

/* Until notify ran that many times (fails after TEST_WAIT_MS). */
static void w_wait(struct waiter *w, int notifies)
{
	struct timespec until = deadline_in_ms(CLOCK_MONOTONIC, TEST_WAIT_MS);
	int r = 0;

	pthread_mutex_lock(&w->lock);
	while (w->notifies < notifies && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&w->cond, &w->lock, &until);
	r = w->notifies >= notifies;
	pthread_mutex_unlock(&w->lock);
	assert_true(r);
}

static void w_fini(struct waiter *w)
{
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

/* Counts commands; the test thread waits on it. */
static unsigned long exec_count;

static void count_hook(struct tdev *d, struct css_ccw_io *io)
{
	(void)d;
	(void)io;
	__atomic_add_fetch(&exec_count, 1, __ATOMIC_SEQ_CST);
}

static void wait_execs(unsigned long n)
{
	assert_true(TEST_WAIT_UNTIL(__atomic_load_n(&exec_count,
						    __ATOMIC_SEQ_CST) >= n));
}

static void loop_program(struct fix *f)
{
	put_ccw1(f, 0x100, 0x03, CCW_FLAG_CC, 0, 0);
	put_ccw1(f, 0x108, CCW_CMD_TIC, 0, 0, 0x100);
	f->dev.dflt.hook = count_hook;
	exec_count = 0;
}

/* Every worker of this process sleeps (state S in /proc: with no lock
 * of theirs held by anyone, that is waiting for work). */
static bool workers_asleep(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int found = 0, asleep = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300], buf[256] = "";
		const char *st;
		FILE *fp;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		if (!fgets(buf, sizeof(buf), fp))
			buf[0] = 0;
		fclose(fp);
		if (!strstr(buf, "(ccwpass-sch) ") ||
		    !(st = strrchr(buf, ')')))
			continue;
		found++;
		asleep += st[2] == 'S';
	}
	closedir(d);
	return found && found == asleep;
}

/* Did the held program's command run before its release? */
static bool released, ran_held;

static void held_hook(struct tdev *d, struct css_ccw_io *io)
{
	(void)d;
	(void)io;
	if (!__atomic_load_n(&released, __ATOMIC_SEQ_CST))
		__atomic_store_n(&ran_held, true, __ATOMIC_SEQ_CST);
}

/*
 * One 8-byte read on the worker; notify must reach n. held: the worker
 * waits for work, the start is issued while starts are held, and its
 * command must not run before the release.
 */
static void read8(struct fix *f, struct waiter *w, const char *data,
		  bool held, int n)
{
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	put_ccw1(f, 0x100, 0x02, 0, 8, 0x1000);
	tdev_add(&f->dev, (struct tdev_step){ .data = data, .len = 8,
					      .hook = held ? held_hook : NULL });
	if (held) {
		assert_true(TEST_WAIT_UNTIL(workers_asleep()));
		__atomic_store_n(&released, false, __ATOMIC_SEQ_CST);
		__atomic_store_n(&ran_held, false, __ATOMIC_SEQ_CST);
		css_sch_hold_start(f->sch);
	}
	assert_int_equal(css_ssch(f->sch, &orb, &f->fm.mem), 0);
	if (held) {
		bool owed;

		/* The sleeping worker was not woken: the kick is owed. */
		pthread_mutex_lock(&f->sch->lock);
		owed = f->sch->kick_owed;
		pthread_mutex_unlock(&f->sch->lock);
		assert_true(owed);
		__atomic_store_n(&released, true, __ATOMIC_SEQ_CST);
		css_sch_release_start(f->sch);
		css_sch_release_start(f->sch);        /* idempotent */
	}
	w_wait(w, n);
	assert_false(__atomic_load_n(&ran_held, __ATOMIC_SEQ_CST));
	assert_true(w->on_worker);
	assert_int_equal(css_tsch(f->sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_START | ST_FINAL);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_memory_equal(f->mem + 0x1000, data, 8);
}

static void test_threaded_program(void **state)
{
	struct fix f;
	struct waiter w;

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	read8(&f, &w, "threaded", false, 1);
	fix_fini(&f);
	w_fini(&w);
}

/*
 * A start issued while starts are held runs once they are released: the
 * kick the worker missed is owed, not lost (vfio_ccw holds them until
 * its answer to the VMM is sent).
 */
static void test_threaded_held_start(void **state)
{
	struct fix f;
	struct waiter w;
	struct css_irb irb;

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	read8(&f, &w, "first...", false, 1);
	read8(&f, &w, "second..", true, 2);

	/* Held with nothing issued: releasing owes nothing. */
	css_sch_hold_start(f.sch);
	css_sch_release_start(f.sch);
	assert_int_equal(css_tsch(f.sch, &irb), 1);
	fix_fini(&f);
	w_fini(&w);
}

static void test_threaded_halt_tic_loop(void **state)
{
	struct fix f;
	struct waiter w;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	loop_program(&f);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	wait_execs(100);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 2);
	assert_int_equal(css_hsch(f.sch), 0);
	w_wait(&w, 1);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(FCTL(irb.scsw), SCSW_FCTL_START | SCSW_FCTL_HALT);
	assert_int_equal(ACTL(irb.scsw), 0);
	assert_int_equal(STCTL(irb.scsw), ST_FINAL);
	assert_int_equal(irb.scsw.dstat, CE_DE);
	assert_true(irb.scsw.cpa == 0x108 || irb.scsw.cpa == 0x110);
	assert_int_equal(f.dev.end_calls, 1);
	/* The subchannel is usable again. */
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	w_wait(&w, 2);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_START | ST_FINAL);
	fix_fini(&f);
	w_fini(&w);
}

static void test_threaded_clear_tic_loop(void **state)
{
	struct fix f;
	struct waiter w;
	struct css_orb orb = orb1(0x100);
	struct css_irb irb;

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	loop_program(&f);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	wait_execs(10);
	assert_int_equal(css_csch(f.sch), 0);
	w_wait(&w, 1);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(f.dev.reset_calls, 1);
	fix_fini(&f);
	w_fini(&w);
}

static void test_threaded_free_ends_loop(void **state)
{
	struct fix f;
	struct waiter w;
	struct css_orb orb = orb1(0x100);

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	loop_program(&f);
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	wait_execs(10);
	fix_fini(&f);                    /* css_free() must return */
	assert_int_equal(f.dev.end_calls, 1);
	assert_int_equal(w.notifies, 0);
	w_fini(&w);
}

static void test_threaded_tsch_in_notify(void **state)
{
	struct fix f;
	struct waiter w;
	struct css_orb orb = orb1(0x100);

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	w.tsch = true;
	put_ccw1(&f, 0x100, 0x02, CCW_FLAG_SLI, 64, 0x1000);
	f.dev.dflt = (struct tdev_step){ .data = "0123456789abcdef", .len = 16 };
	for (int i = 1; i <= 200; i++) {
		int cc;

		/* The previous status was collected in the callback; a new
		 * start may race with the callback returning, never with
		 * the status. */
		do
			cc = css_ssch(f.sch, &orb, &f.fm.mem);
		while (cc == 2);
		assert_int_equal(cc, 0);
		w_wait(&w, i);
	}
	assert_int_equal(w.collected, 200);
	assert_int_equal(w.irb.scsw.count, 48);
	assert_int_equal(f.dev.end_calls, 200);
	fix_fini(&f);
	w_fini(&w);
}

static void test_threaded_halt_idle_and_clear(void **state)
{
	struct fix f;
	struct waiter w;
	struct css_irb irb;

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	assert_int_equal(css_hsch(f.sch), 0);
	w_wait(&w, 1);
	assert_true(w.on_worker);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_HALT | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(css_csch(f.sch), 0);
	w_wait(&w, 2);
	assert_int_equal(css_tsch(f.sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(f.dev.reset_calls, 1);
	fix_fini(&f);
	w_fini(&w);
}

/* Device status presented while a program runs (from the device's own
 * command here) is made pending once the program's final status was
 * collected: notify runs twice on the worker. */
static void present_hook(struct tdev *d, struct css_ccw_io *io)
{
	(void)io;
	css_sch_present(d->sch, DEV_STAT_ATTENTION);
}

static void test_threaded_unsolicited(void **state)
{
	struct fix f;
	struct waiter w;
	struct css_orb orb = orb1(0x100);

	(void)state;
	fix_init(&f, 0, 0x80, false);
	w_init(&w, &f);
	w.tsch = true;
	put_ccw1(&f, 0x100, 0x03, 0, 0, 0);
	tdev_add(&f.dev, (struct tdev_step){ .hook = present_hook });
	assert_int_equal(css_ssch(f.sch, &orb, &f.fm.mem), 0);
	w_wait(&w, 2);
	assert_int_equal(w.collected, 2);
	assert_int_equal(w.irb.scsw.ctrl, SCSW_STCTL_ALERT |
			 SCSW_STCTL_STATUS_PEND);
	assert_int_equal(w.irb.scsw.dstat, DEV_STAT_ATTENTION);
	/* And on an idle subchannel, from another thread. */
	css_sch_present(f.sch, DEV_STAT_DEV_END);
	w_wait(&w, 3);
	assert_int_equal(w.collected, 3);
	assert_int_equal(w.irb.scsw.dstat, DEV_STAT_DEV_END);
	fix_fini(&f);
	w_fini(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threaded_program),
		cmocka_unit_test(test_threaded_held_start),
		cmocka_unit_test(test_threaded_halt_tic_loop),
		cmocka_unit_test(test_threaded_clear_tic_loop),
		cmocka_unit_test(test_threaded_free_ends_loop),
		cmocka_unit_test(test_threaded_tsch_in_notify),
		cmocka_unit_test(test_threaded_halt_idle_and_clear),
		cmocka_unit_test(test_threaded_unsolicited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
