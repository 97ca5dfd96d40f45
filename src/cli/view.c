/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the sysfs view (see view.h). */
#include "cli/view.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *view_attr(const char *root, const char *rel, char *buf,
		      size_t size)
{
	char path[PATH_MAX];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "re");
	if (!f)
		return buf;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

const char *view_link(const char *root, const char *rel, char *buf,
		      size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *b;
	ssize_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return buf;
	target[n] = '\0';
	b = strrchr(target, '/');
	snprintf(buf, size, "%s", b ? b + 1 : target);
	return buf;
}

bool view_exists(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return lstat(path, &st) == 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int view_list(const char *root, const char *rel, view_entry_fn *fn,
	      void *opaque)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) *
					    sizeof(*names));

			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		fn(names[i], opaque);
		free(names[i]);
	}
	free(names);
	return 0;
}
