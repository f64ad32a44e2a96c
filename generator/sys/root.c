// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/pathnames.h"
#include "sys/root.h"

#define MAX_LINKS 40  /* the kernel's MAXSYMLINKS */
#define MAX_DEPTH 128 /* directories held open at once by a walk */

bool hp_root_is_host(const char *root)
{
	return !root || !*root || !strcmp(root, "/");
}

const char *hp_strerror(int r)
{
	if (r == -HP_ENOTREG)
		return "not a regular file (a FIFO, a socket or a device)";
	return strerror(r < 0 ? -r : r);
}

/*
 * One resolution by hand: a stack of directories opened O_PATH, the root at the bottom (never
 * closed here), so that ".." is a pop and never an openat(".."), which a directory moved out
 * of the root could turn into an escape. shown is the path resolved so far, inside the root.
 */
struct walker {
	const char *root; /* as given, for messages; NULL for the running system */
	int stack[MAX_DEPTH];
	size_t shown_len[MAX_DEPTH];
	size_t depth;
	char shown[PATH_MAX];
	hp_walk_fn fn;
	void *ctx;
	unsigned links;
};

static void walker_init(struct walker *w, const char *root, int rootfd, hp_walk_fn fn, void *ctx)
{
	memset(w, 0, sizeof(*w));
	w->root = hp_root_is_host(root) ? NULL : root;
	w->stack[0] = rootfd;
	w->depth = 1;
	w->fn = fn;
	w->ctx = ctx;
}

static void walker_pop_to(struct walker *w, size_t depth)
{
	while (w->depth > depth)
		close(w->stack[--w->depth]);
	w->shown[w->shown_len[w->depth - 1]] = '\0';
}

static int top(const struct walker *w)
{
	return w->stack[w->depth - 1];
}

/* the path of shown + "/" + name as a message shows it: under the root's own name */
static const char *display(const struct walker *w, const char *name, char *buf, size_t len)
{
	size_t rl = w->root ? strlen(w->root) : 0;

	while (rl > 1 && w->root[rl - 1] == '/')
		rl--;
	if (!w->shown[0] && !name)
		snprintf(buf, len, "%.*s", rl ? (int)rl : 1, rl ? w->root : "/");
	else
		snprintf(buf, len, "%.*s%s%s%s", (int)rl, rl ? w->root : "", w->shown,
			 name ? "/" : "", name ? name : "");
	return buf;
}

static int visit(struct walker *w, const char *name, const struct stat *st, enum hp_walk_kind k)
{
	char buf[PATH_MAX + 256];

	if (!w->fn)
		return 0;
	return w->fn(w->ctx, display(w, name, buf, sizeof(buf)), st, k);
}

