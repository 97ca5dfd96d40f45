/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tape drive's state across restarts of ccwpassd (src/tape/tape_state.h):
 * the record's text both ways and what it refuses; the file (empty, saved,
 * unchanged saves skipped, left 0600 and ours); a drive on the real
 * channel subsystem saving after each program and each load or unload;
 * a new drive mounted from the state going on at the same block, and a
 * tape that changed meanwhile refused (-ESTALE).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/error.h"
#include "cp_util.h"
#include "css/css_arch.h"
#include "css/css_device.h"
#include "harness.h"
#include "image/aws_tape.h"
#include "tape/tape.h"
#include "tape/tape_state.h"

#define CE_DE (DEV_STAT_CHN_END | DEV_STAT_DEV_END)

static char dir[64], tape[96], statef[96];

static int setup(void **state)
{
	struct error err = { 0 };

	(void)state;
	snprintf(dir, sizeof(dir), "%s/ccwpass-tstate-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(tape, sizeof(tape), "%s/t.aws", dir);
	snprintf(statef, sizeof(statef), "%s/0.0.0330.state", dir);
	assert_int_equal(aws_tape_create(tape, true, false, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(tape);
	unlink(statef);
	rmdir(dir);
	return 0;
}

static struct tape_state *example(void)
{
	static struct tape_state s;

	memset(&s, 0, sizeof(s));
	strcpy(s.inv_tape, "/var/lib/ccwpass/0580.aws");
	strcpy(s.tape, "/srv/odd\\name\nwith a newline.het");
	s.readonly = true;
	s.block = 4000000000u;
	s.offset = 123456789012345ull;
	s.mode = 0xc3;
	return &s;
}

static void test_text_round_trip(void **state)
{
	char buf[TAPE_STATE_TEXT];
	struct tape_state back, empty;
	size_t n;

	(void)state;
	n = tape_state_format(example(), buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "tape /srv/odd\\\\name\\nwith a newline.het\n"));
	assert_non_null(strstr(buf, "\nmode c3\nend\n"));
	assert_int_equal(tape_state_parse(buf, n, &back), 0);
	assert_memory_equal(&back, example(), sizeof(back));
	/* What follows "end" (an older, longer record) is not read. */
	memcpy(buf + n, "junk\n", 5);
	assert_int_equal(tape_state_parse(buf, n + 5, &back), 0);
	/* An empty drive. */
	empty = *example();
	empty.tape[0] = '\0';
	n = tape_state_format(&empty, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\ntape \n"));
	assert_int_equal(tape_state_parse(buf, n, &back), 0);
	assert_string_equal(back.tape, "");
	/* Too small a buffer: 0, never a cut record. */
	assert_int_equal(tape_state_format(example(), buf, 40), 0);
}

static int parse_text(const char *text)
{
	struct tape_state s;

	return tape_state_parse(text, strlen(text), &s);
}

static void test_text_refused(void **state)
{
	char buf[TAPE_STATE_TEXT];
	struct tape_state s;
	size_t n;

	(void)state;
	n = tape_state_format(example(), buf, sizeof(buf));
	/* Cut anywhere before its end: not a record. */
	for (size_t cut = 0; cut < n; cut += 7)
		assert_int_equal(tape_state_parse(buf, cut, &s), -EINVAL);
	assert_int_equal(parse_text(""), -EINVAL);
	assert_int_equal(parse_text("ccwpass tape state 2\nend\n"), -EINVAL);
	assert_int_equal(parse_text("ccwpass tape state 1\nend\n"), -EINVAL);
#define REC(inv_ro, blk, off, mode, extra)                                 \
	"ccwpass tape state 1\ninventory-tape /a\ninventory-readonly "     \
	inv_ro "\ntape /b\nreadonly 0\nblock " blk "\noffset " off         \
	"\nmode " mode "\n" extra "end\n"
	assert_int_equal(parse_text(REC("0", "1", "2", "00", "")), 0);
	assert_int_equal(parse_text(REC("2", "1", "2", "00", "")), -EINVAL);
	assert_int_equal(parse_text(REC("0", "4294967296", "2", "00", "")),
			 -EINVAL);
	assert_int_equal(parse_text(REC("0", "-1", "2", "00", "")), -EINVAL);
	assert_int_equal(parse_text(REC("0", "", "2", "00", "")), -EINVAL);
	assert_int_equal(parse_text(REC("0", "1", "9223372036854775808", "00",
					 "")), -EINVAL);
	assert_int_equal(parse_text(REC("0", "1", "2", "0", "")), -EINVAL);
	assert_int_equal(parse_text(REC("0", "1", "2", "0g", "")), -EINVAL);
	assert_int_equal(parse_text(REC("0", "1", "2", "00", "block 1\n")),
			 -EINVAL);                       /* twice */
	assert_int_equal(parse_text(REC("0", "1", "2", "00", "color red\n")),
			 -EINVAL);                       /* unknown key */
	assert_int_equal(parse_text("ccwpass tape state 1\ninventory-tape "
				    "/a\\x\n"), -EINVAL);  /* bad escape */
#undef REC
}

static void test_file(void **state)
{
	struct tape_state_file *f;
	struct tape_state back, empty;
	struct error err = { 0 };
	struct stat st;

	(void)state;
	f = tape_state_file_open(statef, &err);
	assert_non_null(f);
	assert_int_equal(stat(statef, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(tape_state_file_read(f, &back), 0);   /* empty */
	assert_int_equal(tape_state_file_save(f, example()), 0);
	assert_int_equal(tape_state_file_read(f, &back), 1);
	assert_memory_equal(&back, example(), sizeof(back));
	/* A shorter record over a longer one reads as itself. */
	empty = *example();
	empty.tape[0] = '\0';
	assert_int_equal(tape_state_file_save(f, &empty), 0);
	assert_int_equal(tape_state_file_read(f, &back), 1);
	assert_string_equal(back.tape, "");
	/* The same state again is not written: the file is left alone. */
	assert_int_equal(truncate(statef, 1), 0);
	assert_int_equal(tape_state_file_save(f, &empty), 0);
	assert_int_equal(tape_state_file_read(f, &back), -EINVAL);
	tape_state_file_close(f);

	/* Left with another mode: made root's alone again. */
	assert_int_equal(chmod(statef, 0644), 0);
	f = tape_state_file_open(statef, &err);
	assert_non_null(f);
	assert_int_equal(stat(statef, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	tape_state_file_close(f);
	/* A symlink put in its place is not followed. */
	unlink(statef);
	assert_int_equal(symlink(tape, statef), 0);
	assert_null(tape_state_file_open(statef, &err));
	assert_non_null(strstr(err.msg, "0.0.0330.state"));
}

/* A drive writing through the channel subsystem saves after each
 * program; a new drive mounted from that state reads on from there. */
static void test_drive_saves_and_goes_on(void **state)
{
	uint8_t mode = 0xc3, rec[3] = "abc", buf[8];
	struct tape_config cfg = { .type = 0x3490, .inv_tape = tape };
	struct error err = { 0 };
	struct tape_state_file *f;
	struct tape_state st;
	struct css_device *dev;
	struct harness *h;
	struct tresult r;
	struct tccw p[2] = {
		t_ccw(0xdb, H_CC, 1, &mode),
		t_ccw(0x01, 0, sizeof(rec), rec),
	};
	struct tccw rd = t_ccw(0x02, 0, sizeof(buf), buf);

	(void)state;
	cfg.tape = aws_tape_open(tape, false, &err);
	cfg.state = tape_state_file_open(statef, &err);
	assert_non_null(cfg.tape);
	assert_non_null(cfg.state);
	dev = tape_device_new(&cfg, &err);
	assert_non_null(dev);
	h = h_new_dev(dev);
	assert_non_null(h);

	f = tape_state_file_open(statef, &err);    /* a reader's view */
	assert_non_null(f);
	assert_int_equal(tape_state_file_read(f, &st), 1);   /* at creation */
	assert_string_equal(st.inv_tape, tape);
	assert_string_equal(st.tape, tape);
	assert_int_equal(st.block, 0);
	for (int i = 0; i < 3; i++) {
		rec[0] = (uint8_t)('a' + i);
		assert_int_equal(h_run(h, p, 2, 0x80, &r), 0);
		assert_int_equal(r.dstat, CE_DE);
		assert_int_equal(tape_state_file_read(f, &st), 1);
		assert_int_equal(st.block, i + 1);
		assert_int_equal(st.mode, 0xc3);
	}
	assert_int_equal(st.offset, 3 * (6 + 3));
	/* The operator's unload and load are saved too. */
	assert_int_equal(dev->ops->media(dev, NULL, false, &err), 0);
	assert_int_equal(tape_state_file_read(f, &st), 1);
	assert_string_equal(st.tape, "");
	assert_true(dev->ops->media(dev, tape, true, &err) > 0);
	assert_int_equal(tape_state_file_read(f, &st), 1);
	assert_string_equal(st.tape, tape);
	assert_true(st.readonly);
	assert_int_equal(st.block, 0);
	assert_int_equal(dev->ops->media(dev, NULL, false, &err), 0);
	assert_int_equal(dev->ops->media(dev, tape, false, &err),
			 DEV_STAT_ATTENTION | DEV_STAT_DEV_END |
			 DEV_STAT_UNIT_EXCEP);
	/* Two blocks on, as a guest that spaced over them. */
	assert_int_equal(h_run(h, &rd, 1, 0x80, &r), 0);
	assert_int_equal(h_run(h, &rd, 1, 0x80, &r), 0);
	assert_int_equal(tape_state_file_read(f, &st), 1);
	assert_int_equal(st.block, 2);
	h_free(h);                     /* the daemon ends */

	/* The next daemon's drive: at block 2, the third record next. */
	cfg = (struct tape_config){ .type = 0x3490, .inv_tape = tape };
	assert_int_equal(tape_state_mount(&st, &cfg.tape, &err), 0);
	assert_non_null(cfg.tape);
	assert_int_equal(aws_tape_block_id(cfg.tape), 2);
	cfg.mode = st.mode;
	dev = tape_device_new(&cfg, &err);
	h = h_new_dev(dev);
	assert_non_null(h);
	assert_int_equal(h_run(h, &rd, 1, 0x80, &r), 0);
	assert_int_equal(r.dstat, CE_DE);
	assert_memory_equal(buf, "c", 1);
	h_free(h);

	/* The file changed meanwhile (cut short): not mounted there. */
	assert_int_equal(truncate(tape, 6 + 3), 0);
	assert_int_equal(tape_state_mount(&st, &cfg.tape, &err), -ESTALE);
	assert_null(cfg.tape);
	assert_non_null(strstr(err.msg, "block 2"));
	/* An empty drive mounts nothing. */
	st.tape[0] = '\0';
	assert_int_equal(tape_state_mount(&st, &cfg.tape, &err), 0);
	assert_null(cfg.tape);
	tape_state_file_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_round_trip),
		cmocka_unit_test(test_text_refused),
		cmocka_unit_test_setup_teardown(test_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drive_saves_and_goes_on,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
