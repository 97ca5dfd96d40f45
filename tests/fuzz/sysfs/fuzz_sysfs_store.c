/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: sequences of sysfs stores (arbitrary bytes) and reads
 * against the view over a live driver core with a fake vfio_ccw (the unit
 * tests' fixture). Besides not crashing, the driver core's books must stay
 * balanced: instances + mdevs = max on every parent, every mdev in a group
 * of its own, every bound io_subchannel with its ccw device.
 *
 * Input: records of [op][target][len][len bytes]; op 4 takes len * 17
 * bytes (up to 4335: past a page, the most one store gets).
 */
#include <assert.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../fuzz_log.h"
#include "bus_fixture.h"
#include "log_quiet.h"
#include "sysfs/sysfs.h"

static const char *const writable[] = {
	"/bus/css/drivers/io_subchannel/bind",
	"/bus/css/drivers/io_subchannel/unbind",
	"/bus/css/drivers/vfio_ccw/bind",
	"/bus/css/drivers/vfio_ccw/unbind",
	"/bus/css/drivers_probe",
	"/bus/ccw/drivers/dasd-eckd/bind",
	"/bus/ccw/drivers/dasd-eckd/unbind",
	"/bus/ccw/drivers_probe",
	"/bus/mdev/drivers_probe",
	"/devices/css0/0.0.0313/driver_override",
	"/devices/css0/0.0.0314/driver_override",
	"/devices/css0/0.0.0315/driver_override",
	"/devices/css0/0.0.0313/mdev_supported_types/vfio_ccw-io/create",
	"/devices/css0/0.0.0314/mdev_supported_types/vfio_ccw-io/create",
	"/devices/css0/0.1.0020/mdev_supported_types/vfio_ccw-io/create",
	"/devices/css0/0.0.0313/" FX_UUID1 "/remove",
	"/devices/css0/0.0.0314/" FX_UUID2 "/remove",
	"/devices/css0/0.0.0313/" FX_UUID2 "/remove",
	"/devices/css0/chp0.1a/status",
	"/devices/css0/chp0.2a/status",
	"/devices/css0/0.0.0313/uevent",
	"/devices/css0/0.0.0313/0.0.2b09/uevent",
	"/devices/css0/0.0.0313/" FX_UUID1 "/uevent",
	"/devices/css0/0.0.0313/driver_override",
	"/devices/css0/0.0.0313/ccwpass_trace",
	"/devices/css0/0.0.0313/0.0.2b09/cmb_enable",
};

/* Names the fuzzer would hardly guess, offered as whole values. */
static const char *const values[] = {
	"0.0.0313", "0.0.0314\n", "0.0.0315", "0.1.0020", "0.0.2b09",
	"vfio_ccw\n", "io_subchannel", FX_UUID1, FX_UUID2 "\n", FX_UUID3,
	"1", "0", "off", "on\n", "", "change\n", "add " FX_UUID1 " A=1\n",
	"\n", "on /nonexistent/x.trace 100", "on rel 5", "off\n",
};

static const char *const readable[] = {
	"/devices/css0/0.0.0313/driver_override",
	"/devices/css0/0.0.0313/pimpampom",
	"/devices/css0/0.0.0313/chpids",
	"/devices/css0/0.0.0313/uevent",
	"/devices/css0/0.0.0313/mdev_supported_types/vfio_ccw-io/available_instances",
	"/devices/css0/0.0.0313/0.0.2b09/uevent",
	"/devices/css0/0.0.0313/" FX_UUID1 "/uevent",
	"/devices/css0/chp0.2a/status",
	"/devices/css0/0.0.0313/ccwpass_trace",
	"/devices/css0/0.0.0313/ccwpass_device",
	"/devices/css0/0.0.0313/ccwpass_stats",
	"/devices/css0/0.0.0313/0.0.2b09/cmb_enable",
	"/devices/css0/0.0.0313/0.0.2b09/cmf/avg_utilization",
	"/devices/css0/0.0.0313/0.0.2b09/cmf/avg_sample_interval",
};

static const char *const dirs[] = {
	"/", "/bus/css/devices", "/bus/mdev/devices", "/kernel/iommu_groups",
	"/devices/css0/0.0.0313", "/class/mdev_bus", "/bus/ccw/devices",
	"/module/vfio_ccw/drivers", "/bus/css/drivers/vfio_ccw",
	"/devices/css0/0.0.0313/0.0.2b09/cmf",
};

static int count(const char *name, const struct sysfs_stat *st, void *o)
{
	(*(int *)o)++;
	return 0;
}

struct books {
	struct bus *bus;
	unsigned int groups[64];
	int ngroups;
};

static void check_sch(const struct bus_sch_info *s, void *opaque)
{
	if (s->mtype)
		assert(s->available + s->nmdevs == s->mtype->max_instances);
	else
		assert(s->nmdevs == 0);
	assert(!strcmp(s->driver, "io_subchannel") == s->ccwdev);
}

static void check_mdev(const struct bus_mdev_info *m, void *opaque)
{
	struct books *b = opaque;

	for (int i = 0; i < b->ngroups; i++)
		assert(b->groups[i] != m->group);
	if (b->ngroups < 64)
		b->groups[b->ngroups++] = m->group;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fx *fx;
	struct sysfs_tree *t;
	struct books books = { 0 };
	char buf[SYSFS_PAGE + 1];
	size_t pos = 0;

	fuzz_log_reset();
	log_quiet();
	fx = fx_new(true);
	t = sysfs_tree_new(fx->bus);
	bus_probe_all(fx->bus);
	while (pos + 3 <= size) {
		uint8_t op = data[pos], target = data[pos + 1];
		size_t len = data[pos + 2];
		const char *path;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		if (op % 5 == 4) {
			len = (size_t)data[pos - 1] * 17;
			if (len > size - pos)
				len = size - pos;
		}
		switch (op % 5) {
		case 0:     /* raw bytes into an attribute */
		case 4: {   /* ... up to more than a page */
			struct sysfs_file *f;

			path = writable[target % (sizeof(writable) / sizeof(*writable))];
			if (sysfs_open(t, path, O_WRONLY, &f) == 0) {
				ssize_t n = sysfs_write(f, (const char *)data + pos,
							len);

				assert(n < 0 || (size_t)n == (len < SYSFS_PAGE ?
							      len : SYSFS_PAGE));
				sysfs_close(f);
			}
			pos += len;
			break;
		}
		case 1:     /* a meaningful value */
			path = writable[target % (sizeof(writable) / sizeof(*writable))];
			sysfs_write_file(t, path, values[len % (sizeof(values) /
							       sizeof(*values))]);
			break;
		case 2:
			path = readable[target % (sizeof(readable) / sizeof(*readable))];
			sysfs_read_file(t, path, buf, sizeof(buf));
			break;
		case 3: {
			int n = 0;

			path = dirs[target % (sizeof(dirs) / sizeof(*dirs))];
			sysfs_readdir(t, path, count, &n);
			break;
		}
		}
	}
	books.bus = fx->bus;
	bus_for_each_sch(fx->bus, check_sch, &books);
	bus_for_each_mdev(fx->bus, check_mdev, &books);
	sysfs_tree_free(t);
	fx_free(fx);
	return 0;
}
