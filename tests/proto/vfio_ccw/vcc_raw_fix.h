/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fixture of the vcc_raw tests (test_vcc_raw.c: framing, commands,
 * regions; test_vcc_raw_dma.c: SET_IRQS, DMA maps, fds, abandoned I/O,
 * bad DMA replies): a live host with two mdevs; a hostile raw client on
 * mdev A (fd), a normal client writing and reading blocks on mdev B all
 * along; teardown checks B never failed, no fd leaked, and mdev A serves
 * a normal client, IDLE with no stale IRB.
 */
#ifndef CCWPASS_TESTS_VCC_RAW_FIX_H
#define CCWPASS_TESTS_VCC_RAW_FIX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vcc_live.h"
#include "vfio_ccw/vcc_region.h"
#include "vfu_raw.h"

#define MAP_SIZE (1u << 20)      /* the hostile client's memfd */
#define RD VFU_CMD_REGION_READ
#define WR VFU_CMD_REGION_WRITE

struct worker {
	struct vl_guest *g;
	pthread_t thread;
	atomic_int rounds;
	atomic_int fails;
	atomic_bool stop;
};

struct fix {
	struct vl_host h;
	struct vl_guest b;
	struct worker w;
	const char *sock_a;
	struct vcc_private *pa;
	int nfds;               /* open fds before the hostile client */
	int fd;                 /* the hostile client's connection */
	uint16_t id;
};

/* cmocka setup / teardown (see the top of this file). */
int rs_setup(void **state);
int rs_teardown(void **state);
/* B completes a whole write + read while the hostile client is there. */
void b_progress(struct fix *f);
/* mdev's IRB state: one shown and unread; how many queue behind it. */
bool irb_posted(struct vcc_private *p);
unsigned int irbs_queued(struct vcc_private *p);
void wait_irb_posted(struct vcc_private *p);
/* The hostile client is gone and its server side with every fd. */
void hostile_gone(struct fix *f);
/* The pipe's write end has no holder left (the server closed its copy). */
void assert_pipe_orphaned(int p[2]);
/* Replies and refusals of region accesses. */
void expect_count(struct fix *f, uint16_t id, uint16_t cmd,
		  uint32_t count);
void expect_device_info(struct fix *f);
void region_err(struct fix *f, uint16_t cmd, uint32_t region,
		uint64_t off, uint32_t count, size_t data_len, int err);
/* A memfd the server maps (sealed against shrinking). */
int sealed_memfd(size_t size);
/* START of Sense ID through the io region, its guest memory mapped. */
void start_region(uint8_t region[VCC_IO_REGION_SIZE]);
uint16_t raw_start(struct fix *f, const int *fds, size_t nfds);
uint8_t *map_sense_id(struct fix *f, uint32_t prot);

#endif
