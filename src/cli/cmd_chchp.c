/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass chchp`: change the state of the host's channel paths as
 * s390-tools' chchp does on a real host - vary a path offline or online
 * (its `status` in the view: the PAM of every subchannel on it follows,
 * and guests get channel-report words), or write one of its attributes.
 * CHPIDs as chchp takes them: "1a", "0.1a", lists "1a,2a" and ranges
 * "1a-2a" (unknown ones in a range are skipped, as chchp says).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/error.h"
#include "sysfs/sysfs_ns.h"

#define CMD "chchp"

static const char usage_text[] =
"Usage: ccwpass chchp -v 0|1 | -a KEY=VALUE [--runtime-dir DIR] CHPID...\n"
"\n"
"Change the state of channel paths of the ccwpass host, as s390-tools'\n"
"chchp: CHPID is a hexadecimal channel-path id (1a or 0.1a), a\n"
"comma-separated list or a range (1a-2a).\n"
"\n"
"  -v, --vary 0|1           vary the paths offline (0) or online (1)\n"
"  -c, --configure 0|1      configure standby / online (not modelled: the\n"
"                           host has no SCLP; refused)\n"
"  -a, --attribute KEY=VALUE  write VALUE to the paths' attribute KEY\n"
"  -r, --runtime-dir DIR    the daemon's runtime directory\n"
"  -h, --help               this text\n";

struct job {
	char root[PATH_MAX];       /* <rt>/sys/devices */
	char what;                 /* 'v' or 'a' */
	const char *value;         /* "0"/"1", or KEY=VALUE */
	int failed;
};

/* "1a" or "0.1a" -> css, id; -1 when malformed. */
static int parse_chpid(const char *s, int *css, int *id)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(s, &end, 16);
	if (end == s || errno)
		return -1;
	if (*end == '.') {
		const char *t = end + 1;

		b = strtol(t, &end, 16);
		if (end == t || *end || a < 0 || a > 255 || b < 0 || b > 255)
			return -1;
		*css = (int)a;
		*id = (int)b;
		return 0;
	}
	if (*end || a < 0 || a > 255)
		return -1;
	*css = 0;
	*id = (int)a;
	return 0;
}

/* Write val to <dir>/<key>, as one write; then say done or why not. */
static void write_attr(struct job *j, const char *dir, const char *key,
		       const char *val)
{
	char path[PATH_MAX + 64];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (strchr(key, '/') || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		printf("failed - no such attribute\n");
		j->failed = 1;
		return;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("failed - attribute not writable\n");
		j->failed = 1;
		return;
	}
	n = write(fd, val, strlen(val));
	if (n < 0)
		printf("failed - write failed: %s\n", strerror(errno));
	else
		printf("done.\n");
	j->failed |= n < 0;
	close(fd);
}

static void one(struct job *j, int css, int id)
{
	char dir[PATH_MAX + 32];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/css%x/chp%x.%02x", j->root, css, css,
		 id);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		printf("Skipping unknown channel-path %x.%02x\n", css, id);
		return;
	}
	if (j->what == 'v') {
		printf("Vary %s %x.%02x... ",
		       strcmp(j->value, "0") ? "online" : "offline", css, id);
		write_attr(j, dir, "status", strcmp(j->value, "0") ? "on" : "off");
	} else {
		const char *eq = strchr(j->value, '=');
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - j->value),
			 j->value);
		printf("Attribute %s %x.%02x... ", j->value, css, id);
		write_attr(j, dir, key, eq + 1);
	}
	fflush(stdout);
}

/* One list element: a CHPID or a range. 0, or -1 when malformed. */
static int element(struct job *j, char *s)
{
	char *to = strchr(s, '-');
	int c1, i1, c2, i2;

	if (to)
		*to++ = '\0';
	if (parse_chpid(s, &c1, &i1) < 0 ||
	    parse_chpid(to ? to : s, &c2, &i2) < 0)
		return -1;
	for (int a = c1 * 256 + i1, b = c2 * 256 + i2,
	     step = a <= b ? 1 : -1;; a += step) {
		one(j, a / 256, a % 256);
		if (a == b)
			break;
	}
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vary", required_argument, NULL, 'v' },
		{ "configure", required_argument, NULL, 'c' },
		{ "attribute", required_argument, NULL, 'a' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct job j = { 0 };
	struct error err = { 0 };
	const char *rt = NULL;
	pid_t pid;
	int c;

	while ((c = getopt_long(argc, argv, "v:c:a:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
		case 'a':
			if (j.what)
				return cli_fail(CMD, "only one of --vary, "
						"--configure or --attribute");
			j.what = (char)c;
			j.value = optarg;
			break;
		case 'c':
			return cli_fail(CMD, "--configure: the ccwpass host has "
					"no SCLP to configure channel paths "
					"with; vary them with -v 0|1");
		case 'r': rt = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (!j.what)
		return cli_fail(CMD, "one of --vary or --attribute is needed "
				"(try --help)");
	if (j.what == 'v' && strcmp(j.value, "0") && strcmp(j.value, "1"))
		return cli_fail(CMD, "invalid value for --vary '%s' (only 0 "
				"or 1)", j.value);
	if (j.what == 'a' && (!strchr(j.value, '=') || j.value[0] == '=' ||
			      !strchr(j.value, '=')[1]))
		return cli_fail(CMD, "--attribute needs KEY=VALUE, not '%s'",
				j.value);
	if (optind == argc)
		return cli_fail(CMD, "name at least one channel-path id");
	rt = sysfs_ns_runtime_dir(rt);
	if (sysfs_ns_check_daemon(rt, &pid, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	snprintf(j.root, sizeof(j.root), "%s/%s/devices", rt, SYSFS_NS_SYS);
	for (int i = optind; i < argc; i++) {
		char *list = strdup(argv[i]), *save = NULL;

		if (!list)
			return cli_fail(CMD, "out of memory");
		for (char *e = strtok_r(list, ",", &save); e;
		     e = strtok_r(NULL, ",", &save))
			if (element(&j, e) < 0) {
				cli_fail(CMD, "invalid channel-path id '%s'", e);
				free(list);
				return 1;
			}
		free(list);
	}
	return j.failed;
}

const struct cli_command cmd_chchp = {
	.name = "chchp",
	.summary = "vary the host's channel paths offline or online (as chchp)",
	.run = run,
};
