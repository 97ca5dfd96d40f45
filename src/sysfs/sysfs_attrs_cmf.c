/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel measurement of a ccw device, where the kernel has it
 * (drivers/s390/cio/cmf.c): `cmb_enable` on /sys/bus/ccw/devices/<devno>
 * (0 or 1; writing 1 starts measuring from now, 0 stops) and, while it is
 * 1, the directory `cmf` with the extended format's averages. The values
 * come from the subchannel's counters (css.h), taken since cmb_enable
 * became 1:
 *   ssch_rsch_count, sample_count      programs started (each one sample)
 *   avg_function_pending_time          start issued -> the worker began it
 *   avg_device_connect_time            the program ran (device and data)
 *   avg_device_busy_time               start -> final status
 *   avg_utilization                    busy time / time measured
 *   avg_sample_interval                time measured / samples, -1 if none
 *   avg_device_disconnect_time, avg_control_unit_queuing_time,
 *   avg_device_active_only_time, avg_initial_command_response_time  0:
 *   a software device never disconnects or queues
 * Times in nanoseconds, as the kernel shows them. docs/sysfs.md.
 */
#include <errno.h>
#include <stdint.h>

#include "sysfs/sysfs_priv.h"

static int cmb_get(struct sysfs_tree *t, const struct sysfs_node *n,
		   bool *on, struct css_stats *s, uint64_t *elapsed)
{
	return bus_ccw_cmb(t->bus, n->dev, on, s, elapsed) < 0 ? -ENODEV : 0;
}

int sysfs_cmb_enable_show(struct sysfs_tree *t, const struct sysfs_node *n,
			  struct sysfs_buf *b)
{
	struct css_stats s;
	uint64_t el;
	bool on;

	if (cmb_get(t, n, &on, &s, &el) < 0)
		return -ENODEV;
	sysfs_bprintf(b, "%d\n", on);
	return 0;
}

int sysfs_cmb_enable_store(struct sysfs_tree *t, const struct sysfs_node *n,
			   const char *buf, size_t len)
{
	unsigned long v;

	if (sysfs_text_ulong(buf, &v) < 0 || v > 1)
		return -EINVAL;
	return bus_ccw_set_cmb(t->bus, n->dev, v == 1);
}

enum cmf_value {
	CMF_COUNT, CMF_PENDING, CMF_CONNECT, CMF_BUSY, CMF_ZERO,
	CMF_INTERVAL, CMF_UTIL,
};

static int cmf_show(struct sysfs_tree *t, const struct sysfs_node *n,
		    struct sysfs_buf *b, enum cmf_value what)
{
	struct css_stats s;
	uint64_t el, sum = 0;
	bool on;

	if (cmb_get(t, n, &on, &s, &el) < 0 || !on)
		return -ENODEV;
	switch (what) {
	case CMF_COUNT:
		sysfs_bprintf(b, "%llu\n", (unsigned long long)s.programs);
		return 0;
	case CMF_PENDING:
		sum = s.stage_ns[CSS_STAGE_QUEUE];
		break;
	case CMF_CONNECT:
		sum = s.stage_ns[CSS_STAGE_EXECUTE];
		break;
	case CMF_BUSY:
		sum = s.busy_ns;
		break;
	case CMF_ZERO:
		break;
	case CMF_INTERVAL:
		if (!s.programs)
			sysfs_bprintf(b, "-1\n");
		else
			sysfs_bprintf(b, "%llu\n",
				      (unsigned long long)(el / s.programs));
		return 0;
	case CMF_UTIL: {
		/* per mille, shown as the kernel's "%02lu.%01lu%%" */
		uint64_t pm = el >= 1000 ? s.busy_ns / (el / 1000) : 0;

		if (pm > 1000)
			pm = 1000;
		sysfs_bprintf(b, "%02llu.%01llu%%\n",
			      (unsigned long long)(pm / 10),
			      (unsigned long long)(pm % 10));
		return 0;
	}
	}
	sysfs_bprintf(b, "%llu\n", (unsigned long long)(s.programs ?
					sum / s.programs : 0));
	return 0;
}

#define CMF_ATTR(name, what)                                               \
	static int name##_show(struct sysfs_tree *t,                       \
			       const struct sysfs_node *n,                 \
			       struct sysfs_buf *b)                        \
	{                                                                  \
		return cmf_show(t, n, b, what);                            \
	}

CMF_ATTR(count, CMF_COUNT)
CMF_ATTR(pending, CMF_PENDING)
CMF_ATTR(connect, CMF_CONNECT)
CMF_ATTR(busy, CMF_BUSY)
CMF_ATTR(zero, CMF_ZERO)
CMF_ATTR(interval, CMF_INTERVAL)
CMF_ATTR(util, CMF_UTIL)

const struct sysfs_attr sysfs_cmf_attrs[] = {
	{ "avg_control_unit_queuing_time", 0444, zero_show, NULL },
	{ "avg_device_active_only_time", 0444, zero_show, NULL },
	{ "avg_device_busy_time", 0444, busy_show, NULL },
	{ "avg_device_connect_time", 0444, connect_show, NULL },
	{ "avg_device_disconnect_time", 0444, zero_show, NULL },
	{ "avg_function_pending_time", 0444, pending_show, NULL },
	{ "avg_initial_command_response_time", 0444, zero_show, NULL },
	{ "avg_sample_interval", 0444, interval_show, NULL },
	{ "avg_utilization", 0444, util_show, NULL },
	{ "sample_count", 0444, count_show, NULL },
	{ "ssch_rsch_count", 0444, count_show, NULL },
	{ NULL, 0, NULL, NULL },
};
