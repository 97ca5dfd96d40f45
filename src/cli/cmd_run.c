/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass run [OPTIONS] -- CMD ARGS...`: run CMD where the tools look -
 * /sys with ccwpassd's view merged in (src/sysfs/sysfs_ns.h) - so
 * driverctl, mdevctl, the seed's echo commands and QEMU work unmodified.
 * QEMU also gets the preload library (LD_PRELOAD) that carries its VFIO
 * calls to ccwpassd. docs/daemon.md "ccwpass run".
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_args.h"
#include "cli/run_check.h"
#include "cli/run_ram.h"
#include "cli/run_user.h"
#include "sysfs/sysfs_ns.h"

#define CMD "run"
#define PRELOAD_NAME "libccwpass-preload.so"
#define PRELOAD_ENV  "CCWPASS_PRELOAD"

#ifndef CCWPASS_LIBDIR
#define CCWPASS_LIBDIR "/usr/local/lib"
#endif

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ccwpass run [OPTIONS] -- COMMAND [ARGS...]\n"
"\n"
"Run COMMAND in a private mount namespace where ccwpassd's sysfs view is\n"
"part of /sys (/sys/bus/css, /sys/bus/mdev, /sys/devices/css0, ...), so\n"
"driverctl, mdevctl and QEMU find the subchannels and mediated devices.\n"
"A QEMU (qemu-system-*) also gets " PRELOAD_NAME " preloaded, also\n"
"one run by timeout, nice, taskset, env, strace, perf and the like.\n"
"\n"
"  -r, --runtime-dir DIR  the daemon's runtime directory (default\n"
"                         $" SYSFS_NS_RUNTIME_ENV " or " SYSFS_NS_RUNTIME_DIR ")\n"
"  -e, --etc-dir DIR      bind DIR/mdevctl.d and DIR/driverctl.d over /etc's\n"
"                         (tests; the default is the real /etc)\n"
"  -u, --user USER[:GROUP]  run COMMAND as USER (its groups; GROUP as the\n"
"                         primary one), e.g. a QEMU that uses an mdev whose\n"
"                         /dev/vfio/N node USER was given (chown)\n"
"      --private-ram      keep QEMU's guest RAM private (by default a QEMU\n"
"                         with a vfio-ccw device gets it as a shared memfd,\n"
"                         which ccwpassd reaches without copies)\n"
"      --preload          preload the library whatever COMMAND is\n"
"      --no-preload       never preload it\n"
"      --optional         if ccwpassd is not running, run COMMAND as it is,\n"
"                         with a warning (a service such as libvirtd that\n"
"                         must start either way)\n"
"  -q, --quiet            no notes about repaired arguments\n"
"  -h, --help             this text\n"
"\n"
"Seed spellings are repaired with a note: -M ...,s390-squash-mcss=on (gone\n"
"from QEMU) is dropped, mdevctl -t vfio-ccw_io becomes vfio_ccw-io.\n"
"\n"
"Example: ccwpass run -- driverctl -b css set-override 0.0.0313 vfio_ccw\n");
}

enum preload_mode { PRELOAD_AUTO, PRELOAD_ALWAYS, PRELOAD_NEVER };

struct run_opts {
	const char *runtime_dir;
	const char *etc_dir;
	const char *user;         /* NULL: stay root */
	bool private_ram;
	bool optional;
	enum preload_mode preload;
	bool quiet;
};

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* $CCWPASS_PRELOAD, next to this binary, the build tree, the install dir. */
static int find_preload(char *out, size_t size)
{
	static const char *const rel[] = {
		"", "../preload/", "../lib/ccwpass/", "../lib/",
	};
	const char *env = getenv(PRELOAD_ENV);
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env) {
		snprintf(out, size, "%s", env);
		return is_file(out) ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			slash[1] = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(*rel); i++) {
			int k = snprintf(out, size, "%s%s" PRELOAD_NAME, self,
					 rel[i]);

			if (k > 0 && (size_t)k < size && is_file(out))
				return 0;
		}
	}
	snprintf(out, size, "%s/" PRELOAD_NAME, CCWPASS_LIBDIR);
	return is_file(out) ? 0 : -ENOENT;
}

static int set_preload(void)
{
	char lib[PATH_MAX], *val;
	const char *old = getenv("LD_PRELOAD");
	int ret;

	if (find_preload(lib, sizeof(lib)) < 0)
		return cli_fail(CMD, "cannot find %s (set %s to its path, or "
				"use --no-preload)", PRELOAD_NAME, PRELOAD_ENV);
	if (old && *old) {
		if (asprintf(&val, "%s:%s", lib, old) < 0)
			return cli_fail(CMD, "out of memory");
		ret = setenv("LD_PRELOAD", val, 1);
		free(val);
	} else {
		ret = setenv("LD_PRELOAD", lib, 1);
	}
	return ret < 0 ? cli_fail(CMD, "setenv: %s", strerror(errno)) : 0;
}

static int exec_plain(char **argv)
{
	int ret;

	execvp(argv[0], argv);
	ret = errno;
	cli_fail(CMD, "%s: %s", argv[0], strerror(ret));
	return ret == ENOENT ? 127 : 126;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_PRELOAD = 256, OPT_NO_PRELOAD, OPT_PRIVATE_RAM, OPT_OPTIONAL };
	static const struct option longopts[] = {
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "etc-dir", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "preload", no_argument, NULL, OPT_PRELOAD },
		{ "no-preload", no_argument, NULL, OPT_NO_PRELOAD },
		{ "private-ram", no_argument, NULL, OPT_PRIVATE_RAM },
		{ "optional", no_argument, NULL, OPT_OPTIONAL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* '+': stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+r:e:u:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->runtime_dir = optarg; break;
		case 'e': o->etc_dir = optarg; break;
		case 'u': o->user = optarg; break;
		case 'q': o->quiet = true; break;
		case OPT_PRELOAD: o->preload = PRELOAD_ALWAYS; break;
		case OPT_NO_PRELOAD: o->preload = PRELOAD_NEVER; break;
		case OPT_PRIVATE_RAM: o->private_ram = true; break;
		case OPT_OPTIONAL: o->optional = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "ccwpass run: no command given\n\n");
		usage(stderr);
		return -1;
	}
	return optind;
}

/*
 * The command line with the QEMU at argv[qi] repaired and, unless
 * private_ram, given shared RAM; what runs it (timeout, strace, ...)
 * kept in front. NULL when out of memory.
 */
static char **qemu_command(int argc, char **argv, int qi, bool private_ram,
			   char *note, size_t size)
{
	char **cmd = run_fix_qemu_args(argc - qi, argv + qi, note, size);

	if (cmd && !private_ram) {
		char **shared = run_share_qemu_ram(run_args_count(cmd), cmd,
						   note, size);

		run_args_free(cmd);
		cmd = shared;
	}
	if (cmd && qi > 0)
		cmd = run_args_prefix(qi, argv, cmd);
	return cmd;
}

static int run(int argc, char **argv)
{
	struct run_opts o = { .preload = PRELOAD_AUTO };
	struct sysfs_ns_options ns = { 0 };
	struct run_user who;
	struct error err = { 0 };
	char note[1024] = "", **cmd = NULL;
	pid_t pid = 0;
	int first, ret, qi;
	bool qemu;

	first = parse(argc, argv, &o);
	if (first < 0)
		return 2;
	argc -= first;
	argv += first;
	o.runtime_dir = sysfs_ns_runtime_dir(o.runtime_dir);
	if (geteuid() != 0)
		return cli_fail(CMD, "must run as root (it makes a mount namespace)");
	if (sysfs_ns_check_daemon(o.runtime_dir, &pid, &err) < 0) {
		if (!o.optional)
			return cli_fail(CMD, "%s", err.msg);
		fprintf(stderr, "ccwpass run: warning: %s; running %s without "
			"the view (--optional)\n", err.msg, argv[0]);
		return exec_plain(argv);
	}
	qi = run_find_qemu(argc, argv);
	qemu = qi >= 0;
	if (qemu)
		cmd = qemu_command(argc, argv, qi, o.private_ram, note,
				   sizeof(note));
	else if (run_is_mdevctl(argv[0]))
		cmd = run_fix_mdevctl_args(argc, argv, note, sizeof(note));
	if ((qemu || run_is_mdevctl(argv[0])) && !cmd)
		return cli_fail(CMD, "out of memory");
	if (note[0] && !o.quiet)
		fputs(note, stderr);
	if (o.preload == PRELOAD_ALWAYS || (qemu && o.preload == PRELOAD_AUTO)) {
		ret = set_preload();
		if (ret)
			return ret;
	}
	if (setenv(SYSFS_NS_RUNTIME_ENV, o.runtime_dir, 1) < 0)
		return cli_fail(CMD, "setenv: %s", strerror(errno));
	ns.runtime_dir = o.runtime_dir;
	ns.etc_dir = o.etc_dir;
	if (o.user && run_resolve_user(o.user, &who, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	if (sysfs_ns_enter(&ns, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	/* In the view now: a vfio-ccw device must name an mdev there. */
	if (qemu && run_check_sysfsdev(cmd ? cmd : argv, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	if (o.user && run_become(&who, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	ret = exec_plain(cmd ? cmd : argv);
	run_args_free(cmd);
	return ret;
}

const struct cli_command cmd_run = {
	.name = "run",
	.summary = "run a command (QEMU, driverctl, mdevctl) with the sysfs view at /sys",
	.run = run,
};
