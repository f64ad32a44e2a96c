// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A rendered plan, booted: random plans of the shape the planner makes, rendered with
 * hp_render() and read back by the kernel command line simulation (hp_render_check()) and
 * by an independent reading of the strict token grammar (fuzz.h). Input: bytes choose the
 * architecture, the kernel version, the nodes, the pools and their counts.
 *
 * The plans are what hp_plan_compute() can return (core/plan.h): pools in ascending size, each
 * with at least one page, all sizes the host lists; pages on nodes that are online, the
 * per-node form only with several nodes and Linux 5.16 or later (or an unknown version); the
 * whole plan below HP_PLAN_MAX_BYTES; the default size any listed size, rendered
 * (DefaultPageSize=), or the kernel's own HPAGE_SIZE, not rendered.
 *
 * Properties: hp_render() succeeds (or refuses with -E2BIG: a token longer than the kernel
 * arguments hugeplan writes may be, which is a refusal, never a wrong rendering); every
 * rendering passes hp_render_check() against the kernel it was planned for; the tokens follow
 * the strict grammar and say exactly the plan: its default size when DefaultPageSize= set one
 * (else no default_hugepagesz=), its sizes and counts (per
 * node in the node form), hugetlb_free_vmemmap when asked, and a plan id that is the FNV-1a
 * of the rest.
 */
#include <errno.h>

#include "core/render.h"
#include "core/size.h"
#include "fuzz.h"

static const struct {
	uint64_t sizes[4];
	size_t n;
	uint64_t hpage;
} archs[] = {
	{ { 2 * HP_MIB, HP_GIB }, 2, 2 * HP_MIB },
	{ { 2 * HP_MIB }, 1, 2 * HP_MIB },
	{ { 64 * HP_KIB, 2 * HP_MIB, 32 * HP_MIB, HP_GIB }, 4, 2 * HP_MIB },
	{ { 2 * HP_MIB, 512 * HP_MIB, 16 * HP_GIB }, 3, 512 * HP_MIB },
	{ { 16 * HP_MIB, 16 * HP_GIB }, 2, 16 * HP_MIB },
	{ { HP_MIB, 2 * HP_GIB }, 2, HP_MIB },
};

