/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From the inventory to what the guest reads: host_build() makes the
 * channel subsystem and 3390s an inventory describes, and Read
 * Configuration Data through START / TEST SUBCHANNEL shows each device's
 * identity (research note eckd-dasd-protocol.md, "RCD layout": uid =
 * vendor.serial.ssid.unit-address, unique per device).
 *
 * - the default inventory's device (0.0.0313 / 0.0.2b09): the full 256-byte
 *   RCD reply, byte for byte;
 * - several devices: every uid differs, is the one inventory_identity()
 *   (whose uniqueness the parser checks) names, and serial, ssid, unit
 *   address, device and control-unit model set in the inventory show up
 *   in RCD;
 * - a base with three HyperPAV aliases (alias-of): one LCU, the aliases'
 *   RCD (subsystem NEQ type 03, the base's serial), one unit address
 *   configuration for all, Prefix announced there only;
 * - `create` makes the file format `format` names (CCKD64 by default;
 *   FBA: plain by default, or CFBA).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"
#include "daemon/host.h"
#include "image/ckd_image.h"
#include "image/fba_image.h"
#include "inventory/inventory.h"

#define MEMSZ    0x10000u
#define CCW_AT   0x100u
#define DATA_AT  0x1000u
#define OK_STAT  (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

static struct inventory inv;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ccwpass-invhost-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct css *build(void)
{
	struct host_options opt = { .css_flags = CSS_F_SYNC };
	struct error err = { 0 };
	struct css *css = host_build(&inv, &opt, &err);

	if (!css)
		fail_msg("host_build: %s", err.msg);
	return css;
}

/*
 * On the path lpm: a command with count bytes in or out at DATA_AT, after
 * a PSF with param (12 bytes) when param is not NULL. out gets the data.
 */
static void run_cmd(struct css *css, const char *schid, uint8_t lpm,
		    const uint8_t *param, uint8_t cmd, uint16_t count,
		    uint8_t *out)
{
	struct css_ccw psf = { .cmd = 0x27, .flags = CCW_FLAG_CC, .count = 12,
			       .cda = DATA_AT - 0x100 };
	struct css_ccw ccw = { .cmd = cmd, .count = count, .cda = DATA_AT };
	struct css_orb orb = {
		.intparm = 0xc0ffee, .lpm = lpm, .cpa = CCW_AT,
		.ctrl0 = ORB_CTRL0_FMT,
	};
	uint8_t *mem = calloc(1, MEMSZ);
	struct css_subchannel *sch;
	struct css_flatmem fm;
	struct css_schib schib;
	struct css_busid id;
	struct css_irb irb;

	assert_non_null(mem);
	assert_int_equal(css_busid_parse(schid, &id), 0);
	sch = css_find_subchannel(css, id);
	assert_non_null(sch);
	assert_int_equal(css_stsch(sch, &schib), 0);
	schib.pmcw.flags |= PMCW_FLAGS_ENA | PMCW_FLAGS_MP;
	schib.pmcw.lpm = schib.pmcw.pam;
	assert_int_equal(css_msch(sch, &schib), 0);
	if (param) {
		memcpy(mem + psf.cda, param, 12);
		css_ccw_store(&psf, mem + CCW_AT);
		css_ccw_store(&ccw, mem + CCW_AT + 8);
	} else {
		css_ccw_store(&ccw, mem + CCW_AT);
	}
	css_flatmem_init(&fm, mem, MEMSZ);
	assert_int_equal(css_ssch(sch, &orb, &fm.mem), 0);
	assert_int_equal(css_tsch(sch, &irb), 0);
	assert_int_equal(irb.scsw.dstat, OK_STAT);
	assert_int_equal(irb.scsw.cstat, 0);
	assert_int_equal(irb.scsw.count, 0);
	memcpy(out, mem + DATA_AT, count);
	free(mem);
}

/* Read Configuration Data (256 bytes, no SLI) on the path lpm. */
static void rcd(struct css *css, const char *schid, uint8_t lpm,
		uint8_t out[256])
{
	run_cmd(css, schid, lpm, NULL, 0xfa, 256, out);
}

/* PSF Prepare for Read Subsystem Data (suborder so) + RSSD. */
static void prssd(struct css *css, const char *schid, uint8_t so,
		  uint16_t count, uint8_t *out)
{
	uint8_t psf[12] = { 0x18 };

	psf[6] = so;
	run_cmd(css, schid, 0x80, psf, 0x3e, count, out);
}

/* The default inventory's 3390-9 (devno 0.0.2b09: ssid 002b, ua 09). */
static void test_default_device_rcd(void **state)
{
	static const uint8_t want[256] = {
		/* 0: device NED - NED + serial valid, device, DASD */
		0xd0, 0x01, 0x01, 0x00,
		0xf0, 0xf0, 0xf3, 0xf3, 0xf9, 0xf0,      /* type "003390" */
		0xf0, 0xf0, 0xc5,                        /* model "00E" */
		0xc9, 0xc2, 0xd4,                        /* "IBM" */
		0xe9, 0xe9,                              /* plant "ZZ" */
		0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,      /* "000000002B09" */
		0xf0, 0xf0, 0xf2, 0xc2, 0xf0, 0xf9,
		0x2b, 0x09,                              /* LSS, unit address */
		/* 32: control unit NED */
		0xd0, 0x02, 0x01, 0x00,
		0xf0, 0xf0, 0xf3, 0xf9, 0xf9, 0xf0,      /* type "003990" */
		0xf0, 0xc5, 0xf9,                        /* model "0E9" */
		0xc9, 0xc2, 0xd4,
		0xe9, 0xe9,
		0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,
		0xf0, 0xf0, 0xf2, 0xc2, 0xf0, 0xf9,
		0x00, 0x00,
		/* 64-223: records 2-6 unused (no SNEQ: a base device) */
		[224] = 0x80, 0x00,                      /* general NEQ */
		0x00, 0x00,                              /* interface id: path 0 */
		0x00, 0x00,
		0x1e, 0x00,                              /* timeout 30 s */
		0x00, 0x2b,                              /* subsystem id */
		0x80, 0x09,                              /* path/cluster, ua */
		0x09, 0x09,                              /* physical device id, addr */
		0x00, 0x00, 0x00,                        /* storage adapter 0 */
		0x80, 0x80,                              /* protocol, NEQ format */
		0x09,                                    /* logical device address */
	};
	uint8_t b[256], other[256];
	struct error err = { 0 };
	struct css *css;

	(void)state;
	assert_int_equal(inventory_default(&inv, dir, &err), 0);
	/* An unformatted volume is enough to ask the device who it is. */
	inv.schs[0].create = INV_CREATE_BLANK;
	css = build();
	rcd(css, "0.0.0313", 0x80, b);                  /* CHPID 1a */
	assert_memory_equal(b, want, sizeof(want));
	/* On the fourth path (CHPID 0a) only the interface differs. */
	rcd(css, "0.0.0313", 0x10, other);
	assert_memory_equal(other, want, 224);
	assert_int_equal(ld_be16(other + 226), 3);
	assert_int_equal(other[238], 3);
	assert_memory_equal(other + 239, want + 239, 256 - 239);
	css_free(css);
}

struct uid {
	uint8_t serial[12];
	uint16_t ssid;
	uint8_t ua;
};

static struct uid uid_of(const uint8_t b[256])
{
	struct uid u;

	memcpy(u.serial, b + 18, 12);
	u.ssid = ld_be16(b + 232);
	u.ua = b[31];
	/* The device NED, the CU NED and the NEQ agree with each other. */
	assert_memory_equal(b + 32 + 18, u.serial, 12);
	assert_int_equal(b[30], (uint8_t)u.ssid);
	assert_int_equal(b[235], u.ua);
	assert_int_equal(b[243], u.ua);
	return u;
}

static void ebcdic_is(const uint8_t *b, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		uint8_t e = c >= '0' && c <= '9' ? (uint8_t)(0xf0 + c - '0') :
			    c >= 'A' && c <= 'I' ? (uint8_t)(0xc1 + c - 'A') :
			    c >= 'J' && c <= 'R' ? (uint8_t)(0xd1 + c - 'J') :
						   (uint8_t)(0xe2 + c - 'S');

		if (b[i] != e)
			fail_msg("byte %zu: %02x, want '%c'", i, b[i], c);
	}
}

