/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user server: listening socket, one client connection at a time,
 * the message loop and the connection life cycle (QEMU
 * docs/interop/vfio-user.rst, "Socket", "Command Concurrency", "Client
 * Disconnection": on disconnect all client memory is unmapped, all IRQ
 * eventfds are closed, device state is otherwise kept).
 */
#include <errno.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/error.h"
#include "common/evloop.h"
#include "common/log.h"
#include "vfio_user/vfu_server_priv.h"

/* Messages handled per wake-up before other fds get a turn. */
#define VFU_BATCH 16

static void on_conn_event(struct evloop *loop, int fd, uint32_t events,
			  void *opaque);

const char *vfu_server_path(const struct vfu_server *s)
{
	return s->path;
}

/* ---- device description copy ---------------------------------------- */

static void desc_free(struct vfu_device_desc *d)
{
	for (uint32_t i = 0; d->regions && i < d->num_regions; i++) {
		const struct vfu_region_desc *r = &d->regions[i];

		for (unsigned k = 0; r->caps && k < r->nr_caps; k++)
			free((void *)r->caps[k].body);
		free((void *)r->caps);
	}
	free((void *)d->regions);
	free((void *)d->irqs);
	memset(d, 0, sizeof(*d));
}

static int desc_copy(struct vfu_device_desc *dst,
		     const struct vfu_device_desc *src, struct error *err,
		     const char *name)
{
	struct vfu_region_desc *regs = NULL;
	struct vfu_irq_desc *irqs = NULL;

	memset(dst, 0, sizeof(*dst));
	if (src->num_regions > VFU_MAX_REGIONS || src->num_irqs > VFU_MAX_IRQS ||
	    (src->num_regions && !src->regions) || (src->num_irqs && !src->irqs))
		return error_setf(err, EINVAL, "vfu %s: bad region/irq table",
				  name);
	dst->flags = src->flags;
	dst->num_regions = src->num_regions;
	dst->num_irqs = src->num_irqs;
	regs = calloc(src->num_regions + 1, sizeof(*regs));
	irqs = calloc(src->num_irqs + 1, sizeof(*irqs));
	dst->regions = regs;
	dst->irqs = irqs;
	if (!regs || !irqs)
		goto nomem;
	for (uint32_t i = 0; i < src->num_irqs; i++) {
		if (src->irqs[i].count > VFU_MAX_IRQ_COUNT)
			goto bad;
		irqs[i] = src->irqs[i];
	}
	for (uint32_t i = 0; i < src->num_regions; i++) {
		const struct vfu_region_desc *r = &src->regions[i];
		struct vfu_region_cap *caps;

		if (r->flags & ~(uint32_t)(VFIO_REGION_INFO_FLAG_READ |
					   VFIO_REGION_INFO_FLAG_WRITE) ||
		    r->nr_caps > 16 || (r->nr_caps && !r->caps))
			goto bad;
		regs[i] = *r;
		regs[i].caps = NULL;
		regs[i].nr_caps = 0;
		if (!r->nr_caps)
			continue;
		caps = calloc(r->nr_caps, sizeof(*caps));
		if (!caps)
			goto nomem;
		regs[i].caps = caps;
		regs[i].nr_caps = r->nr_caps;
		for (unsigned k = 0; k < r->nr_caps; k++) {
			uint8_t *body;

			if (r->caps[k].body_len > VFU_MAX_CAP_BODY ||
			    (r->caps[k].body_len && !r->caps[k].body))
				goto bad;
			caps[k] = r->caps[k];
			body = malloc(caps[k].body_len + 1);
			caps[k].body = body;
			if (!body)
				goto nomem;
			if (caps[k].body_len)
				memcpy(body, r->caps[k].body, caps[k].body_len);
		}
	}
	return 0;

bad:
	desc_free(dst);
	return error_setf(err, EINVAL, "vfu %s: unsupported region/irq "
			  "description", name);
nomem:
	desc_free(dst);
	return error_setf(err, ENOMEM, "vfu %s: out of memory", name);
}

/* ---- connection life cycle ------------------------------------------- */

