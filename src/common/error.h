/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Set-up errors with a human message (QEMU's Error ** rule, in small).
 *
 * A function that can fail during set-up takes a `struct error *err` (which
 * may be NULL), returns a negative errno (or NULL / false) on failure and, on
 * failure only, fills err with a message naming the object, e.g.
 * "sch 0.0.0313: no such channel path 1b". Run-time paths that produce
 * guest-visible status return plain negative errno instead.
 */
#ifndef CCWPASS_COMMON_ERROR_H
#define CCWPASS_COMMON_ERROR_H

#include <stdarg.h>

struct error {
	int errnum;      /* positive errno value */
	char msg[512];
};

/*
 * Fill err (if non-NULL) and return -errnum, so callers can write
 * `return error_setf(err, EINVAL, "...");`.
 */
int error_setf(struct error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "prefix: old message". */
void error_prefix(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Add to an existing message: "old message; suffix" (a hint, a fix). */
void error_suffix(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
