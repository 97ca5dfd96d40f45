/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The private capability "ccwpass.process_vm" (src/vfio_user/vfu_pvm.c,
 * docs/protocol.md "Direct access to client memory"): a client that
 * proposes it (sending its /proc/self/mem) maps private anonymous memory
 * without fd, and the server's device reads and writes it through that
 * memory file - no DMA_READ / DMA_WRITE message. Fallback to messages when
 * the capability is not negotiated, when the client is the server's own
 * process, when a copy faults (part or all of the declared range
 * unmapped, a kernel address), when the client's program is gone and when
 * the kernel refuses (EPERM, from a seccomp filter as a hardened service
 * would have). A process that execs: test_vfu_pvm_exec.c.
 * Hostile byte streams: test_vfu_pvm_raw.c.
 *
 * Client and server live in this process, so most tests allow the server
 * to accept the capability from itself (vfu_server_allow_process_vm_self).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "common/evloop.h"
#include "vfio_user/vfu_client.h"
#include "vfu_raw.h"
#include "vfu_testdev.h"

#define PG 4096u
#define RW (VFU_DMA_READ | VFU_DMA_WRITE)

struct pvm_fixture {
	char dir[256];
	char path[300];
	struct testloop tl;
	struct testdev dev;
	struct vfu_client *c;
};

static void start(struct pvm_fixture *f)
{
	tmpdir_make(f->dir, sizeof(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/dev.sock", f->dir);
	testloop_start(&f->tl);
	testdev_start(&f->dev, f->tl.loop, f->path, 0);
}

static int setup_opts(void **state, bool propose, bool self)
{
	struct pvm_fixture *f = calloc(1, sizeof(*f));
	struct vfu_client_opts o = { .process_vm = propose };
	struct error err = { 0 };

	vfu_server_allow_process_vm_self(self);
	start(f);
	if (vfu_client_connect_opts(f->path, &o, &f->c, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

/* The capability proposed and (from this very process) accepted. */
static int setup_pvm(void **state)
{
	return setup_opts(state, true, true);
}

/* Not proposed: the spec's meaning of offset, DMA messages. */
static int setup_plain(void **state)
{
	return setup_opts(state, false, true);
}

/* Proposed, but the server does not serve its own process by default. */
static int setup_self(void **state)
{
	return setup_opts(state, true, false);
}

/* No client yet (tests that connect their own way). */
static int setup_bare(void **state)
{
	struct pvm_fixture *f = calloc(1, sizeof(*f));

	vfu_server_allow_process_vm_self(false);
	start(f);
	*state = f;
	return 0;
}

static int teardown_pvm(void **state)
{
	struct pvm_fixture *f = *state;

	vfu_client_close(f->c);
	testdev_stop(&f->dev);
	testloop_stop(&f->tl);
	tmpdir_remove(f->dir);
	free(f);
	vfu_server_allow_process_vm_self(false);
	return 0;
}

static int td_cmd(struct vfu_client *c, uint32_t op, uint32_t len,
		  uint64_t iova)
{
	uint8_t cmd[TD_CMD_SIZE];

	st_he32(cmd, op);
	st_he32(cmd + 4, len);
	st_he64(cmd + 8, iova);
	return vfu_client_region_write(c, 1, 0, cmd, sizeof(cmd));
}

static struct vfu_dma_stats stats(struct pvm_fixture *f)
{
	struct vfu_dma_stats st;

	vfu_server_dma_stats(f->dev.srv, &st);
	return st;
}

/* Private anonymous memory, as QEMU's plain guest RAM. */
static uint8_t *anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void fill(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

/* Put data into the device's memory region (what TD_DMA_WRITE sends). */
static void dev_mem_set(struct pvm_fixture *f, const uint8_t *data,
			uint32_t len)
{
	assert_int_equal(vfu_client_region_write(f->c, 0, 0, data, len),
			 (int)len);
}

static void dev_mem_get(struct pvm_fixture *f, uint8_t *data, uint32_t len)
{
	assert_int_equal(vfu_client_region_read(f->c, 0, 0, data, len),
			 (int)len);
}

/* A failure guard for a device worker, never a measure. */
static bool wait_async(struct testdev *d, unsigned n)
{
	struct timespec until;
	bool ok = true;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&d->lock);
	while (d->async_done < n && ok)
		ok = pthread_cond_timedwait(&d->cond, &d->lock, &until) == 0;
	ok = d->async_done >= n;
	pthread_mutex_unlock(&d->lock);
	return ok;
}

/* ---- the fast path ------------------------------------------------------ */

static void test_negotiated(void **state)
{
	struct pvm_fixture *f = *state;

	assert_true(vfu_client_process_vm(f->c));
	assert_true(vfu_client_server_caps(f->c)->process_vm);
	assert_true(stats(f).process_vm);
	assert_int_equal(f->dev.ready, 1);
}

/* Device reads and writes private anonymous memory: no message at all. */
static void test_no_messages(void **state)
{
	struct pvm_fixture *f = *state;
	uint8_t *ram = anon(4 * PG, PROT_READ | PROT_WRITE);
	uint8_t data[TD_MEM_SIZE], back[TD_MEM_SIZE];
	struct vfu_dma_stats st;

	assert_int_equal(vfu_client_dma_map(f->c, 0x100000, 4 * PG, RW, -1, 0,
					    ram), 0);
	assert_int_equal(f->dev.maps, 1);
	fill(data, sizeof(data), 1);
	dev_mem_set(f, data, TD_MEM_SIZE);
	/* Across a page boundary inside the region. */
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, TD_MEM_SIZE,
				0x100000 + PG - 100), TD_CMD_SIZE);
	assert_memory_equal(ram + PG - 100, data, TD_MEM_SIZE);
	assert_int_equal(ram[PG - 101], 0);
	assert_int_equal(ram[PG - 100 + TD_MEM_SIZE], 0);
	memset(ram + 3 * PG, 0x77, 200);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 200, 0x100000 + 3 * PG),
			 TD_CMD_SIZE);
	dev_mem_get(f, back, 200);
	for (int i = 0; i < 200; i++)
		assert_int_equal(back[i], 0x77);

	/* A device worker thread: nobody serves the socket, none needed. */
	fill(data, sizeof(data), 9);
	dev_mem_set(f, data, 64);
	assert_int_equal(td_cmd(f->c, TD_ASYNC_WRITE, 64, 0x100000 + 2 * PG),
			 TD_CMD_SIZE);
	assert_true(wait_async(&f->dev, 1));
	assert_int_equal(f->dev.async_result, 0);
	assert_memory_equal(ram + 2 * PG, data, 64);

	st = stats(f);
	assert_int_equal(vfu_client_dma_requests(f->c), 0);
	assert_int_equal(st.messages, 0);
	assert_int_equal(st.pvm_copies, 3);
	assert_int_equal(st.pvm_fallbacks, 0);
	/* No direct pointer for such a region: the device copies. */
	assert_int_equal(td_cmd(f->c, TD_MAP_PTR, 16, 0x100000), -EFAULT);
	assert_int_equal(vfu_client_dma_unmap(f->c, 0x100000, 4 * PG), 0);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 4, 0x100000), -EFAULT);
	munmap(ram, 4 * PG);
}

