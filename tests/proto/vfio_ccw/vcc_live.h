/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An in-process "live ccwpassd" for the vfio_ccw protocol tests: a
 * threaded host channel subsystem with real 3390s on CCKD images in a
 * temporary directory, each subchannel bound to vfio_ccw with an mdev
 * (vcc_probe + vcc_mdev_create), and a guest side that talks to the mdev
 * socket with the real vfio-user client exactly as QEMU 7.2's
 * hw/vfio/ccw.c does through the preload library: region writes with the
 * ORB and SCSW in host order, the IRB read back whole after the IO eventfd,
 * CRWs read until zero.
 *
 * Guest memory: VL_MEM_SIZE bytes at guest address 0, followed by a
 * VL_GUARD canary area that is never mapped to the device. VL_MEMFD maps
 * it with a memfd (the server copies directly); VL_MESSAGES without fd
 * (every access is a DMA_READ / DMA_WRITE message the client answers);
 * VL_PROCESS_VM without fd but with the private capability
 * ccwpass.process_vm (the server copies through the client's memory file; it
 * is allowed to do so into its own process for these tests).
 */
#ifndef CCWPASS_TESTS_VCC_LIVE_H
#define CCWPASS_TESTS_VCC_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "css/css.h"
#include "vfio_ccw/vcc.h"

struct vfu_client;

#define VL_MAX_DEV   2
#define VL_MEM_SIZE  (4u << 20)
#define VL_GUARD     (64u << 10)
#define VL_CANARY    0xa5
#define VL_CHP_A     0x40
#define VL_CHP_B     0x41
#define VL_CHP_C     0x42     /* the second device's only path */
#define VL_WAIT_MS   20000    /* failure guard for waits, never a measure */

/* Guest memory layout used by the tests. */
#define VL_PROG      0x1000u  /* channel program */
#define VL_PARM      0x3000u  /* DE / LR parameters */
#define VL_IDAL      0x4000u
#define VL_BUF       0x10000u /* data */
#define VL_BUF2      0x80000u
#define VL_CE_DE     (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

struct vl_dev {
	struct css_subchannel *sch;
	struct vcc_private *p;
	char uuid[48];
	char image[320];
};

struct vl_host {
	char dir[256];
	char trace[320];
	struct css *css;
	int ndev;
	struct vl_dev dev[VL_MAX_DEV];
};

/*
 * ndev subchannels 0.0.0100 (+1), devices 0.0.2b00 (+1) on CCKD 3390-1
 * images (CDL: tracks 2 onwards hold 12 x 4 KB records). Device 0 has paths
 * 40 and 41, device 1 path 42. With trace set, vcc writes a trace to
 * h->trace. Aborts the test on failure.
 */
void vl_host_start(struct vl_host *h, int ndev, int release_timeout_ms,
		   bool trace);
void vl_host_stop(struct vl_host *h);

enum vl_mem { VL_MEMFD, VL_MESSAGES, VL_PROCESS_VM };

struct vl_guest {
	struct vfu_client *c;
	uint8_t *mem;            /* VL_MEM_SIZE + VL_GUARD */
	enum vl_mem mode;
	int memfd;
	int io_efd, crw_efd, req_efd;
};

/* Connect, map guest memory, install the three eventfds, reset (as QEMU's
 * realize + machine reset). Returns 0 or -errno. */
int vl_guest_connect(struct vl_guest *g, const char *sock, enum vl_mem mode);
/* The same, retried while the server still serves a previous client
 * (-ECONNREFUSED) that has gone but is not yet torn down. */
int vl_guest_reconnect(struct vl_guest *g, const char *sock, enum vl_mem mode);
void vl_guest_close(struct vl_guest *g);
/* Every byte of the guard area still holds VL_CANARY. */
bool vl_guest_canary_ok(const struct vl_guest *g);

/* Guest program builders (big-endian, in guest memory). */
void vl_ccw1(struct vl_guest *g, uint32_t addr, uint8_t cmd, uint8_t flags,
	     uint16_t count, uint32_t cda);
void vl_ccw0(struct vl_guest *g, uint32_t addr, uint8_t cmd, uint8_t flags,
	     uint16_t count, uint32_t cda);
void vl_idaw1(struct vl_guest *g, uint32_t addr, uint32_t idaw);
void vl_idaw2(struct vl_guest *g, uint32_t addr, uint64_t idaw);
/* Define Extent / Locate Record parameters as Linux's dasd_eckd. */
void vl_de(struct vl_guest *g, uint32_t addr, uint8_t mask, uint32_t first,
	   uint32_t last);
void vl_lr(struct vl_guest *g, uint32_t addr, uint8_t op, uint8_t count,
	   uint32_t trk, uint8_t rec, uint16_t tlf);

#define VL_ORB_LINUX (ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64)

/* START SUBCHANNEL as QEMU: the io region write. Returns the pwrite
 * result: 124 or -errno. */
