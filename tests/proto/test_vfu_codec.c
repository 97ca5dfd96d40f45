/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user building blocks without a server: message codec, JSON
 * capabilities, region capability chains, the DMA table, the framing
 * transport on a socketpair, and the event loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "common/evloop.h"
#include "vfio_user/vfu_dma.h"
#include "vfio_user/vfu_proto.h"
#include "vfio_user/vfu_transport.h"

/* ---- header --------------------------------------------------------------- */

static void test_hdr_roundtrip(void **state)
{
	struct vfu_hdr h = { .msg_id = 0x1234, .cmd = 9, .size = 40,
			     .flags = VFU_F_TYPE_REPLY | VFU_F_ERROR,
			     .error = 22 };
	struct vfu_hdr d;
	uint8_t b[16];

	vfu_hdr_encode(b, &h);
	/* Host order on the wire (little-endian here). */
	assert_int_equal(ld_he16(b), 0x1234);
	assert_int_equal(ld_he32(b + 4), 40);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), 0);
	assert_memory_equal(&h, &d, sizeof(h));
}

static void test_hdr_errors(void **state)
{
	struct vfu_hdr h = { .cmd = 1, .size = 16 }, d;
	uint8_t b[16];

	h.size = 15;
	vfu_hdr_encode(b, &h);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), -EINVAL);
	h.size = 101;
	vfu_hdr_encode(b, &h);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), -EMSGSIZE);
	h.size = 16;
	h.flags = 0x40;
	vfu_hdr_encode(b, &h);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), -EINVAL);
	h.flags = 2;
	vfu_hdr_encode(b, &h);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), -EINVAL);
	h.flags = VFU_F_ERROR;                      /* error on a command */
	vfu_hdr_encode(b, &h);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), -EINVAL);
	h.flags = VFU_F_TYPE_REPLY | VFU_F_NO_REPLY;
	vfu_hdr_encode(b, &h);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), -EINVAL);
	h.flags = VFU_F_NO_REPLY;
	vfu_hdr_encode(b, &h);
	assert_int_equal(vfu_hdr_decode(b, 100, &d), 0);
}

/* ---- whole messages ---------------------------------------------------- */

/* Decoded messages point into their buffer: keep it alive. */
static uint8_t msg_buf[256];

static int decode(uint16_t cmd, uint32_t flags, const void *payload,
		  size_t len, size_t nfds, struct vfu_msg *m)
{
	struct vfu_hdr h = { .msg_id = 1, .cmd = cmd,
			     .size = (uint32_t)(16 + len), .flags = flags };

	assert_true(len <= sizeof(msg_buf) - 16);
	vfu_hdr_encode(msg_buf, &h);
	memcpy(msg_buf + 16, payload, len);
	return vfu_msg_decode(msg_buf, 16 + len, nfds, m);
}

static void test_decode_dma_map(void **state)
{
	struct vfu_dma_map q = { .argsz = 32, .flags = 3, .offset = 4096,
				 .addr = 0x1000, .size = 0x2000 };
	uint8_t p[40] = { 0 };
	struct vfu_msg m;

	assert_int_equal(vfu_dma_map_encode(p, &q), 32);
	assert_int_equal(decode(VFU_CMD_DMA_MAP, 0, p, 32, 1, &m), 0);
	assert_int_equal(m.u.dma_map.offset, 4096);
	assert_int_equal(m.u.dma_map.addr, 0x1000);
	assert_int_equal(m.u.dma_map.size, 0x2000);
	assert_int_equal(decode(VFU_CMD_DMA_MAP, 0, p, 32, 2, &m), -EINVAL);
	assert_int_equal(decode(VFU_CMD_DMA_MAP, 0, p, 31, 0, &m), -EINVAL);
	assert_int_equal(decode(VFU_CMD_DMA_MAP, 0, p, 40, 0, &m), -EINVAL);
	q.argsz = 8;
	vfu_dma_map_encode(p, &q);
	assert_int_equal(decode(VFU_CMD_DMA_MAP, 0, p, 32, 0, &m), -EINVAL);
}

static void test_decode_irq_set(void **state)
{
	struct vfu_irq_set q = { .argsz = 20, .index = 1, .start = 0,
				 .count = 2 };
	uint8_t p[24] = { 0 };
	struct vfu_msg m;

	q.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	vfu_irq_set_encode(p, &q);
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 20, 2, &m), 0);
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 20, 0, &m), 0);
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 20, 1, &m),
			 -EINVAL);
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 22, 0, &m),
			 -EINVAL);
	q.flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER;
	vfu_irq_set_encode(p, &q);
	p[20] = 1;
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 22, 0, &m), 0);
	assert_non_null(m.u.irq_set.bools);
	assert_int_equal(m.u.irq_set.bools[0], 1);
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 21, 0, &m),
			 -EINVAL);
	q.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER |
		  VFIO_IRQ_SET_ACTION_MASK;
	vfu_irq_set_encode(p, &q);
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 20, 0, &m),
			 -EINVAL);
	q.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER | 0x100;
	vfu_irq_set_encode(p, &q);
	assert_int_equal(decode(VFU_CMD_DEVICE_SET_IRQS, 0, p, 20, 0, &m),
			 -EINVAL);
}

