/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass status [--json]`: is ccwpassd running, and per subchannel its
 * device number, device type/model, driver and override, the volume's
 * image, format, size, volser, read-only flag and cache mode, and each
 * mdev with its IOMMU group, socket and the pid of the QEMU that holds
 * it - read from the daemon's sysfs view (cli/host_view.h).
 * docs/operations.md "Look at the host" explains each column.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/host_view.h"

#define CMD "status"

static const char usage_text[] =
"Usage: ccwpass status [--json] [--runtime-dir DIR]\n"
"\n"
"Whether ccwpassd runs (exit 3 if not) and, per subchannel: device number,\n"
"type, driver and driver_override, the volume's serial, access, cache mode,\n"
"size and image file, and each mdev's IOMMU group, the pid of the QEMU\n"
"using it and its socket.\n"
"\n"
"  -j, --json             one JSON object instead of tables\n"
"  -r, --runtime-dir DIR  the daemon's runtime directory\n"
"  -h, --help             this text\n";

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void print_text(const struct hv_host *h)
{
	char size[32], alloc[32];
	unsigned int nm = 0;

	printf("ccwpassd: running (pid %d), runtime directory %s\n", h->pid,
	       h->rt);
	printf("subchannels:\n  %-9s %-9s %-10s %-14s %-9s %-6s %-6s %-12s "
	       "%-9s %s\n", "Subchan.", "Device", "Type", "Driver", "Override",
	       "Volser", "Access", "Cache", "Size", "Image");
	for (unsigned int i = 0; i < h->nschs; i++) {
		const struct hv_sch *s = &h->schs[i];
		bool vol = s->image[0] != '\0';

		nm += s->nmdevs;
		printf("  %-9s %-9s %-10s %-14s %-9s %-6s %-6s %-12s %-9s ",
		       s->name, s->devno, or_dash(s->model),
		       s->driver[0] ? s->driver : "(none)",
		       or_dash(s->override), vol ? or_dash(s->volser) : "-",
		       vol ? (s->readonly ? "ro" : "rw") : "-",
		       or_dash(s->cache),
		       vol ? hv_size(s->capacity, size, sizeof(size)) : "-");
		if (vol)
			printf("%s (%s, %s on disk)\n", s->image, s->format,
			       hv_size(s->file_alloc, alloc, sizeof(alloc)));
		else
			printf("%s\n", s->uid[0] ? "(HyperPAV alias)" : "-");
	}
	if (!nm) {
		printf("mdevs: none\n");
		return;
	}
	printf("mdevs:\n  %-36s %-9s %-5s %-9s %s\n", "UUID", "Parent", "Group",
	       "QEMU pid", "Socket");
	for (unsigned int i = 0; i < h->nschs; i++)
		for (unsigned int j = 0; j < h->schs[i].nmdevs; j++) {
			const struct hv_mdev *m = &h->schs[i].mdevs[j];
			char pid[16];

			snprintf(pid, sizeof(pid), "%d", m->holder);
			printf("  %-36s %-9s %-5s %-9s %s%s\n", m->uuid,
			       h->schs[i].name, or_dash(m->group),
			       m->holder ? pid : "-", m->socket,
			       m->socket_missing ? " (missing)" : "");
		}
}

static void jkey(const char *k, bool first)
{
	printf("%s", first ? "" : ", ");
	hv_json_str(stdout, k);
	printf(": ");
}

static void jstr(const char *k, const char *v)
{
	jkey(k, false);
	if (v && v[0])
		hv_json_str(stdout, v);
	else
		printf("null");
}

static void jnum(const char *k, unsigned long long v)
{
	jkey(k, false);
	printf("%llu", v);
}

static void print_json(const struct hv_host *h)
{
	printf("{\"daemon\": {\"running\": true, \"pid\": %d, ", h->pid);
	printf("\"runtime_dir\": ");
	hv_json_str(stdout, h->rt);
	printf("},\n \"subchannels\": [");
	for (unsigned int i = 0; i < h->nschs; i++) {
		const struct hv_sch *s = &h->schs[i];

		printf("%s\n  {", i ? "," : "");
		jkey("subchannel", true);
		hv_json_str(stdout, s->name);
		jstr("devno", s->devno);
		jstr("type", s->model);
		jstr("uid", s->uid);
		jstr("driver", s->driver);
		jstr("driver_override", s->override);
		jkey("alias", false);
		printf("%s", s->image[0] || !s->uid[0] ? "false" : "true");
		if (s->image[0]) {
			jstr("image", s->image);
			jstr("format", s->format);
			jnum("cylinders", s->cyls);
			jnum("heads", s->heads);
			jnum("capacity_bytes", s->capacity);
			jnum("file_bytes", s->file_size);
			jnum("file_allocated_bytes", s->file_alloc);
			jstr("volser", s->volser);
			jkey("readonly", false);
			printf("%s", s->readonly ? "true" : "false");
			jstr("cache", s->cache);
		}
		jkey("io", false);
		printf("{\"programs\": %llu, \"errors\": %llu, "
		       "\"bytes_read\": %llu, \"bytes_written\": %llu, "
		       "\"busy_ns\": %llu}",
		       (unsigned long long)s->programs,
		       (unsigned long long)s->unit_checks,
		       (unsigned long long)s->bytes_read,
		       (unsigned long long)s->bytes_written,
		       (unsigned long long)s->busy_ns);
		jkey("mdevs", false);
		printf("[");
		for (unsigned int j = 0; j < s->nmdevs; j++) {
			const struct hv_mdev *m = &s->mdevs[j];

			printf("%s{", j ? ", " : "");
			jkey("uuid", true);
			hv_json_str(stdout, m->uuid);
			jkey("iommu_group", false);
			printf("%s", m->group[0] ? m->group : "null");
			jkey("qemu_pid", false);
			if (m->holder)
				printf("%d", m->holder);
			else
				printf("null");
			jstr("socket", m->socket);
			printf("}");
		}
		printf("]}");
	}
	printf("\n ]}\n");
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hv_host h;
	const char *rt = NULL;
	bool json = false;
	char msg[512];
	int c, ret;

	while ((c = getopt_long(argc, argv, "jr:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': rt = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	ret = hv_load(&h, rt, msg, sizeof(msg));
	if (ret == -ESRCH) {
		if (json) {
			printf("{\"daemon\": {\"running\": false, \"reason\": ");
			hv_json_str(stdout, msg);
			printf("}}\n");
		} else {
			printf("ccwpassd: not running (%s)\n", msg);
		}
		return 3;
	}
	if (ret < 0)
		return cli_fail(CMD, "%s", msg);
	if (json)
		print_json(&h);
	else
		print_text(&h);
	hv_free(&h);
	return 0;
}

const struct cli_command cmd_status = {
	.name = "status",
	.summary = "show whether ccwpassd runs, its subchannels, volumes and mdevs",
	.run = run,
};
