/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Integration-test helper: one read(2) or write(2) on a sysfs file, printing
 * the result as "OK <bytes>" / the content, or the errno's name (EBUSY...),
 * so scripts can check the exact errno of a store.
 *
 *   sysfs_io write PATH TEXT     (TEXT written as is, in one write)
 *   sysfs_io read PATH
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(int e)
{
	const char *name = strerrorname_np(e);

	printf("%s\n", name ? name : "E?");
	return 0;
}

int main(int argc, char **argv)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if (argc == 4 && !strcmp(argv[1], "write")) {
		fd = open(argv[2], O_WRONLY);
		if (fd < 0)
			return fail(errno);
		n = write(fd, argv[3], strlen(argv[3]));
		if (n < 0)
			return fail(errno);
		printf("OK %zd\n", n);
		close(fd);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "read")) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return fail(errno);
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			return fail(errno);
		fwrite(buf, 1, (size_t)n, stdout);
		close(fd);
		return 0;
	}
	fprintf(stderr, "usage: sysfs_io write PATH TEXT | read PATH\n");
	return 2;
}
