/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /sys view of the software host: the layout of a real s390 host's
 * sysfs relative to /sys (bus/css, bus/ccw, bus/mdev, devices/css0,
 * class/mdev_bus, kernel/iommu_groups, module/vfio_ccw), generated from the
 * driver core (src/bus) on every lookup. docs/sysfs.md has the tree, the
 * attribute formats and the errno of every write.
 *
 * The tree is path based and independent of FUSE (tests use it directly);
 * sysfs_mount() serves it with libfuse3.
 *
 * Files behave like sysfs attributes: the content is rendered when a read
 * starts at offset 0 (an open file keeps what it rendered while read on);
 * every write(2) is one store with the kernel's errno; write-only
 * attributes refuse opening for reading (-EACCES) and read-only ones
 * opening for writing.
 */
#ifndef CCWPASS_SYSFS_SYSFS_H
#define CCWPASS_SYSFS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

struct bus;
struct sysfs_tree;
struct sysfs_file;

#define SYSFS_PAGE 4096   /* an attribute's size, and the most one store gets */

struct sysfs_tree *sysfs_tree_new(struct bus *bus);
void sysfs_tree_free(struct sysfs_tree *t);

enum sysfs_type {
	SYSFS_DIR,
	SYSFS_FILE,
	SYSFS_LINK,
};

struct sysfs_stat {
	enum sysfs_type type;
	mode_t mode;              /* permission bits only */
	size_t size;              /* files SYSFS_PAGE, links strlen(target) */
};

/*
 * Paths are relative to the tree's root ("/" or "" is the root,
 * "/bus/css/drivers_probe", ...); symbolic links inside are not followed.
 * Returns 0, -ENOENT, -ENOTDIR, -ENAMETOOLONG.
 */
int sysfs_lookup(struct sysfs_tree *t, const char *path, struct sysfs_stat *st);

/* fn returns non-zero to stop. Returns 0, -ENOENT, -ENOTDIR. */
typedef int sysfs_dirent_fn(const char *name, const struct sysfs_stat *st,
			    void *opaque);
int sysfs_readdir(struct sysfs_tree *t, const char *path, sysfs_dirent_fn *fn,
		  void *opaque);

/* The link's target, NUL-terminated. Returns its length, -EINVAL, -ENOENT. */
int sysfs_readlink(struct sysfs_tree *t, const char *path, char *buf,
		   size_t size);

/*
 * Open an attribute; flags are open(2)'s access mode (O_RDONLY, O_WRONLY,
 * O_RDWR). Returns 0, -ENOENT, -EISDIR, -EACCES, -ENOMEM.
 */
int sysfs_open(struct sysfs_tree *t, const char *path, int flags,
	       struct sysfs_file **out);
/* Returns bytes read (0 at the end) or -errno from the attribute. */
ssize_t sysfs_read(struct sysfs_file *f, char *buf, size_t size, off_t off);
/* One store: returns size (or SYSFS_PAGE, the most taken at once) or -errno. */
ssize_t sysfs_write(struct sysfs_file *f, const char *buf, size_t size);
void sysfs_close(struct sysfs_file *f);

/* Convenience for tests and tools: whole-file read / one write by path. */
ssize_t sysfs_read_file(struct sysfs_tree *t, const char *path, char *buf,
			size_t size);
ssize_t sysfs_write_file(struct sysfs_tree *t, const char *path,
			 const char *text);

/* ---- FUSE ---- */
struct sysfs_mount;

/*
 * Mount the tree at mountpoint (allow_other, default_permissions; the
 * directory is created if missing) and serve it on worker threads.
 * Returns 0 or -errno with err naming the mountpoint.
 */
int sysfs_mount(struct sysfs_tree *t, const char *mountpoint,
		struct sysfs_mount **out, struct error *err);
/* Unmount and stop serving. */
void sysfs_unmount(struct sysfs_mount *m);

#endif
