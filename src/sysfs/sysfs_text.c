/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text rules sysfs stores follow in Linux: sysfs_streq() (lib/string.c:
 * equal up to one trailing newline), kstrtoul() with base 0
 * (lib/kstrtox.c: optional '+', 0x / 0 prefixes, one trailing newline,
 * -ERANGE on overflow), and channel-path directory names "chp%x.%02x".
 */
#include "sysfs/sysfs_priv.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
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
