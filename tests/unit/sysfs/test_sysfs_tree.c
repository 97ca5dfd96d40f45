/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sysfs view without FUSE: layout, link targets (and that they resolve
 * inside the tree), attribute formats and modes, the errno of each write,
 * per-open rendering.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"
#include "sysfs/sysfs.h"

struct tfx {
	struct fx *fx;
	struct sysfs_tree *t;
	char buf[SYSFS_PAGE + 1];
};

static int setup(void **state)
{
	struct tfx *x = calloc(1, sizeof(*x));

	x->fx = fx_new(true);
	bus_probe_all(x->fx->bus);
	x->t = sysfs_tree_new(x->fx->bus);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct tfx *x = *state;

	sysfs_tree_free(x->t);
	fx_free(x->fx);
	free(x);
	return 0;
}

/* Resolve every link like the kernel would; asserts it stays inside. */
static const char *canon(struct sysfs_tree *t, const char *path)
{
	static char out[1024];
	char work[1024], target[256], *comp, *save = NULL;
	int hops = 0;

	snprintf(work, sizeof(work), "%s", path);
again:
	out[0] = '\0';
	for (comp = strtok_r(work, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		struct sysfs_stat st;
		size_t n = strlen(out);

		if (!strcmp(comp, "..")) {
			char *slash = strrchr(out, '/');

			assert_non_null(slash);   /* never above the root */
			*slash = '\0';
			continue;
		}
		snprintf(out + n, sizeof(out) - n, "/%s", comp);
		if (sysfs_lookup(t, out, &st) < 0)
			return NULL;
		if (st.type == SYSFS_LINK) {
			char rest[1024];

			assert_true(sysfs_readlink(t, out, target,
						   sizeof(target)) > 0);
			assert_true(target[0] != '/');
			*strrchr(out, '/') = '\0';
			n = (size_t)snprintf(rest, sizeof(rest), "%s/%s/%s",
					     out, target, save ? save : "");
			assert_true(n < sizeof(rest));
			snprintf(work, sizeof(work), "%s", rest);
			save = NULL;
			assert_true(++hops < 40);
			goto again;
		}
	}
	return out[0] ? out : "/";
}

static const char *rd(struct tfx *x, const char *path)
{
	const char *p = canon(x->t, path);
	ssize_t n;

	assert_non_null(p);
	n = sysfs_read_file(x->t, p, x->buf, sizeof(x->buf));
	if (n < 0)
		fail_msg("read %s: %zd", path, n);
	return x->buf;
}

static ssize_t wr(struct tfx *x, const char *path, const char *text)
{
	const char *p = canon(x->t, path);

	if (!p)
		return -ENOENT;
	return sysfs_write_file(x->t, p, text);
}

/* One write(2) of exactly len bytes (NULs included). */
static ssize_t raw_wr(struct tfx *x, const char *path, const char *data,
		      size_t len)
{
	struct sysfs_file *f;
	ssize_t n;
	int ret = sysfs_open(x->t, canon(x->t, path), O_WRONLY, &f);

	if (ret < 0)
		return ret;
	n = sysfs_write(f, data, len);
	sysfs_close(f);
	return n;
}

static mode_t mode_of(struct tfx *x, const char *path)
{
	struct sysfs_stat st;

	assert_int_equal(sysfs_lookup(x->t, canon(x->t, path), &st), 0);
	return st.mode;
}

static const char *link_of(struct tfx *x, const char *path)
{
	assert_true(sysfs_readlink(x->t, path, x->buf, sizeof(x->buf)) > 0);
	return x->buf;
}

struct names {
	char all[2048];
};

static int collect(const char *name, const struct sysfs_stat *st, void *o)
{
	struct names *n = o;

	strcat(n->all, name);
	strcat(n->all, " ");
	return 0;
}

static const char *ls(struct tfx *x, const char *path)
{
	static struct names n;

	memset(&n, 0, sizeof(n));
	assert_int_equal(sysfs_readdir(x->t, canon(x->t, path), collect, &n), 0);
	return n.all;
}

static void test_layout(void **state)
{
	struct tfx *x = *state;
	struct sysfs_stat st;

	assert_string_equal(ls(x, "/"), "bus class devices kernel module ");
	assert_string_equal(ls(x, "/bus"), "css ccw mdev ");
	assert_string_equal(ls(x, "/bus/css"),
			    "devices drivers drivers_probe ");
	assert_string_equal(ls(x, "/bus/css/drivers"),
			    "io_subchannel vfio_ccw ");
	assert_string_equal(ls(x, "/bus/css/devices"),
			    "0.0.0313 0.0.0314 0.0.0315 0.1.0020 ");
	assert_string_equal(link_of(x, "/bus/css/devices/0.0.0313"),
			    "../../../devices/css0/0.0.0313");
	assert_string_equal(canon(x->t, "/bus/css/devices/0.0.0313"),
			    "/devices/css0/0.0.0313");
	assert_string_equal(ls(x, "/devices/css0"),
			    "uevent chp0.0a chp0.1a chp0.2a chp0.3a 0.0.0313 "
			    "0.0.0314 0.0.0315 0.1.0020 ");
	/* The kernel's attributes, and ccwpass's own ccwpass_device and
	 * ccwpass_stats. */
	assert_string_equal(ls(x, "/devices/css0/0.0.0313"),
			    "ccwpass_device ccwpass_media ccwpass_stats ccwpass_trace chpids "
			    "dev_busid "
			    "driver_override "
			    "modalias pimpampom type uevent subsystem driver "
			    "0.0.2b09 ");
	assert_string_equal(link_of(x, "/devices/css0/0.0.0313/driver"),
			    "../../../bus/css/drivers/io_subchannel");
	assert_string_equal(canon(x->t, "/devices/css0/0.0.0313/subsystem"),
			    "/bus/css");
	assert_string_equal(ls(x, "/module"), "vfio_ccw ");
	assert_string_equal(canon(x->t, "/module/vfio_ccw/drivers/css:vfio_ccw"),
			    "/bus/css/drivers/vfio_ccw");
	assert_string_equal(canon(x->t, "/bus/css/drivers/vfio_ccw/module"),
			    "/module/vfio_ccw");
	assert_string_equal(ls(x, "/class/mdev_bus"), "");
	assert_string_equal(ls(x, "/kernel/iommu_groups"), "");
	assert_int_equal(sysfs_lookup(x->t, "/nosuch", &st), -ENOENT);
	assert_int_equal(sysfs_lookup(x->t, "/bus/css/drivers_probe/x", &st),
			 -ENOTDIR);
	assert_int_equal(sysfs_lookup(x->t, "", &st), 0);
	assert_int_equal(st.type, SYSFS_DIR);
}

static void test_subchannel_attributes(void **state)
{
	struct tfx *x = *state;

	assert_string_equal(rd(x, "/bus/css/devices/0.0.0313/type"), "0\n");
	assert_string_equal(rd(x, "/bus/css/devices/0.0.0313/modalias"),
			    "css:t0\n");
	assert_string_equal(rd(x, "/bus/css/devices/0.0.0313/driver_override"),
			    "(null)\n");
	assert_string_equal(rd(x, "/bus/css/devices/0.0.0313/chpids"),
			    "1a 2a 3a 0a 00 00 00 00 \n");
	assert_string_equal(rd(x, "/bus/css/devices/0.0.0313/pimpampom"),
			    "f0 f0 ff\n");
	/* A DASD has no removable medium to show or change. */
	assert_int_equal(sysfs_read_file(x->t, canon(x->t,
			 "/bus/css/devices/0.0.0313/ccwpass_media"), x->buf,
			 sizeof(x->buf)), -EOPNOTSUPP);
	assert_int_equal(wr(x, "/bus/css/devices/0.0.0313/ccwpass_media",
			    "unload"), -EOPNOTSUPP);
	assert_string_equal(rd(x, "/bus/css/devices/0.0.0313/dev_busid"),
			    "0.0.2b09\n");
	assert_string_equal(rd(x, "/bus/css/devices/0.1.0020/dev_busid"),
			    "0.1.4000\n");
	assert_string_equal(rd(x, "/bus/css/devices/0.0.0313/uevent"),
			    "DRIVER=io_subchannel\nST=0\nMODALIAS=css:t0\n");
	assert_int_equal(mode_of(x, "/bus/css/devices/0.0.0313/driver_override"),
			 0644);
	assert_int_equal(mode_of(x, "/bus/css/devices/0.0.0313/type"), 0444);
	assert_int_equal(mode_of(x, "/bus/css/drivers/vfio_ccw/bind"), 0200);
	assert_int_equal(mode_of(x, "/bus/css/drivers/vfio_ccw/unbind"), 0200);
	assert_int_equal(mode_of(x, "/bus/css/drivers_probe"), 0200);
	{
		struct sysfs_stat st;

		assert_int_equal(sysfs_lookup(x->t, "/bus/css/devices/0.0.0313",
					      &st), 0);
		assert_int_equal(st.type, SYSFS_LINK);
		assert_int_equal(st.mode, 0777);
		assert_int_equal(st.size, strlen("../../../devices/css0/0.0.0313"));
		assert_int_equal(sysfs_lookup(x->t, "/devices/css0/0.0.0313/type",
					      &st), 0);
		assert_int_equal(st.size, SYSFS_PAGE);
	}
}

static void test_open_modes(void **state)
{
	struct tfx *x = *state;
	struct sysfs_file *f;

	assert_int_equal(sysfs_open(x->t, "/bus/css/drivers/vfio_ccw/bind",
				    O_RDONLY, &f), -EACCES);
	assert_int_equal(sysfs_open(x->t, "/bus/css/drivers/vfio_ccw/bind",
				    O_RDWR, &f), -EACCES);
	assert_int_equal(sysfs_open(x->t, "/devices/css0/0.0.0313/type",
				    O_WRONLY, &f), -EACCES);
	assert_int_equal(sysfs_open(x->t, "/devices/css0", O_RDONLY, &f),
			 -EISDIR);
	assert_int_equal(sysfs_open(x->t, "/bus/css/devices/0.0.0313",
				    O_RDONLY, &f), -ELOOP);
	assert_int_equal(sysfs_open(x->t, "/devices/css0/0.0.0313/driver_override",
				    O_RDWR, &f), 0);
	sysfs_close(f);
}

static void test_seed_procedure(void **state)
{
	struct tfx *x = *state;
	const char *sch = "/bus/css/devices/0.0.0313";
	char path[256];

	/* seed 000: the ccw device first */
	assert_string_equal(canon(x->t, "/bus/ccw/devices/0.0.2b09"),
			    "/devices/css0/0.0.0313/0.0.2b09");
	assert_string_equal(rd(x, "/bus/ccw/devices/0.0.2b09/cutype"),
			    "3990/e9\n");
	assert_string_equal(rd(x, "/bus/ccw/devices/0.0.2b09/devtype"),
			    "3390/0c\n");
	assert_string_equal(rd(x, "/bus/ccw/devices/0.0.2b09/online"), "0\n");
	assert_string_equal(rd(x, "/bus/ccw/devices/0.0.2b09/modalias"),
			    "ccw:t3990mE9dt3390dm0C\n");
	assert_int_equal(wr(x, "/bus/ccw/devices/0.0.2b09/driver/unbind",
			    "0.0.2b09\n"), 9);
	assert_null(canon(x->t, "/bus/ccw/devices/0.0.2b09/driver"));
	/* seed 003 */
	assert_int_equal(wr(x, "/bus/css/devices/0.0.0313/driver/unbind",
			    "0.0.0313\n"), 9);
	assert_null(canon(x->t, "/bus/css/devices/0.0.0313/driver"));
	assert_null(canon(x->t, "/bus/ccw/devices/0.0.2b09"));
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/bind", "0.0.0313\n"),
			 9);
	assert_string_equal(canon(x->t, "/bus/css/devices/0.0.0313/driver"),
			    "/bus/css/drivers/vfio_ccw");
	assert_string_equal(ls(x, "/bus/css/drivers/vfio_ccw"),
			    "bind unbind 0.0.0313 module ");
	assert_string_equal(canon(x->t, "/class/mdev_bus/0.0.0313"),
			    "/devices/css0/0.0.0313");
	snprintf(path, sizeof(path), "%s/mdev_supported_types/vfio_ccw-io", sch);
	assert_string_equal(ls(x, path),
			    "available_instances create device_api name devices ");
	strcat(path, "/");
	{
		char p[300];

		snprintf(p, sizeof(p), "%savailable_instances", path);
		assert_string_equal(rd(x, p), "1\n");
		snprintf(p, sizeof(p), "%sdevice_api", path);
		assert_string_equal(rd(x, p), "vfio-ccw\n");
		snprintf(p, sizeof(p), "%sname", path);
		assert_string_equal(rd(x, p), "I/O subchannel (Non-QDIO)\n");
		snprintf(p, sizeof(p), "%screate", path);
		assert_int_equal(mode_of(x, p), 0200);
		assert_int_equal(wr(x, p, FX_UUID1 "\n"), 37);
		snprintf(p, sizeof(p), "%savailable_instances", path);
		assert_string_equal(rd(x, p), "0\n");
		snprintf(p, sizeof(p), "%sdevices/" FX_UUID1, path);
		assert_string_equal(canon(x->t, p),
				    "/devices/css0/0.0.0313/" FX_UUID1);
	}
}

