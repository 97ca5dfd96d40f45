/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness.h over a minimal stand-in channel: command chaining, status
 * modifier skip, TIC, incorrect length (count vs. bytes the device moved),
 * SLI and skip, concurrent sense. It also provides the css_io_* functions
 * the device calls (css/css_device.h), so no channel subsystem is needed.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "css/css_arch.h"
#include "css/css_device.h"
#include "image/ckd_image.h"

struct css_ccw_io {
	uint8_t cmd, flags, path;
	bool chained;
	uint32_t count;
	uint8_t *data;
	uint32_t pos;          /* bytes moved */
	uint64_t asked;        /* bytes the device asked to move */
};

uint8_t css_io_cmd(const struct css_ccw_io *io) { return io->cmd; }
uint8_t css_io_flags(const struct css_ccw_io *io) { return io->flags; }
uint32_t css_io_count(const struct css_ccw_io *io) { return io->count; }
uint8_t css_io_path(const struct css_ccw_io *io) { return io->path; }
bool css_io_chained(const struct css_ccw_io *io) { return io->chained; }
bool css_io_cancelled(const struct css_ccw_io *io) { (void)io; return false; }

uint32_t css_io_remaining(const struct css_ccw_io *io)
{
	return io->count - io->pos;
}

size_t css_io_put(struct css_ccw_io *io, const void *buf, size_t len)
{
	size_t n = len < io->count - io->pos ? len : io->count - io->pos;

	if (n && !(io->flags & CCW_FLAG_SKIP))
		memcpy(io->data + io->pos, buf, n);
	io->pos += (uint32_t)n;
	io->asked += len;
	return n;
}

size_t css_io_get(struct css_ccw_io *io, void *buf, size_t len)
{
	size_t n = len < io->count - io->pos ? len : io->count - io->pos;

	if (n)
		memcpy(buf, io->data + io->pos, n);
	io->pos += (uint32_t)n;
	io->asked += len;
	return n;
}

struct harness {
	struct css_device *dev;
	struct ckd_image *img;
	uint16_t ssid;
	uint8_t ua;
	unsigned int writeback_ms;
	bool csense;
};

static struct harness *harness_new(const struct eckd_config *c)
{
	struct eckd_config cfg = *c;
	struct ckd_image *img = cfg.image;
	struct harness *h = calloc(1, sizeof(*h));
	struct error err;

	if (!h) {
		ckd_image_close(img);
		return NULL;
	}
	h->dev = eckd_device_new(&cfg, &err);
	if (!h->dev) {
		free(h);
		return NULL;
	}
	h->img = img;
	h->ssid = cfg.ssid;
	h->ua = cfg.unit_addr;
	h->writeback_ms = cfg.writeback_ms;
	h->csense = true;
	return h;
}

struct harness *h_new(struct ckd_image *img, uint16_t ssid, uint8_t ua)
{
	struct eckd_config cfg = { .image = img, .ssid = ssid, .unit_addr = ua };

	return harness_new(&cfg);
}

struct harness *h_new_writeback(struct ckd_image *img, unsigned int ms)
{
	struct eckd_config cfg = { .image = img, .ssid = 1, .unit_addr = 0,
				   .writeback_ms = ms };

	return harness_new(&cfg);
}

void h_free(struct harness *h)
{
	if (!h)
		return;
	if (h->dev)
		h->dev->ops->destroy(h->dev);
	free(h);
}

void h_detach(struct harness *h)
{
	if (h->dev)
		h->dev->ops->destroy(h->dev);
	h->dev = NULL;
	h->img = NULL;
}

int h_attach(struct harness *h, struct ckd_image *img)
{
	struct eckd_config cfg = { .image = img, .ssid = h->ssid,
				   .unit_addr = h->ua,
				   .writeback_ms = h->writeback_ms };
	struct error err;

	if (h->dev) {
		ckd_image_close(img);
		return -1;
	}
	h->dev = eckd_device_new(&cfg, &err);
	h->img = h->dev ? img : NULL;
	h->csense = true;
	return h->dev ? 0 : -1;
}

void h_set_csense(struct harness *h, bool on)
{
	h->csense = on;
}

struct css_device *h_device(struct harness *h)
{
	return h->dev;
}

struct ckd_image *h_test_image(struct harness *h)
{
	return h->img;
}

int h_run(struct harness *h, const struct tccw *prog, int n, uint8_t lpm,
	  struct tresult *res)
{
	int i = 0, steps = 0, executed = 0;

	memset(res, 0, sizeof(*res));
	res->last = -1;
	while (i >= 0 && i < n && steps++ < 100000) {
		const struct tccw *c = &prog[i];
		struct css_ccw_io io = {
			.cmd = c->cmd, .flags = c->flags, .path = lpm,
			.chained = executed > 0, .count = c->count,
			.data = c->data,
		};
		uint8_t st;

		if (c->cmd == H_TIC) {
			i = c->count;
			continue;
		}
		st = h->dev->ops->execute(h->dev, &io);
		executed++;
		res->last = i;
		res->dstat = st;
		res->residual = (uint16_t)(c->count - io.pos);
		if (!(st & DEV_STAT_UNIT_CHECK) && !(c->flags & CCW_FLAG_SLI) &&
		    io.asked != c->count) {
			res->cstat |= SCH_STAT_INCORR_LEN;
			break;
		}
		if ((st & (DEV_STAT_UNIT_CHECK | DEV_STAT_UNIT_EXCEP)) ||
		    !(c->flags & CCW_FLAG_CC))
			break;
		i += (st & DEV_STAT_STAT_MOD) ? 2 : 1;
	}
	res->executed = executed;
	res->ends = 1;
	res->statuses = 1;
	res->final_status = true;
	res->dstat |= h->dev->ops->end_program(h->dev);
	if ((res->dstat & DEV_STAT_UNIT_CHECK) && h->csense)
		res->sense_valid = h->dev->ops->take_sense(h->dev, res->sense,
							   32) == 32;
	return executed ? 0 : -1;
}
