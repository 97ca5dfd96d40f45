/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tape drive's state across restarts (see tape_state.h). */
#include "tape/tape_state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "image/aws_tape.h"

#define MAGIC "ccwpass tape state 1"

/* ---- the text ---- */

/* Append key, a space, value escaped, a newline. false: no room. */
static bool put_path(char *buf, size_t size, size_t *n, const char *key,
		     const char *value)
{
	int k = snprintf(buf + *n, size - *n, "%s ", key);

	if (k < 0 || (size_t)k >= size - *n)
		return false;
	*n += (size_t)k;
	for (const char *p = value; *p; p++) {
		const char *esc = *p == '\\' ? "\\\\" : *p == '\n' ? "\\n" : NULL;
		size_t len = esc ? 2 : 1;

		if (*n + len + 1 >= size)
			return false;
		memcpy(buf + *n, esc ? esc : p, len);
		*n += len;
	}
	buf[(*n)++] = '\n';
	buf[*n] = '\0';
	return true;
}

size_t tape_state_format(const struct tape_state *s, char *buf, size_t size)
{
	size_t n = 0;
	int k;

	if (strlen(s->inv_tape) >= TAPE_STATE_PATH ||
	    strlen(s->tape) >= TAPE_STATE_PATH)
		return 0;
	k = snprintf(buf, size, MAGIC "\n");
	if (k < 0 || (size_t)k >= size)
		return 0;
	n = (size_t)k;
	if (!put_path(buf, size, &n, "inventory-tape", s->inv_tape))
		return 0;
	k = snprintf(buf + n, size - n, "inventory-readonly %d\n",
		     s->inv_readonly);
	if (k < 0 || (size_t)k >= size - n)
		return 0;
	n += (size_t)k;
	if (!put_path(buf, size, &n, "tape", s->tape))
		return 0;
	k = snprintf(buf + n, size - n,
		     "readonly %d\nblock %" PRIu32 "\noffset %" PRIu64
		     "\nmode %02x\nend\n", s->readonly, s->block, s->offset,
		     s->mode);
	if (k < 0 || (size_t)k >= size - n)
		return 0;
	return n + (size_t)k;
}

