/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A trace of what a guest does through a vfio_ccw mdev, one line per item
 * (docs/vfio-ccw.md "Tracing"): every START with the guest ORB and each
 * guest CCW as fetched, every IRB handed to the VMM, HALT / CLEAR, CRWs
 * and the device's life-cycle events. Used to record the channel programs
 * a real Linux guest sends. Lines are appended with single write() calls,
 * so several mdevs may share one file. All functions accept t == NULL.
 */
#ifndef CCWPASS_VFIO_CCW_VCC_TRACE_H
#define CCWPASS_VFIO_CCW_VCC_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "css/css_arch.h"
#include "vfio_ccw/cp.h"

struct vcc_trace;

/*
 * A trace that is off; it can be switched on and off while the device
 * runs (ccwpass trace, the view's ccwpass_trace). NULL: out of memory.
 */
struct vcc_trace *vcc_trace_new(void);
/*
 * Trace to path (absolute; created 0600, appended to, no symlink) from
 * now on, at most max bytes from now (0: no bound): the line that would
 * pass it is replaced by "trace stopped: its size limit of N bytes was
 * reached" and tracing goes off. 0 or -errno with err naming the path.
 */
int vcc_trace_start(struct vcc_trace *t, const char *path, uint64_t max,
		    struct error *err);
void vcc_trace_stop(struct vcc_trace *t);
/* "off\n" or "on PATH WRITTEN MAX\n". */
void vcc_trace_state(struct vcc_trace *t, char *buf, size_t size);
/* new + start(path, no bound). Returns 0 or -errno with err naming it. */
int vcc_trace_open(const char *path, struct vcc_trace **tp,
		   struct error *err);
void vcc_trace_close(struct vcc_trace *t);

/* A START: the guest ORB, the program's CCWs (cp NULL or not prefetched:
 * none), the result returned to the VMM (0 or -errno) or, posted, shown
 * to it as status (vcc_post.c). */
void vcc_trace_ssch(struct vcc_trace *t, const char *sch,
		    const struct css_orb *orb, const struct cp_program *cp,
		    bool posted, int ret);
/* The IRB as the VMM gets it (after address translation). */
void vcc_trace_irb(struct vcc_trace *t, const char *sch,
		   const struct css_irb *irb);
/* HSCH / CSCH through the command region. */
void vcc_trace_async(struct vcc_trace *t, const char *sch, uint32_t command,
		     int ret);
void vcc_trace_crw(struct vcc_trace *t, const char *sch,
		   const struct css_crw *crw);
/* Anything else: "<what> <free text>". */
void vcc_trace_event(struct vcc_trace *t, const char *sch, const char *what,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Mnemonic of an ECKD / common channel command, or NULL. */
const char *vcc_trace_cmd_name(uint8_t cmd);

#endif
