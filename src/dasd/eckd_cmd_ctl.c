/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identification and control commands (3990/9390 Storage Control
 * Reference, GA32-0274: Sense, Sense ID, Read Device Characteristics, Read
 * Configuration Data, No-Operation, Sense/Set Path Group ID, Device
 * Reserve / Release, Unconditional Reserve, Perform
 * Subsystem Function, Read Subsystem Data, Define Extent, Locate Record,
 * Seek, Recalibrate). None of them is valid in a Locate Record domain.
 */
#include "dasd/eckd_priv.h"

#include <string.h>

#include "dasd/eckd_geom.h"

static int outside_domain(struct eckd_device *d)
{
	return eckd_in_domain(d) ? eckd_reject(d, SNS7_F0_INVALID_SEQ)
				 : ECKD_DONE;
}

/* Index 0-7 of the channel path the command came in on. */
static unsigned int path_index(const struct css_ccw_io *io)
{
	uint8_t mask = css_io_path(io);

	for (unsigned int i = 0; i < 8; i++)
		if (mask & (0x80 >> i))
			return i;
	return 0;
}

/* The 32 sense bytes Sense, Reserve and Release transfer: the pending
 * ones (only Sense finds any: every other command drops them), else "no
 * error" for the current position. */
static void put_sense(struct eckd_device *d, struct css_ccw_io *io)
{
	if (!d->sense_pending)
		eckd_check(d, 0, 0, SNS7_F0_NONE);
	css_io_put(io, d->sense, ECKD_SENSE_LEN);
	d->sense_pending = false;
}

int eckd_cmd_sense(struct eckd_device *d, struct css_ccw_io *io)
{
	int rc = outside_domain(d);

	if (rc == ECKD_DONE)
		put_sense(d, io);
	return rc;
}

int eckd_cmd_sense_id(struct eckd_device *d, struct css_ccw_io *io)
{
	int rc = outside_domain(d);

	if (rc == ECKD_DONE)
		css_io_put(io, d->senseid, sizeof(d->senseid));
	return rc;
}

int eckd_cmd_rdc(struct eckd_device *d, struct css_ccw_io *io)
{
	int rc = outside_domain(d);

	if (rc == ECKD_DONE)
		css_io_put(io, d->rdc, sizeof(d->rdc));
	return rc;
}

int eckd_cmd_rcd(struct eckd_device *d, struct css_ccw_io *io)
{
	struct eckd_ident id = d->id;
	uint8_t rcd[ECKD_RCD_LEN];
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	/* The unit address type is spelt out in an LCU with aliases; a
	 * device without aliases reads as it always did (a base). */
	if (!d->own)
		id.sneq_type = ECKD_UA_HYPERPAV;
	else if (eckd_lcu_has_aliases(d->lcu))
		id.sneq_type = ECKD_UA_BASE;
	eckd_build_rcd(rcd, &id, path_index(io));
	css_io_put(io, rcd, sizeof(rcd));
	return ECKD_DONE;
}

int eckd_cmd_nop(struct eckd_device *d, struct css_ccw_io *io)
{
	(void)io;
	return outside_domain(d);
}

static bool grouped(const struct eckd_path_state *p)
{
	return (p->state & PG_GROUPED) == PG_GROUPED;
}

/* A Set Path Group ID gave the path an id (a disband keeps it). */
static bool has_pgid(const struct eckd_path_state *p)
{
	return p->state != PG_RESET;
}

/* The reservation is held through path index i. A disband leaves each
 * path its id, and with it the reservation: Linux's cio disbands when it
 * sets a device offline, and would find it reserved elsewhere (boxed)
 * when it sets it online again. */
static bool owns_resv(const struct eckd_device *d, unsigned int i)
{
	const struct eckd_reservation *r = &d->resv;

	if (!r->held)
		return false;
	if (!r->by_pgid)
		return i == r->path;
	return has_pgid(&d->path[i]) &&
	       !memcmp(d->path[i].pgid, r->pgid, sizeof(r->pgid));
}

int eckd_cmd_snid(struct eckd_device *d, struct css_ccw_io *io)
{
	unsigned int me = path_index(io);
	const struct eckd_path_state *p = &d->path[me];
	uint8_t out[PG_LEN];
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	out[0] = p->state;
	if (d->resv.held)
		out[0] |= owns_resv(d, me) ? PG_RESV_SELF : PG_RESV_ELSEWHERE;
	memcpy(out + 1, p->pgid, sizeof(p->pgid));
	css_io_put(io, out, sizeof(out));
	return ECKD_DONE;
}

