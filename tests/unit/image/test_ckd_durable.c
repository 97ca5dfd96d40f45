/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Commits and durability (docs/image-format.md "Commits and durability"),
 * with real files and real threads, for the format the argument names
 * ("cckd", the default, "cckd64" or "plain"): one fdatasync per commit +
 * make_durable of one thread; group commit - a flush whose fdatasync the
 * test holds (through the ckd_io seam) lets other threads write and
 * commit meanwhile, and the commits that wait for it cost one more
 * fdatasync together; a failed fdatasync fails every waiter and every
 * later write; a process killed after commits without make_durable loses
 * none of them; a CCKD ring of 3 slots filled by commits without
 * flushes; many threads writing, committing and flushing at once; the
 * early write-back hint a flusher gives between flushes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/deadline.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_image.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"
#include "image_test.h"
#include "test_wait.h"

#define CYLS 20                       /* 300 tracks, two CCKD groups */

static enum ckd_image_format format = CKD_IMAGE_CCKD;
static char *dir, *path;

/* ---- the fdatasync seam: counted, optionally held, optionally failed */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond;
static atomic_bool l1_fails;          /* pwrites of the CCKD L1 table fail */
static bool gate_closed;              /* fdatasyncs wait until it opens */
static bool gate_fails;               /* those that waited then fail */
static unsigned int gate_held;        /* fdatasyncs waiting at the gate */
static atomic_uint fdatasyncs;
static atomic_uint wb_starts;         /* start_writeback calls */

static int gated_fdatasync(int fd)
{
	struct timespec until = deadline_ms(TEST_WAIT_MS);
	bool fail = false;

	atomic_fetch_add(&fdatasyncs, 1);
	pthread_mutex_lock(&gate_mu);
	if (gate_closed) {
		gate_held++;
		while (gate_closed &&
		       pthread_cond_timedwait(&gate_cond, &gate_mu, &until) == 0)
			;
		gate_held--;
		fail = gate_fails;
	}
	pthread_mutex_unlock(&gate_mu);
	if (fail) {
		errno = EIO;
		return -1;
	}
	return fdatasync(fd);
}

static ssize_t gated_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (atomic_load(&l1_fails) && off < CCKD_L1_POS + 64 &&
	    off + (off_t)n > CCKD_L1_POS) {
		errno = EIO;
		return -1;
	}
	return pwrite(fd, buf, n, off);
}

static int counted_start_writeback(int fd)
{
	atomic_fetch_add(&wb_starts, 1);
	return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

static const struct ckd_io_ops gated = {
	.pread = pread, .pwrite = gated_pwrite, .fdatasync = gated_fdatasync,
	.ftruncate = ftruncate, .start_writeback = counted_start_writeback,
};

static void gate_close(bool fails)
{
	pthread_mutex_lock(&gate_mu);
	gate_closed = true;
	gate_fails = fails;
	pthread_mutex_unlock(&gate_mu);
}

static void gate_open(void)
{
	pthread_mutex_lock(&gate_mu);
	gate_closed = false;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_mu);
}

static bool gate_has(unsigned int n)
{
	unsigned int held;

	pthread_mutex_lock(&gate_mu);
	held = gate_held;
	pthread_mutex_unlock(&gate_mu);
	return held == n;
}

/* ---- volumes and tracks */

static int setup(void **state)
{
	(void)state;
	dir = it_mkdtemp();
	path = it_path(dir, "vol");
	it_create(path, CYLS, format, CKD_INIT_CDL);
	fdatasyncs = 0;
	wb_starts = 0;
	gate_closed = gate_fails = false;
	l1_fails = false;
	ckd_io = &gated;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ckd_io = &ckd_io_libc;
	cckd_jrn_slots = CCKD_JRN_SLOTS;
	free(path);
	it_rmdir(dir);
	return 0;
}

