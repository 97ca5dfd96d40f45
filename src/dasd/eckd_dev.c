/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 3390 behind a 3990 storage control as a css_device: creation, the
 * command dispatcher, Locate Record domain accounting, and the one place
 * where a command's result (or an errno from the image) becomes unit status
 * and sense (3990/9390 Storage Control Reference, GA32-0274, chapter 4
 * "Command descriptions", "Exception conditions").
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "css/css_arch.h"
#include "dasd/eckd_geom.h"
#include "dasd/eckd_priv.h"
#include "image/ckd_image.h"

#define ECKD_MAX_CYLS 0x0fffffffu   /* 28-bit cylinder numbers */

static struct eckd_device *to_eckd(struct css_device *dev)
{
	return (struct eckd_device *)((char *)dev -
				      offsetof(struct eckd_device, dev));
}

static int check_b8(struct eckd_device *d, uint8_t b0, uint8_t b1,
		    uint8_t fmt_msg, uint8_t b8)
{
	const struct eckd_volume *v = eckd_vol(d);
	struct eckd_sense_info si = {
		.b0 = b0,
		.b1 = b1,
		.fmt_msg = fmt_msg,
		.b8 = b8,
		.vol_cyls = v ? v->cyls : 0,
	};

	if (d->ch.on_track && v) {
		si.cyl = d->ch.trk / v->heads;
		si.head = d->ch.trk % v->heads;
		if (d->ch.orient != ORIENT_INDEX)
			si.rec = d->ch.rec.r;
	}
	eckd_sense_build(d->sense, &si);
	d->sense_pending = true;
	return ECKD_CHECK;
}

int eckd_check(struct eckd_device *d, uint8_t b0, uint8_t b1, uint8_t fmt_msg)
{
	return check_b8(d, b0, b1, fmt_msg, 0);
}

int eckd_check_base_alias(struct eckd_device *d)
{
	return check_b8(d, SNS0_EQUIPMENT_CHECK, 0, SNS7_F0_BASE_ALIAS,
			SNS8_BASE_ALIAS);
}

static void chain_reset(struct eckd_device *d)
{
	memset(&d->ch, 0, sizeof(d->ch));
}

/* The one place where an errno becomes sense: see docs/eckd.md. */
static int check_from_errno(struct eckd_device *d, int err)
{
	const char *name = eckd_vol(d) ? eckd_vol(d)->name : d->name;

	switch (err) {
	case -EUCLEAN:      /* the stored track image is corrupt */
		log_msg(LOG_ERR, "%s: track %u: corrupt track image", name,
			d->ch.trk);
		return eckd_check(d, SNS0_DATA_CHECK, 0, SNS7_F4_DATA_CHECK);
	case -EROFS:
		return eckd_check(d, SNS0_CMD_REJECT, SNS1_WRITE_INHIBITED,
				  SNS7_F0_INVALID_PARM);
	case -ECANCELED:    /* halted or cleared while waiting for tracks */
		return eckd_check(d, SNS0_EQUIPMENT_CHECK, 0,
				  SNS7_F1_DEV_EQUIPMENT);
	default:            /* -EIO, -ENOSPC, -ENOMEM, ... */
		log_msg(LOG_ERR, "%s: track %u: %s", name, d->ch.trk,
			strerror(-err));
		return eckd_check(d, SNS0_EQUIPMENT_CHECK, 0,
				  SNS7_F1_DEV_EQUIPMENT);
	}
}

static uint8_t status_of(struct eckd_device *d, int rc)
{
	const uint8_t ok = DEV_STAT_CHN_END | DEV_STAT_DEV_END;

	if (rc < 0)
		rc = check_from_errno(d, rc);
	switch (rc) {
	case ECKD_DONE:
		return ok;
	case ECKD_DONE_SM:
		return ok | DEV_STAT_STAT_MOD;
	case ECKD_DONE_UX:
		return ok | DEV_STAT_UNIT_EXCEP;
	case ECKD_BUSY:
		return DEV_STAT_BUSY;
	default:
		return ok | DEV_STAT_UNIT_CHECK;
	}
}

