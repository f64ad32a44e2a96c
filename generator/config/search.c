// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The search path: /etc/hugeplan, /run/hugeplan, /usr/lib/hugeplan under a root (or one
 * directory), NAME.conf entries of each folder by priority, masks, and reading a file once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config/internal.h"
#include "sys/root.h"
#include "sys/path.h"

/* a NAME.conf found in one directory of the search path */
struct entry {
	char *name;
	size_t dir; /* index in c->dirs: the lower, the higher its priority */
};

/* "PATH: cannot open: ERROR" into err; returns r (a -errno) */
int conf_open_failed(struct hp_diag *err, const char *path, int r)
{
	struct hp_loc loc = { path, 0 };

	hp_diag_set(err, &loc, "cannot open: %s", hp_strerror(r));
	return r;
}

const char *conf_in_root(const struct hp_config *c, const char *path)
{
	return c->root ? path + c->root_len : path;
}

int conf_lstat(struct loader *ld, const char *path, struct stat *st)
{
	if (!ld->lstat_path[0] || strcmp(ld->lstat_path, path)) {
		if (strlen(path) >= sizeof(ld->lstat_path))
			return hp_root_stat(ld->c->root, conf_in_root(ld->c, path), st, false);
		ld->lstat_r =
			hp_root_stat(ld->c->root, conf_in_root(ld->c, path), &ld->lstat_st, false);
		strcpy(ld->lstat_path, path);
	}
	*st = ld->lstat_st;
	return ld->lstat_r;
}

/* search path directory i was found missing by check_dirs(): nothing in it is looked for */
static bool dir_absent(const struct loader *ld, size_t i)
{
	return i < 8 * sizeof(ld->dirs_absent) && ((ld->dirs_absent >> i) & 1);
}

static void set_dir_absent(struct loader *ld, size_t i)
{
	if (i < 8 * sizeof(ld->dirs_absent))
		ld->dirs_absent |= 1UL << i;
}

static const char *file_type(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISREG(m)  ? "a regular file"
			     : "of an unknown type";
}

/*
 * judged before it is opened (opening a device can act on it), then opened without waiting
 * on a FIFO; what was opened is judged again, then read
 */
static int read_file(struct loader *ld, const char *path, char **out, size_t *len)
{
	const struct hp_config *c = ld->c;
	struct hp_loc loc = { path, 0 };
	struct stat st, looked;
	int fd, r;

	/*
	 * hp_root_open_file() looks at what is there before it opens it; the look taken for the
	 * mask (check_masked()) serves, when it found a regular file
	 */
	if (conf_lstat(ld, path, &looked) == 0 && S_ISREG(looked.st_mode))
		fd = hp_root_open_looked(c->root, conf_in_root(c, path), &looked, &st);
	else
		fd = hp_root_open_file(c->root, conf_in_root(c, path), &st);
	if ((fd == -HP_ENOTREG || fd == -EISDIR) &&
	    hp_root_stat(c->root, conf_in_root(c, path), &st, true) == 0 && !S_ISREG(st.st_mode)) {
		hp_diag_set(ld->err, &loc, "not a regular file (%s)", file_type(st.st_mode));
		return -EINVAL;
	}
	if (fd == -HP_ENOTREG || fd == -EISDIR || fd == -ESTALE) {
		hp_diag_set(ld->err, &loc, "changed while it was read: run again");
		return fd;
	}
	if (fd < 0)
		return conf_open_failed(ld->err, path, fd);
	r = conf_check_perms(ld, path, &st);
	if (r < 0) {
		close(fd);
		return r;
	}
	if (st.st_size > HP_CONF_FILE_MAX) {
		close(fd);
		hp_diag_set(ld->err, &loc, "file too large (%lld bytes, at most %u)",
			    (long long)st.st_size, HP_CONF_FILE_MAX);
		return -EFBIG;
	}
	r = hp_read_fd_st(fd, &st, out, len, HP_CONF_FILE_MAX);
	close(fd);
	if (r == -EFBIG)
		hp_diag_set(ld->err, &loc, "file too large (more than %u bytes)", HP_CONF_FILE_MAX);
	else if (r < 0)
		hp_diag_set(ld->err, &loc, "cannot read: %s", hp_strerror(r));
	return r;
}