int eckd_cmd_spid(struct eckd_device *d, struct css_ccw_io *io)
{
	unsigned int me = path_index(io);
	uint8_t p[PG_LEN], fn;
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	if (css_io_get(io, p, sizeof(p)) < sizeof(p))
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	fn = p[0];
	if ((fn & SPID_RESERVED) || (fn & SPID_CMD) == SPID_CMD)
		return eckd_reject(d, SNS7_F0_INVALID_PARM);

	switch (fn & SPID_CMD) {
	case SPID_ESTABLISH:
		/* One path group per device: another grouped path with a
		 * different id means the device belongs to someone else. */
		for (unsigned int i = 0; i < 8; i++)
			if (i != me &&
			    grouped(&d->path[i]) &&
			    memcmp(d->path[i].pgid, p + 1, PG_LEN - 1))
				return eckd_reject(d, SNS7_F0_INVALID_PARM);
		d->path[me].state = PG_GROUPED |
				    ((fn & SPID_MULTIPATH) ? PG_MULTIPATH : 0);
		memcpy(d->path[me].pgid, p + 1, PG_LEN - 1);
		break;
	case SPID_RESIGN:
		d->path[me].state = PG_UNGROUPED;
		memcpy(d->path[me].pgid, p + 1, PG_LEN - 1);
		break;
	default: /* disband: every path of the group becomes ungrouped */
		for (unsigned int i = 0; i < 8; i++)
			if (grouped(&d->path[i]))
				d->path[i].state = PG_UNGROUPED;
		break;
	}
	return ECKD_DONE;
}

/*
 * Device Reserve, Device Release and Unconditional Reserve each transfer
 * 32 sense bytes ("no error"). While the device is reserved through other
 * paths, Reserve and Release are not accepted (busy); Unconditional
 * Reserve takes the reservation whoever holds it. Only a base has them
 * (an alias is reserved through its base).
 */
int eckd_cmd_reserve(struct eckd_device *d, struct css_ccw_io *io,
		     uint8_t cmd)
{
	unsigned int me = path_index(io);
	struct eckd_reservation *r = &d->resv;
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	if (!d->own)
		return eckd_reject(d, SNS7_F0_INVALID_CMD);
	if (cmd != ECKD_CMD_UNCOND_RESERVE && r->held && !owns_resv(d, me))
		return ECKD_BUSY;
	if (cmd == ECKD_CMD_RELEASE) {
		r->held = false;
	} else {
		r->held = true;
		r->by_pgid = has_pgid(&d->path[me]);
		r->path = (uint8_t)me;
		memcpy(r->pgid, d->path[me].pgid, sizeof(r->pgid));
	}
	put_sense(d, io);
	return ECKD_DONE;
}

int eckd_cmd_psf(struct eckd_device *d, struct css_ccw_io *io)
{
	uint8_t p[PSF_SSC_LEN];
	size_t need, n;
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	if (css_io_get(io, p, 1) < 1)
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	switch (p[0]) {
	case PSF_ORDER_PRSSD:
		need = PSF_PRSSD_LEN;
		break;
	case PSF_ORDER_SSC:
		need = PSF_SSC_LEN;
		break;
	default:
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	}
	n = 1 + css_io_get(io, p + 1, need - 1);
	if (n < need)
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	if (p[1])       /* flags */
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	if (p[0] == PSF_ORDER_SSC)
		return ECKD_DONE;       /* accepted, nothing to change */

	switch (p[6]) {
	case PRSSD_FEATURES:
		d->ch.ssd = SSD_FEATURES;
		return ECKD_DONE;
	case PRSSD_UAC:
		d->ch.ssd = SSD_UAC;
		return ECKD_DONE;
	default:        /* volume storage / logical configuration query... */
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	}
}

int eckd_cmd_rssd(struct eckd_device *d, struct css_ccw_io *io)
{
	uint8_t buf[ECKD_UAC_LEN];
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	switch (d->ch.ssd) {
	case SSD_FEATURES:
		eckd_build_features(buf);
		css_io_put(io, buf, ECKD_FEATURES_LEN);
		break;
	case SSD_UAC:       /* the same on every device of the LCU */
		eckd_lcu_uac(d->lcu, buf);
		css_io_put(io, buf, ECKD_UAC_LEN);
		break;
	default:
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	}
	d->ch.ssd = SSD_NONE;
	return ECKD_DONE;
}

int eckd_cmd_define_extent(struct eckd_device *d, struct css_ccw_io *io)
{
	uint8_t p[ECKD_DE_LEN + ECKD_DE_EXT_LEN];
	struct eckd_extent de;
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	/* One extent per program; none after Read IPL. */
	if (d->ch.de_valid || d->ch.read_ipl)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (css_io_get(io, p, ECKD_DE_LEN) < ECKD_DE_LEN)
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	if (eckd_de_parse(p, eckd_vol(d)->cyls, eckd_vol(d)->heads, &de))
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	/* Extended parameter (time stamp for XRC): taken, not used. */
	if ((de.gattr_ext & DE_GEXT_EXT_PARM) &&
	    css_io_get(io, p + ECKD_DE_LEN, ECKD_DE_EXT_LEN) < ECKD_DE_EXT_LEN)
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	return eckd_set_extent(d, &de);
}

