/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccwpassd: the host. Builds the channel subsystem from the inventory,
 * puts the driver core over it (io_subchannel built in, vfio_ccw
 * registered), applies driverctl's saved overrides, probes, serves the
 * sysfs view at <runtime>/sys and runs until SIGTERM/SIGINT; then unbinds
 * everything (mdevs in use get the REQ interrupt), unmounts and exits 0.
 * docs/daemon.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bus/bus.h"
#include "common/log.h"
#include "css/css.h"
#include "daemon/dirs.h"
#include "daemon/host.h"
#include "daemon/logging.h"
#include "daemon/notify.h"
#include "daemon/nsexec.h"
#include "daemon/overrides.h"
#include "daemon/pidfile.h"
#include "daemon/reload.h"
#include "daemon/uevent.h"
#include "daemon/vcc_driver.h"
#include "daemon/vfio_nodes.h"
#include "inventory/inventory.h"
#include "sysfs/sysfs.h"
#include "sysfs/sysfs_ns.h"
#include "vfio_ccw/vcc_trace.h"

#define DEFAULT_CONFIG    "/etc/ccwpass/inventory.conf"
#define DEFAULT_IMAGE_DIR "/var/lib/ccwpass"
#define FUSE_SUPER_MAGIC  0x65735546
#define SETTLE_MS         30000   /* mdevctl autostart before READY */

struct options {
	const char *config;
	const char *runtime_dir;
	const char *etc_dir;
	const char *trace;
	const char *mdevctl;
	const char *image_dir;
	int release_timeout_ms;
	enum log_target log_target;
	bool foreground;
	char trace_abs[PATH_MAX];
	bool check;
};

struct daemon {
	struct options opt;
	struct inventory inv;
	struct pidfile *pid;
	struct css *css;
	struct bus *bus;
	struct vcc_options vopt;
	struct uevent_runner *uev;
	struct vfio_nodes *nodes;
	struct sysfs_tree *tree;
	struct sysfs_mount *mnt;
	bool detached;
	unsigned long reloads;             /* reload.status sequence */
	char sockets[PATH_MAX];
	char tapes[PATH_MAX];         /* tape drives' states (tape_state.h) */
	char mountpoint[PATH_MAX];
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ccwpassd [OPTIONS]\n"
"\n"
"The ccwpass host: a software channel subsystem with 3390 DASDs, vfio_ccw\n"
"mediated devices served over vfio-user, and a /sys view for driverctl,\n"
"mdevctl and QEMU (reach it with 'ccwpass run').\n"
"\n"
"  -c, --config FILE       inventory (default " DEFAULT_CONFIG "; when that\n"
"                          file is absent: the built-in inventory with\n"
"                          images under " DEFAULT_IMAGE_DIR ")\n"
"  -r, --runtime-dir DIR   sysfs view, sockets, pid file (default\n"
"                          $" SYSFS_NS_RUNTIME_ENV " or " SYSFS_NS_RUNTIME_DIR ")\n"
"  -e, --etc-dir DIR       where driverctl.d/ and mdevctl.d/ are (default /etc)\n"
"  -f, --foreground        do not detach (as a Type=notify service does)\n"
"  -t, --trace FILE        trace guest channel programs and IRBs to FILE\n"
"  -l, --log-level LEVEL   emerg alert crit err warning notice (default)\n"
"                          info debug, or 0-7\n"
"  -L, --log-target T      auto (default), stderr, journal or syslog\n"
"      --mdevctl PROGRAM   run for MDEV_STATE=registered (default mdevctl;\n"
"                          'none' disables mdev autostart)\n"
"      --release-timeout MS  wait for a VMM to release a removed mdev\n"
"      --check             only read and check the inventory, then exit\n"
"                          (0: it would load; 1: why not)\n"
"  -h, --help              this text\n"
"  -V, --version           version\n");
}


