/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio_ccw state machine without a VMM: a CSS_F_SYNC channel
 * subsystem with the test-double device (cp_dev.c), guest memory from
 * cp_test.c, and the region entry points the vfio-user ops call. With no
 * mdev the bottom half runs when each event ends, so every request here
 * has completed (IRB in the io region) when the call returns.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "cp_dev.h"
#include "cp_test.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"

#define MEM_SIZE  (1u << 20)
#define PROG      0x1000u
#define DATA      0x2000u

struct fix {
	struct cpfix cf;
	struct tmem mem;
	struct vcc_private *p;
	char trace[256];
	struct cpdev extra;       /* a second device (test_probe_rejects) */
};

static void sch_set_enabled(struct css_subchannel *sch, bool on)
{
	struct css_schib schib;

	assert_int_equal(css_stsch(sch, &schib), 0);
	if (on)
		schib.pmcw.flags |= PMCW_FLAGS_ENA;
	else
		schib.pmcw.flags &= (uint16_t)~PMCW_FLAGS_ENA;
	assert_int_equal(css_msch(sch, &schib), 0);
}

static bool sch_enabled(struct css_subchannel *sch)
{
	struct css_schib schib;

	assert_int_equal(css_stsch(sch, &schib), 0);
	return schib.pmcw.flags & PMCW_FLAGS_ENA;
}

static int setup_opts(void **state, const char *trace)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct vcc_options opt = { .socket_dir = "/proc/vcc-none" };
	struct error err = { 0 };

	cpfix_init(&f->cf);
	sch_set_enabled(f->cf.sch, false);   /* a host subchannel is idle */
	tmem_init(&f->mem, MEM_SIZE);
	if (trace) {
		snprintf(f->trace, sizeof(f->trace), "%s", trace);
		opt.trace_path = f->trace;
	}
	assert_int_equal(vcc_probe(f->cf.sch, &opt, &f->p, &err), 0);
	vcc_fsm_lock(f->p);
	f->p->guest = &f->mem.mem;
	vcc_fsm_unlock(f->p);
	/* A Sense ID program: one CCW, 8 bytes into DATA. */
	put_ccw1(&f->mem, PROG, 0xe4, CCW_FLAG_SLI, 8, DATA);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_opts(state, NULL);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	vcc_remove(f->p);
	cpfix_fini(&f->cf);
	tmem_fini(&f->mem);
	if (f->trace[0])
		unlink(f->trace);
	free(f);
	return 0;
}

/* ---- driving the device as QEMU does ---- */

static int io_write(struct fix *f, uint16_t fctl, uint16_t ctrl0,
		    uint32_t cpa, uint8_t lpm)
{
	uint8_t region[VCC_IO_REGION_SIZE] = { 0 };
	struct css_orb orb = { .intparm = 0x1234, .ctrl0 = ctrl0, .lpm = lpm,
			       .cpa = cpa };
	struct css_scsw scsw = { .ctrl = fctl };

	vcc_io_put_orb(region, &orb);
	vcc_io_put_scsw(region, &scsw);
	return vcc_io_write(f->p, 0, region, sizeof(region));
}

static int ssch(struct fix *f, uint32_t cpa)
{
	return io_write(f, SCSW_FCTL_START | SCSW_ACTL_START_PEND, ORB_F1, cpa,
			0x80);
}

static int async_cmd(struct fix *f, uint32_t cmd)
{
	uint8_t b[VCC_CMD_REGION_SIZE] = { 0 };

	st_he32(b, cmd);
	return vcc_async_write(f->p, 0, b, sizeof(b));
}

/* Read the io region as QEMU does; returns the IRB. */
static void read_irb(struct fix *f, struct css_irb *irb)
{
	uint8_t region[VCC_IO_REGION_SIZE];

	assert_int_equal(vcc_io_read(f->p, 0, region, sizeof(region)),
			 (int)sizeof(region));
	vcc_io_get_irb(region, irb);
}

static void fire(struct fix *f, enum vcc_event ev)
{
	vcc_fsm_lock(f->p);
	vcc_fsm_event(f->p, ev);
	vcc_fsm_unlock(f->p);
}

static void inject(struct fix *f, const struct css_irb *irb)
{
	vcc_fsm_lock(f->p);
	f->p->irb = *irb;
	vcc_fsm_event(f->p, VCC_EVENT_INTERRUPT);
	vcc_fsm_unlock(f->p);
}

static enum vcc_state state_of(struct fix *f)
{
	enum vcc_state s;

	vcc_fsm_lock(f->p);
	s = f->p->state;
	vcc_fsm_unlock(f->p);
	return s;
}

static struct css_irb final_irb(uint16_t fctl)
{
	struct css_irb irb = { 0 };

	irb.scsw.ctrl = (uint16_t)(fctl | SCSW_STCTL_PRIMARY |
				   SCSW_STCTL_SECONDARY | SCSW_STCTL_STATUS_PEND);
	irb.scsw.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	return irb;
}

/* ---- the table ---- */

static void reach(struct fix *f, enum vcc_state s)
{
	switch (s) {
	case VCC_STATE_STANDBY:
		break;
	case VCC_STATE_NOT_OPER:
		fire(f, VCC_EVENT_NOT_OPER);
		break;
	case VCC_STATE_IDLE:
		fire(f, VCC_EVENT_OPEN);
		break;
	case VCC_STATE_CP_PROCESSING:
		fire(f, VCC_EVENT_OPEN);
		vcc_fsm_lock(f->p);
		f->p->state = VCC_STATE_CP_PROCESSING;
		vcc_fsm_unlock(f->p);
		break;
	case VCC_STATE_CP_PENDING: {
		struct css_orb orb = test_orb(ORB_F1, PROG);

		/* A translated program the device has not finished. */
		fire(f, VCC_EVENT_OPEN);
		vcc_fsm_lock(f->p);
		assert_int_equal(cp_init(&f->p->cp, &f->mem.mem, &orb), 0);
		assert_int_equal(cp_prefetch(&f->p->cp), 0);
		f->p->state = VCC_STATE_CP_PENDING;
		vcc_fsm_unlock(f->p);
		break;
	}
	default:
		fail();
	}
	assert_int_equal(state_of(f), s);
}

