/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data transfer for one command, as the device sees it: a byte stream that
 * the channel spreads over data-chained CCWs, IDAW blocks, skipped areas
 * and (read backward) descending addresses.
 *
 * Principles of Operation SA22-7832 ch. 15 "Channel-Command Word" (count,
 * data address, chain-data, skip, PCI and IDA flags), "Designation of
 * Storage Area", "Indirect Data Addressing" (format-1 IDAWs: 31-bit, 2K
 * blocks; format-2 IDAWs: 64-bit, 2K or 4K blocks; every IDAW after the
 * first names the start - read backward: the end - of a block), "Data
 * Chaining", "Read Backward"; ch. 16 "Program Check" (invalid data, IDAW
 * and CCW address conditions).
 */
#include <errno.h>
#include <string.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "css/css_internal.h"

#define FMT1_ADDR_BIT0 0x80000000u

/* ---- the device's view ---- */

uint8_t css_io_cmd(const struct css_ccw_io *io)
{
	return io->cmd;
}

uint8_t css_io_flags(const struct css_ccw_io *io)
{
	return io->cmd_flags;
}

uint32_t css_io_count(const struct css_ccw_io *io)
{
	return io->cmd_count;
}

uint8_t css_io_path(const struct css_ccw_io *io)
{
	return io->path;
}

bool css_io_chained(const struct css_ccw_io *io)
{
	return io->chained;
}

bool css_io_cancelled(const struct css_ccw_io *io)
{
	return css_worker_poll(io->sch) != CSS_END_STATUS;
}

uint32_t css_io_remaining(const struct css_ccw_io *io)
{
	return io->broken ? 0 : io->count - io->done;
}

/* ---- IDAWs ---- */

/*
 * Fetch the next IDAW of the CCW in control. The first one may name any
 * byte; later ones must name the first (read backward: last) byte of an
 * IDA block. Returns 0 or the channel status.
 */
static uint8_t ida_fetch(struct css_ccw_io *io, bool first)
{
	uint8_t b[IDAW2_SIZE];
	size_t size = io->idaw2 ? IDAW2_SIZE : IDAW1_SIZE;
	uint64_t addr = io->idaw_next, idaw;
	uint32_t mask = io->ida_block - 1, off;
	int r;

	if (addr >= io->addr_limit || io->addr_limit - addr < size)
		return SCH_STAT_PROG_CHECK;        /* invalid IDAW address */
	r = css_mem_read(io->mem, addr, b, size);
	if (r)
		return css_exec_mem_check(r);
	if (io->idaw2) {
		idaw = ld_be64(b);
	} else {
		idaw = ld_be32(b);
		if (idaw & FMT1_ADDR_BIT0)
			return SCH_STAT_PROG_CHECK; /* invalid IDAW spec. */
	}
	off = (uint32_t)(idaw & mask);
	if (io->backward) {
		if (!first && off != mask)
			return SCH_STAT_PROG_CHECK;
		io->ida_left = off + 1;
	} else {
		if (!first && off != 0)
			return SCH_STAT_PROG_CHECK;
		io->ida_left = io->ida_block - off;
	}
	io->ida_addr = idaw;
	io->idaw_next = addr + size;
	return 0;
}

/* ---- CCW set-up ---- */

uint8_t css_io_check_ccw(const struct css_ccw_io *io, const struct css_ccw *ccw,
			 bool data_chained)
{
	if (!data_chained) {
		/* Command code: xxxx0000 is invalid; in format 1 only 08 is a
		 * TIC, other xxxx1000 codes are invalid. */
		if (CCW_CMD_IS_INVALID(ccw->cmd) ||
		    (io->fmt1 && CCW_CMD_IS_TIC(ccw->cmd)))
			return SCH_STAT_PROG_CHECK;
	}
	/* Count 0: never in format 0; in format 1 not with chain data nor
	 * in a CCW reached by data chaining. */
	if (ccw->count == 0 &&
	    (!io->fmt1 || data_chained || (ccw->flags & CCW_FLAG_CD)))
		return SCH_STAT_PROG_CHECK;
	/* MIDAWs are not provided (format 0: bit 39 must be zero). */
	if (ccw->flags & CCW_FLAG_MIDA)
		return SCH_STAT_PROG_CHECK;
	if (ccw->flags & CCW_FLAG_SUSPEND) {
		if (data_chained || (ccw->flags & CCW_FLAG_CD) || !io->suspend_ok)
			return SCH_STAT_PROG_CHECK;
	}
	return 0;
}

