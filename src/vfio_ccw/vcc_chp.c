/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channel-path related regions (Linux drivers/s390/cio/vfio_ccw_chp.c):
 * the schib region, refreshed by STORE SUBCHANNEL on every read (Principles
 * of Operation SA22-7832 ch. 14 "STORE SUBCHANNEL", ch. 15
 * "Subchannel-Information Block"), and the CRW region, which hands out one
 * queued channel-report word per read and reads as zero when none is left
 * (ch. 17 "Channel-Report Word"; QEMU reads until it gets zero).
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "common/log.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_trace.h"

int vcc_schib_read(struct vcc_private *p, uint64_t off, void *buf,
		   uint32_t len)
{
	uint8_t b[VCC_SCHIB_REGION_SIZE];
	struct css_schib schib;

	if (off > sizeof(b) || len > sizeof(b) - off)
		return -EINVAL;
	if (css_stsch(p->sch, &schib) != 0)
		return -ENODEV;
	vcc_schib_encode(&schib, b);
	memcpy(buf, b + off, len);
	return (int)len;
}

void vcc_crw_queue(struct vcc_private *p, uint8_t rsc, uint8_t erc,
		   uint16_t rsid)
{
	struct css_crw crw = { .rsc = rsc, .erc = erc, .rsid = rsid };
	bool queued = false;

	pthread_mutex_lock(&p->lock);
	if (p->crw_n < VCC_CRWQ_MAX) {
		/* The R bit: CRWs were lost before this one. */
		crw.overflow = p->crw_lost;
		p->crw_lost = false;
		p->crwq[(p->crw_head + p->crw_n) % VCC_CRWQ_MAX] = crw;
		p->crw_n++;
		p->crw_signal = true;
		queued = true;
	} else {
		p->crw_lost = true;
	}
	pthread_mutex_unlock(&p->lock);
	if (queued)
		vcc_trace_crw(p->trace, p->name, &crw);
	else
		css_log(p->sch, LOG_WARNING, "vfio_ccw: CRW queue full, "
			"dropping rsc %x erc %x rsid %04x", rsc, erc, rsid);
}

unsigned int vcc_crw_pending(struct vcc_private *p)
{
	unsigned int n;

	pthread_mutex_lock(&p->lock);
	n = p->crw_n;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int vcc_crw_read(struct vcc_private *p, uint64_t off, void *buf,
		 uint32_t len)
{
	uint8_t b[VCC_CRW_REGION_SIZE];
	struct css_crw crw;
	bool have = false, more;

	if (off > sizeof(b) || len > sizeof(b) - off)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	if (p->crw_n) {
		crw = p->crwq[p->crw_head];
		p->crw_head = (p->crw_head + 1) % VCC_CRWQ_MAX;
		p->crw_n--;
		have = true;
	}
	more = p->crw_n > 0;
	pthread_mutex_unlock(&p->lock);
	vcc_crw_encode(have ? &crw : NULL, b);
	memcpy(buf, b + off, len);
	/* As Linux: tell the VMM when more are queued. */
	if (more)
		vcc_irq_trigger(p, VFIO_CCW_CRW_IRQ_INDEX);
	return (int)len;
}
