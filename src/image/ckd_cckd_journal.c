/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CCKD / CCKD64 journal: ccwpass's own, invisible to Hercules
 * (docs/image-format.md "The journal"). It lets a sync be durable with one
 * fdatasync: the sync's new L2 tables are named by a record in a ring of
 * slots in the file's space, and the L1 entries follow in place with the
 * next sync. Found through a private area in bytes 448-511 of the
 * compressed header, which Hercules and Hyperion reserve, read and write
 * back unchanged (cckddasd.c, cckddasd64.c, cckdutil*.c copy the whole
 * header). Every field is little-endian, whatever the file's byte order.
 *
 *  private area (header offset 448, 64 bytes)
 *     0  magic "CCWPJRNL"       8
 *     8  version 1               4
 *    12  CRC-32 of header bytes 0-447 as ccwpass wrote them (a header
 *        written by anyone else disowns the journal)
 *    16  offset of slot 0        8
 *    24  slot size               4
 *    28  slot count              4
 *    32  journal id (random)     8
 *    40  checkpoint: records up to this sequence number are in the L1
 *        table in place          8
 *    48  zero                   12
 *    60  CRC-32 of bytes 0-59    4
 *
 *  record (slot seq % count)
 *     0  magic "CCWPJREC"        8
 *     8  journal id              8
 *    16  sequence number         8
 *    24  length in bytes         4
 *    28  table entries ntab      2
 *    30  track entries ntrk      2
 *    32  ntab x {L1 index 4, CRC-32 of the L2 table 4, its offset 8
 *        (0: the table was dropped, CRC 0)}
 *     .  ntrk x {track 4, CRC-32 of its stored image 4}: the images this
 *        sync wrote (the L2 table gives position and length)
 *   len-4  CRC-32 of bytes 0 .. len-5
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#ifdef CCWPASS_HAVE_ISAL
#include <isa-l/crc.h>
#endif

#include "common/byteorder.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_io.h"

static const char AREA_MAGIC[8] = "CCWPJRNL";
static const char REC_MAGIC[8] = "CCWPJREC";
#define AREA_VERSION 1

enum {
	A_MAGIC = 0, A_VERSION = 8, A_HDRCRC = 12, A_POS = 16, A_SLOT = 24,
	A_NSLOTS = 28, A_ID = 32, A_CKPT = 40, A_CRC = 60,
};
_Static_assert(A_CRC + 4 == CCKD_JRN_AREA_SIZE, "private area size");
_Static_assert(CCKD_JRN_AREA_POS + CCKD_JRN_AREA_SIZE == CCKD_HDR_SIZE,
	       "the private area ends the compressed header");
/* Both formats' fields end well before it (CCKD 48, CCKD64 76). */
_Static_assert(CCKD_JRN_AREA_POS >= 76, "private area in reserved bytes");

enum {
	R_MAGIC = 0, R_ID = 8, R_SEQ = 16, R_LEN = 24, R_NTAB = 28,
	R_NTRK = 30, R_HDR = 32,
};
#define R_TAB   16                  /* table entry */
#define R_TRK   8                   /* track entry */
#define R_CRC   4                   /* trailing checksum */

uint32_t cckd_jrn_slot_size = CCKD_JRN_SLOT;

/* The CRC-32 of zlib's crc32() (gzip's, reflected); ISA-L's
 * crc32_gzip_refl() is the same function, folded with carry-less
 * multiplication: ~1 us instead of ~10 for a 3390 track. */
uint32_t cckd_crc32(const uint8_t *p, size_t n)
{
#ifdef CCWPASS_HAVE_ISAL
	return crc32_gzip_refl(0, p, n);
#else
	return (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), p, n);
#endif
}

void cckd_jrn_area_store(uint8_t *raw, const struct cckd_jrn_area *a)
{
	uint8_t *p = raw + CCKD_JRN_AREA_POS;

	memset(p, 0, CCKD_JRN_AREA_SIZE);
	memcpy(p + A_MAGIC, AREA_MAGIC, 8);
	st_le32(p + A_VERSION, AREA_VERSION);
	st_le32(p + A_HDRCRC, cckd_crc32(raw, CCKD_JRN_AREA_POS));
	st_le64(p + A_POS, a->pos);
	st_le32(p + A_SLOT, a->slot);
	st_le32(p + A_NSLOTS, a->nslots);
	st_le64(p + A_ID, a->id);
	st_le64(p + A_CKPT, a->ckpt);
	st_le32(p + A_CRC, cckd_crc32(p, A_CRC));
}

