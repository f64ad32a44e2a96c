// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "sys/atomic-file.h"
#include "sys/root.h"

const char *hp_af_step_name(enum hp_af_step step)
{
	switch (step) {
	case HP_AF_NONE:
		break;
	case HP_AF_MKDIR:
		return "create directory";
	case HP_AF_READ:
		return "read current file";
	case HP_AF_OPEN_DIR:
		return "open directory";
	case HP_AF_CREATE:
		return "create temporary file";
	case HP_AF_WRITE:
		return "write temporary file";
	case HP_AF_FSYNC:
		return "fsync temporary file";
	case HP_AF_CLOSE:
		return "close temporary file";
	case HP_AF_RENAME:
		return "rename temporary file over target";
	case HP_AF_UNLINK:
		return "remove file";
	case HP_AF_DIR_SYNC:
		return "fsync directory";
	case HP_AF_RMDIR:
		return "remove directory";
	}
	return "no step";
}

static int fail(enum hp_af_step *step, enum hp_af_step s, int err)
{
	if (step)
		*step = s;
	return err;
}

static int split_dir(const char *path, char *dir, size_t dlen, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		hp_copy(dir, dlen, ".");
		*base = path;
	} else if (slash == path) {
		hp_copy(dir, dlen, "/");
		*base = slash + 1;
	} else {
		if ((size_t)(slash - path) >= dlen)
			return -ENAMETOOLONG;
		hp_copy_n(dir, dlen, path, (size_t)(slash - path));
		*base = slash + 1;
	}
	return **base ? 0 : -EINVAL;
}

#define TEMP_TAG_LEN 6 /* hex digits in ".BASE.XXXXXX~" */

/* whether name is one of our temporary files for base: ".BASE." six hex digits "~" */
static bool our_temp(const char *name, const char *base)
{
	size_t blen = strlen(base);

	if (name[0] != '.' || strncmp(name + 1, base, blen) || name[1 + blen] != '.')
		return false;
	name += blen + 2;
	for (int i = 0; i < TEMP_TAG_LEN; i++)
		if (!name[i] || !strchr("0123456789abcdef", name[i]))
			return false;
	return !strcmp(name + TEMP_TAG_LEN, "~");
}

struct stale {
	int fd;
	const char *base;
};

static int drop_one(const struct dirent64 *e, void *ctx)
{
	const struct stale *st = ctx;

	if (our_temp(e->d_name, st->base))
		unlinkat(st->fd, e->d_name, 0);
	return 0;
}

/*
 * Remove what our_temp() matches in the directory fd; best effort: the write does not need it.
 * Listed on fd itself (its offset is used by nothing else here) by hp_dir_each(): a DIR (a
 * duplicate, its fstat and fcntl calls, a 32 KiB buffer) cost the verifier's report write at
 * every boot more than the write.
 */
static void drop_stale_temps(int fd, const char *base)
{
	struct stale st = { fd, base };

	(void)hp_dir_each(fd, drop_one, &st);
}

/*
 * The target's directory, opened (for the final fsync) and locked. Writers hold an exclusive
 * flock on it from before they create a temporary file until after the rename or unlink, so
 * a temporary file of ours found while holding the lock was left by a writer that died
 * (kill -9, a crash, a power cut) and is removed: they cannot pile up. Where flock is refused
 * (some network file systems), nothing is removed and the write goes on unlocked.
 */
static int open_dir(const char *root, const char *dir, const char *base, bool fresh)
{
	int fd = hp_root_open(root, dir, O_RDONLY | O_DIRECTORY, 0);

	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return fd;
	if (!fresh)
		drop_stale_temps(fd, base);
	return fd;
}

