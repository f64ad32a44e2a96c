// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynamic.h"
#include "core/size.h"

#define RECORD_MAGIC "# hugeplan vm record 1"

int hp_record_format(const struct hp_rt_record *r, char *buf, size_t len)
{
	size_t o;
	int n;

	n = snprintf(
		buf, len,
		RECORD_MAGIC
		": written by hugeplan vm start, given back by hugeplan vm stop\nvm=%s\nstate=%s\npid=%ld\nsince=%" PRIu64
		"\n",
		r->vm, r->state == HP_REC_STARTED ? "started" : "starting", r->pid, r->since);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	o = (size_t)n;
	for (size_t i = 0; i < r->nr_parts; i++) {
		const struct hp_rt_part *p = &r->parts[i];

		n = snprintf(buf + o, len - o,
			     "part=%" PRIu64 " %u need=%" PRIu64 " before=%" PRIu64
			     " target=%" PRIu64 " added=%" PRIu64 "\n",
			     p->size, p->node, p->need, p->before, p->target, p->added);
		if (n < 0 || (size_t)n >= len - o)
			return -ENOSPC;
		o += (size_t)n;
	}
	return 0;
}

static int u64_field(const char *s, const char *key, uint64_t *out, const char **end)
{
	size_t k = strlen(key);
	char *e;

	if (strncmp(s, key, k) || s[k] < '0' || s[k] > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s + k, &e, 10);
	if (errno)
		return -EINVAL;
	*end = e;
	return 0;
}

static int parse_part(const char *v, struct hp_rt_part *p)
{
	static const char *const keys[] = { " need=", " before=", " target=", " added=" };
	uint64_t *dst[] = { &p->need, &p->before, &p->target, &p->added };
	uint64_t node;
	const char *e;

	memset(p, 0, sizeof(*p));
	if (u64_field(v, "", &p->size, &e) < 0 || *e != ' ')
		return -EINVAL;
	if (u64_field(e + 1, "", &node, &e) < 0 || node >= HP_MAX_NODES)
		return -EINVAL;
	p->node = (unsigned)node;
	for (size_t i = 0; i < 4; i++)
		if (u64_field(e, keys[i], dst[i], &e) < 0)
			return -EINVAL;
	return *e ? -EINVAL : 0;
}

int hp_record_parse(const char *text, struct hp_rt_record *out, unsigned *bad_line)
{
	const char *p = text;
	unsigned line = 0;
	bool have_vm = false, have_state = false;

	memset(out, 0, sizeof(*out));
	if (strncmp(text, RECORD_MAGIC, strlen(RECORD_MAGIC)))
		goto bad_first;
	while (*p) {
		const char *eol = strchr(p, '\n');
		char l[256];
		size_t n;

		line++;
		if (!eol)
			eol = p + strlen(p);
		n = (size_t)(eol - p);
		if (n >= sizeof(l))
			goto bad;
		memcpy(l, p, n);
		l[n] = '\0';
		p = *eol ? eol + 1 : eol;
		if (!n || l[0] == '#')
			continue;
		if (!strncmp(l, "vm=", 3)) {
			if (!hp_vm_name_valid(l + 3))
				goto bad;
			snprintf(out->vm, sizeof(out->vm), "%.*s", HP_NAME_MAX, l + 3);
			have_vm = true;
		} else if (!strcmp(l, "state=started") || !strcmp(l, "state=starting")) {
			out->state = strcmp(l, "state=started") ? HP_REC_STARTING : HP_REC_STARTED;
			have_state = true;
		} else if (!strncmp(l, "pid=", 4)) {
			uint64_t v;
			const char *e;

			if (u64_field(l, "pid=", &v, &e) < 0 || *e || v > INT32_MAX)
				goto bad;
			out->pid = (long)v;
		} else if (!strncmp(l, "since=", 6)) {
			const char *e;

			if (u64_field(l, "since=", &out->since, &e) < 0 || *e)
				goto bad;
		} else if (!strncmp(l, "part=", 5)) {
			if (out->nr_parts >= HP_RT_MAX_PARTS ||
			    parse_part(l + 5, &out->parts[out->nr_parts]) < 0)
				goto bad;
			out->nr_parts++;
		} else {
			goto bad;
		}
	}
	if (have_vm && have_state)
		return 0;
bad:
	if (bad_line)
		*bad_line = line ? line : 1;
	return -EINVAL;
bad_first:
	if (bad_line)
		*bad_line = 1;
	return -EINVAL;
}

