/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Posted starts. QEMU's START SUBCHANNEL is an io-region write that holds
 * its vCPU (and its big lock) until the answer comes; its errno becomes
 * the condition code. Once VFU_CAP_POSTED_WRITE is negotiated the preload
 * library sends the write without waiting (docs/vfio-ccw.md "Posted
 * starts"), the guest is given cc 0 at once, and what the errno would have
 * become reaches the guest as status here instead, exactly as QEMU would
 * have shown it:
 * - -ENODEV, -EACCES (cc 3): deferred condition code 3 with alert status;
 * - -EBUSY, -EAGAIN (cc 2, retry): the host subchannel has a status the
 *   bottom half has not collected yet, or a reset's clear is outstanding -
 *   both end with the next bottom half, which starts it then; one start
 *   waits at most (QEMU starts nothing while its subchannel is busy);
 * - anything else (a program the translator refuses, transport mode, ...):
 *   QEMU's unit exception; while closed (STANDBY: -EIO) nothing, as no
 *   VMM session is there to get it.
 * All under fsm_lock, in the order the VMM's messages came.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "vfio_ccw/vcc_priv.h"

static void refuse(struct vcc_private *p, int err)
{
	struct css_orb orb;
	struct css_irb irb;

	/* Closed: no VMM session to show it to; the next OPEN must not find
	 * it (a written one would be -EIO, here a start of a VMM that reset
	 * the device or went). */
	if (p->state == VCC_STATE_STANDBY) {
		css_log(p->sch, LOG_INFO, "vfio_ccw: posted start while closed: "
			"ignored");
		return;
	}
	vcc_io_get_orb(p->io_region, &orb);
	css_status_start_refused(&orb, err == -ENODEV || err == -EACCES, &irb);
	css_log(p->sch, LOG_DEBUG, "vfio_ccw: posted start refused: %s",
		strerror(-err));
	vcc_irb_post(p, &irb);
}

static void outcome(struct vcc_private *p, int err)
{
	if (!err)
		return;
	if (err == -EBUSY || err == -EAGAIN)
		p->start_deferred = true;
	else
		refuse(p, err);
}

static int request(struct vcc_private *p, uint64_t off, const void *buf,
		   uint32_t len)
{
	int ret;

	p->posting = true;
	ret = vcc_io_request(p, off, buf, len);
	p->posting = false;
	return ret;
}

void vcc_io_post(struct vcc_private *p, uint64_t off, const void *buf,
		 uint32_t len)
{
	if (off > VCC_IO_REGION_SIZE || len > VCC_IO_REGION_SIZE - off) {
		css_log(p->sch, LOG_INFO, "vfio_ccw: posted io-region write "
			"out of bounds (offset %llu, %u bytes): ignored",
			(unsigned long long)off, len);
		return;
	}
	vcc_fsm_lock(p);
	if (p->start_deferred)
		/* QEMU never starts twice; the first keeps its ORB. */
		css_log(p->sch, LOG_INFO, "vfio_ccw: posted start while one "
			"waits: ignored");
	else
		outcome(p, request(p, off, buf, len));
	vcc_fsm_unlock(p);
}

bool vcc_post_retry(struct vcc_private *p)
{
	if (!p->start_deferred || p->state != VCC_STATE_IDLE || p->quiesce)
		return false;
	p->start_deferred = false;
	/* No bytes: the region still holds the start. */
	outcome(p, request(p, 0, NULL, 0));
	return !p->start_deferred;
}

void vcc_post_drop(struct vcc_private *p, bool status)
{
	if (!p->start_deferred)
		return;
	p->start_deferred = false;
	if (status)
		refuse(p, -ENODEV);
}
