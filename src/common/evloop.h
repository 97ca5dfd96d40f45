/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small epoll event loop (after redis ae.c): file events and calls posted
 * from other threads, nothing else.
 *
 * Threading: one thread runs evloop_run() (the loop thread). evloop_add /
 * evloop_mod / evloop_del / evloop_call may be used from any thread; when
 * the loop is running they are executed on the loop thread between two
 * callbacks and the caller waits for them. Hence, when evloop_del() returns,
 * the handler of that fd is not running and will not run again. A thread
 * that waits on the loop must not hold a lock the loop's callbacks take.
 */
#ifndef CCWPASS_COMMON_EVLOOP_H
#define CCWPASS_COMMON_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct evloop;

/* Event bits passed to evloop_add/mod and to handlers. */
#define EVLOOP_READ   (1u << 0)   /* fd readable (or peer hung up) */
#define EVLOOP_WRITE  (1u << 1)   /* fd writable */
#define EVLOOP_ERROR  (1u << 2)   /* error / hang-up; only reported */

typedef void evloop_fd_fn(struct evloop *loop, int fd, uint32_t events,
			  void *opaque);
typedef void evloop_call_fn(void *opaque);

/* Returns 0 or -errno (err names the failing step). */
int evloop_create(struct evloop **loopp, struct error *err);
/* The loop must not be running; registered fds are not closed. */
void evloop_destroy(struct evloop *loop);

/* Returns 0, -EEXIST (fd already registered), -EINVAL or -errno of epoll. */
int evloop_add(struct evloop *loop, int fd, uint32_t events,
	       evloop_fd_fn *fn, void *opaque);
/* Returns 0 or -ENOENT. */
int evloop_mod(struct evloop *loop, int fd, uint32_t events);
/* Returns 0 or -ENOENT. See the synchronisation guarantee above. */
int evloop_del(struct evloop *loop, int fd);

/*
 * Run fn(opaque) on the loop thread and wait for it; runs it directly when
 * called on the loop thread or while the loop is not running.
 */
void evloop_call(struct evloop *loop, evloop_call_fn *fn, void *opaque);

/* Wait up to timeout_ms (-1: forever) and dispatch once. Returns the number
 * of callbacks run or -errno. */
int evloop_run_once(struct evloop *loop, int timeout_ms);
/* Dispatch until evloop_stop(). Returns 0 or -errno. */
int evloop_run(struct evloop *loop);
/* Make evloop_run() return; safe from any thread and from callbacks. */
void evloop_stop(struct evloop *loop);

/* True when called from inside evloop_run()/evloop_run_once() of loop. */
bool evloop_on_loop_thread(struct evloop *loop);

#endif
