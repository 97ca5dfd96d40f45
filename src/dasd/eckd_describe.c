/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a 3390 is, for host-side listings (css_device_ops.describe):
 * model, identity, its volume's file and format, size, the volume serial
 * its VOL1 label has now (the guest may have relabelled it) and the cache
 * mode. Runs beside the guest's I/O: it only reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dasd/eckd.h"
#include "dasd/eckd_priv.h"
#include "dasd/eckd_volume.h"
#include "image/ckd_cdl.h"
#include "image/ckd_image.h"
#include "image/ckd_track.h"

#define CDL_BLOCKS_PER_TRACK 12
#define CDL_BLOCK_SIZE 4096u

static const char *format_name(enum ckd_image_format f)
{
	switch (f) {
	case CKD_IMAGE_CCKD64: return "cckd64";
	case CKD_IMAGE_CCKD: return "cckd";
	case CKD_IMAGE_PLAIN: return "plain";
	default: return "memory";
	}
}

/* The volume serial of the VOL1 label (key "VOL1", record 3 of track 0). */
static void read_volser(struct ckd_image *img, char out[7])
{
	static const uint8_t vol1[4] = { 0xe5, 0xd6, 0xd3, 0xf1 }; /* EBCDIC */
	const struct ckd_geometry *g = ckd_image_geometry(img);
	struct ckd_record rec;
	size_t len, pos = CKD_HA_SIZE;
	uint8_t *trk = malloc(g->trksize);

	out[0] = '\0';
	if (!trk || ckd_image_read_track(img, 0, trk, g->trksize, &len) < 0)
		goto out;
	while (ckd_track_next(trk, len, &pos, &rec, NULL) == 1) {
		if (rec.count.rec != 3 || rec.count.kl != 4 ||
		    rec.count.dl < 10 || memcmp(rec.key, vol1, 4) ||
		    memcmp(rec.data, vol1, 4))
			continue;
		ckd_ascii_from_ebcdic(out, rec.data + 4, 6);
		out[6] = '\0';
		for (int i = 5; i >= 0 && out[i] == ' '; i--)
			out[i] = '\0';
		break;
	}
out:
	free(trk);
}

void eckd_describe(struct css_device *dev, struct css_device_desc *out)
{
	struct eckd_device *d = (struct eckd_device *)dev;
	struct eckd_volume *v = d->own;
	const struct eckd_model *m;
	struct stat st;

	memset(out, 0, sizeof(*out));
	snprintf(out->uid, sizeof(out->uid), "IBM.ZZ%s.%04x.%02x", d->id.serial,
		 (unsigned int)d->id.ssid, (unsigned int)d->id.unit_addr);
	if (!v) {
		snprintf(out->model, sizeof(out->model), "%04x alias",
			 (unsigned int)d->id.dev_type);
		return;
	}
	m = eckd_model_by_cyls(d->id.dev_type, v->cyls);
	snprintf(out->model, sizeof(out->model), "%s",
		 m ? m->name : "3390");
	snprintf(out->image, sizeof(out->image), "%s", ckd_image_path(v->img));
	snprintf(out->format, sizeof(out->format), "%s",
		 format_name(ckd_image_format(v->img)));
	out->cyls = v->cyls;
	out->heads = v->heads;
	out->capacity = (uint64_t)v->tracks * CDL_BLOCKS_PER_TRACK *
			CDL_BLOCK_SIZE;
	if (stat(out->image, &st) == 0) {
		out->file_size = (uint64_t)st.st_size;
		out->file_alloc = (uint64_t)st.st_blocks * 512u;
	}
	read_volser(v->img, out->volser);
	out->readonly = v->readonly;
	snprintf(out->cache, sizeof(out->cache), "%s",
		 v->writeback ? "writeback" : "writethrough");
}
