/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The private capability "ccwpass.process_vm" spoken as raw bytes
 * (src/vfio_user/vfu_pvm.c, docs/protocol.md "Direct access to client
 * memory"): the negotiation (echoed only when proposed; a boolean or a
 * malformed VERSION), DMA_MAP offsets that are hostile addresses (wrapping:
 * refused; unmapped, kernel, past user space: the copy faults and the
 * server asks by message - only EFAULT ever reaches the device), and the
 * spec's meaning of offset when the capability was not negotiated; the
 * memory file that is the capability (missing: not granted; not a memory
 * file, or read-only: EINVAL); a client process that negotiated, mapped
 * and then exited (its socket handed on) is never accessed again. The
 * client is this process, which the server is allowed to serve here, or a
 * child of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "vfio_user/vfu_server.h"
#include "vfu_raw.h"

#define RW (VFU_DMA_READ | VFU_DMA_WRITE)

#define PVM_JSON "{\"capabilities\":{\"ccwpass.process_vm\":true}}"

/* A VERSION with json and, when fd >= 0, that fd (closed here). */
static void raw_version_json(struct fixture *f, const char *json, int fd,
			     struct raw_reply *r)
{
	uint8_t v[4 + 256];
	size_t n = strlen(json) + 1;

	assert_true(n <= 256);
	vfu_version_encode(v, 0, 1);
	memcpy(v + 4, json, n);
	raw_msg(f->fd, f->id, VFU_CMD_VERSION, 0, v, 4 + n, fd >= 0 ? &fd : NULL,
		fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
	assert_int_equal(raw_recv(f->fd, r), 1);
	assert_int_equal(r->h.msg_id, f->id);
	f->id++;
}

static void raw_map(struct fixture *f, uint64_t iova, uint64_t size,
		    uint64_t offset, int err)
{
	struct vfu_dma_map m = {
		.argsz = 32, .flags = RW, .offset = offset, .addr = iova,
		.size = size,
	};
	uint8_t q[32];

	vfu_dma_map_encode(q, &m);
	raw_msg(f->fd, f->id, VFU_CMD_DMA_MAP, 0, q, 32, NULL, 0);
	if (err)
		expect_error(f->fd, f->id, err);
	else
		expect_reply_ok(f->fd, f->id, VFU_CMD_DMA_MAP);
	f->id++;
}

/* A device command whose DMA the server must ask us for by message; we
 * refuse it, and the device's result is -EFAULT. */
static void raw_dma_refused(struct fixture *f, uint32_t op, uint64_t iova,
			    uint32_t len)
{
	struct vfu_region_access a = { .region = 1, .count = 16 };
	uint8_t cmd[16 + 16];
	struct vfu_dma_access da;
	struct raw_reply r;
	struct vfu_hdr h;
	uint8_t e[16];

	vfu_region_access_encode(cmd, &a);
	st_he32(cmd + 16, op);
	st_he32(cmd + 20, len);
	st_he64(cmd + 24, iova);
	raw_msg(f->fd, f->id, VFU_CMD_REGION_WRITE, 0, cmd, sizeof(cmd), NULL, 0);
	assert_int_equal(raw_recv(f->fd, &r), 1);
	assert_int_equal(r.h.cmd, op == TD_DMA_READ ? VFU_CMD_DMA_READ
						    : VFU_CMD_DMA_WRITE);
	assert_int_equal(r.h.flags, VFU_F_TYPE_COMMAND);
	assert_int_equal(vfu_dma_access_decode(r.payload, r.len, &da), 0);
	assert_int_equal(da.addr, iova);
	assert_int_equal(da.count, len);
	h = (struct vfu_hdr){ .msg_id = r.h.msg_id, .cmd = r.h.cmd,
			      .size = 16, .error = EFAULT,
			      .flags = VFU_F_TYPE_REPLY | VFU_F_ERROR };
	vfu_hdr_encode(e, &h);
	raw_bytes(f->fd, e, sizeof(e), NULL, 0);
	expect_error(f->fd, f->id, EFAULT);
	assert_int_equal(f->dev.last_result, -EFAULT);
	f->id++;
}

/* A device command on memory nobody mapped: EFAULT, no DMA request. */
static void raw_dma_outside(struct fixture *f, uint32_t op, uint64_t iova,
			    uint32_t len)
{
	struct vfu_region_access a = { .region = 1, .count = 16 };
	uint8_t cmd[16 + 16];

	vfu_region_access_encode(cmd, &a);
	st_he32(cmd + 16, op);
	st_he32(cmd + 20, len);
	st_he64(cmd + 24, iova);
	raw_msg(f->fd, f->id, VFU_CMD_REGION_WRITE, 0, cmd, sizeof(cmd), NULL, 0);
	expect_error(f->fd, f->id, EFAULT);
	f->id++;
}

static int setup_raw_self(void **state)
{
	vfu_server_allow_process_vm_self(true);
	return setup_raw(state);
}

static int teardown_raw(void **state)
{
	vfu_server_allow_process_vm_self(false);
	return teardown(state);
}

/* Hostile addresses from a client with the capability: only EFAULT. */
static void test_raw_hostile_addresses(void **state)
{
	struct fixture *f = *state;
	struct vfu_dma_stats st;
	struct raw_reply r;

	raw_version_json(f, "{\"capabilities\":{\"ccwpass.process_vm\":true,"
			 "\"ccwpass.unknown\":{\"x\":[1]}}}",
			 open("/proc/self/mem", O_RDWR | O_CLOEXEC), &r);
	assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY);
	assert_non_null(memmem(r.payload, r.len, "\"ccwpass.process_vm\":true",
			       25));
	/* vaddr + size wraps: refused; nothing mapped there. */
	raw_map(f, 0x10000, 0x2000, UINT64_MAX - 0xfff, EINVAL);
	raw_map(f, 0x10000, 0x1000, UINT64_MAX - 0xffe, EINVAL);
	assert_int_equal(f->dev.maps, 0);
	/* Addresses that cannot be ours: below mmap_min_addr, the kernel's,
	 * past the user address space. The copy faults, we are asked by
	 * message (and refuse). */
	raw_map(f, 0x20000, 0x1000, 0x1000, 0);
	raw_map(f, 0x30000, 0x1000, 0xffff800000000000ull, 0);
	raw_map(f, 0x40000, 0x1000, 0x0000800000000000ull, 0);
	raw_map(f, 0x50000, 0x1000, UINT64_MAX - 0xfff, 0);
	raw_dma_refused(f, TD_DMA_READ, 0x20000 + 8, 64);
	raw_dma_refused(f, TD_DMA_WRITE, 0x20ff0, 16);
	raw_dma_refused(f, TD_DMA_READ, 0x30000, 256);
	raw_dma_refused(f, TD_DMA_WRITE, 0x40000, 8);
	raw_dma_refused(f, TD_DMA_READ, 0x50ff8, 8);
	/* Past a region's end, and where a wrapping map was refused: EFAULT
	 * before anybody is asked. */
	raw_dma_outside(f, TD_DMA_READ, 0x20ff8, 16);
	raw_dma_outside(f, TD_DMA_WRITE, 0x10000, 8);
	vfu_server_dma_stats(f->dev.srv, &st);
	assert_true(st.process_vm);
	assert_int_equal(st.pvm_copies, 0);
	assert_int_equal(st.pvm_fallbacks, 5);
	assert_int_equal(st.messages, 5);
}

