// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/path.h"
#include "sys/root.h"

static int vpath(char *buf, size_t len, const char *root, const char *fmt, va_list ap)
{
	int n = 0, m;

	if (root && *root && strcmp(root, "/") != 0) {
		size_t rl = strlen(root);

		while (rl > 1 && root[rl - 1] == '/')
			rl--;
		n = snprintf(buf, len, "%.*s", (int)rl, root);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
	}
	m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return -ENAMETOOLONG;
	return 0;
}

int hp_path(char *buf, size_t len, const char *root, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vpath(buf, len, root, fmt, ap);
	va_end(ap);
	return r;
}

/* the offset of the first line in text[from, n) that begins with one of stops, or n */
static size_t stop_line(const char *text, size_t from, size_t n, const char *const *stops)
{
	for (size_t p = from; p < n;) {
		const char *eol = memchr(text + p, '\n', n - p);

		for (const char *const *k = stops; *k; k++) {
			size_t kl = strlen(*k);

			if (n - p >= kl && !memcmp(text + p, *k, kl))
				return p;
		}
		if (!eol)
			break;
		p = (size_t)(eol - text) + 1;
	}
	return n;
}

/* the start of the last line of text[0, n), which may still grow */
static size_t last_line(const char *text, size_t from, size_t n)
{
	for (size_t p = n; p > from; p--)
		if (text[p - 1] == '\n')
			return p;
	return from;
}

/* expect: a regular file's size, whose bytes read end it (0: read until read() says the end) */
static int read_fd(int fd, char **out, size_t *len, size_t max, const char *const *stops,
		   size_t expect)
{
	size_t cap = 4096, n = 0, scanned = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k;

		if (n == cap) {
			char *nb;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			k = -errno;
			free(buf);
			return (int)k;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (stops) {
			/* whole lines only: a stop may begin in what the next read brings */
			size_t whole = last_line(buf, scanned, n),
			       at = stop_line(buf, scanned, whole, stops);

			if (at < whole) {
				n = at;
				break;
			}
			scanned = whole;
		}
		if (n > max) {
			free(buf);
			return -EFBIG;
		}
		if (expect && n == expect)
			break;
	}
	if (stops)
		n = stop_line(buf, scanned, n, stops);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int hp_read_fd_until(int fd, char **out, size_t *len, size_t max, const char *const *stops)
{
	return read_fd(fd, out, len, max, stops, 0);
}

/* a size that ends the read: a regular file's (sysfs's 4096 is a page's, never reached) */
static size_t file_size(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_size > 0 ? (size_t)st->st_size : 0;
}

int hp_read_fd(int fd, char **out, size_t *len, size_t max)
{
	return hp_read_fd_until(fd, out, len, max, NULL);
}

int hp_read_fd_st(int fd, const struct stat *st, char **out, size_t *len, size_t max)
{
	return read_fd(fd, out, len, max, NULL, file_size(st));
}

static int vread_text(const char *root, char **out, size_t *len, size_t max,
		      const char *const *stops, const char *fmt, va_list ap)
{
	char p[4096];
	struct stat st;
	int fd, r;

	if (vsnprintf(p, sizeof(p), fmt, ap) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	fd = hp_root_open_file(root, p, &st);
	if (fd < 0)
		return fd;
	r = read_fd(fd, out, len, max, stops, file_size(&st));
	close(fd);
	return r;
}

int hp_read_text(const char *root, char **out, size_t *len, size_t max, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vread_text(root, out, len, max, NULL, fmt, ap);
	va_end(ap);
	return r;
}

int hp_read_text_until(const char *root, char **out, size_t *len, size_t max,
		       const char *const *stops, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vread_text(root, out, len, max, stops, fmt, ap);
	va_end(ap);
	return r;
}

int hp_read_line_fd(int fd, char *buf, size_t len, size_t *out)
{
	size_t n = 0;
	int r = 0;

	if (!len)
		return -EFBIG;
	for (;;) {
		ssize_t k = read(fd, buf + n, len - n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (k == 0) {
			r = n < len ? 0 : -EFBIG;
			break;
		}
		n += (size_t)k;
		if (buf[n - 1] == '\n') {
			n--;
			break;
		}
		if (n == len) {
			r = -EFBIG;
			break;
		}
	}
	if (r < 0) {
		buf[0] = '\0';
		return r;
	}
	buf[n] = '\0';
	if (out)
		*out = n;
	return 0;
}

int hp_read_line(const char *root, const char *path, char *buf, size_t len, size_t *n)
{
	int fd, r;

	if (!len)
		return -EFBIG;
	fd = hp_root_open_file(root, path, NULL);
	if (fd < 0) {
		buf[0] = '\0';
		return fd;
	}
	r = hp_read_line_fd(fd, buf, len, n);
	close(fd);
	return r;
}

int hp_read_u64(const char *root, uint64_t *out, const char *fmt, ...)
{
	char p[4096], *text, *end;
	unsigned long long v;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(p, sizeof(p), fmt, ap) < (int)sizeof(p) ? 0 : -ENAMETOOLONG;
	va_end(ap);
	if (r < 0)
		return r;
	r = hp_read_text(root, &text, NULL, 4096, "%s", p);
	if (r < 0)
		return r;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n') || text[0] == '-') {
		free(text);
		return -EINVAL;
	}
	free(text);
	*out = v;
	return 0;
}

/* stat (follow) or lstat of path beneath root; 0 or -errno */
static int vstat(const char *root, struct stat *st, bool follow, const char *fmt, va_list ap)
{
	char p[4096];
	int n = vsnprintf(p, sizeof(p), fmt, ap);

	if (n < 0 || n >= (int)sizeof(p))
		return -ENAMETOOLONG;
	return hp_root_stat(root, p, st, follow);
}

int hp_path_exists(const char *root, const char *fmt, ...)
{
	struct stat st;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vstat(root, &st, false, fmt, ap);
	va_end(ap);
	return r == 0;
}

int hp_path_mtime(const char *root, uint64_t *ms, const char *fmt, ...)
{
	struct stat st;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vstat(root, &st, true, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	if (st.st_mtim.tv_sec < 0)
		return -ERANGE;
	*ms = (uint64_t)st.st_mtim.tv_sec * 1000 + (uint64_t)st.st_mtim.tv_nsec / 1000000;
	return 0;
}
