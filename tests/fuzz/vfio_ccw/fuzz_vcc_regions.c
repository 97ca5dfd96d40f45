/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the vfio_ccw mdev's regions and state machine:
 * fuzzed writes and reads of the io, async-cmd, schib and crw regions,
 * FSM events, resets, channel-path varying and injected status, against a
 * live vcc device (vcc_probe on a CSS_F_SYNC channel subsystem, guest
 * memory a flat buffer that the input fills).
 *
 * Input: u16 (little-endian) length L, L bytes of guest memory image
 * (at guest address 0 of a 64 KB guest), then operations until the input
 * ends: one byte selects the operation (below), its operands follow.
 * The device answers by command code and halts the subchannel every
 * fixed number of commands, which ends programs looping through TICs.
 *
 * Checked for every input: no crash, leak or sanitizer report; region
 * results are a byte count or an errno the kernel ABI allows; the state
 * stays a valid one; the IRB the VMM can read never shows a host address
 * (SCSW CCW address inside the translator's host arena unless the guest's
 * own ORB put it there, ESW failing-storage / secondary-CCW address, EMW);
 * the device can always be closed and used again (after the input: CLOSE
 * gives STANDBY, then OPEN and a NOP program end with channel end and
 * device end).
 *
 * Every input starts from nothing: the channel subsystem, subchannel,
 * device and vcc state are built for it and removed after it (a few
 * allocations; only the guest buffer is kept, and cleared), so no state
 * of one input reaches the next (the fuzz_vcc_regions_stable test).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "css/css.h"
#include "css/css_device.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"

#define GUEST_SIZE  0x10000u
#define BUDGET      48
#define CHPID       0x40

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct fdev {
	struct css_device dev;
	struct css_subchannel *sch;
	unsigned int execs;
	uint8_t sense[32];
};

static struct css *css;
static struct fdev fdev;
static struct vcc_private *priv;
static struct css_flatmem guest;
static uint8_t *guest_buf;
static uint8_t iobuf[0x2000];

/*
 * The guest is GUEST_SIZE bytes, far below the translator's arena, so a
 * CCW address in the arena is a host one - unless it is the guest's ORB
 * address + 8, which the guest's channel reports for a program check at
 * an unusable ORB address (docs/translation.md). Such ORB addresses of
 * this input are remembered (more than ORB_SEEN: the check is skipped).
 */
#define ORB_SEEN 64
static uint32_t orb_seen[ORB_SEEN];
static unsigned int norb_seen;

static bool in_arena(uint32_t a)
{
	return a >= CP_ARENA_BASE && a - CP_ARENA_BASE < CP_ARENA_MAX;
}

/* After an io-region write: the ORB the request used. */
static void note_orb(void)
{
	struct css_orb orb;

	vcc_io_get_orb(priv->io_region, &orb);
	if (!in_arena(orb.cpa + 8u))
		return;
	for (unsigned int i = 0; i < norb_seen && i < ORB_SEEN; i++)
		if (orb_seen[i] == orb.cpa + 8u)
			return;
	if (norb_seen < ORB_SEEN)
		orb_seen[norb_seen] = orb.cpa + 8u;
	norb_seen++;
}

static bool guest_cpa(uint32_t cpa)
{
	if (!in_arena(cpa) || norb_seen > ORB_SEEN)
		return true;
	for (unsigned int i = 0; i < norb_seen; i++)
		if (orb_seen[i] == cpa)
			return true;
	return false;
}

static uint8_t fdev_execute(struct css_device *dev, struct css_ccw_io *io)
{
	struct fdev *d = (struct fdev *)dev;
	uint8_t cmd = css_io_cmd(io);
	size_t len = css_io_count(io);

	/* Every program gets its budget: a looping one is halted. */
	if (++d->execs % BUDGET == 0)
		css_hsch(d->sch);
	if (len > sizeof(iobuf))
		len = sizeof(iobuf);
	if ((cmd & 0x30) == 0x10)
		len /= 2;                          /* short block */
	if (CCW_CMD_IS_READ(cmd) || CCW_CMD_IS_SENSE(cmd) ||
	    CCW_CMD_IS_RDBACK(cmd))
		css_io_put(io, iobuf, len);
	else
		css_io_get(io, iobuf, len);
	if ((cmd & 0xf0) == 0xf0) {
		memset(d->sense, cmd, sizeof(d->sense));
		return DEV_STAT_CHN_END | DEV_STAT_DEV_END |
		       DEV_STAT_UNIT_CHECK;
	}
	if (cmd == 0x31 && (d->execs & 1))
		return DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_STAT_MOD;
	return DEV_STAT_CHN_END | DEV_STAT_DEV_END;
}

static size_t fdev_take_sense(struct css_device *dev, uint8_t *buf,
			      size_t len)
{
	struct fdev *d = (struct fdev *)dev;

	if (len > sizeof(d->sense))
		len = sizeof(d->sense);
	memcpy(buf, d->sense, len);
	return len;
}