/* Without the capability, offset keeps its spec meaning (ignored without
 * an fd, whatever it holds): DMA by message, as before. */
static void test_raw_not_proposed(void **state)
{
	struct fixture *f = *state;
	struct vfu_dma_stats st;
	struct raw_reply r;

	raw_version_json(f, "{\"capabilities\":{\"ccwpass.process_vm\":false}}",
			 -1, &r);
	assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY);
	assert_null(memmem(r.payload, r.len, "process_vm", 10));
	raw_map(f, 0x10000, 0x1000, UINT64_MAX - 0xfff, 0);
	raw_map(f, 0x20000, 0x1000, (uintptr_t)f, 0);
	raw_dma_refused(f, TD_DMA_READ, 0x20000, 8);
	raw_dma_refused(f, TD_DMA_WRITE, 0x10000, 8);
	vfu_server_dma_stats(f->dev.srv, &st);
	assert_false(st.process_vm);
	assert_int_equal(st.pvm_fallbacks, 0);
	assert_int_equal(st.messages, 2);
}

/* The capability is a boolean: anything else is a malformed VERSION. */
static void test_raw_wrong_type(void **state)
{
	struct fixture *f = *state;
	struct raw_reply r;

	raw_version_json(f, "{\"capabilities\":{\"ccwpass.process_vm\":1}}", -1,
			 &r);
	assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY | VFU_F_ERROR);
	assert_int_equal(r.h.error, EINVAL);
	expect_eof(f->fd);
}

