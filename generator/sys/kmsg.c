// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/kmsg.h"
#include "sys/path.h"

/* a record is at most 1 KiB of text plus its dictionary; a short buffer makes read() fail */
#define RECBUF	 8192
#define FILE_MAX (16U << 20)

static int parse_one(const char *buf, size_t len, hp_kmsg_fn fn, void *ctx)
{
	struct hp_kmsg_rec rec;

	if (hp_kmsg_rec_parse(buf, len, &rec) < 0)
		return 0;
	return fn(&rec, ctx);
}

static int walk_device(int fd, hp_kmsg_fn fn, void *ctx)
{
	char *buf = malloc(RECBUF);
	int r = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf, RECBUF);

		if (n < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;
			if (errno != EAGAIN)
				r = -errno;
			break;
		}
		if (n == 0)
			break;
		r = parse_one(buf, (size_t)n, fn, ctx);
		if (r)
			break;
	}
	free(buf);
	return r;
}

static int walk_file(const char *root, hp_kmsg_fn fn, void *ctx)
{
	size_t len, off = 0;
	char *text;
	int r;

	r = hp_read_text(root, &text, &len, FILE_MAX, HP_P_KMSG);
	if (r < 0)
		return r;
	while (off < len) {
		size_t n = hp_kmsg_rec_len(text + off, len - off);

		r = parse_one(text + off, n, fn, ctx);
		if (r)
			break;
		off += n;
	}
	free(text);
	return r;
}

int hp_kmsg_foreach(const char *root, hp_kmsg_fn fn, void *ctx)
{
	char path[4096];
	struct stat st;
	int fd, r;

	r = hp_path(path, sizeof(path), root, HP_P_KMSG);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (S_ISCHR(st.st_mode)) {
		r = walk_device(fd, fn, ctx);
		close(fd);
		return r;
	}
	/* a captured log: many records per read, split on record boundaries */
	close(fd);
	return walk_file(root, fn, ctx);
}

int hp_kmsg_log(const char *root, unsigned level, const char *text)
{
	char path[4096], line[1024];
	ssize_t w;
	int fd, r, n;

	r = hp_path(path, sizeof(path), root, HP_P_KMSG);
	if (r < 0)
		return r;
	n = snprintf(line, sizeof(line), "<%u>%s\n", (1U << 3) | (level & 7), text);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* one write() is one record for the device */
	do {
		w = write(fd, line, (size_t)n);
	} while (w < 0 && errno == EINTR);
	r = w < 0 ? -errno : (w != n ? -EIO : 0);
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}
