/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CKD track images: parse, validate, build, null tracks
 * (docs/image-format.md "Track image"; layout as in Hercules ckddasd.c,
 * null formats as in Hercules cckddasd.c cckd_null_trk).
 */
#include "image/ckd_track.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/byteorder.h"

_Static_assert(CKD_TRACK_MIN_SIZE == 29, "HA + R0 + EOT");
_Static_assert(CKD_3390_TRACK_SIZE % 512 == 0, "track slots are 512-aligned");
_Static_assert(CKD_3390_TRACK_SIZE >= CKD_HA_SIZE + 2 * CKD_COUNT_SIZE +
	       CKD_R0_DATA_SIZE + 56664 + CKD_EOT_SIZE, "3390 R1 max 56664");
_Static_assert(CKD_3390_TRACK_SIZE <= CKD_MAX_TRACK_SIZE, "fits the API limit");

void ckd_count_load(struct ckd_count *c, const uint8_t *p)
{
	c->cyl = ld_be16(p);
	c->head = ld_be16(p + 2);
	c->rec = p[4];
	c->kl = p[5];
	c->dl = ld_be16(p + 6);
}

void ckd_count_store(uint8_t *p, const struct ckd_count *c)
{
	st_be16(p, c->cyl);
	st_be16(p + 2, c->head);
	p[4] = c->rec;
	p[5] = c->kl;
	st_be16(p + 6, c->dl);
}

bool ckd_is_eot(const uint8_t *p)
{
	static const uint8_t eot[CKD_EOT_SIZE] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	return memcmp(p, eot, CKD_EOT_SIZE) == 0;
}