#define NO_RET 1   /* the event has no request result */

struct expect {
	enum vcc_state next;
	int ret;
};

static const struct expect table[VCC_NR_STATES][VCC_NR_EVENTS] = {
	[VCC_STATE_NOT_OPER] = {
		[VCC_EVENT_NOT_OPER] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_IO_REQ] = { VCC_STATE_NOT_OPER, -EIO },
		[VCC_EVENT_INTERRUPT] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_ASYNC_REQ] = { VCC_STATE_NOT_OPER, -EIO },
		[VCC_EVENT_OPEN] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_CLOSE] = { VCC_STATE_NOT_OPER, NO_RET },
	},
	[VCC_STATE_STANDBY] = {
		[VCC_EVENT_NOT_OPER] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_IO_REQ] = { VCC_STATE_STANDBY, -EIO },
		[VCC_EVENT_INTERRUPT] = { VCC_STATE_STANDBY, NO_RET },
		[VCC_EVENT_ASYNC_REQ] = { VCC_STATE_STANDBY, -EIO },
		[VCC_EVENT_OPEN] = { VCC_STATE_IDLE, NO_RET },
		[VCC_EVENT_CLOSE] = { VCC_STATE_NOT_OPER, NO_RET },
	},
	[VCC_STATE_IDLE] = {
		[VCC_EVENT_NOT_OPER] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_IO_REQ] = { VCC_STATE_IDLE, VCC_IO_REGION_SIZE },
		[VCC_EVENT_INTERRUPT] = { VCC_STATE_IDLE, NO_RET },
		[VCC_EVENT_ASYNC_REQ] = { VCC_STATE_IDLE, VCC_CMD_REGION_SIZE },
		[VCC_EVENT_OPEN] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_CLOSE] = { VCC_STATE_STANDBY, NO_RET },
	},
	[VCC_STATE_CP_PROCESSING] = {
		[VCC_EVENT_NOT_OPER] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_IO_REQ] = { VCC_STATE_CP_PROCESSING, -EAGAIN },
		[VCC_EVENT_INTERRUPT] = { VCC_STATE_CP_PROCESSING, NO_RET },
		[VCC_EVENT_ASYNC_REQ] = { VCC_STATE_CP_PROCESSING, -EAGAIN },
		[VCC_EVENT_OPEN] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_CLOSE] = { VCC_STATE_STANDBY, NO_RET },
	},
	[VCC_STATE_CP_PENDING] = {
		[VCC_EVENT_NOT_OPER] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_IO_REQ] = { VCC_STATE_CP_PENDING, -EBUSY },
		/* the final status ends the program */
		[VCC_EVENT_INTERRUPT] = { VCC_STATE_IDLE, NO_RET },
		/* HSCH: its status ends the program */
		[VCC_EVENT_ASYNC_REQ] = { VCC_STATE_IDLE, VCC_CMD_REGION_SIZE },
		[VCC_EVENT_OPEN] = { VCC_STATE_NOT_OPER, NO_RET },
		[VCC_EVENT_CLOSE] = { VCC_STATE_STANDBY, NO_RET },
	},
};

/* ASYNC_REQ with CLEAR SUBCHANNEL (the table's ASYNC_REQ column is HSCH). */
static const struct expect table_csch[VCC_NR_STATES] = {
	[VCC_STATE_NOT_OPER] = { VCC_STATE_NOT_OPER, -EIO },
	[VCC_STATE_STANDBY] = { VCC_STATE_STANDBY, -EIO },
	[VCC_STATE_IDLE] = { VCC_STATE_IDLE, VCC_CMD_REGION_SIZE },
	[VCC_STATE_CP_PROCESSING] = { VCC_STATE_CP_PROCESSING, -EAGAIN },
	/* the clear's status ends the program */
	[VCC_STATE_CP_PENDING] = { VCC_STATE_IDLE, VCC_CMD_REGION_SIZE },
};

#define EV_CSCH VCC_NR_EVENTS   /* test_table's extra column */

/*
 * Every state x every event (ASYNC_REQ twice: HSCH and CSCH). CP_PROCESSING
 * is forced here: it only exists while an io-region write is translated,
 * under fsm_lock, so no other event can meet it except from inside the
 * translation (test_cp_processing_natural does that for the requests).
 */
