/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command-line repairs `ccwpass run` makes for documents older than the
 * tools (docs/daemon.md "ccwpass run"):
 * - QEMU: the machine properties s390-squash-mcss / s390-squash-css (QEMU
 *   2.10-2.11; gone in 7.2, replaced by devno=fe.x.xxxx or an automatic fe
 *   device number) are removed from -M / -machine;
 * - mdevctl: the type "vfio-ccw_io" (a typo in QEMU's documentation) is
 *   replaced by "vfio_ccw-io".
 */
#ifndef CCWPASS_CLI_RUN_ARGS_H
#define CCWPASS_CLI_RUN_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* basename is qemu-system-* or qemu-kvm */
bool run_is_qemu(const char *cmd);
bool run_is_mdevctl(const char *cmd);

/*
 * Where the QEMU is in argv: 0 when argv[0] is one; after a command that
 * runs another (timeout, nice, taskset, env, strace, perf, ...: its
 * basename in a fixed list), the index of the first later argument that
 * is a QEMU; -1: none.
 */
int run_find_qemu(int argc, char *const argv[]);

/*
 * argv[0..n-1] copied, then rest's entries (rest's array is freed, its
 * strings taken over): a new NULL-terminated argv, or NULL when out of
 * memory (rest freed whole).
 */
char **run_args_prefix(int n, char *const argv[], char **rest);

/*
 * Returns a new NULL-terminated argv (argc entries at most; free with
 * run_args_free) with the repairs made; each repair appends one line to
 * note (NUL-terminated, may stay empty). NULL when out of memory.
 */
char **run_fix_qemu_args(int argc, char *const argv[], char *note,
			 size_t size);
char **run_fix_mdevctl_args(int argc, char *const argv[], char *note,
			    size_t size);
void run_args_free(char **argv);
/* Entries of a NULL-terminated argv. */
int run_args_count(char *const argv[]);

#endif
