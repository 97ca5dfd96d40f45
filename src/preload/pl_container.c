/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO container, /dev/vfio/vfio, with a type1 IOMMU
 * (<linux/vfio.h>: VFIO_GET_API_VERSION .. VFIO_IOMMU_UNMAP_DMA; argument
 * checks and results as drivers/vfio/container.c and vfio_iommu_type1.c,
 * v2 unmap semantics). DMA mappings are kept here and offered to every
 * device of the container with vfio-user DMA_MAP, also to devices that
 * connect later: QEMU maps guest RAM before it asks for the device fd.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "preload/pl_debug.h"
#include "preload/pl_fdtab.h"
#include "preload/pl_memtrack.h"
#include "preload/pl_real.h"
#include "preload/pl_vfio.h"
#include "vfio_user/vfu_proto.h"

#define IOMMU_PAGE_MASK   0xfffULL       /* smallest IOMMU page: 4 KiB */
#define IOMMU_PGSIZES     (~IOMMU_PAGE_MASK)   /* every 2^n >= 4 KiB */

/* Fixed ABI sizes this file reads and writes (minsz = offsetofend of the
 * last mandatory field, as the kernel computes it). */
#define IOMMU_INFO_MINSZ  16             /* ..iova_pgsizes */
#define IOMMU_INFO_SIZE   24             /* sizeof: caps start here */
#define DMA_AVAIL_CAPSZ   16             /* 12 bytes, 8-aligned */
#define DMA_MAP_MINSZ     32
#define DMA_UNMAP_MINSZ   24
_Static_assert(sizeof(struct vfio_iommu_type1_info) == IOMMU_INFO_SIZE,
	       "vfio_iommu_type1_info");
_Static_assert(offsetof(struct vfio_iommu_type1_info, cap_offset) == 16,
	       "vfio_iommu_type1_info.cap_offset");
_Static_assert(sizeof(struct vfio_iommu_type1_info_dma_avail) == 12,
	       "vfio_iommu_type1_info_dma_avail");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_map) == DMA_MAP_MINSZ,
	       "vfio_iommu_type1_dma_map");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_unmap) == DMA_UNMAP_MINSZ,
	       "vfio_iommu_type1_dma_unmap");
_Static_assert(VFIO_DMA_MAP_FLAG_READ == VFU_DMA_READ &&
	       VFIO_DMA_MAP_FLAG_WRITE == VFU_DMA_WRITE, "prot bits");

/* The most groups one container holds (QEMU: one per vfio-ccw device). */
#define MAX_GROUPS 16
#define MAX_DEVICES (MAX_GROUPS * PL_GROUP_MAX_DEVICES)

struct pl_container {
	struct pl_obj obj;
	int iommu;                  /* VFIO_TYPE1(v2)_IOMMU; 0: not set yet */
	struct pl_group *groups[MAX_GROUPS];
	size_t ngroups;
	struct pl_dma *maps;        /* sorted by iova, non-overlapping */
	size_t nmaps;
	size_t cap;
};

int pl_container_open(int flags)
{
	struct pl_container *c = calloc(1, sizeof(*c));
	int fd, ret;

	if (!c)
		return -ENOMEM;
	c->obj.kind = PL_CONTAINER;
	fd = pl_make_fd("ccwpass:vfio-container", flags);
	if (fd < 0) {
		free(c);
		return fd;
	}
	ret = pl_fdtab_add(fd, &c->obj);
	if (ret < 0) {
		pl_real_close(fd);
		free(c);
		return ret;
	}
	return fd;
}

static void drop_maps(struct pl_container *c)
{
	for (size_t i = 0; i < c->nmaps; i++)
		if (c->maps[i].fd >= 0)
			pl_real_close(c->maps[i].fd);
	c->nmaps = 0;
}

void pl_container_release(struct pl_container *c)
{
	drop_maps(c);
	free(c->maps);
	free(c);
}

bool pl_container_has_iommu(const struct pl_container *c)
{
	return c->iommu != 0;
}

int pl_container_attach(struct pl_container *c, struct pl_group *g)
{
	if (c->ngroups == MAX_GROUPS)
		return -ENOSPC;
	pl_obj_get(&c->obj);
	c->groups[c->ngroups++] = g;
	return 0;
}

void pl_container_detach(struct pl_container *c, struct pl_group *g)
{
	for (size_t i = 0; i < c->ngroups; i++) {
		if (c->groups[i] != g)
			continue;
		c->groups[i] = c->groups[--c->ngroups];
		/* The last group takes the IOMMU and its mappings along. */
		if (!c->ngroups) {
			c->iommu = 0;
			drop_maps(c);
		}
		pl_obj_put(&c->obj);
		return;
	}
}

/* ---- DMA mappings ----------------------------------------------------- */

static uint64_t last_byte(const struct pl_dma *m)
{
	return m->iova + m->size - 1;
}

/* Index of the mapping holding iova, or -1. */
static long map_at(const struct pl_container *c, uint64_t iova)
{
	for (size_t i = 0; i < c->nmaps; i++)
		if (c->maps[i].iova <= iova && iova <= last_byte(&c->maps[i]))
			return (long)i;
	return -1;
}