static void test_table(void **state)
{
	for (int s = 0; s < VCC_NR_STATES; s++) {
		for (int e = 0; e <= EV_CSCH; e++) {
			const struct expect *x = e == EV_CSCH ? &table_csch[s]
							      : &table[s][e];
			struct css_irb irb = final_irb(SCSW_FCTL_START);
			void *st;
			struct fix *f;
			int ret = NO_RET;

			setup(&st);
			f = st;
			reach(f, (enum vcc_state)s);
			switch (e) {
			case VCC_EVENT_IO_REQ:
				ret = ssch(f, PROG);
				break;
			case VCC_EVENT_ASYNC_REQ:
				ret = async_cmd(f, VFIO_CCW_ASYNC_CMD_HSCH);
				break;
			case EV_CSCH:
				ret = async_cmd(f, VFIO_CCW_ASYNC_CMD_CSCH);
				break;
			case VCC_EVENT_INTERRUPT:
				inject(f, &irb);
				break;
			default:
				fire(f, (enum vcc_event)e);
				break;
			}
			if (ret != x->ret || state_of(f) != x->next)
				print_error("%s x %s: ret %d state %s\n",
					    vcc_state_name((enum vcc_state)s),
					    e == EV_CSCH ? "ASYNC_REQ (CSCH)" :
					    vcc_event_name((enum vcc_event)e),
					    ret, vcc_state_name(state_of(f)));
			assert_int_equal(ret, x->ret);
			assert_int_equal(state_of(f), x->next);
			/* No program is left behind where none may run. */
			vcc_fsm_lock(f->p);
			if (f->p->state != VCC_STATE_CP_PENDING &&
			    f->p->state != VCC_STATE_CP_PROCESSING)
				assert_false(f->p->cp.initialized);
			assert_false(f->p->quiesce);
			vcc_fsm_unlock(f->p);
			if (x->next == VCC_STATE_STANDBY)
				assert_false(sch_enabled(f->cf.sch));
			if (x->next == VCC_STATE_IDLE)
				assert_true(sch_enabled(f->cf.sch));
			teardown(&st);
		}
	}
}

/* ---- CP_PROCESSING reached by a real translation ---- */

/*
 * Guest memory that runs a hook at its first read: the translator's first
 * CCW fetch, i.e. inside the io-region write, in CP_PROCESSING, with
 * fsm_lock held by this thread (map() is left out so that every access is
 * a read).
 */
struct hookmem {
	struct css_mem mem;
	struct tmem *inner;
	struct fix *f;
	bool fired;
	enum vcc_state seen;
	int io_ret, hsch_ret, csch_ret;
};

static void in_translation(struct hookmem *h)
{
	struct vcc_private *p = h->f->p;

	h->seen = p->state;
	/* What a second io-region write and the cmd region would do now
	 * (the region entry points would wait for fsm_lock). */
	vcc_fsm_event(p, VCC_EVENT_IO_REQ);
	h->io_ret = vcc_io_get_ret(p->io_region);
	st_he32(p->cmd_region, VFIO_CCW_ASYNC_CMD_HSCH);
	vcc_fsm_event(p, VCC_EVENT_ASYNC_REQ);
	h->hsch_ret = vcc_cmd_get_ret(p->cmd_region);
	st_he32(p->cmd_region, VFIO_CCW_ASYNC_CMD_CSCH);
	vcc_fsm_event(p, VCC_EVENT_ASYNC_REQ);
	h->csch_ret = vcc_cmd_get_ret(p->cmd_region);
}

static int hook_read(struct css_mem *mem, uint64_t addr, void *buf,
		     size_t len)
{
	struct hookmem *h = (struct hookmem *)mem;

	if (!h->fired) {
		h->fired = true;
		in_translation(h);
	}
	return css_mem_read(&h->inner->mem, addr, buf, len);
}

static int hook_write(struct css_mem *mem, uint64_t addr, const void *buf,
		      size_t len)
{
	return css_mem_write(&((struct hookmem *)mem)->inner->mem, addr, buf,
			     len);
}

static const struct css_mem_ops hook_ops = {
	.read = hook_read,
	.write = hook_write,
};

static void test_cp_processing_natural(void **state)
{
	struct fix *f = *state;
	struct hookmem h = { .mem.ops = &hook_ops, .inner = &f->mem, .f = f };
	struct css_irb irb;

	fire(f, VCC_EVENT_OPEN);
	vcc_fsm_lock(f->p);
	f->p->guest = &h.mem;
	vcc_fsm_unlock(f->p);
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	assert_true(h.fired);
	assert_int_equal(h.seen, VCC_STATE_CP_PROCESSING);
	assert_int_equal(h.io_ret, -EAGAIN);
	assert_int_equal(h.hsch_ret, -EAGAIN);
	assert_int_equal(h.csch_ret, -EAGAIN);
	/* Neither halted nor cleared anything: the program ran to its end. */
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL, SCSW_FCTL_START);
	assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
	assert_int_equal(f->mem.buf[DATA], 0xff);
	assert_int_equal(f->cf.dev.ncmds, 1);
	assert_false(f->p->cp.initialized);
	vcc_fsm_lock(f->p);
	f->p->guest = &f->mem.mem;
	vcc_fsm_unlock(f->p);
}

/* ---- requests in detail ---- */

static void test_start_and_irb(void **state)
{
	struct fix *f = *state;
	struct css_irb irb;

	fire(f, VCC_EVENT_OPEN);
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL, SCSW_FCTL_START);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_STCTL,
			 SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY |
			 SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb.scsw.cpa, PROG + 8);     /* the guest's address */
	assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	assert_int_equal(irb.scsw.count, 0);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_CC, 0);
	/* The ORB's F, P bits are the guest's again; C64 has no SCSW bit. */
	assert_true(irb.scsw.flags & SCSW_FLAGS_FMT);
	assert_int_equal(f->mem.buf[DATA], 0xff);     /* Sense ID byte 0 */
	assert_int_equal(f->mem.buf[DATA + 1], 0x39);
	assert_false(f->p->irb_posted);
	assert_int_equal(f->cf.dev.ncmds, 1);
}