static void make_mdev(struct tfx *x)
{
	assert_int_equal(wr(x, "/bus/css/drivers/io_subchannel/unbind",
			    "0.0.0313"), 8);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/bind", "0.0.0313"),
			 8);
	assert_int_equal(wr(x, "/devices/css0/0.0.0313/mdev_supported_types/"
			    "vfio_ccw-io/create", FX_UUID1), 36);
}

static void test_mdev_links(void **state)
{
	struct tfx *x = *state;
	const char *m = "/bus/mdev/devices/" FX_UUID1;
	char p[256];

	make_mdev(x);
	assert_string_equal(link_of(x, m),
			    "../../../devices/css0/0.0.0313/" FX_UUID1);
	assert_string_equal(canon(x->t, m), "/devices/css0/0.0.0313/" FX_UUID1);
	snprintf(p, sizeof(p), "/devices/css0/0.0.0313/%s", FX_UUID1);
	assert_string_equal(ls(x, p),
			    "ccwpass_holder remove uevent mdev_type driver "
			    "iommu_group subsystem ");
	snprintf(p, sizeof(p), "%s/iommu_group", m);
	assert_string_equal(canon(x->t, p), "/kernel/iommu_groups/0");
	snprintf(p, sizeof(p), "%s/mdev_type", m);
	assert_string_equal(canon(x->t, p),
			    "/devices/css0/0.0.0313/mdev_supported_types/vfio_ccw-io");
	snprintf(p, sizeof(p), "%s/driver", m);
	assert_string_equal(canon(x->t, p), "/bus/mdev/drivers/vfio_ccw_mdev");
	snprintf(p, sizeof(p), "%s/subsystem", m);
	assert_string_equal(canon(x->t, p), "/bus/mdev");
	snprintf(p, sizeof(p), "%s/remove", m);
	assert_int_equal(mode_of(x, p), 0200);
	snprintf(p, sizeof(p), "%s/uevent", m);
	assert_string_equal(rd(x, p), "DRIVER=vfio_ccw_mdev\n");
	assert_int_equal(wr(x, p, "change\n"), 7);
	assert_int_equal(wr(x, p, "chnage\n"), -EINVAL);
	assert_string_equal(ls(x, "/kernel/iommu_groups"), "0 ");
	assert_string_equal(canon(x->t, "/kernel/iommu_groups/0/devices/" FX_UUID1),
			    "/devices/css0/0.0.0313/" FX_UUID1);
	assert_string_equal(ls(x, "/bus/mdev/drivers"), "vfio_ccw_mdev ");
	assert_string_equal(ls(x, "/bus/mdev/drivers/vfio_ccw_mdev"),
			    FX_UUID1 " module ");
	/* QEMU's reads, through the css device link */
	assert_string_equal(link_of(x, "/devices/css0/0.0.0313/" FX_UUID1
				    "/iommu_group"),
			    "../../../../kernel/iommu_groups/0");
	assert_string_equal(rd(x, "/devices/css0/chp0.1a/type"), "1b\n");
	assert_int_equal(wr(x, "/bus/mdev/drivers_probe", FX_UUID1 "\n"), 37);
	assert_int_equal(wr(x, "/bus/mdev/drivers_probe", FX_UUID2), -ENODEV);
}

