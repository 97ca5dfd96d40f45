/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An IBM 3390 direct-access storage device behind a 3990 storage control,
 * speaking the ECKD channel programs Linux's dasd_eckd driver sends
 * (docs/eckd.md; IBM 3990/9390 Storage Control Reference, GA32-0274).
 */
#ifndef CCWPASS_DASD_ECKD_H
#define CCWPASS_DASD_ECKD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct css_device;
struct ckd_image;
struct eckd_lcu;

struct eckd_model {
	const char *name;     /* "3390-9" */
	uint16_t dev_type;    /* 0x3390 */
	uint8_t dev_model;    /* Sense ID / RDC device model byte */
	uint32_t cyls;        /* primary cylinders */
	uint32_t heads;       /* tracks per cylinder */
};

/* Looks up "3390-1", "3390-2", "3390-3", "3390-9", "3390-27", "3390-54". */
const struct eckd_model *eckd_model_find(const char *name);
/* The model whose cylinder count is cyls (NULL if none). */
const struct eckd_model *eckd_model_by_cyls(uint16_t dev_type, uint32_t cyls);

/*
 * A logical control unit: the devices of one storage subsystem id and NED
 * serial (12 of [0-9A-Z], right-aligned with zeros), bases and their
 * HyperPAV aliases at unit addresses of their own. The caller holds one
 * reference; each device of it holds another.
 * Returns: the LCU, or NULL with err.
 */
struct eckd_lcu *eckd_lcu_new(uint16_t ssid, const char *serial,
			      struct error *err);
void eckd_lcu_put(struct eckd_lcu *lcu);

struct eckd_config {
	struct ckd_image *image;  /* a base's volume; the device owns it from
				     the call on, even when eckd_device_new()
				     fails. NULL for a HyperPAV alias */
	/* The base a HyperPAV alias reports itself as (Sense ID, RDC, the
	 * control unit), an eckd device of the same LCU; NULL for a base. */
	struct css_device *alias_of;
	struct eckd_lcu *lcu;     /* NULL: an LCU of the device's own, from
				     ssid and serial below */
	uint8_t dev_model;        /* 0: the model table's value */
	uint8_t cu_model;         /* 0: 0xe9 (3990 model 01 ECKD) */
	uint16_t ssid;            /* storage subsystem id (RCD NEQ, uid);
				     the LCU's if lcu is given */
	uint8_t unit_addr;        /* unit address (NED byte 31, uid) */
	char serial[13];          /* NED sequence number, 12 chars max; "" =
				     derived; the LCU's if lcu is given */
	/* A base's cache mode (docs/inventory.md "Cache modes"): 0 =
	 * writethrough, a program's writes durable before its final status;
	 * else writeback, in the image file at final status and durable
	 * within this many ms (and when the volume is closed). */
	unsigned int writeback_ms;
	/* No read-ahead in the volume's cache (eckd_cache.h): every image
	 * read on the thread of the program that needs it, for fuzzing that
	 * must see the same run twice. */
	bool no_readahead;
};

/*
 * A 3390 on the given image (the image geometry decides the model), or a
 * HyperPAV alias that works on the volumes of its LCU's bases.
 * Returns: the device (ops = the ECKD command processor) or NULL with err
 * (EEXIST: the unit address is taken in the LCU).
 */
struct css_device *eckd_device_new(const struct eckd_config *cfg,
				   struct error *err);

/*
 * The LCU of dev when dev is a 3390 of the LCU (ssid, serial): a new
 * reference (eckd_lcu_put it), else NULL. Devices added to a running
 * host (a reload) join the LCU of those already there.
 */
struct eckd_lcu *eckd_device_lcu(struct css_device *dev, uint16_t ssid,
				 const char *serial);

#endif
