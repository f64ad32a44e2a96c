/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner: from the planned VMs and the host's facts to a static reservation per page
 * size and per NUMA node, with the per-node memory accounting that decides whether the host
 * keeps enough for itself. Pure: no I/O.
 *
 * Rules (each one is a kernel fact or a stated policy):
 * - a VM is memory backends (core/vm.h: a vms.d VM is one, Memory= on Node=; an imported VM
 *   those libvirt or qemu-server ask QEMU for); each needs ceil(bytes / page size) pages per
 *   instance; bound to several nodes, the bytes are split evenly and each node's part is
 *   rounded up on its own (each guest NUMA node is its own memory backend); interleaved, the
 *   pages go round-robin from the lowest node; preferred, they go to their node while it has
 *   room after the reserve and every bound page, the rest is spread like unpinned pages;
 * - a page size decided by the boot's default (libvirt's bare <hugepages/>) is DefaultPageSize=,
 *   else the kernel's built-in default (HPAGE_SIZE), and the plan then keeps that default
 *   (default_hugepagesz) so that the boot gives libvirt what was planned;
 * - pinned pages go to their nodes; unpinned ("any") pages of a size are spread over the
 *   nodes in proportion to what each node has left after its reserve, the pinned pages and
 *   the larger sizes already spread, never more on a node than fits there while another node
 *   has room, so totals are exact;
 * - every page also costs its struct pages (the vmemmap): size/64 with 4 KiB base pages
 *   (16 MiB per 1G page, 32 KiB per 2M page), or one 4 KiB page when FreeVmemmap=yes;
 * - a node must keep max(its MemTotal-proportional share of ReserveMemory,
 *   ReserveMemoryPerNode) outside the pool and the vmemmap.
 * - only static VMs (Backing=static) are in the pools, the kernel command line; a dynamic VM
 *   (one page size) has its bound backends on their nodes (split as above, whatever the
 *   boot's form: vm start raises them node by node), the rest whole on the node with the
 *   most room after the reserve, the static pool, the ordinary memory and the dynamic VMs
 *   placed before it (ties: the lower node); a transparent VM's memory is ordinary memory,
 *   on its Node= nodes split evenly, else (and for an imported one) spread in proportion to
 *   the nodes' MemTotal; so is the memory of an imported VM not on huge pages;
 * - an imported VM's backing is DefaultBacking=, unless a vms.d override sets Backing=;
 * - a node's budget: MemTotal - static pool - its vmemmap - the dynamic peak (every dynamic
 *   VM on the node, or the DynamicPeak= ones with most memory there) with its vmemmap -
 *   ordinary memory must keep the reserve; else the plan is refused naming node and VMs;
 * - with one node, or a kernel before 5.16 (balanced form only), the kernel spreads a plain
 *   count evenly over the nodes and makes up a short node from the others: the accounting
 *   models that instead.
 * - node ids from HP_MAX_NODES (64) up are not modelled: such online nodes get no pages, the
 *   per-node form keeps the pool off them (even with one node below 64), and a kernel
 *   without it (before 5.16) is refused with a clear error; Node= cannot name them.
 */
#ifndef HP_PLAN_H
#define HP_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/host.h"
#include "core/kcmdline.h"
#include "core/vm.h"

#define HP_BASE_PAGE	  4096ULL
#define HP_STRUCT_PAGE	  64ULL
#define HP_MAX_PROBLEMS	  16
#define HP_PLAN_MAX_BYTES (1ULL << 60)

struct hp_plan_opts {
	unsigned kver;	     /* target kernel; 0: the host's running kernel */
	bool allow_balanced; /* accept losing Node= pinning on kernels before 5.16 */
};

/*
 * One page size and node of a VM's pages (plan --json's per-VM "pages"). node is the host
 * node the pages are on, -1 for any node: unpinned, the part of a preferred backend that did
 * not fit its node, or pinning a kernel before 5.16 cannot keep (--balanced). placed: the
 * pages count on that node in the pool's node_pages (always, but for one node without the
 * node form, where every page is node 0's anyway).
 */
struct hp_vm_pages {
	uint64_t size;
	int node;
	uint64_t pages; /* all instances */
	bool placed;
	bool fallback; /* preferred: the kernel takes them elsewhere when the node runs out */
};

struct hp_vm_plan {
	const struct hp_vm *vm;
	uint64_t page_size;	   /* the VM's page size; with several (mixed), the largest;
				      0 for a transparent VM */
	bool mixed;		   /* its backends are on more than one page size */
	uint64_t pages;		   /* all instances, all nodes, all sizes */
	uint64_t bytes;		   /* pages x their sizes */
	uint64_t loss;		   /* bytes reserved beyond the memory x Instances by rounding up */
	uint64_t nodes;		   /* the host nodes its placed pages are on */
	struct hp_vm_pages *parts; /* ascending size, then node (-1 last); into plan->parts */
	size_t nr_parts;
	enum hp_backing_mode backing;
	uint64_t node_pages[HP_MAX_NODES]; /* dynamic: the pages vm start raises, per node id */
	uint64_t node_bytes[HP_MAX_NODES]; /* transparent: its ordinary memory, per node id */
};

struct hp_pool_plan {
	uint64_t size;
	uint64_t pages;
	uint64_t node_pages[HP_MAX_NODES]; /* indexed by node id */
	uint64_t any_pages;		   /* of pages, how many are unpinned */
	size_t nr_vms;
};

/*
 * One node's budget: the static pool and its vmemmap, the dynamic VMs' peak (all of them
 * running at once, or the DynamicPeak= largest on this node) with theirs, the ordinary memory
 * of the VMs not on huge pages (transparent ones), and the reserve must fit its MemTotal.
 */