static struct ckd_image *open_ok(unsigned int flags)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, flags, &err);

	if (!img)
		fail_msg("open: %s", err.msg);
	fdatasyncs = 0;                   /* the open's own do not count */
	return img;
}

/* Track trk as version seed (incompressible, as guests write). */
static size_t make(uint8_t *buf, uint32_t trk, uint32_t seed)
{
	struct ckd_geometry g = it_geo(CYLS);

	return it_random_track(buf, CKD_MAX_TRACK_SIZE, &g, trk, seed);
}

static int put(struct ckd_image *img, uint32_t trk, uint32_t seed)
{
	uint8_t *buf = malloc(CKD_MAX_TRACK_SIZE);
	int rc;

	assert_non_null(buf);
	rc = ckd_image_write_track(img, trk, buf, make(buf, trk, seed));
	free(buf);
	return rc;
}

static bool holds(struct ckd_image *img, uint32_t trk, uint32_t seed)
{
	uint8_t *buf = malloc(CKD_MAX_TRACK_SIZE);
	bool yes;

	assert_non_null(buf);
	yes = it_track_equals(img, trk, buf, make(buf, trk, seed));
	free(buf);
	return yes;
}

static uint64_t commit_ok(struct ckd_image *img)
{
	uint64_t seq = 0;

	assert_int_equal(ckd_image_commit(img, &seq), 0);
	return seq;
}

/* ---- one thread */

static void test_one_fdatasync_per_commit(void **state)
{
	struct ckd_image *img = open_ok(0);
	uint64_t seq, last = 0;

	(void)state;
	for (uint32_t i = 0; i < 12; i++) {
		unsigned int before = fdatasyncs;

		assert_int_equal(put(img, 2 + i * 23, i), 0);
		seq = commit_ok(img);
		assert_true(seq > last);
		assert_int_equal(fdatasyncs, before);     /* commit: none */
		assert_true(ckd_image_durable_seq(img) < seq);
		assert_true(ckd_image_dirty(img));
		assert_int_equal(ckd_image_make_durable(img, seq), 0);
		assert_int_equal(fdatasyncs, before + 1);
		assert_true(ckd_image_durable_seq(img) >= seq);
		assert_false(ckd_image_dirty(img));
		/* Durable already: nothing more. */
		assert_int_equal(ckd_image_make_durable(img, seq), 0);
		assert_int_equal(ckd_image_flush(img), 0);
		assert_int_equal(fdatasyncs, before + 1);
		last = seq;
	}
	/* A commit with nothing written is the last one, durable. */
	assert_int_equal(commit_ok(img), last);
	assert_int_equal(ckd_image_make_durable(img, last), 0);
	assert_int_equal(fdatasyncs, 12);
	assert_int_equal(ckd_image_committed_seq(img), last);
	assert_int_equal(ckd_image_close(img), 0);
	img = open_ok(CKD_OPEN_RDONLY);
	for (uint32_t i = 0; i < 12; i++)
		assert_true(holds(img, 2 + i * 23, i));
	ckd_image_close(img);
}

/*
 * make_durable(seq) covers every commit up to seq - and, being one flush,
 * every commit made before it began; a seq past the last commit means
 * the last; a write not committed is no flush's business.
 */
