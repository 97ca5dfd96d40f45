/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Build the host channel subsystem from an inventory (docs/inventory.md):
 * its channel paths, and a subchannel for each entry with a 3390 on its
 * volume or a HyperPAV alias; devices of one ssid and serial share a
 * logical control unit.
 */
#include "daemon/host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"
#include "dasd/eckd.h"
#include "dasd/fba.h"
#include "image/aws_tape.h"
#include "image/fba_image.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "inventory/inventory.h"
#include "tape/tape.h"
#include "tape/tape_state.h"

struct progress_ctx {
	const struct host_options *opt;
	const char *image;
};

static void create_progress(uint64_t done, uint64_t total, void *opaque)
{
	struct progress_ctx *p = opaque;

	p->opt->progress(p->image, done, total, p->opt->opaque);
}

static enum ckd_image_format image_format(enum inv_format f)
{
	switch (f) {
	case INV_FORMAT_CCKD:
		return CKD_IMAGE_CCKD;
	case INV_FORMAT_PLAIN:
		return CKD_IMAGE_PLAIN;
	case INV_FORMAT_CCKD64:
	case INV_FORMAT_CFBA:         /* refused for a 3390 (inventory.c) */
		break;
	}
	return CKD_IMAGE_CCKD64;
}

static const char *const format_names[] = {
	[INV_FORMAT_CCKD64] = "CCKD64",
	[INV_FORMAT_CCKD] = "CCKD",
	[INV_FORMAT_PLAIN] = "plain CKD",
	[INV_FORMAT_CFBA] = "CFBA",
};

static int create_volume(const struct inv_sch *s, const struct eckd_model *m,
			 const struct host_options *opt, struct error *err)
{
	struct ckd_geometry geo = {
		.devtype = m->dev_type,
		.cyls = s->cyls ? s->cyls : m->cyls,
		.heads = m->heads,
		.trksize = CKD_3390_TRACK_SIZE,
	};
	struct progress_ctx pc = { .opt = opt, .image = s->image };
	struct ckd_init_options io = {
		.format = image_format(s->format),
		.layout = s->create == INV_CREATE_CDL ? CKD_INIT_CDL : CKD_INIT_BLANK,
		.progress = opt && opt->progress ? create_progress : NULL,
		.opaque = &pc,
	};

	memcpy(io.volser, s->volser, sizeof(io.volser));
	log_msg(LOG_NOTICE, "creating %s volume %s (%s, %u cylinders, %s) at %s",
		s->create == INV_CREATE_CDL ? "Linux CDL" : "blank", s->volser,
		m->name, geo.cyls, format_names[s->format], s->image);
	return ckd_image_create(s->image, &geo, &io, err);
}

/*
 * What to do about an image that would not open, added to err: make is
 * how to make a missing one ("`ccwpass dasdinit ...`"), create the
 * inventory setting that has ccwpassd make it.
 */
static void open_hint(const struct inv_sch *s, const char *make,
		      const char *create, struct error *err)
{
	if (!err)
		return;
	switch (err->errnum) {
	case ENOENT:
		if (s->create == INV_CREATE_NO)
			error_suffix(err, "make it with %s, or set %s to have "
				     "ccwpassd make it", make, create);
		break;
	case EACCES:
	case EPERM:
	case EROFS:
		if (!s->readonly)
			error_suffix(err, "set `readonly = yes` to pass it "
				     "through read-only");
		break;
	case EBUSY:
		error_suffix(err, "stop that process (another ccwpassd, "
			     "Hercules), or give the subchannel another image");
		break;
	}
}

static struct ckd_image *open_volume(const struct inv_sch *s,
				     const struct eckd_model *m,
				     const struct host_options *opt,
				     struct error *err)
{
	unsigned int flags = s->readonly ? CKD_OPEN_RDONLY : 0;
	const struct ckd_geometry *g;
	struct ckd_image *img;
	uint32_t want;

