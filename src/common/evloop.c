/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small epoll event loop, modelled on redis ae.c: one table of file
 * handlers indexed by fd, one epoll backend, and a queue of calls that other
 * threads hand to the loop thread (woken through an eventfd).
 *
 * Each registration carries a generation number in the epoll data so that a
 * stale event for an fd that was deleted (and perhaps re-added) during the
 * same epoll_wait batch is never delivered to the wrong handler.
 */
#include "common/evloop.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/error.h"

#define EVLOOP_BATCH 64

struct evloop_slot {
	evloop_fd_fn *fn;
	void *opaque;
	uint32_t events;
	uint32_t gen;
	bool used;
};

struct evloop_job {
	evloop_call_fn *fn;
	void *opaque;
	bool done;
	struct evloop_job *next;
};

struct evloop {
	int epfd;
	int wakefd;
	pthread_mutex_t lock;       /* slots, jobs, running, stop */
	pthread_cond_t done_cond;   /* a job finished */
	struct evloop_slot *slots;
	size_t nslots;
	uint32_t next_gen;
	struct evloop_job *jobs, **jobs_tail;
	unsigned running;           /* nesting depth of run/run_once */
	pthread_t thread;
	bool stop;
};

int evloop_create(struct evloop **loopp, struct error *err)
{
	struct evloop *loop = calloc(1, sizeof(*loop));
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	*loopp = NULL;
	if (!loop)
		return error_setf(err, ENOMEM, "event loop: out of memory");
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (loop->epfd < 0 || loop->wakefd < 0) {
		ret = error_setf(err, errno, "event loop: epoll/eventfd: %s",
				 strerror(errno));
		goto fail;
	}
	ev.data.u64 = UINT64_MAX;   /* marks the wake-up fd */
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0) {
		ret = error_setf(err, errno, "event loop: epoll_ctl: %s",
				 strerror(errno));
		goto fail;
	}
	pthread_mutex_init(&loop->lock, NULL);
	pthread_cond_init(&loop->done_cond, NULL);
	loop->jobs_tail = &loop->jobs;
	*loopp = loop;
	return 0;

fail:
	if (loop->epfd >= 0)
		close(loop->epfd);
	if (loop->wakefd >= 0)
		close(loop->wakefd);
	free(loop);
	return ret;
}

void evloop_destroy(struct evloop *loop)
{
	if (!loop)
		return;
	close(loop->epfd);
	close(loop->wakefd);
	pthread_mutex_destroy(&loop->lock);
	pthread_cond_destroy(&loop->done_cond);
	free(loop->slots);
	free(loop);
}

bool evloop_on_loop_thread(struct evloop *loop)
{
	bool on;

	pthread_mutex_lock(&loop->lock);
	on = loop->running && pthread_equal(loop->thread, pthread_self());
	pthread_mutex_unlock(&loop->lock);
	return on;
}

static void wake(struct evloop *loop)
{
	uint64_t one = 1;
	ssize_t n;

	do {
		n = write(loop->wakefd, &one, sizeof(one));
	} while (n < 0 && errno == EINTR);
	/* EAGAIN: the counter is saturated, the loop is awake anyway. */
}

void evloop_call(struct evloop *loop, evloop_call_fn *fn, void *opaque)
{
	struct evloop_job job = { .fn = fn, .opaque = opaque };

	pthread_mutex_lock(&loop->lock);
	if (!loop->running || pthread_equal(loop->thread, pthread_self())) {
		pthread_mutex_unlock(&loop->lock);
		fn(opaque);
		return;
	}
	*loop->jobs_tail = &job;
	loop->jobs_tail = &job.next;
	wake(loop);
	while (!job.done)
		pthread_cond_wait(&loop->done_cond, &loop->lock);
	pthread_mutex_unlock(&loop->lock);
}

/* Run queued calls; called on the loop thread with the lock NOT held. */
static int run_jobs(struct evloop *loop)
{
	struct evloop_job *job;
	int n = 0;

	pthread_mutex_lock(&loop->lock);
	while ((job = loop->jobs)) {
		loop->jobs = job->next;
		if (!loop->jobs)
			loop->jobs_tail = &loop->jobs;
		pthread_mutex_unlock(&loop->lock);
		job->fn(job->opaque);
		pthread_mutex_lock(&loop->lock);
		job->done = true;
		pthread_cond_broadcast(&loop->done_cond);
		n++;
	}
	pthread_mutex_unlock(&loop->lock);
	return n;
}

static uint32_t to_epoll(uint32_t events)
{
	return (events & EVLOOP_READ ? EPOLLIN : 0) |
	       (events & EVLOOP_WRITE ? EPOLLOUT : 0);
}

struct fd_op {
	struct evloop *loop;
	int op;                  /* EPOLL_CTL_ADD / MOD / DEL */
	int fd;
	uint32_t events;
	evloop_fd_fn *fn;
	void *opaque;
	int ret;
};

static int grow_slots(struct evloop *loop, int fd)
{
	size_t n = loop->nslots ? loop->nslots : 16;
	struct evloop_slot *s;

	while (n <= (size_t)fd)
		n *= 2;
	s = realloc(loop->slots, n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + loop->nslots, 0, (n - loop->nslots) * sizeof(*s));
	loop->slots = s;
	loop->nslots = n;
	return 0;
}

