/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass trace`: switch the trace of one vfio_ccw subchannel's guest
 * channel programs and IRBs (docs/vfio-ccw.md "Tracing") on or off while
 * ccwpassd runs, through the view's ccwpass_trace attribute.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/view.h"
#include "common/error.h"
#include "sysfs/sysfs_ns.h"

#define CMD "trace"

static const char usage_text[] =
"Usage: ccwpass trace [OPTIONS] SUBCHANNEL [on FILE | off]\n"
"\n"
"Switch the trace of a vfio_ccw subchannel's guest channel programs,\n"
"CCWs and IRBs on (appended to FILE, created 0600) or off while ccwpassd\n"
"runs; without on/off, show its state. Tracing stops by itself once\n"
"FILE grew by --max-size bytes.\n"
"\n"
"  -s, --max-size BYTES   bound (default 64M; K, M, G suffixes; 0: none)\n"
"  -r, --runtime-dir DIR  the daemon's runtime directory\n"
"  -h, --help             this text\n"
"\n"
"Example: ccwpass trace 0.0.0313 on /var/tmp/0313.trace\n";

static int parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || (shift && v > (~0ull >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

/* FILE as an absolute path: its directory must exist. */
static int absolute(const char *file, char *out, size_t size)
{
	char dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];

	if (strlen(file) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, file);
	strcpy(base, file);
	if (!realpath(dirname(dir), real))
		return -errno;
	if (snprintf(out, size, "%s/%s", strcmp(real, "/") ? real : "",
		     basename(base)) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-size", required_argument, NULL, 's' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char root[PATH_MAX], rel[96], drv[64], state[4200], path[PATH_MAX];
	char req[PATH_MAX + 64], attr[PATH_MAX + 128];
	unsigned long long max = 64ull << 20;
	struct error err = { 0 };
	const char *rt = NULL, *sch;
	pid_t pid;
	ssize_t n;
	int c, fd, nargs;

	while ((c = getopt_long(argc, argv, "s:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_size(optarg, &max) < 0)
				return cli_fail(CMD, "--max-size '%s': not a "
						"size (bytes, or with K, M, G)",
						optarg);
			break;
		case 'r': rt = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	nargs = argc - optind;
	if (nargs < 1 || nargs > 3 || (nargs == 2 && strcmp(argv[optind + 1], "off")) ||
	    (nargs == 3 && strcmp(argv[optind + 1], "on"))) {
		fputs(usage_text, stderr);
		return 2;
	}
	sch = argv[optind];
	rt = sysfs_ns_runtime_dir(rt);
	if (sysfs_ns_check_daemon(rt, &pid, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	snprintf(root, sizeof(root), "%s/%s", rt, SYSFS_NS_SYS);
	snprintf(rel, sizeof(rel), "bus/css/devices/%s", sch);
	if (strchr(sch, '/') || !view_exists(root, rel))
		return cli_fail(CMD, "no subchannel %s on this host (`ccwpass "
				"status` lists them)", sch);
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/driver", sch);
	view_link(root, rel, drv, sizeof(drv));
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/ccwpass_trace", sch);
	if (nargs == 1) {
		view_attr(root, rel, state, sizeof(state));
		printf("%s: %s\n", sch, state[0] ? state : "off");
		return 0;
	}
	if (strcmp(drv, "vfio_ccw"))
		return cli_fail(CMD, "subchannel %s is %s%s: only a subchannel "
				"bound to vfio_ccw is traced", sch,
				drv[0] ? "bound to " : "not bound",
				drv[0] ? drv : "");
	if (nargs == 3) {
		int ret = absolute(argv[optind + 2], path, sizeof(path));

		if (ret < 0)
			return cli_fail(CMD, "%s: %s", argv[optind + 2],
					strerror(-ret));
		if (strpbrk(path, " \t\n"))
			return cli_fail(CMD, "%s: a trace file's path may not "
					"hold blanks", path);
		snprintf(req, sizeof(req), "on %s %llu", path, max);
	} else {
		snprintf(req, sizeof(req), "off");
	}
	if (snprintf(attr, sizeof(attr), "%s/%s", root, rel) >=
	    (int)sizeof(attr))
		return cli_fail(CMD, "runtime directory path too long");
	fd = open(attr, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_fail(CMD, "%s: %s", attr, strerror(errno));
	n = write(fd, req, strlen(req));
	close(fd);
	if (n < 0)
		return cli_fail(CMD, "subchannel %s: cannot switch its trace: "
				"%s (the daemon's log says why)", sch,
				strerror(errno));
	view_attr(root, rel, state, sizeof(state));
	printf("%s: %s\n", sch, state);
	return 0;
}

const struct cli_command cmd_trace = {
	.name = "trace",
	.summary = "switch one subchannel's channel-program trace on or off",
	.run = run,
};
