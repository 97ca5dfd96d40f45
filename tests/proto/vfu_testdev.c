/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test device of vfu_testdev.h. */
#include "vfu_testdev.h"

#include <dirent.h>
#include <errno.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "common/evloop.h"

static void die(const char *what)
{
	fprintf(stderr, "testdev: %s\n", what);
	abort();
}

static int td_read(void *opaque, uint32_t index, uint64_t offset, void *buf,
		   uint32_t len)
{
	static const char ro[8] = "readonly";
	struct testdev *d = opaque;
	uint8_t cmd[TD_CMD_SIZE] = { 0 };

	pthread_mutex_lock(&d->lock);
	if (index == 0) {
		memcpy(buf, d->mem + offset, len);
	} else if (index == 1) {
		st_he32(cmd, (uint32_t)d->last_result);
		st_he32(cmd + 4, d->ops);
		memcpy(buf, cmd + offset, len);
	} else {
		memcpy(buf, ro + offset, len);
	}
	pthread_mutex_unlock(&d->lock);
	return (int)len;
}

static void *async_worker(void *opaque)
{
	struct testdev *d = opaque;
	uint8_t data[TD_MEM_SIZE];
	uint64_t iova;
	uint32_t len;
	int ret;

	pthread_mutex_lock(&d->lock);
	while (d->async_hold)
		pthread_cond_wait(&d->cond, &d->lock);
	memcpy(data, d->mem, sizeof(data));
	iova = d->async_iova;
	len = d->async_len;
	pthread_mutex_unlock(&d->lock);
	/* From a thread that is not the loop thread: waits for the reply. */
	ret = vfu_dma_write(d->srv, iova, data, len);
	pthread_mutex_lock(&d->lock);
	d->async_result = ret;
	d->async_done++;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (ret == 0)
		vfu_irq_trigger(d->srv, 0);
	return NULL;
}

static int run_op(struct testdev *d, uint32_t op, uint32_t len, uint64_t iova)
{
	uint8_t tmp[TD_MEM_SIZE];
	uint8_t *p;

	if (len > TD_MEM_SIZE)
		return -EINVAL;
	switch (op) {
	case TD_DMA_WRITE:
		memcpy(tmp, d->mem, len);
		return vfu_dma_write(d->srv, iova, tmp, len);
	case TD_DMA_READ:
		if (vfu_dma_read(d->srv, iova, tmp, len) < 0)
			return -EFAULT;
		memcpy(d->mem, tmp, len);
		return 0;
	case TD_IRQ0:
		return vfu_irq_trigger(d->srv, 0);
	case TD_IRQ1:
		return vfu_irq_trigger(d->srv, 1);
	case TD_ASYNC_WRITE:
		if (d->worker_running)
			pthread_join(d->worker, NULL);
		d->async_iova = iova;
		d->async_len = len;
		d->worker_running = true;
		if (pthread_create(&d->worker, NULL, async_worker, d))
			die("pthread_create");
		return 0;
	case TD_MAP_PTR:
		p = vfu_dma_map_ptr(d->srv, iova, len, true);
		if (!p)
			return -EFAULT;
		memset(p, 0x5a, len);
		return 0;
	case TD_PIN:
	case TD_UNPIN:
		pthread_mutex_lock(&d->lock);
		d->pinned = op == TD_PIN;
		d->pin_iova = iova;
		pthread_mutex_unlock(&d->lock);
		return 0;
	default:
		return -EINVAL;
	}
}

static int td_write(void *opaque, uint32_t index, uint64_t offset,
		    const void *buf, uint32_t len)
{
	struct testdev *d = opaque;
	int ret;

	if (index == 0) {
		pthread_mutex_lock(&d->lock);
		memcpy(d->mem + offset, buf, len);
		pthread_mutex_unlock(&d->lock);
		return (int)len;
	}
	/* index 1: the whole command at once. */
	if (offset != 0 || len != TD_CMD_SIZE)
		return -EINVAL;
	ret = run_op(d, ld_he32(buf), ld_he32((const uint8_t *)buf + 4),
		     ld_he64((const uint8_t *)buf + 8));
	pthread_mutex_lock(&d->lock);
	d->last_result = ret;
	d->ops++;
	pthread_mutex_unlock(&d->lock);
	return ret < 0 ? ret : (int)len;
}

