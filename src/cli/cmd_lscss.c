/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass lscss`: the host's subchannels in the format of s390-tools'
 * lscss (columns Device, Subchan., DevType, CU Type, Use, PIM/PAM/POM,
 * CHPIDs), read from ccwpassd's sysfs view like lscss reads /sys. A
 * subchannel without a ccw device (bound to vfio_ccw, or unbound) shows its
 * dev_busid and the driver instead of the types; --vfio lists vfio_ccw
 * subchannels with their mdevs, as `lscss --vfio` does.
 */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/view.h"
#include "sysfs/sysfs_ns.h"

#define CMD "lscss"

struct lscss {
	char root[PATH_MAX];
	bool vfio;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ccwpass lscss [--vfio] [--runtime-dir DIR]\n"
"\n"
"List the subchannels of the ccwpass host (s390-tools lscss format).\n"
"\n"
"      --vfio             subchannels bound to vfio_ccw and their mdevs\n"
"  -r, --runtime-dir DIR  the daemon's runtime directory\n"
"  -h, --help             this text\n");
}

/* "1a 2a 3a 0a 00 00 00 00" -> "1a2a3a0a 00000000" */
static void chpid_words(const char *chpids, char *out)
{
	int n = 0;

	for (const char *s = chpids; *s && n < 17; s++) {
		if (*s == ' ')
			continue;
		if (n == 8)
			out[n++] = ' ';
		out[n++] = *s;
	}
	out[n] = '\0';
}

static void add_mdev(const char *uuid, void *opaque)
{
	char *list = opaque;
	size_t n = strlen(list);

	snprintf(list + n, 256 - n, "%s%s", n ? "," : "", uuid);
}

static void row(const char *sch, void *opaque)
{
	struct lscss *l = opaque;
	char rel[128], busid[32], type[8], drv[64], chp[64], words[24];
	char pim[32], devtype[64] = "", cutype[16] = "", use[8] = "";
	char pp[3][8] = { "", "", "" };

	snprintf(rel, sizeof(rel), "bus/css/devices/%s/type", sch);
	if (strcmp(view_attr(l->root, rel, type, sizeof(type)), "0"))
		return;   /* I/O subchannels only */
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/dev_busid", sch);
	view_attr(l->root, rel, busid, sizeof(busid));
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/driver", sch);
	view_link(l->root, rel, drv, sizeof(drv));
	if (l->vfio && strcmp(drv, "vfio_ccw"))
		return;
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/pimpampom", sch);
	sscanf(view_attr(l->root, rel, pim, sizeof(pim)), "%7s %7s %7s",
	       pp[0], pp[1], pp[2]);
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/chpids", sch);
	chpid_words(view_attr(l->root, rel, chp, sizeof(chp)), words);
	if (l->vfio) {
		char mdevs[256] = "";

		snprintf(rel, sizeof(rel), "bus/css/devices/%s/"
			 "mdev_supported_types/vfio_ccw-io/devices", sch);
		view_list(l->root, rel, add_mdev, mdevs);
		printf("%-8s %-9s %-3s %-3s %-3s  %s  %s\n", busid, sch, pp[0],
		       pp[1], pp[2], words, mdevs[0] ? mdevs : "-");
		return;
	}
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/%s/devtype", sch, busid);
	if (view_exists(l->root, rel)) {
		view_attr(l->root, rel, devtype, sizeof(devtype));
		snprintf(rel, sizeof(rel), "bus/css/devices/%s/%s/cutype", sch,
			 busid);
		view_attr(l->root, rel, cutype, sizeof(cutype));
		snprintf(rel, sizeof(rel), "bus/css/devices/%s/%s/online", sch,
			 busid);
		if (!strcmp(view_attr(l->root, rel, use, sizeof(use)), "1"))
			snprintf(use, sizeof(use), "yes");
		else
			use[0] = '\0';
	} else {
		snprintf(devtype, sizeof(devtype), "%s",
			 drv[0] ? drv : "(none)");
	}
	printf("%-8s %-9s %-7s %-7s %-4s %-3s %-3s %-3s  %s\n", busid, sch,
	       devtype, cutype, use, pp[0], pp[1], pp[2], words);
}

static int run(int argc, char **argv)
{
	enum { OPT_VFIO = 256 };
	static const struct option longopts[] = {
		{ "vfio", no_argument, NULL, OPT_VFIO },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct lscss l;
	const char *rt = NULL;
	struct error err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_VFIO: l.vfio = true; break;
		case 'r': rt = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	rt = sysfs_ns_runtime_dir(rt);
	if (sysfs_ns_check_daemon(rt, NULL, &err) < 0)
		return cli_fail(CMD, "%s", err.msg);
	snprintf(l.root, sizeof(l.root), "%s/%s", rt, SYSFS_NS_SYS);
	/* Like lscss, the header comes even when no subchannel is listed. */
	if (l.vfio)
		printf("Device   Subchan.  PIM PAM POM  CHPIDs             mdev\n");
	else
		printf("Device   Subchan.  DevType CU Type Use  PIM PAM POM  CHPIDs\n");
	printf("----------------------------------------------------------------------\n");
	if (view_list(l.root, "bus/css/devices", row, &l) < 0)
		return cli_fail(CMD, "cannot read %s/bus/css/devices", l.root);
	return 0;
}

const struct cli_command cmd_lscss = {
	.name = "lscss",
	.summary = "list the host's subchannels (lscss format)",
	.run = run,
};