static const struct css_device_ops fdev_ops = {
	.name = "fuzz",
	.execute = fdev_execute,
	.take_sense = fdev_take_sense,
};

static void probe(void)
{
	struct vcc_options opt = { .socket_dir = "/proc/vcc-none",
				   .trace_path = "/dev/null" };
	struct error err;

	CHECK(vcc_probe(fdev.sch, &opt, &priv, &err) == 0);
	vcc_fsm_lock(priv);
	priv->guest = &guest.mem;
	vcc_fsm_unlock(priv);
}

/* A channel subsystem, the subchannel and a vcc device on it. */
static void setup(void)
{
	struct css_subchannel_config cfg = {
		.schid = { 0, 0, 0x0001 }, .devno = { 0, 0, 0x1234 },
		.chpids = { CHPID }, .pim = 0x80, .pam = 0x80, .pom = 0xff,
		.type = CSS_SCH_TYPE_IO,
	};
	struct error err;

	css = css_new(CSS_F_SYNC);
	CHECK(css);
	CHECK(css_add_chp(css, CHPID, CSS_CHP_TYPE_FC, &err) == 0);
	memset(&fdev, 0, sizeof(fdev));
	fdev.dev.ops = &fdev_ops;
	cfg.dev = &fdev.dev;
	CHECK(css_add_subchannel(css, &cfg, &fdev.sch, &err) == 0);
	probe();
}