static void test_io_region_functions(void **state)
{
	struct fix *f = *state;
	uint8_t region[VCC_IO_REGION_SIZE] = { 0 };

	fire(f, VCC_EVENT_OPEN);
	/* HALT / CLEAR belong to the async region. */
	assert_int_equal(io_write(f, SCSW_FCTL_HALT, ORB_F1, PROG, 0x80),
			 -EOPNOTSUPP);
	assert_int_equal(io_write(f, SCSW_FCTL_CLEAR, ORB_F1, PROG, 0x80),
			 -EOPNOTSUPP);
	/* No function: nothing happens, the write succeeds. */
	assert_int_equal(io_write(f, 0, ORB_F1, PROG, 0x80),
			 VCC_IO_REGION_SIZE);
	/* Transport mode. */
	assert_int_equal(io_write(f, SCSW_FCTL_START, ORB_F1 | ORB_CTRL0_B,
				  PROG, 0x80), -EOPNOTSUPP);
	/* A program outside guest memory. */
	assert_int_equal(ssch(f, MEM_SIZE + 0x1000), -EFAULT);
	/* The ORB's reserved bits: an operand exception for the guest. */
	assert_int_equal(io_write(f, SCSW_FCTL_START, ORB_F1, 0x80001000, 0),
			 -EINVAL);
	assert_int_equal(f->cf.dev.ncmds, 0);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	assert_false(f->p->cp.initialized);
	/* A ret_code written by the VMM is not the result. */
	vcc_io_set_ret(region, 5);
	assert_int_equal(vcc_io_write(f->p, 0, region, sizeof(region)),
			 VCC_IO_REGION_SIZE);
	/* Partial writes are requests too; past the end is not. */
	assert_int_equal(vcc_io_write(f->p, 100, region, 24), 24);
	assert_int_equal(vcc_io_write(f->p, 100, region, 25), -EINVAL);
	assert_int_equal(vcc_io_read(f->p, 120, region, 5), -EINVAL);
	/* Then a good one works. */
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	assert_int_equal(f->cf.dev.ncmds, 1);
}

/*
 * START and HALT meeting status pending on the host subchannel (cc 1): the
 * status is made pending behind vfio_ccw's back (callbacks taken away,
 * HALT SUBCHANNEL on the idle subchannel). Both requests are -EBUSY (QEMU:
 * cc 2), nothing is translated or started, the state stays IDLE.
 */
static void test_busy_cc1(void **state)
{
	struct fix *f = *state;
	struct css_schib schib;
	struct css_irb irb;

	fire(f, VCC_EVENT_OPEN);
	css_sch_set_handlers(f->cf.sch, NULL, NULL, NULL);
	assert_int_equal(css_hsch(f->cf.sch), 0);
	assert_int_equal(css_stsch(f->cf.sch, &schib), 0);
	assert_true(schib.scsw.ctrl & SCSW_STCTL_STATUS_PEND);
	assert_int_equal(css_ssch(f->cf.sch, &(struct css_orb){ .ctrl0 = ORB_F1,
				  .cpa = PROG }, &f->mem.mem), 1);
	assert_int_equal(css_hsch(f->cf.sch), 1);

	assert_int_equal(ssch(f, PROG), -EBUSY);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	assert_false(f->p->cp.initialized);
	assert_int_equal(async_cmd(f, VFIO_CCW_ASYNC_CMD_HSCH), -EBUSY);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	assert_false(f->p->irb_posted);
	assert_int_equal(f->cf.dev.ncmds, 0);
	/* The status is still the host's halt status, untouched. */
	assert_int_equal(css_tsch(f->cf.sch, &irb), 0);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_HALT | SCSW_STCTL_STATUS_PEND);
	vcc_sch_attach(f->p);
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
	assert_int_equal(f->cf.dev.ncmds, 1);
}

static void test_immediate_cc3(void **state)
{
	struct fix *f = *state;

	fire(f, VCC_EVENT_OPEN);
	/* Two usable paths, the ORB names one: -EACCES, one is left. */
	pthread_mutex_lock(&f->p->lock);
	f->p->lpm = 0xc0;
	pthread_mutex_unlock(&f->p->lock);
	sch_set_enabled(f->cf.sch, false);    /* START: cc 3 */
	assert_int_equal(ssch(f, PROG), -EACCES);
	assert_int_equal(f->p->lpm, 0x40);
	/* The last one: -ENODEV. */
	assert_int_equal(io_write(f, SCSW_FCTL_START, ORB_F1, PROG, 0x40),
			 -ENODEV);
	assert_int_equal(f->p->lpm, 0);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	assert_false(f->p->cp.initialized);
}

static void test_deferred_cc3_and_crws(void **state)
{
	struct fix *f = *state;
	uint8_t crw[VCC_CRW_REGION_SIZE];
	struct css_crw c;
	struct css_irb irb;

	fire(f, VCC_EVENT_OPEN);
	/* The only path goes away: START is accepted (cc 0) and ends with
	 * deferred condition code 3. */
	assert_int_equal(css_chp_vary(f->cf.css, 0x40, false), 0);
	assert_int_equal(f->p->lpm, 0);
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	read_irb(f, &irb);
	assert_int_equal((irb.scsw.flags & SCSW_FLAGS_CC) >> SCSW_FLAGS_CC_SHIFT,
			 3);
	assert_true(irb.scsw.ctrl & SCSW_STCTL_ALERT);
	assert_int_equal(irb.scsw.cpa, 0);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	assert_int_equal(f->cf.dev.ncmds, 0);
	assert_int_equal(css_chp_vary(f->cf.css, 0x40, true), 0);
	assert_int_equal(f->p->lpm, 0x80);
	/* Vary off, vary on: two CRWs, then zero. */
	assert_int_equal(vcc_crw_pending(f->p), 2);
	assert_int_equal(vcc_crw_read(f->p, 0, crw, sizeof(crw)), 8);
	assert_int_equal(vcc_crw_decode(crw, &c), 0);
	assert_int_equal(c.rsc, CRW_RSC_CHP);
	assert_int_equal(c.erc, CRW_ERC_PERRN);
	assert_int_equal(c.rsid, 0x40);
	assert_int_equal(vcc_crw_read(f->p, 0, crw, sizeof(crw)), 8);
	assert_int_equal(vcc_crw_decode(crw, &c), 0);
	assert_int_equal(c.erc, CRW_ERC_INIT);
	assert_int_equal(vcc_crw_read(f->p, 0, crw, sizeof(crw)), 8);
	assert_int_equal(vcc_crw_decode(crw, &c), -ENOENT);
	assert_int_equal(vcc_crw_read(f->p, 4, crw, 8), -EINVAL);
	/* And I/O works again. */
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_CC, 0);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
}