/* Adjacent regions at unrelated client addresses: split at the boundary. */
static void test_region_split(void **state)
{
	struct pvm_fixture *f = *state;
	uint8_t *a = anon(PG, PROT_READ | PROT_WRITE);
	uint8_t *b = anon(PG, PROT_READ | PROT_WRITE);
	uint8_t data[TD_MEM_SIZE], back[TD_MEM_SIZE];

	assert_int_equal(vfu_client_dma_map(f->c, 0x200000, PG, RW, -1, 0, a),
			 0);
	assert_int_equal(vfu_client_dma_map(f->c, 0x201000, PG, RW, -1, 0, b),
			 0);
	fill(data, sizeof(data), 5);
	dev_mem_set(f, data, TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, TD_MEM_SIZE,
				0x201000 - 128), TD_CMD_SIZE);
	assert_memory_equal(a + PG - 128, data, 128);
	assert_memory_equal(b, data + 128, 128);
	assert_int_equal(b[128], 0);
	memset(back, 0, sizeof(back));
	dev_mem_set(f, back, TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, TD_MEM_SIZE, 0x201000 - 128),
			 TD_CMD_SIZE);
	dev_mem_get(f, back, TD_MEM_SIZE);
	assert_memory_equal(back, data, TD_MEM_SIZE);
	assert_int_equal(stats(f).pvm_copies, 4);
	assert_int_equal(stats(f).messages, 0);
	munmap(a, PG);
	munmap(b, PG);
}