static int parse_ms(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > INT_MAX)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* path made absolute (the file itself may not exist yet); -1 with errno. */
static int absolute_path(const char *path, char *out, size_t size)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (realpath(path, real)) {
		if (strlen(real) >= size)
			return errno = ENAMETOOLONG, -1;
		strcpy(out, real);
		return 0;
	}
	if (n >= sizeof(dir))
		return errno = ENAMETOOLONG, -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (!realpath(slash ? (n ? dir : "/") : ".", real))
		return -1;
	if (snprintf(out, size, "%s/%s", strcmp(real, "/") ? real : "",
		     slash ? slash + 1 : path) >= (int)size)
		return errno = ENAMETOOLONG, -1;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_MDEVCTL = 256, OPT_RELEASE, OPT_CHECK };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "etc-dir", required_argument, NULL, 'e' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "trace", required_argument, NULL, 't' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "log-target", required_argument, NULL, 'L' },
		{ "mdevctl", required_argument, NULL, OPT_MDEVCTL },
		{ "release-timeout", required_argument, NULL, OPT_RELEASE },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, level;

	o->mdevctl = "mdevctl";
	while ((c = getopt_long(argc, argv, "c:r:e:ft:l:L:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'r': o->runtime_dir = optarg; break;
		case 'e': o->etc_dir = optarg; break;
		case 'f': o->foreground = true; break;
		case 't': o->trace = optarg; break;
		case 'l':
			level = log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "ccwpassd: unknown log level '%s'\n",
					optarg);
				return 2;
			}
			log_set_level(level);
			break;
		case 'L':
			level = log_target_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "ccwpassd: unknown log target "
					"'%s' (auto, stderr, journal, syslog)\n",
					optarg);
				return 2;
			}
			o->log_target = (enum log_target)level;
			break;
		case OPT_MDEVCTL:
			o->mdevctl = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case OPT_RELEASE:
			if (parse_ms(optarg, &o->release_timeout_ms) < 0) {
				fprintf(stderr, "ccwpassd: --release-timeout '%s': "
					"not a number of milliseconds (1-%d)\n",
					optarg, INT_MAX);
				return 2;
			}
			break;
		case OPT_CHECK: o->check = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("ccwpassd " CCWPASS_VERSION "\n"); exit(0);
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ccwpassd: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (o->trace && absolute_path(o->trace, o->trace_abs,
				      sizeof(o->trace_abs)) < 0) {
		fprintf(stderr, "ccwpassd: --trace %s: %s\n", o->trace,
			strerror(errno));
		return 2;
	}
	if (o->trace)
		o->trace = o->trace_abs;
	o->runtime_dir = sysfs_ns_runtime_dir(o->runtime_dir);
	if (!o->etc_dir)
		o->etc_dir = "/etc";
	o->image_dir = DEFAULT_IMAGE_DIR;
	return 0;
}

static int load_inventory_into(struct daemon *d, struct inventory *inv,
			       struct error *err)
{
	struct stat st;
	int ret;

	if (d->opt.config)
		return inventory_load(inv, d->opt.config, err);
	if (stat(DEFAULT_CONFIG, &st) == 0)
		return inventory_load(inv, DEFAULT_CONFIG, err);
	log_msg(LOG_NOTICE, "%s not found: using the built-in inventory "
		"(images under %s)", DEFAULT_CONFIG, d->opt.image_dir);
	/* Guest data is root's alone. */
	ret = dirs_own(d->opt.image_dir, 0700, true, err);
	if (ret < 0)
		return ret;
	return inventory_default(inv, d->opt.image_dir, err);
}

static int load_inventory(struct daemon *d, struct error *err)
{
	return load_inventory_into(d, &d->inv, err);
}

/* --check: what a start or a reload would read, and nothing more. */
static int check_inventory(struct daemon *d)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct error err = { 0 };
	const char *path;
	struct stat st;

	if (!inv) {
		fprintf(stderr, "ccwpassd: out of memory\n");
		return 1;
	}
	path = d->opt.config ? d->opt.config :
	       stat(DEFAULT_CONFIG, &st) == 0 ? DEFAULT_CONFIG : NULL;
	if (path ? inventory_load(inv, path, &err) < 0 :
		   inventory_default(inv, d->opt.image_dir, &err) < 0) {
		fprintf(stderr, "ccwpassd: %s\n", err.msg);
		free(inv);
		return 1;
	}
	printf("%s: %u subchannel%s, %u channel path%s: OK\n",
	       path ? path : "built-in inventory", inv->nschs,
	       inv->nschs == 1 ? "" : "s", inv->nchps,
	       inv->nchps == 1 ? "" : "s");
	free(inv);
	return 0;
}

/* The host's own IOMMU groups keep their numbers. */
static bool host_group_reserved(unsigned int n, void *opaque)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u", n);
	return stat(path, &st) == 0;
}

/* Sockets of a daemon that died; we hold the pid lock, so none is live. */
static void clean_sockets(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 5 && !strcmp(e->d_name + n - 5, ".sock")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	closedir(d);
}

