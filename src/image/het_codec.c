/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HET record compression (see het_codec.h; Hercules hetlib.c). */
#include "image/het_codec.h"

#include <errno.h>
#include <stdlib.h>
#include <zlib.h>
#ifdef CCWPASS_HAVE_BZIP2
#include <bzlib.h>
#endif

bool het_have_bzip2(void)
{
#ifdef CCWPASS_HAVE_BZIP2
	return true;
#else
	return false;
#endif
}

int het_method_of(uint8_t flags1, uint8_t flags2)
{
	uint8_t m1 = flags1 & HET_F1_COMPRESS, m2 = flags2 & HET_F2_COMPRESS;

	if (m1 && m2)
		return -EIO;
	if (m2)
		return HET_BUSTECH_ZLIB;
	switch (m1) {
	case 0:
		return HET_NONE;
	case HET_F1_ZLIB:
		return HET_ZLIB;
	case HET_F1_BZIP2:
		return HET_BZIP2;
	default:
		return -EIO;
	}
}

uint8_t het_method_flags1(enum het_method m)
{
	return m == HET_ZLIB ? HET_F1_ZLIB : m == HET_BZIP2 ? HET_F1_BZIP2 : 0;
}

void het_codec_free(struct het_codec *c)
{
	if (c->deflate) {
		deflateEnd(c->deflate);
		free(c->deflate);
	}
	if (c->inflate) {
		inflateEnd(c->inflate);
		free(c->inflate);
	}
	c->deflate = c->inflate = NULL;
}

/* A new z_stream set up by init (deflate or inflate), or NULL. */
static z_stream *stream_new(bool deflater)
{
	z_stream *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return NULL;
	rc = deflater ? deflateInit(s, HET_ZLIB_LEVEL) : inflateInit(s);
	if (rc != Z_OK) {
		free(s);
		return NULL;
	}
	return s;
}

size_t het_compress(struct het_codec *c, uint8_t *out, size_t outsize,
		    const uint8_t *in, size_t len)
{
	z_stream *s;

	if (!c->deflate)
		c->deflate = stream_new(true);
	s = c->deflate;
	if (!s || len > HET_MAX_BLOCK || deflateReset(s) != Z_OK)
		return 0;
	/* Only shorter is worth storing: room for len - 1 bytes at most. */
	if (outsize >= len)
		outsize = len ? len - 1 : 0;
	s->next_in = (Bytef *)(uintptr_t)in;
	s->avail_in = (uInt)len;
	s->next_out = out;
	s->avail_out = (uInt)outsize;
	return deflate(s, Z_FINISH) == Z_STREAM_END ? (size_t)s->total_out : 0;
}

static int inflate_zlib(struct het_codec *c, uint8_t *out, size_t outsize,
			size_t *outlen, const uint8_t *in, size_t inlen,
			const char **why)
{
	z_stream *s;
	int rc;

	if (!c->inflate)
		c->inflate = stream_new(false);
	s = c->inflate;
	if (!s || inflateReset(s) != Z_OK) {
		*why = "out of memory for zlib";
		return -ENOMEM;
	}
	s->next_in = (Bytef *)(uintptr_t)in;
	s->avail_in = (uInt)inlen;
	s->next_out = out;
	s->avail_out = (uInt)outsize;
	rc = inflate(s, Z_FINISH);
	if (rc == Z_STREAM_END) {
		*outlen = s->total_out;
		return 0;
	}
	if (rc == Z_BUF_ERROR && !s->avail_out)
		*why = "zlib record expands past 65535 bytes";
	else if (rc == Z_BUF_ERROR)
		*why = "zlib record cut short";
	else if (rc == Z_MEM_ERROR)
		*why = "out of memory for zlib";
	else
		*why = "zlib record damaged";
	return rc == Z_MEM_ERROR ? -ENOMEM : -EIO;
}

static int inflate_bzip2(uint8_t *out, size_t outsize, size_t *outlen,
			 const uint8_t *in, size_t inlen, const char **why)
{
#ifdef CCWPASS_HAVE_BZIP2
	unsigned int n = (unsigned int)outsize;
	int rc = BZ2_bzBuffToBuffDecompress((char *)out, &n,
					    (char *)(uintptr_t)in,
					    (unsigned int)inlen, 0, 0);

	switch (rc) {
	case BZ_OK:
		*outlen = n;
		return 0;
	case BZ_OUTBUFF_FULL:
		*why = "bzip2 record expands past 65535 bytes";
		return -EIO;
	case BZ_UNEXPECTED_EOF:
		*why = "bzip2 record cut short";
		return -EIO;
	case BZ_MEM_ERROR:
		*why = "out of memory for bzip2";
		return -ENOMEM;
	default:
		*why = "bzip2 record damaged";
		return -EIO;
	}
#else
	(void)out; (void)outsize; (void)outlen; (void)in; (void)inlen;
	*why = "bzip2-compressed record (this build has no bzip2)";
	return -EIO;
#endif
}

int het_decompress(struct het_codec *c, enum het_method m, uint8_t *out,
		   size_t outsize, size_t *outlen, const uint8_t *in,
		   size_t inlen, const char **why)
{
	if (outsize > HET_MAX_BLOCK)
		outsize = HET_MAX_BLOCK;
	switch (m) {
	case HET_ZLIB:
	case HET_BUSTECH_ZLIB:
		return inflate_zlib(c, out, outsize, outlen, in, inlen, why);
	case HET_BZIP2:
		return inflate_bzip2(out, outsize, outlen, in, inlen, why);
	default:
		*why = "no compression method";
		return -EIO;
	}
}
