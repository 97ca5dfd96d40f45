/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's directories (see dirs.h). */
#include "daemon/dirs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

int dirs_own(const char *path, mode_t mode, bool tighten, struct error *err)
{
	struct stat st;
	mode_t have;

	if (mkdir(path, mode) == 0) {
		/* mode exactly, whatever the umask (the unit's UMask=0077
		 * would leave the runtime directory closed to a QEMU that
		 * runs as another user). */
		if (chmod(path, mode) < 0)
			return error_setf(err, errno, "%s: chmod %04o: %s", path,
					  (unsigned int)mode, strerror(errno));
	} else if (errno != EEXIST) {
		return error_setf(err, errno, "%s: %s", path, strerror(errno));
	}
	if (lstat(path, &st) < 0)
		return error_setf(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return error_setf(err, ENOTDIR, "%s: not a directory%s", path,
				  S_ISLNK(st.st_mode) ? " (a symlink)" : "");
	if (st.st_uid != geteuid())
		return error_setf(err, EPERM, "%s: owned by uid %u, not by "
				  "this user: a directory others control could "
				  "have its files replaced", path,
				  (unsigned int)st.st_uid);
	have = st.st_mode & 07777;
	if (tighten && (have & ~mode)) {
		if (chmod(path, mode) < 0)
			return error_setf(err, errno, "%s: chmod %04o: %s", path,
					  (unsigned int)mode, strerror(errno));
		log_msg(LOG_NOTICE, "%s: mode %04o tightened to %04o", path,
			(unsigned int)have, (unsigned int)mode);
	} else if (have & (S_IWGRP | S_IWOTH)) {
		return error_setf(err, EPERM, "%s: mode %04o: group or others "
				  "may write it (chmod go-w)", path,
				  (unsigned int)have);
	}
	return 0;
}
