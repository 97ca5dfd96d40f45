/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness.h over the real channel subsystem: a subchannel for the 3390
 * (and one for each HyperPAV alias added) with two FICON paths (CHPIDs
 * 40, 41), CSS_F_SYNC or the worker threads, each with a flat 4 MB "main
 * storage" holding format-1 CCWs, format-2 4 KB IDALs (ORB like Linux and
 * the BIOS: format 1, prefetch, 64-bit IDAWs) and the data areas, which
 * are copied in from the test's buffers before START SUBCHANNEL and out
 * again after TEST SUBCHANNEL. A subchannel's device is a pass-through
 * around the 3390 that only counts the commands the channel hands it and
 * the ends of programs (tresult.executed, .ends).
 */
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "css/css.h"
#include "css/css_device.h"
#include "image/ckd_image.h"
#include "test_wait.h"

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
	int index;                    /* of the next command in the program */
	int num;                      /* the harness's device number */
	h_hook_fn **hook;             /* the harness's hook and its argument */
	void **hook_arg;
};

static struct counting_dev *to_counting(struct css_device *dev)
{
	return (struct counting_dev *)dev;
}

static uint8_t cnt_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct counting_dev *c = to_counting(dev);

	if (!css_io_chained(io))
		c->index = 0;
	if (*c->hook)
		(*c->hook)(c->num, c->index, css_io_cmd(io), *c->hook_arg);
	c->index++;
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
	uint8_t st;

	c->ends++;
	if (*c->hook)
		(*c->hook)(c->num, -1, 0, *c->hook_arg);
	st = c->inner->ops->end_program(c->inner);
	return st;
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

/* One subchannel of the harness with its device and storage. */
struct unit {
	struct harness *h;
	struct css_subchannel *sch;
	struct counting_dev *cnt;
	uint8_t *mem;             /* kept from h_detach to h_attach */
	uint32_t used;            /* end of the storage programs were given */
	struct css_flatmem fm;
	/* threaded: the IRB the notify callback collected */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool got;
	struct css_irb irb;
	int statuses;
	/* the program started */
	const struct tccw *prog;
	int n;
	uint32_t addr[MAX_CCWS];
};

struct harness {
	struct css *css;              /* NULL while detached */
	bool threaded;
	uint16_t ssid;                /* the base's, for h_attach */
	uint8_t ua;
	struct css_device *dev;       /* the base's 3390 */
	struct ckd_image *img;
	int ndevs;                    /* units with a subchannel */
	int nmem;                     /* units with storage (>= ndevs) */
	struct unit u[H_MAX_DEVS];
	h_hook_fn *hook;
	void *hook_arg;
};

static int modify(struct unit *u, bool csense)
{
	struct css_schib schib;

	if (css_stsch(u->sch, &schib))
		return -1;
	schib.pmcw.flags |= PMCW_FLAGS_ENA | PMCW_FLAGS_MP;
	schib.pmcw.lpm = 0xc0;
	if (csense)
		schib.pmcw.chars |= PMCW_CHARS_CSENSE;
	else
		schib.pmcw.chars &= ~(uint32_t)PMCW_CHARS_CSENSE;
	return css_msch(u->sch, &schib) ? -1 : 0;
}

/* Threaded: final status arrived; collect it as vfio_ccw does. */
static void notify(struct css_subchannel *sch, void *opaque)
{
	struct unit *u = opaque;
	struct css_irb irb;

	(void)sch;
	pthread_mutex_lock(&u->lock);
	if (css_tsch(u->sch, &irb) == 0) {
		u->statuses++;
		if ((irb.scsw.ctrl & SCSW_STCTL_PRIMARY) ||
		    ((irb.scsw.ctrl & SCSW_FCTL_CLEAR) &&
		     !(irb.scsw.ctrl & SCSW_STCTL_INTERMEDIATE))) {
			u->irb = irb;
			u->got = true;
		}
	}
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
}

