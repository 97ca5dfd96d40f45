/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Linux "compatible disk layout" (CDL) with 4 KB blocks, as
 * `dasdfmt -b 4096 -d cdl` followed by `fdasd -a` leaves a 3390
 * (docs/image-format.md "CDL tracks 0 and 1"; s390-tools dasdfmt, fdasd,
 * libvtoc; Linux block/partitions/ibm.c reads it):
 *
 *  track 0  R1 key "IPL1" + 24 bytes, R2 key "IPL2" + 144 bytes (dasdfmt's
 *           empty bootstrap), R3 key "VOL1" + 80-byte volume label (VTOC
 *           at cyl 0 head 1 record 1), R4-R12 4096 zero bytes
 *  track 1  12 records of key 44 + data 96: R1 format-4 DSCB (VTOC), R2
 *           format-5 (free space, empty), R3 format-7 only if the volume
 *           has more than 65536 tracks (empty), then the format-1 DSCB of
 *           partition 1 (tracks 2 to the end), then zeros
 *  others   12 x 4096 zero bytes (the Linux null track)
 */
#ifndef CCWPASS_IMAGE_CKD_CDL_H
#define CCWPASS_IMAGE_CKD_CDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CKD_VOLSER_LEN 6

struct ckd_cdl_volume {
	uint32_t cyls;
	uint32_t heads;
	char volser[CKD_VOLSER_LEN + 1];  /* 1-6 of [A-Z0-9@#$] */
	time_t created;                   /* dates in the format-1 DSCB */
};

/* Build track 0 / track 1. Returns: the image length, 0 if size is short. */
size_t ckd_cdl_track0(uint8_t *buf, size_t size, const struct ckd_cdl_volume *v);
size_t ckd_cdl_track1(uint8_t *buf, size_t size, const struct ckd_cdl_volume *v);

/* True for 1-6 characters of A-Z, 0-9, @, # and $. */
bool ckd_volser_valid(const char *volser);

/* ASCII -> EBCDIC (code page 037), padding dst[strlen(src)..n) with blanks. */
void ckd_ebcdic_from_ascii(uint8_t *dst, const char *src, size_t n);
/* EBCDIC (037) -> ASCII for printable characters; others become '.'. */
void ckd_ascii_from_ebcdic(char *dst, const uint8_t *src, size_t n);

#endif
