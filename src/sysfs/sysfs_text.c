/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text rules sysfs stores follow in Linux: sysfs_streq() (lib/string.c:
 * equal up to one trailing newline), kstrtoul() with base 0
 * (lib/kstrtox.c: optional '+', 0x / 0 prefixes, one trailing newline,
 * -ERANGE on overflow), the "%Ns" conversion of vsscanf() (lib/vsprintf.c,
 * with lib/ctype.c's white space), the synthetic uevent syntax
 * (lib/kobject_uevent.c), and channel-path directory names "chp%x.%02x".
 */
#include "sysfs/sysfs_priv.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sysfs_bprintf(struct sysfs_buf *b, const char *fmt, ...)
{
	size_t room = sizeof(b->data) - b->len;
	va_list ap;
	int n;

	if (room <= 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n < room ? (size_t)n : room - 1;
}

int sysfs_text_name(const char *buf, char *out, size_t size)
{
	size_t n = strlen(buf);

	if (n && buf[n - 1] == '\n')
		n--;
	if (n >= size)
		return -EINVAL;
	memcpy(out, buf, n);
	out[n] = '\0';
	return 0;
}

/* lib/ctype.c: _S is set for 0x09-0x0d, the blank and 0xa0. */
static bool kernel_isspace(unsigned char c)
{
	return (c >= 0x09 && c <= 0x0d) || c == ' ' || c == 0xa0;
}

int sysfs_text_word(const char *buf, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t n = 0;

	if (!*s || size == 0)
		return -ENODATA;
	while (kernel_isspace(*s))
		s++;
	while (*s && !kernel_isspace(*s) && n + 1 < size)
		out[n++] = (char)*s++;
	out[n] = '\0';
	return 0;
}

/* lib/ctype.c: letters include Latin-1 0xc0-0xff except 0xd7 and 0xf7. */
static bool kernel_isalnum(unsigned char c)
{
	if (c >= 0xc0)
		return c != 0xd7 && c != 0xf7;
	return c < 0x80 && isalnum(c);
}

/* One alphanumeric word in [s, end) up to delim; NULL if empty or not. */
static const char *uevent_word(const char *s, const char *end, char delim)
{
	const char *p = s;

	while (p < end && *p != delim)
		if (!kernel_isalnum((unsigned char)*p++))
			return NULL;
	return p == s ? NULL : p;
}

/* " KEY=VALUE" pairs after the UUID (kobject_action_args). */
static int uevent_args(const char *s, size_t n)
{
	const char *end;

	if (n && (s[n - 1] == '\n' || s[n - 1] == '\0'))
		n--;
	if (n < BUS_UUID_LEN) {
		return -EINVAL;
	} else {
		char uuid[BUS_UUID_SIZE];

		if (bus_uuid_parse(s, uuid) < 0)
			return -EINVAL;
	}
	end = s + n;
	for (s += BUS_UUID_LEN; s < end;) {
		if (*s++ != ' ' || s == end)
			return -EINVAL;
		s = uevent_word(s, end, '=');
		if (!s || s == end || *s++ != '=' || s == end)
			return -EINVAL;
		s = uevent_word(s, end, ' ');
		if (!s)
			return -EINVAL;
	}
	return 0;
}

int sysfs_text_uevent(const char *buf, size_t len)
{
	static const char *const actions[] = {
		"add", "remove", "change", "move", "online", "offline", "bind",
		"unbind",
	};
	const char *space;
	size_t n = len, first;

	if (n && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	if (!n)
		return -EINVAL;
	space = memchr(buf, ' ', n);
	first = space ? (size_t)(space - buf) : n;
	for (size_t i = 0; i < sizeof(actions) / sizeof(*actions); i++) {
		if (strlen(actions[i]) != first || memcmp(actions[i], buf, first))
			continue;
		return space ? uevent_args(space + 1, len - first - 1) : 0;
	}
	return -EINVAL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 99;
}

int sysfs_text_ulong(const char *s, unsigned long *val)
{
	unsigned long v = 0;
	unsigned int base = 10;
	int digits = 0, d;

	if (*s == '+')
		s++;
	if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x' &&
	    isxdigit((unsigned char)s[2])) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; (d = digit_value(*s)) < (int)base; s++, digits++) {
		if (v > (ULONG_MAX - (unsigned long)d) / base)
			return -ERANGE;
		v = v * base + (unsigned long)d;
	}
	if (!digits)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*val = v;
	return 0;
}

int sysfs_text_chp(const char *name, uint8_t *chpid)
{
	int a, b;

	if (strncmp(name, "chp0.", 5) || strlen(name) != 7)
		return -EINVAL;
	a = digit_value(name[5]);
	b = digit_value(name[6]);
	if (a > 15 || b > 15 || isupper((unsigned char)name[5]) ||
	    isupper((unsigned char)name[6]))
		return -EINVAL;
	*chpid = (uint8_t)(a << 4 | b);
	return 0;
}
