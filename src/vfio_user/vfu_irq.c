/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt eventfds of a vfio-user server (QEMU docs/interop/vfio-user.rst,
 * "VFIO_USER_DEVICE_SET_IRQS"; semantics of struct vfio_irq_set in
 * <linux/vfio.h>): ACTION_TRIGGER with DATA_EVENTFD installs eventfds (none
 * sent: de-assign), with DATA_NONE / DATA_BOOL fires them; count 0 with
 * DATA_NONE disables the whole index. The server writes the eventfd, which
 * it keeps non-blocking.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "vfio_user/vfu_server_priv.h"

int vfu_irq_table_init(struct vfu_irq_table *t, const struct vfu_device_desc *d)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->num = d->num_irqs;
	if (!t->num)
		return 0;
	t->count = calloc(t->num, sizeof(*t->count));
	t->fds = calloc(t->num, sizeof(*t->fds));
	if (!t->count || !t->fds)
		goto nomem;
	for (uint32_t i = 0; i < t->num; i++) {
		t->count[i] = d->irqs[i].count;
		t->fds[i] = malloc((d->irqs[i].count ? d->irqs[i].count : 1) *
				   sizeof(int));
		if (!t->fds[i])
			goto nomem;
		for (uint32_t k = 0; k < t->count[i]; k++)
			t->fds[i][k] = -1;
	}
	return 0;

nomem:
	vfu_irq_table_fini(t);
	return -ENOMEM;
}

void vfu_irq_table_clear(struct vfu_irq_table *t)
{
	pthread_mutex_lock(&t->lock);
	for (uint32_t i = 0; i < t->num; i++) {
		for (uint32_t k = 0; k < t->count[i]; k++) {
			if (t->fds[i][k] >= 0)
				close(t->fds[i][k]);
			t->fds[i][k] = -1;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

void vfu_irq_table_fini(struct vfu_irq_table *t)
{
	if (t->fds && t->count)
		vfu_irq_table_clear(t);
	for (uint32_t i = 0; t->fds && i < t->num; i++)
		free(t->fds[i]);
	free(t->fds);
	free(t->count);
	pthread_mutex_destroy(&t->lock);
	memset(t, 0, sizeof(*t));
}

/* Only eventfds: writing 8 bytes to anything else could block a worker. */
static bool is_eventfd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return fcntl(fd, F_GETFD) >= 0;   /* no /proc: trust it */
	link[n] = '\0';
	return !strcmp(link, "anon_inode:[eventfd]");
}

/*
 * The eventfd's file is shared with the client, and a blocking eventfd
 * whose counter is at its maximum blocks a write until somebody reads:
 * a client could hang the loop thread (and every waiter on it). So the
 * server keeps every eventfd it holds non-blocking; QEMU's are already.
 * (A client that clears O_NONBLOCK again between this and the write can
 * still win a race against us; it only stalls its own device.)
 */
static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static int signal_fd(int fd)
{
	uint64_t one = 1;
	ssize_t n;
	int ret = set_nonblock(fd);

	if (ret < 0)
		return ret;
	do {
		n = write(fd, &one, sizeof(one));
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN)   /* EAGAIN: counter full = pending */
		return -errno;
	return 0;
}

int vfu_irq_fds_check(int *fds, size_t nfds)
{
	for (size_t i = 0; i < nfds; i++)
		if (!is_eventfd(fds[i]) || set_nonblock(fds[i]) < 0)
			return -EINVAL;
	return 0;
}

int vfu_irq_table_set(struct vfu_irq_table *t, uint32_t index, uint32_t flags,
		      uint32_t start, uint32_t count, const uint8_t *bools,
		      int *fds, size_t nfds)
{
	int ret = 0;

	if (index >= t->num || vfu_irq_fds_check(fds, nfds) < 0)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (!(flags & VFIO_IRQ_SET_ACTION_TRIGGER)) {
		ret = 0;                  /* mask state is the device's */
	} else if (count == 0) {          /* DATA_NONE: disable the index */
		for (uint32_t k = 0; k < t->count[index]; k++) {
			if (t->fds[index][k] >= 0)
				close(t->fds[index][k]);
			t->fds[index][k] = -1;
		}
	} else if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		for (uint32_t k = 0; k < count; k++) {
			int *slot = &t->fds[index][start + k];

			if (*slot >= 0)
				close(*slot);
			*slot = nfds ? fds[k] : -1;
		}
		for (size_t i = 0; i < nfds; i++)
			fds[i] = -1;      /* the table owns them now */
	} else {                          /* DATA_NONE / DATA_BOOL: fire */
		for (uint32_t k = 0; k < count && !ret; k++) {
			int fd = t->fds[index][start + k];

			if (fd >= 0 && (!bools || bools[k]))
				ret = signal_fd(fd);
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

int vfu_irq_trigger(struct vfu_server *s, uint32_t index)
{
	struct vfu_irq_table *t = &s->irq;
	int ret;

	if (index >= t->num || t->count[index] == 0)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	ret = t->fds[index][0] >= 0 ? signal_fd(t->fds[index][0]) : -ENOENT;
	pthread_mutex_unlock(&t->lock);
	return ret;
}