/* Proposed without the memory file: not granted; DMA by message. */
static void test_raw_no_memory_file(void **state)
{
	struct fixture *f = *state;
	struct vfu_dma_stats st;
	struct raw_reply r;

	raw_version_json(f, PVM_JSON, -1, &r);
	assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY);
	assert_null(memmem(r.payload, r.len, "process_vm", 10));
	raw_map(f, 0x20000, 0x1000, (uintptr_t)f, 0);
	raw_dma_refused(f, TD_DMA_READ, 0x20000, 8);
	vfu_server_dma_stats(f->dev.srv, &st);
	assert_false(st.process_vm);
	assert_int_equal(st.messages, 1);
}

/* What comes as the memory file must be one, open for reading and
 * writing: a pipe, a regular file, a read-only /proc/self/mem are
 * malformed VERSIONs (EINVAL, the connection ends, the fd is closed). */
static void test_raw_bad_memory_file(void **state)
{
	struct fixture *f = *state;
	int p[2], fd;
	struct raw_reply r;
	char c;

	for (int i = 0; i < 3; i++) {
		if (i) {
			assert_int_equal(close(f->fd), 0);
			testdev_wait_gone(&f->dev, f->conns);
			f->fd = raw_connect(f->path);
			f->conns++;
		}
		switch (i) {
		case 0:
			assert_int_equal(pipe(p), 0);
			fd = p[1];
			break;
		case 1:
			fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
			break;
		default:
			fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
			break;
		}
		assert_true(fd >= 0);
		raw_version_json(f, PVM_JSON, fd, &r);
		assert_int_equal(r.h.flags, VFU_F_TYPE_REPLY | VFU_F_ERROR);
		assert_int_equal(r.h.error, EINVAL);
		expect_eof(f->fd);
	}
	/* The server closed the pipe's write end: nobody writes any more. */
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
}

/* One message as bytes (header + payload), for a child to write. */
static size_t compose(uint8_t *buf, uint16_t id, uint16_t cmd,
		      const void *payload, size_t len)
{
	struct vfu_hdr h = { .msg_id = id, .cmd = cmd,
			     .size = (uint32_t)(VFU_HDR_SIZE + len),
			     .flags = VFU_F_TYPE_COMMAND };

	vfu_hdr_encode(buf, &h);
	memcpy(buf + VFU_HDR_SIZE, payload, len);
	return VFU_HDR_SIZE + len;
}

/* Child only (async-signal-safe): write msg (with fd, if >= 0), read one
 * whole reply, which must not be an error. */