static void do_fd_op(void *opaque)
{
	struct fd_op *o = opaque;
	struct evloop *loop = o->loop;
	struct epoll_event ev = { 0 };
	struct evloop_slot *slot;

	pthread_mutex_lock(&loop->lock);
	if (o->op == EPOLL_CTL_ADD && (size_t)o->fd >= loop->nslots &&
	    (o->ret = grow_slots(loop, o->fd)) < 0)
		goto out;
	if ((size_t)o->fd >= loop->nslots) {
		o->ret = -ENOENT;
		goto out;
	}
	slot = &loop->slots[o->fd];
	if (o->op == EPOLL_CTL_ADD ? slot->used : !slot->used) {
		o->ret = o->op == EPOLL_CTL_ADD ? -EEXIST : -ENOENT;
		goto out;
	}
	if (o->op == EPOLL_CTL_ADD)
		slot->gen = ++loop->next_gen;
	ev.events = to_epoll(o->events);
	ev.data.u64 = (uint64_t)slot->gen << 32 | (uint32_t)o->fd;
	if (epoll_ctl(loop->epfd, o->op, o->fd, &ev) < 0 &&
	    o->op != EPOLL_CTL_DEL) {   /* DEL of a closed fd is harmless */
		o->ret = -errno;
		goto out;
	}
	switch (o->op) {
	case EPOLL_CTL_ADD:
		slot->fn = o->fn;
		slot->opaque = o->opaque;
		slot->used = true;
		/* fall through */
	case EPOLL_CTL_MOD:
		slot->events = o->events;
		break;
	default:
		memset(slot, 0, sizeof(*slot));
		break;
	}
	o->ret = 0;
out:
	pthread_mutex_unlock(&loop->lock);
}

static int fd_op(struct evloop *loop, int op, int fd, uint32_t events,
		 evloop_fd_fn *fn, void *opaque)
{
	struct fd_op o = {
		.loop = loop, .op = op, .fd = fd, .events = events,
		.fn = fn, .opaque = opaque,
	};

	if (fd < 0 || (op == EPOLL_CTL_ADD && !fn))
		return -EINVAL;
	evloop_call(loop, do_fd_op, &o);
	return o.ret;
}

int evloop_add(struct evloop *loop, int fd, uint32_t events,
	       evloop_fd_fn *fn, void *opaque)
{
	return fd_op(loop, EPOLL_CTL_ADD, fd, events, fn, opaque);
}

int evloop_mod(struct evloop *loop, int fd, uint32_t events)
{
	return fd_op(loop, EPOLL_CTL_MOD, fd, events, NULL, NULL);
}

int evloop_del(struct evloop *loop, int fd)
{
	return fd_op(loop, EPOLL_CTL_DEL, fd, 0, NULL, NULL);
}

static int enter(struct evloop *loop)
{
	pthread_mutex_lock(&loop->lock);
	if (loop->running && !pthread_equal(loop->thread, pthread_self())) {
		pthread_mutex_unlock(&loop->lock);
		return -EBUSY;
	}
	loop->running++;
	loop->thread = pthread_self();
	pthread_mutex_unlock(&loop->lock);
	return 0;
}

static void leave(struct evloop *loop)
{
	/* Calls queued while we were leaving must not be lost. */
	run_jobs(loop);
	pthread_mutex_lock(&loop->lock);
	loop->running--;
	pthread_mutex_unlock(&loop->lock);
	run_jobs(loop);
}

/* Deliver one epoll event; returns 1 when a handler ran. */
static int dispatch(struct evloop *loop, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	uint32_t events = 0;
	evloop_fd_fn *fn = NULL;
	void *opaque = NULL;

	pthread_mutex_lock(&loop->lock);
	if ((size_t)fd < loop->nslots && loop->slots[fd].used &&
	    loop->slots[fd].gen == gen) {
		fn = loop->slots[fd].fn;
		opaque = loop->slots[fd].opaque;
		events = loop->slots[fd].events;
	}
	pthread_mutex_unlock(&loop->lock);
	if (!fn)
		return 0;
	if (ev->events & (EPOLLERR | EPOLLHUP))
		events = EVLOOP_ERROR | (events & EVLOOP_READ);
	else
		events &= (ev->events & EPOLLIN ? EVLOOP_READ : 0) |
			  (ev->events & EPOLLOUT ? EVLOOP_WRITE : 0);
	if (!events)
		return 0;
	fn(loop, fd, events, opaque);
	return 1;
}

static int run_once_entered(struct evloop *loop, int timeout_ms)
{
	struct epoll_event evs[EVLOOP_BATCH];
	uint64_t cnt;
	int n, ran;

	ran = run_jobs(loop);
	n = epoll_wait(loop->epfd, evs, EVLOOP_BATCH, ran ? 0 : timeout_ms);
	if (n < 0)
		return errno == EINTR ? ran : -errno;
	for (int i = 0; i < n; i++) {
		if (evs[i].data.u64 == UINT64_MAX) {
			if (read(loop->wakefd, &cnt, sizeof(cnt)) < 0 &&
			    errno != EAGAIN && errno != EINTR)
				return -errno;
		} else {
			ran += dispatch(loop, &evs[i]);
		}
		ran += run_jobs(loop);
	}
	return ran;
}

int evloop_run_once(struct evloop *loop, int timeout_ms)
{
	int ret = enter(loop);

	if (ret < 0)
		return ret;
	ret = run_once_entered(loop, timeout_ms);
	leave(loop);
	return ret;
}

int evloop_run(struct evloop *loop)
{
	int ret = enter(loop);

	if (ret < 0)
		return ret;
	for (;;) {
		pthread_mutex_lock(&loop->lock);
		if (loop->stop) {
			loop->stop = false;
			pthread_mutex_unlock(&loop->lock);
			ret = 0;
			break;
		}
		pthread_mutex_unlock(&loop->lock);
		ret = run_once_entered(loop, -1);
		if (ret < 0)
			break;
	}
	leave(loop);
	return ret;
}

void evloop_stop(struct evloop *loop)
{
	pthread_mutex_lock(&loop->lock);
	loop->stop = true;
	pthread_mutex_unlock(&loop->lock);
	wake(loop);
}
