// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/path.h"
#include "sys/runfile.h"

/* mkdir -p of every parent of full, which starts with the root's own path */
static int make_parents(char *full)
{
	for (char *p = full + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST) {
			int r = -errno;

			*p = '/';
			return r;
		}
		*p = '/';
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int hp_runfile_write(const char *root, const char *path, const char *data, size_t len, mode_t mode)
{
	char full[4096], tmp[4200];
	int fd, r;

	r = hp_path(full, sizeof(full), root, "%s", path);
	if (r < 0)
		return r;
	r = make_parents(full);
	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", full, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && fchmodat(AT_FDCWD, tmp, mode, 0) < 0)
		r = -errno;
	if (!r && rename(tmp, full) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}
