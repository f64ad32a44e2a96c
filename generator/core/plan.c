// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/macro.h"
#include "core/plan.h"
#include "core/size.h"

typedef unsigned __int128 u128;

uint64_t hp_vmemmap_cost(uint64_t page_size, bool free_vmemmap)
{
	/* HVO keeps one vmemmap page per huge page ("16380 KiB ... can be freed" of 16384) */
	if (free_vmemmap)
		return HP_BASE_PAGE;
	return page_size / HP_BASE_PAGE * HP_STRUCT_PAGE;
}

static unsigned popcount64(uint64_t m)
{
	return (unsigned)__builtin_popcountll(m);
}

uint64_t hp_vm_node_pages(const struct hp_vm *vm, uint64_t page_size, unsigned node)
{
	unsigned k = popcount64(vm->nodes), j;
	uint64_t share;

	if (!k || !((vm->nodes >> node) & 1))
		return 0;
	j = popcount64(vm->nodes & ((1ULL << node) - 1)); /* rank among the VM's nodes */
	share = vm->memory / k + (j < vm->memory % k ? 1 : 0);
	return share / page_size + (share % page_size ? 1 : 0);
}

static uint64_t vm_instance_pages(const struct hp_vm *vm, uint64_t page_size, bool pinned)
{
	uint64_t n = 0;

	if (!pinned)
		return vm->memory / page_size + (vm->memory % page_size ? 1 : 0);
	for (unsigned i = 0; i < HP_MAX_NODES; i++)
		n += hp_vm_node_pages(vm, page_size, i);
	return n;
}

const struct hp_pool_plan *hp_plan_pool(const struct hp_plan *plan, uint64_t size)
{
	for (size_t i = 0; i < plan->nr_pools; i++)
		if (plan->pools[i].size == size)
			return &plan->pools[i];
	return NULL;
}

const struct hp_vm_plan *hp_plan_find(const struct hp_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->nr_vms; i++)
		if (!strcmp(plan->vms[i].vm->name, name))
			return &plan->vms[i];
	return NULL;
}

void hp_plan_free(struct hp_plan *plan)
{
	free(plan->vms);
	plan->vms = NULL;
	plan->nr_vms = 0;
}

static void size_list(const struct hp_host *h, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < h->nr_sizes && o < len; i++) {
		char t[24];

		hp_size_token(h->sizes[i], t, sizeof(t));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", t);
	}
	if (!h->nr_sizes)
		snprintf(buf, len, "none");
}

static int check_size(const struct hp_host *h, uint64_t size, const struct hp_loc *loc,
		      const char *key, struct hp_diag *err)
{
	char tok[24], list[128];

	if (hp_host_has_size(h, size))
		return 0;
	hp_size_token(size, tok, sizeof(tok));
	size_list(h, list, sizeof(list));
	if (h->x86 && size == HP_GIB && !h->pdpe1gb)
		hp_diag_set(
			err, loc,
			"%s=%s: this CPU cannot map 1G pages (no pdpe1gb flag in /proc/cpuinfo; nested guests often hide it); use 2M",
			key, tok);
	else
		hp_diag_set(err, loc, "%s=%s: this host has no %s huge pages (it lists: %s)", key,
			    tok, tok, list);
	return -EINVAL;
}

static void nodes_text(uint64_t mask, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < HP_MAX_NODES && o < len; i++)
		if ((mask >> i) & 1)
			o += (size_t)snprintf(buf + o, len - o, "%s%u", o ? "," : "", i);
}

static int pool_index(struct hp_plan *plan, uint64_t size)
{
	size_t i;

	for (i = 0; i < plan->nr_pools; i++)
		if (plan->pools[i].size == size)
			return (int)i;
	/* keep ascending order */
	for (i = 0; i < plan->nr_pools && plan->pools[i].size < size; i++)
		;
	memmove(&plan->pools[i + 1], &plan->pools[i],
		(plan->nr_pools - i) * sizeof(plan->pools[0]));
	memset(&plan->pools[i], 0, sizeof(plan->pools[0]));
	plan->pools[i].size = size;
	plan->nr_pools++;
	return (int)i;
}

/*
 * Spread `pages` over the nodes in proportion to weight[] by the largest remainder method,
 * never more than cap[] on a node while some node has room: a node that reaches its cap
 * drops out and what it could not take is spread again over the others. What no node has
 * room for goes by weight alone (the plan then fails its node check, which says where).
 * Totals are exact and the result is deterministic (ties go to the lower node).
 */
