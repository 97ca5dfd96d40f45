/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Becoming another user (see run_user.h). */
#include "cli/run_user.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool number(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out < UINT_MAX;
}

int run_resolve_user(const char *spec, struct run_user *u, struct error *err)
{
	char user[128], *group;
	const struct passwd *pw;
	const struct group *gr;
	unsigned long n;

	memset(u, 0, sizeof(*u));
	if (snprintf(user, sizeof(user), "%s", spec) >= (int)sizeof(user))
		return error_setf(err, EINVAL, "--user '%s': too long", spec);
	group = strchr(user, ':');
	if (group)
		*group++ = '\0';
	pw = number(user, &n) ? getpwuid((uid_t)n) : getpwnam(user);
	if (pw) {
		u->uid = pw->pw_uid;
		u->gid = pw->pw_gid;
		snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
		snprintf(u->home, sizeof(u->home), "%s", pw->pw_dir);
	} else if (number(user, &n)) {
		u->uid = (uid_t)n;
		u->gid = (gid_t)n;
		snprintf(u->home, sizeof(u->home), "/");
	} else {
		return error_setf(err, EINVAL, "--user: no such user '%s'",
				  user);
	}
	if (group && *group) {
		gr = number(group, &n) ? getgrgid((gid_t)n) : getgrnam(group);
		if (gr)
			u->gid = gr->gr_gid;
		else if (number(group, &n))
			u->gid = (gid_t)n;
		else
			return error_setf(err, EINVAL, "--user: no such group "
					  "'%s'", group);
	}
	return 0;
}

int run_become(const struct run_user *u, struct error *err)
{
	int ret = u->name[0] ? initgroups(u->name, u->gid)
			     : setgroups(0, NULL);

	if (ret < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0)
		return error_setf(err, errno, "--user: cannot become uid %u "
				  "gid %u: %s", (unsigned int)u->uid,
				  (unsigned int)u->gid, strerror(errno));
	if (u->uid != 0 && setuid(0) == 0)
		return error_setf(err, EPERM, "--user: root could be regained");
	if (setenv("HOME", u->home, 1) < 0 ||
	    (u->name[0] && (setenv("USER", u->name, 1) < 0 ||
			    setenv("LOGNAME", u->name, 1) < 0)))
		return error_setf(err, errno, "--user: setenv: %s",
				  strerror(errno));
	return 0;
}
