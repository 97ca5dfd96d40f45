/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "daemon/reload.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"
#include "daemon/host.h"
#include "daemon/overrides.h"
#include "tape/tape_state.h"

static const struct inv_sch *find_sch(const struct inventory *inv,
				      struct css_busid id)
{
	for (unsigned int i = 0; i < inv->nschs; i++)
		if (css_busid_eq(inv->schs[i].schid, id))
			return &inv->schs[i];
	return NULL;
}

/* The keys in which a and b differ, as the inventory names them. */
static void changed_keys(const struct inventory *ia, const struct inv_sch *a,
			 const struct inventory *ib, const struct inv_sch *b,
			 char *out, size_t size)
{
	uint16_t ssa, ssb;
	uint8_t uaa, uab;
	char sera[13], serb[13];
	size_t n = 0;

#define KEY(cond, name)                                                    \
	do {                                                               \
		if ((cond) && n < size)                                    \
			n += (size_t)snprintf(out + n, size - n, "%s%s",   \
					      n ? ", " : "", name);        \
	} while (0)
	out[0] = '\0';
	KEY(!css_busid_eq(a->devno, b->devno), "devno");
	KEY(memcmp(a->chpids, b->chpids, sizeof(a->chpids)), "chpids");
	KEY(a->pim != b->pim, "pim");
	KEY(a->pam != b->pam, "pam");
	KEY(a->pom != b->pom, "pom");
	KEY(a->alias != b->alias || (a->alias &&
	    !css_busid_eq(a->alias_of, b->alias_of)), "alias-of");
	KEY(strcmp(a->model, b->model), "device");
	KEY(a->cyls != b->cyls, "cylinders");
	KEY(a->blocks != b->blocks, "blocks");
	KEY(strcmp(a->image, b->image), "image");
	KEY(a->readonly != b->readonly, "readonly");
	KEY(a->format != b->format || a->create != b->create ||
	    strcmp(a->volser, b->volser), "create/format/volser");
	KEY(a->cache != b->cache || a->flush_ms != b->flush_ms, "cache");
	KEY(a->dev_model != b->dev_model || a->cu_model != b->cu_model,
	    "device-model/cu-model");
	inventory_identity(ia, a, &ssa, &uaa, sera);
	inventory_identity(ib, b, &ssb, &uab, serb);
	KEY(ssa != ssb || uaa != uab || strcmp(sera, serb),
	    "ssid/unit-address/serial");
#undef KEY
}

struct plan {
	bool add[INV_MAX_SCHS];        /* by entry of next */
	bool failed[INV_MAX_SCHS];     /* ... and could not be added */
	bool remove[INV_MAX_SCHS];     /* by entry of cur */
	unsigned int nadd, nremove, nsame;
	uint8_t new_chps[INV_MAX_CHPS];
	uint8_t new_types[INV_MAX_CHPS];
	unsigned int nchps;
};

static int make_plan(struct reload_target *t, const struct inventory *next,
		     struct plan *p, struct error *err)
{
	const struct inventory *cur = t->cur;
	char id[CSS_BUSID_STRLEN], keys[200];