static void test_crw_overflow(void **state)
{
	struct fix *f = *state;
	uint8_t crw[VCC_CRW_REGION_SIZE];
	struct css_crw c;

	for (int i = 0; i < VCC_CRWQ_MAX + 3; i++)
		vcc_crw_queue(f->p, CRW_RSC_CHP, CRW_ERC_INIT, (uint16_t)i);
	assert_int_equal(vcc_crw_pending(f->p), VCC_CRWQ_MAX);
	assert_int_equal(vcc_crw_read(f->p, 0, crw, sizeof(crw)), 8);
	assert_int_equal(vcc_crw_decode(crw, &c), 0);
	assert_int_equal(c.rsid, 0);
	assert_false(c.overflow);
	vcc_crw_queue(f->p, CRW_RSC_CHP, CRW_ERC_PERRN, 0x99);
	for (int i = 1; i < VCC_CRWQ_MAX; i++)
		vcc_crw_read(f->p, 0, crw, sizeof(crw));
	assert_int_equal(vcc_crw_read(f->p, 0, crw, sizeof(crw)), 8);
	assert_int_equal(vcc_crw_decode(crw, &c), 0);
	assert_int_equal(c.rsid, 0x99);
	assert_true(c.overflow);            /* CRWs were lost before it */
}

static void test_irb_one_at_a_time(void **state)
{
	struct fix *f = *state;
	uint8_t region[VCC_IO_REGION_SIZE];
	struct css_irb irb = final_irb(SCSW_FCTL_START), got;

	fire(f, VCC_EVENT_OPEN);
	for (int i = 0; i < 3; i++) {
		irb.scsw.count = (uint16_t)(100 + i);
		inject(f, &irb);
	}
	assert_true(f->p->irb_posted);
	assert_int_equal(f->p->irbq.n, 2);
	/* Reading only ret_code does not take the IRB. */
	assert_int_equal(vcc_io_read(f->p, VCC_IO_RET_OFF, region, 4), 4);
	assert_int_equal(f->p->irbq.n, 2);
	for (int i = 0; i < 3; i++) {
		read_irb(f, &got);
		assert_int_equal(got.scsw.count, 100 + i);
	}
	assert_false(f->p->irb_posted);
	/* Reading again gives the last one again. */
	read_irb(f, &got);
	assert_int_equal(got.scsw.count, 102);
	/* Flood: the queue is bounded, final status is never dropped. */
	for (int i = 0; i < VCC_IRBQ_MAX + 5; i++) {
		irb.scsw.count = (uint16_t)i;
		inject(f, &irb);
	}
	assert_int_equal(f->p->irbq.n, VCC_IRBQ_MAX);
	for (int i = 0; i <= VCC_IRBQ_MAX; i++)
		read_irb(f, &got);
	assert_int_equal(got.scsw.count, VCC_IRBQ_MAX + 4);
	/*
	 * A full queue that holds a final status and intermediate ones: a
	 * new final status pushes out the oldest intermediate one, never
	 * the final status before it.
	 */
	irb.scsw.count = 1000;                  /* shown at once */
	inject(f, &irb);
	irb.scsw.count = 1001;                  /* the queue's oldest: final */
	inject(f, &irb);
	for (int i = 1; i < VCC_IRBQ_MAX; i++) {
		struct css_irb mid = irb;

		mid.scsw.ctrl |= SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE;
		mid.scsw.ctrl &= (uint16_t)~SCSW_STCTL_SECONDARY;
		mid.scsw.count = (uint16_t)(2000 + i);
		inject(f, &mid);
	}
	assert_int_equal(f->p->irbq.n, VCC_IRBQ_MAX);
	irb.scsw.count = 1002;
	inject(f, &irb);
	assert_int_equal(f->p->irbq.n, VCC_IRBQ_MAX);
	read_irb(f, &got);
	assert_int_equal(got.scsw.count, 1000);
	read_irb(f, &got);
	assert_int_equal(got.scsw.count, 1001);
	read_irb(f, &got);
	assert_int_equal(got.scsw.count, 2002);  /* 2001 gave way */
	for (int i = 3; i < VCC_IRBQ_MAX; i++)
		read_irb(f, &got);
	read_irb(f, &got);
	assert_int_equal(got.scsw.count, 1002);
	assert_false(f->p->irb_posted);
	/* CLOSE forgets IRBs nobody read. */
	inject(f, &irb);
	fire(f, VCC_EVENT_CLOSE);
	assert_false(f->p->irb_posted);
	read_irb(f, &got);
	assert_int_equal(got.scsw.ctrl, 0);
}

static void test_no_host_address(void **state)
{
	struct fix *f = *state;
	struct css_irb irb = final_irb(SCSW_FCTL_START), got;

	fire(f, VCC_EVENT_OPEN);
	irb.scsw.cpa = CP_ARENA_BASE + 0x40;       /* no program: not ours */
	irb.esw.faddr = CP_GUEST_BASE + 0x1234;
	irb.esw.saddr = CP_ARENA_BASE + 0x10;
	irb.esw.erw = VCC_ERW_FSAVF | VCC_ERW_SCAVF;
	irb.emw[0] = 0xee;
	inject(f, &irb);
	read_irb(f, &got);
	assert_int_equal(got.scsw.cpa, 0);
	assert_true(got.esw.faddr == 0x1234);
	assert_int_equal(got.esw.saddr, 0);
	assert_int_equal(got.esw.erw, VCC_ERW_FSAVF);
	assert_int_equal(got.emw[0], 0);
	irb.esw.faddr = CP_ARENA_BASE;
	inject(f, &irb);
	read_irb(f, &got);
	assert_true(got.esw.faddr == 0);
	assert_int_equal(got.esw.erw, 0);
}

