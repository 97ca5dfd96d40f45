/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "css_test.h"

#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"

static uint8_t tdev_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct tdev *d = (struct tdev *)dev;
	size_t n = d->nexec++;
	struct tdev_step st = n < d->nsteps ? d->steps[n] : d->dflt;
	struct tdev_rec scratch, *r = n < TDEV_RECS ? &d->rec[n] : &scratch;
	uint8_t cmd = css_io_cmd(io);

	memset(r, 0, sizeof(*r));
	r->cmd = cmd;
	r->flags = css_io_flags(io);
	r->count = css_io_count(io);
	r->remaining = css_io_remaining(io);
	r->chained = css_io_chained(io);
	r->path = css_io_path(io);
	if (!st.no_xfer) {
		if (CCW_CMD_IS_READ(cmd) || CCW_CMD_IS_SENSE(cmd) ||
		    CCW_CMD_IS_RDBACK(cmd)) {
			if (st.len)
				r->xfer = css_io_put(io, st.data, st.len);
		} else if (st.len) {
			size_t want = st.len < TDEV_DATA ? st.len : TDEV_DATA;

			r->xfer = css_io_get(io, r->data, want);
		}
	}
	if (st.sense_len) {
		memcpy(d->sense, st.sense, st.sense_len);
		d->sense_len = st.sense_len;
	}
	if (st.hook)
		st.hook(d, io);
	if (d->halt_after && d->nexec == d->halt_after)
		d->hsch_cc = css_hsch(d->sch);
	return st.status ? st.status : CE_DE;
}

static size_t tdev_take_sense(struct css_device *dev, uint8_t *buf, size_t len)
{
	struct tdev *d = (struct tdev *)dev;
	size_t n = d->sense_len < len ? d->sense_len : len;

	d->sense_calls++;
	memcpy(buf, d->sense, n);
	d->sense_len = 0;
	memset(d->sense, 0, sizeof(d->sense));
	return n;
}

static uint8_t tdev_end_program(struct css_device *dev)
{
	struct tdev *d = (struct tdev *)dev;

	d->end_calls++;
	return d->end_status;
}

static void tdev_reset(struct css_device *dev)
{
	struct tdev *d = (struct tdev *)dev;

	d->reset_calls++;
	d->sense_len = 0;
}

static void tdev_destroy(struct css_device *dev)
{
	((struct tdev *)dev)->destroy_calls++;
}

static const struct css_device_ops tdev_ops = {
	.name = "test",
	.execute = tdev_execute,
	.take_sense = tdev_take_sense,
	.end_program = tdev_end_program,
	.reset = tdev_reset,
	.destroy = tdev_destroy,
};

void tdev_init(struct tdev *d)
{
	memset(d, 0, sizeof(*d));
	d->dev.ops = &tdev_ops;
	d->dev.cu_type = 0x3990;
	d->dev.dev_type = 0x3390;
}

void tdev_add(struct tdev *d, struct tdev_step step)
{
	assert_true(d->nsteps < TDEV_STEPS);
	d->steps[d->nsteps++] = step;
}

static void fix_notify(struct css_subchannel *sch, void *opaque)
{
	struct fix *f = opaque;

	f->notifies++;
	if (f->tsch_in_notify && f->notify_irbs < 8) {
		if (css_tsch(sch, &f->irbs[f->notify_irbs]) == 0)
			f->notify_irbs++;
	}
}

static void fix_chp_event(struct css_subchannel *sch, uint8_t mask,
			  enum css_chp_event ev, void *opaque)
{
	struct fix *f = opaque;

	(void)sch;
	f->chp_events++;
	f->chp_mask = mask;
	f->chp_ev = ev;
}

void fix_init(struct fix *f, unsigned int flags, uint8_t pim, bool csense)
{
	struct css_subchannel_config cfg;
	struct css_schib schib;
	struct error err;

	memset(f, 0, sizeof(*f));
	f->mem = calloc(1, MEMSZ);
	assert_non_null(f->mem);
	css_flatmem_init(&f->fm, f->mem, MEMSZ);
	tdev_init(&f->dev);
	f->css = css_new(flags);
	assert_non_null(f->css);
	for (uint8_t c = 0x40; c < 0x44; c++)
		assert_int_equal(css_add_chp(f->css, c, CSS_CHP_TYPE_FC, &err), 0);

	memset(&cfg, 0, sizeof(cfg));
	cfg.schid = (struct css_busid){ 0, 0, 0x0010 };
	cfg.devno = (struct css_busid){ 0, 0, 0x1234 };
	for (int i = 0; i < 8; i++)
		if (pim & (0x80 >> i))
			cfg.chpids[i] = (uint8_t)(0x40 + i);
	cfg.pim = pim;
	cfg.pam = pim;
	cfg.pom = 0xff;
	cfg.type = CSS_SCH_TYPE_IO;
	cfg.dev = &f->dev.dev;
	assert_int_equal(css_add_subchannel(f->css, &cfg, &f->sch, &err), 0);
	f->dev.sch = f->sch;
	css_sch_set_handlers(f->sch, fix_notify, fix_chp_event, f);

	assert_int_equal(css_stsch(f->sch, &schib), 0);
	schib.pmcw.flags |= PMCW_FLAGS_ENA;
	if (csense)
		schib.pmcw.chars |= PMCW_CHARS_CSENSE;
	assert_int_equal(css_msch(f->sch, &schib), 0);
}

void fix_fini(struct fix *f)
{
	css_free(f->css);
	assert_int_equal(f->dev.destroy_calls, 1);
	free(f->mem);
}

void put_ccw1(struct fix *f, uint32_t addr, uint8_t cmd, uint8_t flags,
	      uint16_t count, uint32_t cda)
{
	struct css_ccw ccw = { cmd, flags, count, cda };

	assert_true(addr + 8 <= MEMSZ);
	css_ccw_store(&ccw, f->mem + addr);
}

void put_ccw0(struct fix *f, uint32_t addr, uint8_t cmd, uint8_t flags,
	      uint16_t count, uint32_t cda)
{
	uint8_t *b = f->mem + addr;

	assert_true(addr + 8 <= MEMSZ);
	b[0] = cmd;
	st_be24(b + 1, cda);
	b[4] = flags;
	b[5] = 0;
	st_be16(b + 6, count);
}

void put_idaw1(struct fix *f, uint32_t addr, uint32_t idaw)
{
	st_be32(f->mem + addr, idaw);
}

void put_idaw2(struct fix *f, uint32_t addr, uint64_t idaw)
{
	st_be64(f->mem + addr, idaw);
}

struct css_orb orb1(uint32_t cpa)
{
	struct css_orb o = { 0 };

	o.intparm = 0x12345678;
	o.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH;
	o.cpa = cpa;
	return o;
}

void run_ok(struct fix *f, const struct css_orb *orb, struct css_irb *irb)
{
	assert_int_equal(css_ssch(f->sch, orb, &f->fm.mem), 0);
	assert_int_equal(css_tsch(f->sch, irb), 0);
}

void expect_prog_check(struct fix *f, const struct css_orb *orb, uint32_t cpa,
		       size_t execs)
{
	struct css_irb irb;
	size_t before = f->dev.nexec;
	int ends = f->dev.end_calls;

	run_ok(f, orb, &irb);
	assert_int_equal(irb.scsw.cstat, SCH_STAT_PROG_CHECK);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_START | ST_FINAL_ALERT);
	assert_int_equal(irb.scsw.cpa, cpa);
	assert_int_equal(f->dev.nexec - before, execs);
	assert_int_equal(f->dev.end_calls, ends + 1);
}
