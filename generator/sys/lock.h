/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one lock that serializes whatever changes the boot configuration: hugeplan apply and
 * remove hold it from the first read of the state to the last write, the boot menu's
 * regeneration included, so that two runs (two automation jobs, apply racing remove) never
 * interleave their snippet, update-grub and state.
 *
 * It is an exclusive flock(2) on /var/lib/hugeplan/lock beneath the root (sys/root.h): an
 * offline image has its own, the running system one. Nothing is ever written into the file:
 * whoever waits learns who holds it from the kernel (/proc/locks, then that process's command
 * line and start time in /proc: the running system's, whatever the root, since the holder is
 * a process here).
 *
 * The file lives as long as the state (/var/lib/hugeplan/applied): a holder that lets go
 * with no state there (a refusal on a host never applied to, a remove) removes it and the
 * directories it made for it, so such a run leaves nothing behind; with a state it stays, so
 * an apply that changes nothing changes no file, no directory, no time stamp. Whoever takes
 * the lock checks that the file it locked is still the one at the path (else it was removed
 * by the holder it waited for: it starts again), so two never hold it at once. A holder
 * killed (kill -9) lets go of the lock all the same. Children (update-grub) do not inherit
 * it (O_CLOEXEC). libc only.
 */
#ifndef HP_SYS_LOCK_H
#define HP_SYS_LOCK_H

#include <stddef.h>

struct hp_lock_holder {
	long pid;	   /* 0 when the kernel shows none (yet, or not in this PID namespace) */
	char command[256]; /* its command line ("" when unknown) */
	char since[32];	   /* when it started, UTC: 2026-11-26T06:40:00Z ("" when unknown) */
};

struct hp_lock {
	int fd;		     /* -1: not held */
	const char *root;    /* as given to hp_lock_take() */
	unsigned made;	     /* how many directories of the lock's path it made (the deepest) */
	unsigned dirs_depth; /* how many directories the lock's path has below the root */
};

#define HP_LOCK_INIT                                                                               \
	{                                                                                          \
		.fd = -1                                                                           \
	}

/*
 * hp_lock_take - take the lock beneath root (its directories made when missing), waiting up
 * to wait_ms milliseconds for a holder to let go (0: not at all). Once, when it has to wait,
 * waiting(holder, ctx) is called (NULL: not). Returns 0 with l held; -EWOULDBLOCK when the
 * wait ran out, with *holder filled (when not NULL); -ENOTUNIQ when the file is not hugeplan's
 * lock (not a regular file of ours with one link: it is not locked then); -errno otherwise.
 * l is not held on failure, and what was made for it is gone again.
 */
int hp_lock_take(struct hp_lock *l, const char *root, unsigned wait_ms,
		 void (*waiting)(const struct hp_lock_holder *h, void *ctx), void *ctx,
		 struct hp_lock_holder *holder);

/*
 * hp_lock_release - let go of a held lock; with no state beneath the root, its file and the
 * directories made for it go.
 */
void hp_lock_release(struct hp_lock *l);

#endif
