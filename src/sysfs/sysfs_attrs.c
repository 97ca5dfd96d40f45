/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attributes of subchannels, channel paths, ccw devices, buses, drivers and
 * modules, with the kernel's formats and errnos:
 * drivers/s390/cio/css.c (type "%01x", modalias "css:t%01X",
 * driver_override, chpids eight "%02x " + newline, pimpampom
 * "%02x %02x %02x", dev_busid, the ST/MODALIAS uevent variables),
 * drivers/s390/cio/chp.c (status "online"/"offline", written "on"/"off"/
 * "1"/"0" as the kernel's sscanf "%5s" + strncasecmp; type "%x";
 * cmg/shared "unknown"),
 * drivers/s390/cio/device.c (cutype/devtype "%04x/%02x", online,
 * availability, the ccw modalias), drivers/base/bus.c (bind, unbind,
 * drivers_probe), drivers/base/driver.c (driver_set_override).
 */
#include "sysfs/sysfs_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "css/css_device.h"

static enum bus_kind kind_of(const struct sysfs_node *n)
{
	return n->bus == SB_CCW ? BUS_CCW : BUS_CSS;
}

/* Attributes of an object that went away read as the kernel's -ENODEV. */
static struct bus_sch_info *sch_get(struct sysfs_tree *t,
				    const struct sysfs_node *n, int *err)
{
	struct bus_sch_info *s = malloc(sizeof(*s));

	*err = -ENOMEM;
	if (!s)
		return NULL;
	if (bus_sch_info(t->bus, n->sch, s) < 0) {
		free(s);
		*err = -ENODEV;
		return NULL;
	}
	return s;
}

#define WITH_SCH(t, n, s)                       \
	int err_;                               \
	struct bus_sch_info *s = sch_get(t, n, &err_); \
	if (!s)                                 \
		return err_

/* ---- subchannel ---- */

static int sch_type_show(struct sysfs_tree *t, const struct sysfs_node *n,
			 struct sysfs_buf *b)
{
	WITH_SCH(t, n, s);
	sysfs_bprintf(b, "%01x\n", s->st);
	free(s);
	return 0;
}

static int sch_modalias_show(struct sysfs_tree *t, const struct sysfs_node *n,
			     struct sysfs_buf *b)
{
	WITH_SCH(t, n, s);
	sysfs_bprintf(b, "css:t%01X\n", s->st);
	free(s);
	return 0;
}

static int sch_override_show(struct sysfs_tree *t, const struct sysfs_node *n,
			     struct sysfs_buf *b)
{
	WITH_SCH(t, n, s);
	sysfs_bprintf(b, "%s\n", s->has_override ? s->override : "(null)");
	free(s);
	return 0;
}

static int sch_override_store(struct sysfs_tree *t, const struct sysfs_node *n,
			      const char *buf, size_t len)
{
	char *value, *nl;
	int ret;

	if (len >= SYSFS_PAGE - 1)
		return -EINVAL;
	value = strdup(buf);
	if (!value)
		return -ENOMEM;
	nl = strchr(value, '\n');
	if (nl)
		*nl = '\0';
	ret = bus_set_override(t->bus, n->sch, value[0] ? value : NULL);
	free(value);
	return ret;
}

static int sch_chpids_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	WITH_SCH(t, n, s);
	for (int i = 0; i < 8; i++)
		sysfs_bprintf(b, "%02x ", s->pim & (0x80 >> i) ? s->chpids[i] : 0);
	sysfs_bprintf(b, "\n");
	free(s);
	return 0;
}

static int sch_pimpampom_show(struct sysfs_tree *t, const struct sysfs_node *n,
			      struct sysfs_buf *b)
{
	WITH_SCH(t, n, s);
	sysfs_bprintf(b, "%02x %02x %02x\n", s->pim, s->pam, s->pom);
	free(s);
	return 0;
}

static int sch_dev_busid_show(struct sysfs_tree *t, const struct sysfs_node *n,
			      struct sysfs_buf *b)
{
	WITH_SCH(t, n, s);
	sysfs_bprintf(b, "%s\n", s->dev_busid);
	free(s);
	return 0;
}

static int sch_uevent_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	WITH_SCH(t, n, s);
	if (s->driver[0])
		sysfs_bprintf(b, "DRIVER=%s\n", s->driver);
	sysfs_bprintf(b, "ST=%01X\nMODALIAS=css:t%01X\n", s->st, s->st);
	free(s);
	return 0;
}

