// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/macro.h"
#include "core/metrics.h"
#include "core/size.h"
#include "core/text.h"

#define LABELS_MAX 1024
#define MAX_ROWS   (HP_VERDICT_MAX_SIZES + HP_MAX_SIZES)

/* one series' labels, escaped as the exposition format wants: {a="x",b="y"} */
struct labels {
	char s[LABELS_MAX];
	size_t n;
};

/* the sizes any part of the input names, ascending, each once */
struct sizes {
	uint64_t v[MAX_ROWS];
	size_t n;
};

/*
 * Every family, in the order written: the stable names of hugeplan(8), FLEETS. HELP texts are
 * whole literals, so that a name or a text can be grepped.
 */
enum fam {
	F_BUILD_INFO,
	F_CHECK_TS,
	F_REPORT_TS,
	F_VERDICT,
	F_PLAN_STATE,
	F_PLAN_INFO,
	F_BOOT_CHECK,
	F_PAGE_SIZE,
	F_PLANNED,
	F_REQUESTED,
	F_RESERVED,
	F_FREE,
	F_SURPLUS,
	F_IN_USE,
	F_UNPLANNED,
	F_HELD,
	F_COMMITTED,
	F_OVERCOMMIT,
	F_BOOT_SHORT,
	F_BUDGET_MEMORY,
	F_BUDGET_POOL,
	F_BUDGET_VMEMMAP,
	F_BUDGET_RESERVE,
	F_BUDGET_LEFT,
	F_BUDGET_FITS,
	F_BUDGET_DYNAMIC,
	F_BUDGET_ORDINARY,
	F_PLANNED_VMS,
	F_SHORT_VMS,
	F_SHORT_BYTES,
	F_VM_SHORT,
};

