/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may use an image: one writer, or any number of readers, among the
 * ccwpass processes of a host (two daemons, a daemon and `ccwpass readblk`).
 * Hercules itself takes no such locks.
 *
 * As root the lock is a flock on a file named by the image's device and
 * inode number in CKD_LOCK_DIR (0700): no other user can open it, so no lock
 * a local user takes - on the image or anywhere else - can stop a daemon
 * from starting, and every name of one image (links, bind mounts) gets the
 * same lock. Without root (a user's own images, the unit tests as a user)
 * the lock is an OFD lock on the image itself, as Linux's image tools take.
 * Not for use outside src/image and its tests.
 */
#ifndef CCWPASS_IMAGE_CKD_LOCK_H
#define CCWPASS_IMAGE_CKD_LOCK_H

#include <stdbool.h>

#include "common/error.h"

#define CKD_LOCK_DIR "/run/ccwpass/locks"

/* A lock held: on a lock file (fd >= 0) or on the image's own fd (-1). */
struct ckd_lock {
	int fd;
	bool exclusive;
	char name[48];            /* in CKD_LOCK_DIR */
};

/*
 * Lock the image open on fd (path names it in messages): exclusive for a
 * writer, shared for a reader. Returns 0 with *lk filled (an OFD lock on
 * fd is released with fd), or -EBUSY (err: "image is in use by another
 * process", with its pid when known) or -errno.
 */
int ckd_lock_image(int fd, const char *path, bool exclusive,
		   struct ckd_lock *lk, struct error *err);
/* Let go (a writer also removes its lock file). */
void ckd_unlock_image(struct ckd_lock *lk);

#endif
