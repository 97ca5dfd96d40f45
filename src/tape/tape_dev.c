/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 3490/3480 command processor (see tape.h; docs/tape.md). One channel
 * program at a time (the subchannel's worker); an operator's load and
 * unload (media) and describe come from other threads: every operation
 * holds the drive's lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "css/css_arch.h"
#include "css/css_device.h"
#include "image/aws_tape.h"
#include "tape/tape.h"
#include "tape/tape_state.h"

#define CMD_WRITE       0x01
#define CMD_READ        0x02
#define CMD_NOP         0x03
#define CMD_SENSE       0x04
#define CMD_REWIND      0x07
#define CMD_READ_BACK   0x0c
#define CMD_REW_UNLOAD  0x0f
#define CMD_ERASE_GAP   0x17
#define CMD_WTM         0x1f
#define CMD_READ_BLKID  0x22
#define CMD_BSB         0x27
#define CMD_BSF         0x2f
#define CMD_FSB         0x37
#define CMD_FSF         0x3f
#define CMD_LOCATE      0x4f
#define CMD_DSE         0x97
#define CMD_LOAD_DISP   0x9f
#define CMD_ASSIGN      0xb7
#define CMD_UNASSIGN    0xc7
#define CMD_MODE_SET    0xdb
#define CMD_SENSE_ID    0xe4

#define SENSE_SIZE      32

/* Sense byte 0 / 1 bits and error recovery actions (byte 3). */
#define S0_CMD_REJECT   0x80
#define S0_INTERVENTION 0x40
#define S0_EQUIP_CHECK  0x10
#define S0_DATA_CHECK   0x08
#define S1_ONLINE       0x40
#define S1_LOAD_POINT   0x08
#define S1_WRITE_PROT   0x02
#define ERA_CMD_REJECT  0x27
#define ERA_WRITE_PROT  0x30
#define ERA_END_OF_DATA 0x31
#define ERA_PHYS_END    0x38
#define ERA_LOAD_POINT  0x39
#define ERA_UNLOADED    0x2b
#define ERA_NOT_READY   0x43
#define ERA_LOCATE      0x44
#define ERA_READ_ERROR  0x23
#define ERA_WRITE_ERROR 0x25

#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)
#define CHECK (CE_DE | DEV_STAT_UNIT_CHECK)

struct tape_dev {
	struct css_device dev;
	pthread_mutex_t lock;
	struct aws_tape *t;        /* NULL: no tape mounted */
	char path[1024];           /* of the mounted tape, "" none */
	uint64_t capacity;         /* 0: no end of tape */
	uint8_t mode;              /* Mode Set byte */
	uint8_t sense[SENSE_SIZE];
	bool sense_pending, wrote;
	struct tape_state_file *state;   /* NULL: not saved */
	struct tape_state st;            /* what is saved there */
	uint8_t buf[AWS_MAX_BLOCK];
};

static struct tape_dev *to_tape(struct css_device *dev)
{
	return (struct tape_dev *)dev;
}

/* The tape and its position into the state file, if they changed (lock
 * held). A failure is logged there; the drive goes on. */
static void save_state(struct tape_dev *d)
{
	if (!d->state)
		return;
	snprintf(d->st.tape, sizeof(d->st.tape), "%s",
		 d->t ? aws_tape_path(d->t) : "");
	d->st.readonly = d->t && aws_tape_readonly(d->t);
	d->st.block = d->t ? aws_tape_block_id(d->t) : 0;
	d->st.offset = d->t ? aws_tape_offset(d->t) : 0;
	d->st.mode = d->mode;
	tape_state_file_save(d->state, &d->st);
}

/* The sense a 3490 gives, with the drive's state in byte 1. */
static void build_sense(struct tape_dev *d, uint8_t s0, uint8_t era)
{
	memset(d->sense, 0, sizeof(d->sense));
	d->sense[0] = s0;
	d->sense[1] = S1_ONLINE;
	if (!d->t) {
		d->sense[0] |= S0_INTERVENTION;
		d->sense[1] |= S1_WRITE_PROT;
	} else {
		if (aws_tape_at_load_point(d->t))
			d->sense[1] |= S1_LOAD_POINT;
		if (aws_tape_readonly(d->t))
			d->sense[1] |= S1_WRITE_PROT;
	}
	d->sense[2] = 0x20;
	d->sense[3] = era;
	d->sense[7] = 0x20;                 /* sense format */
	d->sense[25] = 0x06;
	d->sense[27] = (d->dev.dev_type == 0x3480 ? 0xf0 : 0xe0) | 0x0c;
}

static uint8_t check(struct tape_dev *d, uint8_t s0, uint8_t era)
{
	build_sense(d, s0, era);
	d->sense_pending = true;
	return CHECK;
}

static uint8_t io_error(struct tape_dev *d, const char *what, int err,
			uint8_t era)
{
	log_msg(LOG_ERR, "%s: %s: %s", aws_tape_path(d->t), what,
		strerror(-err));
	return check(d, err == -ENOSPC ? S0_EQUIP_CHECK : S0_DATA_CHECK,
		     err == -ENOSPC ? ERA_PHYS_END : era);
}

/* The end of the recorded data (forward) / the load point (backward). */
static uint8_t end_of_data(struct tape_dev *d)
{
	return check(d, S0_DATA_CHECK, ERA_END_OF_DATA);
}

static uint8_t load_point(struct tape_dev *d)
{
	return check(d, 0, ERA_LOAD_POINT);
}

static uint8_t moved(struct tape_dev *d, int ret, bool forward)
{
	switch (ret) {
	case AWS_DATA:
		return CE_DE;
	case AWS_MARK:
		return CE_DE | DEV_STAT_UNIT_EXCEP;
	case AWS_END:
		return forward ? end_of_data(d) : load_point(d);
	default:
		return io_error(d, forward ? "space forward" : "space backward",
				ret, ERA_READ_ERROR);
	}
}

static uint8_t read_fwd(struct tape_dev *d, struct css_ccw_io *io)
{
	size_t len = 0;
	int ret = aws_tape_read(d->t, d->buf, sizeof(d->buf), &len);

	if (ret == AWS_DATA)
		css_io_put(io, d->buf, len < sizeof(d->buf) ? len : sizeof(d->buf));
	return moved(d, ret, true);
}

/* Read Backward: the block before the position, its bytes last first;
 * the tape ends up before it. */
static uint8_t read_back(struct tape_dev *d, struct css_ccw_io *io)
{
	size_t len = 0;
	int ret = aws_tape_backward(d->t);

	if (ret != AWS_DATA)
		return moved(d, ret, false);
	ret = aws_tape_read(d->t, d->buf, sizeof(d->buf), &len);
	if (ret == AWS_DATA)
		ret = aws_tape_backward(d->t);
	if (ret != AWS_DATA)
		return io_error(d, "read backward", ret < 0 ? ret : -EIO,
				ERA_READ_ERROR);
	for (size_t i = 0; i < len / 2; i++) {
		uint8_t c = d->buf[i];

		d->buf[i] = d->buf[len - 1 - i];
		d->buf[len - 1 - i] = c;
	}
	css_io_put(io, d->buf, len);
	return CE_DE;
}

/* Over the next (previous) tape mark; records on the way are skipped. */
static uint8_t space_file(struct tape_dev *d, bool forward)
{
	for (;;) {
		int ret = forward ? aws_tape_forward(d->t)
				  : aws_tape_backward(d->t);

		if (ret == AWS_MARK)
			return CE_DE;
		if (ret != AWS_DATA)
			return moved(d, ret, forward);
	}
}

/* Before writing len bytes (a record, or 0 for a tape mark): past the
 * physical end? */
static bool past_end(const struct tape_dev *d, size_t len)
{
	return d->capacity &&
	       aws_tape_offset(d->t) + 6 + len > d->capacity;
}

/* After writing: in the end-of-tape warning zone? */
static uint8_t written(struct tape_dev *d)
{
	d->wrote = true;
	if (d->capacity && aws_tape_offset(d->t) >
	    (d->capacity > TAPE_EOT_MARGIN ? d->capacity - TAPE_EOT_MARGIN : 0))
		return CE_DE | DEV_STAT_UNIT_EXCEP;
	return CE_DE;
}

static uint8_t write_block(struct tape_dev *d, struct css_ccw_io *io)
{
	size_t len = css_io_get(io, d->buf, sizeof(d->buf));
	int ret;

	if (!len)
		return check(d, S0_CMD_REJECT, ERA_CMD_REJECT);
	if (past_end(d, len))
		return check(d, S0_EQUIP_CHECK, ERA_PHYS_END);
	ret = aws_tape_write(d->t, d->buf, len);
	if (ret < 0)
		return io_error(d, "write", ret, ERA_WRITE_ERROR);
	return written(d);
}

static uint8_t read_block_id(struct tape_dev *d, struct css_ccw_io *io)
{
	uint32_t n = aws_tape_block_id(d->t) & 0x3fffff;
	uint8_t id[8];

	for (int half = 0; half < 2; half++) {
		id[half * 4] = 0x01;
		id[half * 4 + 1] = (uint8_t)(n >> 16);
		id[half * 4 + 2] = (uint8_t)(n >> 8);
		id[half * 4 + 3] = (uint8_t)n;
	}
	css_io_put(io, id, sizeof(id));
	return CE_DE;
}

static uint8_t locate(struct tape_dev *d, struct css_ccw_io *io)
{
	uint8_t id[4];
	uint32_t w;
	int ret;

	if (css_io_get(io, id, sizeof(id)) < sizeof(id))
		return check(d, S0_CMD_REJECT, ERA_CMD_REJECT);
	w = ld_be32(id);
	if ((w & 0x00c00000) == 0x00c00000)     /* format 3: invalid */
		return check(d, S0_CMD_REJECT, ERA_CMD_REJECT);
	ret = aws_tape_locate(d->t, w & 0x3fffff);
	if (ret == AWS_END)
		return check(d, S0_EQUIP_CHECK, ERA_LOCATE);
	if (ret < 0)
		return io_error(d, "locate", ret, ERA_LOCATE);
	return CE_DE;
}

static uint8_t rewind_unload(struct tape_dev *d)
{
	int ret = aws_tape_flush(d->t);

	if (ret < 0) {      /* the tape stays: what was written is not safe */
		log_msg(LOG_ERR, "%s: flush: %s", aws_tape_path(d->t),
			strerror(-ret));
		return check(d, S0_EQUIP_CHECK, ERA_WRITE_ERROR);
	}
	d->wrote = false;
	aws_tape_close(d->t);
	d->t = NULL;
	log_msg(LOG_NOTICE, "tape %s unloaded by the guest", d->path);
	d->path[0] = '\0';
	/* As a 3490 reports a finished unload: ERA 2B, the drive empty. */
	build_sense(d, 0, ERA_UNLOADED);
	d->sense[0] = S0_INTERVENTION;
	d->sense_pending = true;
	return CHECK;
}

static uint8_t sense(struct tape_dev *d, struct css_ccw_io *io)
{
	if (!d->sense_pending)
		build_sense(d, 0, 0);       /* the drive's state */
	d->sense_pending = false;
	css_io_put(io, d->sense, sizeof(d->sense));
	return CE_DE;
}

/* Commands that move or change the tape need one mounted. */
static bool needs_tape(uint8_t cmd)
{
	switch (cmd) {
	case CMD_SENSE: case CMD_SENSE_ID: case CMD_MODE_SET:
	case CMD_ASSIGN: case CMD_UNASSIGN: case CMD_LOAD_DISP:
		return false;
	default:
		return true;
	}
}

static bool writes(uint8_t cmd)
{
	return cmd == CMD_WRITE || cmd == CMD_WTM || cmd == CMD_ERASE_GAP ||
	       cmd == CMD_DSE;
}

static uint8_t execute(struct tape_dev *d, struct css_ccw_io *io)
{
	struct css_device *dev = &d->dev;
	uint8_t cmd = css_io_cmd(io), b[17];
	int ret;

	if (cmd != CMD_SENSE)
		d->sense_pending = false;
	if (needs_tape(cmd) && !d->t)
		return check(d, 0, ERA_NOT_READY);
	if (writes(cmd) && aws_tape_readonly(d->t))
		return check(d, S0_CMD_REJECT, ERA_WRITE_PROT);
	switch (cmd) {
	case CMD_SENSE:
		return sense(d, io);
	case CMD_SENSE_ID:
		css_io_put_sense_id(io, dev);
		return CE_DE;
	case CMD_NOP:
		return CE_DE;
	case CMD_MODE_SET:
		if (css_io_get(io, b, 1) < 1)
			return check(d, S0_CMD_REJECT, ERA_CMD_REJECT);
		d->mode = b[0];
		return CE_DE;
	case CMD_ASSIGN:
	case CMD_UNASSIGN:
		css_io_get(io, b, 11);
		return CE_DE;
	case CMD_LOAD_DISP:
		css_io_get(io, b, sizeof(b));
		return CE_DE;
	case CMD_READ:
		return read_fwd(d, io);
	case CMD_READ_BACK:
		return read_back(d, io);
	case CMD_WRITE:
		return write_block(d, io);
	case CMD_WTM:
		if (past_end(d, 0))
			return check(d, S0_EQUIP_CHECK, ERA_PHYS_END);
		ret = aws_tape_write_mark(d->t);
		if (ret < 0)
			return io_error(d, "write tape mark", ret,
					ERA_WRITE_ERROR);
		return written(d);
	case CMD_ERASE_GAP:
		return CE_DE;
	case CMD_DSE:
		ret = aws_tape_erase(d->t);
		if (ret < 0)
			return io_error(d, "erase", ret, ERA_WRITE_ERROR);
		d->wrote = true;
		return CE_DE;
	case CMD_FSB:
		return moved(d, aws_tape_forward(d->t), true);
	case CMD_BSB:
		return moved(d, aws_tape_backward(d->t), false);
	case CMD_FSF:
		return space_file(d, true);
	case CMD_BSF:
		return space_file(d, false);
	case CMD_REWIND:
		aws_tape_rewind(d->t);
		return CE_DE;
	case CMD_REW_UNLOAD:
		return rewind_unload(d);
	case CMD_READ_BLKID:
		return read_block_id(d, io);
	case CMD_LOCATE:
		return locate(d, io);
	default:
		return check(d, S0_CMD_REJECT, ERA_CMD_REJECT);
	}
}

static uint8_t tape_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct tape_dev *d = to_tape(dev);
	uint8_t st;

	pthread_mutex_lock(&d->lock);
	st = execute(d, io);
	pthread_mutex_unlock(&d->lock);
	return st;
}

