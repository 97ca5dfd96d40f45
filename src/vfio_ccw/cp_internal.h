/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the channel-program translator, shared by
 * src/vfio_ccw/cp*.c (and read by its tests and fuzz target).
 *
 * Arena layout (offsets; host address = CP_ARENA_BASE + offset):
 *   0                 the shared "no data" IDAL: one IDAW = CP_NODATA_ADDR
 *   per segment       len host CCWs, then a sentinel CCW and a pad CCW
 *   then              host IDALs, 8-byte aligned (see cp_xlate.c)
 * The sentinel stands for the guest CCW just after the segment, which was
 * never fetched; it is a self-TIC so that a channel reaching it (status
 * modifier skipping the last CCW) ends with a program check whose CCW
 * address maps back to that guest CCW + 8. The pad keeps the address
 * ranges of neighbouring segments disjoint for cp_update_scsw().
 */
#ifndef CCWPASS_VFIO_CCW_CP_INTERNAL_H
#define CCWPASS_VFIO_CCW_CP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "css/css_arch.h"
#include "css/css_mem.h"
#include "vfio_ccw/cp.h"

#define CP_CMD_NOOP       0x03
#define CP_SEG_EXTRA      2        /* sentinel + pad CCW after each segment */
#define CP_NODATA_IDAL    0u       /* arena offset of the shared IDAL */
#define CP_FMT0_LIMIT     (1u << 24) /* format-0: 24-bit CCW/data addresses */
#define CP_FMT1_LIMIT     (1u << 31) /* format-1: 31-bit */

/* How the guest program is to be read: fixed by its ORB. */
struct cp_ctx {
	struct css_mem *guest;
	const char *name;
	bool fmt1;            /* format-1 CCWs */
	bool idaw64;          /* guest IDAWs are format-2 (ORB C64) */
	uint32_t idaw_size;   /* 4 or 8 */
	uint32_t block;       /* IDA block size, 2048 or 4096 (guest = host) */
	uint32_t addr_limit;  /* CCW, IDAL and direct data addresses below */
	bool spnd;            /* ORB suspend control */
	bool midaw;           /* ORB MIDAW control */
};

/* How the channel can reach a CCW (cp_flow.c). */
#define CP_MODE_CMD      0x01  /* as a command */
#define CP_MODE_DC_OUT   0x02  /* data-chained: write or control command */
#define CP_MODE_DC_IN    0x04  /* data-chained: read or sense */
#define CP_MODE_DC_BACK  0x08  /* data-chained: read backward */
#define CP_MODE_DC_NONE  0x10  /* data-chained: NOP or invalid command */

/* How a CCW's data area is used (a combination of these). */
#define CP_DATA_NONE     0u
#define CP_DATA_FWD      1u    /* ascending from the data address */
#define CP_DATA_BWD      2u    /* descending (read backward) */

struct cp_seg {
	uint32_t guest;         /* guest address of the first CCW */
	uint32_t len;           /* CCWs (1..CP_SEG_CCW_MAX) */
	bool poison;            /* unusable ORB address: one synthetic CCW */
	uint32_t host_off;      /* arena offset of the first host CCW */
	struct css_ccw *ccw;    /* the guest CCWs, format-0 converted */
	uint8_t *mode;          /* CP_MODE_* per CCW; 0: unreachable */
};

struct cp_build {
	struct cp_seg seg[CP_SEG_MAX];
	unsigned int nseg;

	uint8_t *arena;
	uint32_t arena_len, arena_cap;

	struct css_mem_range *ranges;   /* guest [start, end) */
	size_t nranges, ranges_cap;
};

/* ---- cp.c ---- */
void cp_log(const struct cp_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* In format 1 only 08 is a TIC; format-0 TICs are 08 after decoding. */
static inline bool cp_ccw_is_tic(const struct css_ccw *c)
{
	return c->cmd == CCW_CMD_TIC;
}

/* ---- cp_chain.c: fetch the segments ---- */
/*
 * Fetch the segment at cpa and every segment reachable through TICs.
 * Returns: 0, -EFAULT, -EINVAL, -ENOMEM (segments kept in b for cleanup).
 */
int cp_chain_build(struct cp_build *b, const struct cp_ctx *ctx, uint32_t cpa);
/* TIC target rules (PoP): doubleword aligned and addressable. */
bool cp_tic_target_ok(const struct cp_ctx *ctx, uint32_t target);
/* The segment holding the guest CCW at addr, or -1. */
int cp_find_seg(const struct cp_build *b, uint32_t addr);

/* ---- cp_flow.c: how each CCW can be reached ---- */
/* Fill seg[].mode from the first CCW on. Returns: 0, -ENOMEM. */
int cp_flow(struct cp_build *b, const struct cp_ctx *ctx);
/* CP_DATA_* use of c's data area over all the ways (modes) to reach it. */
unsigned int cp_ccw_data(const struct css_ccw *c, uint8_t modes);

/* ---- cp_xlate.c: one guest CCW -> one host CCW (+ host IDAL) ---- */
/*
 * Not for the synthetic CCW of a poison segment. Returns: 0, -EFAULT,
 * -EOPNOTSUPP, -ENOMEM.
 */
int cp_xlate_ccw(struct cp_build *b, const struct cp_ctx *ctx,
		 unsigned int seg, unsigned int idx);

/* ---- cp_hostmem.c: arena, guest ranges, the host address space ---- */
/* Zeroed space; offset is 8-byte aligned. Returns: 0, -ENOMEM. */
int cp_arena_alloc(struct cp_build *b, uint32_t len, uint32_t *off);
void cp_put_ccw(struct cp_build *b, uint32_t off, uint8_t cmd, uint8_t flags,
		uint16_t count, uint32_t cda);
/* A CCW that program-checks wherever it is reached: TIC to itself. */
void cp_put_poison(struct cp_build *b, uint32_t off);
static inline uint32_t cp_host_addr(uint32_t off)
{
	return CP_ARENA_BASE + off;
}
/* Record guest [start, start+len) as used by the program. -ENOMEM. */
int cp_range_add(struct cp_build *b, uint64_t start, uint64_t len);
bool cp_range_overlaps(const struct cp_build *b, uint64_t start, uint64_t len);
/* True when one recorded range holds all of [start, start+len). */
bool cp_range_covers(const struct cp_build *b, uint64_t start, uint64_t len);
/* Is guest [addr, addr+len) (len <= 4096) accessible? Returns 0, -EFAULT. */
int cp_guest_probe(struct css_mem *guest, uint64_t addr, uint32_t len);
void cp_hostmem_init(struct cp_program *cp);
void cp_build_free(struct cp_build *b);

/* ---- cp_verify.c ---- */
/*
 * Self-check of a built program (tests, fuzzing, debugging): every host
 * CCW address is a CCW slot of a segment, every IDAL lies in the arena and
 * every IDAW the channel could use is CP_NODATA_ADDR (+1) or in the guest
 * window. Returns: 0, or -EPROTO naming the offending CCW in the log.
 */
int cp_verify(const struct cp_program *cp);

#endif
