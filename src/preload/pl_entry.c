/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interposed C library entry points (the only symbols the library
 * exports; see preload.map). QEMU 7.2 imports open64, __open64_2,
 * openat64, ioctl, pread64, __pread64_chk, pwrite64, mmap64, munmap and
 * close (`nm -D qemu-system-s390x`); the other spellings are covered for
 * other callers. Each call on a descriptor the library did not create, and
 * each open of a path outside /dev/vfio/, goes straight to the next
 * definition (libc) with the caller's arguments, so results and errno are
 * libc's own.
 */
#undef _FILE_OFFSET_BITS          /* define open, not open64 via asm label */
#undef _FORTIFY_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "preload/pl_debug.h"
#include "preload/pl_fdtab.h"
#include "preload/pl_memtrack.h"
#include "preload/pl_real.h"
#include "preload/pl_vfio.h"

_Static_assert(sizeof(off_t) == 8, "pread and pread64 share one off_t");

/* glibc's fortified entry points (declared only under _FORTIFY_SOURCE). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t n, off64_t off,
		      size_t buflen);

#ifndef __OPEN_NEEDS_MODE
#define __OPEN_NEEDS_MODE(f) (((f) & O_CREAT) || \
			      ((f) & __O_TMPFILE) == __O_TMPFILE)
#endif

typedef int open_fn(const char *, int, ...);
typedef int open2_fn(const char *, int);
typedef int openat_fn(int, const char *, int, ...);
typedef int openat2_fn(int, const char *, int);
typedef ssize_t pread_fn(int, void *, size_t, off_t);
typedef ssize_t pread_chk_fn(int, void *, size_t, off_t, size_t);
typedef ssize_t pwrite_fn(int, const void *, size_t, off_t);
typedef void *mmap_fn(void *, size_t, int, int, int, off_t);
typedef int munmap_fn(void *, size_t);

#define REAL(type, f) ((type *)pl_real(f))

/* ---- open ------------------------------------------------------------- */

#define VFIO_DIR "/dev/vfio/"

/* A path the library serves: "/dev/vfio/..." (as QEMU spells it). */
static bool is_vfio(const char *path)
{
	return path && !pl_forked() &&
	       !strncmp(path, VFIO_DIR, sizeof(VFIO_DIR) - 1);
}