int cckd_jrn_area_load(const uint8_t *raw, struct cckd_jrn_area *a)
{
	const uint8_t *p = raw + CCKD_JRN_AREA_POS;

	if (memcmp(p + A_MAGIC, AREA_MAGIC, 8) ||
	    ld_le32(p + A_VERSION) != AREA_VERSION ||
	    ld_le32(p + A_CRC) != cckd_crc32(p, A_CRC))
		return 0;
	a->pos = ld_le64(p + A_POS);
	a->slot = ld_le32(p + A_SLOT);
	a->nslots = ld_le32(p + A_NSLOTS);
	a->id = ld_le64(p + A_ID);
	a->ckpt = ld_le64(p + A_CKPT);
	if (ld_le32(p + A_HDRCRC) != cckd_crc32(raw, CCKD_JRN_AREA_POS))
		return -1;
	/* Slots of whole sectors; at least the three a replay can need. */
	if (a->pos == 0 || a->slot < 512 || a->slot > CCKD_IO_SIZE ||
	    a->slot % 512 || a->nslots < 3 || a->nslots > 256 ||
	    a->pos + (uint64_t)a->slot * a->nslots < a->pos)
		return -1;
	return 1;
}

uint64_t cckd_jrn_new_id(void)
{
	uint64_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() ^
		     (uint64_t)clock();
	return id;
}

/* ---- writing ---- */

size_t cckd_jrn_record(const struct cckd_image *c, uint64_t seq,
		       const uint64_t *newl1, uint8_t *rec)
{
	uint8_t raw[CCKD_L2TAB_MAX];
	uint32_t ntab = 0, ntrk = 0;
	size_t len, at, tat;

	for (uint32_t i = 0; i < c->nl1; i++) {
		if (!c->l2_dirty[i])
			continue;
		ntab++;
		for (uint32_t j = 0; newl1[i] && j < CCKD_L2_ENTRIES; j++)
			ntrk += c->l2[i][j].pos &&
				cckd_fresh(c, i * CCKD_L2_ENTRIES + j);
	}
	len = R_HDR + (size_t)ntab * R_TAB + (size_t)ntrk * R_TRK + R_CRC;
	if (len > c->jrn.area.slot || ntab > 0xffff || ntrk > 0xffff)
		return 0;
	memcpy(rec + R_MAGIC, REC_MAGIC, 8);
	st_le64(rec + R_ID, c->jrn.area.id);
	st_le64(rec + R_SEQ, seq);
	st_le32(rec + R_LEN, (uint32_t)len);
	st_le16(rec + R_NTAB, (uint16_t)ntab);
	st_le16(rec + R_NTRK, (uint16_t)ntrk);
	at = R_HDR;
	tat = R_HDR + (size_t)ntab * R_TAB;
	for (uint32_t i = 0; i < c->nl1; i++) {
		uint32_t tcrc = 0;

		if (!c->l2_dirty[i])
			continue;
		if (newl1[i]) {
			cckd_l2_encode(c, raw, c->l2[i]);
			tcrc = cckd_crc32(raw, cckd_l2tab_size(c->fmt));
		}
		st_le32(rec + at, i);
		st_le32(rec + at + 4, tcrc);
		st_le64(rec + at + 8, newl1[i]);
		at += R_TAB;
		for (uint32_t j = 0; newl1[i] && j < CCKD_L2_ENTRIES; j++) {
			uint32_t trk = i * CCKD_L2_ENTRIES + j;

			if (!c->l2[i][j].pos || !cckd_fresh(c, trk))
				continue;
			st_le32(rec + tat, trk);
			st_le32(rec + tat + 4, c->l2[i][j].crc);
			tat += R_TRK;
		}
	}
	st_le32(rec + len - R_CRC, cckd_crc32(rec, len - R_CRC));
	return len;
}

/* ---- replay ---- */

struct replay {
	struct ckd_image *img;
	struct cckd_image *c;
	const struct cckd_jrn_area *a;
	uint64_t lo, fsize;           /* the data area */
	uint8_t *rec;                 /* a slot */
	struct cckd_l2ent tab[CCKD_L2_ENTRIES];
};

/* [pos, pos+len) inside the data area and clear of the journal. */
static bool in_data(const struct replay *r, uint64_t pos, uint64_t len)
{
	uint64_t jend = r->a->pos + (uint64_t)r->a->slot * r->a->nslots;

	return pos >= r->lo && pos <= r->fsize && len <= r->fsize - pos &&
	       (pos + len <= r->a->pos || pos >= jend);
}

