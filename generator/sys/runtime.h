/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime pool, for hugeplan vm start and vm stop: per-node nr_hugepages writes, the
 * per-node compaction trigger, /proc/buddyinfo, the records under /run/hugeplan/vms/ and the
 * lock that serialises every start and stop. Everything beneath a root (sys/root.h), so the
 * CLI tier runs it on fixture trees. libc only. Each function returns 0 or -errno.
 */
#ifndef HP_SYS_RUNTIME_H
#define HP_SYS_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/buddy.h"
#include "core/dynamic.h"

/* hp_rt_write_nr - write pages into node's nr_hugepages of that size (the kernel then tries) */
int hp_rt_write_nr(const char *root, uint64_t size, unsigned node, uint64_t pages);

/* hp_rt_read_node - nr, free and surplus of that size on that node, as sysfs has them now */
int hp_rt_read_node(const char *root, uint64_t size, unsigned node, uint64_t *nr, uint64_t *free,
		    uint64_t *surplus);

/*
 * hp_rt_compact - compact the node's memory (writing 1 to its compact file; without one,
 * vm.compact_memory, all nodes). Returns when the kernel is done.
 */
int hp_rt_compact(const char *root, unsigned node);

/* hp_rt_read_buddy - /proc/buddyinfo */
int hp_rt_read_buddy(const char *root, struct hp_buddy *out);

/*
 * hp_rt_records - every record under /run/hugeplan/vms (malloc'd array; none: NULL, 0).
 * Unreadable or malformed ones are skipped and named in bad (if not NULL, "" when none).
 */
int hp_rt_records(const char *root, struct hp_rt_record **out, size_t *n, char *bad, size_t badlen);

/* hp_rt_record_write - replace the VM's record atomically (its directory made when missing) */
int hp_rt_record_write(const char *root, const struct hp_rt_record *r);

/* hp_rt_record_remove - the VM's record gone (0 also when there was none) */
int hp_rt_record_remove(const char *root, const char *vm);

/*
 * hp_rt_lock - take the exclusive lock of every vm start and stop (flock on
 * /run/hugeplan/vm.lock beneath the root, sys/root.h), waiting up to wait_ms. Returns the fd
 * to close, -EWOULDBLOCK when the wait ran out, -ENOTUNIQ when the file is not hugeplan's
 * lock (not a regular file of ours with one link), or -errno.
 *
 * It is not sys/lock.h's lock, on purpose: that one serialises changes of the boot
 * configuration (apply, remove: update-grub, seconds) and lives with the state in
 * /var/lib/hugeplan; this one serialises changes of the running pool, lives in /run (gone at
 * reboot with the pool it guards), and a VM's start must not wait for a boot menu to be
 * regenerated. Neither writes anything into its file. apply and remove (today) never touch
 * nr_hugepages, vm start and stop never the boot configuration, so the two never need each
 * other.
 */
int hp_rt_lock(const char *root, unsigned wait_ms);

#endif