static void test_devices_have_unique_identity(void **state)
{
	static const char text[] =
		"[subchannel 0.0.0313]\n"
		"devno = 0.0.2b09\nchpids = 1a 2a\n"
		"device = 3390-1\ncylinders = 1\nimage = a.cckd\ncreate = blank\n"
		"[subchannel 0.0.0314]\n"        /* next unit address */
		"devno = 0.0.2b0a\nchpids = 1a 2a\n"
		"device = 3390-1\ncylinders = 1\nimage = b.cckd\ncreate = blank\n"
		"[subchannel 0.0.0315]\n"        /* same low byte */
		"devno = 0.0.3b09\nchpids = 1a 2a\n"
		"device = 3390-1\ncylinders = 1\nimage = c.cckd\ncreate = blank\n"
		"[subchannel 0.0.0316]\n"        /* everything set */
		"devno = 0.0.4000\nchpids = 2a\n"
		"device = 3390-1\ncylinders = 1\nimage = d.cckd\ncreate = blank\n"
		"ssid = 0100\nunit-address = 07\nserial = ZZ00000000A1\n"
		"device-model = 0c\ncu-model = e2\n";
	static const char *const schs[4] = {
		"0.0.0313", "0.0.0314", "0.0.0315", "0.0.0316",
	};
	uint8_t b[4][256];
	struct uid u[4];
	struct error err = { 0 };
	struct css *css;

	(void)state;
	if (inventory_parse(&inv, text, "two.conf", dir, &err))
		fail_msg("%s", err.msg);
	css = build();
	for (int i = 0; i < 4; i++) {
		char want[13];
		uint16_t ssid;
		uint8_t ua;

		rcd(css, schs[i], i == 3 ? 0x80 : 0x40, b[i]);
		u[i] = uid_of(b[i]);
		/* The identity the parser checks for uniqueness is the one the
		 * host gives the device. */
		inventory_identity(&inv, &inv.schs[i], &ssid, &ua, want);
		assert_int_equal(u[i].ssid, ssid);
		assert_int_equal(u[i].ua, ua);
		ebcdic_is(u[i].serial, want);
		assert_int_equal(strlen(want), 12);
	}
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			if (!memcmp(&u[i].serial, &u[j].serial, 12) &&
			    u[i].ssid == u[j].ssid && u[i].ua == u[j].ua)
				fail_msg("%s and %s have the same uid", schs[i],
					 schs[j]);
	/* Derived from the device number: ssid = high byte, ua = low. */
	ebcdic_is(b[0] + 18, "000000002B09");
	assert_int_equal(u[0].ssid, 0x002b);
	assert_int_equal(u[0].ua, 0x09);
	ebcdic_is(b[1] + 18, "000000002B0A");
	assert_int_equal(u[1].ua, 0x0a);
	ebcdic_is(b[2] + 18, "000000003B09");
	assert_int_equal(u[2].ssid, 0x003b);
	/* As the inventory says. */
	ebcdic_is(b[3] + 18, "ZZ00000000A1");
	assert_int_equal(u[3].ssid, 0x0100);
	assert_int_equal(u[3].ua, 0x07);
	assert_int_equal(b[3][30], 0x00);               /* LSS = ssid & ff */
	ebcdic_is(b[3] + 10, "00C");                    /* device model */
	ebcdic_is(b[3] + 32 + 10, "0E2");               /* CU model */
	ebcdic_is(b[0] + 10, "00E");
	css_free(css);
}