static int td_reset(void *opaque)
{
	struct testdev *d = opaque;

	pthread_mutex_lock(&d->lock);
	memset(d->mem, 0, sizeof(d->mem));
	d->resets++;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void td_dma_map(void *opaque, const struct vfu_dma_region *r)
{
	struct testdev *d = opaque;

	pthread_mutex_lock(&d->lock);
	d->maps++;
	pthread_mutex_unlock(&d->lock);
}

static int td_dma_unmap(void *opaque, const struct vfu_dma_region *r)
{
	struct testdev *d = opaque;
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	if (d->pinned && d->pin_iova >= r->iova &&
	    d->pin_iova - r->iova < r->size)
		ret = -EBUSY;
	else
		d->unmaps++;
	pthread_mutex_unlock(&d->lock);
	return ret;
}

static void td_client_ready(void *opaque)
{
	struct testdev *d = opaque;

	pthread_mutex_lock(&d->lock);
	d->ready++;
	pthread_mutex_unlock(&d->lock);
}

static void td_replied(void *opaque)
{
	struct testdev *d = opaque;
	int n = -1;

	pthread_mutex_lock(&d->lock);
	d->replied++;
	if (d->probe && ioctl(d->probe_fd, FIONREAD, &n) < 0)
		n = -1;
	d->probe_queued = n;
	pthread_mutex_unlock(&d->lock);
}

static void td_client_gone(void *opaque)
{
	struct testdev *d = opaque;

	if (d->worker_running) {
		pthread_join(d->worker, NULL);
		d->worker_running = false;
	}
	pthread_mutex_lock(&d->lock);
	d->gone++;
	d->pinned = false;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

static const struct vfu_device_ops td_ops = {
	.region_read = td_read,
	.region_write = td_write,
	.reset = td_reset,
	.dma_map = td_dma_map,
	.dma_unmap = td_dma_unmap,
	.client_ready = td_client_ready,
	.replied = td_replied,
	.client_gone = td_client_gone,
};

void testdev_start(struct testdev *d, struct evloop *loop, const char *path,
		   int timeout_ms)
{
	static const uint8_t cap_test[5] = { 'h', 'e', 'l', 'l', 'o' };
	uint8_t cap_type[8];
	const struct vfu_region_cap caps[] = {
		{ VFIO_REGION_INFO_CAP_TYPE, 1, cap_type, sizeof(cap_type) },
		{ TD_CAP_ID_TEST, 3, cap_test, sizeof(cap_test) },
	};
	const struct vfu_region_desc regions[] = {
		{ TD_MEM_SIZE, VFIO_REGION_INFO_FLAG_READ |
			       VFIO_REGION_INFO_FLAG_WRITE, 0, NULL, 0 },
		{ TD_CMD_SIZE, VFIO_REGION_INFO_FLAG_READ |
			       VFIO_REGION_INFO_FLAG_WRITE, 1 << 10, caps, 2 },
		{ 8, VFIO_REGION_INFO_FLAG_READ, 2 << 10, NULL, 0 },
	};
	const struct vfu_irq_desc irqs[] = {
		{ 1, VFIO_IRQ_INFO_EVENTFD }, { 1, VFIO_IRQ_INFO_EVENTFD },
	};
	const struct vfu_device_desc desc = {
		.flags = VFIO_DEVICE_FLAGS_RESET | VFIO_DEVICE_FLAGS_CCW,
		.num_regions = 3, .regions = regions,
		.num_irqs = 2, .irqs = irqs,
	};
	struct vfu_server_config cfg = {
		.name = "testdev", .path = path, .loop = loop, .desc = &desc,
		.ops = &td_ops, .dev = d, .timeout_ms = timeout_ms,
	};
	struct error err = { 0 };

	st_he32(cap_type, VFIO_REGION_TYPE_CCW);
	st_he32(cap_type + 4, VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD);
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	if (vfu_server_create(&cfg, &d->srv, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		die("vfu_server_create");
	}
}

void testdev_stop(struct testdev *d)
{
	testdev_release_async(d);   /* a failed test may have left it held */
	vfu_server_destroy(d->srv);
	if (d->worker_running)
		pthread_join(d->worker, NULL);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
}

void testdev_wait_gone(struct testdev *d, unsigned n)
{
	pthread_mutex_lock(&d->lock);
	while (d->gone < n)
		pthread_cond_wait(&d->cond, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

void testdev_release_async(struct testdev *d)
{
	pthread_mutex_lock(&d->lock);
	d->async_hold = false;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

void testdev_wait_async(struct testdev *d, unsigned n)
{
	pthread_mutex_lock(&d->lock);
	while (d->async_done < n)
		pthread_cond_wait(&d->cond, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

static void *loop_main(void *opaque)
{
	struct testloop *tl = opaque;

	if (evloop_run(tl->loop) < 0)
		die("evloop_run");
	return NULL;
}

void testloop_start(struct testloop *tl)
{
	struct error err = { 0 };

	if (evloop_create(&tl->loop, &err) < 0)
		die(err.msg);
	if (pthread_create(&tl->thread, NULL, loop_main, tl))
		die("pthread_create");
}

void testloop_stop(struct testloop *tl)
{
	evloop_stop(tl->loop);
	pthread_join(tl->thread, NULL);
	evloop_destroy(tl->loop);
}

void tmpdir_make(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");

	snprintf(buf, size, "%s/vfu-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(buf))
		die("mkdtemp");
}

void tmpdir_remove(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *dp = opendir(dir);

	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}
