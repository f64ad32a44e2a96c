/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulation of how Linux (5.7 and later; node form 5.16 and later) parses the hugetlb
 * parameters of its command line and allocates the boot-time pools: mm/hugetlb.c
 * hugepagesz_setup(), hugepages_setup(), default_hugepagesz_setup(), the implicit-default
 * step of hugetlb_init() and hugetlb_hstate_alloc_pages(), fed by next_arg()'s tokenizer.
 * Read from the sources of 6.1 and 6.12 (identical in all of this; 6.12 spreads a balanced 2M
 * request differently over the nodes, which is not modelled) and checked against both
 * kernels booted (tests/boot/run-diff.sh). Given a command line and what the kernel and
 * machine support, it tells what the kernel sets out to allocate for each pool, per size and
 * per node, assuming memory enough for all of it, and which parameters the kernel ignores,
 * with the kernel's own message. Pure: no I/O.
 *
 * Allocation is modelled as the kernel performs it, not from the final counts:
 * - gigantic pages (1G on x86-64) are allocated while parsing: at every hugepages= that
 *   takes effect for a gigantic size, and at default_hugepagesz= when a leading hugepages=
 *   gave the default size its count. Pages from an earlier count stay when a later one
 *   replaces or zeroes it (hugepages=1 default_hugepagesz=1G hugepages=1: 2 pages);
 * - other sizes are allocated once, in hugetlb_init(), from their final counts;
 * - each allocation: when any per-node count of the size is non-zero, only the per-node
 *   counts are allocated, each on its node; the rest of the size's count never is, silently
 *   (hugepages=2 default_hugepagesz=2M hugepages=0:1,1:0: 1 page, on node 0). Else the
 *   count is spread over the nodes;
 * - hugetlb_cma= (an early parameter, read wherever it stands) makes every gigantic
 *   allocation a no-op, unless the kernel is built without CONFIG_CMA: then it is an unknown
 *   parameter, passed to init, and gigantic pages are allocated as usual.
 * What it does not model: a failed allocation lowers the kernel's count, which a later
 * per-node hugepages= for the same gigantic size then adds to.
 *
 * The planner renders through it (a rendering must parse back to exactly the plan), the
 * early-boot verifier derives "what was asked" from it, and status compares plans with it.
 */
#ifndef HP_KCMDLINE_H
#define HP_KCMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HP_MAX_NODES	64 /* node ids 0..63; the kernel's MAX_NUMNODES is larger */
#define HP_MAX_SIZES	8
#define HP_MAX_KMSGS	32
#define HP_KMSG_LEN	192
#define HP_KCMDLINE_MAX 4096 /* the longest command line a kernel takes (COMMAND_LINE_SIZE) */
#define HP_MAX_ALLOCS	(HP_MAX_NODES + 16) /* allocations kept per pool */

#define HP_KVER(a, b, c) (((unsigned)(a) << 16) | ((unsigned)(b) << 8) | (unsigned)(c))

/* Whether the kernel has CONFIG_CMA, which hugetlb_cma= needs. */
enum hp_kcma {
	HP_CMA_UNKNOWN, /* assumed built in: the parameter is then taken at its word */
	HP_CMA_YES,
	HP_CMA_NO, /* hugetlb_cma= is an unknown parameter to this kernel */
};

/* What the booting kernel and machine support. */
struct hp_karch {
	uint64_t sizes[HP_MAX_SIZES]; /* valid huge page sizes (arch_hugetlb_valid_size) */
	size_t nr_sizes;
	uint64_t hpage_size;   /* HPAGE_SIZE, the default without default_hugepagesz: 2M on x86 */
	uint64_t gigantic_min; /* smallest gigantic size, PAGE_SIZE << MAX_ORDER: 8M on x86 */
	uint64_t online_nodes; /* bit N set: node N online */
	bool nodes_beyond;     /* nodes with ids of HP_MAX_NODES and up are online too */
	unsigned kver;	       /* HP_KVER(); 0 means "assume recent" */
	bool node_alloc;       /* hugetlb_node_alloc_supported() */
	bool hugepages_supported;
	enum hp_kcma cma;
};

/* One allocation the kernel sets out to make for a pool. */
struct hp_kalloc {
	uint64_t pages;
	int node; /* the node a per-node count names, -1: spread over the nodes */
};

struct hp_kpool {
	uint64_t size;
	uint64_t pages;			   /* what the kernel sets out to allocate, all nodes */
	uint64_t node_pages[HP_MAX_NODES]; /* of those, per node by per-node counts */
	uint64_t max_pages; /* the kernel's own count (max_huge_pages) once parsing is done */
	struct hp_kalloc allocs[HP_MAX_ALLOCS]; /* the allocations, in the kernel's order */
	size_t nr_allocs;
	bool allocs_lost; /* more than HP_MAX_ALLOCS: the later ones are only in the sums */
	bool node_form;	  /* some allocation was per node */
	bool gigantic;
	bool cma_skipped; /* gigantic and hugetlb_cma set: the kernel allocates none at boot */
	bool zeroed;	  /* an invalid hugepages= value cleared the counts and none came since */
	char zeroed_val[64];   /* that value, as written */
	uint64_t zeroed_prior; /* the kernel's count just before it was zeroed */
};