/* Commands that work on the volume; an alias has one only after Prefix. */
static bool needs_volume(uint8_t cmd)
{
	switch (cmd) {
	case ECKD_CMD_SENSE:
	case ECKD_CMD_SENSE_ID:
	case ECKD_CMD_RDC:
	case ECKD_CMD_RCD:
	case ECKD_CMD_NOP:
	case ECKD_CMD_SNID:
	case ECKD_CMD_SPID:
	case ECKD_CMD_RESERVE:
	case ECKD_CMD_RELEASE:
	case ECKD_CMD_UNCOND_RESERVE:
	case ECKD_CMD_PSF:
	case ECKD_CMD_RSSD:
	case ECKD_CMD_PREFIX:
	case ECKD_CMD_RSCK:
		return false;
	default:
		return true;
	}
}

/* Commands that may change a track (they claim it for writing). */
static bool writes_tracks(uint8_t cmd)
{
	if (cmd == ECKD_CMD_WRITE_TRACK_DATA)
		return true;
	switch (cmd & ~ECKD_CMD_MT) {
	case ECKD_CMD_WRITE_DATA:
	case ECKD_CMD_WRITE_KD:
	case ECKD_CMD_WRITE_CKD:
	case ECKD_CMD_WRITE_R0:
		return true;
	default:
		return false;
	}
}

static int dispatch(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd)
{
	if (!eckd_vol(d) && needs_volume(cmd))
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	switch (cmd) {
	case ECKD_CMD_SENSE:
		return eckd_cmd_sense(d, io);
	case ECKD_CMD_SENSE_ID:
		return eckd_cmd_sense_id(d, io);
	case ECKD_CMD_RDC:
		return eckd_cmd_rdc(d, io);
	case ECKD_CMD_RCD:
		return eckd_cmd_rcd(d, io);
	case ECKD_CMD_NOP:
		return eckd_cmd_nop(d, io);
	case ECKD_CMD_SNID:
		return eckd_cmd_snid(d, io);
	case ECKD_CMD_SPID:
		return eckd_cmd_spid(d, io);
	case ECKD_CMD_RESERVE:
	case ECKD_CMD_RELEASE:
	case ECKD_CMD_UNCOND_RESERVE:
		return eckd_cmd_reserve(d, io, cmd);
	case ECKD_CMD_PSF:
		return eckd_cmd_psf(d, io);
	case ECKD_CMD_RSSD:
		return eckd_cmd_rssd(d, io);
	case ECKD_CMD_PREFIX:
		return eckd_cmd_prefix(d, io);
	case ECKD_CMD_RSCK:
		return eckd_cmd_reset_summary(d, io);
	case ECKD_CMD_DEFINE_EXT:
		return eckd_cmd_define_extent(d, io);
	case ECKD_CMD_LOCATE:
		return eckd_cmd_locate(d, io);
	case ECKD_CMD_SEEK:
	case ECKD_CMD_SEEK_CYL:
	case ECKD_CMD_SEEK_HEAD:
		return eckd_cmd_seek(d, io, cmd);
	case ECKD_CMD_RECALIBRATE:
		return eckd_cmd_recalibrate(d, io);
	case ECKD_CMD_READ_IPL:
		return eckd_cmd_read_ipl(d, io);
	case ECKD_CMD_READ_DATA:
	case ECKD_CMD_READ_DATA | ECKD_CMD_MT:
	case ECKD_CMD_READ_KD:
	case ECKD_CMD_READ_KD | ECKD_CMD_MT:
	case ECKD_CMD_READ_COUNT:
	case ECKD_CMD_READ_COUNT | ECKD_CMD_MT:
	case ECKD_CMD_READ_CKD:
	case ECKD_CMD_READ_CKD | ECKD_CMD_MT:
	case ECKD_CMD_READ_R0:
	case ECKD_CMD_READ_R0 | ECKD_CMD_MT:
	case ECKD_CMD_READ_HA:
	case ECKD_CMD_READ_HA | ECKD_CMD_MT:
		return eckd_cmd_read(d, io, cmd);
	case ECKD_CMD_SEARCH_EQ:
	case ECKD_CMD_SEARCH_EQ | ECKD_CMD_MT:
	case ECKD_CMD_SEARCH_HI:
	case ECKD_CMD_SEARCH_HI | ECKD_CMD_MT:
	case ECKD_CMD_SEARCH_EQHI:
	case ECKD_CMD_SEARCH_EQHI | ECKD_CMD_MT:
		return eckd_cmd_search_id(d, io, cmd);
	case ECKD_CMD_WRITE_DATA:
	case ECKD_CMD_WRITE_DATA | ECKD_CMD_MT:   /* Write Update Data */
	case ECKD_CMD_WRITE_KD:
	case ECKD_CMD_WRITE_KD | ECKD_CMD_MT:     /* Write Update Key and Data */
		return eckd_cmd_write_data(d, io, cmd);
	case ECKD_CMD_WRITE_CKD:
	case ECKD_CMD_WRITE_CKD_NT:
	case ECKD_CMD_WRITE_R0:
		return eckd_cmd_format(d, io, cmd);
	case ECKD_CMD_READ_TRACK_DATA:
	case ECKD_CMD_WRITE_TRACK_DATA:
		return eckd_cmd_track_data(d, io, cmd);
	default:
		return eckd_reject(d, SNS7_F0_INVALID_CMD);
	}
}

