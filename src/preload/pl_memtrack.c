/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tracking of shared file mappings (mmap(2), munmap(2) semantics: a new
 * mapping replaces whatever it overlaps; munmap may cut a mapping in two).
 * Each record remembers the fd and the file's identity (st_dev, st_ino) at
 * mmap time: QEMU keeps the memory backend's fd open, but an fd number can
 * be closed and reused, so the identity is checked again before the fd is
 * sent anywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload/pl_debug.h"
#include "preload/pl_memtrack.h"
#include "preload/pl_real.h"

#define PAGE 4096u

struct shmap {
	uintptr_t start;
	uintptr_t end;          /* exclusive */
	int fd;
	dev_t dev;
	ino_t ino;
	uint64_t offset;        /* file offset of start */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct shmap maps[PL_MEMTRACK_MAX];
static atomic_size_t count;     /* written under lock */
static bool overflow_logged;

static bool is_shared(int flags)
{
	int type = flags & MAP_TYPE;

	return type == MAP_SHARED || type == MAP_SHARED_VALIDATE;
}

static void remove_at(size_t i)
{
	size_t n = atomic_load(&count);

	maps[i] = maps[n - 1];
	atomic_store(&count, n - 1);
}

/* Cut [a, b) out of every record (lock held). */
static void punch(uintptr_t a, uintptr_t b)
{
	size_t i = 0;

	while (i < atomic_load(&count)) {
		struct shmap *m = &maps[i];

		if (m->end <= a || m->start >= b) {
			i++;
			continue;
		}
		if (m->start < a && m->end > b) {
			/* a hole in the middle: keep both ends */
			if (atomic_load(&count) < PL_MEMTRACK_MAX) {
				struct shmap right = *m;

				right.offset += b - m->start;
				right.start = b;
				maps[atomic_load(&count)] = right;
				atomic_store(&count, atomic_load(&count) + 1);
			}
			m->end = a;
			i++;
		} else if (m->start < a) {
			m->end = a;
			i++;
		} else if (m->end > b) {
			m->offset += b - m->start;
			m->start = b;
			i++;
		} else {
			remove_at(i);
		}
	}
}

void pl_memtrack_mmap(void *addr, size_t len, int flags, int fd, off_t off)
{
	uintptr_t a = (uintptr_t)addr;
	uintptr_t b = a + ((len + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	bool track = is_shared(flags) && !(flags & MAP_ANONYMOUS) && fd >= 0;
	struct stat st;

	if (!track && atomic_load_explicit(&count, memory_order_relaxed) == 0)
		return;
	if (track && fstat(fd, &st) < 0)
		track = false;
	pthread_mutex_lock(&lock);
	punch(a, b);
	if (track && atomic_load(&count) < PL_MEMTRACK_MAX) {
		maps[atomic_load(&count)] = (struct shmap){
			.start = a, .end = b, .fd = fd, .dev = st.st_dev,
			.ino = st.st_ino, .offset = (uint64_t)off,
		};
		atomic_store(&count, atomic_load(&count) + 1);
		PL_DEBUG("mmap: fd %d offset 0x%llx shared at %p, 0x%zx bytes",
			 fd, (unsigned long long)off, addr, (size_t)(b - a));
	} else if (track && !overflow_logged) {
		overflow_logged = true;
		log_msg(LOG_WARNING, "more than %d shared file mappings; "
			"later ones are served by DMA messages",
			PL_MEMTRACK_MAX);
	}
	pthread_mutex_unlock(&lock);
}

void pl_memtrack_munmap(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;

	if (atomic_load_explicit(&count, memory_order_relaxed) == 0)
		return;
	pthread_mutex_lock(&lock);
	punch(a, a + ((len + PAGE - 1) & ~(uintptr_t)(PAGE - 1)));
	pthread_mutex_unlock(&lock);
}

int pl_memtrack_find(uint64_t vaddr, uint64_t size, uint64_t *offset)
{
	struct stat st;
	int fd = -1;

	if (!size || vaddr + size - 1 < vaddr)
		return -1;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < atomic_load(&count); i++) {
		const struct shmap *m = &maps[i];
		uint64_t off;

		if (vaddr < m->start || vaddr + size - 1 > m->end - 1)
			continue;
		off = m->offset + (vaddr - m->start);
		if (off % PAGE || fstat(m->fd, &st) < 0 ||
		    st.st_dev != m->dev || st.st_ino != m->ino)
			break;
		fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 3);
		if (fd >= 0)
			*offset = off;
		break;
	}
	pthread_mutex_unlock(&lock);
	return fd;
}

void pl_memtrack_fork_prepare(void)
{
	pthread_mutex_lock(&lock);
}

void pl_memtrack_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

void pl_memtrack_fork_child(void)
{
	pthread_mutex_init(&lock, NULL);
}
