/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host inventory parser: an INI-like file of [chpid XX] and
 * [subchannel C.S.XXXX] sections (docs/inventory.md).
 */
#include "inventory/inventory_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dasd/eckd.h"
#include "dasd/fba.h"
#include "image/fba_image.h"
#include "tape/tape.h"
#include "dasd/eckd_ident.h"

#define INV_MAX_FILE (1024 * 1024)
#define INV_DEFAULT_CHP_TYPE CSS_CHP_TYPE_FC

static struct inv_chp *find_chp(struct inventory *inv, uint8_t chpid)
{
	for (unsigned int i = 0; i < inv->nchps; i++)
		if (inv->chps[i].chpid == chpid)
			return &inv->chps[i];
	return NULL;
}

static int add_chp(struct parser *p, uint8_t chpid, struct inv_chp **out)
{
	struct inventory *inv = p->inv;
	struct inv_chp *c = find_chp(inv, chpid);

	if (c) {
		*out = c;
		return 0;
	}
	if (inv->nchps >= INV_MAX_CHPS)
		return inv_perr(p, "too many channel paths");
	c = &inv->chps[inv->nchps++];
	c->chpid = chpid;
	c->type = INV_DEFAULT_CHP_TYPE;
	c->line = p->line;
	*out = c;
	return 0;
}

static int section_header(struct parser *p, char *s)
{
	char *end = strchr(s, ']');
	char *kind, *arg, *save;
	unsigned long x;

	if (!end || inv_trim(end + 1)[0])
		return inv_perr(p, "malformed section header (expected [kind id])");
	*end = '\0';
	kind = strtok_r(s + 1, " \t", &save);
	arg = strtok_r(NULL, " \t", &save);
	if (!kind || !arg || strtok_r(NULL, " \t", &save))
		return inv_perr(p, "section header needs exactly a kind and an id");
	p->seen = 0;
	if (!strcmp(kind, "chpid")) {
		if (inv_parse_hex(arg, 2, 0xff, &x))
			return inv_perr(p, "chpid '%s' is not a hex byte (00-ff)", arg);
		p->chp = find_chp(p->inv, (uint8_t)x);
		if (p->chp && p->chp->declared)
			return inv_perr(p, "chpid %02lx already defined at line %u",
					x, p->chp->line);
		p->sec = SEC_CHP;
		if (!p->chp && add_chp(p, (uint8_t)x, &p->chp))
			return -EINVAL;
		p->chp->declared = true;
		p->chp->line = p->line;
		return 0;
	}
	if (!strcmp(kind, "subchannel")) {
		struct inventory *inv = p->inv;
		struct css_busid id;

		if (css_busid_parse(arg, &id))
			return inv_perr(p, "subchannel id '%s' is not of the form 0.0.0313", arg);
		for (unsigned int i = 0; i < inv->nschs; i++)
			if (css_busid_eq(inv->schs[i].schid, id))
				return inv_perr(p, "subchannel %s already defined at line %u",
						arg, inv->schs[i].line);
		if (inv->nschs >= INV_MAX_SCHS)
			return inv_perr(p, "too many subchannels");
		p->sch = &inv->schs[inv->nschs++];
		memset(p->sch, 0, sizeof(*p->sch));
		p->sch->schid = id;
		p->sch->line = p->line;
		p->sch->pom = 0xff;
		p->sch->dev_model = -1;
		p->sch->cu_model = -1;
		p->sch->ssid = -1;
		p->sch->unit_addr = -1;
		p->sch->base = -1;
		p->sch->create = INV_CREATE_NO;
		p->sch->flush_ms = INV_FLUSH_MS_DEFAULT;
		p->sec = SEC_SCH;
		return 0;
	}
	return inv_perr(p, "unknown section kind '%s' (expected chpid or subchannel)", kind);
}

static int chp_key(struct parser *p, const char *key, const char *v)
{
	if (!strcmp(key, "type"))
		return inv_parse_u8_hex(p, key, v, &p->chp->type);
	return inv_perr(p, "unknown key '%s' in [chpid] (expected type)", key);
}

