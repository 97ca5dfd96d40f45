/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the 3390/3990 command processor: the input is a
 * volume format byte followed by channel programs of (command, flags,
 * count, data) CCWs, executed through the channel subsystem (CSS_F_SYNC,
 * flat memory; tests/unit/dasd/harness_css.c) against a 2-cylinder memory
 * volume. Looks for crashes, hangs, leaks and undefined behaviour.
 *
 * CCW encoding: cmd, flags (CD/CC/SLI/SKIP/IDA only), count (big-endian
 * 16 bits, at most 9000), then up to count data bytes. A TIC (cmd 08) may
 * only go forward, or back to a Search ID directly before it: the loops
 * the IPL programs use, which end when the record is found or not found.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/byteorder.h"
#include "common/log.h"
#include "harness.h"
#include "image/ckd_image.h"

#define MAX_CCWS     24
#define MAX_PROGRAMS 8
#define MAX_COUNT    9000
#define FLAG_MASK    0xf4   /* CD, CC, SLI, SKIP, IDA */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_search(uint8_t cmd)
{
	uint8_t base = cmd & 0x7f;

	return base == 0x31 || base == 0x51 || base == 0x71;
}

/* Parse one program; returns the CCWs used, 0 at the end of the input. */
static int parse_program(const uint8_t **data, size_t *size, struct tccw *p)
{
	int n = 0;

	while (n < MAX_CCWS && *size >= 4) {
		struct tccw *c = &p[n];
		size_t take;

		c->cmd = (*data)[0];
		c->flags = (*data)[1] & FLAG_MASK;
		c->count = ld_be16(*data + 2) % (MAX_COUNT + 1);
		*data += 4;
		*size -= 4;
		c->data = NULL;
		if (c->cmd == H_TIC) {
			/* forward, or back onto the Search just before it */
			if (n > 0 && is_search(p[n - 1].cmd) && (c->count & 1))
				c->count = (uint16_t)(n - 1);
			else
				c->count = (uint16_t)(n + 1 + c->count % 3);
			c->flags = 0;
		} else if (c->count) {
			c->data = calloc(1, c->count);
			if (!c->data)
				abort();
			take = *size < c->count ? *size : c->count;
			memcpy(c->data, *data, take);
			*data += take;
			*size -= take;
		}
		n++;
		if (c->cmd != H_TIC && !(c->flags & (H_CC | 0x80)))
			break;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ckd_geometry geo = {
		.devtype = 0x3390, .cyls = 2, .heads = 15, .trksize = 56832,
	};
	struct tccw prog[MAX_CCWS];
	struct ckd_image *img;
	struct harness *h;
	struct tresult res;
	struct error err;

	log_set_level(LOG_EMERG);
	if (size < 1)
		return 0;
	img = ckd_image_new_mem(&geo, (enum ckd_null_format)(data[0] % 3), &err);
	if (!img)
		return 0;
	h = h_new(img, 0x0001, 0x01);
	if (!h)
		return 0;
	data++;
	size--;
	for (int i = 0; i < MAX_PROGRAMS; i++) {
		int n = parse_program(&data, &size, prog);

		if (!n)
			break;
		h_set_csense(h, i != 3);
		h_run(h, prog, n, (i & 1) ? 0x40 : 0x80, &res);
		for (int j = 0; j < n; j++)
			if (prog[j].cmd != H_TIC)
				free(prog[j].data);
	}
	h_free(h);
	return 0;
}