static void test_flush_covers_earlier_commits(void **state)
{
	struct ckd_image *img = open_ok(0);
	uint64_t seq[3], s;

	(void)state;
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(put(img, 3 + 100 * i, i + 1), 0);
		seq[i] = commit_ok(img);
	}
	assert_true(seq[0] < seq[1] && seq[1] < seq[2]);
	assert_int_equal(ckd_image_make_durable(img, seq[0]), 0);
	assert_int_equal(fdatasyncs, 1);
	assert_int_equal(ckd_image_durable_seq(img), seq[2]);
	assert_int_equal(ckd_image_make_durable(img, seq[2]), 0);
	assert_int_equal(fdatasyncs, 1);
	assert_int_equal(put(img, 4, 9), 0);
	s = commit_ok(img);
	assert_int_equal(ckd_image_make_durable(img, UINT64_MAX), 0);
	assert_int_equal(fdatasyncs, 2);
	assert_int_equal(ckd_image_durable_seq(img), s);
	assert_int_equal(put(img, 5, 9), 0);
	assert_false(ckd_image_dirty(img));       /* written, not committed */
	assert_int_equal(ckd_image_flush(img), 0);
	assert_int_equal(fdatasyncs, 2);
	assert_int_equal(ckd_image_committed_seq(img), s);
	assert_int_equal(ckd_image_close(img), 0);
	img = open_ok(CKD_OPEN_RDONLY);
	for (uint32_t i = 0; i < 3; i++)
		assert_true(holds(img, 3 + 100 * i, i + 1));
	assert_true(holds(img, 4, 9));
	assert_true(holds(img, 5, 9));           /* the close commits it */
	ckd_image_close(img);
}

/* ---- threads */

struct writer {
	struct ckd_image *img;
	uint32_t trk, seed;
	uint64_t seq;
	int rc_write, rc_commit, rc_durable;
	pthread_t tid;
};

static atomic_uint committed;

static void *write_commit_durable(void *arg)
{
	struct writer *w = arg;

	w->rc_write = put(w->img, w->trk, w->seed);
	w->rc_commit = ckd_image_commit(w->img, &w->seq);
	atomic_fetch_add(&committed, 1);
	w->rc_durable = ckd_image_make_durable(w->img, w->seq);
	return NULL;
}

static void start(struct writer *w, struct ckd_image *img, uint32_t trk,
		  uint32_t seed)
{
	*w = (struct writer){ .img = img, .trk = trk, .seed = seed };
	assert_int_equal(pthread_create(&w->tid, NULL, write_commit_durable,
					w), 0);
}

/*
 * The leader's fdatasync is held; three threads write and commit
 * meanwhile (the fdatasync holds no lock they need) and wait; once it
 * ends, one more fdatasync covers all three.
 */
static void test_group_commit(void **state)
{
	struct ckd_image *img = open_ok(0);
	struct writer lead, w[3];

	(void)state;
	committed = 0;
	gate_close(false);
	start(&lead, img, 5, 1);
	assert_true(TEST_WAIT_UNTIL(gate_has(1)));
	for (int i = 0; i < 3; i++)
		start(&w[i], img, 40 + 90 * (uint32_t)i, 2);
	assert_true(TEST_WAIT_UNTIL(committed == 4 &&
				    ckd_image_durable_waiters(img) == 3));
	assert_int_equal(fdatasyncs, 1);
	gate_open();
	pthread_join(lead.tid, NULL);
	for (int i = 0; i < 3; i++) {
		pthread_join(w[i].tid, NULL);
		assert_int_equal(w[i].rc_write, 0);
		assert_int_equal(w[i].rc_commit, 0);
		assert_int_equal(w[i].rc_durable, 0);
		assert_true(w[i].seq > lead.seq);
	}
	assert_int_equal(lead.rc_durable, 0);
	assert_int_equal(fdatasyncs, 2);
	assert_int_equal(ckd_image_durable_seq(img),
			 ckd_image_committed_seq(img));
	assert_int_equal(ckd_image_close(img), 0);
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(holds(img, 5, 1));
	for (int i = 0; i < 3; i++)
		assert_true(holds(img, 40 + 90 * (uint32_t)i, 2));
	ckd_image_close(img);
}

struct waiter {
	struct ckd_image *img;
	uint64_t seq;
	int rc;
	pthread_t tid;
};

static void *make_durable(void *arg)
{
	struct waiter *w = arg;

	w->rc = ckd_image_make_durable(w->img, w->seq);
	return NULL;
}

/*
 * A flush in flight that started after a thread's commit covers it: the
 * thread waits for it, and no fdatasync more is needed.
 */