// clang-format off
static const struct {
	const char *name, *help;
} fams[] = {
	[F_BUILD_INFO] = { "hugeplan_build_info", "hugeplan's version. Always 1." },
	[F_CHECK_TS] = { "hugeplan_check_timestamp_seconds", "When hugeplan checked the pool against the plan and wrote these metrics, in seconds since the epoch." },
	[F_REPORT_TS] = { "hugeplan_boot_report_timestamp_seconds", "When this boot's early-boot check wrote its report, in seconds since the epoch." },
	[F_VERDICT] = { "hugeplan_verdict", "hugeplan status's verdict, a state set: ok, or short and/or stale; error: the configuration could not be planned, or the system not read." },
	[F_PLAN_STATE] = { "hugeplan_plan_state", "This boot against today's plan, a state set: nothing (planned or reserved), current, stale (apply and reboot), reboot (applied, not booted yet), unfit (today's plan does not fit this host); all 0 when the configuration could not be planned." },
	[F_PLAN_INFO] = { "hugeplan_plan_info", "Plan ids (hugeplan.plan=) of today's plan, of this boot's kernel command line and of apply's last write; empty when there is none. Always 1." },
	[F_BOOT_CHECK] = { "hugeplan_boot_check", "The early-boot check of the pool against this boot's kernel command line, a state set: met, short, nothing-requested." },
	[F_PAGE_SIZE] = { "hugeplan_page_size_bytes", "The page size a size label names, in bytes: multiply a _pages series by it for bytes." },
	[F_PLANNED] = { "hugeplan_planned_pages", "Pages today's plan gives, per size and node; backing=static: reserved at boot; backing=dynamic: raised by hugeplan vm start while the VM runs. On a kernel that spreads a count over the nodes itself, the static node split is the planner's estimate." },
	[F_REQUESTED] = { "hugeplan_requested_pages", "Pages this boot's kernel command line asks for, as the kernel reads it, per size and node; a count the kernel spreads over several nodes itself has no node label." },
	[F_RESERVED] = { "hugeplan_reserved_pages", "Pages the kernel holds in the persistent pool (nr_hugepages less surplus_hugepages), per size and node." },
	[F_FREE] = { "hugeplan_free_pages", "Pages of the pool that are not in use (free_hugepages), per size and node." },
	[F_SURPLUS] = { "hugeplan_surplus_pages", "Surplus pages (surplus_hugepages): allocated by overcommit beyond the persistent pool, per size and node." },
	[F_IN_USE] = { "hugeplan_in_use_pages", "Pages in use (nr_hugepages less free_hugepages), per size and node, by owner: owner=NAME, what the running guest NAME (libvirt domain, Proxmox VE VM) maps there, only where it maps pages; owner=unattributed, the rest (in use by no guest seen)." },
	[F_UNPLANNED] = { "hugeplan_unplanned_pages", "Pages of the persistent pool that no planned VM is given (reserved for nobody), per size and node." },
	[F_HELD] = { "hugeplan_held_pages", "Free pages held for the planned VMs that are not running (what they are given of the free pages, as hugeplan status's HELD), per size and node." },
	[F_COMMITTED] = { "hugeplan_committed_pages", "Free pages already promised to mappings that have not touched them yet (resv_hugepages), per size." },
	[F_OVERCOMMIT] = { "hugeplan_overcommit_pages", "The most surplus pages the kernel may add beyond the pool (nr_overcommit_hugepages), per size." },
	[F_BOOT_SHORT] = { "hugeplan_boot_short_pages", "Pages of what this boot's kernel command line asks that the kernel did not reserve (the early-boot check), per size." },
	[F_BUDGET_MEMORY] = { "hugeplan_budget_memory_bytes", "The node's memory (MemTotal), in bytes." },
	[F_BUDGET_POOL] = { "hugeplan_budget_pool_bytes", "Huge pages today's plan puts on the node, in bytes." },
	[F_BUDGET_VMEMMAP] = { "hugeplan_budget_vmemmap_bytes", "The struct page memory behind those pages (the vmemmap), in bytes." },
	[F_BUDGET_RESERVE] = { "hugeplan_budget_reserve_bytes", "What the node must keep for the host (ReserveMemory=, ReserveMemoryPerNode=), in bytes." },
	[F_BUDGET_LEFT] = { "hugeplan_budget_left_bytes", "What the plan leaves the host on the node: memory less the static pool, the dynamic peak, their vmemmap and the ordinary memory of transparent VMs, in bytes (below 0: more than the node has)." },
	[F_BUDGET_FITS] = { "hugeplan_budget_fits", "1 when what the plan leaves on the node is at least its reserve, else 0." },
	[F_BUDGET_DYNAMIC] = { "hugeplan_budget_dynamic_peak_bytes", "The dynamic VMs' huge pages on the node when as many run at once as the budget allows (DynamicPeak=), with their vmemmap, in bytes." },
	[F_BUDGET_ORDINARY] = { "hugeplan_budget_ordinary_bytes", "Ordinary memory of the VMs not on huge pages (Backing=transparent, imported VMs off huge pages) on the node, in bytes." },
	[F_PLANNED_VMS] = { "hugeplan_planned_vms", "VMs in today's plan (enabled ones), by where they are defined: source=files for vms.d, libvirt, proxmox." },
	[F_SHORT_VMS] = { "hugeplan_short_vms", "Planned VMs the pool now cannot back." },
	[F_SHORT_BYTES] = { "hugeplan_short_bytes", "Memory those VMs miss, all together, in bytes." },
	[F_VM_SHORT] = { "hugeplan_vm_short_pages", "Pages a planned VM the pool cannot back misses; only those VMs have a series." },
};
// clang-format on

static void family(struct hp_text *o, enum fam f)
{
	hp_text_printf(o, "# HELP %s %s\n# TYPE %s gauge\n", fams[f].name, fams[f].help,
		       fams[f].name);
}

/*
 * Label values: backslash, double quote and newline escaped (the format's three escapes);
 * a byte outside printable ASCII (a command line can hold any) as the text \xNN, as
 * hugeplan's messages show it, so the value is always valid UTF-8.
 */
