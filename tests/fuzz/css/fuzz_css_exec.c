/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for channel-program execution.
 *
 * Input: a 12-byte ORB (big-endian, as stored by the program) followed by
 * the storage image the channel program runs against (flat memory of
 * exactly that size). The ORB's interruption parameter also picks harness
 * options (bit 31 concurrent sense, bit 30 collect status in the notify
 * callback, bit 29 end a suspended program with HSCH instead of CSCH).
 * Command D3 makes the device issue CSCH while it executes. The CSS runs inline (CSS_F_SYNC) against a simple device
 * whose answers depend on the command code; the device halts the
 * subchannel after a fixed number of commands, the per-run execution
 * budget that ends programs looping through TICs. The harness checks that
 * the subchannel always ends idle and that status is self-consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"

#define BUDGET       64
#define MAX_STORAGE  (1u << 20)
#define OPT_CSENSE   0x80000000u
#define OPT_TSCH     0x40000000u
#define OPT_HALT     0x20000000u

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct fdev {
	struct css_device dev;
	struct css_subchannel *sch;
	unsigned int execs;
	bool halted;
	unsigned int ends;
	uint8_t sense[32];
	size_t sense_len;
};

static uint8_t iobuf[0x10000 + 64];
static size_t iobuf_used;        /* cleared after each input: a read
				    never returns an earlier input's data */

static uint8_t fdev_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct fdev *d = (struct fdev *)dev;
	uint8_t cmd = css_io_cmd(io);
	size_t count = css_io_count(io), len;
	uint8_t status = 0x0c;     /* CE DE */

	if (++d->execs >= BUDGET && !d->halted) {
		d->halted = true;
		css_hsch(d->sch);
	}
	CHECK(css_io_path(io) != 0);
	CHECK((css_io_path(io) & (css_io_path(io) - 1)) == 0);
	switch ((cmd >> 4) & 3) {
	case 0: len = count; break;              /* exact */
	case 1: len = count / 2; break;          /* short block */
	case 2: len = count + 7; break;          /* long block */
	default: len = 0; break;                 /* immediate */
	}
	if (len > sizeof(iobuf))
		len = sizeof(iobuf);
	if (CCW_CMD_IS_READ(cmd) || CCW_CMD_IS_SENSE(cmd) || CCW_CMD_IS_RDBACK(cmd))
		CHECK(css_io_put(io, iobuf, len) <= len);
	else if (len) {
		size_t n = css_io_get(io, iobuf, len);

		CHECK(n <= len);
		if (n > iobuf_used)
			iobuf_used = n;
	}
	CHECK(css_io_remaining(io) <= 0xffff);
	if (cmd == 0x31 && (d->execs & 1))
		status |= 0x40;                  /* status modifier */
	if ((cmd & 0xc0) == 0xc0 && (cmd & 0x0f) == 0x0f) {
		status |= 0x02;                  /* unit check with sense */
		memset(d->sense, cmd, sizeof(d->sense));
		d->sense_len = 24 + (cmd & 7);
	}
	if (cmd == 0xe3)
		status = 0x08;                   /* CE only: chaining stops */
	if (cmd == 0xd3)
		CHECK(css_csch(d->sch) == 0);    /* clear at the CCW boundary */
	return status;
}

static size_t fdev_take_sense(struct css_device *dev, uint8_t *buf, size_t len)
{
	struct fdev *d = (struct fdev *)dev;
	size_t n = d->sense_len < len ? d->sense_len : len;

	memcpy(buf, d->sense, n);
	d->sense_len = 0;
	return n;
}

static uint8_t fdev_end_program(struct css_device *dev)
{
	struct fdev *d = (struct fdev *)dev;

	d->ends++;
	return d->execs == 13 ? 0x02 : 0;
}

static void fdev_reset(struct css_device *dev)
{
	((struct fdev *)dev)->sense_len = 0;
}

static const struct css_device_ops fdev_ops = {
	.name = "fuzz",
	.execute = fdev_execute,
	.take_sense = fdev_take_sense,
	.end_program = fdev_end_program,
	.reset = fdev_reset,
};

struct notes {
	bool tsch;
	int collected;
};

