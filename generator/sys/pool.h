/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads the huge page pools under a root (sysfs): every hugepages-<kB>kB size with its
 * nr/free/resv/surplus/overcommit counts, and per online node nr/free/surplus. libc only.
 */
#ifndef HP_SYS_POOL_H
#define HP_SYS_POOL_H

#include <stddef.h>

#include "core/pools.h"

/*
 * hp_pools_read - fill *out from root. A kernel without hugetlbfs (no hugepages directory)
 * gives zero pools and 0. Without /sys/devices/system/node, node 0 mirrors the totals.
 * Returns 0, or -errno with the path (under root) that failed copied to errpath when it is
 * not NULL. *out is meaningful only on success.
 */
int hp_pools_read(const char *root, struct hp_pools *out, char *errpath, size_t errlen);

/*
 * hp_pools_read_verdict - the same without what no boot verdict uses: each size's resv and
 * overcommit counts (0), two files fewer per size for the verifier at every boot (its report
 * has neither; an unreadable one is no reason for it to fail); and a node's free or surplus
 * count is not read when the size's totals fix it (free equal to nr: each node's free is its
 * nr; no surplus: none on any node), as they do at boot: two files fewer per node and size.
 * On a NUMA host a size's nr_hugepages is its nodes' sum, not read (unless a node lacks the
 * size's directory); with one node online, that node's counts are the size's, not read.
 */
int hp_pools_read_verdict(const char *root, struct hp_pools *out, char *errpath, size_t errlen);

#endif
