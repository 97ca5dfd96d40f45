/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * z/Architecture channel-subsystem formats (Principles of Operation,
 * SA22-7832, chapters 15 "Basic I/O functions" and 16 "I/O interruptions").
 *
 * The structs below are *decoded* forms (host integers). They never overlay
 * architecture bytes: css_*_load() / css_*_store() convert from / to the
 * big-endian architecture layout. Field names follow the Principles of
 * Operation; the 16-bit "flags"/"ctrl" split of the SCSW word 0 and of the
 * PMCW word 1 follows common practice (QEMU, Linux).
 */
#ifndef CCWPASS_CSS_ARCH_H
#define CCWPASS_CSS_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* ---- Operation-request block (ORB), command mode, 12 of its 32 bytes ---- */
#define CSS_ORB_SIZE 12

struct css_orb {
	uint32_t intparm;
	uint16_t ctrl0;   /* word 1 bits 0-15 */
	uint8_t lpm;      /* logical-path mask */
	uint8_t ctrl1;    /* word 1 bits 24-31 */
	uint32_t cpa;     /* channel-program address (31 bit) */
};

#define ORB_CTRL0_KEY      0xf000 /* storage key */
#define ORB_CTRL0_SPND     0x0800 /* suspend control */
#define ORB_CTRL0_STRM     0x0400 /* streaming mode (must be 0) */
#define ORB_CTRL0_MOD      0x0200 /* modification control */
#define ORB_CTRL0_SYNC     0x0100 /* synchronization control */
#define ORB_CTRL0_FMT      0x0080 /* format-1 CCWs */
#define ORB_CTRL0_PFCH     0x0040 /* prefetch allowed */
#define ORB_CTRL0_ISIC     0x0020 /* initial-status-interruption control */
#define ORB_CTRL0_ALCC     0x0010 /* address-limit-checking control */
#define ORB_CTRL0_SSIC     0x0008 /* suppress-suspended-interruption control */
#define ORB_CTRL0_B        0x0004 /* transport-mode ORB (not supported) */
#define ORB_CTRL0_C64      0x0002 /* format-2 (64-bit) IDAWs */
#define ORB_CTRL0_I2K      0x0001 /* 2K IDAWs (with C64) */
#define ORB_CTRL1_ILS      0x80   /* incorrect-length-suppression mode */
#define ORB_CTRL1_MIDAW    0x40   /* MIDAW control */
#define ORB_CTRL1_ORBX     0x01   /* ORB extension (words 3-7 present) */
#define ORB_CTRL1_RESERVED 0x3e

/* ---- Channel-command word ---- */
#define CSS_CCW_SIZE 8

struct css_ccw {          /* format 1 (format 0 is converted on fetch) */
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;       /* data address (31 bit) or IDAL address */
};

#define CCW_FLAG_CD     0x80 /* chain data */
#define CCW_FLAG_CC     0x40 /* chain command */
#define CCW_FLAG_SLI    0x20 /* suppress length indication */
#define CCW_FLAG_SKIP   0x10 /* skip (no data stored) */
#define CCW_FLAG_PCI    0x08 /* program-controlled interruption */
#define CCW_FLAG_IDA    0x04 /* indirect data addressing */
#define CCW_FLAG_SUSPEND 0x02
#define CCW_FLAG_MIDA   0x01 /* modified IDA (format 1 only) */

#define CCW_CMD_TIC     0x08
/* Command types by the low bits of the command code (PoP "Command Code"). */
#define CCW_CMD_IS_WRITE(c)   (((c) & 0x03) == 0x01)
#define CCW_CMD_IS_READ(c)    (((c) & 0x03) == 0x02)
#define CCW_CMD_IS_CONTROL(c) (((c) & 0x03) == 0x03)
#define CCW_CMD_IS_SENSE(c)   (((c) & 0x0f) == 0x04)
#define CCW_CMD_IS_RDBACK(c)  (((c) & 0x0f) == 0x0c)
#define CCW_CMD_IS_TIC(c)     (((c) & 0x0f) == 0x08)
#define CCW_CMD_IS_INVALID(c) (((c) & 0x0f) == 0x00)

/* IDAW formats */
#define IDAW1_SIZE 4   /* format-1: 31-bit address, 2K blocks */
#define IDAW2_SIZE 8   /* format-2: 64-bit address, 2K or 4K blocks */

/* ---- Unit (device) status, SCSW byte 8 ---- */
#define DEV_STAT_ATTENTION   0x80
#define DEV_STAT_STAT_MOD    0x40
#define DEV_STAT_CU_END      0x20
#define DEV_STAT_BUSY        0x10
#define DEV_STAT_CHN_END     0x08
#define DEV_STAT_DEV_END     0x04
#define DEV_STAT_UNIT_CHECK  0x02
#define DEV_STAT_UNIT_EXCEP  0x01