static int sch_key(struct parser *p, const char *key, const char *v)
{
	struct inv_sch *s = p->sch;

	if (!strcmp(key, "devno")) {
		if (css_busid_parse(v, &s->devno))
			return inv_perr(p, "devno '%s' is not of the form 0.0.2b09", v);
		return 0;
	}
	if (!strcmp(key, "chpids"))
		return inv_parse_chpids(p, v, s->chpids);
	if (!strcmp(key, "pim"))
		return inv_parse_u8_hex(p, key, v, &s->pim);
	if (!strcmp(key, "pam"))
		return inv_parse_u8_hex(p, key, v, &s->pam);
	if (!strcmp(key, "pom"))
		return inv_parse_u8_hex(p, key, v, &s->pom);
	if (!strcmp(key, "device")) {
		const struct fba_model *fm = fba_model_find(v);
		bool tape = !strcmp(v, "3490") || !strcmp(v, "3480");

		if (!eckd_model_find(v) && !fm && !tape)
			return inv_perr(p, "device '%s' is not a known model (3390-1, -2, -3, -9, -27, -54; "
					"FBA: 9336, 9336-10, 9336-20, 3370, 3370-1, 3370-2; tape: 3490, 3480)", v);
		snprintf(s->model, sizeof(s->model), "%s", fm ? fm->name : v);
		s->fba = fm != NULL;
		s->tape = tape;
		return 0;
	}
	if (!strcmp(key, "capacity")) {
		char *end;
		unsigned long long x, unit = 1;

		errno = 0;
		x = strtoull(v, &end, 10);
		switch (*end) {
		case 'K': unit = 1ull << 10; end++; break;
		case 'M': unit = 1ull << 20; end++; break;
		case 'G': unit = 1ull << 30; end++; break;
		default: break;
		}
		if (errno || *end || !isdigit((unsigned char)*v) ||
		    x < 1 || x > (1ull << 42) / unit ||
		    x * unit < 4 * TAPE_EOT_MARGIN)
			return inv_perr(p, "capacity: '%s' is not a tape length (bytes, "
					"or with K, M or G; at least 512K)", v);
		s->capacity = x * unit;
		return 0;
	}
	if (!strcmp(key, "blocks")) {
		char *end;
		unsigned long long x;

		errno = 0;
		x = strtoull(v, &end, 10);
		if (errno || *end || !*v || x == 0 || x > FBA_MAX_BLOCKS)
			return inv_perr(p, "blocks: '%s' is not a block count (1 to %llu)",
					v, (unsigned long long)FBA_MAX_BLOCKS);
		s->blocks = x;
		return 0;
	}
	if (!strcmp(key, "cylinders")) {
		char *end;
		unsigned long x;

		errno = 0;
		x = strtoul(v, &end, 10);
		if (errno || *end || !*v || x == 0 || x > 268434453UL)
			return inv_perr(p, "cylinders: '%s' is not a cylinder count", v);
		s->cyls = (uint32_t)x;
		return 0;
	}
	if (!strcmp(key, "image"))
		return inv_parse_image_path(p, v, s->image, sizeof(s->image));
	if (!strcmp(key, "readonly"))
		return inv_parse_bool(p, key, v, &s->readonly);
	if (!strcmp(key, "volser"))
		return inv_parse_volser(p, v, s->volser);
	if (!strcmp(key, "create")) {
		if (!strcmp(v, "no"))
			s->create = INV_CREATE_NO;
		else if (!strcmp(v, "blank"))
			s->create = INV_CREATE_BLANK;
		else if (!strcmp(v, "cdl"))
			s->create = INV_CREATE_CDL;
		else
			return inv_perr(p, "create: '%s' is not no, blank or cdl", v);
		return 0;
	}
	if (!strcmp(key, "format")) {
		if (!strcmp(v, "cckd64"))
			s->format = INV_FORMAT_CCKD64;
		else if (!strcmp(v, "cckd"))
			s->format = INV_FORMAT_CCKD;
		else if (!strcmp(v, "plain"))
			s->format = INV_FORMAT_PLAIN;
		else if (!strcmp(v, "cfba"))
			s->format = INV_FORMAT_CFBA;
		else
			return inv_perr(p, "format: '%s' is not cckd64, cckd or plain "
					"(3390), plain or cfba (FBA)", v);
		return 0;
	}
	if (!strcmp(key, "cache")) {
		if (!strcmp(v, "writethrough"))
			s->cache = INV_CACHE_WRITETHROUGH;
		else if (!strcmp(v, "writeback"))
			s->cache = INV_CACHE_WRITEBACK;
		else
			return inv_perr(p, "cache: '%s' is not writethrough or writeback", v);
		return 0;
	}
	if (!strcmp(key, "flush-interval"))
		return inv_parse_interval(p, key, v, &s->flush_ms);
	if (!strcmp(key, "device-model"))
		return inv_parse_opt_hex(p, key, v, 2, 0xff, &s->dev_model);
	if (!strcmp(key, "cu-model"))
		return inv_parse_opt_hex(p, key, v, 2, 0xff, &s->cu_model);
	if (!strcmp(key, "ssid"))
		return inv_parse_opt_hex(p, key, v, 4, 0xffff, &s->ssid);
	if (!strcmp(key, "unit-address"))
		return inv_parse_opt_hex(p, key, v, 2, 0xff, &s->unit_addr);
	if (!strcmp(key, "alias-of")) {
		if (css_busid_parse(v, &s->alias_of))
			return inv_perr(p, "alias-of '%s' is not a subchannel id of the form 0.0.0313", v);
		s->alias = true;
		return 0;
	}
	if (!strcmp(key, "serial")) {
		size_t n = strlen(v);

		if (n == 0 || n > 12)
			return inv_perr(p, "serial: '%s' must be 1 to 12 characters", v);
		for (size_t i = 0; i < n; i++)
			if (!isupper((unsigned char)v[i]) && !isdigit((unsigned char)v[i]))
				return inv_perr(p, "serial: '%s' may hold only A-Z 0-9", v);
		memcpy(s->serial, v, n + 1);
		return 0;
	}
	return inv_perr(p, "unknown key '%s' in [subchannel]", key);
}