static void label(struct labels *l, const char *key, const char *val)
{
	size_t room = sizeof(l->s) - l->n;
	int k = snprintf(l->s + l->n, room, "%s%s=\"", l->n ? "," : "", key);

	if (k < 0 || (size_t)k >= room)
		return;
	l->n += (size_t)k;
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		char e[8];
		size_t el;

		if (*p == '\\' || *p == '"')
			snprintf(e, sizeof(e), "\\%c", *p);
		else if (*p == '\n')
			snprintf(e, sizeof(e), "\\n");
		else if (*p < 0x20 || *p > 0x7e)
			snprintf(e, sizeof(e), "\\\\x%02x", *p);
		else
			snprintf(e, sizeof(e), "%c", *p);
		el = strlen(e);
		if (el + 2 > sizeof(l->s) - l->n)
			break;
		memcpy(l->s + l->n, e, el);
		l->n += el;
	}
	l->s[l->n++] = '"';
	l->s[l->n] = '\0';
}

static void label_u(struct labels *l, const char *key, unsigned v)
{
	char b[16];

	snprintf(b, sizeof(b), "%u", v);
	label(l, key, b);
}

static void label_size(struct labels *l, uint64_t size)
{
	char b[24];

	hp_size_token(size, b, sizeof(b));
	label(l, "size", b);
}

static void start(struct labels *l)
{
	l->n = 0;
	l->s[0] = '\0';
}

static void series_u(struct hp_text *o, enum fam f, const struct labels *l, uint64_t v)
{
	if (l && l->n)
		hp_text_printf(o, "%s{%s} %" PRIu64 "\n", fams[f].name, l->s, v);
	else
		hp_text_printf(o, "%s %" PRIu64 "\n", fams[f].name, v);
}

static void series_i(struct hp_text *o, enum fam f, const struct labels *l, int64_t v)
{
	hp_text_printf(o, "%s{%s} %" PRId64 "\n", fams[f].name, l->s, v);
}

static void series_ms(struct hp_text *o, enum fam f, uint64_t ms)
{
	hp_text_printf(o, "%s %" PRIu64 ".%03u\n", fams[f].name, ms / 1000, (unsigned)(ms % 1000));
}

/* a state set: one series per state, 1 for those that hold */
static void states(struct hp_text *o, enum fam f, const char *const *names, const bool *on,
		   size_t n)
{
	struct labels l;

	family(o, f);
	for (size_t i = 0; i < n; i++) {
		start(&l);
		label(&l, "state", names[i]);
		series_u(o, f, &l, on[i]);
	}
}

static void add_size(struct sizes *z, uint64_t size)
{
	size_t i = 0;

	if (!size)
		return;
	while (i < z->n && z->v[i] < size)
		i++;
	if (i < z->n && z->v[i] == size)
		return;
	if (z->n == MAX_ROWS)
		return;
	memmove(&z->v[i + 1], &z->v[i], (z->n - i) * sizeof(z->v[0]));
	z->v[i] = size;
	z->n++;
}

static const struct hp_vsize *check_size(const struct hp_metrics_in *in, uint64_t size)
{
	for (size_t i = 0; in->check && i < in->check->nr_sizes; i++)
		if (in->check->sizes[i].size == size)
			return &in->check->sizes[i];
	return NULL;
}

/* a size of the command line the host does not have, and nothing asked of it, names nothing */
static bool check_names(const struct hp_vsize *z)
{
	return z->present || z->requested || z->short_pages;
}

static void collect_sizes(const struct hp_metrics_in *in, struct sizes *z)
{
	memset(z, 0, sizeof(*z));
	for (size_t i = 0; i < in->pools->nr_pools; i++)
		add_size(z, in->pools->pools[i].size);
	for (size_t i = 0; in->plan && i < in->plan->nr_pools; i++)
		add_size(z, in->plan->pools[i].size);
	for (size_t i = 0; in->check && i < in->check->nr_sizes; i++)
		if (check_names(&in->check->sizes[i]))
			add_size(z, in->check->sizes[i].size);
}

