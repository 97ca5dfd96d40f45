/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serving the tree with libfuse3's path-based API. Nothing is cached by the
 * kernel (zero entry/attribute timeouts, direct I/O), so every lookup and
 * read sees the driver core as it is, and each write(2) reaches the store
 * as one request - what sysfs attributes need.
 */
#define FUSE_USE_VERSION 312

#include "sysfs/sysfs_priv.h"

#include <errno.h>
#include <fuse.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/log.h"
#include "sysfs/sysfs_quota.h"

struct sysfs_mount {
	struct fuse *fuse;
	struct sysfs_tree *tree;
	pthread_t thread;
	bool running;
	char *mountpoint;
};

static struct sysfs_tree *tree(void)
{
	return fuse_get_context()->private_data;
}

static time_t start_time;

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	cfg->kernel_cache = 0;
	cfg->use_ino = 0;
	return fuse_get_context()->private_data;
}

static void fill_stat(const struct sysfs_stat *s, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	switch (s->type) {
	case SYSFS_DIR:
		st->st_mode = S_IFDIR | s->mode;
		st->st_nlink = 2;
		break;
	case SYSFS_FILE:
		st->st_mode = S_IFREG | s->mode;
		st->st_nlink = 1;
		break;
	case SYSFS_LINK:
		st->st_mode = S_IFLNK | s->mode;
		st->st_nlink = 1;
		break;
	}
	st->st_size = (off_t)s->size;
	st->st_blksize = SYSFS_PAGE;
	st->st_atime = st->st_mtime = st->st_ctime = start_time;
}

static int fs_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	struct sysfs_stat s;
	int ret = sysfs_lookup(tree(), path, &s);

	if (ret == 0)
		fill_stat(&s, st);
	return ret;
}

struct filler_ctx {
	void *buf;
	fuse_fill_dir_t filler;
};

static int add_entry(const char *name, const struct sysfs_stat *s,
		     void *opaque)
{
	struct filler_ctx *c = opaque;
	struct stat st;

	fill_stat(s, &st);
	return c->filler(c->buf, name, &st, 0, 0);
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	struct filler_ctx c = { .buf = buf, .filler = filler };

	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	return sysfs_readdir(tree(), path, add_entry, &c);
}

static int fs_readlink(const char *path, char *buf, size_t size)
{
	int ret = sysfs_readlink(tree(), path, buf, size);

	return ret < 0 ? ret : 0;
}

/* An open file of the view and whose share it counts against. */
struct open_file {
	struct sysfs_file *f;
	uid_t uid;
	struct sysfs_tree *tree;
	struct open_file *prev, *next;   /* open_files */
};

/*
 * Every open file, so that those still open when the view goes (a
 * process in a `ccwpass run` namespace holds one; the aborted connection
 * never sends their release) are freed with it.
 */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct open_file *open_files;

static void open_link(struct open_file *o)
{
	pthread_mutex_lock(&open_lock);
	o->prev = NULL;
	o->next = open_files;
	if (open_files)
		open_files->prev = o;
	open_files = o;
	pthread_mutex_unlock(&open_lock);
}

/* open_lock held. */
static void unlink_locked(struct open_file *o)
{
	if (o->prev)
		o->prev->next = o->next;
	else
		open_files = o->next;
	if (o->next)
		o->next->prev = o->prev;
}

static void open_unlink(struct open_file *o)
{
	pthread_mutex_lock(&open_lock);
	unlink_locked(o);
	pthread_mutex_unlock(&open_lock);
}

static void open_file_free(struct open_file *o)
{
	sysfs_close(o->f);
	sysfs_quota_give(o->uid);
	free(o);
}

/* After the view's loop ended: what was left open on t. */
static void free_open_files(struct sysfs_tree *t)
{
	struct open_file *o, *next;

	pthread_mutex_lock(&open_lock);
	for (o = open_files; o; o = next) {
		next = o->next;
		if (o->tree != t)
			continue;
		unlink_locked(o);
		open_file_free(o);
	}
	pthread_mutex_unlock(&open_lock);
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	uid_t uid = fuse_get_context()->uid;
	struct open_file *o;
	int ret = sysfs_quota_take(uid);

	if (ret < 0)
		return ret;
	o = malloc(sizeof(*o));
	ret = o ? sysfs_open(tree(), path, fi->flags, &o->f) : -ENOMEM;
	if (ret < 0) {
		free(o);
		sysfs_quota_give(uid);
		return ret;
	}
	o->uid = uid;
	o->tree = tree();
	open_link(o);
	fi->fh = (uint64_t)(uintptr_t)o;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	return 0;
}

static struct sysfs_file *file_of(struct fuse_file_info *fi)
{
	return ((struct open_file *)(uintptr_t)fi->fh)->f;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	return (int)sysfs_read(file_of(fi), buf, size, off);
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	return (int)sysfs_write(file_of(fi), buf, size);
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct open_file *o = (struct open_file *)(uintptr_t)fi->fh;

	open_unlink(o);
	open_file_free(o);
	return 0;
}

/* O_TRUNC on an attribute (echo > file) truncates nothing, as in sysfs. */
static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct sysfs_stat s;
	int ret = sysfs_lookup(tree(), path, &s);

	if (ret < 0)
		return ret;
	return s.type == SYSFS_DIR ? -EISDIR : 0;
}