int vl_ssch(struct vl_guest *g, uint16_t ctrl0, uint8_t lpm, uint32_t cpa);
/* The same posted, as the preload library sends it (the guest connects
 * proposing ccwpass.posted_write): 124 once sent, or -errno; what comes of
 * it comes as an IRB. */
int vl_post(struct vl_guest *g, uint16_t ctrl0, uint8_t lpm, uint32_t cpa);
/* Write any SCSW function with an ORB. */
int vl_io_write(struct vl_guest *g, uint16_t fctl, uint16_t ctrl0,
		uint8_t lpm, uint32_t cpa);
/* HSCH / CSCH through the async region: 8 or -errno. */
int vl_async(struct vl_guest *g, uint32_t command);
/* Wait for an eventfd (answering DMA requests meanwhile). 0, -ETIMEDOUT,
 * or -ENOTCONN when the connection ended. */
int vl_wait(struct vl_guest *g, int efd, int timeout_ms);
/* True when efd is signalled right now (consumes the signal). */
bool vl_signalled(int efd);
/* Wait for the IO interrupt and read the IRB as QEMU. 0 or -errno. */
int vl_wait_irb(struct vl_guest *g, struct css_irb *irb);
/* SSCH + wait: the IRB of a program that must start (cc 0). */
void vl_run(struct vl_guest *g, uint16_t ctrl0, uint32_t cpa,
	    struct css_irb *irb);
int vl_schib(struct vl_guest *g, struct css_schib *schib);
/*
 * STSCH through the schib region until the subchannel shows the program
 * running (subchannel and device active). A halt before that ends the
 * start without a CCW address - fine, but tests that mean to interrupt a
 * running program wait for it first. Asserts.
 */
void vl_wait_running(struct vl_guest *g);
/* 0 with crw, -ENOENT when the region reads zero, or -errno. */
int vl_crw(struct vl_guest *g, struct css_crw *crw);

/*
 * True when irb is the normal end of a start: final status, cc 0, CE+DE,
 * no channel status, the CCW address and residual given (prints if not).
 * These helpers do not assert: they also run on other threads.
 */
bool vl_final_ok(const struct css_irb *irb, uint32_t cpa, uint16_t residual);

/* NOP (CC) + TIC back at VL_PROG: runs until halted or cleared (a NOP
 * after it is never reached). */
void vl_loop_prog(struct vl_guest *g);
/*
 * HSCH of the running loop program through the async region: the IRB is
 * the halted start's, status pending, its CCW address the guest's inside
 * the loop. Asserts; the IRB in *irb.
 */
void vl_halt_loop(struct vl_guest *g, struct css_irb *irb);

/* Data addressing of the block-I/O programs. */
enum vl_addr { VL_DIRECT, VL_IDA2_4K, VL_IDA1_2K, VL_FMT0 };

/*
 * dasd_eckd's normal I/O: Define Extent + Locate Record + n x Write Data
 * (0x85) / Read Data (0x86) of 4 KB for records rec.. of track trk; the
 * data of block i at buf + 4096 i. Returns the ORB ctrl0 to use.
 */
uint16_t vl_block_prog(struct vl_guest *g, bool write, uint32_t trk,
		       uint8_t rec, int n, uint32_t buf, enum vl_addr a);
void vl_fill(uint8_t *p, size_t len, uint32_t seed);
/* Write 8 blocks of pseudo-random data, read them back, compare.
 * Returns 0 or -1 (printed). */
int vl_write_read(struct vl_guest *g, uint32_t trk, uint8_t rec,
		  enum vl_addr wa, enum vl_addr ra, uint32_t seed);

/* ---- test groups: every test once per guest memory mode ---------- */

/* The mode of the group running now (set by vl_run_mem_groups). */
extern enum vl_mem vl_mem_mode;
/*
 * Run n cmocka tests as three groups, "memfd", "messages" and
 * "process_vm", with vl_mem_mode set for each. Returns the failures.
 */
struct CMUnitTest;
int vl_run_mem_groups(const struct CMUnitTest *tests, size_t n);
/* process_vm mode: direct access was granted and the client never
 * answered a DMA message (other modes: nothing checked). Asserts. */
void vl_assert_no_messages(const struct vl_guest *g);
/* The usual fixture: one device, a guest connected in vl_mem_mode. */
struct vl_fix {
	struct vl_host h;
	struct vl_guest g;
};

/* Start one (asserts); trace as for vl_host_start. */
struct vl_fix *vl_fix_new(bool trace);
/* What vl_fix_free checks besides the canary area. */
enum {
	VL_FIX_CHECK_IO = 1,      /* a Read Device Characteristics works */
	VL_FIX_NO_MESSAGES = 2,   /* process_vm mode: not one DMA message */
};

/* End it: the canary area intact, and what checks (VL_FIX_*) says. */
void vl_fix_free(struct vl_fix *f, unsigned int checks);

/* The mdev's FSM state (an enum vcc_state), read under its lock. */
int vl_dev_state(struct vcc_private *p);

/* A test temporary directory. */
void vl_tmpdir(char *buf, size_t size);
void vl_rmdir(const char *dir);

#endif
