/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The live vfio_ccw harness (see vcc_live.h). */
#include "vcc_live.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "test_wait.h"
#include "dasd/eckd.h"
#include "image/ckd_image.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_region.h"
#include "vfio_user/vfu_client.h"
#include "vfio_user/vfu_server.h"

#define HEADS 15

void vl_tmpdir(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");

	snprintf(buf, size, "%s/vcc-test-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(buf));
}

static int rm_entry(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* The directory and all below it (a daemon's runtime tree has
 * subdirectories); never into another file system. */
void vl_rmdir(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void add_dev(struct vl_host *h, int i, int release_timeout_ms)
{
	static const struct ckd_geometry geo = {
		.devtype = 0x3390, .cyls = 1113, .heads = HEADS,
		.trksize = 56832,
	};
	struct ckd_init_options io = {
		.format = CKD_IMAGE_CCKD, .layout = CKD_INIT_CDL,
		.volser = "VCC0",
	};
	struct vl_dev *d = &h->dev[i];
	struct eckd_config ec = { .ssid = 0x0100, .unit_addr = (uint8_t)i };
	struct css_subchannel_config sc = {
		.schid = { 0, 0, (uint16_t)(0x0100 + i) },
		.devno = { 0, 0, (uint16_t)(0x2b00 + i) },
		.type = CSS_SCH_TYPE_IO, .pom = 0xff,
	};
	struct vcc_options vo = {
		.socket_dir = h->dir, .release_timeout_ms = release_timeout_ms,
		.trace_path = h->trace[0] ? h->trace : NULL,
	};
	struct css_device *dev;
	struct error err = { 0 };

	io.volser[3] = (char)('0' + i);
	snprintf(d->image, sizeof(d->image), "%s/vol%d.cckd", h->dir, i);
	if (ckd_image_create(d->image, &geo, &io, &err)) {
		print_error("%s\n", err.msg);
		fail();
	}
	ec.image = ckd_image_open(d->image, 0, &err);
	assert_non_null(ec.image);
	dev = eckd_device_new(&ec, &err);
	assert_non_null(dev);
	if (i == 0) {
		sc.chpids[0] = VL_CHP_A;
		sc.chpids[1] = VL_CHP_B;
		sc.pim = sc.pam = 0xc0;
	} else {
		sc.chpids[0] = VL_CHP_C;
		sc.pim = sc.pam = 0x80;
	}
	sc.dev = dev;
	assert_int_equal(css_add_subchannel(h->css, &sc, &d->sch, &err), 0);
	if (vcc_probe(d->sch, &vo, &d->p, &err)) {
		print_error("%s\n", err.msg);
		fail();
	}
	snprintf(d->uuid, sizeof(d->uuid),
		 "3b1ea6f4-7d1c-4b38-9a11-00000000%04x", 0xa000 + i);
	if (vcc_mdev_create(d->p, d->uuid, &err)) {
		print_error("%s\n", err.msg);
		fail();
	}
}

void vl_host_start(struct vl_host *h, int ndev, int release_timeout_ms,
		   bool trace)
{
	struct error err = { 0 };

	memset(h, 0, sizeof(*h));
	vl_tmpdir(h->dir, sizeof(h->dir));
	if (trace)
		snprintf(h->trace, sizeof(h->trace), "%s/trace", h->dir);
	h->css = css_new(0);
	assert_non_null(h->css);
	assert_int_equal(css_add_chp(h->css, VL_CHP_A, CSS_CHP_TYPE_FC, &err),
			 0);
	assert_int_equal(css_add_chp(h->css, VL_CHP_B, CSS_CHP_TYPE_FC, &err),
			 0);
	assert_int_equal(css_add_chp(h->css, VL_CHP_C, CSS_CHP_TYPE_FC, &err),
			 0);
	h->ndev = ndev;
	for (int i = 0; i < ndev; i++)
		add_dev(h, i, release_timeout_ms);
}

void vl_host_stop(struct vl_host *h)
{
	for (int i = 0; i < h->ndev; i++)
		vcc_remove(h->dev[i].p);
	css_free(h->css);
	vl_rmdir(h->dir);
}

/* ---- the guest side ---- */

static int set_irq(struct vl_guest *g, uint32_t index, int *efd)
{
	*efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (*efd < 0)
		return -errno;
	return vfu_client_set_irqs(g->c, index, VFIO_IRQ_SET_DATA_EVENTFD |
				   VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, efd, 1,
				   NULL);
}

int vl_guest_connect(struct vl_guest *g, const char *sock, enum vl_mem mode)
{
	size_t total = VL_MEM_SIZE + VL_GUARD;
	struct error err = { 0 };
	int ret;

	memset(g, 0, sizeof(*g));
	g->mode = mode;
	g->memfd = g->io_efd = g->crw_efd = g->req_efd = -1;
	if (mode == VL_MEMFD) {
		g->memfd = memfd_create("vcc-guest",
					MFD_CLOEXEC | MFD_ALLOW_SEALING);
		/* Sealed against shrinking, as QEMU's memfd backend is. */
		if (g->memfd < 0 || ftruncate(g->memfd, (off_t)total) < 0 ||
		    fcntl(g->memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
			return -errno;
		g->mem = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED,
			      g->memfd, 0);
	} else {
		g->mem = mmap(NULL, total, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		return -errno;
	}
	memset(g->mem + VL_MEM_SIZE, VL_CANARY, VL_GUARD);
	if (mode == VL_PROCESS_VM)
		vfu_server_allow_process_vm_self(true);
	ret = vfu_client_connect_opts(sock, &(struct vfu_client_opts){
					.process_vm = mode == VL_PROCESS_VM,
					.posted_write = true },
				      &g->c, &err);
	if (ret < 0)
		return ret;
	ret = vfu_client_dma_map(g->c, 0, VL_MEM_SIZE,
				 VFU_DMA_READ | VFU_DMA_WRITE, g->memfd, 0,
				 g->mem);
	if (!ret)
		ret = set_irq(g, VFIO_CCW_IO_IRQ_INDEX, &g->io_efd);
	if (!ret)
		ret = set_irq(g, VFIO_CCW_CRW_IRQ_INDEX, &g->crw_efd);
	if (!ret)
		ret = set_irq(g, VFIO_CCW_REQ_IRQ_INDEX, &g->req_efd);
	if (!ret)
		ret = vfu_client_reset(g->c);
	return ret;
}

/* One attempt; a refused one leaves g closed for the next. */
static bool connect_once(struct vl_guest *g, const char *sock,
			 enum vl_mem mode, int *ret)
{
	*ret = vl_guest_connect(g, sock, mode);
	if (*ret != -ECONNREFUSED)
		return true;
	vl_guest_close(g);
	return false;
}

int vl_guest_reconnect(struct vl_guest *g, const char *sock, enum vl_mem mode)
{
	int ret = -ECONNREFUSED;

	TEST_WAIT_UNTIL(connect_once(g, sock, mode, &ret));
	return ret;
}

void vl_guest_close(struct vl_guest *g)
{
	if (g->c)
		vfu_client_close(g->c);
	g->c = NULL;
	if (g->mem)
		munmap(g->mem, VL_MEM_SIZE + VL_GUARD);
	g->mem = NULL;
	if (g->memfd >= 0)
		close(g->memfd);
	if (g->io_efd >= 0)
		close(g->io_efd);
	if (g->crw_efd >= 0)
		close(g->crw_efd);
	if (g->req_efd >= 0)
		close(g->req_efd);
	g->memfd = g->io_efd = g->crw_efd = g->req_efd = -1;
}

bool vl_guest_canary_ok(const struct vl_guest *g)
{
	for (size_t i = 0; i < VL_GUARD; i++)
		if (g->mem[VL_MEM_SIZE + i] != VL_CANARY)
			return false;
	return true;
}

void vl_ccw1(struct vl_guest *g, uint32_t addr, uint8_t cmd, uint8_t flags,
	     uint16_t count, uint32_t cda)
{
	uint8_t *p = g->mem + addr;

	p[0] = cmd;
	p[1] = flags;
	st_be16(p + 2, count);
	st_be32(p + 4, cda);
}

void vl_ccw0(struct vl_guest *g, uint32_t addr, uint8_t cmd, uint8_t flags,
	     uint16_t count, uint32_t cda)
{
	uint8_t *p = g->mem + addr;

	p[0] = cmd;
	st_be24(p + 1, cda);
	p[4] = flags;
	p[5] = 0;
	st_be16(p + 6, count);
}

void vl_idaw1(struct vl_guest *g, uint32_t addr, uint32_t idaw)
{
	st_be32(g->mem + addr, idaw);
}

void vl_idaw2(struct vl_guest *g, uint32_t addr, uint64_t idaw)
{
	st_be64(g->mem + addr, idaw);
}

static void cchh(uint8_t *p, uint32_t trk)
{
	st_be16(p, (uint16_t)(trk / HEADS));
	st_be16(p + 2, (uint16_t)(trk % HEADS));
}

void vl_de(struct vl_guest *g, uint32_t addr, uint8_t mask, uint32_t first,
	   uint32_t last)
{
	uint8_t *p = g->mem + addr;

	memset(p, 0, 16);
	p[0] = mask;
	p[1] = 0xc0;            /* normal cache replacement */
	cchh(p + 8, first);
	cchh(p + 12, last);
}

void vl_lr(struct vl_guest *g, uint32_t addr, uint8_t op, uint8_t count,
	   uint32_t trk, uint8_t rec, uint16_t tlf)
{
	uint8_t *p = g->mem + addr;

	memset(p, 0, 16);
	p[0] = op;
	p[1] = 0x80;            /* transfer length factor valid */
	p[3] = count;
	cchh(p + 4, trk);
	cchh(p + 8, trk);
	p[12] = rec;
	st_be16(p + 14, tlf);
}

/* QEMU: memset, ORB and current SCSW copied in, one pwrite. */
static void io_request(uint8_t region[VCC_IO_REGION_SIZE], uint16_t fctl,
		       uint16_t ctrl0, uint8_t lpm, uint32_t cpa)
{
	struct css_orb orb = {
		.intparm = 0xfeed0000 | cpa >> 8, .ctrl0 = ctrl0, .lpm = lpm,
		.cpa = cpa,
	};
	struct css_scsw scsw = { .ctrl = fctl };

	if (fctl & SCSW_FCTL_START)
		scsw.ctrl |= SCSW_ACTL_START_PEND;
	memset(region, 0, VCC_IO_REGION_SIZE);
	vcc_io_put_orb(region, &orb);
	vcc_io_put_scsw(region, &scsw);
}

int vl_io_write(struct vl_guest *g, uint16_t fctl, uint16_t ctrl0,
		uint8_t lpm, uint32_t cpa)
{
	uint8_t region[VCC_IO_REGION_SIZE];

	io_request(region, fctl, ctrl0, lpm, cpa);
	return vfu_client_region_write(g->c, VCC_REGION_IO, 0, region,
				       sizeof(region));
}

int vl_post(struct vl_guest *g, uint16_t ctrl0, uint8_t lpm, uint32_t cpa)
{
	uint8_t region[VCC_IO_REGION_SIZE];

	io_request(region, SCSW_FCTL_START, ctrl0, lpm, cpa);
	return vfu_client_region_post(g->c, VCC_REGION_IO, 0, region,
				      sizeof(region));
}

int vl_ssch(struct vl_guest *g, uint16_t ctrl0, uint8_t lpm, uint32_t cpa)
{
	return vl_io_write(g, SCSW_FCTL_START, ctrl0, lpm, cpa);
}

int vl_async(struct vl_guest *g, uint32_t command)
{
	uint8_t b[VCC_CMD_REGION_SIZE] = { 0 };

	st_he32(b, command);
	return vfu_client_region_write(g->c, VCC_REGION_ASYNC, 0, b, sizeof(b));
}

bool vl_signalled(int efd)
{
	uint64_t cnt;

	return read(efd, &cnt, sizeof(cnt)) == sizeof(cnt);
}

int vl_wait(struct vl_guest *g, int efd, int timeout_ms)
{
	int slices = timeout_ms / 10 + 1;

	for (int i = 0; i < slices; i++) {
		struct pollfd pfd[2] = {
			{ .fd = efd, .events = POLLIN },
			{ .fd = vfu_client_fd(g->c), .events = POLLIN },
		};
		int n = poll(pfd, 2, 10);

		if (n < 0 && errno != EINTR)
			return -errno;
		/* Answer the server's DMA requests (messages mode). */
		if (n > 0 && pfd[1].revents &&
		    vfu_client_service(g->c, 0) < 0 && !(pfd[0].revents))
			return -ENOTCONN;
		if (n > 0 && (pfd[0].revents & POLLIN) && vl_signalled(efd))
			return 0;
	}
	return -ETIMEDOUT;
}

int vl_wait_irb(struct vl_guest *g, struct css_irb *irb)
{
	uint8_t region[VCC_IO_REGION_SIZE];
	int ret = vl_wait(g, g->io_efd, VL_WAIT_MS);

	if (ret < 0)
		return ret;
	ret = vfu_client_region_read(g->c, VCC_REGION_IO, 0, region,
				     sizeof(region));
	if (ret != (int)sizeof(region))
		return ret < 0 ? ret : -EIO;
	vcc_io_get_irb(region, irb);
	return 0;
}

void vl_run(struct vl_guest *g, uint16_t ctrl0, uint32_t cpa,
	    struct css_irb *irb)
{
	assert_int_equal(vl_ssch(g, ctrl0, 0xff, cpa), VCC_IO_REGION_SIZE);
	assert_int_equal(vl_wait_irb(g, irb), 0);
}

int vl_schib(struct vl_guest *g, struct css_schib *schib)
{
	uint8_t b[VCC_SCHIB_REGION_SIZE];
	int ret = vfu_client_region_read(g->c, VCC_REGION_SCHIB, 0, b,
					 sizeof(b));

	if (ret != (int)sizeof(b))
		return ret < 0 ? ret : -EIO;
	vcc_schib_decode(b, schib);
	return 0;
}

void vl_wait_running(struct vl_guest *g)
{
	const uint16_t active = SCSW_ACTL_SCH_ACTIVE | SCSW_ACTL_DEV_ACTIVE;
	struct css_schib s;

	if (!TEST_WAIT_UNTIL(vl_schib(g, &s) == 0 &&
			     (s.scsw.ctrl & active) == active))
		fail_msg("the program never ran");
}

int vl_crw(struct vl_guest *g, struct css_crw *crw)
{
	uint8_t b[VCC_CRW_REGION_SIZE];
	int ret = vfu_client_region_read(g->c, VCC_REGION_CRW, 0, b, sizeof(b));

	if (ret != (int)sizeof(b))
		return ret < 0 ? ret : -EIO;
	return vcc_crw_decode(b, crw);
}

bool vl_final_ok(const struct css_irb *irb, uint32_t cpa, uint16_t residual)
{
	const struct css_scsw *s = &irb->scsw;
	bool ok = (s->ctrl & SCSW_CTRL_FCTL) == SCSW_FCTL_START &&
		  !(s->ctrl & SCSW_CTRL_ACTL) &&
		  (s->ctrl & SCSW_CTRL_STCTL) == (SCSW_STCTL_PRIMARY |
						  SCSW_STCTL_SECONDARY |
						  SCSW_STCTL_STATUS_PEND) &&
		  !(s->flags & SCSW_FLAGS_CC) && s->dstat == VL_CE_DE &&
		  !s->cstat && s->cpa == cpa && s->count == residual;

	if (!ok)
		print_error("irb: ctrl %04x flags %04x dstat %02x cstat %02x "
			    "cpa %08x (want %08x) count %u (want %u) "
			    "sense %02x %02x %02x\n", s->ctrl, s->flags,
			    s->dstat, s->cstat, s->cpa, cpa, s->count, residual,
			    irb->ecw[0], irb->ecw[1], irb->ecw[7]);
	return ok;
}

uint16_t vl_block_prog(struct vl_guest *g, bool write, uint32_t trk,
		       uint8_t rec, int n, uint32_t buf, enum vl_addr a)
{
	uint8_t cmd = write ? 0x85 : 0x86;
	uint16_t ctrl0 = VL_ORB_LINUX;
	uint32_t idal = VL_IDAL;

	vl_de(g, VL_PARM, write ? 0x80 : 0x40, trk, trk);
	vl_lr(g, VL_PARM + 16, write ? 0x01 : 0x06, (uint8_t)n, trk, rec,
	      4096);
	if (a == VL_FMT0) {
		vl_ccw0(g, VL_PROG, 0x63, CCW_FLAG_CC, 16, VL_PARM);
		vl_ccw0(g, VL_PROG + 8, 0x47, CCW_FLAG_CC, 16, VL_PARM + 16);
		ctrl0 = ORB_CTRL0_PFCH;
	} else {
		vl_ccw1(g, VL_PROG, 0x63, CCW_FLAG_CC, 16, VL_PARM);
		vl_ccw1(g, VL_PROG + 8, 0x47, CCW_FLAG_CC, 16, VL_PARM + 16);
	}
	if (a == VL_IDA1_2K)
		ctrl0 = ORB_CTRL0_FMT | ORB_CTRL0_PFCH;   /* C64 = 0 */
	for (int i = 0; i < n; i++) {
		uint32_t at = VL_PROG + 16 + 8u * (uint32_t)i;
		uint8_t fl = i < n - 1 ? CCW_FLAG_CC : 0;
		uint32_t data = buf + 4096u * (uint32_t)i;

		switch (a) {
		case VL_DIRECT:
			vl_ccw1(g, at, cmd, fl, 4096, data);
			break;
		case VL_FMT0:
			vl_ccw0(g, at, cmd, fl, 4096, data);
			break;
		case VL_IDA2_4K:
			vl_idaw2(g, idal, data);
			vl_ccw1(g, at, cmd, fl | CCW_FLAG_IDA, 4096, idal);
			idal += 8;
			break;
		case VL_IDA1_2K:
			vl_idaw1(g, idal, data);
			vl_idaw1(g, idal + 4, data + 2048);
			vl_ccw1(g, at, cmd, fl | CCW_FLAG_IDA, 4096, idal);
			idal += 8;
			break;
		}
	}
	return ctrl0;
}

void vl_fill(uint8_t *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static int run_nocheck(struct vl_guest *g, uint16_t ctrl0,
		       struct css_irb *irb)
{
	int ret = vl_ssch(g, ctrl0, 0xff, VL_PROG);

	if (ret != VCC_IO_REGION_SIZE) {
		print_error("ssch: %d\n", ret);
		return -1;
	}
	ret = vl_wait_irb(g, irb);
	if (ret) {
		print_error("wait irb: %d\n", ret);
		return -1;
	}
	return 0;
}

int vl_write_read(struct vl_guest *g, uint32_t trk, uint8_t rec,
		  enum vl_addr wa, enum vl_addr ra, uint32_t seed)
{
	const size_t len = 8 * 4096;
	uint8_t *want = malloc(len);
	struct css_irb irb;
	uint16_t ctrl0;
	int ret = -1;

	if (!want)
		return -1;
	vl_fill(want, len, seed);
	memcpy(g->mem + VL_BUF, want, len);
	ctrl0 = vl_block_prog(g, true, trk, rec, 8, VL_BUF, wa);
	if (run_nocheck(g, ctrl0, &irb) ||
	    !vl_final_ok(&irb, VL_PROG + 16 + 64, 0))
		goto out;
	memset(g->mem + VL_BUF2, 0, len);
	ctrl0 = vl_block_prog(g, false, trk, rec, 8, VL_BUF2, ra);
	if (run_nocheck(g, ctrl0, &irb) ||
	    !vl_final_ok(&irb, VL_PROG + 16 + 64, 0))
		goto out;
	if (memcmp(g->mem + VL_BUF2, want, len)) {
		print_error("track %u: data read back differs\n", trk);
		goto out;
	}
	ret = 0;
out:
	free(want);
	return ret;
}

/* ---- test groups ------------------------------------------------------ */

enum vl_mem vl_mem_mode;

static int group_memfd(void **state)
{
	vl_mem_mode = VL_MEMFD;
	return 0;
}

static int group_messages(void **state)
{
	vl_mem_mode = VL_MESSAGES;
	return 0;
}

static int group_process_vm(void **state)
{
	vl_mem_mode = VL_PROCESS_VM;
	return 0;
}

int vl_run_mem_groups(const struct CMUnitTest *tests, size_t n)
{
	int fails;

	fails = _cmocka_run_group_tests("memfd", tests, n, group_memfd, NULL);
	fails += _cmocka_run_group_tests("messages", tests, n, group_messages,
					 NULL);
	fails += _cmocka_run_group_tests("process_vm", tests, n,
					 group_process_vm, NULL);
	return fails;
}

void vl_assert_no_messages(const struct vl_guest *g)
{
	if (vl_mem_mode != VL_PROCESS_VM || !g->c)
		return;
	assert_true(vfu_client_process_vm(g->c));
	assert_int_equal(vfu_client_dma_requests(g->c), 0);
}

int vl_dev_state(struct vcc_private *p)
{
	int s;

	vcc_fsm_lock(p);
	s = p->state;
	vcc_fsm_unlock(p);
	return s;
}

struct vl_fix *vl_fix_new(bool trace)
{
	struct vl_fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	vl_host_start(&f->h, 1, 2000, trace);
	assert_int_equal(vl_guest_connect(&f->g, vcc_mdev_socket(f->h.dev[0].p),
					  vl_mem_mode), 0);
	return f;
}

void vl_fix_free(struct vl_fix *f, unsigned int checks)
{
	struct vl_guest *g = &f->g;

	if (g->mem)
		assert_true(vl_guest_canary_ok(g));
	if (checks & VL_FIX_CHECK_IO) {
		struct css_irb irb;

		vl_ccw1(g, VL_PROG, 0x64, 0, 64, VL_BUF);
		vl_run(g, VL_ORB_LINUX, VL_PROG, &irb);
		assert_true(vl_final_ok(&irb, VL_PROG + 8, 0));
	}
	if (checks & VL_FIX_NO_MESSAGES)
		vl_assert_no_messages(g);
	vl_guest_close(g);
	vl_host_stop(&f->h);
	free(f);
}

void vl_loop_prog(struct vl_guest *g)
{
	vl_ccw1(g, VL_PROG, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
	vl_ccw1(g, VL_PROG + 8, 0x08, 0, 0, VL_PROG);
	vl_ccw1(g, VL_PROG + 16, 0x03, CCW_FLAG_SLI, 1, 0);
}

void vl_halt_loop(struct vl_guest *g, struct css_irb *irb)
{
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_HSCH), 8);
	assert_int_equal(vl_wait_irb(g, irb), 0);
	assert_int_equal(irb->scsw.ctrl & SCSW_CTRL_FCTL,
			 SCSW_FCTL_START | SCSW_FCTL_HALT);
	assert_true(irb->scsw.ctrl & SCSW_STCTL_STATUS_PEND);
	/* The loop's next CCW - or, when the halt came after the worker
	   made the subchannel active but before the first CCW ran (it lost
	   its core in between: seen under load), status pending alone
	   without a CCW address, as for a halt of a start still pending. */
	if (irb->scsw.cpa == VL_PROG + 8 || irb->scsw.cpa == VL_PROG + 16)
		return;
	if (irb->scsw.cpa != 0 || (irb->scsw.ctrl & SCSW_CTRL_STCTL) !=
				  SCSW_STCTL_STATUS_PEND)
		fail_msg("halted loop: CCW address %#x, status control %#x",
			 irb->scsw.cpa, irb->scsw.ctrl & SCSW_CTRL_STCTL);
}