static void spread(uint64_t pages, const uint64_t *weight, const uint64_t *cap, size_t n,
		   uint64_t *out)
{
	u128 rem[HP_MAX_NODES];
	bool capped = true;

	memset(out, 0, n * sizeof(*out));
	while (pages > 0) {
		u128 total = 0;
		uint64_t given = 0;
		bool hit_cap = false;

		for (size_t i = 0; i < n; i++)
			if (weight[i] && (!capped || out[i] < cap[i]))
				total += weight[i];
		if (total == 0) {
			if (!capped)
				break;
			capped = false;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t q;

			rem[i] = 0;
			if (!weight[i] || (capped && out[i] >= cap[i]))
				continue;
			q = (uint64_t)((u128)pages * weight[i] / total);
			rem[i] = (u128)pages * weight[i] % total +
				 1; /* +1: 0 means "not eligible" */
			if (capped && q > cap[i] - out[i]) {
				q = cap[i] - out[i];
				hit_cap = true;
			}
			out[i] += q;
			given += q;
		}
		pages -= given;
		if (hit_cap)
			continue; /* spread the rest over the nodes that still have room */
		/* fewer pages left than eligible nodes: one each, largest remainder first */
		while (pages > 0) {
			size_t best = n;

			for (size_t i = 0; i < n; i++)
				if (rem[i] && (!capped || out[i] < cap[i]) &&
				    (best == n || rem[i] > rem[best]))
					best = i;
			if (best == n)
				break;
			out[best]++;
			rem[best] = 0;
			pages--;
		}
	}
	if (pages > 0 && n > 0) {
		/*
		 * no weight anywhere: even split, the lower nodes taking one more. Counted, not
		 * dealt one by one: pages can be 2^40 when a plan asks far more than the host has.
		 */
		for (size_t i = 0; i < n; i++)
			out[i] += pages / n + (i < pages % n ? 1 : 0);
	}
}

static void problem(struct hp_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct hp_plan *plan, const char *fmt, ...)
{
	va_list ap;

	if (plan->nr_problems >= HP_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(plan->problems[plan->nr_problems++], sizeof(plan->problems[0]), fmt, ap);
	va_end(ap);
}

static void warning(struct hp_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warning(struct hp_plan *plan, const char *fmt, ...)
{
	va_list ap;

	if (plan->nr_warnings >= HP_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(plan->warnings[plan->nr_warnings++], sizeof(plan->warnings[0]), fmt, ap);
	va_end(ap);
}

/* "; dynamic: a, b; transparent: c" for the VMs of that backing with memory on the node */
static size_t budget_names(const struct hp_plan *plan, unsigned id, char *buf, size_t len)
{
	static const enum hp_backing_mode kinds[] = { HP_BACKING_DYNAMIC, HP_BACKING_TRANSPARENT };
	size_t o = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		size_t seen = 0;

		for (size_t i = 0; i < plan->nr_vms && o < len; i++) {
			const struct hp_vm_plan *v = &plan->vms[i];

			if (v->backing != kinds[k] || !(v->node_pages[id] || v->node_bytes[id]))
				continue;
			if (o > len - 40) {
				o += (size_t)snprintf(buf + o, len - o, ", ...");
				break;
			}
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      seen			       ? ", "
					      : kinds[k] == HP_BACKING_DYNAMIC ? "; dynamic: "
									       : "; transparent: ",
					      v->vm->name);
			seen++;
		}
	}
	return o < len ? o : len - 1;
}

static void node_problem(struct hp_plan *plan, const struct hp_node_plan *np)
{
	char mt[24], pool[24], vm[24], left[24], res[24], names[200];
	size_t o = 0, pinned = 0, unpinned = 0;

	hp_size_human(np->mem_total, mt, sizeof(mt));
	hp_size_human(np->pool, pool, sizeof(pool));
	hp_size_human(np->vmemmap, vm, sizeof(vm));
	if (np->left >= 0)
		hp_size_human((uint64_t)np->left, left, sizeof(left));
	else
		snprintf(left, sizeof(left), "nothing");
	hp_size_human(np->reserve, res, sizeof(res));
	names[0] = '\0';
	for (size_t i = 0; i < plan->nr_vms; i++) {
		const struct hp_vm *v = plan->vms[i].vm;

		if (plan->vms[i].backing != HP_BACKING_STATIC)
			continue;
		if (v->nodes && plan->node_form) {
			if (!((v->nodes >> np->id) & 1))
				continue;
			pinned++;
			if (o < sizeof(names) - 80)
				o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s",
						      o ? ", " : "", v->name);
		} else {
			unpinned++;
		}
	}
	if (pinned > 0 && o >= sizeof(names) - 80)
		o += (size_t)snprintf(names + o, sizeof(names) - o, ", ...");
	if (unpinned)
		snprintf(names + o, sizeof(names) - o, "%s%zu unpinned VM%s spread over all nodes",
			 o ? "; " : "", unpinned, unpinned == 1 ? "" : "s");
	if (!np->dynamic && !np->ordinary) {
		problem(plan,
			"node %u: MemTotal %s - pool %s - vmemmap %s leaves %s, below the %s it must keep (placed there: %s)",
			np->id, mt, pool, vm, left, res, names);
		return;
	}
	{
		char dyn[24], dvm[24], ord[24], more[200];

		hp_size_human(np->dynamic, dyn, sizeof(dyn));
		hp_size_human(np->dynamic_vmemmap, dvm, sizeof(dvm));
		hp_size_human(np->ordinary, ord, sizeof(ord));
		budget_names(plan, np->id, more, sizeof(more));
		problem(plan,
			"node %u: MemTotal %s - static pool %s - vmemmap %s - dynamic peak %s (vmemmap %s) - ordinary VM memory %s leaves %s, below the %s it must keep (static: %s%s)",
			np->id, mt, pool, vm, dyn, dvm, ord, left, res, names[0] ? names : "none",
			more);
	}
}