static bool read_crc(const struct replay *r, uint64_t pos, size_t len,
		     uint8_t *buf, uint32_t want)
{
	return in_data(r, pos, len) &&
	       ckd_pread_full(r->c->fd, buf, len, pos) == 0 &&
	       cckd_crc32(buf, len) == want;
}

/* Record seq, read and checked by itself. Returns its length or 0. */
static size_t load_record(const struct replay *r, uint64_t seq)
{
	uint64_t at = r->a->pos + (seq % r->a->nslots) * r->a->slot;
	uint8_t *p = r->rec;
	size_t len;

	if (ckd_pread_full(r->c->fd, p, R_HDR, at) < 0 ||
	    memcmp(p + R_MAGIC, REC_MAGIC, 8) ||
	    ld_le64(p + R_ID) != r->a->id || ld_le64(p + R_SEQ) != seq)
		return 0;
	len = ld_le32(p + R_LEN);
	if (len > r->a->slot || len != R_HDR + ld_le16(p + R_NTAB) * R_TAB +
	    (size_t)ld_le16(p + R_NTRK) * R_TRK + R_CRC ||
	    ckd_pread_full(r->c->fd, p + R_HDR, len - R_HDR, at + R_HDR) < 0 ||
	    ld_le32(p + len - R_CRC) != cckd_crc32(p, len - R_CRC))
		return 0;
	return len;
}

/* Does the track entry at e name an image of one of the record's tables
   that is intact? */
static bool check_track(struct replay *r, const uint8_t *e, uint32_t ntab)
{
	struct cckd_image *c = r->c;
	uint32_t trk = ld_le32(e), l1x = trk / CCKD_L2_ENTRIES;
	uint8_t raw[CCKD_L2TAB_MAX];
	const struct cckd_l2ent *t;
	uint64_t tab = 0;

	for (uint32_t i = 0; i < ntab; i++)
		if (ld_le32(r->rec + R_HDR + i * R_TAB) == l1x)
			tab = ld_le64(r->rec + R_HDR + i * R_TAB + 8);
	if (!tab || trk >= ckd_image_tracks(r->img) ||
	    ckd_pread_full(c->fd, raw, cckd_l2tab_size(c->fmt), tab) < 0)
		return false;
	cckd_l2_decode(c, r->tab, raw);
	t = &r->tab[trk % CCKD_L2_ENTRIES];
	return t->pos &&
	       read_crc(r, t->pos, t->len, c->io, ld_le32(e + 4));
}

/* Check every table and image the loaded record names. */
static bool check_record(struct replay *r)
{
	struct cckd_image *c = r->c;
	uint32_t ntab = ld_le16(r->rec + R_NTAB), ntrk = ld_le16(r->rec + R_NTRK);
	uint32_t tabsize = cckd_l2tab_size(c->fmt);
	uint8_t raw[CCKD_L2TAB_MAX];

	for (uint32_t i = 0; i < ntab; i++) {
		const uint8_t *e = r->rec + R_HDR + i * R_TAB;
		uint64_t pos = ld_le64(e + 8);

		if (ld_le32(e) >= c->nl1)
			return false;
		for (uint32_t j = 0; j < i; j++)
			if (ld_le32(r->rec + R_HDR + j * R_TAB) == ld_le32(e))
				return false;
		if (pos == 0 ? ld_le32(e + 4) != 0 :
		    !read_crc(r, pos, tabsize, raw, ld_le32(e + 4)))
			return false;
	}
	for (uint32_t i = 0; i < ntrk; i++)
		if (!check_track(r, r->rec + R_HDR + ntab * R_TAB + i * R_TRK,
				 ntab))
			return false;
	return true;
}

int64_t cckd_jrn_replay(struct ckd_image *img, struct cckd_image *c,
			const struct cckd_jrn_area *a, uint64_t data_lo,
			uint64_t fsize)
{
	struct replay *r = calloc(1, sizeof(*r));
	uint64_t seq = a->ckpt + 1;
	int64_t n = 0;

	if (!r || !(r->rec = malloc(a->slot))) {
		free(r);
		return -ENOMEM;
	}
	*r = (struct replay){ .img = img, .c = c, .a = a, .lo = data_lo,
			      .fsize = fsize, .rec = r->rec };
	while (load_record(r, seq) && check_record(r)) {
		uint32_t ntab = ld_le16(r->rec + R_NTAB);

		for (uint32_t i = 0; i < ntab; i++) {
			const uint8_t *e = r->rec + R_HDR + i * R_TAB;

			c->l1[ld_le32(e)] = ld_le64(e + 8);
		}
		seq++;
		n++;
	}
	free(r->rec);
	free(r);
	return n;
}