static bool keeps_index_flag(uint8_t cmd)
{
	uint8_t base = cmd & ~ECKD_CMD_MT;

	return cmd == ECKD_CMD_READ_COUNT || base == ECKD_CMD_SEARCH_EQ ||
	       base == ECKD_CMD_SEARCH_HI || base == ECKD_CMD_SEARCH_EQHI;
}

/* ---- what a program holds on its volume ---- */

static bool io_cancelled(void *io)
{
	return io && css_io_cancelled(io);
}

void eckd_dirty(struct eckd_device *d, struct eckd_cache_slot *s)
{
	eckd_cache_dirty(&d->pg.vol->cache, s, d);
	d->pg.wrote = true;
}

int eckd_set_extent(struct eckd_device *d, const struct eckd_extent *de)
{
	bool write = (de->mask & DE_MASK_WRITE) != DE_MASK_WR_INHIBIT;
	int rc;

	rc = eckd_volume_lock(d->pg.vol, &d->pg.xl, de->first, de->last,
			      write, io_cancelled, d->pg.io);
	if (rc)
		return rc;
	d->pg.extent = true;
	d->ch.de = *de;
	d->ch.de_valid = true;
	d->ch.on_track = false;     /* resets orientation */
	return ECKD_DONE;
}

static void unpin(struct eckd_device *d)
{
	if (d->pg.pin) {
		eckd_cache_put(&d->pg.vol->cache, d->pg.pin);
		d->pg.pin = NULL;
	}
}

/* Let go of the one-track claim of a program without extent, after
 * writing back what it changed there. Returns: 0 or -errno. */
static int drop_track(struct eckd_device *d)
{
	int rc = 0;

	if (!d->pg.track)
		return 0;
	if (d->pg.wrote)
		rc = eckd_cache_flush(&d->pg.vol->cache, d);
	eckd_volume_unlock(d->pg.vol, &d->pg.xl);
	d->pg.track = false;
	return rc;
}

int eckd_cur_track(struct eckd_device *d, struct eckd_cache_slot **s)
{
	struct eckd_program *pg = &d->pg;
	uint32_t trk = d->ch.trk;
	int rc;

	if (pg->pin && pg->pin->trk == trk) {
		*s = pg->pin;
		return 0;
	}
	unpin(d);
	if (!pg->extent && !(pg->track && pg->xl.first == trk &&
			     (pg->xl.write || !pg->writes))) {
		rc = drop_track(d);
		if (!rc)
			rc = eckd_volume_lock(pg->vol, &pg->xl, trk, trk,
					      pg->writes, io_cancelled, pg->io);
		if (rc)
			return rc;
		pg->track = true;
	}
	rc = eckd_cache_get(&pg->vol->cache, trk, d, s);
	if (!rc)
		pg->pin = *s;
	return rc;
}

