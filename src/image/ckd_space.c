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

int ckd_space_defer(struct ckd_space *s, uint64_t pos, uint64_t len,
		    uint64_t gen)
{
	struct ckd_deferred_list *l = &s->pending;

	if (len == 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ckd_deferred *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct ckd_deferred){ pos, len, gen };
	return 0;
}

int ckd_space_commit(struct ckd_space *s, uint64_t gen)
{
	struct ckd_deferred_list *l = &s->pending;
	size_t keep = 0;
	int err = 0;

	/* Generations are deferred in increasing order, mostly: keep the
	   list's order for what stays. */
	for (size_t i = 0; i < l->n; i++) {
		int rc = 1;

		if (l->v[i].gen <= gen && !err)
			rc = ckd_space_release(s, l->v[i].pos, l->v[i].len);
		if (rc < 0)
			err = rc;
		if (rc != 0)
			l->v[keep++] = l->v[i];
	}
	l->n = keep;
	return err;
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

int ckd_space_alloc_aligned(struct ckd_space *s, uint32_t len, uint32_t align,
			    uint64_t *pos)
{
	struct ckd_extent_list *l = &s->free;
	uint64_t at, end;
	size_t i;

	for (i = 0; i < l->n; i++) {
		at = (l->v[i].pos + align - 1) & ~(uint64_t)(align - 1);
		if (at + len <= l->v[i].pos + l->v[i].len)
			break;
	}
	if (i == l->n) {
		uint64_t top = s->reserve < s->limit ? s->limit - s->reserve : 0;

		at = (s->eof + align - 1) & ~(uint64_t)(align - 1);
		if (at + len > top || at + len < at)
			return -ENOSPC;
		end = s->eof;
		s->eof = at + len;
		/* The skipped bytes are free space below the new end. */
		if (at > end && ckd_space_release(s, end, at - end) < 0) {
			s->eof = end;
			return -ENOMEM;
		}
		*pos = at;
		return 0;
	}
	/* Split the extent into what lies before and after [at, at+len). */
	end = l->v[i].pos + l->v[i].len;
	if (at == l->v[i].pos) {
		l->v[i].pos += len;
		l->v[i].len -= len;
		if (l->v[i].len == 0)
			list_remove(l, i);
	} else {
		l->v[i].len = at - l->v[i].pos;
		if (at + len < end &&
		    list_insert(l, i + 1, (struct ckd_extent){ at + len,
							 end - at - len }) < 0) {
			l->v[i].len = end - l->v[i].pos;
			return -ENOMEM;
		}
	}
	*pos = at;
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
