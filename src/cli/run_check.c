/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ccwpass run`: QEMU's vfio-ccw devices checked against the view. */
#include "cli/run_check.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MDEV_DIR "/sys/bus/mdev/devices"

/* "UUID (0.0.0313), ..." of the mdevs in the view, or "" if none. */
static void list_mdevs(char *out, size_t size)
{
	DIR *d = opendir(MDEV_DIR);
	struct dirent *e;
	size_t n = 0;

	out[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)) != NULL && n + 1 < size) {
		char link[PATH_MAX], target[PATH_MAX];
		const char *parent = "?";
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), MDEV_DIR "/%s", e->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len > 0) {
			char *slash;

			target[len] = '\0';
			slash = strrchr(target, '/');
			if (slash) {
				*slash = '\0';
				slash = strrchr(target, '/');
				parent = slash ? slash + 1 : target;
			}
		}
		n += (size_t)snprintf(out + n, size - n, "%s%s (%s)",
				      n ? ", " : "", e->d_name, parent);
	}
	closedir(d);
	if (n >= size)
		out[size - 1] = '\0';
}

/* The sysfsdev= value of a -device argument of driver vfio-ccw, or NULL. */
static const char *sysfsdev_of(const char *arg, char *buf, size_t size)
{
	const char *p;
	size_t len;

	if (strncmp(arg, "vfio-ccw,", 9) && strncmp(arg, "driver=vfio-ccw,", 16))
		return NULL;
	for (p = arg; (p = strstr(p, "sysfsdev=")) != NULL; p++)
		if (p == arg || p[-1] == ',')
			break;
	if (!p)
		return NULL;
	p += 9;
	len = strcspn(p, ",");
	if (len >= size)
		len = size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

int run_check_sysfsdev(char *const argv[], struct error *err)
{
	for (int i = 0; argv[i]; i++) {
		char path[PATH_MAX], mdevs[1024];
		const char *dev;
		struct stat st;

		if ((strcmp(argv[i], "-device") && strcmp(argv[i], "--device")) ||
		    !argv[i + 1])
			continue;
		dev = sysfsdev_of(argv[++i], path, sizeof(path));
		if (!dev || stat(dev, &st) == 0)
			continue;
		list_mdevs(mdevs, sizeof(mdevs));
		if (mdevs[0])
			return error_setf(err, ENODEV, "-device %s: sysfsdev=%s: "
					  "no such mdev; the started mdevs are "
					  "%s under " MDEV_DIR, argv[i], dev,
					  mdevs);
		return error_setf(err, ENODEV, "-device %s: sysfsdev=%s: no "
				  "such mdev, and none is started (bind a "
				  "subchannel to vfio_ccw and create one: "
				  "driverctl and mdevctl, docs/daemon.md)",
				  argv[i], dev);
	}
	return 0;
}