/*
 * Writing uevent asks for a synthetic event (drivers/base/core.c
 * uevent_store): a malformed request is -EINVAL; a valid one has no udev
 * to tell here.
 */
static int uevent_store(struct sysfs_tree *t, const struct sysfs_node *n,
			const char *buf, size_t len)
{
	return sysfs_text_uevent(buf, len);
}

static int empty_show(struct sysfs_tree *t, const struct sysfs_node *n,
		      struct sysfs_buf *b)
{
	return 0;
}

/*
 * ccwpass's own: what the subchannel's device is - model, identity, its
 * volume's image, format, size, volser, read-only, cache mode (css_device.h
 * struct css_device_desc). One "name value" per line, for `ccwpass
 * status`. Not in the kernel's sysfs.
 */
static int sch_device_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	struct css_device_desc d;
	int ret = bus_sch_describe(t->bus, n->sch, &d);

	if (ret == -ENOENT)
		return -ENODEV;
	if (ret < 0)
		return 0;
	sysfs_bprintf(b, "model %s\nuid %s\n", d.model, d.uid);
	if (!d.image[0])
		return 0;
	sysfs_bprintf(b, "image %s\nformat %s\ncylinders %u\nheads %u\n"
		      "capacity %llu\nfile_size %llu\nfile_alloc %llu\n"
		      "volser %s\nreadonly %d\ncache %s\n", d.image, d.format,
		      d.cyls, d.heads, (unsigned long long)d.capacity,
		      (unsigned long long)d.file_size,
		      (unsigned long long)d.file_alloc, d.volser, d.readonly,
		      d.cache);
	return 0;
}

/*
 * ccwpass's own: the trace of a vfio_ccw subchannel's guest channel
 * programs (docs/vfio-ccw.md "Tracing"), switched while it runs. Reads
 * "off" or "on PATH WRITTEN MAX"; takes "off", or "on PATH [MAX]" with an
 * absolute PATH and MAX bytes (default TRACE_DEFAULT_MAX; 0: no bound).
 */
#define TRACE_DEFAULT_MAX (64ull << 20)

static int sch_trace_show(struct sysfs_tree *t, const struct sysfs_node *n,
			  struct sysfs_buf *b)
{
	char line[4200];

	if (bus_sch_trace_state(t->bus, n->sch, line, sizeof(line)) < 0)
		return -ENODEV;
	sysfs_bprintf(b, "%s", line);
	return 0;
}

static int sch_trace_store(struct sysfs_tree *t, const struct sysfs_node *n,
			   const char *buf, size_t len)
{
	char req[4200], *word, *path, *max, *extra, *end, *save = NULL;
	struct error err = { 0 };
	unsigned long long m = TRACE_DEFAULT_MAX;
	int ret;

	if (len >= sizeof(req) || memchr(buf, '\0', len))
		return -EINVAL;
	memcpy(req, buf, len);
	req[len] = '\0';
	word = strtok_r(req, " \t\n", &save);
	path = strtok_r(NULL, " \t\n", &save);
	max = strtok_r(NULL, " \t\n", &save);
	extra = strtok_r(NULL, " \t\n", &save);
	if (!word || extra)
		return -EINVAL;
	if (!strcmp(word, "off") && !path)
		ret = bus_sch_trace(t->bus, n->sch, NULL, 0, &err);
	else if (!strcmp(word, "on") && path && path[0] == '/') {
		if (max) {
			errno = 0;
			m = strtoull(max, &end, 10);
			if (errno || *end || max[0] == '-')
				return -EINVAL;
		}
		ret = bus_sch_trace(t->bus, n->sch, path, m, &err);
	} else {
		return -EINVAL;
	}
	if (ret == -ENOENT)
		return -ENODEV;
	if (ret < 0 && err.msg[0])
		log_msg(LOG_WARNING, "sch %s: ccwpass_trace: %s", n->sch,
			err.msg);
	return ret;
}

/*
 * ccwpass's own: the removable medium of the subchannel's device (a tape
 * drive's tape; docs/tape.md "Loading and unloading"). Reads "PATH rw",
 * "PATH ro" or "none"; takes "load PATH", "load-ro PATH" (write-protected)
 * or "unload", PATH absolute, the rest of the line (blanks allowed).
 * EOPNOTSUPP for a device without one; the device's errno (EBUSY: a tape
 * is in; ENOMEDIUM: none is; ENOENT, EACCES, ... from the file).
 */
