/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host inventory: which channel paths, subchannels and devices the
 * software channel subsystem has (docs/inventory.md).
 *
 *   [chpid 1a]
 *   type = 1b
 *
 *   [subchannel 0.0.0313]
 *   devno  = 0.0.2b09
 *   chpids = 1a 2a 3a 0a
 *   pim = f0
 *   pam = f0
 *   pom = ff
 *   device = 3390-9
 *   image  = 0X2B09.cckd
 *   volser = 0X2B09
 *   create = cdl
 *   format = cckd64
 *
 *   [subchannel 0.0.0320]         an FBA DASD (9336 or 3370)
 *   devno  = 0.0.0200
 *   chpids = 4a
 *   device = 9336
 *   blocks = 1672881
 *   image  = 0200.fba
 *   create = blank
 *
 *   [subchannel 0.0.0330]         a 3490 tape drive with its tape
 *   devno  = 0.0.0580
 *   chpids = 5a
 *   device = 3490
 *   image  = 0580.aws
 *   create = blank
 *
 *   [subchannel 0.0.0314]         a HyperPAV alias of 0.0.0313's volume
 *   devno    = 0.0.2b0a
 *   chpids   = 1a 2a 3a 0a
 *   alias-of = 0.0.0313
 *
 * Parsing only: nothing is opened or created here. Every rejected line is
 * reported as "FILE:LINE: reason".
 */
#ifndef CCWPASS_INVENTORY_H
#define CCWPASS_INVENTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "css/css.h"

#define INV_MAX_CHPS 256
#define INV_MAX_SCHS 256

struct inv_chp {
	uint8_t chpid;
	uint8_t type;
	bool declared;        /* has its own [chpid] section */
	unsigned int line;    /* of that section, or of the first user */
};

enum inv_create {
	INV_CREATE_NO,      /* the image must exist */
	INV_CREATE_BLANK,   /* create an unformatted volume if missing */
	INV_CREATE_CDL,     /* create a Linux CDL volume with one partition */
};

/* The file format of a volume `create` makes (docs/image-format.md). */
enum inv_format {
	INV_FORMAT_CCKD64,  /* default: compressed, 64-bit offsets */
	INV_FORMAT_CCKD,    /* compressed, 32-bit offsets (at most 4 GiB) */
	INV_FORMAT_PLAIN,   /* full size, fixed track slots; FBA: the blocks */
	INV_FORMAT_CFBA,    /* FBA only: compressed FBA (FBA_C370) */
};

/* How a volume acknowledges writes (docs/inventory.md "Cache modes"). */
enum inv_cache {
	INV_CACHE_WRITETHROUGH, /* default: durable before final status */
	INV_CACHE_WRITEBACK,    /* in the image file; flushed every flush_ms */
};

#define INV_FLUSH_MS_DEFAULT 1000u
#define INV_FLUSH_MS_MIN 10u
#define INV_FLUSH_MS_MAX 3600000u

struct inv_sch {
	struct css_busid schid;
	struct css_busid devno;
	uint8_t chpids[8];
	uint8_t pim, pam, pom;
	char model[16];            /* "3390-9", "9336-20" */
	bool fba;                  /* an FBA DASD (9336, 3370) */
	bool tape;                 /* a tape drive (3490, 3480) */
	uint32_t cyls;             /* 0 = the model's (ECKD) */
	uint64_t blocks;           /* 0 = the model's (FBA) */
	uint64_t capacity;         /* tape: bytes of file (0 = no end) */
	char image[4096];          /* absolute path (relative ones resolved) */
	bool readonly;
	char volser[7];
	enum inv_create create;
	enum inv_format format;
	enum inv_cache cache;
	unsigned int flush_ms;     /* writeback: flush interval */
	int dev_model;             /* -1 = model table */
	int cu_model;              /* -1 = default */
	int ssid;                  /* -1 = derived */
	int unit_addr;             /* -1 = derived */
	char serial[13];           /* "" = derived */
	bool alias;                /* a HyperPAV alias: no device or image */
	struct css_busid alias_of; /* ... of the base on this subchannel */
	int base;                  /* its index in schs (-1: not an alias) */
	unsigned int line;
};

struct inventory {
	char path[4096];
	unsigned int nchps;
	struct inv_chp chps[INV_MAX_CHPS];
	unsigned int nschs;
	struct inv_sch schs[INV_MAX_SCHS];
};

/*
 * The identity of the subchannel's 3390 (RCD; Linux's uid
 * IBM.ZZ<serial>.<ssid>.<ua>): ssid and unit address as configured, else
 * derived from the device number (ssid = subchannel set << 12 | devno
 * high byte, ua = devno low byte); the serial as configured (right-aligned
 * with zeros), else 000000<ssid><ua>. An alias has its base's ssid and
 * serial (its LCU) and a unit address of its own. Devices with the same
 * ssid and serial form one logical control unit. The parser rejects a
 * subchannel whose identity another one has.
 */
void inventory_identity(const struct inventory *inv, const struct inv_sch *s,
			uint16_t *ssid, uint8_t *unit_addr, char serial[13]);

/*
 * Parse text (NUL-terminated) as if read from `name`; relative image paths
 * are taken relative to base_dir. Returns: 0, or -EINVAL with err =
 * "name:line: reason".
 */
int inventory_parse(struct inventory *inv, const char *text, const char *name,
		    const char *base_dir, struct error *err);

/* Read and parse a file. Returns: 0, -errno with err naming the file. */
int inventory_load(struct inventory *inv, const char *path, struct error *err);

/* The shipped default (mirrors the seed documents), images under dir. */
int inventory_default(struct inventory *inv, const char *image_dir,
		      struct error *err);

#endif
