/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the preload tests: a runtime directory laid out as ccwpassd
 * publishes it, test servers (pl_testsrv) started without LD_PRELOAD, and
 * "rigs": a container, group and device opened with exactly the calls and
 * argument sizes QEMU 7.2 uses (hw/vfio/common.c vfio_get_group,
 * vfio_connect_container, vfio_get_device; hw/vfio/ccw.c realize).
 */
#ifndef CCWPASS_TESTS_PL_RIG_H
#define CCWPASS_TESTS_PL_RIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RIG_RAM_SIZE (1u << 20)

enum rig_ram {
	RIG_RAM_ANON,     /* MAP_PRIVATE | MAP_ANONYMOUS: process_vm or
			   * DMA messages */
	RIG_RAM_MEMFD,    /* memfd, MAP_SHARED: zero-copy */
};

struct rig {
	int ctr, grp, dev;
	uint8_t *ram;            /* guest RAM at iova 0 */
	int memfd;
	int efd[3];              /* IO, CRW, REQ eventfds */
	uint64_t region_off[4];  /* io, async, schib, crw */
};

/* The runtime dir (CCWPASS_RUNTIME_DIR is set to it). */
const char *rig_runtime(void);
void rig_env_setup(void);
void rig_env_teardown(void);
/* <runtime>/sys/kernel/iommu_groups/<id>/devices/<uuid>. */
void rig_add_group(unsigned id, const char *uuid);
/* Start a test server for uuid; returns its pid. */
pid_t rig_start_server(const char *uuid);
void rig_stop_server(pid_t pid);

/* Container + group + IOMMU + guest RAM mapped; no device yet. */
void rig_open_container(struct rig *r, unsigned group, enum rig_ram ram);
/* The device part of vfio-ccw realize (info, regions, irqs). */
void rig_open_device(struct rig *r, const char *uuid);
/* Both. */
void rig_open(struct rig *r, unsigned group, const char *uuid,
	      enum rig_ram ram);
/* QEMU's teardown, checking each step: the device part, everything. */
void rig_close_device(struct rig *r);
void rig_close(struct rig *r);

/* QEMU's vfio_get_region_info: argsz 32, re-asked when the reply wants
 * more. NULL and errno on failure; free() the result. */
void *rig_region_info(int dev, uint32_t index);
/* Server counters (PL_TS_*) from the schib region. */
uint32_t rig_stat(struct rig *r, unsigned off);
/* Write a test-server command to the io region: pwrite's result. */
ssize_t rig_command(struct rig *r, uint32_t op, uint32_t arg, uint64_t iova,
		    uint32_t len);
/* Wait (bounded: a hang guard) for eventfd i and clear it: 1 or 0. */
int rig_wait_irq(struct rig *r, int i);

/* cmocka teardown: close every VFIO fd a failed test left open, so the
 * next test finds its group free, and restore the library's defaults. */
int rig_close_leftovers(void **state);

/* Run fn with stderr sent to a buffer; returns the text (static). */
const char *rig_capture_stderr(void (*fn)(void *), void *opaque);

#endif
