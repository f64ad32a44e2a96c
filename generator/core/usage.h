/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who uses the huge page pool (issue 15, item 4): per size and node, what is reserved, what
 * each running guest maps, what is free, what of the free pages is held for the planned VMs
 * that are not running, and what is reserved for nobody. Pure: the pools (sysfs), the running
 * guests' mappings (their QEMU's /proc/PID/numa_maps, read by sys/guests.h) and the plan in,
 * the figures out.
 *
 * Rules, per size and node:
 *   reserved   = nr_hugepages - surplus_hugepages (the persistent pool);
 *   in_use     = nr_hugepages - free_hugepages (the kernel's count of pages handed out);
 *   by_guests  = the pages the running guests map there (numa_maps' N<node>= of their
 *                hugetlbfs mappings of that size); unattributed = in_use - by_guests (a
 *                process that is no guest, a hugetlbfs file nobody maps), never below 0;
 *   free       = free_hugepages; of it,
 *   held       = what the planned VMs that are not running are given of the free pages, and
 *   unplanned  = free - held: reserved for nobody.
 * A planned VM runs when a guest of it runs: a Proxmox VE guest is the planned VM imported
 * from Proxmox with its VMID (its source_id), else (a vms.d VM describing it) the one of its
 * name; a libvirt guest (/run/libvirt/qemu/NAME.pid) the planned VM of its name that Proxmox
 * did not define. It is then backed by what it maps and never short. The others are covered
 * (core/backing.h, in configuration order) from the persistent pool less what the running
 * guests map: pages an unplanned guest took are not there for them. Pages in use by no guest
 * seen (unattributed: a QEMU neither libvirt nor qemu-server started may be one of theirs) are
 * not taken away from them; what the covering leaves is unplanned, up to the free pages.
 *
 * free_hugepages includes pages reserved for mappings not yet faulted in (resv_hugepages,
 * known per size only): a guest started without preallocation holds them without mapping
 * them yet, and they count as free here.
 */
#ifndef HP_USAGE_H
#define HP_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backing.h"
#include "core/plan.h"
#include "core/pools.h"

#define HP_GUEST_NAME_MAX 256

/*
 * A running guest and the huge pages it maps, by pools->pools[] index and node id. libvirt's
 * is named by its domain (its pid file's name); a Proxmox VE one as sources/proxmox.c names
 * the VM (core/pveqemu.h), with its VMID beside.
 */
struct hp_guest {
	char name[HP_GUEST_NAME_MAX];
	enum hp_source source; /* HP_SRC_LIBVIRT or HP_SRC_PROXMOX */
	char vmid[16];	       /* Proxmox: the VMID (its pid file's name); "" for libvirt */
	long pid;
	uint64_t pages[HP_MAX_SIZES][HP_MAX_NODES];
};

struct hp_usage_cell {
	uint64_t reserved, in_use, by_guests, unattributed, free, held, unplanned;
};

struct hp_usage {
	struct hp_usage_cell cell[HP_MAX_SIZES][HP_MAX_NODES]; /* pools->pools[] index, node id */
	struct hp_usage_cell total[HP_MAX_SIZES];	       /* all nodes */
	int *guest_vm; /* per guest: its plan VM index, or -1 (malloc'd) */
	bool *running; /* per plan VM: a guest of its name runs (malloc'd) */
};

/*
 * hp_usage_compute - the figures above, and *back (hp_backing_free() it): one entry per plan VM
 * in the plan's order, a running one backed by what it maps, the others covered as above
 * (back->left: what no planned VM is given). plan may be NULL (nothing planned: held 0).
 * 0 or -ENOMEM. hp_usage_free() releases out.
 */
int hp_usage_compute(const struct hp_pools *pools, const struct hp_plan *plan,
		     const struct hp_guest *guests, size_t nr_guests, struct hp_usage *out,
		     struct hp_backing *back);
void hp_usage_free(struct hp_usage *u);

/* hp_guest_pages - all pages of one size (pools->pools[] index) a guest maps */
uint64_t hp_guest_pages(const struct hp_guest *g, size_t pool);

#endif
