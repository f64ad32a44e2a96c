/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which planned VMs a pool can back: each VM of a plan, in configuration order, is given its
 * pages per node from what a pool holds, and those left short are named with what they miss.
 * The pool is either what the kernel reserved (the persistent pages of sysfs: nr - surplus,
 * per node) or what a command line asks for (to tell which VMs a boot entry covers). Pure.
 *
 * Rules (the order is a policy, stated so that the answer is reproducible):
 * - every VM is its parts (core/plan.h: pages of one size on one node, or on any node);
 * - placed parts first (node form plans only, as the planner places), in configuration order:
 *   their pages on their node, never elsewhere (a preferred part takes what its node lacks
 *   from the others, as the kernel falls back);
 * - then unpinned parts, in configuration order, one instance at a time: the instance goes whole
 *   to the node with the most pages of its size left that can hold it (ties: the lower node),
 *   else it takes what it can from the nodes with the most left first (a VM without NUMA
 *   pinning can span nodes, and a partial backing says how much is missing);
 * - when the pool's per-node split is unknown (a balanced request on the command line), every
 *   VM draws from the size's total.
 */
#ifndef HP_BACKING_H
#define HP_BACKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kcmdline.h"
#include "core/plan.h"
#include "core/pools.h"

struct hp_avail {
	uint64_t size;
	uint64_t node[HP_MAX_NODES]; /* pages per node id; node[0] holds all when !per_node */
};

struct hp_avail_set {
	struct hp_avail sizes[HP_MAX_SIZES];
	size_t nr_sizes;
	bool per_node; /* false: only totals are known, kept in node[0] */
};

struct hp_back_vm {
	const struct hp_vm_plan *vp; /* in the plan */
	uint64_t need;		     /* pages, all instances */
	uint64_t got;		     /* pages found */
	uint64_t node[HP_MAX_NODES]; /* of those, per node (node[0] only when !per_node) */
	uint64_t short_pages;	     /* need - got */
	uint64_t got_bytes;	     /* the pages found, in bytes (a VM may mix sizes) */
	uint64_t short_bytes;	     /* what is missing, in bytes */
};

struct hp_backing {
	struct hp_back_vm *vms; /* one per static VM of the plan, in configuration order */
	size_t nr_vms;
	size_t nr_short;      /* VMs with short_pages > 0 */
	uint64_t short_bytes; /* all of them */
	bool per_node;
	struct hp_avail_set left; /* what no VM took */
};

/* hp_avail_from_pools - the persistent pages (nr - surplus) of each size, per node. */
void hp_avail_from_pools(const struct hp_pools *p, struct hp_avail_set *out);

/*
 * hp_avail_from_kreq - what a command line asks the kernel for, per node when it says (a size
 * asked in the balanced form beside node-form ones is counted on node 0).
 */
void hp_avail_from_kreq(const struct hp_kreq *r, struct hp_avail_set *out);

/* hp_backing_compute - fill *out (hp_backing_free() it). 0 or -ENOMEM. */
int hp_backing_compute(const struct hp_plan *plan, const struct hp_avail_set *avail,
		       struct hp_backing *out);
void hp_backing_free(struct hp_backing *b);

#endif
