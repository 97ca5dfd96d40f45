/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass convert`: copy a volume image into a new file of another format,
 * e.g. a CCKD volume that needs more than 4 GiB into CCKD64
 * (docs/image-format.md "Converting a volume").
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/ckd_image.h"

#define CMD "convert"

static void usage(FILE *f)
{
	fputs(
"Usage: ccwpass convert [OPTIONS] IN OUT\n"
"\n"
"Copy every track of the volume image IN into a new image OUT of another\n"
"format, e.g. a volume made as CCKD by earlier versions, which cannot hold\n"
"more than 4 GiB, into CCKD64. Null tracks stay null tracks. OUT is written\n"
"under a temporary name, read back and compared with IN, and only then\n"
"renamed into place; IN is not changed. IN must not be in use: stop\n"
"ccwpassd (or take the volume out of its inventory) first, then point the\n"
"inventory at OUT or rename OUT over IN.\n"
"\n"
"  -f, --format FORMAT  cckd64 (default), cckd or plain, as for dasdinit:\n"
"                       Hercules 3.13 reads cckd and plain, not cckd64\n"
"      --force          replace OUT if it exists (it may not be IN)\n"
"  -q, --quiet          no progress line and no summary\n"
"  -h, --help           this text\n"
"\n"
"Example: ccwpass convert 0X2B09.cckd 0X2B09.cckd64\n", f);
}

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "force", no_argument, NULL, 'F' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct progress {
	const char *file;
	int last;                /* last percentage printed */
};

static void show_progress(uint64_t done, uint64_t total, void *opaque)
{
	struct progress *p = opaque;
	int pct = total ? (int)(done * 100 / total) : 100;

	if (pct == p->last)
		return;
	p->last = pct;
	fprintf(stderr, "\rccwpass convert: %s: %d%% (%s)", p->file, pct,
		2 * done <= total ? "copying" : "verifying");
	fflush(stderr);
}

static const char *format_name(enum ckd_image_format f)
{
	return f == CKD_IMAGE_CCKD64 ? "CCKD64" : f == CKD_IMAGE_CCKD ? "CCKD" :
	       "plain CKD";
}

static int parse_format(const char *arg, enum ckd_image_format *f)
{
	if (!strcmp(arg, "cckd64"))
		*f = CKD_IMAGE_CCKD64;
	else if (!strcmp(arg, "cckd"))
		*f = CKD_IMAGE_CCKD;
	else if (!strcmp(arg, "plain"))
		*f = CKD_IMAGE_PLAIN;
	else
		return -1;
	return 0;
}

static void summary(const char *in, const char *out,
		    const struct ckd_convert_result *r, enum ckd_image_format to)
{
	struct stat si, so;

	printf("%s: %s, %u cylinders, %ju tracks (%ju null) copied from %s "
	       "(%s) and verified", out, format_name(to), r->geo.cyls,
	       (uintmax_t)r->tracks, (uintmax_t)r->null_tracks, in,
	       format_name(r->from));
	if (stat(in, &si) == 0 && stat(out, &so) == 0)
		printf("; %jd -> %jd bytes", (intmax_t)si.st_size,
		       (intmax_t)so.st_size);
	putchar('\n');
}

static int convert_run(int argc, char **argv)
{
	struct ckd_convert_options opt = { .format = CKD_IMAGE_CCKD64 };
	struct progress prog = { .last = -1 };
	struct ckd_convert_result res;
	struct error err;
	bool quiet = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format(optarg, &opt.format) < 0) {
				cli_fail(CMD, "--format %s: use cckd64, cckd or "
					 "plain", optarg);
				return 2;
			}
			break;
		case 'F':
			opt.overwrite = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		cli_fail(CMD, "need IN and OUT (see --help)");
		return 2;
	}
	if (!quiet && isatty(STDERR_FILENO)) {
		prog.file = argv[optind + 1];
		opt.progress = show_progress;
		opt.opaque = &prog;
	}
	rc = ckd_image_convert(argv[optind], argv[optind + 1], &opt, &res,
			       &err);
	if (prog.last >= 0)
		fputc('\n', stderr);
	if (rc < 0)
		return cli_fail(CMD, "%s", err.msg);
	if (!quiet)
		summary(argv[optind], argv[optind + 1], &res, opt.format);
	return 0;
}

const struct cli_command cmd_convert = {
	.name = "convert",
	.summary = "copy a volume image into another format (e.g. CCKD64)",
	.run = convert_run,
};
