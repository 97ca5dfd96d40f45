/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One subchannel of a running ccwpassd as `ccwpass status` and `ccwpass
 * stat` show it, gathered from the sysfs view: the kernel's attributes
 * (device number, driver, override, mdevs and their IOMMU groups) and
 * ccwpass's own (ccwpass_device, ccwpass_stats, ccwpass_holder;
 * docs/sysfs.md).
 */
#ifndef CCWPASS_CLI_HOST_VIEW_H
#define CCWPASS_CLI_HOST_VIEW_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define HV_MAX_MDEVS 16

struct hv_mdev {
	char uuid[40];
	char group[16];            /* IOMMU group number, "" if none */
	int holder;                /* pid of the QEMU connected, 0: none */
	char socket[PATH_MAX];
	bool socket_missing;
};

struct hv_sch {
	char name[16];             /* "0.0.0313" */
	char devno[16];            /* "0.0.2b09" */
	char driver[64];           /* "" unbound */
	char override[128];        /* "" none */
	/* ccwpass_device */
	char model[24], uid[48], image[1024], format[16], volser[8], cache[16];
	unsigned int cyls, heads;
	uint64_t capacity, file_size, file_alloc;
	bool readonly;
	/* ccwpass_stats */
	uint64_t programs, unit_checks, bytes_read, bytes_written, busy_ns;
	unsigned int nmdevs;
	struct hv_mdev mdevs[HV_MAX_MDEVS];
};

struct hv_host {
	const char *rt;            /* runtime directory */
	char root[PATH_MAX];       /* <rt>/sys */
	int pid;                   /* the daemon's */
	unsigned int nschs;
	struct hv_sch *schs;       /* malloc'd */
};

/*
 * Find the daemon on rt (NULL: the default) and read every subchannel.
 * Returns 0, or -ESRCH (no daemon: why in msg), -ENOMEM.
 */
int hv_load(struct hv_host *h, const char *rt, char *msg, size_t msgsize);
void hv_free(struct hv_host *h);

/* Counters of one subchannel only (stat's intervals). 0 or -ENOENT. */
int hv_load_stats(const struct hv_host *h, struct hv_sch *s);

/* A JSON string (quoted, escaped) on f. */
void hv_json_str(FILE *f, const char *s);
/* "7.0 GiB" for n bytes. */
const char *hv_size(uint64_t n, char *buf, size_t size);

#endif
