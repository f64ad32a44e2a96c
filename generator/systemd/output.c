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

/* dir/rel into buf, and its parent directories made under dir */
static int prepare(const char *dir, const char *rel, char *buf, size_t len)
{
	size_t dl = strlen(dir);

	if (!rel_ok(rel))
		return -EINVAL;
	if (snprintf(buf, len, "%s/%s", dir, rel) >= (int)len)
		return -ENAMETOOLONG;
	for (char *s = buf + dl + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
			int r = -errno;

			*s = '/';
			return r;
		}
		*s = '/';
	}
	return 0;
}

int gen_write_file(const char *dir, const char *rel, const char *text)
{
	size_t len = strlen(text), done = 0;
	char path[4096];
	int fd, r;

	r = prepare(dir, rel, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			close(fd);
			unlink(path);
			return r;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0) {
		r = -errno;
		unlink(path);
		return r;
	}
	return 0;
}

int gen_symlink(const char *dir, const char *rel, const char *target)
{
	char path[4096];
	int r;

	r = prepare(dir, rel, path, sizeof(path));
	if (r < 0)
		return r;
	if (symlink(target, path) < 0)
		return -errno;
	return 0;
}