/* The DMA table is checked first, exactly as for messages. */
static void test_bounds(void **state)
{
	struct pvm_fixture *f = *state;
	uint8_t *ram = anon(2 * PG, PROT_READ | PROT_WRITE);
	uint8_t zero[16] = { 0 };

	/* Only the first page is declared; the second is mapped here. */
	assert_int_equal(vfu_client_dma_map(f->c, 0x400000, PG, RW, -1, 0, ram),
			 0);
	assert_int_equal(vfu_client_dma_map(f->c, 0x500000, PG, VFU_DMA_READ,
					    -1, 0, ram + PG), 0);
	memset(ram + PG - 8, 0, 16);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 16, 0x400000 + PG - 8),
			 -EFAULT);
	assert_memory_equal(ram + PG - 8, zero, 16);   /* nothing written */
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 16, 0x400000 + PG - 8),
			 -EFAULT);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 8, 0x500000), -EFAULT);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0x500000), TD_CMD_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0x3ff000), -EFAULT);
	assert_int_equal(stats(f).pvm_copies, 1);
	assert_int_equal(stats(f).messages, 0);
	assert_int_equal(vfu_client_dma_requests(f->c), 0);
	munmap(ram, 2 * PG);
}

/* ---- faults: the rest goes by message -------------------------------- */

struct shadow {
	uint64_t iova;          /* what the shadow holds */
	uint8_t mem[2 * PG];
	bool refuse;            /* answer EFAULT (the client's memory is gone) */
	unsigned calls;
	uint64_t last_iova;
	size_t last_len;
};

/* The client's DMA handler: answers the fallback messages. */
static int shadow_fn(void *opaque, bool write, uint64_t iova, void *buf,
		     size_t len)
{
	struct shadow *s = opaque;

	s->calls++;
	s->last_iova = iova;
	s->last_len = len;
	if (s->refuse || iova < s->iova || iova - s->iova > sizeof(s->mem) ||
	    len > sizeof(s->mem) - (iova - s->iova))
		return -EFAULT;
	if (write)
		memcpy(s->mem + (iova - s->iova), buf, len);
	else
		memcpy(buf, s->mem + (iova - s->iova), len);
	return 0;
}

/* The declared range ends in an unmapped page: process_vm copies what it
 * can (a short transfer), messages do the rest. */
static void test_short_copy(void **state)
{
	struct pvm_fixture *f = *state;
	static struct shadow sh = { .iova = 0x300000 };
	uint8_t *two = anon(2 * PG, PROT_READ | PROT_WRITE);
	uint8_t data[16], back[16];
	struct vfu_dma_stats st;

	assert_int_equal(munmap(two + PG, PG), 0);
	vfu_client_set_dma_handler(f->c, shadow_fn, &sh);
	assert_int_equal(vfu_client_dma_map(f->c, 0x300000, 2 * PG, RW, -1, 0,
					    two), 0);
	memset(two + PG - 8, 0xaa, 8);
	memset(sh.mem + PG, 0xbb, 8);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 16, 0x300000 + PG - 8),
			 TD_CMD_SIZE);
	dev_mem_get(f, back, 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(back[i], i < 8 ? 0xaa : 0xbb);
	assert_int_equal(sh.calls, 1);
	assert_int_equal(sh.last_iova, 0x300000 + PG);
	assert_int_equal(sh.last_len, 8);

	fill(data, sizeof(data), 3);
	dev_mem_set(f, data, 16);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 16, 0x300000 + PG - 8),
			 TD_CMD_SIZE);
	assert_memory_equal(two + PG - 8, data, 8);
	assert_memory_equal(sh.mem + PG, data + 8, 8);
	assert_int_equal(sh.calls, 2);
	st = stats(f);
	assert_int_equal(st.pvm_fallbacks, 2);
	assert_int_equal(st.messages, 2);
	/* A fault is about the range, not the process: still in use. */
	assert_true(st.process_vm);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0x300000), TD_CMD_SIZE);
	assert_int_equal(stats(f).pvm_copies, st.pvm_copies + 1);
	vfu_client_set_dma_handler(f->c, NULL, NULL);
	munmap(two, PG);
}

/*
 * A client whose declared memory is not there (unmapped, read-only, a
 * kernel address): the copy faults, the message is refused too, the device
 * gets -EFAULT and nothing outside the declared range changes.
 */
