/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading ccwpassd's sysfs view at <runtime>/sys from the `ccwpass`
 * command (lscss, status): attribute text and link basenames, as the
 * s390-tools read /sys.
 */
#ifndef CCWPASS_CLI_VIEW_H
#define CCWPASS_CLI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

/* First line of <root>/<rel> without the newline; "" when unreadable. */
const char *view_attr(const char *root, const char *rel, char *buf,
		      size_t size);
/* Basename of the target of the link <root>/<rel>; "" when none. */
const char *view_link(const char *root, const char *rel, char *buf,
		      size_t size);
bool view_exists(const char *root, const char *rel);

typedef void view_entry_fn(const char *name, void *opaque);
/* Every entry of <root>/<rel> in sorted order. Returns 0 or -errno. */
int view_list(const char *root, const char *rel, view_entry_fn *fn,
	      void *opaque);

#endif
