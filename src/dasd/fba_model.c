/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FBA models: identification and the RDC geometry fields, with the
 * capacities Hercules' device table gives them (docs/research/fba-dasd.md
 * section 2).
 */
#include <string.h>

#include "dasd/fba.h"

static const struct fba_model models[] = {
	{ "9336-10", 0x9336, 0x00, 0x6310, 0x11, 63, 315, 920115 },
	{ "9336-20", 0x9336, 0x10, 0x6310, 0x11, 111, 777, 1672881 },
	{ "3370-1", 0x3370, 0x00, 0x3880, 0x02, 62, 744, 558000 },
	{ "3370-2", 0x3370, 0x04, 0x3880, 0x05, 62, 744, 712752 },
};

#define NMODELS (sizeof(models) / sizeof(*models))

const struct fba_model *fba_model_find(const char *name)
{
	if (!strcmp(name, "9336"))
		name = "9336-20";
	else if (!strcmp(name, "3370"))
		name = "3370-1";
	for (size_t i = 0; i < NMODELS; i++)
		if (!strcmp(models[i].name, name))
			return &models[i];
	return NULL;
}

const struct fba_model *fba_model_for(uint16_t dev_type, uint64_t blocks)
{
	const struct fba_model *last = NULL;

	for (size_t i = 0; i < NMODELS; i++) {
		if (models[i].dev_type != dev_type)
			continue;
		if (blocks <= models[i].blocks)
			return &models[i];
		last = &models[i];
	}
	return last;
}