static int push(struct walker *w, const char *name)
{
	struct stat st;
	int fd;

	if (w->depth == MAX_DEPTH)
		return -ENAMETOOLONG;
	fd = openat(top(w), name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (w->fn) {
		int r = fstat(fd, &st) < 0 ? -errno : visit(w, name, &st, HP_WALK_DIR);

		if (r < 0) {
			close(fd);
			return r;
		}
	}
	if (w->shown_len[w->depth - 1] + 1 + strlen(name) >= sizeof(w->shown)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	strcat(strcat(w->shown, "/"), name);
	w->stack[w->depth] = fd;
	w->shown_len[w->depth++] = strlen(w->shown);
	return 0;
}

/*
 * The link name in the top directory is followed: its target, then what was left of the path
 * (left, inside rest), become the path still to resolve (rest, a buffer of PATH_MAX); an
 * absolute target starts again at the root.
 */
static int follow(struct walker *w, const char *name, const struct stat *lst, char *rest,
		  const char *left)
{
	char target[PATH_MAX], joined[PATH_MAX];
	ssize_t n;
	int r;

	if (++w->links > MAX_LINKS)
		return -ELOOP;
	r = visit(w, name, lst, HP_WALK_LINK);
	if (r < 0)
		return r;
	n = readlinkat(top(w), name, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	target[n] = '\0';
	if (snprintf(joined, sizeof(joined), "%s%s%s", target, *left ? "/" : "", left) >=
	    (int)sizeof(joined))
		return -ENAMETOOLONG;
	memcpy(rest, joined, strlen(joined) + 1);
	if (target[0] == '/')
		walker_pop_to(w, 1);
	return 0;
}

/*
 * Resolve path from the root. With open_last, the last component is opened with flags and
 * its fd returned; without, it is only visited (as leaf) and 0 returned.
 */
static int resolve(struct walker *w, const char *path, bool open_last, int flags, mode_t mode,
		   enum hp_walk_kind leaf)
{
	/* open(2): O_CREAT | O_EXCL never follows a link in the last component */
	bool nofollow = (flags & O_NOFOLLOW) || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	char rest[PATH_MAX];
	const char *left = rest; /* what is still to resolve */
	struct stat st;
	int r;

	if (strlen(path) >= sizeof(rest))
		return -ENAMETOOLONG;
	memcpy(rest, path, strlen(path) + 1);
	for (;;) {
		char name[NAME_MAX + 1];
		size_t skip = strspn(left, "/"), n = strcspn(left + skip, "/");
		bool last;

		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, left + skip, n);
		name[n] = '\0';
		left += skip + n;
		last = !*left;
		if (!n)
			snprintf(name, sizeof(name), ".");
		if (!strcmp(name, "..")) {
			if (w->depth > 1)
				walker_pop_to(w, w->depth - 1);
			snprintf(name, sizeof(name), ".");
		}
		if (!strcmp(name, ".") && !last)
			continue;
		if (fstatat(top(w), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			if (r != -ENOENT || !last || !open_last)
				return r;
			/* missing last component: open() says what it says (O_CREAT makes it) */
		} else if (S_ISLNK(st.st_mode) && (!last || !nofollow)) {
			r = follow(w, name, &st, rest, left);
			if (r < 0)
				return r;
			left = rest;
			continue;
		} else if (!last) {
			if (!S_ISDIR(st.st_mode))
				return -ENOTDIR;
			r = push(w, name);
			if (r < 0)
				return r;
			continue;
		}
		if (!open_last)
			return visit(w, strcmp(name, ".") ? name : NULL, &st, leaf);
		r = openat(top(w), name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
		return r < 0 ? -errno : r;
	}
}

static int open_root(const char *root)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * hp_root_hold()'s root: its descriptor (-1: none held) and its name as given. Initialized,
 * so in .data with the rest of the page the program writes first: in .bss, the verifier's
 * release at every boot wrote a page of its own (a fault) for a NULL.
 */
static struct {
	int fd;
	char *root;
} held = { -1, NULL };

int hp_root_hold(const char *root)
{
	int fd;

	hp_root_release();
	if (hp_root_is_host(root))
		return 0;
	fd = open_root(root);
	if (fd < 0)
		return fd;
	held.root = strdup(root);
	if (!held.root) {
		close(fd);
		return -ENOMEM;
	}
	held.fd = fd;
	return 0;
}

void hp_root_release(void)
{
	if (held.fd >= 0)
		close(held.fd);
	held.fd = -1;
	free(held.root);
	held.root = NULL;
}

/* root's descriptor: the held one, or a new one the caller closes (*own) */
static int root_fd(const char *root, bool *own)
{
	*own = !(held.fd >= 0 && !strcmp(root, held.root));
	return *own ? open_root(root) : held.fd;
}

static int walk_open(int rootfd, const char *path, int flags, mode_t mode)
{
	struct walker w;
	int r;

	walker_init(&w, NULL, rootfd, NULL, NULL);
	r = resolve(&w, path, true, flags, mode, HP_WALK_LEAF);
	walker_pop_to(&w, 1);
	return r;
}

static bool no_openat2;

int hp_root_open(const char *root, const char *path, int flags, mode_t mode)
{
	/* openat2() refuses O_PATH with anything but O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC */
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY)),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int rootfd, fd = -ENOSYS;
	bool own;

	if (hp_root_is_host(root)) {
		fd = open(path, flags | O_CLOEXEC | O_NOCTTY, mode);
		return fd < 0 ? -errno : fd;
	}
	rootfd = root_fd(root, &own);
	if (rootfd < 0)
		return rootfd;
	/* EAGAIN: the kernel saw a rename race it could not rule out an escape through */
	for (int i = 0; !no_openat2 && i < 16; i++) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		fd = fd < 0 ? -errno : fd;
		if (fd != -EAGAIN)
			break;
	}
	if (fd == -ENOSYS) {
		no_openat2 = true;
		fd = walk_open(rootfd, path, flags, mode);
	}
	if (own)
		close(rootfd);
	return fd;
}

/* fstat of fd into st: 0 for a regular file, -EISDIR, -HP_ENOTREG or -errno */
static int regular(int fd, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return -errno;
	if (!S_ISREG(st->st_mode))
		return S_ISDIR(st->st_mode) ? -EISDIR : -HP_ENOTREG;
	return 0;
}

/*
 * fd, opened after what was there was judged: still a regular file, of inode ino (and of
 * device *dev when known), its fstat() in st; else closed and -ESTALE, -EISDIR, -HP_ENOTREG
 */
static int still_that(int fd, struct stat *st, const dev_t *dev, ino_t ino)
{
	int r = regular(fd, st);

	if (r == 0 && ((dev && st->st_dev != *dev) || st->st_ino != ino))
		r = -ESTALE;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/*
 * The running system's /proc and /sys: the kernel's own filesystems, where there is no device
 * node or FIFO to open, and nothing but root mounts over them. O_NONBLOCK and the look after
 * the open still refuse what is not a regular file, without a hang.
 */
static bool kernel_file(const char *root, const char *path)
{
	return hp_root_is_host(root) &&
	       (!strncmp(path, HP_P_PROC_PREFIX, sizeof(HP_P_PROC_PREFIX) - 1) ||
		!strncmp(path, HP_P_SYS_PREFIX, sizeof(HP_P_SYS_PREFIX) - 1));
}

/* what is there is judged before it is opened: opening a device can act on it */
int hp_root_open_file(const char *root, const char *path, struct stat *st)
{
	struct stat buf, first;
	int fd, r;

	if (!st)
		st = &buf;
	if (kernel_file(root, path)) {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -errno;
		r = regular(fd, st);
		if (r < 0) {
			close(fd);
			return r;
		}
		return fd;
	}
	fd = hp_root_open(root, path, O_PATH, 0);
	if (fd < 0)
		return fd;
	r = regular(fd, &first);
	close(fd);
	if (r < 0)
		return r;
	/* O_NONBLOCK all the same: what was a file may be a FIFO by now */
	fd = hp_root_open(root, path, O_RDONLY | O_NONBLOCK, 0);
	return fd < 0 ? fd : still_that(fd, st, &first.st_dev, first.st_ino);
}

int hp_root_open_looked(const char *root, const char *path, const struct stat *looked,
			struct stat *st)
{
	struct stat buf;
	int fd;

	if (!st)
		st = &buf;
	if (!S_ISREG(looked->st_mode))
		return S_ISDIR(looked->st_mode) ? -EISDIR : -HP_ENOTREG;
	fd = hp_root_open(root, path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0);
	return fd < 0 ? fd : still_that(fd, st, &looked->st_dev, looked->st_ino);
}

int hp_root_open_file_in(const char *root, int dirfd, const char *path, const char *name,
			 struct stat *st)
{
	struct stat buf, first;
	int fd;

	if (!st)
		st = &buf;
	if (fstatat(dirfd, name, &first, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(first.st_mode))
		return hp_root_open_file(root, path, st);
	if (!S_ISREG(first.st_mode))
		return S_ISDIR(first.st_mode) ? -EISDIR : -HP_ENOTREG;
	fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : still_that(fd, st, &first.st_dev, first.st_ino);
}

int hp_dir_each(int dirfd, int (*fn)(const struct dirent64 *e, void *ctx), void *ctx)
{
	char buf[2048];

	for (;;) {
		long k = syscall(SYS_getdents64, dirfd, buf, sizeof(buf));

		if (k < 0)
			return -errno;
		if (k == 0)
			return 0;
		for (long off = 0; off < k;) {
			const struct dirent64 *e = (const struct dirent64 *)(buf + off);
			int r;

			off += e->d_reclen;
			r = fn(e, ctx);
			if (r)
				return r;
		}
	}
}

struct regular {
	const char *const *names;
	size_t n;
	ino_t *inos;
	unsigned *mask, found, want;
};

static int judge_entry(const struct dirent64 *e, void *ctx)
{
	struct regular *g = ctx;

	for (size_t i = 0; i < g->n && i < 32; i++) {
		if (strcmp(e->d_name, g->names[i]))
			continue;
		g->found |= 1U << i;
		if (e->d_type == DT_REG) {
			*g->mask |= 1U << i;
			g->inos[i] = (ino_t)e->d_ino;
		}
	}
	return g->found == g->want; /* all seen: the rest of the listing is not read */
}

int hp_root_dir_regular(int dirfd, const char *const *names, size_t n, ino_t *inos, unsigned *mask)
{
	struct regular g = { names, n, inos, mask, 0, n >= 32 ? ~0U : (1U << n) - 1 };
	int r;

	*mask = 0;
	r = hp_dir_each(dirfd, judge_entry, &g);
	return r < 0 ? r : 0;
}

int hp_root_open_judged(int dirfd, const char *name, ino_t ino, struct stat *st)
{
	struct stat buf;
	int fd;

	if (!st)
		st = &buf;
	fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : still_that(fd, st, NULL, ino);
}

int hp_root_opendir(const char *root, const char *path, DIR **out)
{
	int fd = hp_root_open(root, path, O_RDONLY | O_DIRECTORY, 0);
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;

		close(fd);
		return r;
	}
	*out = d;
	return 0;
}

int hp_root_stat(const char *root, const char *path, struct stat *st, bool follow_last)
{
	int fd, r = 0;

	if (hp_root_is_host(root)) {
		r = follow_last ? stat(path, st) : lstat(path, st);
		return r < 0 ? -errno : 0;
	}
	fd = hp_root_open(root, path, O_PATH | (follow_last ? 0 : O_NOFOLLOW), 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		r = -errno;
	close(fd);
	return r;
}

int hp_root_readlink(const char *root, const char *path, char *buf, size_t len)
{
	struct stat st;
	ssize_t n;
	int fd, r = 0;

	if (!len)
		return -ENAMETOOLONG;
	fd = hp_root_open(root, path, O_PATH | O_NOFOLLOW, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISLNK(st.st_mode))
		r = -EINVAL;
	else if ((n = readlinkat(fd, "", buf, len)) < 0)
		r = -errno;
	else if ((size_t)n >= len)
		r = -ENAMETOOLONG;
	else
		buf[n] = '\0';
	close(fd);
	return r;
}

/*
 * Make dir (a copy of the path, changed and restored here) beneath root, its missing parents
 * first: the directory itself is tried first, so one that exists costs one open, and each
 * missing one a look, its parent's open and a mkdirat(). With want, an O_PATH descriptor of
 * dir is returned (for a child's mkdirat()), else 0, and *made says whether this call made
 * dir itself.
 */
static int mkdirs(const char *root, char *dir, bool want, bool *made)
{
	char *slash;
	bool existed;
	int fd, parent;

	*made = false;
	/* on the running system, one mkdir() where the parents are there (the /run of a boot) */
	if (!want && hp_root_is_host(root)) {
		if (mkdir(dir, 0755) == 0) {
			*made = true;
			return 0;
		}
		if (errno != EEXIST && errno != ENOENT)
			return -errno;
	}
	fd = hp_root_open(root, dir, O_PATH | O_DIRECTORY, 0);
	if (fd != -ENOENT) {
		if (fd >= 0 && !want) {
			close(fd);
			return 0;
		}
		return fd;
	}
	slash = strrchr(dir, '/');
	if (slash == dir && !slash[1])
		return fd; /* the root itself is missing */
	*slash = '\0';
	parent = dir[0] ? mkdirs(root, dir, true, made)
			: hp_root_open(root, "/", O_PATH | O_DIRECTORY, 0);
	*slash = '/';
	if (parent < 0)
		return parent;
	existed = mkdirat(parent, slash + 1, 0755) < 0;
	if (existed && errno != EEXIST) {
		fd = -errno;
		close(parent);
		return fd;
	}
	close(parent);
	*made = !existed;
	/* made, or there meanwhile (or a dangling link: -ENOENT): judged as any path is */
	if (!want && !existed)
		return 0;
	fd = hp_root_open(root, dir, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0 && !want) {
		close(fd);
		return 0;
	}
	return fd;
}

int hp_root_mkdirs_made(const char *root, const char *dir, bool *made)
{
	char path[PATH_MAX];
	bool made_buf;
	size_t len = strlen(dir), o = 0;

	if (len == 0 || len >= sizeof(path))
		return len ? -ENAMETOOLONG : -EINVAL;
	if (dir[0] != '/')
		return -EINVAL;
	/* one "/" between components, "." and empty ones dropped, ".." refused */
	for (const char *p = dir; *p;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (n && !(n == 1 && p[0] == '.')) {
			path[o++] = '/';
			memcpy(path + o, p, n);
			o += n;
		}
		p += n;
	}
	if (!o)
		path[o++] = '/';
	path[o] = '\0';
	return mkdirs(root, path, false, made ? made : &made_buf);
}

int hp_root_mkdirs(const char *root, const char *dir)
{
	return hp_root_mkdirs_made(root, dir, NULL);
}

/* --- the chain of trust */

/* the root's own path on the running system, absolute, for the walk above it */
static int absolute(const char *root, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (root[0] == '/')
		return snprintf(buf, len, "%s", root) < (int)len ? 0 : -ENAMETOOLONG;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return snprintf(buf, len, "%s/%s", cwd, root) < (int)len ? 0 : -ENAMETOOLONG;
}

static int walk_host_root(int hostfd, hp_walk_fn fn, void *ctx)
{
	struct stat st;

	if (fstat(hostfd, &st) < 0)
		return -errno;
	return fn(ctx, "/", &st, HP_WALK_DIR);
}

int hp_root_walk(const char *root, const char *path, hp_walk_fn fn, void *ctx)
{
	struct walker w;
	char abs[PATH_MAX];
	int hostfd, rootfd = -1, r;

	hostfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (hostfd < 0)
		return -errno;
	r = walk_host_root(hostfd, fn, ctx);
	if (r >= 0 && !hp_root_is_host(root)) {
		/* the directories above the root, and the root itself, as the running system has
		 * them */
		r = absolute(root, abs, sizeof(abs));
		if (r >= 0) {
			walker_init(&w, NULL, hostfd, fn, ctx);
			r = resolve(&w, abs, false, 0, 0, HP_WALK_DIR);
			walker_pop_to(&w, 1);
		}
		if (r >= 0)
			r = rootfd = open_root(root);
	}
	/* on the running system, a relative path is taken from the working directory */
	if (r >= 0 && hp_root_is_host(root) && path[0] != '/')
		r = absolute(path, abs, sizeof(abs));
	if (r >= 0) {
		walker_init(&w, root, rootfd >= 0 ? rootfd : hostfd, fn, ctx);
		r = resolve(&w, hp_root_is_host(root) && path[0] != '/' ? abs : path, false, 0, 0,
			    HP_WALK_LEAF);
		walker_pop_to(&w, 1);
	}
	if (rootfd >= 0)
		close(rootfd);
	close(hostfd);
	return r;
}

struct leaf {
	char *buf;
	size_t len;
};

static int keep_leaf(void *ctx, const char *shown, const struct stat *st, enum hp_walk_kind kind)
{
	struct leaf *l = ctx;

	(void)st;
	if (kind == HP_WALK_LEAF && snprintf(l->buf, l->len, "%s", shown) >= (int)l->len)
		return -ENAMETOOLONG;
	return 0;
}

int hp_root_resolve(const char *root, const char *path, char *buf, size_t len)
{
	struct leaf l = { buf, len };
	char abs[PATH_MAX];
	struct walker w;
	int rootfd, r;

	if (hp_root_is_host(root) && path[0] != '/') {
		r = absolute(path, abs, sizeof(abs));
		if (r < 0)
			return r;
		path = abs;
	}
	rootfd = open_root(hp_root_is_host(root) ? "/" : root);
	if (rootfd < 0)
		return rootfd;
	walker_init(&w, root, rootfd, keep_leaf, &l);
	r = resolve(&w, path, false, 0, 0, HP_WALK_LEAF);
	walker_pop_to(&w, 1);
	close(rootfd);
	return r;
}
