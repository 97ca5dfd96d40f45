/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON capability text of VFIO_USER_VERSION (QEMU
 * docs/interop/vfio-user.rst, "VFIO_USER_VERSION": version data), parsed by
 * a small bounded recursive-descent reader (RFC 8259 grammar) that keeps
 * only the capabilities ccwpass understands:
 *
 *   { "capabilities": { "max_msg_fds": N, "max_data_xfer_size": N,
 *                       "max_dma_maps": N, "pgsizes": N,
 *                       "twin_socket": { "supported": B, "fd_index": N },
 *                       "write_multiple": B,
 *                       "ccwpass.process_vm": B,
 *                       "ccwpass.posted_write": B, ... } }
 *
 * Every member is optional, unknown members are skipped (but must still be
 * valid JSON), a known member of the wrong type is an error.
 * The "ccwpass." members are ccwpass's own (VFU_CAP_PROCESS_VM and
 * VFU_CAP_POSTED_WRITE in vfu_proto.h); other implementations skip them as
 * any unknown member.
 */
#include "vfio_user/vfu_proto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define JSON_MAX_DEPTH 16

enum json_ctx { CTX_TOP, CTX_CAPS, CTX_TWIN, CTX_OTHER };

struct jp {
	const char *s;
	size_t len;
	size_t pos;
	int depth;
	struct vfu_caps *caps;
};

static void skip_ws(struct jp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static bool eat(struct jp *p, char c)
{
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == c) {
		p->pos++;
		return true;
	}
	return false;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* A string; *start and *n give the raw bytes between the quotes. */
static int parse_string(struct jp *p, const char **start, size_t *n)
{
	if (!eat(p, '"'))
		return -EINVAL;
	*start = p->s + p->pos;
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->s[p->pos++];

		if (c == '"') {
			*n = (size_t)(p->s + p->pos - 1 - *start);
			return 0;
		}
		if (c < 0x20)
			return -EINVAL;
		if (c != '\\')
			continue;
		if (p->pos >= p->len)
			return -EINVAL;
		c = (unsigned char)p->s[p->pos++];
		if (c == 'u') {
			if (p->len - p->pos < 4)
				return -EINVAL;
			for (int i = 0; i < 4; i++)
				if (!is_hex(p->s[p->pos++]))
					return -EINVAL;
		} else if (!strchr("\"\\/bfnrt", c)) {
			return -EINVAL;
		}
	}
	return -EINVAL;
}

/* A number; *u gets its value when it is a non-negative integer. */
static int parse_number(struct jp *p, bool *is_uint, uint64_t *u)
{
	bool digits = false;

	skip_ws(p);
	*is_uint = true;
	*u = 0;
	if (p->pos < p->len && p->s[p->pos] == '-') {
		*is_uint = false;
		p->pos++;
	}
	if (p->pos < p->len && p->s[p->pos] == '0') {
		p->pos++;
		digits = true;
	} else {
		while (p->pos < p->len && p->s[p->pos] >= '0' &&
		       p->s[p->pos] <= '9') {
			unsigned d = (unsigned)(p->s[p->pos++] - '0');

			if (*u > (UINT64_MAX - d) / 10)
				*is_uint = false;    /* too big for us */
			else
				*u = *u * 10 + d;
			digits = true;
		}
	}
	if (!digits)
		return -EINVAL;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		*is_uint = false;
		p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
			return -EINVAL;
		while (p->pos < p->len && p->s[p->pos] >= '0' &&
		       p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		*is_uint = false;
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
			return -EINVAL;
		while (p->pos < p->len && p->s[p->pos] >= '0' &&
		       p->s[p->pos] <= '9')
			p->pos++;
	}
	return 0;
}

static bool eat_word(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	skip_ws(p);
	if (p->len - p->pos >= n && !memcmp(p->s + p->pos, w, n)) {
		p->pos += n;
		return true;
	}
	return false;
}

/* What a member of a known context must be, and where it goes. */
enum want { WANT_ANY, WANT_UINT, WANT_BOOL, WANT_CAPS, WANT_TWIN };

struct member {
	enum want want;
	uint64_t *u;
	bool *b;
};

static int parse_value(struct jp *p, enum json_ctx ctx, const struct member *m);

static struct member lookup(struct jp *p, enum json_ctx ctx, const char *k,
			    size_t n)
{
	struct vfu_caps *c = p->caps;
	struct member m = { WANT_ANY, NULL, NULL };

#define KEY(s) (n == sizeof(s) - 1 && !memcmp(k, s, n))
	if (ctx == CTX_TOP && KEY("capabilities")) {
		m.want = WANT_CAPS;
	} else if (ctx == CTX_CAPS) {
		if (KEY("max_msg_fds"))
			m = (struct member){ WANT_UINT, &c->max_msg_fds, NULL };
		else if (KEY("max_data_xfer_size"))
			m = (struct member){ WANT_UINT, &c->max_data_xfer_size,
					     NULL };
		else if (KEY("max_dma_maps"))
			m = (struct member){ WANT_UINT, &c->max_dma_maps, NULL };
		else if (KEY("pgsizes"))
			m = (struct member){ WANT_UINT, &c->pgsizes, NULL };
		else if (KEY("twin_socket"))
			m.want = WANT_TWIN;
		else if (KEY("write_multiple"))
			m = (struct member){ WANT_BOOL, NULL, &c->write_multiple };
		else if (KEY(VFU_CAP_PROCESS_VM))
			m = (struct member){ WANT_BOOL, NULL, &c->process_vm };
		else if (KEY(VFU_CAP_POSTED_WRITE))
			m = (struct member){ WANT_BOOL, NULL,
					     &c->posted_write };
	} else if (ctx == CTX_TWIN) {
		if (KEY("supported"))
			m = (struct member){ WANT_BOOL, NULL, &c->twin_socket };
		else if (KEY("fd_index"))
			m = (struct member){ WANT_UINT, NULL, NULL };
	}
#undef KEY
	return m;
}

