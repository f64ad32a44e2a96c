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
 * - Which VMs were added since this boot's entry was written can be shown, not guessed: the
 *   VMs this boot's reservation does not cover (core/backing.h over the command line's
 *   request) are the added ones exactly when planning today's configuration without them
 *   gives this boot's hugeplan.plan= id (hp_stale_added()).
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

/*
 * hp_stale_added - 1 when planning vms[] without those marked in drop[] (same indexes) on host
 * renders exactly the id boot_id: the marked VMs are what was added since that entry was
 * written. 0 when it does not (or boot_id is empty), -errno when planning fails.
 */
int hp_stale_added(const struct hp_host *host, const struct hp_settings *set,
		   const struct hp_vm *vms, size_t nr_vms, const struct hp_plan_opts *opts,
		   const bool *drop, const char *boot_id);

const char *hp_plan_state_name(enum hp_plan_state s);

#endif
