/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The C library functions the preload library stands in front of, found
 * with dlsym(RTLD_NEXT) (glibc dlsym(3)). Everything the library does not
 * handle goes to these, so errno and return values stay the library's.
 *
 * All pointers are resolved by the library constructor; a call that comes
 * before it (another library's constructor) resolves its own pointer. A
 * resolved call is one atomic load: async-signal-safe.
 */
#ifndef CCWPASS_PRELOAD_PL_REAL_H
#define CCWPASS_PRELOAD_PL_REAL_H

#include <stddef.h>
#include <sys/types.h>

enum pl_real_fn {
	PL_R_OPEN,
	PL_R_OPEN64,
	PL_R_OPEN_2,
	PL_R_OPEN64_2,
	PL_R_OPENAT,
	PL_R_OPENAT64,
	PL_R_OPENAT_2,
	PL_R_OPENAT64_2,
	PL_R_CLOSE,
	PL_R_IOCTL,
	PL_R_PREAD,
	PL_R_PREAD64,
	PL_R_PREAD_CHK,
	PL_R_PREAD64_CHK,
	PL_R_PWRITE,
	PL_R_PWRITE64,
	PL_R_MMAP,
	PL_R_MMAP64,
	PL_R_MUNMAP,
	PL_R_COUNT
};

/* The next definition of f after this library, or NULL (errno ENOSYS). */
void *pl_real(enum pl_real_fn f);
/* Resolve every entry (library constructor). */
void pl_real_init(void);

/* The library's own uses of libc, bypassing its own interposers. */
int pl_real_close(int fd);
int pl_real_ioctl(int fd, unsigned long req, unsigned long arg);

#endif
