// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sys/atomic-file.h"
#include "sys/path.h"
#include "sys/root.h"
#include "sys/runtime.h"

#define TEXT_MAX (1U << 20)

/*
 * Write text into the regular file at path beneath root (a sysfs attribute): what is there is
 * looked at first, unopened (sys/root.h: never a device, a FIFO or a link out of the root),
 * then opened for writing and must still be that file.
 */
static int write_text(const char *root, const char *path, const char *text)
{
	struct stat first, st;
	size_t n = strlen(text);
	ssize_t w;
	int fd, r = 0;

	r = hp_root_stat(root, path, &first, false);
	if (r < 0)
		return r;
	if (!S_ISREG(first.st_mode))
		return S_ISDIR(first.st_mode) ? -EISDIR : -HP_ENOTREG;
	fd = hp_root_open(root, path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (st.st_dev != first.st_dev || st.st_ino != first.st_ino)
		r = -ESTALE;
	if (r == 0) {
		w = write(fd, text, n);
		if (w < 0)
			r = -errno;
		else if ((size_t)w != n)
			r = -EIO;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* path on the system (not root-prefixed) from fmt */
static int sys_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int sys_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int hp_rt_write_nr(const char *root, uint64_t size, unsigned node, uint64_t pages)
{
	char path[PATH_MAX], v[32];
	int r;

	r = sys_path(path, sizeof(path), HP_P_NODE_HSTATE, node, (unsigned long long)(size / 1024),
		     "nr_hugepages");
	if (r < 0)
		return r;
	snprintf(v, sizeof(v), "%" PRIu64 "\n", pages);
	return write_text(root, path, v);
}

int hp_rt_read_node(const char *root, uint64_t size, unsigned node, uint64_t *nr, uint64_t *free,
		    uint64_t *surplus)
{
	static const char *const f[] = { "nr_hugepages", "free_hugepages", "surplus_hugepages" };
	uint64_t *out[] = { nr, free, surplus };
	int r;

	for (size_t i = 0; i < 3; i++) {
		r = hp_read_u64(root, out[i], HP_P_NODE_HSTATE, node,
				(unsigned long long)(size / 1024), f[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int hp_rt_compact(const char *root, unsigned node)
{
	char path[PATH_MAX];
	int r;

	r = sys_path(path, sizeof(path), HP_P_NODE_COMPACT, node);
	if (r < 0)
		return r;
	r = write_text(root, path, "1\n");
	return r != -ENOENT ? r : write_text(root, HP_P_COMPACT_MEMORY, "1\n");
}

int hp_rt_read_buddy(const char *root, struct hp_buddy *out)
{
	char *text;
	int r = hp_read_text(root, &text, NULL, TEXT_MAX, HP_P_BUDDYINFO);

	if (r < 0)
		return r;
	r = hp_buddy_parse(text, out, NULL);
	free(text);
	return r;
}

int hp_rt_records(const char *root, struct hp_rt_record **out, size_t *n, char *bad, size_t badlen)
{
	struct hp_rt_record *v = NULL;
	size_t cap = 0, o = 0;
	struct dirent *de;
	DIR *d;
	int r;

	*out = NULL;
	*n = 0;
	if (bad && badlen)
		bad[0] = '\0';
	r = hp_root_opendir(root, HP_P_VM_RECORDS, &d);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char name[HP_NAME_MAX + 1], *text;
		unsigned line = 0;

		if (l <= 7 || l - 7 > HP_NAME_MAX || strcmp(de->d_name + l - 7, ".record"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 7), de->d_name);
		if (*n == cap) {
			struct hp_rt_record *nv;

			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		r = hp_read_text(root, &text, NULL, TEXT_MAX, HP_P_VM_RECORD, name);
		if (r == 0) {
			r = hp_record_parse(text, &v[*n], &line);
			free(text);
		}
		if (r == 0 && strcmp(v[*n].vm, name))
			r = -EINVAL;
		if (r == 0) {
			(*n)++;
			continue;
		}
		if (bad && o < badlen)
			o += (size_t)snprintf(bad + o, badlen - o, "%s%s/%s", o ? ", " : "",
					      HP_P_VM_RECORDS, de->d_name);
		r = 0;
	}
	closedir(d);
	if (r < 0) {
		free(v);
		*n = 0;
		return r;
	}
	*out = v;
	return 0;
}

int hp_rt_record_write(const char *root, const struct hp_rt_record *rec)
{
	char path[PATH_MAX], text[8192];
	enum hp_af_step step;
	int r;

	r = hp_record_format(rec, text, sizeof(text));
	if (r == 0)
		r = hp_root_mkdirs(root, HP_P_VM_RECORDS);
	if (r == 0)
		r = sys_path(path, sizeof(path), HP_P_VM_RECORD, rec->vm);
	if (r < 0)
		return r;
	r = hp_atomic_write(root, path, text, strlen(text), 0644, &step);
	return r < 0 ? r : 0;
}

int hp_rt_record_remove(const char *root, const char *vm)
{
	char path[PATH_MAX];
	enum hp_af_step step;
	int r = sys_path(path, sizeof(path), HP_P_VM_RECORD, vm);

	if (r < 0)
		return r;
	r = hp_atomic_remove(root, path, &step);
	return r < 0 && r != -ENOENT ? r : 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hp_rt_lock(const char *root, unsigned wait_ms)
{
	long deadline = now_ms() + (long)wait_ms;
	struct stat st;
	int fd, r;

	r = hp_root_mkdirs(root, HP_P_RUN_DIR);
	if (r < 0)
		return r;
	fd = hp_root_open(root, HP_P_VM_LOCK, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd < 0)
		return fd;
	/* hugeplan's lock: a regular file of ours with one link, else someone else's file */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		close(fd);
		return -ENOTUNIQ;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || now_ms() >= deadline) {
			r = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
			close(fd);
			return r;
		}
		usleep(20 * 1000);
	}
	return fd;
}
