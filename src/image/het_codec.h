/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Record compression of Hercules Emulated Tape files (HET; facts from
 * Hercules' hetlib.h / hetlib.c, docs/research/tape-3490.md section 5).
 * A HET record is an AWSTAPE record whose bytes may be one compressed
 * stream, named by the chunk headers' flags: flags1 0x01 a zlib stream
 * (RFC 1950, as zlib's compress2), flags1 0x02 a bzip2 stream, flags2
 * 0x80 a zlib stream written by Bus-Tech software. Every chunk of the
 * record carries the same bits. A record decompresses to at most
 * HET_MAX_BLOCK bytes.
 *
 * Writing (the HET default): zlib at level HET_ZLIB_LEVEL, kept only
 * when shorter than the record.
 */
#ifndef CCWPASS_IMAGE_HET_CODEC_H
#define CCWPASS_IMAGE_HET_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HET_MAX_BLOCK   65535u  /* HETMAX_BLOCKSIZE, before and after */
#define HET_ZLIB_LEVEL  4       /* HETDFLT_LEVEL */

#define HET_F1_COMPRESS 0x03    /* flags1: the method's bits */
#define HET_F1_ZLIB     0x01
#define HET_F1_BZIP2    0x02
#define HET_F2_COMPRESS 0x80    /* flags2: the method's bit */
#define HET_F2_BUSTECH  0x80    /* Bus-Tech zlib */

enum het_method {
	HET_NONE = 0,
	HET_ZLIB,
	HET_BZIP2,
	HET_BUSTECH_ZLIB,
};

/*
 * The method a chunk's flags name. Returns an het_method, or -EIO for
 * flags1 bits 0x03 together (no such method) or compression bits in both
 * flags bytes (Hercules' HETE_UNKMETH / HETE_BADCOMPRESS).
 */
int het_method_of(uint8_t flags1, uint8_t flags2);

/* The flags1 / flags2 bits that name method (0 for HET_NONE). */
uint8_t het_method_flags1(enum het_method m);

/* A codec's zlib streams, set up on first use and kept (reset per
 * record). One user at a time. Zero-initialise; het_codec_free at the
 * end. */
struct het_codec {
	void *deflate, *inflate;   /* z_stream *, NULL until used */
};

void het_codec_free(struct het_codec *c);

/*
 * Compress in[0..len) with zlib at HET_ZLIB_LEVEL into out[0..outsize).
 * Returns the compressed length when it is shorter than len and fits
 * outsize; 0 to store the record as it is (not shorter, or zlib failed).
 */
size_t het_compress(struct het_codec *c, uint8_t *out, size_t outsize,
		    const uint8_t *in, size_t len);

/*
 * Decompress in[0..inlen), a stream of method m, into out[0..outsize).
 * Returns 0 with *outlen; -EIO with *why for a damaged or truncated
 * stream, one that expands past outsize, or bzip2 in a build without it;
 * -ENOMEM with *why.
 */
int het_decompress(struct het_codec *c, enum het_method m, uint8_t *out,
		   size_t outsize, size_t *outlen, const uint8_t *in,
		   size_t inlen, const char **why);

/* Whether this build reads bzip2-compressed records. */
bool het_have_bzip2(void);

#endif
