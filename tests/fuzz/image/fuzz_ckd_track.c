/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer: the input is a track image (first 3 bytes: track number for
 * the 3390 geometry). It is measured, walked and checked; a track that
 * passes ckd_track_check must survive a memory volume write/read intact.
 * The same bytes are also fed to the CCKD stored-image decompressor.
 */
#include <stdlib.h>
#include <string.h>

#include "../fuzz_log.h"
#include "fuzz_zlib.h"
#include "image/ckd_compress.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ckd_geometry geo = { 0x3390, 20, 15, CKD_3390_TRACK_SIZE };
static uint8_t buf[CKD_MAX_TRACK_SIZE];
static struct ckd_image *img;          /* every track a null track */

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_zlib_warm();
	img = ckd_image_new_mem(&geo, CKD_NULL_R0, NULL);
	if (!img)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ckd_track_fault f;
	struct ckd_record rec;
	size_t len, pos = CKD_HA_SIZE;
	const char *why;
	uint32_t trk;

	fuzz_log_reset();
	if (size < 3)
		return 0;
	trk = ((uint32_t)data[0] << 16 | data[1] << 8 | data[2]) % 300;
	data += 3;
	size -= 3;
	ckd_track_measure(data, size, &len, &f);
	while (ckd_track_next(data, size, &pos, &rec, &f) > 0)
		if (rec.count.kl + rec.count.dl && rec.data + rec.count.dl >
		    data + size)
			abort();
	ckd_track_null_match(data, size, (uint16_t)(trk / 15),
			     (uint16_t)(trk % 15));
	ckd_decompress_track(buf, sizeof(buf) < geo.trksize ? sizeof(buf) :
			     geo.trksize, &len, data, size, &why);
	if (ckd_track_check(&geo, trk, data, size, &f) == 0) {
		if (ckd_image_write_track(img, trk, data, size) != 0)
			abort();
		if (ckd_image_read_track(img, trk, buf, sizeof(buf), &len) != 0 ||
		    len != size || memcmp(buf, data, size))
			abort();
		/* Back to the null track: the next input sees a blank volume. */
		len = ckd_track_null(buf, sizeof(buf), (uint16_t)(trk / 15),
				     (uint16_t)(trk % 15), CKD_NULL_R0);
		if (ckd_image_write_track(img, trk, buf, len) != 0)
			abort();
	}
	return 0;
}
