/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File I/O of the image backends (see ckd_io.h). */
#include "image/ckd_io.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int libc_start_writeback(int fd)
{
	return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

const struct ckd_io_ops ckd_io_libc = {
	.pread = pread,
	.pwrite = pwrite,
	.fdatasync = fdatasync,
	.ftruncate = ftruncate,
	.start_writeback = libc_start_writeback,
};

const struct ckd_io_ops *ckd_io = &ckd_io_libc;

int ckd_pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = ckd_io->pread(fd, p, n, (off_t)off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -EIO;
		}
		if (r == 0)
			return -ENODATA;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int ckd_pwrite_raw(int fd, const void *buf, size_t n, uint64_t off)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t r = ckd_io->pwrite(fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int ckd_pwrite_full(int fd, const void *buf, size_t n, uint64_t off)
{
	int rc = ckd_pwrite_raw(fd, buf, n, off);

	return rc == 0 ? 0 : rc == -ENOSPC || rc == -EDQUOT ? -ENOSPC :
	       rc == -EFBIG ? -EFBIG : -EIO;
}

int ckd_datasync(int fd)
{
	while (ckd_io->fdatasync(fd) < 0) {
		if (errno != EINTR)
			return -EIO;
	}
	return 0;
}

int ckd_truncate(int fd, uint64_t len)
{
	while (ckd_io->ftruncate(fd, (off_t)len) < 0) {
		if (errno != EINTR)
			return errno == ENOSPC ? -ENOSPC : -EIO;
	}
	return 0;
}

int ckd_start_writeback(int fd)
{
	if (!ckd_io->start_writeback)
		return 0;
	return ckd_io->start_writeback(fd) < 0 ? -errno : 0;
}
