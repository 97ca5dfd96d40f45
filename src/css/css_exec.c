/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-program execution in command mode: CCW fetch (format 1, and
 * format 0 converted on fetch), command chaining, transfer in channel, the
 * status-modifier skip, PCI and initial-status interruptions, suspend,
 * incorrect length, and the CCW address / residual count of the ending
 * status.
 *
 * Principles of Operation SA22-7832 ch. 15 "Channel-Command Word",
 * "Command Code", "Chaining" (command chaining; the status modifier makes
 * the channel fetch the CCW 16 bytes after the current one), "Transfer in
 * Channel" (no TIC to TIC), "Suspension of Channel-Program Execution",
 * "Program-Controlled Interruption", "Incorrect Length" with the SLI flag
 * and the ORB L bit; ch. 16 "Program Check", "CCW-Address Field", "Count".
 */
#include <errno.h>
#include <string.h>

#include "css/css_internal.h"

#define FMT1_ADDR_BIT0 0x80000000u

uint8_t css_exec_mem_check(int err)
{
	switch (err) {
	case -EFAULT:           /* location not available: invalid address */
		return SCH_STAT_PROG_CHECK;
	case -EACCES:           /* access refused by the storage owner */
	case -EPERM:
	case -EROFS:
		return SCH_STAT_PROT_CHECK;
	default:                /* the storage itself failed */
		return SCH_STAT_CHN_DATA_CHK;
	}
}

uint8_t css_exec_fetch_ccw(struct css_ccw_io *io, uint64_t addr,
			   struct css_ccw *ccw)
{
	uint8_t b[CSS_CCW_SIZE];
	int r;

	/* Invalid CCW address specification / invalid CCW address. */
	if ((addr & (CSS_CCW_SIZE - 1)) || addr >= io->addr_limit ||
	    io->addr_limit - addr < CSS_CCW_SIZE)
		return SCH_STAT_PROG_CHECK;
	r = css_mem_read(io->mem, addr, b, sizeof(b));
	if (r)
		return css_exec_mem_check(r);
	css_ccw_load(ccw, b, io->fmt1);
	return 0;
}

/* A TIC: format-1 flags and count must be zero, the address 31-bit. */
static uint8_t check_tic(const struct css_ccw_io *io, const struct css_ccw *ccw,
			 bool after_tic)
{
	if (after_tic)
		return SCH_STAT_PROG_CHECK;
	if (io->fmt1 && (ccw->flags || ccw->count || (ccw->cda & FMT1_ADDR_BIT0)))
		return SCH_STAT_PROG_CHECK;
	return 0;
}

static void begin_command(struct css_ccw_io *io, const struct css_ccw *ccw,
			  bool chained)
{
	io->cmd = ccw->cmd;
	io->cmd_flags = ccw->flags;
	io->cmd_count = ccw->count;
	io->chained = chained;
	io->backward = CCW_CMD_IS_RDBACK(ccw->cmd);
	io->to_storage = CCW_CMD_IS_READ(ccw->cmd) ||
			 CCW_CMD_IS_SENSE(ccw->cmd) || io->backward;
	io->cstat = 0;
	io->overrun = false;
	io->moved = false;
	io->broken = false;
	io->notify_due = false;
}

/*
 * Incorrect length: the device ended before the count of the CCW in
 * control was exhausted (short block), or offered / asked more than the
 * count allowed (long block). Suppressed by SLI unless the CCW also has
 * chain data. An operation that moved no data at all (immediate) does not
 * indicate it in format 0 or in incorrect-length-suppression mode, nor
 * when the device rejected the command with unit check / exception.
 */
static bool incorrect_length(const struct css_ccw_io *io, uint8_t dstat)
{
	if (io->overrun)
		return !(io->flags & CCW_FLAG_SLI);
	if (io->count == io->done)
		return false;
	if (!io->moved) {
		if (!io->fmt1 || io->ils)
			return false;
		if (dstat & (DEV_STAT_UNIT_CHECK | DEV_STAT_UNIT_EXCEP))
			return false;
	}
	if (io->flags & CCW_FLAG_CD)
		return true;
	return !(io->flags & CCW_FLAG_SLI);
}

