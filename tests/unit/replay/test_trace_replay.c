/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay of a real guest's channel programs: a `ccwpassd --trace` file
 * (docs/vfio-ccw.md "Tracing"; the docs/traces/ form) is read program by
 * program - the ORB's path mask, each CCW's command, flags, count, TIC
 * target and output data - and run again, in order, against a fresh
 * device of the kind the trace was taken on, through the real channel
 * subsystem (tests/unit/dasd/harness.h). Every program must end as it
 * did for the guest: the same device and subchannel status, residual
 * count and CCW (the final IRB's CCW address). So a change to a device
 * model that would answer Linux's dasd_eckd, dasd_fba or tape_34xx
 * differently from the capture fails here, without a guest.
 *
 * Usage: test_trace_replay 3390|9336|3490 TRACE
 * Data the trace does not show (reads; writes beyond the bytes it
 * printed) is zeros: the traced programs' statuses do not depend on it.
 * Paths: the trace's first path is the harness's 0x80, any other its
 * 0x40.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "css/css_device.h"
#include "dasd/fba.h"
#include "harness.h"
#include "image/aws_tape.h"
#include "image/ckd_image.h"
#include "image/fba_image.h"
#include "tape/tape.h"

#define MAXCCW 256

struct prog {
	int line;                 /* of the ssch */
	uint8_t lpm;
	int n;
	struct tccw c[MAXCCW];
	uint32_t addr[MAXCCW];
	uint32_t cda[MAXCCW];
	bool bad;                 /* cannot be rebuilt (reported) */
};

static int failures, replayed;
static uint8_t first_path;

static void fail(int line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "line %d: ", line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

/* "name=VALUE" in line, VALUE hex (base 16) or decimal; -1 if absent. */
static long long field(const char *line, const char *name, int base)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(line, key);
	if (!p)
		return -1;
	return strtoll(p + strlen(key), NULL, base);
}

static void free_prog(struct prog *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->c[i].data);
	memset(p, 0, sizeof(*p));
}

static void add_ccw(struct prog *p, const char *line, int lineno)
{
	struct tccw *c;
	const char *d;
	long long cmd = field(line, "cmd", 16), flags = field(line, "flags", 16);
	long long count = field(line, "count", 10), cda = field(line, "cda", 16);

	if (p->n == MAXCCW || cmd < 0 || flags < 0 || count < 0 || cda < 0) {
		fail(lineno, "ccw not understood: %s", line);
		p->bad = true;
		return;
	}
	c = &p->c[p->n];
	p->addr[p->n] = (uint32_t)strtoul(line + 4, NULL, 16);
	p->cda[p->n] = (uint32_t)cda;
	c->cmd = (uint8_t)cmd;
	c->flags = (uint8_t)flags;
	c->count = (uint16_t)count;
	if (c->cmd == 0x08) {               /* TIC: resolved at the end */
		c->cmd = H_TIC;
	} else if (count) {
		c->data = calloc(1, (size_t)count);
		d = strstr(line, " data=");
		for (size_t i = 0; d && i < (size_t)count; i++) {
			unsigned int b;

			if (sscanf(d + 6 + 2 * i, "%2x", &b) != 1)
				break;
			((uint8_t *)c->data)[i] = (uint8_t)b;
		}
	}
	p->n++;
}

/* Index of the CCW at guest address a, or -1. */
static int index_of(const struct prog *p, uint32_t a)
{
	for (int i = 0; i < p->n; i++)
		if (p->addr[i] == a)
			return i;
	return -1;
}

static void replay(struct harness *h, struct prog *p, const char *irb,
		   int lineno)
{
	long long dstat = field(irb, "dstat", 16), cstat = field(irb, "cstat", 16);
	long long count = field(irb, "count", 10), cpa = field(irb, "cpa", 16);
	struct tresult r;
	int last;

	for (int i = 0; i < p->n; i++) {
		if (p->c[i].cmd != H_TIC)
			continue;
		last = index_of(p, p->cda[i]);
		if (last < 0) {
			fail(p->line, "TIC to %08x outside the traced CCWs",
			     p->cda[i]);
			return;
		}
		p->c[i].count = (uint16_t)last;
	}
	if (h_run(h, p->c, p->n, p->lpm == first_path ? 0x80 : 0x40, &r)) {
		fail(p->line, "the harness could not start the program");
		return;
	}
	replayed++;
	last = cpa > 0 ? index_of(p, (uint32_t)cpa - 8) : -2;
	if (r.dstat != dstat || r.cstat != cstat || r.residual != count ||
	    (last >= 0 && r.last != last))
		fail(lineno, "program of line %d (first command %02x): traced "
		     "dstat %02llx cstat %02llx count %lld ccw %d, replayed "
		     "dstat %02x cstat %02x count %u ccw %d", p->line,
		     p->c[0].cmd, dstat, cstat, count, last, r.dstat, r.cstat,
		     r.residual, r.last);
}