	img = ckd_image_open(s->image, flags, err);
	if (!img && err && err->errnum == ENOENT && s->create != INV_CREATE_NO) {
		if (create_volume(s, m, opt, err) < 0)
			return NULL;
		img = ckd_image_open(s->image, flags, err);
	}
	if (!img) {
		char make[4200];

		snprintf(make, sizeof(make), "`ccwpass dasdinit %s %s`",
			 s->image, m->name);
		open_hint(s, make, "`create = cdl` (or `blank`)", err);
		return NULL;
	}
	g = ckd_image_geometry(img);
	want = s->cyls ? s->cyls : m->cyls;
	if (g->devtype != m->dev_type || g->heads != m->heads ||
	    (s->cyls && g->cyls != want)) {
		error_setf(err, EINVAL,
			   "image %s is a %04x with %u cylinders x %u heads, not a %s%s",
			   s->image, g->devtype, g->cyls, g->heads, m->name,
			   s->cyls ? " of the given cylinder count" : "");
		error_suffix(err, "set `device` (and `cylinders`) to what the "
			     "image is, or give the subchannel another image "
			     "(`ccwpass dasdinit IMAGE %s`)", m->name);
		ckd_image_close(img);
		return NULL;
	}
	if (!s->cyls && g->cyls != m->cyls)
		log_msg(LOG_WARNING, "image %s has %u cylinders; a %s has %u",
			s->image, g->cyls, m->name, m->cyls);
	return img;
}

/* The logical control units of the host: one per (ssid, serial). */
struct lcus {
	unsigned int n;
	struct {
		uint16_t ssid;
		char serial[13];
		struct eckd_lcu *lcu;
	} u[INV_MAX_SCHS];
};

/* The LCU of (ssid, serial) of a device already in css (a reload), with
 * a new reference, else NULL. */
static struct eckd_lcu *running_lcu(struct css *css, uint16_t ssid,
				    const char *serial)
{
	struct css_subchannel *sch = NULL;
	struct eckd_lcu *lcu = NULL;

	while (css && !lcu && (sch = css_next_subchannel(css, sch)))
		lcu = eckd_device_lcu(css_sch_device(sch), ssid, serial);
	return lcu;
}

/* The LCU of (ssid, serial), made on first use (or the one of a device
 * already in css). NULL with err. */
static struct eckd_lcu *lcu_of(struct lcus *l, struct css *css,
			       uint16_t ssid, const char *serial,
			       struct error *err)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->u[i].ssid == ssid && !strcmp(l->u[i].serial, serial))
			return l->u[i].lcu;
	if (l->n == INV_MAX_SCHS) {
		error_setf(err, ENOSPC, "too many logical control units");
		return NULL;
	}
	l->u[l->n].lcu = running_lcu(css, ssid, serial);
	if (!l->u[l->n].lcu)
		l->u[l->n].lcu = eckd_lcu_new(ssid, serial, err);
	if (!l->u[l->n].lcu)
		return NULL;
	l->u[l->n].ssid = ssid;
	snprintf(l->u[l->n].serial, sizeof(l->u[l->n].serial), "%s", serial);
	return l->u[l->n++].lcu;
}

static void lcus_put(struct lcus *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		eckd_lcu_put(l->u[i].lcu);
	l->n = 0;
}

/* An FBA DASD on its plain FBA or CFBA volume, made (blank) if create
 * says so. */
static struct css_device *make_fba(const struct inv_sch *s,
				   struct error *err)
{
	const struct fba_model *m = fba_model_find(s->model);
	struct fba_config cfg = { 0 };