/* Intermediate status before a command goes to the device (PCI, ISIC). */
static void raise_intermediate(struct css_subchannel *sch, bool pci, bool zcc,
			       uint32_t cpa, uint16_t count)
{
	bool notify;

	pthread_mutex_lock(&sch->lock);
	notify = css_status_intermediate(sch, pci, zcc, cpa, count);
	pthread_mutex_unlock(&sch->lock);
	if (notify)
		css_worker_notify(sch);
}

/*
 * Execute one command CCW (fetched and found to be no TIC). Returns true
 * when command chaining goes on; *next is then the next CCW address.
 */
static bool run_command(struct css_subchannel *sch, uint32_t cpa,
			const struct css_ccw *ccw, bool first,
			struct css_exec_result *res, uint32_t *next)
{
	struct css_ccw_io *io = &sch->io;
	uint8_t st, dstat;

	res->cpa = cpa + CSS_CCW_SIZE;
	res->count = ccw->count;
	res->dstat = 0;
	begin_command(io, ccw, !first);
	st = css_io_check_ccw(io, ccw, false);
	if (!st && (ccw->flags & CCW_FLAG_SUSPEND)) {
		res->end = CSS_END_SUSPEND;
		return false;
	}
	if (!st)
		st = css_io_begin_ccw(io, cpa, ccw);
	if (st) {
		res->cstat = st;
		return false;
	}
	if ((ccw->flags & CCW_FLAG_PCI) || (first && io->isic))
		raise_intermediate(sch, ccw->flags & CCW_FLAG_PCI, first && io->isic,
				   res->cpa, ccw->count);

	dstat = sch->dev->ops->execute(sch->dev, io);

	if (io->notify_due) {
		io->notify_due = false;
		css_worker_notify(sch);
	}
	res->cpa = io->ccw_addr + CSS_CCW_SIZE;
	res->count = (uint16_t)(io->count - io->done);
	res->dstat = dstat;
	res->cstat = io->cstat;
	if (io->cstat)
		return false;
	if (incorrect_length(io, dstat)) {
		res->cstat |= SCH_STAT_INCORR_LEN;
		return false;
	}
	if ((dstat & (uint8_t)~DEV_STAT_STAT_MOD) !=
	    (DEV_STAT_CHN_END | DEV_STAT_DEV_END))
		return false;
	if (dstat & DEV_STAT_STAT_MOD)
		res->cpa += CSS_CCW_SIZE;   /* skip the next CCW */
	*next = res->cpa;
	return io->flags & CCW_FLAG_CC;
}

void css_exec_run(struct css_subchannel *sch, struct css_exec_result *res)
{
	uint32_t cpa = sch->orb.cpa, tic_addr = 0, status_cpa = 0;
	bool after_tic = false, first = true;
	struct css_ccw ccw;
	uint8_t st;

	memset(res, 0, sizeof(*res));
	res->end = CSS_END_STATUS;
	for (;;) {
		/* Halt, clear and css_free() act at every CCW boundary, TICs
		 * included, so a program that loops forever can be stopped. */
		enum css_exec_end why = css_worker_poll(sch);

		if (why != CSS_END_STATUS) {
			res->end = why;
			res->cpa = status_cpa;
			return;
		}
		res->executed = true;
		st = css_exec_fetch_ccw(&sch->io, cpa, &ccw);
		if (st) {
			res->cstat = st;
			res->cpa = (after_tic ? tic_addr : cpa) + CSS_CCW_SIZE;
			res->count = 0;
			res->dstat = 0;
			return;
		}
		if (ccw.cmd == CCW_CMD_TIC) {
			st = check_tic(&sch->io, &ccw, after_tic);
			if (st) {
				res->cstat = st;
				res->cpa = cpa + CSS_CCW_SIZE;
				res->count = 0;
				res->dstat = 0;
				return;
			}
			after_tic = true;
			tic_addr = cpa;
			status_cpa = cpa + CSS_CCW_SIZE;
			cpa = ccw.cda;
			continue;
		}
		after_tic = false;
		if (!run_command(sch, cpa, &ccw, first, res, &cpa))
			return;
		first = false;
		status_cpa = res->cpa;
	}
}
