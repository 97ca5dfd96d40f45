/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the image unit tests. */
#include "image_test.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "image/ckd_track.h"

char *it_mkdtemp(void)
{
	const char *t = getenv("TMPDIR");
	char *dir;

	assert_true(asprintf(&dir, "%s/ccwpass-image-XXXXXX", t ? t : "/tmp") > 0);
	assert_non_null(mkdtemp(dir));
	return dir;
}

void it_rmdir(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = it_path(dir, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
}

char *it_path(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

uint8_t *it_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t *buf;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

int it_write_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -errno;
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

void it_patch(const char *path, uint64_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

void it_patch_le32(const char *path, uint64_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	it_patch(path, off, b, 4);
}

void it_set_old_mtime(const char *path)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

struct ckd_geometry it_geo(uint32_t cyls)
{
	return (struct ckd_geometry){ .devtype = 0x3390, .cyls = cyls,
				      .heads = CKD_3390_HEADS,
				      .trksize = CKD_3390_TRACK_SIZE };
}

void it_create(const char *path, uint32_t cyls, enum ckd_image_format fmt,
	       enum ckd_init_layout layout)
{
	struct ckd_geometry geo = it_geo(cyls);
	struct ckd_init_options opt = { .format = fmt, .layout = layout,
					.volser = "TEST01" };
	struct error err = { 0 };
	int rc = ckd_image_create(path, &geo, &opt, &err);

	if (rc)
		fprintf(stderr, "create: %s\n", err.msg);
	assert_int_equal(rc, 0);
}

static uint32_t next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

size_t it_track(uint8_t *buf, size_t size, const struct ckd_geometry *geo,
		uint32_t trk, uint32_t seed, bool text)
{
	uint8_t key[255], data[8192];
	struct ckd_track_builder b;
	uint32_t s = seed * 2654435761u + trk;
	unsigned int nrec = 1 + next_rand(&s) % 6;

	ckd_track_begin(&b, buf, size, (uint16_t)(trk / geo->heads),
			(uint16_t)(trk % geo->heads));
	for (unsigned int r = 1; r <= nrec; r++) {
		uint8_t kl = (uint8_t)(next_rand(&s) % 3 ? 0 : next_rand(&s) % 60);
		uint16_t dl = (uint16_t)(next_rand(&s) % sizeof(data));

		for (unsigned int i = 0; i < kl; i++)
			key[i] = (uint8_t)next_rand(&s);
		for (unsigned int i = 0; i < dl; i++)
			data[i] = text ? (uint8_t)("ccwpass "[i % 8] + r) :
					 (uint8_t)next_rand(&s);
		ckd_track_add(&b, (uint8_t)r, key, kl, data, dl);
	}
	return ckd_track_finish(&b);
}

/* splitmix64: fast, and every 8 bytes look random to zlib. */
static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t it_random_track(uint8_t *buf, size_t size,
		       const struct ckd_geometry *geo, uint32_t trk,
		       uint32_t seed)
{
	struct ckd_track_builder b;
	uint64_t s = (uint64_t)seed << 32 | trk;
	uint8_t data[4096];

	ckd_track_begin(&b, buf, size, (uint16_t)(trk / geo->heads),
			(uint16_t)(trk % geo->heads));
	for (uint8_t r = 1; r <= 12; r++) {
		for (size_t i = 0; i < sizeof(data); i += 8) {
			uint64_t v = mix64(&s);

			memcpy(data + i, &v, 8);
		}
		ckd_track_add(&b, r, NULL, 0, data, sizeof(data));
	}
	return ckd_track_finish(&b);
}

bool it_track_equals(struct ckd_image *img, uint32_t trk, const uint8_t *want,
		     size_t len)
{
	static uint8_t buf[CKD_MAX_TRACK_SIZE];
	size_t got = 0;

	if (ckd_image_read_track(img, trk, buf, sizeof(buf), &got) != 0)
		return false;
	return got == len && memcmp(buf, want, len) == 0;
}

static char *log_buf;
static size_t log_len;

static void log_sink(int level, const char *msg, void *opaque)
{
	size_t n = strlen(msg);
	char *p = realloc(log_buf, log_len + n + 2);

	(void)level;
	(void)opaque;
	if (!p)
		return;
	log_buf = p;
	memcpy(log_buf + log_len, msg, n);
	log_len += n;
	log_buf[log_len++] = '\n';
	log_buf[log_len] = '\0';
}

void it_log_capture(void)
{
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
	log_set_level(LOG_DEBUG);
	log_set_sink(log_sink, NULL);
}

const char *it_log_text(void)
{
	return log_buf ? log_buf : "";
}

void it_log_release(void)
{
	log_set_sink(NULL, NULL);
	log_set_level(LOG_NOTICE);
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
}

int it_run(char **out, const char *fmt, ...)
{
	char *cmd, *full;
	size_t cap = 4096, len = 0;
	va_list ap;
	FILE *p;
	int rc;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	assert_true(asprintf(&full, "%s 2>&1", cmd) > 0);
	p = popen(full, "r");
	assert_non_null(p);
	*out = malloc(cap);
	assert_non_null(*out);
	for (;;) {
		size_t n = fread(*out + len, 1, cap - len - 1, p);

		len += n;
		if (n == 0)
			break;
		if (cap - len < 2) {
			cap *= 2;
			*out = realloc(*out, cap);
			assert_non_null(*out);
		}
	}
	(*out)[len] = '\0';
	rc = pclose(p);
	free(cmd);
	free(full);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

bool it_have_tool(const char *name)
{
	const char *ci = getenv("CI");
	char *out = NULL;
	int rc = it_run(&out, "command -v %s", name);

	free(out);
	if (rc == 0)
		return true;
	/* CI installs hercules: a missing utility there is a failure. */
	if (ci && !strcmp(ci, "true"))
		fail_msg("Hercules utility '%s' not installed, and CI=true "
			 "(apt-get install hercules)", name);
	fprintf(stderr, "SKIP: Hercules utility '%s' not installed "
		"(apt-get install hercules)\n", name);
	return false;
}