	cfg.image = fba_image_open(s->image, s->readonly, err);
	if (!cfg.image && err && err->errnum == ENOENT &&
	    s->create != INV_CREATE_NO) {
		bool cfba = s->format == INV_FORMAT_CFBA;

		log_msg(LOG_NOTICE, "creating FBA volume %s (%s, %llu blocks, "
			"%s)", s->image, m->name, (unsigned long long)s->blocks,
			cfba ? "CFBA" : "plain FBA");
		if (fba_image_create_format(s->image, s->blocks,
					    cfba ? FBA_IMAGE_CFBA :
						   FBA_IMAGE_PLAIN,
					    m->dev_type, false, err) < 0)
			return NULL;
		cfg.image = fba_image_open(s->image, s->readonly, err);
	}
	if (!cfg.image) {
		char make[4200];

		snprintf(make, sizeof(make), "`ccwpass dasdinit %s %s`",
			 s->image, m->name);
		open_hint(s, make, "`create = blank`", err);
		return NULL;
	}
	cfg.dev_type = m->dev_type;
	cfg.dev_model = s->dev_model >= 0 ? (uint8_t)s->dev_model : 0;
	cfg.cu_model = s->cu_model >= 0 ? (uint8_t)s->cu_model : 0;
	return fba_device_new(&cfg, err);
}

/* The inventory's tape of s, made empty (two tape marks) when missing
 * and create says so. NULL with err. */
static struct aws_tape *inventory_tape(const struct inv_sch *s,
				       struct error *err)
{
	struct aws_tape *t = aws_tape_open(s->image, s->readonly, err);

	if (!t && err && err->errnum == ENOENT &&
	    s->create != INV_CREATE_NO) {
		log_msg(LOG_NOTICE, "creating tape %s (empty: two tape marks)",
			s->image);
		if (aws_tape_create(s->image, true, false, err) < 0)
			return NULL;
		t = aws_tape_open(s->image, s->readonly, err);
	}
	if (!t) {
		char make[4200];

		snprintf(make, sizeof(make), "Hercules' `hetinit -n %s`",
			 s->image);
		open_hint(s, make, "`create = blank`", err);
	}
	return t;
}

/*
 * The drive of s as the last ccwpassd left it (tape_state.h), when it
 * saved a state for the same inventory tape: true with cfg's tape (NULL:
 * the drive was empty, or its tape cannot be mounted where it was - then
 * it stays empty rather than offer another tape, or this one at its load
 * point, to a guest that goes on writing) and mode. false: the
 * inventory's tape at its load point.
 */
static bool restore_tape(const struct inv_sch *s, const char *id,
			 struct tape_state_file *f, struct tape_config *cfg)
{
	struct tape_state *st = malloc(sizeof(*st));
	struct error e = { 0 };
	bool done = true;
	int rc;

	if (!st)
		return false;
	rc = tape_state_file_read(f, st);
	if (rc == 0) {
		done = false;
	} else if (rc < 0) {
		log_msg(LOG_WARNING, "tape drive %s: %s is not a state this "
			"daemon saved (%s); the drive stays empty: `ccwpass "
			"tape load %s FILE` mounts a tape", id,
			tape_state_file_path(f), strerror(-rc), id);
	} else if (strcmp(st->inv_tape, s->image) ||
		   st->inv_readonly != s->readonly) {
		log_msg(LOG_NOTICE, "tape drive %s: the inventory names another "
			"tape than when its state was saved (%s%s): mounting "
			"%s at its load point", id, st->inv_tape,
			st->inv_readonly ? ", readonly" : "", s->image);
		done = false;
	} else if (tape_state_mount(st, &cfg->tape, &e) < 0) {
		log_msg(LOG_WARNING, "tape drive %s: the tape it held cannot "
			"be mounted where it was (%s); the drive stays empty: "
			"`ccwpass tape load %s FILE` mounts a tape", id, e.msg,
			id);
	} else {
		cfg->mode = st->mode;
		if (st->tape[0])
			log_msg(LOG_NOTICE, "tape drive %s: %s mounted again at "
				"block %u%s, as the last ccwpassd left it", id,
				st->tape, st->block,
				st->readonly ? " (write-protected)" : "");
		else
			log_msg(LOG_NOTICE, "tape drive %s: empty, as the last "
				"ccwpassd left it", id);
	}
	free(st);
	return done;
}

/*
 * A tape drive: with what it held when the last ccwpassd ended
 * (opt->tape_restore), else with the inventory's tape at its load point.
 * Its state is saved in opt->tape_state_dir from now on.
 */
