/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may use an image (src/image/ckd_lock.h), and who may read it:
 * volumes are made 0600; as root, the lock lives where no other user can
 * reach, so a user who can read an image (one shared on purpose) and holds
 * a lock on it - OFD or flock, as the issue 8 review did - cannot stop a
 * daemon from opening it; one image under two names is one lock; lock
 * files do not pile up.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "image/ckd_lock.h"
#include "image_test.h"

#define NOBODY 65534

static char *dir, *path;

static int setup(void **state)
{
	dir = it_mkdtemp();
	path = it_path(dir, "vol.cckd");
	it_create(path, 3, CKD_IMAGE_CCKD, CKD_INIT_CDL);
	return 0;
}

static int teardown(void **state)
{
	free(path);
	it_rmdir(dir);
	return 0;
}

static bool root(void)
{
	if (geteuid() == 0)
		return true;
	if (getenv("CI") && !strcmp(getenv("CI"), "true"))
		fail_msg("CI runs as root: the lock directory needs it");
	printf("SKIP: needs root (the lock directory)\n");
	return false;
}

static void test_created_private(void **state)
{
	char *plain = it_path(dir, "vol.ckd");
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	it_create(plain, 2, CKD_IMAGE_PLAIN, CKD_INIT_BLANK);
	assert_int_equal(stat(plain, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(plain);
}

/*
 * A user who may read the image (it was shared on purpose) holds an OFD
 * read lock and a flock on it: the writer opens it all the same. The
 * user's process cannot reach the lock directory.
 */
static void test_user_cannot_block(void **state)
{
	int ready[2], go[2], status;
	char lockfile[128], c;
	struct ckd_image *img;
	struct stat st;
	pid_t pid;

	if (!root())
		return;
	assert_int_equal(stat(path, &st), 0);
	snprintf(lockfile, sizeof(lockfile), "%s/%llx-%llx.lock", CKD_LOCK_DIR,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		int fd, lfd;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		fd = open(path, O_RDONLY);
		if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) < 0)
			_exit(3);
		if (flock(open(path, O_RDONLY), LOCK_SH | LOCK_NB) < 0)
			_exit(4);
		lfd = open(lockfile, O_RDONLY);
		if (lfd >= 0 || (errno != EACCES && errno != ENOENT))
			_exit(5);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(6);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	img = ckd_image_open(path, 0, &(struct error){ 0 });
	assert_non_null(img);
	ckd_image_close(img);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/* One image under two names (a hard link; bind mounts alike): one lock,
 * which names the writer. */
static void test_one_inode_one_lock(void **state)
{
	char *other = it_path(dir, "same.cckd");
	struct error err = { 0 };
	struct ckd_image *a;
	char want[64];

	assert_int_equal(link(path, other), 0);
	a = ckd_image_open(path, 0, &err);
	assert_non_null(a);
	assert_null(ckd_image_open(other, CKD_OPEN_RDONLY, &err));
	assert_int_equal(err.errnum, EBUSY);
	assert_non_null(strstr(err.msg, "image is in use by another process"));
	if (geteuid() == 0) {
		snprintf(want, sizeof(want), "pid %d)", (int)getpid());
		assert_non_null(strstr(err.msg, want));
	}
	ckd_image_close(a);
	a = ckd_image_open(other, 0, &err);
	assert_non_null(a);
	ckd_image_close(a);
	free(other);
}

/* The last holder removes the lock file, a reader as well as a writer. */
static void test_no_lock_files_left(void **state)
{
	struct ckd_image *a, *b;
	char lockfile[128];
	struct stat st;

	if (!root())
		return;
	assert_int_equal(stat(path, &st), 0);
	snprintf(lockfile, sizeof(lockfile), "%s/%llx-%llx.lock", CKD_LOCK_DIR,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	a = ckd_image_open(path, 0, &(struct error){ 0 });
	assert_non_null(a);
	assert_int_equal(stat(lockfile, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	ckd_image_close(a);
	assert_int_equal(access(lockfile, F_OK), -1);
	a = ckd_image_open(path, CKD_OPEN_RDONLY, &(struct error){ 0 });
	b = ckd_image_open(path, CKD_OPEN_RDONLY, &(struct error){ 0 });
	assert_non_null(a);
	assert_non_null(b);
	ckd_image_close(a);
	assert_int_equal(access(lockfile, F_OK), 0);   /* b holds it */
	ckd_image_close(b);
	assert_int_equal(access(lockfile, F_OK), -1);
	assert_int_equal(stat(CKD_LOCK_DIR, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_created_private, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_user_cannot_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_one_inode_one_lock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_lock_files_left, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
