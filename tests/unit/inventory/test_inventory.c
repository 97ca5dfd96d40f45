/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inventory parser: the built-in default, the shipped etc/inventory.conf
 * (CCWPASS_ETC_INVENTORY, set by meson) against it, every key, and
 * rejected lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inventory/inventory.h"

static struct inventory inv;

static void test_default_mirrors_seed(void **state)
{
	struct error err = { 0 };
	const struct inv_sch *s;

	assert_int_equal(inventory_default(&inv, "/var/lib/ccwpass", &err), 0);
	assert_int_equal(inv.nschs, 1);
	s = &inv.schs[0];
	assert_int_equal(s->schid.cssid, 0);
	assert_int_equal(s->schid.ssid, 0);
	assert_int_equal(s->schid.num, 0x0313);
	assert_int_equal(s->devno.num, 0x2b09);
	assert_memory_equal(s->chpids, ((uint8_t[8]){ 0x1a, 0x2a, 0x3a, 0x0a }), 8);
	assert_int_equal(s->pim, 0xf0);
	assert_int_equal(s->pam, 0xf0);
	assert_int_equal(s->pom, 0xff);
	assert_string_equal(s->model, "3390-9");
	assert_string_equal(s->volser, "0X2B09");
	assert_string_equal(s->image, "/var/lib/ccwpass/0X2B09.cckd");
	assert_int_equal(s->create, INV_CREATE_CDL);
	assert_int_equal(s->format, INV_FORMAT_CCKD64);
	assert_false(s->readonly);
	/* The four paths exist implicitly, as FICON channels. */
	assert_int_equal(inv.nchps, 4);
	for (unsigned int i = 0; i < inv.nchps; i++)
		assert_int_equal(inv.chps[i].type, 0x1b);
}