static void test_flush_in_flight_covers(void **state)
{
	struct ckd_image *img = open_ok(0);
	struct writer lead;
	struct waiter w = { .img = img };

	(void)state;
	committed = 0;
	assert_int_equal(put(img, 7, 3), 0);
	w.seq = commit_ok(img);
	gate_close(false);
	/* The leader commits its own write after ours, then flushes. */
	start(&lead, img, 8, 3);
	assert_true(TEST_WAIT_UNTIL(gate_has(1)));
	assert_int_equal(pthread_create(&w.tid, NULL, make_durable, &w), 0);
	assert_true(TEST_WAIT_UNTIL(ckd_image_durable_waiters(img) == 1));
	gate_open();
	pthread_join(w.tid, NULL);
	pthread_join(lead.tid, NULL);
	assert_int_equal(w.rc, 0);
	assert_int_equal(lead.rc_durable, 0);
	assert_true(lead.seq > w.seq);
	assert_int_equal(fdatasyncs, 1);
	ckd_image_close(img);
}

/*
 * A failed fdatasync: the leader and the two threads waiting for it get
 * -EIO (no second fdatasync is tried: Linux may have dropped the failed
 * pages and would let it succeed), and so does every later write,
 * commit and flush. A CCKD volume reopened reads as before the failed
 * flush.
 */
static void test_failed_flush_fails_every_waiter(void **state)
{
	struct ckd_image *img = open_ok(0);
	struct writer lead, w[2];

	(void)state;
	committed = 0;
	assert_int_equal(put(img, 20, 1), 0);
	assert_int_equal(ckd_image_sync(img), 0);
	assert_int_equal(fdatasyncs, 1);
	gate_close(true);
	start(&lead, img, 20, 2);
	assert_true(TEST_WAIT_UNTIL(gate_has(1)));
	start(&w[0], img, 21, 2);
	start(&w[1], img, 280, 2);
	assert_true(TEST_WAIT_UNTIL(committed == 3 &&
				    ckd_image_durable_waiters(img) == 2));
	it_log_capture();
	gate_open();
	pthread_join(lead.tid, NULL);
	assert_int_equal(lead.rc_durable, -EIO);
	for (int i = 0; i < 2; i++) {
		pthread_join(w[i].tid, NULL);
		assert_int_equal(w[i].rc_durable, -EIO);
	}
	assert_non_null(strstr(it_log_text(), "fdatasync failed"));
	it_log_release();
	assert_int_equal(fdatasyncs, 2);
	/* Not durable, but no flush can help: a flusher stops. */
	assert_true(ckd_image_durable_seq(img) < ckd_image_committed_seq(img));
	assert_false(ckd_image_dirty(img));
	assert_int_equal(put(img, 22, 3), -EIO);
	assert_int_equal(ckd_image_commit(img, NULL), -EIO);
	assert_int_equal(ckd_image_make_durable(img, 1), -EIO);
	assert_int_equal(ckd_image_flush(img), -EIO);
	assert_int_equal(ckd_image_sync(img), -EIO);
	assert_int_equal(fdatasyncs, 2);
	it_log_capture();
	assert_int_equal(ckd_image_close(img), -EIO);
	it_log_release();
	if (format == CKD_IMAGE_PLAIN)
		return;                   /* nowhere to keep the old tracks */
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(holds(img, 20, 1));
	assert_false(holds(img, 21, 2));
	assert_false(holds(img, 280, 2));
	ckd_image_close(img);
}

/*
 * A flush whose preparation fails (its L1 entries cannot go in place)
 * fails like a failed fdatasync: the caller, every later write, commit
 * and flush. But nothing that was committed went wrong: it stays in the
 * file, and an open replays every commit, as after a SIGKILL.
 */