/*
 * Unit n's storage, lock and condition variable: made when a unit is
 * first used, kept over h_detach (for fuzzing: 4 MB per input is slow
 * under ASan) and freed by h_free.
 */
static int unit_init(struct harness *h, struct unit *u)
{
	u->mem = calloc(1, MEM_SIZE);
	if (!u->mem)
		return -1;
	pthread_mutex_init(&u->lock, NULL);
	deadline_cond_init(&u->cond);
	css_flatmem_init(&u->fm, u->mem, MEM_SIZE);
	u->h = h;
	h->nmem++;
	return 0;
}

/* Subchannel 0.0.000n (devno 0.0.1234 + n) for dev, owned from now on. */
static int add_unit(struct harness *h, struct css_device *dev)
{
	int n = h->ndevs;
	struct unit *u = &h->u[n];
	struct css_subchannel_config sc = {
		.schid = { 0, 0, (uint16_t)(0x0001 + n) },
		.devno = { 0, 0, (uint16_t)(0x1234 + n) },
		.chpids = { 0x40, 0x41 }, .pim = 0xc0, .pam = 0xc0,
		.pom = 0xc0, .type = CSS_SCH_TYPE_IO,
	};
	struct error err;

	if (n >= H_MAX_DEVS || (n == h->nmem && unit_init(h, u))) {
		dev->ops->destroy(dev);
		return -1;
	}
	u->cnt = counting_new(dev);
	if (!u->cnt)
		return -1;
	u->cnt->num = n;
	u->cnt->hook = &h->hook;
	u->cnt->hook_arg = &h->hook_arg;
	sc.dev = &u->cnt->dev;
	if (css_add_subchannel(h->css, &sc, &u->sch, &err)) {
		u->cnt->dev.ops->destroy(&u->cnt->dev);
		u->cnt = NULL;
		return -1;
	}
	if (h->threaded)
		css_sch_set_handlers(u->sch, notify, NULL, u);
	h->ndevs++;
	return modify(u, true) ? -1 : n;
}

/*
 * A channel subsystem with the base's subchannel and a 3390 on img behind
 * it (eckd_device_new() owns img from then on, even when it fails).
 * Returns: 0, or -1 detached.
 */
static int build_with(struct harness *h, struct css_device *dev,
		      struct ckd_image *img)
{
	struct error err;

	h->css = css_new(h->threaded ? 0 : CSS_F_SYNC);
	h->dev = dev;
	if (!h->css || !h->dev)
		goto fail;
	if (css_add_chp(h->css, 0x40, CSS_CHP_TYPE_FC, &err) ||
	    css_add_chp(h->css, 0x41, CSS_CHP_TYPE_FC, &err))
		goto fail;
	if (add_unit(h, h->dev) != 0) {
		h->dev = NULL;          /* destroyed, or the css's */
		goto fail;
	}
	h->img = img;
	return 0;
fail:
	if (h->dev)
		h->dev->ops->destroy(h->dev);
	h->dev = NULL;
	h_detach(h);
	return -1;
}

bool h_no_readahead;

static int build(struct harness *h, struct ckd_image *img)
{
	struct eckd_config cfg = { .image = img, .ssid = h->ssid,
				   .unit_addr = h->ua,
				   .no_readahead = h_no_readahead };
	struct error err;

	return build_with(h, eckd_device_new(&cfg, &err), img);
}

struct harness *h_new_dev(struct css_device *dev)
{
	struct harness *h = calloc(1, sizeof(*h));

	if (!h) {
		if (dev)
			dev->ops->destroy(dev);
		return NULL;
	}
	if (build_with(h, dev, NULL)) {
		h_free(h);
		return NULL;
	}
	return h;
}

static struct harness *harness_new(struct ckd_image *img, uint16_t ssid,
				   uint8_t ua, bool threaded)
{
	struct harness *h = calloc(1, sizeof(*h));

	if (!h) {
		ckd_image_close(img);
		return NULL;
	}
	h->threaded = threaded;
	h->ssid = ssid;
	h->ua = ua;
	if (build(h, img)) {
		h_free(h);
		return NULL;
	}
	return h;
}

