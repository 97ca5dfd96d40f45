/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logical control units (see eckd_lcu.h): the table of unit addresses
 * that Read Subsystem Data returns as the unit address configuration, and
 * the base volumes HyperPAV aliases work on.
 */
#include "dasd/eckd_lcu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dasd/eckd_volume.h"

struct eckd_lcu *eckd_lcu_new(uint16_t ssid, const char *serial,
			      struct error *err)
{
	struct eckd_lcu *lcu = calloc(1, sizeof(*lcu));

	if (!lcu) {
		error_setf(err, ENOMEM, "LCU %04x: out of memory",
			   (unsigned int)ssid);
		return NULL;
	}
	if (!serial || !*serial ||
	    eckd_serial_make(lcu->serial, serial, ssid, 0)) {
		error_setf(err, EINVAL,
			   "LCU %04x: serial \"%s\": 1-12 characters of [0-9A-Z]",
			   (unsigned int)ssid, serial ? serial : "");
		free(lcu);
		return NULL;
	}
	lcu->refs = 1;
	lcu->ssid = ssid;
	pthread_mutex_init(&lcu->lock, NULL);
	return lcu;
}

void eckd_lcu_get(struct eckd_lcu *lcu)
{
	__atomic_add_fetch(&lcu->refs, 1, __ATOMIC_RELAXED);
}

void eckd_lcu_put(struct eckd_lcu *lcu)
{
	if (!lcu || __atomic_sub_fetch(&lcu->refs, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_destroy(&lcu->lock);
	free(lcu);
}

int eckd_lcu_add(struct eckd_lcu *lcu, uint8_t ua, uint8_t type,
		 struct eckd_volume *vol)
{
	int rc = 0;

	pthread_mutex_lock(&lcu->lock);
	if (lcu->type[ua] != ECKD_UA_NONE) {
		rc = -EEXIST;
	} else {
		lcu->type[ua] = type;
		lcu->vol[ua] = type == ECKD_UA_BASE ? vol : NULL;
		if (type != ECKD_UA_BASE)
			lcu->naliases++;
	}
	pthread_mutex_unlock(&lcu->lock);
	return rc;
}

void eckd_lcu_remove(struct eckd_lcu *lcu, uint8_t ua)
{
	pthread_mutex_lock(&lcu->lock);
	if (lcu->type[ua] != ECKD_UA_NONE && lcu->type[ua] != ECKD_UA_BASE)
		lcu->naliases--;
	lcu->type[ua] = ECKD_UA_NONE;
	lcu->vol[ua] = NULL;
	pthread_mutex_unlock(&lcu->lock);
}

struct eckd_volume *eckd_lcu_base_volume(struct eckd_lcu *lcu, uint8_t ua)
{
	struct eckd_volume *v;

	pthread_mutex_lock(&lcu->lock);
	v = lcu->type[ua] == ECKD_UA_BASE ? lcu->vol[ua] : NULL;
	if (v)
		eckd_volume_get(v);
	pthread_mutex_unlock(&lcu->lock);
	return v;
}

bool eckd_lcu_has_aliases(struct eckd_lcu *lcu)
{
	bool yes;

	pthread_mutex_lock(&lcu->lock);
	yes = lcu->naliases > 0;
	pthread_mutex_unlock(&lcu->lock);
	return yes;
}

void eckd_lcu_uac(struct eckd_lcu *lcu, uint8_t out[ECKD_UAC_LEN])
{
	pthread_mutex_lock(&lcu->lock);
	eckd_build_uac(out, lcu->type);
	pthread_mutex_unlock(&lcu->lock);
}
