// SPDX-License-Identifier: GPL-2.0-or-later
/* What root may trust: sshd's StrictModes, applied to configuration (config.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/internal.h"

static int judge(struct loader *ld, const char *path, const struct stat *st, bool above)
{
	struct hp_loc loc = { path, 0 };
	uid_t owner = ld->o->owner_uid;

	if (st->st_uid != 0 && st->st_uid != owner) {
		char who[48] = "root";

		if (owner)
			snprintf(who, sizeof(who), "root or uid %u", (unsigned)owner);
		hp_diag_set(
			ld->err, &loc,
			"owned by uid %u, not %s: refusing configuration that another user could change (fix: chown root %s)",
			(unsigned)st->st_uid, who, path);
		return -EPERM;
	}
	/* above what is read, a sticky directory keeps others from replacing root's entries */
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(above && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
		hp_diag_set(
			ld->err, &loc,
			"writable by group or others (mode %04o): refusing configuration that another user could change (fix: chmod go-w %s)",
			(unsigned)(st->st_mode & 07777), path);
		return -EPERM;
	}
	return 0;
}

/*
 * path (a file read or a directory scanned), resolved, and every directory above it up to
 * "/". leaf: the stat of what was opened, NULL to stat it here.
 */
int conf_check_perms(struct loader *ld, const char *path, const struct stat *leaf)
{
	char real[PATH_MAX];
	struct stat st;
	int r;

	if (!ld->o->check_perms)
		return 0;
	if (!realpath(path, real)) {
		struct hp_loc loc = { path, 0 };

		r = -errno;
		hp_diag_set(ld->err, &loc, "cannot resolve: %s", strerror(-r));
		return r;
	}
	if (!leaf) {
		if (stat(real, &st) < 0)
			return conf_open_failed(ld->err, real, -errno);
		leaf = &st;
	}
	r = judge(ld, real, leaf, false);
	while (r >= 0 && strcmp(real, "/")) {
		char *slash = strrchr(real, '/');

		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(real, &st) < 0)
			return conf_open_failed(ld->err, real, -errno);
		r = judge(ld, real, &st, true);
	}
	return r;
}