/* a transparent VM: no huge pages, its memory is ordinary memory on its nodes (below) */
static int add_transparent(const struct hp_host *host, struct hp_plan *plan, const struct hp_vm *v,
			   struct hp_diag *err)
{
	struct hp_vm_plan *vp;

	if (v->nodes & ~host->online_mask) {
		char want[200], have[200];
		uint64_t bad = v->nodes & ~host->online_mask;

		nodes_text(bad, want, sizeof(want));
		nodes_text(host->online_mask, have, sizeof(have));
		hp_diag_set(err, &v->node_loc, "Node=: node %s %s not online (online: %s)", want,
			    popcount64(bad) > 1 ? "are" : "is", have);
		return -EINVAL;
	}
	if ((u128)v->memory * v->instances > HP_PLAN_MAX_BYTES) {
		hp_diag_set(
			err, &v->memory_loc,
			"Memory= x Instances= takes the plan past 1 EiB, more than any machine has");
		return -EINVAL;
	}
	vp = &plan->vms[plan->nr_vms++];
	vp->vm = v;
	vp->backing = HP_BACKING_TRANSPARENT;
	plan->nr_transparent++;
	return 0;
}

static size_t node_index(const struct hp_host *host, unsigned id)
{
	for (size_t i = 0; i < host->nr_nodes; i++)
		if (host->nodes[i].id == id)
			return i;
	return 0;
}

/*
 * The transparent VMs' memory per node: on their Node= nodes split evenly (the lower nodes
 * take the bytes that do not divide), else in proportion to the nodes' MemTotal (the
 * remainder to the first node). Into each VM's node_bytes and the nodes' ordinary.
 */
static void ordinary(const struct hp_host *host, struct hp_plan *plan)
{
	for (size_t i = 0; i < plan->nr_vms; i++) {
		struct hp_vm_plan *vp = &plan->vms[i];
		const struct hp_vm *v = vp->vm;
		uint64_t total = v->memory * v->instances, given = 0;

		if (vp->backing != HP_BACKING_TRANSPARENT)
			continue;
		if (v->nodes) {
			unsigned k = popcount64(v->nodes), j = 0;

			for (unsigned id = 0; id < HP_MAX_NODES; id++)
				if ((v->nodes >> id) & 1)
					vp->node_bytes[id] = total / k + (j++ < total % k ? 1 : 0);
		} else {
			for (size_t k = 0; k < host->nr_nodes; k++) {
				uint64_t b = host->mem_total ? (uint64_t)((u128)total *
									  host->nodes[k].mem_total /
									  host->mem_total)
							     : 0;

				vp->node_bytes[host->nodes[k].id] = b;
				given += b;
			}
			vp->node_bytes[host->nodes[0].id] += total - given;
		}
		for (size_t k = 0; k < plan->nr_nodes; k++)
			plan->nodes[k].ordinary += vp->node_bytes[plan->nodes[k].id];
	}
}