/*
 * The view of a daemon that died (we hold the pid lock, so no live one
 * serves it). Its FUSE connection is gone: statfs() fails with ENOTCONN
 * rather than reporting FUSE, and the mount would make ours fail. Several
 * crashed daemons may have stacked their views.
 */
static void clean_stale_mount(const char *path)
{
	for (int i = 0; i < 64; i++) {
		struct statfs sfs;

		if (statfs(path, &sfs) == 0) {
			if (sfs.f_type != FUSE_SUPER_MAGIC)
				return;
		} else if (errno != ENOTCONN && errno != ECONNABORTED) {
			return;
		}
		log_msg(LOG_NOTICE, "removing the stale view at %s", path);
		if (umount2(path, MNT_DETACH) < 0) {
			log_msg(LOG_WARNING, "stale view at %s: cannot unmount: %s",
				path, strerror(errno));
			return;
		}
	}
}

/* What udev would be told: the group nodes, and mdevctl's autostart. */
static void on_bus_event(const struct bus_event *ev, void *opaque)
{
	struct daemon *d = opaque;

	vfio_nodes_event(d->nodes, ev);
	uevent_post(ev, d->uev);
}

/* While stopping: the nodes go with their mdevs, nothing is started. */
static void on_bus_event_stopping(const struct bus_event *ev, void *opaque)
{
	struct daemon *d = opaque;

	vfio_nodes_event(d->nodes, ev);
}

static int start(struct daemon *d, struct error *err)
{
	struct uevent_options uo = {
		.runtime_dir = d->opt.runtime_dir,
		.etc_dir = strcmp(d->opt.etc_dir, "/etc") ? d->opt.etc_dir : NULL,
		.mdevctl = d->opt.mdevctl,
	};
	struct host_options hopt = { .tape_restore = true };
	int ret;

	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/reload.status", d->opt.runtime_dir);
	unlink(path);              /* a former daemon's sequence */
	ret = load_inventory(d, err);
	if (ret < 0)
		return ret;
	/* Tape drives go on where the last daemon left them. */
	snprintf(d->tapes, sizeof(d->tapes), "%s/tape", d->opt.runtime_dir);
	ret = dirs_own(d->tapes, 0700, true, err);
	if (ret < 0)
		return ret;
	hopt.tape_state_dir = d->tapes;
	d->css = host_build(&d->inv, &hopt, err);
	if (!d->css)
		return -(err->errnum ? err->errnum : EINVAL);
	d->bus = bus_new(d->css, err);
	if (!d->bus)
		return -err->errnum;
	snprintf(d->sockets, sizeof(d->sockets), "%s/%s", d->opt.runtime_dir,
		 SYSFS_NS_SOCKETS);
	/* Only root reaches the sockets (each is 0600 too), also when the
	 * directory was left behind with another mode. */
	ret = dirs_own(d->sockets, 0700, true, err);
	if (ret < 0)
		return ret;
	/* The nodes first: they read the grants the former sockets hold. */
	ret = vfio_nodes_start(d->opt.runtime_dir, d->sockets, d->bus,
			       &d->nodes, err);
	if (ret < 0)
		return ret;
	clean_sockets(d->sockets);
	d->vopt.socket_dir = d->sockets;
	if (d->opt.trace) {
		/* Once here, rather than at every vfio_ccw bind. */
		struct vcc_trace *tr;

		ret = vcc_trace_open(d->opt.trace, &tr, err);
		if (ret < 0)
			return ret;
		vcc_trace_close(tr);
	}
	d->vopt.trace_path = d->opt.trace;
	d->vopt.release_timeout_ms = d->opt.release_timeout_ms;
	d->vopt.authorize = vfio_nodes_authorize;
	d->vopt.authorize_opaque = d->nodes;
	ret = vcc_driver_register(d->bus, &d->vopt, err);
	if (ret < 0)
		return ret;
	bus_set_group_filter(d->bus, host_group_reserved, NULL);
	ret = uevent_start(&uo, &d->uev, err);
	if (ret < 0)
		return ret;
	bus_set_listener(d->bus, on_bus_event, d);
	overrides_apply(d->bus, d->opt.etc_dir);
	bus_probe_all(d->bus);
	d->tree = sysfs_tree_new(d->bus);
	if (!d->tree)
		return error_setf(err, ENOMEM, "sysfs view: out of memory");
	snprintf(d->mountpoint, sizeof(d->mountpoint), "%s/%s",
		 d->opt.runtime_dir, SYSFS_NS_SYS);
	clean_stale_mount(d->mountpoint);
	ret = sysfs_mount(d->tree, d->mountpoint, &d->mnt, err);
	if (ret < 0)
		return ret;
	uevent_resume(d->uev);
	return 0;
}

