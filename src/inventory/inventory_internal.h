/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the inventory parser: its state while it reads a file, and the
 * value syntax of the keys (inventory_values.c). Not for other modules.
 */
#ifndef CCWPASS_INVENTORY_INTERNAL_H
#define CCWPASS_INVENTORY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inventory/inventory.h"

struct parser {
	struct inventory *inv;
	const char *name;
	const char *base_dir;
	unsigned int line;
	struct error *err;
	enum { SEC_NONE, SEC_CHP, SEC_SCH } sec;
	struct inv_chp *chp;
	struct inv_sch *sch;
	/* Keys seen in the current section, to reject duplicates. */
	unsigned int seen;
};

/* "<file>:<line>: <message>" into p->err. Returns: -EINVAL. */
int inv_perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* s without leading and trailing blanks (trailing ones cut in place). */
char *inv_trim(char *s);

/* Hex number of at most max_digits digits ("0x" allowed), value <= max.
 * Returns: 0, or -EINVAL (no message). */
int inv_parse_hex(const char *s, unsigned int max_digits, unsigned long max,
		  unsigned long *out);

/*
 * The value parsers of the keys: each stores the value of key (v, blanks
 * trimmed) or returns inv_perr()'s -EINVAL with a message naming key.
 */
int inv_parse_u8_hex(struct parser *p, const char *key, const char *v,
		     uint8_t *out);
int inv_parse_opt_hex(struct parser *p, const char *key, const char *v,
		      unsigned int digits, unsigned long max, int *out);
int inv_parse_chpids(struct parser *p, const char *v, uint8_t chpids[8]);
int inv_parse_volser(struct parser *p, const char *v, char out[7]);
int inv_parse_bool(struct parser *p, const char *key, const char *v,
		   bool *out);
/* "250ms", "2s" or "2" (seconds), within the flush-interval bounds. */
int inv_parse_interval(struct parser *p, const char *key, const char *v,
		       unsigned int *ms);
/* Relative paths are taken from the inventory file's directory. */
int inv_parse_image_path(struct parser *p, const char *v, char *out,
			 size_t len);

#endif
