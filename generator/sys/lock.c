// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
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

#define POLL_MS 50

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

int hp_lock_take(const char *root, const char *command, unsigned wait_ms,
		 void (*waiting)(const struct hp_lock_holder *h, void *ctx), void *ctx,
		 struct hp_lock_holder *holder)
{
	struct hp_lock_holder h;
	long deadline = now_ms() + (long)wait_ms;
	bool told = false;
	unsigned tries = 0;
	struct stat st;
	int fd, r = 0;

	r = hp_root_mkdirs(root, HP_P_STATE_DIR);
	if (r < 0)
		return r;
	fd = hp_root_open(root, HP_P_LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (fd < 0)
		return fd;
	/* never write into what is not ours: a device, a FIFO, another file's other name */
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1)
		r = -ENOTUNIQ;
	if (r < 0) {
		close(fd);
		return r;
	}
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			r = -errno;
			close(fd);
			return r;
		}
		read_holder(fd, &h);
		if (now_ms() >= deadline) {
			if (holder)
				*holder = h;
			close(fd);
			return -EWOULDBLOCK;
		}
		/* once, when the holder has had a moment to say who it is */
		if (waiting && !told && (h.pid || tries)) {
			waiting(&h, ctx);
			told = true;
		}
		tries++;
		usleep(POLL_MS * 1000);
	}
	write_holder(fd, command);
	return fd;
}

void hp_lock_release(int fd)
{
	if (fd < 0)
		return;
	/* no holder named once let go; a failure only leaves a name the next one overwrites */
	int r = ftruncate(fd, 0);

	(void)r;
	close(fd);
}
