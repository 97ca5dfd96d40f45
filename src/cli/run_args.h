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