static void stop(struct daemon *d)
{
	/*
	 * The view still takes writes: detach the runner from the driver
	 * core before freeing it, or a bind racing with the shutdown would
	 * post to freed memory. The group nodes go with their mdevs.
	 */
	if (d->bus)
		bus_set_listener(d->bus, on_bus_event_stopping, d);
	uevent_stop(d->uev);
	d->uev = NULL;
	if (d->bus)
		bus_shutdown(d->bus);
	sysfs_unmount(d->mnt);
	sysfs_tree_free(d->tree);
	if (d->bus)
		bus_set_listener(d->bus, NULL, NULL);
	vfio_nodes_stop(d->nodes);
	d->nodes = NULL;
	bus_free(d->bus);
	if (d->css)
		css_free(d->css);
}

struct in_use {
	unsigned int n;
	char pids[200];
};

static void count_in_use(const struct bus_mdev_info *m, void *opaque)
{
	struct in_use *u = opaque;
	size_t len = strlen(u->pids);

	if (m->holder <= 0)
		return;
	u->n++;
	if (len < sizeof(u->pids) - 16)
		snprintf(u->pids + len, sizeof(u->pids) - len, "%s%d",
			 len ? " " : "", (int)m->holder);
}

/*
 * SIGTERM while QEMUs use mdevs (`systemctl restart`, an upgrade): leave
 * them to the next ccwpassd instead of taking the disks away. Exit as a
 * crash would - every acknowledged write is in the images already
 * (docs/inventory.md "Cache modes"), the sockets close with the process,
 * and QEMU's preload library connects to the next daemon and replays its
 * state (docs/preload.md "When ccwpassd restarts") - but with the view
 * unmounted and the pid file gone. Returns only when nothing is in use.
 */
static void hand_over(struct daemon *d)
{
	struct in_use u = { 0 };

	if (d->bus)
		bus_for_each_mdev(d->bus, count_in_use, &u);
	if (!u.n)
		return;
	log_msg(LOG_NOTICE, "%u mdev%s in use (QEMU pid %s): leaving %s to the "
		"next ccwpassd, which %s QEMU reconnects to (SIGINT takes them "
		"away instead)", u.n, u.n == 1 ? "" : "s", u.pids,
		u.n == 1 ? "it" : "them", u.n == 1 ? "its" : "their");
	uevent_stop(d->uev);
	sysfs_unmount(d->mnt);
	pidfile_release(d->pid);
	_exit(0);
}

/* Background: the parent waits for the child's verdict on a pipe. */
static int daemonize(void)
{
	char msg[600];
	int p[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		setsid();
		return p[1];
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	if (n > 0 && msg[0] == '0')
		exit(0);
	if (n > 1) {
		msg[n] = '\0';
		fprintf(stderr, "ccwpassd: %s\n", msg + 1);
	} else if (n == 1) {
		fprintf(stderr, "ccwpassd: start-up failed\n");
	} else {
		/* It died before reporting (a crash, SIGKILL): say so. */
		fprintf(stderr, "ccwpassd: the daemon (pid %d) exited while "
			"starting\n", (int)pid);
	}
	exit(1);
}

static void report(int fd, const char *msg)
{
	char buf[600];
	int n;

	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%c%s", msg ? '1' : '0', msg ? msg : "");
	if (write(fd, buf, (size_t)n) < 0)
		log_msg(LOG_WARNING, "cannot report to the parent");
	close(fd);
}

/* ccwpassd.log keeps one older generation, ccwpassd.log.1. */
#define LOG_FILE_MAX (4u << 20)

static void detach_output(const char *runtime_dir)
{
	char path[PATH_MAX], old[PATH_MAX + 2];
	struct stat st;
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/ccwpassd.log", runtime_dir);
	snprintf(old, sizeof(old), "%s.1", path);
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > (off_t)LOG_FILE_MAX)
		rename(path, old);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return;
	if (fchmod(fd, 0600) == 0) {      /* root's alone, as the daemon */
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close(fd);
}

/*
 * <runtime>/reload.status (0600): "<sequence> ok|error <message>" of the
 * last reload, for `ccwpass reload` (which sent the SIGHUP and waits for
 * the sequence to move). Replaced atomically.
 */
static void reload_status(struct daemon *d, bool ok, const char *msg)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/reload.status", d->opt.runtime_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	fprintf(f, "%lu %s %s\n", ++d->reloads, ok ? "ok" : "error", msg);
	if (fclose(f) == 0)
		rename(tmp, path);
}