static const char *const chp_keys[] = { "type", NULL };
static const char *const sch_keys[] = {
	"devno", "chpids", "pim", "pam", "pom", "device", "cylinders", "image",
	"readonly", "volser", "create", "format", "device-model", "cu-model",
	"ssid", "unit-address", "serial", "alias-of", "cache", "flush-interval",
	"blocks", "capacity", NULL,
};

/* Keys an alias must not have, and why. */
static const struct {
	const char *key;
	const char *why;
} alias_refuses[] = {
	{ "device", "an alias reports its base's device and control unit" },
	{ "device-model", "an alias reports its base's device and control unit" },
	{ "cu-model", "an alias reports its base's device and control unit" },
	{ "image", "an alias works on the volume of its base" },
	{ "cylinders", "an alias works on the volume of its base" },
	{ "blocks", "an alias works on the volume of its base" },
	{ "capacity", "an alias works on the volume of its base" },
	{ "readonly", "an alias works on the volume of its base" },
	{ "volser", "an alias works on the volume of its base" },
	{ "create", "an alias works on the volume of its base" },
	{ "format", "an alias works on the volume of its base" },
	{ "cache", "an alias works on the volume of its base" },
	{ "flush-interval", "an alias works on the volume of its base" },
	{ "ssid", "an alias is in its base's LCU (ssid and serial)" },
	{ "serial", "an alias is in its base's LCU (ssid and serial)" },
};

/* Bit of key in its section's key list, or -1 (unknown: reported later). */
static int key_bit(const char *const *keys, const char *key)
{
	for (int i = 0; keys[i]; i++)
		if (!strcmp(keys[i], key))
			return i;
	return -1;
}