/*
 * A base with three HyperPAV aliases (alias-of), next to a device of its
 * own: the aliases are subchannels with the base's device identification,
 * in the base's LCU (its serial and ssid) at their own unit addresses,
 * with the subsystem NEQ of a HyperPAV alias; every member answers the
 * same unit address configuration; Prefix is announced in that LCU only.
 * The base keeps the uid it has without aliases.
 */
static void test_base_and_aliases(void **state)
{
	static const char text[] =
		"[subchannel 0.0.0313]\n"
		"devno = 0.0.2b09\nchpids = 1a 2a 3a 0a\npim = f0\n"
		"device = 3390-1\ncylinders = 1\nimage = a.cckd\ncreate = blank\n"
		"[subchannel 0.0.0314]\ndevno = 0.0.2b0a\nchpids = 1a 2a 3a 0a\n"
		"alias-of = 0.0.0313\n"
		"[subchannel 0.0.0315]\ndevno = 0.0.2b0b\nchpids = 1a 2a 3a 0a\n"
		"alias-of = 0.0.0313\n"
		"[subchannel 0.0.0316]\ndevno = 0.0.2b0c\nchpids = 1a 2a 3a 0a\n"
		"alias-of = 0.0.0313\n"
		"[subchannel 0.0.0317]\n"       /* no aliases */
		"devno = 0.0.2c01\nchpids = 1a\n"
		"device = 3390-1\ncylinders = 1\nimage = b.cckd\ncreate = blank\n";
	static const char *const schs[4] = {
		"0.0.0313", "0.0.0314", "0.0.0315", "0.0.0316",
	};
	uint8_t b[256], uac[4][512], feat[256];
	struct error err = { 0 };
	struct css_subchannel *sch;
	struct css_busid id;
	struct css *css;

	(void)state;
	if (inventory_parse(&inv, text, "pav.conf", dir, &err))
		fail_msg("%s", err.msg);
	css = build();
	for (int i = 0; i < 4; i++) {
		struct uid u;

		assert_int_equal(css_busid_parse(schs[i], &id), 0);
		sch = css_find_subchannel(css, id);
		assert_non_null(sch);
		assert_int_equal(css_sch_device(sch)->dev_type, 0x3390);
		assert_int_equal(css_sch_device(sch)->cu_type, 0x3990);
		rcd(css, schs[i], 0x40, b);
		u = uid_of(b);
		ebcdic_is(u.serial, "000000002B09");
		assert_int_equal(u.ssid, 0x002b);
		assert_int_equal(u.ua, 0x09 + i);
		assert_int_equal(b[160], 0x40);             /* SNEQ */
		assert_int_equal(b[168], i ? 0x03 : 0x01);
		prssd(css, schs[i], 0x0e, 512, uac[i]);
		prssd(css, schs[i], 0x41, 256, feat);
		assert_int_equal(feat[8], 0x01);        /* Prefix */
	}
	for (int i = 1; i < 4; i++)
		assert_memory_equal(uac[0], uac[i], 512);
	for (int ua = 0; ua < 256; ua++) {
		assert_int_equal(uac[0][2 * ua], ua == 0x09 ? 0x01 :
				 ua >= 0x0a && ua <= 0x0c ? 0x03 : 0x00);
		assert_int_equal(uac[0][2 * ua + 1], 0x00);
	}
	/* The device without aliases: no SNEQ, itself only; the same
	 * feature codes (Prefix, Read / Write Track Data). */
	rcd(css, "0.0.0317", 0x80, b);
	assert_int_equal(b[160], 0x00);
	ebcdic_is(b + 18, "000000002C01");
	prssd(css, "0.0.0317", 0x41, 256, feat);
	assert_int_equal(feat[8], 0x01);
	assert_int_equal(feat[9], 0x20);
	assert_int_equal(feat[12], 0x40);
	prssd(css, "0.0.0317", 0x0e, 512, uac[0]);
	for (int i = 0; i < 512; i++)
		assert_int_equal(uac[0][i], i == 2 * 0x01 ? 0x01 : 0x00);
	css_free(css);
}