static bool child_call(int s, const uint8_t *msg, size_t len, int fd)
{
	uint8_t hdr[VFU_HDR_SIZE], sink[256];
	uint32_t size, got = 0;

	raw_bytes(s, msg, len, fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0);
	while (got < VFU_HDR_SIZE) {
		ssize_t n = read(s, hdr + got, VFU_HDR_SIZE - got);

		if (n <= 0)
			return false;
		got += (uint32_t)n;
	}
	size = ld_he32(hdr + 4);
	for (uint32_t left = size - VFU_HDR_SIZE; left;) {
		ssize_t n = read(s, sink, left < sizeof(sink) ? left
							       : sizeof(sink));

		if (n <= 0)
			return false;
		left -= (uint32_t)n;
	}
	return !(ld_he32(hdr + 8) & VFU_F_ERROR);
}

/*
 * A child connects, negotiates the capability, maps a buffer at its own
 * address (the same as ours: fork), hands the socket to us and exits.
 * The server must not copy into the pid that is gone (a reused pid would
 * be a stranger): the DMA comes to us by message.
 */
static void test_raw_peer_gone(void **state)
{
	static const char json[] = "{\"capabilities\":{\"ccwpass.process_vm\""
				   ":true}}";
	struct fixture *f = *state;
	uint8_t *ram = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t ver[VFU_HDR_SIZE + 4 + sizeof(json)], map[VFU_HDR_SIZE + 32];
	uint8_t v[4 + sizeof(json)], q[32];
	size_t vlen, mlen;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vfu_dma_stats st;
	int sv[2], status;
	pid_t child;

	assert_true(ram != MAP_FAILED);
	memset(ram, 0x5a, 0x1000);
	vfu_version_encode(v, 0, 1);
	memcpy(v + 4, json, sizeof(json));
	vlen = compose(ver, 1, VFU_CMD_VERSION, v, sizeof(v));
	vfu_dma_map_encode(q, &(struct vfu_dma_map){
		.argsz = 32, .flags = RW, .offset = (uintptr_t)ram,
		.addr = 0x60000, .size = 0x1000 });
	mlen = compose(map, 2, VFU_CMD_DMA_MAP, q, sizeof(q));
	memcpy(sa.sun_path, f->path, strlen(f->path));
	/* The fixture's own connection goes first: one client at a time. */
	close(f->fd);
	testdev_wait_gone(&f->dev, f->conns);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);

		if (sk < 0 || mem < 0 ||
		    connect(sk, (struct sockaddr *)&sa, sizeof(sa)) ||
		    !child_call(sk, ver, vlen, mem) ||
		    !child_call(sk, map, mlen, -1))
			_exit(2);
		raw_bytes(sv[1], "f", 1, &sk, 1);
		_exit(0);
	}
	close(sv[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	f->fd = raw_recv_fd(sv[0]);
	close(sv[0]);
	f->conns++;
	f->id = 10;
	vfu_server_dma_stats(f->dev.srv, &st);
	assert_true(st.process_vm);          /* granted to the child */
	/* The child is gone: asked by message (refused), nothing copied. */
	raw_dma_refused(f, TD_DMA_WRITE, 0x60000, 64);
	vfu_server_dma_stats(f->dev.srv, &st);
	assert_false(st.process_vm);
	assert_int_equal(st.pvm_copies, 0);
	assert_int_equal(st.pvm_fallbacks, 1);
	assert_int_equal(st.messages, 1);
	for (int i = 0; i < 0x1000; i++)
		assert_int_equal(ram[i], 0x5a);
	munmap(ram, 0x1000);
}

int main(void)
{
#define T_RAW(fn) cmocka_unit_test_setup_teardown(fn, setup_raw_self, \
						  teardown_raw)
	const struct CMUnitTest tests[] = {
		T_RAW(test_raw_hostile_addresses),
		T_RAW(test_raw_not_proposed),
		T_RAW(test_raw_wrong_type),
		T_RAW(test_raw_no_memory_file),
		T_RAW(test_raw_bad_memory_file),
		T_RAW(test_raw_peer_gone),
	};

	return cmocka_run_group_tests_name("vfu_pvm_raw", tests, NULL, NULL);
}
