/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real libc entry points via dlsym(RTLD_NEXT) (glibc dlsym(3): "the next
 * occurrence of the desired symbol in the search order after the current
 * object").
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>

#include "preload/pl_real.h"

static const char *const names[PL_R_COUNT] = {
	[PL_R_OPEN] = "open",
	[PL_R_OPEN64] = "open64",
	[PL_R_OPEN_2] = "__open_2",
	[PL_R_OPEN64_2] = "__open64_2",
	[PL_R_OPENAT] = "openat",
	[PL_R_OPENAT64] = "openat64",
	[PL_R_OPENAT_2] = "__openat_2",
	[PL_R_OPENAT64_2] = "__openat64_2",
	[PL_R_CLOSE] = "close",
	[PL_R_IOCTL] = "ioctl",
	[PL_R_PREAD] = "pread",
	[PL_R_PREAD64] = "pread64",
	[PL_R_PREAD_CHK] = "__pread_chk",
	[PL_R_PREAD64_CHK] = "__pread64_chk",
	[PL_R_PWRITE] = "pwrite",
	[PL_R_PWRITE64] = "pwrite64",
	[PL_R_MMAP] = "mmap",
	[PL_R_MMAP64] = "mmap64",
	[PL_R_MUNMAP] = "munmap",
};

static _Atomic(void *) fns[PL_R_COUNT];

void *pl_real(enum pl_real_fn f)
{
	void *p = atomic_load_explicit(&fns[f], memory_order_acquire);

	if (!p) {
		/* Racing resolvers store the same value. */
		p = dlsym(RTLD_NEXT, names[f]);
		atomic_store_explicit(&fns[f], p, memory_order_release);
		if (!p)
			errno = ENOSYS;
	}
	return p;
}

void pl_real_init(void)
{
	for (int i = 0; i < PL_R_COUNT; i++)
		pl_real((enum pl_real_fn)i);
}

int pl_real_close(int fd)
{
	int (*fn)(int) = (int (*)(int))pl_real(PL_R_CLOSE);

	return fn ? fn(fd) : -1;
}

int pl_real_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int (*fn)(int, unsigned long, ...) =
		(int (*)(int, unsigned long, ...))pl_real(PL_R_IOCTL);

	return fn ? fn(fd, req, arg) : -1;
}
