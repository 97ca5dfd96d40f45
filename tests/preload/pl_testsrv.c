/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vfio-user test server of pl_testsrv.h. */
#include "pl_testsrv.h"

#include <errno.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "common/evloop.h"
#include "vfio_user/vfu_server.h"

#define MAX_ECHO 65536
_Static_assert(PL_TS_MAPPED + 4 == PL_TS_SCHIB_SIZE, "counters fill the schib");

struct tsdev {
	struct vfu_server *srv;
	uint8_t io[PL_TS_IO_SIZE];
	uint32_t resets, maps, maps_fd, async, clients, mapped;
	uint32_t irq_fds[3];
	bool eagain_sent;
	bool refuse_unmap;
	bool die_on_read;        /* the next io-region read exits */
};

static struct tsdev dev;

static void ts_dma_stats(struct tsdev *d)
{
	struct vfu_dma_stats st;

	vfu_server_dma_stats(d->srv, &st);
	st_he32(d->io + PL_TS_MSGS, (uint32_t)st.messages);
	st_he32(d->io + PL_TS_PVM, (uint32_t)st.pvm_copies);
	st_he32(d->io + PL_TS_FALLBACKS, (uint32_t)st.pvm_fallbacks);
	st_he32(d->io + PL_TS_PVM_ON, st.process_vm);
}

static int ts_echo(struct tsdev *d, uint64_t iova, uint32_t len)
{
	static uint8_t buf[MAX_ECHO];
	uint32_t sum = 0;
	int ret;

	if (len > MAX_ECHO)
		return -EINVAL;
	ret = vfu_dma_read(d->srv, iova, buf, len);
	if (ret < 0)
		return ret;
	for (uint32_t i = 0; i < len; i++) {
		sum += buf[i];
		buf[i] ^= 0xff;
	}
	st_he32(d->io + PL_TS_SUM, sum);
	st_he32(d->io + PL_TS_DIRECT,
		vfu_dma_map_ptr(d->srv, iova, len, false) != NULL);
	return vfu_dma_write(d->srv, iova + len, buf, len);
}

/*
 * --ccw mode, for trying the library with a real guest: a START with a
 * format-1 CCW at the ORB's cpa (QEMU's ORB in host order: intparm u32,
 * ctrl0 u16, lpm u8, ctrl1 u8, cpa u32) gets a one-CCW answer: SENSE ID
 * (E4) stores 3990-E9 / 3390-0C, anything else is a command reject; the
 * IRB (PoP "Interruption-Response Block", big-endian) follows at once.
 */
#define IO_IRB      24      /* orb_area[12], scsw_area[12], irb_area[96] */
#define IO_RET_CODE 120
#define ORB_FMT1    0x0080  /* ctrl0: format-1 CCWs */

static bool ccw_mode;

static int ts_ccw(struct tsdev *d)
{
	static const uint8_t senseid[7] = { 0xff, 0x39, 0x90, 0xe9, 0x33, 0x90,
					    0x0c };
	uint32_t cpa = ld_he32(d->io + 8);
	uint8_t ccw[8], *irb = d->io + IO_IRB;
	uint8_t dstat = 0x0c;                   /* channel + device end */
	uint16_t count, resid = 0;
	int ret;

	if (!(ld_he16(d->io + 4) & ORB_FMT1))
		return -EOPNOTSUPP;
	ret = vfu_dma_read(d->srv, cpa, ccw, sizeof(ccw));
	if (ret < 0)
		return ret;
	count = ld_be16(ccw + 2);
	memset(irb, 0, 96);
	if (ccw[0] == 0xe4) {
		uint16_t n = count < sizeof(senseid) ? count : sizeof(senseid);

		ret = vfu_dma_write(d->srv, ld_be32(ccw + 4), senseid, n);
		if (ret < 0)
			return ret;
		resid = count - n;
	} else {
		dstat |= 0x02;                  /* unit check */
		irb[32] = 0x80;                 /* sense byte 0: command reject */
		resid = count;
	}
	st_be16(irb + 2, 0x4007);       /* fctl start; primary, secondary, pending */
	st_be32(irb + 4, cpa + 8);
	irb[8] = dstat;
	st_be16(irb + 10, resid);
	st_he32(d->io + IO_RET_CODE, 0);
	vfu_irq_trigger(d->srv, VFIO_CCW_IO_IRQ_INDEX);
	return 0;
}

