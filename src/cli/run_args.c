/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command-line repairs for `ccwpass run` (see run_args.h). QEMU option
 * values are comma-separated properties, ",," standing for a literal comma
 * (QEMU's QemuOpts syntax); the first item of -machine may be the bare
 * machine type.
 */
#include "cli/run_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GONE_MACHINE_PROPS "s390-squash-mcss", "s390-squash-css"
#define MDEV_TYPE_TYPO     "vfio-ccw_io"
#define MDEV_TYPE          "vfio_ccw-io"

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool run_is_qemu(const char *cmd)
{
	const char *b = base(cmd);

	return !strncmp(b, "qemu-system-", 12) || !strcmp(b, "qemu-kvm");
}

bool run_is_mdevctl(const char *cmd)
{
	return !strcmp(base(cmd), "mdevctl");
}

/* Commands that run the command line they are given, after their own
 * options (the QEMU behind them gets what `ccwpass run` gives a QEMU). */
static bool is_wrapper(const char *cmd)
{
	static const char *const wrappers[] = {
		"timeout", "nice", "ionice", "taskset", "chrt", "env",
		"numactl", "stdbuf", "setsid", "nohup", "time", "prlimit",
		"strace", "ltrace", "gdb", "valgrind", "perf",
	};
	const char *b = base(cmd);

	for (size_t i = 0; i < sizeof(wrappers) / sizeof(*wrappers); i++)
		if (!strcmp(b, wrappers[i]))
			return true;
	return false;
}

int run_find_qemu(int argc, char *const argv[])
{
	if (argc < 1)
		return -1;
	if (run_is_qemu(argv[0]))
		return 0;
	if (!is_wrapper(argv[0]))
		return -1;
	for (int i = 1; i < argc; i++)
		if (run_is_qemu(argv[i]))
			return i;
	return -1;
}

char **run_args_prefix(int n, char *const argv[], char **rest)
{
	int m = run_args_count(rest);
	char **out = calloc((size_t)(n + m + 1), sizeof(char *));

	if (!out)
		goto nomem;
	for (int i = 0; i < n; i++)
		if (!(out[i] = strdup(argv[i])))
			goto nomem;
	memcpy(out + n, rest, (size_t)m * sizeof(char *));
	free(rest);
	return out;
nomem:
	run_args_free(out);
	run_args_free(rest);
	return NULL;
}

static void add_note(char *note, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_note(char *note, size_t size, const char *fmt, ...)
{
	size_t n = strlen(note);
	va_list ap;

	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(note + n, size - n, fmt, ap);
	va_end(ap);
}

static bool gone_prop(const char *item, size_t len)
{
	static const char *const props[] = { GONE_MACHINE_PROPS };

	for (size_t i = 0; i < sizeof(props) / sizeof(*props); i++) {
		size_t k = strlen(props[i]);

		if (len >= k && !strncmp(item, props[i], k) &&
		    (len == k || item[k] == '='))
			return true;
	}
	return false;
}

/* End of the property starting at s (a ',' not part of ",,"). */
static const char *prop_end(const char *s)
{
	while (*s) {
		if (*s == ',' && s[1] == ',')
			s += 2;
		else if (*s == ',')
			break;
		else
			s++;
	}
	return s;
}

/*
 * value without the gone properties, or NULL when nothing is left; *out_removed
 * gets what was removed.
 */
static char *strip_machine(const char *value, char *removed, size_t rsize,
			   bool *changed)
{
	char *out = malloc(strlen(value) + 1);
	size_t n = 0;
	const char *s = value;

	removed[0] = '\0';
	*changed = false;
	if (!out)
		return NULL;
	while (*s) {
		const char *e = prop_end(s);
		size_t len = (size_t)(e - s);

		if (gone_prop(s, len)) {
			size_t r = strlen(removed);

			snprintf(removed + r, rsize - r, "%s%.*s", r ? "," : "",
				 (int)len, s);
			*changed = true;
		} else if (len) {
			if (n)
				out[n++] = ',';
			memcpy(out + n, s, len);
			n += len;
		}
		s = *e ? e + 1 : e;
	}
	out[n] = '\0';
	return out;
}

static char **new_argv(int argc)
{
	return calloc((size_t)argc + 1, sizeof(char *));
}

int run_args_count(char *const argv[])
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

void run_args_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

static bool is_machine_opt(const char *a)
{
	return !strcmp(a, "-M") || !strcmp(a, "-machine") ||
	       !strcmp(a, "--machine");
}

char **run_fix_qemu_args(int argc, char *const argv[], char *note,
			 size_t size)
{
	char **out = new_argv(argc);
	char removed[256];
	int n = 0;

	if (!out)
		return NULL;
	for (int i = 0; i < argc; i++) {
		bool changed;
		char *v;

		if (i == 0 || i + 1 >= argc || !is_machine_opt(argv[i])) {
			if (!(out[n++] = strdup(argv[i])))
				goto nomem;
			continue;
		}
		v = strip_machine(argv[i + 1], removed, sizeof(removed),
				  &changed);
		if (!v)
			goto nomem;
		if (!changed) {
			free(v);
			if (!(out[n++] = strdup(argv[i])))
				goto nomem;
			continue;
		}
		add_note(note, size,
			 "ccwpass run: removed '%s' from %s: QEMU 7.2 has no such "
			 "machine property (vfio-ccw devices go to css fe: use "
			 "devno=fe.x.xxxx, or let QEMU pick one)\n",
			 removed, argv[i]);
		if (!*v) {
			free(v);
			i++;
			continue;
		}
		if (!(out[n++] = strdup(argv[i]))) {
			free(v);
			goto nomem;
		}
		out[n++] = v;
		i++;
	}
	return out;
nomem:
	run_args_free(out);
	return NULL;
}

char **run_fix_mdevctl_args(int argc, char *const argv[], char *note,
			    size_t size)
{
	char **out = new_argv(argc);
	bool next_is_type = false;

	if (!out)
		return NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *fixed = a;

		if (next_is_type && !strcmp(a, MDEV_TYPE_TYPO))
			fixed = MDEV_TYPE;
		else if (!strcmp(a, "--type=" MDEV_TYPE_TYPO))
			fixed = "--type=" MDEV_TYPE;
		if (fixed != a)
			add_note(note, size,
				 "ccwpass run: mdev type '%s' is a typo in QEMU's "
				 "documentation; using '%s'\n",
				 MDEV_TYPE_TYPO, MDEV_TYPE);
		next_is_type = !strcmp(a, "-t") || !strcmp(a, "--type");
		if (!(out[i] = strdup(fixed))) {
			run_args_free(out);
			return NULL;
		}
	}
	return out;
}