static void test_decode_region_access(void **state)
{
	struct vfu_region_access q = { .offset = 8, .region = 1, .count = 4 };
	uint8_t p[32] = { 0 };
	struct vfu_msg m;

	vfu_region_access_encode(p, &q);
	memcpy(p + 16, "abcd", 4);
	assert_int_equal(decode(VFU_CMD_REGION_WRITE, 0, p, 20, 0, &m), 0);
	assert_memory_equal(m.u.region.data, "abcd", 4);
	assert_int_equal(decode(VFU_CMD_REGION_WRITE, 0, p, 19, 0, &m), -EINVAL);
	assert_int_equal(decode(VFU_CMD_REGION_WRITE, 0, p, 16, 0, &m), -EINVAL);
	assert_int_equal(decode(VFU_CMD_REGION_READ, 0, p, 16, 0, &m), 0);
	assert_null(m.u.region.data);
	assert_int_equal(decode(VFU_CMD_REGION_READ, 0, p, 20, 0, &m), -EINVAL);
	/* Replies: read reply carries count bytes, write reply none. */
	assert_int_equal(decode(VFU_CMD_REGION_READ, VFU_F_TYPE_REPLY, p, 20, 0,
				&m), 0);
	assert_int_equal(decode(VFU_CMD_REGION_READ, VFU_F_TYPE_REPLY, p, 20, 1,
				&m), -EINVAL);
	q.count = VFU_MAX_DATA_XFER + 1;
	vfu_region_access_encode(p, &q);
	assert_int_equal(decode(VFU_CMD_REGION_READ, 0, p, 16, 0, &m), -EINVAL);
}

static void test_decode_dma_access(void **state)
{
	uint8_t p[32] = { 0 };
	struct vfu_dma_access a = { .addr = 0x5000, .count = 8 };
	struct vfu_msg m;

	vfu_dma_access_encode(p, &a);
	assert_int_equal(decode(VFU_CMD_DMA_READ, 0, p, 16, 0, &m), 0);
	assert_int_equal(decode(VFU_CMD_DMA_WRITE, 0, p, 24, 0, &m), 0);
	assert_int_equal(decode(VFU_CMD_DMA_WRITE, 0, p, 16, 0, &m), -EINVAL);
	/* The spec's 12-byte DMA_WRITE reply (count is 4 bytes there). */
	st_he32(p + 8, 8);
	assert_int_equal(decode(VFU_CMD_DMA_WRITE, VFU_F_TYPE_REPLY, p, 12, 0,
				&m), 0);
	assert_int_equal(m.u.dma.count, 8);
	assert_int_equal(decode(VFU_CMD_DMA_READ, VFU_F_TYPE_REPLY, p, 15, 0,
				&m), -EINVAL);
}

static void test_decode_misc(void **state)
{
	uint8_t p[64] = { 0 };
	struct vfu_msg m;

	assert_int_equal(decode(VFU_CMD_DEVICE_RESET, 0, p, 0, 0, &m), 0);
	assert_int_equal(decode(VFU_CMD_DEVICE_RESET, 0, p, 4, 0, &m), -EINVAL);
	assert_int_equal(decode(VFU_CMD_DEVICE_RESET, 0, p, 0, 1, &m), -EINVAL);
	st_he32(p, 16);
	assert_int_equal(decode(VFU_CMD_DEVICE_GET_INFO, 0, p, 16, 0, &m), 0);
	st_he32(p, 15);
	assert_int_equal(decode(VFU_CMD_DEVICE_GET_INFO, 0, p, 16, 0, &m),
			 -EINVAL);
	st_he32(p, 32);
	assert_int_equal(decode(VFU_CMD_DEVICE_GET_REGION_INFO, 0, p, 32, 0,
				&m), 0);
	assert_int_equal(decode(VFU_CMD_DEVICE_GET_REGION_INFO, 0, p, 24, 0,
				&m), -EINVAL);
	assert_int_equal(decode(VFU_CMD_DEVICE_FEATURE, 0, p, 8, 0, &m),
			 -EOPNOTSUPP);
	assert_int_equal(decode(0, 0, p, 0, 0, &m), -EINVAL);
	assert_int_equal(decode(200, 0, p, 0, 0, &m), -EINVAL);
	/* An error reply's payload is ignored. */
	assert_int_equal(decode(VFU_CMD_DEVICE_GET_INFO,
				VFU_F_TYPE_REPLY | VFU_F_ERROR, p, 3, 0, &m), 0);
	assert_int_equal(decode(VFU_CMD_DMA_MAP, VFU_F_TYPE_REPLY, p, 4, 0, &m),
			 -EINVAL);
	assert_int_equal(decode(VFU_CMD_DMA_UNMAP, VFU_F_TYPE_REPLY, p, 24, 0,
				&m), 0);
	assert_int_equal(vfu_msg_decode(p, 8, 0, &m), -EINVAL);
	assert_string_equal(vfu_cmd_name(VFU_CMD_DMA_MAP), "DMA_MAP");
	assert_string_equal(vfu_cmd_name(14), "?");
	assert_string_equal(vfu_cmd_name(60000), "?");
}