static void test_declared_unmapped(void **state)
{
	struct pvm_fixture *f = *state;
	static struct shadow sh = { .iova = 0x600000, .refuse = true };
	uint8_t *three = anon(3 * PG, PROT_READ | PROT_WRITE);
	uint8_t *ro = anon(PG, PROT_READ);
	uint8_t before[TD_MEM_SIZE], back[TD_MEM_SIZE], data[TD_MEM_SIZE];
	uint8_t req[VFU_DMA_MAP_SIZE];
	struct vfu_dma_map m = { .argsz = 32, .flags = RW, .size = PG };

	memset(three, 0x5c, 3 * PG);
	assert_int_equal(munmap(three + PG, PG), 0);
	vfu_client_set_dma_handler(f->c, shadow_fn, &sh);
	assert_int_equal(vfu_client_dma_map(f->c, 0x600000, PG, RW, -1, 0,
					    three + PG), 0);
	fill(before, sizeof(before), 7);
	dev_mem_set(f, before, TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 64, 0x600000 + 100), -EFAULT);
	dev_mem_get(f, back, TD_MEM_SIZE);
	assert_memory_equal(back, before, TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 64, 0x600000 + 100),
			 -EFAULT);
	for (size_t i = 0; i < PG; i++) {
		assert_int_equal(three[i], 0x5c);
		assert_int_equal(three[2 * PG + i], 0x5c);
	}
	assert_int_equal(sh.calls, 2);

	/* Client memory declared read-only (as QEMU declares ROM): never
	 * written, the DMA table says so before anything is tried. */
	assert_int_equal(vfu_client_dma_map(f->c, 0x700000, PG, VFU_DMA_READ,
					    -1, 0, ro), 0);
	fill(data, sizeof(data), 11);
	dev_mem_set(f, data, TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 32, 0x700000), -EFAULT);
	for (size_t i = 0; i < PG; i++)
		assert_int_equal(ro[i], 0);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 32, 0x700000), TD_CMD_SIZE);
	assert_int_equal(sh.calls, 2);
	/* Declared writable although mapped read-only: written, as a
	 * debugger writes (the client's own memory, as it declared). */
	assert_int_equal(vfu_client_dma_map(f->c, 0x780000, PG, RW, -1, 0, ro),
			 0);
	dev_mem_set(f, data, TD_MEM_SIZE);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 32, 0x780000), TD_CMD_SIZE);
	assert_memory_equal(ro, data, 32);
	assert_int_equal(sh.calls, 2);

	/* A kernel address. */
	m.addr = 0x800000;
	m.offset = 0xffff800000000000ull;
	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 NULL, 0, NULL, 0, NULL), 0);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 32, 0x800000), -EFAULT);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 32, 0x800000), -EFAULT);
	assert_int_equal(sh.calls, 4);
	assert_true(stats(f).process_vm);
	vfu_client_set_dma_handler(f->c, NULL, NULL);
	munmap(three, PG);
	munmap(three + 2 * PG, PG);
	munmap(ro, PG);
}

/* A declared address range that wraps is refused at DMA_MAP. */
static void test_declared_wraps(void **state)
{
	struct pvm_fixture *f = *state;
	uint8_t req[VFU_DMA_MAP_SIZE];
	struct vfu_dma_map m = {
		.argsz = 32, .flags = RW, .addr = 0x900000, .size = 2 * PG,
		.offset = UINT64_MAX - PG + 1,
	};
	unsigned maps = f->dev.maps;

	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 NULL, 0, NULL, 0, NULL), -EINVAL);
	/* Ending exactly at 2^64: the last byte is addressable. */
	m.size = PG;
	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 NULL, 0, NULL, 0, NULL), 0);
	assert_int_equal(f->dev.maps, maps + 1);
	/* Nothing there: the message fallback finds no region either. */
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0x900000 + PG - 8),
			 -EFAULT);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0x900000 + PG), -EFAULT);
}

/* Once the client asks to unmap, direct access ends, also if the device
 * keeps the region: messages only, which the client can refuse. */
static void test_unmap_refused(void **state)
{
	struct pvm_fixture *f = *state;
	uint8_t *ram = anon(PG, PROT_READ | PROT_WRITE);
	uint64_t reqs;

	assert_int_equal(vfu_client_dma_map(f->c, 0xa00000, PG, RW, -1, 0, ram),
			 0);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0xa00000), TD_CMD_SIZE);
	assert_int_equal(stats(f).pvm_copies, 1);
	assert_int_equal(td_cmd(f->c, TD_PIN, 0, 0xa00010), TD_CMD_SIZE);
	assert_int_equal(vfu_client_dma_unmap(f->c, 0xa00000, PG), -EBUSY);
	reqs = vfu_client_dma_requests(f->c);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0xa00000), TD_CMD_SIZE);
	assert_int_equal(vfu_client_dma_requests(f->c), reqs + 1);
	assert_int_equal(stats(f).pvm_copies, 1);
	/* The client's memory goes away: the region is no longer served. */
	assert_int_equal(vfu_client_dma_forget(f->c, 0xa00000, PG), 0);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0xa00000), -EFAULT);
	assert_int_equal(td_cmd(f->c, TD_UNPIN, 0, 0), TD_CMD_SIZE);
	munmap(ram, PG);
}

