/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness.h over the real channel subsystem: one subchannel with two FICON
 * paths (CHPIDs 40, 41), CSS_F_SYNC, a flat 4 MB "main storage" holding
 * format-1 CCWs, format-2 4 KB IDALs (ORB like Linux and the BIOS: format 1,
 * prefetch, 64-bit IDAWs) and the data areas, which are copied in from the
 * test's buffers before START SUBCHANNEL and out again after TEST
 * SUBCHANNEL. The subchannel's device is a pass-through around the 3390
 * that only counts the commands the channel hands it and the ends of
 * programs (tresult.executed, .ends).
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "css/css.h"
#include "css/css_device.h"
#include "image/ckd_image.h"

#define MEM_SIZE   (4u << 20)
#define CCW_BASE   0x1000u
#define MAX_CCWS   1024
#define IDAL_BASE  0x4000u
#define IDAL_END   0x10000u
#define DATA_BASE  0x10000u

/* Forwards every call to the 3390 and counts execute() calls. */
struct counting_dev {
	struct css_device dev;        /* first member */
	struct css_device *inner;
	int executed;
	int ends;
};

static struct counting_dev *to_counting(struct css_device *dev)
{
	return (struct counting_dev *)dev;
}

static uint8_t cnt_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct counting_dev *c = to_counting(dev);

	c->executed++;
	return c->inner->ops->execute(c->inner, io);
}

static size_t cnt_take_sense(struct css_device *dev, uint8_t *buf, size_t len)
{
	struct css_device *in = to_counting(dev)->inner;

	return in->ops->take_sense(in, buf, len);
}

static uint8_t cnt_end_program(struct css_device *dev)
{
	struct counting_dev *c = to_counting(dev);

	c->ends++;
	return c->inner->ops->end_program(c->inner);
}

static void cnt_reset(struct css_device *dev)
{
	struct css_device *in = to_counting(dev)->inner;

	in->ops->reset(in);
}

static void cnt_destroy(struct css_device *dev)
{
	struct counting_dev *c = to_counting(dev);

	c->inner->ops->destroy(c->inner);
	free(c);
}

static const struct css_device_ops counting_ops = {
	.name = "3390 (counted)",
	.execute = cnt_execute,
	.take_sense = cnt_take_sense,
	.end_program = cnt_end_program,
	.reset = cnt_reset,
	.destroy = cnt_destroy,
};

/* Wraps inner (owned by the wrapper from now on); NULL: inner destroyed. */
static struct counting_dev *counting_new(struct css_device *inner)
{
	struct counting_dev *c = calloc(1, sizeof(*c));

	if (!c) {
		inner->ops->destroy(inner);
		return NULL;
	}
	c->dev = *inner;
	c->dev.ops = &counting_ops;
	c->inner = inner;
	return c;
}

struct harness {
	struct css *css;
	struct css_subchannel *sch;
	struct css_device *dev;
	struct counting_dev *cnt;
	struct ckd_image *img;
	uint8_t *mem;
	struct css_flatmem fm;
};

static int modify(struct harness *h, bool csense)
{
	struct css_schib schib;

	if (css_stsch(h->sch, &schib))
		return -1;
	schib.pmcw.flags |= PMCW_FLAGS_ENA | PMCW_FLAGS_MP;
	schib.pmcw.lpm = 0xc0;
	if (csense)
		schib.pmcw.chars |= PMCW_CHARS_CSENSE;
	else
		schib.pmcw.chars &= ~(uint32_t)PMCW_CHARS_CSENSE;
	return css_msch(h->sch, &schib) ? -1 : 0;
}

struct harness *h_new(struct ckd_image *img, uint16_t ssid, uint8_t ua)
{
	struct eckd_config cfg = { .image = img, .ssid = ssid, .unit_addr = ua };
	struct css_subchannel_config sc = {
		.schid = { 0, 0, 0x0001 }, .devno = { 0, 0, 0x1234 },
		.chpids = { 0x40, 0x41 }, .pim = 0xc0, .pam = 0xc0,
		.pom = 0xc0, .type = CSS_SCH_TYPE_IO,
	};
	struct harness *h = calloc(1, sizeof(*h));
	struct error err;