static void test_decode_version(void **state)
{
	uint8_t p[64];
	struct vfu_version v;

	vfu_version_encode(p, 0, 1);
	assert_int_equal(vfu_version_decode(p, 4, &v), 0);
	assert_null(v.json);
	memcpy(p + 4, "{}", 3);
	assert_int_equal(vfu_version_decode(p, 7, &v), 0);
	assert_string_equal(v.json, "{}");
	assert_int_equal(v.json_len, 2);
	assert_int_equal(vfu_version_decode(p, 6, &v), -EINVAL);   /* no NUL */
	assert_int_equal(vfu_version_decode(p, 3, &v), -EINVAL);
	memcpy(p + 4, "{\0}", 4);
	assert_int_equal(vfu_version_decode(p, 8, &v), -EINVAL);
}

/* ---- JSON ------------------------------------------------------------------ */

static int parse(const char *s, struct vfu_caps *c)
{
	return vfu_caps_parse_json(s, strlen(s), c);
}

static void test_json_good(void **state)
{
	struct vfu_caps c;
	char buf[256];

	assert_int_equal(parse("{}", &c), 0);
	assert_int_equal(c.max_msg_fds, 1);
	assert_int_equal(c.max_data_xfer_size, 1024 * 1024);
	assert_int_equal(c.max_dma_maps, 65535);
	assert_int_equal(c.pgsizes, 4096);
	assert_int_equal(parse(" { \"capabilities\" : { \"max_msg_fds\" : 16 ,"
			       "\"max_data_xfer_size\":65536,\"pgsizes\":4096,"
			       "\"max_dma_maps\": 7, \"migration\": {\"pgsize\":"
			       "4096}, \"x\": [1, -2.5e3, \"a\\\"\\u00e9\", null,"
			       " true, {}], \"twin_socket\": {\"supported\": "
			       "true, \"fd_index\": 0}, \"write_multiple\": false"
			       "}, \"other\": \"\" }\n", &c), 0);
	assert_int_equal(c.max_msg_fds, 16);
	assert_int_equal(c.max_data_xfer_size, 65536);
	assert_int_equal(c.max_dma_maps, 7);
	assert_true(c.twin_socket);
	assert_false(c.write_multiple);
	/* Encoder output parses back. */
	c.max_msg_fds = 3;
	assert_true(vfu_caps_encode_json(buf, sizeof(buf), &c) > 0);
	assert_int_equal(parse(buf, &c), 0);
	assert_int_equal(c.max_msg_fds, 3);
	assert_int_equal(vfu_caps_encode_json(buf, 10, &c), -ENOSPC);
}

/* ccwpass's private capability: a namespaced boolean, off by default. */
static void test_json_process_vm(void **state)
{
	struct vfu_caps c;
	char buf[256];

	assert_int_equal(parse("{}", &c), 0);
	assert_false(c.process_vm);
	assert_int_equal(parse("{\"capabilities\":{\"ccwpass.process_vm\":"
			       "true}}", &c), 0);
	assert_true(c.process_vm);
	assert_int_equal(parse("{\"capabilities\":{\"ccwpass.process_vm\":"
			       "false}}", &c), 0);
	assert_false(c.process_vm);
	/* Only as a member of "capabilities", and only that exact name. */
	assert_int_equal(parse("{\"ccwpass.process_vm\":true}", &c), 0);
	assert_false(c.process_vm);
	assert_int_equal(parse("{\"capabilities\":{\"process_vm\":true,"
			       "\"ccwpass.process_vm \":true,\"ccwpass\":"
			       "{\"process_vm\":true}}}", &c), 0);
	assert_false(c.process_vm);
	/* A boolean, nothing else. */
	assert_int_equal(parse("{\"capabilities\":{\"ccwpass.process_vm\":"
			       "1}}", &c), -EINVAL);
	assert_int_equal(parse("{\"capabilities\":{\"ccwpass.process_vm\":"
			       "\"true\"}}", &c), -EINVAL);
	/* Encoded only when set; both forms parse back. */
	vfu_caps_default(&c);
	assert_true(vfu_caps_encode_json(buf, sizeof(buf), &c) > 0);
	assert_null(strstr(buf, "process_vm"));
	c.process_vm = true;
	assert_true(vfu_caps_encode_json(buf, sizeof(buf), &c) > 0);
	assert_non_null(strstr(buf, "\"ccwpass.process_vm\":true"));
	vfu_caps_default(&c);
	assert_int_equal(parse(buf, &c), 0);
	assert_true(c.process_vm);
	assert_false(c.posted_write);
}

