/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass reload`: have ccwpassd read its inventory again (SIGHUP) and
 * say what it did - the subchannels added and removed - or why it changed
 * nothing, from <runtime>/reload.status, whose sequence number moves
 * with each reload. docs/operations.md "Add or remove a DASD".
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/error.h"
#include "sysfs/sysfs_ns.h"

#define CMD "reload"
#define RELOAD_WAIT_S 600   /* removing mdevs in use waits for VMMs */

static const char usage_text[] =
"Usage: ccwpass reload [--runtime-dir DIR]\n"
"\n"
"Have ccwpassd read its inventory again, as a host's dynamic I/O\n"
"reconfiguration: new subchannels appear (driverctl overrides and mdevctl\n"
"autostart apply to them), removed ones go (an mdev in use gets the\n"
"request interrupt), unchanged ones are not touched. A bad inventory, or\n"
"one that redefines a running subchannel, changes nothing; the reason is\n"
"printed and the exit status is 1.\n"
"\n"
"  -r, --runtime-dir DIR  the daemon's runtime directory\n"
"  -h, --help             this text\n";

/* The status line, "" when there is none yet. */
static void read_status(const char *path, char *line, size_t size)
{
	FILE *f = fopen(path, "re");

	line[0] = '\0';
	if (!f)
		return;
	if (!fgets(line, (int)size, f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
}

static unsigned long seq_of(const char *line)
{
	return strtoul(line, NULL, 10);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char path[PATH_MAX], before[2048], now[2048];
	struct error err = { 0 };
	const char *rt = NULL, *msg;
	struct timespec t0, t;
	pid_t pid = 0;
	int c;

	while ((c = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rt = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	rt = sysfs_ns_runtime_dir(rt);
	if (sysfs_ns_check_daemon(rt, &pid, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/reload.status", rt);
	read_status(path, before, sizeof(before));
	if (kill(pid, SIGHUP) < 0)
		return cli_fail(CMD, "cannot signal ccwpassd (pid %d): %s",
				(int)pid, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct timespec nap = { 0, 20 * 1000 * 1000 };

		read_status(path, now, sizeof(now));
		if (now[0] && (!before[0] || seq_of(now) != seq_of(before)))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > RELOAD_WAIT_S)
			return cli_fail(CMD, "ccwpassd (pid %d) did not report "
					"within %d s; see its log", (int)pid,
					RELOAD_WAIT_S);
		nanosleep(&nap, NULL);
	}
	msg = strchr(now, ' ');
	msg = msg ? msg + 1 : now;
	if (!strncmp(msg, "ok ", 3)) {
		printf("ccwpassd reloaded its inventory: %s\n", msg + 3);
		return 0;
	}
	msg = !strncmp(msg, "error ", 6) ? msg + 6 : msg;
	fprintf(stderr, "ccwpass reload: %s%s\n",
		strncmp(msg, "reloaded in part", 16) ? "nothing changed: " : "",
		msg);
	return 1;
}

const struct cli_command cmd_reload = {
	.name = "reload",
	.summary = "have ccwpassd reread its inventory (add/remove subchannels)",
	.run = run,
};