/* fsync and close the directory fd (which drops the lock) */
static int sync_dir(int fd)
{
	int r = 0;

	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/*
 * 1 when base in dfd is what a write of data with mode would leave: a regular file of ours
 * (owned by us, one link, exactly mode) holding exactly data. 0 when it differs or does not
 * exist, -errno when it cannot be read.
 */
/* not inlined: its 8 KiB buffer would sit in write_file()'s frame, pages of stack deeper at
 * every write, where a fresh directory's never compares (a fault a page at boot: issue 20) */
__attribute__((noinline)) static int same_content(int dfd, const char *base, const void *data,
						  size_t len, mode_t mode)
{
	struct stat st;
	char buf[8192];
	size_t off = 0;
	int fd, r = 1;

	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	/* a file of another mode, owner or with another name is replaced, content or not */
	if ((size_t)st.st_size != len || (st.st_mode & 07777) != mode || st.st_uid != geteuid() ||
	    st.st_nlink != 1) {
		r = 0;
		goto out;
	}
	for (;;) {
		ssize_t k = read(fd, buf, sizeof(buf));

		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (k == 0)
			break;
		if (off + (size_t)k > len || memcmp(buf, (const char *)data + off, (size_t)k)) {
			r = 0;
			goto out;
		}
		off += (size_t)k;
	}
	r = off == len;
out:
	close(fd);
	return r;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t k = write(fd, p, len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* O_EXCL makes the name ours (a planted file or link is never opened); retried on a clash. */
static int create_temp(int dfd, const char *base, mode_t mode, char *tmp, size_t tlen)
{
	/* not 0: in .data, not in a page of .bss of its own (a fault at every boot's report) */
	static unsigned counter = 1;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (int i = 0; i < 100; i++) {
		unsigned long tag = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 12) ^
				    (++counter * 2654435761UL);
		int fd, n;

		n = snprintf(tmp, tlen, ".%s.%0*lx~", base, TEMP_TAG_LEN, tag & 0xffffff);
		if (n < 0 || (size_t)n >= tlen)
			return -ENAMETOOLONG;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* a file just made: the mode asked for whatever the umask, then data, on disk; 0 or -errno */
static int fill(int fd, const void *data, size_t len, mode_t mode, enum hp_af_step *step)
{
	int r;

	if (fchmod(fd, mode) < 0)
		return fail(step, HP_AF_CREATE, -errno);
	r = write_all(fd, data, len);
	if (r < 0)
		return fail(step, HP_AF_WRITE, r);
	if (fsync(fd) < 0)
		return fail(step, HP_AF_FSYNC, -errno);
	return 0;
}

/*
 * Into a directory just made: the file written unnamed (O_TMPFILE) and linked in whole, so
 * readers see it complete or not at all, as after a rename, with no temporary name to make
 * and rename (the link costs half the rename: issue 20). -EAGAIN when that cannot be done
 * here, nothing left behind: no O_TMPFILE on the filesystem, no CAP_DAC_READ_SEARCH for
 * linkat(AT_EMPTY_PATH) (ENOENT), the name taken meanwhile (EEXIST); the caller writes the
 * usual way then. Else HP_AF_WRITTEN, or what write_file() fails with where it fails so.
 */
static int write_unnamed(int dfd, const char *base, const void *data, size_t len, mode_t mode,
			 enum hp_af_step *step)
{
	int fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode), r;

	if (fd < 0)
		return -EAGAIN;
	r = fill(fd, data, len, mode, step);
	if (r < 0)
		goto out;
	if (linkat(fd, "", dfd, base, AT_EMPTY_PATH) < 0) {
		r = -EAGAIN;
		goto out;
	}
	r = close(fd);
	fd = -1;
	if (r < 0) {
		r = fail(step, HP_AF_CLOSE, -errno);
		unlinkat(dfd, base, 0);
		goto out;
	}
	r = HP_AF_WRITTEN;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

static int write_file(const char *root, const char *path, const void *data, size_t len, mode_t mode,
		      bool fresh, enum hp_af_step *step)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *base;
	int dfd, fd, r;

	r = split_dir(path, dir, sizeof(dir), &base);
	if (r < 0)
		return fail(step, HP_AF_CREATE, r);
	dfd = open_dir(root, dir, base, fresh);
	if (dfd < 0)
		return fail(step, HP_AF_OPEN_DIR, dfd);
	r = fresh ? 0 : same_content(dfd, base, data, len, mode);
	if (r != 0) {
		r = r < 0 ? fail(step, HP_AF_READ, r) : HP_AF_UNCHANGED;
		goto unlock;
	}
	if (fresh && (r = write_unnamed(dfd, base, data, len, mode, step)) != -EAGAIN) {
		if (r < 0)
			goto unlock;
		r = sync_dir(dfd);
		return r < 0 ? fail(step, HP_AF_DIR_SYNC, r) : HP_AF_WRITTEN;
	}

	fd = create_temp(dfd, base, mode, tmp, sizeof(tmp));
	if (fd < 0) {
		r = fail(step, HP_AF_CREATE, fd);
		goto unlock;
	}
	r = fill(fd, data, len, mode, step);
	if (r < 0)
		goto drop;
	r = close(fd);
	fd = -1;
	if (r < 0) {
		r = fail(step, HP_AF_CLOSE, -errno);
		goto drop;
	}
	if (renameat(dfd, tmp, dfd, base) < 0) {
		r = fail(step, HP_AF_RENAME, -errno);
		goto drop;
	}
	r = sync_dir(dfd);
	if (r < 0)
		return fail(step, HP_AF_DIR_SYNC, r);
	return HP_AF_WRITTEN;
drop:
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, tmp, 0);
unlock:
	close(dfd);
	return r;
}

int hp_atomic_write(const char *root, const char *path, const void *data, size_t len, mode_t mode,
		    enum hp_af_step *step)
{
	return write_file(root, path, data, len, mode, false, step);
}

int hp_atomic_write_new_dir(const char *root, const char *path, const void *data, size_t len,
			    mode_t mode, enum hp_af_step *step)
{
	return write_file(root, path, data, len, mode, true, step);
}

/* unlink path (or, dir true, rmdir it) beneath root and fsync its directory, under its lock */
static int remove_entry(const char *root, const char *path, bool dir_, enum hp_af_step *step)
{
	enum hp_af_step what = dir_ ? HP_AF_RMDIR : HP_AF_UNLINK;
	char dir[PATH_MAX];
	const char *base;
	int dfd, r;

	r = split_dir(path, dir, sizeof(dir), &base);
	if (r < 0)
		return fail(step, what, r);
	dfd = open_dir(root, dir, base, false);
	if (dfd < 0)
		return dfd == -ENOENT ? HP_AF_ABSENT : fail(step, HP_AF_OPEN_DIR, dfd);
	if (unlinkat(dfd, base, dir_ ? AT_REMOVEDIR : 0) < 0) {
		r = errno;
		close(dfd);
		return r == ENOENT ? HP_AF_ABSENT : fail(step, what, -r);
	}
	r = sync_dir(dfd);
	if (r < 0)
		return fail(step, HP_AF_DIR_SYNC, r);
	return 0;
}

int hp_atomic_remove(const char *root, const char *path, enum hp_af_step *step)
{
	return remove_entry(root, path, false, step);
}

int hp_atomic_rmdir(const char *root, const char *path, enum hp_af_step *step)
{
	return remove_entry(root, path, true, step);
}
