/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FBA volumes: plain files here, CFBA through fba_cfba.c (fba_image.h). */
#include "image/fba_image.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"
#include "image/ckd_lock.h"
#include "image/ckd_newfile.h"
#include "image/fba_cfba.h"

struct fba_image {
	char *path;
	int fd;                       /* plain; -1: memory or CFBA */
	uint8_t *mem;
	struct ckd_image *cfba;       /* CFBA: the block groups */
	uint8_t *grp;                 /* CFBA: a block group, under mu */
	pthread_mutex_t mu;           /* CFBA: one read or write at a time */
	bool readonly;
	uint64_t blocks;
	atomic_bool dirty;
	struct ckd_lock lock;
};

/* A plain volume of blocks (checked) blocks: a sparse file of their size. */
static int plain_create(const char *path, uint64_t blocks, bool overwrite,
			struct error *err)
{
	struct ckd_newfile f = { 0 };
	int ret;

	ret = ckd_newfile_begin(&f, path, overwrite, err);
	if (ret < 0)
		return ret;
	ret = ckd_truncate(f.fd, blocks * FBA_BLOCK_SIZE);
	if (ret < 0) {
		error_setf(err, -ret, "%s: cannot size it: %s", path,
			   strerror(-ret));
		ckd_newfile_abandon(&f);
		return ret;
	}
	return ckd_newfile_publish(&f);
}

int fba_image_create(const char *path, uint64_t blocks, bool overwrite,
		     struct error *err)
{
	return fba_image_create_format(path, blocks, FBA_IMAGE_PLAIN, 0,
				       overwrite, err);
}

int fba_image_create_format(const char *path, uint64_t blocks,
			    enum fba_image_format fmt, uint16_t devtype,
			    bool overwrite, struct error *err)
{
	if (!blocks || blocks > FBA_MAX_BLOCKS)
		return error_setf(err, EINVAL, "%s: %llu blocks: an FBA volume "
				  "has 1 to %llu", path,
				  (unsigned long long)blocks,
				  (unsigned long long)FBA_MAX_BLOCKS);
	switch (fmt) {
	case FBA_IMAGE_PLAIN:
		return plain_create(path, blocks, overwrite, err);
	case FBA_IMAGE_CFBA:
		return fba_cfba_create(path, blocks, devtype, overwrite, err);
	case FBA_IMAGE_MEM:
		break;
	}
	return error_setf(err, EINVAL, "%s: only plain FBA and CFBA files "
			  "can be created", path);
}