static void check_irb(const struct css_irb *irb)
{
	uint16_t stctl = irb->scsw.ctrl & SCSW_CTRL_STCTL;

	CHECK(stctl & SCSW_STCTL_STATUS_PEND);
	CHECK(irb->scsw.ctrl & SCSW_CTRL_FCTL);
	if (irb->scsw.flags & SCSW_FLAGS_ECTL) {
		CHECK(irb->scsw.dstat & DEV_STAT_UNIT_CHECK);
		CHECK(irb->esw.erw & ESW_ERW_CONS);
	}
	if (stctl & SCSW_STCTL_PRIMARY)
		CHECK(!(irb->scsw.ctrl & (SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE)));
}

static void on_notify(struct css_subchannel *sch, void *opaque)
{
	struct notes *n = opaque;
	struct css_irb irb;

	if (n->tsch && css_tsch(sch, &irb) == 0) {
		check_irb(&irb);
		n->collected++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct css_subchannel_config cfg;
	struct css_subchannel *sch;
	struct css_flatmem fm;
	struct css_schib schib;
	struct css_irb irb;
	struct css_orb orb;
	struct notes notes = { 0 };
	struct fdev *d;
	struct css *css;
	uint8_t *mem;
	size_t memsz;
	int cc, rounds;

	if (size < CSS_ORB_SIZE || size - CSS_ORB_SIZE > MAX_STORAGE)
		return 0;
	log_set_level(LOG_CRIT);
	css_orb_load(&orb, data);
	memsz = size - CSS_ORB_SIZE;
	mem = malloc(memsz ? memsz : 1);
	d = calloc(1, sizeof(*d));
	css = css_new(CSS_F_SYNC);
	if (!mem || !d || !css)
		abort();
	memcpy(mem, data + CSS_ORB_SIZE, memsz);
	css_flatmem_init(&fm, mem, memsz);
	d->dev.ops = &fdev_ops;

	CHECK(css_add_chp(css, 0x40, CSS_CHP_TYPE_FC, NULL) == 0);
	CHECK(css_add_chp(css, 0x41, CSS_CHP_TYPE_FC, NULL) == 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.schid = (struct css_busid){ 0, 0, 0x10 };
	cfg.devno = (struct css_busid){ 0, 0, 0x1234 };
	cfg.chpids[0] = 0x40;
	cfg.chpids[1] = 0x41;
	cfg.pim = cfg.pam = 0xc0;
	cfg.pom = 0xff;
	cfg.dev = &d->dev;
	CHECK(css_add_subchannel(css, &cfg, &sch, NULL) == 0);
	d->sch = sch;
	notes.tsch = orb.intparm & OPT_TSCH;
	css_sch_set_handlers(sch, on_notify, NULL, &notes);
	css_stsch(sch, &schib);
	schib.pmcw.flags |= PMCW_FLAGS_ENA;
	if (orb.intparm & OPT_CSENSE)
		schib.pmcw.chars |= PMCW_CHARS_CSENSE;
	CHECK(css_msch(sch, &schib) == 0);

	cc = css_ssch(sch, &orb, &fm.mem);
	CHECK(cc == 0 || cc < 0);
	if (cc == 0) {
		/* Collect whatever is pending; a suspended program stays. */
		for (rounds = 0; rounds < 4 && css_tsch(sch, &irb) == 0; rounds++)
			check_irb(&irb);
		css_stsch(sch, &schib);
		if (schib.scsw.ctrl & SCSW_CTRL_FCTL) {
			int before = notes.collected;

			bool halt = orb.intparm & OPT_HALT;

			CHECK(schib.scsw.ctrl & SCSW_ACTL_SUSPENDED);
			CHECK((halt ? css_hsch(sch) : css_csch(sch)) == 0);
			if (notes.tsch) {
				CHECK(notes.collected == before + 1);
			} else {
				CHECK(css_tsch(sch, &irb) == 0);
				check_irb(&irb);
				CHECK((irb.scsw.ctrl & SCSW_CTRL_FCTL) ==
				      (halt ? SCSW_FCTL_START | SCSW_FCTL_HALT :
					      SCSW_FCTL_CLEAR));
			}
		}
		css_stsch(sch, &schib);
		CHECK(schib.scsw.ctrl == 0);
		CHECK(d->ends == 1 || (d->ends == 0 && d->execs == 0));
	}
	CHECK(css_tsch(sch, &irb) == 1);
	css_free(css);
	free(d);
	free(mem);
	memset(iobuf, 0, iobuf_used);
	iobuf_used = 0;
	return 0;
}
