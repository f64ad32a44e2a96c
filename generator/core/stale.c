// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/macro.h"
#include "core/render.h"
#include "core/stale.h"

const char *hp_plan_state_name(enum hp_plan_state s)
{
	switch (s) {
	case HP_PS_NOTHING:
		return "nothing";
	case HP_PS_CURRENT:
		return "current";
	case HP_PS_STALE:
		return "stale";
	case HP_PS_REBOOT:
		return "reboot";
	case HP_PS_UNFIT:
		return "unfit";
	}
	return "?";
}

static void add_size(struct hp_stale *st, uint64_t size)
{
	size_t i;

	for (i = 0; i < st->nr_sizes; i++)
		if (st->sizes[i].size == size)
			return;
	if (st->nr_sizes >= ARRAY_SIZE(st->sizes))
		return;
	for (i = st->nr_sizes; i > 0 && st->sizes[i - 1].size > size; i--)
		st->sizes[i] = st->sizes[i - 1];
	memset(&st->sizes[i], 0, sizeof(st->sizes[i]));
	st->sizes[i].size = size;
	st->nr_sizes++;
}

/* fill a compared size; keep it only when it differs */
static bool compare(const struct hp_plan *plan, const struct hp_kpool *k,
		    const struct hp_pool_plan *p, struct hp_stale_size *s)
{
	bool differ;

	s->boot = k ? k->pages : 0;
	s->plan = p ? p->pages : 0;
	s->boot_node_form = k && k->node_form;
	if (k && k->node_form)
		memcpy(s->boot_node, k->node_pages, sizeof(s->boot_node));
	if (p)
		memcpy(s->plan_node, p->node_pages, sizeof(s->plan_node));
	differ = s->boot != s->plan;
	if (!differ && plan->node_form && s->plan) {
		/* a balanced request does not pin pages to nodes: it cannot match a split */
		s->nodes_differ = !s->boot_node_form ||
				  memcmp(s->boot_node, s->plan_node, sizeof(s->boot_node)) != 0;
		differ = s->nodes_differ;
	}
	return differ;
}

void hp_stale_compute(const struct hp_stale_in *in, struct hp_stale *out)
{
	const struct hp_plan *plan = in->plan;
	const struct hp_kreq *boot = in->boot;
	const char *plan_id = in->plan_id ? in->plan_id : "";
	struct hp_stale st;
	size_t kept = 0;

	memset(&st, 0, sizeof(st));
	snprintf(st.boot_id, sizeof(st.boot_id), "%s", boot->plan_id);
	snprintf(st.plan_id, sizeof(st.plan_id), "%s", plan_id);
	for (size_t i = 0; i < boot->nr_pools; i++)
		if (boot->pools[i].pages) {
			st.boot_reserves = true;
			add_size(&st, boot->pools[i].size);
		}
	for (size_t i = 0; i < plan->nr_pools; i++)
		add_size(&st, plan->pools[i].size);
	for (size_t i = 0; i < st.nr_sizes; i++) {
		struct hp_stale_size s = st.sizes[i];

		if (compare(plan, hp_kreq_pool(boot, s.size), hp_plan_pool(plan, s.size), &s))
			st.sizes[kept++] = s;
	}
	st.nr_sizes = kept;
	st.boot_default = boot->default_size;
	st.plan_default = plan->default_size;
	if (plan->nr_pools) {
		st.default_differs = boot->default_size != plan->default_size;
		st.vmemmap_differs = boot->free_vmemmap != plan->free_vmemmap;
	}

	if (!plan->feasible)
		st.state = HP_PS_UNFIT;
	else if (!plan->nr_pools && !st.boot_reserves)
		st.state = HP_PS_NOTHING;
	else if (!st.nr_sizes && !st.default_differs && !st.vmemmap_differs)
		st.state = HP_PS_CURRENT;
	else if (in->applied_id && *plan_id && !strcmp(in->applied_id, plan_id) &&
		 strcmp(st.boot_id, plan_id))
		st.state = HP_PS_REBOOT;
	else
		st.state = HP_PS_STALE;
	*out = st;
}

