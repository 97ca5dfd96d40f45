/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * New image files: a temporary name next to the final path, the empty
 * image of a format, and the rename into place (see ckd_newfile.h).
 */
#include "image/ckd_newfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image/ckd_header.h"
#include "image/ckd_io.h"

/*
 * A new file next to path with a random name, 0600: a volume is guest data,
 * its creator's alone until someone grants access on purpose (chmod).
 */
static int open_temp(struct ckd_newfile *f)
{
	char *copy = strdup(f->path);
	char *base = copy ? basename(copy) : NULL;
	const char *dir;
	char *dcopy = strdup(f->path);

	if (!copy || !dcopy) {
		free(copy);
		free(dcopy);
		return error_setf(f->err, ENOMEM, "out of memory");
	}
	dir = dirname(dcopy);
	for (int tries = 0; tries < 100; tries++) {
		uint32_t r;

		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)time(NULL) ^ (uint32_t)getpid() ^
			    (uint32_t)tries;
		snprintf(f->tmp, sizeof(f->tmp), "%s/.%s.%08x.tmp", dir, base,
			 r);
		f->fd = open(f->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			     0600);
		if (f->fd >= 0 || errno != EEXIST)
			break;
	}
	free(copy);
	free(dcopy);
	if (f->fd < 0)
		return error_setf(f->err, errno, "%s: cannot create a file in "
				  "its directory: %s", f->path, strerror(errno));
	return 0;
}

int ckd_newfile_begin(struct ckd_newfile *f, const char *path,
		      bool overwrite, struct error *err)
{
	struct stat st;

	*f = (struct ckd_newfile){ .path = path, .fd = -1,
				   .overwrite = overwrite, .err = err };
	if (!overwrite && lstat(path, &st) == 0)
		return error_setf(err, EEXIST, "%s: already exists", path);
	return open_temp(f);
}

static int write_devhdr(int fd, const struct ckd_devhdr *h)
{
	uint8_t raw[CKD_DEVHDR_SIZE];

	ckd_devhdr_store(raw, h);
	return ckd_pwrite_full(fd, raw, sizeof(raw), 0);
}

static struct ckd_devhdr ckd_devhdr_of(const struct ckd_geometry *geo,
				       const char *devid)
{
	struct ckd_devhdr h = {
		.heads = geo->heads,
		.trksize = geo->trksize,
		.devtype = ckd_devtype_byte(geo),
	};

	memcpy(h.devid, devid, 8);
	return h;
}

int ckd_newfile_cckd(struct ckd_newfile *f, const struct ckd_devhdr *dh,
		     const struct cckd_format *fmt, uint32_t units,
		     uint32_t hdr_cyls, unsigned int nullfmt)
{
	uint32_t nl1 = (uint32_t)(((uint64_t)units + CCKD_L2_ENTRIES - 1) /
				  CCKD_L2_ENTRIES);
	struct cckd_header h = {
		.vrm = { 0, 3, 1 },
		.options = fmt->create_options,
		.numl1tab = (int32_t)nl1,
		.numl2tab = CCKD_L2_ENTRIES,
		.cyls = hdr_cyls,
		.nullfmt = (uint8_t)nullfmt,
		.compress = CCKD_COMPRESS_ZLIB,
		.compress_parm = -1,
	};
	uint8_t raw[CCKD_HDR_SIZE];
	int rc;

	h.size = h.used = CCKD_L1_POS + (uint64_t)nl1 * fmt->off_size;
	cckd_header_store(raw, &h, fmt);
	rc = write_devhdr(f->fd, dh);
	if (rc == 0)
		rc = ckd_pwrite_full(f->fd, raw, sizeof(raw), CCKD_HDR_POS);
	if (rc == 0)
		rc = ckd_truncate(f->fd, h.size);
	return rc;
}

static int cckd_skeleton(struct ckd_newfile *f, const struct ckd_geometry *geo,
			 const struct cckd_format *fmt,
			 enum ckd_null_format nullfmt)
{
	struct ckd_devhdr dh = ckd_devhdr_of(geo, fmt->devid);

	return ckd_newfile_cckd(f, &dh, fmt, geo->cyls * geo->heads,
				geo->cyls,
				(unsigned int)cckd_nullfmt_from_api(nullfmt));
}

int ckd_newfile_skeleton(struct ckd_newfile *f,
			 const struct ckd_geometry *geo,
			 enum ckd_image_format format,
			 enum ckd_null_format nullfmt)
{
	struct ckd_devhdr dh;
	int rc;

	switch (format) {
	case CKD_IMAGE_PLAIN:
		dh = ckd_devhdr_of(geo, "CKD_P370");
		rc = write_devhdr(f->fd, &dh);
		if (rc == 0)
			rc = ckd_truncate(f->fd, CKD_DEVHDR_SIZE +
					  (uint64_t)geo->cyls * geo->heads *
					  geo->trksize);
		return rc;
	case CKD_IMAGE_CCKD:
		return cckd_skeleton(f, geo, &cckd_format32, nullfmt);
	case CKD_IMAGE_CCKD64:
		return cckd_skeleton(f, geo, &cckd_format64, nullfmt);
	case CKD_IMAGE_MEM:
		break;
	}
	return -EINVAL;
}

/* Move the finished file into place; without overwrite never replace. */
static int rename_into_place(struct ckd_newfile *f)
{
	char *dcopy;
	int dfd, rc;

	if (f->overwrite) {
		rc = rename(f->tmp, f->path);
	} else {
		rc = renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path,
			       RENAME_NOREPLACE);
		if (rc < 0 && (errno == EINVAL || errno == ENOSYS)) {
			rc = link(f->tmp, f->path);
			if (rc == 0)
				unlink(f->tmp);
		}
	}
	if (rc < 0)
		return error_setf(f->err, errno, "%s: %s", f->path,
				  errno == EEXIST ? "already exists" :
				  strerror(errno));
	dcopy = strdup(f->path);
	if (!dcopy)
		return 0;
	dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dcopy);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int ckd_newfile_publish(struct ckd_newfile *f)
{
	int rc = fsync(f->fd) < 0 ? -errno : 0;

	close(f->fd);
	f->fd = -1;
	if (rc < 0)
		rc = error_setf(f->err, -rc, "%s: fsync: %s", f->path,
				strerror(-rc));
	if (rc == 0)
		rc = rename_into_place(f);
	if (rc < 0)
		unlink(f->tmp);
	return rc;
}

void ckd_newfile_abandon(struct ckd_newfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	unlink(f->tmp);
}
