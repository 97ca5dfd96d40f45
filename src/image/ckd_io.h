/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File I/O of the image backends, through one replaceable table so tests
 * can record every write and barrier (crash-consistency tests) or inject
 * errors. Not for use outside src/image and its tests.
 */
#ifndef CCWPASS_IMAGE_CKD_IO_H
#define CCWPASS_IMAGE_CKD_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ckd_io_ops {
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
	int (*fdatasync)(int fd);
	int (*ftruncate)(int fd, off_t len);
	/* Optional (NULL: skipped): start writing the whole file back,
	   waiting for nothing (ckd_image_start_writeback). */
	int (*start_writeback)(int fd);
};

/* The table in use (default: the libc calls). Tests may point it elsewhere. */
extern const struct ckd_io_ops *ckd_io;
extern const struct ckd_io_ops ckd_io_libc;

/* Read exactly n bytes. Returns: 0; -ENODATA at end of file; -EIO. */
int ckd_pread_full(int fd, void *buf, size_t n, uint64_t off);
/* Write exactly n bytes. Returns: 0, or the negative errno of the write
   that failed as the kernel gave it (-EIO: one wrote nothing). */
int ckd_pwrite_raw(int fd, const void *buf, size_t n, uint64_t off);
/* Write exactly n bytes. Returns: 0; -ENOSPC (also EDQUOT), -EFBIG, -EIO
   (anything else). */
int ckd_pwrite_full(int fd, const void *buf, size_t n, uint64_t off);
/* Returns: 0 or negative errno (-EIO). */
int ckd_datasync(int fd);
int ckd_truncate(int fd, uint64_t len);
/* A hint: the kernel starts the file's write-back. Returns: 0 or
   negative errno (callers may ignore it). */
int ckd_start_writeback(int fd);

#endif