void vfu_conn_mark_dead(struct vfu_server *s, struct vfu_conn *c)
{
	bool current;

	pthread_mutex_lock(&s->lock);
	if (!c->dead) {
		c->dead = true;
		/* Wakes senders blocked on a full socket and the loop. */
		shutdown(c->fd, SHUT_RDWR);
	}
	current = s->conn == c;
	pthread_mutex_unlock(&s->lock);
	/* The client may free its memory any moment now. */
	if (current)
		vfu_pvm_stop(s);
	vfu_pending_fail_all(s, c, -ENOTCONN);
}

/* c->dead may be set by any thread (a worker's send or DMA time-out). */
static bool conn_dead(struct vfu_server *s, struct vfu_conn *c)
{
	bool dead;

	pthread_mutex_lock(&s->lock);
	dead = c->dead;
	pthread_mutex_unlock(&s->lock);
	return dead;
}

/* ---- the peer: who the kernel says connected ---------------------------- */

pid_t vfu_peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred) || cred.pid <= 0)
		return 0;       /* not AF_UNIX, or a pid namespace we cannot see */
	return cred.pid;
}

int vfu_peer_creds(int fd, struct vfu_peer *peer)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[VFU_PEER_GROUPS];
	socklen_t glen = sizeof(groups);

	memset(peer, 0, sizeof(*peer));
	peer->uid = (uid_t)-1;
	peer->gid = (gid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred))
		return -errno ? -errno : -EINVAL;
	peer->pid = cred.pid > 0 ? cred.pid : 0;
	peer->uid = cred.uid;
	peer->gid = cred.gid;
	/* More than VFU_PEER_GROUPS groups: ERANGE; the first ones are kept
	 * out of caution only when the kernel gave them. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0) {
		peer->ngroups = (int)(glen / sizeof(gid_t));
		memcpy(peer->groups, groups, glen);
	}
	return 0;
}

static struct vfu_conn *conn_new(int fd)
{
	struct vfu_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	/* Every message then tells who sent it (listening sockets pass it
	 * on; a socket attached otherwise gets it here). */
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int));
	c->peer_pid = vfu_peer_pid(fd);
	vfu_rx_init(&c->rx, VFU_MAX_MSG_SIZE);
	vfu_caps_default(&c->peer);
	pthread_mutex_init(&c->send_lock, NULL);
	c->deferred_tail = &c->deferred;
	return c;
}

/* Loop thread (or no loop running); see the depth check for device ops. */
static void conn_teardown(struct vfu_server *s)
{
	struct vfu_conn *c = s->conn;
	struct vfu_deferred *d;

	if (!c)
		return;
	vfu_conn_mark_dead(s, c);
	/* Called from a device op: the handler still uses c; the message
	 * loop finishes the job when the op returns. */
	if (c->depth)
		return;
	evloop_del(s->loop, c->fd);
	if (s->ops->client_gone)
		s->ops->client_gone(s->dev);
	vfu_dma_drop_all(s);
	vfu_irq_table_clear(&s->irq);
	pthread_mutex_lock(&s->lock);
	while (c->users)
		pthread_cond_wait(&s->cond, &s->lock);
	s->conn = NULL;
	pthread_mutex_unlock(&s->lock);
	while ((d = c->deferred)) {
		c->deferred = d->next;
		vfu_rx_msg_free(&d->msg);
		free(d);
	}
	vfu_rx_reset(&c->rx);
	close(c->fd);
	pthread_mutex_destroy(&c->send_lock);
	free(c);
	vfu_log(s, LOG_INFO, "client disconnected");
}

struct attach_args {
	struct vfu_server *s;
	int fd;
	int ret;
};

static void do_attach(void *opaque)
{
	struct attach_args *a = opaque;
	struct vfu_server *s = a->s;
	struct vfu_conn *c;

	if (s->conn) {
		a->ret = -EBUSY;
		return;
	}
	c = conn_new(a->fd);
	if (!c) {
		a->ret = -ENOMEM;
		return;
	}
	pthread_mutex_lock(&s->lock);
	s->conn = c;
	pthread_mutex_unlock(&s->lock);
	a->ret = evloop_add(s->loop, a->fd, EVLOOP_READ, on_conn_event, s);
	if (a->ret < 0) {
		pthread_mutex_lock(&s->lock);
		s->conn = NULL;
		pthread_mutex_unlock(&s->lock);
		pthread_mutex_destroy(&c->send_lock);
		free(c);
	}
}

