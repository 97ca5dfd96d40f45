/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The private mount namespace with the view at /sys (mount_namespaces(7),
 * mount(2): MS_PRIVATE propagation, MS_BIND|MS_REC, MS_MOVE).
 *
 * /sys itself cannot take new entries, so a tmpfs is built aside (at
 * <runtime>/.ns, inside the new namespace only): every real top-level entry
 * is bind-mounted (recursively, keeping cgroup, debugfs, ... mounts) or, for
 * bus/, class/, devices/, kernel/ and module/, recreated with each real child
 * bind-mounted plus the view's children. Where both have a child of the
 * same name the view's wins. The tmpfs is then made read-only and moved
 * over /sys. Entries the kernel adds later inside the bound directories
 * appear as usual; the view's own directories are live as well.
 */
#include "sysfs/sysfs_ns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/log.h"

#define FUSE_SUPER_MAGIC 0x65735546

/* The real /sys directories that get the view's children added. */
static const char *const merged[] = {
	"bus", "class", "devices", "kernel", "module",
};

const char *sysfs_ns_runtime_dir(const char *option)
{
	const char *env = getenv(SYSFS_NS_RUNTIME_ENV);

	if (option && *option)
		return option;
	if (env && *env)
		return env;
	return SYSFS_NS_RUNTIME_DIR;
}

int sysfs_ns_check_daemon(const char *runtime_dir, pid_t *pid,
			  struct error *err)
{
	char path[PATH_MAX], lock[PATH_MAX], text[32] = "";
	bool other = strcmp(runtime_dir, SYSFS_NS_RUNTIME_DIR) != 0;
	struct statfs sfs;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", runtime_dir, SYSFS_NS_PIDFILE);
	snprintf(lock, sizeof(lock), "%s/%s", runtime_dir, SYSFS_NS_LOCKFILE);
	fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno != ENOENT)
		return error_setf(err, errno, "cannot tell whether ccwpassd "
				  "runs: %s: %s%s", lock, strerror(errno),
				  errno == EACCES ? " (root only)" : "");
	/* The daemon holds an exclusive lock for its whole life. */
	if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB) == 0) {
		bool stale = access(path, F_OK) == 0;

		if (fd >= 0)
			close(fd);
		if (stale)
			return error_setf(err, ESRCH, "ccwpassd is not running "
					  "(stale %s)", path);
		return error_setf(err, ESRCH,
				  "ccwpassd is not running (no %s; start it with "
				  "'ccwpassd%s%s')", path,
				  other ? " --runtime-dir " : "",
				  other ? runtime_dir : "");
	}
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0 && pid)
		*pid = (pid_t)strtol(text, NULL, 10);
	snprintf(path, sizeof(path), "%s/%s", runtime_dir, SYSFS_NS_SYS);
	if (statfs(path, &sfs) < 0 || sfs.f_type != FUSE_SUPER_MAGIC)
		return error_setf(err, ENOENT,
				  "ccwpassd is starting or stopping: %s is not "
				  "mounted yet", path);
	return 0;
}

static int join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Make dst (inside the tmpfs) a copy of src: bind mount or same symlink. */
static int replicate(const char *dst, const char *src, struct error *err)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (lstat(src, &st) < 0)
		return 0;   /* vanished meanwhile */
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return 0;
		target[n] = '\0';
		if (symlink(target, dst) < 0)
			return error_setf(err, errno, "symlink %s: %s", dst,
					  strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(dst, st.st_mode & 07777) < 0)
			return error_setf(err, errno, "mkdir %s: %s", dst,
					  strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, st.st_mode & 07777);
		if (fd < 0)
			return error_setf(err, errno, "create %s: %s", dst,
					  strerror(errno));
		close(fd);
	} else {
		return 0;
	}
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return error_setf(err, errno, "bind %s on %s: %s", src, dst,
				  strerror(errno));
	return 0;
}

static bool has_entry(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return join(path, dir, name) == 0 && lstat(path, &st) == 0;
}

