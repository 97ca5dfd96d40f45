/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mdev core (Linux drivers/vfio/mdev/mdev_core.c, mdev_sysfs.c):
 * create_store takes a UUID (lib/uuid.c uuid_is_valid: hex digits with '-'
 * at 8, 13, 18, 23, either case; the device is named by the lower-case
 * form) of 36 bytes, or 37 when the last is a newline (the kernel ignores
 * whatever the 37th byte is; ccwpass is stricter), refuses a UUID that exists
 * anywhere on the host (-EEXIST) before counting instances (-EUSERS).
 * Every mdev sits in an IOMMU group of its own; group numbers are the
 * lowest free ones (an IDA), so freed numbers come back.
 */
#include "bus/bus_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

/* Stop searching for a free group number here (the IDA has no limit). */
#define BUS_GROUP_LIMIT 1000000u

int bus_uuid_parse(const char *text, char out[BUS_UUID_SIZE])
{
	for (int i = 0; i < BUS_UUID_LEN; i++) {
		unsigned char c = (unsigned char)text[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -EINVAL;
		} else if (!isxdigit(c)) {
			return -EINVAL;
		}
		out[i] = (char)tolower(c);
	}
	out[BUS_UUID_LEN] = '\0';
	return 0;
}

struct bus_mdev *bus_find_mdev(struct bus *b, const char *uuid)
{
	for (struct bus_mdev *m = b->mdevs; m; m = m->next)
		if (!strcmp(m->uuid, uuid))
			return m;
	return NULL;
}

void bus_mdev_fill(const struct bus_mdev *m, struct bus_mdev_info *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->uuid, m->uuid, sizeof(out->uuid));
	memcpy(out->parent, m->parent->name, sizeof(out->parent));
	out->type = m->parent->drv->ops->mdev;
	out->group = m->group;
	out->gen = m->gen;
	if (out->type->holder && m->parent->priv && !m->removing)
		out->holder = out->type->holder(m->parent->priv, m->uuid);
}

static bool group_used(const struct bus *b, unsigned int n)
{
	for (const struct bus_mdev *m = b->mdevs; m; m = m->next)
		if (m->group == n)
			return true;
	return false;
}

static unsigned int group_alloc(const struct bus *b)
{
	unsigned int n = 0;

	while (n < BUS_GROUP_LIMIT && (group_used(b, n) ||
	       (b->reserved && b->reserved(n, b->reserved_opaque))))
		n++;
	return n;
}

static void mdev_link(struct bus *b, struct bus_mdev *m)
{
	struct bus_mdev **pp = &b->mdevs;

	while (*pp && strcmp((*pp)->uuid, m->uuid) < 0)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
}

static void mdev_unlink(struct bus *b, struct bus_mdev *m)
{
	struct bus_mdev **pp = &b->mdevs;

	while (*pp != m)
		pp = &(*pp)->next;
	*pp = m->next;
}

/*
 * Remove one mdev; the driver's refusal is returned unless forced. The
 * driver may wait for the VMM to let go (up to its release timeout): that
 * runs without the bus lock, with m marked removing (m and its parent's
 * driver stay meanwhile: whoever else would remove them waits).
 */
static int mdev_destroy(struct bus *b, struct bus_mdev *m, bool force)
{
	struct bus_dev *d = m->parent;
	const struct bus_mdev_type *t = d->drv->ops->mdev;
	void *priv = d->priv;
	int ret;

	m->removing = true;
	pthread_mutex_unlock(&b->lock);
	ret = t->remove(priv, m->uuid);
	pthread_mutex_lock(&b->lock);
	m->removing = false;
	pthread_cond_broadcast(&b->idle);
	if (ret < 0 && ret != -ENODEV) {
		log_msg(LOG_WARNING, "mdev %s: remove failed: %s%s", m->uuid,
			strerror(-ret), force ? " (removed anyway)" : "");
		if (!force)
			return ret;
	}
	mdev_unlink(b, m);
	d->nmdevs--;
	bus_emit(b, &(struct bus_event){
		.kind = BUS_EV_MDEV_REMOVE, .sch = d->name, .uuid = m->uuid,
		.group = m->group,
	});
	log_msg(LOG_NOTICE, "mdev %s: removed from %s (group %u)", m->uuid,
		d->name, m->group);
	free(m);
	return 0;
}

