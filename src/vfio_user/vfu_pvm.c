/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct access to the client's memory: ccwpass's private vfio-user
 * capability "ccwpass.process_vm" (VFU_CAP_PROCESS_VM; docs/protocol.md,
 * "Direct access to client memory"). Once it is negotiated, a DMA_MAP
 * without an fd carries the client's own address of the range in its
 * offset field, and the server copies through the client's memory file
 * instead of one DMA_READ / DMA_WRITE round trip per max_data_xfer_size
 * bytes. Whatever fails here falls back to messages.
 *
 * The capability is a file descriptor: the client opens its own
 * /proc/self/mem (which the kernel always lets a process do) and sends it
 * with the VERSION. Why this is safe:
 * - No more right than the client's: the server never opens a process's
 *   memory itself and uses none of its own privileges (CAP_SYS_PTRACE) on
 *   the client. It writes only where the client could write itself.
 * - A program, not a pid: the file is bound to the address space the
 *   client had when it opened it. After an execve (same pid, a new
 *   program, maybe setuid) or an exit, that address space is gone and every
 *   access returns nothing: the server stops using it and asks by message,
 *   so nothing is ever copied into the new program (issue 8: a client that
 *   handed its socket to a child and exec'd had DASD data written into the
 *   new program's heap).
 * - Only the process that connected (SO_PEERCRED at accept) and negotiated
 *   (its SCM_CREDENTIALS pid on the VERSION: the listening socket has
 *   SO_PASSCRED) declares addresses: DMA_MAPs that another process sends
 *   on the connection get none. Never the server itself, unless a test
 *   says so (vfu_server_allow_process_vm_self).
 * - Only inside ranges that process declared: every access is first
 *   checked against the DMA table exactly as for messages, and a declared
 *   address range that wraps is refused at DMA_MAP.
 * - Once the socket is dead (the client hung up, or the server gave up on
 *   the connection: vfu_pvm_stop) only messages remain, which nobody
 *   answers: the client may free memory without an unmap then.
 * - Copies run under the DMA table lock and a region loses its address as
 *   soon as the client asks to unmap it (even when the device refuses),
 *   so nothing is touched after the client's DMA_UNMAP returned.
 * Writes through the memory file are forced, as a debugger's: a range the
 * client declared writable is written even where it mapped the pages
 * read-only (its own memory, within what it declared; QEMU declares
 * read-only memory without VFU_DMA_WRITE, which the DMA table enforces).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/log.h"
#include "vfio_user/vfu_server_priv.h"

#define PROC_SUPER_MAGIC 0x9fa0

/* Bytes per system call (the kernel caps one call near 2 GiB anyway). */
#define PVM_MAX_CALL (1u << 30)

static atomic_bool allow_self;

void vfu_server_allow_process_vm_self(bool allow)
{
	atomic_store(&allow_self, allow);
}

void vfu_pvm_reset(struct vfu_pvm *p)
{
	if (p->negotiated && p->mem >= 0)
		close(p->mem);
	if (p->negotiated && p->sock >= 0)
		close(p->sock);
	memset(p, 0, sizeof(*p));
	p->mem = -1;
	p->sock = -1;
}

/* A process's memory file, open for reading and writing: procfs, a regular
 * file named .../mem. */
static bool is_mem_file(int fd)
{
	char link[64], target[128];
	struct statfs sfs;
	struct stat st;
	ssize_t n;

	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC ||
	    fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDWR)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 4)
		return false;
	target[n] = '\0';
	return !strcmp(target + n - 4, "/mem");
}

int vfu_pvm_accept(struct vfu_server *s, struct vfu_conn *c, pid_t sender,
		   int *memfd)
{
	pid_t pid = c->peer_pid;
	int sock;

	if (*memfd < 0) {
		vfu_log(s, LOG_INFO, "%s refused: no memory file came with it",
			VFU_CAP_PROCESS_VM);
		return 0;
	}
	if (!is_mem_file(*memfd)) {
		vfu_log(s, LOG_NOTICE, "%s: the fd is not a /proc/<pid>/mem "
			"open for reading and writing", VFU_CAP_PROCESS_VM);
		return -EINVAL;
	}
	if (pid <= 0) {
		vfu_log(s, LOG_INFO, "%s refused: client pid unknown",
			VFU_CAP_PROCESS_VM);
		return 0;
	}
	if (pid == getpid() && !atomic_load(&allow_self)) {
		vfu_log(s, LOG_INFO, "%s refused: the client is this process",
			VFU_CAP_PROCESS_VM);
		return 0;
	}
	if (sender != pid) {
		vfu_log(s, LOG_NOTICE, "%s refused: pid %d connected, the "
			"VERSION came from %d", VFU_CAP_PROCESS_VM, (int)pid,
			(int)sender);
		return 0;
	}
	sock = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	if (sock < 0) {
		vfu_log(s, LOG_NOTICE, "%s refused: %s", VFU_CAP_PROCESS_VM,
			strerror(errno));
		return 0;
	}
	pthread_mutex_lock(&s->dma_lock);
	vfu_pvm_reset(&s->pvm);
	s->pvm = (struct vfu_pvm){
		.negotiated = true, .pid = pid, .mem = *memfd, .sock = sock,
	};
	pthread_mutex_unlock(&s->dma_lock);
	*memfd = -1;                        /* taken */
	vfu_log(s, LOG_INFO, "%s: client memory of pid %d accessed directly",
		VFU_CAP_PROCESS_VM, (int)pid);
	return 1;
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

/* Has the client hung up (or can we no longer tell)? The socket is a dup
 * of the connection's: its state, not a number that could be reused. */
static bool peer_gone(const struct vfu_pvm *p)
{
	struct pollfd f = { .fd = p->sock, .events = POLLRDHUP };

	return poll(&f, 1, 0) != 0;
}

/*
 * One call: bytes copied, 0 when the address space is gone (an execve or
 * an exit: the memory file reads nothing), or -errno (EIO: an address
 * there is not mapped, or not for this access).
 */
static ssize_t mem_rw(int mem, bool write, uint64_t remote, uint8_t *buf,
		      size_t n)
{
	ssize_t r;

	do {
		r = write ? pwrite(mem, buf, n, (off_t)remote)
			  : pread(mem, buf, n, (off_t)remote);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
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
		ssize_t r = mem_rw(p->mem, write, remote + *done, buf + *done, n);

		if (r == 0)
			ret = -ESRCH;            /* the program is gone */
		else if (r == -EIO || r == -EFAULT)
			ret = -EFAULT;           /* this range */
		else if (r < 0)
			ret = (int)r;
		else
			*done += (size_t)r;      /* short: go on from there */
	}
	/* Not this access but the process: stop trying (EFAULT, ENOMEM are
	 * about this range or this moment). */
	if (ret == -EPERM || ret == -EACCES || ret == -ESRCH) {
		p->broken = true;
		vfu_log(s, LOG_NOTICE, "%s: pid %d: %s; using DMA messages",
			VFU_CAP_PROCESS_VM, (int)p->pid,
			ret == -ESRCH ? "its program has ended (exec or exit)"
				      : strerror(-ret));
	}
	return ret;
}