/*
 * The dynamic VMs' pages per node, in configuration order: pinned ones on their nodes,
 * each other whole on the node with the most room left (ties: the lower node). used[] is
 * what each node already holds: its reserve and its static pool.
 */
static void place_dynamic(const struct hp_host *host, struct hp_plan *plan, uint64_t *used)
{
	for (size_t i = 0; i < plan->nr_vms; i++) {
		struct hp_vm_plan *vp = &plan->vms[i];
		const struct hp_vm *v = vp->vm;
		uint64_t cost = vp->page_size + hp_vmemmap_cost(vp->page_size, plan->free_vmemmap);
		size_t best = 0;
		uint64_t best_room = 0;

		if (vp->backing != HP_BACKING_DYNAMIC)
			continue;
		if (v->nodes && host->nr_nodes > 1) {
			for (unsigned k = 0; k < HP_MAX_NODES; k++) {
				if (!((v->nodes >> k) & 1))
					continue;
				vp->node_pages[k] = hp_vm_node_pages(v, vp->page_size, k);
				used[node_index(host, k)] += vp->node_pages[k] * cost;
			}
			continue;
		}
		for (size_t k = 0; k < host->nr_nodes; k++) {
			uint64_t taken = used[k] + plan->nodes[k].ordinary;
			uint64_t room = host->nodes[k].mem_total > taken
						? host->nodes[k].mem_total - taken
						: 0;

			if (k == 0 || room > best_room) {
				best = k;
				best_room = room;
			}
		}
		vp->node_pages[host->nodes[best].id] = vp->pages;
		used[best] += vp->pages * cost;
	}
}

struct dyn_cost {
	uint64_t bytes, vmemmap;
};

static int cmp_dyn_desc(const void *a, const void *b)
{
	const struct dyn_cost *x = a, *y = b;
	uint64_t p = x->bytes + x->vmemmap, q = y->bytes + y->vmemmap;

	return p < q ? 1 : p > q ? -1 : 0;
}

/*
 * Per node: every dynamic VM there at once, or the `peak` ones with most memory there. 0, or
 * -ENOMEM.
 */
static int dynamic_peak(struct hp_plan *plan, unsigned peak)
{
	struct dyn_cost *c;

	plan->dynamic_peak = peak;
	if (!plan->nr_dynamic)
		return 0;
	c = calloc(plan->nr_dynamic, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t k = 0; k < plan->nr_nodes; k++) {
		struct hp_node_plan *np = &plan->nodes[k];
		size_t m = 0;

		for (size_t i = 0; i < plan->nr_vms && m < plan->nr_dynamic; i++) {
			const struct hp_vm_plan *vp = &plan->vms[i];
			uint64_t pages = vp->node_pages[np->id];

			if (vp->backing != HP_BACKING_DYNAMIC || !pages)
				continue;
			c[m].bytes = pages * vp->page_size;
			c[m].vmemmap = pages * hp_vmemmap_cost(vp->page_size, plan->free_vmemmap);
			m++;
		}
		qsort(c, m, sizeof(*c), cmp_dyn_desc);
		for (size_t i = 0; i < m && (!peak || i < peak); i++) {
			np->dynamic += c[i].bytes;
			np->dynamic_vmemmap += c[i].vmemmap;
		}
	}
	free(c);
	return 0;
}

int hp_plan_compute(const struct hp_host *host, const struct hp_settings *set,
		    const struct hp_vm *vms, size_t nr_vms, const struct hp_plan_opts *opts,
		    struct hp_plan *plan, struct hp_diag *err)
{
	size_t n = host->nr_nodes;
	uint64_t weight[HP_MAX_NODES], cap[HP_MAX_NODES], used[HP_MAX_NODES], out[HP_MAX_NODES];
	uint64_t sum_mem = 0, def_page;
	u128 plan_bytes = 0;
	bool multi = n > 1;
	int r;

	memset(plan, 0, sizeof(*plan));
	plan->kver = opts && opts->kver ? opts->kver : host->kver;
	plan->free_vmemmap = set->free_vmemmap;
	plan->reserve_per_node = set->reserve_per_node;
	plan->reserve = set->reserve_set ? set->reserve : host->mem_total / 20;
	if (!set->reserve_set && plan->reserve < 2 * HP_GIB)
		plan->reserve = 2 * HP_GIB;
	if (n == 0) {
		hp_diag_set(err, NULL, "the host reports no online memory node");
		return -EINVAL;
	}

