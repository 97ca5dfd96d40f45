/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest RAM that ccwpassd can reach without copying (docs/preload.md "Guest
 * RAM"): a QEMU that `ccwpass run` starts with a vfio-ccw device and plain
 * guest RAM gets the same RAM as a shared memfd -
 *   -object memory-backend-memfd,id=ccwpass-ram,size=<-m>,share=on
 *   -machine memory-backend=ccwpass-ram
 * which the guest cannot tell from plain RAM, and which the preload
 * library hands to ccwpassd as a file (zero-copy). A command line that
 * already chooses its RAM (-mem-path, -mem-prealloc, -numa, a
 * memory-backend= machine property) is left alone.
 */
#ifndef CCWPASS_CLI_RUN_RAM_H
#define CCWPASS_CLI_RUN_RAM_H

#include <stddef.h>
#include <stdint.h>

#define RUN_RAM_ID "ccwpass-ram"

/* QEMU's -m value in bytes: "512" (MiB), "1G", "1.5g", "size=2G,slots=2,
 * maxmem=8G"; 0 when it cannot be read. */
uint64_t run_qemu_ram_size(const char *value);

/*
 * argv with shared guest RAM added when it applies (one note line then),
 * else an unchanged copy; NULL-terminated, free with run_args_free; NULL
 * when out of memory.
 */
char **run_share_qemu_ram(int argc, char *const argv[], char *note,
			  size_t size);

#endif