/* The command ended: its track goes back. Returns: rc, or the error of
 * writing back a track changed outside an extent. */
static int command_end(struct eckd_device *d, int rc)
{
	int err;

	if (!d->pg.vol)
		return rc;
	unpin(d);
	err = drop_track(d);
	if (err && rc >= 0 && rc < ECKD_CHECK)
		rc = err;
	return rc;
}

/*
 * The program ended: what it changed is written back and committed (made
 * durable, writethrough; eckd_volume_commit), then its claim and (an alias) its volume are given back.
 * Returns: 0 or -errno of the write-back or sync.
 */
static int program_finish(struct eckd_device *d)
{
	struct eckd_program *pg = &d->pg;
	int rc = 0;

	if (pg->vol) {
		unpin(d);
		if (pg->wrote) {
			rc = eckd_cache_flush(&pg->vol->cache, d);
			if (!rc)
				rc = eckd_volume_commit(pg->vol);
		}
		if (pg->extent || pg->track)
			eckd_volume_unlock(pg->vol, &pg->xl);
		if (pg->vol != d->own)
			eckd_volume_put(pg->vol);
	}
	memset(pg, 0, sizeof(*pg));
	pg->vol = d->own;
	return rc;
}

static uint8_t eckd_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct eckd_device *d = to_eckd(dev);
	uint8_t cmd = css_io_cmd(io);
	bool in_domain;
	uint8_t status;
	int rc;

	pthread_mutex_lock(&d->lock);
	if (!css_io_chained(io)) {
		if (d->pg.wrote || d->pg.extent || d->pg.vol != d->own) {
			log_msg(LOG_WARNING, "%s: program started before the "
				"last one ended", d->name);
			program_finish(d);
		}
		chain_reset(d);
	}
	d->pg.io = io;
	d->pg.writes = writes_tracks(cmd);
	d->ch.last = d->ch.cur;
	d->ch.cur = 0;
	/* Sense not fetched by the command right after the unit check is
	 * gone (contingent allegiance ends). */
	if (cmd != ECKD_CMD_SENSE)
		d->sense_pending = false;
	if (!keeps_index_flag(cmd))
		d->ch.index_seen = false;
	in_domain = eckd_in_domain(d) && cmd != ECKD_CMD_LOCATE;

	if (d->ch.ssd != SSD_NONE && cmd != ECKD_CMD_RSSD)
		rc = eckd_reject(d, SNS7_F0_INVALID_SEQ);
	else
		rc = dispatch(d, io, cmd);
	rc = command_end(d, rc);

	/* Count the command against its Locate Record domain. */
	if (in_domain && rc >= 0 && rc < ECKD_CHECK) {
		d->ch.lr_left--;
		if (d->ch.lr_left &&
		    !(css_io_flags(io) & (CCW_FLAG_CC | CCW_FLAG_CD)))
			rc = eckd_check(d, SNS0_CMD_REJECT | SNS0_INCOMPL_DOMAIN,
					0, SNS7_F0_NONE);
	}
	status = status_of(d, rc);
	d->ch.prev_cmd = cmd;
	d->pg.io = NULL;
	pthread_mutex_unlock(&d->lock);
	return status;
}

static size_t eckd_take_sense(struct css_device *dev, uint8_t *buf, size_t len)
{
	struct eckd_device *d = to_eckd(dev);
	size_t n = 0;

	pthread_mutex_lock(&d->lock);
	if (d->sense_pending) {
		n = len < ECKD_SENSE_LEN ? len : ECKD_SENSE_LEN;
		memcpy(buf, d->sense, n);
		d->sense_pending = false;
	}
	pthread_mutex_unlock(&d->lock);
	return n;
}

