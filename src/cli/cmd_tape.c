/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass tape`: what is in ccwpassd's tape drives, and an operator's
 * load and unload while the daemon and its guests run, through the
 * view's ccwpass_media attribute (docs/tape.md "Loading and unloading").
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/host_view.h"
#include "common/error.h"
#include "image/aws_tape.h"

#define CMD "tape"

static const char usage_text[] =
"Usage: ccwpass tape [OPTIONS] [DEVICE]\n"
"       ccwpass tape [OPTIONS] load DEVICE FILE\n"
"       ccwpass tape [OPTIONS] unload DEVICE [FILE]\n"
"\n"
"Show the tape drives (3490, 3480) of the running ccwpassd and the tape\n"
"each holds, or load and unload a tape as an operator at the drive does,\n"
"while guests use it. DEVICE is a device number (0.0.0580) or its\n"
"subchannel (0.0.0330).\n"
"\n"
"  load        put the tape FILE (AWSTAPE or HET) into the empty drive: the\n"
"              drive becomes ready and presents attention (Linux's tape_34xx\n"
"              senses the tape and prints that it was loaded)\n"
"  unload      rewind and take the tape out (FILE, if given, must be the\n"
"              one in the drive); what was written is on disk when this\n"
"              returns. The guest sees an empty drive at its next command\n"
"\n"
"  -w, --write-protect    load the tape write-protected\n"
"  -c, --create           load: make FILE an empty tape (two tape marks, as\n"
"                         Hercules' hetinit -n) if it does not exist\n"
"  -r, --runtime-dir DIR  the daemon's runtime directory\n"
"  -h, --help             this text\n"
"\n"
"A loaded tape lasts while ccwpassd runs: after a restart or reload each\n"
"drive holds the tape its inventory names.\n"
"\n"
"Example: ccwpass tape load 0.0.0580 /var/lib/ccwpass/scratch1.aws\n";

static bool is_tape(const struct hv_sch *s)
{
	return !strncmp(s->model, "3490", 4) || !strncmp(s->model, "3480", 4);
}

static void show(const struct hv_sch *s)
{
	printf("%s %s %s %s%s\n", s->devno, s->name, s->model,
	       s->image[0] ? s->image : "(no tape)",
	       s->image[0] && s->readonly ? " (write-protected)" : "");
}

/* FILE as an absolute path (it must exist: the daemon opens it). */
static int absolute(const char *file, char *out, size_t size)
{
	char real[PATH_MAX];

	if (!realpath(file, real))
		return -errno;
	if (snprintf(out, size, "%s", real) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static int write_attr(const struct hv_host *h, const struct hv_sch *s,
		      const char *req)
{
	char attr[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(attr, sizeof(attr), "%s/bus/css/devices/%s/ccwpass_media",
		 h->root, s->name);
	fd = open(attr, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, req, strlen(req));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

static int load(const struct hv_host *h, const struct hv_sch *s,
		const char *file, bool ro, bool create)
{
	char path[PATH_MAX], req[PATH_MAX + 16];
	struct error err = { 0 };
	struct stat st;
	int ret;

	if (s->image[0])
		return cli_fail(CMD, "drive %s holds tape %s: unload it first",
				s->devno, s->image);
	if (create && stat(file, &st) < 0 && errno == ENOENT) {
		if (aws_tape_create(file, true, false, &err) < 0)
			return cli_fail(CMD, "%s", err.msg);
		printf("%s: an empty tape\n", file);
	}
	ret = absolute(file, path, sizeof(path));
	if (ret < 0)
		return cli_fail(CMD, "%s: %s%s", file, strerror(-ret),
				ret == -ENOENT && !create ?
				" (--create makes an empty tape)" : "");
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return cli_fail(CMD, "%s: not a regular file", path);
	snprintf(req, sizeof(req), "%s %s", ro ? "load-ro" : "load", path);
	ret = write_attr(h, s, req);
	if (ret == -EBUSY)
		return cli_fail(CMD, "drive %s holds a tape already: unload "
				"it first", s->devno);
	if (ret < 0)
		return cli_fail(CMD, "drive %s: cannot load %s: %s (the "
				"daemon's log says why)", s->devno, path,
				strerror(-ret));
	printf("%s: loaded %s%s\n", s->devno, path,
	       ro ? " (write-protected)" : "");
	return 0;
}

static int unload(const struct hv_host *h, const struct hv_sch *s,
		  const char *file)
{
	char path[PATH_MAX];
	int ret;

	if (!s->image[0])
		return cli_fail(CMD, "drive %s holds no tape", s->devno);
	if (file && (absolute(file, path, sizeof(path)) < 0 ||
		     strcmp(path, s->image)))
		return cli_fail(CMD, "drive %s holds %s, not %s", s->devno,
				s->image, file);
	ret = write_attr(h, s, "unload");
	if (ret == -ENOMEDIUM)
		return cli_fail(CMD, "drive %s holds no tape", s->devno);
	if (ret < 0)
		return cli_fail(CMD, "drive %s: cannot unload %s: %s (the "
				"daemon's log says why)", s->devno, s->image,
				strerror(-ret));
	printf("%s: unloaded %s\n", s->devno, s->image);
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "write-protect", no_argument, NULL, 'w' },
		{ "create", no_argument, NULL, 'c' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hv_host h;
	const struct hv_sch *s = NULL;
	const char *rt = NULL, *dev, *verb;
	bool ro = false, create = false;
	char msg[512];
	int c, nargs, ret;

	while ((c = getopt_long(argc, argv, "wcr:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': ro = true; break;
		case 'c': create = true; break;
		case 'r': rt = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	nargs = argc - optind;
	verb = nargs ? argv[optind] : NULL;
	if (verb && (!strcmp(verb, "load") || !strcmp(verb, "unload"))) {
		optind++;
		nargs--;
	} else {
		verb = NULL;
	}
	if ((!verb && nargs > 1) ||
	    (verb && !strcmp(verb, "load") && nargs != 2) ||
	    (verb && !strcmp(verb, "unload") && (nargs < 1 || nargs > 2))) {
		fputs(usage_text, stderr);
		return 2;
	}
	ret = hv_load(&h, rt, msg, sizeof(msg));
	if (ret == -ESRCH) {
		fprintf(stderr, "ccwpass tape: ccwpassd is not running (%s)\n",
			msg);
		return 3;
	}
	if (ret < 0)
		return cli_fail(CMD, "%s", msg);
	if (!nargs) {
		for (unsigned int i = 0; i < h.nschs; i++)
			if (is_tape(&h.schs[i]))
				show(&h.schs[i]);
		hv_free(&h);
		return 0;
	}
	dev = argv[optind];
	for (unsigned int i = 0; i < h.nschs && !s; i++)
		if (!strcmp(h.schs[i].devno, dev) || !strcmp(h.schs[i].name, dev))
			s = &h.schs[i];
	if (!s)
		ret = cli_fail(CMD, "no device %s on this host (`ccwpass "
			       "status` lists them)", dev);
	else if (!is_tape(s))
		ret = cli_fail(CMD, "%s is a %s, not a tape drive", dev,
			       s->model[0] ? s->model : "device");
	else if (!verb)
		show(s), ret = 0;
	else if (!strcmp(verb, "load"))
		ret = load(&h, s, argv[optind + 1], ro, create);
	else
		ret = unload(&h, s, nargs == 2 ? argv[optind + 1] : NULL);
	hv_free(&h);
	return ret;
}

const struct cli_command cmd_tape = {
	.name = "tape",
	.summary = "show, load or unload the tapes of 3490 drives",
	.run = run,
};