static int sch_media_show(struct sysfs_tree *t, const struct sysfs_node *n,
			  struct sysfs_buf *b)
{
	struct css_device_desc d;
	int ret = bus_sch_describe(t->bus, n->sch, &d);

	if (ret == -ENOENT)
		return -ENODEV;
	if (ret < 0 || !d.removable)
		return -EOPNOTSUPP;
	if (!d.image[0])
		sysfs_bprintf(b, "none\n");
	else
		sysfs_bprintf(b, "%s %s\n", d.image, d.readonly ? "ro" : "rw");
	return 0;
}

static int sch_media_store(struct sysfs_tree *t, const struct sysfs_node *n,
			   const char *buf, size_t len)
{
	char req[4200], *path;
	struct error err = { 0 };
	bool ro = false;
	int ret;

	if (len >= sizeof(req) || memchr(buf, '\0', len))
		return -EINVAL;
	memcpy(req, buf, len);
	req[len] = '\0';
	if (len && req[len - 1] == '\n')
		req[--len] = '\0';
	if (!strcmp(req, "unload")) {
		path = NULL;
	} else if (!strncmp(req, "load ", 5)) {
		path = req + 5;
	} else if (!strncmp(req, "load-ro ", 8)) {
		path = req + 8;
		ro = true;
	} else {
		return -EINVAL;
	}
	if (path && (path[0] != '/' || strchr(path, '\n')))
		return -EINVAL;
	ret = bus_sch_media(t->bus, n->sch, path, ro, &err);
	if (ret == -ENOENT && !err.msg[0])
		return -ENODEV;
	if (ret < 0 && err.msg[0])
		log_msg(LOG_WARNING, "sch %s: ccwpass_media: %s", n->sch,
			err.msg);
	return ret;
}

/*
 * ccwpass's own: what the subchannel did and where its programs' time
 * went (css.h "measurement"; docs/performance.md). One "name value" per
 * line; stages as "stage_<name>_ns <sum> <max>". Not in the kernel's
 * sysfs: no tool of the kernel's reads it.
 */
static int sch_stats_show(struct sysfs_tree *t, const struct sysfs_node *n,
			  struct sysfs_buf *b)
{
	struct css_stats s;

	if (bus_sch_stats(t->bus, n->sch, &s) < 0)
		return -ENODEV;
	sysfs_bprintf(b, "programs %llu\nunit_checks %llu\nbytes_read %llu\n"
		      "bytes_written %llu\nbusy_ns %llu\n",
		      (unsigned long long)s.programs,
		      (unsigned long long)s.unit_checks,
		      (unsigned long long)s.bytes_read,
		      (unsigned long long)s.bytes_written,
		      (unsigned long long)s.busy_ns);
	for (int i = 0; i < CSS_STAGES; i++)
		sysfs_bprintf(b, "stage_%s_ns %llu %llu\n", css_stage_name(i),
			      (unsigned long long)s.stage_ns[i],
			      (unsigned long long)s.stage_max_ns[i]);
	return 0;
}

const struct sysfs_attr sysfs_sch_attrs[] = {
	{ "ccwpass_device", 0444, sch_device_show, NULL },
	{ "ccwpass_media", 0644, sch_media_show, sch_media_store },
	{ "ccwpass_stats", 0444, sch_stats_show, NULL },
	{ "ccwpass_trace", 0644, sch_trace_show, sch_trace_store },
	{ "chpids", 0444, sch_chpids_show, NULL },
	{ "dev_busid", 0444, sch_dev_busid_show, NULL },
	{ "driver_override", 0644, sch_override_show, sch_override_store },
	{ "modalias", 0444, sch_modalias_show, NULL },
	{ "pimpampom", 0444, sch_pimpampom_show, NULL },
	{ "type", 0444, sch_type_show, NULL },
	{ "uevent", 0644, sch_uevent_show, uevent_store },
	{ NULL, 0, NULL, NULL },
};

const struct sysfs_attr sysfs_css0_attrs[] = {
	{ "uevent", 0644, empty_show, uevent_store },
	{ NULL, 0, NULL, NULL },
};

/* ---- channel paths ---- */