static struct bus_mdev *first_child(struct bus *b, struct bus_dev *d)
{
	for (struct bus_mdev *m = b->mdevs; m; m = m->next)
		if (m->parent == d)
			return m;
	return NULL;
}

/* The list changes while the lock is dropped: look again each time. */
void bus_mdev_remove_all(struct bus *b, struct bus_dev *d)
{
	struct bus_mdev *m;

	while ((m = first_child(b, d))) {
		if (m->removing)
			bus_idle_wait(b);
		else
			mdev_destroy(b, m, true);
	}
}

int bus_mdev_create(struct bus *b, const char *sch, const char *type,
		    const char *buf, size_t len, char uuid_out[BUS_UUID_SIZE])
{
	return bus_mdev_create_gen(b, sch, 0, type, buf, len, uuid_out);
}

int bus_mdev_create_gen(struct bus *b, const char *sch,
			unsigned long parent_gen, const char *type,
			const char *buf, size_t len,
			char uuid_out[BUS_UUID_SIZE])
{
	char uuid[BUS_UUID_SIZE];
	const struct bus_mdev_type *t;
	struct error err = { 0 };
	struct bus_mdev *m;
	struct bus_dev *d;
	int ret;

	if (len < BUS_UUID_LEN || len > BUS_UUID_LEN + 1)
		return -EINVAL;
	if (len == BUS_UUID_LEN + 1 && buf[BUS_UUID_LEN] != '\n')
		return -EINVAL;         /* only echo's newline may follow */
	if (bus_uuid_parse(buf, uuid) < 0)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	pthread_mutex_lock(&b->lock);
	d = bus_find_dev(b, sch);
	if (!d || d->detaching || !d->parent ||
	    strcmp(d->drv->ops->mdev->name, type) ||
	    (parent_gen && d->parent_gen != parent_gen)) {
		ret = -ENODEV;
		goto fail;
	}
	t = d->drv->ops->mdev;
	if (bus_find_mdev(b, uuid)) {
		ret = -EEXIST;
		goto fail;
	}
	if (d->nmdevs >= t->max_instances) {
		ret = -EUSERS;
		goto fail;
	}
	ret = t->create(d->priv, uuid, &err);
	if (ret < 0) {
		log_msg(LOG_WARNING, "mdev %s: create on %s failed: %s", uuid,
			d->name, err.msg[0] ? err.msg : strerror(-ret));
		goto fail;
	}
	memcpy(m->uuid, uuid, sizeof(m->uuid));
	m->parent = d;
	m->gen = ++b->gen;
	m->group = group_alloc(b);
	mdev_link(b, m);
	d->nmdevs++;
	bus_emit(b, &(struct bus_event){
		.kind = BUS_EV_MDEV_ADD, .sch = d->name, .uuid = m->uuid,
		.group = m->group,
	});
	log_msg(LOG_NOTICE, "mdev %s: created on %s (%s, group %u)", uuid,
		d->name, t->name, m->group);
	pthread_mutex_unlock(&b->lock);
	if (uuid_out)
		memcpy(uuid_out, uuid, BUS_UUID_SIZE);
	return 0;
fail:
	pthread_mutex_unlock(&b->lock);
	free(m);
	return ret;
}

int bus_mdev_remove(struct bus *b, const char *uuid)
{
	return bus_mdev_remove_gen(b, uuid, 0);
}

/*
 * A remove while another one of the same mdev runs waits for it and then
 * succeeds, as the kernel's remove_store (device_remove_file_self) does.
 */
int bus_mdev_remove_gen(struct bus *b, const char *uuid, unsigned long gen)
{
	bool waited = false;
	struct bus_mdev *m;
	int ret;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		m = bus_find_mdev(b, uuid);
		if (!m || (gen && m->gen != gen)) {
			ret = waited ? 0 : -ENODEV;
			break;
		}
		if (!m->removing) {
			ret = mdev_destroy(b, m, false);
			break;
		}
		waited = true;
		bus_idle_wait(b);
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}
