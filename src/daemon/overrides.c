/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Saved driverctl overrides (driverctl 0.111: `echo "$drv" >
 * /etc/driverctl.d/$bus-$dev`; its udev rule runs `driverctl --nosave
 * load-override` on the add event, which writes driver_override).
 */
#include "daemon/overrides.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

struct apply_ctx {
	struct bus *bus;
	const char *etc;
	char names[256][CSS_BUSID_STRLEN];
	int n;
};

static void collect(const struct bus_sch_info *s, void *opaque)
{
	struct apply_ctx *c = opaque;

	if (c->n < 256)
		memcpy(c->names[c->n++], s->name, CSS_BUSID_STRLEN);
}

static int read_override(const char *path, char *drv, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	if (!fgets(drv, (int)size, f))
		drv[0] = '\0';
	fclose(f);
	n = strcspn(drv, "\r\n");
	drv[n] = '\0';
	return 0;
}

int overrides_apply_one(struct bus *bus, const char *etc_dir,
			const char *sch)
{
	char path[PATH_MAX], drv[256];

	snprintf(path, sizeof(path), "%s/driverctl.d/css-%s", etc_dir, sch);
	if (read_override(path, drv, sizeof(drv)) < 0 || !drv[0])
		return 0;
	if (bus_set_override(bus, sch, drv) < 0)
		return 0;
	log_msg(LOG_NOTICE, "sch %s: driver_override %s (from %s)", sch, drv,
		path);
	return 1;
}

int overrides_apply(struct bus *bus, const char *etc_dir)
{
	static struct apply_ctx c;
	int applied = 0;

	memset(&c, 0, sizeof(c));
	c.bus = bus;
	bus_for_each_sch(bus, collect, &c);
	for (int i = 0; i < c.n; i++)
		applied += overrides_apply_one(bus, etc_dir, c.names[i]);
	return applied;
}
