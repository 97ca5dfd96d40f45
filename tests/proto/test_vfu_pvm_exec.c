/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process_vm follows a program, not a pid (issue 8, point 3). A client
 * negotiates "ccwpass.process_vm", declares memory, hands its socket to a
 * child and execs another program - the same user's, or a setuid-root one
 * (a QEMU that dropped privileges and was then taken over). The server,
 * this root process, then writes device data to the declared range: not
 * one byte may land in the new program, which maps the very same address
 * and checks it; the child, who holds the socket now, gets the data by
 * message. And a client that is not root gets direct access to its own
 * memory, with no privilege of the server's lent to it.
 *
 * The client and the new program are this binary, exec'd in a role
 * (--client, --victim), so they start clean of this process's threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/byteorder.h"
#include "common/error.h"
#include "vfio_user/vfu_client.h"
#include "vfio_user/vfu_server.h"
#include "vfu_testdev.h"

#define NOBODY   65534
#define RAM      ((void *)0x3f0000000000ull)   /* same address in both */
#define RAM_SIZE 4096u
#define IOVA     0x100000u
#define RW       (VFU_DMA_READ | VFU_DMA_WRITE)

/* ---- the roles (exec'd processes: no cmocka, exit codes) ---- */

static uint8_t *map_ram(uint8_t fill)
{
	uint8_t *p = mmap(RAM, RAM_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			  -1, 0);

	if (p != RAM)
		return NULL;
	memset(p, fill, RAM_SIZE);
	return p;
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static int td_cmd(struct vfu_client *c, uint32_t op, uint32_t len,
		  uint64_t iova)
{
	uint8_t cmd[TD_CMD_SIZE];

	st_he32(cmd, op);
	st_he32(cmd + 4, len);
	st_he64(cmd + 8, iova);
	return vfu_client_region_write(c, 1, 0, cmd, sizeof(cmd));
}

/*
 * --victim READY GO: the program the client became. It maps the declared
 * address itself, says so, waits, and exits 0 only if nothing wrote it.
 */
static int victim(int ready, int go)
{
	uint8_t *ram = map_ram(0x22);
	char c;

	if (!ram)
		return 20;
	if (write(ready, "v", 1) != 1 || read(go, &c, 1) != 1)
		return 21;
	return all(ram, RAM_SIZE, 0x22) ? 0 : 22;
}

/*
 * --client SOCK MODE READY GO [VICTIM]: negotiate, declare RAM. MODE
 * "direct": move data both ways and check that no message was needed.
 * MODE "exec": fork a child that keeps the socket and answers messages,
 * then exec VICTIM --victim READY GO.
 */
static int client(const char *sock, const char *mode, int ready, int go,
		  const char *victim_path)
{
	struct vfu_client_opts o = { .process_vm = true };
	struct error err = { 0 };
	struct vfu_client *c;
	uint8_t *ram = map_ram(0x11), back[64];
	char r[16], g[16];
	pid_t keeper;

	if (!ram)
		return 10;
	if (vfu_client_connect_opts(sock, &o, &c, &err) < 0) {
		fprintf(stderr, "client: %s\n", err.msg);
		return 11;
	}
	if (!vfu_client_process_vm(c))
		return 12;
	if (vfu_client_dma_map(c, IOVA, RAM_SIZE, RW, -1, 0, ram) < 0)
		return 13;
	if (!strcmp(mode, "direct")) {
		/* The device reads our 0x11s and writes them back shifted. */
		memset(back, 0x44, sizeof(back));
		if (vfu_client_region_write(c, 0, 0, back, 64) != 64 ||
		    td_cmd(c, TD_DMA_WRITE, 64, IOVA + 100) != TD_CMD_SIZE ||
		    td_cmd(c, TD_DMA_READ, 64, IOVA) != TD_CMD_SIZE ||
		    vfu_client_region_read(c, 0, 0, back, 64) != 64)
			return 14;
		if (!all(ram + 100, 64, 0x44) || !all(back, 64, 0x11) ||
		    !all(ram, 100, 0x11))
			return 15;
		return vfu_client_dma_requests(c) == 0 ? 0 : 16;
	}
	keeper = fork();
	if (keeper < 0)
		return 17;
	if (keeper == 0) {
		/* Holds the socket now: answers what the server asks. */
		while (vfu_client_service(c, -1) >= 0)
			;
		_exit(0);
	}
	snprintf(r, sizeof(r), "%d", ready);
	snprintf(g, sizeof(g), "%d", go);
	execl(victim_path, victim_path, "--victim", r, g, (char *)NULL);
	return 18;
}

/* ---- the tests ---- */

struct fix {
	char dir[256];
	char sock[300];
	char self[512];
	struct testloop tl;
	struct testdev dev;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	ssize_t n;

	assert_non_null(f);
	if (geteuid() != 0) {
		printf("SKIP: needs root (the server; clients as another user)\n");
		free(f);
		return -1;
	}
	n = readlink("/proc/self/exe", f->self, sizeof(f->self) - 1);
	assert_true(n > 0);
	tmpdir_make(f->dir, sizeof(f->dir));
	assert_int_equal(chmod(f->dir, 0755), 0);
	snprintf(f->sock, sizeof(f->sock), "%s/dev.sock", f->dir);
	testloop_start(&f->tl);
	testdev_start(&f->dev, f->tl.loop, f->sock, 0);
	/* Access granted on purpose to the other user of these tests. */
	assert_int_equal(chmod(f->sock, 0666), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	testdev_stop(&f->dev);
	testloop_stop(&f->tl);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Fork and exec this binary as --client, as uid (0 or NOBODY). */
static pid_t spawn_client(struct fix *f, uid_t uid, const char *mode,
			  int ready, int go, const char *victim_path)
{
	char r[16], g[16];
	pid_t pid;

	snprintf(r, sizeof(r), "%d", ready);
	snprintf(g, sizeof(g), "%d", go);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (uid && (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
			_exit(9);
		execl(f->self, f->self, "--client", f->sock, mode, r, g,
		      victim_path ? victim_path : f->self, (char *)NULL);
		_exit(9);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static struct vfu_dma_stats stats(struct fix *f)
{
	struct vfu_dma_stats st;

	vfu_server_dma_stats(f->dev.srv, &st);
	return st;
}

/* A client that is not root: direct access to its own memory. */
static void test_nonroot_direct(void **state)
{
	struct fix *f = *state;
	pid_t pid = spawn_client(f, NOBODY, "direct", -1, -1, NULL);

	assert_int_equal(wait_exit(pid), 0);
	assert_true(stats(f).pvm_copies >= 2);
	assert_int_equal(stats(f).messages, 0);
}

/* The client execs victim_path after handing its socket on; the device
 * then writes the declared range. */
static void exec_case(struct fix *f, uid_t uid, const char *victim_path)
{
	uint8_t data[RAM_SIZE];
	struct vfu_dma_stats st;
	int ready[2], go[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = spawn_client(f, uid, "exec", ready[1], go[0], victim_path);
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);    /* the victim is up */
	assert_true(stats(f).process_vm);
	memset(data, 0x33, sizeof(data));
	/* Nothing for the new program; the keeper of the socket is asked by
	 * message and answers. */
	assert_int_equal(vfu_dma_write(f->dev.srv, IOVA, data, RAM_SIZE), 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(wait_exit(pid), 0);           /* untouched */
	st = stats(f);
	assert_false(st.process_vm);
	assert_int_equal(st.pvm_copies, 0);
	assert_true(st.messages >= 1);
	close(ready[0]);
	close(go[1]);
}

static void test_exec_same_user(void **state)
{
	exec_case(*state, NOBODY, NULL);
}

static void test_exec_root_client(void **state)
{
	exec_case(*state, 0, NULL);
}

/* A client that is not root execs a setuid-root program. */
static void test_exec_setuid(void **state)
{
	struct fix *f = *state;
	char victim[600], cmd[1400];

	snprintf(victim, sizeof(victim), "%s/victim", f->dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", f->self, victim);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chown(victim, 0, 0), 0);
	assert_int_equal(chmod(victim, 04755), 0);
	exec_case(f, NOBODY, victim);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nonroot_direct, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec_same_user, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec_root_client, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec_setuid, setup,
						teardown),
	};

	if (argc == 4 && !strcmp(argv[1], "--victim"))
		return victim(atoi(argv[2]), atoi(argv[3]));
	if (argc == 7 && !strcmp(argv[1], "--client"))
		return client(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]),
			      argv[6]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
