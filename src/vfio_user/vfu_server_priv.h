/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the server's files: vfu_server.c (sockets,
 * connection life cycle, message loop), vfu_handlers.c (one handler per
 * command), vfu_server_dma.c (device DMA and server->client requests),
 * vfu_pvm.c (direct access to the client process) and vfu_irq.c (eventfd
 * table).
 */
#ifndef CCWPASS_VFIO_USER_VFU_SERVER_PRIV_H
#define CCWPASS_VFIO_USER_VFU_SERVER_PRIV_H

#include <pthread.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "vfio_user/vfu_server.h"
#include "vfio_user/vfu_transport.h"

#define VFU_DEFAULT_TIMEOUT_MS 30000
#define VFU_MAX_REGIONS 64
#define VFU_MAX_IRQS 16
#define VFU_MAX_IRQ_COUNT 64
#define VFU_MAX_CAP_BODY 4096
/* Client commands held while the loop thread waits for a DMA reply. */
#define VFU_MAX_DEFERRED 64
#define VFU_MAX_DEFERRED_BYTES (8u * 1024 * 1024)

#define vfu_log(s, level, fmt, ...) \
	log_msg(level, "vfu %s: " fmt, (s)->name, ##__VA_ARGS__)

/* A server->client DMA_READ / DMA_WRITE waiting for its reply. */
struct vfu_pending {
	uint16_t msg_id;
	uint16_t cmd;
	uint64_t addr;
	uint8_t *dst;            /* DMA_READ: where the data goes */
	uint64_t len;
	bool done;
	int result;              /* 0 or -errno */
	struct vfu_pending *next;
};

struct vfu_deferred {
	struct vfu_rx_msg msg;
	struct vfu_deferred *next;
};

/*
 * Direct access to the client process's memory (VFU_CAP_PROCESS_VM),
 * under the server's dma_lock. Set when the capability is accepted,
 * cleared with the DMA table when the client goes.
 */
struct vfu_pvm {
	bool negotiated;                  /* DMA_MAP offsets are addresses */
	bool broken;                      /* gave up (EPERM, ESRCH): messages */
	pid_t pid;                        /* the client (SO_PEERCRED) */
	int mem;                          /* its /proc/<pid>/mem, which it
					     opened and sent; -1 */
	int sock;                         /* a dup of the client's socket */
	bool off;                         /* connection died (__atomic): messages */
};

struct vfu_conn {
	int fd;
	pid_t peer_pid;                   /* SO_PEERCRED at attach; 0 unknown */
	struct vfu_rx rx;                 /* loop thread only */
	bool negotiated;                  /* loop thread only */
	struct vfu_caps peer;             /* client's capabilities */
	pthread_mutex_t send_lock;        /* one message at a time */
	/* Under server lock: */
	bool dead;                        /* no further I/O; teardown pending */
	unsigned users;                   /* non-loop threads using fd */
	struct vfu_pending *pending;
	uint16_t next_id;
	/* Loop thread only: */
	unsigned depth;                   /* nested message handling */
	struct vfu_deferred *deferred, **deferred_tail;
	size_t ndeferred, deferred_bytes;
};

struct vfu_irq_table {
	pthread_mutex_t lock;
	uint32_t num;
	uint32_t *count;
	int **fds;                        /* fds[index][sub], -1 unset */
};

struct vfu_server {
	char name[64];
	char *path;
	int listen_fd;
	struct evloop *loop;
	struct vfu_device_desc desc;      /* deep copy */
	const struct vfu_device_ops *ops;
	void *dev;
	int timeout_ms;

	pthread_mutex_t lock;             /* conn pointer, conn state */
	pthread_cond_t cond;              /* pending done / users drop */
	struct vfu_conn *conn;

	pthread_mutex_t dma_lock;
	struct vfu_dma_table dma;
	struct vfu_pvm pvm;               /* under dma_lock */
	/* Counters (atomic): see struct vfu_dma_stats. */
	uint64_t st_msgs, st_pvm, st_fallbacks;

	struct vfu_irq_table irq;
};

/* A reply under construction: fixed part + up to two more iovecs. */
struct vfu_reply {
	uint8_t fixed[VFU_REGION_INFO_SIZE];
	struct iovec iov[3];
	int niov;
	void *heap;                       /* freed after sending */
};

/* vfu_server.c */
void vfu_conn_mark_dead(struct vfu_server *s, struct vfu_conn *c);
int vfu_conn_send(struct vfu_server *s, struct vfu_conn *c,
		  struct vfu_hdr *h, const struct iovec *iov, int niov);
void vfu_conn_defer(struct vfu_server *s, struct vfu_conn *c,
		    struct vfu_rx_msg *m);
/* Loop thread inside a handler: read the socket until p completes, queue
 * client commands for later. 0 or -errno (the connection is then dead). */
int vfu_conn_pump(struct vfu_server *s, struct vfu_conn *c,
		  struct vfu_pending *p);

/* vfu_handlers.c: handle one decoded client command; fds in raw that a
 * handler keeps are removed from raw. Returns 0 (reply in r) or -errno. */
int vfu_handle_command(struct vfu_server *s, struct vfu_conn *c,
		       const struct vfu_msg *m, struct vfu_rx_msg *raw,
		       struct vfu_reply *r);

/* vfu_server_dma.c */
void vfu_dma_drop_all(struct vfu_server *s);
/* DMA_MAP (fd -1: message access; the fd is always consumed) and
 * DMA_UNMAP, validated. 0 or -errno for the reply. */
int vfu_dma_handle_map(struct vfu_server *s, const struct vfu_dma_map *m,
		       int fd, pid_t sender);
int vfu_dma_handle_unmap(struct vfu_server *s, const struct vfu_dma_unmap *m);
/* A reply from the client: complete its pending request. -EPROTO if no
 * request matches (the connection is then dropped). */
int vfu_pending_complete(struct vfu_server *s, struct vfu_conn *c,
			 const struct vfu_msg *m);
void vfu_pending_fail_all(struct vfu_server *s, struct vfu_conn *c, int err);

/* vfu_pvm.c */
/* The pid of the process at the other end of socket fd, 0 if unknown. */
pid_t vfu_peer_pid(int fd);
/* Its credentials: 0, or -errno (not AF_UNIX) with uid/gid -1. */
int vfu_peer_creds(int fd, struct vfu_peer *peer);
/*
 * Loop thread, negotiation: may the client have direct access? Only with
 * its memory file (*memfd, the fd that came with the VERSION: taken, i.e.
 * set to -1, when granted) and when the VERSION came from the very process
 * that connected (sender: its SCM_CREDENTIALS pid). Opens s->pvm (under
 * dma_lock). Returns 1 granted, 0 not granted, -EINVAL for an fd that is
 * not a process's memory file open for reading and writing.
 */
int vfu_pvm_accept(struct vfu_server *s, struct vfu_conn *c, pid_t sender,
		   int *memfd);
/* The connection is dead: no direct copy any more (any thread). */
void vfu_pvm_stop(struct vfu_server *s);
/* May a DMA_MAP from sender carry a client address? */
bool vfu_pvm_sender_ok(struct vfu_server *s, pid_t sender);
/* Forget the client process (under dma_lock). */
void vfu_pvm_reset(struct vfu_pvm *p);
/*
 * Copy len bytes between buf and the client's address remote (write:
 * buf -> client), under dma_lock. Returns 0, or -errno with *done set to
 * the bytes copied before the failure. Gives up for good (p->broken) when
 * the process cannot be accessed at all (EPERM, ESRCH, gone).
 */
int vfu_pvm_copy(struct vfu_server *s, bool write, uint64_t remote,
		 uint8_t *buf, size_t len, size_t *done);

/* vfu_irq.c */
int vfu_irq_table_init(struct vfu_irq_table *t, const struct vfu_device_desc *d);
void vfu_irq_table_fini(struct vfu_irq_table *t);
/* Close every eventfd (client gone). */
void vfu_irq_table_clear(struct vfu_irq_table *t);
/* Apply a validated SET_IRQS; takes the fds (nfds 0 or count). */
/* Every fd an eventfd (then made non-blocking): 0, else -EINVAL. */
int vfu_irq_fds_check(int *fds, size_t nfds);
int vfu_irq_table_set(struct vfu_irq_table *t, uint32_t index, uint32_t flags,
		      uint32_t start, uint32_t count, const uint8_t *bools,
		      int *fds, size_t nfds);

#endif
