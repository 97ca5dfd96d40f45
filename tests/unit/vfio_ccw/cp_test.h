/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers for the channel-program translator: a guest memory that
 * records which bytes were touched and keeps a canary guard region behind
 * its end, channel-program builders (format-0/1 CCWs, format-1/2 IDAWs,
 * PoP ch. 15) and readers of the translated host program.
 */
#ifndef CCWPASS_TESTS_CP_TEST_H
#define CCWPASS_TESTS_CP_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "css/css_arch.h"
#include "css/css_mem.h"
#include "vfio_ccw/cp.h"

#define TM_GUARD   4096
#define TM_CANARY  0xa5
#define TM_READ    0x1
#define TM_WRITE   0x2

/* Guest memory 0 .. size-1; buf[size .. size+TM_GUARD-1] is a canary. */
struct tmem {
	struct css_mem mem;
	uint8_t *buf;
	uint64_t size;
	uint8_t *touched;      /* TM_READ / TM_WRITE per byte */
	bool no_map;           /* map() returns NULL: reads/writes only */
	unsigned int refused;  /* accesses answered -EFAULT */
};

void tmem_init(struct tmem *m, uint64_t size);
/* Frees; asserts the canary is intact. */
void tmem_fini(struct tmem *m);
void tmem_clear_touched(struct tmem *m);
bool tmem_touched(const struct tmem *m, uint64_t addr, uint64_t len);
bool tmem_canary_ok(const struct tmem *m);

/* Channel-program builders (big-endian, in guest memory). */
void put_ccw1(struct tmem *m, uint32_t addr, uint8_t cmd, uint8_t flags,
	      uint16_t count, uint32_t cda);
void put_ccw0(struct tmem *m, uint32_t addr, uint8_t cmd, uint32_t cda,
	      uint8_t flags, uint16_t count);
void put_idaw1(struct tmem *m, uint32_t addr, uint32_t idaw);
void put_idaw2(struct tmem *m, uint32_t addr, uint64_t idaw);

#define ORB_F1   (ORB_CTRL0_FMT | ORB_CTRL0_PFCH | ORB_CTRL0_C64)
struct css_orb test_orb(uint16_t ctrl0, uint32_t cpa);

/*
 * cp_init + cp_prefetch on a fresh cp; on success also checks cp_verify()
 * and that the host ORB can be built. Returns the cp_prefetch result.
 */
int translate(struct cp_program *cp, struct tmem *m, const struct css_orb *orb);

/* Readers of the host program (through cp_host_mem()). */
uint32_t host_cpa(struct cp_program *cp);
void host_ccw(struct cp_program *cp, uint32_t addr, struct css_ccw *c);
uint64_t host_idaw(struct cp_program *cp, uint32_t idal, unsigned int k);
bool host_is_self_tic(struct cp_program *cp, uint32_t addr);

#endif
