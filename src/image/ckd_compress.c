/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CCKD track image compression (see ckd_compress.h; Hercules cckddasd.c). */
#include "image/ckd_compress.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef CCWPASS_HAVE_BZIP2
#include <bzlib.h>
#endif

#include "image/ckd_header.h"
#include "image/ckd_track.h"

bool ckd_have_bzip2(void)
{
#ifdef CCWPASS_HAVE_BZIP2
	return true;
#else
	return false;
#endif
}

/*
 * zlib streams kept per thread for good: compress2() and uncompress() set
 * up and tear down ~300 KB of state on every call, which glibc then gives
 * back to the kernel (madvise) and takes again (page faults) - per track a
 * guest writes. A reset stream costs nothing of that.
 */
struct zstreams {
	z_stream probe;               /* deflate, Z_BEST_SPEED */
	z_stream full;                /* deflate, at full_level */
	z_stream inflate;
	int full_level;
	bool probe_ok, full_ok, inflate_ok;
};

static pthread_key_t zkey;
static pthread_once_t zonce = PTHREAD_ONCE_INIT;

static void zstreams_free(void *opaque)
{
	struct zstreams *z = opaque;

	if (z->probe_ok)
		deflateEnd(&z->probe);
	if (z->full_ok)
		deflateEnd(&z->full);
	if (z->inflate_ok)
		inflateEnd(&z->inflate);
	free(z);
}

static void zkey_make(void)
{
	pthread_key_create(&zkey, zstreams_free);
}

/* This thread's streams (NULL when out of memory). */
static struct zstreams *zstreams(void)
{
	struct zstreams *z;

	pthread_once(&zonce, zkey_make);
	z = pthread_getspecific(zkey);
	if (!z) {
		z = calloc(1, sizeof(*z));
		if (z && pthread_setspecific(zkey, z) != 0) {
			free(z);
			z = NULL;
		}
	}
	return z;
}

/*
 * in[0..inlen) deflated in one go into out[0..outsize): the length, or 0
 * when it does not fit (or zlib fails). Output as compress2()'s: a zlib
 * stream.
 */
static size_t deflate_once(z_stream *s, const uint8_t *in, size_t inlen,
			   uint8_t *out, size_t outsize)
{
	if (deflateReset(s) != Z_OK)
		return 0;
	s->next_in = (Bytef *)(uintptr_t)in;
	s->avail_in = (uInt)inlen;
	s->next_out = out;
	s->avail_out = (uInt)outsize;
	return deflate(s, Z_FINISH) == Z_STREAM_END ? (size_t)s->total_out : 0;
}

/* Set up z->probe / z->full (at level) on first use. */
static z_stream *deflater(struct zstreams *z, bool probe, int level)
{
	if (probe) {
		if (!z->probe_ok)
			z->probe_ok = deflateInit(&z->probe, Z_BEST_SPEED) == Z_OK;
		return z->probe_ok ? &z->probe : NULL;
	}
	if (z->full_ok && z->full_level != level) {
		if (deflateParams(&z->full, level, Z_DEFAULT_STRATEGY) != Z_OK) {
			deflateEnd(&z->full);
			z->full_ok = false;
		}
		z->full_level = level;
	}
	if (!z->full_ok) {
		z->full_ok = deflateInit(&z->full, level) == Z_OK;
		z->full_level = level;
	}
	return z->full_ok ? &z->full : NULL;
}

/*
 * Do n bytes look like uniformly random bytes (encrypted or already
 * compressed data)? Their byte histogram is as flat as chance makes it:
 * the sum of the squared counts, n + n(n-1)/256 expected for random
 * bytes, stays below 5/4 of that. Any text, table, code or block with
 * runs lies far above (half zeros alone: ~60 times). A few microseconds
 * where zlib's fastest level spends some 100 on 4 KiB. Data that is
 * random but repeats within the window (one random block copied) lies
 * above the bound and goes to zlib.
 */
static bool looks_random(const uint8_t *p, size_t n)
{
	uint32_t count[256] = { 0 };
	uint64_t sumsq = 0, expect;

	for (size_t i = 0; i < n; i++)
		count[p[i]]++;
	for (int v = 0; v < 256; v++)
		sumsq += (uint64_t)count[v] * count[v];
	expect = n + (uint64_t)n * (n - 1) / 256;
	return sumsq * 4 < expect * 5;
}

/*
 * zlib runs at some 35 MB/s on data that does not compress (encrypted or
 * already compressed blocks), which would cap guest writes there. A track
 * whose first CKD_COMPRESS_PROBE bytes look random, or do not shrink by an
 * eighth at the fastest level, is stored raw without trying the whole of
 * it.
 */
static bool worth_compressing(struct zstreams *z, const uint8_t *p, size_t len)
{
	uint8_t out[CKD_COMPRESS_PROBE - CKD_COMPRESS_PROBE / 8];
	z_stream *s;

	if (len < 2 * CKD_COMPRESS_PROBE)
		return true;
	if (looks_random(p, CKD_COMPRESS_PROBE))
		return false;
	s = deflater(z, true, Z_BEST_SPEED);
	/* Not within seven eighths (or zlib cannot tell): not worth it. */
	return s && deflate_once(s, p, CKD_COMPRESS_PROBE, out, sizeof(out));
}

