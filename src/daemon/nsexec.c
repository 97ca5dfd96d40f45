/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's helper launcher (see nsexec.h). */
#include "daemon/nsexec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysfs/sysfs_ns.h"

int nsexec_main(int argc, char **argv)
{
	struct sysfs_ns_options opt = { .runtime_dir = NULL };
	struct error err = { 0 };
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--") && i + 1 < argc)
			break;
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--runtime-dir"))
			opt.runtime_dir = argv[++i];
		else if (!strcmp(argv[i], "--etc-dir"))
			opt.etc_dir = argv[++i];
		else
			goto usage;
	}
	if (i >= argc)
		goto usage;
	opt.runtime_dir = sysfs_ns_runtime_dir(opt.runtime_dir);
	if (sysfs_ns_enter(&opt, &err) < 0) {
		fprintf(stderr, "ccwpassd --ns-exec: %s\n", err.msg);
		return 1;
	}
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "ccwpassd --ns-exec: %s: %s\n", argv[i + 1],
		strerror(errno));
	return 127;
usage:
	fprintf(stderr, "usage: ccwpassd --ns-exec [--runtime-dir D] "
			"[--etc-dir E] -- CMD [ARGS...]\n");
	return 2;
}
