/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass run --user USER[:GROUP]`: the command runs as USER once the
 * namespace (which needs root) is built - e.g. a QEMU given an mdev by the
 * ownership of its /dev/vfio/N node, as on a real host.
 */
#ifndef CCWPASS_CLI_RUN_USER_H
#define CCWPASS_CLI_RUN_USER_H

#include <sys/types.h>

#include "common/error.h"

struct run_user {
	uid_t uid;
	gid_t gid;                 /* primary group */
	char name[64];             /* "" for a number without a passwd entry */
	char home[256];
};

/*
 * USER (name or number) and optionally GROUP (name or number; default the
 * user's primary group). Returns 0 or -errno with err naming what is
 * unknown.
 */
int run_resolve_user(const char *spec, struct run_user *u, struct error *err);
/* Drop root for good: the user's groups, gid, uid; HOME, USER, LOGNAME. */
int run_become(const struct run_user *u, struct error *err);

#endif