/* ---- Subchannel (channel) status, SCSW byte 9 ---- */
#define SCH_STAT_PCI         0x80 /* program-controlled interruption */
#define SCH_STAT_INCORR_LEN  0x40
#define SCH_STAT_PROG_CHECK  0x20
#define SCH_STAT_PROT_CHECK  0x10
#define SCH_STAT_CHN_DATA_CHK 0x08
#define SCH_STAT_CHN_CTRL_CHK 0x04
#define SCH_STAT_INTF_CTRL_CHK 0x02
#define SCH_STAT_CHAIN_CHECK 0x01

/* ---- Subchannel-status word ---- */
#define CSS_SCSW_SIZE 12

struct css_scsw {
	uint16_t flags;   /* word 0 bits 0-15 */
	uint16_t ctrl;    /* word 0 bits 16-31 */
	uint32_t cpa;     /* CCW address */
	uint8_t dstat;
	uint8_t cstat;
	uint16_t count;   /* residual count */
};

#define SCSW_FLAGS_KEY   0xf000
#define SCSW_FLAGS_SCTL  0x0800 /* suspend control */
#define SCSW_FLAGS_ESWF  0x0400 /* ESW format (L) */
#define SCSW_FLAGS_CC    0x0300 /* deferred condition code */
#define SCSW_FLAGS_CC_SHIFT 8
#define SCSW_FLAGS_FMT   0x0080
#define SCSW_FLAGS_PFCH  0x0040
#define SCSW_FLAGS_ISIC  0x0020
#define SCSW_FLAGS_ALCC  0x0010
#define SCSW_FLAGS_SSI   0x0008
#define SCSW_FLAGS_ZCC   0x0004 /* zero condition code */
#define SCSW_FLAGS_ECTL  0x0002 /* extended control (ECW/EMW valid) */
#define SCSW_FLAGS_PNO   0x0001 /* path not operational */

#define SCSW_CTRL_FCTL   0x7000 /* function control */
#define SCSW_FCTL_START  0x4000
#define SCSW_FCTL_HALT   0x2000
#define SCSW_FCTL_CLEAR  0x1000
#define SCSW_CTRL_ACTL   0x0fe0 /* activity control */
#define SCSW_ACTL_RESUME_PEND  0x0800
#define SCSW_ACTL_START_PEND   0x0400
#define SCSW_ACTL_HALT_PEND    0x0200
#define SCSW_ACTL_CLEAR_PEND   0x0100
#define SCSW_ACTL_SCH_ACTIVE   0x0080
#define SCSW_ACTL_DEV_ACTIVE   0x0040
#define SCSW_ACTL_SUSPENDED    0x0020
#define SCSW_CTRL_STCTL  0x001f /* status control */
#define SCSW_STCTL_ALERT       0x0010
#define SCSW_STCTL_INTERMEDIATE 0x0008
#define SCSW_STCTL_PRIMARY     0x0004
#define SCSW_STCTL_SECONDARY   0x0002
#define SCSW_STCTL_STATUS_PEND 0x0001

/* ---- Path-management-control word ---- */
#define CSS_PMCW_SIZE 28

struct css_pmcw {
	uint32_t intparm;
	uint16_t flags;   /* word 1 bits 0-15 */
	uint16_t devno;
	uint8_t lpm;      /* logical-path mask */
	uint8_t pnom;     /* path-not-operational mask */
	uint8_t lpum;     /* last-path-used mask */
	uint8_t pim;      /* path-installed mask */
	uint16_t mbi;     /* measurement-block index */
	uint8_t pom;      /* path-operational mask */
	uint8_t pam;      /* path-available mask */
	uint8_t chpid[8];
	uint32_t chars;   /* word 6 */
};

#define PMCW_FLAGS_QF    0x8000 /* QDIO facility */
#define PMCW_FLAGS_W     0x4000
#define PMCW_FLAGS_ISC   0x3800 /* interruption subclass */
#define PMCW_FLAGS_ISC_SHIFT 11
#define PMCW_FLAGS_ENA   0x0080 /* enabled */
#define PMCW_FLAGS_LM    0x0060 /* limit mode */
#define PMCW_FLAGS_MME   0x0018 /* measurement-mode enable */
#define PMCW_FLAGS_MP    0x0004 /* multipath mode */
#define PMCW_FLAGS_TF    0x0002 /* timing facility */
#define PMCW_FLAGS_DNV   0x0001 /* device number valid */

#define PMCW_CHARS_ST    0x00e00000 /* subchannel type */
#define PMCW_CHARS_ST_SHIFT 21
#define PMCW_CHARS_MBFC  0x00000004
#define PMCW_CHARS_XMWME 0x00000002
#define PMCW_CHARS_CSENSE 0x00000001 /* concurrent sense */

#define CSS_SCH_TYPE_IO    0
#define CSS_SCH_TYPE_CHSC  1
#define CSS_SCH_TYPE_MSG   2
#define CSS_SCH_TYPE_ADM   3

/* ---- Subchannel-information block ---- */
#define CSS_SCHIB_SIZE 52

struct css_schib {
	struct css_pmcw pmcw;
	struct css_scsw scsw;
	uint64_t mba;
	uint8_t mda[4];
};