	for (unsigned int i = 0; i < next->nchps; i++) {
		const struct inv_chp *c = &next->chps[i];
		int type = css_chp_type(t->css, c->chpid);

		if (type < 0) {
			p->new_chps[p->nchps] = c->chpid;
			p->new_types[p->nchps++] = c->type;
		} else if (type != c->type) {
			return error_setf(err, EINVAL, "%s:%u: chpid %02x: its "
					  "type would change from %02x to %02x;"
					  " a running host cannot change a "
					  "channel path's type (restart "
					  "ccwpassd for that)", next->path,
					  c->line, c->chpid, type, c->type);
		}
	}
	for (unsigned int i = 0; i < next->nschs; i++) {
		const struct inv_sch *s = &next->schs[i];
		const struct inv_sch *o = find_sch(cur, s->schid);

		css_busid_format(s->schid, id);
		if (!o) {
			p->add[i] = true;
			p->nadd++;
			continue;
		}
		changed_keys(cur, o, next, s, keys, sizeof(keys));
		if (keys[0])
			return error_setf(err, EINVAL, "%s:%u: subchannel %s: "
					  "%s changed; a running subchannel "
					  "is not redefined (resizing "
					  "included): remove it in one "
					  "reload and add it in the next, or "
					  "restart ccwpassd", next->path,
					  s->line, id, keys);
		p->nsame++;
	}
	for (unsigned int i = 0; i < cur->nschs; i++) {
		const struct inv_sch *o = &cur->schs[i];

		if (find_sch(next, o->schid))
			continue;
		p->remove[i] = true;
		p->nremove++;
		/* An image or device number handed over to another subchannel
		 * would be opened before the old one lets go of it. */
		for (unsigned int j = 0; j < next->nschs; j++) {
			const struct inv_sch *s = &next->schs[j];
			uint16_t ss_o, ss_s;
			uint8_t ua_o, ua_s;
			char ser_o[13], ser_s[13];

			if (!p->add[j])
				continue;
			if ((!o->alias && !s->alias &&
			     !strcmp(o->image, s->image)) ||
			    css_busid_eq(o->devno, s->devno))
				return error_setf(err, EINVAL, "%s:%u: "
					"subchannel %s takes over the %s of "
					"subchannel %s, which this reload "
					"removes: remove that one in one "
					"reload, add this one in the next",
					next->path, s->line,
					css_busid_format(s->schid, id),
					css_busid_eq(o->devno, s->devno) ?
					"device number" : "image",
					css_busid_format(o->schid, keys));
			inventory_identity(cur, o, &ss_o, &ua_o, ser_o);
			inventory_identity(next, s, &ss_s, &ua_s, ser_s);
			if (ss_o == ss_s && ua_o == ua_s && !strcmp(ser_o, ser_s))
				return error_setf(err, EINVAL, "%s:%u: "
					"subchannel %s takes over unit address "
					"%02x of its LCU from subchannel %s, "
					"which this reload removes: remove that "
					"one in one reload, add this one in the "
					"next", next->path, s->line,
					css_busid_format(s->schid, id), ua_s,
					css_busid_format(o->schid, keys));
		}
	}
	return 0;
}

/* "0.0.0320 0.0.0321" of the marked entries, into out. */
static void names(const struct inventory *inv, const bool *mark, char *out,
		  size_t size)
{
	char id[CSS_BUSID_STRLEN];
	size_t n = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < inv->nschs && n < size; i++)
		if (mark[i])
			n += (size_t)snprintf(out + n, size - n, "%s%s",
					      n ? " " : "",
					      css_busid_format(inv->schs[i].schid,
							       id));
}

/* Take the marked entries (by index) out of inv, keeping aliases'
 * base indexes right (an alias of a dropped base is dropped too). */
static void drop_entries(struct inventory *inv, const bool *drop)
{
	int map[INV_MAX_SCHS];
	unsigned int n = 0;

	for (unsigned int i = 0; i < inv->nschs; i++)
		map[i] = drop[i] ? -1 : (int)n++;
	n = 0;
	for (unsigned int i = 0; i < inv->nschs; i++) {
		struct inv_sch s = inv->schs[i];

		if (drop[i] || (s.alias && map[s.base] < 0))
			continue;
		if (s.alias)
			s.base = map[s.base];
		inv->schs[n++] = s;
	}
	inv->nschs = n;
}

static void remove_sch(struct reload_target *t, const struct inv_sch *s)
{
	char id[CSS_BUSID_STRLEN];

	css_busid_format(s->schid, id);
	bus_remove_sch(t->bus, id);
	css_remove_subchannel(t->css, s->schid);
	if (s->tape && t->tape_state_dir) {
		char path[PATH_MAX];

		tape_state_path(path, sizeof(path), t->tape_state_dir, id);
		unlink(path);
	}
	log_msg(LOG_NOTICE, "sch %s: removed (device %x.%x.%04x)", id,
		s->devno.cssid, s->devno.ssid, s->devno.num);
}

