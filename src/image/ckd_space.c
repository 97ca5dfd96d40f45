/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Free space of a CCKD file (see ckd_space.h). */
#include "image/ckd_space.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int list_insert(struct ckd_extent_list *l, size_t at,
		       struct ckd_extent e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ckd_extent *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	memmove(&l->v[at + 1], &l->v[at], (l->n - at) * sizeof(*l->v));
	l->v[at] = e;
	l->n++;
	return 0;
}

static void list_remove(struct ckd_extent_list *l, size_t at)
{
	memmove(&l->v[at], &l->v[at + 1], (l->n - at - 1) * sizeof(*l->v));
	l->n--;
}

void ckd_space_init(struct ckd_space *s, uint64_t base, uint64_t eof,
		    uint64_t limit)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->eof = eof < base ? base : eof;
	s->limit = limit;
}

void ckd_space_fini(struct ckd_space *s)
{
	free(s->free.v);
	free(s->pending.v);
	memset(s, 0, sizeof(*s));
}

/* First index whose extent starts at or after pos. */
static size_t lower_bound(const struct ckd_extent_list *l, uint64_t pos)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int ckd_space_release(struct ckd_space *s, uint64_t pos, uint64_t len)
{
	struct ckd_extent_list *l = &s->free;
	size_t i;

	if (len == 0)
		return 0;
	i = lower_bound(l, pos);
	/* Space outside the file or already free: a bookkeeping error that
	   must not turn into an allocation over live data. */
	if (pos < s->base || pos + len < pos || pos + len > s->eof ||
	    (i < l->n && l->v[i].pos < pos + len) ||
	    (i > 0 && l->v[i - 1].pos + l->v[i - 1].len > pos))
		return -EINVAL;
	/* Merge with the previous and next extents where they touch. */
	if (i > 0 && l->v[i - 1].pos + l->v[i - 1].len == pos) {
		i--;
		l->v[i].len += len;
	} else {
		int rc = list_insert(l, i, (struct ckd_extent){ pos, len });

		if (rc)
			return rc;
	}
	if (i + 1 < l->n && l->v[i].pos + l->v[i].len == l->v[i + 1].pos) {
		l->v[i].len += l->v[i + 1].len;
		list_remove(l, i + 1);
	}
	/* Free space touching the end of file moves the end down. */
	if (i + 1 == l->n && l->v[i].pos + l->v[i].len >= s->eof) {
		s->eof = l->v[i].pos;
		list_remove(l, i);
	}
	return 0;
}

int ckd_space_defer(struct ckd_space *s, uint64_t pos, uint64_t len)
{
	if (len == 0)
		return 0;
	return list_insert(&s->pending, s->pending.n,
			   (struct ckd_extent){ pos, len });
}

int ckd_space_commit(struct ckd_space *s)
{
	while (s->pending.n) {
		struct ckd_extent e = s->pending.v[s->pending.n - 1];
		int rc = ckd_space_release(s, e.pos, e.len);

		if (rc)
			return rc;
		s->pending.n--;
	}
	return 0;
}

int ckd_space_alloc(struct ckd_space *s, uint32_t len, bool exact,
		    uint64_t *pos, uint32_t *size)
{
	struct ckd_extent_list *l = &s->free;
	uint64_t top;

	for (size_t i = 0; i < l->n; i++) {
		struct ckd_extent *e = &l->v[i];
		uint64_t left;

		if (e->len < len)
			continue;
		left = e->len - len;
		*pos = e->pos;
		if (left == 0 || (!exact && left < CKD_SPACE_MIN_FREE)) {
			*size = (uint32_t)e->len;
			list_remove(l, i);
			return 0;
		}
		if (left < CKD_SPACE_MIN_FREE)
			continue;
		*size = len;
		e->pos += len;
		e->len = left;
		return 0;
	}
	top = s->limit;
	if (!exact)
		top = s->reserve < top ? top - s->reserve : 0;
	if (s->eof + len > top || s->eof + len < s->eof)
		return -ENOSPC;
	*pos = s->eof;
	*size = len;
	s->eof += len;
	return 0;
}

uint64_t ckd_space_free_total(const struct ckd_space *s, uint64_t *largest)
{
	uint64_t total = 0, big = 0;

	for (size_t i = 0; i < s->free.n; i++) {
		total += s->free.v[i].len;
		if (s->free.v[i].len > big)
			big = s->free.v[i].len;
	}
	if (largest)
		*largest = big;
	return total;
}
