// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/usage.h"

uint64_t hp_guest_pages(const struct hp_guest *g, size_t pool)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < HP_MAX_NODES; k++)
		n += g->pages[pool][k];
	return n;
}

static size_t pool_index(const struct hp_pools *pools, uint64_t size)
{
	for (size_t i = 0; i < pools->nr_pools; i++)
		if (pools->pools[i].size == size)
			return i;
	return SIZE_MAX;
}

/* the plan VM guest g is (core/usage.h), or -1 */
static int guest_vm(const struct hp_plan *plan, const struct hp_guest *g)
{
	size_t nr_vms = plan ? plan->nr_vms : 0;

	if (g->source == HP_SRC_PROXMOX)
		for (size_t i = 0; i < nr_vms; i++) {
			const struct hp_vm *v = plan->vms[i].vm;

			if (v->source == HP_SRC_PROXMOX && !strcmp(v->source_id, g->vmid))
				return (int)i;
		}
	for (size_t i = 0; i < nr_vms; i++) {
		const struct hp_vm *v = plan->vms[i].vm;

		if (v->source != HP_SRC_PROXMOX && !strcmp(g->name, v->name))
			return (int)i;
	}
	return -1;
}

void hp_usage_free(struct hp_usage *u)
{
	free(u->guest_vm);
	free(u->running);
	u->guest_vm = NULL;
	u->running = NULL;
}

/* the planned VMs that are not running, covered from the free pages; the running ones take
 * what they map */
static int cover(const struct hp_pools *pools, const struct hp_plan *plan,
		 const struct hp_guest *guests, const struct hp_usage *u, size_t nr_guests,
		 struct hp_backing *back)
{
	struct hp_plan sub = *plan;
	struct hp_avail_set avail;
	struct hp_backing part;
	size_t j = 0;
	int r;

	memset(back, 0, sizeof(*back));
	sub.vms = calloc(plan->nr_vms ? plan->nr_vms : 1, sizeof(*sub.vms));
	back->vms = calloc(plan->nr_vms ? plan->nr_vms : 1, sizeof(*back->vms));
	if (!sub.vms || !back->vms) {
		free(sub.vms);
		free(back->vms);
		back->vms = NULL;
		return -ENOMEM;
	}
	sub.nr_vms = 0;
	for (size_t i = 0; i < plan->nr_vms; i++)
		if (!u->running[i])
			sub.vms[sub.nr_vms++] = plan->vms[i];
	/* the persistent pool less what the running guests map: pages an unplanned guest (or
	 * a running planned one) holds are not there for the others; pages in use by no guest
	 * seen (a QEMU libvirt did not start) may be theirs, and are not taken away */
	hp_avail_from_pools(pools, &avail);
	for (size_t a = 0; a < avail.nr_sizes; a++) {
		size_t p = pool_index(pools, avail.sizes[a].size);

		for (size_t g = 0; g < nr_guests && p != SIZE_MAX; g++)
			for (unsigned k = 0; k < HP_MAX_NODES; k++) {
				uint64_t m = guests[g].pages[p][k];
				uint64_t *n = &avail.sizes[a].node[pools->numa_sysfs ? k : 0];

				*n = *n > m ? *n - m : 0;
			}
	}
	r = hp_backing_compute(&sub, &avail, &part);
	if (r < 0) {
		free(sub.vms);
		free(back->vms);
		back->vms = NULL;
		return r;
	}
	back->nr_vms = plan->nr_vms;
	back->per_node = part.per_node;
	back->left = part.left;
	back->nr_short = part.nr_short;
	back->short_bytes = part.short_bytes;
	for (size_t i = 0; i < plan->nr_vms; i++) {
		struct hp_back_vm *b = &back->vms[i];
		const struct hp_vm_plan *vp = &plan->vms[i];

		if (!u->running[i]) {
			*b = part.vms[j++];
			b->vp = vp; /* the plan's own, not the copy's */
			continue;
		}
		b->vp = vp;
		b->need = vp->pages;
		for (size_t g = 0; g < nr_guests; g++) {
			size_t p = pool_index(pools, vp->page_size);

			if (u->guest_vm[g] != (int)i || p == SIZE_MAX)
				continue;
			for (unsigned k = 0; k < HP_MAX_NODES; k++)
				b->node[k] += guests[g].pages[p][k];
		}
		for (unsigned k = 0; k < HP_MAX_NODES; k++)
			b->got += b->node[k];
		/* running: it has its memory, whatever it maps of it yet */
		b->short_pages = 0;
	}
	hp_backing_free(&part);
	free(sub.vms);
	return 0;
}

int hp_usage_compute(const struct hp_pools *pools, const struct hp_plan *plan,
		     const struct hp_guest *guests, size_t nr_guests, struct hp_usage *out,
		     struct hp_backing *back)
{
	size_t nr_vms = plan ? plan->nr_vms : 0;
	int r;

	memset(out, 0, sizeof(*out));
	memset(back, 0, sizeof(*back));
	out->guest_vm = calloc(nr_guests ? nr_guests : 1, sizeof(*out->guest_vm));
	out->running = calloc(nr_vms ? nr_vms : 1, sizeof(*out->running));
	if (!out->guest_vm || !out->running) {
		hp_usage_free(out);
		return -ENOMEM;
	}
	for (size_t g = 0; g < nr_guests; g++) {
		int i = guest_vm(plan, &guests[g]);

		out->guest_vm[g] = i;
		if (i >= 0)
			out->running[i] = true;
	}
	if (plan) {
		r = cover(pools, plan, guests, out, nr_guests, back);
		if (r < 0) {
			hp_usage_free(out);
			return r;
		}
	}
	for (size_t i = 0; i < pools->nr_pools; i++) {
		const struct hp_pool *p = &pools->pools[i];
		const struct hp_avail *left = NULL;
		struct hp_pool_node whole = { 0, p->nr, p->free, p->surplus };
		size_t nn = p->nr_nodes ? p->nr_nodes : 1;

		for (size_t a = 0; plan && a < back->left.nr_sizes; a++)
			if (back->left.sizes[a].size == p->size)
				left = &back->left.sizes[a];
		for (size_t k = 0; k < nn; k++) {
			const struct hp_pool_node *n = p->nr_nodes ? &p->nodes[k] : &whole;
			struct hp_usage_cell *c;
			uint64_t unplanned;

			if (n->id >= HP_MAX_NODES)
				continue;
			c = &out->cell[i][n->id];
			c->reserved = hp_pool_persistent(n->nr, n->surplus);
			c->in_use = n->nr > n->free ? n->nr - n->free : 0;
			c->free = n->free;
			for (size_t g = 0; g < nr_guests; g++)
				c->by_guests += guests[g].pages[i][n->id];
			c->unattributed = c->in_use > c->by_guests ? c->in_use - c->by_guests : 0;
			/* what no planned VM took of the free pages (the pools' availability is
			 * per node: hp_avail_free_from_pools()) */
			unplanned = left ? left->node[n->id] : c->free;
			c->unplanned = unplanned < c->free ? unplanned : c->free;
			c->held = c->free - c->unplanned;
		}
		for (unsigned k = 0; k < HP_MAX_NODES; k++) {
			const struct hp_usage_cell *c = &out->cell[i][k];
			struct hp_usage_cell *t = &out->total[i];

			t->reserved += c->reserved;
			t->in_use += c->in_use;
			t->by_guests += c->by_guests;
			t->unattributed += c->unattributed;
			t->free += c->free;
			t->held += c->held;
			t->unplanned += c->unplanned;
		}
	}
	return 0;
}
