/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small device for the vfio-user protocol tests, served by a real
 * vfu_server on a real socket from an event-loop thread.
 *
 * Regions: 0 "mem" (256 bytes, read/write memory);
 *          1 "cmd" (16 bytes, read/write, two capabilities): writing
 *            {u32 op, u32 len, u64 iova} runs op (below); reading returns
 *            {i32 last result, u32 ops run, u64 0};
 *          2 "ro"  (8 bytes, read-only, "readonly").
 * IRQs:    0 and 1, count 1, eventfd.
 * Reset:   zeroes mem.
 */
#ifndef CCWPASS_TESTS_VFU_TESTDEV_H
#define CCWPASS_TESTS_VFU_TESTDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vfio_user/vfu_server.h"

struct evloop;

enum testdev_op {
	TD_DMA_WRITE = 1,      /* mem[0..len) -> client memory at iova */
	TD_DMA_READ = 2,       /* client memory at iova -> mem[0..len) */
	TD_IRQ0 = 3,
	TD_IRQ1 = 4,
	TD_ASYNC_WRITE = 5,    /* worker thread: DMA write, then IRQ 0 */
	TD_MAP_PTR = 6,        /* fill vfu_dma_map_ptr(iova, len) with 0x5a */
	TD_PIN = 7,            /* refuse unmapping regions holding iova */
	TD_UNPIN = 8,
};

#define TD_MEM_SIZE 256
#define TD_CMD_SIZE 16
#define TD_CAP_ID_TEST 0x7777

struct testdev {
	struct vfu_server *srv;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint8_t mem[TD_MEM_SIZE];
	int32_t last_result;
	uint32_t ops;
	unsigned resets;
	unsigned maps;
	unsigned unmaps;
	unsigned gone;          /* client_gone calls */
	unsigned ready;         /* client_ready calls */
	unsigned replied;       /* replied calls */
	bool probe;             /* replied: look at probe_fd's input */
	int probe_fd;
	int probe_queued;       /* bytes readable on probe_fd, last replied */
	bool async_hold;        /* the async worker waits until cleared
				 * (testdev_release_async) */
	unsigned async_done;
	int async_result;
	uint64_t async_iova;
	uint32_t async_len;
	bool pinned;
	uint64_t pin_iova;
	pthread_t worker;
	bool worker_running;
};

/* An event loop running in its own thread. */
struct testloop {
	struct evloop *loop;
	pthread_t thread;
};

void testloop_start(struct testloop *tl);
void testloop_stop(struct testloop *tl);

/* Create dev and its server listening at path on loop (timeout 0 = default). */
void testdev_start(struct testdev *d, struct evloop *loop, const char *path,
		   int timeout_ms);
void testdev_stop(struct testdev *d);
/* Block until d->gone reaches n. */
void testdev_wait_gone(struct testdev *d, unsigned n);
/* Block until the async worker has finished n times. */
void testdev_wait_async(struct testdev *d, unsigned n);
/* Let an async worker started while async_hold was set go on. */
void testdev_release_async(struct testdev *d);

/* A fresh temporary directory (removed by tmpdir_remove). */
void tmpdir_make(char *buf, size_t size);
void tmpdir_remove(const char *dir);

#endif