	if (!h) {
		ckd_image_close(img);
		return NULL;
	}
	h->mem = calloc(1, MEM_SIZE);
	h->css = css_new(CSS_F_SYNC);
	h->dev = eckd_device_new(&cfg, &err);
	if (h->dev) {
		h->cnt = counting_new(h->dev);
		if (!h->cnt)
			h->dev = NULL;
	}
	if (!h->mem || !h->css || !h->cnt)
		goto fail;
	if (css_add_chp(h->css, 0x40, CSS_CHP_TYPE_FC, &err) ||
	    css_add_chp(h->css, 0x41, CSS_CHP_TYPE_FC, &err))
		goto fail;
	sc.dev = &h->cnt->dev;
	if (css_add_subchannel(h->css, &sc, &h->sch, &err))
		goto fail;
	h->img = img;
	css_flatmem_init(&h->fm, h->mem, MEM_SIZE);
	if (modify(h, true))
		goto fail;
	return h;
fail:
	if (h->css)
		css_free(h->css);     /* and the device, once added */
	if (h->cnt && !h->sch)
		h->cnt->dev.ops->destroy(&h->cnt->dev);
	free(h->mem);
	free(h);
	return NULL;
}

void h_free(struct harness *h)
{
	if (!h)
		return;
	css_free(h->css);
	free(h->mem);
	free(h);
}

void h_set_csense(struct harness *h, bool on)
{
	modify(h, on);
}

struct css_device *h_device(struct harness *h)
{
	return h->dev;
}

struct ckd_image *h_test_image(struct harness *h)
{
	return h->img;
}

/* A format-2 4 KB IDAL for [addr, addr+count) at *idal. */
static uint32_t build_idal(struct harness *h, uint32_t *idal, uint32_t addr,
			   uint32_t count)
{
	uint32_t at = *idal, a = addr;

	do {
		st_be64(h->mem + *idal, a);
		*idal += 8;
		a = (a & ~0xfffu) + 0x1000u;
	} while (a < addr + count);
	return at;
}

int h_run(struct harness *h, const struct tccw *prog, int n, uint8_t lpm,
	  struct tresult *res)
{
	uint32_t data = DATA_BASE, idal = IDAL_BASE, addr[MAX_CCWS];
	struct css_orb orb = {
		.intparm = 0x12345678, .lpm = lpm, .cpa = CCW_BASE,
		.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64,
	};
	struct css_irb irb, again;
	int i;

	memset(res, 0, sizeof(*res));
	if (n <= 0 || n > MAX_CCWS)
		return -1;
	/* No CCWs of an earlier program after this one (TIC targets). */
	memset(h->mem + CCW_BASE, 0, 8u * MAX_CCWS);
	for (i = 0; i < n; i++) {
		const struct tccw *c = &prog[i];
		struct css_ccw ccw = {
			.cmd = c->cmd, .flags = c->flags, .count = c->count,
		};

		if (c->cmd == H_TIC) {
			ccw.flags = 0;
			ccw.count = 0;
			ccw.cda = CCW_BASE + 8u * c->count;
		} else if (c->count) {
			/* Data areas start 0x800 into a page: every 4 KB area
			 * spans two pages, so IDALs have two or more words. */
			data = ((data + 0xfffu) & ~0xfffu) + 0x800u;
			if (data + c->count > MEM_SIZE)
				return -1;
			addr[i] = data;
			if (c->data)
				memcpy(h->mem + data, c->data, c->count);
			else
				memset(h->mem + data, 0, c->count);
			ccw.cda = data;
			if (c->flags & H_IDA) {
				if (idal + 8u * (c->count / 4096u + 2) > IDAL_END)
					return -1;
				ccw.cda = build_idal(h, &idal, data, c->count);
			}
			data += c->count;
		}
		css_ccw_store(&ccw, h->mem + CCW_BASE + 8u * (uint32_t)i);
	}
	h->cnt->executed = 0;
	h->cnt->ends = 0;
	if (css_ssch(h->sch, &orb, &h->fm.mem) != 0)
		return -1;
	if (css_tsch(h->sch, &irb) != 0)
		return -1;
	/* The program's status was collected; no second one may follow. */
	res->statuses = 1 + (css_tsch(h->sch, &again) == 0);
	res->final_status = (irb.scsw.ctrl & (SCSW_STCTL_PRIMARY |
					      SCSW_STCTL_STATUS_PEND)) ==
			    (SCSW_STCTL_PRIMARY | SCSW_STCTL_STATUS_PEND);
	for (i = 0; i < n; i++)
		if (prog[i].cmd != H_TIC && prog[i].count && prog[i].data)
			memcpy(prog[i].data, h->mem + addr[i], prog[i].count);
	res->dstat = irb.scsw.dstat;
	res->cstat = irb.scsw.cstat;
	res->residual = irb.scsw.count;
	res->executed = h->cnt->executed;
	res->ends = h->cnt->ends;
	res->last = (int)((irb.scsw.cpa - CCW_BASE) / 8) - 1;
	if ((irb.scsw.dstat & DEV_STAT_UNIT_CHECK) &&
	    (irb.esw.erw & ESW_ERW_CONS)) {
		res->sense_valid = true;
		memcpy(res->sense, irb.ecw, sizeof(res->sense));
	}
	return 0;
}
