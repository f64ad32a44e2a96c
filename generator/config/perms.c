// SPDX-License-Identifier: GPL-2.0-or-later
/* What root may trust: sshd's StrictModes, applied to configuration (config.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/internal.h"
#include "sys/path.h"
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
	unsigned links;		 /* symbolic links on the way */
	bool leaf_dir;		 /* what it ends at is a directory */
	char shown[PATH_MAX];	 /* what it ends at, as the walk showed it */
};

/* what the path ends at: it must be what was opened (a swap in between is refused), judged */
static int judge_leaf(struct loader *ld, const char *shown, const struct stat *st,
		      const struct stat *opened)
{
	struct hp_loc loc = { shown, 0 };

	if (opened && (st->st_dev != opened->st_dev || st->st_ino != opened->st_ino)) {
		hp_diag_set(ld->err, &loc, "changed while it was read: run again");
		return -ESTALE;
	}
	return judge(ld, shown, st, false);
}

static int judge_step(void *ctx, const char *shown, const struct stat *st, enum hp_walk_kind kind)
{
	struct trust *t = ctx;

	if (kind == HP_WALK_LINK)
		t->links++;
	if (kind != HP_WALK_LEAF)
		return judge(t->ld, shown, st, true);
	t->leaf_dir = S_ISDIR(st->st_mode);
	snprintf(t->shown, sizeof(t->shown), "%s", shown);
	return judge_leaf(t->ld, shown, st, t->leaf);
}

/* dir, shown as the walk showed it, is trusted from now on (left as it was if too long) */
static void trust_dir(struct loader *ld, const char *dir, size_t len, const char *shown,
		      size_t shown_len)
{
	if (!len || len >= sizeof(ld->trusted) || shown_len >= sizeof(ld->trusted_shown))
		return;
	memcpy(ld->trusted, dir, len);
	ld->trusted[len] = '\0';
	memcpy(ld->trusted_shown, shown, shown_len);
	ld->trusted_shown[shown_len] = '\0';
}

/*
 * path directly in the trusted directory, and not a symbolic link: only it is judged (its
 * lstat), the way there was judged already. 1 when that does not apply (walk it), else the
 * verdict.
 */
static int judge_in_trusted(struct loader *ld, const char *path, const struct stat *leaf)
{
	size_t n = strlen(ld->trusted);
	const char *base;
	char shown[PATH_MAX];
	struct stat st;
	int r;

	if (!n || strncmp(path, ld->trusted, n) || path[n] != '/')
		return 1;
	base = path + n + 1;
	if (!*base || strchr(base, '/') || !strcmp(base, ".") || !strcmp(base, ".."))
		return 1;
	if (conf_lstat(ld, path, &st) < 0 || S_ISLNK(st.st_mode))
		return 1;
	if (snprintf(shown, sizeof(shown), "%s/%s", ld->trusted_shown, base) >= (int)sizeof(shown))
		return 1;
	r = judge_leaf(ld, shown, &st, leaf);
	if (r == 0 && S_ISDIR(st.st_mode))
		trust_dir(ld, path, strlen(path), shown, strlen(shown));
	return r;
}

/*
 * path (a file read or a directory scanned) and everything its resolution depends on: every
 * directory from "/" down (those above the root too), every symbolic link on the way and in
 * the links' targets, and what it ends at (sys/root.h: hp_root_walk). leaf: the stat of what
 * was opened, NULL when nothing was.
 */
int conf_check_perms(struct loader *ld, const char *path, const struct stat *leaf)
{
	struct trust t = { .ld = ld, .leaf = leaf };
	const char *slash, *shown_slash;
	int r;

	if (!ld->o->check_perms)
		return 0;
	r = judge_in_trusted(ld, path, leaf);
	if (r != 1)
		return r;
	r = hp_root_walk(ld->c->root, conf_in_root(ld->c, path), judge_step, &t);
	if (r < 0 && r != -EPERM && r != -ESTALE) {
		struct hp_loc loc = { path, 0 };

		hp_diag_set(ld->err, &loc, "cannot resolve: %s", hp_strerror(r));
	}
	if (r < 0 || t.links)
		return r;
	/* no link on the way: the directory it is (or is in) shows as its path does */
	if (t.leaf_dir) {
		trust_dir(ld, path, strlen(path), t.shown, strlen(t.shown));
	} else if ((slash = strrchr(path, '/')) && (shown_slash = strrchr(t.shown, '/'))) {
		trust_dir(ld, path, (size_t)(slash - path), t.shown,
			  (size_t)(shown_slash - t.shown));
	}
	return r;
}

int hp_config_check_leaf(struct hp_config *c, const char *path, const struct stat *st,
			 struct hp_diag *err)
{
	struct loader ld = { .c = c, .o = &c->opts, .err = err };

	return c->opts.check_perms ? judge(&ld, path, st, false) : 0;
}

int hp_config_check_perms(struct hp_config *c, const char *root, const char *path,
			  const struct stat *st, struct hp_diag *err)
{
	/* c as loaded, resolving beneath root (which --config leaves unset in c) */
	struct hp_config view = *c;
	struct loader ld = { .c = &view, .o = &c->opts, .err = err };
	char prefix[PATH_MAX];

	view.root = NULL;
	view.root_len = 0;
	if (!hp_root_is_host(root)) {
		if (hp_path(prefix, sizeof(prefix), root, "%s", "") < 0)
			return -ENAMETOOLONG;
		view.root = (char *)root;
		view.root_len = strlen(prefix);
	}
	return conf_check_perms(&ld, path, st);
}
