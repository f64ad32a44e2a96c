// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "sys/lock.h"
#include "sys/path.h"
#include "sys/root.h"

#define POLL_MS	  50
#define LOCK_NAME "lock" /* HP_P_LOCK_FILE in HP_P_STATE_DIR */

/*
 * The PID of the process holding the flock on st's file, from the kernel's table of locks
 * ("ID: FLOCK  ADVISORY  WRITE PID MAJOR:MINOR:INODE 0 EOF"; "ID: -> ..." for one waiting);
 * 0 when it shows none. The inode alone decides when no line has the device too (a file
 * system whose stat shows another device than its superblock's, as btrfs).
 */
static long lock_pid(const struct stat *st)
{
	char *text, *save = NULL;
	long pid = 0, only = 0;
	unsigned same_ino = 0;

	if (hp_read_text(NULL, &text, NULL, 16u << 20, "%s", HP_P_PROC_LOCKS) < 0)
		return 0;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char kind[16], rw[16];
		unsigned maj, min;
		unsigned long long ino;
		long p;

		if (strstr(l, "->") || sscanf(l, "%*[^:]: %15s %*s %15s %ld %x:%x:%llu", kind, rw,
					      &p, &maj, &min, &ino) != 6)
			continue;
		if (strcmp(kind, "FLOCK") || strcmp(rw, "WRITE") ||
		    ino != (unsigned long long)st->st_ino)
			continue;
		if (maj == major(st->st_dev) && min == minor(st->st_dev)) {
			pid = p;
			break;
		}
		same_ino++;
		only = p;
	}
	free(text);
	return pid > 0 ? pid : same_ino == 1 && only > 0 ? only : 0;
}

/* when pid started, UTC (its start in clock ticks after boot, plus the boot time) */
static void started(long pid, char *buf, size_t len)
{
	unsigned long long ticks = 0, btime = 0;
	char *text, *p, *save = NULL;
	long hz = sysconf(_SC_CLK_TCK);
	struct tm tm;
	time_t t;

	buf[0] = '\0';
	if (hz <= 0 || hp_read_text(NULL, &text, NULL, 4096, HP_P_PROC_PID_STAT, pid) < 0)
		return;
	/* after "PID (COMM) ": state is field 3, starttime field 22 */
	p = strrchr(text, ')');
	for (int f = 3; p && f <= 22; f++)
		p = strtok_r(f == 3 ? p + 1 : NULL, " ", &save);
	if (p)
		ticks = strtoull(p, NULL, 10);
	free(text);
	if (!p || hp_read_text(NULL, &text, NULL, 1u << 20, "%s", HP_P_PROC_STAT) < 0)
		return;
	p = strstr(text, "\nbtime ");
	if (p)
		btime = strtoull(p + 7, NULL, 10);
	free(text);
	t = (time_t)(btime + ticks / (unsigned long long)hz);
	if (btime && gmtime_r(&t, &tm))
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Who holds the lock on fd's file: the kernel says (nothing is written into the file, so a
 * run that changes nothing changes no file). What is not known stays empty.
 */
