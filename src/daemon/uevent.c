/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The change-event runner (see uevent.h). Helpers are started as
 * `/proc/self/exe --ns-exec --runtime-dir R [--etc-dir E] -- mdevctl
 * start-parent-mdevs <parent>`: the daemon's own binary builds the
 * namespace (src/sysfs/sysfs_ns.h) and execs mdevctl in it.
 */
#include "daemon/uevent.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/log.h"

#define UEVENT_QUEUE   64
#define STOP_WAIT_S    5

extern char **environ;

struct uevent_runner {
	struct uevent_options opt;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool paused, stopping, busy;
	pid_t child;
	unsigned int head, count;
	char queue[UEVENT_QUEUE][CSS_BUSID_STRLEN];
};

void uevent_post(const struct bus_event *ev, void *opaque)
{
	struct uevent_runner *u = opaque;

	if (ev->kind != BUS_EV_PARENT_REGISTERED || !u->opt.mdevctl ||
	    !*u->opt.mdevctl)
		return;
	pthread_mutex_lock(&u->lock);
	if (u->count == UEVENT_QUEUE) {
		log_msg(LOG_WARNING, "uevent queue full: %s not started", ev->sch);
	} else {
		snprintf(u->queue[(u->head + u->count) % UEVENT_QUEUE],
			 CSS_BUSID_STRLEN, "%s", ev->sch);
		u->count++;
		pthread_cond_broadcast(&u->cond);
	}
	pthread_mutex_unlock(&u->lock);
}

static pid_t spawn_helper(struct uevent_runner *u, const char *parent)
{
	const char *argv[12];
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int n = 0, ret;
	pid_t pid;

	argv[n++] = "ccwpassd";
	argv[n++] = "--ns-exec";
	argv[n++] = "--runtime-dir";
	argv[n++] = u->opt.runtime_dir;
	if (u->opt.etc_dir) {
		argv[n++] = "--etc-dir";
		argv[n++] = u->opt.etc_dir;
	}
	argv[n++] = "--";
	argv[n++] = u->opt.mdevctl;
	argv[n++] = "start-parent-mdevs";
	argv[n++] = parent;
	argv[n] = NULL;
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGHUP);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	ret = posix_spawn(&pid, "/proc/self/exe", NULL, &attr,
			  (char *const *)argv, environ);
	posix_spawnattr_destroy(&attr);
	if (ret) {
		log_msg(LOG_ERR, "mdev parent %s: cannot start %s: %s", parent,
			u->opt.mdevctl, strerror(ret));
		return -1;
	}
	return pid;
}

/* The udev rule's TEST=="/etc/mdevctl.d/$kernel". */
static bool has_config(const struct uevent_runner *u, const char *parent)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/mdevctl.d/%s",
		 u->opt.etc_dir ? u->opt.etc_dir : "/etc", parent);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void run_one(struct uevent_runner *u, const char *parent)
{
	int status;
	pid_t pid;

	if (!has_config(u, parent)) {
		log_msg(LOG_DEBUG, "mdev parent %s registered; no mdevctl config",
			parent);
		return;
	}
	log_msg(LOG_INFO, "mdev parent %s registered: %s start-parent-mdevs %s",
		parent, u->opt.mdevctl, parent);
	pid = spawn_helper(u, parent);
	if (pid < 0)
		return;
	pthread_mutex_lock(&u->lock);
	u->child = pid;
	pthread_mutex_unlock(&u->lock);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&u->lock);
	u->child = 0;
	pthread_mutex_unlock(&u->lock);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_msg(LOG_INFO, "mdev parent %s: mdevctl start-parent-mdevs done",
			parent);
	else
		log_msg(LOG_WARNING,
			"mdev parent %s: mdevctl start-parent-mdevs failed (%s %d)",
			parent, WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static void *runner(void *opaque)
{
	struct uevent_runner *u = opaque;
	char parent[CSS_BUSID_STRLEN];

	pthread_setname_np(pthread_self(), "ccwpass-uevent");
	pthread_mutex_lock(&u->lock);
	for (;;) {
		while (!u->stopping && (u->paused || !u->count))
			pthread_cond_wait(&u->cond, &u->lock);
		if (u->stopping)
			break;
		memcpy(parent, u->queue[u->head], sizeof(parent));
		u->head = (u->head + 1) % UEVENT_QUEUE;
		u->count--;
		u->busy = true;
		pthread_mutex_unlock(&u->lock);
		run_one(u, parent);
		pthread_mutex_lock(&u->lock);
		u->busy = false;
		pthread_cond_broadcast(&u->cond);
	}
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

int uevent_start(const struct uevent_options *opt, struct uevent_runner **out,
		 struct error *err)
{
	struct uevent_runner *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return error_setf(err, ENOMEM, "uevent runner: out of memory");
	u->opt = *opt;
	u->paused = true;
	pthread_mutex_init(&u->lock, NULL);
	deadline_cond_init(&u->cond);
	ret = pthread_create(&u->thread, NULL, runner, u);
	if (ret) {
		free(u);
		return error_setf(err, ret, "uevent runner: %s", strerror(ret));
	}
	*out = u;
	return 0;
}

void uevent_resume(struct uevent_runner *u)
{
	pthread_mutex_lock(&u->lock);
	u->paused = false;
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
}

bool uevent_settle(struct uevent_runner *u, long timeout_ms)
{
	struct timespec deadline = deadline_ms(timeout_ms);
	bool settled;

	if (!u)
		return true;
	pthread_mutex_lock(&u->lock);
	while ((u->count || u->busy) && !u->stopping &&
	       pthread_cond_timedwait(&u->cond, &u->lock, &deadline) == 0)
		;
	settled = !u->count && !u->busy;
	pthread_mutex_unlock(&u->lock);
	return settled;
}

void uevent_stop(struct uevent_runner *u)
{
	struct timespec deadline;

	if (!u)
		return;
	deadline = deadline_ms(STOP_WAIT_S * 1000L);
	pthread_mutex_lock(&u->lock);
	u->stopping = true;
	pthread_cond_broadcast(&u->cond);
	while (u->busy && pthread_cond_timedwait(&u->cond, &u->lock,
						 &deadline) == 0)
		;
	if (u->busy && u->child > 0) {
		log_msg(LOG_WARNING, "killing mdevctl helper %d", (int)u->child);
		kill(u->child, SIGKILL);
	}
	pthread_mutex_unlock(&u->lock);
	pthread_join(u->thread, NULL);
	pthread_cond_destroy(&u->cond);
	pthread_mutex_destroy(&u->lock);
	free(u);
}
