/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host facts: memory per node, the huge page sizes the running kernel registered, the CPU's 1G
 * flag, the kernel version and command line. Plain data plus pure helpers; sys/host.h reads
 * them from a system or a fixture root.
 */
#ifndef HP_CORE_HOST_H
#define HP_CORE_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/kcmdline.h"

struct hp_node {
	unsigned id;
	uint64_t mem_total; /* bytes, the node's MemTotal (includes boot-time gigantic pages) */
};

struct hp_host {
	uint64_t mem_total; /* /proc/meminfo MemTotal, bytes */
	struct hp_node nodes[HP_MAX_NODES];
	size_t nr_nodes;
	uint64_t online_mask;
	unsigned nodes_beyond; /* online nodes with ids of HP_MAX_NODES and up: not in nodes[] */
	unsigned first_beyond; /* the lowest of them */
	bool numa_sysfs;       /* /sys/devices/system/node exists (else one node 0 is assumed) */
	uint64_t sizes[HP_MAX_SIZES]; /* huge page sizes, ascending, from hugepages-<kB>kB dirs */
	size_t nr_sizes;
	bool x86;     /* /proc/cpuinfo has x86 "flags" lines */
	bool pdpe1gb; /* the CPU can map 1G pages */
	char cpu_vendor[32];
	char kver_str[128]; /* /proc/sys/kernel/osrelease */
	unsigned kver;	    /* HP_KVER() of kver_str, 0 unknown */
	/* hp_bootcheck_facts() clears all but cmdline and err, strings: keep them apart */
	char cmdline[4096]; /* /proc/cmdline, "" when unreadable */
	enum hp_kcma cma;   /* CONFIG_CMA, when something read it (hp_bootcheck_cma()) */
	char err[4400];	    /* on failure: the file and what was wrong */
};

/* hp_host_karch - what the simulation must assume about this host's kernel. */
void hp_host_karch(const struct hp_host *h, struct hp_karch *a);

/*
 * hp_host_hpage_size - the kernel's default huge page size when the command line sets none
 * (HPAGE_SIZE: 2M on x86), 0 when the host lists no size.
 */
uint64_t hp_host_hpage_size(const struct hp_host *h);

/* hp_host_has_size - whether the host lists that huge page size. */
bool hp_host_has_size(const struct hp_host *h, uint64_t size);

/* hp_host_node - the node with that id, or NULL when it is not online. */
const struct hp_node *hp_host_node(const struct hp_host *h, unsigned id);

/* hp_kver_parse - "6.1.0-27-cloud-amd64" -> HP_KVER(6, 1, 0); 0 if it does not start "A.B". */
unsigned hp_kver_parse(const char *s);

/* Node ids a node list may hold: the kernel's MAX_NUMNODES is at most 1 << 10. */
#define HP_NODE_ID_LIMIT 65536

/*
 * hp_nodelist_parse - a kernel node list ("0", "0-3,8"), as in /sys/.../node/online, into a
 * mask of node ids below HP_MAX_NODES. Ids from HP_MAX_NODES up are counted in *beyond, the
 * lowest in *first_beyond (either may be NULL; beyond NULL makes them -ERANGE). -EINVAL if
 * malformed, -ERANGE for ids of HP_NODE_ID_LIMIT and up.
 */
int hp_nodelist_parse(const char *s, uint64_t *mask, unsigned *beyond, unsigned *first_beyond);

#endif