int eckd_cmd_locate(struct eckd_device *d, struct css_ccw_io *io)
{
	uint8_t p[ECKD_LR_LEN];
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	if (css_io_get(io, p, sizeof(p)) < sizeof(p))
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	return eckd_locate(d, p, false);
}

/* Operations that write in their domain: update (Write Data, Write Track
 * Data) or format. */
static bool lr_writes(const struct eckd_locate *lr)
{
	return lr->op == LR_OP_WRITE || lr->op == LR_OP_FORMAT ||
	       lr->op == LR_OP_EXTENDED;
}

int eckd_locate(struct eckd_device *d, const uint8_t *p, bool extended)
{
	const struct eckd_volume *v = eckd_vol(d);
	struct eckd_locate lr;
	uint32_t blksize;
	int rc;

	if (!d->ch.de_valid && !d->ch.read_ipl)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	blksize = d->ch.de_valid ? d->ch.de.blksize : ECKD_3390_MAX_R0_DL + 8;
	rc = extended ? eckd_lre_parse(p, v->cyls, v->heads, blksize, &lr)
		      : eckd_lr_parse(p, v->cyls, v->heads, blksize, &lr);
	if (rc)
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	if (!eckd_in_extent(d, lr.trk)) {
		eckd_set_track(d, lr.trk);
		return eckd_check(d, 0, SNS1_FILE_PROTECTED, 0);
	}
	if (lr_writes(&lr) &&
	    (!d->ch.de_valid ||
	     (d->ch.de.mask & DE_MASK_WRITE) == DE_MASK_WR_INHIBIT ||
	     (lr.op == LR_OP_FORMAT &&
	      (d->ch.de.mask & DE_MASK_WRITE) == DE_MASK_WR_UPDATE)))
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (lr_writes(&lr) && v->readonly)
		return eckd_check(d, SNS0_CMD_REJECT, SNS1_WRITE_INHIBITED,
				  SNS7_F0_INVALID_PARM);

	d->ch.lr = lr;
	d->ch.lr_seen = true;
	d->ch.lr_left = 0;
	d->ch.lr_write_cmd = 0;
	/* After a domain, reads need new positioning (see docs/eckd.md). */
	d->ch.seeked = lr.op == LR_OP_ORIENT;
	rc = eckd_locate_search(d, &lr);
	if (rc == ECKD_DONE)
		d->ch.lr_left = lr.count;
	return rc;
}

int eckd_cmd_seek(struct eckd_device *d, struct css_ccw_io *io, uint8_t cmd)
{
	uint8_t skctl = d->ch.de_valid ? d->ch.de.mask & DE_MASK_SEEK
				       : DE_MASK_SEEK_ALL;
	const struct eckd_volume *v = eckd_vol(d);
	uint32_t cyl, head, trk;
	uint8_t p[6];
	int rc = outside_domain(d);

	if (rc != ECKD_DONE)
		return rc;
	if (cmd == ECKD_CMD_SEEK_HEAD && !d->ch.on_track)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if ((cmd == ECKD_CMD_SEEK && skctl != DE_MASK_SEEK_ALL) ||
	    (cmd == ECKD_CMD_SEEK_CYL && skctl != DE_MASK_SEEK_ALL &&
	     skctl != DE_MASK_SEEK_CYLHEAD) ||
	    (cmd == ECKD_CMD_SEEK_HEAD && skctl == DE_MASK_SEEK_NONE))
		return eckd_check(d, 0, SNS1_FILE_PROTECTED, 0);
	if (css_io_get(io, p, sizeof(p)) < sizeof(p))
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	eckd_cchh_load(p + 2, &cyl, &head);
	if (cmd == ECKD_CMD_SEEK_HEAD)
		cyl = d->ch.trk / v->heads;
	if (p[0] || p[1] || cyl >= v->cyls || head >= v->heads)
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	trk = cyl * v->heads + head;
	if (!eckd_in_extent(d, trk))
		return eckd_check(d, 0, SNS1_FILE_PROTECTED, 0);
	eckd_set_track(d, trk);
	d->ch.seeked = true;
	return ECKD_DONE;
}

int eckd_cmd_recalibrate(struct eckd_device *d, struct css_ccw_io *io)
{
	int rc = outside_domain(d);

	(void)io;
	if (rc != ECKD_DONE)
		return rc;
	if (d->ch.de_valid &&
	    (d->ch.de.mask & DE_MASK_SEEK) == DE_MASK_SEEK_NONE)
		return eckd_check(d, 0, SNS1_FILE_PROTECTED, 0);
	if (!eckd_in_extent(d, 0))
		return eckd_check(d, 0, SNS1_FILE_PROTECTED, 0);
	eckd_set_track(d, 0);
	d->ch.seeked = true;
	return ECKD_DONE;
}
