/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user client core (QEMU docs/interop/vfio-user.rst, "Connection
 * Initiation", "Command Concurrency": server requests may arrive between a
 * request and its reply; "VFIO_USER_DMA_READ" / "_WRITE").
 *
 * One call is on the wire at a time (call_lock). The socket is read by one
 * thread at a time (the "reader", chosen under lock): a caller waiting for
 * its reply becomes the reader when nobody else is, answers DMA requests
 * that arrive first, and hands a reply it reads to whoever waits for it.
 * vfu_client_service() waits for data without being the reader and reads
 * only between calls, so a caller reads its own reply: no switch to
 * another thread and back on the way (docs/performance.md). A caller may
 * poll the socket for a while before it sleeps (spin_us).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/error.h"
#include "common/log.h"
#include "common/ptime.h"
#include "vfio_user/vfu_client_priv.h"
#include "vfio_user/vfu_transport.h"

struct client_wait {
	uint16_t msg_id;
	uint16_t cmd;
	bool done;
	struct vfu_rx_msg reply;
};

struct vfu_client {
	int fd;
	pthread_mutex_t call_lock;     /* one request at a time */
	pthread_mutex_t send_lock;     /* one message at a time */
	pthread_mutex_t lock;          /* fields below */
	pthread_cond_t cond;
	bool reader;                   /* somebody reads the socket */
	int timeout_ms;                /* per call; -1 none */
	long spin_ns;                  /* a caller polls this long, then sleeps */
	bool dead;
	int dead_err;
	uint16_t next_id;
	struct client_wait *wait;      /* the call in progress */
	struct vfu_rx rx;              /* the reader's */

	struct vfu_caps server_caps;
	uint16_t server_minor;
	bool process_vm;               /* VFU_CAP_PROCESS_VM negotiated */
	bool posted_write;             /* VFU_CAP_POSTED_WRITE negotiated */
	uint64_t dma_requests;         /* atomic */

	pthread_mutex_t dma_lock;
	struct vfu_dma_table dma;
	int kick_fd;                   /* eventfd: a region by_msg was added */
	vfu_client_dma_fn *dma_fn;
	void *dma_opaque;
};

int vfu_client_fd(const struct vfu_client *c)
{
	return c->fd;
}

const struct vfu_caps *vfu_client_server_caps(const struct vfu_client *c)
{
	return &c->server_caps;
}

uint16_t vfu_client_server_minor(const struct vfu_client *c)
{
	return c->server_minor;
}

bool vfu_client_process_vm(const struct vfu_client *c)
{
	return c->process_vm;
}

bool vfu_client_posted_write(const struct vfu_client *c)
{
	return c->posted_write;
}

uint64_t vfu_client_dma_requests(const struct vfu_client *c)
{
	return __atomic_load_n(&c->dma_requests, __ATOMIC_RELAXED);
}

void vfu_client_set_timeout(struct vfu_client *c, int timeout_ms)
{
	pthread_mutex_lock(&c->lock);
	c->timeout_ms = timeout_ms <= 0 ? -1 : timeout_ms;
	pthread_mutex_unlock(&c->lock);
}

bool vfu_client_dead(const struct vfu_client *c)
{
	return __atomic_load_n(&c->dead, __ATOMIC_ACQUIRE);
}

