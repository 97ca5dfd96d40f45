/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path resolution and sysfs file semantics (Linux fs/kernfs/file.c and
 * fs/sysfs/file.c): a read starting at offset 0 renders the attribute, the
 * rest of that read sequence is served from the rendering; each write(2) of
 * up to a page is one store, a zero-length write stores nothing; opening a
 * file for an access it has no method for is -EACCES. Reads of one open file
 * are serialised (FUSE serves the threads sharing an fd concurrently; kernfs
 * holds the open file's mutex), so each gets a whole rendering.
 */
#include "sysfs/sysfs_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * An open attribute: a few hundred bytes plus what it shows (a page is
 * rendered on the stack and kept at its own length), so a user holding
 * many files open costs the daemon little (issue 8: 4.4 KB each).
 */
struct sysfs_file {
	struct sysfs_tree *t;
	struct sysfs_node node;
	pthread_mutex_t lock;     /* the rendering below */
	bool consumed;            /* a read used the current rendering */
	int render_err;
	char *text;               /* the rendering, len bytes (NULL: none) */
	size_t len;
};

struct sysfs_tree *sysfs_tree_new(struct bus *bus)
{
	struct sysfs_tree *t = calloc(1, sizeof(*t));

	if (t)
		t->bus = bus;
	return t;
}

void sysfs_tree_free(struct sysfs_tree *t)
{
	free(t);
}

static int resolve(struct sysfs_tree *t, const char *path,
		   struct sysfs_node *out)
{
	char copy[PATH_MAX], *save = NULL, *comp;
	struct sysfs_node cur = { .type = SYSFS_DIR, .mode = 0755,
				  .dir = SD_ROOT };
	size_t n = strlen(path);

	if (n >= sizeof(copy))
		return -ENAMETOOLONG;
	memcpy(copy, path, n + 1);
	for (comp = strtok_r(copy, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		struct sysfs_node next;

		if (cur.type != SYSFS_DIR)
			return -ENOTDIR;
		if (sysfs_dir_lookup(t, &cur, comp, &next) < 0)
			return -ENOENT;
		cur = next;
	}
	*out = cur;
	return 0;
}

static void node_stat(const struct sysfs_node *n, struct sysfs_stat *st)
{
	st->type = n->type;
	st->mode = n->mode;
	switch (n->type) {
	case SYSFS_DIR:
		st->size = 0;
		break;
	case SYSFS_FILE:
		st->size = SYSFS_PAGE;
		break;
	case SYSFS_LINK:
		st->size = strlen(n->link);
		break;
	}
}

int sysfs_lookup(struct sysfs_tree *t, const char *path, struct sysfs_stat *st)
{
	struct sysfs_node n;
	int ret = resolve(t, path, &n);

	if (ret == 0 && st)
		node_stat(&n, st);
	return ret;
}

struct readdir_ctx {
	sysfs_dirent_fn *fn;
	void *opaque;
};

static int readdir_child(const char *name, const struct sysfs_node *child,
			 void *opaque)
{
	struct readdir_ctx *c = opaque;
	struct sysfs_stat st;

	node_stat(child, &st);
	return c->fn(name, &st, c->opaque);
}

int sysfs_readdir(struct sysfs_tree *t, const char *path, sysfs_dirent_fn *fn,
		  void *opaque)
{
	struct readdir_ctx c = { .fn = fn, .opaque = opaque };
	struct sysfs_node n;
	int ret = resolve(t, path, &n);

	if (ret < 0)
		return ret;
	if (n.type != SYSFS_DIR)
		return -ENOTDIR;
	return sysfs_dir_list(t, &n, readdir_child, &c);
}

int sysfs_readlink(struct sysfs_tree *t, const char *path, char *buf,
		   size_t size)
{
	struct sysfs_node n;
	int ret = resolve(t, path, &n);
	size_t len;

	if (ret < 0)
		return ret;
	if (n.type != SYSFS_LINK)
		return -EINVAL;
	len = strlen(n.link);
	if (size == 0)
		return -ERANGE;
	if (len >= size)
		len = size - 1;
	memcpy(buf, n.link, len);
	buf[len] = '\0';
	return (int)len;
}

static void render(struct sysfs_file *f)
{
	struct sysfs_buf b;
	char *text;

	b.len = 0;
	f->render_err = f->node.attr->show(f->t, &f->node, &b);
	f->consumed = false;
	f->len = 0;
	if (f->render_err < 0 || !b.len)
		return;
	text = realloc(f->text, b.len);
	if (!text) {
		f->render_err = -ENOMEM;
		return;
	}
	memcpy(text, b.data, b.len);
	f->text = text;
	f->len = b.len;
}

int sysfs_open(struct sysfs_tree *t, const char *path, int flags,
	       struct sysfs_file **out)
{
	struct sysfs_file *f;
	struct sysfs_node n;
	int acc = flags & O_ACCMODE;
	int ret = resolve(t, path, &n);

	if (ret < 0)
		return ret;
	if (n.type == SYSFS_DIR)
		return -EISDIR;
	if (n.type != SYSFS_FILE)
		return -ELOOP;
	if ((acc != O_WRONLY && !n.attr->show) ||
	    (acc != O_RDONLY && !n.attr->store))
		return -EACCES;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->t = t;
	f->node = n;
	pthread_mutex_init(&f->lock, NULL);
	if (acc != O_WRONLY)
		render(f);
	*out = f;
	return 0;
}

ssize_t sysfs_read(struct sysfs_file *f, char *buf, size_t size, off_t off)
{
	ssize_t ret;
	size_t n;

	if (!f->node.attr->show)
		return -EACCES;
	if (off < 0)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	if (off == 0 && f->consumed)
		render(f);
	f->consumed = true;
	if (f->render_err < 0) {
		ret = f->render_err;
	} else if ((size_t)off >= f->len) {
		ret = 0;
	} else {
		n = f->len - (size_t)off;
		if (n > size)
			n = size;
		memcpy(buf, f->text + off, n);
		ret = (ssize_t)n;
	}
	pthread_mutex_unlock(&f->lock);
	return ret;
}

ssize_t sysfs_write(struct sysfs_file *f, const char *buf, size_t size)
{
	char *copy;
	int ret;

	if (!f->node.attr->store)
		return -EACCES;
	if (size == 0)
		return 0;
	if (size > SYSFS_PAGE)
		size = SYSFS_PAGE;
	copy = malloc(size + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, size);
	copy[size] = '\0';
	ret = f->node.attr->store(f->t, &f->node, copy, size);
	free(copy);
	return ret < 0 ? ret : (ssize_t)size;
}

void sysfs_close(struct sysfs_file *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f->text);
	free(f);
}

ssize_t sysfs_read_file(struct sysfs_tree *t, const char *path, char *buf,
			size_t size)
{
	struct sysfs_file *f;
	ssize_t n;
	int ret = sysfs_open(t, path, O_RDONLY, &f);

	if (ret < 0)
		return ret;
	if (size == 0) {
		sysfs_close(f);
		return -EINVAL;
	}
	n = sysfs_read(f, buf, size - 1, 0);
	if (n >= 0)
		buf[n] = '\0';
	sysfs_close(f);
	return n;
}

ssize_t sysfs_write_file(struct sysfs_tree *t, const char *path,
			 const char *text)
{
	struct sysfs_file *f;
	ssize_t n;
	int ret = sysfs_open(t, path, O_WRONLY, &f);

	if (ret < 0)
		return ret;
	n = sysfs_write(f, text, strlen(text));
	sysfs_close(f);
	return n;
}