static void test_async(void **state)
{
	struct fix *f = *state;
	uint8_t b[VCC_CMD_REGION_SIZE];
	struct css_irb irb;

	fire(f, VCC_EVENT_OPEN);
	assert_int_equal(async_cmd(f, 0), -EINVAL);
	assert_int_equal(async_cmd(f, 3), -EINVAL);
	assert_int_equal(vcc_async_read(f->p, 0, b, sizeof(b)), 8);
	assert_int_equal(ld_he32(b + 4), (uint32_t)-EINVAL);
	/* CSCH on an idle subchannel: clear status comes as an IRB. */
	assert_int_equal(async_cmd(f, VFIO_CCW_ASYNC_CMD_CSCH), 8);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_CLEAR | SCSW_STCTL_STATUS_PEND);
	/* HSCH likewise (halt status alone). */
	assert_int_equal(async_cmd(f, VFIO_CCW_ASYNC_CMD_HSCH), 8);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_HALT | SCSW_STCTL_STATUS_PEND);
	/* Not enabled: cc 3 -> -ENODEV for both. */
	sch_set_enabled(f->cf.sch, false);
	assert_int_equal(async_cmd(f, VFIO_CCW_ASYNC_CMD_HSCH), -ENODEV);
	assert_int_equal(async_cmd(f, VFIO_CCW_ASYNC_CMD_CSCH), -ENODEV);
	assert_int_equal(vcc_async_write(f->p, 4, b, 8), -EINVAL);
}

static void test_reset(void **state)
{
	struct fix *f = *state;

	fire(f, VCC_EVENT_OPEN);
	vcc_fsm_lock(f->p);
	assert_int_equal(vcc_fsm_reset(f->p), 0);
	assert_int_equal(f->p->state, VCC_STATE_IDLE);
	vcc_fsm_unlock(f->p);
	assert_true(sch_enabled(f->cf.sch));
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	fire(f, VCC_EVENT_NOT_OPER);
	vcc_fsm_lock(f->p);
	assert_int_equal(vcc_fsm_reset(f->p), -EINVAL);
	vcc_fsm_unlock(f->p);
}

static void test_close_with_program(void **state)
{
	struct fix *f = *state;

	reach(f, VCC_STATE_CP_PENDING);
	/* A reset while the program is pending: the clear ends it (inline
	 * here), the program is freed, the device is usable again. */
	vcc_fsm_lock(f->p);
	assert_int_equal(vcc_fsm_reset(f->p), 0);
	vcc_fsm_unlock(f->p);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	assert_false(f->p->cp.initialized);
	assert_false(f->p->quiesce);
	assert_false(f->p->irb_posted);        /* the clear is ours */
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
}

static void test_schib(void **state)
{
	struct fix *f = *state;
	uint8_t b[VCC_SCHIB_REGION_SIZE];
	struct css_schib s;

	assert_int_equal(vcc_schib_read(f->p, 0, b, sizeof(b)), 52);
	vcc_schib_decode(b, &s);
	assert_int_equal(s.pmcw.devno, 0x1234);
	assert_int_equal(s.pmcw.pim, 0x80);
	assert_int_equal(s.pmcw.pam, 0x80);
	assert_int_equal(s.pmcw.chpid[0], 0x40);
	assert_false(s.pmcw.flags & PMCW_FLAGS_ENA);
	fire(f, VCC_EVENT_OPEN);
	assert_int_equal(vcc_schib_read(f->p, 0, b, sizeof(b)), 52);
	vcc_schib_decode(b, &s);
	assert_true(s.pmcw.flags & PMCW_FLAGS_ENA);
	assert_true(s.pmcw.chars & PMCW_CHARS_CSENSE);
	assert_int_equal((s.pmcw.flags & PMCW_FLAGS_ISC) >> PMCW_FLAGS_ISC_SHIFT,
			 VCC_ISC);
	/* Each read refreshes: vary off shows in PAM at once. */
	css_chp_vary(f->cf.css, 0x40, false);
	assert_int_equal(vcc_schib_read(f->p, 15, b, 1), 1);
	assert_int_equal(b[0], 0);
	assert_int_equal(vcc_schib_read(f->p, 50, b, 4), -EINVAL);
}

static void test_probe_rejects(void **state)
{
	struct fix *f = *state;
	struct css_subchannel_config cfg = {
		.schid = { 0, 0, 0x0011 }, .devno = { 0, 0, 0x1235 },
		.chpids = { 0x40 }, .pim = 0x80, .pam = 0x80, .pom = 0xff,
		.type = CSS_SCH_TYPE_IO, .qdio = true,
	};
	struct cpdev *d = &f->extra;
	struct css_subchannel *sch;
	struct vcc_private *p;
	struct error err = { 0 };

	d->dev.ops = f->cf.dev.dev.ops;
	d->check_at = -1;
	cfg.dev = &d->dev;
	assert_int_equal(css_add_subchannel(f->cf.css, &cfg, &sch, &err), 0);
	assert_int_equal(vcc_probe(sch, NULL, &p, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "0.0.0011"));
	assert_non_null(strstr(err.msg, "QDIO"));
	assert_null(p);
	/* No mdev: nothing to remove; instances available. */
	assert_int_equal(vcc_available_instances(f->p), 1);
	assert_null(vcc_mdev_uuid(f->p));
	assert_int_equal(vcc_mdev_remove(f->p, "x"), -ENODEV);
	assert_false(vcc_mdev_in_use(f->p));
	/* The socket directory cannot be made: no mdev, a message. */
	assert_true(vcc_mdev_create(f->p, "3b1ea6f4-7d1c-4b38-9a11-00000000a000",
				    &err) < 0);
	assert_non_null(strstr(err.msg, "/proc/vcc-none"));
	assert_int_equal(vcc_available_instances(f->p), 1);
	assert_int_equal(state_of(f), VCC_STATE_STANDBY);
}