/* Unescape [p, end) into out (TAPE_STATE_PATH). */
static int get_path(const char *p, const char *end, char *out)
{
	size_t n = 0;

	for (; p < end; p++) {
		char c = *p;

		if (c == '\\') {
			if (++p == end || (*p != '\\' && *p != 'n'))
				return -EINVAL;
			c = *p == 'n' ? '\n' : '\\';
		} else if (c == '\0') {
			return -EINVAL;
		}
		if (n + 1 >= TAPE_STATE_PATH)
			return -EINVAL;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* A number [p, end) in base 10 or 16 (lower case), no larger than max. */
static int get_num(const char *p, const char *end, uint64_t max, int base,
		   uint64_t *out)
{
	uint64_t v = 0;

	if (p == end || end - p > 20)
		return -EINVAL;
	for (; p < end; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else
			return -EINVAL;
		if (d > max || v > (max - d) / (uint64_t)base)
			return -EINVAL;
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return 0;
}

enum { K_INV, K_INV_RO, K_TAPE, K_RO, K_BLOCK, K_OFFSET, K_MODE, K_N };

static const char *const keys[K_N] = {
	"inventory-tape", "inventory-readonly", "tape", "readonly", "block",
	"offset", "mode",
};

static int parse_line(const char *p, const char *end, struct tape_state *s,
		      unsigned int *seen)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	uint64_t v = 0;
	int k, rc;

	if (!sp)
		return -EINVAL;
	for (k = 0; k < K_N; k++)
		if ((size_t)(sp - p) == strlen(keys[k]) &&
		    !memcmp(p, keys[k], (size_t)(sp - p)))
			break;
	if (k == K_N || (*seen & (1u << k)))
		return -EINVAL;
	*seen |= 1u << k;
	sp++;
	switch (k) {
	case K_INV:
		return get_path(sp, end, s->inv_tape);
	case K_TAPE:
		return get_path(sp, end, s->tape);
	case K_INV_RO:
	case K_RO:
		rc = get_num(sp, end, 1, 10, &v);
		*(k == K_RO ? &s->readonly : &s->inv_readonly) = v;
		return rc;
	case K_BLOCK:
		rc = get_num(sp, end, UINT32_MAX, 10, &v);
		s->block = (uint32_t)v;
		return rc;
	case K_OFFSET:
		return get_num(sp, end, INT64_MAX, 10, &s->offset);
	default:
		if (end - sp != 2)
			return -EINVAL;
		rc = get_num(sp, end, 0xff, 16, &v);
		s->mode = (uint8_t)v;
		return rc;
	}
}

int tape_state_parse(const char *buf, size_t len, struct tape_state *s)
{
	const char *p = buf, *end = buf + len;
	unsigned int seen = 0;
	bool first = true;

	memset(s, 0, sizeof(*s));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		int rc;

		if (!nl)
			return -EINVAL;
		if (first) {
			if ((size_t)(nl - p) != strlen(MAGIC) ||
			    memcmp(p, MAGIC, strlen(MAGIC)))
				return -EINVAL;
			first = false;
		} else if (nl - p == 3 && !memcmp(p, "end", 3)) {
			return seen == (1u << K_N) - 1 ? 0 : -EINVAL;
		} else if ((rc = parse_line(p, nl, s, &seen)) < 0) {
			return rc;
		}
		p = nl + 1;
	}
	return -EINVAL;
}

/* ---- the file ---- */

void tape_state_path(char *buf, size_t size, const char *dir,
		     const char *sch)
{
	snprintf(buf, size, "%s/%s.state", dir, sch);
}

struct tape_state_file {
	int fd;
	bool saved;                 /* last holds what the file holds */
	struct tape_state last;
	char path[TAPE_STATE_PATH];
	char text[TAPE_STATE_TEXT];
};

struct tape_state_file *tape_state_file_open(const char *path,
					     struct error *err)
{
	struct tape_state_file *f = calloc(1, sizeof(*f));
	struct stat st;
	int e = 0;

	if (!f) {
		error_setf(err, ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	if (strlen(path) >= sizeof(f->path)) {
		error_setf(err, ENAMETOOLONG, "%s: name too long", path);
		free(f);
		return NULL;
	}
	strcpy(f->path, path);
	f->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f->fd < 0 || fstat(f->fd, &st) < 0)
		e = errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid())
		e = EPERM;      /* not a file of ours: someone put it there */
	if (e) {
		error_setf(err, e, "%s: %s", path, strerror(e));
		if (f->fd >= 0)
			close(f->fd);
		free(f);
		return NULL;
	}
	/* Root's alone, also when it was left behind with another mode. */
	if ((st.st_mode & 07777) != 0600)
		(void)fchmod(f->fd, 0600);
	return f;
}

void tape_state_file_close(struct tape_state_file *f)
{
	if (!f)
		return;
	close(f->fd);
	free(f);
}

const char *tape_state_file_path(const struct tape_state_file *f)
{
	return f->path;
}

int tape_state_file_read(struct tape_state_file *f, struct tape_state *s)
{
	ssize_t n = pread(f->fd, f->text, sizeof(f->text), 0);

	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	return tape_state_parse(f->text, (size_t)n, s) < 0 ? -EINVAL : 1;
}

int tape_state_file_save(struct tape_state_file *f, const struct tape_state *s)
{
	size_t len;
	ssize_t n;
	int e;

	if (f->saved && !memcmp(&f->last, s, sizeof(*s)))
		return 0;
	len = tape_state_format(s, f->text, sizeof(f->text));
	if (!len) {
		e = ENAMETOOLONG;
		goto fail;
	}
	n = pwrite(f->fd, f->text, len, 0);
	if (n == (ssize_t)len) {
		f->last = *s;
		f->saved = true;
		return 0;
	}
	e = n < 0 ? errno : ENOSPC;
fail:
	f->saved = false;
	/* One byte of the record left: not a state, never a stale one. */
	if (ftruncate(f->fd, 1) < 0)
		log_msg(LOG_ERR, "%s: cannot mark the state invalid either: %s",
			f->path, strerror(errno));
	log_msg(LOG_ERR, "%s: cannot save the drive's state (%s): a restart "
		"of ccwpassd will leave the drive empty", f->path, strerror(e));
	return -e;
}

int tape_state_mount(const struct tape_state *s, struct aws_tape **out,
		     struct error *err)
{
	struct aws_tape *t;
	int rc;

	*out = NULL;
	if (!s->tape[0])
		return 0;
	t = aws_tape_open(s->tape, s->readonly, err);
	if (!t)
		return -(err->errnum ? err->errnum : EIO);
	rc = aws_tape_locate(t, s->block);
	if (rc == 0 && aws_tape_offset(t) != s->offset)
		rc = -ESTALE;
	if (rc) {
		if (rc > 0)
			rc = -ESTALE;
		error_setf(err, -rc, "%s: block %" PRIu32 " is not %" PRIu64
			   " bytes into the file any more: %s", s->tape,
			   s->block, s->offset,
			   rc == -ESTALE ? "the tape changed" : strerror(-rc));
		aws_tape_close(t);
		return rc;
	}
	*out = t;
	return 0;
}