/* The shipped etc/inventory.conf describes exactly the built-in default. */
static void test_shipped_file_is_default(void **state)
{
	static struct inventory dflt;
	char dir[4096], *slash;
	struct error err = { 0 };

	(void)state;
	snprintf(dir, sizeof(dir), "%s", CCWPASS_ETC_INVENTORY);
	slash = strrchr(dir, '/');
	assert_non_null(slash);
	*slash = '\0';
	if (inventory_load(&inv, CCWPASS_ETC_INVENTORY, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(inventory_default(&dflt, dir, &err), 0);

	assert_int_equal(inv.nschs, 1);
	assert_int_equal(inv.nschs, dflt.nschs);
	for (unsigned int i = 0; i < inv.nschs; i++) {
		const struct inv_sch *f = &inv.schs[i], *d = &dflt.schs[i];

		assert_true(css_busid_eq(f->schid, d->schid));
		assert_true(css_busid_eq(f->devno, d->devno));
		assert_memory_equal(f->chpids, d->chpids, 8);
		assert_int_equal(f->pim, d->pim);
		assert_int_equal(f->pam, d->pam);
		assert_int_equal(f->pom, d->pom);
		assert_string_equal(f->model, d->model);
		assert_int_equal(f->cyls, d->cyls);
		assert_string_equal(f->image, d->image);
		assert_int_equal(f->readonly, d->readonly);
		assert_string_equal(f->volser, d->volser);
		assert_int_equal(f->create, d->create);
		assert_int_equal(f->format, d->format);
		assert_int_equal(f->dev_model, d->dev_model);
		assert_int_equal(f->cu_model, d->cu_model);
		assert_int_equal(f->ssid, d->ssid);
		assert_int_equal(f->unit_addr, d->unit_addr);
		assert_string_equal(f->serial, d->serial);
	}
	assert_int_equal(inv.nchps, dflt.nchps);
	for (unsigned int i = 0; i < inv.nchps; i++) {
		assert_int_equal(inv.chps[i].chpid, dflt.chps[i].chpid);
		assert_int_equal(inv.chps[i].type, dflt.chps[i].type);
	}

	/* And both are the seed's host (docs/inventory.md). */
	assert_int_equal(inv.schs[0].schid.num, 0x0313);
	assert_int_equal(inv.schs[0].devno.num, 0x2b09);
	assert_int_equal(inv.schs[0].devno.cssid | inv.schs[0].devno.ssid, 0);
	assert_memory_equal(inv.schs[0].chpids,
			    ((uint8_t[8]){ 0x1a, 0x2a, 0x3a, 0x0a }), 8);
	assert_int_equal(inv.schs[0].pim, 0xf0);
	assert_int_equal(inv.schs[0].pam, 0xf0);
	assert_int_equal(inv.schs[0].pom, 0xff);
	assert_string_equal(inv.schs[0].model, "3390-9");
	assert_string_equal(inv.schs[0].volser, "0X2B09");
	assert_int_equal(inv.schs[0].create, INV_CREATE_CDL);
	assert_int_equal(inv.nchps, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(inv.chps[i].chpid, inv.schs[0].chpids[i]);
		assert_int_equal(inv.chps[i].type, 0x1b);     /* FICON */
	}
	strcat(dir, "/0X2B09.cckd");
	assert_string_equal(inv.schs[0].image, dir);
}

static void test_all_keys(void **state)
{
	static const char text[] =
		"# two DASDs\n"
		"[chpid 40]\n"
		"type = 0x11   # something else\n"
		"\n"
		"[subchannel 0.1.0001]\n"
		"  devno = 0.1.1234\n"
		"  chpids = 40,41\n"
		"  device = 3390-1\n"
		"  cylinders = 20\n"
		"  image = /abs/a.img\n"
		"  readonly = yes\n"
		"  device-model = 0c\n"
		"  cu-model = e9\n"
		"  ssid = 0100\n"
		"  unit-address = 07\n"
		"  serial = ZZ00000000A1\n"
		"[subchannel 0.1.0002]\n"
		"devno = 0.1.1235\n"
		"chpids = 40\n"
		"device = 3390-3\n"
		"image = b.cckd\n"
		"create = blank\n"
		"format = cckd\n"
		"cache = writeback\n"
		"flush-interval = 250ms\n"
		"[subchannel 0.1.0003]\n"
		"devno = 0.1.1236\n"
		"chpids = 40\n"
		"device = 3390-3\n"
		"image = c.ckd\n"
		"create = cdl\n"
		"format = plain\n"
		"cache = writeback\n"
		"flush-interval = 5\n";
	struct error err = { 0 };
	const struct inv_sch *a, *b;

	assert_int_equal(inventory_parse(&inv, text, "t.conf", "/etc/x", &err), 0);
	assert_int_equal(inv.nschs, 3);
	a = &inv.schs[0];
	b = &inv.schs[1];
	assert_int_equal(a->format, INV_FORMAT_CCKD64);     /* default */
	assert_int_equal(b->format, INV_FORMAT_CCKD);
	assert_int_equal(inv.schs[2].format, INV_FORMAT_PLAIN);
	assert_int_equal(a->cache, INV_CACHE_WRITETHROUGH);  /* default */
	assert_int_equal(a->flush_ms, INV_FLUSH_MS_DEFAULT);
	assert_int_equal(b->cache, INV_CACHE_WRITEBACK);
	assert_int_equal(b->flush_ms, 250);
	assert_int_equal(inv.schs[2].flush_ms, 5000);
	assert_int_equal(a->schid.ssid, 1);
	assert_int_equal(a->pim, 0xc0);     /* derived from two chpids */
	assert_int_equal(a->pam, 0xc0);
	assert_int_equal(a->pom, 0xff);
	assert_int_equal(a->cyls, 20);
	assert_true(a->readonly);
	assert_int_equal(a->dev_model, 0x0c);
	assert_int_equal(a->cu_model, 0xe9);
	assert_int_equal(a->ssid, 0x100);
	assert_int_equal(a->unit_addr, 7);
	assert_string_equal(a->serial, "ZZ00000000A1");
	assert_string_equal(b->image, "/etc/x/b.cckd");
	assert_int_equal(b->create, INV_CREATE_BLANK);
	assert_string_equal(b->volser, "0X1235");  /* default for created volumes */
	assert_int_equal(b->dev_model, -1);
	assert_int_equal(inv.nchps, 2);
	assert_int_equal(inv.chps[0].chpid, 0x40);
	assert_int_equal(inv.chps[0].type, 0x11);
	assert_int_equal(inv.chps[1].chpid, 0x41);
	assert_int_equal(inv.chps[1].type, 0x1b);
}

/* A base at unit address 01 (lines 1-5), an alias of it (from line 6). */
#define BASE1 "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\n" \
	      "device = 3390-1\nimage = a\n"
#define ALIAS2 "[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\n" \
	       "alias-of = 0.0.0001\n"

struct bad_case {
	const char *text;
	const char *expect;   /* substring of the message, after "bad.conf:" */
};

static const struct bad_case bad_cases[] = {
	{ "devno = 0.0.0001\n", "1: 'devno' outside a section" },
	{ "[disk 0.0.0001]\n", "1: unknown section kind 'disk'" },
	{ "[subchannel 0.0.313]\n", "1: subchannel id '0.0.313' is not of the form" },
	{ "[subchannel 0.0.0313\n", "1: malformed section header" },
	{ "[subchannel]\n", "1: section header needs exactly a kind and an id" },
	{ "[chpid 1ff]\n", "1: chpid '1ff' is not a hex byte" },
	{ "[chpid 1a]\ntype = 1b\n[chpid 1a]\n", "3: chpid 1a already defined at line 1" },
	{ "[chpid 1a]\ncolour = red\n", "2: unknown key 'colour' in [chpid]" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\ndevno = 0.0.0002\n",
	  "3: 'devno' given twice" },
	{ "[subchannel 0.0.0001]\npim = fg\n", "2: pim: 'fg' is not a hex byte" },
	{ "[subchannel 0.0.0001]\nchpids = 1 2 3 4 5 6 7 8 9\n", "2: chpids: more than 8" },
	{ "[subchannel 0.0.0001]\nchpids = ,\n", "2: chpids: at least one" },
	{ "[subchannel 0.0.0001]\ndevice = 3380-K\n", "2: device '3380-K' is not a known model" },
	{ "[subchannel 0.0.0001]\nvolser = toolong7\n", "2: volser: 'toolong7' must be 1 to 6" },
	{ "[subchannel 0.0.0001]\nvolser = ab\n", "2: volser: 'ab' may hold only" },
	{ "[subchannel 0.0.0001]\ncreate = maybe\n", "2: create: 'maybe' is not" },
	{ "[subchannel 0.0.0001]\nreadonly = perhaps\n", "2: readonly: 'perhaps' is not yes or no" },
	{ "[subchannel 0.0.0001]\nformat = qcow2\n", "2: format: 'qcow2' is not cckd64, cckd or plain" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "format = cckd\n", "1: subchannel 0.0.0001: format only applies to a volume create makes" },
	{ "[subchannel 0.0.0001]\ncache = none\n", "2: cache: 'none' is not writethrough or writeback" },
	{ "[subchannel 0.0.0001]\nflush-interval = 5ms\n", "2: flush-interval: '5ms' is not a time from 10ms to 3600s" },
	{ "[subchannel 0.0.0001]\nflush-interval = 2h\n", "2: flush-interval: '2h' is not a time" },
	{ "[subchannel 0.0.0001]\nflush-interval = 3601\n", "2: flush-interval: '3601' is not a time" },
	{ "[subchannel 0.0.0001]\nflush-interval = -1\n", "2: flush-interval: '-1' is not a time" },
	{ "[subchannel 0.0.0001]\nflush-interval = s\n", "2: flush-interval: 's' is not a time" },
	{ "[subchannel 0.0.0001]\nflush-interval = 99999999999999999999\n", "2: flush-interval: '99999999999999999999' is not a time" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "flush-interval = 2s\n", "1: subchannel 0.0.0001: flush-interval only applies to cache = writeback" },
	{ "[subchannel 0.0.0001]\ncylinders = -3\n", "2: cylinders: '-3'" },
	{ "[subchannel 0.0.0001]\nimage =\n", "2: 'image' has no value" },
	{ "[subchannel 0.0.0001]\njust words\n", "2: expected 'key = value'" },
	{ "[subchannel 0.0.0001]\nchpids = 1a\ndevice = 3390-1\nimage = a\n",
	  "1: subchannel 0.0.0001: devno is missing" },
	{ "[subchannel 0.0.0001]\ndevno = 0.1.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n",
	  "1: subchannel 0.0.0001: devno must be in the same css" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\ndevice = 3390-1\nimage = a\n",
	  "1: subchannel 0.0.0001: chpids is missing" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\nimage = a\n",
	  "1: subchannel 0.0.0001: device is missing" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\n",
	  "1: subchannel 0.0.0001: image is missing" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\npim = c0\n",
	  "1: subchannel 0.0.0001: pim c0 names paths without a chpid" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "readonly = yes\ncreate = cdl\n", "1: subchannel 0.0.0001: a readonly image cannot be created" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "[subchannel 0.0.0001]\n", "6: subchannel 0.0.0001 already defined at line 1" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "[subchannel 0.0.0002]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = b\n",
	  "6: subchannel 0.0.0002: devno already used by the subchannel at line 1" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\ndevice = 3390-1\nimage = a\n",
	  "6: subchannel 0.0.0002: image /d/a already used" },
	/* Two devices with one uid (IBM.ZZ<serial>.<ssid>.<ua>). */
	{ "[subchannel 0.0.0001]\ndevno = 0.0.2b09\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "[subchannel 1.0.0001]\ndevno = 1.0.2b09\nchpids = 1a\ndevice = 3390-1\nimage = b\n",
	  "6: subchannel 1.0.0001: device identity (ssid, unit-address, serial) already used "
	  "by the subchannel at line 1" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "ssid = 0100\nunit-address = 07\n"
	  "[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\ndevice = 3390-1\nimage = b\n"
	  "ssid = 100\nunit-address = 7\n",
	  "8: subchannel 0.0.0002: device identity" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 3390-1\nimage = a\n"
	  "[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\ndevice = 3390-1\nimage = b\n"
	  "ssid = 0000\nunit-address = 01\n",
	  "6: subchannel 0.0.0002: device identity" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 00 00\ndevice = 3390-1\nimage = a\n",
	  "1: subchannel 0.0.0001: chpids names no channel path (00 marks an unused path position)" },
	{ "# nothing\n", "bad.conf: no [subchannel] defined" },
	/* HyperPAV aliases (alias-of). */
	{ "[subchannel 0.0.0002]\nalias-of = 0.0.01\n",
	  "2: alias-of '0.0.01' is not a subchannel id" },
	{ BASE1 "[subchannel 0.0.0002]\ndevno = 0.0.0002\nalias-of = 0.0.0001\n",
	  "6: subchannel 0.0.0002: chpids is missing" },
	{ BASE1 ALIAS2 "image = x\n",
	  "6: subchannel 0.0.0002: 'image' does not go with alias-of: an alias "
	  "works on the volume of its base" },
	{ BASE1 ALIAS2 "device = 3390-9\n",
	  "6: subchannel 0.0.0002: 'device' does not go with alias-of: an alias "
	  "reports its base's device and control unit" },
	{ BASE1 ALIAS2 "cu-model = e9\n", "6: subchannel 0.0.0002: 'cu-model' does not go" },
	{ BASE1 ALIAS2 "readonly = yes\n", "6: subchannel 0.0.0002: 'readonly' does not go" },
	{ BASE1 ALIAS2 "create = cdl\n", "6: subchannel 0.0.0002: 'create' does not go" },
	{ BASE1 ALIAS2 "cache = writeback\n", "6: subchannel 0.0.0002: 'cache' does not go" },
	{ BASE1 ALIAS2 "ssid = 0001\n",
	  "6: subchannel 0.0.0002: 'ssid' does not go with alias-of: an alias is in "
	  "its base's LCU (ssid and serial)" },
	{ BASE1 ALIAS2 "serial = X\n", "6: subchannel 0.0.0002: 'serial' does not go" },
	{ BASE1 "[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\nalias-of = 0.0.0009\n",
	  "6: subchannel 0.0.0002: alias-of 0.0.0009: no such subchannel" },
	{ BASE1 "[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\nalias-of = 0.0.0002\n",
	  "6: subchannel 0.0.0002: alias-of names the subchannel itself" },
	{ BASE1 ALIAS2 "[subchannel 0.0.0003]\ndevno = 0.0.0003\nchpids = 1a\n"
	  "alias-of = 0.0.0002\n",
	  "10: subchannel 0.0.0003: alias-of 0.0.0002: that subchannel (line 6) is an "
	  "alias itself, not a base device with a volume" },
	{ BASE1 "[subchannel 1.0.0002]\ndevno = 1.0.0002\nchpids = 1a\nalias-of = 0.0.0001\n",
	  "6: subchannel 1.0.0002: alias-of 0.0.0001: the base must be in the same "
	  "channel subsystem" },
	/* Unit addresses in the LCU of base 0.0.0001 (ssid 0000, serial
	 * 000000000001): the base's own, and another alias's. */
	{ BASE1 ALIAS2 "unit-address = 01\n",
	  "6: subchannel 0.0.0002: unit address 01 already used in its LCU (ssid 0000, "
	  "serial 000000000001) by the subchannel at line 1 (an LCU has 256 unit "
	  "addresses, one per device)" },
	{ BASE1 ALIAS2 "[subchannel 0.0.0003]\ndevno = 0.0.1002\nchpids = 1a\n"
	  "alias-of = 0.0.0001\n",
	  "10: subchannel 0.0.0003: unit address 02 already used in its LCU (ssid 0000, "
	  "serial 000000000001) by the subchannel at line 6" },
	/* FBA DASDs: what they refuse, named. */
#define FBA1 "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\n" \
	     "device = 9336\nimage = f\n"
	{ FBA1 "cylinders = 10\n", "1: subchannel 0.0.0001: cylinders: an FBA volume "
	  "has blocks, not cylinders" },
	{ FBA1 "create = cdl\n", "1: subchannel 0.0.0001: create = cdl is for 3390s; an FBA volume is made "
	  "blank (all zeros): create = blank" },
	{ FBA1 "create = blank\nformat = cckd64\n", "1: subchannel 0.0.0001: format is plain or cfba for "
	  "an FBA volume (cckd64 and cckd are 3390 formats)" },
	{ FBA1 "create = blank\nformat = cfba64\n", "7: format: 'cfba64' is not cckd64, cckd or plain "
	  "(3390), plain or cfba (FBA)" },
	{ FBA1 "format = cfba\n", "1: subchannel 0.0.0001: format only applies to a volume create makes" },
	{ BASE1 "format = cfba\n", "1: subchannel 0.0.0001: format = cfba is for FBA DASDs; a 3390 is "
	  "cckd64, cckd or plain" },
	{ FBA1 "cache = writeback\n", "1: subchannel 0.0.0001: an FBA volume is writethrough only" },
	{ FBA1 "volser = ABC\n", "1: subchannel 0.0.0001: volser: ccwpass writes no label on an FBA volume" },
	{ FBA1 "blocks = 100\n", "1: subchannel 0.0.0001: blocks only applies to a volume create makes" },
	{ FBA1 "create = blank\nblocks = 0\n", "7: blocks: '0' is not a block count" },
	{ FBA1 "create = blank\nblocks = 4294967296\n", "7: blocks: '4294967296' is not "
	  "a block count (1 to 4294967295)" },
	{ BASE1 "blocks = 10\n", "1: subchannel 0.0.0001: blocks is for FBA DASDs; a 3390 has cylinders" },
	{ FBA1 ALIAS2, "6: subchannel 0.0.0002: alias-of 0.0.0001: that subchannel "
	  "(line 1) is an FBA DASD; HyperPAV aliases are for 3390s" },
	{ "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\ndevice = 9337\n",
	  "4: device '9337' is not a known model (3390-1, -2, -3, -9, -27, -54; FBA: "
	  "9336" },
#undef FBA1
#define TAPE1 "[subchannel 0.0.0001]\ndevno = 0.0.0001\nchpids = 1a\n" \
	      "device = 3490\nimage = t.aws\n"
	{ TAPE1 "blocks = 10\n", "1: subchannel 0.0.0001: blocks is not for a tape drive" },
	{ TAPE1 "create = cdl\n", "1: subchannel 0.0.0001: create = cdl is for 3390s; a "
	  "new tape is made empty (two tape marks): create = blank" },
	{ TAPE1 ALIAS2, "6: subchannel 0.0.0002: alias-of 0.0.0001: that subchannel "
	  "(line 1) is a tape drive; HyperPAV aliases are for 3390s" },
	{ TAPE1 "capacity = 100K\n", "6: capacity: '100K' is not a tape length" },
	{ TAPE1 "capacity = 1T\n", "6: capacity: '1T' is not a tape length" },
	{ BASE1 "capacity = 1G\n", "1: subchannel 0.0.0001: capacity is the length of a tape" },
#undef TAPE1
	/* The alias comes first in the file, the clash is reported on it. */
	{ "[subchannel 0.0.0002]\ndevno = 0.0.0002\nchpids = 1a\nalias-of = 0.0.0001\n"
	  "unit-address = 01\n" BASE1,
	  "1: subchannel 0.0.0002: unit address 01 already used" },
};

static void test_bad_lines(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct error err = { 0 };
		char want[256];

		assert_int_equal(inventory_parse(&inv, bad_cases[i].text, "bad.conf",
						 "/d", &err), -EINVAL);
		snprintf(want, sizeof(want), "%s%s",
			 strncmp(bad_cases[i].expect, "bad.conf", 8) ? "bad.conf:" : "",
			 bad_cases[i].expect);
		if (!strstr(err.msg, want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, want);
	}
}

/* Aliases: before or after their base, their LCU identity, the keys. */
static void test_aliases(void **state)
{
	static const char text[] =
		"[subchannel 0.0.0314]\n"
		"devno = 0.0.2b0a\nchpids = 1a 2a\nalias-of = 0.0.0313\n"
		"[subchannel 0.0.0313]\n"
		"devno = 0.0.2b09\nchpids = 1a 2a 3a 0a\ndevice = 3390-9\n"
		"image = v.cckd\n"
		"[subchannel 0.1.0315]\n"     /* another subchannel set */
		"devno = 0.1.4444\nchpids = 00 00 3a\npim = 20\nalias-of = 0.0.0313\n"
		"unit-address = 7f\n"
		"[subchannel 0.0.0316]\n"     /* a base of its own */
		"devno = 0.0.2b0b\nchpids = 1a\ndevice = 3390-1\nimage = w.cckd\n";
	struct error err = { 0 };
	char serial[13];
	uint16_t ssid;
	uint8_t ua;

	(void)state;
	if (inventory_parse(&inv, text, "pav.conf", "/d", &err))
		fail_msg("%s", err.msg);
	assert_int_equal(inv.nschs, 4);
	assert_true(inv.schs[0].alias);
	assert_int_equal(inv.schs[0].base, 1);
	assert_int_equal(inv.schs[0].pim, 0xc0);
	assert_string_equal(inv.schs[0].image, "");
	assert_false(inv.schs[1].alias);
	assert_int_equal(inv.schs[1].base, -1);
	assert_int_equal(inv.schs[2].base, 1);
	assert_int_equal(inv.schs[2].pim, 0x20);
	/* The base keeps the identity it has without aliases. */
	inventory_identity(&inv, &inv.schs[1], &ssid, &ua, serial);
	assert_int_equal(ssid, 0x002b);
	assert_int_equal(ua, 0x09);
	assert_string_equal(serial, "000000002B09");
	/* The aliases: the base's ssid and serial, their own unit address. */
	inventory_identity(&inv, &inv.schs[0], &ssid, &ua, serial);
	assert_int_equal(ssid, 0x002b);
	assert_int_equal(ua, 0x0a);
	assert_string_equal(serial, "000000002B09");
	inventory_identity(&inv, &inv.schs[2], &ssid, &ua, serial);
	assert_int_equal(ssid, 0x002b);
	assert_int_equal(ua, 0x7f);
	assert_string_equal(serial, "000000002B09");
	/* 0.0.2b0b has ua 0b, but a serial and LCU of its own. */
	inventory_identity(&inv, &inv.schs[3], &ssid, &ua, serial);
	assert_string_equal(serial, "000000002B0B");
}

/* FBA DASDs: models, block counts (the model's by default), creation. */
static void test_fba(void **state)
{
	static const char text[] =
		"[subchannel 0.0.0320]\n"
		"devno = 0.0.0200\nchpids = 4a\ndevice = 9336\nimage = f.fba\n"
		"create = blank\n"
		"[subchannel 0.0.0321]\n"
		"devno = 0.0.0201\nchpids = 4a\ndevice = 3370-2\nimage = g.fba\n"
		"create = blank\nblocks = 1000\nformat = plain\n"
		"[subchannel 0.0.0322]\n"
		"devno = 0.0.0202\nchpids = 4a\ndevice = 9336-10\nimage = h.fba\n"
		"readonly = yes\n"
		"[subchannel 0.0.0323]\n"
		"devno = 0.0.0203\nchpids = 4a\ndevice = 9336\nimage = c.cfba\n"
		"create = blank\nformat = cfba\n";
	struct error err = { 0 };

	(void)state;
	if (inventory_parse(&inv, text, "fba.conf", "/d", &err))
		fail_msg("%s", err.msg);
	assert_int_equal(inv.nschs, 4);
	assert_true(inv.schs[0].fba);
	assert_string_equal(inv.schs[0].model, "9336-20");
	assert_int_equal(inv.schs[0].blocks, 1672881);
	assert_int_equal(inv.schs[0].create, INV_CREATE_BLANK);
	assert_string_equal(inv.schs[0].volser, "");
	assert_string_equal(inv.schs[1].model, "3370-2");
	assert_int_equal(inv.schs[1].blocks, 1000);
	assert_string_equal(inv.schs[2].image, "/d/h.fba");
	assert_true(inv.schs[2].readonly);
	assert_int_equal(inv.schs[2].blocks, 920115);
	assert_int_equal(inv.schs[1].format, INV_FORMAT_PLAIN);
	assert_int_equal(inv.schs[3].format, INV_FORMAT_CFBA);
	assert_int_equal(inv.schs[3].create, INV_CREATE_BLANK);
}

static void test_tape(void **state)
{
	static const char text[] =
		"[subchannel 0.0.0330]\n"
		"devno = 0.0.0580\nchpids = 5a\ndevice = 3490\nimage = t.aws\n"
		"create = blank\n"
		"[subchannel 0.0.0331]\n"
		"devno = 0.0.0581\nchpids = 5a\ndevice = 3480\nimage = u.aws\n"
		"readonly = yes\ncapacity = 800M\n";
	struct error err = { 0 };

	(void)state;
	if (inventory_parse(&inv, text, "tape.conf", "/d", &err))
		fail_msg("%s", err.msg);
	assert_true(inv.schs[0].tape);
	assert_false(inv.schs[0].fba);
	assert_string_equal(inv.schs[0].model, "3490");
	assert_string_equal(inv.schs[0].volser, "");
	assert_string_equal(inv.schs[1].model, "3480");
	assert_true(inv.schs[1].readonly);
	assert_int_equal(inv.schs[0].capacity, 0);
	assert_int_equal(inv.schs[1].capacity, 800ull << 20);
}

static void test_long_line_and_nul(void **state)
{
	char text[2048];
	struct error err = { 0 };

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(inventory_parse(&inv, text, "long.conf", NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "long.conf:1: line longer than"));
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/ccwpass-inv-XXXXXX";
	struct error err = { 0 };
	int fd = mkstemp(path);
	static const char text[] =
		"[subchannel 0.0.0007]\ndevno = 0.0.1234\nchpids = 1a\n"
		"device = 3390-1\nimage = vol.img\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(inventory_load(&inv, path, &err), 0);
	assert_string_equal(inv.schs[0].image, "/tmp/vol.img");
	unlink(path);
	assert_int_equal(inventory_load(&inv, path, &err), -ENOENT);
	assert_non_null(strstr(err.msg, path));
}

/* A file the parser cannot see whole is refused, naming where. */
static void test_load_hostile_files(void **state)
{
	char path[] = "/tmp/ccwpass-inv-XXXXXX", fifo[64];
	struct error err = { 0 };
	int fd = mkstemp(path);
	static const char text[] =
		"[subchannel 0.0.0007]\ndevno = 0.0.1234\nchpids = 1a\n"
		"device = 3390-1\nimage = vol.img\n# \0\n"
		"[subchannel 0.0.0008]\ndevno = 0.0.1234\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(inventory_load(&inv, path, &err), -EINVAL);
	assert_non_null(strstr(err.msg, ":6: NUL byte in line"));
	assert_non_null(strstr(err.msg, path));
	unlink(path);
	/* a FIFO (no writer) is no inventory, and must not block */
	snprintf(fifo, sizeof(fifo), "%s.fifo", path);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(inventory_load(&inv, fifo, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a regular file"));
	unlink(fifo);
	assert_int_equal(inventory_load(&inv, "/tmp", &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_mirrors_seed),
		cmocka_unit_test(test_shipped_file_is_default),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_fba),
		cmocka_unit_test(test_tape),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_hostile_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
