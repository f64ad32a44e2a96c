/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot of the huge page pools as sysfs shows them, per size and per node. Filled by
 * sys/pool.c from a live system or a fixture root; read by the verdict and by status.
 *
 * Counts are pages. nr includes surplus pages (sysfs nr_hugepages does), so the persistent
 * pool, what a boot-time reservation produced, is nr - surplus: hp_pool_persistent().
 */
#ifndef HP_POOLS_H
#define HP_POOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kcmdline.h"

struct hp_pool_node {
	unsigned id;
	uint64_t nr, free, surplus; /* node<N>/hugepages/hugepages-<kB>kB/ has only these three */
};

/*
 * The counts first, the arrays last (here and in struct hp_pools): what a boot writes is then
 * in as few pages as can hold it, and each page written is a fault (issue 20).
 */
struct hp_pool {
	uint64_t size; /* bytes */
	uint64_t nr, free, resv, surplus, overcommit;
	size_t nr_nodes;
	struct hp_pool_node nodes[HP_MAX_NODES]; /* ascending id; online nodes with the size */
};

struct hp_pools {
	size_t nr_pools;
	uint64_t online_mask;  /* bit N: node N online; node 0 alone without NUMA in sysfs */
	unsigned nodes_beyond; /* online nodes of ids from HP_MAX_NODES up: not read */
	bool numa_sysfs;       /* per-node counts come from sysfs (else node 0 mirrors the total) */
	struct hp_pool pools[HP_MAX_SIZES]; /* ascending size: one per hugepages-<kB>kB dir */
};

/* hp_pools_find - the pool of that size, or NULL when sysfs has no directory for it. */
const struct hp_pool *hp_pools_find(const struct hp_pools *p, uint64_t size);

/* hp_pool_node_find - the node's counts for that pool, or NULL. */
const struct hp_pool_node *hp_pool_node_find(const struct hp_pool *p, unsigned id);

static inline uint64_t hp_pool_persistent(uint64_t nr, uint64_t surplus)
{
	return nr > surplus ? nr - surplus : 0;
}

#endif
