/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli/host_view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/view.h"
#include "common/error.h"
#include "sysfs/sysfs_ns.h"

/* Each "name value" line of <root>/<rel>, value to the end of the line. */
static int read_kv(const char *root, const char *rel,
		   void (*fn)(const char *k, const char *v, void *o), void *o)
{
	char path[PATH_MAX], line[1200];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", root, rel) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' '), *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (!sp)
			continue;
		*sp = '\0';
		fn(line, sp + 1, o);
	}
	fclose(f);
	return 0;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static void device_kv(const char *k, const char *v, void *o)
{
	struct hv_sch *s = o;

	if (!strcmp(k, "model")) COPY(s->model, v);
	else if (!strcmp(k, "uid")) COPY(s->uid, v);
	else if (!strcmp(k, "image")) COPY(s->image, v);
	else if (!strcmp(k, "format")) COPY(s->format, v);
	else if (!strcmp(k, "volser")) COPY(s->volser, v);
	else if (!strcmp(k, "cache")) COPY(s->cache, v);
	else if (!strcmp(k, "cylinders")) s->cyls = (unsigned int)strtoul(v, NULL, 10);
	else if (!strcmp(k, "heads")) s->heads = (unsigned int)strtoul(v, NULL, 10);
	else if (!strcmp(k, "capacity")) s->capacity = strtoull(v, NULL, 10);
	else if (!strcmp(k, "file_size")) s->file_size = strtoull(v, NULL, 10);
	else if (!strcmp(k, "file_alloc")) s->file_alloc = strtoull(v, NULL, 10);
	else if (!strcmp(k, "readonly")) s->readonly = !strcmp(v, "1");
}

static void stats_kv(const char *k, const char *v, void *o)
{
	struct hv_sch *s = o;
	uint64_t n = strtoull(v, NULL, 10);

	if (!strcmp(k, "programs")) s->programs = n;
	else if (!strcmp(k, "unit_checks")) s->unit_checks = n;
	else if (!strcmp(k, "bytes_read")) s->bytes_read = n;
	else if (!strcmp(k, "bytes_written")) s->bytes_written = n;
	else if (!strcmp(k, "busy_ns")) s->busy_ns = n;
}

int hv_load_stats(const struct hv_host *h, struct hv_sch *s)
{
	char rel[96];

	snprintf(rel, sizeof(rel), "bus/css/devices/%s/ccwpass_stats", s->name);
	return read_kv(h->root, rel, stats_kv, s) < 0 ? -ENOENT : 0;
}

struct loader {
	struct hv_host *h;
	size_t cap;
	int err;
};

static void fill_mdevs(const struct hv_host *h, struct hv_sch *s)
{
	char rel[160], buf[32], sock[PATH_MAX];
	struct stat st;

	for (unsigned int i = 0; i < s->nmdevs; i++) {
		struct hv_mdev *m = &s->mdevs[i];

		snprintf(rel, sizeof(rel), "bus/mdev/devices/%s/iommu_group",
			 m->uuid);
		view_link(h->root, rel, m->group, sizeof(m->group));
		snprintf(rel, sizeof(rel), "bus/mdev/devices/%s/ccwpass_holder",
			 m->uuid);
		m->holder = atoi(view_attr(h->root, rel, buf, sizeof(buf)));
		snprintf(sock, sizeof(sock), "%s/%s/%s.sock", h->rt,
			 SYSFS_NS_SOCKETS, m->uuid);
		memcpy(m->socket, sock, sizeof(sock));
		m->socket_missing = stat(sock, &st) != 0;
	}
}

/* An mdev's directory is under its parent: devices/css0/<sch>/<uuid>. */
static bool is_uuid(const char *n)
{
	return strlen(n) == 36 && n[8] == '-' && n[13] == '-' &&
	       n[18] == '-' && n[23] == '-';
}

static void mdev_entry(const char *name, void *opaque)
{
	struct hv_sch *s = opaque;

	if (is_uuid(name) && s->nmdevs < HV_MAX_MDEVS)
		COPY(s->mdevs[s->nmdevs++].uuid, name);
}

static void sch_entry(const char *name, void *opaque)
{
	struct loader *l = opaque;
	struct hv_host *h = l->h;
	struct hv_sch *s;
	char rel[128];

	if (l->err)
		return;
	if (h->nschs == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct hv_sch *n = realloc(h->schs, cap * sizeof(*n));

		if (!n) {
			l->err = -ENOMEM;
			return;
		}
		h->schs = n;
		l->cap = cap;
	}
	s = &h->schs[h->nschs++];
	memset(s, 0, sizeof(*s));
	COPY(s->name, name);
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/dev_busid", name);
	view_attr(h->root, rel, s->devno, sizeof(s->devno));
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/driver", name);
	view_link(h->root, rel, s->driver, sizeof(s->driver));
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/driver_override", name);
	view_attr(h->root, rel, s->override, sizeof(s->override));
	if (!strcmp(s->override, "(null)"))
		s->override[0] = '\0';
	snprintf(rel, sizeof(rel), "bus/css/devices/%s/ccwpass_device", name);
	read_kv(h->root, rel, device_kv, s);
	hv_load_stats(h, s);
	snprintf(rel, sizeof(rel), "devices/css0/%s", name);
	view_list(h->root, rel, mdev_entry, s);
	fill_mdevs(h, s);
}

int hv_load(struct hv_host *h, const char *rt, char *msg, size_t msgsize)
{
	struct loader l = { .h = h };
	struct error err = { 0 };
	pid_t pid = 0;

	memset(h, 0, sizeof(*h));
	h->rt = sysfs_ns_runtime_dir(rt);
	if (sysfs_ns_check_daemon(h->rt, &pid, &err) < 0) {
		snprintf(msg, msgsize, "%s", err.msg);
		return -ESRCH;
	}
	h->pid = (int)pid;
	snprintf(h->root, sizeof(h->root), "%s/%s", h->rt, SYSFS_NS_SYS);
	view_list(h->root, "bus/css/devices", sch_entry, &l);
	if (l.err) {
		snprintf(msg, msgsize, "%s", strerror(-l.err));
		hv_free(h);
		return l.err;
	}
	return 0;
}

void hv_free(struct hv_host *h)
{
	free(h->schs);
	h->schs = NULL;
	h->nschs = 0;
}

void hv_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

const char *hv_size(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	unsigned int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}
