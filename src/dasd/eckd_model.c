/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 3390 models: cylinders and tracks per cylinder (IBM 3390 Direct Access
 * Storage Introduction, GC26-4573; the -27/-54 "model 9 equivalents").
 *
 * The device model byte is the one a current storage control reports for
 * every 3390 it emulates (0x0e), which is what the guest prints as
 * "3390/0E" (see the seed documents); an inventory entry can override it.
 */
#include "dasd/eckd.h"

#include <string.h>

static const struct eckd_model eckd_models[] = {
	{ "3390-1",  0x3390, 0x0e,  1113, 15 },
	{ "3390-2",  0x3390, 0x0e,  2226, 15 },
	{ "3390-3",  0x3390, 0x0e,  3339, 15 },
	{ "3390-9",  0x3390, 0x0e, 10017, 15 },
	{ "3390-27", 0x3390, 0x0e, 32760, 15 },
	{ "3390-54", 0x3390, 0x0e, 65520, 15 },
};

const struct eckd_model *eckd_model_find(const char *name)
{
	for (size_t i = 0; i < sizeof(eckd_models) / sizeof(eckd_models[0]); i++)
		if (!strcmp(eckd_models[i].name, name))
			return &eckd_models[i];
	return NULL;
}

const struct eckd_model *eckd_model_by_cyls(uint16_t dev_type, uint32_t cyls)
{
	for (size_t i = 0; i < sizeof(eckd_models) / sizeof(eckd_models[0]); i++)
		if (eckd_models[i].dev_type == dev_type &&
		    eckd_models[i].cyls == cyls)
			return &eckd_models[i];
	return NULL;
}