static uint8_t eckd_end_program(struct css_device *dev)
{
	struct eckd_device *d = to_eckd(dev);
	uint8_t extra = 0;
	int rc;

	pthread_mutex_lock(&d->lock);
	rc = program_finish(d);
	if (rc) {
		/* Equipment check only: with "write inhibited" Linux would
		 * vary the path offline (docs/eckd.md). */
		check_from_errno(d, rc == -EUCLEAN ? -EIO : rc);
		extra = DEV_STAT_UNIT_CHECK;
	}
	chain_reset(d);
	pthread_mutex_unlock(&d->lock);
	return extra;
}

static void eckd_reset(struct css_device *dev)
{
	struct eckd_device *d = to_eckd(dev);

	pthread_mutex_lock(&d->lock);
	d->sense_pending = false;
	chain_reset(d);
	pthread_mutex_unlock(&d->lock);
}

static void eckd_destroy(struct css_device *dev)
{
	struct eckd_device *d = to_eckd(dev);
	int rc;

	rc = program_finish(d);
	if (rc)
		log_msg(LOG_ERR, "%s: writing cached tracks: %s", d->name,
			strerror(-rc));
	eckd_lcu_remove(d->lcu, d->id.unit_addr);
	eckd_lcu_put(d->lcu);
	eckd_volume_put(d->own);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static const struct css_device_ops eckd_ops = {
	.name = "3390",
	.execute = eckd_execute,
	.take_sense = eckd_take_sense,
	.end_program = eckd_end_program,
	.reset = eckd_reset,
	.destroy = eckd_destroy,
	.describe = eckd_describe,
};

struct eckd_lcu *eckd_device_lcu(struct css_device *dev, uint16_t ssid,
				 const char *serial)
{
	struct eckd_device *d;

	if (!dev || dev->ops != &eckd_ops)
		return NULL;
	d = to_eckd(dev);
	if (d->lcu->ssid != ssid || strcmp(d->lcu->serial, serial))
		return NULL;
	eckd_lcu_get(d->lcu);
	return d->lcu;
}

/* ---- creation ---- */

static const char *model_name(uint32_t cyls)
{
	const struct eckd_model *m = eckd_model_by_cyls(ECKD_DEV_TYPE, cyls);

	return m ? m->name : "3390";
}

static int check_geometry(const struct ckd_geometry *geo, const char *path,
			  struct error *err)
{
	if (geo->devtype != ECKD_DEV_TYPE)
		return error_setf(err, EINVAL,
				  "%s: device type %04x is not a 3390", path,
				  (unsigned int)geo->devtype);
	if (geo->heads != ECKD_3390_HEADS)
		return error_setf(err, EINVAL,
				  "%s: %u tracks per cylinder, a 3390 has %u",
				  path, geo->heads, ECKD_3390_HEADS);
	if (!geo->cyls || geo->cyls > ECKD_MAX_CYLS)
		return error_setf(err, EINVAL, "%s: %u cylinders", path,
				  geo->cyls);
	return 0;
}

/* A base: its volume and identity. Returns: 0 or -1 with err. */
static int init_base(struct eckd_device *d, const struct eckd_config *cfg,
		     struct error *err)
{
	const struct ckd_geometry *geo = ckd_image_geometry(cfg->image);
	const char *path = ckd_image_path(cfg->image);
	const struct eckd_model *model;

	if (check_geometry(geo, path, err)) {
		ckd_image_close(cfg->image);
		return -1;
	}
	d->own = eckd_volume_new(cfg->image, cfg->writeback_ms, err);
	if (!d->own)
		return -1;
	if (cfg->no_readahead)
		eckd_cache_set_readahead(&d->own->cache, false);
	snprintf(d->name, sizeof(d->name), "%s", d->own->name);
	model = eckd_model_by_cyls(ECKD_DEV_TYPE, geo->cyls);
	d->id.cu_type = ECKD_CU_TYPE;
	d->id.cu_model = cfg->cu_model ? cfg->cu_model : ECKD_CU_MODEL;
	d->id.dev_type = ECKD_DEV_TYPE;
	d->id.dev_model = cfg->dev_model ? cfg->dev_model :
			  model ? model->dev_model :
			  eckd_model_find("3390-9")->dev_model;
	d->id.cyls = geo->cyls;
	d->id.heads = geo->heads;
	return 0;
}

/* An alias: the identification of its base. Returns: 0 or -1 with err. */
static int init_alias(struct eckd_device *d, const struct eckd_config *cfg,
		      struct error *err)
{
	const struct eckd_device *base = to_eckd(cfg->alias_of);

	if (cfg->image || !cfg->alias_of || cfg->alias_of->ops != &eckd_ops ||
	    !base->own || (cfg->lcu && cfg->lcu != base->lcu))
		return error_setf(err, EINVAL, "3390 alias %02x: needs a base "
				  "device of the same LCU and no image",
				  (unsigned int)cfg->unit_addr);
	d->id = base->id;
	snprintf(d->name, sizeof(d->name), "3390 HyperPAV alias %04x.%02x",
		 (unsigned int)base->id.ssid, (unsigned int)cfg->unit_addr);
	return 0;
}

/* Its place in its LCU. Returns: 0 or -1 with err. */
static int join_lcu(struct eckd_device *d, const struct eckd_config *cfg,
		    struct error *err)
{
	char serial[ECKD_SERIAL_LEN + 1];
	struct eckd_lcu *lcu = cfg->lcu;

	if (cfg->alias_of)
		lcu = to_eckd(cfg->alias_of)->lcu;
	if (lcu) {
		eckd_lcu_get(lcu);
	} else {
		if (eckd_serial_make(serial, cfg->serial, cfg->ssid,
				     cfg->unit_addr))
			return error_setf(err, EINVAL, "%s: serial \"%s\": "
					  "1-12 characters of [0-9A-Z]",
					  d->name, cfg->serial);
		lcu = eckd_lcu_new(cfg->ssid, serial, err);
		if (!lcu)
			return -1;
	}
	if (eckd_lcu_add(lcu, cfg->unit_addr, d->own ? ECKD_UA_BASE :
			 ECKD_UA_HYPERPAV, d->own)) {
		eckd_lcu_put(lcu);
		return error_setf(err, EEXIST, "%s: unit address %02x is taken "
				  "in LCU %04x", d->name,
				  (unsigned int)cfg->unit_addr,
				  (unsigned int)lcu->ssid);
	}
	d->lcu = lcu;
	d->id.ssid = lcu->ssid;
	memcpy(d->id.serial, lcu->serial, sizeof(d->id.serial));
	d->id.unit_addr = cfg->unit_addr;
	return 0;
}

struct css_device *eckd_device_new(const struct eckd_config *cfg,
				   struct error *err)
{
	struct eckd_device *d;

	if (!cfg || (!cfg->image && !cfg->alias_of)) {
		error_setf(err, EINVAL, "3390: no volume image");
		goto fail;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		error_setf(err, ENOMEM, "3390: out of memory");
		goto fail;
	}
	if (cfg->image ? init_base(d, cfg, err) : init_alias(d, cfg, err)) {
		free(d);
		return NULL;           /* init_base closed the image */
	}
	if (join_lcu(d, cfg, err)) {
		eckd_volume_put(d->own);
		free(d);
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->pg.vol = d->own;
	eckd_build_senseid(d->senseid, &d->id);
	eckd_build_rdc(d->rdc, &d->id);

	d->dev.ops = &eckd_ops;
	d->dev.cu_type = d->id.cu_type;
	d->dev.cu_model = d->id.cu_model;
	d->dev.dev_type = d->id.dev_type;
	d->dev.dev_model = d->id.dev_model;
	if (d->own)
		log_msg(LOG_INFO, "%s: %s, %u cylinders%s, uid "
			"IBM.ZZ%s.%04x.%02x", d->name, model_name(d->own->cyls),
			d->own->cyls,
			d->own->readonly ? ", read-only" : "", d->id.serial,
			(unsigned int)d->id.ssid,
			(unsigned int)d->id.unit_addr);
	else
		log_msg(LOG_INFO, "%s: uid IBM.ZZ%s.%04x.xx", d->name,
			d->id.serial, (unsigned int)d->id.ssid);
	return &d->dev;

fail:
	if (cfg)
		ckd_image_close(cfg->image);
	return NULL;
}
