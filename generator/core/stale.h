/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether this boot runs today's plan. Pure.
 *
 * Rules:
 * - "This boot's reservation" is the kernel's reading of this boot's command line
 *   (hp_kcmdline_simulate()); "today's plan" is the plan of today's configuration. They match
 *   when the kernel asks for exactly the plan's pages of every size (per node, when the plan is
 *   in the node form), with the plan's default size and vmemmap setting: what
 *   hp_render_check() requires of a rendering, so a line written by hand without a
 *   hugeplan.plan= id can match, and an id alone proves nothing.
 * - A plan that does not fit the host is never applied: "unfit", whatever the boot has.
 * - Nothing planned and nothing reserved: "nothing". Pages reserved that no VM is planned for
 *   make the boot stale (the memory can be given back).
 * - Apply's state (/var/lib/hugeplan/applied) tells one stale case apart: apply wrote today's
 *   plan (its plan= is today's id) and this boot's id is another: "reboot".
 * - Which VMs changed since this boot's entry was written is read from the records apply kept
 *   of the plan this boot runs (core/vmrec.h, in its state), never guessed from the pages: a
 *   VM in today's plan and not in them was added, one in them and not today's was removed;
 *   for one in both, more bytes grew, fewer shrank, another set of page sizes changed the
 *   page size, another set of host nodes (or another split over the same ones, with the same
 *   sizes and bytes) changed the nodes, another source or file moved it
 *   (hp_stale_changes()). Without a record of this boot's plan, no VM is named.
 */
#ifndef HP_STALE_H
#define HP_STALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/host.h"
#include "core/kcmdline.h"
#include "core/plan.h"
#include "core/vm.h"
#include "core/vmrec.h"

enum hp_plan_state {
	HP_PS_NOTHING, /* nothing planned, nothing reserved */
	HP_PS_CURRENT, /* this boot reserves today's plan */
	HP_PS_STALE,   /* it does not: apply, then reboot */
	HP_PS_REBOOT,  /* apply wrote today's plan, this boot runs another: reboot */
	HP_PS_UNFIT,   /* today's plan does not fit this host: nothing to apply */
};

struct hp_stale_size {
	uint64_t size;
	uint64_t boot, plan; /* pages, all nodes */
	bool nodes_differ;   /* the totals may agree, the split over the nodes does not */
	bool boot_node_form; /* boot_node[] is known */
	uint64_t boot_node[HP_MAX_NODES], plan_node[HP_MAX_NODES];
};

struct hp_stale {
	enum hp_plan_state state;
	struct hp_stale_size sizes[2 * HP_MAX_SIZES]; /* the sizes that differ, ascending */
	size_t nr_sizes;
	bool default_differs;
	uint64_t boot_default, plan_default;
	bool vmemmap_differs;
	bool boot_reserves; /* the command line asks for pages of some size */
	char boot_id[65];   /* hugeplan.plan= on this boot's command line, "" none */
	char plan_id[17];   /* today's, "" when nothing is planned or it does not fit */
};

struct hp_stale_in {
	const struct hp_plan *plan;
	const char *plan_id; /* today's rendering's id, "" or NULL when there is none */
	const struct hp_kreq *boot;
	const char *applied_id; /* plan= of apply's state, NULL when there is no state */
};

void hp_stale_compute(const struct hp_stale_in *in, struct hp_stale *out);

/* What changed about one VM (hp_vm_change.what), in the order status names them. */
enum {
	HP_CHG_ADDED = 1U << 0,
	HP_CHG_REMOVED = 1U << 1,
	HP_CHG_GREW = 1U << 2,
	HP_CHG_SHRANK = 1U << 3,
	HP_CHG_PAGE_SIZE = 1U << 4,
	HP_CHG_NODES = 1U << 5,
	HP_CHG_SOURCE = 1U << 6,
	HP_CHG_LAST = HP_CHG_SOURCE,
};

struct hp_vm_change {
	const struct hp_vm_rec *before; /* in the records of this boot's plan; NULL: added */
	const struct hp_vm_rec *after;	/* in today's; NULL: removed */
	unsigned what;			/* HP_CHG_* */
	uint64_t before_bytes, after_bytes;
};

struct hp_changes {
	struct hp_vm_change *v; /* today's VMs in their order, then the removed ones in theirs */
	size_t nr;
};

/*
 * hp_stale_changes - the VMs that differ between before (this boot's plan) and after
 * (today's), as the rules above say; unchanged ones are not listed. The changes point into
 * both: they must outlive out. 0 or -ENOMEM; hp_changes_free() in every case.
 */
int hp_stale_changes(const struct hp_recs *before, const struct hp_recs *after,
		     struct hp_changes *out);
void hp_changes_free(struct hp_changes *c);

/* hp_change_name - "added", "removed", "grew", "shrank", "page size", "nodes", "source" */
const char *hp_change_name(unsigned bit);

const char *hp_plan_state_name(enum hp_plan_state s);

#endif
