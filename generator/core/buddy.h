/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/buddyinfo: the free blocks of each order (2^order base pages) per node and zone, as
 * the kernel's buddy allocator keeps them. A huge page of order N can be had at once only
 * from a free block of order N or more; free memory in smaller blocks needs compaction (the
 * kernel moving pages to join blocks) first. This says how fragmented a node is. Pure.
 *
 *   Node 0, zone      DMA      1      1      0      0      2      1      1      0      1      1 3
 *   Node 0, zone   Normal   4243   2001    802    230     99     38     12      5      2      1 0
 */
#ifndef HP_BUDDY_H
#define HP_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kcmdline.h"

#define HP_BUDDY_ORDERS 16 /* MAX_ORDER is 11 on x86-64, up to 14 with 64K base pages */

struct hp_buddy_node {
	bool present;
	uint64_t free[HP_BUDDY_ORDERS]; /* free blocks per order, all zones together */
};

struct hp_buddy {
	struct hp_buddy_node nodes[HP_MAX_NODES];
	unsigned orders; /* columns seen (11 on x86-64) */
};

/* hp_buddy_parse - the text of /proc/buddyinfo. -EINVAL (line in *bad_line) if malformed. */
int hp_buddy_parse(const char *text, struct hp_buddy *out, unsigned *bad_line);

/* hp_buddy_free_bytes - free memory of the node, in bytes (base pages of page_base bytes) */
uint64_t hp_buddy_free_bytes(const struct hp_buddy *b, unsigned node, uint64_t page_base);

/*
 * hp_buddy_ready - how many whole huge pages of huge bytes the node's free blocks hold now,
 * without compaction (blocks of that order or more).
 */
uint64_t hp_buddy_ready(const struct hp_buddy *b, unsigned node, uint64_t page_base, uint64_t huge);

/*
 * hp_buddy_describe - "1.50 GiB free, 12 free 2M blocks; 98% of free memory is in blocks
 * smaller than 2M" for a message.
 */
void hp_buddy_describe(const struct hp_buddy *b, unsigned node, uint64_t page_base, uint64_t huge,
		       char *buf, size_t len);

#endif
