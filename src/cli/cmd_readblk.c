/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass readblk`: copy 4 KB blocks of a Linux-formatted 3390 volume
 * image to stdout, read on the host straight from the image file.
 *
 * Block numbers are the ones Linux's dasd driver uses for a 4 KB-formatted
 * volume: block b is record b % 12 + 1 of track b / 12 (docs/eckd.md). With
 * the compatible disk layout, partition 1 made by `fdasd -a` starts at
 * track 2, i.e. block 24 (docs/image-format.md).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"

#define CMD "readblk"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ccwpass readblk [--partition] IMAGE FIRST [COUNT]\n"
"\n"
"Write COUNT (default 1) 4 KB blocks of a Linux-formatted 3390 volume image,\n"
"starting at block FIRST, to standard output. The image is opened read-only\n"
"(it cannot be read while ccwpassd has it open for writing).\n"
"\n"
"  -p, --partition  count FIRST from the start of partition 1 (track 2)\n"
"  -h, --help       this text\n");
}

static int parse_count(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || !*s || *end || s[0] == '-' ? -EINVAL : 0;
}

static int write_all(const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Data of record rec on the track image, or NULL. */
static const struct ckd_record *find_record(const uint8_t *trk, size_t len,
					    uint8_t rec, struct ckd_record *r)
{
	size_t pos = CKD_HA_SIZE;

	while (ckd_track_next(trk, len, &pos, r, NULL) == 1)
		if (r->count.rec == rec)
			return r;
	return NULL;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "partition", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned long long first, count = 1, part = 0;
	struct error err = { 0 };
	struct ckd_image *img;
	uint8_t *trk;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "ph", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			part = 2 * CKD_LINUX_BLOCKS;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2 || argc - optind > 3 ||
	    parse_count(argv[optind + 1], &first) ||
	    (argc - optind == 3 && parse_count(argv[optind + 2], &count))) {
		usage(stderr);
		return 2;
	}
	if (isatty(STDOUT_FILENO))
		return cli_fail(CMD, "refusing to write binary blocks to a terminal");
	/* The loop below must not wrap: FIRST + COUNT (+ the partition). */
	if (first > ULLONG_MAX - part || count > ULLONG_MAX - (first + part))
		return cli_fail(CMD, "%s: %llu blocks from block %s%s are past "
				"the end of any volume", argv[optind], count,
				argv[optind + 1], part ? " of partition 1" : "");
	img = ckd_image_open(argv[optind], CKD_OPEN_RDONLY, &err);
	if (!img)
		return cli_fail(CMD, "%s", err.msg);
	first += part;
	trk = malloc(CKD_MAX_TRACK_SIZE);
	if (!trk) {
		ckd_image_close(img);
		return cli_fail(CMD, "out of memory");
	}
	for (unsigned long long b = first; b < first + count; b++) {
		unsigned long long t = b / CKD_LINUX_BLOCKS;
		uint8_t rec = (uint8_t)(b % CKD_LINUX_BLOCKS + 1);
		struct ckd_record r;
		size_t len;

		if (t >= ckd_image_tracks(img)) {
			rc = cli_fail(CMD, "%s: block %llu is past the end of the volume",
				      argv[optind], b);
			break;
		}
		rc = ckd_image_read_track(img, (uint32_t)t, trk,
					  CKD_MAX_TRACK_SIZE, &len);
		if (rc < 0) {
			rc = cli_fail(CMD, "%s: track %llu: %s", argv[optind], t,
				      strerror(-rc));
			break;
		}
		if (!find_record(trk, len, rec, &r) ||
		    r.count.dl != CKD_LINUX_BLOCK_SIZE) {
			rc = cli_fail(CMD, "%s: block %llu: track %llu has no 4096-byte record %u (not a 4 KB Linux format there)",
				      argv[optind], b, t, rec);
			break;
		}
		if (write_all(r.data, CKD_LINUX_BLOCK_SIZE) < 0) {
			rc = cli_fail(CMD, "write to standard output: %s",
				      strerror(errno));
			break;
		}
	}
	free(trk);
	ckd_image_close(img);
	return rc;
}

const struct cli_command cmd_readblk = {
	.name = CMD,
	.summary = "copy 4 KB blocks of a Linux 3390 volume image to stdout",
	.run = run,
};