/*
 * The status line of a ready daemon, once mdevctl's autostart is done, as
 * udev-settle orders a real host's boot: what starts after ccwpassd
 * (libvirtd reconnecting to its running domains) finds their mdevs.
 */
static void settle_ready(struct daemon *d, char *status, size_t size)
{
	if (!uevent_settle(d->uev, SETTLE_MS))
		log_msg(LOG_WARNING, "mdevctl autostart still running after "
			"%d s; ready anyway", SETTLE_MS / 1000);
	snprintf(status, size, "ready: %u subchannel%s, view at %s",
		 d->inv.nschs, d->inv.nschs == 1 ? "" : "s", d->mountpoint);
}

/* SIGHUP: the inventory again (docs/operations.md). */
static void reload(struct daemon *d)
{
	struct reload_target t = {
		.cur = &d->inv, .css = d->css, .bus = d->bus,
		.etc_dir = d->opt.etc_dir, .tape_state_dir = d->tapes,
	};
	struct inventory *next = malloc(sizeof(*next));
	struct error err = { 0 };
	char summary[1200], status[PATH_MAX + 64];
	int ret = -ENOMEM;

	notify_reloading();
	if (d->detached)
		detach_output(d->opt.runtime_dir);   /* a rotated log */
	if (!next)
		error_setf(&err, ENOMEM, "out of memory");
	else if ((ret = load_inventory_into(d, next, &err)) == 0)
		ret = reload_apply(&t, next, summary, sizeof(summary), &err);
	if (ret == 0) {
		log_msg(LOG_NOTICE, "inventory reloaded: %s", summary);
		reload_status(d, true, summary);
	} else if (ret > 0) {
		log_msg(LOG_ERR, "inventory %s", err.msg);
		reload_status(d, false, err.msg);
	} else {
		log_msg(LOG_ERR, "inventory not reloaded, nothing changed: %s",
			err.msg);
		reload_status(d, false, err.msg);
	}
	free(next);
	settle_ready(d, status, sizeof(status));
	notify_ready(status);
}

static int wait_for_signal(struct daemon *d)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			return sig;
		reload(d);
	}
}

int main(int argc, char **argv)
{
	static struct daemon d;
	struct error err = { 0 };
	char status[PATH_MAX + 64];
	sigset_t set;
	int notify = -1, ret, sig;

	if (argc > 1 && !strcmp(argv[1], "--ns-exec"))
		return nsexec_main(argc - 1, argv + 1);
	ret = parse_options(argc, argv, &d.opt);
	if (ret)
		return ret;
	if (d.opt.check)
		return check_inventory(&d);
	logging_setup(d.opt.log_target, false);
	if (geteuid() != 0) {
		/* Before anything is created: no runtime directory, lock or
		 * image of a user's own that root would later trip over. */
		fprintf(stderr, "ccwpassd: must run as root (it mounts the sysfs "
			"view with FUSE in its own mount namespace and owns "
			"the guests' volumes); nothing was created\n");
		return 1;
	}
	if (dirs_own(d.opt.runtime_dir, 0755, false, &err) < 0 ||
	    pidfile_acquire(d.opt.runtime_dir, &d.pid, &err) < 0) {
		fprintf(stderr, "ccwpassd: %s\n", err.msg);
		return 1;
	}
	if (!d.opt.foreground) {
		notify = daemonize();
		if (notify < 0) {
			fprintf(stderr, "ccwpassd: cannot detach: %s\n",
				strerror(errno));
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pidfile_write(d.pid, getpid());
	if (start(&d, &err) < 0) {
		if (notify < 0)
			log_msg(LOG_ERR, "%s", err.msg);
		report(notify, err.msg);   /* the parent prints it */
		stop(&d);
		pidfile_release(d.pid);
		return 1;
	}
	settle_ready(&d, status, sizeof(status));
	log_msg(LOG_NOTICE, "ccwpassd %s %s", CCWPASS_VERSION, status);
	if (notify >= 0) {
		report(notify, NULL);
		detach_output(d.opt.runtime_dir);
		d.detached = true;
		logging_setup(d.opt.log_target, true);
	}
	notify_ready(status);
	sig = wait_for_signal(&d);
	notify_stopping();
	log_msg(LOG_NOTICE, "%s: shutting down", strsignal(sig));
	if (sig == SIGTERM)
		hand_over(&d);
	stop(&d);
	pidfile_release(d.pid);
	return 0;
}
