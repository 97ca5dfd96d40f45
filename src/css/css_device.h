/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a device (control unit + device) offers the channel subsystem, and
 * how it moves data during one command.
 *
 * The channel fetches CCWs, handles chaining, IDAWs, skip, PCI, TIC and
 * residual counts; the device sees one command at a time and a byte stream
 * (data chaining is invisible to it, as on a real channel). A device type is
 * an ops table: ECKD DASD first; FBA or tape can follow.
 */
#ifndef CCWPASS_CSS_DEVICE_H
#define CCWPASS_CSS_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct css_device;
struct css_ccw_io;
struct error;

/* What a device is, for host-side listings (ccwpass status). */
struct css_device_desc {
	char model[24];          /* "3390-9", "3390 alias" */
	char uid[48];            /* the device's identity, "" if none */
	char image[1024];        /* its volume's file, "" if none */
	char format[16];         /* "cckd64", "cckd", "plain", "memory";
				    "fba", "cfba"; ... */
	uint32_t cyls, heads;
	uint64_t capacity;       /* bytes of data the volume holds, formatted
				    as Linux CDL (4 KiB blocks, 12 per track) */
	uint64_t file_size;      /* the image file: its length */
	uint64_t file_alloc;     /* and what it takes on the host's disk */
	char volser[7];          /* from the VOL1 label on track 0, "" if none */
	bool readonly;
	char cache[16];          /* "writethrough", "writeback", "" */
	bool removable;          /* image is a removable medium (a tape), ""
				    when none is mounted */
};

struct css_device_ops {
	const char *name;   /* "3390", ... */

	/*
	 * Execute one command (not TIC). Data moves with css_io_put() /
	 * css_io_get(). Returns the unit status presented at the end of the
	 * command: normally DEV_STAT_CHN_END | DEV_STAT_DEV_END, with
	 * DEV_STAT_STAT_MOD to make the channel skip the next CCW, or with
	 * DEV_STAT_UNIT_CHECK after recording sense data (never an empty one);
	 * or DEV_STAT_BUSY alone when the device did not accept the command.
	 */
	uint8_t (*execute)(struct css_device *dev, struct css_ccw_io *io);

	/*
	 * Copy the device's current sense (up to len bytes, normally 32) into
	 * buf and reset it; used for concurrent sense. Returns: bytes stored.
	 */
	size_t (*take_sense)(struct css_device *dev, uint8_t *buf, size_t len);

	/*
	 * Called once when a channel program has ended, for whatever reason,
	 * before its final status is made pending. Written data must be
	 * durable when this returns. Returns extra unit status to merge into
	 * the final status: 0, or DEV_STAT_UNIT_CHECK with sense recorded.
	 */
	uint8_t (*end_program)(struct css_device *dev);

	/* Clear function / reset: drop contingent allegiance, pending sense. */
	void (*reset)(struct css_device *dev);

	void (*destroy)(struct css_device *dev);
	/* Optional: fill in what it is (any thread, while I/O runs). */
	void (*describe)(struct css_device *dev, struct css_device_desc *out);

	/*
	 * Optional, removable media (a tape drive): mount the volume at path
	 * (readonly: write-protected), or take the mounted one out (path
	 * NULL), as an operator does; any thread, while I/O runs. Returns:
	 * the unit status the device then presents on its own
	 * (css_sch_present; 0: none), or -errno with err.
	 */
	int (*media)(struct css_device *dev, const char *path, bool readonly,
		     struct error *err);
};

struct css_device {
	const struct css_device_ops *ops;
	/* Identification as reported by Sense ID (for host-side listings). */
	uint16_t cu_type;
	uint8_t cu_model;
	uint16_t dev_type;
	uint8_t dev_model;
};

/* ---- the channel's side of one command, as seen by the device ---- */

uint8_t css_io_cmd(const struct css_ccw_io *io);
/* Flags of the CCW the command came from (CCW_FLAG_*). */
uint8_t css_io_flags(const struct css_ccw_io *io);
/* Count of the CCW the command came from (data chaining may add more). */
uint32_t css_io_count(const struct css_ccw_io *io);
/* The path (single bit of the path masks) the command arrived on. */
uint8_t css_io_path(const struct css_ccw_io *io);
/* True when this command was reached through command chaining. */
bool css_io_chained(const struct css_ccw_io *io);
/*
 * True when the program should stop as soon as it can: a halt or clear is
 * pending, or the channel subsystem goes away. For a device that waits
 * inside a command (for a resource another subchannel holds): it ends the
 * command (with unit check) instead of waiting on.
 */
bool css_io_cancelled(const struct css_ccw_io *io);

/*
 * Device -> storage (read, sense, read backward; for read backward the
 * bytes come in the order they leave the device, the first one going to
 * the rightmost address). Moves up to len bytes,
 * following data chaining; returns the bytes the channel accepted. A short
 * return means the count is exhausted or a storage error stopped the
 * transfer; the channel records incorrect length / the check itself, and the
 * device simply ends the command.
 */
size_t css_io_put(struct css_ccw_io *io, const void *buf, size_t len);
/*
 * Sense ID's basic 7 bytes (0xFF, control-unit type and model, device type
 * and model: dev's identification above) to storage, as css_io_put(), for
 * a device whose Sense ID has no command information words.
 */
size_t css_io_put_sense_id(struct css_ccw_io *io, const struct css_device *dev);
/* Storage -> device (write, control). Same rules. */
size_t css_io_get(struct css_ccw_io *io, void *buf, size_t len);
/* Bytes the channel can still transfer for this command (current CCW and data-chained ones are not known in advance: this is the current CCW's remainder). */
uint32_t css_io_remaining(const struct css_ccw_io *io);

#endif