/*
 * Where a file that is a symbolic link really is, when that is outside every configuration
 * directory (then its content is never quoted): into buf, or "" for a file of the
 * configuration's own.
 */
static void foreign(struct loader *ld, const char *path, char *buf, size_t len)
{
	const struct hp_config *c = ld->c;
	char dir[PATH_MAX];
	struct stat st;

	buf[0] = '\0';
	if (conf_lstat(ld, path, &st) < 0 || !S_ISLNK(st.st_mode))
		return;
	if (hp_root_resolve(c->root, conf_in_root(c, path), buf, len) < 0) {
		snprintf(buf, len, "a symbolic link");
		return;
	}
	for (size_t i = 0; i < c->nr_dirs; i++) {
		size_t n;

		if (hp_root_resolve(c->root, conf_in_root(c, c->dirs[i]), dir, sizeof(dir)) < 0)
			continue;
		n = strlen(dir);
		if (!strncmp(buf, dir, n) && (buf[n] == '/' || (n == 1 && dir[0] == '/'))) {
			buf[0] = '\0';
			return;
		}
	}
}

static int parse_file(struct loader *ld, const char *path, enum kind kind, struct hp_vm *vm)
{
	const char *file = hp_config_pool_file(ld->c, path);
	char *text, where[PATH_MAX];
	size_t len;
	int r;

	if (!file)
		return -ENOMEM;
	r = read_file(ld, path, &text, &len);
	if (r < 0)
		return r;
	foreign(ld, path, where, sizeof(where));
	r = conf_parse_text(ld->c, file, kind, vm, text, len, ld->err, where[0] ? where : NULL);
	free(text);
	return r;
}

/*
 * 1 masked (a symlink to /dev/null, the null device itself, an empty file), 0 not, -errno
 * with err set. A path that does not exist at all gives -ENOENT with *absent set and no
 * message; a dangling symbolic link is an error like any other, and so is any other device
 * (read_file() says what it is).
 */
static int check_masked(struct loader *ld, const char *path, bool *absent)
{
	const struct hp_config *c = ld->c;
	struct hp_loc loc = { path, 0 };
	struct stat st;
	char target[64];
	int r;

	*absent = false;
	r = conf_lstat(ld, path, &st);
	if (r < 0) {
		*absent = r == -ENOENT;
		return *absent ? r : conf_open_failed(ld->err, path, r);
	}
	if (S_ISLNK(st.st_mode)) {
		if (hp_root_readlink(c->root, conf_in_root(c, path), target, sizeof(target)) == 0 &&
		    !strcmp(target, HP_P_DEVNULL))
			return 1;
		r = hp_root_stat(c->root, conf_in_root(c, path), &st, true);
		if (r < 0) {
			if (r != -ENOENT)
				return conf_open_failed(ld->err, path, r);
			hp_diag_set(ld->err, &loc, "cannot open: a dangling symbolic link");
			return r;
		}
	}
	if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3)
		return 1; /* /dev/null, reached another way */
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		/* a mask that others could fill is no mask */
		r = conf_check_perms(ld, path, NULL);
		return r < 0 ? r : 1;
	}
	return 0;
}

/* by name, then by priority: the first of a run of equal names is the one that counts */
static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static int push_entry(struct entry **v, size_t *n, size_t *cap, const char *name, size_t dir)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct entry *nv = realloc(*v, nc * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[*n].name = strdup(name);
	if (!(*v)[*n].name)
		return -ENOMEM;
	(*v)[*n].dir = dir;
	(*n)++;
	return 0;
}

/*
 * Every NAME.conf in DIR/sub over the search path, sorted by NAME, the highest directory
 * winning. Sorted, then de-duplicated, so that a vms.d of thousands of files costs
 * O(n log n), not a comparison of every pair.
 */
