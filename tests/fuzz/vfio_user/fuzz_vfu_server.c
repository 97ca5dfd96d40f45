/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer: a vfio-user server fed a byte stream through a socketpair.
 * Byte 0 picks up to three descriptors (bits 0-1: how many; bits 2-4:
 * eventfd instead of an 8 KiB memfd); bytes 1-2 (little-endian) are the
 * stream offset they are sent with; the rest is the stream. The peer's
 * write side is then closed and the server runs until it drops the
 * connection. The device does DMA and raises IRQs on command so those
 * paths see hostile state too. A proposed
 * "ccwpass.process_vm" is refused (the peer is this very process), so the
 * DMA_MAP offsets the fuzzer invents are never used as addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "common/evloop.h"
#include "common/log.h"
#include "vfio_user/vfu_server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct evloop *loop;
static struct vfu_server *srv;
static uint8_t mem[256];

static int f_read(void *dev, uint32_t index, uint64_t offset, void *buf,
		  uint32_t len)
{
	memcpy(buf, mem + (index ? 0 : offset), index ? 0 : len);
	return index ? 0 : (int)len;
}

/* Region 1: {u32 op, u32 len, u64 iova} does something with DMA. */
static int f_write(void *dev, uint32_t index, uint64_t offset,
		   const void *buf, uint32_t len)
{
	const uint8_t *b = buf;
	uint8_t tmp[sizeof(mem)];
	uint32_t n;
	uint64_t iova;
	void *p;

	if (index == 0) {
		memcpy(mem + offset, buf, len);
		return (int)len;
	}
	if (len < 16)
		return -EINVAL;
	n = ld_he32(b + 4) % sizeof(mem);
	iova = ld_he64(b + 8);
	switch (ld_he32(b) % 5) {
	case 0:
		return vfu_dma_read(srv, iova, tmp, n);
	case 1:
		return vfu_dma_write(srv, iova, mem, n);
	case 2:
		p = vfu_dma_map_ptr(srv, iova, n, true);
		if (p)
			memset(p, 0xa5, n);
		return p ? (int)len : -EFAULT;
	case 3:
		return vfu_irq_trigger(srv, ld_he32(b + 4) % 3);
	default:
		return (int)len;
	}
}

static int f_reset(void *dev)
{
	memset(mem, 0, sizeof(mem));
	return 0;
}

static int f_unmap(void *dev, const struct vfu_dma_region *r)
{
	return r->iova & 0x10 ? -EBUSY : 0;
}

static const struct vfu_device_ops ops = {
	.region_read = f_read,
	.region_write = f_write,
	.reset = f_reset,
	.dma_unmap = f_unmap,
};

static void init(void)
{
	static const uint8_t body[8] = { 2, 0, 0, 0, 1, 0, 0, 0 };
	const struct vfu_region_cap cap = { VFIO_REGION_INFO_CAP_TYPE, 1, body,
					    sizeof(body) };
	const struct vfu_region_desc regions[] = {
		{ sizeof(mem), VFIO_REGION_INFO_FLAG_READ |
			       VFIO_REGION_INFO_FLAG_WRITE, 0, NULL, 0 },
		{ 16, VFIO_REGION_INFO_FLAG_WRITE, 0x400, &cap, 1 },
	};
	const struct vfu_irq_desc irqs[] = {
		{ 1, VFIO_IRQ_INFO_EVENTFD },
		{ 4, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE },
	};
	const struct vfu_device_desc desc = {
		.flags = VFIO_DEVICE_FLAGS_RESET, .num_regions = 2,
		.regions = regions, .num_irqs = 2, .irqs = irqs,
	};
	/*
	 * The peer never reads: once the replies fill the socket buffer
	 * the server waits timeout_ms to send and gives up, whatever the
	 * timeout, so it is as short as it gets (100 ms made the inputs
	 * with many replies take 100 ms each).
	 */
	struct vfu_server_config cfg = {
		.name = "fuzz", .loop = NULL, .desc = &desc, .ops = &ops,
		.timeout_ms = 1,
	};
	struct error err;

	log_set_level(LOG_EMERG);
	if (evloop_create(&loop, &err) < 0)
		abort();
	cfg.loop = loop;
	if (vfu_server_create(&cfg, &srv, &err) < 0)
		abort();
}

static int make_fd(int eventfd_kind)
{
	int fd;

	if (eventfd_kind)
		return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	fd = memfd_create("fuzz", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd >= 0 && (ftruncate(fd, 8192) < 0 ||
			fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void send_stream(int fd, const uint8_t *data, size_t size,
			const int *fds, size_t nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 3)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)data, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (nfds && size) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	while (iov.iov_len) {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		iov.iov_base = (uint8_t *)iov.iov_base + n;
		iov.iov_len -= (size_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2], fds[3];
	size_t nfds = 0, split;

	memset(mem, 0, sizeof(mem));       /* region 0 as after a reset */
	if (size < 3 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return 0;
	for (int i = 0; i < (data[0] & 3); i++) {
		int fd = make_fd(data[0] >> (2 + i) & 1);

		if (fd >= 0)
			fds[nfds++] = fd;
	}
	/* The stream fits the socket buffer (inputs are at most 16 KiB). */
	split = ld_le16(data + 1);
	data += 3;
	size -= 3;
	if (split > size)
		split = size;
	send_stream(sv[0], data, split, NULL, 0);
	send_stream(sv[0], data + split, size - split, fds, nfds);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	shutdown(sv[0], SHUT_WR);
	if (vfu_server_attach_fd(srv, sv[1]) == 0) {
		while (vfu_server_has_client(srv))
			if (evloop_run_once(loop, -1) < 0)
				break;
	}
	close(sv[0]);
	return 0;
}

/*
 * One server for the run: every input is a new connection to it. One
 * empty connection first, so that the loop's fd table has grown before
 * the first input (else that input alone would see it grow).
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t empty[3];

	(void)argc;
	(void)argv;
	init();
	LLVMFuzzerTestOneInput(empty, sizeof(empty));
	return 0;
}