/* The first bytes of a Hercules CKD or compressed image name its kind. */
static const char *header_kind(const char id[8])
{
	static const struct { const char *id, *kind; } known[] = {
		{ "CKD_P370", "a plain CKD image (use device = 3390)" },
		{ "CKD_C370", "a compressed CKD image (use device = 3390)" },
		{ "CKD_S370", "a CKD shadow file" },
		{ "CKD_P064", "a plain CKD image (use device = 3390)" },
		{ "CKD_C064", "a compressed CKD image (use device = 3390)" },
		{ "CKD_S064", "a CKD shadow file" },
		{ "FBA_C064", "Hyperion's 64-bit compressed FBA (CFBA64), "
			      "not supported (convert it to plain FBA with "
			      "Hyperion's cfba2fba)" },
		{ "FBA_C370", "a compressed FBA volume (CFBA) that could "
			      "not be opened as one" },
		{ "FBA_S370", "an FBA shadow file" },
		{ "FBA_S064", "an FBA shadow file" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (!memcmp(id, known[i].id, 8))
			return known[i].kind;
	return NULL;
}

static struct fba_image *image_alloc(const char *path, bool readonly,
				     struct error *err)
{
	struct fba_image *img = calloc(1, sizeof(*img));

	if (!img || !(img->path = strdup(path))) {
		free(img);
		error_setf(err, ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	img->fd = -1;
	img->lock.fd = -1;
	img->readonly = readonly;
	pthread_mutex_init(&img->mu, NULL);
	return img;
}

static void image_free(struct fba_image *img)
{
	pthread_mutex_destroy(&img->mu);
	free(img->grp);
	free(img->mem);
	free(img->path);
	free(img);
}

/* Is path a CFBA file? Its first 8 bytes, read without the lock (the
 * open that follows takes it and checks every header); O_NONBLOCK, so a
 * FIFO there does not hold the opener (the plain path then refuses it). */
static bool is_cfba(const char *path)
{
	char id[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	bool yes;

	if (fd < 0)
		return false;
	yes = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	      ckd_pread_full(fd, id, 8, 0) == 0 && !memcmp(id, "FBA_C370", 8);
	close(fd);
	return yes;
}

static struct fba_image *open_cfba(struct fba_image *img, struct error *err)
{
	img->grp = malloc(FBA_GROUP_IMAGE);
	if (!img->grp) {
		error_setf(err, ENOMEM, "%s: out of memory", img->path);
		image_free(img);
		return NULL;
	}
	img->cfba = fba_cfba_open(img->path, img->readonly, &img->blocks,
				  err);
	if (!img->cfba) {
		image_free(img);
		return NULL;
	}
	return img;
}

struct fba_image *fba_image_open(const char *path, bool readonly,
				 struct error *err)
{
	struct fba_image *img = image_alloc(path, readonly, err);
	char id[8] = { 0 };
	const char *kind;
	struct stat st;

	if (!img)
		return NULL;
	if (is_cfba(path))
		return open_cfba(img, err);
	img->fd = ckd_file_open_locked(path, readonly, &img->lock, err);
	if (img->fd < 0)
		goto fail_free;
	if (fstat(img->fd, &st) < 0) {
		error_setf(err, errno, "%s: %s", path, strerror(errno));
		goto fail_close;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		error_setf(err, EINVAL, "%s: not a regular file", path);
		goto fail_close;
	}
	if (st.st_size >= 8 && ckd_pread_full(img->fd, id, 8, 0) == 0 &&
	    (kind = header_kind(id))) {
		error_setf(err, EINVAL, "%s: %s, not a plain FBA volume", path,
			   kind);
		goto fail_close;
	}
	if (st.st_size <= 0 || st.st_size % FBA_BLOCK_SIZE ||
	    (uint64_t)st.st_size / FBA_BLOCK_SIZE > FBA_MAX_BLOCKS) {
		error_setf(err, EINVAL, "%s: %lld bytes: a plain FBA volume is "
			   "a whole number of 512-byte blocks (make one with "
			   "'ccwpass dasdinit', or 'create = blank' in the "
			   "inventory)", path, (long long)st.st_size);
		goto fail_close;
	}
	img->blocks = (uint64_t)st.st_size / FBA_BLOCK_SIZE;
	return img;
fail_close:
	close(img->fd);
	ckd_unlock_image(&img->lock);
fail_free:
	image_free(img);
	return NULL;
}

struct fba_image *fba_image_new_mem(uint64_t blocks, bool readonly,
				    struct error *err)
{
	struct fba_image *img;

	if (!blocks || blocks > (64u << 20) / FBA_BLOCK_SIZE) {
		error_setf(err, EINVAL, "(memory): %llu blocks: 1 to %u",
			   (unsigned long long)blocks,
			   (64u << 20) / FBA_BLOCK_SIZE);
		return NULL;
	}
	img = image_alloc("(memory)", readonly, err);
	if (!img)
		return NULL;
	img->mem = calloc(blocks, FBA_BLOCK_SIZE);
	if (!img->mem) {
		image_free(img);
		error_setf(err, ENOMEM, "(memory): out of memory");
		return NULL;
	}
	img->blocks = blocks;
	return img;
}

void fba_image_close(struct fba_image *img)
{
	if (!img)
		return;
	if (img->cfba) {
		ckd_image_close(img->cfba);        /* commits, flushes */
	} else if (!img->mem) {
		fba_image_flush(img);
		close(img->fd);
		ckd_unlock_image(&img->lock);
	}
	image_free(img);
}

uint64_t fba_image_blocks(const struct fba_image *img)
{
	return img->blocks;
}

enum fba_image_format fba_image_format(const struct fba_image *img)
{
	return img->cfba ? FBA_IMAGE_CFBA :
	       img->mem ? FBA_IMAGE_MEM : FBA_IMAGE_PLAIN;
}

bool fba_image_readonly(const struct fba_image *img)
{
	return img->readonly;
}

const char *fba_image_path(const struct fba_image *img)
{
	return img->path;
}

static bool in_range(const struct fba_image *img, uint64_t blk,
		     uint32_t count)
{
	return blk < img->blocks && count <= img->blocks - blk;
}

int fba_image_read(struct fba_image *img, uint64_t blk, uint32_t count,
		   void *buf)
{
	int ret;

	if (!in_range(img, blk, count))
		return -ERANGE;
	if (img->mem) {
		memcpy(buf, img->mem + blk * FBA_BLOCK_SIZE,
		       (size_t)count * FBA_BLOCK_SIZE);
		return 0;
	}
	if (img->cfba) {
		pthread_mutex_lock(&img->mu);
		ret = fba_cfba_read(img->cfba, img->grp, blk, count, buf);
		pthread_mutex_unlock(&img->mu);
		return ret;
	}
	ret = ckd_pread_full(img->fd, buf, (size_t)count * FBA_BLOCK_SIZE,
			     blk * FBA_BLOCK_SIZE);
	return ret == -ENODATA ? -EIO : ret;   /* the file shrank under us */
}

int fba_image_write(struct fba_image *img, uint64_t blk, uint32_t count,
		    const void *buf)
{
	int ret;

	if (img->readonly)
		return -EROFS;
	if (!in_range(img, blk, count))
		return -ERANGE;
	if (img->mem) {
		memcpy(img->mem + blk * FBA_BLOCK_SIZE, buf,
		       (size_t)count * FBA_BLOCK_SIZE);
		return 0;
	}
	if (img->cfba) {
		pthread_mutex_lock(&img->mu);
		ret = fba_cfba_write(img->cfba, img->grp, blk, count, buf);
		pthread_mutex_unlock(&img->mu);
		return ret;
	}
	ret = ckd_pwrite_full(img->fd, buf, (size_t)count * FBA_BLOCK_SIZE,
			      blk * FBA_BLOCK_SIZE);
	/* After the write: a flush that clears the flag in between saw the
	 * data already written, and this program's own flush syncs again. */
	atomic_store(&img->dirty, true);
	return ret;
}

int fba_image_flush(struct fba_image *img)
{
	int ret;

	if (img->cfba)
		return ckd_image_sync(img->cfba);
	if (img->mem || !atomic_exchange(&img->dirty, false))
		return 0;
	ret = ckd_datasync(img->fd);
	if (ret < 0)
		atomic_store(&img->dirty, true);   /* try again next time */
	return ret;
}

uint64_t fba_image_allocated(const struct fba_image *img)
{
	struct stat st;

	if (img->mem)
		return img->blocks * FBA_BLOCK_SIZE;
	if (img->cfba)
		return stat(img->path, &st) == 0 ?
		       (uint64_t)st.st_blocks * 512 : 0;
	return fstat(img->fd, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
}