static bool skip_name(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

static bool is_merged(const char *name)
{
	for (size_t i = 0; i < sizeof(merged) / sizeof(*merged); i++)
		if (!strcmp(name, merged[i]))
			return true;
	return false;
}

struct dir_iter {
	DIR *dir;
	const char *path;
};

/* Next entry name of it (skipping . and ..), or NULL at the end. */
static const char *next_name(struct dir_iter *it)
{
	struct dirent *e;

	while ((e = readdir(it->dir)))
		if (!skip_name(e->d_name))
			return e->d_name;
	return NULL;
}

static int open_dir(struct dir_iter *it, const char *path, struct error *err)
{
	it->path = path;
	it->dir = opendir(path);
	if (!it->dir)
		return error_setf(err, errno, "open %s: %s", path,
				  strerror(errno));
	return 0;
}

/* Every entry of the view's directory v into dst. */
static int fill_view(const char *dst, const char *v, struct error *err)
{
	char s[PATH_MAX], d[PATH_MAX];
	struct dir_iter it;
	const char *name;
	int ret = open_dir(&it, v, err);

	while (ret == 0 && (name = next_name(&it))) {
		if (join(s, v, name) < 0 || join(d, dst, name) < 0)
			ret = error_setf(err, ENAMETOOLONG, "path too long in %s",
					 v);
		else
			ret = replicate(d, s, err);
	}
	if (it.dir)
		closedir(it.dir);
	return ret;
}

/*
 * Every entry of the real directory r into dst. At the top, the merged
 * directories are rebuilt from r's and the view's children; below, an
 * entry the view also has is left to the view.
 */
static int fill_real(const char *dst, const char *r, const char *v, bool top,
		     struct error *err)
{
	char s[PATH_MAX], d[PATH_MAX], w[PATH_MAX];
	struct dir_iter it;
	const char *name;
	int ret = open_dir(&it, r, err);

	while (ret == 0 && (name = next_name(&it))) {
		if (join(s, r, name) < 0 || join(d, dst, name) < 0 ||
		    join(w, v, name) < 0) {
			ret = error_setf(err, ENAMETOOLONG, "path too long in %s",
					 r);
			break;
		}
		if (top && is_merged(name) && has_entry(v, name)) {
			if (mkdir(d, 0755) < 0)
				ret = error_setf(err, errno, "mkdir %s: %s", d,
						 strerror(errno));
			if (ret == 0)
				ret = fill_real(d, s, w, false, err);
			if (ret == 0)
				ret = fill_view(d, w, err);
		} else if (!top && has_entry(v, name)) {
			log_msg(LOG_INFO, "namespace: the view's %s hides %s", w,
				s);
		} else {
			ret = replicate(d, s, err);
		}
	}
	if (it.dir)
		closedir(it.dir);
	return ret;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* mdevctl's self-check wants these; driverctl creates its own dir. */
static int etc_dirs(const char *etc, struct error *err)
{
	static const char *const dirs[] = {
		"mdevctl.d/scripts.d/callouts",
		"mdevctl.d/scripts.d/notifiers",
		"driverctl.d",
	};
	char path[PATH_MAX];
	int ret;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (join(path, etc, dirs[i]) < 0)
			return error_setf(err, ENAMETOOLONG, "%s: path too long",
					  etc);
		ret = mkdir_p(path, 0755);
		if (ret < 0)
			return error_setf(err, -ret, "mkdir %s: %s", path,
					  strerror(-ret));
	}
	return 0;
}

static int bind_etc(const char *etc, struct error *err)
{
	static const char *const dirs[] = { "mdevctl.d", "driverctl.d" };
	char src[PATH_MAX], dst[PATH_MAX];
	int ret;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		join(src, etc, dirs[i]);
		join(dst, "/etc", dirs[i]);
		ret = mkdir_p(dst, 0755);
		if (ret < 0)
			return error_setf(err, -ret, "mkdir %s: %s", dst,
					  strerror(-ret));
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			return error_setf(err, errno, "bind %s on %s: %s", src,
					  dst, strerror(errno));
	}
	return 0;
}