size_t ckd_compress_track(uint8_t *out, size_t outsize, const uint8_t *trk,
			  size_t len, int method, int level)
{
	struct zstreams *z;
	z_stream *s;
	size_t clen;

	if (method == CCKD_COMPRESS_NONE || len < CKD_COMPRESS_MIN ||
	    outsize <= CKD_HA_SIZE)
		return 0;
	z = zstreams();
	if (!z || !worth_compressing(z, trk + CKD_HA_SIZE, len - CKD_HA_SIZE))
		return 0;
	if (level < Z_NO_COMPRESSION || level > Z_BEST_COMPRESSION)
		level = Z_DEFAULT_COMPRESSION;
	s = deflater(z, false, level);
	/* Only shorter than the raw image is worth storing. */
	clen = s ? deflate_once(s, trk + CKD_HA_SIZE, len - CKD_HA_SIZE,
				out + CKD_HA_SIZE,
				outsize - CKD_HA_SIZE < len - CKD_HA_SIZE ?
				outsize - CKD_HA_SIZE : len - CKD_HA_SIZE - 1)
		 : 0;
	if (!clen)
		return 0;
	memcpy(out, trk, CKD_HA_SIZE);
	out[0] = CCKD_COMPRESS_ZLIB;
	return clen + CKD_HA_SIZE;
}

static int inflate_zlib(uint8_t *out, size_t room, size_t *n,
			const uint8_t *in, size_t inlen, const char **why)
{
	struct zstreams *z = zstreams();
	z_stream *s;
	int rc;

	if (!z) {
		*why = "out of memory";
		return -ENOMEM;
	}
	s = &z->inflate;
	if (!z->inflate_ok)
		z->inflate_ok = inflateInit(s) == Z_OK;
	if (!z->inflate_ok || inflateReset(s) != Z_OK) {
		*why = "out of memory for zlib";
		return -ENOMEM;
	}
	s->next_in = (Bytef *)(uintptr_t)in;
	s->avail_in = (uInt)inlen;
	s->next_out = out;
	s->avail_out = (uInt)room;
	rc = inflate(s, Z_FINISH);
	if (rc == Z_STREAM_END) {
		*n = s->total_out;
		return 0;
	}
	if (rc == Z_BUF_ERROR && !s->avail_out)
		*why = "zlib stream expands past the track size";
	else if (rc == Z_BUF_ERROR)
		*why = "zlib stream is truncated";
	else
		*why = "zlib stream is damaged";
	return -EUCLEAN;
}

static int inflate_bzip2(uint8_t *out, size_t room, size_t *n,
			 const uint8_t *in, size_t inlen, const char **why)
{
#ifdef CCWPASS_HAVE_BZIP2
	unsigned int dlen = (unsigned int)room;
	int rc = BZ2_bzBuffToBuffDecompress((char *)out, &dlen,
					    (char *)(uintptr_t)in,
					    (unsigned int)inlen, 0, 0);

	if (rc == BZ_OUTBUFF_FULL) {
		*why = "bzip2 stream expands past the track size";
		return -EUCLEAN;
	}
	if (rc != BZ_OK) {
		*why = "bzip2 stream is damaged";
		return -EUCLEAN;
	}
	*n = dlen;
	return 0;
#else
	(void)out; (void)room; (void)n; (void)in; (void)inlen;
	*why = "bzip2-compressed track (this build has no bzip2)";
	return -EUCLEAN;
#endif
}

int ckd_decompress_track(uint8_t *out, size_t outsize, size_t *outlen,
			 const uint8_t *in, size_t inlen, const char **why)
{
	size_t n = 0;
	int rc;

	if (inlen < CKD_HA_SIZE || outsize < CKD_HA_SIZE) {
		*why = "stored image shorter than the track header";
		return -EUCLEAN;
	}
	switch (in[0]) {
	case CCKD_COMPRESS_NONE:
		if (inlen > outsize) {
			*why = "stored image longer than the track size";
			return -EUCLEAN;
		}
		if (out != in)
			memcpy(out, in, inlen);
		*outlen = inlen;
		return 0;
	case CCKD_COMPRESS_ZLIB:
		rc = inflate_zlib(out + CKD_HA_SIZE, outsize - CKD_HA_SIZE, &n,
				  in + CKD_HA_SIZE, inlen - CKD_HA_SIZE, why);
		break;
	case CCKD_COMPRESS_BZIP2:
		rc = inflate_bzip2(out + CKD_HA_SIZE, outsize - CKD_HA_SIZE, &n,
				   in + CKD_HA_SIZE, inlen - CKD_HA_SIZE, why);
		break;
	default:
		*why = "unknown compression byte";
		return -EUCLEAN;
	}
	if (rc < 0)
		return rc;
	memcpy(out, in, CKD_HA_SIZE);
	out[0] = 0;
	*outlen = n + CKD_HA_SIZE;
	return 0;
}
