/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio-user test server of the preload tests: one device with the
 * vfio-ccw layout (drivers/s390/cio/vfio_ccw_ops.c; <linux/vfio_ccw.h>)
 *   region 0 io (124 bytes, offset 0)
 *   region 1 async cmd (8, offset 1 << 10, cap type CCW/ASYNC_CMD)
 *   region 2 schib (52, offset 2 << 10, cap type CCW/SCHIB)
 *   region 3 crw (8, offset 3 << 10, cap type CCW/CRW)
 *   irqs IO, CRW, REQ (count 1, eventfd); flags CCW | RESET
 * but test behaviour instead of a subchannel:
 *   - a write of the io region runs the command in its first bytes
 *     (struct below, host order) and answers like a vfio_ccw device;
 *   - a read of the io region returns it, with the result of the last
 *     command at PL_TS_RESULT;
 *   - a read of the schib region returns one usable path (PAM/POM 80)
 *     and the server's counters (PL_TS_*).
 * Usage: pl_testsrv [--ccw] SOCKET READY_FD — one byte is written to
 * READY_FD when the socket listens; the server runs until killed. --ccw
 * answers a real guest's SENSE ID instead (see pl_testsrv.c).
 */
#ifndef CCWPASS_TESTS_PL_TESTSRV_H
#define CCWPASS_TESTS_PL_TESTSRV_H

#define PL_TS_IO_SIZE     124
#define PL_TS_ASYNC_SIZE  8
#define PL_TS_SCHIB_SIZE  52
#define PL_TS_CRW_SIZE    8

/* Command written to the io region: u32 op, u32 arg, u64 iova, u32 len. */
#define PL_TS_OP          0
#define PL_TS_ARG         4
#define PL_TS_IOVA        8
#define PL_TS_LEN         16

enum pl_ts_op {
	PL_TS_ECHO = 1,        /* read len bytes at iova, write them inverted
				* at iova + len, signal the IO eventfd */
	PL_TS_ERRNO = 2,       /* fail the write with errno arg */
	PL_TS_EAGAIN_ONCE = 3, /* EAGAIN, then success */
	PL_TS_DIE = 4,         /* exit at once: ccwpassd crashed */
	PL_TS_IRQ = 5,         /* signal eventfd of index arg */
	PL_TS_REFUSE_UNMAP = 6, /* refuse the next DMA_UNMAP with EBUSY */
	PL_TS_DIE_ON_READ = 7, /* exit at the next io-region read: ccwpassd
				* crashed while QEMU fetched the IRB */
};

/* Result of the last command in the io region (irb area). */
#define PL_TS_RESULT      64   /* i32: 0 or -errno */
#define PL_TS_SUM         68   /* u32: sum of the bytes read */
#define PL_TS_DIRECT      72   /* u32: 1 when iova was fd-mapped */
/* The server's DMA counters when the io region is read (vfu_dma_stats). */
#define PL_TS_MSGS        76   /* u32: DMA_READ / DMA_WRITE requests sent */
#define PL_TS_PVM         80   /* u32: pieces copied with process_vm_* */
#define PL_TS_FALLBACKS   84   /* u32: process_vm_* failed, messages took over */
#define PL_TS_PVM_ON      88   /* u32: 1 when the client has direct access */

/*
 * The schib region: PMCW bytes QEMU copies on STSCH (pnom 9, lpum 10,
 * pom 14, pam 15: path 0x80 available and operational), then the
 * server's counters, u32 each.
 */
#define PL_TS_PMCW_POM    14
#define PL_TS_PMCW_PAM    15
#define PL_TS_RESETS      16
#define PL_TS_MAPS        20   /* DMA_MAP received */
#define PL_TS_MAPS_FD     24   /* ... with an fd */
#define PL_TS_IRQ_FDS     28   /* eventfds installed, indexes 0..2 */
#define PL_TS_ASYNC       40   /* async region writes */
#define PL_TS_CLIENTS     44   /* connections accepted */
#define PL_TS_MAPPED      48   /* DMA regions now */

#endif