struct harness *h_new(struct ckd_image *img, uint16_t ssid, uint8_t ua)
{
	return harness_new(img, ssid, ua, false);
}

struct harness *h_new_threaded(struct ckd_image *img, uint16_t ssid,
			       uint8_t ua)
{
	return harness_new(img, ssid, ua, true);
}

int h_add_alias(struct harness *h, uint8_t ua)
{
	struct eckd_config cfg = { .alias_of = h->dev, .unit_addr = ua };
	struct css_device *dev;
	struct error err;

	if (!h->css)
		return -1;              /* detached */
	dev = eckd_device_new(&cfg, &err);
	return dev ? add_unit(h, dev) : -1;
}

void h_detach(struct harness *h)
{
	css_free(h->css);       /* the devices and the image too */
	h->css = NULL;
	h->dev = NULL;
	h->img = NULL;
	for (int i = 0; i < h->nmem; i++) {
		struct unit *u = &h->u[i];

		u->sch = NULL;
		u->cnt = NULL;
		u->prog = NULL;
		u->n = 0;
		memset(u->mem, 0, u->used);
		u->used = 0;
	}
	h->ndevs = 0;
}

int h_attach_dev(struct harness *h, struct css_device *dev)
{
	if (h->css) {
		if (dev)
			dev->ops->destroy(dev);
		return -1;
	}
	return build_with(h, dev, NULL);
}

int h_attach(struct harness *h, struct ckd_image *img)
{
	if (h->css) {
		ckd_image_close(img);
		return -1;
	}
	return build(h, img);
}

void h_free(struct harness *h)
{
	if (!h)
		return;
	css_free(h->css);       /* and the devices */
	for (int i = 0; i < h->nmem; i++) {
		pthread_cond_destroy(&h->u[i].cond);
		pthread_mutex_destroy(&h->u[i].lock);
		free(h->u[i].mem);
	}
	free(h);
}

void h_set_csense(struct harness *h, bool on)
{
	for (int i = 0; i < h->ndevs; i++)
		modify(&h->u[i], on);
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
static uint32_t build_idal(struct unit *u, uint32_t *idal, uint32_t addr,
			   uint32_t count)
{
	uint32_t at = *idal, a = addr;

	do {
		st_be64(u->mem + *idal, a);
		*idal += 8;
		a = (a & ~0xfffu) + 0x1000u;
	} while (a < addr + count);
	return at;
}

/* The program's final IRB (and whether a second status followed). */
static int final_irb(struct unit *u, struct tresult *res, struct css_irb *irb)
{
	struct css_irb again;
	bool got;

	if (!u->h->threaded) {
		if (css_tsch(u->sch, irb) != 0)
			return -1;
		/* The program's status was collected; no second one. */
		res->statuses = 1 + (css_tsch(u->sch, &again) == 0);
		return 0;
	}
	pthread_mutex_lock(&u->lock);
	{
		struct timespec until = deadline_ms(TEST_WAIT_MS);

		while (!u->got &&
		       pthread_cond_timedwait(&u->cond, &u->lock, &until) !=
		       ETIMEDOUT)
			;
	}
	got = u->got;
	*irb = u->irb;
	res->statuses = u->statuses;
	pthread_mutex_unlock(&u->lock);
	return got ? 0 : -1;
}

int h_run(struct harness *h, const struct tccw *prog, int n, uint8_t lpm,
	  struct tresult *res)
{
	return h_run_on(h, 0, prog, n, lpm, res);
}

int h_start_on(struct harness *h, int dev, const struct tccw *prog, int n,
	       uint8_t lpm)
{
	uint32_t data = DATA_BASE, idal = IDAL_BASE;
	struct css_orb orb = {
		.intparm = 0x12345678, .lpm = lpm, .cpa = CCW_BASE,
		.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64,
	};
	struct unit *u;
	int i;

	if (dev < 0 || dev >= h->ndevs || n <= 0 || n > MAX_CCWS)
		return -1;
	u = &h->u[dev];
	if (u->used < DATA_BASE)
		u->used = DATA_BASE;    /* CCWs and IDALs: h_detach clears them */
	/* No CCWs of an earlier program after this one (TIC targets). */
	memset(u->mem + CCW_BASE, 0, 8u * MAX_CCWS);
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
			u->addr[i] = data;
			if (c->data)
				memcpy(u->mem + data, c->data, c->count);
			else
				memset(u->mem + data, 0, c->count);
			ccw.cda = data;
			/* Read Backward names the area's last byte. */
			if ((c->cmd & 0x0f) == 0x0c && !(c->flags & H_IDA))
				ccw.cda = data + c->count - 1;
			if (c->flags & H_IDA) {
				if (idal + 8u * (c->count / 4096u + 2) > IDAL_END)
					return -1;
				ccw.cda = build_idal(u, &idal, data, c->count);
			}
			data += c->count;
			if (data > u->used)
				u->used = data;
		}
		css_ccw_store(&ccw, u->mem + CCW_BASE + 8u * (uint32_t)i);
	}
	u->prog = prog;
	u->n = n;
	u->cnt->executed = 0;
	u->cnt->ends = 0;
	pthread_mutex_lock(&u->lock);
	u->got = false;
	u->statuses = 0;
	pthread_mutex_unlock(&u->lock);
	return css_ssch(u->sch, &orb, &u->fm.mem) ? -1 : 0;
}

