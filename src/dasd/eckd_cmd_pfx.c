/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prefix (E7) and Reset Summary Unit Check (F9), the commands of a
 * storage control with HyperPAV aliases (IBM Subsystem Reference Guide
 * SA22-1025 "Prefix"; Linux 6.1 dasd_eckd.h struct PFX_eckd_data, built
 * by prefix_LRE() in dasd_eckd.c; research note hyperpav.md 3.2-3.4).
 *
 * Prefix, 64 bytes:
 *   0      format: 00 Prefix + Define Extent (a Locate Record follows),
 *          01 the same + an embedded Locate Record Extended
 *   1      validity: 80 Define Extent valid (required), 40 time stamp
 *          valid, 20 verify base, 10 HyperPAV; bits 0x0f reserved
 *   2      base unit address   3  aux (0)   4  base LSS   5-11 reserved
 *   12-43  Define Extent, 32 bytes (16 + the extended parameter)
 *   44-63  Locate Record Extended (format 01; zero for 00): bytes 44-59
 *          laid out as a Locate Record, with the operations Read Track
 *          Data (0C) and extended (3F); 60 imbedded count (0), 61 the
 *          extended operation (23 Write Track Data, with 3F only), 62-63
 *          extended parameter length (0); see eckd_params.h
 * On a base the validity has neither "verify base" nor "HyperPAV" and the
 * base is the device itself; on a HyperPAV alias both are set and the base
 * is any base of the LCU, whose volume the program then works on.
 */
#include "dasd/eckd_priv.h"

#include <stdbool.h>

#define PFX_LEN          64
#define PFX_FMT_DE       0x00
#define PFX_FMT_DE_LRE   0x01
#define PFX_V_DE         0x80   /* validity: Define Extent */
#define PFX_V_TIME       0x40   /* time stamp */
#define PFX_V_VERIFY     0x20   /* verify base */
#define PFX_V_HYPERPAV   0x10   /* start device is a HyperPAV alias */
#define PFX_V_RESERVED   0x0f
#define PFX_BASE_UA      2
#define PFX_AUX          3
#define PFX_BASE_LSS     4
#define PFX_DE           12
#define PFX_LRE          44

_Static_assert(PFX_LEN - PFX_LRE == ECKD_LRE_LEN, "LRE ends the Prefix");

#define RSCK_LEN         16     /* Reset Summary Unit Check: byte 0 reason */

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool prefix_wellformed(const uint8_t p[PFX_LEN])
{
	if (p[0] != PFX_FMT_DE && p[0] != PFX_FMT_DE_LRE)
		return false;
	if (!(p[1] & PFX_V_DE) || (p[1] & PFX_V_RESERVED))
		return false;
	if (p[PFX_AUX] || !zero(p + PFX_BASE_LSS + 1, PFX_DE - PFX_BASE_LSS - 1))
		return false;
	if (p[0] == PFX_FMT_DE)
		return zero(p + PFX_LRE, PFX_LEN - PFX_LRE);
	return eckd_lre_ext_check(p + PFX_LRE) == 0;
}

/*
 * The volume the program works on: the base's own, or for an alias the
 * base the Prefix names, which must be a base of this LCU.
 * Returns: ECKD_DONE or ECKD_CHECK.
 */
static int bind_base(struct eckd_device *d, const uint8_t p[PFX_LEN])
{
	const uint8_t alias_bits = PFX_V_VERIFY | PFX_V_HYPERPAV;
	bool lss_ok = p[PFX_BASE_LSS] == eckd_lcu_lss(d->lcu);
	struct eckd_volume *v;

	if (d->own) {
		if ((p[1] & alias_bits) || !lss_ok ||
		    p[PFX_BASE_UA] != d->id.unit_addr)
			return eckd_reject(d, SNS7_F0_INVALID_PARM);
		return ECKD_DONE;
	}
	/* Linux reloads the alias on this sense and redoes the request on
	 * the base device (dasd_3990_erp_inspect_alias). */
	if ((p[1] & alias_bits) != alias_bits || !lss_ok)
		return eckd_check_base_alias(d);
	v = eckd_lcu_base_volume(d->lcu, p[PFX_BASE_UA]);
	if (!v)
		return eckd_check_base_alias(d);
	d->pg.vol = v;
	return ECKD_DONE;
}

int eckd_cmd_prefix(struct eckd_device *d, struct css_ccw_io *io)
{
	uint8_t p[PFX_LEN];
	struct eckd_extent de;
	int rc = eckd_in_domain(d) ? eckd_reject(d, SNS7_F0_INVALID_SEQ)
				   : ECKD_DONE;

	if (rc != ECKD_DONE)
		return rc;
	/* In place of a Define Extent: one per program, none after Read IPL. */
	if (d->ch.de_valid || d->ch.read_ipl)
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	if (css_io_get(io, p, sizeof(p)) < sizeof(p))
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	if (!prefix_wellformed(p))
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	rc = bind_base(d, p);
	if (rc != ECKD_DONE)
		return rc;
	/* The 32-byte Define Extent: its extended parameter (the time stamp)
	 * is taken and not used, as with a Define Extent of 32 bytes. */
	if (eckd_de_parse(p + PFX_DE, eckd_vol(d)->cyls, eckd_vol(d)->heads,
			  &de))
		return eckd_reject(d, SNS7_F0_INVALID_PARM);
	rc = eckd_set_extent(d, &de);
	if (rc != ECKD_DONE || p[0] == PFX_FMT_DE)
		return rc;
	return eckd_locate(d, p + PFX_LRE, true);
}

int eckd_cmd_reset_summary(struct eckd_device *d, struct css_ccw_io *io)
{
	uint8_t p[RSCK_LEN];

	if (eckd_in_domain(d))
		return eckd_reject(d, SNS7_F0_INVALID_SEQ);
	/* Byte 0: the reason code of the summary unit check being reset.
	 * ccwpass never raises one (its configuration does not change), so
	 * there is nothing to reset. */
	if (css_io_get(io, p, sizeof(p)) < 1)
		return eckd_reject(d, SNS7_F0_COUNT_SMALL);
	return ECKD_DONE;
}