static unsigned popcount64(uint64_t v)
{
	unsigned n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* --- the families -------------------------------------------------------------------------- */

static void verdict(struct hp_text *o, const struct hp_metrics_in *in)
{
	static const char *const names[] = { "ok", "short", "stale", "error" };
	const struct hp_metrics_verdict *v = &in->verdict;
	bool on[] = { v->exit_code == 0, v->is_short, v->is_stale, v->exit_code > 1 };

	states(o, F_VERDICT, names, on, ARRAY_SIZE(on));
}

static void plan_state(struct hp_text *o, const struct hp_metrics_in *in)
{
	static const enum hp_plan_state all[] = { HP_PS_NOTHING, HP_PS_CURRENT, HP_PS_STALE,
						  HP_PS_REBOOT, HP_PS_UNFIT };
	const char *names[ARRAY_SIZE(all)];
	bool on[ARRAY_SIZE(all)];

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		names[i] = hp_plan_state_name(all[i]);
		on[i] = in->plan && in->stale && in->stale->state == all[i];
	}
	states(o, F_PLAN_STATE, names, on, ARRAY_SIZE(all));
}

static void plan_info(struct hp_text *o, const struct hp_metrics_in *in)
{
	struct labels l;

	family(o, F_PLAN_INFO);
	start(&l);
	label(&l, "plan_id", in->stale ? in->stale->plan_id : "");
	label(&l, "boot_plan_id", in->stale ? in->stale->boot_id : "");
	label(&l, "applied_plan_id", in->applied_id ? in->applied_id : "");
	series_u(o, F_PLAN_INFO, &l, 1);
}

static void boot_check(struct hp_text *o, const struct hp_metrics_in *in)
{
	static const enum hp_overall all[] = { HP_V_MET, HP_V_SHORT, HP_V_NOTHING };
	const char *names[ARRAY_SIZE(all)];
	bool on[ARRAY_SIZE(all)];

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		names[i] = hp_overall_name(all[i]);
		on[i] = in->check && in->check->status == all[i];
	}
	states(o, F_BOOT_CHECK, names, on, ARRAY_SIZE(all));
}

static void page_sizes(struct hp_text *o, const struct sizes *z)
{
	struct labels l;

	family(o, F_PAGE_SIZE);
	for (size_t i = 0; i < z->n; i++) {
		start(&l);
		label_size(&l, z->v[i]);
		series_u(o, F_PAGE_SIZE, &l, z->v[i]);
	}
}

static void planned(struct hp_text *o, const struct hp_metrics_in *in, const struct sizes *z)
{
	const struct hp_plan *p = in->plan;
	struct labels l;

	if (!p)
		return;
	family(o, F_PLANNED);
	for (size_t i = 0; i < z->n; i++) {
		const struct hp_pool_plan *pp = hp_plan_pool(p, z->v[i]);

		for (size_t k = 0; k < p->nr_nodes; k++) {
			unsigned id = p->nodes[k].id;

			start(&l);
			label_size(&l, z->v[i]);
			label_u(&l, "node", id);
			label(&l, "backing", "static");
			series_u(o, F_PLANNED, &l,
				 pp && id < HP_MAX_NODES ? pp->node_pages[id] : 0);
		}
	}
	if (!p->nr_dynamic)
		return;
	for (size_t i = 0; i < z->n; i++)
		for (size_t k = 0; k < p->nr_nodes; k++) {
			unsigned id = p->nodes[k].id;
			uint64_t n = 0;

			for (size_t v = 0; v < p->nr_vms && id < HP_MAX_NODES; v++)
				if (p->vms[v].backing == HP_BACKING_DYNAMIC &&
				    p->vms[v].page_size == z->v[i])
					n += p->vms[v].node_pages[id];
			start(&l);
			label_size(&l, z->v[i]);
			label_u(&l, "node", id);
			label(&l, "backing", "dynamic");
			series_u(o, F_PLANNED, &l, n);
		}
}