/* The other one, ccwpass.posted_write: the same rules, either alone. */
static void test_json_posted_write(void **state)
{
	struct vfu_caps c;
	char buf[256];

	assert_int_equal(parse("{\"capabilities\":{\"ccwpass.posted_write\":"
			       "true}}", &c), 0);
	assert_true(c.posted_write);
	assert_false(c.process_vm);
	assert_int_equal(parse("{\"capabilities\":{\"ccwpass.posted_write\":"
			       "0}}", &c), -EINVAL);
	assert_int_equal(parse("{\"posted_write\":true}", &c), 0);
	assert_false(c.posted_write);
	vfu_caps_default(&c);
	c.posted_write = true;
	assert_true(vfu_caps_encode_json(buf, sizeof(buf), &c) > 0);
	assert_non_null(strstr(buf, "\"ccwpass.posted_write\":true"));
	assert_null(strstr(buf, "process_vm"));
	c.process_vm = true;
	assert_true(vfu_caps_encode_json(buf, sizeof(buf), &c) > 0);
	vfu_caps_default(&c);
	assert_int_equal(parse(buf, &c), 0);
	assert_true(c.posted_write && c.process_vm);
}

static void test_json_bad(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{}}", "{} x", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":-}",
		"{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
		"{\"a\":\"\n\"}", "{\"a\":[1,]}", "{\"a\":nul}", "{a:1}",
		"{\"capabilities\":[]}", "{\"capabilities\":{\"pgsizes\":-1}}",
		"{\"capabilities\":{\"pgsizes\":1.5}}",
		"{\"capabilities\":{\"pgsizes\":99999999999999999999}}",
		"{\"capabilities\":{\"max_msg_fds\":true}}",
		"{\"capabilities\":{\"twin_socket\":true}}",
		"{\"capabilities\":{\"twin_socket\":{\"supported\":1}}}",
		"{\"capabilities\":{\"write_multiple\":\"yes\"}}",
		"{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
	};
	struct vfu_caps c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &c) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	}
	/* Unknown members may hold big numbers. */
	assert_int_equal(parse("{\"x\":99999999999999999999}", &c), 0);
}

/* ---- region capability chains -------------------------------------------- */