uint8_t css_io_begin_ccw(struct css_ccw_io *io, uint32_t addr,
			 const struct css_ccw *ccw)
{
	io->ccw_addr = addr;
	io->flags = ccw->flags;
	io->count = ccw->count;
	io->done = 0;
	io->cda = ccw->cda;
	io->ida_left = 0;
	io->skip = (ccw->flags & CCW_FLAG_SKIP) && io->to_storage;
	if (io->count == 0 || io->skip)
		return 0;
	if (io->fmt1 && (io->cda & FMT1_ADDR_BIT0))
		return SCH_STAT_PROG_CHECK;        /* invalid data address */
	if (!(io->flags & CCW_FLAG_IDA))
		return 0;
	/* The IDAL: word (format-1) or doubleword (format-2) aligned. */
	if (io->cda & (io->idaw2 ? IDAW2_SIZE - 1 : IDAW1_SIZE - 1))
		return SCH_STAT_PROG_CHECK;
	io->idaw_next = io->cda;
	return ida_fetch(io, true);
}

/*
 * The count of a CCW with chain data is exhausted: the next CCW (a TIC is
 * followed) takes over the data area. On a check the CCW address reported
 * is the one that caused it (a TIC that led to an invalid address).
 */
static void data_chain(struct css_ccw_io *io)
{
	struct css_subchannel *sch = io->sch;
	uint32_t addr = io->ccw_addr + CSS_CCW_SIZE, tic_addr = 0;
	struct css_ccw ccw;
	bool via_tic = false;
	uint8_t st;

	for (;;) {
		st = css_exec_fetch_ccw(io, addr, &ccw);
		if (st) {
			io->ccw_addr = via_tic ? tic_addr : addr;
			io->count = io->done = 0;
			goto check;
		}
		if (ccw.cmd != CCW_CMD_TIC)
			break;
		if (via_tic || (io->fmt1 && (ccw.flags || ccw.count ||
					     (ccw.cda & FMT1_ADDR_BIT0)))) {
			st = SCH_STAT_PROG_CHECK;
			io->ccw_addr = addr;
			io->count = io->done = 0;
			goto check;
		}
		via_tic = true;
		tic_addr = addr;
		addr = ccw.cda;
	}
	st = css_io_check_ccw(io, &ccw, true);
	if (!st)
		st = css_io_begin_ccw(io, addr, &ccw);
	if (st) {
		io->ccw_addr = addr;
		io->count = ccw.count;
		io->done = 0;
		goto check;
	}
	if (ccw.flags & CCW_FLAG_PCI) {
		pthread_mutex_lock(&sch->lock);
		if (css_status_intermediate(sch, true, false,
					    addr + CSS_CCW_SIZE, ccw.count))
			io->notify_due = true;
		pthread_mutex_unlock(&sch->lock);
	}
	return;
check:
	io->cstat |= st;
	io->broken = true;
}

/* ---- moving bytes ---- */

static int mem_access(struct css_ccw_io *io, uint64_t addr, uint8_t *buf,
		      size_t n, bool to_storage)
{
	uint8_t tmp[256];
	size_t done = 0;
	int r;

	if (!to_storage)
		return css_mem_read(io->mem, addr, buf, n);
	if (!io->backward)
		return css_mem_write(io->mem, addr, buf, n);
	/* Read backward: stream byte i goes to (addr + n - 1) - i. */
	while (done < n) {
		size_t k = n - done < sizeof(tmp) ? n - done : sizeof(tmp);

		for (size_t i = 0; i < k; i++)
			tmp[k - 1 - i] = buf[done + i];
		r = css_mem_write(io->mem, addr + (n - done - k), tmp, k);
		if (r)
			return r;
		done += k;
	}
	return 0;
}