/*
 * The kernel's reading of this boot's command line, as the early-boot check saw it: per node
 * when the request is in the node form (or the host has one node); a count the kernel
 * spreads over several nodes has no per-node answer and no node label.
 */
static void requested(struct hp_text *o, const struct hp_metrics_in *in, const struct sizes *z)
{
	bool one_node = popcount64(in->pools->online_mask) <= 1;
	struct labels l;

	if (!in->check)
		return;
	family(o, F_REQUESTED);
	for (size_t i = 0; i < z->n; i++) {
		const struct hp_vsize *c = check_size(in, z->v[i]);

		if (!c)
			continue;
		if (c->node_form) {
			for (size_t k = 0; k < c->nr_nodes; k++) {
				start(&l);
				label_size(&l, c->size);
				label_u(&l, "node", c->nodes[k].id);
				series_u(o, F_REQUESTED, &l, c->nodes[k].requested);
			}
			continue;
		}
		start(&l);
		label_size(&l, c->size);
		if (one_node && c->present) {
			const struct hp_pool *p = hp_pools_find(in->pools, c->size);

			label_u(&l, "node", p && p->nr_nodes ? p->nodes[0].id : 0);
		}
		series_u(o, F_REQUESTED, &l, c->requested);
	}
}

static uint64_t pool_value(const struct hp_pool_node *n, enum fam f)
{
	switch (f) {
	case F_RESERVED:
		return hp_pool_persistent(n->nr, n->surplus);
	case F_FREE:
		return n->free;
	case F_SURPLUS:
		return n->surplus;
	default: /* F_IN_USE */
		return n->nr > n->free ? n->nr - n->free : 0;
	}
}

/*
 * In use on one size (pools[] index i) and node, by owner: each running guest that maps pages
 * there (guests of one name together: the input is sorted by name), then "unattributed", the
 * rest (never below 0). A guest named "unattributed" is counted in that series, so no series
 * is written twice.
 */
static void in_use(struct hp_text *o, const struct hp_metrics_in *in, size_t i,
		   const struct hp_pool_node *n)
{
	uint64_t used = pool_value(n, F_IN_USE), named = 0;
	uint64_t size = in->pools->pools[i].size;
	struct labels l;

	for (size_t g = 0; g < in->nr_guests && i < HP_MAX_SIZES && n->id < HP_MAX_NODES;) {
		const char *name = in->guests[g].name;
		uint64_t pages = 0;

		for (; g < in->nr_guests && !strcmp(in->guests[g].name, name); g++)
			pages += in->guests[g].pages[i][n->id];
		if (!pages || !strcmp(name, "unattributed"))
			continue;
		named += pages;
		start(&l);
		label_size(&l, size);
		label_u(&l, "node", n->id);
		label(&l, "owner", name);
		series_u(o, F_IN_USE, &l, pages);
	}
	start(&l);
	label_size(&l, size);
	label_u(&l, "node", n->id);
	label(&l, "owner", "unattributed");
	series_u(o, F_IN_USE, &l, used > named ? used - named : 0);
}

/* the pools per size and node, as sysfs counts them */
static void pools(struct hp_text *o, const struct hp_metrics_in *in)
{
	static const enum fam cols[] = { F_RESERVED, F_FREE, F_SURPLUS, F_IN_USE };
	struct labels l;

	for (size_t c = 0; c < ARRAY_SIZE(cols); c++) {
		family(o, cols[c]);
		for (size_t i = 0; i < in->pools->nr_pools; i++) {
			const struct hp_pool *p = &in->pools->pools[i];

			for (size_t k = 0; k < p->nr_nodes; k++) {
				if (cols[c] == F_IN_USE) {
					in_use(o, in, i, &p->nodes[k]);
					continue;
				}
				start(&l);
				label_size(&l, p->size);
				label_u(&l, "node", p->nodes[k].id);
				series_u(o, cols[c], &l, pool_value(&p->nodes[k], cols[c]));
			}
		}
	}
}

