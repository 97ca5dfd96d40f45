/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A logical control unit (LCU) of the storage control: the devices that
 * share one NED vendor and serial and one subsystem id, each at its own
 * unit address - base devices with their volumes, and HyperPAV aliases,
 * which work on any base of the LCU that a Prefix names (Linux 6.1
 * dasd_alias.c groups devices the same way; research note hyperpav.md).
 * Not for use outside src/dasd; eckd.h has the constructor.
 *
 * Threading: every function may be called from any thread.
 */
#ifndef CCWPASS_DASD_ECKD_LCU_H
#define CCWPASS_DASD_ECKD_LCU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dasd/eckd.h"
#include "dasd/eckd_ident.h"

struct eckd_volume;

struct eckd_lcu {
	unsigned int refs;                 /* atomic */
	pthread_mutex_t lock;              /* the members */
	uint16_t ssid;
	char serial[ECKD_SERIAL_LEN + 1];
	unsigned int naliases;
	uint8_t type[ECKD_LCU_UNITS];      /* ECKD_UA_* by unit address */
	struct eckd_volume *vol[ECKD_LCU_UNITS];  /* a base's volume */
};

void eckd_lcu_get(struct eckd_lcu *lcu);

/*
 * Add the device at unit address ua: a base with its volume (the LCU
 * does not take a reference) or a HyperPAV alias (vol NULL).
 * Returns: 0, or -EEXIST when the unit address is taken.
 */
int eckd_lcu_add(struct eckd_lcu *lcu, uint8_t ua, uint8_t type,
		 struct eckd_volume *vol);
/* Remove the device at ua (its volume is no longer handed out). */
void eckd_lcu_remove(struct eckd_lcu *lcu, uint8_t ua);

/* The volume of the base device at ua, referenced; NULL if ua is not a base. */
struct eckd_volume *eckd_lcu_base_volume(struct eckd_lcu *lcu, uint8_t ua);

bool eckd_lcu_has_aliases(struct eckd_lcu *lcu);

/* The logical subsystem (NED byte 30; Prefix byte 4). */
static inline uint8_t eckd_lcu_lss(const struct eckd_lcu *lcu)
{
	return (uint8_t)lcu->ssid;
}

/* The unit address configuration record of every member. */
void eckd_lcu_uac(struct eckd_lcu *lcu, uint8_t out[ECKD_UAC_LEN]);

#endif
