/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio-user client against the real ccwpassd binary: the daemon runs
 * on a temporary runtime directory with a small inventory; the test binds
 * the subchannel to vfio_ccw and creates the mdev by writing the daemon's
 * sysfs view (as the seed's manual procedure does), then drives the mdev
 * over its socket as QEMU 7.2 does: Linux's bring-up programs, 4 KB block
 * writes and reads, HSCH, STSCH, CRWs on a path varied through the view,
 * and the REQ interrupt when the mdev is removed while in use.
 *
 * Needs root and /dev/fuse (skips otherwise); CCWPASSD names the binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio_ccw.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_wait.h"
#include "common/byteorder.h"
#include "vcc_live.h"

#define UUID "2f1c54b8-4a3e-4c59-9d0e-6b7a8c9d0e1f"
#define SCH  "0.0.0313"
#define CE_DE VL_CE_DE

struct fix {
	char dir[256];
	char rt[320];
	pid_t pid;
	struct vl_guest g;
	int held_fd;              /* a view file kept open over the stop */
};

static void pathf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < size);
}

/* One write(2) of s into the daemon's view; returns 0 or -errno. */
static int view_write(struct fix *f, const char *rel, const char *s)
{
	char path[512];
	ssize_t n;
	int fd;

	pathf(path, sizeof(path), "%s/sys/%s", f->rt, rel);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

/* The first line of a view file, or "" (with errno) if it cannot be read. */
static void view_read(struct fix *f, const char *rel, char *buf, size_t size)
{
	char path[512];
	FILE *fp;

	buf[0] = '\0';
	pathf(path, sizeof(path), "%s/sys/%s", f->rt, rel);
	fp = fopen(path, "r");
	if (!fp)
		return;
	if (!fgets(buf, (int)size, fp))
		buf[0] = '\0';
	fclose(fp);
}

static bool view_exists(struct fix *f, const char *rel)
{
	char path[512];

	pathf(path, sizeof(path), "%s/sys/%s", f->rt, rel);
	return access(path, F_OK) == 0;
}

/* Bounded wait for a condition the daemon makes true (never a measure). */
static bool wait_until(bool (*cond)(struct fix *, const char *), struct fix *f,
		       const char *arg)
{
	return TEST_WAIT_UNTIL(cond(f, arg));
}

static int setup(void **state)
{
	static const char inv[] =
		"[subchannel " SCH "]\n"
		"devno = 0.0.2b09\n"
		"chpids = 1a 2a\n"
		"device = 3390-1\n"
		"cylinders = 20\n"
		"image = vol.cckd\n"
		"volser = 0X2B09\n"
		"create = cdl\n";
	const char *daemon = getenv("CCWPASSD");
	struct fix *f = calloc(1, sizeof(*f));
	char conf[320], etc[320], sock[512];
	FILE *fp;

	assert_non_null(f);
	assert_non_null(daemon);
	f->held_fd = -1;
	vl_tmpdir(f->dir, sizeof(f->dir));
	pathf(conf, sizeof(conf), "%s/inventory.conf", f->dir);
	pathf(etc, sizeof(etc), "%s/etc", f->dir);
	pathf(f->rt, sizeof(f->rt), "%s/rt", f->dir);
	assert_int_equal(mkdir(etc, 0755), 0);
	fp = fopen(conf, "w");
	assert_non_null(fp);
	fputs(inv, fp);
	fclose(fp);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		execl(daemon, daemon, "-f", "-c", conf, "-r", f->rt, "-e", etc,
		      "--mdevctl", "none", "-l", "warning",
		      /* a VMM that holds an mdev is never cut off here */
		      "--release-timeout", "3600000", (char *)NULL);
		_exit(127);
	}
	assert_true(wait_until((bool (*)(struct fix *, const char *))view_exists,
			       f, "bus/css/devices/" SCH));
	/* The seed's manual procedure, against the view. */
	assert_int_equal(view_write(f, "bus/css/devices/" SCH "/driver/unbind", SCH), 0);
	assert_int_equal(view_write(f, "bus/css/drivers/vfio_ccw/bind", SCH), 0);
	assert_int_equal(view_write(f, "bus/css/devices/" SCH
		"/mdev_supported_types/vfio_ccw-io/create", UUID "\n"), 0);
	pathf(sock, sizeof(sock), "%s/vfio-user/%s.sock", f->rt, UUID);
	assert_int_equal(vl_guest_connect(&f->g, sock, VL_MEMFD), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	int status = 0;

	if (f->g.mem)
		assert_true(vl_guest_canary_ok(&f->g));
	vl_guest_close(&f->g);
	kill(f->pid, SIGTERM);
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	if (f->held_fd >= 0)
		close(f->held_fd);
	vl_rmdir(f->dir);
	free(f);
	/* The daemon exits cleanly after SIGTERM, mdevs and all. */
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}

static void test_bringup_and_block_io(void **state)
{
	struct fix *f = *state;
	struct vl_guest *g = &f->g;
	uint8_t *b = g->mem + VL_BUF;
	struct css_irb irb;

	vl_ccw1(g, VL_PROG, 0xe4, CCW_FLAG_SLI, 40, VL_BUF);
	vl_run(g, VL_ORB_LINUX, VL_PROG, &irb);
	assert_true(vl_final_ok(&irb, VL_PROG + 8, 40 - 12));
	assert_memory_equal(b, ((uint8_t[]){ 0xff, 0x39, 0x90, 0xe9, 0x33, 0x90,
					     0x0e, 0x00, 0x40, 0xfa, 0x01, 0x00 }), 12);
	vl_ccw1(g, VL_PROG, 0x64, 0, 64, VL_BUF);
	vl_run(g, VL_ORB_LINUX, VL_PROG, &irb);
	assert_true(vl_final_ok(&irb, VL_PROG + 8, 0));
	assert_int_equal(ld_be16(b + 12), 20);          /* the inventory's cylinders */
	vl_ccw1(g, VL_PROG, 0xfa, 0, 256, VL_BUF);
	vl_run(g, VL_ORB_LINUX, VL_PROG, &irb);
	assert_true(vl_final_ok(&irb, VL_PROG + 8, 0));
	assert_int_equal(b[0] & 0xc0, 0xc0);
	/* 8 x 4 KB written and read back with each addressing form. */
	assert_int_equal(vl_write_read(g, 2, 1, VL_DIRECT, VL_IDA2_4K, 11), 0);
	assert_int_equal(vl_write_read(g, 7, 5, VL_IDA1_2K, VL_FMT0, 12), 0);
}

static void test_halt_schib_crw(void **state)
{
	struct fix *f = *state;
	struct vl_guest *g = &f->g;
	struct css_schib schib;
	struct css_crw crw;
	struct css_irb irb;

	/* A NOP + TIC loop runs until the guest halts it. */
	vl_ccw1(g, VL_PROG, 0x03, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
	vl_ccw1(g, VL_PROG + 8, CCW_CMD_TIC, 0, 0, VL_PROG);
	assert_int_equal(vl_ssch(g, VL_ORB_LINUX, 0, VL_PROG), 124);
	vl_wait_running(g);
	assert_int_equal(vl_async(g, VFIO_CCW_ASYNC_CMD_HSCH), 8);
	assert_int_equal(vl_wait_irb(g, &irb), 0);
	assert_int_equal(irb.scsw.ctrl & SCSW_CTRL_FCTL,
			 SCSW_FCTL_START | SCSW_FCTL_HALT);
	assert_true(irb.scsw.ctrl & SCSW_STCTL_STATUS_PEND);

	/* STSCH: both paths available; vary 2a off through the view. */
	assert_int_equal(vl_schib(g, &schib), 0);
	assert_int_equal(schib.pmcw.pam, 0xc0);
	assert_int_equal(view_write(f, "devices/css0/chp0.2a/status", "off"), 0);
	assert_int_equal(vl_wait(g, g->crw_efd, VL_WAIT_MS), 0);
	assert_int_equal(vl_crw(g, &crw), 0);
	assert_int_equal(crw.rsc, CRW_RSC_CHP);
	assert_int_equal(crw.erc, CRW_ERC_PERRN);
	assert_int_equal(crw.rsid, 0x2a);
	assert_int_equal(vl_crw(g, &crw), -ENOENT);      /* empty reads 0 */
	assert_int_equal(vl_schib(g, &schib), 0);
	assert_int_equal(schib.pmcw.pam, 0x80);
	assert_int_equal(view_write(f, "devices/css0/chp0.2a/status", "on"), 0);
	assert_int_equal(vl_wait(g, g->crw_efd, VL_WAIT_MS), 0);
	assert_int_equal(vl_crw(g, &crw), 0);
	assert_int_equal(crw.erc, CRW_ERC_INIT);
}

static bool gone(struct fix *f, const char *rel)
{
	return !view_exists(f, rel);
}

struct remover {
	struct fix *f;
	int ret;
	int done;                 /* atomic */
};

static void *remove_mdev(void *arg)
{
	struct remover *r = arg;

	/* Like the kernel's, this write returns once the mdev is gone. */
	r->ret = view_write(r->f, "bus/mdev/devices/" UUID "/remove", "1");
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

struct reader {
	struct fix *f;
	char pim[64], mdev_type[64];
	int done;                 /* atomic */
};

static void *read_view(void *arg)
{
	struct reader *r = arg;

	view_read(r->f, "bus/css/devices/" SCH "/pimpampom", r->pim,
		  sizeof(r->pim));
	view_read(r->f, "bus/mdev/devices/" UUID "/mdev_type/name", r->mdev_type,
		  sizeof(r->mdev_type));
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * A file of the view still open when the daemon stops (a process in a
 * `ccwpass run` namespace): the aborted FUSE connection never sends its
 * release; the daemon frees it with the view and exits 0 - under ASan,
 * LeakSanitizer would otherwise fail the exit (seen under load).
 */
static void test_view_file_open_at_stop(void **state)
{
	struct fix *f = *state;
	char path[512], buf[64];

	pathf(path, sizeof(path), "%s/sys/bus/css/devices/" SCH "/pimpampom",
	      f->rt);
	f->held_fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(f->held_fd >= 0);
	assert_true(read(f->held_fd, buf, sizeof(buf)) > 0);
}

static void test_remove_in_use(void **state)
{
	struct fix *f = *state;
	struct vl_guest *g = &f->g;
	struct remover r = { .f = f, .ret = 1 };
	struct reader rd = { .f = f };
	pthread_t t, t2;

	/* Removing the mdev while the "VMM" uses it asks for it back (REQ);
	 * the VMM lets go (QEMU unplugs the device), the removal completes
	 * and the mdev and its socket disappear. */
	assert_int_equal(pthread_create(&t, NULL, remove_mdev, &r), 0);
	assert_int_equal(vl_wait(g, g->req_efd, VL_WAIT_MS), 0);
	/* Meanwhile the view answers (the removal blocks nobody else), and
	 * still shows the mdev. */
	assert_int_equal(pthread_create(&t2, NULL, read_view, &rd), 0);
	assert_true(TEST_WAIT_UNTIL(__atomic_load_n(&rd.done, __ATOMIC_SEQ_CST)));
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_string_equal(rd.pim, "c0 c0 ff\n");
	assert_string_equal(rd.mdev_type, "I/O subchannel (Non-QDIO)\n");
	assert_false(__atomic_load_n(&r.done, __ATOMIC_SEQ_CST));
	vl_guest_close(g);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.ret, 0);
	assert_true(wait_until(gone, f, "bus/mdev/devices/" UUID));
	assert_true(view_exists(f, "bus/css/drivers/vfio_ccw/" SCH));
	assert_int_equal(view_write(f, "bus/css/devices/" SCH
		"/mdev_supported_types/vfio_ccw-io/create", UUID), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bringup_and_block_io, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_halt_schib_crw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_file_open_at_stop,
						setup, teardown),
	};

	if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK)) {
		printf("SKIP: needs root and /dev/fuse\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
