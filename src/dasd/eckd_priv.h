/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the 3390/3990 command processor, shared by eckd_dev.c
 * (device, dispatch, status), eckd_cmd_ctl.c (identification and control
 * commands), eckd_orient.c (positioning on a track), eckd_cmd_read.c,
 * eckd_cmd_write.c and eckd_cmd_trackdata.c (data transfer). Not for use
 * outside src/dasd.
 */
#ifndef CCWPASS_DASD_ECKD_PRIV_H
#define CCWPASS_DASD_ECKD_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "css/css_device.h"
#include "dasd/eckd.h"
#include "dasd/eckd_cache.h"
#include "dasd/eckd_ident.h"
#include "dasd/eckd_lcu.h"
#include "dasd/eckd_params.h"
#include "dasd/eckd_sense.h"
#include "dasd/eckd_track.h"
#include "dasd/eckd_volume.h"

/* Channel command codes (3990/9390 Storage Control Reference, GA32-0274). */
#define ECKD_CMD_READ_IPL     0x02
#define ECKD_CMD_NOP          0x03
#define ECKD_CMD_SENSE        0x04
#define ECKD_CMD_WRITE_DATA   0x05
#define ECKD_CMD_READ_DATA    0x06
#define ECKD_CMD_SEEK         0x07
#define ECKD_CMD_SEEK_CYL     0x0b
#define ECKD_CMD_WRITE_KD     0x0d
#define ECKD_CMD_READ_KD      0x0e
#define ECKD_CMD_READ_COUNT   0x12
#define ECKD_CMD_RECALIBRATE  0x13
#define ECKD_CMD_UNCOND_RESERVE 0x14
#define ECKD_CMD_WRITE_R0     0x15
#define ECKD_CMD_READ_R0      0x16
#define ECKD_CMD_READ_HA      0x1a
#define ECKD_CMD_SEEK_HEAD    0x1b
#define ECKD_CMD_WRITE_CKD    0x1d
#define ECKD_CMD_READ_CKD     0x1e
#define ECKD_CMD_PSF          0x27
#define ECKD_CMD_SEARCH_EQ    0x31
#define ECKD_CMD_SNID         0x34
#define ECKD_CMD_RSSD         0x3e
#define ECKD_CMD_LOCATE       0x47
#define ECKD_CMD_SEARCH_HI    0x51
#define ECKD_CMD_DEFINE_EXT   0x63
#define ECKD_CMD_RDC          0x64
#define ECKD_CMD_SEARCH_EQHI  0x71
#define ECKD_CMD_WRITE_CKD_NT 0x9d   /* Write CKD Next Track */
#define ECKD_CMD_WRITE_TRACK_DATA 0xa5
#define ECKD_CMD_READ_TRACK_DATA  0xa6
#define ECKD_CMD_SPID         0xaf
#define ECKD_CMD_RESERVE      0xb4
#define ECKD_CMD_RELEASE      0x94
#define ECKD_CMD_SENSE_ID     0xe4
#define ECKD_CMD_PREFIX       0xe7
#define ECKD_CMD_RSCK         0xf9   /* Reset Summary Unit Check */
#define ECKD_CMD_RCD          0xfa
#define ECKD_CMD_MT           0x80   /* multitrack bit of read/search codes */

/* PSF orders and Prepare-for-Read-Subsystem-Data suborders. */
#define PSF_ORDER_PRSSD       0x18
#define PSF_ORDER_SSC         0x1d
#define PSF_PRSSD_LEN         12
#define PSF_SSC_LEN           66
#define PRSSD_UAC             0x0e   /* unit address configuration */
#define PRSSD_FEATURES        0x41   /* feature codes */

/* Set Path Group ID function byte / Sense Path Group ID path state. */
#define SPID_MULTIPATH        0x80
#define SPID_CMD              0x60
#define SPID_ESTABLISH        0x00
#define SPID_DISBAND          0x20
#define SPID_RESIGN           0x40
#define SPID_RESERVED         0x1f
#define PG_LEN                12
#define PG_RESET              0x00
#define PG_UNGROUPED          0x80
#define PG_GROUPED            0xc0
#define PG_MULTIPATH          0x08
/* Sense Path Group ID, byte 0 bits 2-3: the device's reservation as the
 * path sees it (none is 0). */
#define PG_RESV_ELSEWHERE     0x20
#define PG_RESV_SELF          0x30