static int chp_get(struct sysfs_tree *t, const struct sysfs_node *n,
		   struct bus_chp_info *c)
{
	return bus_chp_info(t->bus, n->chpid, c) < 0 ? -ENODEV : 0;
}

static int chp_status_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	struct bus_chp_info c;
	int ret = chp_get(t, n, &c);

	if (ret == 0)
		sysfs_bprintf(b, "%s\n", c.online ? "online" : "offline");
	return ret;
}

static int chp_status_store(struct sysfs_tree *t, const struct sysfs_node *n,
			    const char *buf, size_t len)
{
	char cmd[6];

	/* Only an empty store is a no-op: blanks scan as an empty word. */
	if (sysfs_text_word(buf, cmd, sizeof(cmd)) < 0)
		return 0;
	if (!strncasecmp(cmd, "on", 2) || !strcmp(cmd, "1"))
		return bus_chp_vary(t->bus, n->chpid, true);
	if (!strncasecmp(cmd, "off", 3) || !strcmp(cmd, "0"))
		return bus_chp_vary(t->bus, n->chpid, false);
	return -EINVAL;
}

static int chp_configure_show(struct sysfs_tree *t, const struct sysfs_node *n,
			      struct sysfs_buf *b)
{
	struct bus_chp_info c;
	int ret = chp_get(t, n, &c);

	if (ret == 0)
		sysfs_bprintf(b, "1\n");  /* configured */
	return ret;
}

static int chp_type_show(struct sysfs_tree *t, const struct sysfs_node *n,
			 struct sysfs_buf *b)
{
	struct bus_chp_info c;
	int ret = chp_get(t, n, &c);

	if (ret == 0)
		sysfs_bprintf(b, "%x\n", c.type);
	return ret;
}

static int unknown_show(struct sysfs_tree *t, const struct sysfs_node *n,
			struct sysfs_buf *b)
{
	sysfs_bprintf(b, "unknown\n");
	return 0;
}

const struct sysfs_attr sysfs_chp_attrs[] = {
	{ "chid", 0444, empty_show, NULL },
	{ "chid_external", 0444, empty_show, NULL },
	{ "cmg", 0444, unknown_show, NULL },
	{ "configure", 0444, chp_configure_show, NULL },
	{ "shared", 0444, unknown_show, NULL },
	{ "status", 0644, chp_status_show, chp_status_store },
	{ "type", 0444, chp_type_show, NULL },
	{ "uevent", 0644, empty_show, uevent_store },
	{ NULL, 0, NULL, NULL },
};

/* ---- buses and drivers ---- */

static int drivers_probe_store(struct sysfs_tree *t, const struct sysfs_node *n,
			       const char *buf, size_t len)
{
	char name[BUS_UUID_SIZE];
	struct bus_mdev_info m;

	if (sysfs_text_name(buf, name, sizeof(name)) < 0)
		return -ENODEV;
	if (n->bus == SB_MDEV)   /* every mdev has its driver */
		return bus_mdev_info(t->bus, name, &m) < 0 ? -ENODEV : 0;
	return bus_drivers_probe(t->bus, kind_of(n), name);
}

static int bind_store(struct sysfs_tree *t, const struct sysfs_node *n,
		      const char *buf, size_t len)
{
	char name[CSS_BUSID_STRLEN];

	if (sysfs_text_name(buf, name, sizeof(name)) < 0)
		return -ENODEV;
	return bus_bind(t->bus, kind_of(n), n->drv, name);
}

static int unbind_store(struct sysfs_tree *t, const struct sysfs_node *n,
			const char *buf, size_t len)
{
	char name[CSS_BUSID_STRLEN];

	if (sysfs_text_name(buf, name, sizeof(name)) < 0)
		return -ENODEV;
	return bus_unbind(t->bus, kind_of(n), n->drv, name);
}

const struct sysfs_attr sysfs_bus_attrs[] = {
	{ "drivers_probe", 0200, NULL, drivers_probe_store },
	{ NULL, 0, NULL, NULL },
};

const struct sysfs_attr sysfs_driver_attrs[] = {
	{ "bind", 0200, NULL, bind_store },
	{ "unbind", 0200, NULL, unbind_store },
	{ NULL, 0, NULL, NULL },
};

static int initstate_show(struct sysfs_tree *t, const struct sysfs_node *n,
			  struct sysfs_buf *b)
{
	sysfs_bprintf(b, "live\n");
	return 0;
}

