/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one lock that serializes whatever changes the boot configuration: hugeplan apply and
 * remove hold it from the first read of the state to the last write, the boot menu's
 * regeneration included, so that two runs (two automation jobs, apply racing remove) never
 * interleave their snippet, update-grub and state.
 *
 * It is an exclusive flock(2) on /var/lib/hugeplan/lock beneath the root (sys/root.h): an
 * offline image has its own, the running system one. The holder writes its PID, its command
 * line and the time it took the lock into the file, for the message of whoever waits. The
 * lock goes when its holder exits, however it exits (kill -9 included): the file stays and is
 * reused. Children (update-grub) do not inherit it (O_CLOEXEC). libc only.
 */
#ifndef HP_SYS_LOCK_H
#define HP_SYS_LOCK_H

#include <stddef.h>

struct hp_lock_holder {
	long pid;	   /* 0 when the holder has not written it (yet) */
	char command[256]; /* its command line, as it gave it */
	char since[32];	   /* when it took the lock, UTC: 2026-11-26T06:40:00Z */
};

/*
 * hp_lock_take - take the lock beneath root (its directory made when missing), waiting up to
 * wait_ms milliseconds for a holder to let go (0: not at all). Once, when it has to wait,
 * waiting(holder, ctx) is called (NULL: not). When taken, command (shown to others) and the
 * time are recorded in the file. Returns the fd to keep (hp_lock_release() or exit let go);
 * -EWOULDBLOCK when the wait ran out, with *holder filled (when not NULL); -ENOTUNIQ when the
 * file is not hugeplan's lock (not a regular file of ours with one link: it is never written
 * then); -errno otherwise.
 */
int hp_lock_take(const char *root, const char *command, unsigned wait_ms,
		 void (*waiting)(const struct hp_lock_holder *h, void *ctx), void *ctx,
		 struct hp_lock_holder *holder);

/* hp_lock_release - let go of a lock hp_lock_take() gave. */
void hp_lock_release(int fd);

#endif
