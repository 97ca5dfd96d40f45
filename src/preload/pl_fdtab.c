/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The library's file descriptor table: a bitmap filter for small fd
 * numbers (one atomic load answers "not ours" for nearly every call QEMU
 * makes) in front of a short slot array under a mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "preload/pl_fdtab.h"
#include "preload/pl_vfio.h"

/* fds below this are filtered by the bitmap, the rest by a counter. */
#define FAST_FDS 65536

static _Atomic uint64_t fast_bits[FAST_FDS / 64];
static atomic_int slow_count;
static atomic_bool forked;

static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int fd;                 /* -1: free */
	struct pl_obj *obj;
} slots[PL_FDTAB_MAX];
static bool slots_ready;        /* tab_lock */

bool pl_forked(void)
{
	return atomic_load_explicit(&forked, memory_order_relaxed);
}

void pl_fdtab_fork_prepare(void)
{
	pthread_mutex_lock(&tab_lock);
}

void pl_fdtab_fork_parent(void)
{
	pthread_mutex_unlock(&tab_lock);
}

void pl_fdtab_fork_child(void)
{
	bool any = false;

	pthread_mutex_init(&tab_lock, NULL);
	for (int i = 0; slots_ready && i < PL_FDTAB_MAX; i++)
		any |= slots[i].fd >= 0;
	if (any)
		atomic_store(&forked, true);
}

bool pl_fdtab_maybe(int fd)
{
	if (fd < 0 || pl_forked())
		return false;
	if (fd < FAST_FDS)
		return atomic_load_explicit(&fast_bits[fd / 64],
					    memory_order_acquire) &
		       (UINT64_C(1) << (fd % 64));
	return atomic_load_explicit(&slow_count, memory_order_acquire) > 0;
}

static void mark(int fd, bool on)
{
	uint64_t bit = UINT64_C(1) << (fd % 64);

	if (fd >= FAST_FDS)
		atomic_fetch_add(&slow_count, on ? 1 : -1);
	else if (on)
		atomic_fetch_or(&fast_bits[fd / 64], bit);
	else
		atomic_fetch_and(&fast_bits[fd / 64], ~bit);
}

/* Slot index of fd, or -1. tab_lock held. */
static int find(int fd)
{
	if (!slots_ready) {
		for (int i = 0; i < PL_FDTAB_MAX; i++)
			slots[i].fd = -1;
		slots_ready = true;
	}
	for (int i = 0; i < PL_FDTAB_MAX; i++)
		if (slots[i].fd == fd)
			return i;
	return -1;
}

int pl_fdtab_add(int fd, struct pl_obj *o)
{
	int i, ret = 0;

	if (fd < 0)
		return -EBADF;
	pthread_mutex_lock(&tab_lock);
	if (find(fd) >= 0) {
		ret = -EEXIST;
	} else if ((i = find(-1)) < 0) {
		ret = -EMFILE;
	} else {
		pl_obj_get(o);
		slots[i].fd = fd;
		slots[i].obj = o;
		mark(fd, true);
	}
	pthread_mutex_unlock(&tab_lock);
	return ret;
}

struct pl_obj *pl_fdtab_get(int fd)
{
	struct pl_obj *o = NULL;
	int i;

	if (!pl_fdtab_maybe(fd))
		return NULL;
	pthread_mutex_lock(&tab_lock);
	i = find(fd);
	if (i >= 0) {
		o = slots[i].obj;
		pl_obj_get(o);
	}
	pthread_mutex_unlock(&tab_lock);
	return o;
}

struct pl_obj *pl_fdtab_take(int fd)
{
	struct pl_obj *o = NULL;
	int i;

	if (!pl_fdtab_maybe(fd))
		return NULL;
	pthread_mutex_lock(&tab_lock);
	i = find(fd);
	if (i >= 0) {
		o = slots[i].obj;
		slots[i].fd = -1;
		slots[i].obj = NULL;
		mark(fd, false);
	}
	pthread_mutex_unlock(&tab_lock);
	return o;
}