/* Undo mountinfo's octal escapes (\040 for a blank, ...) in place. */
static void unescape_mountinfo(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/*
 * Nothing mounted in the new namespace may propagate back. Normally one
 * recursive MS_PRIVATE on / does it; in a chroot (or a container whose
 * root is not a mount point) that is EINVAL, so every mount the process
 * can see is made private one by one instead.
 */
static int make_mounts_private(struct error *err)
{
	char line[4096], mp[PATH_MAX];
	FILE *f;
	int n = 0;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return error_setf(err, errno, "make / private: %s",
				  strerror(errno));
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return error_setf(err, errno, "/ is not a mount point (chroot?) "
				  "and /proc/self/mountinfo is unreadable: %s",
				  strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		/* id parent major:minor root mount-point options ... */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		unescape_mountinfo(mp);
		if (mount(NULL, mp, NULL, MS_PRIVATE, NULL) == 0)
			n++;
	}
	fclose(f);
	if (!n)
		return error_setf(err, EINVAL, "cannot make any mount private "
				  "(/ is not a mount point)");
	log_msg(LOG_DEBUG, "/ is not a mount point: made %d mounts private", n);
	return 0;
}

/*
 * The daemon's VFIO group nodes at /dev/vfio, where the kernel's would be
 * (ls, chown, libvirt look there; the preload library answers the opens).
 * /dev/vfio is made if missing, as loading vfio would.
 */
static int bind_vfio_nodes(const char *runtime_dir, struct error *err)
{
	char nodes[PATH_MAX];
	struct stat st;

	if (snprintf(nodes, sizeof(nodes), "%s/%s", runtime_dir,
		     SYSFS_NS_VFIO_NODES) >= (int)sizeof(nodes) ||
	    stat(nodes, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;                 /* a daemon without them */
	if (mkdir("/dev/vfio", 0755) < 0 && errno != EEXIST)
		return error_setf(err, errno, "mkdir /dev/vfio: %s",
				  strerror(errno));
	if (mount(nodes, "/dev/vfio", NULL, MS_BIND, NULL) < 0)
		return error_setf(err, errno, "bind %s on /dev/vfio: %s", nodes,
				  strerror(errno));
	return 0;
}

int sysfs_ns_enter(const struct sysfs_ns_options *opt, struct error *err)
{
	const char *etc = opt->etc_dir && *opt->etc_dir ? opt->etc_dir : "/etc";
	char view[PATH_MAX], stage[PATH_MAX];
	int ret;

	if (join(view, opt->runtime_dir, SYSFS_NS_SYS) < 0 ||
	    join(stage, opt->runtime_dir, ".ns") < 0)
		return error_setf(err, ENAMETOOLONG, "%s: path too long",
				  opt->runtime_dir);
	ret = etc_dirs(etc, err);
	if (ret < 0)
		return ret;
	if (mkdir(stage, 0700) < 0 && errno != EEXIST)
		return error_setf(err, errno, "mkdir %s: %s", stage,
				  strerror(errno));
	if (unshare(CLONE_NEWNS) < 0)
		return error_setf(err, errno,
				  "cannot make a mount namespace: %s (needs root)",
				  strerror(errno));
	ret = make_mounts_private(err);
	if (ret < 0)
		return ret;
	if (mount("ccwpass-sys", stage, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=1m") < 0)
		return error_setf(err, errno, "tmpfs on %s: %s", stage,
				  strerror(errno));
	ret = fill_real(stage, "/sys", view, true, err);
	if (ret < 0)
		return ret;
	if (mount(NULL, stage, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID |
		  MS_NODEV | MS_NOEXEC, NULL) < 0)
		return error_setf(err, errno, "remount %s read-only: %s", stage,
				  strerror(errno));
	if (mount(stage, "/sys", NULL, MS_MOVE, NULL) < 0)
		return error_setf(err, errno, "move %s to /sys: %s", stage,
				  strerror(errno));
	ret = bind_vfio_nodes(opt->runtime_dir, err);
	if (ret < 0)
		return ret;
	if (strcmp(etc, "/etc"))
		return bind_etc(etc, err);
	return 0;
}
