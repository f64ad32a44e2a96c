/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulation of how Linux (5.7 and later; node form 5.16 and later) parses the hugetlb
 * parameters of its command line: mm/hugetlb.c hugepagesz_setup(), hugepages_setup(),
 * default_hugepagesz_setup() and the implicit-default step of hugetlb_init(), fed by
 * next_arg()'s tokenizer. Given a command line and what the kernel and machine support, it
 * tells what each pool will be asked to hold, per size and per node, and which parameters
 * the kernel ignores, with the kernel's own message. Pure: no I/O.
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

#define HP_KVER(a, b, c) (((unsigned)(a) << 16) | ((unsigned)(b) << 8) | (unsigned)(c))

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
};

struct hp_kpool {
	uint64_t size;
	uint64_t pages;			   /* max_huge_pages asked for, all nodes */
	uint64_t node_pages[HP_MAX_NODES]; /* per node, when node_form */
	bool node_form;
	bool gigantic;
	bool cma_skipped; /* gigantic and hugetlb_cma set: the kernel allocates none at boot */
};

struct hp_kreq {
	struct hp_kpool pools[HP_MAX_SIZES]; /* in the order the kernel registered them */
	size_t nr_pools;
	uint64_t default_size; /* 0 when huge pages are not supported */
	bool default_explicit; /* default_hugepagesz= took effect */
	bool free_vmemmap;     /* hugetlb_free_vmemmap=on (or 1, y) */
	uint64_t cma_bytes;    /* hugetlb_cma= total */
	bool any_param;	       /* any hugetlb parameter was seen */
	char plan_id[65];      /* value of hugeplan.plan=, "" when absent */
	/*
	 * 1 + the first node id of HP_MAX_NODES or more that a hugepages= names on a host that
	 * has such nodes (arch nodes_beyond): not modelled, so what the kernel does with that
	 * parameter is not known here; 0 when none.
	 */
	unsigned unmodelled_node;
	/* What the kernel prints while parsing, in order, as it prints it ("HugeTLB: ..."). */
	char msgs[HP_MAX_KMSGS][HP_KMSG_LEN];
	size_t nr_msgs;
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

/* hp_param_eq - parameq(): names equal when '-' and '_' are taken as the same. */
bool hp_param_eq(const char *a, const char *b);

/*
 * hp_kcmdline_simulate - parse cmdline (words after "--" are init's and not read) as the
 * kernel described by arch would. Always succeeds for any input; returns 0.
 */
int hp_kcmdline_simulate(const char *cmdline, const struct hp_karch *arch, struct hp_kreq *out);

/* hp_kreq_pool - the pool of that size in req, or NULL. */
const struct hp_kpool *hp_kreq_pool(const struct hp_kreq *req, uint64_t size);

/* hp_karch_valid_size - whether arch lists size. */
bool hp_karch_valid_size(const struct hp_karch *arch, uint64_t size);

#endif
