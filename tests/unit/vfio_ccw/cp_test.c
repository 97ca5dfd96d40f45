/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helpers for the channel-program translator (see cp_test.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "cp_test.h"
#include "vfio_ccw/cp_internal.h"

static struct tmem *to_tmem(struct css_mem *mem)
{
	return (struct tmem *)((char *)mem - offsetof(struct tmem, mem));
}

static bool tm_ok(struct tmem *m, uint64_t addr, size_t len)
{
	if (addr <= m->size && len <= m->size - addr)
		return true;
	m->refused++;
	return false;
}

static void tm_mark(struct tmem *m, uint64_t addr, size_t len, uint8_t how)
{
	size_t i;

	for (i = 0; i < len; i++)
		m->touched[addr + i] |= how;
}

static int tm_read(struct css_mem *mem, uint64_t addr, void *buf, size_t len)
{
	struct tmem *m = to_tmem(mem);

	if (!tm_ok(m, addr, len))
		return -EFAULT;
	memcpy(buf, m->buf + addr, len);
	tm_mark(m, addr, len, TM_READ);
	return 0;
}

static int tm_write(struct css_mem *mem, uint64_t addr, const void *buf,
		    size_t len)
{
	struct tmem *m = to_tmem(mem);

	if (!tm_ok(m, addr, len))
		return -EFAULT;
	memcpy(m->buf + addr, buf, len);
	tm_mark(m, addr, len, TM_WRITE);
	return 0;
}

static void *tm_map(struct css_mem *mem, uint64_t addr, size_t len, bool write)
{
	struct tmem *m = to_tmem(mem);

	if (m->no_map || !tm_ok(m, addr, len))
		return NULL;
	tm_mark(m, addr, len, write ? TM_WRITE : TM_READ);
	return m->buf + addr;
}

static const struct css_mem_ops tm_ops = {
	.read = tm_read,
	.write = tm_write,
	.map = tm_map,
};

void tmem_init(struct tmem *m, uint64_t size)
{
	memset(m, 0, sizeof(*m));
	m->mem.ops = &tm_ops;
	m->size = size;
	m->buf = calloc(1, size + TM_GUARD);
	m->touched = calloc(1, size + 1);
	assert_non_null(m->buf);
	assert_non_null(m->touched);
	memset(m->buf + size, TM_CANARY, TM_GUARD);
}

bool tmem_canary_ok(const struct tmem *m)
{
	size_t i;

	for (i = 0; i < TM_GUARD; i++)
		if (m->buf[m->size + i] != TM_CANARY)
			return false;
	return true;
}

void tmem_fini(struct tmem *m)
{
	assert_true(tmem_canary_ok(m));
	free(m->buf);
	free(m->touched);
	m->buf = NULL;
	m->touched = NULL;
}

void tmem_clear_touched(struct tmem *m)
{
	memset(m->touched, 0, m->size);
}

bool tmem_touched(const struct tmem *m, uint64_t addr, uint64_t len)
{
	uint64_t i;

	for (i = addr; i < addr + len && i < m->size; i++)
		if (m->touched[i])
			return true;
	return false;
}

void put_ccw1(struct tmem *m, uint32_t addr, uint8_t cmd, uint8_t flags,
	      uint16_t count, uint32_t cda)
{
	uint8_t *p = m->buf + addr;

	assert_true(addr + 8 <= m->size);
	p[0] = cmd;
	p[1] = flags;
	st_be16(p + 2, count);
	st_be32(p + 4, cda);
}

void put_ccw0(struct tmem *m, uint32_t addr, uint8_t cmd, uint32_t cda,
	      uint8_t flags, uint16_t count)
{
	uint8_t *p = m->buf + addr;

	assert_true(addr + 8 <= m->size);
	p[0] = cmd;
	st_be24(p + 1, cda);
	p[4] = flags;
	p[5] = 0;
	st_be16(p + 6, count);
}

void put_idaw1(struct tmem *m, uint32_t addr, uint32_t idaw)
{
	assert_true(addr + 4 <= m->size);
	st_be32(m->buf + addr, idaw);
}

void put_idaw2(struct tmem *m, uint32_t addr, uint64_t idaw)
{
	assert_true(addr + 8 <= m->size);
	st_be64(m->buf + addr, idaw);
}

struct css_orb test_orb(uint16_t ctrl0, uint32_t cpa)
{
	return (struct css_orb){
		.intparm = 0x12345678,
		.ctrl0 = ctrl0,
		.lpm = 0x80,
		.cpa = cpa,
	};
}

int translate(struct cp_program *cp, struct tmem *m, const struct css_orb *orb)
{
	struct css_orb host;
	int ret;

	memset(cp, 0, sizeof(*cp));
	ret = cp_init(cp, &m->mem, orb);
	if (ret)
		return ret;
	ret = cp_prefetch(cp);
	if (ret) {
		/* Nothing half-built is left behind. */
		assert_null(cp->b);
		assert_int_equal(cp_get_orb(cp, 0, 0x80, &host), -EINVAL);
		return ret;
	}
	assert_int_equal(cp_verify(cp), 0);
	assert_int_equal(cp_get_orb(cp, 1, 0x80, &host), 0);
	return 0;
}

uint32_t host_cpa(struct cp_program *cp)
{
	struct css_orb host;

	assert_int_equal(cp_get_orb(cp, 0, 0x80, &host), 0);
	return host.cpa;
}

void host_ccw(struct cp_program *cp, uint32_t addr, struct css_ccw *c)
{
	uint8_t b[8];

	assert_int_equal(css_mem_read(cp_host_mem(cp), addr, b, 8), 0);
	c->cmd = b[0];
	c->flags = b[1];
	c->count = ld_be16(b + 2);
	c->cda = ld_be32(b + 4);
}

uint64_t host_idaw(struct cp_program *cp, uint32_t idal, unsigned int k)
{
	uint8_t b[8];

	assert_int_equal(css_mem_read(cp_host_mem(cp), idal + 8 * k, b, 8), 0);
	return ld_be64(b);
}

bool host_is_self_tic(struct cp_program *cp, uint32_t addr)
{
	struct css_ccw c;

	host_ccw(cp, addr, &c);
	return c.cmd == CCW_CMD_TIC && c.cda == addr;
}