static void find_holder(int fd, struct hp_lock_holder *h)
{
	struct stat st;
	char *text;
	size_t n;

	memset(h, 0, sizeof(*h));
	if (fstat(fd, &st) < 0 || !(h->pid = lock_pid(&st)))
		return;
	started(h->pid, h->since, sizeof(h->since));
	if (hp_read_text(NULL, &text, &n, 64u << 10, HP_P_PROC_PID_CMDLINE, h->pid) < 0)
		return;
	/* its arguments, NUL-separated, as one line */
	while (n && !text[n - 1])
		n--;
	for (size_t i = 0; i < n; i++)
		if (!text[i])
			text[i] = ' ';
	snprintf(h->command, sizeof(h->command), "%.*s", (int)n, text);
	free(text);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* HP_P_STATE_DIR cut after its depth-th component ("/var" is 1), into buf */
static void prefix(unsigned depth, char *buf, size_t len)
{
	const char *p = HP_P_STATE_DIR;
	unsigned seen = 0;
	size_t i;

	for (i = 1; p[i] && seen < depth; i++)
		if (p[i] == '/' && ++seen == depth)
			break;
	snprintf(buf, len, "%.*s", (int)i, p);
}

static unsigned depth_of(const char *p)
{
	unsigned n = 0;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* how many of the deepest directories of the lock's path are missing now */
static unsigned missing(const struct hp_lock *l)
{
	char p[PATH_MAX];
	struct stat st;
	unsigned n = 0;

	for (unsigned d = l->dirs_depth; d > 0; d--, n++) {
		prefix(d, p, sizeof(p));
		if (hp_root_stat(l->root, p, &st, true) == 0)
			break;
	}
	return n;
}

/* the directories this holder made, deepest first, while they are empty */
static void unmake(struct hp_lock *l)
{
	for (unsigned k = 0; k < l->made; k++) {
		char p[PATH_MAX], parent[PATH_MAX];
		int fd, r;

		prefix(l->dirs_depth - k, p, sizeof(p));
		prefix(l->dirs_depth - k - 1, parent, sizeof(parent));
		fd = hp_root_open(l->root, l->dirs_depth - k - 1 ? parent : "/",
				  O_PATH | O_DIRECTORY, 0);
		if (fd < 0)
			break;
		r = unlinkat(fd, strrchr(p, '/') + 1, AT_REMOVEDIR) < 0 ? errno : 0;
		close(fd);
		/* not there: made and gone again; not empty: nor are those above */
		if (r && r != ENOENT)
			break;
	}
	l->made = 0;
}

/* the file at the lock's path is still the one fd locked (else its holder removed it) */
static bool still_there(const struct hp_lock *l, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && hp_root_stat(l->root, HP_P_LOCK_FILE, &b, false) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * One try: the file made (with its directories) and opened, then locked within the wait.
 * 1 and l->fd when held, 0 when the file locked was removed meanwhile (try again), -errno.
 */
static int try_take(struct hp_lock *l, long deadline,
		    void (*waiting)(const struct hp_lock_holder *h, void *ctx), void *ctx,
		    bool *told, struct hp_lock_holder *holder)
{
	struct hp_lock_holder h;
	unsigned tries = 0, gone;
	struct stat st;
	int fd, r = 0;

	gone = missing(l);
	if (gone > l->made)
		l->made = gone;
	r = hp_root_mkdirs(l->root, HP_P_STATE_DIR);
	if (r < 0)
		return r;
	fd = hp_root_open(l->root, HP_P_LOCK_FILE, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK,
			  0644);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd; /* its directory went meanwhile */
	/* never lock what is not ours: a device, a FIFO, another file's other name */
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1)
		r = -ENOTUNIQ;
	while (r == 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			r = -errno;
			break;
		}
		find_holder(fd, &h);
		if (now_ms() >= deadline) {
			if (holder)
				*holder = h;
			r = -EWOULDBLOCK;
			break;
		}
		/* once (a holder between its open and its flock is not in the table yet) */
		if (waiting && !*told && (h.pid || tries)) {
			waiting(&h, ctx);
			*told = true;
		}
		tries++;
		usleep(POLL_MS * 1000);
	}
	if (r == 0 && !still_there(l, fd))
		r = 1; /* removed by the holder we waited for: start again */
	if (r != 0) {
		close(fd);
		return r == 1 ? 0 : r;
	}
	l->fd = fd;
	return 1;
}

int hp_lock_take(struct hp_lock *l, const char *root, unsigned wait_ms,
		 void (*waiting)(const struct hp_lock_holder *h, void *ctx), void *ctx,
		 struct hp_lock_holder *holder)
{
	long deadline = now_ms() + (long)wait_ms;
	bool told = false;
	int r;

	*l = (struct hp_lock){ .fd = -1, .root = root, .dirs_depth = depth_of(HP_P_STATE_DIR) };
	for (int i = 0; i < 1000; i++) {
		r = try_take(l, deadline, waiting, ctx, &told, holder);
		if (r == 1)
			return 0;
		if (r < 0)
			break;
		if (now_ms() >= deadline) {
			r = -EWOULDBLOCK;
			if (holder)
				memset(holder, 0, sizeof(*holder));
			break;
		}
	}
	if (r == 0)
		r = -EWOULDBLOCK;
	unmake(l);
	return r;
}

void hp_lock_release(struct hp_lock *l)
{
	struct stat st;
	int dfd;

	if (l->fd < 0)
		return;
	/* kept while there is (or may be) a state: a run that changes nothing changes nothing */
	if (hp_root_stat(l->root, HP_P_STATE_FILE, &st, false) != -ENOENT) {
		close(l->fd);
		l->fd = -1;
		l->made = 0;
		return;
	}
	/* removed while held: whoever waits on it sees it gone and starts again */
	dfd = hp_root_open(l->root, HP_P_STATE_DIR, O_PATH | O_DIRECTORY, 0);
	if (dfd >= 0) {
		unlinkat(dfd, LOCK_NAME, 0);
		close(dfd);
	}
	close(l->fd);
	l->fd = -1;
	unmake(l);
}