static int gather(struct loader *ld, const char *sub, struct entry **out, size_t *nr)
{
	struct hp_config *c = ld->c;
	struct entry *v = NULL;
	size_t n = 0, cap = 0, kept = 0;
	int r;

	for (size_t i = 0; i < c->nr_dirs; i++) {
		char dir[4096];
		struct dirent *de;
		struct stat st;
		DIR *d;

		if (dir_absent(ld, i))
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", c->dirs[i], sub) >= (int)sizeof(dir)) {
			free_entries(v, n);
			return -ENAMETOOLONG;
		}
		r = hp_root_opendir(c->root, conf_in_root(c, dir), &d);
		if (r < 0) {
			struct hp_loc loc = { dir, 0 };

			if (r == -ENOENT)
				continue;
			hp_diag_set(ld->err, &loc, "cannot read directory: %s", hp_strerror(r));
			free_entries(v, n);
			return r;
		}
		/* a directory others can write to is one they can add VMs to */
		r = fstat(dirfd(d), &st) < 0 ? -errno : conf_check_perms(ld, dir, &st);
		if (r < 0) {
			if (r != -EPERM) {
				struct hp_loc loc = { dir, 0 };

				hp_diag_set(ld->err, &loc, "cannot read directory: %s",
					    hp_strerror(r));
			}
			closedir(d);
			free_entries(v, n);
			return r;
		}
		while ((de = readdir(d))) {
			size_t l = strlen(de->d_name);

			if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf"))
				continue;
			if (push_entry(&v, &n, &cap, de->d_name, i) < 0) {
				closedir(d);
				free_entries(v, n);
				return -ENOMEM;
			}
		}
		closedir(d);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);
	for (size_t i = 0; i < n; i++) {
		if (kept && !strcmp(v[kept - 1].name, v[i].name)) {
			free(v[i].name);
			continue;
		}
		v[kept++] = v[i];
	}
	*out = v;
	*nr = kept;
	return 0;
}