static void test_failed_prepare_keeps_commits(void **state)
{
	struct ckd_image *img;
	uint64_t seq;

	(void)state;
	if (format == CKD_IMAGE_PLAIN)
		skip();                   /* its flushes prepare nothing */
	img = open_ok(0);
	assert_int_equal(put(img, 20, 1), 0);
	assert_int_equal(ckd_image_sync(img), 0);
	assert_int_equal(put(img, 21, 2), 0);
	seq = commit_ok(img);
	l1_fails = true;
	it_log_capture();
	assert_int_equal(ckd_image_make_durable(img, seq), -EIO);
	assert_non_null(strstr(it_log_text(), "preparing a flush failed"));
	it_log_release();
	assert_int_equal(fdatasyncs, 1);
	assert_int_equal(put(img, 22, 3), -EIO);
	assert_int_equal(ckd_image_commit(img, NULL), -EIO);
	assert_int_equal(ckd_image_flush(img), -EIO);
	l1_fails = false;
	it_log_capture();
	assert_int_equal(ckd_image_close(img), -EIO);
	it_log_release();
	img = open_ok(CKD_OPEN_RDONLY);
	assert_true(holds(img, 20, 1));
	assert_true(holds(img, 21, 2));
	assert_false(holds(img, 22, 3));
	ckd_image_close(img);
}

/* ---- a process killed after commits */

/*
 * The child writes and commits tracks 30.. (version k), never flushing,
 * then writes two more tracks without a commit and kills itself.
 */
static void child_commits(unsigned int commits)
{
	struct ckd_image *img = ckd_image_open(path, 0, NULL);

	if (!img)
		_exit(2);
	for (uint32_t k = 1; k <= commits; k++) {
		for (uint32_t t = 30; t < 30 + k % 4 + 1; t++)
			if (put(img, t, k) != 0)
				_exit(3);
		if (put(img, 200 + k % 60, k) != 0 ||
		    ckd_image_commit(img, NULL) != 0)
			_exit(4);
	}
	if (put(img, 30, 999) != 0 || put(img, 250, 999) != 0)
		_exit(5);
	kill(getpid(), SIGKILL);
	_exit(6);
}

/* What the child committed last to track t (0: never written). */
static uint32_t child_version(uint32_t t, unsigned int commits)
{
	uint32_t v = 0;

	for (uint32_t k = 1; k <= commits; k++)
		if ((t >= 30 && t < 30 + k % 4 + 1) || t == 200 + k % 60)
			v = k;
	return v;
}

static void kill_after_commits(unsigned int commits)
{
	struct ckd_image *img;
	int status;
	pid_t pid;

	ckd_io = &ckd_io_libc;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_commits(commits);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* Read-only (a replay in memory), then recovered and closed. */
	for (int pass = 0; pass < 3; pass++) {
		img = open_ok(pass == 1 ? 0 : CKD_OPEN_RDONLY);
		for (uint32_t t = 30; t < 260; t++) {
			uint32_t v = child_version(t, commits);

			/* A plain file has the writes after the last
			   commit too. */
			if (format == CKD_IMAGE_PLAIN &&
			    (t == 30 || t == 250) && holds(img, t, 999))
				continue;
			if (v && !holds(img, t, v))
				fail_msg("after %u commits: track %u is not "
					 "as commit %u", commits, t, v);
		}
		assert_int_equal(ckd_image_close(img), 0);
	}
	if (format == CKD_IMAGE_CCKD && it_have_tool("cckdcdsk")) {
		char *out;
		int rc = it_run(&out, "cckdcdsk -3 -ro '%s'", path);

		if (rc != 0 || strstr(out, "HHC"))
			fail_msg("cckdcdsk (rc %d):\n%s", rc, out);
		free(out);
	}
}

static void test_sigkill_keeps_commits(void **state)
{
	(void)state;
	kill_after_commits(1);
	kill_after_commits(40);
}

