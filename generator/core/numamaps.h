/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/PID/numa_maps: one line per mapping, "ADDR POLICY [file=PATH] [huge] ...
 * N0=PAGES N1=PAGES ... kernelpagesize_kB=K". A hugetlbfs mapping is marked "huge" and
 * counts its pages per node in huge pages of kernelpagesize_kB. Pure.
 */
#ifndef HP_NUMAMAPS_H
#define HP_NUMAMAPS_H

#include <stdint.h>

#include "core/kcmdline.h"

/*
 * hp_numa_maps_huge - add up, per node, the pages of the huge mappings of page size `size`
 * (bytes) into pages[HP_MAX_NODES] (zeroed first). Returns how many mappings counted.
 */
unsigned hp_numa_maps_huge(const char *text, uint64_t size, uint64_t *pages);

#endif
