/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the channel-program translator (src/vfio_ccw/cp*).
 *
 * Input: a 12-byte ORB (big-endian, PoP ch. 15 "Operation-Request Block")
 * followed by the guest memory image (flat, exactly that size; a heap
 * buffer of that size, so ASan sees any access past it). The ORB's
 * interruption parameter picks harness options (bit 0: guest memory without
 * direct mapping). For every input:
 *  - cp_init / cp_prefetch / cp_get_orb / cp_update_scsw / cp_free never
 *    crash or leak; a failed prefetch leaves nothing built;
 *  - a built program passes cp_verify(): host CCWs only TIC to host CCW
 *    slots, every IDAW is in the guest window or the no-data address;
 *  - the program runs through the CSS (CSS_F_SYNC) against a simple
 *    device, and every guest byte the channel touches lies in a range the
 *    translation checked (the guest memory wrapper traps otherwise);
 *  - the CCW address the guest gets back is 0, the program start + 8, or
 *    inside a fetched segment (up to one CCW past its end).
 * The device halts the subchannel after a fixed number of commands, which
 * ends programs that loop through TICs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"
#include "vfio_ccw/cp.h"
#include "vfio_ccw/cp_internal.h"

#define BUDGET       64
#define MAX_MEM      (1u << 20)
#define OPT_NO_MAP   0x1u

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Guest memory: bounds-checked, and while the program runs, every access
 * must be inside the ranges cp_prefetch() validated. */
struct gmem {
	struct css_mem mem;
	const uint8_t *orig;
	uint8_t *buf;
	uint64_t size;
	bool no_map;
	const struct cp_program *running;
};

static bool g_ok(struct gmem *g, uint64_t addr, size_t len)
{
	if (addr > g->size || len > g->size - addr)
		return false;
	if (g->running && len)
		CHECK(cp_range_covers(g->running->b, addr, len));
	return true;
}

static int g_read(struct css_mem *mem, uint64_t addr, void *buf, size_t len)
{
	struct gmem *g = (struct gmem *)mem;

	if (!g_ok(g, addr, len))
		return -EFAULT;
	if (len)
		memcpy(buf, g->buf + addr, len);
	return 0;
}

static int g_write(struct css_mem *mem, uint64_t addr, const void *buf,
		   size_t len)
{
	struct gmem *g = (struct gmem *)mem;

	if (!g_ok(g, addr, len))
		return -EFAULT;
	if (len)
		memcpy(g->buf + addr, buf, len);
	return 0;
}

static void *g_map(struct css_mem *mem, uint64_t addr, size_t len, bool write)
{
	struct gmem *g = (struct gmem *)mem;

	(void)write;
	if (g->no_map || !len || !g_ok(g, addr, len))
		return NULL;
	return g->buf + addr;
}

static const struct css_mem_ops g_ops = {
	.read = g_read, .write = g_write, .map = g_map,
};

struct fdev {
	struct css_device dev;
	struct css_subchannel *sch;
	unsigned int execs;
	bool halted;
};

static uint8_t iobuf[0x10000 + 64];
static size_t iobuf_used;        /* cleared after each input: a read
				    never returns an earlier input's data */

static uint8_t fdev_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct fdev *d = (struct fdev *)dev;
	uint8_t cmd = css_io_cmd(io);
	size_t len = css_io_count(io);
	uint8_t status = DEV_STAT_CHN_END | DEV_STAT_DEV_END;

	if (++d->execs >= BUDGET && !d->halted) {
		d->halted = true;
		css_hsch(d->sch);
	}
	if (cmd & 0x40)
		len += cmd & 0x0f;                  /* long blocks */
	if (CCW_CMD_IS_READ(cmd) || CCW_CMD_IS_SENSE(cmd) ||
	    CCW_CMD_IS_RDBACK(cmd))
		css_io_put(io, iobuf, len);
	else if (cmd != 0x03) {
		size_t n = css_io_get(io, iobuf, len);

		if (n > iobuf_used)
			iobuf_used = n;
	}
	if (cmd == 0x31 && (d->execs & 1))
		status |= DEV_STAT_STAT_MOD;
	return status;
}

static size_t fdev_take_sense(struct css_device *dev, uint8_t *buf, size_t len)
{
	(void)dev;
	memset(buf, 0, len);
	return len;
}

static uint8_t fdev_end_program(struct css_device *dev)
{
	(void)dev;
	return 0;
}

