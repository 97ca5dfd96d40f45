/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "daemon/notify.h"

#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

static void check(int ret, const char *what)
{
	if (ret < 0)
		log_msg(LOG_WARNING, "sd_notify %s: %s", what, strerror(-ret));
}

void notify_ready(const char *status)
{
	check(sd_notifyf(0, "READY=1\nMAINPID=%d\nSTATUS=%s", (int)getpid(),
			 status), "READY");
}

void notify_reloading(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	check(sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\n"
			 "STATUS=reloading the inventory",
			 (unsigned long long)t.tv_sec * 1000000ull +
				 (unsigned long long)t.tv_nsec / 1000u),
	      "RELOADING");
}

void notify_stopping(void)
{
	check(sd_notify(0, "STOPPING=1\nSTATUS=stopping"), "STOPPING");
}

void notify_status(const char *status)
{
	check(sd_notifyf(0, "STATUS=%s", status), "STATUS");
}
