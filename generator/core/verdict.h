/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The early-boot verdict: what the kernel command line asked of the huge page pools against
 * what sysfs shows, per size and per node, with the kernel's own messages as reasons. Pure.
 *
 * Rules (mm/hugetlb.c behaviour, see shared KERNEL-NOTES.md):
 * - "Asked" is the kernel's reading of the command line (hp_kcmdline_simulate()), not the
 *   text: a duplicate or misplaced parameter the kernel ignores asks for nothing.
 * - Except when the kernel asks for nothing of a size the command line wrote a count for: a
 *   size whose count an invalid node-form value zeroed ("zeroed"), a size the machine does not
 *   support ("unsupported"), a count the kernel ignored ("ignored": after a repeated or
 *   unsupported hugepagesz=). Those pages, the first count written for the size, are missing.
 * - The per-node sysfs counts are the truth. The node a "failed nodeK" message names is kept
 *   only as a hint: on 6.1 a gigantic page asked for one node can land on another.
 * - Per node, only a node-form request has per-node verdicts; a node holding more than asked
 *   ("over": pages that fell back from another node) is not a shortfall by itself.
 * - A size is short when its total is short or any node of a node-form request is short; its
 *   shortfall is the larger of the two counts.
 * - The kernel's own lines check the simulation: its parameter lines must be the ones the
 *   simulation expected, and each "allocating N ... failed" must name an allocation the
 *   simulation has (N pages, on that node or spread). When they are not, the verdict says
 *   so (prediction HP_PRED_NO): what was asked is then the simulation's guess.
 */
#ifndef HP_VERDICT_H
#define HP_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kcmdline.h"
#include "core/pools.h"

#define HP_VERDICT_MAX_SIZES   (HP_MAX_SIZES + 4) /* registered sizes plus unsupported ones */
#define HP_VERDICT_MAX_KMSGS   64
#define HP_VERDICT_MAX_REASONS 8

enum hp_status {
	HP_ST_NONE,	   /* not requested */
	HP_ST_MET,	   /* allocated == requested (or more) */
	HP_ST_SHORT,	   /* fewer pages than requested */
	HP_ST_OVER,	   /* node only: more than that node asked for */
	HP_ST_ZEROED,	   /* the kernel zeroed the size over an invalid hugepages= value */
	HP_ST_UNSUPPORTED, /* the size does not exist on this machine */
	HP_ST_IGNORED,	   /* the kernel ignored the count written for the size (a repeat...) */
};

enum hp_prediction {
	HP_PRED_UNCHECKED, /* the kernel log was not read (nothing to explain, or unreadable) */
	HP_PRED_YES,	   /* the kernel printed exactly the lines the simulation expected */
	HP_PRED_NO,	   /* it printed one the simulation did not expect, or not one it did */
};

enum hp_overall {
	HP_V_NOTHING, /* no size was asked for: nothing to verify */
	HP_V_MET,
	HP_V_SHORT,
};

struct hp_vnode {
	unsigned id;
	bool asked; /* node form: a count was given for this node (0 included) */
	uint64_t requested, allocated, free;
	enum hp_status status; /* HP_ST_NONE for a balanced request */
	uint64_t short_pages;
};

/* row(): a size's fields are cleared up to nodes[]; nodes, nr_nodes and after are set as used */
struct hp_vsize {
	uint64_t size;
	enum hp_status status;
	uint64_t requested;	   /* pages the command line asked for this size */
	uint64_t kernel_requested; /* pages the kernel set out to allocate (0 when zeroed) */
	uint64_t allocated, free;  /* persistent pages (nr - surplus), free pages */
	uint64_t short_pages;
	bool present; /* sysfs has the size */
	bool node_form, gigantic, is_default, cma_skipped;
	struct hp_vnode nodes[HP_MAX_NODES];
	size_t nr_nodes;
	int hint_node; /* node named by the kernel's failure message, -1 none */
	unsigned reasons[HP_VERDICT_MAX_REASONS]; /* indexes into hp_verdict.kmsgs */
	size_t nr_reasons;
};

struct hp_ignored {
	char text[HP_KMSG_LEN];
	bool from_kernel; /* quoted from the kernel log (else the simulation's expected line) */
	bool predicted;	  /* the simulation expected it (else only the kernel printed it) */
};

/*
 * hp_verdict_compute() clears each entry of sizes, ignored and kmsgs as it adds it, and every
 * other field whole: the scalars first, the arrays last (a new field goes before sizes), so
 * that a boot writes few pages of it, each page a fault (issue 20)
 */
struct hp_verdict {
	enum hp_overall status;
	uint64_t short_bytes;
	size_t nr_sizes;
	size_t nr_ignored;
	size_t nr_kmsgs;
	bool kmsg_read; /* the kernel log was readable */
	enum hp_prediction prediction;
	const char *series; /* the kernel series the simulation modelled (hp_kcmdline_series()) */
	struct hp_vsize sizes[HP_VERDICT_MAX_SIZES]; /* ascending size */
	struct hp_ignored ignored[HP_MAX_KMSGS];
	char kmsgs[HP_VERDICT_MAX_KMSGS][HP_KMSG_LEN]; /* the kernel's HugeTLB lines, in order */
};

/* kmsg state of a check that had nothing for the kernel log to explain (met, nothing ignored) */
#define HP_KMSG_UNNEEDED "not read: nothing to explain"

struct hp_verdict_in {
	const char *cmdline;
	const struct hp_karch *arch;
	const struct hp_kreq *req; /* hp_kcmdline_simulate(cmdline, arch) */
	const struct hp_pools *pools;
	/*
	 * kernel log lines (any; non-HugeTLB ones are skipped); they may be out->kmsgs' own
	 * lines, in order (the boot check reads the log into them): those stay where they are
	 */
	const char *const *kmsgs;
	size_t nr_kmsgs;
	bool kmsg_read; /* false: the log was unreadable, kmsgs is empty */
};

/* hp_verdict_compute - fill *out (about 100 KiB: allocate it, don't put it on a small stack). */
void hp_verdict_compute(const struct hp_verdict_in *in, struct hp_verdict *out);

/* hp_kmsg_is_hugetlb - the line is one of the kernel's "HugeTLB" messages. */
bool hp_kmsg_is_hugetlb(const char *text);

/*
 * hp_kmsg_same - the two lines say the same thing: equal once runs of blanks are one blank and
 * "HugeTLB registered" (before about 5.19) is read as "HugeTLB: registered".
 */
bool hp_kmsg_same(const char *a, const char *b);

/*
 * hp_kmsg_alloc_failed - parse "HugeTLB: allocating N of page size S failed[ nodeK].  Only
 * allocated M hugepages." (one or two blanks after "failed."). *size_text gets S ("1.00 GiB",
 * blanks normalised); *node is -1 without "nodeK". Returns true when text is such a line.
 */
bool hp_kmsg_alloc_failed(const char *text, uint64_t *asked, uint64_t *got, int *node,
			  char *size_text, size_t len);

/* hp_kmsg_names_size - S (as printed, e.g. "1.00 GiB", "2.00 MB") is that many bytes. */
bool hp_kmsg_names_size(const char *s, uint64_t bytes);

const char *hp_status_name(enum hp_status st);
const char *hp_overall_name(enum hp_overall st);

#endif