static int fault(struct ckd_track_fault *f, size_t offset, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

static int fault(struct ckd_track_fault *f, size_t offset, const char *fmt,
		 ...)
{
	va_list ap;

	if (f) {
		f->offset = offset;
		va_start(ap, fmt);
		vsnprintf(f->what, sizeof(f->what), fmt, ap);
		va_end(ap);
	}
	return -EUCLEAN;
}

int ckd_track_next(const uint8_t *trk, size_t len, size_t *pos,
		   struct ckd_record *rec, struct ckd_track_fault *f)
{
	size_t p = *pos;

	if (p > len || len - p < CKD_EOT_SIZE)
		return fault(f, p, "no end-of-track marker (track ends at %u)",
			     (unsigned int)len);
	if (ckd_is_eot(trk + p))
		return 0;
	if (len - p < CKD_COUNT_SIZE + CKD_EOT_SIZE)
		return fault(f, p, "count field at %u runs past the track end",
			     (unsigned int)p);
	ckd_count_load(&rec->count, trk + p);
	rec->offset = p;
	p += CKD_COUNT_SIZE;
	if ((size_t)rec->count.kl + rec->count.dl > len - p - CKD_EOT_SIZE)
		return fault(f, rec->offset,
			     "R%u key and data (%u bytes) run past the track end",
			     rec->count.rec,
			     (unsigned int)rec->count.kl + rec->count.dl);
	rec->key = trk + p;
	rec->data = trk + p + rec->count.kl;
	*pos = p + rec->count.kl + rec->count.dl;
	return 1;
}

int ckd_track_measure(const uint8_t *buf, size_t size, size_t *len,
		      struct ckd_track_fault *f)
{
	struct ckd_record rec;
	size_t pos = CKD_HA_SIZE;
	int rc;

	while ((rc = ckd_track_next(buf, size, &pos, &rec, f)) > 0)
		;
	if (rc < 0)
		return rc;
	*len = pos + CKD_EOT_SIZE;
	return 0;
}

static int check_r0(const struct ckd_record *r0, uint16_t cyl, uint16_t head,
		    struct ckd_track_fault *f)
{
	const struct ckd_count *c = &r0->count;

	if (c->rec != 0)
		return fault(f, r0->offset, "first record is R%u, not R0",
			     c->rec);
	if (c->cyl != cyl || c->head != head)
		return fault(f, r0->offset, "R0 count CCHH %04x%04x differs "
			     "from the home address", c->cyl, c->head);
	if (c->kl != 0 || c->dl != CKD_R0_DATA_SIZE)
		return fault(f, r0->offset, "R0 key/data length %u/%u, "
			     "not 0/8", c->kl, c->dl);
	return 0;
}

int ckd_track_check(const struct ckd_geometry *geo, uint32_t trk,
		    const uint8_t *t, size_t len, struct ckd_track_fault *f)
{
	uint16_t cyl = (uint16_t)(trk / geo->heads);
	uint16_t head = (uint16_t)(trk % geo->heads);
	struct ckd_record rec;
	size_t pos = CKD_HA_SIZE;
	unsigned int n = 0;
	int rc;

	if (len < CKD_TRACK_MIN_SIZE)
		return fault(f, 0, "track image of %u bytes is shorter than "
			     "HA + R0 + end marker (%u)", (unsigned int)len,
			     CKD_TRACK_MIN_SIZE);
	if (len > geo->trksize)
		return fault(f, 0, "track image of %u bytes exceeds the "
			     "track size %u", (unsigned int)len, geo->trksize);
	if (t[0] != 0)
		return fault(f, 0, "home address flag byte 0x%02x (must be 0)",
			     t[0]);
	if (ld_be16(t + 1) != cyl || ld_be16(t + 3) != head)
		return fault(f, 1, "home address CCHH %04x%04x is not this "
			     "track's", ld_be16(t + 1), ld_be16(t + 3));
	while ((rc = ckd_track_next(t, len, &pos, &rec, f)) > 0) {
		if (n == 0) {
			rc = check_r0(&rec, cyl, head, f);
			if (rc)
				return rc;
		} else if (rec.count.rec == 0) {
			return fault(f, rec.offset, "record %u after R0 has "
				     "record number 0", n);
		} else if (rec.count.head >= geo->heads) {
			return fault(f, rec.offset, "R%u count head %u is not "
				     "below the heads per cylinder",
				     rec.count.rec, rec.count.head);
		}
		n++;
	}
	if (rc < 0)
		return rc;
	if (n == 0)
		return fault(f, CKD_HA_SIZE, "track has no R0");
	if (pos + CKD_EOT_SIZE != len)
		return fault(f, pos, "%u bytes follow the end-of-track marker",
			     (unsigned int)(len - pos - CKD_EOT_SIZE));
	return 0;
}

/* ---- building ---- */

static uint8_t *reserve(struct ckd_track_builder *b, size_t n)
{
	uint8_t *p;

	if (b->overflow || b->size - b->len < n) {
		b->overflow = true;
		return NULL;
	}
	p = b->buf + b->len;
	b->len += n;
	return p;
}

static void put_record(struct ckd_track_builder *b, uint8_t rec,
		       const uint8_t *key, uint8_t kl,
		       const uint8_t *data, uint16_t dl)
{
	struct ckd_count c = {
		.cyl = b->cyl, .head = b->head, .rec = rec, .kl = kl, .dl = dl,
	};
	uint8_t *p = reserve(b, CKD_COUNT_SIZE + (size_t)kl + dl);

	if (!p)
		return;
	ckd_count_store(p, &c);
	p += CKD_COUNT_SIZE;
	if (key)
		memcpy(p, key, kl);
	else
		memset(p, 0, kl);
	p += kl;
	if (data)
		memcpy(p, data, dl);
	else
		memset(p, 0, dl);
}

void ckd_track_begin(struct ckd_track_builder *b, uint8_t *buf, size_t size,
		     uint16_t cyl, uint16_t head)
{
	uint8_t *ha;

	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->cyl = cyl;
	b->head = head;
	b->overflow = false;
	ha = reserve(b, CKD_HA_SIZE);
	if (!ha)
		return;
	ha[0] = 0;
	st_be16(ha + 1, cyl);
	st_be16(ha + 3, head);
	put_record(b, 0, NULL, 0, NULL, CKD_R0_DATA_SIZE);
}

void ckd_track_add(struct ckd_track_builder *b, uint8_t rec,
		   const uint8_t *key, uint8_t kl,
		   const uint8_t *data, uint16_t dl)
{
	put_record(b, rec, key, kl, data, dl);
}

size_t ckd_track_finish(struct ckd_track_builder *b)
{
	uint8_t *p = reserve(b, CKD_EOT_SIZE);

	if (!p)
		return 0;
	memset(p, 0xff, CKD_EOT_SIZE);
	return b->len;
}

/* ---- null tracks ---- */

size_t ckd_track_null_size(enum ckd_null_format fmt)
{
	switch (fmt) {
	case CKD_NULL_R0:
		return CKD_TRACK_MIN_SIZE;
	case CKD_NULL_R1EOF:
		return CKD_TRACK_MIN_SIZE + CKD_COUNT_SIZE;
	case CKD_NULL_LINUX:
		return CKD_TRACK_MIN_SIZE + CKD_LINUX_BLOCKS *
		       (CKD_COUNT_SIZE + CKD_LINUX_BLOCK_SIZE);
	}
	return 0;
}

size_t ckd_track_null(uint8_t *buf, size_t size, uint16_t cyl, uint16_t head,
		      enum ckd_null_format fmt)
{
	struct ckd_track_builder b;

	if (ckd_track_null_size(fmt) == 0)
		return 0;
	ckd_track_begin(&b, buf, size, cyl, head);
	if (fmt == CKD_NULL_R1EOF)
		ckd_track_add(&b, 1, NULL, 0, NULL, 0);
	else if (fmt == CKD_NULL_LINUX)
		for (unsigned int r = 1; r <= CKD_LINUX_BLOCKS; r++)
			ckd_track_add(&b, (uint8_t)r, NULL, 0, NULL,
				      CKD_LINUX_BLOCK_SIZE);
	return ckd_track_finish(&b);
}

/* Does the Linux null track match: 12 counts R1-R12 0/4096, zero data? */
static bool is_linux_null(const uint8_t *t, size_t len, uint16_t cyl,
			  uint16_t head)
{
	size_t pos = CKD_TRACK_MIN_SIZE - CKD_EOT_SIZE;

	for (unsigned int r = 1; r <= CKD_LINUX_BLOCKS; r++) {
		struct ckd_count c;

		ckd_count_load(&c, t + pos);
		if (c.cyl != cyl || c.head != head || c.rec != r || c.kl != 0 ||
		    c.dl != CKD_LINUX_BLOCK_SIZE)
			return false;
		pos += CKD_COUNT_SIZE;
		for (size_t i = 0; i < CKD_LINUX_BLOCK_SIZE; i++)
			if (t[pos + i])
				return false;
		pos += CKD_LINUX_BLOCK_SIZE;
	}
	return pos + CKD_EOT_SIZE == len && ckd_is_eot(t + pos);
}

int ckd_track_null_match(const uint8_t *t, size_t len, uint16_t cyl,
			 uint16_t head)
{
	uint8_t small[CKD_TRACK_MIN_SIZE + CKD_COUNT_SIZE];
	size_t n;

	if (len == ckd_track_null_size(CKD_NULL_R0) ||
	    len == ckd_track_null_size(CKD_NULL_R1EOF)) {
		enum ckd_null_format fmt = len == CKD_TRACK_MIN_SIZE ?
					   CKD_NULL_R0 : CKD_NULL_R1EOF;

		n = ckd_track_null(small, sizeof(small), cyl, head, fmt);
		return n == len && memcmp(small, t, len) == 0 ? (int)fmt : -1;
	}
	if (len != ckd_track_null_size(CKD_NULL_LINUX))
		return -1;
	/* HA and R0 as built, then the 12 blocks. */
	n = ckd_track_null(small, sizeof(small), cyl, head, CKD_NULL_R0);
	if (n == 0 || memcmp(small, t, n - CKD_EOT_SIZE) != 0)
		return -1;
	return is_linux_null(t, len, cyl, head) ? CKD_NULL_LINUX : -1;
}
