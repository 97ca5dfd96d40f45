/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Integration-test helper: one system call on a sysfs file, printing the
 * result as "OK <bytes>" / "OK" / the content, or the errno's name
 * (EBUSY...), so scripts can check the exact errno of a store.
 *
 *   sysfs_io write PATH TEXT        TEXT in one write(2)
 *   sysfs_io writepad PATH TEXT N   TEXT padded with NULs to N bytes, one write
 *   sysfs_io read PATH              one read(2)
 *   sysfs_io create PATH            open(O_WRONLY | O_CREAT)
 *   sysfs_io mkdir|unlink|rmdir PATH
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(int e)
{
	const char *name = strerrorname_np(e);

	printf("%s\n", name ? name : "E?");
	return 0;
}

static int write_one(const char *path, const char *data, size_t len)
{
	ssize_t n;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return fail(errno);
	n = write(fd, data, len);
	if (n < 0)
		return fail(errno);
	printf("OK %zd\n", n);
	close(fd);
	return 0;
}

static int result(int ret)
{
	if (ret < 0)
		return fail(errno);
	printf("OK\n");
	return 0;
}

int main(int argc, char **argv)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if (argc == 4 && !strcmp(argv[1], "write"))
		return write_one(argv[2], argv[3], strlen(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "writepad")) {
		size_t len = strtoul(argv[4], NULL, 0), t = strlen(argv[3]);
		char *data = calloc(1, len > t ? len : t);

		if (!data)
			return fail(ENOMEM);
		memcpy(data, argv[3], t);
		write_one(argv[2], data, len > t ? len : t);
		free(data);
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
	if (argc == 3 && !strcmp(argv[1], "create")) {
		fd = open(argv[2], O_WRONLY | O_CREAT, 0644);
		if (fd >= 0)
			close(fd);
		return result(fd);
	}
	if (argc == 3 && !strcmp(argv[1], "mkdir"))
		return result(mkdir(argv[2], 0755));
	if (argc == 3 && !strcmp(argv[1], "unlink"))
		return result(unlink(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "rmdir"))
		return result(rmdir(argv[2]));
	fprintf(stderr, "usage: sysfs_io write PATH TEXT | writepad PATH TEXT N | "
		"read PATH | create|mkdir|unlink|rmdir PATH\n");
	return 2;
}