/* The same with a ring of 3 slots: the commits flush for room. */
static void test_sigkill_with_full_ring(void **state)
{
	(void)state;
	if (format == CKD_IMAGE_PLAIN)
		skip();
	cckd_jrn_slots = 3;
	kill_after_commits(20);
}

/*
 * Commits without make_durable in a ring of 3 slots: the fourth finds the
 * ring full of records that are not behind the checkpoint and flushes
 * itself - three barriers (records durable, their L1 entries in place,
 * the checkpoint) - then two more commit without any.
 */
static void test_full_ring_flushes_in_commit(void **state)
{
	struct ckd_image *img;

	(void)state;
	if (format == CKD_IMAGE_PLAIN)
		skip();
	cckd_jrn_slots = 3;
	img = open_ok(0);
	assert_false(ckd_image_flush_urgent(img));
	for (uint32_t k = 1; k <= 6; k++) {
		unsigned int before = fdatasyncs;

		assert_int_equal(put(img, 10 + k, k), 0);
		assert_int_equal(commit_ok(img), k);
		assert_int_equal(fdatasyncs - before, k == 4 ? 3 : 0);
		/* Half the ring not checkpointed: a flusher should come. */
		assert_true(ckd_image_flush_urgent(img) == (k >= 2 && k != 4));
	}
	assert_int_equal(ckd_image_durable_seq(img), 3);
	assert_int_equal(ckd_image_flush(img), 0);
	assert_int_equal(ckd_image_durable_seq(img), 6);
	assert_false(ckd_image_flush_urgent(img));
	assert_int_equal(ckd_image_close(img), 0);
	img = open_ok(CKD_OPEN_RDONLY);
	for (uint32_t k = 1; k <= 6; k++)
		assert_true(holds(img, 10 + k, k));
	ckd_image_close(img);
}

/* Tracks 20, 21, ... written as seed (each read back first when read)
   and committed until write-back is due; how many. */
static unsigned int writes_until_due(struct ckd_image *img, uint32_t seed,
				     bool read)
{
	unsigned int n = 0;

	while (!ckd_image_writeback_due(img)) {
		assert_true(n < 200);
		if (read && n)
			assert_true(holds(img, 20 + n - 1, seed));
		assert_int_equal(put(img, 20 + n, seed), 0);
		commit_ok(img);
		n++;
	}
	return n;
}

/*
 * Early write-back: due once CKD_WRITEBACK_START bytes of tracks were
 * written since the last start or flush (reads and commits add nothing),
 * started on the image's file(s) without a barrier, and not due again
 * until as much more is written; a flush begins the count anew.
 */
static void test_writeback_started_early(void **state)
{
	struct ckd_image *img;
	unsigned int n;

	(void)state;
	img = open_ok(0);
	assert_false(ckd_image_writeback_due(img));
	n = writes_until_due(img, 1, true);
	/* 12 records of 4 KiB a track: about 85 tracks for 4 MiB. */
	assert_true(n >= CKD_WRITEBACK_START / CKD_MAX_TRACK_SIZE);
	assert_true(n <= CKD_WRITEBACK_START / (12 * 4096) + 1);
	assert_int_equal(wb_starts, 0);
	ckd_image_start_writeback(img);
	assert_int_equal(wb_starts, 1);   /* one file */
	assert_false(ckd_image_writeback_due(img));
	assert_int_equal(fdatasyncs, 0);  /* a hint, no barrier */
	/* The reads counted nothing: as many writes without them. */
	assert_int_equal(writes_until_due(img, 2, false), n);
	assert_int_equal(ckd_image_flush(img), 0);
	assert_false(ckd_image_writeback_due(img));
	assert_int_equal(wb_starts, 1);
	assert_int_equal(ckd_image_close(img), 0);

	/* Read-only: never due, nothing to start. */
	img = open_ok(CKD_OPEN_RDONLY);
	for (uint32_t t = 0; t < n; t++)
		assert_true(holds(img, 20 + t, 2));
	ckd_image_start_writeback(img);
	assert_false(ckd_image_writeback_due(img));
	assert_int_equal(wb_starts, 1);
	ckd_image_close(img);
}