/* `create` makes the file format `format` names, CCKD64 by default. */
static void test_created_formats(void **state)
{
	static const char text[] =
		"[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\n"
		"device = 3390-9\ncylinders = 2\nimage = a.img\ncreate = cdl\n"
		"[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\n"
		"device = 3390-9\ncylinders = 2\nimage = b.img\ncreate = cdl\n"
		"format = cckd\n"
		"[subchannel 0.0.0003]\ndevno = 0.0.0003\nchpids = 1a\n"
		"device = 3390-9\ncylinders = 2\nimage = c.img\ncreate = blank\n"
		"format = plain\n"
		"[subchannel 0.0.0004]\ndevno = 0.0.0004\nchpids = 1a\n"
		"device = 3390-9\ncylinders = 2\nimage = d.img\ncreate = blank\n"
		"format = cckd64\n";
	static const enum ckd_image_format want[4] = {
		CKD_IMAGE_CCKD64, CKD_IMAGE_CCKD, CKD_IMAGE_PLAIN,
		CKD_IMAGE_CCKD64,
	};
	struct error err = { 0 };
	struct css *css;

	(void)state;
	if (inventory_parse(&inv, text, "formats.conf", dir, &err))
		fail_msg("%s", err.msg);
	css = build();
	css_free(css);
	for (int i = 0; i < 4; i++) {
		struct ckd_image *img = ckd_image_open(inv.schs[i].image,
						       CKD_OPEN_RDONLY, &err);

		if (!img)
			fail_msg("%s", err.msg);
		assert_int_equal(ckd_image_format(img), want[i]);
		assert_int_equal(ckd_image_geometry(img)->cyls, 2);
		ckd_image_close(img);
	}
}

