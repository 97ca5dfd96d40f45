/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass status`: is ccwpassd running, and what is bound where - each
 * subchannel's driver and driver_override, each mdev with its IOMMU group
 * and socket - read from the daemon's sysfs view and runtime directory.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/view.h"
#include "sysfs/sysfs_ns.h"

#define CMD "status"

struct status {
	const char *rt;
	char root[PATH_MAX];
	int nmdevs;
};

static void sch_line(const char *sch, void *opaque)
{
	struct status *st = opaque;
	char rel[128], busid[32], drv[64], ov[128];

	snprintf(rel, sizeof(rel), "bus/css/devices/%s/dev_busid", sch);
	view_attr(st->root, rel, busid, sizeof(busid));
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/driver", sch);
	view_link(st->root, rel, drv, sizeof(drv));
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/driver_override", sch);
	view_attr(st->root, rel, ov, sizeof(ov));
	printf("  %-9s %-9s %-14s %s\n", sch, busid, drv[0] ? drv : "(none)",
	       strcmp(ov, "(null)") ? ov : "-");
}

/* The mdev link points at .../css0/<parent>/<uuid>: the parent's name. */
static void parent_of(const char *root, const char *uuid, char *out,
		      size_t size)
{
	char path[PATH_MAX], target[PATH_MAX], *slash;
	ssize_t n;

	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/bus/mdev/devices/%s", root,
		     uuid) >= (int)sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (strlen(slash) < size)
		memcpy(out, slash, strlen(slash) + 1);
}

static void mdev_line(const char *uuid, void *opaque)
{
	struct status *st = opaque;
	char rel[128], parent[64], group[32], sock[PATH_MAX];
	struct stat sb;

	parent_of(st->root, uuid, parent, sizeof(parent));
	snprintf(rel, sizeof(rel), "bus/mdev/devices/%s/iommu_group", uuid);
	view_link(st->root, rel, group, sizeof(group));
	snprintf(sock, sizeof(sock), "%s/%s/%s.sock", st->rt, SYSFS_NS_SOCKETS,
		 uuid);
	if (!st->nmdevs++)
		printf("mdevs:\n  %-36s %-9s %-5s %s\n", "UUID", "parent",
		       "group", "socket");
	printf("  %-36s %-9s %-5s %s%s\n", uuid, parent, group, sock,
	       stat(sock, &sb) == 0 ? "" : " (missing)");
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct status st;
	struct error err = { 0 };
	const char *rt = NULL;
	pid_t pid = 0;
	int c;

	while ((c = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rt = optarg; break;
		case 'h':
			printf("Usage: ccwpass status [--runtime-dir DIR]\n");
			return 0;
		default:
			fprintf(stderr, "Usage: ccwpass status [--runtime-dir DIR]\n");
			return 2;
		}
	}
	st.rt = sysfs_ns_runtime_dir(rt);
	if (sysfs_ns_check_daemon(st.rt, &pid, &err) < 0) {
		printf("ccwpassd: not running (%s)\n", err.msg);
		return 3;
	}
	snprintf(st.root, sizeof(st.root), "%s/%s", st.rt, SYSFS_NS_SYS);
	printf("ccwpassd: running (pid %d), runtime directory %s\n", (int)pid,
	       st.rt);
	printf("subchannels:\n  %-9s %-9s %-14s %s\n", "Subchan.", "Device",
	       "Driver", "Override");
	view_list(st.root, "bus/css/devices", sch_line, &st);
	view_list(st.root, "bus/mdev/devices", mdev_line, &st);
	if (!st.nmdevs)
		printf("mdevs: none\n");
	return 0;
}

const struct cli_command cmd_status = {
	.name = "status",
	.summary = "show whether ccwpassd runs and what is bound to what",
	.run = run,
};
