// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "systemd/output.h"

static bool rel_ok(const char *rel)
{
	const char *p = rel;

	if (!*rel || *rel == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p)
			p++;
	}
	return true;
}

/*
 * The output directory, opened once: every name is then made relative to it (a path walk of
 * one or two components, not of the whole /run/systemd/generator/... each time).
 */
static int out_fd = -1;
static char out_dir[4096];

static int dir_fd(const char *dir)
{
	if (out_fd >= 0 && !strcmp(dir, out_dir))
		return out_fd;
	gen_output_close();
	if (strlen(dir) >= sizeof(out_dir))
		return -ENAMETOOLONG;
	out_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (out_fd < 0)
		return -errno;
	strcpy(out_dir, dir);
	return out_fd;
}

void gen_output_close(void)
{
	if (out_fd >= 0)
		close(out_fd);
	out_fd = -1;
	out_dir[0] = '\0';
}

/* rel's parent directories made under dirfd */
static int prepare(int dirfd, const char *rel)
{
	char buf[4096];

	if (!rel_ok(rel))
		return -EINVAL;
	if (strlen(rel) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, rel);
	for (char *s = buf; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdirat(dirfd, buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int gen_write_file(const char *dir, const char *rel, const char *text)
{
	size_t len = strlen(text), done = 0;
	int dfd = dir_fd(dir), fd, r;

	if (dfd < 0)
		return dfd;
	r = prepare(dfd, rel);
	if (r < 0)
		return r;
	fd = openat(dfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			close(fd);
			unlinkat(dfd, rel, 0);
			return r;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0) {
		r = -errno;
		unlinkat(dfd, rel, 0);
		return r;
	}
	return 0;
}

int gen_symlink(const char *dir, const char *rel, const char *target)
{
	int dfd = dir_fd(dir), r;

	if (dfd < 0)
		return dfd;
	r = prepare(dfd, rel);
	if (r < 0)
		return r;
	if (symlinkat(target, dfd, rel) < 0)
		return -errno;
	return 0;
}
