// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/render.h"
#include "core/size.h"

bool hp_token_valid(const char *tok)
{
	size_t n = strlen(tok);

	if (n == 0 || n >= HP_TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = tok[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ',' || c == ':' || c == '=' || c == '-'))
			return false;
	}
	return true;
}

__attribute__((format(printf, 2, 3))) static int add(struct hp_kargs *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->n >= HP_MAX_TOKENS)
		return -E2BIG;
	va_start(ap, fmt);
	n = vsnprintf(a->tok[a->n], HP_TOKEN_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= HP_TOKEN_MAX)
		return -E2BIG;
	if (!hp_token_valid(a->tok[a->n]))
		return -EINVAL;
	a->n++;
	return 0;
}

static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int hp_render(const struct hp_plan *plan, struct hp_kargs *out)
{
	char sz[24];
	uint64_t h = 0xcbf29ce484222325ULL;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (plan->nr_pools == 0)
		return 0;
	if (plan->default_explicit) {
		hp_size_token(plan->default_size, sz, sizeof(sz));
		r = add(out, "default_hugepagesz=%s", sz);
	}
	for (size_t p = 0; p < plan->nr_pools && r >= 0; p++) {
		const struct hp_pool_plan *pool = &plan->pools[p];
		char val[HP_TOKEN_MAX];
		size_t o = 0;

		hp_size_token(pool->size, sz, sizeof(sz));
		r = add(out, "hugepagesz=%s", sz);
		if (r < 0)
			break;
		if (!plan->node_form) {
			r = add(out, "hugepages=%" PRIu64, pool->pages);
			continue;
		}
		val[0] = '\0';
		for (size_t i = 0; i < plan->nr_nodes; i++) {
			unsigned id = plan->nodes[i].id;
			int k;

			if (!pool->node_pages[id])
				continue;
			k = snprintf(val + o, sizeof(val) - o, "%s%u:%" PRIu64, o ? "," : "", id,
				     pool->node_pages[id]);
			if (k < 0 || (size_t)k >= sizeof(val) - o)
				return -E2BIG;
			o += (size_t)k;
		}
		r = add(out, "hugepages=%s", val);
	}
	if (r >= 0 && plan->free_vmemmap)
		r = add(out, "hugetlb_free_vmemmap=on");
	if (r < 0)
		return r;
	for (size_t i = 0; i < out->n; i++)
		h = fnv1a(out->tok[i], i ? fnv1a(" ", h) : h);
	snprintf(out->plan_id, sizeof(out->plan_id), "%016" PRIx64, h);
	return add(out, "hugeplan.plan=%s", out->plan_id);
}

void hp_kargs_join(const struct hp_kargs *args, char *buf, size_t len)
{
	size_t o = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < args->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", args->tok[i]);
}

int hp_render_check(const struct hp_plan *plan, const struct hp_kargs *args,
		    const struct hp_karch *arch, char *why, size_t whylen)
{
	char line[HP_MAX_TOKENS * HP_TOKEN_MAX];
	struct hp_karch target = *arch;
	struct hp_kreq req;
	char sz[24];

	if (why && whylen)
		why[0] = '\0';
	/* the kernel the plan was made for */
	if (plan->kver)
		target.kver = plan->kver;
	hp_kargs_join(args, line, sizeof(line));
	hp_kcmdline_simulate(line, &target, &req);
	if (req.nr_msgs) {
		if (why)
			snprintf(why, whylen, "the kernel would say: %s", req.msgs[0]);
		return -EPROTO;
	}
	if (plan->nr_pools && req.default_size != plan->default_size) {
		hp_size_token(req.default_size, sz, sizeof(sz));
		if (why)
			snprintf(why, whylen, "the kernel's default size would be %s", sz);
		return -EPROTO;
	}
	for (size_t i = 0; i < req.nr_pools; i++) {
		const struct hp_kpool *k = &req.pools[i];
		const struct hp_pool_plan *p = hp_plan_pool(plan, k->size);

		hp_size_token(k->size, sz, sizeof(sz));
		if (!p) {
			if (k->pages) {
				if (why)
					snprintf(why, whylen,
						 "the kernel would reserve unplanned %s pages", sz);
				return -EPROTO;
			}
			continue;
		}
		if (k->pages != p->pages || k->cma_skipped) {
			if (why)
				snprintf(why, whylen,
					 "the kernel would reserve %" PRIu64
					 " %s pages, not %" PRIu64,
					 k->cma_skipped ? 0 : k->pages, sz, p->pages);
			return -EPROTO;
		}
		if (plan->node_form) {
			for (size_t n = 0; n < HP_MAX_NODES; n++)
				if (k->node_pages[n] != p->node_pages[n]) {
					if (why)
						snprintf(why, whylen,
							 "the kernel would reserve %" PRIu64
							 " %s pages on node %zu, not %" PRIu64,
							 k->node_pages[n], sz, n, p->node_pages[n]);
					return -EPROTO;
				}
		}
	}
	for (size_t p = 0; p < plan->nr_pools; p++)
		if (!hp_kreq_pool(&req, plan->pools[p].size)) {
			hp_size_token(plan->pools[p].size, sz, sizeof(sz));
			if (why)
				snprintf(why, whylen, "the kernel would not register %s pages", sz);
			return -EPROTO;
		}
	if (plan->nr_pools && req.free_vmemmap != plan->free_vmemmap) {
		if (why)
			snprintf(why, whylen, "hugetlb_free_vmemmap would not be %s",
				 plan->free_vmemmap ? "on" : "off");
		return -EPROTO;
	}
	return 0;
}