static void fdev_reset(struct css_device *dev)
{
	(void)dev;
}

static const struct css_device_ops fdev_ops = {
	.name = "fuzz",
	.execute = fdev_execute,
	.take_sense = fdev_take_sense,
	.end_program = fdev_end_program,
	.reset = fdev_reset,
};

/* A CCW address the guest may see after cp_update_scsw(). */
static bool guest_cpa_ok(const struct cp_program *cp, uint32_t cpa)
{
	unsigned int i;

	if (cpa == 0 || cpa == cp->orb.cpa + CSS_CCW_SIZE)
		return true;
	for (i = 0; i < cp->b->nseg; i++) {
		const struct cp_seg *s = &cp->b->seg[i];

		if (cpa >= s->guest &&
		    cpa - s->guest <= (s->len + 1) * CSS_CCW_SIZE)
			return true;
	}
	return false;
}

static void run(struct gmem *g, struct cp_program *cp)
{
	struct css_subchannel_config cfg;
	struct css_subchannel *sch;
	struct css_schib schib;
	struct css_irb irb;
	struct css_orb host;
	struct fdev d;
	struct css *css;
	int cc, rounds;

	memset(&d, 0, sizeof(d));
	d.dev.ops = &fdev_ops;
	css = css_new(CSS_F_SYNC);
	CHECK(css);
	CHECK(css_add_chp(css, 0x40, CSS_CHP_TYPE_FC, NULL) == 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.schid = (struct css_busid){ 0, 0, 0x10 };
	cfg.devno = (struct css_busid){ 0, 0, 0x1234 };
	cfg.chpids[0] = 0x40;
	cfg.pim = cfg.pam = 0x80;
	cfg.pom = 0xff;
	cfg.dev = &d.dev;
	CHECK(css_add_subchannel(css, &cfg, &sch, NULL) == 0);
	d.sch = sch;
	css_stsch(sch, &schib);
	schib.pmcw.flags |= PMCW_FLAGS_ENA;
	CHECK(css_msch(sch, &schib) == 0);

	CHECK(cp_get_orb(cp, 0x1234, 0x80, &host) == 0);
	g->running = cp;
	cc = css_ssch(sch, &host, cp_host_mem(cp));
	CHECK(cc == 0);
	for (rounds = 0; rounds < 4 && css_tsch(sch, &irb) == 0; rounds++) {
		cp_update_scsw(cp, &irb.scsw);
		CHECK(guest_cpa_ok(cp, irb.scsw.cpa));
	}
	g->running = NULL;
	css_free(css);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_program cp;
	struct css_scsw scsw;
	struct css_orb orb;
	struct gmem g;
	unsigned int i;
	int ret;

	if (size < CSS_ORB_SIZE || size - CSS_ORB_SIZE > MAX_MEM)
		return 0;
	log_set_level(LOG_CRIT);
	css_orb_load(&orb, data);
	memset(&g, 0, sizeof(g));
	g.mem.ops = &g_ops;
	g.size = size - CSS_ORB_SIZE;
	g.buf = malloc(g.size ? g.size : 1);
	CHECK(g.buf);
	memcpy(g.buf, data + CSS_ORB_SIZE, g.size);
	g.no_map = orb.intparm & OPT_NO_MAP;

	memset(&cp, 0, sizeof(cp));
	ret = cp_init(&cp, &g.mem, &orb);
	if (ret == 0) {
		ret = cp_prefetch(&cp);
		if (ret) {
			CHECK(!cp.b);
			CHECK(!cp_iova_pinned(&cp, 0, UINT64_MAX));
		} else {
			CHECK(cp_verify(&cp) == 0);
			for (i = 0; i < cp.b->nseg; i++)
				CHECK(cp.b->seg[i].poison ||
				      cp_iova_pinned(&cp, cp.b->seg[i].guest, 8));
			/* Any host CCW address maps to something guest-like. */
			scsw = (struct css_scsw){ .cpa = orb.intparm };
			cp_update_scsw(&cp, &scsw);
			CHECK(guest_cpa_ok(&cp, scsw.cpa));
			run(&g, &cp);
		}
	} else {
		CHECK(ret == -EOPNOTSUPP || ret == -EINVAL);
	}
	cp_free(&cp);
	free(g.buf);
	memset(iobuf, 0, iobuf_used);
	iobuf_used = 0;
	return 0;
}
