/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AWSTAPE volumes (see aws_tape.h). */
#include "image/aws_tape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"
#include "image/ckd_lock.h"
#include "image/ckd_newfile.h"
#include "image/het_codec.h"

#define HDR_SIZE   6
#define F_BOR      0x80      /* start of a record */
#define F_MARK     0x40      /* tape mark */
#define F_EOR      0x20      /* end of a record */

_Static_assert(AWS_MAX_BLOCK == HET_MAX_BLOCK, "one block limit");

struct aws_tape {
	char *path;
	int fd;
	bool readonly, dirty;
	enum aws_format format;  /* how records are written */
	uint64_t pos;            /* offset of the next header */
	uint16_t prev_len;       /* data length of the chunk before pos */
	uint32_t id;             /* blocks before pos */
	struct ckd_lock lock;
	struct het_codec codec;
	uint8_t *io;             /* HDR_SIZE + AWS_MAX_BLOCK: a chunk written,
				    a compressed record read; NULL until used */
	uint8_t *rec;            /* AWS_MAX_BLOCK: a record decompressed for a
				    shorter buffer; NULL until used */
};

struct hdr {
	uint16_t cur, prev;
	uint8_t flags, flags2;
};

enum aws_format aws_format_of_name(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && !strcasecmp(path + n - 4, ".het") ? AWS_FORMAT_HET
							    : AWS_FORMAT_AWSTAPE;
}

static void put_hdr(uint8_t h[HDR_SIZE], uint16_t cur, uint16_t prev,
		    uint8_t flags)
{
	st_le16(h, cur);
	st_le16(h + 2, prev);
	h[4] = flags;
	h[5] = 0;
}

int aws_tape_create(const char *path, bool marks, bool overwrite,
		    struct error *err)
{
	struct ckd_newfile f = { 0 };
	uint8_t h[2 * HDR_SIZE];
	int ret;

	ret = ckd_newfile_begin(&f, path, overwrite, err);
	if (ret < 0)
		return ret;
	if (marks) {
		put_hdr(h, 0, 0, F_MARK);
		put_hdr(h + HDR_SIZE, 0, 0, F_MARK);
		ret = ckd_pwrite_full(f.fd, h, sizeof(h), 0);
		if (ret < 0) {
			error_setf(err, -ret, "%s: %s", path, strerror(-ret));
			ckd_newfile_abandon(&f);
			return ret;
		}
	}
	return ckd_newfile_publish(&f);
}

struct aws_tape *aws_tape_open(const char *path, bool readonly,
			       struct error *err)
{
	struct aws_tape *t = calloc(1, sizeof(*t));
	struct stat st;

