/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The async command region (Linux drivers/s390/cio/vfio_ccw_async.c):
 * HALT SUBCHANNEL and CLEAR SUBCHANNEL on behalf of the guest (Principles
 * of Operation SA22-7832 ch. 14 "HALT SUBCHANNEL", "CLEAR SUBCHANNEL"),
 * with the condition codes mapped to errnos as Linux's fsm_do_halt /
 * fsm_do_clear. Their completion reaches the guest as an IRB through the
 * io region and the IO interrupt.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <string.h>

#include "vfio_ccw/vcc_priv.h"

int vcc_do_halt(struct vcc_private *p)
{
	switch (css_hsch(p->sch)) {
	case 0:
		return 0;
	case 1:                 /* status pending */
	case 2:                 /* busy: halt or clear in progress */
		return -EBUSY;
	case 3:
		return -ENODEV;
	default:
		return -EIO;
	}
}

int vcc_do_clear(struct vcc_private *p)
{
	switch (css_csch(p->sch)) {
	case 0:
		return 0;
	case 3:
		return -ENODEV;
	default:
		return -EIO;
	}
}

int vcc_async_write(struct vcc_private *p, uint64_t off, const void *buf,
		    uint32_t len)
{
	int32_t ret;

	if (off > VCC_CMD_REGION_SIZE || len > VCC_CMD_REGION_SIZE - off)
		return -EINVAL;
	vcc_fsm_lock(p);
	memcpy(p->cmd_region + off, buf, len);
	vcc_fsm_event(p, VCC_EVENT_ASYNC_REQ);
	ret = vcc_cmd_get_ret(p->cmd_region);
	vcc_fsm_unlock(p);
	return ret ? ret : (int)len;
}

int vcc_async_read(struct vcc_private *p, uint64_t off, void *buf,
		   uint32_t len)
{
	if (off > VCC_CMD_REGION_SIZE || len > VCC_CMD_REGION_SIZE - off)
		return -EINVAL;
	vcc_fsm_lock(p);
	memcpy(buf, p->cmd_region + off, len);
	vcc_fsm_unlock(p);
	return (int)len;
}
