/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dynamic huge pages: what hugeplan vm start and vm stop decide for one VM, and the record
 * start leaves under /run/hugeplan/vms/ for stop (and status) to read. Pure: pool readings
 * and the plan in, counts to write and records out; sys/runtime.h carries them out.
 *
 * Rules (kernel facts and stated policy):
 * - the VM's pages per size and node are its plan's (hp_vm_plan.node_pages, one size);
 * - on each of its nodes, start raises that node's nr_hugepages by what the VM needs beyond
 *   the pages that are free there and held for nobody: held are the static plan's pages of
 *   that size on that node and the pages of the dynamic VMs started before (their records);
 *   so  spare = min(free, nr - static - started), add = need - min(need, spare), never more
 *   than need;
 * - before any write the node's budget must hold with the VM running: MemTotal - every huge
 *   page of the node after the raise (nr, all sizes, surplus included) - their vmemmap - the
 *   plan's ordinary memory on the node must keep the plan's reserve; and with DynamicPeak=N,
 *   at most N dynamic VMs run at once;
 * - stop gives back exactly what start added: nr - added on each node (never below 0); pages
 *   still in use then become surplus pages, freed to the kernel once their user lets go
 *   (the kernel's rule for lowering nr_hugepages below what is in use).
 */
#ifndef HP_DYNAMIC_H
#define HP_DYNAMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/host.h"
#include "core/plan.h"
#include "core/pools.h"

#define HP_RT_MAX_PARTS 64 /* nodes of one VM's one page size */

struct hp_rt_part {
	uint64_t size;	 /* page size, bytes */
	unsigned node;	 /* node id */
	uint64_t need;	 /* the VM's pages there */
	uint64_t before; /* the node's nr_hugepages of that size when start read it */
	uint64_t target; /* what start writes: before + what it adds */
	uint64_t added;	 /* what start added (what stop gives back) */
};

enum hp_rec_state {
	HP_REC_STARTING = 0, /* written before the first write to the kernel */
	HP_REC_STARTED,	     /* the pages are there, the VM may run */
};

struct hp_rt_record {
	char vm[HP_NAME_MAX + 1];
	enum hp_rec_state state;
	long pid;	/* the hugeplan vm start that wrote it */
	uint64_t since; /* when, seconds since the epoch */
	struct hp_rt_part parts[HP_RT_MAX_PARTS];
	size_t nr_parts;
};

/* hp_record_format - the record's text; 0, or -ENOSPC when len is too small. */
int hp_record_format(const struct hp_rt_record *r, char *buf, size_t len);

/* hp_record_parse - the text back; -EINVAL with the line in *bad_line when it is not one. */
int hp_record_parse(const char *text, struct hp_rt_record *out, unsigned *bad_line);

struct hp_rt_start_in {
	const struct hp_host *host;
	const struct hp_plan *plan;
	const struct hp_vm_plan *vp;	   /* the dynamic VM to start */
	const struct hp_pools *pools;	   /* the pools now */
	const struct hp_rt_record *others; /* records of the other dynamic VMs started */
	size_t nr_others;
};

struct hp_rt_start {
	struct hp_rt_record rec; /* vm, parts with need, before, target; state STARTING */
	uint64_t add;		 /* pages to add, all nodes */
	bool refused;		 /* the budget does not hold: nothing may be written */
	char why[768];		 /* with refused: one line, naming node and numbers */
};

/* hp_rt_start_decide - fill *out. 0, or -EINVAL when vp is not a dynamic VM of plan. */
int hp_rt_start_decide(const struct hp_rt_start_in *in, struct hp_rt_start *out);

/*
 * hp_rt_stop_decide - the target of each part of rec from the pools now: nr - added (not
 * below 0), in parts[].target; parts[].before gets nr now. *in_use gets, per part, the
 * pages in use above that target (they will be surplus). Returns the number of parts.
 */
size_t hp_rt_stop_decide(const struct hp_rt_record *rec, const struct hp_pools *pools,
			 struct hp_rt_part *parts, uint64_t *in_use);

/*
 * hp_rt_static_check - whether the pool now has a static VM's pages free: per node for the
 * pages its plan puts on their nodes (a pinned vms.d VM, an imported VM's bound backends, on
 * a node-form plan), then per page size in total. 0, or 1 with why naming the short node or
 * pool.
 */
int hp_rt_static_check(const struct hp_plan *plan, const struct hp_vm_plan *vp,
		       const struct hp_pools *pools, char *why, size_t len);

/* hp_rt_node_counts - nr/free/surplus of a size on a node in the pools (zeros when absent). */
void hp_rt_node_counts(const struct hp_pools *pools, uint64_t size, unsigned node, uint64_t *nr,
		       uint64_t *free, uint64_t *surplus);

#endif