/* An FBA volume `create` makes: plain by default, CFBA with format =
   cfba; the device describes which. */
static void test_created_fba_formats(void **state)
{
	static const char text[] =
		"[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\n"
		"device = 9336\nblocks = 1000\nimage = a.fba\ncreate = blank\n"
		"[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\n"
		"device = 9336\nblocks = 1000\nimage = b.cfba\ncreate = blank\n"
		"format = cfba\n";
	static const enum fba_image_format want[2] = {
		FBA_IMAGE_PLAIN, FBA_IMAGE_CFBA,
	};
	static const char *const desc[2] = { "fba", "cfba" };
	struct error err = { 0 };
	struct css *css;

	(void)state;
	if (inventory_parse(&inv, text, "fba.conf", dir, &err))
		fail_msg("%s", err.msg);
	css = build();
	for (int i = 0; i < 2; i++) {
		struct css_device_desc d;
		struct css_subchannel *sch =
			css_find_subchannel(css, inv.schs[i].schid);
		struct css_device *dev;

		assert_non_null(sch);
		dev = css_sch_device(sch);
		assert_int_equal(dev->dev_type, 0x9336);
		dev->ops->describe(dev, &d);
		assert_string_equal(d.format, desc[i]);
	}
	css_free(css);
	for (int i = 0; i < 2; i++) {
		struct fba_image *img = fba_image_open(inv.schs[i].image, true,
						       &err);

		if (!img)
			fail_msg("%s", err.msg);
		assert_int_equal(fba_image_format(img), want[i]);
		assert_int_equal(fba_image_blocks(img), 1000);
		fba_image_close(img);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_device_rcd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_devices_have_unique_identity,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_and_aliases, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_created_formats, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_created_fba_formats, setup,
						teardown),
	};

	log_set_level(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