int vfu_server_attach_fd(struct vfu_server *s, int fd)
{
	struct attach_args a = { .s = s, .fd = fd };

	evloop_call(s->loop, do_attach, &a);
	if (a.ret < 0)
		close(fd);
	else
		vfu_log(s, LOG_INFO, "client connected");
	return a.ret;
}

static void do_disconnect(void *opaque)
{
	conn_teardown(opaque);
}

void vfu_server_disconnect(struct vfu_server *s)
{
	evloop_call(s->loop, do_disconnect, s);
}

bool vfu_server_has_client(struct vfu_server *s)
{
	bool has;

	pthread_mutex_lock(&s->lock);
	has = s->conn != NULL;
	pthread_mutex_unlock(&s->lock);
	return has;
}

static void on_accept(struct evloop *loop, int fd, uint32_t events,
		      void *opaque)
{
	struct vfu_server *s = opaque;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			vfu_log(s, LOG_WARNING, "accept: %s", strerror(errno));
		return;
	}
	if (s->conn) {
		vfu_log(s, LOG_NOTICE, "refusing a second client");
		close(cfd);
		return;
	}
	if (s->ops->authorize) {
		struct vfu_peer peer;
		int ret = vfu_peer_creds(cfd, &peer);

		if (ret == 0)
			ret = s->ops->authorize(s->dev, &peer);
		if (ret < 0) {
			vfu_log(s, LOG_NOTICE, "refusing pid %d (uid %u): %s",
				(int)peer.pid, (unsigned int)peer.uid,
				strerror(-ret));
			close(cfd);
			return;
		}
	}
	vfu_server_attach_fd(s, cfd);
}

/* ---- sending ----------------------------------------------------------- */

int vfu_conn_send(struct vfu_server *s, struct vfu_conn *c,
		  struct vfu_hdr *h, const struct iovec *iov, int niov)
{
	int ret;

	if (conn_dead(s, c))
		return -ENOTCONN;
	pthread_mutex_lock(&c->send_lock);
	ret = vfu_send_msg(c->fd, h, iov, niov, NULL, 0, s->timeout_ms);
	pthread_mutex_unlock(&c->send_lock);
	if (ret < 0) {
		vfu_log(s, LOG_INFO, "send %s: %s", vfu_cmd_name(h->cmd),
			strerror(-ret));
		vfu_conn_mark_dead(s, c);
	}
	return ret;
}

static void send_reply(struct vfu_server *s, struct vfu_conn *c,
		       const struct vfu_hdr *req, int err,
		       const struct iovec *iov, int niov)
{
	struct vfu_hdr h = {
		.msg_id = req->msg_id,
		.cmd = req->cmd,
		.flags = VFU_F_TYPE_REPLY | (err ? VFU_F_ERROR : 0),
		.error = (uint32_t)err,
	};

	vfu_conn_send(s, c, &h, err ? NULL : iov, err ? 0 : niov);
}

/* ---- receiving --------------------------------------------------------- */

void vfu_conn_defer(struct vfu_server *s, struct vfu_conn *c,
		    struct vfu_rx_msg *m)
{
	struct vfu_deferred *d;

	if (c->ndeferred >= VFU_MAX_DEFERRED ||
	    c->deferred_bytes + m->hdr.size > VFU_MAX_DEFERRED_BYTES ||
	    !(d = calloc(1, sizeof(*d)))) {
		vfu_log(s, LOG_WARNING, "too many commands while waiting for "
			"a DMA reply; dropping the client");
		vfu_rx_msg_free(m);
		vfu_conn_mark_dead(s, c);
		return;
	}
	d->msg = *m;
	*c->deferred_tail = d;
	c->deferred_tail = &d->next;
	c->ndeferred++;
	c->deferred_bytes += m->hdr.size;
}