static struct css_device *make_tape(const struct inv_sch *s,
				    const struct host_options *opt,
				    struct error *err)
{
	struct tape_config cfg = {
		.type = !strcmp(s->model, "3480") ? 0x3480 : 0x3490,
		.capacity = s->capacity,
		.inv_tape = s->image,
		.inv_readonly = s->readonly,
	};
	char id[CSS_BUSID_STRLEN];

	css_busid_format(s->schid, id);
	if (opt && opt->tape_state_dir) {
		char path[PATH_MAX];
		struct error e = { 0 };

		tape_state_path(path, sizeof(path), opt->tape_state_dir, id);
		cfg.state = tape_state_file_open(path, &e);
		if (!cfg.state)
			log_msg(LOG_WARNING, "tape drive %s: its state cannot "
				"be kept for a restart of ccwpassd (%s): a "
				"restart will mount the inventory's tape at its "
				"load point", id, e.msg);
	}
	if (!(cfg.state && opt->tape_restore &&
	      restore_tape(s, id, cfg.state, &cfg))) {
		cfg.tape = inventory_tape(s, err);
		if (!cfg.tape) {
			tape_state_file_close(cfg.state);
			return NULL;
		}
	}
	return tape_device_new(&cfg, err);
}

/* A base 3390 on its image, or a HyperPAV alias of base. */
static struct css_device *make_device(const struct inventory *inv,
				      const struct inv_sch *s,
				      struct css_device *base, struct lcus *l,
				      struct css *css,
				      const struct host_options *opt,
				      struct error *err)
{
	const struct eckd_model *m = eckd_model_find(s->model);
	struct eckd_config cfg = { 0 };
	char serial[13];

	if (s->fba)
		return make_fba(s, err);
	if (s->tape)
		return make_tape(s, opt, err);
	/* Identity: as configured, else unique per device number; an
	 * alias's is its base's LCU with a unit address of its own. */
	inventory_identity(inv, s, &cfg.ssid, &cfg.unit_addr, serial);
	cfg.lcu = lcu_of(l, css, cfg.ssid, serial, err);
	if (!cfg.lcu)
		return NULL;
	if (s->alias) {
		cfg.alias_of = base;
		return eckd_device_new(&cfg, err);
	}
	if (!m) {
		error_setf(err, EINVAL, "unknown device model %s", s->model);
		return NULL;
	}
	cfg.image = open_volume(s, m, opt, err);
	if (!cfg.image)
		return NULL;
	cfg.dev_model = s->dev_model >= 0 ? (uint8_t)s->dev_model : 0;
	cfg.cu_model = s->cu_model >= 0 ? (uint8_t)s->cu_model : 0;
	if (s->cache == INV_CACHE_WRITEBACK)
		cfg.writeback_ms = s->flush_ms;
	/* The device owns the image, even when it fails. */
	return eckd_device_new(&cfg, err);
}

static void sch_config(const struct inv_sch *s,
		       struct css_subchannel_config *cfg)
{
	*cfg = (struct css_subchannel_config){
		.schid = s->schid,
		.devno = s->devno,
		.pim = s->pim,
		.pam = s->pam,
		.pom = s->pom,
		.type = CSS_SCH_TYPE_IO,
	};
	memcpy(cfg->chpids, s->chpids, sizeof(cfg->chpids));
}

/* The subchannel of inventory entry s with its device. */
static int add_sch(struct css *css, const struct inventory *inv,
		   const struct inv_sch *s, struct css_device **devs,
		   struct lcus *l, const struct host_options *opt,
		   struct error *err)
{
	struct css_subchannel_config cfg;
	char id[CSS_BUSID_STRLEN];

	sch_config(s, &cfg);
	cfg.dev = make_device(inv, s, s->alias ? devs[s->base] : NULL, l,
			      NULL, opt, err);
	if (cfg.dev && css_add_subchannel(css, &cfg, NULL, err) < 0) {
		/* A refused device stays ours. */
		cfg.dev->ops->destroy(cfg.dev);
		cfg.dev = NULL;
	}
	if (!cfg.dev) {
		error_prefix(err, "%s:%u: subchannel %s",
			     inv->path[0] ? inv->path : "inventory", s->line,
			     css_busid_format(s->schid, id));
		return -1;
	}
	devs[s - inv->schs] = cfg.dev;
	return 0;
}

