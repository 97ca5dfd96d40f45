/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user wire format: the 16-byte message header and the payload of
 * every message ccwpass speaks, as decoded structs with explicit encoders
 * and decoders (QEMU docs/interop/vfio-user.rst, "Protocol Specification").
 *
 * Byte order: the specification says "all data is in the endianness of the
 * host system" (client and server share a host). The codec therefore uses
 * the host-order loaders of common/byteorder.h (little-endian on x86).
 *
 * Decoders never trust a length: every field is range-checked against the
 * buffer, and a decoded struct only points into the caller's buffer.
 */
#ifndef CCWPASS_VFIO_USER_VFU_PROTO_H
#define CCWPASS_VFIO_USER_VFU_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Protocol version ccwpass speaks (libvfio-user and QEMU use major 0). */
#define VFU_PROTO_MAJOR 0
#define VFU_PROTO_MINOR 1

/* Commands (spec table "Commands"). */
enum vfu_cmd {
	VFU_CMD_VERSION = 1,
	VFU_CMD_DMA_MAP = 2,
	VFU_CMD_DMA_UNMAP = 3,
	VFU_CMD_DEVICE_GET_INFO = 4,
	VFU_CMD_DEVICE_GET_REGION_INFO = 5,
	VFU_CMD_DEVICE_GET_REGION_IO_FDS = 6,
	VFU_CMD_DEVICE_GET_IRQ_INFO = 7,
	VFU_CMD_DEVICE_SET_IRQS = 8,
	VFU_CMD_REGION_READ = 9,
	VFU_CMD_REGION_WRITE = 10,
	VFU_CMD_DMA_READ = 11,
	VFU_CMD_DMA_WRITE = 12,
	VFU_CMD_DEVICE_RESET = 13,
	VFU_CMD_REGION_WRITE_MULTI = 15,
	VFU_CMD_DEVICE_FEATURE = 16,
	VFU_CMD_MIG_DATA_READ = 17,
	VFU_CMD_MIG_DATA_WRITE = 18,
};

/* Header flags. */
#define VFU_F_TYPE_MASK     0xfu         /* bits 0-3: message type */
#define VFU_F_TYPE_COMMAND  0x0u
#define VFU_F_TYPE_REPLY    0x1u
#define VFU_F_NO_REPLY      (1u << 4)    /* command: no reply wanted */
#define VFU_F_ERROR         (1u << 5)    /* reply: error field valid */
#define VFU_F_KNOWN         (VFU_F_TYPE_MASK | VFU_F_NO_REPLY | VFU_F_ERROR)

/* DMA_MAP flags. */
#define VFU_DMA_READ        (1u << 0)
#define VFU_DMA_WRITE       (1u << 1)
/* DMA_UNMAP flags (from VFIO_DMA_UNMAP_FLAG_*). */
#define VFU_UNMAP_GET_DIRTY_BITMAP (1u << 0)  /* not supported */
#define VFU_UNMAP_ALL              (1u << 1)

/* Fixed sizes of the wire structures (offsets given in the spec). */
#define VFU_HDR_SIZE            16
#define VFU_VERSION_SIZE        4    /* + JSON text with its NUL */
#define VFU_DMA_MAP_SIZE        32
#define VFU_DMA_UNMAP_SIZE      24
#define VFU_DEVICE_INFO_SIZE    16
#define VFU_REGION_INFO_SIZE    32
#define VFU_IRQ_INFO_SIZE       16
#define VFU_IRQ_SET_SIZE        20   /* + bool data */
#define VFU_REGION_ACCESS_SIZE  16   /* + data */
#define VFU_DMA_ACCESS_SIZE     16   /* + data */
#define VFU_CAP_HDR_SIZE        8    /* struct vfio_info_cap_header */
#define VFU_CAP_TYPE_SIZE       16   /* VFIO_REGION_INFO_CAP_TYPE */

/* Limits ccwpass applies and advertises. */
#define VFU_MAX_DATA_XFER   (1024u * 1024u)   /* spec default */
#define VFU_MAX_FDS         8                 /* fds accepted per message */
#define VFU_MAX_DMA_MAPS    1024
#define VFU_MAX_JSON        4096              /* version data, NUL included */
#define VFU_PGSIZES         4096u
/* Largest message either side accepts: a full data transfer plus headers. */
#define VFU_MAX_MSG_SIZE    (VFU_HDR_SIZE + VFU_REGION_ACCESS_SIZE + \
			     VFU_MAX_DATA_XFER)

