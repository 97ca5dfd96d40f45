/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Build the host channel subsystem from an inventory (docs/inventory.md). */
#include "daemon/host.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"
#include "dasd/eckd.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "inventory/inventory.h"

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
		break;
	}
	return CKD_IMAGE_CCKD64;
}

static const char *const format_names[] = {
	[INV_FORMAT_CCKD64] = "CCKD64",
	[INV_FORMAT_CCKD] = "CCKD",
	[INV_FORMAT_PLAIN] = "plain CKD",
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
	if (!img)
		return NULL;
	g = ckd_image_geometry(img);
	want = s->cyls ? s->cyls : m->cyls;
	if (g->devtype != m->dev_type || g->heads != m->heads ||
	    (s->cyls && g->cyls != want)) {
		error_setf(err, EINVAL,
			   "image %s is a %04x with %u cylinders x %u heads, not a %s%s",
			   s->image, g->devtype, g->cyls, g->heads, m->name,
			   s->cyls ? " of the given cylinder count" : "");
		ckd_image_close(img);
		return NULL;
	}
	if (!s->cyls && g->cyls != m->cyls)
		log_msg(LOG_WARNING, "image %s has %u cylinders; a %s has %u",
			s->image, g->cyls, m->name, m->cyls);
	return img;
}

static struct css_device *make_device(const struct inv_sch *s,
				      const struct host_options *opt,
				      struct error *err)
{
	const struct eckd_model *m = eckd_model_find(s->model);
	struct eckd_config cfg = { 0 };
	char serial[13];

	if (!m) {
		error_setf(err, EINVAL, "unknown device model %s", s->model);
		return NULL;
	}
	cfg.image = open_volume(s, m, opt, err);
	if (!cfg.image)
		return NULL;
	cfg.dev_model = s->dev_model >= 0 ? (uint8_t)s->dev_model : 0;
	cfg.cu_model = s->cu_model >= 0 ? (uint8_t)s->cu_model : 0;
	/* Identity: as configured, else unique per device number (the
	 * device derives the same serial from ssid and ua when none is set). */
	inventory_identity(s, &cfg.ssid, &cfg.unit_addr, serial);
	memcpy(cfg.serial, s->serial, sizeof(cfg.serial));
	/* The device owns the image, even when it fails. */
	return eckd_device_new(&cfg, err);
}

struct css *host_build(const struct inventory *inv,
		       const struct host_options *opt, struct error *err)
{
	struct css *css = css_new(opt ? opt->css_flags : 0);
	char id[CSS_BUSID_STRLEN];

	if (!css) {
		error_setf(err, ENOMEM, "out of memory for the channel subsystem");
		return NULL;
	}
	for (unsigned int i = 0; i < inv->nchps; i++)
		if (css_add_chp(css, inv->chps[i].chpid, inv->chps[i].type, err) < 0)
			goto fail;
	for (unsigned int i = 0; i < inv->nschs; i++) {
		const struct inv_sch *s = &inv->schs[i];
		struct css_subchannel_config cfg = {
			.schid = s->schid,
			.devno = s->devno,
			.pim = s->pim,
			.pam = s->pam,
			.pom = s->pom,
			.type = CSS_SCH_TYPE_IO,
		};

		memcpy(cfg.chpids, s->chpids, sizeof(cfg.chpids));
		cfg.dev = make_device(s, opt, err);
		if (cfg.dev && css_add_subchannel(css, &cfg, NULL, err) < 0) {
			/* A refused device stays ours. */
			cfg.dev->ops->destroy(cfg.dev);
			cfg.dev = NULL;
		}
		if (!cfg.dev) {
			error_prefix(err, "sch %s", css_busid_format(s->schid, id));
			goto fail;
		}
	}
	return css;
fail:
	css_free(css);
	return NULL;
}
