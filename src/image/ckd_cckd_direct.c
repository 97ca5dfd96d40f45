/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct writes of CCKD track images (docs/image-format.md "Direct
 * writes"). The track images a program changed go, padded to
 * CCKD_DIO_ALIGN, into one aligned buffer and from there with one O_DIRECT
 * write into one extent of new space, aligned as direct I/O wants it; each
 * track's L2 entry then says where its image starts, its length, and its
 * padded size (the rest of the size is free space embedded in the
 * allocation, as Hercules counts it).
 *
 * Why: a buffered write puts every new track image into new page-cache
 * pages of the image file, and on a virtual machine whose host took free
 * memory back each such page costs a hypervisor fault (docs/performance.md
 * "Memory the host took back"): a 1 MiB program's track images cost about
 * a millisecond to write that way on a fresh machine, one direct write a
 * third of that, without touching memory. QEMU's cache=none, the baseline
 * a DASD is measured against, never touches the host's page cache either.
 * The file's tables, journal and header stay buffered (small, rewritten
 * in place); no direct write shares a page with them. Durability is the
 * same either way: a direct write is in the file when it returns (it
 * survives a SIGKILL), a flush's fdatasync makes it survive a host crash.
 *
 * Where the file system refuses O_DIRECT (tmpfs before Linux 6.6) or a
 * direct write says EINVAL, the image writes buffered from then on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "image/ckd_cckd_impl.h"
#include "image/ckd_compress.h"
#include "image/ckd_io.h"

/* A batch: at most this many tracks per direct write. */
#define BATCH_MAX 32
/* A direct read that starts in what a read buffer holds or at most this
   far past its end continues it (tracks written together, with the odd null
   or rewritten track between them). */
#define CCKD_READ_GAP (256u << 10)
/* Fewer tracks go buffered: a direct write waits for the disk, which a
   buffered one of a track or two into warm page cache does not. */
#define CCKD_DIRECT_MIN 4

bool cckd_direct_writes = true;

void cckd_direct_open(struct ckd_image *img, struct cckd_image *c)
{
	char path[64];
	void *stage;

	c->dfd = -1;
	c->stage = NULL;
	c->buffered = NULL;
	memset(c->rbuf, 0, sizeof(c->rbuf));
	if (!cckd_direct_writes)
		return;
	/* The open file itself, not its name: that may be another file
	   by now. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fd);
	c->dfd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (c->dfd < 0) {
		log_msg(LOG_DEBUG, "%s: no direct writes (%s): track images "
			"go through the page cache", img->path,
			strerror(errno));
		return;
	}
	/* Untouched until used: a volume nobody reads direct costs no
	   memory for the read buffers. */
	c->buffered = calloc(ckd_image_tracks(img) / 8 + 1, 1);
	if (!c->buffered || posix_memalign(&stage, CCKD_DIO_ALIGN,
					   (1 + CCKD_RBUFS) * CCKD_STAGE_SIZE)) {
		free(c->buffered);
		c->buffered = NULL;
		close(c->dfd);
		c->dfd = -1;
		return;
	}
	c->stage = stage;
	for (int i = 0; i < CCKD_RBUFS; i++)
		c->rbuf[i].buf = c->stage + (size_t)(i + 1) * CCKD_STAGE_SIZE;
}

void cckd_direct_close(struct cckd_image *c)
{
	if (c->dfd >= 0)
		close(c->dfd);
	c->dfd = -1;
	free(c->stage);
	c->stage = NULL;
	free(c->buffered);
	c->buffered = NULL;
	memset(c->rbuf, 0, sizeof(c->rbuf));
}

void cckd_mark_buffered(struct cckd_image *c, uint32_t trk, bool on)
{
	if (!c->buffered)
		return;
	if (on)
		c->buffered[trk / 8] |= (uint8_t)(1u << (trk % 8));
	else
		c->buffered[trk / 8] &= (uint8_t)~(1u << (trk % 8));
}

static bool written_buffered(const struct cckd_image *c, uint32_t trk)
{
	return c->buffered && (c->buffered[trk / 8] & (1u << (trk % 8)));
}

/* Direct I/O is to be used (opened, and not refused since). */
static bool direct_on(const struct cckd_image *c)
{
	return c->dfd >= 0 && !c->direct_off;
}

/* The file system refused a direct read or write (img->lock held). */
static void direct_refused(struct ckd_image *img, struct cckd_image *c)
{
	if (!c->direct_off)
		log_msg(LOG_NOTICE, "%s: the file system refused direct I/O; "
			"track images go through the page cache from now on",
			img->path);
	c->direct_off = true;
}

static uint32_t padded(size_t n)
{
	return (uint32_t)((n + CCKD_DIO_ALIGN - 1) & ~(size_t)(CCKD_DIO_ALIGN - 1));
}

