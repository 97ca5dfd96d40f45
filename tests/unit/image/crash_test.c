/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Crash images for the CCKD tests (see crash_test.h). */
#include "crash_test.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/ckd_io.h"

/* rec_mu: the flush's fdatasync and a commit may record at once. */
static pthread_mutex_t rec_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cr_log *rec;
static void (*barrier_hook)(void);

static struct cr_op *push(struct cr_log *log, enum cr_kind kind)
{
	if (log->n == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 1024;
		log->v = realloc(log->v, log->cap * sizeof(*log->v));
		assert_non_null(log->v);
	}
	log->v[log->n] = (struct cr_op){ .kind = kind };
	return &log->v[log->n++];
}

static ssize_t rec_pwrite(int fd, const void *b, size_t n, off_t off)
{
	pthread_mutex_lock(&rec_mu);
	/* Split into sector pieces: each may or may not reach the disk. */
	for (size_t done = 0; done < n;) {
		uint64_t at = (uint64_t)off + done;
		size_t piece = CR_SECTOR - at % CR_SECTOR;
		struct cr_op *o;

		if (piece > n - done)
			piece = n - done;
		o = push(rec, CR_WRITE);
		o->off = at;
		o->len = piece;
		o->data = malloc(piece);
		assert_non_null(o->data);
		memcpy(o->data, (const uint8_t *)b + done, piece);
		done += piece;
	}
	pthread_mutex_unlock(&rec_mu);
	return pwrite(fd, b, n, off);
}

/*
 * The barrier is recorded when the fdatasync returns: writes that other
 * threads make while it runs may reach the disk before or after it, and
 * what it covers is durable only from then on.
 */
static int rec_fdatasync(int fd)
{
	int rc;

	if (barrier_hook)
		barrier_hook();
	rc = fdatasync(fd);
	pthread_mutex_lock(&rec_mu);
	push(rec, CR_BARRIER);
	pthread_mutex_unlock(&rec_mu);
	return rc;
}

static int rec_ftruncate(int fd, off_t len)
{
	pthread_mutex_lock(&rec_mu);
	push(rec, CR_TRUNC)->off = (uint64_t)len;
	pthread_mutex_unlock(&rec_mu);
	return ftruncate(fd, len);
}

static const struct ckd_io_ops recorder = {
	.pread = pread, .pwrite = rec_pwrite, .fdatasync = rec_fdatasync,
	.ftruncate = rec_ftruncate,
};

static int no_fdatasync(int fd)
{
	(void)fd;
	return 0;
}

static const struct ckd_io_ops fast = {
	.pread = pread, .pwrite = pwrite, .fdatasync = no_fdatasync,
	.ftruncate = ftruncate,
};

void cr_no_barriers(void)
{
	ckd_io = &fast;
}

void cr_record(struct cr_log *log)
{
	rec = log;
	ckd_io = &recorder;
}

void cr_stop(void)
{
	ckd_io = &ckd_io_libc;
	rec = NULL;
	barrier_hook = NULL;
}

void cr_on_barrier(void (*fn)(void))
{
	barrier_hook = fn;
}

void cr_mark(struct cr_log *log)
{
	pthread_mutex_lock(&rec_mu);
	push(log, CR_MARK);
	pthread_mutex_unlock(&rec_mu);
}

void cr_free(struct cr_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->v[i].data);
	free(log->v);
	*log = (struct cr_log){ 0 };
}

size_t cr_count(const struct cr_log *log, enum cr_kind kind, size_t from,
		size_t to)
{
	size_t n = 0;

	for (size_t i = from; i < to && i < log->n; i++)
		n += log->v[i].kind == kind;
	return n;
}

static void reserve(struct cr_file *f, size_t len)
{
	if (len <= f->cap)
		return;
	f->cap = len * 2;
	f->v = realloc(f->v, f->cap);
	assert_non_null(f->v);
}

void cr_apply(struct cr_file *f, const struct cr_op *o)
{
	size_t end = o->kind == CR_TRUNC ? o->off : o->off + o->len;

	if (o->kind != CR_WRITE && o->kind != CR_TRUNC)
		return;
	reserve(f, end);
	if (end > f->len)
		memset(f->v + f->len, 0, end - f->len);
	if (o->kind == CR_TRUNC) {
		f->len = end;
		return;
	}
	if (o->off > f->len)
		memset(f->v + f->len, 0, o->off - f->len);
	memcpy(f->v + o->off, o->data, o->len);
	if (end > f->len)
		f->len = end;
}

void cr_set(struct cr_file *f, const uint8_t *v, size_t len)
{
	reserve(f, len);
	memcpy(f->v, v, len);
	f->len = len;
}

void cr_build(struct cr_file *f, const uint8_t *base, size_t base_len,
	      const struct cr_log *log, size_t upto, size_t end,
	      const bool *keep)
{
	cr_set(f, base, base_len);
	for (size_t i = 0; i < upto; i++)
		cr_apply(f, &log->v[i]);
	for (size_t i = upto; i < end; i++)
		if (keep[i - upto])
			cr_apply(f, &log->v[i]);
}

void cr_file_free(struct cr_file *f)
{
	free(f->v);
	*f = (struct cr_file){ 0 };
}

unsigned long cr_each_crash(const struct cr_log *log, cr_check_fn *fn,
			    void *opaque)
{
	bool *keep = calloc(log->n + 1, 1);
	unsigned int marks = 0;
	unsigned long calls = 0;
	size_t seg = 0;

	assert_non_null(keep);
	while (seg < log->n) {
		size_t end = seg, n;

		while (end < log->n && log->v[end].kind == CR_WRITE)
			end++;
		n = end - seg;
		memset(keep, 0, n);
		fn(seg, end, keep, marks, opaque);
		calls++;
		for (size_t k = 1; k <= n; k++) {
			memset(keep, 0, n);
			memset(keep, 1, k);
			fn(seg, end, keep, marks, opaque);
			memset(keep, 0, n);
			keep[k - 1] = 1;
			fn(seg, end, keep, marks, opaque);
			memset(keep, 1, n);
			keep[k - 1] = 0;
			fn(seg, end, keep, marks, opaque);
			calls += 3;
		}
		/* Past the barriers, truncations and marks that end it. */
		seg = end;
		while (seg < log->n && log->v[seg].kind != CR_WRITE) {
			marks += log->v[seg].kind == CR_MARK;
			seg++;
		}
	}
	fn(log->n, log->n, keep, marks, opaque);
	free(keep);
	return calls + 1;
}