static void mark_dead(struct vfu_client *c, int err)
{
	pthread_mutex_lock(&c->lock);
	if (!c->dead) {
		c->dead_err = err;
		__atomic_store_n(&c->dead, true, __ATOMIC_RELEASE);
		shutdown(c->fd, SHUT_RDWR);
	}
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void vfu_client_shutdown(struct vfu_client *c)
{
	mark_dead(c, -ENOTCONN);
}

static int send_locked(struct vfu_client *c, struct vfu_hdr *h,
		       const struct iovec *iov, int niov, const int *fds,
		       size_t nfds)
{
	int ret;

	pthread_mutex_lock(&c->send_lock);
	ret = vfu_send_msg(c->fd, h, iov, niov, fds, nfds, -1);
	pthread_mutex_unlock(&c->send_lock);
	if (ret < 0)
		mark_dead(c, ret);
	return ret;
}

/* ---- answering server requests ---------------------------------------- */

static int dma_serve(struct vfu_client *c, bool write, uint64_t iova,
		     void *buf, size_t len)
{
	int ret;

	pthread_mutex_lock(&c->dma_lock);
	if (c->dma_fn)
		ret = c->dma_fn(c->dma_opaque, write, iova, buf, len);
	else
		ret = vfu_dma_table_copy(&c->dma, iova, buf, len, write);
	pthread_mutex_unlock(&c->dma_lock);
	return ret;
}

static void answer_request(struct vfu_client *c, struct vfu_rx_msg *raw)
{
	struct vfu_hdr h = {
		.msg_id = raw->hdr.msg_id, .cmd = raw->hdr.cmd,
		.flags = VFU_F_TYPE_REPLY,
	};
	uint8_t fixed[VFU_DMA_ACCESS_SIZE];
	struct iovec iov[2] = { { .iov_base = fixed,
				  .iov_len = VFU_DMA_ACCESS_SIZE } };
	struct vfu_dma_access a;
	struct vfu_msg m;
	uint8_t *data = NULL;
	int niov = 1;
	int ret;

	ret = vfu_msg_decode(raw->buf, raw->hdr.size, raw->nfds, &m);
	if (!ret && m.hdr.cmd != VFU_CMD_DMA_READ &&
	    m.hdr.cmd != VFU_CMD_DMA_WRITE)
		ret = -EINVAL;     /* nothing else goes server -> client */
	if (!ret) {
		__atomic_add_fetch(&c->dma_requests, 1, __ATOMIC_RELAXED);
		a = m.u.dma;
		if (m.hdr.cmd == VFU_CMD_DMA_READ) {
			data = malloc(a.count ? (size_t)a.count : 1);
			ret = data ? dma_serve(c, false, a.addr, data,
					       (size_t)a.count) : -ENOMEM;
			iov[1].iov_base = data;
			iov[1].iov_len = (size_t)a.count;
			niov = 2;
		} else {
			ret = dma_serve(c, true, a.addr, (void *)a.data,
					(size_t)a.count);
		}
		a.data = NULL;
		vfu_dma_access_encode(fixed, &a);
	}
	if (ret < 0) {
		h.flags |= VFU_F_ERROR;
		h.error = (uint32_t)-ret;
		niov = 0;
	}
	if (!(raw->hdr.flags & VFU_F_NO_REPLY))
		send_locked(c, &h, iov, niov, NULL, 0);
	free(data);
}

/* Route one received message; consumes it. */
static void dispatch(struct vfu_client *c, struct vfu_rx_msg *m)
{
	struct client_wait *w;

	if (!vfu_hdr_is_reply(&m->hdr)) {
		answer_request(c, m);
		vfu_rx_msg_free(m);
		return;
	}
	pthread_mutex_lock(&c->lock);
	w = c->wait;
	if (w && !w->done && w->msg_id == m->hdr.msg_id &&
	    w->cmd == m->hdr.cmd) {
		w->reply = *m;
		w->done = true;
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	pthread_mutex_unlock(&c->lock);
	log_msg(LOG_WARNING, "vfio-user client: unexpected reply to %s",
		vfu_cmd_name(m->hdr.cmd));
	vfu_rx_msg_free(m);
	mark_dead(c, -EPROTO);
}

/* As the reader: read and dispatch one message. 1, 0 (timeout), -errno.
 * Polls the socket for spin_ns before sleeping in it. */
static int read_one(struct vfu_client *c, int timeout_ms, long spin_ns)
{
	struct vfu_rx_msg m;
	uint64_t spin_until;
	int ret;

	if (timeout_ms >= 0 && spin_ns > timeout_ms * 1000000L)
		spin_ns = timeout_ms * 1000000L;   /* within the call's bound */
	spin_until = spin_ns > 0 ? ptime_now() + (uint64_t)spin_ns : 0;

	for (;;) {
		ret = vfu_rx_step(&c->rx, c->fd, &m);
		if (ret == 1) {
			dispatch(c, &m);
			return 1;
		}
		if (ret == 0 && spin_until && ptime_now() < spin_until) {
			sched_yield();   /* whoever shares this core runs */
			continue;
		}
		if (ret == 0)
			ret = vfu_wait_readable(c->fd, timeout_ms);
		if (ret == -ETIMEDOUT)
			return 0;
		if (ret < 0) {
			mark_dead(c, ret);
			return ret;
		}
	}
}

/* Wait (under c->lock) while another thread reads or a call waits for
 * its reply (its caller reads); false on timeout. */
static bool wait_socket_free(struct vfu_client *c, int timeout_ms)
{
	struct timespec until;

	if ((!c->reader && !c->wait) || c->dead)
		return true;
	if (timeout_ms == 0)
		return false;
	until = deadline_ms(timeout_ms);
	while ((c->reader || c->wait) && !c->dead) {
		if (timeout_ms < 0)
			pthread_cond_wait(&c->cond, &c->lock);
		else if (pthread_cond_timedwait(&c->cond, &c->lock, &until))
			return false;
	}
	return true;
}

/* Whether the server may send requests: some DMA region was given
 * without a file (its data goes in DMA_READ / DMA_WRITE messages, also
 * with process_vm, which falls back to them). */
static bool serves_dma(struct vfu_client *c)
{
	bool any = false;

	pthread_mutex_lock(&c->dma_lock);
	for (size_t i = 0; i < c->dma.n && !any; i++)
		any = c->dma.v[i].by_msg;
	pthread_mutex_unlock(&c->dma_lock);
	return any;
}

/*
 * Until the socket has something for this thread, or the kick eventfd
 * says a region by_msg came. While the server cannot send requests, only
 * the connection's end counts (POLLHUP and POLLERR come without being
 * asked for): replies are their callers' to read, and being woken by each
 * of them cost QEMU a thread wake-up and a core per message on a 2-CPU
 * host (docs/performance.md "The preload's watcher thread"). 0: look
 * again (kicked or readable), -ETIMEDOUT, -errno.
 */
static int wait_incoming(struct vfu_client *c, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = c->fd, .events = serves_dma(c) ? POLLIN : 0 },
		{ .fd = c->kick_fd, .events = POLLIN },
	};
	uint64_t v;
	int n;

	do {
		n = poll(p, 2, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n)
		return -ETIMEDOUT;
	if (p[1].revents & POLLIN) {
		if (read(c->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			return -errno;
		if (!p[0].revents)
			return 1;
	}
	return 0;
}

int vfu_client_service(struct vfu_client *c, int timeout_ms)
{
	int ret;

	/* Not the reader while waiting: a call made meanwhile reads its
	 * reply itself. */
	ret = wait_incoming(c, timeout_ms);
	if (ret == -ETIMEDOUT || ret == 1)
		return 0;
	pthread_mutex_lock(&c->lock);
	if (ret < 0 && !c->dead) {
		pthread_mutex_unlock(&c->lock);
		mark_dead(c, ret);
		pthread_mutex_lock(&c->lock);
	}
	/* Dead first: a dead socket polls readable, and the call still in
	 * flight would otherwise make this return 0 at once, again and again. */
	if (wait_socket_free(c, timeout_ms) && c->dead) {
		ret = c->dead_err;
		pthread_mutex_unlock(&c->lock);
		return ret;
	}
	if (c->reader || c->wait) {
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	c->reader = true;
	pthread_mutex_unlock(&c->lock);
	ret = read_one(c, 0, 0);   /* what is there: a call may start now */
	pthread_mutex_lock(&c->lock);
	c->reader = false;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* Milliseconds left until deadline (at least 1), 0 when it has passed. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 1000000 ? 1000000 : (int)ms + 1;
}

/*
 * Wait for w, reading the socket whenever nobody else does. With a call
 * timeout, a reply that does not come in time kills the connection
 * (-ETIMEDOUT): a late reply could no longer be matched safely.
 */
static int wait_reply(struct vfu_client *c, struct client_wait *w)
{
	struct timespec deadline;
	int timeout, ret;

	pthread_mutex_lock(&c->lock);
	timeout = c->timeout_ms;
	deadline = deadline_ms(timeout);
	while (!w->done && !c->dead) {
		int left = timeout > 0 ? ms_left(&deadline) : -1;

		if (left == 0) {
			pthread_mutex_unlock(&c->lock);
			log_msg(LOG_ERR, "vfio-user client: no reply to %s in %d ms",
				vfu_cmd_name(w->cmd), timeout);
			mark_dead(c, -ETIMEDOUT);
			pthread_mutex_lock(&c->lock);
			break;
		}
		if (c->reader) {
			/* Poll the deadline while another thread reads. */
			struct timespec until = deadline_ms(50);

			if (left < 0)
				pthread_cond_wait(&c->cond, &c->lock);
			else
				pthread_cond_timedwait(&c->cond, &c->lock, &until);
			continue;
		}
		c->reader = true;
		pthread_mutex_unlock(&c->lock);
		read_one(c, left, c->spin_ns);
		pthread_mutex_lock(&c->lock);
		c->reader = false;
		pthread_cond_broadcast(&c->cond);
	}
	ret = w->done ? 0 : c->dead_err;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* Send a request and wait for its reply (kept in *reply on success). */
static int call_raw(struct vfu_client *c, uint16_t cmd,
		    const struct iovec *iov, int niov, const int *fds,
		    size_t nfds, struct vfu_rx_msg *reply)
{
	struct client_wait w = { .cmd = cmd };
	struct vfu_hdr h = { .cmd = cmd, .flags = VFU_F_TYPE_COMMAND };
	int ret;

	pthread_mutex_lock(&c->call_lock);
	pthread_mutex_lock(&c->lock);
	if (c->dead) {
		ret = c->dead_err;
		pthread_mutex_unlock(&c->lock);
		goto out;
	}
	w.msg_id = h.msg_id = c->next_id++;
	c->wait = &w;
	pthread_mutex_unlock(&c->lock);

	ret = send_locked(c, &h, iov, niov, fds, nfds);
	if (!ret)
		ret = wait_reply(c, &w);
	pthread_mutex_lock(&c->lock);
	c->wait = NULL;
	pthread_cond_broadcast(&c->cond);   /* vfu_client_service may read */
	pthread_mutex_unlock(&c->lock);
	if (!ret) {
		*reply = w.reply;
		if (reply->hdr.flags & VFU_F_ERROR) {
			int e = (int)(reply->hdr.error & 0xffff);

			ret = e ? -e : -EIO;
			vfu_rx_msg_free(reply);
		}
	} else if (w.done) {
		vfu_rx_msg_free(&w.reply);
	}
out:
	pthread_mutex_unlock(&c->call_lock);
	return ret;
}

int vfu_client_send(struct vfu_client *c, uint16_t cmd,
		    const struct iovec *iov, int niov)
{
	struct vfu_hdr h = { .cmd = cmd,
			     .flags = VFU_F_TYPE_COMMAND | VFU_F_NO_REPLY };
	int ret = 0;

	/* After any call in progress, as its successor would be. */
	pthread_mutex_lock(&c->call_lock);
	pthread_mutex_lock(&c->lock);
	if (c->dead)
		ret = c->dead_err;
	h.msg_id = c->next_id++;
	pthread_mutex_unlock(&c->lock);
	if (!ret)
		ret = send_locked(c, &h, iov, niov, NULL, 0);
	pthread_mutex_unlock(&c->call_lock);
	return ret;
}

int vfu_client_call(struct vfu_client *c, uint16_t cmd, const void *payload,
		    size_t len, const int *fds, size_t nfds, void *reply,
		    size_t reply_size, size_t *reply_len)
{
	struct iovec iov = { .iov_base = (void *)payload, .iov_len = len };

	return vfu_client_callv(c, cmd, &iov, len ? 1 : 0, fds, nfds, reply,
				reply_size, reply_len);
}

int vfu_client_callv(struct vfu_client *c, uint16_t cmd,
		     const struct iovec *iov, int niov, const int *fds,
		     size_t nfds, void *reply, size_t reply_size,
		     size_t *reply_len)
{
	struct vfu_rx_msg r;
	size_t n;
	int ret;

	ret = call_raw(c, cmd, iov, niov, fds, nfds, &r);
	if (reply_len)
		*reply_len = 0;
	if (ret < 0)
		return ret;
	n = r.hdr.size - VFU_HDR_SIZE;
	if (reply_len)
		*reply_len = n;
	if (reply)
		memcpy(reply, r.buf + VFU_HDR_SIZE, n < reply_size ? n
								   : reply_size);
	/* Replies never carry fds in what ccwpass negotiates. */
	vfu_rx_msg_free(&r);
	return 0;
}

/* ---- set-up --------------------------------------------------------------- */

static int negotiate(struct vfu_client *c, const struct vfu_client_opts *o,
		     struct error *err)
{
	/* The capability is this process's memory file, which it may always
	 * open (and the server could never open without privileges). */
	int mem = o && o->process_vm ?
		  open("/proc/self/mem", O_RDWR | O_CLOEXEC) : -1;
	bool pvm = mem >= 0, posted = o && o->posted_write;
	uint8_t buf[VFU_VERSION_SIZE + 160];
	uint8_t reply[VFU_VERSION_SIZE + VFU_MAX_JSON];
	struct vfu_version v;
	size_t n, len;
	int ret;

	/* With its NUL, as the server sends its own. */
	len = (size_t)snprintf((char *)buf + VFU_VERSION_SIZE,
			       sizeof(buf) - VFU_VERSION_SIZE,
			       "{\"capabilities\":{\"max_msg_fds\":8,"
			       "\"max_data_xfer_size\":1048576%s%s}}",
			       pvm ? ",\"" VFU_CAP_PROCESS_VM "\":true" : "",
			       posted ? ",\"" VFU_CAP_POSTED_WRITE "\":true"
				      : "") + 1;

	if (o && o->process_vm && !pvm)
		log_msg(LOG_INFO, "vfio-user: /proc/self/mem: %s; not proposing "
			"%s", strerror(errno), VFU_CAP_PROCESS_VM);
	vfu_version_encode(buf, VFU_PROTO_MAJOR, VFU_PROTO_MINOR);
	ret = vfu_client_call(c, VFU_CMD_VERSION, buf, VFU_VERSION_SIZE + len,
			      pvm ? &mem : NULL, pvm ? 1 : 0, reply,
			      sizeof(reply), &n);
	if (mem >= 0)
		close(mem);               /* the server has its own */
	if (ret == -ECONNRESET || ret == -EPIPE)
		return error_setf(err, ECONNREFUSED, "vfio-user: the server "
				  "closed the connection (busy?)");
	if (ret < 0)
		return error_setf(err, -ret, "vfio-user: version rejected: %s",
				  strerror(-ret));
	if (n > sizeof(reply) || vfu_version_decode(reply, n, &v) < 0 ||
	    v.major != VFU_PROTO_MAJOR || v.minor > VFU_PROTO_MINOR)
		return error_setf(err, EPROTO, "vfio-user: bad version reply");
	if (v.json && vfu_caps_parse_json(v.json, v.json_len,
					  &c->server_caps) < 0)
		return error_setf(err, EPROTO,
				  "vfio-user: bad server capabilities");
	/* Only what was proposed can be accepted (offset 0 is harmless). */
	c->process_vm = pvm && c->server_caps.process_vm;
	c->posted_write = posted && c->server_caps.posted_write;
	c->server_minor = v.minor;
	return 0;
}

int vfu_client_open_fd(int fd, struct vfu_client **cp, struct error *err)
{
	return vfu_client_open_fd_opts(fd, NULL, cp, err);
}

int vfu_client_open_fd_opts(int fd, const struct vfu_client_opts *o,
			    struct vfu_client **cp, struct error *err)
{
	struct vfu_client *c = calloc(1, sizeof(*c));
	int ret;

	*cp = NULL;
	if (!c) {
		close(fd);
		return error_setf(err, ENOMEM, "vfio-user: out of memory");
	}
	c->fd = fd;
	c->kick_fd = -1;
	pthread_mutex_init(&c->call_lock, NULL);
	pthread_mutex_init(&c->send_lock, NULL);
	pthread_mutex_init(&c->lock, NULL);
	deadline_cond_init(&c->cond);
	pthread_mutex_init(&c->dma_lock, NULL);
	vfu_rx_init(&c->rx, VFU_MAX_MSG_SIZE);
	vfu_caps_default(&c->server_caps);
	vfu_dma_table_init(&c->dma, VFU_MAX_DMA_MAPS);
	c->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->kick_fd < 0) {
		ret = -errno;
		vfu_client_close(c);
		return error_setf(err, -ret, "vfio-user: eventfd: %s",
				  strerror(-ret));
	}
	c->dead_err = -ENOTCONN;
	c->timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : -1;
	c->spin_ns = o && o->spin_us > 0 ? (long)o->spin_us * 1000 : 0;
	ret = negotiate(c, o, err);
	if (ret < 0) {
		vfu_client_close(c);
		return ret;
	}
	*cp = c;
	return 0;
}

int vfu_client_connect(const char *path, struct vfu_client **cp,
		       struct error *err)
{
	return vfu_client_connect_opts(path, NULL, cp, err);
}

int vfu_client_connect_opts(const char *path, const struct vfu_client_opts *o,
			    struct vfu_client **cp, struct error *err)
{
	int fd, ret;

	*cp = NULL;
	ret = vfu_connect_unix(path, &fd, err);
	if (ret < 0)
		return ret;
	ret = vfu_client_open_fd_opts(fd, o, cp, err);
	if (ret < 0)
		error_prefix(err, "%s", path);
	return ret;
}

void vfu_client_close(struct vfu_client *c)
{
	if (!c)
		return;
	close(c->fd);
	if (c->kick_fd >= 0)
		close(c->kick_fd);
	vfu_rx_reset(&c->rx);
	vfu_dma_table_fini(&c->dma);
	pthread_mutex_destroy(&c->dma_lock);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->send_lock);
	pthread_mutex_destroy(&c->call_lock);
	free(c);
}

void vfu_client_set_dma_handler(struct vfu_client *c, vfu_client_dma_fn *fn,
				void *opaque)
{
	pthread_mutex_lock(&c->dma_lock);
	c->dma_fn = fn;
	c->dma_opaque = opaque;
	pthread_mutex_unlock(&c->dma_lock);
}

int vfu_client_dma_track(struct vfu_client *c, const struct vfu_dma_region *r)
{
	int ret;

	pthread_mutex_lock(&c->dma_lock);
	ret = vfu_dma_table_add(&c->dma, r);
	pthread_mutex_unlock(&c->dma_lock);
	/* Before the server knows the region: a thread in
	 * vfu_client_service() listens for its requests from now on. */
	if (!ret && r->by_msg)
		eventfd_write(c->kick_fd, 1);
	return ret;
}

int vfu_client_dma_untrack(struct vfu_client *c, uint64_t iova, uint64_t size)
{
	int i;

	pthread_mutex_lock(&c->dma_lock);
	i = vfu_dma_table_find(&c->dma, iova, size);
	if (i >= 0)
		vfu_dma_table_remove(&c->dma, (size_t)i);
	pthread_mutex_unlock(&c->dma_lock);
	return i < 0 ? i : 0;
}
