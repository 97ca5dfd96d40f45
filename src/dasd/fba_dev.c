/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FBA command processor (see fba.h; docs/fba.md). One channel program
 * at a time: the subchannel's worker calls execute() per command and
 * end_program() at the end; describe() may run on any thread and reads
 * only what never changes.
 *
 * Within a command chain: Define Extent (at most one) sets the extent
 * and what it permits; Locate names blocks inside it and what to do with
 * them; Read or Write right after Locate moves them (one command with
 * data chaining, as Linux sends it, or one Locate + Read/Write pair per
 * block). A Write whose data ends early fills the rest of the located
 * blocks with zeros (Linux's discard and write-zeroes rely on it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "css/css_arch.h"
#include "css/css_device.h"
#include "dasd/fba.h"
#include "image/fba_image.h"

#define CMD_WRITE      0x41
#define CMD_READ       0x42
#define CMD_LOCATE     0x43
#define CMD_DEF_EXT    0x63
#define CMD_RDC        0x64
#define CMD_SENSE      0x04
#define CMD_NOP        0x03
#define CMD_SENSE_ID   0xe4

#define DE_SIZE        16
#define LO_SIZE        8
#define RDC_SIZE       32
#define SENSE_SIZE     24

/* Define Extent mask byte: permissions (bits 0-1), reserved bits. */
#define MASK_PERM      0xc0
#define MASK_PERM_INHIBIT_ALL  0x40   /* no write of any kind */
#define MASK_RESERVED  0x33

/* Locate operation codes (low nibble; the high one must be zero). */
#define OP_WRITE       0x01
#define OP_READ_REPL   0x02
#define OP_WRITE_VERIFY 0x05
#define OP_READ        0x06

/* Sense byte 0 and 1 (3370/9336 basic sense). */
#define S0_CMD_REJECT  0x80
#define S0_EQUIP_CHECK 0x10
#define S1_FILE_PROT   0x04

/* Blocks moved per image call. */
#define CHUNK_BLOCKS   64

struct fba_dev {
	struct css_device dev;
	struct fba_image *img;
	const struct fba_model *model;
	/* the chain's state */
	bool have_de;
	uint8_t mask;
	uint32_t ext_loc, ext_beg, ext_end;
	bool have_lo;             /* the previous command was Locate */
	bool lo_write;
	uint64_t lo_block;        /* next located block (absolute) */
	uint32_t lo_left;         /* located blocks not moved yet */
	bool wrote;               /* since the last flush */
	uint8_t sense[SENSE_SIZE];     /* all zeros: none pending */
	uint8_t buf[CHUNK_BLOCKS * FBA_BLOCK_SIZE];
};

static struct fba_dev *to_fba(struct css_device *dev)
{
	return (struct fba_dev *)dev;
}

static void set_sense(struct fba_dev *d, uint8_t s0, uint8_t s1)
{
	memset(d->sense, 0, sizeof(d->sense));
	d->sense[0] = s0;
	d->sense[1] = s1;
}

static uint8_t check(struct fba_dev *d, uint8_t s0, uint8_t s1)
{
	set_sense(d, s0, s1);
	d->have_lo = false;
	return DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK;
}

static uint8_t reject(struct fba_dev *d)
{
	return check(d, S0_CMD_REJECT, 0);
}

static uint8_t io_failed(struct fba_dev *d, const char *what, uint64_t blk,
			 int err)
{
	log_msg(LOG_ERR, "%s: %s block %llu: %s", fba_image_path(d->img), what,
		(unsigned long long)blk, strerror(-err));
	return check(d, S0_EQUIP_CHECK, 0);
}

static const uint8_t ok = DEV_STAT_CHN_END | DEV_STAT_DEV_END;

static uint8_t read_dev_chars(struct fba_dev *d, struct css_ccw_io *io)
{
	uint8_t rdc[RDC_SIZE] = { 0 };

	rdc[0] = 0x30;                 /* burst mode, data chaining */
	rdc[1] = 0x08;
	rdc[2] = 0x21;                 /* device class: FBA */
	rdc[3] = d->model->unit_type;
	st_be16(rdc + 4, FBA_BLOCK_SIZE);
	st_be32(rdc + 6, d->model->bpg);
	st_be32(rdc + 10, d->model->bpp);
	st_be32(rdc + 14, (uint32_t)fba_image_blocks(d->img));
	css_io_put(io, rdc, sizeof(rdc));
	return ok;
}

static uint8_t define_extent(struct fba_dev *d, struct css_ccw_io *io)
{
	uint8_t de[DE_SIZE];
	uint32_t loc, beg, end;

	if (d->have_de || css_io_get(io, de, sizeof(de)) < sizeof(de))
		return reject(d);
	loc = ld_be32(de + 4);
	beg = ld_be32(de + 8);
	end = ld_be32(de + 12);
	if ((de[0] & MASK_RESERVED) || de[1] ||
	    ld_be16(de + 2) != FBA_BLOCK_SIZE || end < beg ||
	    loc >= fba_image_blocks(d->img) ||
	    (uint64_t)end - beg + 1 > fba_image_blocks(d->img) - loc)
		return reject(d);
	d->have_de = true;
	d->mask = de[0];
	d->ext_loc = loc;
	d->ext_beg = beg;
	d->ext_end = end;
	return ok;
}

static uint8_t locate(struct fba_dev *d, struct css_ccw_io *io)
{
	uint8_t lo[LO_SIZE];
	uint32_t nr, ct;
	bool write;

	if (!d->have_de || css_io_get(io, lo, sizeof(lo)) < sizeof(lo))
		return reject(d);
	switch (lo[0]) {
	case OP_WRITE:
	case OP_WRITE_VERIFY:
		write = true;
		break;
	case OP_READ:
	case OP_READ_REPL:
		write = false;
		break;
	default:
		return reject(d);
	}
	ct = ld_be16(lo + 2);
	nr = ld_be32(lo + 4);
	if (!ct || nr < d->ext_beg || nr > d->ext_end ||
	    ct - 1 > d->ext_end - nr)
		return reject(d);           /* outside the extent */
	if (write && ((d->mask & MASK_PERM) == MASK_PERM_INHIBIT_ALL ||
		      fba_image_readonly(d->img)))
		return check(d, S0_CMD_REJECT, S1_FILE_PROT);
	d->lo_write = write;
	d->lo_block = (uint64_t)d->ext_loc + (nr - d->ext_beg);
	d->lo_left = ct;
	d->have_lo = true;
	return ok;
}

static uint8_t read_blocks(struct fba_dev *d, struct css_ccw_io *io)
{
	if (!d->have_lo || d->lo_write)
		return reject(d);
	while (d->lo_left) {
		uint32_t n = d->lo_left < CHUNK_BLOCKS ? d->lo_left
						       : CHUNK_BLOCKS;
		size_t want = (size_t)n * FBA_BLOCK_SIZE, got;
		int ret = fba_image_read(d->img, d->lo_block, n, d->buf);

		if (ret < 0)
			return io_failed(d, "read", d->lo_block, ret);
		got = css_io_put(io, d->buf, want);
		d->lo_block += got / FBA_BLOCK_SIZE;
		d->lo_left -= (uint32_t)(got / FBA_BLOCK_SIZE);
		if (got < want)
			break;                  /* the channel's count ended */
	}
	/* The next Read needs a Locate of its own. */
	d->have_lo = false;
	return ok;
}

static uint8_t write_blocks(struct fba_dev *d, struct css_ccw_io *io)
{
	bool data = true;

	if (!d->have_lo || !d->lo_write)
		return reject(d);
	while (d->lo_left) {
		uint32_t n = d->lo_left < CHUNK_BLOCKS ? d->lo_left
						       : CHUNK_BLOCKS;
		size_t want = (size_t)n * FBA_BLOCK_SIZE, got = 0;
		int ret;

		if (data) {
			got = css_io_get(io, d->buf, want);
			data = got == want;
		}
		/* What the channel did not give: zeros, block by block. */
		memset(d->buf + got, 0, want - got);
		ret = fba_image_write(d->img, d->lo_block, n, d->buf);
		if (ret < 0)
			return io_failed(d, "write", d->lo_block, ret);
		d->wrote = true;
		d->lo_block += n;
		d->lo_left -= n;
	}
	d->have_lo = false;
	return ok;
}

static size_t fba_take_sense(struct css_device *dev, uint8_t *buf,
			     size_t len)
{
	struct fba_dev *d = to_fba(dev);
	size_t n = len < SENSE_SIZE ? len : SENSE_SIZE;

	memcpy(buf, d->sense, n);
	memset(d->sense, 0, sizeof(d->sense));
	return n;
}

static uint8_t fba_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct fba_dev *d = to_fba(dev);
	uint8_t cmd = css_io_cmd(io);

	if (!css_io_chained(io))        /* a new chain: no extent yet */
		d->have_de = d->have_lo = false;
	/* Only Read / Write may follow a Locate. */
	if (cmd != CMD_READ && cmd != CMD_WRITE)
		d->have_lo = false;
	switch (cmd) {
	case CMD_NOP:
		return ok;
	case CMD_SENSE: {
		uint8_t sense[SENSE_SIZE];

		css_io_put(io, sense, fba_take_sense(dev, sense, sizeof(sense)));
		return ok;
	}
	case CMD_SENSE_ID:
		css_io_put_sense_id(io, dev);
		return ok;
	case CMD_RDC:
		return read_dev_chars(d, io);
	case CMD_DEF_EXT:
		return define_extent(d, io);
	case CMD_LOCATE:
		return locate(d, io);
	case CMD_READ:
		return read_blocks(d, io);
	case CMD_WRITE:
		return write_blocks(d, io);
	default:
		return reject(d);
	}
}

