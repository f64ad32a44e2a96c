// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/kmsg.h"
#include "sys/path.h"
#include "sys/root.h"

/* a record is at most 1 KiB of text plus its dictionary; a short buffer makes read() fail */
#define RECBUF	 8192
#define FILE_MAX (16U << 20)
/* a captured log's buffer to begin with: a page (records are rarely over 1 KiB; it grows) */
#define FILEBUF 4096

/* what a walk calls back for: the records whose text begins with prefix (NULL: every one) */
struct want {
	const char *prefix;
	hp_kmsg_fn fn;
	void *ctx;
};

static int parse_one(const char *buf, size_t len, const struct want *w)
{
	struct hp_kmsg_rec rec;

	/* most of a boot's log is no one's business: its text is not even copied out */
	if (w->prefix && !hp_kmsg_rec_text_starts(buf, len, w->prefix))
		return 0;
	if (hp_kmsg_rec_parse(buf, len, &rec) < 0)
		return 0;
	return w->fn(&rec, w->ctx);
}

/* the buffers on the stack: at boot the verifier allocates nothing (its main.c) */
static int walk_device(int fd, const struct want *w)
{
	char buf[RECBUF];
	int r = 0;

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
		r = parse_one(buf, (size_t)n, w);
		if (r)
			break;
	}
	return r;
}

/*
 * A captured log, read a buffer at a time and split on record boundaries: the walk stops
 * where the callback does, and memory stays one buffer (a page written is a fault, and at
 * boot under emulation each costs microseconds). A record longer than the buffer grows it.
 * A record ends at a newline that no " KEY=VALUE" line follows: one ending the buffer is
 * complete only once the next byte (or the end of the file) is seen.
 */
static int walk_file(int fd, const struct stat *st, const struct want *w)
{
	size_t cap = FILEBUF, have = 0, total = 0;
	char first[FILEBUF], *buf = first;
	bool eof = false;
	int r = 0;

	if (st->st_size > (off_t)FILE_MAX)
		return -EFBIG;
	while (!r) {
		size_t off = 0;

		if (!eof && have < cap) {
			ssize_t k = read(fd, buf + have, cap - have);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				r = -errno;
				break;
			}
			eof = k == 0;
			have += (size_t)k;
			total += (size_t)k;
			if (total > FILE_MAX) {
				r = -EFBIG;
				break;
			}
		}
		while (off < have && !r) {
			size_t n = hp_kmsg_rec_len(buf + off, have - off);

			if (off + n == have && !eof)
				break; /* its end, or what follows it, is still to come */
			r = parse_one(buf + off, n, w);
			off += n;
		}
		if (r || (eof && off == have))
			break;
		memmove(buf, buf + off, have - off);
		have -= off;
		if (have == cap) {
			/* a record longer than the buffer: it moves to the heap */
			char *nb = cap > FILE_MAX ? NULL
				   : buf == first ? malloc(cap * 2)
						  : realloc(buf, cap * 2);

			if (!nb) {
				r = cap > FILE_MAX ? -EFBIG : -ENOMEM;
				break;
			}
			if (buf == first)
				memcpy(nb, first, have);
			buf = nb;
			cap *= 2;
		}
	}
	if (buf != first)
		free(buf);
	return r;
}

/* the log beneath root, never blocking: the device, a captured file, nothing else */
static int open_log(const char *root, int flags, struct stat *st)
{
	int fd = hp_root_open(root, HP_P_KMSG, flags | O_NONBLOCK, 0), r = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		r = -errno;
	else if (!S_ISCHR(st->st_mode) && !S_ISREG(st->st_mode))
		r = -HP_ENOTREG;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/*
 * The log held open by hp_kmsg_hold(): read and written through one descriptor, opened
 * O_RDWR | O_APPEND (a captured file's lines go at its end, wherever its reading stopped).
 */
static struct {
	int fd;
	bool walked; /* read once: the next walk starts over (SEEK_SET 0 is the first record) */
	struct stat st;
} held = { .fd = -1 };

int hp_kmsg_hold(const char *root)
{
	int fd;

	hp_kmsg_release();
	fd = open_log(root, O_RDWR | O_APPEND, &held.st);
	if (fd < 0)
		return fd;
	held.fd = fd;
	held.walked = false;
	return 0;
}

void hp_kmsg_release(void)
{
	if (held.fd >= 0)
		close(held.fd);
	held.fd = -1;
}

static int walk(int fd, const struct stat *st, const struct want *w)
{
	/* a device gives one record per read; a captured log many, split on record boundaries */
	return S_ISCHR(st->st_mode) ? walk_device(fd, w) : walk_file(fd, st, w);
}

int hp_kmsg_foreach_prefix(const char *root, const char *prefix, hp_kmsg_fn fn, void *ctx)
{
	const struct want w = { prefix, fn, ctx };
	struct stat st;
	int fd, r;

	if (held.fd >= 0 && (!held.walked || lseek(held.fd, 0, SEEK_SET) == 0)) {
		held.walked = true;
		return walk(held.fd, &held.st, &w);
	}
	fd = open_log(root, O_RDONLY, &st);
	if (fd < 0)
		return fd;
	r = walk(fd, &st, &w);
	close(fd);
	return r;
}

int hp_kmsg_foreach(const char *root, hp_kmsg_fn fn, void *ctx)
{
	return hp_kmsg_foreach_prefix(root, NULL, fn, ctx);
}

int hp_kmsg_log(const char *root, unsigned level, const char *text)
{
	char line[1024];
	struct stat st;
	ssize_t w;
	int fd, r, n;

	n = snprintf(line, sizeof(line), "<%u>%s\n", (1U << 3) | (level & 7), text);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	fd = held.fd >= 0 ? held.fd : open_log(root, O_WRONLY | O_APPEND, &st);
	if (fd < 0)
		return fd;
	/* one write() is one record for the device */
	do {
		w = write(fd, line, (size_t)n);
	} while (w < 0 && errno == EINTR);
	r = w < 0 ? -errno : (w != n ? -EIO : 0);
	if (fd != held.fd && close(fd) < 0 && !r)
		r = -errno;
	return r;
}
