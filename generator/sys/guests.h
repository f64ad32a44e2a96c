/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running guests and the huge pages each maps: every libvirt QEMU with a pid file and a
 * status file in /run/libvirt/qemu (NAME.pid and NAME.xml, written while the domain runs;
 * driver.pid is libvirtd's own and has no status file) that libvirt itself would take as that
 * domain's (the status file's pid, running the status file's <emulator>, with the domain's
 * -name: core/libvirtqemu.h), every Proxmox VE QEMU with a pid file
 * in /run/qemu-server (VMID.pid, qemu-server's /var/run/qemu-server) that qemu-server itself
 * would take as running (its /proc/PID/cmdline is a QEMU's given that pid file: core/pveqemu.h),
 * and per size and node the pages of its hugetlbfs mappings from /proc/PID/numa_maps ("huge"
 * mappings, N<node>= pages of kernelpagesize_kB: core/numamaps.h). Everything beneath a root
 * (sys/root.h), so status runs on fixture trees.
 */
#ifndef HP_SYS_GUESTS_H
#define HP_SYS_GUESTS_H

#include <stddef.h>

#include "core/pools.h"
#include "core/usage.h"

/*
 * What reads a libvirt status file's pid and emulator: sources/libvirt.h's hp_libvirt_status()
 * (libxml2, which sys/ does not link: the caller passes it).
 */
typedef int (*hp_libvirt_status_fn)(const char *text, size_t len, long *pid, char *emulator,
				    size_t emulen);

/*
 * hp_guests_read - the guests (malloc'd array in *out, sorted by name; none: NULL and 0),
 * their pages by pools->pools[] index. A pid file that does not hold a pid, whose process is
 * gone (a crash leaves it) or is not that guest's QEMU (a pid reused) is skipped;
 * a guest whose numa_maps (or, for Proxmox, cmdline) cannot be read (not root) is named in
 * note with why, and so is a directory that cannot be read (note "" when all were read). No
 * /run/libvirt/qemu, no /run/qemu-server: no guests of that manager. 0 or -ENOMEM.
 */
int hp_guests_read(const char *root, const struct hp_pools *pools, hp_libvirt_status_fn status,
		   struct hp_guest **out, size_t *n, char *note, size_t notelen);

#endif