static int setup_trace(void **state)
{
	char path[] = "/tmp/vcc-trace-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	return setup_opts(state, path);
}

static void test_trace(void **state)
{
	struct fix *f = *state;
	char buf[8192];
	FILE *fp;
	size_t n;

	fire(f, VCC_EVENT_OPEN);
	put_ccw1(&f->mem, PROG, 0xe4, CCW_FLAG_SLI | CCW_FLAG_CC, 8, DATA);
	put_ccw1(&f->mem, PROG + 8, 0x03, CCW_FLAG_SLI | CCW_FLAG_CC, 0, 0);
	/* A control command with parameter bytes: shown as data=. */
	memcpy(f->mem.buf + DATA + 0x100, "\xde\xad\xbe\xef", 4);
	put_ccw1(&f->mem, PROG + 16, 0x03, CCW_FLAG_SLI, 4, DATA + 0x100);
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	assert_int_equal(async_cmd(f, VFIO_CCW_ASYNC_CMD_HSCH), 8);
	css_chp_vary(f->cf.css, 0x40, false);
	fp = fopen(f->trace, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	assert_non_null(strstr(buf, " 0.0.0010 ssch intparm=00001234 key=0 "
			       "ctrl0=00c2 lpm=80 ctrl1=00 cpa=00001000"));
	assert_non_null(strstr(buf, " ccw 00001000 cmd=e4(SENSE_ID) "
			       "flags=60(CC,SLI) count=8 cda=00002000\n"));
	assert_non_null(strstr(buf, " ccw 00001008 cmd=03(NOP) flags=60(CC,SLI) "
			       "count=0 cda=00000000\n"));
	assert_non_null(strstr(buf, " ccw 00001010 cmd=03(NOP) flags=20(SLI) "
			       "count=4 cda=00002100 data=deadbeef\n"));
	assert_non_null(strstr(buf, " irb flags=00c0 ctrl=4007 fctl=4 actl=000 stctl=07 cc=0 "));
	assert_non_null(strstr(buf, " cpa=00001018 dstat=0c cstat=00 "));
	assert_non_null(strstr(buf, " hsch ret=0\n"));
	assert_non_null(strstr(buf, " crw rsc=4 erc=06 rsid=0040\n"));
	assert_non_null(strstr(buf, " open state STANDBY\n"));
	assert_null(strstr(buf, "\n\n"));
}

/* ---- posted starts (vcc_post.c) ---- */

/* A START the VMM did not wait for, as the preload library posts it. */
static void post(struct fix *f, uint16_t ctrl0, uint32_t cpa, uint8_t lpm)
{
	uint8_t region[VCC_IO_REGION_SIZE] = { 0 };
	struct css_orb orb = { .intparm = 0x1234, .ctrl0 = ctrl0, .lpm = lpm,
			       .cpa = cpa };
	struct css_scsw scsw = { .ctrl = SCSW_FCTL_START |
					 SCSW_ACTL_START_PEND };

	vcc_io_put_orb(region, &orb);
	vcc_io_put_scsw(region, &scsw);
	vcc_io_post(f->p, 0, region, sizeof(region));
}

static bool irb_waits(struct fix *f)
{
	bool posted;

	vcc_fsm_lock(f->p);
	posted = f->p->irb_posted;
	vcc_fsm_unlock(f->p);
	return posted;
}

/* QEMU's unit exception for a start it was told failed. */
static void assert_unit_exception(const struct css_irb *irb, uint32_t cpa)
{
	assert_int_equal(irb->scsw.ctrl, SCSW_FCTL_START | SCSW_ACTL_START_PEND |
			 SCSW_STCTL_PRIMARY | SCSW_STCTL_SECONDARY |
			 SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND);
	assert_int_equal(irb->scsw.cpa, cpa + 8);
	assert_int_equal(irb->scsw.dstat, DEV_STAT_UNIT_EXCEP);
	assert_int_equal(irb->scsw.cstat, 0);
	assert_int_equal(irb->scsw.flags & SCSW_FLAGS_CC, 0);
}

/*
 * A posted start runs as a written one; each errno the write would have
 * returned becomes the status QEMU would have made of it: a refused
 * program (-EINVAL, -EOPNOTSUPP, -EFAULT) a unit exception at the CCW
 * address + 8, cc 3 (-EACCES, -ENODEV) deferred condition code 3.
 */
static void test_posted_outcomes(void **state)
{
	struct fix *f = *state;
	struct css_irb irb;

	fire(f, VCC_EVENT_OPEN);
	post(f, ORB_F1, PROG, 0x80);
	assert_true(irb_waits(f));
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL, SCSW_FCTL_START);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
	assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	assert_int_equal(f->cf.dev.ncmds, 1);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);

	post(f, ORB_F1 | ORB_CTRL0_B, PROG, 0x80);     /* -EOPNOTSUPP */
	read_irb(f, &irb);
	assert_unit_exception(&irb, PROG);
	post(f, ORB_F1, MEM_SIZE + 0x1000, 0x80);      /* -EFAULT */
	read_irb(f, &irb);
	assert_unit_exception(&irb, MEM_SIZE + 0x1000);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_KEY, 0);
	post(f, ORB_F1 | 0x3000, MEM_SIZE, 0x80);      /* key 3; -EFAULT */
	read_irb(f, &irb);
	assert_unit_exception(&irb, MEM_SIZE);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_KEY, 0x3000);
	assert_int_equal(f->cf.dev.ncmds, 1);
	assert_int_equal(state_of(f), VCC_STATE_IDLE);
	assert_false(f->p->cp.initialized);

	/* Immediate cc 3 on the host: -EACCES, then -ENODEV. */
	pthread_mutex_lock(&f->p->lock);
	f->p->lpm = 0xc0;
	pthread_mutex_unlock(&f->p->lock);
	sch_set_enabled(f->cf.sch, false);
	for (int i = 0; i < 2; i++) {
		post(f, ORB_F1, PROG, i ? 0x40 : 0x80);
		read_irb(f, &irb);
		assert_int_equal(irb.scsw.flags & SCSW_FLAGS_CC,
				 3u << SCSW_FLAGS_CC_SHIFT);
		assert_int_equal(irb.scsw.ctrl, SCSW_FCTL_START |
				 SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND);
		assert_int_equal(irb.scsw.dstat, 0);
	}
	assert_int_equal(f->p->lpm, 0);
	assert_false(irb_waits(f));
	assert_int_equal(f->cf.dev.ncmds, 1);
}