static void test_mdev_write_errors(void **state)
{
	struct tfx *x = *state;
	const char *create = "/devices/css0/0.0.0313/mdev_supported_types/"
			     "vfio_ccw-io/create";
	const char *remove = "/devices/css0/0.0.0313/" FX_UUID1 "/remove";
	struct sysfs_stat st;

	make_mdev(x);
	assert_int_equal(wr(x, create, "bad-uuid"), -EINVAL);
	assert_int_equal(wr(x, create, "7e270a25-e163-4922-af60-757fc8ed48cX"),
			 -EINVAL);
	assert_int_equal(wr(x, create, FX_UUID1), -EEXIST);
	assert_int_equal(wr(x, create, FX_UUID2), -EUSERS);
	/* remove: garbage, zero, then for real */
	assert_int_equal(wr(x, remove, "abc"), -EINVAL);
	assert_int_equal(wr(x, remove, "-1"), -EINVAL);
	assert_int_equal(wr(x, remove, "0\n"), 2);
	assert_int_equal(sysfs_lookup(x->t, remove, &st), 0);
	assert_int_equal(wr(x, remove, "1\n"), 2);
	assert_int_equal(sysfs_lookup(x->t, remove, &st), -ENOENT);
	assert_string_equal(ls(x, "/bus/mdev/devices"), "");
	assert_string_equal(ls(x, "/kernel/iommu_groups"), "");
	/* an mdev on another parent with the freed group number */
	assert_int_equal(wr(x, create, FX_UUID2 "\n"), 37);
	assert_string_equal(ls(x, "/kernel/iommu_groups"), "0 ");
}

