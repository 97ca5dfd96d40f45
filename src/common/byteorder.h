/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Explicit loads and stores of big- and little-endian integers.
 *
 * Every byte that comes from a file, a socket or guest memory is parsed
 * through these helpers; structures are never overlaid on such bytes.
 */
#ifndef CCWPASS_COMMON_BYTEORDER_H
#define CCWPASS_COMMON_BYTEORDER_H

#include <stdint.h>

static inline uint16_t ld_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ld_be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t ld_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t ld_be64(const uint8_t *p)
{
	return (uint64_t)ld_be32(p) << 32 | ld_be32(p + 4);
}

static inline void st_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void st_be24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void st_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void st_be64(uint8_t *p, uint64_t v)
{
	st_be32(p, (uint32_t)(v >> 32));
	st_be32(p + 4, (uint32_t)v);
}

static inline uint16_t ld_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ld_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t ld_le64(const uint8_t *p)
{
	return (uint64_t)ld_le32(p) | (uint64_t)ld_le32(p + 4) << 32;
}

static inline void st_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void st_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void st_le64(uint8_t *p, uint64_t v)
{
	st_le32(p, (uint32_t)v);
	st_le32(p + 4, (uint32_t)(v >> 32));
}

/*
 * Host ("native") order: QEMU writes some vfio-ccw fields in its own byte
 * order (see docs/protocol.md). These name that intent at the call site.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ld_he16 ld_le16
#define ld_he32 ld_le32
#define ld_he64 ld_le64
#define st_he16 st_le16
#define st_he32 st_le32
#define st_he64 st_le64
#else
#define ld_he16 ld_be16
#define ld_he32 ld_be32
#define ld_he64 ld_be64
#define st_he16 st_be16
#define st_he32 st_be32
#define st_he64 st_be64
#endif

#endif
