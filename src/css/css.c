/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The channel-subsystem object: channel paths, the subchannel table, bus
 * ids, vary on/off (Principles of Operation ch. 15 "Subchannel-Information
 * Block": PIM, PAM, POM, CHPIDs; ch. 17 "Channel-Path Reconfiguration").
 */
#include "css/css.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "css/css_internal.h"

/* ---- bus ids ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses 1..maxdigits hex digits up to the terminator; returns the end. */
static const char *parse_hex(const char *s, int maxdigits, char term,
			     unsigned int *out)
{
	unsigned int v = 0;
	int n = 0;

	for (; *s && *s != term; s++, n++) {
		int d = hexval(*s);

		if (d < 0 || n == maxdigits)
			return NULL;
		v = v << 4 | (unsigned int)d;
	}
	if (n == 0 || *s != term)
		return NULL;
	*out = v;
	return s;
}

int css_busid_parse(const char *s, struct css_busid *id)
{
	unsigned int cssid, ssid, num;
	const char *p;

	if (!s)
		return -EINVAL;
	p = parse_hex(s, 2, '.', &cssid);
	if (!p)
		return -EINVAL;
	p = parse_hex(p + 1, 1, '.', &ssid);
	if (!p || ssid > 3)
		return -EINVAL;
	p++;
	if (strlen(p) != 4 || !parse_hex(p, 4, '\0', &num))
		return -EINVAL;
	id->cssid = (uint8_t)cssid;
	id->ssid = (uint8_t)ssid;
	id->num = (uint16_t)num;
	return 0;
}

char *css_busid_format(struct css_busid id, char *buf)
{
	snprintf(buf, CSS_BUSID_STRLEN, "%x.%x.%04x", id.cssid, id.ssid, id.num);
	return buf;
}

bool css_busid_eq(struct css_busid a, struct css_busid b)
{
	return a.cssid == b.cssid && a.ssid == b.ssid && a.num == b.num;
}

static int busid_cmp(struct css_busid a, struct css_busid b)
{
	uint32_t ka = (uint32_t)a.cssid << 24 | (uint32_t)a.ssid << 16 | a.num;
	uint32_t kb = (uint32_t)b.cssid << 24 | (uint32_t)b.ssid << 16 | b.num;

	return ka < kb ? -1 : ka > kb;
}

/* ---- the css ---- */

struct css *css_new(unsigned int flags)
{
	struct css *css = calloc(1, sizeof(*css));

	if (!css)
		return NULL;
	css->flags = flags;
	pthread_mutex_init(&css->lock, NULL);
	pthread_cond_init(&css->vary_done, NULL);
	return css;
}

static void sch_destroy(struct css_subchannel *sch)
{
	css_worker_stop(sch);
	if (sch->dev && sch->dev->ops->destroy)
		sch->dev->ops->destroy(sch->dev);
	pthread_cond_destroy(&sch->cond);
	pthread_mutex_destroy(&sch->lock);
	free(sch);
}

void css_free(struct css *css)
{
	if (!css)
		return;
	/* First stop every worker (programs end at a CCW boundary). */
	for (size_t i = 0; i < css->nsch; i++)
		css_worker_stop(css->sch[i]);
	for (size_t i = 0; i < css->nsch; i++)
		sch_destroy(css->sch[i]);
	free(css->sch);
	pthread_cond_destroy(&css->vary_done);
	pthread_mutex_destroy(&css->lock);
	free(css);
}

bool css_sync(const struct css_subchannel *sch)
{
	return sch->css->flags & CSS_F_SYNC;
}

/* ---- channel paths ---- */

int css_add_chp(struct css *css, uint8_t chpid, uint8_t type, struct error *err)
{
	int ret = 0;

	if (chpid == 0)
		return error_setf(err, EINVAL,
				  "chp 00: CHPID 0 is reserved (means 'no path')");
	pthread_mutex_lock(&css->lock);
	if (css->chp[chpid].exists) {
		ret = error_setf(err, EEXIST, "chp %02x: already defined", chpid);
	} else {
		css->chp[chpid].exists = true;
		css->chp[chpid].online = true;
		css->chp[chpid].type = type;
	}
	pthread_mutex_unlock(&css->lock);
	return ret;
}

bool css_chp_exists(const struct css *css, uint8_t chpid)
{
	struct css *c = (struct css *)css;
	bool r;

	pthread_mutex_lock(&c->lock);
	r = c->chp[chpid].exists;
	pthread_mutex_unlock(&c->lock);
	return r;
}

int css_chp_type(const struct css *css, uint8_t chpid)
{
	struct css *c = (struct css *)css;
	int r;

	pthread_mutex_lock(&c->lock);
	r = c->chp[chpid].exists ? c->chp[chpid].type : -ENOENT;
	pthread_mutex_unlock(&c->lock);
	return r;
}

bool css_chp_online(const struct css *css, uint8_t chpid)
{
	struct css *c = (struct css *)css;
	bool r;

	pthread_mutex_lock(&c->lock);
	r = c->chp[chpid].exists && c->chp[chpid].online;
	pthread_mutex_unlock(&c->lock);
	return r;
}

struct chp_note {
	struct css_subchannel *sch;
	uint8_t mask;
};

int css_chp_vary(struct css *css, uint8_t chpid, bool online)
{
	struct chp_note *notes = NULL;
	size_t n = 0;

	pthread_mutex_lock(&css->lock);
	if (!css->chp[chpid].exists) {
		pthread_mutex_unlock(&css->lock);
		return -ENOENT;
	}
	if (css->chp[chpid].online == online) {
		pthread_mutex_unlock(&css->lock);
		return 0;
	}
	css->chp[chpid].online = online;
	css->varying++;        /* a removal waits before freeing them */
	if (css->nsch)
		notes = calloc(css->nsch, sizeof(*notes));
	for (size_t i = 0; i < css->nsch; i++) {
		struct css_subchannel *sch = css->sch[i];
		uint8_t mask = 0;

		pthread_mutex_lock(&sch->lock);
		for (int p = 0; p < 8; p++)
			if (sch->pmcw.chpid[p] == chpid &&
			    (sch->pmcw.pim & (0x80 >> p)))
				mask |= (uint8_t)(0x80 >> p);
		if (online)
			sch->pmcw.pam |= mask;
		else
			sch->pmcw.pam &= (uint8_t)~mask;
		pthread_mutex_unlock(&sch->lock);
		if (mask && notes)
			notes[n++] = (struct chp_note){ sch, mask };
	}
	pthread_mutex_unlock(&css->lock);

	for (size_t i = 0; i < n; i++) {
		struct css_subchannel *sch = notes[i].sch;
		css_chp_event_fn *fn;
		void *opaque;

		pthread_mutex_lock(&sch->lock);
		fn = sch->chp_event;
		opaque = sch->opaque;
		pthread_mutex_unlock(&sch->lock);
		css_log(sch, LOG_INFO, "chp %02x varied %s (paths %02x)", chpid,
			online ? "online" : "offline", notes[i].mask);
		if (fn)
			fn(sch, notes[i].mask,
			   online ? CSS_CHP_VARY_ON : CSS_CHP_VARY_OFF, opaque);
	}
	free(notes);
	pthread_mutex_lock(&css->lock);
	if (!--css->varying)
		pthread_cond_broadcast(&css->vary_done);
	pthread_mutex_unlock(&css->lock);
	return 0;
}

/* ---- subchannels ---- */

/* Index of the first subchannel with schid >= id (css->lock held). */
static size_t sch_lower_bound(const struct css *css, struct css_busid id)
{
	size_t lo = 0, hi = css->nsch;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (busid_cmp(css->sch[mid]->schid, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int check_config(struct css *css, const struct css_subchannel_config *c,
			const char *name, struct error *err)
{
	if (c->schid.ssid > 3)
		return error_setf(err, EINVAL, "sch %s: ssid must be 0-3", name);
	if (c->devno.cssid != c->schid.cssid || c->devno.ssid != c->schid.ssid)
		return error_setf(err, EINVAL,
				  "sch %s: device %x.%x.%04x is not in css %x ssid %x",
				  name, c->devno.cssid, c->devno.ssid, c->devno.num,
				  c->schid.cssid, c->schid.ssid);
	if (c->type != CSS_SCH_TYPE_IO)
		return error_setf(err, EINVAL,
				  "sch %s: only I/O subchannels (type 0) are supported",
				  name);
	if (!c->dev || !c->dev->ops || !c->dev->ops->execute)
		return error_setf(err, EINVAL, "sch %s: no device", name);
	if (!c->pim)
		return error_setf(err, EINVAL, "sch %s: no installed path (PIM 00)",
				  name);
	if (c->pam & ~c->pim)
		return error_setf(err, EINVAL,
				  "sch %s: PAM %02x has paths not in PIM %02x",
				  name, c->pam, c->pim);
	for (int p = 0; p < 8; p++) {
		bool installed = c->pim & (0x80 >> p);

		if (installed && !c->chpids[p])
			return error_setf(err, EINVAL,
					  "sch %s: path %d installed without a CHPID",
					  name, p);
		if (!installed && c->chpids[p])
			return error_setf(err, EINVAL,
					  "sch %s: CHPID %02x in slot %d is not in PIM %02x",
					  name, c->chpids[p], p, c->pim);
		if (installed && !css->chp[c->chpids[p]].exists)
			return error_setf(err, EINVAL,
					  "sch %s: no such channel path %02x",
					  name, c->chpids[p]);
	}
	return 0;
}

static void sch_init_schib(struct css *css, struct css_subchannel *sch,
			   const struct css_subchannel_config *c)
{
	struct css_pmcw *p = &sch->pmcw;

	p->flags = PMCW_FLAGS_DNV | (c->qdio ? PMCW_FLAGS_QF : 0);
	p->devno = c->devno.num;
	p->pim = c->pim;
	p->pom = c->pom;
	p->pam = c->pam;
	p->lpm = c->pim;
	memcpy(p->chpid, c->chpids, sizeof(p->chpid));
	for (int i = 0; i < 8; i++)
		if ((p->pim & (0x80 >> i)) && !css->chp[p->chpid[i]].online)
			p->pam &= (uint8_t)~(0x80 >> i);
	p->chars = (uint32_t)c->type << PMCW_CHARS_ST_SHIFT;
}

int css_remove_subchannel(struct css *css, struct css_busid schid)
{
	struct css_subchannel *sch = NULL;
	size_t pos;

	pthread_mutex_lock(&css->lock);
	pos = sch_lower_bound(css, schid);
	if (pos < css->nsch && css_busid_eq(css->sch[pos]->schid, schid)) {
		sch = css->sch[pos];
		memmove(css->sch + pos, css->sch + pos + 1,
			(css->nsch - pos - 1) * sizeof(*css->sch));
		css->nsch--;
		/* A vary may still hold it (it was listed before). */
		while (css->varying)
			pthread_cond_wait(&css->vary_done, &css->lock);
	}
	pthread_mutex_unlock(&css->lock);
	if (!sch)
		return -ENODEV;
	sch_destroy(sch);      /* its program ends, the device goes */
	return 0;
}

int css_add_subchannel(struct css *css, const struct css_subchannel_config *cfg,
		       struct css_subchannel **out, struct error *err)
{
	struct css_subchannel *sch;
	char name[CSS_BUSID_STRLEN];
	size_t pos;
	int ret;

	css_busid_format(cfg->schid, name);
	pthread_mutex_lock(&css->lock);
	ret = check_config(css, cfg, name, err);
	if (ret)
		goto out_unlock;
	pos = sch_lower_bound(css, cfg->schid);
	if (pos < css->nsch && css_busid_eq(css->sch[pos]->schid, cfg->schid)) {
		ret = error_setf(err, EEXIST, "sch %s: already defined", name);
		goto out_unlock;
	}
	for (size_t i = 0; i < css->nsch; i++) {
		if (css_busid_eq(css->sch[i]->devno, cfg->devno)) {
			ret = error_setf(err, EEXIST,
					 "sch %s: device number %04x already used by sch %s",
					 name, cfg->devno.num, css->sch[i]->name);
			goto out_unlock;
		}
	}
	if (css->nsch == css->cap) {
		size_t cap = css->cap ? css->cap * 2 : 16;
		struct css_subchannel **t = realloc(css->sch, cap * sizeof(*t));

		if (!t) {
			ret = error_setf(err, ENOMEM, "sch %s: out of memory", name);
			goto out_unlock;
		}
		css->sch = t;
		css->cap = cap;
	}
	sch = calloc(1, sizeof(*sch));
	if (!sch) {
		ret = error_setf(err, ENOMEM, "sch %s: out of memory", name);
		goto out_unlock;
	}
	sch->css = css;
	pthread_mutex_init(&sch->lock, NULL);
	pthread_cond_init(&sch->cond, NULL);
	sch->schid = cfg->schid;
	sch->devno = cfg->devno;
	memcpy(sch->name, name, sizeof(name));
	sch->dev = cfg->dev;
	sch->io.sch = sch;
	sch_init_schib(css, sch, cfg);

	memmove(css->sch + pos + 1, css->sch + pos,
		(css->nsch - pos) * sizeof(*css->sch));
	css->sch[pos] = sch;
	css->nsch++;
	if (out)
		*out = sch;
out_unlock:
	pthread_mutex_unlock(&css->lock);
	return ret;
}

struct css_subchannel *css_find_subchannel(struct css *css,
					   struct css_busid schid)
{
	struct css_subchannel *r = NULL;
	size_t pos;

	pthread_mutex_lock(&css->lock);
	pos = sch_lower_bound(css, schid);
	if (pos < css->nsch && css_busid_eq(css->sch[pos]->schid, schid))
		r = css->sch[pos];
	pthread_mutex_unlock(&css->lock);
	return r;
}

struct css_subchannel *css_find_devno(struct css *css, struct css_busid devno)
{
	struct css_subchannel *r = NULL;

	pthread_mutex_lock(&css->lock);
	for (size_t i = 0; i < css->nsch && !r; i++)
		if (css_busid_eq(css->sch[i]->devno, devno))
			r = css->sch[i];
	pthread_mutex_unlock(&css->lock);
	return r;
}

struct css_subchannel *css_next_subchannel(struct css *css,
					   struct css_subchannel *prev)
{
	struct css_subchannel *r = NULL;
	size_t pos = 0;

	pthread_mutex_lock(&css->lock);
	if (prev) {
		pos = sch_lower_bound(css, prev->schid);
		if (pos < css->nsch && css->sch[pos] == prev)
			pos++;
	}
	if (pos < css->nsch)
		r = css->sch[pos];
	pthread_mutex_unlock(&css->lock);
	return r;
}

struct css_busid css_sch_id(const struct css_subchannel *sch)
{
	return sch->schid;
}

struct css_busid css_sch_devno(const struct css_subchannel *sch)
{
	return sch->devno;
}

struct css_device *css_sch_device(const struct css_subchannel *sch)
{
	return sch->dev;
}

const char *css_sch_name(const struct css_subchannel *sch)
{
	return sch->name;
}

void css_sch_set_handlers(struct css_subchannel *sch, css_notify_fn *notify,
			  css_chp_event_fn *chp_event, void *opaque)
{
	pthread_mutex_lock(&sch->lock);
	sch->notify = notify;
	sch->chp_event = chp_event;
	sch->opaque = opaque;
	pthread_mutex_unlock(&sch->lock);
}

void css_log(const struct css_subchannel *sch, int level, const char *fmt, ...)
{
	char obj[CSS_BUSID_STRLEN + 4];
	va_list ap;

	if (!log_enabled(level))
		return;
	snprintf(obj, sizeof(obj), "sch %s", sch->name);
	va_start(ap, fmt);
	log_obj_vmsg(level, obj, fmt, ap);
	va_end(ap);
}