	def_page = set->default_page;
	if (def_page) {
		r = check_size(host, def_page, &set->default_page_loc, "DefaultPageSize", err);
		if (r < 0)
			return r;
	} else if (host->nr_sizes) {
		def_page = host->sizes[host->nr_sizes - 1];
	}

	/*
	 * Online nodes from HP_MAX_NODES up are counted, not modelled: the pool stays on the
	 * nodes below, which only the per-node form can say (the balanced form would spread
	 * pages onto nodes nothing here accounts for).
	 */
	multi = multi || host->nodes_beyond;
	/* per-node form needs 5.16; an unknown version (0) is taken as recent */
	plan->node_form = multi && !(plan->kver && plan->kver < HP_KVER(5, 16, 0));
	for (size_t i = 0; i < nr_vms && host->nodes_beyond && !plan->node_form; i++) {
		if (!vms[i].enabled)
			continue;
		hp_diag_set(
			err, NULL,
			"node %u is online, and hugeplan plans on nodes 0-%u only: the target kernel %u.%u cannot reserve per node (Linux 5.16), and the balanced form would spread pages onto nodes it does not account for; plan for a newer kernel with --kver",
			host->first_beyond, HP_MAX_NODES - 1, plan->kver >> 16,
			(plan->kver >> 8) & 0xff);
		return -EINVAL;
	}

	plan->vms = calloc(nr_vms ? nr_vms : 1, sizeof(*plan->vms));
	if (!plan->vms)
		return -ENOMEM;

	for (size_t i = 0; i < nr_vms; i++) {
		const struct hp_vm *v = &vms[i];
		struct hp_vm_plan *vp;
		struct hp_pool_plan *pool;
		uint64_t ps = v->page_size ? v->page_size : def_page;
		enum hp_backing_mode bk = v->backing;
		uint64_t inst;
		bool pinned;

		if (!v->enabled)
			continue;
		if (bk == HP_BACKING_TRANSPARENT) {
			if (add_transparent(host, plan, v, err) < 0)
				goto fail;
			continue;
		}
		if (!host->nr_sizes) {
			hp_diag_set(
				err, &v->loc,
				"this kernel lists no huge page sizes (%s is empty or missing): it was built without hugetlbfs, or the CPU has none",
				"the kernel's sysfs hugepages directory");
			goto fail;
		}
		if (v->page_size && check_size(host, ps, &v->page_loc, "PageSize", err) < 0)
			goto fail;
		if (v->nodes & ~host->online_mask) {
			char want[200], have[200];
			uint64_t bad = v->nodes & ~host->online_mask;

			nodes_text(bad, want, sizeof(want));
			nodes_text(host->online_mask, have, sizeof(have));
			hp_diag_set(err, &v->node_loc, "Node=: node %s %s not online (online: %s)",
				    want, popcount64(bad) > 1 ? "are" : "is", have);
			goto fail;
		}
		if (bk == HP_BACKING_STATIC && v->nodes && multi && !plan->node_form &&
		    !(opts && opts->allow_balanced)) {
			hp_diag_set(
				err, &v->node_loc,
				"Node=: the target kernel %u.%u cannot reserve per node (the hugepages=NODE:COUNT form needs Linux 5.16); the balanced form would spread the pages over all nodes and lose this pinning: remove Node= or accept that with --balanced",
				plan->kver >> 16, (plan->kver >> 8) & 0xff);
			goto fail;
		}
		/* on one node, pinning to it changes nothing */
		pinned = v->nodes && plan->node_form;
		inst = vm_instance_pages(v, ps, pinned);
		/* bounds every sum below: no machine addresses an exbibyte */
		plan_bytes += (u128)inst * ps * v->instances;
		if (plan_bytes > HP_PLAN_MAX_BYTES) {
			hp_diag_set(
				err, &v->memory_loc,
				"Memory= x Instances= takes the plan past 1 EiB, more than any machine has");
			goto fail;
		}
		vp = &plan->vms[plan->nr_vms++];
		vp->vm = v;
		vp->backing = bk;
		vp->page_size = ps;
		vp->pages = inst * v->instances;
		vp->loss = (uint64_t)(((u128)inst * ps - v->memory) * v->instances);
		if (bk == HP_BACKING_DYNAMIC) {
			char tok[24];

			plan->nr_dynamic++;
			if (ps >= HP_GIB) {
				hp_size_token(ps, tok, sizeof(tok));
				warning(plan,
					"%s: Backing=dynamic with %s pages: the kernel can rarely find whole free %s ranges once memory is in use, so its start may fail; Backing=static reserves them at boot",
					v->name, tok, tok);
			}
			continue;
		}
		plan->nr_static++;
		pool = &plan->pools[pool_index(plan, ps)];
		pool->pages += vp->pages;
		pool->nr_vms++;
		if (pinned) {
			for (unsigned k = 0; k < HP_MAX_NODES; k++)
				if ((v->nodes >> k) & 1)
					pool->node_pages[k] +=
						hp_vm_node_pages(v, ps, k) * v->instances;
		} else {
			pool->any_pages += vp->pages;
		}
	}