static int ts_write(void *opaque, uint32_t index, uint64_t offset,
		    const void *buf, uint32_t len)
{
	struct tsdev *d = opaque;
	const uint8_t *p = d->io;
	int ret = 0;

	if (index == 1) {          /* async cmd */
		d->async++;
		return (int)len;
	}
	if (index != VFIO_CCW_CONFIG_REGION_INDEX)
		return -EINVAL;
	memcpy(d->io + offset, buf, len);
	if (ccw_mode) {
		ret = ts_ccw(d);
		return ret < 0 ? ret : (int)len;
	}
	switch (ld_he32(p + PL_TS_OP)) {
	case PL_TS_ECHO:
		ret = ts_echo(d, ld_he64(p + PL_TS_IOVA),
			      ld_he32(p + PL_TS_LEN));
		st_he32(d->io + PL_TS_RESULT, (uint32_t)ret);
		vfu_irq_trigger(d->srv, VFIO_CCW_IO_IRQ_INDEX);
		return (int)len;
	case PL_TS_ERRNO:
		return -(int)ld_he32(p + PL_TS_ARG);
	case PL_TS_EAGAIN_ONCE:
		d->eagain_sent = !d->eagain_sent;
		return d->eagain_sent ? -EAGAIN : (int)len;
	case PL_TS_DIE:
		_exit(0);
	case PL_TS_IRQ:
		vfu_irq_trigger(d->srv, ld_he32(p + PL_TS_ARG));
		return (int)len;
	case PL_TS_REFUSE_UNMAP:
		d->refuse_unmap = true;
		return (int)len;
	case PL_TS_DIE_ON_READ:
		d->die_on_read = true;
		return (int)len;
	default:
		return -EINVAL;
	}
}

static int ts_read(void *opaque, uint32_t index, uint64_t offset, void *buf,
		   uint32_t len)
{
	struct tsdev *d = opaque;
	uint8_t s[PL_TS_SCHIB_SIZE] = { 0 };

	switch (index) {
	case VFIO_CCW_CONFIG_REGION_INDEX:
		if (d->die_on_read)
			_exit(0);
		if (!ccw_mode)
			ts_dma_stats(d);
		memcpy(buf, d->io + offset, len);
		/* A result read ends the command as an IRB with primary
		 * status ends a start (the library's reconnect tracks it). */
		if (!ccw_mode && offset <= 27 && offset + len > 27)
			((uint8_t *)buf)[27 - offset] |= 0x04;
		break;
	case 2:         /* schib: one usable path, then the counters */
		s[PL_TS_PMCW_POM] = 0x80;
		s[PL_TS_PMCW_PAM] = 0x80;
		st_he32(s + PL_TS_RESETS, d->resets);
		st_he32(s + PL_TS_MAPS, d->maps);
		st_he32(s + PL_TS_MAPS_FD, d->maps_fd);
		for (int i = 0; i < 3; i++)
			st_he32(s + PL_TS_IRQ_FDS + 4 * i, d->irq_fds[i]);
		st_he32(s + PL_TS_ASYNC, d->async);
		st_he32(s + PL_TS_CLIENTS, d->clients);
		st_he32(s + PL_TS_MAPPED, d->mapped);
		memcpy(buf, s + offset, len);
		break;
	default:        /* async, crw: nothing pending */
		memset(buf, 0, len);
		break;
	}
	return (int)len;
}

static int ts_reset(void *opaque)
{
	struct tsdev *d = opaque;

	d->resets++;
	return 0;
}

