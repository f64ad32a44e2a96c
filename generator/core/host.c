// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/parse-util.h"
#include "core/size.h"

unsigned hp_kver_parse(const char *s)
{
	uint64_t a, b, c = 0;
	const char *e;

	if (!s || !hp_isdigit((unsigned char)*s))
		return 0;
	a = hp_dec_u64(s, &e, NULL);
	if (*e != '.' || !hp_isdigit((unsigned char)e[1]))
		return 0;
	b = hp_dec_u64(e + 1, &e, NULL);
	if (*e == '.' && hp_isdigit((unsigned char)e[1]))
		c = hp_dec_u64(e + 1, &e, NULL);
	if (a > 255 || b > 255)
		return 0;
	return HP_KVER(a, b, c > 255 ? 255 : c);
}

int hp_nodelist_parse(const char *s, uint64_t *mask, unsigned *beyond, unsigned *first_beyond)
{
	unsigned nb = 0, fb = 0;
	uint64_t m = 0;
	const char *p = s;

	while (*p && *p != '\n') {
		uint64_t a, b;
		const char *e;

		if (!hp_isdigit((unsigned char)*p))
			return -EINVAL;
		a = hp_dec_u64(p, &e, NULL);
		b = a;
		if (*e == '-') {
			if (!hp_isdigit((unsigned char)e[1]))
				return -EINVAL;
			b = hp_dec_u64(e + 1, &e, NULL);
		}
		if (b < a)
			return -EINVAL;
		if (b >= HP_NODE_ID_LIMIT || (b >= HP_MAX_NODES && !beyond))
			return -ERANGE;
		for (unsigned long i = a; i <= b; i++) {
			if (i < HP_MAX_NODES) {
				m |= 1ULL << i;
			} else if (!(nb++)) {
				fb = (unsigned)i;
			}
		}
		p = e;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	*mask = m;
	if (beyond)
		*beyond = nb;
	if (first_beyond)
		*first_beyond = fb;
	return 0;
}

void hp_host_karch(const struct hp_host *h, struct hp_karch *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->sizes, h->sizes, sizeof(a->sizes));
	a->nr_sizes = h->nr_sizes;
	a->hpage_size = hp_host_hpage_size(h);
	/* PAGE_SIZE << MAX_ORDER with 4K pages and MAX_ORDER 11 */
	a->gigantic_min = 8 * HP_MIB;
	a->online_nodes = h->online_mask;
	a->nodes_beyond = h->nodes_beyond != 0;
	a->kver = h->kver;
	a->node_alloc = true;
	a->hugepages_supported = h->nr_sizes > 0;
	a->cma = h->cma;
}

uint64_t hp_host_hpage_size(const struct hp_host *h)
{
	/* HPAGE_SIZE is the PMD size: 2M on x86 and on arm64/ppc64-radix with 4K pages */
	return hp_host_has_size(h, 2 * HP_MIB) ? 2 * HP_MIB : (h->nr_sizes ? h->sizes[0] : 0);
}

bool hp_host_has_size(const struct hp_host *h, uint64_t size)
{
	for (size_t i = 0; i < h->nr_sizes; i++)
		if (h->sizes[i] == size)
			return true;
	return false;
}

const struct hp_node *hp_host_node(const struct hp_host *h, unsigned id)
{
	for (size_t i = 0; i < h->nr_nodes; i++)
		if (h->nodes[i].id == id)
			return &h->nodes[i];
	return NULL;
}