static int open_vfio(const char *path, int flags)
{
	const char *rest = path + sizeof(VFIO_DIR) - 1;
	unsigned long id = 0;
	size_t len = strlen(rest);
	int ret = -ENOENT;

	if (!strcmp(rest, "vfio")) {
		ret = pl_container_open(flags);
	} else if (len && len <= 9 && strspn(rest, "0123456789") == len &&
		   (rest[0] != '0' || len == 1)) {
		for (size_t i = 0; i < len; i++)
			id = id * 10 + (unsigned long)(rest[i] - '0');
		ret = pl_group_open(id, flags);
	}
	PL_DEBUG("open(%s, 0%o) = %d%s%s", path, (unsigned)flags,
		 ret < 0 ? -1 : ret, ret < 0 ? " " : "",
		 ret < 0 ? strerror(-ret) : "");
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

static mode_t open_mode(int flags, va_list ap)
{
	return __OPEN_NEEDS_MODE(flags) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	open_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	fn = REAL(open_fn, PL_R_OPEN);
	return fn ? fn(path, flags, mode) : -1;
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	open_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	fn = REAL(open_fn, PL_R_OPEN64);
	return fn ? fn(path, flags, mode) : -1;
}

int __open_2(const char *path, int flags)
{
	open2_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	fn = REAL(open2_fn, PL_R_OPEN_2);
	return fn ? fn(path, flags) : -1;
}

int __open64_2(const char *path, int flags)
{
	open2_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	fn = REAL(open2_fn, PL_R_OPEN64_2);
	return fn ? fn(path, flags) : -1;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	openat_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	fn = REAL(openat_fn, PL_R_OPENAT);
	return fn ? fn(dirfd, path, flags, mode) : -1;
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	openat_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	fn = REAL(openat_fn, PL_R_OPENAT64);
	return fn ? fn(dirfd, path, flags, mode) : -1;
}

int __openat_2(int dirfd, const char *path, int flags)
{
	openat2_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	fn = REAL(openat2_fn, PL_R_OPENAT_2);
	return fn ? fn(dirfd, path, flags) : -1;
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	openat2_fn *fn;

	if (is_vfio(path))
		return open_vfio(path, flags);
	fn = REAL(openat2_fn, PL_R_OPENAT64_2);
	return fn ? fn(dirfd, path, flags) : -1;
}

/* ---- close ------------------------------------------------------------ */

int close(int fd)
{
	struct pl_obj *o = pl_fdtab_take(fd);   /* lock-free unless ours */
	int ret;

	if (!o)
		return pl_real_close(fd);
	pl_obj_closed(o, fd);
	ret = pl_real_close(fd);
	pl_obj_put(o);
	return ret;
}

/* ---- ioctl ------------------------------------------------------------ */

/* Requests the VFS answers for every file before the driver sees them. */
static bool generic_ioctl(unsigned long req)
{
	return req == FIOCLEX || req == FIONCLEX || req == FIONBIO ||
	       req == FIOASYNC;
}

int ioctl(int fd, unsigned long req, ...)
{
	unsigned long arg;
	struct pl_obj *o;
	va_list ap;
	char name[32];
	int ret;

	va_start(ap, req);
	arg = (unsigned long)va_arg(ap, void *);
	va_end(ap);
	o = pl_fdtab_get(fd);
	if (!o || generic_ioctl(req)) {
		pl_obj_put(o);
		return pl_real_ioctl(fd, req, arg);
	}
	switch (o->kind) {
	case PL_CONTAINER:
		ret = pl_container_ioctl((struct pl_container *)o, req, arg);
		break;
	case PL_GROUP:
		ret = pl_group_ioctl((struct pl_group *)o, req, arg);
		break;
	default:
		ret = pl_device_ioctl((struct pl_device *)o, req, arg);
		break;
	}
	pl_obj_put(o);
	PL_DEBUG("ioctl(%d, %s, 0x%lx) = %d%s%s", fd,
		 pl_ioctl_name(req, name, sizeof(name)), arg,
		 ret < 0 ? -1 : ret, ret < 0 ? " " : "",
		 ret < 0 ? strerror(-ret) : "");
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

/* ---- pread / pwrite --------------------------------------------------- */

/* Region access on one of our fds (o, a reference that is dropped). */
static ssize_t our_access(struct pl_obj *o, int fd, void *buf, size_t n,
			  off_t off, bool write)
{
	ssize_t ret = -EINVAL;    /* containers and groups cannot be read */

	if (o->kind == PL_DEVICE)
		ret = write ? pl_device_pwrite((struct pl_device *)o, buf, n,
					       off)
			    : pl_device_pread((struct pl_device *)o, buf, n,
					      off);
	pl_obj_put(o);
	PL_DEBUG("%s(%d, %zu bytes, offset 0x%llx) = %zd%s%s",
		 write ? "pwrite" : "pread", fd, n, (unsigned long long)off,
		 ret < 0 ? -1 : ret, ret < 0 ? " " : "",
		 ret < 0 ? strerror((int)-ret) : "");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	struct pl_obj *o = pl_fdtab_get(fd);
	pread_fn *fn;

	if (o)
		return our_access(o, fd, buf, n, off, false);
	fn = REAL(pread_fn, PL_R_PREAD);
	return fn ? fn(fd, buf, n, off) : -1;
}

ssize_t pread64(int fd, void *buf, size_t n, off64_t off)
{
	struct pl_obj *o = pl_fdtab_get(fd);
	pread_fn *fn;

	if (o)
		return our_access(o, fd, buf, n, off, false);
	fn = REAL(pread_fn, PL_R_PREAD64);
	return fn ? fn(fd, buf, n, off) : -1;
}

ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	struct pl_obj *o = n <= buflen ? pl_fdtab_get(fd) : NULL;
	pread_chk_fn *fn;

	/* An overflowing request goes to libc, which aborts it. */
	if (o)
		return our_access(o, fd, buf, n, off, false);
	fn = REAL(pread_chk_fn, PL_R_PREAD_CHK);
	return fn ? fn(fd, buf, n, off, buflen) : -1;
}

ssize_t __pread64_chk(int fd, void *buf, size_t n, off64_t off,
		      size_t buflen)
{
	struct pl_obj *o = n <= buflen ? pl_fdtab_get(fd) : NULL;
	pread_chk_fn *fn;

	if (o)
		return our_access(o, fd, buf, n, off, false);
	fn = REAL(pread_chk_fn, PL_R_PREAD64_CHK);
	return fn ? fn(fd, buf, n, off, buflen) : -1;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	struct pl_obj *o = pl_fdtab_get(fd);
	pwrite_fn *fn;

	if (o)
		return our_access(o, fd, (void *)buf, n, off, true);
	fn = REAL(pwrite_fn, PL_R_PWRITE);
	return fn ? fn(fd, buf, n, off) : -1;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	struct pl_obj *o = pl_fdtab_get(fd);
	pwrite_fn *fn;

	if (o)
		return our_access(o, fd, (void *)buf, n, off, true);
	fn = REAL(pwrite_fn, PL_R_PWRITE64);
	return fn ? fn(fd, buf, n, off) : -1;
}

/* ---- mmap / munmap ---------------------------------------------------- */

static void *do_mmap(enum pl_real_fn which, void *addr, size_t len, int prot,
		     int flags, int fd, off_t off)
{
	mmap_fn *fn;
	struct pl_obj *o;
	void *ret;
	int e;

	o = pl_fdtab_get(fd);
	if (o) {
		/* No region is mmappable (region info never says so). */
		pl_obj_put(o);
		errno = EINVAL;
		return MAP_FAILED;
	}
	fn = REAL(mmap_fn, which);
	if (!fn)
		return MAP_FAILED;
	ret = fn(addr, len, prot, flags, fd, off);
	if (ret != MAP_FAILED && !pl_forked()) {
		e = errno;
		pl_memtrack_mmap(ret, len, flags, fd, off);
		errno = e;
	}
	return ret;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return do_mmap(PL_R_MMAP, addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return do_mmap(PL_R_MMAP64, addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	munmap_fn *fn = REAL(munmap_fn, PL_R_MUNMAP);
	int ret, e;

	if (!fn)
		return -1;
	ret = fn(addr, len);
	if (!ret && !pl_forked()) {
		e = errno;
		pl_memtrack_munmap(addr, len);
		errno = e;
	}
	return ret;
}