static void test_bind_write_errors(void **state)
{
	struct tfx *x = *state;

	assert_int_equal(wr(x, "/bus/css/drivers/io_subchannel/bind",
			    "0.0.0313\n"), -EBUSY);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/bind", "garbage"),
			 -ENODEV);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/bind",
			    "0.0.0313\n\n"), -ENODEV);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/unbind", "0.0.0313"),
			 -ENODEV);
	assert_int_equal(wr(x, "/bus/css/drivers_probe", "0.0.9999\n"),
			 -ENODEV);
	assert_int_equal(wr(x, "/bus/css/drivers_probe", "0.0.0313\n"), 9);
	/* a QDIO subchannel refuses vfio_ccw */
	assert_int_equal(wr(x, "/bus/css/drivers/io_subchannel/unbind",
			    "0.0.0315"), 8);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/bind", "0.0.0315"),
			 -ENODEV);
	/* a zero-length write stores nothing */
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/bind", ""), 0);
}

static void test_driver_override_writes(void **state)
{
	struct tfx *x = *state;
	const char *ov = "/devices/css0/0.0.0313/driver_override";
	char big[SYSFS_PAGE];

	assert_int_equal(wr(x, ov, "vfio_ccw\n"), 9);
	assert_string_equal(rd(x, ov), "vfio_ccw\n");
	assert_int_equal(wr(x, ov, "a\nb"), 3);   /* cut at the newline */
	assert_string_equal(rd(x, ov), "a\n");
	assert_int_equal(wr(x, ov, "\n"), 1);     /* clears */
	assert_string_equal(rd(x, ov), "(null)\n");
	assert_int_equal(wr(x, ov, "vfio_ccw"), 8);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(wr(x, ov, big), -EINVAL);  /* PAGE_SIZE - 1 bytes */
	assert_string_equal(rd(x, ov), "vfio_ccw\n");
	/* driverctl's sequence */
	assert_int_equal(wr(x, "/devices/css0/0.0.0313/driver/unbind",
			    "0.0.0313\n"), 9);
	assert_int_equal(wr(x, "/bus/css/drivers_probe", "0.0.0313\n"), 9);
	assert_string_equal(canon(x->t, "/devices/css0/0.0.0313/driver"),
			    "/bus/css/drivers/vfio_ccw");
	assert_string_equal(ls(x, "/class/mdev_bus"), "0.0.0313 ");
}