static int add_sch(struct reload_target *t, const struct inv_sch *s,
		   struct css_device *dev, struct error *err)
{
	char id[CSS_BUSID_STRLEN];
	int ret;

	css_busid_format(s->schid, id);
	ret = host_add_sch(t->css, s, dev, err);
	if (ret == 0)
		ret = bus_add_sch(t->bus,
				  css_find_subchannel(t->css, s->schid), err);
	if (ret < 0) {
		log_msg(LOG_ERR, "sch %s: cannot be added: %s", id, err->msg);
		return ret;
	}
	log_msg(LOG_NOTICE, "sch %s: added (device %x.%x.%04x)", id,
		s->devno.cssid, s->devno.ssid, s->devno.num);
	/* As when a device appears: driverctl's rule, then the probe. */
	overrides_apply_one(t->bus, t->etc_dir, id);
	bus_drivers_probe(t->bus, BUS_CSS, id);
	return 0;
}

int reload_apply(struct reload_target *t, const struct inventory *next,
		 char *summary, size_t size, struct error *err)
{
	struct host_options opt = { .tape_state_dir = t->tape_state_dir };
	struct css_device **devs = NULL;
	struct plan *p = calloc(1, sizeof(*p));
	char added[512], removed[512];
	int ret, failed = 0;

	if (!p)
		return error_setf(err, ENOMEM, "reload: out of memory");
	ret = make_plan(t, next, p, err);
	if (ret < 0)
		goto out;
	devs = calloc(INV_MAX_SCHS, sizeof(*devs));
	if (!devs) {
		ret = error_setf(err, ENOMEM, "reload: out of memory");
		goto out;
	}
	/* Everything that can fail before anything changes. */
	ret = host_make_devices(t->css, next, p->add, devs, &opt, err);
	if (ret < 0)
		goto out;
	for (unsigned int i = 0; i < p->nchps; i++)
		if (css_add_chp(t->css, p->new_chps[i], p->new_types[i],
				err) < 0) {
			host_drop_devices(next, devs);
			ret = -EINVAL;
			goto out;
		}
	/* Aliases go before their bases, bases come before their aliases. */
	for (int alias = 1; alias >= 0; alias--)
		for (unsigned int i = 0; i < t->cur->nschs; i++)
			if (p->remove[i] && t->cur->schs[i].alias == alias)
				remove_sch(t, &t->cur->schs[i]);
	for (int alias = 0; alias <= 1; alias++)
		for (unsigned int i = 0; i < next->nschs; i++) {
			const struct inv_sch *s = &next->schs[i];
			struct error e = { 0 };

			if (!p->add[i] || s->alias != alias)
				continue;
			if (s->alias && p->failed[s->base]) {
				/* Its base could not be added. */
				devs[i]->ops->destroy(devs[i]);
				p->failed[i] = true;
			} else if (add_sch(t, s, devs[i], &e) < 0) {
				p->failed[i] = true;
			}
			devs[i] = NULL;
			failed += p->failed[i];
		}
	names(next, p->add, added, sizeof(added));
	names(t->cur, p->remove, removed, sizeof(removed));
	snprintf(summary, size, "%s%s%s%s%s%s%u unchanged",
		 p->nadd ? "added " : "", p->nadd ? added : "",
		 p->nadd ? "; " : "", p->nremove ? "removed " : "",
		 p->nremove ? removed : "", p->nremove ? "; " : "", p->nsame);
	memcpy(t->cur, next, sizeof(*next));
	if (failed) {
		/* What runs: without them, so that a next reload adds them. */
		names(next, p->failed, added, sizeof(added));
		drop_entries(t->cur, p->failed);
		error_setf(err, EIO, "reloaded in part: %s could not be added "
			   "(the log says why; reload again to retry); %s",
			   added, summary);
		ret = 1;
	} else {
		ret = 0;
	}
out:
	free(devs);
	free(p);
	return ret;
}