static const unsigned kvers[] = { 0, HP_KVER(5, 10, 0), HP_KVER(5, 16, 0), HP_KVER(6, 1, 0) };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	uint8_t b0 = fz_u8(&in), b1 = fz_u8(&in);
	size_t ai = b0 % (sizeof(archs) / sizeof(archs[0]));
	uint64_t online = fz_u64(&in), budget = HP_PLAN_MAX_BYTES;
	struct hp_karch a = { 0 };
	struct hp_plan *plan = calloc(1, sizeof(*plan));
	struct hp_kargs *args = calloc(1, sizeof(*args));
	const char *toks[HP_MAX_TOKENS];
	struct fz_args got;
	const char *bad;
	char why[256];
	int r;

	if (!plan || !args)
		goto out;
	memcpy(a.sizes, archs[ai].sizes, sizeof(archs[ai].sizes));
	a.nr_sizes = archs[ai].n;
	a.hpage_size = archs[ai].hpage;
	a.gigantic_min = 8 * HP_MIB;
	a.node_alloc = true;
	a.hugepages_supported = true;
	a.kver = kvers[b0 >> 4 & 3]; /* the host's; the plan may name another */

	/* nodes: the online ones, ascending, as the host reader lists them */
	if (!online)
		online = 1;
	a.online_nodes = online;
	for (unsigned id = 0; id < HP_MAX_NODES; id++)
		if (online >> id & 1)
			plan->nodes[plan->nr_nodes++].id = id;
	/* the plan names the kernel it is for, or 0 when the host's version is unknown too */
	plan->kver = kvers[b1 & 3];
	if (!plan->kver)
		a.kver = 0;
	plan->node_form = plan->nr_nodes > 1 && !(plan->kver && plan->kver < HP_KVER(5, 16, 0));
	plan->free_vmemmap = b1 & 4;
	plan->feasible = b1 & 8;

	/* pools: a subset of the sizes, ascending, each with at least one page */
	for (size_t s = 0; s < a.nr_sizes; s++) {
		struct hp_pool_plan *p = &plan->pools[plan->nr_pools];
		uint8_t pick = fz_u8(&in);
		uint64_t cap = budget / a.sizes[s];

		if (!(pick & 1) || cap == 0)
			continue;
		p->size = a.sizes[s];
		if (plan->node_form) {
			for (size_t k = 0; k < plan->nr_nodes; k++) {
				unsigned id = plan->nodes[k].id;
				uint64_t v = fz_u8(&in) & 1 ? fz_u64(&in) >> (fz_u8(&in) & 63) : 0;

				v = cap ? v % (cap / plan->nr_nodes + 1) : 0;
				p->node_pages[id] = v;
				p->pages += v;
			}
			if (!p->pages) {
				p->node_pages[plan->nodes[0].id] = 1;
				p->pages = 1;
			}
		} else {
			p->pages = 1 + (fz_u64(&in) >> (fz_u8(&in) & 63)) % cap;
		}
		budget -= p->pages * p->size;
		plan->nr_pools++;
	}
	/* DefaultPageSize= (any listed size, rendered), or none: the kernel's own HPAGE_SIZE */
	if (plan->nr_pools) {
		plan->default_explicit = fz_u8(&in) & 1;
		plan->default_size =
			plan->default_explicit ? a.sizes[fz_u8(&in) % a.nr_sizes] : a.hpage_size;
	}

	r = hp_render(plan, args);
	if (r == -E2BIG)
		goto out; /* refused whole: nothing is written */
	FZ_ASSERT(r == 0, "hp_render: %d", r);
	FZ_ASSERT(args->n <= HP_MAX_TOKENS, "%zu tokens", args->n);
	r = hp_render_check(plan, args, &a, why, sizeof(why));
	FZ_ASSERT(r == 0, "the kernel would not reserve the plan: %s", why);

	for (size_t i = 0; i < args->n; i++) {
		FZ_ASSERT(hp_token_valid(args->tok[i]), "token \"%s\"", args->tok[i]);
		toks[i] = args->tok[i];
	}
	bad = fz_kargs_check(toks, args->n, &got);
	FZ_ASSERT(!bad, "grammar: %s", bad);
	if (!plan->nr_pools) {
		FZ_ASSERT(args->n == 0 && !args->plan_id[0], "an empty plan rendered tokens");
		goto out;
	}
	FZ_ASSERT(got.default_size == (plan->default_explicit ? plan->default_size : 0),
		  "default size");
	FZ_ASSERT(got.nr == plan->nr_pools, "%zu sizes rendered, %zu planned", got.nr,
		  plan->nr_pools);
	for (size_t p = 0; p < got.nr; p++) {
		const struct hp_pool_plan *pp = &plan->pools[p];

		FZ_ASSERT(got.sizes[p] == pp->size && got.pages[p] == pp->pages,
			  "pool %zu: %" PRIu64 " x %" PRIu64 " rendered, %" PRIu64 " x %" PRIu64
			  " planned",
			  p, got.pages[p], got.sizes[p], pp->pages, pp->size);
		FZ_ASSERT(got.node_form[p] == plan->node_form, "node form of pool %zu", p);
		if (plan->node_form)
			for (unsigned n = 0; n < HP_MAX_NODES; n++)
				FZ_ASSERT(got.node_pages[p][n] == pp->node_pages[n],
					  "pool %zu node %u", p, n);
	}
	FZ_ASSERT(got.free_vmemmap == plan->free_vmemmap, "hugetlb_free_vmemmap");
	{
		char id[17];

		snprintf(id, sizeof(id), "%016" PRIx64, fz_plan_id(toks, args->n - 1));
		FZ_ASSERT(!strcmp(id, got.plan_id) && !strcmp(id, args->plan_id),
			  "plan id %s, FNV-1a says %s", got.plan_id, id);
	}
out:
	free(plan);
	free(args);
	return 0;
}