static int key_value(struct parser *p, char *s)
{
	char *eq = strchr(s, '=');
	char *key, *v;
	int bit;

	if (!eq)
		return inv_perr(p, "expected 'key = value' or a [section]");
	*eq = '\0';
	key = inv_trim(s);
	v = inv_trim(eq + 1);
	if (!*key)
		return inv_perr(p, "missing key before '='");
	if (p->sec == SEC_NONE)
		return inv_perr(p, "'%s' outside a section", key);
	bit = key_bit(p->sec == SEC_CHP ? chp_keys : sch_keys, key);
	if (bit >= 0) {
		if (p->seen & (1u << bit))
			return inv_perr(p, "'%s' given twice in this section", key);
		p->seen |= 1u << bit;
	}
	if (!*v)
		return inv_perr(p, "'%s' has no value", key);
	return p->sec == SEC_CHP ? chp_key(p, key, v) : sch_key(p, key, v);
}

static uint8_t mask_of_chpids(const uint8_t chpids[8])
{
	uint8_t m = 0;

	for (int i = 0; i < 8; i++)
		if (chpids[i])
			m |= (uint8_t)(0x80 >> i);
	return m;
}

void inventory_identity(const struct inventory *inv, const struct inv_sch *s,
			uint16_t *ssid, uint8_t *unit_addr, char serial[13])
{
	uint8_t base_ua;

	*unit_addr = s->unit_addr >= 0 ? (uint8_t)s->unit_addr :
		     (uint8_t)(s->devno.num & 0xff);
	if (s->alias && s->base >= 0) {
		/* The LCU of the base: its ssid and serial. */
		inventory_identity(inv, &inv->schs[s->base], ssid, &base_ua,
				   serial);
		return;
	}
	*ssid = s->ssid >= 0 ? (uint16_t)s->ssid :
		(uint16_t)(s->devno.ssid << 12 | s->devno.num >> 8);
	/* The parser checked the configured serial. */
	if (eckd_serial_make(serial, s->serial, *ssid, *unit_addr))
		serial[0] = '\0';
}

static bool same_identity(const struct inventory *inv, const struct inv_sch *a,
			  const struct inv_sch *b)
{
	char sa[ECKD_SERIAL_LEN + 1], sb[ECKD_SERIAL_LEN + 1];
	uint16_t ssa, ssb;
	uint8_t ua, ub;

	inventory_identity(inv, a, &ssa, &ua, sa);
	inventory_identity(inv, b, &ssb, &ub, sb);
	return ssa == ssb && ua == ub && !strcmp(sa, sb);
}

/* An alias has none of the keys of a device with a volume. */
static int alias_keys(struct parser *p, const char *id)
{
	for (size_t i = 0; i < sizeof(alias_refuses) / sizeof(alias_refuses[0]); i++)
		if (p->seen & (1u << key_bit(sch_keys, alias_refuses[i].key)))
			return inv_perr(p, "subchannel %s: '%s' does not go with alias-of: %s",
					id, alias_refuses[i].key, alias_refuses[i].why);
	return 0;
}

static int find_sch(const struct inventory *inv, struct css_busid id)
{
	for (unsigned int i = 0; i < inv->nschs; i++)
		if (css_busid_eq(inv->schs[i].schid, id))
			return (int)i;
	return -1;
}

/*
 * With every section read: each alias's base (a subchannel with a volume,
 * in the same channel subsystem), and each alias's unit address unique in
 * its base's LCU.
 */
