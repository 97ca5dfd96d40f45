/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD track image compression (docs/image-format.md "Stored track"):
 * byte 0 of a stored image is the method (0 none, 1 zlib, 2 bzip2),
 * bytes 1-4 the track's CCHH, uncompressed; the rest of the track image
 * (from offset 5) follows raw, as a zlib stream or as a bzip2 stream.
 */
#ifndef CCWPASS_IMAGE_CKD_COMPRESS_H
#define CCWPASS_IMAGE_CKD_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hercules' CCKD_COMPRESS_MIN: shorter track images are stored raw. */
#define CKD_COMPRESS_MIN 512
/* Bytes sampled to decide whether a track is worth compressing at all. */
#define CKD_COMPRESS_PROBE 4096

/*
 * Compress track image trk[0..len) with method (1 zlib; 2 is written as
 * zlib too) at level (-1 = library default) into out. A track whose first
 * CKD_COMPRESS_PROBE bytes after the home address look random (a flat
 * byte histogram) or do not compress is not tried. Returns: the stored length, or 0 if compressing does not make it
 * shorter or was not tried (store it raw).
 */
size_t ckd_compress_track(uint8_t *out, size_t outsize, const uint8_t *trk,
			  size_t len, int method, int level);

/*
 * Turn stored image in[0..inlen) back into a track image in out[0..outsize)
 * (byte 0 cleared). An image stored uncompressed may already be in place
 * (in == out): it is only checked. Returns: 0 with *outlen; -EUCLEAN with
 * *why set for an unknown method, a damaged stream or one that expands
 * past outsize; -ENOMEM (with *why) when zlib has no memory.
 *
 * Both keep their zlib streams per thread, for good (reset per track):
 * no per-track allocation.
 */
int ckd_decompress_track(uint8_t *out, size_t outsize, size_t *outlen,
			 const uint8_t *in, size_t inlen, const char **why);

/* Whether this build reads bzip2-compressed tracks. */
bool ckd_have_bzip2(void);

#endif
