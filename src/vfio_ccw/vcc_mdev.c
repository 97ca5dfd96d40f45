/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mediated device of a vfio_ccw subchannel (Linux vfio_ccw_ops.c
 * mdev probe / remove / open / close, and the vfio core's device request):
 * one per subchannel, served at <socket_dir>/<uuid>.sock by its own
 * vfio-user server on its own event-loop thread, which also runs the
 * bottom half. Removing an mdev in use asks the VMM to let go with the REQ
 * interrupt, then disconnects it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/evloop.h"
#include "common/log.h"
#include "vfio_ccw/vcc_guestmem.h"
#include "vfio_ccw/vcc_priv.h"
#include "vfio_ccw/vcc_trace.h"
#include "vfio_user/vfu_server.h"
#include "vfio_user/vfu_transport.h"

#define UUID_LEN 36
#define REQ_REPEAT_MS 1000      /* re-signal REQ while waiting */
#define CLOSE_WAIT_MS 5000      /* for the clear of a closing client */

struct vcc_mdev {
	struct vcc_private *p;
	char uuid[UUID_LEN + 1];
	char path[128];
	struct evloop *loop;
	pthread_t thread;
	bool thread_started;
	struct vfu_server *srv;       /* under p->lock once published */
	struct vcc_guestmem gm;
	int bh_fd;
};

/* p->lock held. */
struct vfu_server *vcc_mdev_server(struct vcc_mdev *m)
{
	return m->srv;
}

struct vcc_guestmem *vcc_mdev_guestmem(struct vcc_mdev *m)
{
	return &m->gm;
}

static struct vcc_mdev *get_mdev(const struct vcc_private *p)
{
	struct vcc_private *q = (struct vcc_private *)p;
	struct vcc_mdev *m;

	pthread_mutex_lock(&q->lock);
	m = q->mdev;
	pthread_mutex_unlock(&q->lock);
	return m;
}

/* ---- loop thread ---- */

static void on_bh(struct evloop *loop, int fd, uint32_t events, void *opaque)
{
	struct vcc_private *p = opaque;
	uint64_t cnt;

	if (read(fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		log_msg(LOG_ERR, "sch %s: vfio_ccw: %s", p->name,
			strerror(errno));
	vcc_fsm_lock(p);
	vcc_bh_run(p);
	vcc_fsm_unlock(p);
}

static void *loop_main(void *opaque)
{
	struct vcc_mdev *m = opaque;
	int ret;

	pthread_setname_np(pthread_self(), "ccwpass-mdev");
	ret = evloop_run(m->loop);

	if (ret < 0)
		log_msg(LOG_ERR, "mdev %s: event loop: %s", m->uuid,
			strerror(-ret));
	return NULL;
}

void vcc_mdev_client_ready(struct vcc_private *p)
{
	struct vfu_server *srv;
	struct vcc_mdev *m;

	pthread_mutex_lock(&p->lock);
	m = p->mdev;
	srv = m ? m->srv : NULL;
	pthread_mutex_unlock(&p->lock);
	if (!m)
		return;
	/* srv is NULL while the mdev is being removed: no guest memory. */
	vcc_guestmem_attach(&m->gm, srv);
	pthread_mutex_lock(&p->lock);
	p->client = true;
	pthread_mutex_unlock(&p->lock);
	vcc_fsm_lock(p);
	vcc_trace_event(p->trace, p->name, "client", "mdev %s connected",
			m->uuid);
	vcc_fsm_event(p, VCC_EVENT_OPEN);
	vcc_fsm_unlock(p);
}

/*
 * CLOSE's clear, performed by the css worker at its next CCW boundary,
 * is waited for here (as Linux's close waits for its quiesce), so the next
 * client finds the device idle. This is the one place the loop thread
 * waits for the worker: the connection is dead, so the worker's DMA
 * messages fail at once instead of waiting for this thread. Bounded:
 * after that, the bottom half finishes the job when the status comes.
 */
static void finish_quiesce(struct vcc_private *p)
{
	struct timespec until;
	int ret = 0;

	until = deadline_ms(CLOSE_WAIT_MS);
	while (p->quiesce && ret != ETIMEDOUT) {
		pthread_mutex_lock(&p->lock);
		while (!p->rx_n && ret != ETIMEDOUT)
			ret = pthread_cond_timedwait(&p->cond, &p->lock,
						     &until);
		pthread_mutex_unlock(&p->lock);
		vcc_bh_run(p);
	}
}

/* Linux close_device: only for a client that was opened. */
void vcc_mdev_client_gone(struct vcc_private *p)
{
	struct vcc_mdev *m = get_mdev(p);
	bool opened;

	pthread_mutex_lock(&p->lock);
	opened = p->client;
	pthread_mutex_unlock(&p->lock);
	if (!m || !opened)
		return;
	vcc_fsm_lock(p);
	vcc_trace_event(p->trace, p->name, "client", "mdev %s gone",
			m->uuid);
	vcc_fsm_event(p, VCC_EVENT_CLOSE);
	finish_quiesce(p);
	vcc_irb_flush(p);
	vcc_fsm_unlock(p);
	vcc_guestmem_detach(&m->gm);
	pthread_mutex_lock(&p->lock);
	p->client = false;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* ---- create / remove ---- */

static void mdev_free(struct vcc_mdev *m)
{
	if (m->srv)
		vfu_server_destroy(m->srv);
	if (m->thread_started) {
		evloop_stop(m->loop);
		pthread_join(m->thread, NULL);
	}
	if (m->loop) {
		if (m->bh_fd >= 0)
			evloop_del(m->loop, m->bh_fd);
		evloop_destroy(m->loop);
	}
	if (m->bh_fd >= 0)
		close(m->bh_fd);
	vcc_guestmem_fini(&m->gm);
	free(m);
}

int vcc_mdev_create(struct vcc_private *p, const char *uuid,
		    struct error *err)
{
	struct vfu_server_config cfg = {
		.loop = NULL, .desc = &vcc_device_desc, .ops = &vcc_device_ops,
		.dev = p,
	};
	struct vfu_server *srv;
	struct vcc_mdev *m;
	int ret;

	if (get_mdev(p))
		return error_setf(err, EUSERS, "sch %s: the subchannel has its "
				  "mdev already", p->name);
	if (!uuid || strlen(uuid) != UUID_LEN)
		return error_setf(err, EINVAL, "mdev %s: not a UUID",
				  uuid ? uuid : "(null)");
	if (!p->socket_dir)
		return error_setf(err, EINVAL, "mdev %s: no socket directory "
				  "configured", uuid);
	vcc_fsm_lock(p);
	ret = p->state == VCC_STATE_NOT_OPER ? -ENODEV : 0;
	vcc_fsm_unlock(p);
	if (ret)
		return error_setf(err, ENODEV, "mdev %s: sch %s is not "
				  "operational", uuid, p->name);
	m = calloc(1, sizeof(*m));
	if (!m)
		return error_setf(err, ENOMEM, "mdev %s: out of memory", uuid);
	m->p = p;
	m->bh_fd = -1;
	memcpy(m->uuid, uuid, UUID_LEN + 1);
	ret = vfu_socket_path(m->path, sizeof(m->path), p->socket_dir, uuid,
			      err);
	if (ret < 0)
		goto fail_early;
	ret = evloop_create(&m->loop, err);
	if (ret < 0) {
		error_prefix(err, "mdev %s", uuid);
		goto fail_early;
	}
	vcc_guestmem_init(&m->gm, m->loop);
	m->bh_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->bh_fd < 0) {
		ret = error_setf(err, errno, "mdev %s: eventfd: %s", uuid,
				 strerror(errno));
		goto fail;
	}
	ret = evloop_add(m->loop, m->bh_fd, EVLOOP_READ, on_bh, p);
	if (ret < 0) {
		error_setf(err, -ret, "mdev %s: event loop: %s", uuid,
			   strerror(-ret));
		goto fail;
	}
	/* The ops may run as soon as the loop does: publish m first. */
	pthread_mutex_lock(&p->lock);
	p->mdev = m;
	pthread_mutex_unlock(&p->lock);
	vcc_fsm_lock(p);
	p->guest = &m->gm.mem;
	vcc_fsm_unlock(p);
	cfg.name = m->uuid;
	cfg.path = m->path;
	cfg.loop = m->loop;
	ret = vfu_server_create(&cfg, &srv, err);
	if (ret < 0)
		goto fail_published;
	pthread_mutex_lock(&p->lock);
	m->srv = srv;
	pthread_mutex_unlock(&p->lock);
	ret = pthread_create(&m->thread, NULL, loop_main, m);
	if (ret) {
		ret = error_setf(err, ret, "mdev %s: thread: %s", uuid,
				 strerror(ret));
		goto fail_published;
	}
	m->thread_started = true;
	pthread_mutex_lock(&p->lock);
	p->bh_fd = m->bh_fd;
	pthread_mutex_unlock(&p->lock);
	vcc_bh_kick(p);         /* CRWs queued before the mdev existed */
	vcc_trace_event(p->trace, p->name, "mdev", "create %s", uuid);
	log_msg(LOG_INFO, "sch %s: mdev %s at %s", p->name, uuid, m->path);
	return 0;

fail_published:
	vcc_fsm_lock(p);
	p->guest = NULL;
	vcc_fsm_unlock(p);
	pthread_mutex_lock(&p->lock);
	p->mdev = NULL;
	pthread_mutex_unlock(&p->lock);
fail:
	mdev_free(m);
	return ret;
fail_early:
	if (m->loop)
		evloop_destroy(m->loop);
	free(m);
	return ret;
}

/* Ask the VMM to release the device; wait; returns true when it did. */
static bool request_release(struct vcc_private *p, int timeout_ms)
{
	struct timespec now, until, next;
	bool gone;

	until = deadline_ms(timeout_ms);
	pthread_mutex_lock(&p->lock);
	while (p->client) {
		pthread_mutex_unlock(&p->lock);
		vcc_irq_trigger(p, VFIO_CCW_REQ_IRQ_INDEX);
		next = deadline_ms(REQ_REPEAT_MS);
		if (deadline_after(&next, &until))
			next = until;
		pthread_mutex_lock(&p->lock);
		while (p->client &&
		       pthread_cond_timedwait(&p->cond, &p->lock, &next) !=
		       ETIMEDOUT)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!deadline_after(&until, &now))
			break;
	}
	gone = !p->client;
	pthread_mutex_unlock(&p->lock);
	return gone;
}

int vcc_mdev_remove(struct vcc_private *p, const char *uuid)
{
	struct vcc_mdev *m = get_mdev(p);
	struct vfu_server *srv;
	bool busy;

	if (!m || !uuid || strcmp(m->uuid, uuid) != 0)
		return -ENODEV;
	vcc_trace_event(p->trace, p->name, "mdev", "remove %s", uuid);
	if (vfu_server_has_client(m->srv) &&
	    !request_release(p, p->release_timeout_ms))
		log_msg(LOG_NOTICE, "mdev %s: not released in %d ms; "
			"disconnecting the client", uuid,
			p->release_timeout_ms);
	/* Nobody signals through the server from now on (the loop thread
	 * still runs the bottom half below); then destroying it drops a
	 * client still there (client_gone: CLOSE) and removes the socket; no
	 * op runs after this. */
	pthread_mutex_lock(&p->lock);
	srv = m->srv;
	m->srv = NULL;
	pthread_mutex_unlock(&p->lock);
	vfu_server_destroy(srv);
	/* The loop still runs the bottom half that ends the quiesce. */
	busy = !vcc_wait_quiesce(p, VCC_QUIESCE_TIMEOUT_MS);
	pthread_mutex_lock(&p->lock);
	p->bh_fd = -1;
	pthread_mutex_unlock(&p->lock);
	evloop_stop(m->loop);
	pthread_join(m->thread, NULL);
	m->thread_started = false;
	vcc_fsm_lock(p);
	if (!busy)
		p->guest = NULL;
	vcc_fsm_unlock(p);          /* runs what the loop left */
	pthread_mutex_lock(&p->lock);
	p->mdev = NULL;
	pthread_mutex_unlock(&p->lock);
	if (busy) {
		/* The css worker may still read guest memory through m. */
		log_msg(LOG_ERR, "mdev %s: clear did not complete; leaking "
			"its state", uuid);
		return 0;
	}
	mdev_free(m);
	log_msg(LOG_INFO, "sch %s: mdev %s removed", p->name, uuid);
	return 0;
}

const char *vcc_mdev_uuid(const struct vcc_private *p)
{
	struct vcc_mdev *m = get_mdev(p);

	return m ? m->uuid : NULL;
}

const char *vcc_mdev_socket(const struct vcc_private *p)
{
	struct vcc_mdev *m = get_mdev(p);

	return m ? m->path : NULL;
}

bool vcc_mdev_in_use(const struct vcc_private *p)
{
	struct vcc_private *q = (struct vcc_private *)p;
	bool in_use;

	pthread_mutex_lock(&q->lock);
	in_use = q->mdev && q->mdev->srv &&
		 vfu_server_has_client(q->mdev->srv);
	pthread_mutex_unlock(&q->lock);
	return in_use;
}

pid_t vcc_mdev_client_pid(struct vcc_private *p)
{
	pid_t pid;

	pthread_mutex_lock(&p->lock);
	pid = p->client ? p->client_pid : 0;
	pthread_mutex_unlock(&p->lock);
	return pid;
}

unsigned int vcc_available_instances(const struct vcc_private *p)
{
	return get_mdev(p) ? 0 : VCC_MAX_INSTANCES;
}