/* ---- not negotiated: the old behaviour ---------------------------------- */

static void test_not_proposed(void **state)
{
	struct pvm_fixture *f = *state;
	static struct shadow sh = { .iova = 0xb00000 };
	uint8_t *ram = anon(PG, PROT_READ | PROT_WRITE);
	uint8_t req[VFU_DMA_MAP_SIZE], back[8];
	struct vfu_dma_map m = {
		.argsz = 32, .flags = RW, .addr = 0xb00000, .size = PG,
		.offset = (uintptr_t)ram,
	};

	assert_false(vfu_client_process_vm(f->c));
	assert_false(vfu_client_server_caps(f->c)->process_vm);
	assert_false(stats(f).process_vm);
	/* offset without fd means nothing: the device's read is a message. */
	memset(ram, 0x11, 8);
	memset(sh.mem, 0x22, 8);
	vfu_dma_map_encode(req, &m);
	assert_int_equal(vfu_client_call(f->c, VFU_CMD_DMA_MAP, req, sizeof(req),
					 NULL, 0, NULL, 0, NULL), 0);
	vfu_client_set_dma_handler(f->c, shadow_fn, &sh);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0xb00000), TD_CMD_SIZE);
	dev_mem_get(f, back, 8);
	assert_int_equal(back[0], 0x22);
	assert_int_equal(sh.calls, 1);
	vfu_client_set_dma_handler(f->c, NULL, NULL);
	/* The library's own maps: messages, served from vaddr. */
	assert_int_equal(vfu_client_dma_map(f->c, 0xc00000, PG, RW, -1, 0, ram),
			 0);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 8, 0xc00000), TD_CMD_SIZE);
	dev_mem_get(f, back, 8);
	assert_int_equal(back[0], 0x11);
	assert_int_equal(stats(f).pvm_copies, 0);
	assert_int_equal(stats(f).messages, 2);
	assert_int_equal(vfu_client_dma_requests(f->c), 2);
	munmap(ram, PG);
}

/* The server does not copy into its own process unless told to. */
static void test_self_refused(void **state)
{
	struct pvm_fixture *f = *state;
	uint8_t *ram = anon(PG, PROT_READ | PROT_WRITE);

	assert_false(vfu_client_process_vm(f->c));
	assert_false(stats(f).process_vm);
	assert_int_equal(vfu_client_dma_map(f->c, 0xd00000, PG, RW, -1, 0, ram),
			 0);
	ram[0] = 0x42;
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 1, 0xd00000), TD_CMD_SIZE);
	assert_int_equal(vfu_client_dma_requests(f->c), 1);
	assert_int_equal(stats(f).pvm_copies, 0);
	munmap(ram, PG);
}

/* ---- a socket handed on to another process ---------------------------- */

/*
 * The server learns the client's pid when it connects. Here a child
 * connects and hands the socket to us, and we propose the capability: the
 * VERSION does not come from the process that connected, so it is refused
 * (we would otherwise lend ourselves the child's memory, or, once it has
 * exited, a stranger's under a reused pid). DMA goes by message and works.
 */
