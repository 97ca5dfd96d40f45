/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct access to the client's memory: ccwpass's private vfio-user
 * capability "ccwpass.process_vm" (VFU_CAP_PROCESS_VM; docs/protocol.md,
 * "Direct access to client memory"). Once it is negotiated, a DMA_MAP
 * without an fd carries the client's own address of the range in its
 * offset field, and the server copies with process_vm_readv(2) /
 * process_vm_writev(2) instead of one DMA_READ / DMA_WRITE round trip per
 * max_data_xfer_size bytes. Whatever fails here falls back to messages.
 *
 * Why this is safe:
 * - Only root reaches the socket (0600 in a 0700 directory), and root may
 *   read and write any process's memory anyway.
 * - The server touches one process: the one that connected, named by the
 *   kernel (SO_PEERCRED at accept) and pinned there by a pidfd, never by
 *   the client; and only when that very process sent the VERSION (its
 *   SCM_CREDENTIALS pid: the listening socket has SO_PASSCRED), so a
 *   socket handed on to another process does not lend it the first one's
 *   memory. DMA_MAPs that another process sends get no address. Never
 *   itself, unless a test says so (vfu_server_allow_process_vm_self).
 * - Only inside ranges that process declared: every access is first
 *   checked against the DMA table exactly as for messages, and a declared
 *   address range that wraps is refused at DMA_MAP.
 * - The kernel checks ptrace access on every call and does not force
 *   access: a page the client mapped read-only stays read-only (EFAULT).
 * - A pid is only reused after its process ended: the pidfd taken at
 *   accept is polled right before every call, and a process seen gone is
 *   never accessed again. So is the socket: once the client hung up, or
 *   the server gave up on the connection (vfu_pvm_stop), only messages
 *   remain, which nobody answers. (What the process maps after an execve
 *   under the same pid is not told apart: only root connects, see above.)
 * - Copies run under the DMA table lock and a region loses its address as
 *   soon as the client asks to unmap it (even when the device refuses),
 *   so nothing is touched after the client's DMA_UNMAP returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/log.h"
#include "vfio_user/vfu_server_priv.h"

/* Bytes per system call (the kernel caps one call near 2 GiB anyway). */
#define PVM_MAX_CALL (1u << 30)

static atomic_bool allow_self;

void vfu_server_allow_process_vm_self(bool allow)
{
	atomic_store(&allow_self, allow);
}

pid_t vfu_peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred) || cred.pid <= 0)
		return 0;       /* not AF_UNIX, or a pid namespace we cannot see */
	return cred.pid;
}

void vfu_pvm_reset(struct vfu_pvm *p)
{
	if (p->negotiated && p->pidfd >= 0)
		close(p->pidfd);
	if (p->negotiated && p->sock >= 0)
		close(p->sock);
	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
	p->sock = -1;
}

int vfu_pidfd_open(pid_t pid)
{
	if (pid <= 0)
		return -1;
#ifdef SYS_pidfd_open
	/* Close-on-exec is implied. */
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

bool vfu_pvm_accept(struct vfu_server *s, struct vfu_conn *c, pid_t sender)
{
	pid_t pid = c->peer_pid;
	int pidfd, sock;

	if (pid <= 0) {
		vfu_log(s, LOG_INFO, "%s refused: client pid unknown",
			VFU_CAP_PROCESS_VM);
		return false;
	}
	if (pid == getpid() && !atomic_load(&allow_self)) {
		vfu_log(s, LOG_INFO, "%s refused: the client is this process",
			VFU_CAP_PROCESS_VM);
		return false;
	}
	if (sender != pid) {
		vfu_log(s, LOG_NOTICE, "%s refused: pid %d connected, the "
			"VERSION came from %d", VFU_CAP_PROCESS_VM, (int)pid,
			(int)sender);
		return false;
	}
	if (c->peer_pidfd < 0) {
		vfu_log(s, LOG_NOTICE, "%s refused: no pidfd for pid %d",
			VFU_CAP_PROCESS_VM, (int)pid);
		return false;
	}
	pidfd = fcntl(c->peer_pidfd, F_DUPFD_CLOEXEC, 0);
	sock = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	if (pidfd < 0 || sock < 0) {
		vfu_log(s, LOG_NOTICE, "%s refused: %s", VFU_CAP_PROCESS_VM,
			strerror(errno));
		if (pidfd >= 0)
			close(pidfd);
		if (sock >= 0)
			close(sock);
		return false;
	}
	pthread_mutex_lock(&s->dma_lock);
	vfu_pvm_reset(&s->pvm);
	s->pvm = (struct vfu_pvm){
		.negotiated = true, .pid = pid, .pidfd = pidfd, .sock = sock,
	};
	pthread_mutex_unlock(&s->dma_lock);
	vfu_log(s, LOG_INFO, "%s: client memory of pid %d accessed directly",
		VFU_CAP_PROCESS_VM, (int)pid);
	return true;
}

void vfu_pvm_stop(struct vfu_server *s)
{
	__atomic_store_n(&s->pvm.off, true, __ATOMIC_RELEASE);
}

bool vfu_pvm_sender_ok(struct vfu_server *s, pid_t sender)
{
	bool ok;

	pthread_mutex_lock(&s->dma_lock);
	ok = s->pvm.negotiated && sender > 0 && sender == s->pvm.pid;
	pthread_mutex_unlock(&s->dma_lock);
	return ok;
}

/*
 * Has the process ended, or the client hung up (or can we no longer
 * tell)? The socket is a dup of the connection's: its state, not a
 * number that could be reused.
 */
static bool peer_gone(const struct vfu_pvm *p)
{
	struct pollfd f[2] = {
		{ .fd = p->pidfd, .events = POLLIN },
		{ .fd = p->sock, .events = POLLRDHUP },
	};

	return poll(f, 2, 0) != 0;
}

int vfu_pvm_copy(struct vfu_server *s, bool write, uint64_t remote,
		 uint8_t *buf, size_t len, size_t *done)
{
	struct vfu_pvm *p = &s->pvm;
	int ret = 0;

	*done = 0;
	if (!p->negotiated || p->broken)
		return -EPERM;
	if (peer_gone(p))
		ret = -ESRCH;
	while (!ret && *done < len) {
		size_t n = len - *done < PVM_MAX_CALL ? len - *done : PVM_MAX_CALL;
		struct iovec local = { .iov_base = buf + *done, .iov_len = n };
		struct iovec far = {
			.iov_base = (void *)(uintptr_t)(remote + *done),
			.iov_len = n,
		};
		ssize_t r = write ? process_vm_writev(p->pid, &local, 1, &far, 1, 0)
				  : process_vm_readv(p->pid, &local, 1, &far, 1, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			ret = -errno;
		else if (r == 0)
			ret = -EFAULT;           /* no progress */
		else
			*done += (size_t)r;      /* short: go on from there */
	}
	/* Not this access but the process: stop trying (EFAULT, ENOMEM are
	 * about this range or this moment). */
	if (ret == -EPERM || ret == -ESRCH || ret == -ENOSYS) {
		p->broken = true;
		vfu_log(s, LOG_NOTICE, "%s: pid %d: %s; using DMA messages",
			VFU_CAP_PROCESS_VM, (int)p->pid, strerror(-ret));
	}
	return ret;
}
