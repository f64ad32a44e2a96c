/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hugeplan's Prometheus metrics: what hugeplan status computed (the pools per size and node,
 * the early-boot check, today's plan and its per-node budget, whether this boot runs it, the
 * VMs the pool cannot back), as the text exposition format (version 0.0.4) that
 * node_exporter's textfile collector reads. Pure: structs in, text out. The numbers are the
 * status's own (cli/status.c gathers and judges them); nothing here judges anything again.
 *
 * Conventions (prometheus.io/docs/practices/naming): every name starts "hugeplan_"; sizes
 * and memory are _bytes, times _seconds since the epoch, counts of huge pages _pages (the page
 * size is the label size, as the kernel's hugepagesz= spells it: "2M", "1G"; the family
 * hugeplan_page_size_bytes converts); HELP and TYPE for every family; no timestamps on samples
 * (the textfile collector refuses them); every family is a gauge. A state set is one series
 * per state, 1 for the states that hold and 0 for the others.
 *
 * The names below are a stable interface (hugeplan(8), FLEETS). Later work fills in more
 * without renaming any:
 *   in use per guest    (done) hugeplan_in_use_pages{owner=NAME} for each running guest
 *                       (in->guests: libvirt, Proxmox VE) on each size and node it maps
 *                       pages on, guests of one name in one series, beside
 *                       owner="unattributed" (the rest, never below 0; a guest named so is
 *                       counted in it); (done) hugeplan_held_pages{size,node}, the free
 *                       pages held for planned VMs that are not running (in->usage's held,
 *                       status's HELD), with a plan (S N more series)
 *   dynamic backing     (done) hugeplan_planned_pages{backing="dynamic"} beside "static",
 *                       hugeplan_budget_dynamic_peak_bytes{node},
 *                       hugeplan_budget_ordinary_bytes{node}: only when the plan has dynamic
 *                       or transparent VMs (S N + 2 N more series)
 *   imported VMs        (issue 14, done) hugeplan_planned_vms has source="libvirt" and
 *                       source="proxmox" beside "files" when those define a planned VM
 *
 * Cardinality is bounded by the host, not by time or by the number of VMs that are fine:
 * per-VM series exist only for VMs the pool cannot back and for running guests, one per size
 * and node a guest maps pages on (each stands for at least one page in use). With S page
 * sizes, N nodes, V VMs of which X are short, and G such (guest, size, node) series, the
 * series are at most 19 + 4 S + 8 S N + 6 N + X + G, plus 3 per size the command line names
 * that the host does not have, plus 2 when libvirt or Proxmox VE define planned VMs.
 */
#ifndef HP_METRICS_H
#define HP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backing.h"
#include "core/plan.h"
#include "core/pools.h"
#include "core/stale.h"
#include "core/usage.h"
#include "core/verdict.h"

/* What status concluded, as its exit status says it: 0 ok, 1 short or stale, 2 error. */
struct hp_metrics_verdict {
	int exit_code;
	bool is_short, is_stale;
};

struct hp_metrics_in {
	const char *version; /* hugeplan's, for hugeplan_build_info */
	uint64_t check_ms;   /* when this check ran, milliseconds since the epoch */
	uint64_t report_ms;  /* when the early-boot report was written; 0: none read */
	struct hp_metrics_verdict verdict;
	const struct hp_pools *pools;	/* the pools now; NULL: they could not be read */
	const struct hp_verdict *check; /* the early-boot check; NULL: none */
	const struct hp_plan *plan;	/* today's plan; NULL: the configuration was not planned */
	const struct hp_stale *stale;	/* with plan: this boot against today's plan */
	const struct hp_backing *backing; /* with plan: the VMs the pool now backs */
	const char *applied_id;		  /* apply's state's plan id; NULL: no state */
	const struct hp_guest *guests;	  /* the running guests, sorted by name (sys/guests.h) */
	size_t nr_guests;
	const struct hp_usage *usage; /* with plan: who uses the pool (hp_usage_compute()) */
};

/*
 * hp_metrics_render - the exposition text of in; *out is malloc'd and NUL-terminated, *len
 * its length. 0 or -ENOMEM.
 */
int hp_metrics_render(const struct hp_metrics_in *in, char **out, size_t *len);

#endif