/* ---- Interruption-response block ---- */
#define CSS_IRB_SIZE 96
#define CSS_ESW_SIZE 20
#define CSS_ECW_SIZE 32

struct css_esw {         /* format 0 (I/O subchannel, command mode) */
	uint32_t sublog;    /* subchannel logout */
	uint32_t erw;       /* extended-report word */
	uint64_t faddr;     /* failing-storage address */
	uint32_t saddr;     /* secondary-CCW address */
};

#define ESW_SUBLOG_LPUM_SHIFT 16       /* last-path-used mask, byte 1 */
#define ESW_ERW_CONS     0x01000000    /* concurrent sense: ECW holds sense */
#define ESW_ERW_SCNT_SHIFT 16          /* sense count, 6 bits in byte 1 */
#define ESW_ERW_SCNT     0x003f0000

struct css_irb {
	struct css_scsw scsw;
	struct css_esw esw;
	uint8_t ecw[CSS_ECW_SIZE];   /* extended-control word: raw bytes */
	uint8_t emw[32];             /* extended-measurement word: raw bytes */
};

/* ---- Channel-report word (PoP ch. 17 "Channel-subsystem recovery") ---- */
struct css_crw {
	uint8_t rsc;      /* reporting-source code */
	uint8_t erc;      /* error-recovery code */
	bool solicited, overflow, chain;
	uint16_t rsid;    /* reporting-source ID */
};

#define CRW_RSC_SCH   0x3   /* subchannel */
#define CRW_RSC_CHP   0x4   /* channel path */
#define CRW_RSC_CSS   0xb
#define CRW_ERC_EVENT 0x00  /* event information pending */
#define CRW_ERC_AVAIL 0x01  /* available */
#define CRW_ERC_INIT  0x02  /* initialized */
#define CRW_ERC_TERROR 0x03 /* temporary error */
#define CRW_ERC_IPARM 0x04  /* installed, parm initialized */
#define CRW_ERC_TERM  0x05  /* terminal */
#define CRW_ERC_PERRN 0x06  /* permanent error, not initialized */
#define CRW_ERC_PERRI 0x07  /* permanent error, initialized */
#define CRW_ERC_PMOD  0x08  /* installed, parameters modified */

/* Architecture byte images (big-endian). */

/*
 * The order of the multi-byte fields of an image: the architecture's
 * big-endian one, or the host's, in which QEMU's vfio-ccw io and schib
 * regions carry the ORB, SCSW and SCHIB (docs/vfio-ccw.md "Byte order";
 * on an s390 host the two are the same).
 */
enum css_order { CSS_ORDER_BE, CSS_ORDER_HOST };

void css_orb_load_o(struct css_orb *orb, const uint8_t b[CSS_ORB_SIZE],
		    enum css_order o);
void css_orb_store_o(const struct css_orb *orb, uint8_t b[CSS_ORB_SIZE],
		     enum css_order o);
void css_scsw_load_o(struct css_scsw *scsw, const uint8_t b[CSS_SCSW_SIZE],
		     enum css_order o);
void css_scsw_store_o(const struct css_scsw *scsw, uint8_t b[CSS_SCSW_SIZE],
		      enum css_order o);
void css_schib_load_o(struct css_schib *schib,
		      const uint8_t b[CSS_SCHIB_SIZE], enum css_order o);
void css_schib_store_o(const struct css_schib *schib,
		       uint8_t b[CSS_SCHIB_SIZE], enum css_order o);

/* The same in big-endian order. */
void css_orb_load(struct css_orb *orb, const uint8_t b[CSS_ORB_SIZE]);
void css_orb_store(const struct css_orb *orb, uint8_t b[CSS_ORB_SIZE]);
void css_ccw_load(struct css_ccw *ccw, const uint8_t b[CSS_CCW_SIZE], bool fmt1);
void css_ccw_store(const struct css_ccw *ccw, uint8_t b[CSS_CCW_SIZE]); /* format 1 */
void css_scsw_load(struct css_scsw *scsw, const uint8_t b[CSS_SCSW_SIZE]);
void css_scsw_store(const struct css_scsw *scsw, uint8_t b[CSS_SCSW_SIZE]);
void css_pmcw_load(struct css_pmcw *pmcw, const uint8_t b[CSS_PMCW_SIZE]);
void css_pmcw_store(const struct css_pmcw *pmcw, uint8_t b[CSS_PMCW_SIZE]);
void css_schib_load(struct css_schib *schib, const uint8_t b[CSS_SCHIB_SIZE]);
void css_schib_store(const struct css_schib *schib, uint8_t b[CSS_SCHIB_SIZE]);
void css_irb_store(const struct css_irb *irb, uint8_t b[CSS_IRB_SIZE]);
void css_irb_load(struct css_irb *irb, const uint8_t b[CSS_IRB_SIZE]);
uint32_t css_crw_encode(const struct css_crw *crw);
void css_crw_decode(struct css_crw *crw, uint32_t word);

#endif
