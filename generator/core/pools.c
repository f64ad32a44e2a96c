// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/pools.h"

const struct hp_pool *hp_pools_find(const struct hp_pools *p, uint64_t size)
{
	for (size_t i = 0; i < p->nr_pools; i++)
		if (p->pools[i].size == size)
			return &p->pools[i];
	return NULL;
}

const struct hp_pool_node *hp_pool_node_find(const struct hp_pool *p, unsigned id)
{
	for (size_t i = 0; i < p->nr_nodes; i++)
		if (p->nodes[i].id == id)
			return &p->nodes[i];
	return NULL;
}
