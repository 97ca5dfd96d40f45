/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CCKD track image compression (see ckd_compress.h; Hercules cckddasd.c). */
#include "image/ckd_compress.h"

#include <errno.h>
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
 * zlib runs at some 35 MB/s on data that does not compress (encrypted or
 * already compressed blocks), which would cap guest writes there. A track
 * whose first CKD_COMPRESS_PROBE bytes do not shrink by an eighth at the
 * fastest level is stored raw without trying the whole of it.
 */
static bool worth_compressing(const uint8_t *p, size_t len)
{
	uint8_t out[CKD_COMPRESS_PROBE + CKD_COMPRESS_PROBE / 8 + 64];
	uLongf clen = sizeof(out);

	if (len < 2 * CKD_COMPRESS_PROBE)
		return true;
	if (compress2(out, &clen, p, CKD_COMPRESS_PROBE, Z_BEST_SPEED) != Z_OK)
		return true;
	return clen <= CKD_COMPRESS_PROBE - CKD_COMPRESS_PROBE / 8;
}

size_t ckd_compress_track(uint8_t *out, size_t outsize, const uint8_t *trk,
			  size_t len, int method, int level)
{
	uLongf clen;

	if (method == CCKD_COMPRESS_NONE || len < CKD_COMPRESS_MIN ||
	    outsize <= CKD_HA_SIZE)
		return 0;
	if (!worth_compressing(trk + CKD_HA_SIZE, len - CKD_HA_SIZE))
		return 0;
	if (level < Z_NO_COMPRESSION || level > Z_BEST_COMPRESSION)
		level = Z_DEFAULT_COMPRESSION;
	clen = (uLongf)(outsize - CKD_HA_SIZE);
	if (compress2(out + CKD_HA_SIZE, &clen, trk + CKD_HA_SIZE,
		      (uLong)(len - CKD_HA_SIZE), level) != Z_OK)
		return 0;
	if (clen + CKD_HA_SIZE >= len)
		return 0;
	memcpy(out, trk, CKD_HA_SIZE);
	out[0] = CCKD_COMPRESS_ZLIB;
	return clen + CKD_HA_SIZE;
}

static int inflate_zlib(uint8_t *out, size_t room, size_t *n,
			const uint8_t *in, size_t inlen, const char **why)
{
	uLongf dlen = (uLongf)room;
	int rc = uncompress(out, &dlen, in, (uLong)inlen);

	if (rc == Z_BUF_ERROR && dlen == room) {
		*why = "zlib stream expands past the track size";
		return -EUCLEAN;
	}
	if (rc != Z_OK) {
		*why = rc == Z_BUF_ERROR ? "zlib stream is truncated" :
					   "zlib stream is damaged";
		return -EUCLEAN;
	}
	*n = dlen;
	return 0;
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
