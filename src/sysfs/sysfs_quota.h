/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How many files of the view a user may hold open: every open file costs
 * the daemon memory, so users other than root get a bounded share, each
 * and together (the way a careful server bounds per-client state). Root,
 * whose tools the view exists for, is not counted.
 */
#ifndef CCWPASS_SYSFS_SYSFS_QUOTA_H
#define CCWPASS_SYSFS_SYSFS_QUOTA_H

#include <sys/types.h>

#define SYSFS_QUOTA_PER_USER 256    /* open files of one user */
#define SYSFS_QUOTA_USERS    4096   /* of all users but root together */
#define SYSFS_QUOTA_UIDS     64     /* users with files open at once */

/* One more open file for uid: 0, -EMFILE (that user's share is taken) or
 * -ENFILE (all users' is, or too many users). */
int sysfs_quota_take(uid_t uid);
/* One file of uid closed. */
void sysfs_quota_give(uid_t uid);
/* Open files counted for uid (tests). */
unsigned int sysfs_quota_held(uid_t uid);

#endif