int h_wait_on(struct harness *h, int dev, struct tresult *res)
{
	struct css_irb irb;
	struct unit *u;
	int i;

	memset(res, 0, sizeof(*res));
	if (dev < 0 || dev >= h->ndevs)
		return -1;
	u = &h->u[dev];
	if (final_irb(u, res, &irb))
		return -1;
	res->final_status = (irb.scsw.ctrl & (SCSW_STCTL_PRIMARY |
					      SCSW_STCTL_STATUS_PEND)) ==
			    (SCSW_STCTL_PRIMARY | SCSW_STCTL_STATUS_PEND);
	res->cleared = irb.scsw.ctrl & SCSW_FCTL_CLEAR;
	for (i = 0; i < u->n; i++)
		if (u->prog[i].cmd != H_TIC && u->prog[i].count &&
		    u->prog[i].data)
			memcpy(u->prog[i].data, u->mem + u->addr[i],
			       u->prog[i].count);
	/* The program is over: its buffers are the caller's again (a clear
	 * of the idle subchannel, waited for next, copies nothing back). */
	u->prog = NULL;
	u->n = 0;
	res->dstat = irb.scsw.dstat;
	res->cstat = irb.scsw.cstat;
	res->residual = irb.scsw.count;
	res->executed = u->cnt->executed;
	res->ends = u->cnt->ends;
	res->last = (int)((irb.scsw.cpa - CCW_BASE) / 8) - 1;
	if ((irb.scsw.dstat & DEV_STAT_UNIT_CHECK) &&
	    (irb.esw.erw & ESW_ERW_CONS)) {
		res->sense_valid = true;
		memcpy(res->sense, irb.ecw, sizeof(res->sense));
	}
	return 0;
}

int h_run_on(struct harness *h, int dev, const struct tccw *prog, int n,
	     uint8_t lpm, struct tresult *res)
{
	memset(res, 0, sizeof(*res));
	if (h_start_on(h, dev, prog, n, lpm))
		return -1;
	return h_wait_on(h, dev, res);
}

int h_clear_on(struct harness *h, int dev)
{
	if (dev < 0 || dev >= h->ndevs)
		return -1;
	return css_csch(h->u[dev].sch) ? -1 : 0;
}

void h_set_hook(struct harness *h, h_hook_fn *fn, void *arg)
{
	h->hook_arg = arg;
	h->hook = fn;
}
