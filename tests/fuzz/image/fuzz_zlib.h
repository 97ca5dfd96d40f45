/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image layer keeps its zlib streams per thread (ckd_compress.h) and
 * makes the key for them on first use: the first input of a run would be
 * the only one to do that. fuzz_zlib_warm(), in LLVMFuzzerInitialize,
 * does it first; it also sets up the calling thread's inflate stream.
 */
#ifndef CCWPASS_FUZZ_ZLIB_H
#define CCWPASS_FUZZ_ZLIB_H

#include <stddef.h>
#include <stdint.h>

#include "image/ckd_compress.h"

static inline void fuzz_zlib_warm(void)
{
	static const uint8_t stored[16] = { 1 };   /* zlib, no valid stream */
	uint8_t out[64];
	const char *why;
	size_t len;

	ckd_decompress_track(out, sizeof(out), &len, stored, sizeof(stored),
			     &why);
}

#endif