struct hp_node_plan {
	unsigned id;
	uint64_t mem_total;
	uint64_t pool;	  /* bytes of static huge pages */
	uint64_t vmemmap; /* bytes of struct pages behind them */
	int64_t left;	  /* mem_total less all of these, may go below 0 */
	uint64_t reserve; /* what it must keep */
	bool ok;
	uint64_t dynamic;	  /* bytes of the dynamic VMs' peak */
	uint64_t dynamic_vmemmap; /* and of their struct pages */
	uint64_t ordinary; /* bytes of ordinary memory: transparent VMs, VMs off huge pages */
};

struct hp_plan {
	struct hp_vm_plan *vms; /* enabled VMs on huge pages, in configuration order */
	size_t nr_vms;
	struct hp_vm_pages *parts; /* every VM's parts, hp_vm_plan.parts point here */
	size_t nr_parts;
	struct hp_pool_plan pools[HP_MAX_SIZES]; /* ascending size, only sizes with pages */
	size_t nr_pools;
	struct hp_node_plan nodes[HP_MAX_NODES];
	size_t nr_nodes;
	uint64_t default_size; /* the default size a boot of this plan has, 0 when nothing is
				  planned: DefaultPageSize=, else the kernel's own (HPAGE_SIZE) */
	bool default_explicit; /* render default_hugepagesz= (DefaultPageSize= is set) */
	uint64_t reserve;      /* ReserveMemory in force */
	uint64_t reserve_per_node;
	bool free_vmemmap;
	bool node_form; /* render hugepages=N:M,... */
	unsigned kver;	/* the kernel planned for */
	bool feasible;
	char problems[HP_MAX_PROBLEMS][512];
	size_t nr_problems;
	unsigned dynamic_peak; /* DynamicPeak= in force, 0: every dynamic VM at once */
	size_t nr_static, nr_dynamic, nr_transparent;
	uint64_t plain[HP_MAX_NODES]; /* ordinary memory of imported VMs off huge pages, per node */
	size_t nr_plain;	      /* those VMs */
	char warnings[HP_MAX_PROBLEMS][512]; /* fits, but worth saying (1G dynamic pages) */
	size_t nr_warnings;
};

/*
 * hp_plan_compute - plan the enabled VMs of vms[] on host. Errors in the configuration
 * against this host (a size it does not list, 1G without pdpe1gb, a node not online, pinning
 * on a kernel before 5.16 without allow_balanced) return -EINVAL with err naming the file and
 * line. An infeasible plan is not an error: plan->feasible is false and plan->problems say
 * why. hp_plan_free() releases plan->vms.
 */
int hp_plan_compute(const struct hp_host *host, const struct hp_settings *set,
		    const struct hp_vm *vms, size_t nr_vms, const struct hp_plan_opts *opts,
		    struct hp_plan *plan, struct hp_diag *err);
void hp_plan_free(struct hp_plan *plan);

/*
 * hp_plan_mount_sizes - every page size the plan's VMs use, static or dynamic (a transparent
 * VM uses none), ascending, in kB and comma-separated ("2048,1048576"; "" none), into buf:
 * apply records it so that the generator mounts each size at boot without reading the VMs.
 */
void hp_plan_mount_sizes(const struct hp_plan *plan, char *buf, size_t len);

/* hp_vmemmap_cost - bytes of struct page behind one huge page of that size. */
uint64_t hp_vmemmap_cost(uint64_t page_size, bool free_vmemmap);

/* hp_vm_node_pages - pages of one instance of vm on one of its nodes (pinned vms.d VMs). */
uint64_t hp_vm_node_pages(const struct hp_vm *vm, uint64_t page_size, unsigned node);

/*
 * hp_vm_backend - the one backend a vms.d VM (no backends[]) stands for: Memory= on PageSize=
 * (or the host's default), bound to Node= (or any).
 */
void hp_vm_backend(const struct hp_vm *vm, struct hp_backend *out);

/* hp_vm_plan_part - the VM's pages of that size on that node (-1: any), 0 when none. */
uint64_t hp_vm_plan_part(const struct hp_vm_plan *vp, uint64_t size, int node);

/* hp_vm_plan_size - the VM's pages of that size, all nodes. */
uint64_t hp_vm_plan_size(const struct hp_vm_plan *vp, uint64_t size);

/*
 * hp_plan_find - the plan of the VM of that name, or NULL (not planned: unknown or disabled).
 */
const struct hp_vm_plan *hp_plan_find(const struct hp_plan *plan, const char *name);

/* hp_plan_pool - the pool of that size, or NULL. */
const struct hp_pool_plan *hp_plan_pool(const struct hp_plan *plan, uint64_t size);

/* hp_plan_has_static - whether the plan reserves any page at boot (a static pool) */
bool hp_plan_has_static(const struct hp_plan *plan);

/*
 * hp_plan_pve_nokeep - whether vp is a Proxmox VE VM that would free the boot's pool: its
 * definition asks for huge pages (whatever its Backing=: qemu-server allocates them itself at
 * each start of a dynamic one, and of a transparent one whose definition still maps them), it
 * has no keephugepages: 1, and the plan has a static pool. After each start of such a VM
 * qemu-server sets nr_hugepages to what its parser reads from the kernel command line, which
 * knows only plain "hugepagesz= hugepages=" pairs: the static pool would be freed. Without a
 * static pool there is nothing to lose (a dynamic Proxmox VM is then fine).
 */
bool hp_plan_pve_nokeep(const struct hp_plan *plan, const struct hp_vm_plan *vp);

#endif