void hp_rt_node_counts(const struct hp_pools *pools, uint64_t size, unsigned node, uint64_t *nr,
		       uint64_t *free, uint64_t *surplus)
{
	const struct hp_pool *p = hp_pools_find(pools, size);
	const struct hp_pool_node *n = p ? hp_pool_node_find(p, node) : NULL;

	*nr = n ? n->nr : 0;
	*free = n ? n->free : 0;
	*surplus = n ? n->surplus : 0;
}

/* pages of that size on that node that the started dynamic VMs were given */
static uint64_t started_pages(const struct hp_rt_start_in *in, uint64_t size, unsigned node)
{
	uint64_t n = 0;

	for (size_t i = 0; i < in->nr_others; i++)
		for (size_t k = 0; k < in->others[i].nr_parts; k++) {
			const struct hp_rt_part *p = &in->others[i].parts[k];

			if (p->size == size && p->node == node)
				n += p->need;
		}
	return n;
}

static const struct hp_node_plan *plan_node(const struct hp_plan *plan, unsigned id)
{
	for (size_t i = 0; i < plan->nr_nodes; i++)
		if (plan->nodes[i].id == id)
			return &plan->nodes[i];
	return NULL;
}

/* the node's budget with `add` more pages of `size`: 0, or 1 with why */
static int node_budget(const struct hp_rt_start_in *in, unsigned node, uint64_t size, uint64_t add,
		       char *why, size_t len)
{
	const struct hp_node_plan *np = plan_node(in->plan, node);
	const struct hp_node *hn = hp_host_node(in->host, node);
	bool hvo = in->plan->free_vmemmap;
	__int128 left;
	uint64_t huge = 0, vmem = 0;
	char mt[24], hp[24], vm[24], ord[24], lf[24], res[24], tok[24], addb[24];

	if (!np || !hn) {
		snprintf(why, len, "node %u is not one of this host's nodes", node);
		return 1;
	}
	for (size_t i = 0; i < in->pools->nr_pools; i++) {
		const struct hp_pool *p = &in->pools->pools[i];
		const struct hp_pool_node *n = hp_pool_node_find(p, node);
		uint64_t nr = (n ? n->nr : 0) + (p->size == size ? add : 0);

		huge += nr * p->size;
		vmem += nr * hp_vmemmap_cost(p->size, hvo);
	}
	if (!hp_pools_find(in->pools, size)) {
		huge += add * size;
		vmem += add * hp_vmemmap_cost(size, hvo);
	}
	left = (__int128)hn->mem_total - huge - vmem - np->ordinary;
	if (left >= (__int128)np->reserve)
		return 0;
	hp_size_human(hn->mem_total, mt, sizeof(mt));
	hp_size_human(huge, hp, sizeof(hp));
	hp_size_human(vmem, vm, sizeof(vm));
	hp_size_human(np->ordinary, ord, sizeof(ord));
	if (left > 0)
		hp_size_human((uint64_t)left, lf, sizeof(lf));
	else
		snprintf(lf, sizeof(lf), "nothing");
	hp_size_human(np->reserve, res, sizeof(res));
	hp_size_token(size, tok, sizeof(tok));
	hp_size_human(add * size, addb, sizeof(addb));
	snprintf(
		why, len,
		"node %u cannot take %" PRIu64
		" more %s pages (%s): MemTotal %s - huge pages %s with them - vmemmap %s - ordinary VM memory %s leaves %s, below the %s reserve",
		node, add, tok, addb, mt, hp, vm, ord, lf, res);
	return 1;
}