/* Returns: 0; -EINVAL (direct I/O refused); -ENOSPC, -EFBIG, -EIO. */
static int direct_write(struct cckd_image *c, size_t n, uint64_t off)
{
	int rc = ckd_pwrite_raw(c->dfd, c->stage, n, off);

	return rc == 0 || rc == -EINVAL ? rc :
	       rc == -ENOSPC || rc == -EDQUOT ? -ENOSPC :
	       rc == -EFBIG ? -EFBIG : -EIO;
}

/*
 * The first tracks of t[0..n) that fit the stage, into it: *m of them,
 * e[i] each one's entry (pos relative to the stage; 0 and stored[i]
 * false: a null track). Returns the bytes staged; *m == 0: t[0] cannot
 * go direct (its padded size does not fit an entry's 16-bit size).
 */
static size_t stage(struct ckd_image *img, struct cckd_image *c,
		    const struct ckd_track_out *t, unsigned int n,
		    struct cckd_l2ent *e, bool *stored, unsigned int *m)
{
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < n && i < BATCH_MAX; i++) {
		const uint8_t *data = t[i].buf;
		uint32_t size;
		size_t len;

		stored[i] = !cckd_null_entry(img, c, t[i].trk, t[i].buf,
					     t[i].len, &e[i]);
		if (!stored[i])
			continue;
		len = ckd_compress_track(c->io, CCKD_IO_SIZE, t[i].buf,
					 t[i].len, c->hdr.compress,
					 c->hdr.compress_parm);
		if (len)
			data = c->io;
		else
			len = t[i].len;
		size = padded(len);
		if (size > UINT16_MAX || used + size > CCKD_STAGE_SIZE)
			break;
		memcpy(c->stage + used, data, len);
		memset(c->stage + used + len, 0, size - len);
		e[i] = (struct cckd_l2ent){ used, (uint16_t)len,
					    (uint16_t)size,
					    cckd_crc32(data, len) };
		used += size;
	}
	*m = i;
	return used;
}

/* One direct write of up to BATCH_MAX tracks; *m: how many it stored
   (0 and 0 returned: none could go direct, nothing done; an error:
   t[*m] failed). */
static int write_batch(struct ckd_image *img, struct cckd_image *c,
		       const struct ckd_track_out *t, unsigned int n,
		       unsigned int *m)
{
	struct cckd_l2ent e[BATCH_MAX];
	bool stored[BATCH_MAX];
	size_t used = stage(img, c, t, n, e, stored, m);
	uint64_t pos = 0;
	int rc;

	if (*m == 0)
		return 0;
	if (used) {
		c->space.reserve = (uint64_t)(c->ndirty + *m) *
				   cckd_l2tab_size(c->fmt);
		rc = ckd_space_alloc_aligned(&c->space, (uint32_t)used,
					     CCKD_DIO_ALIGN, &pos);
		if (rc < 0)
			*m = 0;
		if (rc == -ENOSPC)
			return 0;      /* track by track, into what is left */
		if (rc < 0)
			return rc;
		rc = direct_write(c, used, pos);
		if (rc < 0)
			*m = 0;
		if (rc < 0)
			ckd_space_release(&c->space, pos, used);
		if (rc == -EINVAL) {
			direct_refused(img, c);
			return 0;
		}
		if (rc < 0)
			return rc;
	}
	for (unsigned int i = 0; i < *m; i++) {
		if (stored[i])
			e[i].pos += pos;
		rc = cckd_install(c, t[i].trk, e[i]);
		if (rc < 0) {
			*m = i;
			return rc;
		}
		cckd_mark_buffered(c, t[i].trk, false);
	}
	return 0;
}

int cckd_write_tracks(struct ckd_image *img, const struct ckd_track_out *t,
		      unsigned int n, unsigned int *done)
{
	struct cckd_image *c = img->priv;
	int rc = 0;

	*done = 0;
	if (c->failed)
		return -EIO;
	cckd_read_forget(c);
	for (unsigned int i = 0; i < n; i++)
		if (!cckd_table_for(c, t[i].trk / CCKD_L2_ENTRIES))
			return -ENOMEM;
	while (*done < n && rc == 0) {
		unsigned int m = 0;

		if (direct_on(c) && n >= CCKD_DIRECT_MIN)
			rc = write_batch(img, c, t + *done, n - *done, &m);
		if (rc == 0 && m == 0) {
			const struct ckd_track_out *x = &t[*done];

			rc = cckd_write_track(img, x->trk, x->buf, x->len);
			m = rc == 0;
		}
		*done += m;
	}
	return rc;
}

/*
 * Linux's cachestat() (6.5 and later): how many pages of a range of a file
 * are in the page cache, without reading anything (a buffered read with
 * RWF_NOWAIT would start the read-ahead it is asked not to wait for, and
 * so fill the page cache it should only look at).
 */
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
struct ccw_cachestat_range {
	uint64_t off, len;
};
struct ccw_cachestat {
	uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted,
		 nr_recently_evicted;
};

/* Is all of [pos, pos+n) in the page cache? False when the kernel
   cannot tell: then the read goes direct. */