/* What a command handler returns when it does not return -errno; the
 * values below ECKD_CHECK end the command normally. */
enum eckd_result {
	ECKD_DONE = 0,     /* channel end, device end */
	ECKD_DONE_SM,      /* ... and status modifier */
	ECKD_DONE_UX,      /* ... and unit exception */
	ECKD_CHECK,        /* ... and unit check; sense recorded */
	ECKD_BUSY,         /* busy alone: the command was not accepted */
};

enum eckd_orient {
	ORIENT_INDEX,      /* after the home address */
	ORIENT_COUNT,      /* after the count area of ch.rec */
	ORIENT_KEY,        /* after its key area */
	ORIENT_DATA,       /* after its data area */
};

enum eckd_ssd {        /* subsystem data prepared by PSF for RSSD */
	SSD_NONE,
	SSD_FEATURES,
	SSD_UAC,
};

/* "The previous command was ..." flags, for commands that depend on it. */
#define LAST_ID_EQUAL    0x1   /* Search ID Equal matched all 5 bytes */
#define LAST_CKD_WRITTEN 0x2   /* Write CKD / R0 outside a domain */

/* State of the channel program in progress (reset when one starts). */
struct eckd_chain {
	bool de_valid;
	struct eckd_extent de;
	bool lr_seen;
	struct eckd_locate lr;        /* the last Locate Record */
	unsigned int lr_left;         /* commands left in its domain */
	uint8_t lr_write_cmd;         /* the update write used in the domain */
	bool seeked;                  /* positioned by Seek-type command */
	bool read_ipl;
	bool on_track;
	uint32_t trk;
	enum eckd_orient orient;
	struct eckd_rec rec;          /* current record unless ORIENT_INDEX */
	bool index_seen;              /* index passed (outside a domain) */
	unsigned int last, cur;       /* LAST_* of the previous / this command */
	uint8_t prev_cmd;
	enum eckd_ssd ssd;
};

struct eckd_path_state {
	uint8_t state;                /* PG_* */
	uint8_t pgid[PG_LEN - 1];
};

/*
 * Device Reserve: the device belongs to the path group id of the path
 * that reserved it (every path set to that id, grouped or not: a disband
 * keeps the ids), or to that path alone when it had no id yet, until
 * Release from there or Unconditional Reserve from anywhere. A clear
 * (selective reset) leaves it; ccwpassd does not keep it across a restart
 * (a control unit's power-on reset).
 */
struct eckd_reservation {
	bool held;
	bool by_pgid;                 /* to the id pgid, else to path */
	uint8_t path;                 /* index 0-7 */
	uint8_t pgid[PG_LEN - 1];
};

/*
 * What the channel program in progress holds on its volume, all given
 * back at its end (program_finish in eckd_dev.c). A program claims the
 * tracks it may touch (eckd_volume.h): its extent from Define Extent or
 * Prefix, or, without one, the one track each command uses, which it
 * writes back before letting go of it.
 */
struct eckd_program {
	struct eckd_volume *vol;      /* the volume it works on: a base's own,
				     an alias's from its Prefix (referenced) */
	struct eckd_extent_lock xl;   /* the claim */
	bool extent;                  /* xl claims the extent */
	bool track;                   /* xl claims one track (no extent) */
	struct eckd_cache_slot *pin;  /* the track the command uses */
	bool wrote;                   /* tracks changed: sync at the end */
	bool writes;                  /* the command in progress writes */
	struct css_ccw_io *io;        /* the command in progress */
};

struct eckd_device {
	struct css_device dev;        /* first member */
	pthread_mutex_t lock;
	struct eckd_lcu *lcu;
	struct eckd_volume *own;      /* a base's volume; NULL: an alias */
	char name[96];                /* for messages */
	struct eckd_ident id;
	uint8_t senseid[ECKD_SENSEID_LEN];
	uint8_t rdc[ECKD_RDC_LEN];
	struct eckd_chain ch;
	struct eckd_program pg;
	bool sense_pending;
	uint8_t sense[ECKD_SENSE_LEN];
	struct eckd_path_state path[8];
	struct eckd_reservation resv;
};

/* ---- eckd_dev.c ---- */
/* Record sense for the current position. Returns: ECKD_CHECK. */
int eckd_check(struct eckd_device *d, uint8_t b0, uint8_t b1, uint8_t fmt_msg);

/* Equipment check, format 0 message F, byte 8 0x67: the Prefix names
 * a base this alias cannot work on. Returns: ECKD_CHECK. */