/* Host status pending behind vfio_ccw's back (as test_busy_cc1), then a
 * posted start: it waits, nothing shown. */
static void post_waiting(struct fix *f)
{
	struct css_schib schib;

	css_sch_set_handlers(f->cf.sch, NULL, NULL, NULL);
	assert_int_equal(css_hsch(f->cf.sch), 0);
	assert_int_equal(css_stsch(f->cf.sch, &schib), 0);
	assert_true(schib.scsw.ctrl & SCSW_STCTL_STATUS_PEND);
	post(f, ORB_F1, PROG, 0x80);
	assert_true(f->p->start_deferred);
	assert_false(irb_waits(f));
}

/* The host status taken away, vfio_ccw's callbacks back. */
static void host_status_taken(struct fix *f)
{
	struct css_irb irb;

	assert_int_equal(css_tsch(f->cf.sch, &irb), 0);
	vcc_sch_attach(f->p);
}

/*
 * A posted start that meets a busy host subchannel (-EBUSY: QEMU would
 * have said cc 2) waits, nothing shown, until a bottom half finds the
 * device idle; a second one meanwhile is ignored. A clear ends one that
 * waits, and so does the device going (deferred cc 3); a close forgets it.
 */
static void test_posted_busy_waits(void **state)
{
	struct fix *f = *state;
	struct css_irb irb;

	fire(f, VCC_EVENT_OPEN);
	post_waiting(f);
	post(f, ORB_F1, PROG + 0x100, 0x80);           /* ignored */
	assert_int_equal(f->cf.dev.ncmds, 0);
	/* Still busy: the next bottom half leaves it waiting. */
	vcc_bh_kick(f->p);
	assert_true(f->p->start_deferred);
	assert_false(irb_waits(f));
	/* The status collected: the next bottom half starts it. */
	host_status_taken(f);
	vcc_bh_kick(f->p);
	assert_false(f->p->start_deferred);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.cpa, PROG + 8);
	assert_int_equal(irb.scsw.dstat, DEV_STAT_CHN_END | DEV_STAT_DEV_END);
	assert_int_equal(f->cf.dev.ncmds, 1);

	/* A clear the guest asked for ends it. */
	post_waiting(f);
	host_status_taken(f);
	assert_int_equal(async_cmd(f, VFIO_CCW_ASYNC_CMD_CSCH),
			 VCC_CMD_REGION_SIZE);
	assert_false(f->p->start_deferred);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL, SCSW_FCTL_CLEAR);
	vcc_bh_kick(f->p);
	assert_false(irb_waits(f));
	assert_int_equal(f->cf.dev.ncmds, 1);

	/* The device going: deferred cc 3 for it. */
	post_waiting(f);
	fire(f, VCC_EVENT_NOT_OPER);
	assert_false(f->p->start_deferred);
	read_irb(f, &irb);
	assert_int_equal(irb.scsw.flags & SCSW_FLAGS_CC,
			 3u << SCSW_FLAGS_CC_SHIFT);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL, SCSW_FCTL_START);
	assert_int_equal(f->cf.dev.ncmds, 1);
}

/* A close (the VMM's reset or departure) forgets a waiting start. */
static void test_posted_close_forgets(void **state)
{
	struct fix *f = *state;

	fire(f, VCC_EVENT_OPEN);
	post_waiting(f);
	host_status_taken(f);
	fire(f, VCC_EVENT_CLOSE);
	assert_false(f->p->start_deferred);
	fire(f, VCC_EVENT_OPEN);
	assert_false(irb_waits(f));
	assert_int_equal(f->cf.dev.ncmds, 0);
	/* Out of bounds: nothing at all. */
	vcc_io_post(f->p, 100, (uint8_t[25]){ 0 }, 25);
	assert_false(irb_waits(f));
	/* Closed: nothing for the next session (a written one is -EIO). */
	fire(f, VCC_EVENT_CLOSE);
	post(f, ORB_F1, PROG, 0x80);
	fire(f, VCC_EVENT_OPEN);
	assert_false(irb_waits(f));
	assert_int_equal(ssch(f, PROG), VCC_IO_REGION_SIZE);
	assert_int_equal(f->cf.dev.ncmds, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test_setup_teardown(test_cp_processing_natural, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_start_and_irb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_region_functions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_busy_cc1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_immediate_cc3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_cc3_and_crws, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_crw_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irb_one_at_a_time, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_host_address, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_async, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_with_program, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace, setup_trace, teardown),
		cmocka_unit_test_setup_teardown(test_posted_outcomes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_posted_busy_waits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_posted_close_forgets, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
