// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sys/lock.h"
#include "sys/path.h"
#include "sys/root.h"

#define POLL_MS	  50
#define LOCK_NAME "lock" /* HP_P_LOCK_FILE in HP_P_STATE_DIR */

/* "pid=N\ncommand=...\nsince=...\n", as the holder wrote it; what is missing stays empty */
static void read_holder(int fd, struct hp_lock_holder *h)
{
	char buf[512], *save = NULL;
	ssize_t n;

	memset(h, 0, sizeof(*h));
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "pid=", 4))
			h->pid = strtol(l + 4, NULL, 10);
		else if (!strncmp(l, "command=", 8))
			snprintf(h->command, sizeof(h->command), "%s", l + 8);
		else if (!strncmp(l, "since=", 6))
			snprintf(h->since, sizeof(h->since), "%s", l + 6);
	}
	/* what a holder that died (kill -9) left, while something else holds the lock now */
	if (h->pid > 0 && kill((pid_t)h->pid, 0) < 0 && errno == ESRCH)
		memset(h, 0, sizeof(*h));
}

static void write_holder(int fd, const char *command)
{
	char buf[512], since[32];
	time_t t = time(NULL);
	struct tm tm;
	int n;

	if (!gmtime_r(&t, &tm) || !strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(since, sizeof(since), "unknown");
	n = snprintf(buf, sizeof(buf), "pid=%ld\ncommand=%.300s\nsince=%s\n", (long)getpid(),
		     command ? command : "", since);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	/* only for others' messages: a failure here costs them the holder's name, nothing else */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) == n)
		return;
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
	fd = hp_root_open(l->root, HP_P_LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK,
			  0644);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd; /* its directory went meanwhile */
	/* never write into what is not ours: a device, a FIFO, another file's other name */
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
		read_holder(fd, &h);
		if (now_ms() >= deadline) {
			if (holder)
				*holder = h;
			r = -EWOULDBLOCK;
			break;
		}
		/* once, when the holder has had a moment to say who it is */
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

int hp_lock_take(struct hp_lock *l, const char *root, const char *command, unsigned wait_ms,
		 void (*waiting)(const struct hp_lock_holder *h, void *ctx), void *ctx,
		 struct hp_lock_holder *holder)
{
	long deadline = now_ms() + (long)wait_ms;
	bool told = false;
	int r;

	*l = (struct hp_lock){ .fd = -1, .root = root, .dirs_depth = depth_of(HP_P_STATE_DIR) };
	for (int i = 0; i < 1000; i++) {
		r = try_take(l, deadline, waiting, ctx, &told, holder);
		if (r == 1) {
			write_holder(l->fd, command);
			return 0;
		}
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
	int dfd;

	if (l->fd < 0)
		return;
	/* removed while held: whoever waits on it sees it gone and starts again */
	dfd = hp_root_open(l->root, HP_P_STATE_DIR, O_PATH | O_DIRECTORY, 0);
	if (dfd >= 0) {
		if (unlinkat(dfd, LOCK_NAME, 0) < 0 && errno != ENOENT) {
			/* cannot go: at least no stale name in it */
			int r = ftruncate(l->fd, 0);

			(void)r;
		}
		close(dfd);
	}
	close(l->fd);
	l->fd = -1;
	unmake(l);
}