static struct harness *new_device(const char *kind, const char *dir)
{
	struct error err = { 0 };
	char path[256];

	if (!strcmp(kind, "3390")) {
		struct ckd_geometry g = { .devtype = 0x3390, .cyls = 10017,
					  .heads = 15, .trksize = 56832 };
		struct ckd_init_options o = {
			.format = CKD_IMAGE_CCKD64, .layout = CKD_INIT_CDL,
			.volser = "0X2B09",
		};
		struct ckd_image *img;

		snprintf(path, sizeof(path), "%s/v.cckd", dir);
		if (ckd_image_create(path, &g, &o, &err) < 0 ||
		    !(img = ckd_image_open(path, 0, &err))) {
			fprintf(stderr, "%s\n", err.msg);
			return NULL;
		}
		/* The default inventory's 3390, device 0.0.2b09: SSID 0x002b,
		 * unit address 0x09 (inventory.h). */
		return h_new(img, 0x002b, 0x09);
	}
	if (!strcmp(kind, "9336")) {
		struct fba_config c = { .dev_type = 0x9336 };
		struct css_device *dev = NULL;

		/* A fresh 9336-20 (dasd/fba_model.c), sparse. */
		snprintf(path, sizeof(path), "%s/v.fba", dir);
		if (fba_image_create(path, 1672881, false, &err) == 0)
			c.image = fba_image_open(path, false, &err);
		if (c.image)
			dev = fba_device_new(&c, &err);

		if (!dev) {
			fprintf(stderr, "%s\n", err.msg);
			return NULL;
		}
		return h_new_dev(dev);
	}
	if (!strcmp(kind, "3490")) {
		struct tape_config c = { .type = 0x3490 };
		struct css_device *dev;

		snprintf(path, sizeof(path), "%s/t.aws", dir);
		if (aws_tape_create(path, true, false, &err) < 0 ||
		    !(c.tape = aws_tape_open(path, false, &err)) ||
		    !(dev = tape_device_new(&c, &err))) {
			fprintf(stderr, "%s\n", err.msg);
			return NULL;
		}
		return h_new_dev(dev);
	}
	fprintf(stderr, "unknown device kind %s\n", kind);
	return NULL;
}

int main(int argc, char **argv)
{
	char dir[64], line[8192];
	struct prog *p = calloc(1, sizeof(*p));
	struct harness *h;
	bool open_prog = false;
	int lineno = 0;
	FILE *f;

	if (argc != 3 || !p) {
		fprintf(stderr, "usage: test_trace_replay 3390|9336|3490 TRACE\n");
		return 2;
	}
	f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/ccwpass-replay-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	h = new_device(argv[1], dir);
	if (!h)
		return 1;
	h_set_csense(h, true);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "ssch ", 5)) {
			free_prog(p);
			open_prog = field(line, "ret", 10) == 0;
			p->line = lineno;
			p->lpm = (uint8_t)field(line, "lpm", 16);
			if (!first_path)
				first_path = p->lpm;
		} else if (!strncmp(line, "ccw ", 4) && open_prog) {
			add_ccw(p, line, lineno);
		} else if (!strncmp(line, "irb ", 4) && open_prog &&
			   (field(line, "stctl", 16) & 0x04)) {
			if (!p->bad)
				replay(h, p, line, lineno);
			open_prog = false;
		}
	}
	fclose(f);
	free_prog(p);
	free(p);
	h_free(h);
	unlink(strcat(strcpy(line, dir), "/v.cckd"));
	unlink(strcat(strcpy(line, dir), "/t.aws"));
	unlink(strcat(strcpy(line, dir), "/v.fba"));
	rmdir(dir);
	printf("%s: %d programs replayed, %d differ\n", argv[2], replayed,
	       failures);
	if (!replayed)
		return 1;
	return failures ? 1 : 0;
}
