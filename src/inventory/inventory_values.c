/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inventory's value syntax (docs/inventory.md): hex numbers, channel
 * path lists, volume serials, yes / no, intervals, image paths - each
 * parser naming the key and the file position when a value is wrong.
 */
#include "inventory/inventory_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int inv_perr(struct parser *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_setf(p->err, EINVAL, "%s:%u: %s", p->name, p->line, msg);
}

char *inv_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int inv_parse_hex(const char *s, unsigned int max_digits, unsigned long max,
		  unsigned long *out)
{
	size_t n = strlen(s);
	unsigned long v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > max_digits)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 16 + (unsigned long)(isdigit((unsigned char)s[i]) ?
			s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int inv_parse_u8_hex(struct parser *p, const char *key, const char *v,
		     uint8_t *out)
{
	unsigned long x;

	if (inv_parse_hex(v, 2, 0xff, &x))
		return inv_perr(p, "%s: '%s' is not a hex byte (00-ff)", key, v);
	*out = (uint8_t)x;
	return 0;
}

int inv_parse_chpids(struct parser *p, const char *v, uint8_t chpids[8])
{
	char buf[128], *tok, *save;
	unsigned int n = 0;
	unsigned long x;

	if (strlen(v) >= sizeof(buf))
		return inv_perr(p, "chpids: value too long");
	strcpy(buf, v);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		if (n == 8)
			return inv_perr(p, "chpids: more than 8 channel paths");
		if (inv_parse_hex(tok, 2, 0xff, &x))
			return inv_perr(p, "chpids: '%s' is not a hex byte (00-ff)", tok);
		chpids[n++] = (uint8_t)x;
	}
	if (n == 0)
		return inv_perr(p, "chpids: at least one channel path is needed");
	return 0;
}

int inv_parse_volser(struct parser *p, const char *v, char out[7])
{
	size_t n = strlen(v);

	if (n == 0 || n > 6)
		return inv_perr(p, "volser: '%s' must be 1 to 6 characters", v);
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)v[i]) && !isdigit((unsigned char)v[i]) &&
		    !strchr("@#$", v[i]))
			return inv_perr(p, "volser: '%s' may hold only A-Z 0-9 @ # $", v);
	memcpy(out, v, n + 1);
	return 0;
}

int inv_parse_bool(struct parser *p, const char *key, const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return inv_perr(p, "%s: '%s' is not yes or no", key, v);
	return 0;
}

int inv_parse_interval(struct parser *p, const char *key, const char *v,
		       unsigned int *ms)
{
	unsigned long long x, unit = 1000;
	char *end;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (!strcmp(end, "ms"))
		unit = 1;
	else if (*end && strcmp(end, "s"))
		end = NULL;
	if (errno || !end || end == v || *v == '-' || *v == '+' ||
	    x > INV_FLUSH_MS_MAX || x * unit < INV_FLUSH_MS_MIN ||
	    x * unit > INV_FLUSH_MS_MAX)
		return inv_perr(p, "%s: '%s' is not a time from 10ms to 3600s "
				"(e.g. 500ms, 2s)", key, v);
	*ms = (unsigned int)(x * unit);
	return 0;
}

int inv_parse_opt_hex(struct parser *p, const char *key, const char *v,
		      unsigned int digits, unsigned long max, int *out)
{
	unsigned long x;

	if (inv_parse_hex(v, digits, max, &x))
		return inv_perr(p, "%s: '%s' is not a hex number up to %lx", key, v, max);
	*out = (int)x;
	return 0;
}

int inv_parse_image_path(struct parser *p, const char *v, char *out, size_t len)
{
	int n;

	if (!*v)
		return inv_perr(p, "image: empty path");
	if (v[0] == '/' || !p->base_dir)
		n = snprintf(out, len, "%s", v);
	else
		n = snprintf(out, len, "%s/%s", p->base_dir, v);
	if (n < 0 || (size_t)n >= len)
		return inv_perr(p, "image: path too long");
	return 0;
}
