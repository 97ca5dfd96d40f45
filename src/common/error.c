/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/error.h"

#include <stdio.h>
#include <string.h>

int error_setf(struct error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->errnum = errnum;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

void error_suffix(struct error *err, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (!err)
		return;
	n = strlen(err->msg);
	if (n + 3 >= sizeof(err->msg))
		return;
	memcpy(err->msg + n, "; ", 3);
	n += 2;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
}

void error_prefix(struct error *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t n;
	va_list ap;

	if (!err)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	n = (size_t)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n + 2 < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %.*s",
			 (int)(sizeof(err->msg) - n - 3), old);
}