static bool cached(struct cckd_image *c, size_t n, uint64_t pos)
{
	uint64_t at = pos & ~(uint64_t)(CCKD_DIO_ALIGN - 1);
	struct ccw_cachestat_range r = { at, pos + n - at };
	struct ccw_cachestat cs;
	long pages = (long)((r.len + CCKD_DIO_ALIGN - 1) / CCKD_DIO_ALIGN);

	if (c->no_cachestat)
		return false;
	if (syscall(__NR_cachestat, c->fd, &r, &cs, 0) < 0) {
		c->no_cachestat = errno == ENOSYS;
		return false;
	}
	return cs.nr_cache >= (uint64_t)pages;
}

/*
 * Read [at, at+len) of the file into buf with direct reads, at least the
 * first want bytes (a direct read stops at the end of the file); *got:
 * how many. Touches nothing of c but its descriptor (no lock needed).
 * Returns: 0; -EINVAL (direct I/O refused); -ENODATA; -EIO.
 */
static int direct_read(const struct cckd_image *c, uint8_t *buf, uint64_t at,
		       size_t len, size_t want, size_t *got)
{
	size_t done = 0;

	while (done < want) {
		ssize_t n = ckd_io->pread(c->dfd, buf + done, len - done,
					  (off_t)(at + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EINVAL ? -EINVAL : -EIO;
		if (n == 0)
			return -ENODATA;
		done += (size_t)n;
		if (done % CCKD_DIO_ALIGN)
			break;         /* the end of the file */
	}
	*got = done;
	return done < want ? -ENODATA : 0;
}

/*
 * The read buffer for a direct read from at, among those no read is
 * under way in: the one whose data at continues (it starts inside it or
 * at most CCKD_READ_GAP past its end: *seq set), else the least recently
 * used. NULL: all busy.
 */
static struct cckd_rbuf *pick_rbuf(struct cckd_image *c, uint64_t at,
				   bool *seq)
{
	struct cckd_rbuf *lru = NULL;

	*seq = false;
	for (int i = 0; i < CCKD_RBUFS; i++) {
		struct cckd_rbuf *r = &c->rbuf[i];

		if (r->busy)
			continue;
		if (r->len && at >= r->pos && at <= r->pos + r->len + CCKD_READ_GAP) {
			*seq = true;
			return r;
		}
		if (!lru || r->used < lru->used)
			lru = r;
	}
	return lru;
}

int cckd_read_image(struct ckd_image *img, struct cckd_image *c,
		    uint32_t trk, uint8_t *buf, size_t n, uint64_t pos)
{
	uint64_t at = pos & ~(uint64_t)(CCKD_DIO_ALIGN - 1);
	uint64_t end = (pos + n + CCKD_DIO_ALIGN - 1) &
		       ~(uint64_t)(CCKD_DIO_ALIGN - 1);
	struct cckd_rbuf *r;
	uint64_t gen;
	size_t got = 0;
	bool seq;
	int rc;

	if (!direct_on(c))
		return ckd_pread_full(c->fd, buf, n, pos);
	for (int i = 0; i < CCKD_RBUFS; i++) {
		r = &c->rbuf[i];
		if (r->len && pos >= r->pos && pos + n <= r->pos + r->len) {
			r->used = ++c->rclock;
			memcpy(buf, r->buf + (pos - r->pos), n);
			return 0;
		}
	}
	/* What the page cache has (a buffered write of a track or two - it
	   may still be dirty there, which a direct read would first have
	   written back -, a file Hercules wrote) is cheapest from there; so
	   is a read when every buffer is being read into. */
	r = pick_rbuf(c, at, &seq);
	if (!r || end - at > CCKD_STAGE_SIZE || written_buffered(c, trk) ||
	    cached(c, n, pos))
		return ckd_pread_full(c->fd, buf, n, pos);
	/* The rest straight from the disk, as it was written: no new page
	   cache. A read that continues what a buffer holds (a reader going
	   through tracks that were written together) reads a whole
	   buffer's worth; the next ones then find it there. The disk is
	   waited for without img->lock: readers of other places, writes
	   and commits go on; a write or commit meanwhile (rgen) may have
	   given the space to something else, so the caller looks again. */
	if (seq)
		end = at + CCKD_STAGE_SIZE;
	gen = c->rgen;
	r->busy = true;
	r->len = 0;
	r->used = ++c->rclock;
	pthread_mutex_unlock(&img->lock);
	rc = direct_read(c, r->buf, at, (size_t)(end - at),
			 (size_t)(pos + n - at), &got);
	pthread_mutex_lock(&img->lock);
	r->busy = false;
	if (rc == -EINVAL) {
		direct_refused(img, c);
		return ckd_pread_full(c->fd, buf, n, pos);
	}
	if (rc < 0)
		return rc;
	if (c->rgen != gen)
		return -EAGAIN;
	r->pos = at;
	r->len = got;
	memcpy(buf, r->buf + (pos - at), n);
	return 0;
}

void cckd_read_forget(struct cckd_image *c)
{
	c->rgen++;
	for (int i = 0; i < CCKD_RBUFS; i++)
		c->rbuf[i].len = 0;
}