struct vfu_hdr {
	uint16_t msg_id;
	uint16_t cmd;
	uint32_t size;      /* whole message, header included */
	uint32_t flags;
	uint32_t error;     /* errno of an error reply */
};

/* Negotiated or advertised capabilities (JSON "capabilities" object). */
struct vfu_caps {
	uint64_t max_msg_fds;          /* default 1 */
	uint64_t max_data_xfer_size;   /* default 1 MiB */
	uint64_t max_dma_maps;         /* default 65535 */
	uint64_t pgsizes;              /* default 4096 */
	bool twin_socket;              /* twin_socket.supported */
	bool write_multiple;
	bool process_vm;               /* VFU_CAP_PROCESS_VM (private) */
	bool posted_write;             /* VFU_CAP_POSTED_WRITE (private) */
};

/*
 * ccwpass's private capability (a boolean; proposed by the client, echoed
 * true by a server that accepts it). Once negotiated, a DMA_MAP without an
 * fd carries in "offset" the client's virtual address of the range (0:
 * none), and the server may access the range with process_vm_readv /
 * process_vm_writev instead of DMA_READ / DMA_WRITE (docs/protocol.md).
 */
#define VFU_CAP_PROCESS_VM  "ccwpass.process_vm"

/*
 * ccwpass's private capability (a boolean, proposed by the client and
 * echoed true by a server whose device accepts it). Once negotiated, a
 * REGION_WRITE sent with VFU_F_NO_REPLY is a posted write: the server
 * gives it to the device's region_post op, sends nothing back, and the
 * device reports what came of it its own way - vfio-ccw's io region (a
 * START SUBCHANNEL) with an IRB, as QEMU would for the errno it replaces
 * (docs/protocol.md "Posted writes").
 */
#define VFU_CAP_POSTED_WRITE "ccwpass.posted_write"

struct vfu_version {
	uint16_t major;
	uint16_t minor;
	const char *json;   /* NUL-terminated JSON or NULL when absent */
	size_t json_len;    /* without the NUL */
};

struct vfu_dma_map {
	uint32_t argsz;
	uint32_t flags;     /* VFU_DMA_READ / VFU_DMA_WRITE */
	uint64_t offset;    /* into the fd; without fd 0, or the client's
			     * vaddr once VFU_CAP_PROCESS_VM is negotiated */
	uint64_t addr;
	uint64_t size;
};

struct vfu_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	uint64_t addr;
	uint64_t size;
};

struct vfu_device_info {
	uint32_t argsz;
	uint32_t flags;     /* VFIO_DEVICE_FLAGS_* */
	uint32_t num_regions;
	uint32_t num_irqs;
};

struct vfu_region_info {
	uint32_t argsz;
	uint32_t flags;     /* VFIO_REGION_INFO_FLAG_* */
	uint32_t index;
	uint32_t cap_offset;
	uint64_t size;
	uint64_t offset;
};

struct vfu_irq_info {
	uint32_t argsz;
	uint32_t flags;     /* VFIO_IRQ_INFO_* */
	uint32_t index;
	uint32_t count;
};

struct vfu_irq_set {
	uint32_t argsz;
	uint32_t flags;     /* one VFIO_IRQ_SET_DATA_* | one ACTION_* */
	uint32_t index;
	uint32_t start;
	uint32_t count;
	const uint8_t *bools;   /* DATA_BOOL: count bytes */
};

/* REGION_READ / REGION_WRITE requests and replies. */
struct vfu_region_access {
	uint64_t offset;
	uint32_t region;
	uint32_t count;
	const uint8_t *data;    /* write request / read reply, else NULL */
};

/* DMA_READ / DMA_WRITE requests and replies. */
struct vfu_dma_access {
	uint64_t addr;
	uint64_t count;
	const uint8_t *data;    /* write request / read reply, else NULL */
};

/* One decoded message; which member is valid follows hdr.cmd and type. */
struct vfu_msg {
	struct vfu_hdr hdr;
	union {
		struct vfu_version version;
		struct vfu_dma_map dma_map;
		struct vfu_dma_unmap dma_unmap;
		struct vfu_device_info device_info;
		struct vfu_region_info region_info;
		struct vfu_irq_info irq_info;
		struct vfu_irq_set irq_set;
		struct vfu_region_access region;
		struct vfu_dma_access dma;
	} u;
};