static int ts_set_irqs(void *opaque, uint32_t index, uint32_t flags,
		       uint32_t start, uint32_t count, const int *fds)
{
	struct tsdev *d = opaque;

	if (index > 2 || !(flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return 0;
	if (count == 0)
		d->irq_fds[index] = 0;
	else if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		d->irq_fds[index] = fds ? 1 : 0;
	(void)start;
	return 0;
}

static void ts_dma_map(void *opaque, const struct vfu_dma_region *r)
{
	struct tsdev *d = opaque;

	d->maps++;
	d->mapped++;
	if (r->vaddr)
		d->maps_fd++;
}

static int ts_dma_unmap(void *opaque, const struct vfu_dma_region *r)
{
	struct tsdev *d = opaque;

	(void)r;
	if (d->refuse_unmap) {
		d->refuse_unmap = false;
		return -EBUSY;
	}
	d->mapped--;
	return 0;
}

static void ts_ready(void *opaque)
{
	struct tsdev *d = opaque;

	d->clients++;
}

static void ts_gone(void *opaque)
{
	struct tsdev *d = opaque;

	memset(d->irq_fds, 0, sizeof(d->irq_fds));
	d->mapped = 0;
}

static const struct vfu_device_ops ts_ops = {
	.region_read = ts_read,
	.region_write = ts_write,
	.reset = ts_reset,
	.set_irqs = ts_set_irqs,
	.dma_map = ts_dma_map,
	.dma_unmap = ts_dma_unmap,
	.client_ready = ts_ready,
	.client_gone = ts_gone,
};

int main(int argc, char **argv)
{
	uint8_t type[3][8];
	const struct vfu_region_cap caps[3] = {
		{ VFIO_REGION_INFO_CAP_TYPE, 1, type[0], 8 },
		{ VFIO_REGION_INFO_CAP_TYPE, 1, type[1], 8 },
		{ VFIO_REGION_INFO_CAP_TYPE, 1, type[2], 8 },
	};
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ |
			    VFIO_REGION_INFO_FLAG_WRITE;
	const struct vfu_region_desc regions[4] = {
		{ PL_TS_IO_SIZE, rw, 0, NULL, 0 },
		{ PL_TS_ASYNC_SIZE, rw, 1 << 10, &caps[0], 1 },
		{ PL_TS_SCHIB_SIZE, VFIO_REGION_INFO_FLAG_READ, 2 << 10,
		  &caps[1], 1 },
		{ PL_TS_CRW_SIZE, VFIO_REGION_INFO_FLAG_READ, 3 << 10,
		  &caps[2], 1 },
	};
	const struct vfu_irq_desc irqs[3] = {
		{ 1, VFIO_IRQ_INFO_EVENTFD }, { 1, VFIO_IRQ_INFO_EVENTFD },
		{ 1, VFIO_IRQ_INFO_EVENTFD },
	};
	const struct vfu_device_desc desc = {
		.flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET,
		.num_regions = 4, .regions = regions,
		.num_irqs = 3, .irqs = irqs,
	};
	struct vfu_server_config cfg = {
		.name = "pl_testsrv", .loop = NULL, .desc = &desc,
		.ops = &ts_ops, .dev = &dev, .timeout_ms = 0,
	};
	struct error err = { 0 };
	struct evloop *loop;
	int ready;

	if (argc == 4 && !strcmp(argv[1], "--ccw")) {
		ccw_mode = true;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: pl_testsrv [--ccw] SOCKET READY_FD\n");
		return 2;
	}
	for (int i = 0; i < 3; i++) {
		st_he32(type[i], VFIO_REGION_TYPE_CCW);
		st_he32(type[i] + 4, (uint32_t)i + 1);   /* async, schib, crw */
	}
	signal(SIGPIPE, SIG_IGN);
	if (evloop_create(&loop, &err) < 0) {
		fprintf(stderr, "pl_testsrv: %s\n", err.msg);
		return 1;
	}
	cfg.loop = loop;
	cfg.path = argv[1];
	if (vfu_server_create(&cfg, &dev.srv, &err) < 0) {
		fprintf(stderr, "pl_testsrv: %s\n", err.msg);
		return 1;
	}
	ready = atoi(argv[2]);
	if (write(ready, "r", 1) != 1)
		return 1;
	close(ready);
	return evloop_run(loop) < 0;
}