/* Writes are durable before the final status (as a 3990 with NVS
 * promises for ECKD; an FBA guest never sends a flush either). */
static uint8_t fba_end_program(struct css_device *dev)
{
	struct fba_dev *d = to_fba(dev);
	int ret;

	d->have_de = d->have_lo = false;
	if (!d->wrote)
		return 0;
	d->wrote = false;
	ret = fba_image_flush(d->img);
	if (ret == 0)
		return 0;
	log_msg(LOG_ERR, "%s: flush: %s", fba_image_path(d->img),
		strerror(-ret));
	set_sense(d, S0_EQUIP_CHECK, 0);
	return DEV_STAT_UNIT_CHECK;
}

static void fba_reset(struct css_device *dev)
{
	struct fba_dev *d = to_fba(dev);

	d->have_de = d->have_lo = false;
	memset(d->sense, 0, sizeof(d->sense));
}

static void fba_destroy(struct css_device *dev)
{
	struct fba_dev *d = to_fba(dev);

	fba_image_close(d->img);
	free(d);
}

static void fba_describe(struct css_device *dev, struct css_device_desc *out)
{
	struct fba_dev *d = to_fba(dev);
	struct stat st;

	memset(out, 0, sizeof(*out));
	snprintf(out->model, sizeof(out->model), "%s", d->model->name);
	snprintf(out->image, sizeof(out->image), "%s", fba_image_path(d->img));
	snprintf(out->format, sizeof(out->format), "%s",
		 fba_image_format(d->img) == FBA_IMAGE_CFBA ? "cfba" : "fba");
	out->capacity = fba_image_blocks(d->img) * FBA_BLOCK_SIZE;
	if (stat(fba_image_path(d->img), &st) == 0)
		out->file_size = (uint64_t)st.st_size;
	out->file_alloc = fba_image_allocated(d->img);
	out->readonly = fba_image_readonly(d->img);
	snprintf(out->cache, sizeof(out->cache), "writethrough");
}