static int finish_aliases(struct parser *p)
{
	struct inventory *inv = p->inv;

	for (unsigned int i = 0; i < inv->nschs; i++) {
		struct inv_sch *s = &inv->schs[i];
		char id[CSS_BUSID_STRLEN], of[CSS_BUSID_STRLEN];
		int b;

		if (!s->alias)
			continue;
		css_busid_format(s->schid, id);
		css_busid_format(s->alias_of, of);
		p->line = s->line;
		b = find_sch(inv, s->alias_of);
		if (b < 0)
			return inv_perr(p, "subchannel %s: alias-of %s: no such subchannel", id, of);
		if ((unsigned int)b == i)
			return inv_perr(p, "subchannel %s: alias-of names the subchannel itself", id);
		if (inv->schs[b].alias)
			return inv_perr(p, "subchannel %s: alias-of %s: that subchannel (line %u) "
					"is an alias itself, not a base device with a volume",
					id, of, inv->schs[b].line);
		if (inv->schs[b].schid.cssid != s->schid.cssid)
			return inv_perr(p, "subchannel %s: alias-of %s: the base must be in the "
					"same channel subsystem", id, of);
		if (inv->schs[b].fba || inv->schs[b].tape)
			return inv_perr(p, "subchannel %s: alias-of %s: that subchannel (line %u) "
					"is %s; HyperPAV aliases are for 3390s",
					id, of, inv->schs[b].line,
					inv->schs[b].fba ? "an FBA DASD" : "a tape drive");
		s->base = b;
	}
	for (unsigned int i = 0; i < inv->nschs; i++) {
		const struct inv_sch *s = &inv->schs[i];
		char id[CSS_BUSID_STRLEN];
		uint16_t ssid;
		uint8_t ua;
		char serial[ECKD_SERIAL_LEN + 1];

		if (!s->alias)
			continue;
		css_busid_format(s->schid, id);
		p->line = s->line;
		for (unsigned int j = 0; j < inv->nschs; j++) {
			if (j == i || (inv->schs[j].alias && j > i) ||
			    !same_identity(inv, s, &inv->schs[j]))
				continue;
			inventory_identity(inv, s, &ssid, &ua, serial);
			return inv_perr(p, "subchannel %s: unit address %02x already used in its "
					"LCU (ssid %04x, serial %s) by the subchannel at line %u "
					"(an LCU has 256 unit addresses, one per device)",
					id, ua, ssid, serial, inv->schs[j].line);
		}
	}
	return 0;
}

static bool seen(const struct parser *p, const char *key)
{
	return p->seen & (1u << key_bit(sch_keys, key));
}

