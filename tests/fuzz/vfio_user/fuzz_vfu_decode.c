/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer: vfio-user bytes -> decoded message or error. The first byte
 * says how many fds "arrived" with the message (0..3); the rest is one
 * message. The same bytes also go through the version / JSON decoder, the
 * region capability walker and the reply decoders.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vfio_user/vfu_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfu_device_info di;
	struct vfu_region_info ri;
	struct vfu_irq_info ii;
	struct vfu_region_access ra;
	struct vfu_dma_access da;
	struct vfu_version v;
	struct vfu_caps caps;
	struct vfu_msg m;
	uint8_t *copy;
	size_t nfds;

	if (size < 1)
		return 0;
	nfds = data[0] & 3;
	data++;
	size--;
	/* An exact-size heap copy so over-reads are caught. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);

	if (vfu_msg_decode(copy, size, nfds, &m) == 0 &&
	    m.hdr.cmd == VFU_CMD_VERSION && m.u.version.json)
		vfu_caps_parse_json(m.u.version.json, m.u.version.json_len,
				    &caps);
	vfu_caps_parse_json((const char *)copy, size, &caps);
	if (vfu_version_decode(copy, size, &v) == 0 && v.json &&
	    strlen(v.json) != v.json_len)
		abort();
	vfu_caps_find(copy, size, (uint16_t)(size & 0xffff));
	vfu_caps_find(copy, size, 2);
	vfu_device_info_decode(copy, size, &di);
	vfu_region_info_decode(copy, size, &ri);
	vfu_irq_info_decode(copy, size, &ii);
	if (vfu_region_access_decode(copy, size, &ra) == 0 && ra.data &&
	    ra.data + ra.count != copy + size)
		abort();
	if (vfu_dma_access_decode(copy, size, &da) == 0 && da.data &&
	    da.data + da.count != copy + size)
		abort();
	free(copy);
	return 0;
}