static int entry_path(const struct hp_config *c, const char *sub, const struct entry *e, char *buf,
		      size_t len)
{
	if (snprintf(buf, len, "%s/%s/%s", c->dirs[e->dir], sub, e->name) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int conf_load_host(struct loader *ld)
{
	struct hp_config *c = ld->c;
	struct entry *drop = NULL;
	size_t nd = 0;
	bool absent;
	int r;

	for (size_t i = 0; i < c->nr_dirs; i++) {
		char path[4096];

		if (dir_absent(ld, i))
			continue;
		snprintf(path, sizeof(path), "%s/hugeplan.conf", c->dirs[i]);
		r = check_masked(ld, path, &absent);
		if (absent)
			continue;
		if (r < 0)
			return r;
		if (r == 0) {
			r = parse_file(ld, path, KIND_HOST, NULL);
			if (r < 0)
				return r;
		}
		break;
	}
	r = gather(ld, "hugeplan.conf.d", &drop, &nd);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nd && r >= 0; i++) {
		char path[4096 + 256];

		r = entry_path(c, "hugeplan.conf.d", &drop[i], path, sizeof(path));
		if (r == 0)
			r = check_masked(ld, path, &absent);
		if (r == 0)
			r = parse_file(ld, path, KIND_HOST, NULL);
	}
	free_entries(drop, nd);
	return r < 0 ? r : 0;
}

/* one vms.d entry into *vm: 1 masked (vm untouched), 0 loaded, -errno with err set */
static int load_vm(struct loader *ld, const struct entry *e, struct hp_vm *vm)
{
	struct hp_config *c = ld->c;
	char path[4096 + 256];
	bool absent;
	int r;

	r = entry_path(c, "vms.d", e, path, sizeof(path));
	if (r < 0)
		return r;
	r = check_masked(ld, path, &absent);
	if (r < 0 && absent) /* gone since the directory was read */
		conf_open_failed(ld->err, path, r);
	if (r != 0)
		return r;
	conf_vm_init(vm);
	r = parse_file(ld, path, KIND_VM, vm);
	if (r < 0)
		return r;
	return conf_vm_finish(vm, c->files[c->nr_files - 1], e->name, ld->o->overrides, ld->err);
}

int conf_load_vms(struct loader *ld)
{
	struct hp_config *c = ld->c;
	struct entry *e = NULL;
	size_t n = 0;
	int r = 0;

	r = gather(ld, "vms.d", &e, &n);
	if (r < 0)
		return r;
	c->vms = calloc(n ? n : 1, sizeof(*c->vms));
	if (!c->vms) {
		free_entries(e, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		r = load_vm(ld, &e[i], &c->vms[c->nr_vms]);
		if (r < 0)
			break;
		if (r == 0)
			c->nr_vms++;
	}
	free_entries(e, n);
	if (r < 0)
		return r;
	return conf_check_duplicates(c, ld->err);
}

int hp_config_any_vm(struct hp_config *c, struct hp_diag *err)
{
	struct loader ld = { .c = c, .o = &c->opts, .err = err };
	struct entry *e = NULL;
	struct hp_vm vm;
	size_t n = 0;
	int r;

	r = gather(&ld, "vms.d", &e, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		r = load_vm(&ld, &e[i], &vm);
		if (r < 0)
			break;
		r = r == 0 && vm.enabled && vm.memory;
		if (r)
			break;
	}
	free_entries(e, n);
	if (r == -ENOMEM)
		hp_diag_set(err, NULL, "out of memory");
	return r;
}

static int add_dir(struct hp_config *c, const char *root, const char *dir)
{
	char p[4096], **nd;

	if (root) {
		if (hp_path(p, sizeof(p), root, "%s", dir) < 0)
			return -ENAMETOOLONG;
	} else {
		snprintf(p, sizeof(p), "%s", dir);
	}
	nd = realloc(c->dirs, (c->nr_dirs + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	c->dirs = nd;
	c->dirs[c->nr_dirs] = strdup(p);
	if (!c->dirs[c->nr_dirs])
		return -ENOMEM;
	c->nr_dirs++;
	return 0;
}

/* an explicit --config must be a directory; the search path's may be missing */
static int check_dirs(struct loader *ld, bool explicit)
{
	for (size_t i = 0; i < ld->c->nr_dirs; i++) {
		const char *dir = ld->c->dirs[i];
		struct hp_loc loc = { dir, 0 };
		struct stat st;
		int r;

		r = hp_root_stat(ld->c->root, conf_in_root(ld->c, dir), &st, true);
		if (r < 0) {
			if (r != -ENOENT)
				return conf_open_failed(ld->err, dir, r);
			if (!explicit) {
				set_dir_absent(ld, i);
				continue;
			}
			hp_diag_set(ld->err, &loc, "configuration directory not found");
			return r;
		}
		if (!S_ISDIR(st.st_mode)) {
			hp_diag_set(ld->err, &loc, "not a directory (%s)", file_type(st.st_mode));
			return -ENOTDIR;
		}
		r = conf_check_perms(ld, dir, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

int conf_search_path(struct loader *ld, const char *root, const char *confdir)
{
	struct hp_config *c = ld->c;
	int r;

	if (confdir)
		return add_dir(c, NULL, confdir) ?: check_dirs(ld, true);
	if (!hp_root_is_host(root)) {
		/* every path is read beneath the root, as its own system would */
		char prefix[4096];

		r = hp_path(prefix, sizeof(prefix), root, "%s", "");
		if (r < 0)
			return r;
		c->root = strdup(root);
		if (!c->root)
			return -ENOMEM;
		c->root_len = strlen(prefix);
	}
	r = add_dir(c, root, HP_P_CONF_ETC);
	if (r >= 0)
		r = add_dir(c, root, HP_P_CONF_RUN);
	if (r >= 0)
		r = add_dir(c, root, HP_P_CONF_LIB);
	return r < 0 ? r : check_dirs(ld, false);
}
