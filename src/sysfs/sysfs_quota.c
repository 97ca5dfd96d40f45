/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Open files of the view per user (see sysfs_quota.h). */
#include "sysfs/sysfs_quota.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>

#include "common/log.h"

static pthread_mutex_t quota_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uid_t uid;
	unsigned int n;              /* 0: free slot */
} users[SYSFS_QUOTA_UIDS];
static unsigned int total;

/* quota_lock held. The slot of uid, or a free one, or NULL. */
static unsigned int *slot(uid_t uid, bool create)
{
	int free_slot = -1;

	for (int i = 0; i < SYSFS_QUOTA_UIDS; i++) {
		if (users[i].n && users[i].uid == uid)
			return &users[i].n;
		if (!users[i].n && free_slot < 0)
			free_slot = i;
	}
	if (!create || free_slot < 0)
		return NULL;
	users[free_slot].uid = uid;
	return &users[free_slot].n;
}

int sysfs_quota_take(uid_t uid)
{
	unsigned int *n;
	int ret = 0;

	if (uid == 0)
		return 0;
	pthread_mutex_lock(&quota_lock);
	n = slot(uid, true);
	if (!n || total >= SYSFS_QUOTA_USERS)
		ret = -ENFILE;
	else if (*n >= SYSFS_QUOTA_PER_USER)
		ret = -EMFILE;
	else {
		(*n)++;
		total++;
	}
	pthread_mutex_unlock(&quota_lock);
	if (ret == -EMFILE)
		log_msg(LOG_NOTICE, "sysfs view: uid %u: %u files open, the "
			"most one user may: EMFILE", (unsigned int)uid,
			SYSFS_QUOTA_PER_USER);
	else if (ret)
		log_msg(LOG_NOTICE, "sysfs view: users other than root hold "
			"%u files open, the most they may together: ENFILE "
			"(uid %u)", SYSFS_QUOTA_USERS, (unsigned int)uid);
	return ret;
}

void sysfs_quota_give(uid_t uid)
{
	unsigned int *n;

	if (uid == 0)
		return;
	pthread_mutex_lock(&quota_lock);
	n = slot(uid, false);
	if (n && *n) {
		(*n)--;
		total--;
	}
	pthread_mutex_unlock(&quota_lock);
}

unsigned int sysfs_quota_held(uid_t uid)
{
	unsigned int *n, held;

	pthread_mutex_lock(&quota_lock);
	n = slot(uid, false);
	held = n ? *n : 0;
	pthread_mutex_unlock(&quota_lock);
	return held;
}
