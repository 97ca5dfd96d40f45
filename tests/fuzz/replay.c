/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Are a fuzz target's inputs independent of each other? This driver
 * takes libFuzzer's place around a target (its LLVMFuzzerInitialize and
 * LLVMFuzzerTestOneInput) and runs every input twice: all of them in the
 * order given, then all again in reverse order, so that each one runs
 * after different predecessors. An input's coverage - the inline 8-bit
 * counters of the instrumented code, bucketed as libFuzzer buckets them
 * into features - must be the same both times. A difference means that
 * state one input left behind changed what a later one did: a fuzzer
 * finding that would not reproduce on its own.
 *
 *   <target>_replay [--timing FUNCTION]... FILE|DIR...
 *
 * (a directory: its files, by name). --timing names a function whose
 * branches depend on measured time by design (css_stats.c's stage_add
 * keeps the longest stage): differences only there are counted apart and
 * do not make an input unstable. Exit status: 0 all inputs stable, 1 some
 * input was not (the edges that differed are listed, symbolized), 2 usage
 * or I/O error. This file is built without coverage instrumentation
 * (tests/fuzz/meson.build).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out,
			      size_t out_size);
void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end);

#define MAX_MODULES 16
#define MAX_REPORT  8
#define MAX_TIMING  8

static struct {
	uint8_t *counters;
	size_t n;
	const uintptr_t *pcs;        /* {pc, flags} per counter */
} mods[MAX_MODULES];
static size_t nmods, ncounters, npcmods;

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop)
{
	if (nmods == MAX_MODULES || start == stop)
		return;
	mods[nmods].counters = start;
	mods[nmods].n = (size_t)(stop - start);
	ncounters += mods[nmods].n;
	nmods++;
}

void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end)
{
	(void)end;
	if (npcmods < nmods)
		mods[npcmods++].pcs = beg;
}

/* libFuzzer's hit-count buckets (FuzzerTracePC.h CounterToFeature). */
static uint8_t bucket(uint8_t c)
{
	return c >= 128 ? 8 : c >= 32 ? 7 : c >= 16 ? 6 : c >= 8 ? 5 :
	       c >= 4 ? 4 : c >= 3 ? 3 : c >= 2 ? 2 : c;
}

struct input {
	char *path;
	uint8_t *data;
	size_t size;
	uint8_t *cov;                 /* first run's buckets */
};

static struct input *inputs;
static size_t ninputs, cap;
static const char *timing[MAX_TIMING];
static size_t ntiming;

static int add_file(const char *path)
{
	struct input *in;
	FILE *f = fopen(path, "rb");
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	if (ninputs == cap) {
		cap = cap ? 2 * cap : 256;
		inputs = realloc(inputs, cap * sizeof(*inputs));
		if (!inputs)
			abort();
	}
	in = &inputs[ninputs++];
	in->path = strdup(path);
	in->size = (size_t)len;
	in->data = malloc(in->size ? in->size : 1);
	in->cov = malloc(ncounters ? ncounters : 1);
	if (!in->path || !in->data || !in->cov)
		abort();
	if (in->size && fread(in->data, 1, in->size, f) != in->size) {
		perror(path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int add_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	int n, rc = 0;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(path);
	n = scandir(path, &ents, NULL, by_name);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];

		snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !stat(sub, &st) &&
		    S_ISREG(st.st_mode) && add_file(sub))
			rc = -1;
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* Run one input with the counters cleared; leave its buckets in out. */
static void run(const struct input *in, uint8_t *out)
{
	uint8_t *copy = malloc(in->size ? in->size : 1);
	size_t k = 0;

	if (!copy)
		abort();
	memcpy(copy, in->data, in->size);
	for (size_t m = 0; m < nmods; m++)
		memset(mods[m].counters, 0, mods[m].n);
	LLVMFuzzerTestOneInput(copy, in->size);
	for (size_t m = 0; m < nmods; m++)
		for (size_t i = 0; i < mods[m].n; i++)
			out[k++] = bucket(mods[m].counters[i]);
	free(copy);
}

/* The function edge k of module m is in ("?" when unknown). */
static void function_of(size_t m, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "?");
	if (mods[m].pcs)
		__sanitizer_symbolize_pc((void *)mods[m].pcs[2 * i], "%f", buf,
					 len);
}

static bool is_timing(const char *function)
{
	for (size_t t = 0; t < ntiming; t++)
		if (!strcmp(function, timing[t]))
			return true;
	return false;
}

/*
 * The edges whose buckets differ between in->cov and second, outside the
 * --timing functions: listed (the first MAX_REPORT) and counted.
 */
static size_t compare(const struct input *in, const uint8_t *second)
{
	size_t k = 0, diff = 0;

	for (size_t m = 0; m < nmods; m++) {
		for (size_t i = 0; i < mods[m].n; i++, k++) {
			char fn[256], where[512] = "?";

			if (in->cov[k] == second[k])
				continue;
			function_of(m, i, fn, sizeof(fn));
			if (is_timing(fn))
				continue;
			if (diff++ >= MAX_REPORT)
				continue;
			if (mods[m].pcs)
				__sanitizer_symbolize_pc(
					(void *)mods[m].pcs[2 * i], "%F %L",
					where, sizeof(where));
			fprintf(stderr, "  edge %zu (%s): bucket %u, then %u\n",
				k, where, in->cov[k], second[k]);
		}
	}
	if (diff)
		fprintf(stderr, "%s: coverage differs between its two runs "
			"(%zu edges)\n", in->path, diff);
	return diff;
}

int main(int argc, char **argv)
{
	uint8_t *second;
	size_t unstable = 0, timed = 0;
	int i = 1;

	for (; i + 1 < argc && !strcmp(argv[i], "--timing"); i += 2)
		if (ntiming < MAX_TIMING)
			timing[ntiming++] = argv[i + 1];
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--timing FUNCTION]... FILE|DIR...\n",
			argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (; i < argc; i++)
		if (add_path(argv[i]))
			return 2;
	second = malloc(ncounters ? ncounters : 1);
	if (!second || !ncounters) {
		fprintf(stderr, "%s: no coverage counters (not built with "
			"-fsanitize=fuzzer-no-link?)\n", argv[0]);
		return 2;
	}
	for (size_t n = 0; n < ninputs; n++)
		run(&inputs[n], inputs[n].cov);
	for (size_t n = ninputs; n-- > 0;) {
		run(&inputs[n], second);
		if (!memcmp(inputs[n].cov, second, ncounters))
			continue;
		if (compare(&inputs[n], second))
			unstable++;
		else
			timed++;
	}
	printf("%zu inputs, each run twice: %zu unstable", ninputs, unstable);
	if (timed)
		printf(" (%zu differed only in --timing functions)", timed);
	printf("\n");
	free(second);
	return unstable ? 1 : 0;
}