static void test_caps_chain(void **state)
{
	static const uint8_t b1[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const struct vfu_region_cap caps[] = {
		{ 2, 1, b1, 8 }, { 9, 2, b1, 3 }, { 5, 1, NULL, 0 },
	};
	uint8_t info[32 + 48];

	assert_int_equal(vfu_caps_size(caps, 3), 16 + 16 + 8);
	memset(info, 0, sizeof(info));
	st_he32(info + 4, VFIO_REGION_INFO_FLAG_CAPS);
	st_he32(info + 12, 32);
	vfu_caps_encode(info + 32, 32, caps, 3);
	assert_int_equal(ld_he32(info + 32 + 4), 48);
	assert_int_equal(ld_he32(info + 48 + 4), 64);
	assert_int_equal(ld_he32(info + 64 + 4), 0);
	assert_int_equal(vfu_caps_find(info, 72, 2), 32);
	assert_int_equal(vfu_caps_find(info, 72, 9), 48);
	assert_int_equal(vfu_caps_find(info, 72, 5), 64);
	assert_int_equal(vfu_caps_find(info, 72, 6), -ENOENT);
	/* Truncated buffer; a loop; a link into the info; no CAPS flag. */
	assert_int_equal(vfu_caps_find(info, 60, 5), -EINVAL);
	st_he32(info + 48 + 4, 32);
	assert_int_equal(vfu_caps_find(info, 72, 5), -EINVAL);
	st_he32(info + 12, 8);
	assert_int_equal(vfu_caps_find(info, 72, 2), -EINVAL);
	st_he32(info + 4, 0);
	assert_int_equal(vfu_caps_find(info, 72, 2), -ENOENT);
}

/* ---- DMA table -------------------------------------------------------------- */

static struct vfu_dma_region reg(uint64_t iova, uint64_t size, uint32_t prot,
				 void *vaddr)
{
	return (struct vfu_dma_region){
		.iova = iova, .size = size, .prot = prot, .vaddr = vaddr,
	};
}

static void test_dma_table(void **state)
{
	struct vfu_dma_table t;
	uint8_t a[64], b[64], buf[128];
	struct vfu_dma_region r;

	vfu_dma_table_init(&t, 4);
	r = reg(0x1000, 64, VFU_DMA_READ | VFU_DMA_WRITE, a);
	assert_int_equal(vfu_dma_table_add(&t, &r), 0);
	r = reg(0x1040, 64, VFU_DMA_READ, b);                 /* adjacent */
	assert_int_equal(vfu_dma_table_add(&t, &r), 0);
	r = reg(0x103f, 1, VFU_DMA_READ, NULL);
	assert_int_equal(vfu_dma_table_add(&t, &r), -EEXIST);
	r = reg(0x0, 0x1001, VFU_DMA_READ, NULL);
	assert_int_equal(vfu_dma_table_add(&t, &r), -EEXIST);
	r = reg(0x10000, 0, VFU_DMA_READ, NULL);
	assert_int_equal(vfu_dma_table_add(&t, &r), -EINVAL);
	r = reg(UINT64_MAX, 2, VFU_DMA_READ, NULL);
	assert_int_equal(vfu_dma_table_add(&t, &r), -EINVAL);
	r = reg(UINT64_MAX, 1, VFU_DMA_READ, NULL);           /* last byte */
	assert_int_equal(vfu_dma_table_add(&t, &r), 0);
	r = reg(0x0, 0x10, VFU_DMA_READ, NULL);
	assert_int_equal(vfu_dma_table_add(&t, &r), 0);
	r = reg(0x20000, 0x10, VFU_DMA_READ, NULL);
	assert_int_equal(vfu_dma_table_add(&t, &r), -ENOSPC);

	assert_int_equal(vfu_dma_table_lookup(&t, 0x1000), 1);
	assert_int_equal(vfu_dma_table_lookup(&t, 0x107f), 2);
	assert_int_equal(vfu_dma_table_lookup(&t, 0x1080), -ENOENT);
	assert_int_equal(vfu_dma_table_lookup(&t, UINT64_MAX), 3);
	assert_int_equal(vfu_dma_table_find(&t, 0x1040, 64), 2);
	assert_int_equal(vfu_dma_table_find(&t, 0x1040, 63), -ENOENT);

	/* Reads may cross into the adjacent region, writes may not. */
	assert_int_equal(vfu_dma_table_check(&t, 0x1030, 0x20, VFU_DMA_READ), 0);
	assert_int_equal(vfu_dma_table_check(&t, 0x1030, 0x20, VFU_DMA_WRITE),
			 -EFAULT);
	assert_int_equal(vfu_dma_table_check(&t, 0x1000, 129, VFU_DMA_READ),
			 -EFAULT);
	assert_int_equal(vfu_dma_table_check(&t, UINT64_MAX, 2, VFU_DMA_READ),
			 -EFAULT);
	assert_int_equal(vfu_dma_table_check(&t, UINT64_MAX, 1, VFU_DMA_READ), 0);
	assert_int_equal(vfu_dma_table_check(&t, 0x5000, 0, VFU_DMA_READ), 0);
	assert_int_equal(vfu_dma_table_check(&t, 0x8, 0x10, VFU_DMA_READ),
			 -EFAULT);

	for (int i = 0; i < 64; i++) {
		a[i] = (uint8_t)i;
		b[i] = (uint8_t)(64 + i);
	}
	assert_int_equal(vfu_dma_table_copy(&t, 0x1020, buf, 64, false), 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(buf[i], 32 + i);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(vfu_dma_table_copy(&t, 0x1030, buf, 32, true),
			 -EFAULT);
	assert_int_equal(a[0x30], 0x30);      /* nothing touched */
	assert_int_equal(vfu_dma_table_copy(&t, 0x1000, buf, 4, true), 0);
	assert_int_equal(a[0], 0xff);
	/* A region without vaddr cannot be copied directly. */
	assert_int_equal(vfu_dma_table_copy(&t, 0x0, buf, 4, false), -EFAULT);

	vfu_dma_table_remove(&t, 1);
	assert_int_equal(vfu_dma_table_lookup(&t, 0x1000), -ENOENT);
	assert_int_equal(t.n, 3);
	vfu_dma_table_fini(&t);
}

/* ---- transport ---------------------------------------------------------- */

static void socket_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	assert_int_equal(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
}

/* Page faults this thread took so far. */
static long thread_faults(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_THREAD, &ru), 0);
	return ru.ru_minflt + ru.ru_majflt;
}

/* Fault in what vfu_dma_region_collect gives for [iova, iova + len),
 * a few pages at a time; returns how many. */
static uint64_t prefault(const struct vfu_dma_region *r, uint64_t iova,
			 uint64_t len)
{
	struct iovec pages[3];
	uint64_t at = iova, done = 0;

	while (at < iova + len) {
		size_t n = vfu_dma_region_collect(r, &at, iova + len, pages, 3);

		assert_int_equal(vfu_dma_fault_in(pages, n), 0);
		done += n;
	}
	return done;
}

