/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a fuzz target keeps the file it rewrites for every input: on a
 * tmpfs when there is one ($TMPDIR, /dev/shm, /tmp, the first on tmpfs,
 * else the first writable), since the image layer's fdatasync barriers
 * cost a disk flush each on a real file system.
 */
#ifndef CCWPASS_FUZZ_TMPFS_H
#define CCWPASS_FUZZ_TMPFS_H

#include <linux/magic.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <unistd.h>

static inline const char *fuzz_file_dir(void)
{
	const char *dirs[] = { getenv("TMPDIR"), "/dev/shm", "/tmp" };
	const char *first = NULL;
	struct statfs fs;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (!dirs[i] || access(dirs[i], W_OK | X_OK) != 0)
			continue;
		if (statfs(dirs[i], &fs) == 0 && fs.f_type == TMPFS_MAGIC)
			return dirs[i];
		if (!first)
			first = dirs[i];
	}
	return first ? first : ".";
}

#endif
