/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Proxmox VE VM configuration (/etc/pve/qemu-server/VMID.conf) turned into the memory
 * backends on huge pages that qemu-server will ask QEMU for, with qemu-server's own rules
 * (PVE/QemuServer/Memory.pm: config(), print_mem_object(), hugepages_size(),
 * hugepages_topology(), foreach_dimm()). Pure: text in, VM out.
 *
 * - Only the main section is read: the lines before the first "[snapshot]", "[PENDING]" or
 *   "[special:...]". Lines that are not "key: value" are skipped, as qemu-server skips them;
 *   the values of the keys read here are checked.
 * - memory: MiB ("4096" or "current=4096"; default 512). The name is name:, else the VMID.
 * - hugepages: 2 | 1024 | any needs numa: 1. Without numaN: lines, memory is split evenly over
 *   sockets: guest node i ("ram-nodeI"), which qemu-server's reservation puts on host node i
 *   (hugepages_topology; QEMU itself is given no host-nodes). With numaN: cpus=,memory=,
 *   hostnodes=,policy=: exactly one host node each with huge pages, memory summing to the
 *   total. any: 1G for a chunk that is a multiple of 1024 MiB when the host has 1G pages,
 *   else 2M, decided per chunk (HP_PAGE_PVE_ANY); 2 and 1024 need chunks that are multiples.
 * - hotplug: memory: static memory is 1024 MiB (x sockets with hugepages: 1024) and the rest
 *   is DIMMs "mem-dimmN" of 512 MiB (1024 with hugepages: 1024), doubling every 32, node
 *   i % sockets, up to memory:, all on huge pages like the rest: qemu-server's exact layout.
 * - keephugepages: 1 is kept in vm->keephugepages: without it qemu-server frees the boot pool
 *   after each VM start (the planner's callers refuse such a VM).
 * - hostpciN: marks a passthrough VM.
 */
#ifndef HP_SOURCES_PROXMOX_H
#define HP_SOURCES_PROXMOX_H

#include <stddef.h>

#include "core/vm.h"

#define HP_PVE_TEMPLATE 1 /* hp_proxmox_parse(): a template (template: 1), not a VM */

/*
 * hp_proxmox_parse - one VM configuration into *vm. path names it in messages and is kept in
 * vm's locations (it must outlive vm); vmid is the file's VMID. Returns 0, HP_PVE_TEMPLATE for
 * a template, -EINVAL with err "FILE:LINE: message" for what qemu-server would refuse to
 * start, -EFBIG, -ENOMEM. vm->backends is malloc'd (the caller frees it).
 */
int hp_proxmox_parse(const char *path, const char *vmid, const char *text, size_t len,
		     struct hp_vm *vm, struct hp_diag *err);

#endif