/* ---- many threads at once */

#define STRESS_THREADS 4
#define STRESS_ROUNDS 60

struct stress {
	struct ckd_image *img;
	uint32_t first;                   /* its own 10 tracks */
	int rc;
	pthread_t tid;
};

static atomic_bool stress_done;

static void *stress_writer(void *arg)
{
	struct stress *s = arg;

	for (uint32_t r = 1; r <= STRESS_ROUNDS && !s->rc; r++) {
		uint64_t seq;

		s->rc = put(s->img, s->first + r % 10, r);
		if (!s->rc)
			s->rc = ckd_image_commit(s->img, &seq);
		/* Every third round durable, the others left to the
		   flusher (write-back). */
		if (!s->rc && r % 3 == 0)
			s->rc = ckd_image_make_durable(s->img, seq);
	}
	return NULL;
}

static void *stress_flusher(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&stress_done) && !s->rc) {
		/* Nothing to flush yet: a flusher's interval (not
		   synchronisation: the writers need no flusher). */
		if (!ckd_image_dirty(s->img))
			test_pause();
		else
			s->rc = ckd_image_flush(s->img);
	}
	return NULL;
}

static void test_threads_write_commit_flush(void **state)
{
	struct ckd_image *img;
	struct stress s[STRESS_THREADS + 1];

	(void)state;
	if (format != CKD_IMAGE_PLAIN)
		cckd_jrn_slots = 8;       /* now and then full */
	img = open_ok(0);
	stress_done = false;
	for (int i = 0; i <= STRESS_THREADS; i++) {
		s[i] = (struct stress){ .img = img,
					.first = 15 + 60 * (uint32_t)i };
		assert_int_equal(pthread_create(&s[i].tid, NULL,
						i < STRESS_THREADS ?
						stress_writer : stress_flusher,
						&s[i]), 0);
	}
	for (int i = 0; i < STRESS_THREADS; i++) {
		pthread_join(s[i].tid, NULL);
		assert_int_equal(s[i].rc, 0);
	}
	stress_done = true;
	pthread_join(s[STRESS_THREADS].tid, NULL);
	assert_int_equal(s[STRESS_THREADS].rc, 0);
	assert_int_equal(ckd_image_flush(img), 0);
	assert_int_equal(ckd_image_durable_seq(img),
			 ckd_image_committed_seq(img));
	print_message("%u fdatasyncs for %u commits\n", fdatasyncs,
		      STRESS_THREADS * STRESS_ROUNDS);
	assert_int_equal(ckd_image_close(img), 0);
	img = open_ok(CKD_OPEN_RDONLY);
	for (int i = 0; i < STRESS_THREADS; i++)
		for (uint32_t r = STRESS_ROUNDS - 9; r <= STRESS_ROUNDS; r++)
			assert_true(holds(img, s[i].first + r % 10, r));
	ckd_image_close(img);
}

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_one_fdatasync_per_commit),
		T(test_writeback_started_early),
		T(test_flush_covers_earlier_commits),
		T(test_group_commit),
		T(test_flush_in_flight_covers),
		T(test_failed_flush_fails_every_waiter),
		T(test_failed_prepare_keeps_commits),
		T(test_sigkill_keeps_commits),
		T(test_sigkill_with_full_ring),
		T(test_full_ring_flushes_in_commit),
		T(test_threads_write_commit_flush),
	};
	const char *name = argc > 1 ? argv[1] : "cckd";

	if (!strcmp(name, "cckd64"))
		format = CKD_IMAGE_CCKD64;
	else if (!strcmp(name, "plain"))
		format = CKD_IMAGE_PLAIN;
	else if (strcmp(name, "cckd"))
		return 2;
	deadline_cond_init(&gate_cond);
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}