	plan->default_size = set->default_page ? set->default_page
			     : plan->nr_pools  ? plan->pools[plan->nr_pools - 1].size
					       : 0;

	/* per-node accounting: reserve, pinned demand, then spread, largest size first */
	for (size_t i = 0; i < n; i++)
		sum_mem += host->nodes[i].mem_total;
	for (size_t i = 0; i < n; i++) {
		struct hp_node_plan *np = &plan->nodes[i];
		uint64_t share = sum_mem ? (uint64_t)((u128)plan->reserve *
						      host->nodes[i].mem_total / sum_mem)
					 : 0;

		np->id = host->nodes[i].id;
		np->mem_total = host->nodes[i].mem_total;
		np->reserve = share > plan->reserve_per_node ? share : plan->reserve_per_node;
		used[i] = np->reserve;
		for (size_t p = 0; p < plan->nr_pools; p++) {
			const struct hp_pool_plan *pool = &plan->pools[p];

			used[i] += pool->node_pages[np->id] *
				   (pool->size + hp_vmemmap_cost(pool->size, plan->free_vmemmap));
		}
	}
	plan->nr_nodes = n;
	for (size_t p = plan->nr_pools; p-- > 0;) {
		struct hp_pool_plan *pool = &plan->pools[p];
		uint64_t cost = pool->size + hp_vmemmap_cost(pool->size, plan->free_vmemmap);

		if (!pool->any_pages)
			continue;
		for (size_t i = 0; i < n; i++) {
			uint64_t room = host->nodes[i].mem_total > used[i]
						? host->nodes[i].mem_total - used[i]
						: 0;

			cap[i] = room / cost;
			/* the kernel's balanced form interleaves: equal weights */
			weight[i] = plan->node_form ? room : 1;
		}
		spread(pool->any_pages, weight, cap, n, out);
		for (size_t i = 0; i < n; i++) {
			pool->node_pages[host->nodes[i].id] += out[i];
			used[i] += out[i] * cost;
		}
	}

	ordinary(host, plan);
	place_dynamic(host, plan, used);
	if (dynamic_peak(plan, set->dynamic_peak) < 0) {
		hp_plan_free(plan);
		hp_diag_set(err, NULL, "out of memory");
		return -ENOMEM;
	}

	plan->feasible = true;
	for (size_t i = 0; i < n; i++) {
		struct hp_node_plan *np = &plan->nodes[i];
		u128 pool = 0, vmem = 0;

		for (size_t p = 0; p < plan->nr_pools; p++) {
			u128 pages = plan->pools[p].node_pages[np->id];

			pool += pages * plan->pools[p].size;
			vmem += pages * hp_vmemmap_cost(plan->pools[p].size, plan->free_vmemmap);
		}
		{
			u128 all = pool + vmem + np->dynamic + np->dynamic_vmemmap + np->ordinary;

			if (all > (u128)np->mem_total + INT64_MAX)
				np->left = INT64_MIN;
			else
				np->left = (int64_t)((__int128)np->mem_total - (__int128)all);
		}
		np->pool = pool > UINT64_MAX ? UINT64_MAX : (uint64_t)pool;
		np->vmemmap = vmem > UINT64_MAX ? UINT64_MAX : (uint64_t)vmem;
		np->ok = np->left >= 0 && (uint64_t)np->left >= np->reserve;
		if (!np->ok) {
			plan->feasible = false;
			node_problem(plan, np);
		}
	}
	return 0;
fail:
	hp_plan_free(plan);
	return -EINVAL;
}