int eckd_check_base_alias(struct eckd_device *d);

static inline int eckd_reject(struct eckd_device *d, uint8_t msg)
{
	return eckd_check(d, SNS0_CMD_REJECT, 0, msg);
}

static inline bool eckd_in_domain(const struct eckd_device *d)
{
	return d->ch.lr_left > 0;
}

/* The volume of the program in progress (a command that needs one). */
static inline struct eckd_volume *eckd_vol(const struct eckd_device *d)
{
	return d->pg.vol;
}

/*
 * The current track, pinned in the cache until the command ends; outside
 * an extent the track is claimed first (eckd_volume.h). Returns: 0 or
 * -errno (-ECANCELED: halted or cleared while waiting for the claim).
 */
int eckd_cur_track(struct eckd_device *d, struct eckd_cache_slot **s);

/* The pinned slot s was changed by this program. */
void eckd_dirty(struct eckd_device *d, struct eckd_cache_slot *s);

/*
 * The extent de becomes the program's and is claimed (for writing unless
 * the file mask inhibits all writes). Returns: ECKD_DONE, or -ECANCELED
 * when the program was halted or cleared while it waited.
 */
int eckd_set_extent(struct eckd_device *d, const struct eckd_extent *de);

/* ---- eckd_describe.c ---- */
void eckd_describe(struct css_device *dev, struct css_device_desc *out);

/* ---- eckd_orient.c ---- */
#define NEXT_R0     0x1    /* record zero may be the answer */
#define NEXT_MT     0x2    /* multitrack: go on to the next track */
#define NEXT_SEARCH 0x4    /* for a Search command */

bool eckd_in_extent(const struct eckd_device *d, uint32_t trk);
void eckd_set_track(struct eckd_device *d, uint32_t trk);
/* Next track of a multitrack operation. Returns: ECKD_DONE/CHECK, -errno. */
int eckd_advance(struct eckd_device *d);
/* Orient to the next count area. Returns: ECKD_DONE/CHECK, -errno. */
int eckd_next_count(struct eckd_device *d, unsigned int flags,
		    struct eckd_cache_slot **s);
/* Locate Record's search for its argument. Returns: ECKD_DONE/CHECK, -errno. */
int eckd_locate_search(struct eckd_device *d, const struct eckd_locate *lr);
/* The record R0 of the current track, after its data; creates a standard
 * one when missing and allowed. Returns: ECKD_DONE/CHECK, -errno. */
int eckd_orient_after_r0(struct eckd_device *d, bool may_format_r0,
			 struct eckd_cache_slot **s);

/* ---- eckd_cmd_ctl.c ---- */
int eckd_cmd_sense(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_sense_id(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_rdc(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_rcd(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_nop(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_snid(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_spid(struct eckd_device *d, struct css_ccw_io *io);
/* Device Reserve, Device Release, Unconditional Reserve. */
int eckd_cmd_reserve(struct eckd_device *d, struct css_ccw_io *io,
		     uint8_t cmd);
int eckd_cmd_psf(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_rssd(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_define_extent(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_locate(struct eckd_device *d, struct css_ccw_io *io);
/* Locate Record on its 16 parameter bytes, or (extended) on the 20 of the
 * Locate Record Extended a Prefix embeds. */
int eckd_locate(struct eckd_device *d, const uint8_t *p, bool extended);
int eckd_cmd_seek(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd);
int eckd_cmd_recalibrate(struct eckd_device *d, struct css_ccw_io *io);

/* ---- eckd_cmd_pfx.c ---- */
int eckd_cmd_prefix(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_reset_summary(struct eckd_device *d, struct css_ccw_io *io);

/* ---- eckd_cmd_read.c ---- */
int eckd_cmd_read(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd);
int eckd_cmd_read_ipl(struct eckd_device *d, struct css_ccw_io *io);
int eckd_cmd_search_id(struct eckd_device *d, struct css_ccw_io *io,
		       uint8_t cmd);

/* ---- eckd_cmd_write.c ---- */
int eckd_cmd_write_data(struct eckd_device *d, struct css_ccw_io *io,
			uint8_t cmd);
int eckd_cmd_format(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd);

/* ---- eckd_cmd_trackdata.c ---- */
int eckd_cmd_track_data(struct eckd_device *d, struct css_ccw_io *io,
			uint8_t cmd);

#endif
