/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared guest RAM for QEMU (see run_ram.h). */
#include "cli/run_ram.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run_args.h"

/* QEMU's default for s390-ccw-virtio (hw/core: 128 MiB). */
#define DEFAULT_RAM (128ull << 20)

uint64_t run_qemu_ram_size(const char *value)
{
	const char *s = value;
	char *end;
	double n;
	uint64_t unit = 1ull << 20;          /* -m counts in MiB */

	if (!strncmp(s, "size=", 5))
		s += 5;
	if (!isdigit((unsigned char)*s))
		return 0;
	n = strtod(s, &end);
	switch (tolower((unsigned char)*end)) {
	case 'b': unit = 1; end++; break;
	case 'k': unit = 1ull << 10; end++; break;
	case 'm': unit = 1ull << 20; end++; break;
	case 'g': unit = 1ull << 30; end++; break;
	case 't': unit = 1ull << 40; end++; break;
	default: break;
	}
	if ((*end && *end != ',') || n <= 0 || n * (double)unit > 0x1p52)
		return 0;
	return (uint64_t)(n * (double)unit);
}

static bool opt_is(const char *a, const char *name)
{
	/* QEMU takes -opt and --opt alike. */
	if (a[0] == '-' && a[1] == '-')
		a++;
	return !strcmp(a, name);
}

/* Does a -device value name a vfio-ccw device? */
static bool is_vfio_ccw(const char *v)
{
	return !strncmp(v, "vfio-ccw", 8) && (!v[8] || v[8] == ',') ? true :
	       strstr(v, "driver=vfio-ccw") != NULL;
}

char **run_share_qemu_ram(int argc, char *const argv[], char *note,
			  size_t size)
{
	char **out = calloc((size_t)argc + 5, sizeof(char *));
	bool vfio = false, chosen = false;
	uint64_t ram = DEFAULT_RAM;
	char obj[160];
	int n = 0;

	if (!out)
		return NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";

		if (opt_is(a, "-device") && is_vfio_ccw(v))
			vfio = true;
		else if (opt_is(a, "-mem-path") || opt_is(a, "-mem-prealloc") ||
			 opt_is(a, "-numa"))
			chosen = true;
		else if ((opt_is(a, "-M") || opt_is(a, "-machine")) &&
			 strstr(v, "memory-backend="))
			chosen = true;
		else if (opt_is(a, "-m") && !(ram = run_qemu_ram_size(v)))
			chosen = true;        /* a size we cannot read: hands off */
	}
	for (int i = 0; i < argc; i++)
		if (!(out[n++] = strdup(argv[i])))
			goto nomem;
	if (!vfio || chosen)
		return out;
	snprintf(obj, sizeof(obj), "memory-backend-memfd,id=" RUN_RAM_ID
		 ",size=%" PRIu64 ",share=on", ram);
	if (!(out[n++] = strdup("-object")) || !(out[n++] = strdup(obj)) ||
	    !(out[n++] = strdup("-machine")) ||
	    !(out[n++] = strdup("memory-backend=" RUN_RAM_ID)))
		goto nomem;
	snprintf(note + strlen(note), size - strlen(note),
		 "ccwpass run: guest RAM (%" PRIu64 " MiB) shared with ccwpassd "
		 "as a memfd, which the guest cannot tell from plain RAM: DASD "
		 "data moves without copies (--private-ram keeps QEMU's own)\n",
		 ram >> 20);
	return out;
nomem:
	run_args_free(out);
	return NULL;
}
