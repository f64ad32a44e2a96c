// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/backing.h"

void hp_avail_from_pools(const struct hp_pools *p, struct hp_avail_set *out)
{
	memset(out, 0, sizeof(*out));
	out->per_node = true;
	for (size_t i = 0; i < p->nr_pools && out->nr_sizes < HP_MAX_SIZES; i++) {
		const struct hp_pool *pool = &p->pools[i];
		struct hp_avail *a = &out->sizes[out->nr_sizes++];

		a->size = pool->size;
		if (!pool->nr_nodes) {
			a->node[0] = hp_pool_persistent(pool->nr, pool->surplus);
			continue;
		}
		for (size_t k = 0; k < pool->nr_nodes; k++) {
			const struct hp_pool_node *n = &pool->nodes[k];

			if (n->id < HP_MAX_NODES)
				a->node[n->id] = hp_pool_persistent(n->nr, n->surplus);
		}
	}
}

void hp_avail_from_kreq(const struct hp_kreq *r, struct hp_avail_set *out)
{
	bool node_form = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < r->nr_pools; i++)
		node_form = node_form || (r->pools[i].pages && r->pools[i].node_form);
	out->per_node = node_form;
	for (size_t i = 0; i < r->nr_pools && out->nr_sizes < HP_MAX_SIZES; i++) {
		const struct hp_kpool *k = &r->pools[i];
		struct hp_avail *a = &out->sizes[out->nr_sizes++];

		a->size = k->size;
		if (node_form && k->node_form)
			memcpy(a->node, k->node_pages, sizeof(a->node));
		else
			a->node[0] = k->pages;
	}
}

static struct hp_avail *find(struct hp_avail_set *s, uint64_t size)
{
	for (size_t i = 0; i < s->nr_sizes; i++)
		if (s->sizes[i].size == size)
			return &s->sizes[i];
	return NULL;
}

static uint64_t take(uint64_t *have, uint64_t want)
{
	uint64_t t = *have < want ? *have : want;

	*have -= t;
	return t;
}

/* the node with the most pages left, preferring one that holds want whole; -1 if all empty */
static int best_node(const struct hp_avail *a, const struct hp_plan *plan, uint64_t want,
		     bool whole)
{
	int best = -1;

	for (size_t i = 0; i < plan->nr_nodes; i++) {
		unsigned id = plan->nodes[i].id;

		if (!a->node[id] || (whole && a->node[id] < want))
			continue;
		if (best < 0 || a->node[id] > a->node[best])
			best = (int)id;
	}
	return best;
}

/* a part on its node; a preferred one (fallback) then takes what it misses elsewhere */
static void back_placed(const struct hp_plan *plan, struct hp_avail *a, const struct hp_vm_pages *p,
			struct hp_back_vm *b)
{
	uint64_t got = a ? take(&a->node[p->node], p->pages) : 0, want = p->pages - got;
	int n;

	b->node[p->node] += got;
	b->got += got;
	b->got_bytes += got * p->size;
	while (a && p->fallback && want && (n = best_node(a, plan, want, false)) >= 0) {
		got = take(&a->node[n], want);
		b->node[n] += got;
		b->got += got;
		b->got_bytes += got * p->size;
		want -= got;
	}
}

static void back_unpinned(const struct hp_plan *plan, struct hp_avail *a, bool per_node,
			  const struct hp_vm_pages *p, struct hp_back_vm *b)
{
	const struct hp_vm *vm = b->vp->vm;
	uint64_t per = p->pages / vm->instances;

	if (!a)
		return;
	for (unsigned inst = 0; inst < vm->instances; inst++) {
		uint64_t want = per, got;
		int n;

		if (!per_node) {
			got = take(&a->node[0], want);
			b->node[0] += got;
			b->got += got;
			b->got_bytes += got * p->size;
			continue;
		}
		n = best_node(a, plan, want, true);
		if (n >= 0) {
			b->node[n] += take(&a->node[n], want);
			b->got += want;
			b->got_bytes += want * p->size;
			continue;
		}
		while (want && (n = best_node(a, plan, want, false)) >= 0) {
			got = take(&a->node[n], want);
			b->node[n] += got;
			b->got += got;
			b->got_bytes += got * p->size;
			want -= got;
		}
	}
}

int hp_backing_compute(const struct hp_plan *plan, const struct hp_avail_set *avail,
		       struct hp_backing *out)
{
	memset(out, 0, sizeof(*out));
	out->vms = calloc(plan->nr_vms ? plan->nr_vms : 1, sizeof(*out->vms));
	if (!out->vms)
		return -ENOMEM;
	out->left = *avail;
	out->per_node = avail->per_node;
	/* the static VMs: dynamic ones bring their pages at start, transparent ones need none */
	for (size_t i = 0; i < plan->nr_vms; i++) {
		if (plan->vms[i].backing != HP_BACKING_STATIC)
			continue;
		out->vms[out->nr_vms].vp = &plan->vms[i];
		out->vms[out->nr_vms++].need = plan->vms[i].pages;
	}
	/* pinned first: they cannot go elsewhere, unpinned ones can */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < out->nr_vms; i++) {
			struct hp_back_vm *b = &out->vms[i];

			for (size_t k = 0; k < b->vp->nr_parts; k++) {
				const struct hp_vm_pages *p = &b->vp->parts[k];
				bool pinned = avail->per_node && plan->node_form && p->placed &&
					      p->node >= 0;
				struct hp_avail *a = find(&out->left, p->size);

				if (pinned != (pass == 0))
					continue;
				if (pinned)
					back_placed(plan, a, p, b);
				else
					back_unpinned(plan, a, avail->per_node, p, b);
			}
		}
	for (size_t i = 0; i < out->nr_vms; i++) {
		struct hp_back_vm *b = &out->vms[i];

		b->short_pages = b->need - b->got;
		b->short_bytes = b->vp->bytes - b->got_bytes;
		if (b->short_pages) {
			out->nr_short++;
			out->short_bytes += b->short_bytes;
		}
	}
	return 0;
}

void hp_backing_free(struct hp_backing *b)
{
	free(b->vms);
	b->vms = NULL;
	b->nr_vms = 0;
}
