// SPDX-License-Identifier: GPL-2.0-or-later
/* What root may trust: sshd's StrictModes, applied to configuration (config.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/internal.h"
#include "sys/root.h"

static int judge(struct loader *ld, const char *path, const struct stat *st, bool above)
{
	struct hp_loc loc = { path, 0 };
	uid_t owner = ld->o->owner_uid;
	bool link = S_ISLNK(st->st_mode);

	if (st->st_uid != 0 && st->st_uid != owner) {
		char who[48] = "root";

		if (owner)
			snprintf(who, sizeof(who), "root or uid %u", (unsigned)owner);
		hp_diag_set(
			ld->err, &loc,
			"%sowned by uid %u, not %s: refusing configuration that another user could change (fix: chown %sroot %s)",
			link ? "a symbolic link " : "", (unsigned)st->st_uid, who,
			link ? "-h " : "", path);
		return -EPERM;
	}
	/* a link's own mode is always 0777 and means nothing: its owner and directory count */
	if (link)
		return 0;
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

struct trust {
	struct loader *ld;
	const struct stat *leaf; /* what was opened, or NULL */
};

static int judge_step(void *ctx, const char *shown, const struct stat *st, enum hp_walk_kind kind)
{
	struct trust *t = ctx;
	struct hp_loc loc = { shown, 0 };

	/* what the walk ends at must be what was opened: a swap in between is refused */
	if (kind == HP_WALK_LEAF && t->leaf &&
	    (st->st_dev != t->leaf->st_dev || st->st_ino != t->leaf->st_ino)) {
		hp_diag_set(t->ld->err, &loc, "changed while it was read: run again");
		return -ESTALE;
	}
	return judge(t->ld, shown, st, kind != HP_WALK_LEAF);
}

/*
 * path (a file read or a directory scanned) and everything its resolution depends on: every
 * directory from "/" down (those above the root too), every symbolic link on the way and in
 * the links' targets, and what it ends at (sys/root.h: hp_root_walk). leaf: the stat of what
 * was opened, NULL when nothing was.
 */
int conf_check_perms(struct loader *ld, const char *path, const struct stat *leaf)
{
	struct trust t = { ld, leaf };
	int r;

	if (!ld->o->check_perms)
		return 0;
	r = hp_root_walk(ld->c->root, conf_in_root(ld->c, path), judge_step, &t);
	if (r < 0 && r != -EPERM && r != -ESTALE) {
		struct hp_loc loc = { path, 0 };

		hp_diag_set(ld->err, &loc, "cannot resolve: %s", hp_strerror(r));
	}
	return r;
}
