/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for a tape drive's state record (src/tape/tape_state.c),
 * which a restarted ccwpassd reads from its runtime directory: the input is
 * the file. Looks for crashes, hangs and undefined behaviour, and aborts
 * when a record that parses does not come back the same after formatting
 * and parsing it again, or when its paths are not NUL-terminated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tape/tape_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tape_state s, again;
static char text[TAPE_STATE_TEXT];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;

	if (tape_state_parse((const char *)data, size, &s) < 0)
		return 0;
	if (!memchr(s.inv_tape, '\0', sizeof(s.inv_tape)) ||
	    !memchr(s.tape, '\0', sizeof(s.tape))) {
		fprintf(stderr, "fuzz_tape_state: a path without its NUL\n");
		abort();
	}
	n = tape_state_format(&s, text, sizeof(text));
	if (!n || tape_state_parse(text, n, &again) < 0 ||
	    memcmp(&s, &again, sizeof(s))) {
		fprintf(stderr, "fuzz_tape_state: a record does not come back "
			"the same\n");
		abort();
	}
	return 0;
}
