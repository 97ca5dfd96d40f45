/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's own directories (runtime directory, its sockets, the
 * default image directory): made with safe modes, and checked before the
 * daemon trusts what is in them - a directory another user owns or may
 * write could have its files replaced under the daemon.
 */
#ifndef CCWPASS_DAEMON_DIRS_H
#define CCWPASS_DAEMON_DIRS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"

/*
 * Make path a directory of this user with at most mode's permissions:
 * created with mode when missing; an existing one must be a directory (not
 * a symlink) owned by this user that no group or other may write. With
 * tighten, permissions beyond mode are taken away (logged); without, an
 * existing directory keeps its (not writable) mode. Returns 0 or -errno
 * with err naming the directory.
 */
int dirs_own(const char *path, mode_t mode, bool tighten, struct error *err);

#endif