static size_t tape_take_sense(struct css_device *dev, uint8_t *buf,
			      size_t len)
{
	struct tape_dev *d = to_tape(dev);
	size_t n = len < SENSE_SIZE ? len : SENSE_SIZE;

	pthread_mutex_lock(&d->lock);
	memcpy(buf, d->sense, n);
	d->sense_pending = false;
	pthread_mutex_unlock(&d->lock);
	return n;
}

/* What was written is durable before the final status. */
static uint8_t end_program(struct tape_dev *d)
{
	int ret;

	if (!d->wrote || !d->t)
		return 0;
	d->wrote = false;
	ret = aws_tape_flush(d->t);
	if (ret == 0)
		return 0;
	log_msg(LOG_ERR, "%s: flush: %s", aws_tape_path(d->t), strerror(-ret));
	build_sense(d, S0_EQUIP_CHECK, ERA_WRITE_ERROR);
	d->sense_pending = true;
	return DEV_STAT_UNIT_CHECK;
}

static uint8_t tape_end_program(struct css_device *dev)
{
	struct tape_dev *d = to_tape(dev);
	uint8_t st;

	pthread_mutex_lock(&d->lock);
	st = end_program(d);
	save_state(d);     /* before the final status */
	pthread_mutex_unlock(&d->lock);
	return st;
}