/*
 * Move up to *n bytes (never more than one contiguous piece) between buf
 * and the current position of the CCW in control; *n is lowered to the
 * piece. Returns 0 or the channel status.
 */
static uint8_t move_piece(struct css_ccw_io *io, uint8_t *buf, size_t *n,
			  bool to_storage)
{
	uint64_t addr, t0;
	uint8_t st;
	int r;

	if (io->flags & CCW_FLAG_IDA) {
		if (io->ida_left == 0) {
			st = ida_fetch(io, false);
			if (st)
				return st;
		}
		if (*n > io->ida_left)
			*n = io->ida_left;
		addr = io->backward ? io->ida_addr - (*n - 1) : io->ida_addr;
	} else if (io->backward) {
		uint64_t cur;

		if (io->done > io->cda)
			return SCH_STAT_PROG_CHECK; /* below address 0 */
		cur = (uint64_t)io->cda - io->done;
		if (*n > cur + 1)
			*n = cur + 1;
		addr = cur - (*n - 1);
	} else {
		uint64_t cur = (uint64_t)io->cda + io->done;

		if (cur >= io->addr_limit)
			return SCH_STAT_PROG_CHECK; /* beyond 2G / 16M */
		if (*n > io->addr_limit - cur)
			*n = io->addr_limit - cur;
		addr = cur;
	}
	t0 = ptime_start();
	r = mem_access(io, addr, buf, *n, to_storage);
	ptime_charge(PTIME_COPY, t0);
	if (r)
		return css_exec_mem_check(r);
	if (ptime_sink) {
		if (to_storage)
			ptime_sink->bytes_out += *n;
		else
			ptime_sink->bytes_in += *n;
	}
	if (io->flags & CCW_FLAG_IDA) {
		io->ida_left -= (uint32_t)*n;
		if (io->backward)
			io->ida_addr -= *n;
		else
			io->ida_addr += *n;
	}
	return 0;
}

static size_t transfer(struct css_ccw_io *io, uint8_t *buf, size_t len,
		       bool to_storage)
{
	size_t total = 0;

	io->moved = true;
	while (total < len && !io->broken) {
		uint32_t left = io->count - io->done;
		size_t n = len - total;
		uint8_t st;

		if (left == 0) {
			/* More than the count (and chained counts) allow. */
			io->overrun = true;
			break;
		}
		if (n > left)
			n = left;
		if (!io->skip) {
			st = move_piece(io, buf + total, &n, to_storage);
			if (st) {
				io->cstat |= st;
				io->broken = true;
				break;
			}
		}
		io->done += (uint32_t)n;
		total += n;
		if (io->done == io->count && (io->flags & CCW_FLAG_CD))
			data_chain(io);
	}
	return total;
}

size_t css_io_put(struct css_ccw_io *io, const void *buf, size_t len)
{
	if (!io->to_storage) {
		css_log(io->sch, LOG_WARNING,
			"device stored data for command %02x, which sends data",
			io->cmd);
		return 0;
	}
	/* Storage writes only read buf; transfer() shares the code path. */
	return transfer(io, (uint8_t *)(uintptr_t)buf, len, true);
}

size_t css_io_get(struct css_ccw_io *io, void *buf, size_t len)
{
	if (io->to_storage) {
		css_log(io->sch, LOG_WARNING,
			"device asked data for command %02x, which receives data",
			io->cmd);
		return 0;
	}
	return transfer(io, buf, len, false);
}

size_t css_io_put_sense_id(struct css_ccw_io *io, const struct css_device *dev)
{
	uint8_t id[7] = { 0xff };

	st_be16(id + 1, dev->cu_type);
	id[3] = dev->cu_model;
	st_be16(id + 4, dev->dev_type);
	id[6] = dev->dev_model;
	return css_io_put(io, id, sizeof(id));
}
