/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-program translation for vfio-ccw: a guest's command-mode channel
 * program (ORB + CCW chain in guest DMA space, Principles of Operation
 * SA22-7832 ch. 15 "Channel-Command Word", "Indirect Data Addressing") is
 * copied, checked and rebuilt as a host program that the software channel
 * subsystem (src/css) runs. docs/translation.md describes the rules.
 *
 * Life cycle (one program at a time per cp_program, like Linux's
 * vfio_ccw_cp): cp_init() -> cp_prefetch() -> cp_get_orb() + css_ssch()
 * against cp_host_mem() -> cp_update_scsw() on each interruption ->
 * cp_free(). A cp_program must be zero-filled before its first cp_init().
 *
 * The host address space (cp_host_mem()):
 *   CP_ARENA_BASE ..   host CCWs and host IDALs (read-only, below 2 GiB as
 *                      format-1 CCW addresses require)
 *   CP_GUEST_BASE + a  guest DMA address a, reached only through the guest
 *                      css_mem given to cp_init(), so every data byte is
 *                      checked against the guest's DMA map when it moves
 * Everything else, CP_NODATA_ADDR included, is -EFAULT.
 */
#ifndef CCWPASS_VFIO_CCW_CP_H
#define CCWPASS_VFIO_CCW_CP_H

#include <stdbool.h>
#include <stdint.h>

#include "css/css_arch.h"
#include "css/css_mem.h"

#define CP_SEG_MAX       16          /* chain segments (TIC targets) */
#define CP_SEG_CCW_MAX   255         /* CCWs per segment */

#define CP_ARENA_BASE    0x10000000u /* host address of arena offset 0 */
#define CP_ARENA_MAX     (4u << 20)  /* hard cap on one program's arena */
#define CP_GUEST_BASE    (1ull << 62) /* host address of guest address 0 */
#define CP_GUEST_LIMIT   (1ull << 62) /* guest addresses reachable */
#define CP_NODATA_ADDR   (1ull << 61) /* host IDAW of a CCW moving no data */

struct cp_build;

struct cp_program {
	struct css_mem host;       /* the host address space (cp_host_mem) */
	struct css_mem *guest;     /* guest DMA space, from cp_init() */
	struct css_orb orb;        /* the guest's ORB */
	const char *name;          /* optional log prefix, e.g. "0.0.0313" */
	bool initialized;
	struct cp_build *b;        /* the host program, after cp_prefetch() */
};

/*
 * Take a guest ORB for translation. Nothing is fetched yet.
 * Returns: 0; -EBUSY (cp already holds a program); -EOPNOTSUPP (transport
 * mode); -EINVAL (ORB reserved bits, channel-program address bit 0).
 */
int cp_init(struct cp_program *cp, struct css_mem *guest,
	    const struct css_orb *orb);

/*
 * Fetch the whole channel program, check it and build the host program.
 * On failure nothing of it is left (cp stays initialized; cp_free() it).
 * Returns: 0; -EFAULT (a CCW, IDAW or data area outside the guest's DMA
 * map); -EINVAL (a segment longer than 255 CCWs, more than CP_SEG_MAX
 * segments, not initialized, already prefetched); -EOPNOTSUPP (suspend
 * flag under suspend control, MIDA flag under MIDAW control: neither can
 * be passed through); -ENOMEM.
 */
int cp_prefetch(struct cp_program *cp);

/*
 * The ORB for css_ssch(): format-1 CCWs, format-2 IDAWs (2K ones when the
 * guest's IDAWs are 2K), prefetch, the guest's key, ISIC and ILS, cpa = the
 * first host CCW, lpm = the guest's or, when that is 0, the given lpm.
 * Returns: 0, or -EINVAL when cp is not prefetched.
 */
int cp_get_orb(const struct cp_program *cp, uint32_t intparm, uint8_t lpm,
	       struct css_orb *host_orb);

/* The address space the host program runs against (after cp_init; it is
 * empty until cp_prefetch() and again after cp_free()). */
struct css_mem *cp_host_mem(struct cp_program *cp);

/*
 * Make an SCSW of the host program the guest's: the CCW address becomes the
 * guest address (end of chain included); 0 stays 0; any other address that
 * is not in the host program becomes the guest's channel-program address
 * + 8 (never a host address). With the start function, the ORB-derived
 * flags (S, F, P, I, A, U) are the guest ORB's again.
 */
void cp_update_scsw(const struct cp_program *cp, struct css_scsw *scsw);

/*
 * True when [iova, iova+len) overlaps guest memory the program uses: its
 * CCWs, the IDAWs read and the data areas of data-moving CCWs.
 */
bool cp_iova_pinned(const struct cp_program *cp, uint64_t iova, uint64_t len);

/* Drop the program (any state; also after a failed cp_init/cp_prefetch). */
void cp_free(struct cp_program *cp);

#endif
