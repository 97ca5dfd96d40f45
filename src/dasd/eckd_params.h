/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Define Extent and Locate Record parameters (3990/9390 Storage Control
 * Reference, GA32-0274, "Define Extent" table 4-4, "Locate Record"
 * table 4-7), and the Locate Record Extended a Prefix embeds (Linux 6.1
 * struct LRE_eckd_data): decoded from the parameter bytes and validated.
 */
#ifndef CCWPASS_DASD_ECKD_PARAMS_H
#define CCWPASS_DASD_ECKD_PARAMS_H

#include <stdint.h>

#define ECKD_DE_LEN      16
#define ECKD_DE_EXT_LEN  16   /* extended parameter (time stamp) */
#define ECKD_LR_LEN      16
#define ECKD_LRE_LEN     20   /* Locate Record Extended (in a Prefix) */

/* Define Extent byte 0: file mask */
#define DE_MASK_WRITE        0xc0  /* write control */
#define DE_MASK_WR_NO_HA_R0  0x00  /* all writes but Write HA / Write R0 */
#define DE_MASK_WR_INHIBIT   0x40  /* no writes */
#define DE_MASK_WR_UPDATE    0x80  /* update writes only */
#define DE_MASK_WR_ALL       0xc0  /* all writes */
#define DE_MASK_RESERVED     0x20
#define DE_MASK_SEEK         0x18  /* seek control */
#define DE_MASK_SEEK_ALL     0x00
#define DE_MASK_SEEK_CYLHEAD 0x08
#define DE_MASK_SEEK_HEAD    0x10
#define DE_MASK_SEEK_NONE    0x18  /* no seeks, no multitrack */

/* Byte 1: global attributes */
#define DE_GATTR_ARCH        0xc0
#define DE_GATTR_ECKD        0xc0  /* must be ECKD mode */
#define DE_GATTR_CKDCONV     0x20  /* CKD conversion mode */

/* Byte 7: global attributes extended */
#define DE_GEXT_R0_PERM      0x04  /* subsystem may format R0 */
#define DE_GEXT_EXT_PARM     0x02  /* 16 bytes of extended parameter follow */

/* Locate Record byte 0 */
#define LR_ORIENT            0xc0
#define LR_ORIENT_COUNT      0x00
#define LR_ORIENT_HOME       0x40
#define LR_ORIENT_DATA       0x80
#define LR_ORIENT_INDEX      0xc0
#define LR_OP                0x3f
#define LR_OP_ORIENT         0x00
#define LR_OP_WRITE          0x01  /* write data (update) */
#define LR_OP_FORMAT         0x03  /* format write */
#define LR_OP_READ_DATA      0x06
#define LR_OP_READ_TRACKS    0x0c  /* LRE: Read Track Data, count = tracks */
#define LR_OP_READ           0x16
#define LR_OP_EXTENDED       0x3f  /* LRE: the operation is in byte 17 */

/* Byte 1: auxiliary */
#define LR_AUX_TLF           0x80  /* bytes 14-15 hold a transfer length */
#define LR_AUX_RESERVED      0x7e
#define LR_AUX_RDCNT_SUFFIX  0x01  /* a Read Count ends the domain */

/* Locate Record Extended bytes 16-19 (Linux struct LRE_eckd_data) */
#define LRE_IMBEDDED_COUNT   16    /* imbedded count: 0 (none) */
#define LRE_EXT_OP           17    /* extended operation (op 3F) */
#define LRE_EXT_PARM_LEN     18    /* 2 bytes: extended parameter length */
#define LRE_XOP_WRITE_TRACK_DATA 0x23  /* Write Track Data, count = tracks */

struct eckd_extent {
	uint8_t mask;       /* file mask */
	uint8_t gattr;      /* global attributes */
	uint8_t gattr_ext;  /* global attributes extended */
	uint32_t blksize;   /* 0 in the parameters: largest R0 + 8 */
	uint32_t first;     /* first and last track (linear) */
	uint32_t last;
};

struct eckd_locate {
	uint8_t orient;     /* LR_ORIENT_* */
	uint8_t op;         /* LR_OP_* */
	uint8_t ext_op;     /* LRE_XOP_* with LR_OP_EXTENDED, else 0 */
	uint8_t aux;
	uint8_t count;      /* domain: records (or commands; tracks for
			       LR_OP_READ_TRACKS and Write Track Data) */
	uint32_t trk;       /* seek address, linear */
	uint8_t search[5];  /* CCHHR search argument */
	uint8_t sector;
	uint32_t tlf;       /* transfer length factor (or DE block size);
			       Read Track Data: the bytes of the last track;
			       Write Track Data: the record length */
};

/* Returns: 0, or -EINVAL (command reject, format 0 message 4). */
int eckd_de_parse(const uint8_t p[ECKD_DE_LEN], uint32_t cyls, uint32_t heads,
		  struct eckd_extent *de);

/*
 * de_blksize: the Define Extent block size (the default and the ceiling of
 * the transfer length factor). Extent and file-mask checks are the
 * caller's. Returns: 0, or -EINVAL (command reject, format 0 message 4).
 */
int eckd_lr_parse(const uint8_t p[ECKD_LR_LEN], uint32_t cyls, uint32_t heads,
		  uint32_t de_blksize, struct eckd_locate *lr);

/*
 * Bytes 16-19 of a Locate Record Extended: no imbedded count, no extended
 * parameter, an extended operation exactly when byte 0 says 3F (and one
 * that is offered). Returns: 0, or -EINVAL.
 */
int eckd_lre_ext_check(const uint8_t p[ECKD_LRE_LEN]);

/*
 * A Locate Record Extended (embedded in a Prefix): the operations of a
 * Locate Record plus Read Track Data (0C) and Write Track Data (3F / 23),
 * both count-oriented with a transfer length. Returns: 0, or -EINVAL
 * (command reject, format 0 message 4).
 */
int eckd_lre_parse(const uint8_t p[ECKD_LRE_LEN], uint32_t cyls,
		   uint32_t heads, uint32_t de_blksize, struct eckd_locate *lr);

#endif