/*
 * What sysfs has no method for fails as there (fs/namei.c without the inode
 * operation, kernfs without syscall ops): creating a file -EACCES, the other
 * namespace changes -EPERM - not libfuse's -ENOSYS.
 */
static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	return -EACCES;
}

static int fs_mknod(const char *path, mode_t mode, dev_t rdev)
{
	return -EPERM;
}

static int fs_mkdir(const char *path, mode_t mode)
{
	return -EPERM;
}

static int fs_remove(const char *path)
{
	return -EPERM;
}

static int fs_two_paths(const char *from, const char *to)
{
	return -EPERM;
}

static int fs_rename(const char *from, const char *to, unsigned int flags)
{
	return -EPERM;
}

static const struct fuse_operations sysfs_ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.readlink = fs_readlink,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.release = fs_release,
	.truncate = fs_truncate,
	.create = fs_create,
	.mknod = fs_mknod,
	.mkdir = fs_mkdir,
	.unlink = fs_remove,
	.rmdir = fs_remove,
	.symlink = fs_two_paths,
	.link = fs_two_paths,
	.rename = fs_rename,
};

static void *loop_thread(void *opaque)
{
	struct sysfs_mount *m = opaque;
	struct fuse_loop_config *cfg = fuse_loop_cfg_create();

	/* libfuse's workers are made by this thread and by each other, and
	 * take its name: the view's threads are told apart from the I/O
	 * path's (bench/run's steady-state trace leaves them out). */
	pthread_setname_np(pthread_self(), "ccwpass-view");
	if (cfg) {
		fuse_loop_cfg_set_clone_fd(cfg, 0);
		fuse_loop_cfg_set_max_threads(cfg, 16);
		fuse_loop_mt(m->fuse, cfg);
		fuse_loop_cfg_destroy(cfg);
	} else {
		fuse_loop(m->fuse);
	}
	return NULL;
}

int sysfs_mount(struct sysfs_tree *t, const char *mountpoint,
		struct sysfs_mount **out, struct error *err)
{
	char *argv[] = {
		"ccwpassd", "-o",
		"allow_other,default_permissions,fsname=ccwpass,subtype=ccwpass",
		NULL,
	};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct sysfs_mount *m = calloc(1, sizeof(*m));
	int ret;

	if (!mountpoint) {
		free(m);
		return error_setf(err, EINVAL, "sysfs mount: no mount point");
	}
	if (!start_time)
		start_time = time(NULL);
	if (m)
		m->mountpoint = strdup(mountpoint);
	if (!m || !m->mountpoint) {
		ret = error_setf(err, ENOMEM, "sysfs mount %s: out of memory",
				 mountpoint);
		goto fail;
	}
	if (mkdir(mountpoint, 0755) < 0 && errno != EEXIST) {
		ret = error_setf(err, errno, "sysfs mount %s: %s", mountpoint,
				 strerror(errno));
		goto fail;
	}
	m->tree = t;
	m->fuse = fuse_new(&args, &sysfs_ops, sizeof(sysfs_ops), t);
	fuse_opt_free_args(&args);
	if (!m->fuse) {
		ret = error_setf(err, EIO, "sysfs mount %s: fuse_new failed",
				 mountpoint);
		goto fail;
	}
	if (fuse_mount(m->fuse, mountpoint) != 0) {
		ret = error_setf(err, EIO,
				 "sysfs mount %s: mounting FUSE failed (root? /dev/fuse?)",
				 mountpoint);
		goto fail_destroy;
	}
	ret = -pthread_create(&m->thread, NULL, loop_thread, m);
	if (ret < 0) {
		error_setf(err, -ret, "sysfs mount %s: no thread", mountpoint);
		fuse_unmount(m->fuse);
		goto fail_destroy;
	}
	m->running = true;
	log_msg(LOG_INFO, "sysfs view mounted at %s", mountpoint);
	*out = m;
	return 0;
fail_destroy:
	fuse_destroy(m->fuse);
fail:
	if (m)
		free(m->mountpoint);
	free(m);
	return ret;
}

static void *waker(void *opaque)
{
	struct stat st;

	stat(opaque, &st);
	free(opaque);
	return NULL;
}

void sysfs_unmount(struct sysfs_mount *m)
{
	if (!m)
		return;
	if (m->running) {
		char *path = strdup(m->mountpoint);
		pthread_t w;

		/*
		 * Stop the loop first: its workers sleep in read(/dev/fuse)
		 * and a lazy unmount does not wake them while `ccwpass run`
		 * namespaces still hold bind mounts of the view. One request
		 * does (a worker that sees the exit flag drops it unanswered,
		 * so it is made from a thread of its own); closing /dev/fuse
		 * in fuse_destroy() aborts the connection, which ends that
		 * request and every mount of the view elsewhere.
		 */
		fuse_exit(m->fuse);
		if (path && pthread_create(&w, NULL, waker, path) == 0)
			pthread_detach(w);
		else
			free(path);
		pthread_join(m->thread, NULL);
		fuse_unmount(m->fuse);
	}
	fuse_destroy(m->fuse);
	free_open_files(m->tree);
	log_msg(LOG_INFO, "sysfs view at %s unmounted", m->mountpoint);
	free(m->mountpoint);
	free(m);
}
