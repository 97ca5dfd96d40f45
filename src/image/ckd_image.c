/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CKD volume images: format detection, locking, and the checks every
 * backend shares (docs/image-format.md).
 */
#include "image/ckd_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/log.h"
#include "common/ptime.h"
#include "image/ckd_header.h"
#include "image/ckd_image_impl.h"
#include "image/ckd_io.h"
#include "image/ckd_track.h"

int ckd_file_open(const char *path, bool readonly, struct error *err)
{
	/* O_NONBLOCK: a FIFO put where a volume should be does not hold
	 * the opener (the backends then refuse what is no regular file or
	 * block device); cleared again for the file's I/O. */
	int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC |
		      O_NONBLOCK);

	if (fd < 0)
		return error_setf(err, errno, "%s: cannot open: %s", path,
				  strerror(errno));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int ckd_file_open_locked(const char *path, bool readonly, struct ckd_lock *lk,
			 struct error *err)
{
	int fd = ckd_file_open(path, readonly, err);
	int rc;

	if (fd < 0)
		return fd;
	rc = ckd_lock_image(fd, path, !readonly, lk, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

void ckd_log_bad_track(const struct ckd_image *img, uint32_t trk,
		       const char *where, const struct ckd_track_fault *f)
{
	char unit[80];

	img->unit->describe(&img->geo, trk, unit, sizeof(unit));
	log_msg(LOG_ERR, "%s: %s: %s: offset %zu: %s", img->path, unit, where,
		f->offset, f->what);
}

static struct ckd_image *image_alloc(const char *path, bool readonly,
				     struct error *err)
{
	struct ckd_image *img = calloc(1, sizeof(*img));

	if (!img || !(img->path = strdup(path))) {
		free(img);
		error_setf(err, ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	img->readonly = readonly;
	img->unit = &ckd_unit_track;
	img->lock_file.fd = -1;
	img->nullfmt = -1;
	pthread_mutex_init(&img->lock, NULL);
	ckd_durable_init(&img->dur);
	return img;
}

/* After the backend let go of the files: the lock goes last. */
static void image_free(struct ckd_image *img)
{
	ckd_unlock_image(&img->lock_file);
	ckd_durable_fini(&img->dur);
	pthread_mutex_destroy(&img->lock);
	free(img->path);
	free(img);
}

static const struct cckd_format *compressed_format(const struct ckd_unit *u,
						  const char *devid)
{
	if (u->fmt32 && !strcmp(devid, u->fmt32->devid))
		return u->fmt32;
	if (u->fmt64 && !strcmp(devid, u->fmt64->devid))
		return u->fmt64;
	return NULL;
}

/* Why a devid is not one the unit's images may have. */
static const char *refusal(const struct ckd_unit *u, const char *devid)
{
	bool fba = !strncmp(devid, "FBA_", 4);

	if (!strcmp(devid + 3, "_S370") || !strcmp(devid + 3, "_S064"))
		return "Hercules shadow files are not supported";
	if (u == &ckd_unit_track)
		return fba ? "an FBA volume (use device = 9336), not a CKD "
			     "image" :
			     "not a CKD image (CKD_P370, CKD_P064, CKD_C370 "
			     "or CKD_C064)";
	if (!strcmp(devid, "FBA_C064"))
		return "Hyperion's 64-bit CFBA is not supported (Hercules' "
		       "FBA_C370 is)";
	return fba ? "not a compressed FBA image (FBA_C370)" :
		     "a CKD image (use device = 3390), not a compressed FBA "
		     "image";
}

/* The devid as text fit for a message. */
static const char *printable(char devid[9])
{
	for (int i = 0; i < 8; i++)
		if (devid[i] < 0x20 || devid[i] > 0x7e)
			devid[i] = '?';
	return devid;
}

/*
 * Read the device header and hand fd to the backend it names. Backends own
 * fd from the call on (closing it on failure); header errors close it here.
 */
static int attach_by_header(struct ckd_image *img, int fd, struct error *err)
{
	uint8_t hdr[CKD_DEVHDR_SIZE + CCKD_HDR_SIZE];
	const struct cckd_format *fmt;
	struct ckd_devhdr dh;
	int rc;

	rc = ckd_pread_full(fd, hdr, CKD_DEVHDR_SIZE, 0);
	if (rc < 0) {
		rc = rc == -ENODATA ?
		     error_setf(err, EINVAL, "%s: too short for a CKD image "
				"header (512 bytes)", img->path) :
		     error_setf(err, EIO, "%s: cannot read the device header",
				img->path);
		goto fail;
	}
	ckd_devhdr_load(&dh, hdr);
	/* Hyperion's CKD_P064 has CKD_P370's layout (dasdutil64.c). */
	if (img->unit == &ckd_unit_track &&
	    (!strcmp(dh.devid, "CKD_P370") || !strcmp(dh.devid, "CKD_P064")))
		return ckd_plain_attach(img, fd, &dh, err);
	fmt = compressed_format(img->unit, dh.devid);
	if (fmt) {
		rc = ckd_pread_full(fd, hdr + CKD_DEVHDR_SIZE, CCKD_HDR_SIZE,
				    CCKD_HDR_POS);
		if (rc < 0) {
			rc = error_setf(err, rc == -ENODATA ? EINVAL : EIO,
					"%s: cannot read the compressed "
					"device header", img->path);
			goto fail;
		}
		return ckd_cckd_attach(img, fd, &dh, fmt,
				       hdr + CKD_DEVHDR_SIZE, err);
	}
	rc = error_setf(err, EINVAL, "%s: devid \"%s\": %s", img->path,
			printable(dh.devid), refusal(img->unit, dh.devid));
fail:
	close(fd);
	return rc;
}

struct ckd_image *ckd_image_open(const char *path, unsigned int flags,
				 struct error *err)
{
	return ckd_image_open_unit(path, flags, &ckd_unit_track, err);
}

struct ckd_image *ckd_image_open_unit(const char *path, unsigned int flags,
				      const struct ckd_unit *unit,
				      struct error *err)
{
	bool readonly = flags & CKD_OPEN_RDONLY;
	struct ckd_image *img;
	int fd, rc;

	img = image_alloc(path, readonly, err);
	if (!img)
		return NULL;
	img->unit = unit;
	img->quiet = flags & CKD_OPEN_QUIET;
	fd = ckd_file_open_locked(path, readonly, &img->lock_file, err);
	if (fd < 0) {
		image_free(img);
		return NULL;
	}
	rc = attach_by_header(img, fd, err);
	if (rc < 0) {
		image_free(img);
		return NULL;
	}
	return img;
}

struct ckd_image *ckd_image_new_mem(const struct ckd_geometry *geo,
				    enum ckd_null_format nullfmt,
				    struct error *err)
{
	struct ckd_image *img;

	if (!geo->heads || !geo->cyls || geo->cyls > CKD_MAX_CYLS ||
	    geo->heads > 0xffff || geo->trksize < CKD_TRACK_MIN_SIZE ||
	    geo->trksize > CKD_MAX_TRACK_SIZE ||
	    ckd_track_null_size(nullfmt) == 0 ||
	    ckd_track_null_size(nullfmt) > geo->trksize) {
		error_setf(err, EINVAL, "(memory): invalid geometry or null "
			   "track format");
		return NULL;
	}
	img = image_alloc("(memory)", false, err);
	if (!img)
		return NULL;
	img->geo = *geo;
	if (ckd_mem_attach(img, nullfmt, err) < 0) {
		image_free(img);
		return NULL;
	}
	return img;
}

int ckd_image_close(struct ckd_image *img)
{
	int rc;

	if (!img)
		return 0;
	pthread_mutex_lock(&img->lock);
	rc = img->ops->close(img);
	pthread_mutex_unlock(&img->lock);
	if (rc < 0)
		log_msg(LOG_ERR, "%s: error while closing: %s", img->path,
			strerror(-rc));
	image_free(img);
	return rc;
}

const struct ckd_geometry *ckd_image_geometry(const struct ckd_image *img)
{
	return &img->geo;
}

enum ckd_image_format ckd_image_format(const struct ckd_image *img)
{
	return img->format;
}

bool ckd_image_readonly(const struct ckd_image *img)
{
	return img->readonly;
}

const char *ckd_image_path(const struct ckd_image *img)
{
	return img->path;
}

int ckd_image_read_track(struct ckd_image *img, uint32_t trk, uint8_t *buf,
			 size_t bufsize, size_t *len)
{
	struct ckd_track_fault f;
	uint64_t t0;
	int rc;

	if (trk >= ckd_image_tracks(img) || bufsize < img->geo.trksize)
		return -EINVAL;
	t0 = ptime_start();
	pthread_mutex_lock(&img->lock);
	rc = img->ops->read_track(img, trk, buf, bufsize, len);
	pthread_mutex_unlock(&img->lock);
	ptime_charge(PTIME_IMAGE, t0);
	if (rc < 0)
		return rc;
	if (img->unit->check(&img->geo, trk, buf, *len, &f) < 0) {
		ckd_log_bad_track(img, trk, "stored image", &f);
		return -EUCLEAN;
	}
	return 0;
}

int ckd_image_write_track(struct ckd_image *img, uint32_t trk,
			  const uint8_t *buf, size_t len)
{
	struct ckd_track_out t = { trk, buf, len };
	unsigned int done;

	return ckd_image_write_tracks(img, &t, 1, &done);
}

int ckd_image_write_tracks(struct ckd_image *img,
			   const struct ckd_track_out *t, unsigned int n,
			   unsigned int *done)
{
	struct ckd_track_fault f;
	unsigned int good = 0;
	uint64_t t0, bytes = 0;
	int rc = 0, bad = 0;

	*done = 0;
	if (img->readonly)
		return n ? -EROFS : 0;
	/* What is written is the prefix of good tracks. */
	for (; good < n; good++) {
		if (t[good].trk >= ckd_image_tracks(img)) {
			bad = -EINVAL;
			break;
		}
		if (img->unit->check(&img->geo, t[good].trk, t[good].buf,
				     t[good].len, &f) < 0) {
			log_msg(LOG_DEBUG, "%s: %s %u: rejected write: offset "
				"%zu: %s", img->path, img->unit->name,
				t[good].trk, f.offset, f.what);
			bad = -EINVAL;
			break;
		}
	}
	if (good && ckd_durable_error(img))
		return -EIO;
	t0 = ptime_start();
	pthread_mutex_lock(&img->lock);
	if (img->ops->write_tracks) {
		rc = good ? img->ops->write_tracks(img, t, good, done) : 0;
	} else {
		for (; *done < good && rc == 0; ++*done)
			rc = img->ops->write_track(img, t[*done].trk,
						   t[*done].buf, t[*done].len);
		if (rc)
			--*done;
	}
	pthread_mutex_unlock(&img->lock);
	for (unsigned int i = 0; i < *done; i++)
		bytes += t[i].len;
	atomic_fetch_add_explicit(&img->unstarted, bytes,
				  memory_order_relaxed);
	ptime_charge(PTIME_IMAGE, t0);
	return rc ? rc : bad;
}

bool ckd_image_unwritten(struct ckd_image *img, uint32_t trk)
{
	bool yes;

	if (!img->ops->unwritten || trk >= ckd_image_tracks(img))
		return false;
	pthread_mutex_lock(&img->lock);
	yes = img->ops->unwritten(img, trk);
	pthread_mutex_unlock(&img->lock);
	return yes;
}
