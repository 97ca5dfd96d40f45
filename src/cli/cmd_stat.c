/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ccwpass stat`: the I/O counters of each subchannel - channel programs
 * ended, of which with unit check (errors), bytes the guest read and
 * wrote, and the time programs were busy - from the view's ccwpass_stats
 * (css.h "measurement"). With --interval, like iostat: the first report
 * is since the subchannel was made, each next one the rates over the
 * interval.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/host_view.h"

#define CMD "stat"

static const char usage_text[] =
"Usage: ccwpass stat [OPTIONS] [SUBCHANNEL...]\n"
"\n"
"I/O counters per subchannel (all, or those named): channel programs,\n"
"errors (programs that ended with unit check), bytes read and written by\n"
"the guest, busy time. The view has them as ccwpass_stats.\n"
"\n"
"  -i, --interval SECONDS  report again every SECONDS (0.1-3600), as rates\n"
"  -c, --count N           stop after N reports (with --interval)\n"
"  -j, --json              JSON lines instead of a table\n"
"  -r, --runtime-dir DIR   the daemon's runtime directory\n"
"  -h, --help              this text\n";

static bool wanted(const char *name, char **names, int n)
{
	if (!n)
		return true;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void report_total(const struct hv_host *h, bool json, char **names,
			 int n)
{
	char r[32], w[32];

	if (!json)
		printf("%-9s %-9s %10s %7s %10s %10s %12s\n", "Subchan.",
		       "Device", "Programs", "Errors", "Read", "Written",
		       "Busy (s)");
	for (unsigned int i = 0; i < h->nschs; i++) {
		const struct hv_sch *s = &h->schs[i];

		if (!wanted(s->name, names, n))
			continue;
		if (json)
			printf("{\"subchannel\": \"%s\", \"devno\": \"%s\", "
			       "\"programs\": %llu, \"errors\": %llu, "
			       "\"bytes_read\": %llu, \"bytes_written\": %llu, "
			       "\"busy_ns\": %llu}\n", s->name, s->devno,
			       (unsigned long long)s->programs,
			       (unsigned long long)s->unit_checks,
			       (unsigned long long)s->bytes_read,
			       (unsigned long long)s->bytes_written,
			       (unsigned long long)s->busy_ns);
		else
			printf("%-9s %-9s %10llu %7llu %10s %10s %12.3f\n",
			       s->name, s->devno,
			       (unsigned long long)s->programs,
			       (unsigned long long)s->unit_checks,
			       hv_size(s->bytes_read, r, sizeof(r)),
			       hv_size(s->bytes_written, w, sizeof(w)),
			       (double)s->busy_ns / 1e9);
	}
	fflush(stdout);
}

static void report_rates(const struct hv_host *h, const struct hv_sch *prev,
			 double secs, bool json, char **names, int n)
{
	if (!json)
		printf("\n%-9s %-9s %10s %8s %10s %10s %6s\n", "Subchan.",
		       "Device", "Progs/s", "Errors", "Read MB/s", "Wrtn MB/s",
		       "Util%");
	for (unsigned int i = 0; i < h->nschs; i++) {
		const struct hv_sch *s = &h->schs[i], *p = &prev[i];
		double progs, rd, wr, util;

		if (!wanted(s->name, names, n))
			continue;
		progs = (double)(s->programs - p->programs) / secs;
		rd = (double)(s->bytes_read - p->bytes_read) / secs / 1e6;
		wr = (double)(s->bytes_written - p->bytes_written) / secs / 1e6;
		util = (double)(s->busy_ns - p->busy_ns) / (secs * 1e9) * 100;
		if (json)
			printf("{\"subchannel\": \"%s\", \"interval_s\": %.3f, "
			       "\"programs_per_s\": %.1f, \"errors\": %llu, "
			       "\"read_mb_per_s\": %.2f, "
			       "\"written_mb_per_s\": %.2f, "
			       "\"utilization_pct\": %.1f}\n", s->name, secs,
			       progs,
			       (unsigned long long)(s->unit_checks -
						    p->unit_checks),
			       rd, wr, util);
		else
			printf("%-9s %-9s %10.1f %8llu %10.2f %10.2f %6.1f\n",
			       s->name, s->devno, progs,
			       (unsigned long long)(s->unit_checks -
						    p->unit_checks),
			       rd, wr, util);
	}
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double interval = 0, t0;
	long count = 0;
	const char *rt = NULL;
	bool json = false;
	struct hv_host h;
	struct hv_sch *prev;
	char msg[512], *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "i:c:jr:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || end == optarg || !(interval >= 0.1) ||
			    interval > 3600)
				return cli_fail(CMD, "--interval '%s': not a "
						"number of seconds (0.1-3600)",
						optarg);
			break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || end == optarg || count < 1)
				return cli_fail(CMD, "--count '%s': not a "
						"positive number", optarg);
			break;
		case 'j': json = true; break;
		case 'r': rt = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: fputs(usage_text, stderr); return 2;
		}
	}
	ret = hv_load(&h, rt, msg, sizeof(msg));
	if (ret == -ESRCH) {
		fprintf(stderr, "ccwpass stat: ccwpassd is not running (%s)\n",
			msg);
		return 3;
	}
	if (ret < 0)
		return cli_fail(CMD, "%s", msg);
	for (int i = optind; i < argc; i++) {
		bool found = false;

		for (unsigned int j = 0; j < h.nschs; j++)
			found |= !strcmp(h.schs[j].name, argv[i]);
		if (!found) {
			hv_free(&h);
			return cli_fail(CMD, "no subchannel %s on this host "
					"(`ccwpass status` lists them)",
					argv[i]);
		}
	}
	report_total(&h, json, argv + optind, argc - optind);
	prev = interval ? malloc(h.nschs * sizeof(*prev)) : NULL;
	for (long k = 1; interval && prev && (!count || k < count); k++) {
		struct timespec ts = { .tv_sec = (time_t)interval,
			.tv_nsec = (long)((interval - (double)(time_t)interval) * 1e9) };

		memcpy(prev, h.schs, h.nschs * sizeof(*prev));
		t0 = now_s();
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		for (unsigned int j = 0; j < h.nschs; j++)
			if (hv_load_stats(&h, &h.schs[j]) < 0) {
				cli_fail(CMD, "subchannel %s went away (or "
					 "ccwpassd stopped)", prev[j].name);
				hv_free(&h);
				free(prev);
				return 1;
			}
		report_rates(&h, prev, now_s() - t0, json, argv + optind,
			     argc - optind);
	}
	free(prev);
	hv_free(&h);
	return 0;
}

const struct cli_command cmd_stat = {
	.name = "stat",
	.summary = "show the I/O counters of each subchannel (like iostat)",
	.run = run,
};
