/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The path layer: every read or write of the system goes through a root directory ("/" or
 * NULL for the running system, a fixture tree or an offline image otherwise), in the spirit of
 * util-linux's --sysroot: tests point the whole tool at a directory laid out like a real
 * machine. The paths themselves are in core/pathnames.h.
 */
#ifndef HP_PATH_H
#define HP_PATH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/pathnames.h"

/*
 * hp_path - root followed by the formatted absolute path: the name of a path under a root as
 * messages show it. Never open what it gives: sys/root.h resolves paths beneath a root.
 * A NULL, empty or "/" root is the running system. Returns 0, or -ENAMETOOLONG when it does
 * not fit len.
 */
int hp_path(char *buf, size_t len, const char *root, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The readers below take the formatted path as on the system under root and resolve it
 * beneath root (sys/root.h): nothing they read can be outside it.
 *
 * hp_read_text - the whole regular file at path, NUL-terminated, in a malloc'd buffer. Never
 * blocks: a FIFO, a socket or a device is refused with -HP_ENOTREG (sys/root.h), a directory
 * with -EISDIR. Files larger than max bytes give -EFBIG (sysfs and procfs files report size
 * 0, so the file is read until EOF). *len, if given, is the byte count. -errno on failure.
 */
int hp_read_text(const char *root, char **out, size_t *len, size_t max, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * hp_read_text_until - hp_read_text(), but only the lines before the first that begins with
 * one of stops (a NULL-terminated list of prefixes): the read ends there, the rest of the
 * file is not read. A text without such a line is read whole (max applies).
 */
int hp_read_text_until(const char *root, char **out, size_t *len, size_t max,
		       const char *const *stops, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* hp_read_fd - the rest of an open file, as hp_read_text() reads it. The caller closes fd. */
int hp_read_fd(int fd, char **out, size_t *len, size_t max);

/*
 * hp_read_fd_st - hp_read_fd() of a file whose fstat() is st: a regular file ends once the
 * reads have brought its st_size bytes, without the read that would return 0 (hp_read_text()
 * does the same); when they bring more (it grew, or its size is not its length: sysfs gives
 * a page), it is read to its end.
 */
int hp_read_fd_st(int fd, const struct stat *st, char **out, size_t *len, size_t max);

/* hp_read_fd_until - the same, ending before the first line that begins with one of stops. */
int hp_read_fd_until(int fd, char **out, size_t *len, size_t max, const char *const *stops);

/* hp_read_line()'s buffer for a sysfs attribute: a page at most, its newline in it, and a NUL */
#define HP_ATTR_MAX 4097

/*
 * hp_read_line - the one-line kernel file at path beneath root (/proc/cmdline, a sysctl, a
 * sysfs attribute), its line without the newline, into buf of len bytes: at most len - 1
 * bytes and the newline. No allocation. Such a file gives all it holds to one read(), so a
 * read that ends in a newline ends it, without the read that would return 0; text without a
 * newline is read to its end. *n (if given) gets the length. 0, -EFBIG when it does not fit,
 * or -errno.
 */
int hp_read_line(const char *root, const char *path, char *buf, size_t len, size_t *n);

/* hp_read_line_fd - the same from fd, opened: what hp_read_line() does once it is. */
int hp_read_line_fd(int fd, char *buf, size_t len, size_t *n);

/* hp_read_u64 - a file holding one decimal number (sysfs style). -EINVAL if it does not. */
int hp_read_u64(const char *root, uint64_t *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* hp_path_mtime - the mtime of path beneath root (links followed), ms since the epoch. -errno */
int hp_path_mtime(const char *root, uint64_t *ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* hp_path_exists - 1 if path exists beneath root (any type, a link not followed), 0 if not. */
int hp_path_exists(const char *root, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
