/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test-double device and fixture for running translated programs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cp_dev.h"

static struct cpdev *to_cpdev(struct css_device *dev)
{
	return (struct cpdev *)((char *)dev - offsetof(struct cpdev, dev));
}

/* Offer len pattern bytes for command n; returns bytes taken. */
static uint32_t put_pattern(struct css_ccw_io *io, unsigned int n, size_t len)
{
	uint8_t buf[512];
	size_t done = 0, i;

	while (done < len) {
		size_t k = len - done < sizeof(buf) ? len - done : sizeof(buf);
		size_t got;

		for (i = 0; i < k; i++)
			buf[i] = cpdev_pattern(n, done + i);
		got = css_io_put(io, buf, k);
		done += got;
		if (got < k)
			break;
	}
	return (uint32_t)done;
}

/* Take everything the channel gives (count and data chaining). */
static uint32_t get_all(struct cpdev *d, struct css_ccw_io *io)
{
	uint8_t buf[512];
	size_t total = 0, got, ask;
	uint32_t left;

	d->wlen = 0;
	while ((left = css_io_remaining(io)) != 0) {
		ask = left < sizeof(buf) ? left : sizeof(buf);
		got = css_io_get(io, buf, ask);
		if (d->wlen + got <= sizeof(d->wdata)) {
			memcpy(d->wdata + d->wlen, buf, got);
			d->wlen += got;
		}
		total += got;
		if (got < ask)
			break;
	}
	return (uint32_t)total;
}

static uint8_t dev_execute(struct css_device *dev, struct css_ccw_io *io)
{
	static const uint8_t sense_id[] = {
		0xff, 0x39, 0x90, 0xe9, 0x33, 0x90, 0x0c, 0x00,
	};
	struct cpdev *d = to_cpdev(dev);
	unsigned int n = d->ncmds++;
	uint8_t cmd = css_io_cmd(io), status = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	uint32_t moved = 0;

	if (n < CPDEV_LOG)
		d->cmd[n] = cmd;
	if ((int)n == d->check_at)
		return status | DEV_STAT_UNIT_CHECK;
	switch (cmd) {
	case 0x03:                                  /* NOP */
		break;
	case 0xe4:                                  /* Sense ID */
		moved = (uint32_t)css_io_put(io, sense_id, sizeof(sense_id));
		break;
	case 0x31:                                  /* Search ID Equal */
		moved = get_all(d, io);
		if (d->searches++ >= d->search_hit)
			status |= DEV_STAT_STAT_MOD;
		break;
	default:
		if (CCW_CMD_IS_READ(cmd) || CCW_CMD_IS_SENSE(cmd) ||
		    CCW_CMD_IS_RDBACK(cmd))
			moved = put_pattern(io, n, d->read_len ? d->read_len :
					    css_io_count(io));
		else
			moved = get_all(d, io);
		break;
	}
	if (n < CPDEV_LOG)
		d->moved[n] = moved;
	return status;
}

static size_t dev_take_sense(struct css_device *dev, uint8_t *buf, size_t len)
{
	(void)dev;
	memset(buf, 0, len);
	if (len)
		buf[0] = 0x80;                      /* command reject */
	return len;
}

static uint8_t dev_end_program(struct css_device *dev)
{
	(void)dev;
	return 0;
}

static void dev_reset(struct css_device *dev)
{
	(void)dev;
}

static void dev_destroy(struct css_device *dev)
{
	to_cpdev(dev)->destroyed = true;
}

static const struct css_device_ops cpdev_ops = {
	.name = "cptest",
	.execute = dev_execute,
	.take_sense = dev_take_sense,
	.end_program = dev_end_program,
	.reset = dev_reset,
	.destroy = dev_destroy,
};

void cpfix_init(struct cpfix *f)
{
	struct css_subchannel_config cfg;
	struct css_schib schib;
	struct error err;

	memset(f, 0, sizeof(*f));
	f->dev.dev.ops = &cpdev_ops;
	f->dev.check_at = -1;
	f->css = css_new(CSS_F_SYNC);
	assert_non_null(f->css);
	assert_int_equal(css_add_chp(f->css, 0x40, CSS_CHP_TYPE_FC, &err), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.schid = (struct css_busid){ 0, 0, 0x0010 };
	cfg.devno = (struct css_busid){ 0, 0, 0x1234 };
	cfg.chpids[0] = 0x40;
	cfg.pim = cfg.pam = 0x80;
	cfg.pom = 0xff;
	cfg.type = CSS_SCH_TYPE_IO;
	cfg.dev = &f->dev.dev;
	assert_int_equal(css_add_subchannel(f->css, &cfg, &f->sch, &err), 0);
	assert_int_equal(css_stsch(f->sch, &schib), 0);
	schib.pmcw.flags |= PMCW_FLAGS_ENA;
	assert_int_equal(css_msch(f->sch, &schib), 0);
}

void cpfix_fini(struct cpfix *f)
{
	css_free(f->css);
	assert_true(f->dev.destroyed);
}

void cpfix_run(struct cpfix *f, struct cp_program *cp, struct css_irb *irb)
{
	struct css_orb orb;

	assert_int_equal(cp_get_orb(cp, 0xcafe, 0x80, &orb), 0);
	assert_int_equal(css_ssch(f->sch, &orb, cp_host_mem(cp)), 0);
	assert_int_equal(css_tsch(f->sch, irb), 0);
	cp_update_scsw(cp, &irb->scsw);
}