struct css *host_build(const struct inventory *inv,
		       const struct host_options *opt, struct error *err)
{
	struct css *css = css_new(opt ? opt->css_flags : 0);
	struct css_device **devs = calloc(INV_MAX_SCHS, sizeof(*devs));
	struct lcus *l = calloc(1, sizeof(*l));

	if (!css || !devs || !l) {
		error_setf(err, ENOMEM, "out of memory for the channel subsystem");
		goto fail;
	}
	for (unsigned int i = 0; i < inv->nchps; i++)
		if (css_add_chp(css, inv->chps[i].chpid, inv->chps[i].type, err) < 0)
			goto fail;
	/* Bases first: an alias is made with its base's device. */
	for (int alias = 0; alias <= 1; alias++)
		for (unsigned int i = 0; i < inv->nschs; i++)
			if (inv->schs[i].alias == alias &&
			    add_sch(css, inv, &inv->schs[i], devs, l, opt, err))
				goto fail;
	lcus_put(l);        /* the devices hold theirs */
	free(l);
	free(devs);
	return css;
fail:
	css_free(css);
	if (l)
		lcus_put(l);
	free(l);
	free(devs);
	return NULL;
}

/* The device of the subchannel schid in css, if any. */
static struct css_device *running_device(struct css *css,
					 struct css_busid schid)
{
	struct css_subchannel *sch = css_find_subchannel(css, schid);

	return sch ? css_sch_device(sch) : NULL;
}

int host_make_devices(struct css *css, const struct inventory *inv,
		      const bool *add, struct css_device **devs,
		      const struct host_options *opt, struct error *err)
{
	struct lcus *l = calloc(1, sizeof(*l));
	char id[CSS_BUSID_STRLEN];
	int ret = 0;

	memset(devs, 0, INV_MAX_SCHS * sizeof(*devs));
	if (!l)
		return error_setf(err, ENOMEM, "out of memory");
	/* Bases first: an alias is made with its base's device, a new one
	 * or one already running. */
	for (int alias = 0; alias <= 1 && !ret; alias++)
		for (unsigned int i = 0; i < inv->nschs && !ret; i++) {
			const struct inv_sch *s = &inv->schs[i];
			struct css_device *base = NULL;

			if (!add[i] || s->alias != alias)
				continue;
			if (s->alias)
				base = devs[s->base] ? devs[s->base] :
				       running_device(css, s->alias_of);
			devs[i] = make_device(inv, s, base, l, css, opt, err);
			if (!devs[i]) {
				error_prefix(err, "%s:%u: subchannel %s",
					     inv->path[0] ? inv->path :
					     "inventory", s->line,
					     css_busid_format(s->schid, id));
				ret = -(err && err->errnum ? err->errnum :
					EINVAL);
			}
		}
	lcus_put(l);
	free(l);
	if (ret)
		host_drop_devices(inv, devs);
	return ret;
}

void host_drop_devices(const struct inventory *inv, struct css_device **devs)
{
	/* Aliases first: they work on their bases' volumes. */
	for (int alias = 1; alias >= 0; alias--)
		for (unsigned int i = 0; i < inv->nschs; i++) {
			if (!devs[i] || inv->schs[i].alias != alias)
				continue;
			devs[i]->ops->destroy(devs[i]);
			devs[i] = NULL;
		}
}

int host_add_sch(struct css *css, const struct inv_sch *s,
		 struct css_device *dev, struct error *err)
{
	struct css_subchannel_config cfg;

	sch_config(s, &cfg);
	cfg.dev = dev;
	if (css_add_subchannel(css, &cfg, NULL, err) < 0) {
		dev->ops->destroy(dev);
		return -(err && err->errnum ? err->errnum : EINVAL);
	}
	return 0;
}