static const struct css_device_ops fba_ops = {
	.name = "fba",
	.execute = fba_execute,
	.take_sense = fba_take_sense,
	.end_program = fba_end_program,
	.reset = fba_reset,
	.destroy = fba_destroy,
	.describe = fba_describe,
};

struct css_device *fba_device_new(const struct fba_config *cfg,
				  struct error *err)
{
	const struct fba_model *m;
	struct fba_dev *d;

	m = fba_model_for(cfg->dev_type, fba_image_blocks(cfg->image));
	if (!m || fba_image_blocks(cfg->image) > 0xffffffffu) {
		error_setf(err, EINVAL, "%s: no FBA model %04X of %llu blocks",
			   fba_image_path(cfg->image), cfg->dev_type,
			   (unsigned long long)fba_image_blocks(cfg->image));
		fba_image_close(cfg->image);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		error_setf(err, ENOMEM, "FBA device: out of memory");
		fba_image_close(cfg->image);
		return NULL;
	}
	d->img = cfg->image;
	d->model = m;
	d->dev.cu_model = cfg->cu_model ? cfg->cu_model
					: m->cu_type == 0x6310 ? 0x80 : 0x01;
	d->dev.ops = &fba_ops;
	d->dev.cu_type = m->cu_type;
	d->dev.dev_type = m->dev_type;
	d->dev.dev_model = cfg->dev_model ? cfg->dev_model : m->dev_model;
	return &d->dev;
}