static void unplanned(struct hp_text *o, const struct hp_metrics_in *in)
{
	const struct hp_avail_set *left;
	struct labels l;

	if (!in->plan || !in->backing)
		return;
	left = &in->backing->left;
	family(o, F_UNPLANNED);
	for (size_t i = 0; i < in->pools->nr_pools; i++) {
		const struct hp_pool *p = &in->pools->pools[i];
		const struct hp_avail *a = NULL;

		for (size_t s = 0; s < left->nr_sizes; s++)
			if (left->sizes[s].size == p->size)
				a = &left->sizes[s];
		for (size_t k = 0; k < p->nr_nodes; k++) {
			unsigned id = p->nodes[k].id;

			start(&l);
			label_size(&l, p->size);
			label_u(&l, "node", id);
			series_u(o, F_UNPLANNED, &l, a && id < HP_MAX_NODES ? a->node[id] : 0);
		}
	}
}

/* the free pages held for planned VMs that are not running, per size and node (core/usage.h) */
static void held(struct hp_text *o, const struct hp_metrics_in *in)
{
	struct labels l;

	if (!in->plan || !in->usage)
		return;
	family(o, F_HELD);
	for (size_t i = 0; i < in->pools->nr_pools; i++) {
		const struct hp_pool *p = &in->pools->pools[i];

		for (size_t k = 0; k < p->nr_nodes; k++) {
			unsigned id = p->nodes[k].id;

			start(&l);
			label_size(&l, p->size);
			label_u(&l, "node", id);
			series_u(o, F_HELD, &l,
				 i < HP_MAX_SIZES && id < HP_MAX_NODES ? in->usage->cell[i][id].held
								       : 0);
		}
	}
}

static void size_counts(struct hp_text *o, const struct hp_metrics_in *in)
{
	struct labels l;

	family(o, F_COMMITTED);
	for (size_t i = 0; i < in->pools->nr_pools; i++) {
		start(&l);
		label_size(&l, in->pools->pools[i].size);
		series_u(o, F_COMMITTED, &l, in->pools->pools[i].resv);
	}
	family(o, F_OVERCOMMIT);
	for (size_t i = 0; i < in->pools->nr_pools; i++) {
		start(&l);
		label_size(&l, in->pools->pools[i].size);
		series_u(o, F_OVERCOMMIT, &l, in->pools->pools[i].overcommit);
	}
}

static void boot_short(struct hp_text *o, const struct hp_metrics_in *in, const struct sizes *z)
{
	struct labels l;

	if (!in->check)
		return;
	family(o, F_BOOT_SHORT);
	for (size_t i = 0; i < z->n; i++) {
		const struct hp_vsize *c = check_size(in, z->v[i]);

		if (!c)
			continue;
		start(&l);
		label_size(&l, c->size);
		series_u(o, F_BOOT_SHORT, &l, c->short_pages);
	}
}