/* ... and all of it gone again, and what the device returns cleared. */
static void teardown(void)
{
	vcc_remove(priv);
	priv = NULL;
	css_free(css);
	css = NULL;
	memset(iobuf, 0, sizeof(iobuf));
}

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t take8(struct in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static void take(struct in *in, uint8_t *buf, size_t len)
{
	size_t k = len < in->n ? len : in->n;

	memcpy(buf, in->p, k);
	memset(buf + k, 0, len - k);
	in->p += k;
	in->n -= k;
}

static bool allowed(int ret, size_t len)
{
	switch (ret) {
	case -EIO: case -EBUSY: case -EAGAIN: case -EOPNOTSUPP: case -EINVAL:
	case -EFAULT: case -EACCES: case -ENODEV: case -ENOMEM:
		return true;
	default:
		return ret >= 0 && (size_t)ret == len;
	}
}

/* Read the io region as QEMU and check the IRB shows no host address. */
static void read_io(size_t off, size_t len)
{
	uint8_t b[VCC_IO_REGION_SIZE];
	struct css_irb irb;
	int ret = vcc_io_read(priv, off, b + off, (uint32_t)len);

	CHECK(allowed(ret, len));
	if (ret < 0 || off || len != sizeof(b))
		return;
	vcc_io_get_irb(b, &irb);
	CHECK(guest_cpa(irb.scsw.cpa));    /* never a host CCW address */
	CHECK(irb.esw.faddr < CP_GUEST_BASE);
	CHECK(irb.esw.saddr == 0);
	for (size_t i = 0; i < sizeof(irb.emw); i++)
		CHECK(irb.emw[i] == 0);
}

static void op(struct in *in)
{
	uint8_t b[VCC_IO_REGION_SIZE];
	size_t off, len;
	int ret;

	switch (take8(in) % 10) {
	case 0:                         /* io region write, any bytes */
		off = take8(in) % (VCC_IO_REGION_SIZE + 1);
		len = take8(in) % (VCC_IO_REGION_SIZE + 1 - off);
		take(in, b, len);
		ret = vcc_io_write(priv, off, b, (uint32_t)len);
		CHECK(allowed(ret, len));
		note_orb();
		break;
	case 1: {                       /* START as QEMU: ORB + SCSW */
		struct css_scsw scsw = {
			.ctrl = SCSW_FCTL_START | SCSW_ACTL_START_PEND,
		};
		bool posted = take8(in) & 1;    /* as the preload library */

		memset(b, 0, sizeof(b));
		take(in, b, CSS_ORB_SIZE);
		vcc_io_put_scsw(b, &scsw);
		if (posted) {
			vcc_io_post(priv, 0, b, sizeof(b));
		} else {
			ret = vcc_io_write(priv, 0, b, sizeof(b));
			CHECK(allowed(ret, sizeof(b)));
		}
		note_orb();
		break;
	}
	case 2:                         /* async command region */
		off = take8(in) % (VCC_CMD_REGION_SIZE + 1);
		len = VCC_CMD_REGION_SIZE - off;
		take(in, b, len);
		ret = vcc_async_write(priv, off, b, (uint32_t)len);
		CHECK(allowed(ret, len));
		ret = vcc_async_read(priv, 0, b, VCC_CMD_REGION_SIZE);
		CHECK(ret == VCC_CMD_REGION_SIZE);
		break;
	case 3:
		read_io(0, VCC_IO_REGION_SIZE);
		break;
	case 4:
		off = take8(in) % (VCC_SCHIB_REGION_SIZE + 1);
		len = VCC_SCHIB_REGION_SIZE - off;
		ret = vcc_schib_read(priv, off, b, (uint32_t)len);
		CHECK(ret == (int)len);
		break;
	case 5:
		off = take8(in) % (VCC_CRW_REGION_SIZE + 1);
		len = VCC_CRW_REGION_SIZE - off;
		ret = vcc_crw_read(priv, off, b, (uint32_t)len);
		CHECK(ret == (int)len);
		break;
	case 6:
		vcc_fsm_lock(priv);
		vcc_fsm_event(priv, (enum vcc_event)(take8(in) % VCC_NR_EVENTS));
		vcc_fsm_unlock(priv);
		break;
	case 7:
		vcc_fsm_lock(priv);
		ret = vcc_fsm_reset(priv);
		CHECK(ret == 0 || ret == -EINVAL);
		vcc_fsm_unlock(priv);
		break;
	case 8:
		css_chp_vary(css, CHPID, take8(in) & 1);
		break;
	case 9: {                       /* status from nowhere */
		uint8_t raw[CSS_IRB_SIZE];

		take(in, raw, sizeof(raw));
		vcc_fsm_lock(priv);
		css_irb_load(&priv->irb, raw);
		vcc_fsm_event(priv, VCC_EVENT_INTERRUPT);
		vcc_fsm_unlock(priv);
		break;
	}
	}
	CHECK((unsigned int)priv->state < VCC_NR_STATES);
}

/* OPEN, a NOP program at the end of the guest, its IRB, CLOSE. */
static void check_usable(void)
{
	const uint32_t cpa = GUEST_SIZE - CSS_CCW_SIZE;
	const struct css_ccw nop = { .cmd = 0x03, .flags = CCW_FLAG_SLI };
	const struct css_orb orb = {
		.intparm = 0x600d, .lpm = 0x80, .cpa = cpa,
		.ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64,
	};
	const struct css_scsw scsw = {
		.ctrl = SCSW_FCTL_START | SCSW_ACTL_START_PEND,
	};
	uint8_t b[VCC_IO_REGION_SIZE];
	struct css_irb irb;

	css_ccw_store(&nop, guest_buf + cpa);
	fdev.execs = 0;                    /* a whole budget: no halt */
	vcc_fsm_lock(priv);
	vcc_fsm_event(priv, VCC_EVENT_OPEN);
	vcc_fsm_unlock(priv);
	memset(b, 0, sizeof(b));
	vcc_io_put_orb(b, &orb);
	vcc_io_put_scsw(b, &scsw);
	CHECK(vcc_io_write(priv, 0, b, sizeof(b)) == sizeof(b));
	CHECK(vcc_io_read(priv, 0, b, sizeof(b)) == sizeof(b));
	vcc_io_get_irb(b, &irb);
	CHECK(irb.scsw.dstat == (DEV_STAT_CHN_END | DEV_STAT_DEV_END));
	CHECK(irb.scsw.cstat == 0);
	CHECK(irb.scsw.cpa == cpa + CSS_CCW_SIZE);
	vcc_fsm_lock(priv);
	vcc_fsm_event(priv, VCC_EVENT_CLOSE);
	vcc_fsm_unlock(priv);
	CHECK(priv->state == VCC_STATE_STANDBY);
}

/* The input's end: the device closes and can be used again. */
static void finish(void)
{
	uint8_t b[VCC_CRW_REGION_SIZE];

	css_chp_vary(css, CHPID, true);
	vcc_fsm_lock(priv);
	if (priv->state != VCC_STATE_STANDBY &&
	    priv->state != VCC_STATE_NOT_OPER)
		vcc_fsm_event(priv, VCC_EVENT_CLOSE);
	vcc_fsm_unlock(priv);
	if (priv->state == VCC_STATE_NOT_OPER || priv->quiesce)
		return;         /* teardown() removes it as it is */
	while (vcc_crw_pending(priv))
		vcc_crw_read(priv, 0, b, sizeof(b));
	CHECK(priv->state == VCC_STATE_STANDBY);
	CHECK(!priv->cp.initialized);
	check_usable();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_CRIT);
	guest_buf = malloc(GUEST_SIZE);
	CHECK(guest_buf);
	css_flatmem_init(&guest, guest_buf, GUEST_SIZE);
	/* vcc_drv.c's callback table grows on the first probe: not in an
	 * input, or the first input would differ from the others. */
	setup();
	teardown();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	size_t glen;

	glen = (size_t)take8(&in) | (size_t)take8(&in) << 8;
	if (glen > GUEST_SIZE)
		glen = GUEST_SIZE;
	norb_seen = 0;
	memset(guest_buf, 0, GUEST_SIZE);
	take(&in, guest_buf, glen < in.n ? glen : in.n);
	setup();
	vcc_fsm_lock(priv);
	vcc_fsm_event(priv, VCC_EVENT_OPEN);
	vcc_fsm_unlock(priv);
	while (in.n)
		op(&in);
	finish();
	teardown();
	return 0;
}