/*
 * vfu_dma_region_untouched / _collect and vfu_dma_fault_in: the pages of
 * a range are faulted in, marked, counted once, and copies to them then
 * take no fault (a page fault each without); nothing outside the range
 * or the region is taken.
 */
static void test_dma_prefault(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = memfd_create("vfu-prefault", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	struct vfu_dma_region r = { .iova = 0x100000, .size = 64 * (uint64_t)pg,
				    .prot = VFU_DMA_READ | VFU_DMA_WRITE };
	struct iovec big[VFU_FAULT_IN_MAX + 1];
	unsigned char vec[64];
	uint8_t *p, buf[64];
	uint64_t at;
	long before;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64 * pg), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	assert_int_equal(vfu_dma_mmap(fd, 0, r.size, r.prot, &r.vaddr), 0);
	assert_int_equal(vfu_dma_touched_alloc(&r), 0);
	p = r.vaddr;

	/* Pages 3-7 (a range starting and ending inside a page). */
	assert_int_equal(vfu_dma_region_untouched(&r, r.iova + 3 * pg + 100,
						  4 * pg), 5);
	assert_int_equal(prefault(&r, r.iova + 3 * pg + 100, 4 * pg), 5);
	for (int i = 0; i < 64; i++)
		assert_int_equal(!!(r.touched[i / 64] & (1ull << (i % 64))),
				 i >= 3 && i <= 7);
	assert_int_equal(vfu_dma_region_untouched(&r, r.iova, r.size), 59);
	/* Only the new ones the second time: 2 and 8-13. */
	assert_int_equal(prefault(&r, r.iova + 2 * pg, 12 * pg), 7);
	assert_int_equal(mincore(p, 64 * pg, vec), 0);
	for (int i = 2; i <= 13; i++)
		assert_int_equal(vec[i] & 1, 1);
	/* Writes take far fewer faults than pages (none, or under ASan
	 * its shadow of the range), against one a page for pages not
	 * faulted in (a write fault maps no neighbours). */
	before = thread_faults();
	memset(p + 2 * pg, 0x5a, 12 * pg);
	assert_in_range(thread_faults() - before, 0, 3);
	before = thread_faults();
	memset(p + 40 * pg, 0x5a, 12 * pg);
	assert_true(thread_faults() - before >= 12);
	/* Pages written through another mapping read back right. */
	assert_int_equal(pwrite(fd, "data", 4, 30 * pg), 4);
	assert_int_equal(prefault(&r, r.iova + 30 * pg, 2 * pg), 2);
	memcpy(buf, p + 30 * pg, sizeof(buf));
	assert_memory_equal(buf, "data", 4);
	assert_true(r.touched[0] & (1ull << 30) && r.touched[0] & (1ull << 31));

	/* Outside the region, clipped to it, or empty. */
	at = r.iova - pg;
	assert_int_equal(vfu_dma_region_collect(&r, &at, r.iova + pg, big, 4), 0);
	assert_int_equal(prefault(&r, r.iova + 63 * pg, 2 * pg), 1);
	at = r.iova + 20 * pg;
	assert_int_equal(vfu_dma_region_collect(&r, &at, at, big, 4), 0);
	assert_false(r.touched[0] & (1ull << 20));
	assert_int_equal(vfu_dma_region_untouched(&r, r.iova + 64 * pg, pg), 0);
	/* More than fault_in takes at once is refused. */
	at = r.iova;
	assert_int_equal(vfu_dma_region_collect(&r, &at, r.iova + r.size, big,
						VFU_FAULT_IN_MAX + 1), 64 - 15);
	assert_int_equal(vfu_dma_fault_in(big, VFU_FAULT_IN_MAX + 1), -EINVAL);

	vfu_dma_munmap(&r);
	close(fd);
}