static bool overlaps(const struct pl_container *c, uint64_t iova,
		     uint64_t last)
{
	for (size_t i = 0; i < c->nmaps; i++)
		if (c->maps[i].iova <= last && iova <= last_byte(&c->maps[i]))
			return true;
	return false;
}

static int insert_map(struct pl_container *c, const struct pl_dma *m)
{
	size_t i = 0;

	if (c->nmaps == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct pl_dma *v = realloc(c->maps, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->maps = v;
		c->cap = cap;
	}
	while (i < c->nmaps && c->maps[i].iova < m->iova)
		i++;
	memmove(&c->maps[i + 1], &c->maps[i], (c->nmaps - i) * sizeof(*m));
	c->maps[i] = *m;
	c->nmaps++;
	return (int)i;
}

static void remove_map(struct pl_container *c, size_t i)
{
	if (c->maps[i].fd >= 0)
		pl_real_close(c->maps[i].fd);
	memmove(&c->maps[i], &c->maps[i + 1],
		(c->nmaps - i - 1) * sizeof(c->maps[0]));
	c->nmaps--;
}

/* Every open device of the container (pl_lock held); returns the count. */
static size_t list_devices(const struct pl_container *c,
			   struct pl_device *v[MAX_DEVICES])
{
	size_t n = 0;

	for (size_t g = 0; g < c->ngroups; g++)
		for (size_t k = 0; k < pl_group_ndevices(c->groups[g]); k++)
			v[n++] = pl_group_device(c->groups[g], k);
	return n;
}

/* Offer m to every device; on a refusal take it back from the others. */
static int fan_out_map(struct pl_container *c, const struct pl_dma *m)
{
	struct pl_device *v[MAX_DEVICES];
	size_t n = list_devices(c, v);

	for (size_t i = 0; i < n; i++) {
		int ret = pl_device_dma_map(v[i], m);

		if (ret < 0) {
			while (i--)
				pl_device_dma_unmap(v[i], m);
			return ret;
		}
	}
	return 0;
}

static void fan_out_unmap(struct pl_container *c, const struct pl_dma *m)
{
	struct pl_device *v[MAX_DEVICES];
	size_t n = list_devices(c, v);

	for (size_t i = 0; i < n; i++)
		pl_device_dma_unmap(v[i], m);
}

int pl_container_replay(struct pl_container *c, struct pl_device *d)
{
	for (size_t i = 0; i < c->nmaps; i++) {
		int ret = pl_device_dma_map_excl(d, &c->maps[i]);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static int map_dma(struct pl_container *c, uint8_t *p)
{
	uint32_t argsz = ld_he32(p + offsetof(struct vfio_iommu_type1_dma_map,
					      argsz));
	uint32_t flags = ld_he32(p + offsetof(struct vfio_iommu_type1_dma_map,
					      flags));
	struct pl_dma m = {
		.vaddr = ld_he64(p + offsetof(struct vfio_iommu_type1_dma_map,
					      vaddr)),
		.iova = ld_he64(p + offsetof(struct vfio_iommu_type1_dma_map,
					     iova)),
		.size = ld_he64(p + offsetof(struct vfio_iommu_type1_dma_map,
					     size)),
		.prot = flags & (VFIO_DMA_MAP_FLAG_READ |
				 VFIO_DMA_MAP_FLAG_WRITE),
		.fd = -1,
	};
	int i, ret;

	if (argsz < DMA_MAP_MINSZ ||
	    flags & ~(uint32_t)(VFIO_DMA_MAP_FLAG_READ |
				VFIO_DMA_MAP_FLAG_WRITE |
				VFIO_DMA_MAP_FLAG_VADDR))
		return -EINVAL;
	if (!c->iommu)
		return -EINVAL;
	/* VFIO_UPDATE_VADDR is not offered. */
	if (flags & VFIO_DMA_MAP_FLAG_VADDR || !m.prot || !m.size ||
	    (m.size | m.iova | m.vaddr) & IOMMU_PAGE_MASK)
		return -EINVAL;
	if (last_byte(&m) < m.iova || m.vaddr + m.size - 1 < m.vaddr)
		return -EINVAL;
	if (overlaps(c, m.iova, last_byte(&m)))
		return -EEXIST;
	if (c->nmaps >= VFU_MAX_DMA_MAPS)
		return -ENOSPC;

	m.fd = pl_memtrack_find(m.vaddr, m.size, &m.offset);
	PL_DEBUG("map iova 0x%llx size 0x%llx vaddr 0x%llx prot %u: %s",
		 (unsigned long long)m.iova, (unsigned long long)m.size,
		 (unsigned long long)m.vaddr, m.prot,
		 m.fd >= 0 ? "shared file, zero-copy"
			   : "no file, process_vm or DMA messages");
	i = insert_map(c, &m);
	if (i < 0) {
		if (m.fd >= 0)
			pl_real_close(m.fd);
		return i;
	}
	ret = fan_out_map(c, &c->maps[i]);
	if (ret < 0)
		remove_map(c, (size_t)i);
	return ret;
}

static int unmap_dma(struct pl_container *c, uint8_t *p)
{
	uint32_t argsz = ld_he32(p + offsetof(struct vfio_iommu_type1_dma_unmap,
					      argsz));
	uint32_t flags = ld_he32(p + offsetof(struct vfio_iommu_type1_dma_unmap,
					      flags));
	uint64_t iova = ld_he64(p + offsetof(struct vfio_iommu_type1_dma_unmap,
					     iova));
	uint64_t size = ld_he64(p + offsetof(struct vfio_iommu_type1_dma_unmap,
					     size));
	bool all = flags & VFIO_DMA_UNMAP_FLAG_ALL;
	uint64_t last, done = 0;
	long i;

	if (argsz < DMA_UNMAP_MINSZ ||
	    flags & ~(uint32_t)(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
				VFIO_DMA_UNMAP_FLAG_ALL |
				VFIO_DMA_UNMAP_FLAG_VADDR))
		return -EINVAL;
	/* No dirty tracking, no VFIO_UPDATE_VADDR. */
	if (flags & (VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
		     VFIO_DMA_UNMAP_FLAG_VADDR))
		return -EINVAL;
	if (!c->iommu || iova & IOMMU_PAGE_MASK)
		return -EINVAL;
	if (all) {
		if (iova || size)
			return -EINVAL;
		last = UINT64_MAX;
	} else {
		if (!size || size & IOMMU_PAGE_MASK || iova + size - 1 < iova)
			return -EINVAL;
		last = iova + size - 1;
		/* v2: never split a mapping */
		i = map_at(c, iova);
		if (i >= 0 && c->maps[i].iova != iova)
			return -EINVAL;
		i = map_at(c, last);
		if (i >= 0 && last_byte(&c->maps[i]) != last)
			return -EINVAL;
	}
	for (size_t k = 0; k < c->nmaps;) {
		const struct pl_dma *m = &c->maps[k];

		if (m->iova < iova || last_byte(m) > last) {
			k++;
			continue;
		}
		fan_out_unmap(c, m);
		done += m->size;
		remove_map(c, k);
	}
	st_he64(p + offsetof(struct vfio_iommu_type1_dma_unmap, size), done);
	return 0;
}

/* ---- ioctls ----------------------------------------------------------- */

static int get_info(struct pl_container *c, uint8_t *p)
{
	uint32_t argsz = ld_he32(p);
	uint32_t need = IOMMU_INFO_SIZE + DMA_AVAIL_CAPSZ;
	uint8_t info[IOMMU_INFO_SIZE] = { 0 };
	uint8_t cap[DMA_AVAIL_CAPSZ] = { 0 };

	if (argsz < IOMMU_INFO_MINSZ || !c->iommu)
		return -EINVAL;
	st_he32(info + offsetof(struct vfio_iommu_type1_info, flags),
		VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
	st_he64(info + offsetof(struct vfio_iommu_type1_info, iova_pgsizes),
		IOMMU_PGSIZES);
	if (argsz < need) {
		/* Too small for the capability chain: say how much is. */
		st_he32(info, need);
	} else {
		st_he32(info, argsz);
		st_he16(cap, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);   /* id */
		st_he16(cap + 2, 1);                             /* version */
		st_he32(cap + 4, 0);                             /* next */
		st_he32(cap + 8, (uint32_t)(VFU_MAX_DMA_MAPS - c->nmaps));
		memcpy(p + IOMMU_INFO_SIZE, cap, sizeof(cap));
		st_he32(info + offsetof(struct vfio_iommu_type1_info,
					cap_offset), IOMMU_INFO_SIZE);
	}
	memcpy(p, info, argsz < IOMMU_INFO_SIZE ? argsz : IOMMU_INFO_SIZE);
	return 0;
}

static int check_extension(const struct pl_container *c, unsigned long ext)
{
	(void)c;
	switch (ext) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	default:
		return 0;
	}
}

static int set_iommu(struct pl_container *c, unsigned long type)
{
	if (!c->ngroups)
		return -EINVAL;
	if (c->iommu)
		return -EBUSY;
	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU)
		return -ENODEV;
	c->iommu = (int)type;
	return 0;
}

int pl_container_ioctl(struct pl_container *c, unsigned long req,
		       unsigned long arg)
{
	int ret;

	pl_lock();
	switch (req) {
	case VFIO_GET_API_VERSION:
		ret = VFIO_API_VERSION;
		break;
	case VFIO_CHECK_EXTENSION:
		ret = check_extension(c, arg);
		break;
	case VFIO_SET_IOMMU:
		ret = set_iommu(c, arg);
		break;
	case VFIO_IOMMU_GET_INFO:
		ret = get_info(c, (uint8_t *)arg);
		break;
	case VFIO_IOMMU_MAP_DMA:
		ret = map_dma(c, (uint8_t *)arg);
		break;
	case VFIO_IOMMU_UNMAP_DMA:
		ret = unmap_dma(c, (uint8_t *)arg);
		break;
	default:
		/* No IOMMU driver yet: the container itself says EINVAL. */
		ret = c->iommu ? -ENOTTY : -EINVAL;
		break;
	}
	pl_unlock();
	return ret;
}