const char *hp_change_name(unsigned bit)
{
	switch (bit) {
	case HP_CHG_ADDED:
		return "added";
	case HP_CHG_REMOVED:
		return "removed";
	case HP_CHG_GREW:
		return "grew";
	case HP_CHG_SHRANK:
		return "shrank";
	case HP_CHG_PAGE_SIZE:
		return "page size";
	case HP_CHG_NODES:
		return "nodes";
	case HP_CHG_SOURCE:
		return "source";
	}
	return "?";
}

void hp_changes_free(struct hp_changes *c)
{
	free(c->v);
	c->v = NULL;
	c->nr = 0;
}

static int cmp_rec_name(const void *a, const void *b)
{
	const struct hp_vm_rec *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* the page sizes of a record as a set (bit: log2 of the size), its nodes (bit 64: any) */
static void rec_sets(const struct hp_recs *r, const struct hp_vm_rec *v, uint64_t *sizes,
		     uint64_t *nodes, bool *any)
{
	*sizes = *nodes = 0;
	*any = false;
	for (size_t k = 0; k < v->nr_parts; k++) {
		const struct hp_rec_part *p = &r->parts[v->first + k];

		if (!p->pages)
			continue;
		*sizes |= 1ULL << (__builtin_ctzll(p->size) & 63);
		if (p->node < 0)
			*any = true;
		else
			*nodes |= 1ULL << p->node;
	}
}

static unsigned compare_vm(const struct hp_recs *b, const struct hp_vm_rec *x,
			   const struct hp_recs *a, const struct hp_vm_rec *y, uint64_t xb,
			   uint64_t yb)
{
	uint64_t xs, xn, ys, yn;
	bool xa, ya;
	unsigned what = 0;

	rec_sets(b, x, &xs, &xn, &xa);
	rec_sets(a, y, &ys, &yn, &ya);
	if (yb > xb)
		what |= HP_CHG_GREW;
	else if (yb < xb)
		what |= HP_CHG_SHRANK;
	if (xs != ys)
		what |= HP_CHG_PAGE_SIZE;
	if (xn != yn || xa != ya)
		what |= HP_CHG_NODES;
	if (!what && !hp_rec_parts_equal(b, x, a, y))
		what |= HP_CHG_NODES; /* the same sizes, bytes and nodes, split otherwise */
	if (x->source != y->source || strcmp(x->file, y->file))
		what |= HP_CHG_SOURCE;
	return what;
}

int hp_stale_changes(const struct hp_recs *before, const struct hp_recs *after,
		     struct hp_changes *out)
{
	const struct hp_vm_rec **idx;
	bool *seen;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	idx = malloc((before->nr ? before->nr : 1) * sizeof(*idx));
	seen = calloc(before->nr ? before->nr : 1, sizeof(*seen));
	out->v = malloc((before->nr + after->nr + 1) * sizeof(*out->v));
	if (!idx || !seen || !out->v) {
		free(idx);
		free(seen);
		hp_changes_free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < before->nr; i++)
		idx[i] = &before->vms[i];
	qsort(idx, before->nr, sizeof(*idx), cmp_rec_name);
	for (size_t i = 0; i < after->nr; i++) {
		const struct hp_vm_rec *y = &after->vms[i], *key = y, **hit;
		struct hp_vm_change c = { .after = y, .after_bytes = hp_rec_bytes(after, y) };

		hit = bsearch(&key, idx, before->nr, sizeof(*idx), cmp_rec_name);
		if (!hit) {
			c.what = HP_CHG_ADDED;
		} else {
			c.before = *hit;
			c.before_bytes = hp_rec_bytes(before, c.before);
			seen[c.before - before->vms] = true;
			c.what = compare_vm(before, c.before, after, y, c.before_bytes,
					    c.after_bytes);
		}
		if (c.what)
			out->v[n++] = c;
	}
	for (size_t i = 0; i < before->nr; i++)
		if (!seen[i])
			out->v[n++] = (struct hp_vm_change){
				.before = &before->vms[i],
				.what = HP_CHG_REMOVED,
				.before_bytes = hp_rec_bytes(before, &before->vms[i]),
			};
	out->nr = n;
	free(idx);
	free(seen);
	return 0;
}
