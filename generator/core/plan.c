// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
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

void hp_vm_backend(const struct hp_vm *vm, struct hp_backend *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "ram");
	b->bytes = vm->memory;
	b->page_rule = vm->page_size ? HP_PAGE_FIXED : HP_PAGE_HOST_DEFAULT;
	b->page_size = vm->page_size;
	b->nodes = vm->nodes;
	b->policy = vm->nodes ? HP_POL_BIND : HP_POL_ANY;
	b->guest_node = -1;
	b->loc = vm->memory_loc;
	b->page_loc = vm->page_loc;
	b->node_loc = vm->node_loc;
}

uint64_t hp_vm_plan_part(const struct hp_vm_plan *vp, uint64_t size, int node)
{
	uint64_t n = 0;

	for (size_t i = 0; i < vp->nr_parts; i++)
		if (vp->parts[i].size == size && vp->parts[i].node == node)
			n += vp->parts[i].pages;
	return n;
}

uint64_t hp_vm_plan_size(const struct hp_vm_plan *vp, uint64_t size)
{
	uint64_t n = 0;

	for (size_t i = 0; i < vp->nr_parts; i++)
		if (vp->parts[i].size == size)
			n += vp->parts[i].pages;
	return n;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return a / b + (a % b ? 1 : 0);
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

bool hp_plan_has_static(const struct hp_plan *plan)
{
	for (size_t i = 0; i < plan->nr_pools; i++)
		if (plan->pools[i].pages)
			return true;
	return false;
}

bool hp_plan_pve_nokeep(const struct hp_plan *plan, const struct hp_vm_plan *vp)
{
	const struct hp_vm *v = vp->vm;

	return v->source == HP_SRC_PROXMOX && !v->not_huge && !v->keephugepages &&
	       hp_plan_has_static(plan);
}

void hp_plan_mount_sizes(const struct hp_plan *plan, char *buf, size_t len)
{
	uint64_t sizes[HP_MAX_SIZES];
	size_t n = 0, at = 0;

	for (size_t i = 0; i < plan->nr_vms; i++) {
		const struct hp_vm_plan *v = &plan->vms[i];

		if (v->backing == HP_BACKING_TRANSPARENT)
			continue;
		for (size_t k = 0; k < v->nr_parts; k++) {
			uint64_t s = v->parts[k].size;
			size_t j = 0;

			while (j < n && sizes[j] < s)
				j++;
			if ((j < n && sizes[j] == s) || n == HP_MAX_SIZES || !s)
				continue;
			memmove(&sizes[j + 1], &sizes[j], (n - j) * sizeof(sizes[0]));
			sizes[j] = s;
			n++;
		}
	}
	if (len)
		buf[0] = '\0';
	for (size_t j = 0; j < n && at < len; j++) {
		int w = snprintf(buf + at, len - at, "%s%" PRIu64, j ? "," : "", sizes[j] >> 10);

		if (w < 0 || (size_t)w >= len - at) {
			buf[at] = '\0';
			break;
		}
		at += (size_t)w;
	}
}

void hp_plan_free(struct hp_plan *plan)
{
	free(plan->vms);
	free(plan->parts);
	plan->vms = NULL;
	plan->parts = NULL;
	plan->nr_vms = 0;
	plan->nr_parts = 0;
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

/* what: "PageSize=1G", "ram-node1 on 1G pages" */
static int check_size_what(const struct hp_host *h, uint64_t size, const struct hp_loc *loc,
			   const char *what, struct hp_diag *err)
{
	char tok[24], list[128];

	if (hp_host_has_size(h, size))
		return 0;
	hp_size_token(size, tok, sizeof(tok));
	size_list(h, list, sizeof(list));
	if (h->x86 && size == HP_GIB && !h->pdpe1gb)
		hp_diag_set(
			err, loc,
			"%s: this CPU cannot map 1G pages (no pdpe1gb flag in /proc/cpuinfo; nested guests often hide it); use 2M",
			what);
	else
		hp_diag_set(err, loc, "%s: this host has no %s huge pages (it lists: %s)", what,
			    tok, list);
	return -EINVAL;
}

static int check_size(const struct hp_host *h, uint64_t size, const struct hp_loc *loc,
		      const char *key, struct hp_diag *err)
{
	char tok[24], what[64];

	hp_size_token(size, tok, sizeof(tok));
	snprintf(what, sizeof(what), "%s=%s", key, tok);
	return check_size_what(h, size, loc, what, err);
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

/*
 * "; dynamic: a, b; transparent: c" for the VMs of that backing with memory on the node, and
 * "; off huge pages: N imported VMs"
 */
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
	if (plan->plain[id] && o < len)
		o += (size_t)snprintf(buf + o, len - o, "; off huge pages: %zu imported VM%s",
				      plan->nr_plain, plan->nr_plain == 1 ? "" : "s");
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

/*
 * Ordinary memory per node id, into out[]: on the nodes of the mask split evenly (the lower
 * nodes take the bytes that do not divide), else in proportion to the nodes' MemTotal (the
 * remainder to the first node).
 */
static void spread_ordinary(const struct hp_host *host, uint64_t total, uint64_t nodes,
			    uint64_t *out)
{
	uint64_t given = 0;

	if (nodes) {
		unsigned k = popcount64(nodes), j = 0;

		for (unsigned id = 0; id < HP_MAX_NODES; id++)
			if ((nodes >> id) & 1)
				out[id] += total / k + (j++ < total % k ? 1 : 0);
		return;
	}
	for (size_t k = 0; k < host->nr_nodes; k++) {
		uint64_t b = host->mem_total ? (uint64_t)((u128)total * host->nodes[k].mem_total /
							  host->mem_total)
					     : 0;

		out[host->nodes[k].id] += b;
		given += b;
	}
	if (host->nr_nodes)
		out[host->nodes[0].id] += total - given;
}

/*
 * A transparent VM: no huge pages, its memory is ordinary memory, on its Node= nodes (a vms.d
 * VM) or spread (an imported one: its definition's nodes are those of its huge page backends).
 */
static int add_transparent(const struct hp_host *host, struct hp_plan *plan, const struct hp_vm *v,
			   struct hp_diag *err)
{
	struct hp_vm_plan *vp;
	uint64_t nodes = v->source == HP_SRC_FILES ? v->nodes : 0;

	if (nodes & ~host->online_mask) {
		char want[200], have[200];
		uint64_t bad = nodes & ~host->online_mask;

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
	if (v->source != HP_SRC_FILES)
		warning(plan,
			"%s: Backing=transparent, but its definition (%s) maps huge pages: with no pages planned for it, it will not start; take the huge pages out of it or use Backing=static or dynamic",
			v->name, v->loc.file);
	vp = &plan->vms[plan->nr_vms++];
	vp->vm = v;
	vp->backing = HP_BACKING_TRANSPARENT;
	spread_ordinary(host, v->memory * v->instances, nodes, vp->node_bytes);
	plan->nr_transparent++;
	return 0;
}

/* an imported VM not on huge pages: its memory is ordinary memory, placed last (place_plain) */
static int add_plain(struct hp_plan *plan, const struct hp_vm *v, u128 *plain, struct hp_diag *err)
{
	if (!v->plain_memory)
		return 0;
	*plain += (u128)v->plain_memory * v->instances;
	if (*plain > HP_PLAN_MAX_BYTES) {
		hp_diag_set(
			err, &v->memory_loc,
			"the memory of the VMs not on huge pages is past 1 EiB, more than any machine has");
		return -EINVAL;
	}
	plan->nr_plain++;
	return 0;
}

static size_t node_index(const struct hp_host *host, unsigned id)
{
	for (size_t i = 0; i < host->nr_nodes; i++)
		if (host->nodes[i].id == id)
			return i;
	return 0;
}

/* the ordinary memory of the transparent VMs, per node */
static void ordinary(struct hp_plan *plan)
{
	for (size_t k = 0; k < plan->nr_nodes; k++) {
		struct hp_node_plan *np = &plan->nodes[k];

		np->ordinary = 0;
		for (size_t i = 0; i < plan->nr_vms; i++)
			if (plan->vms[i].backing == HP_BACKING_TRANSPARENT)
				np->ordinary += plan->vms[i].node_bytes[np->id];
	}
}

/*
 * The dynamic VMs' pages per node, in configuration order: pinned ones on their nodes,
 * each other whole on the node with the most room left (ties: the lower node). used[] is
 * what each node already holds: its reserve, its ordinary memory and its static pool.
 */
static void place_dynamic(const struct hp_host *host, struct hp_plan *plan, uint64_t *used)
{
	for (size_t i = 0; i < plan->nr_vms; i++) {
		struct hp_vm_plan *vp = &plan->vms[i];
		uint64_t cost = vp->page_size + hp_vmemmap_cost(vp->page_size, plan->free_vmemmap);
		uint64_t any = 0;
		size_t best = 0;
		uint64_t best_room = 0;

		if (vp->backing != HP_BACKING_DYNAMIC)
			continue;
		for (size_t p = 0; p < vp->nr_parts; p++) {
			const struct hp_vm_pages *part = &vp->parts[p];

			if (part->node < 0) {
				any += part->pages;
				continue;
			}
			vp->node_pages[part->node] += part->pages;
			used[node_index(host, (unsigned)part->node)] += part->pages * cost;
		}
		if (!any)
			continue;
		for (size_t k = 0; k < host->nr_nodes; k++) {
			uint64_t room = host->nodes[k].mem_total > used[k]
						? host->nodes[k].mem_total - used[k]
						: 0;

			if (k == 0 || room > best_room) {
				best = k;
				best_room = room;
			}
		}
		vp->node_pages[host->nodes[best].id] += any;
		vp->nodes |= 1ULL << host->nodes[best].id;
		used[best] += any * cost;
		/* the part on any node is that node's now (vm start raises it there) */
		for (size_t p = 0; p < vp->nr_parts; p++)
			if (vp->parts[p].node < 0)
				vp->parts[p].node = (int)host->nodes[best].id;
	}
}

/*
 * The memory of the imported VMs not on huge pages (no binding: the kernel takes it where
 * there is room) over the nodes in proportion to what each has left after its reserve, its
 * static pool, its dynamic peak, their vmemmap and the transparent VMs; what does not fit
 * anywhere goes by that room too, by MemTotal when no node has any (the node check then says
 * where).
 */
static void place_plain(struct hp_plan *plan, u128 plain)
{
	uint64_t room[HP_MAX_NODES], out[HP_MAX_NODES];
	size_t n = plan->nr_nodes;
	bool any = false;

	if (!plain || !n)
		return;
	for (size_t k = 0; k < n; k++) {
		const struct hp_node_plan *np = &plan->nodes[k];
		u128 taken = (u128)np->reserve + np->dynamic + np->dynamic_vmemmap + np->ordinary;

		for (size_t p = 0; p < plan->nr_pools; p++)
			taken += (u128)plan->pools[p].node_pages[np->id] *
				 (plan->pools[p].size +
				  hp_vmemmap_cost(plan->pools[p].size, plan->free_vmemmap));
		room[k] = np->mem_total > taken ? (uint64_t)(np->mem_total - taken) : 0;
		any = any || room[k];
	}
	for (size_t k = 0; k < n && !any; k++)
		room[k] = plan->nodes[k].mem_total;
	spread((uint64_t)plain, room, room, n, out);
	for (size_t k = 0; k < n; k++) {
		plan->plain[plan->nodes[k].id] = out[k];
		plan->nodes[k].ordinary += out[k];
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

/* "PageSize=1G" for a vms.d VM, "ram-node1 on 1G pages" for an imported one */
static void page_what(const struct hp_vm *v, const struct hp_backend *b, uint64_t ps, char *buf,
		      size_t len)
{
	char tok[24];

	hp_size_token(ps, tok, sizeof(tok));
	if (v->source == HP_SRC_FILES)
		snprintf(buf, len, "PageSize=%s", tok);
	else
		snprintf(buf, len, "%s: %s on %s pages", v->name, b->id, tok);
}

/* the page size of one backend, checked against the host */
static int backend_page(const struct hp_host *host, const struct hp_settings *set,
			const struct hp_karch *arch, uint64_t def_page, const struct hp_vm *v,
			const struct hp_backend *b, uint64_t *out, bool *boot_default,
			struct hp_diag *err)
{
	char what[160];
	uint64_t ps = b->page_size;

	switch (b->page_rule) {
	case HP_PAGE_FIXED:
		break;
	case HP_PAGE_HOST_DEFAULT:
		*out = def_page; /* checked with DefaultPageSize=, or one the host lists */
		return 0;
	case HP_PAGE_BOOT_DEFAULT:
		ps = set->default_page ? set->default_page : arch->hpage_size;
		*boot_default = true;
		break;
	case HP_PAGE_PVE_ANY:
		/* Memory.pm hugepages_size(): 1G for a whole number of GiB if the host has it */
		if (hp_host_has_size(host, HP_GIB) && b->bytes % HP_GIB == 0) {
			ps = HP_GIB;
		} else if (hp_host_has_size(host, 2 * HP_MIB)) {
			ps = 2 * HP_MIB;
		} else {
			hp_diag_set(
				err, &b->page_loc,
				"%s: %s: host only supports 1024 GB hugepages, but requested size '%llu' is not a multiple of 1024 MB",
				v->name, b->id, (unsigned long long)(b->bytes / HP_MIB));
			return -EINVAL;
		}
		break;
	}
	if (!ps) {
		hp_diag_set(err, &b->page_loc, "%s: %s: no huge page size to use", v->name, b->id);
		return -EINVAL;
	}
	page_what(v, b, ps, what, sizeof(what));
	if (check_size_what(host, ps, &b->page_loc, what, err) < 0)
		return -EINVAL;
	*out = ps;
	return 0;
}

static int check_nodes(const struct hp_host *host, const struct hp_plan *plan,
		       const struct hp_plan_opts *opts, const struct hp_vm *v,
		       const struct hp_backend *b, bool dynamic, struct hp_diag *err)
{
	char want[200], have[200], who[120] = "Node=";
	uint64_t bad = b->nodes & ~host->online_mask;

	if (v->source != HP_SRC_FILES)
		snprintf(who, sizeof(who), "%s: %s", v->name, b->id);
	if (bad) {
		nodes_text(bad, want, sizeof(want));
		nodes_text(host->online_mask, have, sizeof(have));
		hp_diag_set(err, &b->node_loc, "%s: %snode %s %s not online (online: %s)%s", who,
			    v->source == HP_SRC_FILES ? "" : "host ", want,
			    popcount64(bad) > 1 ? "are" : "is", have,
			    v->source == HP_SRC_PROXMOX && b->policy == HP_POL_BIND
				    ? ": qemu-server reserves guest NUMA node i on host node i"
				    : "");
		return -EINVAL;
	}
	/* a dynamic VM's pages are raised per node at its start, whatever the boot's form */
	if (!dynamic && b->nodes && (host->nr_nodes > 1 || host->nodes_beyond) &&
	    !plan->node_form && !(opts && opts->allow_balanced)) {
		hp_diag_set(
			err, &b->node_loc,
			"%s: the target kernel %u.%u cannot reserve per node (the hugepages=NODE:COUNT form needs Linux 5.16); the balanced form would spread the pages over all nodes and lose this pinning: remove Node= or accept that with --balanced",
			who, plan->kver >> 16, (plan->kver >> 8) & 0xff);
		return -EINVAL;
	}
	return 0;
}

static struct hp_vm_pages *add_part(struct hp_vm_plan *vp, uint64_t size, int node, uint64_t pages,
				    bool placed)
{
	struct hp_vm_pages *p = &vp->parts[vp->nr_parts++];

	p->size = size;
	p->node = node;
	p->pages = pages;
	p->placed = placed;
	return p;
}

/* one backend of v into parts of vp and the pools */
static int plan_backend(const struct hp_host *host, const struct hp_settings *set,
			const struct hp_karch *arch, uint64_t def_page,
			const struct hp_plan_opts *opts, struct hp_plan *plan,
			const struct hp_vm *v, const struct hp_backend *b, struct hp_vm_plan *vp,
			struct hp_diag *err, u128 *plan_bytes, bool *boot_default)
{
	struct hp_pool_plan *pool;
	uint64_t ps, n, total = 0, inst = v->instances, k = popcount64(b->nodes);
	/* the nodes are known on a node-form plan, and on one node, whatever the form */
	bool dynamic = vp->backing == HP_BACKING_DYNAMIC;
	/* dynamic pages are raised node by node at the VM's start: always on their nodes */
	bool node_form = plan->node_form || dynamic;
	bool pinned = b->nodes && (node_form || (host->nr_nodes == 1 && !host->nodes_beyond));
	struct hp_pool_plan scratch = { 0 }; /* a dynamic VM's pages are in no boot pool */
	unsigned j = 0;
	int r;

	r = backend_page(host, set, arch, def_page, v, b, &ps, boot_default, err);
	if (r == 0)
		r = check_nodes(host, plan, opts, v, b, dynamic, err);
	if (r < 0)
		return r;
	if (!b->bytes) {
		hp_diag_set(err, &b->loc, "%s: %s has no memory", v->name, b->id);
		return -EINVAL;
	}
	pool = dynamic ? &scratch : &plan->pools[pool_index(plan, ps)];
	for (j = 0; j < vp->nr_parts && vp->parts[j].size != ps; j++)
		;
	pool->nr_vms += j == vp->nr_parts; /* the VM's first backend of this size */
	j = 0;
	n = ceil_div(b->bytes, ps);
	if (!pinned || b->policy == HP_POL_ANY) {
		total = n;
		add_part(vp, ps, -1, n * inst, false);
		pool->any_pages += n * inst;
	} else if (b->policy == HP_POL_PREFERRED) {
		unsigned node = (unsigned)__builtin_ctzll(b->nodes);
		struct hp_vm_pages *p = add_part(vp, ps, (int)node, n * inst, false);

		total = n;
		p->fallback = true;
		add_part(vp, ps, -1, 0, false); /* what does not fit the node */
		if (!node_form)
			pool->any_pages += n * inst;
		else
			vp->nodes |= 1ULL << node;
	} else {
		for (unsigned node = 0; node < HP_MAX_NODES; node++) {
			uint64_t m;

			if (!((b->nodes >> node) & 1))
				continue;
			if (b->policy == HP_POL_INTERLEAVE) {
				m = n / k + (j < n % k ? 1 : 0);
			} else {
				uint64_t share = b->bytes / k + (j < b->bytes % k ? 1 : 0);

				m = ceil_div(share, ps);
			}
			j++;
			total += m;
			add_part(vp, ps, (int)node, m * inst, node_form);
			if (node_form) {
				pool->node_pages[node] += m * inst;
				vp->nodes |= 1ULL << node;
			} else {
				pool->any_pages += m * inst;
			}
		}
	}
	/* bounds every sum below: no machine addresses an exbibyte */
	*plan_bytes += (u128)total * ps * inst;
	if (*plan_bytes > HP_PLAN_MAX_BYTES) {
		hp_diag_set(
			err, &b->loc,
			"Memory= x Instances= takes the plan past 1 EiB, more than any machine has");
		return -EINVAL;
	}
	pool->pages += total * inst;
	vp->pages += total * inst;
	vp->bytes += total * ps * inst;
	vp->loss += (uint64_t)(((u128)total * ps - b->bytes) * inst);
	if (vp->page_size && vp->page_size != ps)
		vp->mixed = true;
	if (ps > vp->page_size)
		vp->page_size = ps;
	return 0;
}

static int cmp_part(const void *a, const void *b)
{
	const struct hp_vm_pages *x = a, *y = b;
	unsigned xn = (unsigned)x->node, yn = (unsigned)y->node; /* -1 sorts last */

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return xn < yn ? -1 : xn > yn;
}

/* parts of one size, node and kind merged (empty ones stay until the preferred are placed) */
static void finish_vm(struct hp_vm_plan *vp)
{
	size_t kept = 0;

	qsort(vp->parts, vp->nr_parts, sizeof(vp->parts[0]), cmp_part);
	for (size_t i = 0; i < vp->nr_parts; i++) {
		struct hp_vm_pages *p = &vp->parts[i];

		if (kept && vp->parts[kept - 1].size == p->size &&
		    vp->parts[kept - 1].node == p->node &&
		    vp->parts[kept - 1].fallback == p->fallback) {
			vp->parts[kept - 1].pages += p->pages;
			continue;
		}
		vp->parts[kept++] = *p;
	}
	vp->nr_parts = kept;
}

/*
 * The preferred pages of one size, VM by VM in configuration order: on their node while it
 * has room after the reserve and the bound pages, the rest joins the size's unpinned pages.
 */
static void place_preferred(struct hp_plan *plan, const struct hp_host *host,
			    struct hp_pool_plan *pool, uint64_t cost, uint64_t *used)
{
	if (!plan->node_form)
		return;
	for (size_t v = 0; v < plan->nr_vms; v++) {
		struct hp_vm_plan *vp = &plan->vms[v];

		if (vp->backing == HP_BACKING_DYNAMIC)
			continue; /* place_dynamic() */
		for (size_t i = 0; i < vp->nr_parts; i++) {
			struct hp_vm_pages *p = &vp->parts[i];
			size_t ni;
			uint64_t room, fit, rest;

			if (p->size != pool->size || !p->fallback || p->placed || p->node < 0)
				continue;
			for (ni = 0; ni < host->nr_nodes; ni++)
				if (host->nodes[ni].id == (unsigned)p->node)
					break;
			room = ni < host->nr_nodes && host->nodes[ni].mem_total > used[ni]
				       ? host->nodes[ni].mem_total - used[ni]
				       : 0;
			fit = room / cost < p->pages ? room / cost : p->pages;
			rest = p->pages - fit;
			p->pages = fit;
			p->placed = true;
			pool->node_pages[p->node] += fit;
			if (ni < host->nr_nodes)
				used[ni] += fit * cost;
			if (rest) {
				/* the empty "any" part of the same size follows it (finish_vm) */
				for (size_t q = 0; q < vp->nr_parts; q++)
					if (vp->parts[q].size == p->size && vp->parts[q].node < 0) {
						vp->parts[q].pages += rest;
						break;
					}
				pool->any_pages += rest;
			}
		}
	}
}

int hp_plan_compute(const struct hp_host *host, const struct hp_settings *set,
		    const struct hp_vm *vms, size_t nr_vms, const struct hp_plan_opts *opts,
		    struct hp_plan *plan, struct hp_diag *err)
{
	size_t n = host->nr_nodes;
	uint64_t weight[HP_MAX_NODES], cap[HP_MAX_NODES], used[HP_MAX_NODES], out[HP_MAX_NODES];
	uint64_t sum_mem = 0, def_page;
	u128 plan_bytes = 0, plain = 0;
	size_t nr_parts = 0;
	struct hp_karch arch;
	struct hp_diag err_b;
	bool boot_default = false;
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

	hp_host_karch(host, &arch);
	for (size_t i = 0; i < nr_vms; i++) {
		const struct hp_vm *v = &vms[i];

		if (!v->enabled || v->not_huge)
			continue;
		if (!v->nr_backends)
			nr_parts += v->nodes ? (size_t)popcount64(v->nodes) : 1;
		for (size_t k = 0; k < v->nr_backends; k++) {
			const struct hp_backend *b = &v->backends[k];

			nr_parts += b->policy == HP_POL_PREFERRED ? 2
				    : b->nodes			  ? (size_t)popcount64(b->nodes)
								  : 1;
		}
	}
	plan->vms = calloc(nr_vms ? nr_vms : 1, sizeof(*plan->vms));
	plan->parts = calloc(nr_parts ? nr_parts : 1, sizeof(*plan->parts));
	if (!plan->vms || !plan->parts) {
		hp_plan_free(plan);
		return -ENOMEM;
	}

	for (size_t i = 0; i < nr_vms; i++) {
		const struct hp_vm *v = &vms[i];
		struct hp_backend one;
		const struct hp_backend *bs = v->backends;
		size_t nb = v->nr_backends;
		struct hp_vm_plan *vp;
		enum hp_backing_mode bk = v->backing;

		if (!v->enabled)
			continue;
		if (v->not_huge) {
			if (add_plain(plan, v, &plain, err) < 0)
				goto fail;
			continue;
		}
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
		if (!nb) {
			hp_vm_backend(v, &one);
			bs = &one;
			nb = 1;
		}
		vp = &plan->vms[plan->nr_vms++];
		vp->vm = v;
		vp->backing = bk;
		vp->parts = &plan->parts[plan->nr_parts];
		for (size_t k = 0; k < nb; k++) {
			r = plan_backend(host, set, &arch, def_page, opts, plan, v, &bs[k], vp,
					 &err_b, &plan_bytes, &boot_default);
			if (r < 0) {
				*err = err_b;
				goto fail;
			}
		}
		finish_vm(vp);
		plan->nr_parts += vp->nr_parts;
		if (bk != HP_BACKING_DYNAMIC) {
			plan->nr_static++;
			continue;
		}
		if (vp->mixed) {
			hp_diag_set(
				err, v->backing_set ? &v->backing_loc : &v->loc,
				"%s: Backing=dynamic needs one page size, and its backends are on several (vm start raises one size): use Backing=static, or one page size (PageSize= in an override)",
				v->name);
			goto fail;
		}
		plan->nr_dynamic++;
		if (vp->page_size >= HP_GIB) {
			char tok[24];

			hp_size_token(vp->page_size, tok, sizeof(tok));
			warning(plan,
				"%s: Backing=dynamic with %s pages: the kernel can rarely find whole free %s ranges once memory is in use, so its start may fail; Backing=static reserves them at boot",
				v->name, tok, tok);
		}
	}

	/*
	 * default_hugepagesz= only when asked: it changes what /dev/hugepages, vm.nr_hugepages
	 * and every bare <hugepages/> of libvirt mean, so a plan does not change it by itself
	 * (a bare <hugepages/> VM was planned on that same default: boot_default)
	 */
	(void)boot_default;
	plan->default_explicit = set->default_page && plan->nr_pools;
	plan->default_size = !plan->nr_pools	 ? 0
			     : set->default_page ? set->default_page
						 : arch.hpage_size;

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
	/* ordinary memory is where it is: the spread below leaves room for it */
	ordinary(plan);
	for (size_t i = 0; i < n; i++)
		used[i] += plan->nodes[i].ordinary;
	for (size_t p = plan->nr_pools; p-- > 0;) {
		struct hp_pool_plan *pool = &plan->pools[p];
		uint64_t cost = pool->size + hp_vmemmap_cost(pool->size, plan->free_vmemmap);

		place_preferred(plan, host, pool, cost, used);
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

	for (size_t v = 0; v < plan->nr_vms; v++) {
		struct hp_vm_plan *vp = &plan->vms[v];
		size_t kept = 0;

		for (size_t i = 0; i < vp->nr_parts; i++)
			if (vp->parts[i].pages)
				vp->parts[kept++] = vp->parts[i];
		vp->nr_parts = kept;
	}

	place_dynamic(host, plan, used);
	if (dynamic_peak(plan, set->dynamic_peak) < 0) {
		hp_plan_free(plan);
		hp_diag_set(err, NULL, "out of memory");
		return -ENOMEM;
	}
	place_plain(plan, plain);

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