static void handle_command(struct vfu_server *s, struct vfu_conn *c,
			   const struct vfu_msg *m, struct vfu_rx_msg *raw)
{
	struct vfu_reply r = { .niov = 0 };
	bool was_negotiated = c->negotiated;
	int ret;

	if (!c->negotiated && m->hdr.cmd != VFU_CMD_VERSION) {
		vfu_log(s, LOG_WARNING, "%s before VERSION",
			vfu_cmd_name(m->hdr.cmd));
		ret = -EINVAL;
	} else {
		c->depth++;
		ret = vfu_handle_command(s, c, m, raw, &r);
		c->depth--;
	}
	if (ret < 0)
		vfu_log(s, LOG_DEBUG, "%s: %s", vfu_cmd_name(m->hdr.cmd),
			strerror(-ret));
	/* The device learns of the client before the client hears back. */
	if (c->negotiated && !was_negotiated && s->ops->client_ready)
		s->ops->client_ready(s->dev);
	if (!(m->hdr.flags & VFU_F_NO_REPLY) || !was_negotiated)
		send_reply(s, c, &m->hdr, ret < 0 ? -ret : 0, r.iov, r.niov);
	free(r.heap);
	if (s->ops->replied)
		s->ops->replied(s->dev);
	/* Failed negotiation: "the server ... closes the connection". */
	if (!c->negotiated)
		vfu_conn_mark_dead(s, c);
}

/* Decode and act on one received message; consumes raw. */
static void handle_message(struct vfu_server *s, struct vfu_conn *c,
			   struct vfu_rx_msg *raw)
{
	struct vfu_msg m;
	int ret;

	ret = vfu_msg_decode(raw->buf, raw->hdr.size, raw->nfds, &m);
	if (!ret && raw->fds_dropped)
		ret = -EINVAL;
	if (vfu_hdr_is_reply(&raw->hdr)) {
		/* A reply can only answer our DMA request; else: protocol error */
		if (ret < 0 || vfu_pending_complete(s, c, &m) < 0) {
			vfu_log(s, LOG_WARNING, "bad or unexpected reply to %s",
				vfu_cmd_name(raw->hdr.cmd));
			vfu_conn_mark_dead(s, c);
		}
	} else if (ret < 0) {
		vfu_log(s, LOG_INFO, "malformed %s (size %u, %zu fds): %s",
			vfu_cmd_name(raw->hdr.cmd), raw->hdr.size, raw->nfds,
			strerror(-ret));
		if (!(raw->hdr.flags & VFU_F_NO_REPLY) || !c->negotiated)
			send_reply(s, c, &raw->hdr, -ret, NULL, 0);
		if (!c->negotiated)
			vfu_conn_mark_dead(s, c);
	} else {
		handle_command(s, c, &m, raw);
	}
	vfu_rx_msg_free(raw);
}

/* Receive error: reply if the header is known, then give up the stream. */
static void rx_failed(struct vfu_server *s, struct vfu_conn *c, int ret,
		      struct vfu_rx_msg *m)
{
	if (ret == -ECONNRESET) {
		vfu_log(s, LOG_DEBUG, "client closed the connection");
	} else {
		vfu_log(s, LOG_WARNING, "receive: %s (cmd %u, size %u)",
			strerror(-ret), m->hdr.cmd, m->hdr.size);
		if ((ret == -EMSGSIZE || ret == -EINVAL) &&
		    !vfu_hdr_is_reply(&m->hdr))
			send_reply(s, c, &m->hdr, -ret, NULL, 0);
	}
	vfu_conn_mark_dead(s, c);
}

/* Read one message if available; 1 handled, 0 nothing, <0 dead. */
static int receive_one(struct vfu_server *s, struct vfu_conn *c)
{
	struct vfu_rx_msg m;
	int ret = vfu_rx_step(&c->rx, c->fd, &m);

	if (ret < 0) {
		rx_failed(s, c, ret, &m);
		return ret;
	}
	if (ret == 1)
		handle_message(s, c, &m);
	return ret;
}

int vfu_conn_pump(struct vfu_server *s, struct vfu_conn *c,
		  struct vfu_pending *p)
{
	struct vfu_rx_msg m;
	bool done, dead;
	int ret;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		done = p->done;
		dead = c->dead;
		pthread_mutex_unlock(&s->lock);
		if (done || dead)
			return 0;
		ret = vfu_rx_step(&c->rx, c->fd, &m);
		if (ret < 0) {
			rx_failed(s, c, ret, &m);
			return ret;
		}
		if (ret == 0) {
			ret = vfu_wait_readable(c->fd, s->timeout_ms);
			if (ret < 0) {
				vfu_log(s, LOG_WARNING, "no DMA reply: %s",
					strerror(-ret));
				vfu_conn_mark_dead(s, c);
				return ret;
			}
			continue;
		}
		if (vfu_hdr_is_reply(&m.hdr))
			handle_message(s, c, &m);
		else
			vfu_conn_defer(s, c, &m);
	}
}