const struct sysfs_attr sysfs_module_attrs[] = {
	{ "initstate", 0444, initstate_show, NULL },
	{ NULL, 0, NULL, NULL },
};

/* ---- ccw devices ---- */

static struct bus_sch_info *ccw_get(struct sysfs_tree *t,
				    const struct sysfs_node *n, int *err)
{
	struct bus_sch_info *s = sch_get(t, n, err);

	if (s && (!s->ccwdev || strcmp(s->dev_busid, n->dev))) {
		free(s);
		*err = -ENODEV;
		return NULL;
	}
	return s;
}

#define WITH_CCW(t, n, s)                       \
	int err_;                               \
	struct bus_sch_info *s = ccw_get(t, n, &err_); \
	if (!s)                                 \
		return err_

static int ccw_cutype_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	WITH_CCW(t, n, s);
	sysfs_bprintf(b, "%04x/%02x\n", s->cu_type, s->cu_model);
	free(s);
	return 0;
}

static int ccw_devtype_show(struct sysfs_tree *t, const struct sysfs_node *n,
			    struct sysfs_buf *b)
{
	WITH_CCW(t, n, s);
	if (s->dev_type)
		sysfs_bprintf(b, "%04x/%02x\n", s->dev_type, s->dev_model);
	else
		sysfs_bprintf(b, "n/a\n");
	free(s);
	return 0;
}

static void ccw_alias(struct sysfs_buf *b, const struct bus_sch_info *s)
{
	sysfs_bprintf(b, "ccw:t%04Xm%02X", s->cu_type, s->cu_model);
	if (s->dev_type)
		sysfs_bprintf(b, "dt%04Xdm%02X", s->dev_type, s->dev_model);
	else
		sysfs_bprintf(b, "dtdm");
}

static int ccw_modalias_show(struct sysfs_tree *t, const struct sysfs_node *n,
			     struct sysfs_buf *b)
{
	WITH_CCW(t, n, s);
	ccw_alias(b, s);
	sysfs_bprintf(b, "\n");
	free(s);
	return 0;
}

static int ccw_uevent_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	WITH_CCW(t, n, s);
	if (s->ccw_driver[0])
		sysfs_bprintf(b, "DRIVER=%s\n", s->ccw_driver);
	sysfs_bprintf(b, "CU_TYPE=%04X\nCU_MODEL=%02X\n", s->cu_type,
		      s->cu_model);
	sysfs_bprintf(b, "DEV_TYPE=%04X\nDEV_MODEL=%02X\nMODALIAS=",
		      s->dev_type, s->dev_model);
	ccw_alias(b, s);
	sysfs_bprintf(b, "\n");
	free(s);
	return 0;
}

/* The host never sets its ccw devices online: they are for passthrough. */
static int ccw_online_show(struct sysfs_tree *t, const struct sysfs_node *n,
			   struct sysfs_buf *b)
{
	WITH_CCW(t, n, s);
	sysfs_bprintf(b, "0\n");
	free(s);
	return 0;
}

static int ccw_availability_show(struct sysfs_tree *t,
				 const struct sysfs_node *n,
				 struct sysfs_buf *b)
{
	WITH_CCW(t, n, s);
	sysfs_bprintf(b, "%s\n", s->pam & s->pom ? "good" : "no path");
	free(s);
	return 0;
}

/* The ccw device may have gone (io_subchannel unbound): -ENODEV first. */
static int ccw_uevent_store(struct sysfs_tree *t, const struct sysfs_node *n,
			    const char *buf, size_t len)
{
	WITH_CCW(t, n, s);
	free(s);
	return sysfs_text_uevent(buf, len);
}

const struct sysfs_attr sysfs_ccwdev_attrs[] = {
	{ "availability", 0444, ccw_availability_show, NULL },
	{ "cmb_enable", 0644, sysfs_cmb_enable_show, sysfs_cmb_enable_store },
	{ "cutype", 0444, ccw_cutype_show, NULL },
	{ "devtype", 0444, ccw_devtype_show, NULL },
	{ "modalias", 0444, ccw_modalias_show, NULL },
	{ "online", 0444, ccw_online_show, NULL },
	{ "uevent", 0644, ccw_uevent_show, ccw_uevent_store },
	{ NULL, 0, NULL, NULL },
};