/* A count the kernel dropped with a message, for the size the words before it named. */
struct hp_klost {
	uint64_t size; /* that size (0: the words named none the kernel could read) */
	char val[64];  /* the hugepages= value, as written */
};

#define HP_MAX_LOST (HP_MAX_SIZES + 4)

/*
 * What the kernel makes of a command line. hp_kcmdline_simulate() clears the fields before
 * pools[] and fills each entry of the arrays as it adds it: an entry past its count (nr_pools,
 * nr_lost, nr_msgs) is not cleared and must never be read. The arrays are 22 KiB: clearing
 * them all wrote six pages at every boot for the one or two entries a command line uses.
 */
struct hp_kreq {
	size_t nr_pools;
	uint64_t default_size; /* 0 when huge pages are not supported */
	bool default_explicit; /* default_hugepagesz= took effect */
	bool free_vmemmap;     /* hugetlb_free_vmemmap=on (or 1, y) */
	uint64_t cma_bytes;    /* hugetlb_cma= total the kernel reserves (0: it skips nothing) */
	bool cma_unknown;      /* hugetlb_cma= given to a kernel without CONFIG_CMA */
	bool any_param;	       /* any hugetlb parameter was seen */
	size_t nr_lost;
	char plan_id[65]; /* value of hugeplan.plan=, "" when absent */
	/*
	 * 1 + the first node id of HP_MAX_NODES or more that a hugepages= names on a host that
	 * has such nodes (arch nodes_beyond): not modelled, so what the kernel does with that
	 * parameter is not known here; 0 when none.
	 */
	unsigned unmodelled_node;
	size_t nr_msgs;
	/* the arrays: read up to their counts only */
	struct hp_kpool pools[HP_MAX_SIZES]; /* in the order the kernel registered them */
	/*
	 * The first count the kernel dropped for each size: one after a hugepagesz= or
	 * default_hugepagesz= it refused (unsupported, repeated), or a second count in a row
	 * for the same size, or a node list on an architecture without node allocation.
	 */
	struct hp_klost lost[HP_MAX_LOST];
	/* What the kernel prints while parsing, in order, as it prints it ("HugeTLB: ..."). */
	char msgs[HP_MAX_KMSGS][HP_KMSG_LEN];
};

/*
 * hp_kcmdline_next - next_arg() of kernel/params.c: one "param[=value]" word, double quotes
 * grouping blanks and stripped as the kernel strips them. Copies into param/val (truncated to
 * their sizes); *has_val tells whether there was an '='. Returns a pointer past the word and
 * trailing blanks, or NULL at the end of the line.
 */
const char *hp_kcmdline_next(const char *args, char *param, size_t plen, char *val, size_t vlen,
			     bool *has_val);

/*
 * hp_kisspace - the kernel's isspace() (lib/ctype.c): tab, newline, vertical tab, form feed,
 * carriage return, space, and 0xA0 (non-breaking space in Latin-1), which the C library's
 * isspace() does not count. The kernel splits its command line at every one of them.
 */
static inline bool hp_kisspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/*
 * hp_kword - the next word of a command line as next_arg() bounds it (blanks by
 * hp_kisspace(), a double quote toggling whether they end the word), quotes included: its
 * start and *len, or NULL at the end.
 */
const char *hp_kword(const char *p, size_t *len);

/* hp_param_eq - parameq(): names equal when '-' and '_' are taken as the same. */
bool hp_param_eq(const char *a, const char *b);

/*
 * hp_kcmdline_simulate - parse cmdline (words after "--" are init's and not read) as the
 * kernel described by arch would. Always succeeds for any input; returns 0.
 */
int hp_kcmdline_simulate(const char *cmdline, const struct hp_karch *arch, struct hp_kreq *out);

/*
 * hp_kcmdline_series - the kernel series whose rules the simulation applies to a kernel of
 * that version (HP_KVER(); 0 unknown): "5.7" (no per-node form), "6.1", or "6.12" (also for
 * newer kernels and an unknown version). The rules are those of 6.1 and 6.12, which both boot
 * tests; the name says which the kernel is closest to.
 */
const char *hp_kcmdline_series(unsigned kver);

/*
 * hp_kreq_summary - req's pools in words, "2 x 1G, 256 x 2M" (sizes as hp_size_token() writes
 * them, in registration order; "" when none). Returns the pages of all sizes.
 */
uint64_t hp_kreq_summary(const struct hp_kreq *req, char *out, size_t len);

/* hp_kreq_pool - the pool of that size in req, or NULL. */
const struct hp_kpool *hp_kreq_pool(const struct hp_kreq *req, uint64_t size);

/* hp_karch_valid_size - whether arch lists size. */
bool hp_karch_valid_size(const struct hp_karch *arch, uint64_t size);

#endif