static void test_transport_roundtrip(void **state)
{
	struct vfu_hdr h = { .msg_id = 5, .cmd = VFU_CMD_DMA_MAP };
	uint8_t payload[32] = { 1, 2, 3 };
	struct iovec iov = { payload, sizeof(payload) };
	struct vfu_rx rx;
	struct vfu_rx_msg m;
	int sv[2], p[2];

	socket_pair(sv);
	assert_int_equal(pipe(p), 0);
	vfu_rx_init(&rx, 1024);
	assert_int_equal(vfu_rx_step(&rx, sv[1], &m), 0);      /* nothing */
	assert_int_equal(vfu_send_msg(sv[0], &h, &iov, 1, &p[1], 1, -1), 0);
	assert_int_equal(h.size, 48);
	assert_int_equal(vfu_rx_step(&rx, sv[1], &m), 1);
	assert_int_equal(m.hdr.msg_id, 5);
	assert_int_equal(m.hdr.size, 48);
	assert_int_equal(m.nfds, 1);
	assert_false(m.fds_dropped);
	assert_memory_equal(m.buf + 16, payload, 32);
	assert_int_equal(write(m.fds[0], "x", 1), 1);      /* it is the pipe */
	vfu_rx_msg_free(&m);
	close(p[1]);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

static void test_transport_partial_and_eof(void **state)
{
	uint8_t msg[16 + 8];
	struct vfu_hdr h = { .msg_id = 7, .cmd = VFU_CMD_DEVICE_RESET,
			     .size = sizeof(msg) };
	struct vfu_rx rx;
	struct vfu_rx_msg m;
	int sv[2];

	socket_pair(sv);
	vfu_rx_init(&rx, 1024);
	vfu_hdr_encode(msg, &h);
	memset(msg + 16, 0xab, 8);
	/* Byte by byte: one message, and nothing read past it. */
	for (size_t i = 0; i < sizeof(msg); i++) {
		assert_int_equal(write(sv[0], msg + i, 1), 1);
		assert_int_equal(vfu_rx_step(&rx, sv[1], &m),
				 i + 1 == sizeof(msg) ? 1 : 0);
	}
	assert_int_equal(m.hdr.size, sizeof(msg));
	vfu_rx_msg_free(&m);
	/* Too big: the header comes back for an error reply. */
	h.size = 2000;
	vfu_hdr_encode(msg, &h);
	assert_int_equal(write(sv[0], msg, 16), 16);
	assert_int_equal(vfu_rx_step(&rx, sv[1], &m), -EMSGSIZE);
	assert_int_equal(m.hdr.msg_id, 7);
	/* Peer gone in the middle of a message. */
	h.size = 100;
	vfu_hdr_encode(msg, &h);
	assert_int_equal(write(sv[0], msg, 20), 20);
	close(sv[0]);
	assert_int_equal(vfu_rx_step(&rx, sv[1], &m), -ECONNRESET);
	close(sv[1]);
}

static void test_transport_too_many_fds(void **state)
{
	struct vfu_hdr h = { .msg_id = 1, .cmd = VFU_CMD_DEVICE_RESET };
	int fds[VFU_MAX_FDS + 1];
	struct vfu_rx rx;
	struct vfu_rx_msg m;
	int sv[2], p[2];
	char c;

	socket_pair(sv);
	vfu_rx_init(&rx, 1024);
	assert_int_equal(pipe(p), 0);
	for (int i = 0; i <= VFU_MAX_FDS; i++)
		fds[i] = p[1];
	/* vfu_send_msg refuses; send by hand. */
	assert_int_equal(vfu_send_msg(sv[0], &h, NULL, 0, fds, VFU_MAX_FDS + 1,
				      -1), -EINVAL);
	{
		union {
			char b[CMSG_SPACE(sizeof(fds))];
			struct cmsghdr align;
		} ctl;
		uint8_t hdr[16];
		struct iovec iov = { hdr, 16 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.b,
				     .msg_controllen = sizeof(ctl.b) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

		h.size = 16;
		vfu_hdr_encode(hdr, &h);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
		assert_int_equal(sendmsg(sv[0], &mh, 0), 16);
	}
	close(p[1]);
	assert_int_equal(vfu_rx_step(&rx, sv[1], &m), 1);
	assert_true(m.fds_dropped);
	assert_true(m.nfds <= VFU_MAX_FDS);
	vfu_rx_msg_free(&m);
	assert_int_equal(read(p[0], &c, 1), 0);   /* no copy left open */
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

/* ---- sockets ----------------------------------------------------------- */

static void test_socket_setup(void **state)
{
	char base[] = "/tmp/vfu-sock-XXXXXX";
	char dir[128], path[256], longname[200];
	struct error err = { 0 };
	struct stat st;
	int fd, fd2, cfd;

	assert_non_null(mkdtemp(base));
	snprintf(dir, sizeof(dir), "%s/run", base);
	/* The runtime directory is created 0700. */
	assert_int_equal(vfu_socket_path(path, sizeof(path), dir, "dev", &err),
			 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(strcmp(path + strlen(dir), "/dev.sock"), 0);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(vfu_socket_path(path, sizeof(path), dir, longname, &err),
			 -ENAMETOOLONG);
	assert_int_equal(vfu_socket_path(path, sizeof(path), dir, "dev", &err),
			 0);

	/* Listening: mode 0600; a second listener is refused. */
	assert_int_equal(vfu_listen_unix(path, &fd, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(vfu_listen_unix(path, &fd2, &err), -EADDRINUSE);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(vfu_connect_unix(path, &cfd, &err), 0);
	close(cfd);
	/* Closed without unlink: stale, replaced by the next listener. */
	close(fd);
	assert_int_equal(vfu_connect_unix(path, &cfd, &err), -ECONNREFUSED);
	assert_int_equal(vfu_listen_unix(path, &fd, &err), 0);
	close(fd);
	unlink(path);
	/* Not a socket: left alone. */
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vfu_listen_unix(path, &fd, &err), -EEXIST);
	unlink(path);
	assert_int_equal(vfu_listen_unix("", &fd, &err), -EINVAL);
	rmdir(dir);
	rmdir(base);
}

/* ---- event loop ------------------------------------------------------------ */

struct loop_ctx {
	struct evloop *loop;
	int pa[2], pb[2];
	int hits_a, hits_b;
};

static void on_a(struct evloop *loop, int fd, uint32_t ev, void *opaque)
{
	struct loop_ctx *x = opaque;
	char c;

	assert_int_equal(read(fd, &c, 1), 1);
	x->hits_a++;
	/* Deleting b while its event may be in the same batch. */
	evloop_del(loop, x->pb[0]);
}

static void on_b(struct evloop *loop, int fd, uint32_t ev, void *opaque)
{
	struct loop_ctx *x = opaque;

	x->hits_b++;
}

static void *stopper(void *opaque)
{
	evloop_stop(opaque);
	return NULL;
}

static void count_call(void *opaque)
{
	(*(int *)opaque)++;
}

static void *caller(void *opaque)
{
	struct loop_ctx *x = opaque;
	int n = 0;

	evloop_call(x->loop, count_call, &n);
	assert_int_equal(n, 1);
	assert_int_equal(evloop_del(x->loop, x->pa[0]), 0);
	evloop_stop(x->loop);
	return NULL;
}

static void test_evloop(void **state)
{
	struct loop_ctx x = { 0 };
	struct error err = { 0 };
	pthread_t t;
	int n = 0;

	assert_int_equal(evloop_create(&x.loop, &err), 0);
	assert_int_equal(pipe(x.pa), 0);
	assert_int_equal(pipe(x.pb), 0);
	assert_int_equal(evloop_add(x.loop, x.pa[0], EVLOOP_READ, on_a, &x), 0);
	assert_int_equal(evloop_add(x.loop, x.pa[0], EVLOOP_READ, on_a, &x),
			 -EEXIST);
	assert_int_equal(evloop_add(x.loop, x.pb[0], EVLOOP_READ, on_b, &x), 0);
	assert_int_equal(write(x.pa[1], "a", 1), 1);
	assert_int_equal(write(x.pb[1], "b", 1), 1);
	/* Whatever order epoll reports, b runs at most once (before a). */
	while (x.hits_a == 0)
		assert_true(evloop_run_once(x.loop, -1) >= 0);
	assert_int_equal(evloop_run_once(x.loop, 0), 0);
	assert_true(x.hits_b <= 1);
	assert_int_equal(evloop_del(x.loop, x.pb[0]), -ENOENT);
	assert_int_equal(evloop_mod(x.loop, x.pb[0], EVLOOP_READ), -ENOENT);
	assert_int_equal(evloop_mod(x.loop, x.pa[0], EVLOOP_WRITE), 0);
	assert_int_equal(evloop_mod(x.loop, x.pa[0], EVLOOP_READ), 0);
	/* Not running: calls run in place. */
	evloop_call(x.loop, count_call, &n);
	assert_int_equal(n, 1);
	assert_false(evloop_on_loop_thread(x.loop));
	/* Running: another thread's call and del run on the loop thread. */
	assert_int_equal(pthread_create(&t, NULL, caller, &x), 0);
	assert_int_equal(evloop_run(x.loop), 0);
	pthread_join(t, NULL);
	assert_int_equal(evloop_del(x.loop, x.pa[0]), -ENOENT);
	/* Stop requested before run: run returns at once. */
	assert_int_equal(pthread_create(&t, NULL, stopper, x.loop), 0);
	pthread_join(t, NULL);
	assert_int_equal(evloop_run(x.loop), 0);
	evloop_destroy(x.loop);
	for (int i = 0; i < 2; i++) {
		close(x.pa[i]);
		close(x.pb[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_roundtrip),
		cmocka_unit_test(test_hdr_errors),
		cmocka_unit_test(test_decode_dma_map),
		cmocka_unit_test(test_decode_irq_set),
		cmocka_unit_test(test_decode_region_access),
		cmocka_unit_test(test_decode_dma_access),
		cmocka_unit_test(test_decode_misc),
		cmocka_unit_test(test_decode_version),
		cmocka_unit_test(test_json_good),
		cmocka_unit_test(test_json_bad),
		cmocka_unit_test(test_json_process_vm),
		cmocka_unit_test(test_json_posted_write),
		cmocka_unit_test(test_caps_chain),
		cmocka_unit_test(test_dma_table),
		cmocka_unit_test(test_dma_prefault),
		cmocka_unit_test(test_transport_roundtrip),
		cmocka_unit_test(test_transport_partial_and_eof),
		cmocka_unit_test(test_transport_too_many_fds),
		cmocka_unit_test(test_socket_setup),
		cmocka_unit_test(test_evloop),
	};

	return cmocka_run_group_tests_name("vfu_codec", tests, NULL, NULL);
}