static void test_chp_attributes(void **state)
{
	struct tfx *x = *state;
	const char *st = "/devices/css0/chp0.2a/status";

	assert_string_equal(ls(x, "/devices/css0/chp0.2a"),
			    "chid chid_external cmg configure shared status type "
			    "uevent ");
	assert_string_equal(rd(x, "/devices/css0/chp0.2a/type"), "1b\n");
	assert_string_equal(rd(x, st), "online\n");
	assert_int_equal(mode_of(x, st), 0644);
	assert_int_equal(wr(x, st, "off\n"), 4);
	assert_string_equal(rd(x, st), "offline\n");
	assert_string_equal(rd(x, "/devices/css0/0.0.0313/pimpampom"),
			    "f0 b0 ff\n");
	assert_int_equal(wr(x, st, "bogus"), -EINVAL);
	/* the kernel's sscanf converts blanks to an empty word: -EINVAL */
	assert_int_equal(wr(x, st, "   "), -EINVAL);
	assert_int_equal(wr(x, st, "\n"), -EINVAL);   /* echo > status */
	assert_string_equal(rd(x, st), "offline\n");
	assert_int_equal(raw_wr(x, st, "\0on", 3), 3); /* empty: no-op */
	assert_string_equal(rd(x, st), "offline\n");
	assert_int_equal(wr(x, st, "\xa0on\n"), 4);   /* 0xa0 is blank */
	assert_string_equal(rd(x, st), "online\n");
	assert_int_equal(wr(x, st, "offline junk"), 12); /* first word */
	assert_string_equal(rd(x, st), "offline\n");
	assert_int_equal(wr(x, st, "  ONLINE\n"), 9);
	assert_string_equal(rd(x, st), "online\n");
	assert_int_equal(wr(x, st, "0"), 1);
	assert_string_equal(rd(x, st), "offline\n");
	assert_int_equal(wr(x, st, "1"), 1);
	assert_string_equal(rd(x, "/devices/css0/0.0.0313/pimpampom"),
			    "f0 f0 ff\n");
	assert_string_equal(rd(x, "/devices/css0/chp0.2a/cmg"), "unknown\n");
}