static void test_socket_handed_on(void **state)
{
	struct pvm_fixture *f = *state;
	struct vfu_client_opts o = { .process_vm = true };
	uint8_t *ram = anon(PG, PROT_READ | PROT_WRITE);
	uint8_t data[64], back[64];
	struct error err = { 0 };
	struct vfu_dma_stats st;
	int sv[2], go[2], fd, status;
	pid_t child;

	assert_false(vfu_server_has_client(f->dev.srv));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		char b;

		/* Only async-signal-safe calls in the child of a threaded
		 * process (f->path fits: the server bound it). */
		memcpy(sa.sun_path, f->path, strlen(f->path));
		if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			_exit(2);
		raw_bytes(sv[1], "f", 1, &s, 1);
		close(go[1]);
		(void)!read(go[0], &b, 1);     /* until the parent says so */
		_exit(0);
	}
	close(sv[1]);
	close(go[0]);
	fd = raw_recv_fd(sv[0]);
	close(sv[0]);
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
	assert_int_equal(vfu_client_open_fd_opts(fd, &o, &f->c, &err), 0);
	/* Refused: the child connected, we sent the VERSION. */
	assert_false(vfu_client_process_vm(f->c));
	assert_int_equal(vfu_client_dma_map(f->c, 0xe00000, PG, RW, -1, 0, ram),
			 0);
	close(go[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	fill(data, sizeof(data), 2);
	dev_mem_set(f, data, 64);
	assert_int_equal(td_cmd(f->c, TD_DMA_WRITE, 64, 0xe00000), TD_CMD_SIZE);
	assert_memory_equal(ram, data, 64);
	memset(ram + 100, 0x3c, 64);
	assert_int_equal(td_cmd(f->c, TD_DMA_READ, 64, 0xe00000 + 100),
			 TD_CMD_SIZE);
	dev_mem_get(f, back, 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(back[i], 0x3c);
	st = stats(f);
	assert_false(st.process_vm);
	assert_int_equal(st.pvm_copies, 0);
	assert_int_equal(st.pvm_fallbacks, 0);
	assert_int_equal(st.messages, 2);
	assert_int_equal(vfu_client_dma_requests(f->c), 2);
	munmap(ram, PG);
}

/* ---- the kernel refuses (EPERM) ------------------------------------------ */

/* Make pread / pwrite (the memory file's reads and writes) fail EPERM in
 * this process, as systemd's SystemCallFilter= or an LSM could. Returns
 * false if seccomp is not available. */
static bool deny_process_vm(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pread64, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pwrite64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]), .filter = code,
	};

	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	       syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0;
}

/*
 * The child of test_eperm: a whole server and client in a process whose
 * pread / pwrite calls fail EPERM (the filter cannot be lifted, hence the
 * fork). Without cmocka; returns 0, 77 (no seccomp) or the failed step.
 */
static int eperm_child(void)
{
	struct vfu_client_opts o = { .process_vm = true };
	struct pvm_fixture f = { 0 };
	struct error err = { 0 };
	struct vfu_dma_stats st;
	uint8_t *ram, data[32];

	if (!deny_process_vm())
		return 77;
	vfu_server_allow_process_vm_self(true);
	start(&f);
	if (vfu_client_connect_opts(f.path, &o, &f.c, &err) < 0)
		return 1;
	if (!vfu_client_process_vm(f.c))
		return 2;
	ram = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED ||
	    vfu_client_dma_map(f.c, 0x10000, PG, RW, -1, 0, ram))
		return 3;
	memset(data, 0x6d, sizeof(data));
	if (vfu_client_region_write(f.c, 0, 0, data, 32) != 32 ||
	    td_cmd(f.c, TD_DMA_WRITE, 32, 0x10000 + 8) != TD_CMD_SIZE ||
	    memcmp(ram + 8, data, 32))
		return 4;
	vfu_server_dma_stats(f.dev.srv, &st);
	if (st.process_vm || st.pvm_copies || st.pvm_fallbacks != 1 ||
	    st.messages != 1)
		return 5;
	ram[0] = 0x17;
	if (td_cmd(f.c, TD_DMA_READ, 1, 0x10000) != TD_CMD_SIZE ||
	    vfu_client_region_read(f.c, 0, 0, data, 1) != 1 || data[0] != 0x17)
		return 6;
	vfu_server_dma_stats(f.dev.srv, &st);
	if (st.pvm_fallbacks != 1 || st.messages != 2)
		return 7;
	vfu_client_close(f.c);
	testdev_stop(&f.dev);
	testloop_stop(&f.tl);
	tmpdir_remove(f.dir);
	return 0;
}

static void test_eperm(void **state)
{
	int status;
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(eperm_child());
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
#define T(fn, s) cmocka_unit_test_setup_teardown(fn, s, teardown_pvm)
	const struct CMUnitTest tests[] = {
		T(test_negotiated, setup_pvm),
		T(test_no_messages, setup_pvm),
		T(test_region_split, setup_pvm),
		T(test_bounds, setup_pvm),
		T(test_short_copy, setup_pvm),
		T(test_declared_unmapped, setup_pvm),
		T(test_declared_wraps, setup_pvm),
		T(test_unmap_refused, setup_pvm),
		T(test_not_proposed, setup_plain),
		T(test_self_refused, setup_self),
		T(test_socket_handed_on, setup_bare),
		cmocka_unit_test(test_eperm),
	};

	return cmocka_run_group_tests_name("vfu_pvm", tests, NULL, NULL);
}
