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

int eckd_check(struct eckd_device *d, uint8_t b0, uint8_t b1, uint8_t fmt_msg)
{
	struct eckd_sense_info si = {
		.b0 = b0,
		.b1 = b1,
		.fmt_msg = fmt_msg,
		.vol_cyls = d->cyls,
	};

	if (d->ch.on_track) {
		si.cyl = d->ch.trk / d->heads;
		si.head = d->ch.trk % d->heads;
		if (d->ch.orient != ORIENT_INDEX)
			si.rec = d->ch.rec.r;
	}
	eckd_sense_build(d->sense, &si);
	d->sense_pending = true;
	return ECKD_CHECK;
}

static void chain_reset(struct eckd_device *d)
{
	memset(&d->ch, 0, sizeof(d->ch));
}

/* The one place where an errno becomes sense: see docs/eckd.md. */
static int check_from_errno(struct eckd_device *d, int err)
{
	switch (err) {
	case -EUCLEAN:      /* the stored track image is corrupt */
		log_msg(LOG_ERR, "%s: track %u: corrupt track image", d->name,
			d->ch.trk);
		return eckd_check(d, SNS0_DATA_CHECK, 0, SNS7_F4_DATA_CHECK);
	case -EROFS:
		return eckd_check(d, SNS0_CMD_REJECT, SNS1_WRITE_INHIBITED,
				  SNS7_F0_INVALID_PARM);
	default:            /* -EIO, -ENOSPC, -ENOMEM, ... */
		log_msg(LOG_ERR, "%s: track %u: %s", d->name, d->ch.trk,
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
	default:
		return ok | DEV_STAT_UNIT_CHECK;
	}
}

static int dispatch(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd)
{
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
	case ECKD_CMD_PSF:
		return eckd_cmd_psf(d, io);
	case ECKD_CMD_RSSD:
		return eckd_cmd_rssd(d, io);
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

static uint8_t eckd_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct eckd_device *d = to_eckd(dev);
	uint8_t cmd = css_io_cmd(io);
	bool in_domain;
	uint8_t status;
	int rc;

	pthread_mutex_lock(&d->lock);
	if (!css_io_chained(io))
		chain_reset(d);
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

	/* Count the command against its Locate Record domain. */
	if (in_domain && rc >= 0 && rc != ECKD_CHECK) {
		d->ch.lr_left--;
		if (d->ch.lr_left &&
		    !(css_io_flags(io) & (CCW_FLAG_CC | CCW_FLAG_CD)))
			rc = eckd_check(d, SNS0_CMD_REJECT | SNS0_INCOMPL_DOMAIN,
					0, SNS7_F0_NONE);
	}
	status = status_of(d, rc);
	d->ch.prev_cmd = cmd;
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

/* Make this program's writes durable. Returns: 0 or -errno. */
static int commit(struct eckd_device *d)
{
	int rc;

	rc = eckd_cache_flush(&d->cache);
	if (!rc && d->wrote)
		rc = ckd_image_sync(d->img);
	d->wrote = false;
	return rc;
}

static uint8_t eckd_end_program(struct css_device *dev)
{
	struct eckd_device *d = to_eckd(dev);
	uint8_t extra = 0;
	int rc;

	pthread_mutex_lock(&d->lock);
	rc = commit(d);
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

	rc = commit(d);
	if (rc)
		log_msg(LOG_ERR, "%s: writing cached tracks: %s", d->name,
			strerror(-rc));
	eckd_cache_fini(&d->cache);
	ckd_image_close(d->img);
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
};

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

struct css_device *eckd_device_new(const struct eckd_config *cfg,
				   struct error *err)
{
	const struct ckd_geometry *geo;
	const struct eckd_model *model;
	struct eckd_device *d = NULL;
	const char *path;

	if (!cfg || !cfg->image) {
		error_setf(err, EINVAL, "3390: no volume image");
		goto fail;
	}
	geo = ckd_image_geometry(cfg->image);
	path = ckd_image_path(cfg->image);
	if (check_geometry(geo, path, err))
		goto fail;
	d = calloc(1, sizeof(*d));
	if (!d) {
		error_setf(err, ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	if (eckd_serial_make(d->id.serial, cfg->serial, cfg->ssid,
			     cfg->unit_addr)) {
		error_setf(err, EINVAL,
			   "%s: serial \"%s\": 1-12 characters of [0-9A-Z]",
			   path, cfg->serial);
		goto fail;
	}
	if (eckd_cache_init(&d->cache, cfg->image)) {
		error_setf(err, ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->img = cfg->image;
	snprintf(d->name, sizeof(d->name), "3390 %s", path);
	d->cyls = geo->cyls;
	d->heads = geo->heads;
	d->tracks = geo->cyls * geo->heads;
	d->readonly = ckd_image_readonly(cfg->image);

	model = eckd_model_by_cyls(ECKD_DEV_TYPE, geo->cyls);
	d->id.cu_type = ECKD_CU_TYPE;
	d->id.cu_model = cfg->cu_model ? cfg->cu_model : ECKD_CU_MODEL;
	d->id.dev_type = ECKD_DEV_TYPE;
	d->id.dev_model = cfg->dev_model ? cfg->dev_model :
			  model ? model->dev_model :
			  eckd_model_find("3390-9")->dev_model;
	d->id.cyls = d->cyls;
	d->id.heads = d->heads;
	d->id.ssid = cfg->ssid;
	d->id.unit_addr = cfg->unit_addr;
	eckd_build_senseid(d->senseid, &d->id);
	eckd_build_rdc(d->rdc, &d->id);

	d->dev.ops = &eckd_ops;
	d->dev.cu_type = d->id.cu_type;
	d->dev.cu_model = d->id.cu_model;
	d->dev.dev_type = d->id.dev_type;
	d->dev.dev_model = d->id.dev_model;
	log_msg(LOG_INFO, "%s: %s, %u cylinders%s, uid IBM.ZZ%s.%04x.%02x",
		d->name, model ? model->name : "3390", d->cyls,
		d->readonly ? ", read-only" : "", d->id.serial,
		(unsigned int)d->id.ssid, (unsigned int)d->id.unit_addr);
	return &d->dev;

fail:
	free(d);
	if (cfg)
		ckd_image_close(cfg->image);
	return NULL;
}