static void run_deferred(struct vfu_server *s, struct vfu_conn *c)
{
	struct vfu_deferred *d;

	while (!conn_dead(s, c) && (d = c->deferred)) {
		c->deferred = d->next;
		if (!c->deferred)
			c->deferred_tail = &c->deferred;
		c->ndeferred--;
		c->deferred_bytes -= d->msg.hdr.size;
		handle_message(s, c, &d->msg);
		free(d);
	}
}

static void on_conn_event(struct evloop *loop, int fd, uint32_t events,
			  void *opaque)
{
	struct vfu_server *s = opaque;
	struct vfu_conn *c = s->conn;

	if (!c || c->fd != fd)
		return;
	for (int i = 0; i < VFU_BATCH && !conn_dead(s, c); i++) {
		if (receive_one(s, c) <= 0)
			break;
		run_deferred(s, c);
	}
	if (conn_dead(s, c))
		conn_teardown(s);
}

/* ---- create / destroy ------------------------------------------------- */

int vfu_server_create(const struct vfu_server_config *cfg,
		      struct vfu_server **sp, struct error *err)
{
	const char *name = cfg->name ? cfg->name : "device";
	struct vfu_server *s;
	int ret;

	*sp = NULL;
	if (!cfg->loop || !cfg->desc || !cfg->ops)
		return error_setf(err, EINVAL, "vfu %s: incomplete config", name);
	s = calloc(1, sizeof(*s));
	if (!s)
		return error_setf(err, ENOMEM, "vfu %s: out of memory", name);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->listen_fd = -1;
	s->loop = cfg->loop;
	s->ops = cfg->ops;
	s->dev = cfg->dev;
	s->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms
					: VFU_DEFAULT_TIMEOUT_MS;
	pthread_mutex_init(&s->lock, NULL);
	deadline_cond_init(&s->cond);
	pthread_mutex_init(&s->dma_lock, NULL);
	vfu_dma_table_init(&s->dma, VFU_MAX_DMA_MAPS);
	vfu_pvm_reset(&s->pvm);
	ret = desc_copy(&s->desc, cfg->desc, err, s->name);
	if (ret < 0)
		goto fail;
	if (vfu_irq_table_init(&s->irq, &s->desc) < 0) {
		ret = error_setf(err, ENOMEM, "vfu %s: out of memory", s->name);
		goto fail;
	}
	if (cfg->path) {
		s->path = strdup(cfg->path);
		if (!s->path) {
			ret = error_setf(err, ENOMEM, "vfu %s: out of memory",
					 s->name);
			goto fail;
		}
		ret = vfu_listen_unix(s->path, &s->listen_fd, err);
		if (ret < 0) {
			error_prefix(err, "vfu %s", s->name);
			goto fail;
		}
		ret = evloop_add(s->loop, s->listen_fd, EVLOOP_READ, on_accept, s);
		if (ret < 0) {
			error_setf(err, -ret, "vfu %s: event loop: %s", s->name,
				   strerror(-ret));
			goto fail;
		}
	}
	*sp = s;
	return 0;

fail:
	vfu_server_destroy(s);
	return ret;
}

static void do_destroy(void *opaque)
{
	struct vfu_server *s = opaque;

	conn_teardown(s);
	if (s->listen_fd >= 0) {
		evloop_del(s->loop, s->listen_fd);
		close(s->listen_fd);
		unlink(s->path);
		s->listen_fd = -1;
	}
}

void vfu_server_destroy(struct vfu_server *s)
{
	if (!s)
		return;
	evloop_call(s->loop, do_destroy, s);
	vfu_irq_table_fini(&s->irq);
	vfu_pvm_reset(&s->pvm);
	vfu_dma_table_fini(&s->dma);
	desc_free(&s->desc);
	pthread_mutex_destroy(&s->dma_lock);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s);
}