static void tape_reset(struct css_device *dev)
{
	struct tape_dev *d = to_tape(dev);

	pthread_mutex_lock(&d->lock);
	d->sense_pending = false;
	pthread_mutex_unlock(&d->lock);
}

static void tape_destroy(struct css_device *dev)
{
	struct tape_dev *d = to_tape(dev);

	aws_tape_close(d->t);
	tape_state_file_close(d->state);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/*
 * The operator's side of the drive: a tape goes in (the drive becomes
 * ready and tells the channel with attention, device end and unit
 * exception, which tape_34xx takes as "medium inserted") or comes out
 * (rewound and unloaded; the program learns at its next command, from
 * intervention required). What was written is made durable first.
 */
static int tape_media(struct css_device *dev, const char *path, bool readonly,
		      struct error *err)
{
	struct tape_dev *d = to_tape(dev);
	struct aws_tape *t = NULL;
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	if (path && d->t)
		ret = error_setf(err, EBUSY, "the drive holds tape %s: unload "
				 "it first", d->path);
	pthread_mutex_unlock(&d->lock);
	if (ret)
		return ret;
	if (path) {    /* open without the lock: I/O goes on meanwhile */
		t = aws_tape_open(path, readonly, err);
		if (!t)
			return err->errnum ? -err->errnum : -EIO;
	}
	pthread_mutex_lock(&d->lock);
	if (path && d->t) {
		ret = error_setf(err, EBUSY, "the drive holds tape %s: unload "
				 "it first", d->path);
	} else if (!path && !d->t) {
		ret = error_setf(err, ENOMEDIUM, "the drive holds no tape");
	} else if (path) {
		d->t = t;
		t = NULL;
		snprintf(d->path, sizeof(d->path), "%s", aws_tape_path(d->t));
		log_msg(LOG_NOTICE, "tape %s loaded%s", d->path,
			readonly ? " (write-protected)" : "");
		ret = DEV_STAT_ATTENTION | DEV_STAT_DEV_END |
		      DEV_STAT_UNIT_EXCEP;
	} else if ((ret = aws_tape_flush(d->t)) < 0) {
		/* The tape stays in (and a program that wrote still ends
		 * with the flush's unit check): nothing is lost quietly. */
		ret = error_setf(err, -ret, "%s: cannot make what was written "
				 "durable: %s; the tape stays loaded", d->path,
				 strerror(-ret));
	} else {
		aws_tape_close(d->t);
		d->t = NULL;
		d->wrote = false;
		log_msg(LOG_NOTICE, "tape %s unloaded", d->path);
		d->path[0] = '\0';
	}
	if (ret >= 0)
		save_state(d);
	pthread_mutex_unlock(&d->lock);
	aws_tape_close(t);
	return ret;
}

static void tape_describe(struct css_device *dev, struct css_device_desc *out)
{
	struct tape_dev *d = to_tape(dev);
	struct stat st;

	memset(out, 0, sizeof(*out));
	snprintf(out->model, sizeof(out->model), "%04X", d->dev.dev_type);
	pthread_mutex_lock(&d->lock);
	snprintf(out->image, sizeof(out->image), "%s", d->path);
	snprintf(out->format, sizeof(out->format), "%s", !d->t ? "none" :
		 aws_tape_format(d->t) == AWS_FORMAT_HET ? "het" : "aws");
	out->readonly = d->t && aws_tape_readonly(d->t);
	out->removable = true;
	pthread_mutex_unlock(&d->lock);
	snprintf(out->cache, sizeof(out->cache), "writethrough");
	if (out->image[0] && stat(out->image, &st) == 0) {
		out->file_size = (uint64_t)st.st_size;
		out->file_alloc = (uint64_t)st.st_blocks * 512;
		out->capacity = out->file_size;   /* what is recorded */
	}
}

static const struct css_device_ops tape_ops = {
	.name = "3490",
	.execute = tape_execute,
	.take_sense = tape_take_sense,
	.end_program = tape_end_program,
	.reset = tape_reset,
	.destroy = tape_destroy,
	.describe = tape_describe,
	.media = tape_media,
};

struct css_device *tape_device_new(const struct tape_config *cfg,
				   struct error *err)
{
	struct tape_dev *d;

	if (cfg->type != 0x3490 && cfg->type != 0x3480) {
		error_setf(err, EINVAL, "tape type %04X: 3490 or 3480",
			   cfg->type);
		aws_tape_close(cfg->tape);
		tape_state_file_close(cfg->state);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		error_setf(err, ENOMEM, "tape: out of memory");
		aws_tape_close(cfg->tape);
		tape_state_file_close(cfg->state);
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->t = cfg->tape;
	d->capacity = cfg->capacity;
	d->mode = cfg->mode;
	if (d->t)
		snprintf(d->path, sizeof(d->path), "%s", aws_tape_path(d->t));
	d->state = cfg->state;
	if (cfg->inv_tape)
		snprintf(d->st.inv_tape, sizeof(d->st.inv_tape), "%s",
			 cfg->inv_tape);
	d->st.inv_readonly = cfg->inv_readonly;
	save_state(d);
	d->dev.ops = &tape_ops;
	d->dev.cu_type = cfg->type;
	d->dev.cu_model = cfg->cu_model ? cfg->cu_model : 0x10;
	d->dev.dev_type = cfg->type;
	d->dev.dev_model = cfg->dev_model ? cfg->dev_model : 0x10;
	return &d->dev;
}