static int parse_object(struct jp *p, enum json_ctx ctx)
{
	const char *k;
	size_t n;
	int ret;

	if (!eat(p, '{'))
		return -EINVAL;
	if (eat(p, '}'))
		return 0;
	do {
		struct member m;

		ret = parse_string(p, &k, &n);
		if (ret < 0)
			return ret;
		if (!eat(p, ':'))
			return -EINVAL;
		m = lookup(p, ctx, k, n);
		ret = parse_value(p, CTX_OTHER, &m);
		if (ret < 0)
			return ret;
	} while (eat(p, ','));
	return eat(p, '}') ? 0 : -EINVAL;
}

static int parse_array(struct jp *p)
{
	static const struct member any = { WANT_ANY, NULL, NULL };
	int ret;

	if (!eat(p, '['))
		return -EINVAL;
	if (eat(p, ']'))
		return 0;
	do {
		ret = parse_value(p, CTX_OTHER, &any);
		if (ret < 0)
			return ret;
	} while (eat(p, ','));
	return eat(p, ']') ? 0 : -EINVAL;
}

static int parse_value(struct jp *p, enum json_ctx ctx, const struct member *m)
{
	const char *s;
	bool is_uint;
	uint64_t u;
	size_t n;
	int ret;
	char c;

	skip_ws(p);
	if (p->pos >= p->len)
		return -EINVAL;
	if (++p->depth > JSON_MAX_DEPTH)
		return -EINVAL;
	c = p->s[p->pos];
	if (m->want == WANT_CAPS || m->want == WANT_TWIN) {
		ret = c == '{' ? parse_object(p, m->want == WANT_CAPS ? CTX_CAPS
								      : CTX_TWIN)
			       : -EINVAL;
	} else if (c == '{') {
		ret = m->want == WANT_ANY ? parse_object(p, ctx) : -EINVAL;
	} else if (c == '[') {
		ret = m->want == WANT_ANY ? parse_array(p) : -EINVAL;
	} else if (c == '"') {
		ret = m->want == WANT_ANY ? parse_string(p, &s, &n) : -EINVAL;
	} else if (c == 't' || c == 'f') {
		bool v = c == 't';

		ret = eat_word(p, v ? "true" : "false") ? 0 : -EINVAL;
		if (!ret && m->want == WANT_BOOL)
			*m->b = v;
		else if (!ret && m->want != WANT_ANY)
			ret = -EINVAL;
	} else if (eat_word(p, "null")) {
		ret = m->want == WANT_ANY ? 0 : -EINVAL;
	} else {
		ret = parse_number(p, &is_uint, &u);
		if (!ret && m->want == WANT_UINT) {
			if (!is_uint)
				ret = -EINVAL;
			else if (m->u)
				*m->u = u;
		} else if (!ret && m->want != WANT_ANY) {
			ret = -EINVAL;
		}
	}
	p->depth--;
	return ret;
}

void vfu_caps_default(struct vfu_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->max_msg_fds = 1;
	c->max_data_xfer_size = VFU_MAX_DATA_XFER;
	c->max_dma_maps = 65535;
	c->pgsizes = 4096;
}

int vfu_caps_parse_json(const char *json, size_t len, struct vfu_caps *c)
{
	struct jp p = { .s = json, .len = len, .caps = c };
	int ret;

	vfu_caps_default(c);
	skip_ws(&p);
	if (p.pos >= p.len || p.s[p.pos] != '{')
		return -EINVAL;
	p.depth = 1;
	ret = parse_object(&p, CTX_TOP);
	if (ret < 0)
		return ret;
	skip_ws(&p);
	return p.pos == p.len ? 0 : -EINVAL;
}

int vfu_caps_encode_json(char *buf, size_t size, const struct vfu_caps *c)
{
	int n = snprintf(buf, size,
			 "{\"capabilities\":{\"max_msg_fds\":%llu,"
			 "\"max_data_xfer_size\":%llu,\"max_dma_maps\":%llu,"
			 "\"pgsizes\":%llu%s%s}}",
			 (unsigned long long)c->max_msg_fds,
			 (unsigned long long)c->max_data_xfer_size,
			 (unsigned long long)c->max_dma_maps,
			 (unsigned long long)c->pgsizes,
			 c->process_vm ? ",\"" VFU_CAP_PROCESS_VM "\":true" : "",
			 c->posted_write ? ",\"" VFU_CAP_POSTED_WRITE "\":true"
					 : "");

	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}
