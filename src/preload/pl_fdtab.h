/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which file descriptors belong to the preload library, and the object
 * behind each (a VFIO container, group or device; pl_vfio.h).
 *
 * pl_fdtab_maybe() is the filter every interposed call runs first: a few
 * atomic loads, no lock, async-signal-safe; it is false for every fd the
 * library did not create and for everything in a forked child. Only when
 * it is true do the other calls take the table lock.
 */
#ifndef CCWPASS_PRELOAD_PL_FDTAB_H
#define CCWPASS_PRELOAD_PL_FDTAB_H

#include <stdbool.h>

struct pl_obj;

/* Most descriptors the library hands out at the same time. */
#define PL_FDTAB_MAX 256

bool pl_fdtab_maybe(int fd);
/* Register fd for o (takes a reference). 0, -EEXIST or -EMFILE (full). */
int pl_fdtab_add(int fd, struct pl_obj *o);
/* The object of fd with a new reference, or NULL. */
struct pl_obj *pl_fdtab_get(int fd);
/* Unregister fd; returns the table's reference, or NULL if not ours. */
struct pl_obj *pl_fdtab_take(int fd);

/*
 * fork(): prepare takes the table lock, parent releases it. In the child,
 * a library that had handed out descriptors stands aside for good
 * (everything goes straight to libc: the connections and threads are the
 * parent's; this is the fork-and-exec of a helper). A library that had
 * none (qemu -daemonize forks before any device exists) goes on as new.
 */
void pl_fdtab_fork_prepare(void);
void pl_fdtab_fork_parent(void);
void pl_fdtab_fork_child(void);
bool pl_forked(void);

#endif