static void test_render_per_open(void **state)
{
	struct tfx *x = *state;
	struct sysfs_file *f;
	char b[64];

	assert_int_equal(sysfs_open(x->t, "/devices/css0/0.0.0313/pimpampom",
				    O_RDONLY, &f), 0);
	assert_int_equal(sysfs_read(f, b, 3, 0), 3);
	assert_int_equal(bus_chp_vary(x->fx->bus, 0x1a, false), 0);
	assert_int_equal(sysfs_read(f, b, sizeof(b), 3), 6);
	b[6] = '\0';
	assert_string_equal(b, "f0 ff\n");            /* the old rendering */
	assert_int_equal(sysfs_read(f, b, sizeof(b), 9), 0);
	assert_int_equal(sysfs_read(f, b, sizeof(b), 0), 9);
	b[9] = '\0';
	assert_string_equal(b, "f0 70 ff\n");         /* re-read: new */
	sysfs_close(f);
}

static void test_stale_object(void **state)
{
	struct tfx *x = *state;
	struct sysfs_file *f;
	char b[16];

	make_mdev(x);
	assert_int_equal(sysfs_open(x->t, "/devices/css0/0.0.0313/"
				    "mdev_supported_types/vfio_ccw-io/"
				    "available_instances", O_RDONLY, &f), 0);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/unbind", "0.0.0313"),
			 8);
	assert_int_equal(sysfs_read(f, b, sizeof(b), 0), 2);   /* rendered */
	assert_int_equal(sysfs_read(f, b, sizeof(b), 0), -ENODEV);
	sysfs_close(f);
	assert_null(canon(x->t, "/devices/css0/0.0.0313/mdev_supported_types"));
	assert_string_equal(ls(x, "/class/mdev_bus"), "");
	assert_string_equal(ls(x, "/bus/mdev/devices"), "");
}

/*
 * Files opened on an object that was replaced by one of the same name (the
 * mdev removed and created again, the parent unbound and bound again) act
 * on nothing: -ENODEV, as on the kernel's stale kernfs nodes.
 */