/* today's plan's accounting per node (core/plan.h) */
static void budget(struct hp_text *o, const struct hp_metrics_in *in)
{
	const struct hp_plan *p = in->plan;
	struct labels l;

	if (!p)
		return;
	for (enum fam f = F_BUDGET_MEMORY; f <= F_BUDGET_FITS; f++) {
		family(o, f);
		for (size_t k = 0; k < p->nr_nodes; k++) {
			const struct hp_node_plan *n = &p->nodes[k];

			start(&l);
			label_u(&l, "node", n->id);
			if (f == F_BUDGET_LEFT)
				series_i(o, f, &l, n->left);
			else
				series_u(o, f, &l,
					 f == F_BUDGET_MEMORY	 ? n->mem_total
					 : f == F_BUDGET_POOL	 ? n->pool
					 : f == F_BUDGET_VMEMMAP ? n->vmemmap
					 : f == F_BUDGET_RESERVE ? n->reserve
								 : n->ok);
		}
	}
	if (!p->nr_dynamic && !p->nr_transparent)
		return;
	for (enum fam f = F_BUDGET_DYNAMIC; f <= F_BUDGET_ORDINARY; f++) {
		family(o, f);
		for (size_t k = 0; k < p->nr_nodes; k++) {
			const struct hp_node_plan *n = &p->nodes[k];

			start(&l);
			label_u(&l, "node", n->id);
			series_u(o, f, &l,
				 f == F_BUDGET_DYNAMIC ? n->dynamic + n->dynamic_vmemmap
						       : n->ordinary);
		}
	}
}

static void vms(struct hp_text *o, const struct hp_metrics_in *in)
{
	const struct hp_backing *b = in->backing;
	struct labels l;

	if (!in->plan)
		return;
	family(o, F_PLANNED_VMS);
	{
		/* files always, the VM managers' when they define a planned VM (issue 14) */
		static const enum hp_source srcs[] = { HP_SRC_FILES, HP_SRC_LIBVIRT,
						       HP_SRC_PROXMOX };
		uint64_t n[ARRAY_SIZE(srcs)] = { 0 };

		for (size_t i = 0; i < in->plan->nr_vms; i++)
			for (size_t k = 0; k < ARRAY_SIZE(srcs); k++)
				n[k] += in->plan->vms[i].vm->source == srcs[k];
		for (size_t k = 0; k < ARRAY_SIZE(srcs); k++) {
			if (k && !n[k])
				continue;
			start(&l);
			label(&l, "source", hp_source_name(srcs[k]));
			series_u(o, F_PLANNED_VMS, &l, n[k]);
		}
	}
	if (!b)
		return;
	family(o, F_SHORT_VMS);
	series_u(o, F_SHORT_VMS, NULL, b->nr_short);
	family(o, F_SHORT_BYTES);
	series_u(o, F_SHORT_BYTES, NULL, b->short_bytes);
	family(o, F_VM_SHORT);
	for (size_t i = 0; i < b->nr_vms; i++) {
		const struct hp_back_vm *v = &b->vms[i];

		if (!v->short_pages)
			continue;
		start(&l);
		label(&l, "vm", v->vp->vm->name);
		label_size(&l, v->vp->page_size);
		series_u(o, F_VM_SHORT, &l, v->short_pages);
	}
}

int hp_metrics_render(const struct hp_metrics_in *in, char **out, size_t *len)
{
	struct hp_text o = HP_TEXT_INIT;
	struct labels l;
	struct sizes z;

	hp_text_puts(&o, "# hugeplan metrics, written by hugeplan metrics: see hugeplan(8)\n");
	family(&o, F_BUILD_INFO);
	start(&l);
	label(&l, "version", in->version ? in->version : "");
	series_u(&o, F_BUILD_INFO, &l, 1);
	family(&o, F_CHECK_TS);
	series_ms(&o, F_CHECK_TS, in->check_ms);
	if (in->report_ms) {
		family(&o, F_REPORT_TS);
		series_ms(&o, F_REPORT_TS, in->report_ms);
	}
	verdict(&o, in);
	if (in->pools) {
		plan_state(&o, in);
		plan_info(&o, in);
		boot_check(&o, in);
		collect_sizes(in, &z);
		page_sizes(&o, &z);
		planned(&o, in, &z);
		requested(&o, in, &z);
		pools(&o, in);
		unplanned(&o, in);
		held(&o, in);
		size_counts(&o, in);
		boot_short(&o, in, &z);
		budget(&o, in);
		vms(&o, in);
	}
	return hp_text_finish(&o, out, len);
}