/* Header. decode: -EINVAL for a size below 16, a type other than command /
 * reply, or unknown flag bits; -EMSGSIZE for a size above max_size. */
void vfu_hdr_encode(uint8_t *p, const struct vfu_hdr *h);
int vfu_hdr_decode(const uint8_t *p, size_t max_size, struct vfu_hdr *h);

static inline bool vfu_hdr_is_reply(const struct vfu_hdr *h)
{
	return (h->flags & VFU_F_TYPE_MASK) == VFU_F_TYPE_REPLY;
}

/*
 * Decode a whole message (header included, len == hdr.size) that arrived
 * with nfds file descriptors. Checks sizes, flags and the fd count each
 * message allows; semantic checks (indexes, ranges) are left to the user.
 * Returns 0, -EINVAL (malformed), -EOPNOTSUPP (command not implemented).
 */
int vfu_msg_decode(const uint8_t *buf, size_t len, size_t nfds,
		   struct vfu_msg *m);

/* Payload encoders: write the fixed part at p, return its size. */
size_t vfu_version_encode(uint8_t *p, uint16_t major, uint16_t minor);
size_t vfu_dma_map_encode(uint8_t *p, const struct vfu_dma_map *m);
size_t vfu_dma_unmap_encode(uint8_t *p, const struct vfu_dma_unmap *m);
size_t vfu_device_info_encode(uint8_t *p, const struct vfu_device_info *m);
size_t vfu_region_info_encode(uint8_t *p, const struct vfu_region_info *m);
size_t vfu_irq_info_encode(uint8_t *p, const struct vfu_irq_info *m);
size_t vfu_irq_set_encode(uint8_t *p, const struct vfu_irq_set *m);
size_t vfu_region_access_encode(uint8_t *p, const struct vfu_region_access *m);
size_t vfu_dma_access_encode(uint8_t *p, const struct vfu_dma_access *m);

/* Payload decoders for replies (len = payload bytes). 0 or -EINVAL. */
int vfu_device_info_decode(const uint8_t *p, size_t len,
			   struct vfu_device_info *m);
int vfu_region_info_decode(const uint8_t *p, size_t len,
			   struct vfu_region_info *m);
int vfu_irq_info_decode(const uint8_t *p, size_t len, struct vfu_irq_info *m);
int vfu_region_access_decode(const uint8_t *p, size_t len,
			     struct vfu_region_access *m);
int vfu_dma_access_decode(const uint8_t *p, size_t len,
			  struct vfu_dma_access *m);
int vfu_version_decode(const uint8_t *p, size_t len, struct vfu_version *m);

/*
 * Region capability chains (struct vfio_info_cap_header: id, version, next;
 * "next" counts from the start of the region info). A capability is given
 * by its id, version and body (bytes after the 8-byte header).
 */
struct vfu_region_cap {
	uint16_t id;
	uint16_t version;
	const uint8_t *body;
	uint32_t body_len;
};

/* Bytes vfu_caps_encode() needs (each cap 8-byte aligned). */
size_t vfu_caps_size(const struct vfu_region_cap *caps, unsigned n);
/* Encode caps at p, which lies base bytes after the region info start. */
void vfu_caps_encode(uint8_t *p, uint32_t base,
		     const struct vfu_region_cap *caps, unsigned n);
/*
 * Find capability id in a region info reply (info = the whole payload,
 * starting with the 32-byte region info). Walks at most 64 links, rejects
 * loops and out-of-bounds links. Returns the capability's offset in info or
 * -ENOENT / -EINVAL.
 */
int vfu_caps_find(const uint8_t *info, size_t len, uint16_t id);

/* JSON capability text (vfu_json.c). encode returns the length without the
 * NUL or -ENOSPC; parse returns 0 or -EINVAL and starts from defaults. */
int vfu_caps_encode_json(char *buf, size_t size, const struct vfu_caps *c);
int vfu_caps_parse_json(const char *json, size_t len, struct vfu_caps *c);
void vfu_caps_default(struct vfu_caps *c);

const char *vfu_cmd_name(uint16_t cmd);

#endif
