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

int hp_stale_added(const struct hp_host *host, const struct hp_settings *set,
		   const struct hp_vm *vms, size_t nr_vms, const struct hp_plan_opts *opts,
		   const bool *drop, const char *boot_id)
{
	struct hp_vm *kept;
	struct hp_kargs args;
	struct hp_plan plan;
	struct hp_diag d;
	int r;

	if (!boot_id || !*boot_id)
		return 0;
	kept = malloc((nr_vms ? nr_vms : 1) * sizeof(*kept));
	if (!kept)
		return -ENOMEM;
	memcpy(kept, vms, nr_vms * sizeof(*kept));
	for (size_t i = 0; i < nr_vms; i++)
		if (drop[i])
			kept[i].enabled = false;
	r = hp_plan_compute(host, set, kept, nr_vms, opts, &plan, &d);
	if (r == 0) {
		r = plan.feasible && hp_render(&plan, &args) == 0 && args.plan_id[0] &&
		    !strcmp(args.plan_id, boot_id);
		hp_plan_free(&plan);
	}
	free(kept);
	return r;
}