/* Keys an FBA DASD has no use for, and what it takes instead. */
static int fba_keys(struct parser *p, struct inv_sch *s, const char *id)
{
	static const struct {
		const char *key, *why;
	} refused[] = {
		{ "cylinders", "an FBA volume has blocks, not cylinders" },
		{ "volser", "ccwpass writes no label on an FBA volume" },
		{ "ssid", "an FBA DASD has no ECKD identity (RCD)" },
		{ "unit-address", "an FBA DASD has no ECKD identity (RCD)" },
		{ "serial", "an FBA DASD has no ECKD identity (RCD)" },
		{ "capacity", "it is the length of a tape" },
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		if (seen(p, refused[i].key))
			return inv_perr(p, "subchannel %s: %s: %s", id,
					refused[i].key, refused[i].why);
	if (s->create == INV_CREATE_CDL)
		return inv_perr(p, "subchannel %s: create = cdl is for 3390s; an FBA "
				"volume is made blank (all zeros): create = blank", id);
	if (seen(p, "format") && s->format != INV_FORMAT_PLAIN &&
	    s->format != INV_FORMAT_CFBA)
		return inv_perr(p, "subchannel %s: format is plain or cfba for an "
				"FBA volume (cckd64 and cckd are 3390 formats)", id);
	if (s->cache == INV_CACHE_WRITEBACK)
		return inv_perr(p, "subchannel %s: an FBA volume is writethrough only "
				"(cache = writeback is for 3390s)", id);
	if (seen(p, "blocks") && s->create == INV_CREATE_NO)
		return inv_perr(p, "subchannel %s: blocks only applies to a volume "
				"create makes (the image's size says it)", id);
	if (!s->blocks)
		s->blocks = fba_model_find(s->model)->blocks;
	return 0;
}

/* Keys a tape drive has no use for. */
static int tape_keys(struct parser *p, const struct inv_sch *s,
		     const char *id)
{
	static const char *const refused[] = {
		"cylinders", "blocks", "volser", "format", "ssid",
		"unit-address", "serial", "device-model", "cu-model",
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		if (seen(p, refused[i]))
			return inv_perr(p, "subchannel %s: %s is not for a tape drive",
					id, refused[i]);
	if (s->create == INV_CREATE_CDL)
		return inv_perr(p, "subchannel %s: create = cdl is for 3390s; a new "
				"tape is made empty (two tape marks): create = blank", id);
	if (s->cache == INV_CACHE_WRITEBACK)
		return inv_perr(p, "subchannel %s: a tape is writethrough only "
				"(cache = writeback is for 3390s)", id);
	return 0;
}

static int eckd_keys(struct parser *p, const struct inv_sch *s,
		     const char *id)
{
	if (s->format == INV_FORMAT_CFBA)
		return inv_perr(p, "subchannel %s: format = cfba is for FBA DASDs; "
				"a 3390 is cckd64, cckd or plain", id);
	if (seen(p, "blocks"))
		return inv_perr(p, "subchannel %s: blocks is for FBA DASDs; a 3390 "
				"has cylinders", id);
	if (seen(p, "capacity"))
		return inv_perr(p, "subchannel %s: capacity is the length of a tape", id);
	return 0;
}

/* Whole-section checks, run at the end of each [subchannel]. */
static int finish_sch(struct parser *p, struct inv_sch *s)
{
	struct inventory *inv = p->inv;
	char id[CSS_BUSID_STRLEN];
	unsigned int line = p->line;
	uint8_t installed;
	int rc = 0;

	css_busid_format(s->schid, id);
	p->line = s->line;
	if (!(p->seen & (1u << key_bit(sch_keys, "devno"))))
		rc = inv_perr(p, "subchannel %s: devno is missing", id);
	else if (s->devno.cssid != s->schid.cssid || s->devno.ssid != s->schid.ssid)
		rc = inv_perr(p, "subchannel %s: devno must be in the same css and subchannel set", id);
	else if (!(p->seen & (1u << key_bit(sch_keys, "chpids"))))
		rc = inv_perr(p, "subchannel %s: chpids is missing", id);
	else if (!mask_of_chpids(s->chpids))
		rc = inv_perr(p, "subchannel %s: chpids names no channel path "
			      "(00 marks an unused path position)", id);
	else if (s->alias)
		rc = alias_keys(p, id);
	else if (!s->model[0])
		rc = inv_perr(p, "subchannel %s: device is missing", id);
	else if (!s->image[0])
		rc = inv_perr(p, "subchannel %s: image is missing", id);
	if (rc)
		goto out;

	installed = mask_of_chpids(s->chpids);
	if (!(p->seen & (1u << key_bit(sch_keys, "pim"))))
		s->pim = installed;
	else if (s->pim & ~installed) {
		rc = inv_perr(p, "subchannel %s: pim %02x names paths without a chpid", id, s->pim);
		goto out;
	}
	if (!(p->seen & (1u << key_bit(sch_keys, "pam"))))
		s->pam = s->pim;
	rc = s->fba ? fba_keys(p, s, id) : s->tape ? tape_keys(p, s, id) :
	     eckd_keys(p, s, id);
	if (rc)
		goto out;
	if (s->create != INV_CREATE_NO && s->readonly) {
		rc = inv_perr(p, "subchannel %s: a readonly image cannot be created", id);
		goto out;
	}
	if (s->create == INV_CREATE_NO &&
	    (p->seen & (1u << key_bit(sch_keys, "format")))) {
		rc = inv_perr(p, "subchannel %s: format only applies to a volume create makes "
			      "(create = blank or cdl)", id);
		goto out;
	}
	if (s->cache != INV_CACHE_WRITEBACK &&
	    (p->seen & (1u << key_bit(sch_keys, "flush-interval")))) {
		rc = inv_perr(p, "subchannel %s: flush-interval only applies to "
			      "cache = writeback", id);
		goto out;
	}
	if (s->create != INV_CREATE_NO && !s->volser[0] && !s->fba && !s->tape)
		snprintf(s->volser, sizeof(s->volser), "0X%04X", s->devno.num);
	for (unsigned int i = 0; i + 1 < inv->nschs; i++) {
		if (&inv->schs[i] == s)
			continue;
		if (css_busid_eq(inv->schs[i].devno, s->devno)) {
			rc = inv_perr(p, "subchannel %s: devno already used by the subchannel at line %u",
				      id, inv->schs[i].line);
			goto out;
		}
		if (s->alias || inv->schs[i].alias)
			continue;       /* checked when the bases are known */
		if (!strcmp(inv->schs[i].image, s->image)) {
			rc = inv_perr(p, "subchannel %s: image %s already used by the subchannel at line %u",
				      id, s->image, inv->schs[i].line);
			goto out;
		}
		if (same_identity(inv, &inv->schs[i], s)) {
			rc = inv_perr(p, "subchannel %s: device identity (ssid, unit-address, serial) "
				      "already used by the subchannel at line %u",
				      id, inv->schs[i].line);
			goto out;
		}
	}
	for (int i = 0; i < 8; i++) {
		struct inv_chp *c;

		if (!s->chpids[i])
			continue;
		rc = add_chp(p, s->chpids[i], &c);
		if (rc)
			goto out;
	}
out:
	p->line = line;
	return rc;
}

static int end_section(struct parser *p)
{
	int rc = 0;

	if (p->sec == SEC_SCH)
		rc = finish_sch(p, p->sch);
	p->sec = SEC_NONE;
	p->seen = 0;
	return rc;
}

int inventory_parse(struct inventory *inv, const char *text, const char *name,
		    const char *base_dir, struct error *err)
{
	struct parser p = {
		.inv = inv, .name = name, .base_dir = base_dir, .err = err,
	};
	const char *s = text;
	char line[1024];
	int rc;

	memset(inv, 0, sizeof(*inv));
	snprintf(inv->path, sizeof(inv->path), "%s", name);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *l, *hash;

		p.line++;
		if (n >= sizeof(line))
			return inv_perr(&p, "line longer than %zu characters", sizeof(line) - 1);
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + (nl ? 1 : 0);
		if (memchr(line, '\0', n))
			return inv_perr(&p, "NUL byte in line");
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		l = inv_trim(line);
		if (!*l)
			continue;
		if (*l == '[') {
			rc = end_section(&p);
			if (!rc)
				rc = section_header(&p, l);
		} else {
			rc = key_value(&p, l);
		}
		if (rc)
			return rc;
	}
	p.line++;
	rc = end_section(&p);
	if (rc)
		return rc;
	if (!inv->nschs)
		return error_setf(err, EINVAL, "%s: no [subchannel] defined", name);
	return finish_aliases(&p);
}

int inventory_load(struct inventory *inv, const char *path, struct error *err)
{
	char dir[4096], *slash, *text = NULL;
	const char *nul;
	struct stat st;
	ssize_t n;
	int fd, rc;

	/* O_NONBLOCK: a FIFO must not hang the start; it is refused below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return error_setf(err, errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > INV_MAX_FILE) {
		rc = error_setf(err, EINVAL, "%s: not a regular file of at most %d bytes",
				path, INV_MAX_FILE);
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		rc = error_setf(err, ENOMEM, "%s: out of memory", path);
		goto out;
	}
	n = read(fd, text, (size_t)st.st_size);
	if (n != st.st_size) {
		rc = error_setf(err, EIO, "%s: short read", path);
		goto out;
	}
	text[n] = '\0';
	/* The parser sees a C string: a NUL would silently end the file. */
	nul = memchr(text, '\0', (size_t)n);
	if (nul) {
		unsigned int line = 1;

		for (const char *c = text; c < nul; c++)
			line += *c == '\n';
		rc = error_setf(err, EINVAL, "%s:%u: NUL byte in line", path,
				line);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	rc = inventory_parse(inv, text, path, dir, err);
out:
	free(text);
	close(fd);
	return rc;
}

/* The host of the seed documents (QEMU docs "Subchannel passthrough via vfio-ccw"). */
static const char default_inventory[] =
	"[subchannel 0.0.0313]\n"
	"devno  = 0.0.2b09\n"
	"chpids = 1a 2a 3a 0a\n"
	"pim    = f0\n"
	"pam    = f0\n"
	"pom    = ff\n"
	"device = 3390-9\n"
	"image  = 0X2B09.cckd\n"
	"volser = 0X2B09\n"
	"create = cdl\n";

int inventory_default(struct inventory *inv, const char *image_dir,
		      struct error *err)
{
	return inventory_parse(inv, default_inventory, "(default inventory)",
				image_dir, err);
}