	if (!t || !(t->path = strdup(path))) {
		free(t);
		error_setf(err, ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	t->readonly = readonly;
	t->format = aws_format_of_name(path);
	t->lock.fd = -1;
	t->fd = ckd_file_open_locked(path, readonly, &t->lock, err);
	if (t->fd < 0)
		goto fail;
	if (fstat(t->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error_setf(err, EINVAL, "%s: not a regular file", path);
		close(t->fd);
		ckd_unlock_image(&t->lock);
		goto fail;
	}
	return t;
fail:
	free(t->path);
	free(t);
	return NULL;
}

void aws_tape_close(struct aws_tape *t)
{
	if (!t)
		return;
	aws_tape_flush(t);
	close(t->fd);
	ckd_unlock_image(&t->lock);
	het_codec_free(&t->codec);
	free(t->io);
	free(t->rec);
	free(t->path);
	free(t);
}

enum aws_format aws_tape_format(const struct aws_tape *t)
{
	return t->format;
}

bool aws_tape_readonly(const struct aws_tape *t)
{
	return t->readonly;
}

const char *aws_tape_path(const struct aws_tape *t)
{
	return t->path;
}

static int damaged(struct aws_tape *t, uint64_t off, const char *what)
{
	log_msg(LOG_ERR, "%s: offset %llu: %s", t->path,
		(unsigned long long)off, what);
	return -EIO;
}

/* The header at off: 1, 0 at the end of the file, -EIO. */
static int get_hdr(struct aws_tape *t, uint64_t off, struct hdr *h)
{
	uint8_t b[HDR_SIZE];
	int ret = ckd_pread_full(t->fd, b, sizeof(b), off);

	if (ret == -ENODATA) {
		struct stat st;

		if (fstat(t->fd, &st) == 0 && (uint64_t)st.st_size == off)
			return 0;
		return damaged(t, off, "a chunk header cut short");
	}
	if (ret < 0)
		return ret;
	h->cur = ld_le16(b);
	h->prev = ld_le16(b + 2);
	h->flags = b[4];
	h->flags2 = b[5];
	if ((h->flags & F_MARK) && (h->cur || (h->flags & (F_BOR | F_EOR))))
		return damaged(t, off, "a tape mark with data");
	return 1;
}

/* *p, allocated size bytes on first use: 0 or -ENOMEM. */
static int scratch(uint8_t **p, size_t size)
{
	if (!*p)
		*p = malloc(size);
	return *p ? 0 : -ENOMEM;
}

/*
 * The compressed record at off (its stored bytes t->io[0..stored), of
 * method m) into buf[0..size); *len = its length decompressed.
 */
static int inflate_record(struct aws_tape *t, uint64_t off, int m,
			  size_t stored, void *buf, size_t size, size_t *len)
{
	const char *why = NULL;
	bool direct = size >= AWS_MAX_BLOCK;
	int ret = direct ? 0 : scratch(&t->rec, AWS_MAX_BLOCK);

	if (ret == 0)
		ret = het_decompress(&t->codec, m, direct ? buf : t->rec,
				     AWS_MAX_BLOCK, len, t->io, stored, &why);
	if (ret == -EIO)
		return damaged(t, off, why);
	if (ret < 0)
		return ret;
	if (!direct)
		memcpy(buf, t->rec, *len < size ? *len : size);
	return 0;
}

/* The data of a chunk at off (n bytes) into dst; 0 or -errno. */
static int get_data(struct aws_tape *t, uint64_t off, void *dst, size_t n)
{
	int ret = ckd_pread_full(t->fd, dst, n, off + HDR_SIZE);

	return ret == -ENODATA ? damaged(t, off, "a chunk cut short") : ret;
}

/* The compression method of a record's chunk at off: the first chunk's
 * sets *method, the others must repeat it. 0 or -EIO. */
static int same_method(struct aws_tape *t, uint64_t off, const struct hdr *h,
		       bool first, int *method)
{
	int m = het_method_of(h->flags, h->flags2);

	if (m < 0)
		return damaged(t, off, "an unknown compression method");
	if (first)
		*method = m;
	else if (m != *method)
		return damaged(t, off, "chunks of a record compressed differently");
	return 0;
}

/*
 * The n data bytes of the chunk at off, total bytes into a record:
 * compressed ones gathered in t->io, plain ones into what is left of
 * buf's size bytes.
 */
static int take_data(struct aws_tape *t, uint64_t off, uint16_t n,
		     size_t total, int method, void *buf, size_t size)
{
	int ret;

	if (method) {
		if (total + n > AWS_MAX_BLOCK)
			return damaged(t, off, "a compressed record over 65535 bytes");
		ret = scratch(&t->io, HDR_SIZE + AWS_MAX_BLOCK);
		return ret < 0 ? ret : get_data(t, off, t->io + total, n);
	}
	if (total >= size)
		return 0;
	return get_data(t, off, (uint8_t *)buf + total,
			size - total < n ? size - total : n);
}

/*
 * Forward over one block; its data into buf (size bytes) if buf. A
 * compressed record is gathered in t->io and decompressed; stepped over
 * (no buf), it is not.
 */
static int forward(struct aws_tape *t, void *buf, size_t size, size_t *len)
{
	uint64_t off = t->pos, start = t->pos;
	size_t total = 0;
	uint16_t last = t->prev_len;
	int method = HET_NONE;
	struct hdr h;
	int ret;

	for (bool first = true;; first = false) {
		ret = get_hdr(t, off, &h);
		if (ret <= 0)
			return first && ret == 0 ? AWS_END :
			       ret < 0 ? ret : damaged(t, off, "a record cut short");
		if (h.flags & F_MARK) {
			if (!first)
				return damaged(t, off, "a tape mark inside a record");
			t->pos = off + HDR_SIZE;
			t->prev_len = 0;
			t->id++;
			return AWS_MARK;
		}
		if (first != !!(h.flags & F_BOR))
			return damaged(t, off, first ? "a record without its start" :
					       "a record start inside a record");
		ret = same_method(t, off, &h, first, &method);
		if (ret == 0 && buf)
			ret = take_data(t, off, h.cur, total, method, buf, size);
		if (ret < 0)
			return ret;
		total += h.cur;
		last = h.cur;
		off += HDR_SIZE + h.cur;
		if (h.flags & F_EOR)
			break;
	}
	if (buf && method) {
		ret = inflate_record(t, start, method, total, buf, size, &total);
		if (ret < 0)
			return ret;
	}
	t->pos = off;
	t->prev_len = last;
	t->id++;
	if (len)
		*len = total;
	return AWS_DATA;
}

int aws_tape_read(struct aws_tape *t, void *buf, size_t size, size_t *len)
{
	*len = 0;
	return forward(t, buf, size, len);
}

int aws_tape_forward(struct aws_tape *t)
{
	return forward(t, NULL, 0, NULL);
}

int aws_tape_backward(struct aws_tape *t)
{
	uint64_t off = t->pos;
	uint16_t prev = t->prev_len;
	struct hdr h;
	int ret;

	if (!t->pos)
		return AWS_END;
	for (;;) {
		if (off < (uint64_t)HDR_SIZE + prev)
			return damaged(t, off, "a previous length before the load point");
		off -= HDR_SIZE + prev;
		ret = get_hdr(t, off, &h);
		if (ret <= 0)
			return ret < 0 ? ret : damaged(t, off, "no header");
		if (h.cur != prev)
			return damaged(t, off, "previous length and length differ");
		prev = h.prev;
		if (h.flags & (F_MARK | F_BOR))
			break;
	}
	t->pos = off;
	t->prev_len = prev;
	t->id--;
	return (h.flags & F_MARK) ? AWS_MARK : AWS_DATA;
}

/*
 * Write one chunk at pos and cut the file after it: t->io holds room for
 * its header, then its len bytes of data.
 */
static int put_chunk(struct aws_tape *t, size_t len, uint8_t flags)
{
	int ret;

	put_hdr(t->io, (uint16_t)len, t->prev_len, flags);
	ret = ckd_pwrite_full(t->fd, t->io, HDR_SIZE + len, t->pos);
	if (ret == 0)
		ret = ckd_truncate(t->fd, t->pos + HDR_SIZE + len);
	t->dirty = true;
	if (ret < 0)
		return ret;
	t->pos += HDR_SIZE + len;
	t->prev_len = (uint16_t)len;
	t->id++;
	return 0;
}

/*
 * A record is one chunk. On a HET tape it is zlib-compressed when that
 * makes it shorter (Hercules' default for HET: zlib, level 4, chunks of
 * up to 65535 bytes, so one chunk); on an AWSTAPE it is stored as it is.
 */
int aws_tape_write(struct aws_tape *t, const void *buf, size_t len)
{
	size_t clen = 0;
	int ret;

	if (!len || len > AWS_MAX_BLOCK)
		return -EINVAL;
	if (t->readonly)
		return -EROFS;
	ret = scratch(&t->io, HDR_SIZE + AWS_MAX_BLOCK);
	if (ret < 0)
		return ret;
	if (t->format == AWS_FORMAT_HET)
		clen = het_compress(&t->codec, t->io + HDR_SIZE, AWS_MAX_BLOCK,
				    buf, len);
	if (clen)
		return put_chunk(t, clen, F_BOR | F_EOR |
				 het_method_flags1(HET_ZLIB));
	memcpy(t->io + HDR_SIZE, buf, len);
	return put_chunk(t, len, F_BOR | F_EOR);
}

int aws_tape_write_mark(struct aws_tape *t)
{
	int ret;

	if (t->readonly)
		return -EROFS;
	ret = scratch(&t->io, HDR_SIZE + AWS_MAX_BLOCK);
	return ret < 0 ? ret : put_chunk(t, 0, F_MARK);
}

int aws_tape_erase(struct aws_tape *t)
{
	int ret;

	if (t->readonly)
		return -EROFS;
	ret = ckd_truncate(t->fd, t->pos);
	if (ret == 0)
		t->dirty = true;
	return ret;
}

void aws_tape_rewind(struct aws_tape *t)
{
	t->pos = 0;
	t->prev_len = 0;
	t->id = 0;
}

bool aws_tape_at_load_point(const struct aws_tape *t)
{
	return t->pos == 0;
}

uint32_t aws_tape_block_id(const struct aws_tape *t)
{
	return t->id;
}

uint64_t aws_tape_offset(const struct aws_tape *t)
{
	return t->pos;
}

int aws_tape_locate(struct aws_tape *t, uint32_t id)
{
	aws_tape_rewind(t);
	while (t->id < id) {
		int ret = aws_tape_forward(t);

		if (ret != AWS_DATA && ret != AWS_MARK)
			return ret;
	}
	return 0;
}

int aws_tape_flush(struct aws_tape *t)
{
	int ret;

	if (!t->dirty)
		return 0;
	ret = ckd_datasync(t->fd);
	if (ret == 0)
		t->dirty = false;
	return ret;
}