int hp_rt_start_decide(const struct hp_rt_start_in *in, struct hp_rt_start *out)
{
	const struct hp_vm_plan *vp = in->vp;
	const struct hp_pool_plan *sp;

	memset(out, 0, sizeof(*out));
	if (!vp || vp->backing != HP_BACKING_DYNAMIC)
		return -EINVAL;
	snprintf(out->rec.vm, sizeof(out->rec.vm), "%s", vp->vm->name);
	out->rec.state = HP_REC_STARTING;
	if (in->plan->dynamic_peak && in->nr_others >= in->plan->dynamic_peak) {
		size_t o = 0;

		o += (size_t)snprintf(out->why, sizeof(out->why),
				      "DynamicPeak=%u: %zu dynamic VM%s run%s already (",
				      in->plan->dynamic_peak, in->nr_others,
				      in->nr_others == 1 ? "" : "s", in->nr_others == 1 ? "s" : "");
		for (size_t i = 0; i < in->nr_others && o < sizeof(out->why) - 80; i++)
			o += (size_t)snprintf(out->why + o, sizeof(out->why) - o, "%s%s",
					      i ? ", " : "", in->others[i].vm);
		snprintf(out->why + o, sizeof(out->why) - o,
			 "): the budget was planned for no more at once");
		out->refused = true;
		return 0;
	}
	sp = hp_plan_pool(in->plan, vp->page_size);
	for (unsigned node = 0; node < HP_MAX_NODES; node++) {
		struct hp_rt_part *p;
		uint64_t nr, free, surplus, held, spare, add;

		if (!vp->node_pages[node])
			continue;
		if (out->rec.nr_parts >= HP_RT_MAX_PARTS)
			return -E2BIG;
		hp_rt_node_counts(in->pools, vp->page_size, node, &nr, &free, &surplus);
		held = (sp ? sp->node_pages[node] : 0) + started_pages(in, vp->page_size, node);
		spare = nr > held ? nr - held : 0;
		if (spare > free)
			spare = free;
		add = vp->node_pages[node] -
		      (spare < vp->node_pages[node] ? spare : vp->node_pages[node]);
		p = &out->rec.parts[out->rec.nr_parts++];
		p->size = vp->page_size;
		p->node = node;
		p->need = vp->node_pages[node];
		p->before = nr;
		p->target = nr + add;
		out->add += add;
		if (!out->refused && add &&
		    node_budget(in, node, vp->page_size, add, out->why, sizeof(out->why)))
			out->refused = true;
	}
	return 0;
}

size_t hp_rt_stop_decide(const struct hp_rt_record *rec, const struct hp_pools *pools,
			 struct hp_rt_part *parts, uint64_t *in_use)
{
	for (size_t i = 0; i < rec->nr_parts; i++) {
		uint64_t nr, free, surplus, used;

		parts[i] = rec->parts[i];
		hp_rt_node_counts(pools, parts[i].size, parts[i].node, &nr, &free, &surplus);
		parts[i].before = nr;
		parts[i].target = nr > parts[i].added ? nr - parts[i].added : 0;
		used = nr > free ? nr - free : 0;
		in_use[i] = used > parts[i].target ? used - parts[i].target : 0;
	}
	return rec->nr_parts;
}

int hp_rt_static_check(const struct hp_plan *plan, const struct hp_vm_plan *vp,
		       const struct hp_pools *pools, char *why, size_t len)
{
	const struct hp_vm *vm = vp->vm;
	char tok[24];

	(void)plan;
	/* the pages on their nodes (bound, on a per-node plan), then each size's whole pool */
	for (size_t i = 0; i < vp->nr_parts; i++) {
		const struct hp_vm_pages *q = &vp->parts[i];
		uint64_t want, nr, free, surplus;

		if (q->node < 0 || !q->placed || q->fallback)
			continue;
		want = hp_vm_plan_part(vp, q->size, q->node);
		hp_rt_node_counts(pools, q->size, (unsigned)q->node, &nr, &free, &surplus);
		if (free < want) {
			hp_size_token(q->size, tok, sizeof(tok));
			snprintf(why, len,
				 "node %d is short: %" PRIu64 " of the %" PRIu64
				 " %s pages %s needs there are free",
				 q->node, free, want, tok, vm->name);
			return 1;
		}
	}
	for (size_t i = 0; i < vp->nr_parts; i++) {
		const struct hp_pool *p = hp_pools_find(pools, vp->parts[i].size);
		bool loose = false;
		uint64_t want;

		if (i && vp->parts[i - 1].size == vp->parts[i].size)
			continue;
		/* a size all on its nodes was checked above; else the pool holds all of it */
		for (size_t k = i; k < vp->nr_parts && vp->parts[k].size == vp->parts[i].size; k++)
			loose = loose || vp->parts[k].node < 0 || !vp->parts[k].placed ||
				vp->parts[k].fallback;
		if (!loose)
			continue;
		want = hp_vm_plan_size(vp, vp->parts[i].size);
		if (!p || p->free < want) {
			hp_size_token(vp->parts[i].size, tok, sizeof(tok));
			snprintf(why, len,
				 "the %s pool is short: %" PRIu64 " of the %" PRIu64
				 " pages %s needs are free",
				 tok, p ? p->free : 0, want, vm->name);
			return 1;
		}
	}
	return 0;
}
