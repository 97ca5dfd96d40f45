/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass dasdinit`: create a 3390 volume image, blank or Linux CDL, as a
 * CCKD64 (default), CCKD or plain CKD file (docs/image-format.md
 * "Creating a volume"); or an FBA volume (9336, 3370) as a plain FBA
 * (default) or compressed CFBA file (docs/fba.md).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dasd/eckd.h"
#include "dasd/fba.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image/fba_image.h"

#define CMD "dasdinit"
#define DEFAULT_MODEL  "3390-9"
#define DEFAULT_VOLSER "LNX001"
#define MAX_CYLS       65520

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ccwpass dasdinit [OPTIONS] FILE [MODEL]\n"
"\n"
"Create a 3390 volume image in one of Hercules' formats (see --format),\n"
"or an FBA volume (9336, 3370) in Hercules' plain or compressed FBA format.\n"
"\n"
"  -t, --type MODEL     3390-1, 3390-2, 3390-3, 3390-9 (default), 3390-27,\n"
"                       3390-54; FBA: 9336 (= 9336-20), 9336-10, 9336-20,\n"
"                       3370 (= 3370-1), 3370-1, 3370-2 (also accepted as\n"
"                       the MODEL argument)\n"
"  -c, --cyls N         N cylinders instead of the model's (1-%d)\n"
"  -B, --blocks N       FBA: N blocks of 512 bytes instead of the model's;\n"
"                       an FBA volume is all zeros (sparse), with no label\n"
"  -l, --cdl            Linux compatible disk layout (default): IPL records,\n"
"                       VOL1 label, VTOC, 4 KB blocks, one partition from\n"
"                       track 2 to the end, as dasdfmt + fdasd -a make it\n"
"  -b, --blank          every track empty (HA + R0): the guest sees an\n"
"                       unformatted DASD to dasdfmt\n"
"  -f, --format FORMAT  cckd64 (default): compressed CKD with 64-bit offsets,\n"
"                       a few KB until written, holds every model full of\n"
"                       data; Hercules Hyperion 4.2+ reads it, Hercules 3.13\n"
"                       (Debian's hercules package) does NOT\n"
"                       cckd: compressed CKD every Hercules reads, but the\n"
"                       file ends at 4 GiB: a 3390-9 or larger fails writes\n"
"                       once guests store more than that\n"
"                       plain: Hercules CKD, full size, every Hercules\n"
"                       FBA: plain (default): Hercules FBA, the blocks\n"
"                       (sparse), every Hercules; cfba: compressed FBA,\n"
"                       a few KB until written, every Hercules (the file\n"
"                       ends at 4 GiB)\n"
"      --volser VOLSER  volume serial for --cdl, 1-6 of A-Z 0-9 @ # $\n"
"                       (default " DEFAULT_VOLSER ")\n"
"      --force          replace FILE if it exists\n"
"  -q, --quiet          no progress line and no summary\n"
"  -h, --help           this text\n"
"\n"
"Example: ccwpass dasdinit --volser 0X2B09 disk.cckd 3390-9\n"
"         ccwpass dasdinit data.fba 9336\n"
"         ccwpass dasdinit --format cfba data.cfba 9336\n", MAX_CYLS);
}

struct dasdinit_args {
	const char *file;
	const char *model;
	long cyls;               /* 0: the model's */
	uint64_t blocks;         /* FBA; 0: the model's */
	const char *format;      /* --format as given, or NULL */
	bool layout_set, volser_set;
	bool quiet;
	struct ckd_init_options opt;
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
	fprintf(stderr, "\rccwpass dasdinit: %s: %llu/%llu tracks (%d%%)",
		p->file, (unsigned long long)done, (unsigned long long)total,
		pct);
	fflush(stderr);
}

static int parse_volser(const char *arg, char volser[7])
{
	size_t n = strlen(arg);

	if (n < 1 || n > 6)
		return -1;
	for (size_t i = 0; i <= n; i++)
		volser[i] = (char)toupper((unsigned char)arg[i]);
	return 0;
}

enum { OPT_VOLSER = 0x100, OPT_FORCE };

static const struct option long_opts[] = {
	{ "type", required_argument, NULL, 't' },
	{ "cyls", required_argument, NULL, 'c' },
	{ "blocks", required_argument, NULL, 'B' },
	{ "cdl", no_argument, NULL, 'l' },
	{ "blank", no_argument, NULL, 'b' },
	{ "format", required_argument, NULL, 'f' },
	{ "volser", required_argument, NULL, OPT_VOLSER },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to continue, else the exit code. */
static int parse_option(int c, struct dasdinit_args *a)
{
	char *end;

	switch (c) {
	case 't':
		a->model = optarg;
		return -1;
	case 'c':
		errno = 0;
		a->cyls = strtol(optarg, &end, 10);
		if (errno || *end || a->cyls < 1 || a->cyls > MAX_CYLS) {
			cli_fail(CMD, "--cyls %s: need 1-%d", optarg, MAX_CYLS);
			return 2;
		}
		return -1;
	case 'B': {
		unsigned long long n;

		errno = 0;
		n = strtoull(optarg, &end, 10);
		if (errno || *end || !*optarg || n < 1 || n > FBA_MAX_BLOCKS) {
			cli_fail(CMD, "--blocks %s: need 1-%llu", optarg,
				 (unsigned long long)FBA_MAX_BLOCKS);
			return 2;
		}
		a->blocks = n;
		return -1;
	}
	case 'l':
		a->opt.layout = CKD_INIT_CDL;
		a->layout_set = true;
		return -1;
	case 'b':
		a->opt.layout = CKD_INIT_BLANK;
		a->layout_set = true;
		return -1;
	case 'f':
		if (strcmp(optarg, "cckd64") && strcmp(optarg, "cckd") &&
		    strcmp(optarg, "plain") && strcmp(optarg, "cfba")) {
			cli_fail(CMD, "--format %s: use cckd64, cckd or plain "
				 "(3390), plain or cfba (FBA)", optarg);
			return 2;
		}
		a->format = optarg;
		return -1;
	case OPT_VOLSER:
		a->volser_set = true;
		if (parse_volser(optarg, a->opt.volser) < 0) {
			cli_fail(CMD, "--volser %s: 1-6 characters", optarg);
			return 2;
		}
		return -1;
	case OPT_FORCE:
		a->opt.overwrite = true;
		return -1;
	case 'q':
		a->quiet = true;
		return -1;
	case 'h':
		usage(stdout);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

static int parse_args(int argc, char **argv, struct dasdinit_args *a)
{
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:c:B:lbf:qh", long_opts, NULL)) != -1)
		if ((rc = parse_option(c, a)) >= 0)
			return rc;
	if (optind >= argc || argc - optind > 2) {
		cli_fail(CMD, "need FILE and at most one MODEL (see --help)");
		return 2;
	}
	a->file = argv[optind];
	if (argc - optind == 2) {
		if (a->model && strcmp(a->model, argv[optind + 1])) {
			cli_fail(CMD, "model given twice: %s and %s", a->model,
				 argv[optind + 1]);
			return 2;
		}
		a->model = argv[optind + 1];
	}
	if (!a->model)
		a->model = DEFAULT_MODEL;
	return -1;
}

static void summary(const struct dasdinit_args *a,
		    const struct ckd_geometry *geo)
{
	uint32_t trks = geo->cyls * geo->heads;

	printf("%s: 3390 volume, %u cylinders x %u tracks, %s, ", a->file,
	       geo->cyls, geo->heads,
	       a->opt.format == CKD_IMAGE_CCKD64 ? "CCKD64 (zlib)" :
	       a->opt.format == CKD_IMAGE_CCKD ? "CCKD (zlib)" : "plain CKD");
	if (a->opt.layout == CKD_INIT_CDL)
		printf("Linux CDL: volser %s, 4 KB blocks, partition 1 = "
		       "tracks 2-%u\n", a->opt.volser, trks - 1);
	else
		printf("blank (unformatted)\n");
}

/* The CKD format --format names (cckd64 without one); -1: not a CKD
   format. */
static int ckd_format_of(const char *name)
{
	if (!name || !strcmp(name, "cckd64"))
		return CKD_IMAGE_CCKD64;
	if (!strcmp(name, "cckd"))
		return CKD_IMAGE_CCKD;
	if (!strcmp(name, "plain"))
		return CKD_IMAGE_PLAIN;
	return -1;
}

/* An FBA volume: plain FBA or CFBA, all zeros, no label (what
 * ccwpassd's `create = blank` makes). */
static int dasdinit_fba(const struct dasdinit_args *a,
			const struct fba_model *m)
{
	uint64_t blocks = a->blocks ? a->blocks : m->blocks;
	/* The model the size makes it (as the device will report it). */
	const struct fba_model *eff = fba_model_for(m->dev_type, blocks);
	bool cfba = a->format && !strcmp(a->format, "cfba");
	struct error err;

	if (a->cyls)
		return cli_fail(CMD, "--cyls is for 3390s; an FBA volume has "
				"--blocks");
	if (a->layout_set && a->opt.layout == CKD_INIT_CDL)
		return cli_fail(CMD, "--cdl is for 3390s; an FBA volume is made "
				"blank (all zeros)");
	if (a->format && !cfba && strcmp(a->format, "plain"))
		return cli_fail(CMD, "--format %s is a 3390 format; an FBA "
				"volume is plain (default) or cfba", a->format);
	if (a->volser_set)
		return cli_fail(CMD, "--volser: ccwpass writes no label on an "
				"FBA volume");
	if (fba_image_create_format(a->file, blocks,
				    cfba ? FBA_IMAGE_CFBA : FBA_IMAGE_PLAIN,
				    eff->dev_type, a->opt.overwrite, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	if (!a->quiet)
		printf("%s: %s FBA volume (Sense ID %04X/%02X), %llu blocks of "
		       "512 bytes (%llu MiB), %s, blank\n", a->file,
		       eff->name, eff->dev_type, eff->dev_model,
		       (unsigned long long)blocks,
		       (unsigned long long)(blocks >> 11),
		       cfba ? "CFBA (zlib)" : "plain FBA");
	if (cfba && fba_image_cfba_capacity(blocks) < blocks)
		fprintf(stderr, "ccwpass dasdinit: note: %s: a CFBA file holds "
			"at most 4 GiB, about %llu of these %llu blocks of data "
			"that does not compress; use --format plain for more\n",
			a->file,
			(unsigned long long)fba_image_cfba_capacity(blocks),
			(unsigned long long)blocks);
	return 0;
}

static int dasdinit_run(int argc, char **argv)
{
	struct dasdinit_args a = {
		.opt = { .format = CKD_IMAGE_CCKD64, .layout = CKD_INIT_CDL,
			 .volser = DEFAULT_VOLSER },
	};
	struct progress prog = { .last = -1 };
	const struct eckd_model *model;
	struct ckd_geometry geo;
	struct error err;
	uint32_t fit;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (fba_model_find(a.model))
		return dasdinit_fba(&a, fba_model_find(a.model));
	model = eckd_model_find(a.model);
	if (!model) {
		cli_fail(CMD, "unknown model %s (3390-1, -2, -3, -9, -27, -54; "
			 "FBA: 9336, 9336-10, 9336-20, 3370, 3370-1, 3370-2)",
			 a.model);
		return 2;
	}
	if (a.blocks)
		return cli_fail(CMD, "--blocks is for FBA models (9336, 3370); "
				"a 3390 has --cyls");
	if (ckd_format_of(a.format) < 0)
		return cli_fail(CMD, "--format %s is for FBA volumes (9336, "
				"3370); a 3390 is cckd64 (default), cckd or "
				"plain", a.format);
	a.opt.format = (enum ckd_image_format)ckd_format_of(a.format);
	geo = (struct ckd_geometry){
		.devtype = model->dev_type,
		.cyls = a.cyls ? (uint32_t)a.cyls : model->cyls,
		.heads = model->heads,
		.trksize = CKD_3390_TRACK_SIZE,
	};
	if (!a.quiet && isatty(STDERR_FILENO)) {
		prog.file = a.file;
		a.opt.progress = show_progress;
		a.opt.opaque = &prog;
	}
	rc = ckd_image_create(a.file, &geo, &a.opt, &err);
	if (prog.last >= 0)
		fputc('\n', stderr);
	if (rc < 0)
		return cli_fail(CMD, "%s", err.msg);
	if (!a.quiet)
		summary(&a, &geo);
	fit = ckd_format_capacity(a.opt.format, &geo);
	if (fit < geo.cyls)
		fprintf(stderr, "ccwpass dasdinit: note: %s: a CCKD file holds "
			"at most 4 GiB, about %u of these %u cylinders of data "
			"that does not compress; use --format cckd64 unless "
			"Hercules 3.13 must read it\n", a.file, fit, geo.cyls);
	return 0;
}

const struct cli_command cmd_dasdinit = {
	.name = "dasdinit",
	.summary = "create a 3390 volume image (Linux CDL or blank)",
	.run = dasdinit_run,
};