static void test_stale_generation(void **state)
{
	struct tfx *x = *state;
	const char *type = "/devices/css0/0.0.0313/mdev_supported_types/"
			   "vfio_ccw-io/";
	const char *mdev = "/devices/css0/0.0.0313/" FX_UUID1 "/";
	struct sysfs_file *create, *remove, *uev, *avail;
	char path[256], b[64];

	make_mdev(x);
	snprintf(path, sizeof(path), "%screate", type);
	assert_int_equal(sysfs_open(x->t, path, O_WRONLY, &create), 0);
	snprintf(path, sizeof(path), "%savailable_instances", type);
	assert_int_equal(sysfs_open(x->t, path, O_RDONLY, &avail), 0);
	snprintf(path, sizeof(path), "%sremove", mdev);
	assert_int_equal(sysfs_open(x->t, path, O_WRONLY, &remove), 0);
	snprintf(path, sizeof(path), "%suevent", mdev);
	assert_int_equal(sysfs_open(x->t, path, O_RDONLY, &uev), 0);
	/* mdevctl stop + start: the same UUID, another mdev */
	assert_int_equal(wr(x, "/bus/mdev/devices/" FX_UUID1 "/remove", "1"), 1);
	snprintf(path, sizeof(path), "%screate", type);
	assert_int_equal(wr(x, path, FX_UUID1), 36);
	assert_int_equal(sysfs_write(remove, "1", 1), -ENODEV);
	assert_int_equal(sysfs_read(uev, b, sizeof(b), 0), 21);  /* rendered */
	assert_int_equal(sysfs_read(uev, b, sizeof(b), 0), -ENODEV);
	assert_string_equal(ls(x, "/bus/mdev/devices"), FX_UUID1 " ");
	/* the parent unbound and bound again */
	assert_int_equal(wr(x, "/bus/mdev/devices/" FX_UUID1 "/remove", "1"), 1);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/unbind", "0.0.0313"),
			 8);
	assert_int_equal(wr(x, "/bus/css/drivers/vfio_ccw/bind", "0.0.0313"),
			 8);
	assert_int_equal(sysfs_write(create, FX_UUID2, 36), -ENODEV);
	assert_int_equal(sysfs_read(avail, b, sizeof(b), 0), 2);
	assert_int_equal(sysfs_read(avail, b, sizeof(b), 0), -ENODEV);
	assert_string_equal(ls(x, "/bus/mdev/devices"), "");
	assert_int_equal(wr(x, path, FX_UUID2), 36);   /* a fresh open works */
	sysfs_close(create);
	sysfs_close(remove);
	sysfs_close(uev);
	sysfs_close(avail);
}

/* uevent stores: kobject_synth_uevent's syntax, and objects that went. */
static void test_uevent_writes(void **state)
{
	struct tfx *x = *state;
	const char *sch = "/devices/css0/0.0.0313/uevent";
	struct sysfs_file *ccw, *mdev;

	assert_int_equal(wr(x, sch, "change\n"), 7);
	assert_int_equal(wr(x, sch, "add " FX_UUID1 " ACTION2=x\n"), 51);
	assert_int_equal(wr(x, sch, "garbage\n"), -EINVAL);
	assert_int_equal(wr(x, sch, "\n"), -EINVAL);
	assert_int_equal(wr(x, "/devices/css0/uevent", "add"), 3);
	assert_int_equal(wr(x, "/devices/css0/chp0.1a/uevent", "bogus"), -EINVAL);
	assert_int_equal(sysfs_open(x->t, "/devices/css0/0.0.0313/0.0.2b09/uevent",
				    O_WRONLY, &ccw), 0);
	assert_int_equal(sysfs_write(ccw, "change", 6), 6);
	make_mdev(x);   /* unbinds io_subchannel: the ccw device goes */
	assert_int_equal(sysfs_write(ccw, "change", 6), -ENODEV);
	sysfs_close(ccw);
	assert_int_equal(sysfs_open(x->t, "/devices/css0/0.0.0313/" FX_UUID1
				    "/uevent", O_WRONLY, &mdev), 0);
	assert_int_equal(sysfs_write(mdev, "add", 3), 3);
	assert_int_equal(wr(x, "/bus/mdev/devices/" FX_UUID1 "/remove", "1"), 1);
	assert_int_equal(sysfs_write(mdev, "add", 3), -ENODEV);
	sysfs_close(mdev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_layout),
		T(test_subchannel_attributes),
		T(test_open_modes),
		T(test_seed_procedure),
		T(test_mdev_links),
		T(test_mdev_write_errors),
		T(test_bind_write_errors),
		T(test_driver_override_writes),
		T(test_chp_attributes),
		T(test_render_per_open),
		T(test_stale_object),
		T(test_uevent_writes),
		T(test_stale_generation),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
