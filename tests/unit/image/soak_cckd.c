/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CCKD soak test (suite 'soak', not run by default): long random write
 * workloads against one CCKD volume (docs/image-format.md "How ccwpass
 * writes a CCKD file").
 *
 *  - random tracks get random contents (Linux 12 x 4096 blocks of random
 *    bytes, the incompressible case guests write; compressible records;
 *    random record layouts; the null tracks), with a sync every few
 *    writes and a close / reopen now and then; every track is compared
 *    with a model after each reopen;
 *  - the file must not grow without bound: after each close its size
 *    stays within twice the header's "used" bytes;
 *  - Hercules' cckdcdsk -3 finds nothing wrong (when installed);
 *  - process kills: a child writes and syncs until SIGKILL at a random
 *    moment; every track must then read as of the last completed sync or
 *    as of the sync in progress, and the file must open read-write.
 *
 * Usage: soak_cckd [ROUNDS] (default 40; each round some 400 writes).
 * SOAK_SEED (environment, default 1) selects the write sequence; where the
 * kills land depends on timing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "image/ckd_image.h"
#include "image/ckd_track.h"
#include "image_test.h"

#define CYLS 40                      /* 600 tracks: three L2 groups */
#define TRKS (CYLS * 15)

/* What a track holds: kind + seed regenerate the image. */
struct desc {
	uint32_t kind;
	uint32_t seed;
};

enum { K_NULL_LINUX, K_NULL_R0, K_LINUX_RANDOM, K_LINUX_TEXT, K_RECORDS,
       K_RECORDS_TEXT, K_KINDS };

static unsigned int rounds = 40;
static uint32_t rng;
static char *dir, *path;
static uint8_t buf[CKD_MAX_TRACK_SIZE];

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static size_t make(uint8_t *out, uint32_t trk, struct desc d)
{
	struct ckd_geometry geo = it_geo(CYLS);
	uint16_t cyl = (uint16_t)(trk / 15), head = (uint16_t)(trk % 15);
	static uint8_t block[CKD_LINUX_BLOCK_SIZE];
	struct ckd_track_builder b;
	uint32_t s = d.seed | 1;

	switch (d.kind) {
	case K_NULL_LINUX:
		return ckd_track_null(out, CKD_MAX_TRACK_SIZE, cyl, head,
				      CKD_NULL_LINUX);
	case K_NULL_R0:
		return ckd_track_null(out, CKD_MAX_TRACK_SIZE, cyl, head,
				      CKD_NULL_R0);
	case K_LINUX_RANDOM:
	case K_LINUX_TEXT:
		ckd_track_begin(&b, out, CKD_MAX_TRACK_SIZE, cyl, head);
		for (unsigned int r = 1; r <= CKD_LINUX_BLOCKS; r++) {
			for (size_t i = 0; i < sizeof(block); i++) {
				s = s * 1103515245u + 12345u;
				block[i] = d.kind == K_LINUX_TEXT ?
					   (uint8_t)("soak "[i % 5] + r) :
					   (uint8_t)(s >> 16);
			}
			ckd_track_add(&b, (uint8_t)r, NULL, 0, block,
				      sizeof(block));
		}
		return ckd_track_finish(&b);
	default:
		return it_track(out, CKD_MAX_TRACK_SIZE, &geo, trk, d.seed,
				d.kind == K_RECORDS_TEXT);
	}
}

static struct desc random_desc(void)
{
	/* Mostly the guest's 4 KB blocks, random data first. */
	static const uint32_t mix[] = {
		K_LINUX_RANDOM, K_LINUX_RANDOM, K_LINUX_RANDOM, K_LINUX_TEXT,
		K_RECORDS, K_RECORDS_TEXT, K_NULL_LINUX, K_NULL_R0,
	};

	return (struct desc){ mix[rnd() % 8], rnd() };
}

/* The image as a fresh CDL volume reads before any write. */
static struct desc initial(uint32_t trk)
{
	(void)trk;
	return (struct desc){ K_NULL_LINUX, 0 };
}

static bool track_is(struct ckd_image *img, uint32_t trk, struct desc d)
{
	static uint8_t want[CKD_MAX_TRACK_SIZE];

	return it_track_equals(img, trk, want, make(want, trk, d));
}

static uint64_t file_size(void)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static uint32_t header_le32(uint64_t off)
{
	size_t n;
	uint8_t *f = it_read_file(path, &n);
	uint32_t v;

	assert_true(off + 4 <= n);
	v = (uint32_t)f[off] | (uint32_t)f[off + 1] << 8 |
	    (uint32_t)f[off + 2] << 16 | (uint32_t)f[off + 3] << 24;
	free(f);
	return v;
}

static void cckdcdsk_clean(void)
{
	static bool have = true, asked;
	char *out;
	int rc;

	if (!asked) {
		have = it_have_tool("cckdcdsk");
		asked = true;
	}
	if (!have)
		return;
	rc = it_run(&out, "cckdcdsk -3 -ro '%s'", path);
	if (rc != 0 || strstr(out, "HHC"))
		fail_msg("cckdcdsk (rc %d):\n%s", rc, out);
	free(out);
}

static struct ckd_image *open_rw(void)
{
	struct error err = { 0 };
	struct ckd_image *img = ckd_image_open(path, 0, &err);

	if (!img)
		fail_msg("open: %s", err.msg);
	return img;
}

static int setup(void **state)
{
	const char *seed = getenv("SOAK_SEED");

	(void)state;
	rng = seed ? (uint32_t)strtoul(seed, NULL, 0) : 1;
	if (!rng)
		rng = 1;
	dir = it_mkdtemp();
	path = it_path(dir, "soak.cckd");
	it_create(path, CYLS, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(path);
	it_rmdir(dir);
	return 0;
}

/* Tracks 0 and 1 keep the CDL labels; everything else is fair game. */
static uint32_t random_track(void)
{
	return 2 + rnd() % (TRKS - 2);
}

static void test_random_writes(void **state)
{
	static struct desc model[TRKS];
	struct ckd_image *img;
	uint64_t used, biggest = 0, worst = 0;

	(void)state;
	for (uint32_t t = 2; t < TRKS; t++)
		model[t] = initial(t);
	img = open_rw();
	for (unsigned int r = 0; r < rounds; r++) {
		unsigned int writes = 100 + rnd() % 600;

		for (unsigned int i = 0; i < writes; i++) {
			uint32_t t = random_track();
			struct desc d = random_desc();

			assert_int_equal(ckd_image_write_track(img, t, buf,
							       make(buf, t, d)), 0);
			model[t] = d;
			if (rnd() % 8 == 0)
				assert_int_equal(ckd_image_sync(img), 0);
		}
		if (rnd() % 3)
			continue;
		ckd_image_close(img);
		/* The header's "used": what the tables reference (compressed
		   lengths, tables, headers). The rest is free or imbedded. */
		used = header_le32(512 + 16);
		if (file_size() > biggest)
			biggest = file_size();
		if (file_size() * 100 / used > worst)
			worst = file_size() * 100 / used;
		if (file_size() > 2 * used + 256 * 1024)
			fail_msg("round %u: file of %ju bytes, %ju used", r,
				 (uintmax_t)file_size(), (uintmax_t)used);
		cckdcdsk_clean();
		img = open_rw();
		for (uint32_t t = 2; t < TRKS; t++)
			if (!track_is(img, t, model[t]))
				fail_msg("round %u: track %u differs", r, t);
	}
	ckd_image_close(img);
	cckdcdsk_clean();
	fprintf(stderr, "soak: %u rounds, largest file %ju bytes, at most "
		"%ju%% of the bytes in use\n", rounds, (uintmax_t)biggest,
		(uintmax_t)worst);
}

/* Shared with the child: what each track holds durably / is becoming. */
struct shared {
	struct desc committed[TRKS];
	struct desc pending[TRKS];
	volatile uint32_t syncs;
};

static void child_writes(struct shared *sh, uint32_t seed)
{
	struct ckd_image *img;
	struct error err = { 0 };

	rng = seed;
	img = ckd_image_open(path, 0, &err);
	if (!img)
		_exit(2);
	for (;;) {
		unsigned int writes = 1 + rnd() % 40;

		for (unsigned int i = 0; i < writes; i++) {
			uint32_t t = random_track();
			struct desc d = random_desc();

			sh->pending[t] = d;
			if (ckd_image_write_track(img, t, buf, make(buf, t, d)))
				_exit(3);
		}
		if (ckd_image_sync(img))
			_exit(4);
		for (uint32_t t = 2; t < TRKS; t++)
			sh->committed[t] = sh->pending[t];
		sh->syncs++;
	}
}

static void test_kill_while_writing(void **state)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	(void)state;
	assert_true(sh != MAP_FAILED);
	for (uint32_t t = 2; t < TRKS; t++)
		sh->committed[t] = sh->pending[t] = initial(t);
	for (unsigned int k = 0; k < rounds; k++) {
		struct timespec ts = { 0, (long)(rnd() % 200) * 1000000L };
		uint32_t seed = rnd() | 1;
		struct ckd_image *img;
		int status;
		pid_t pid;

		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			child_writes(sh, seed);
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			fail_msg("child ended with status %d", status);
		img = open_rw();
		for (uint32_t t = 2; t < TRKS; t++) {
			if (track_is(img, t, sh->committed[t]))
				continue;
			if (!track_is(img, t, sh->pending[t]))
				fail_msg("kill %u: track %u is neither as "
					 "synced nor as being synced", k, t);
			sh->committed[t] = sh->pending[t];
		}
		/* What is on disk now is the truth for the next child. */
		for (uint32_t t = 2; t < TRKS; t++)
			sh->pending[t] = sh->committed[t];
		ckd_image_close(img);
		if (k % 8 == 7)
			cckdcdsk_clean();
	}
	cckdcdsk_clean();
	munmap(sh, sizeof(*sh));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_writes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kill_while_writing, setup,
						teardown),
	};

	if (argc > 1)
		rounds = (unsigned int)strtoul(argv[1], NULL, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
