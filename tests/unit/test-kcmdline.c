// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line simulation against the rules of mm/hugetlb.c (5.7+, node form
 * 5.16+) as KERNEL-NOTES.md lists them. Each expected value is what the kernel does; the
 * messages are the kernel's own format strings.
 */
#include <stdio.h>
#include <string.h>

#include "hp-test.h"
#include "core/kcmdline.h"
#include "core/size.h"

#define M2 (2 * HP_MIB)
#define G1 HP_GIB

struct epool {
	uint64_t size, pages, n0, n1;
	bool node_form, cma;
	const char *zeroed; /* the invalid value that zeroed the size, NULL: not zeroed */
};

struct kcase {
	const char *cmdline;
	unsigned kver;	 /* 0: 6.1 */
	uint64_t online; /* 0: nodes 0 and 1 */
	bool no_node_alloc;
	bool no_sizes;
	uint64_t def;
	struct epool pools[3]; /* every registered pool; size 0 ends */
	const char *msgs[4];
	bool free_vmemmap;
	const char *plan_id;
	enum hp_kcma cma; /* CONFIG_CMA; unknown is taken as built in */
	bool cma_unknown; /* hugetlb_cma= unknown to the kernel */
};

static const struct kcase cases[] = {
	/* the safe form hugeplan renders */
	{ "default_hugepagesz=1G hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=1", .def = G1,
	  .pools = { { M2, 64 }, { G1, 1 } } },
	/* no hugetlb parameter: HPAGE_SIZE registered, nothing asked */
	{ "root=/dev/sda console=ttyS0", .def = M2, .pools = { { M2, 0 } } },
	{ "", .def = M2, .pools = { { M2, 0 } } },
	/* a size twice: the second pair is ignored, its hugepages= follows no valid size */
	{ "hugepagesz=1G hugepages=2 hugepagesz=1G hugepages=4", .def = M2,
	  .pools = { { G1, 2 }, { M2, 0 } },
	  .msgs = { "HugeTLB: hugepagesz=1G specified twice, ignoring",
		    "HugeTLB: hugepages=4 does not follow a valid hugepagesz, ignoring" } },
	/* unsupported size: its count is dropped */
	{ "hugepagesz=4M hugepages=10", .def = M2, .pools = { { M2, 0 } },
	  .msgs = { "HugeTLB: unsupported hugepagesz=4M",
		    "HugeTLB: hugepages=10 does not follow a valid hugepagesz, ignoring" } },
	/* a bare leading hugepages= is the default size's and wins over a later pair */
	{ "hugepages=100 hugepagesz=2M hugepages=50", .def = M2, .pools = { { M2, 100 } },
	  .msgs = { "HugeTLB: Ignoring hugepages=50 associated with 2.00 MiB page size",
		    "HugeTLB: Using hugepages=100 for number of default huge pages" } },
	/* two hugepages= without hugepagesz= between them */
	{ "hugepages=10 hugepages=20", .def = M2, .pools = { { M2, 10 } },
	  .msgs = { "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, "
		    "ignoring hugepages=20" } },
	{ "hugepagesz=2M hugepages=10 hugepages=20", .def = M2, .pools = { { M2, 10 } },
	  .msgs = { "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, "
		    "ignoring hugepages=20" } },
	/* per node, 5.16+ */
	{ "hugepagesz=1G hugepages=0:1,1:1", .def = M2,
	  .pools = { { G1, 2, 1, 1, true }, { M2, 0 } } },
	{ "hugepagesz=1G hugepages=1:3", .def = M2, .pools = { { G1, 3, 0, 3, true }, { M2, 0 } } },
	/* one node id not online zeroes the whole size on every node */
	{ "hugepagesz=1G hugepages=0:1,5:1", .def = M2,
	  .pools = { { G1, 0, .zeroed = "0:1,5:1" }, { M2, 0 } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 5:1" } },
	{ "hugepagesz=1G hugepages=0:1,2:1", .online = 0x3, .def = M2,
	  .pools = { { G1, 0, .zeroed = "0:1,2:1" }, { M2, 0 } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 2:1" } },
	/* mixing forms is invalid */
	{ "hugepagesz=2M hugepages=0:1,2", .def = M2, .pools = { { M2, 0, .zeroed = "0:1,2" } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 2" } },
	/* an empty count after the node */
	{ "hugepagesz=2M hugepages=0:", .def = M2, .pools = { { M2, 0, .zeroed = "0:" } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter " } },
	/* a zeroed size may be given again? No: hugepagesz= twice is still twice */
	{ "hugepagesz=1G hugepages=0:1,7:1 hugepagesz=1G hugepages=2", .def = M2,
	  .pools = { { G1, 0, .zeroed = "0:1,7:1" }, { M2, 0 } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 7:1",
		    "HugeTLB: hugepagesz=1G specified twice, ignoring",
		    "HugeTLB: hugepages=2 does not follow a valid hugepagesz, ignoring" } },
	/* but after an invalid hugepages=, a second hugepages= for the same size is taken */
	{ "hugepagesz=1G hugepages=0:1,7:1 hugepages=2", .def = M2,
	  .pools = { { G1, 2 }, { M2, 0 } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 7:1" } },
	/* before 5.16: sscanf("%lu") reads the node number as the count */
	{ "hugepagesz=1G hugepages=0:2", .kver = HP_KVER(5, 10, 0), .def = M2,
	  .pools = { { G1, 0 }, { M2, 0 } } },
	{ "hugepagesz=1G hugepages=1:2", .kver = HP_KVER(5, 15, 0), .def = M2,
	  .pools = { { G1, 1 }, { M2, 0 } } },
	/* an architecture without node specific allocation */
	{ "hugepagesz=1G hugepages=0:1", .no_node_alloc = true, .def = M2,
	  .pools = { { G1, 0 }, { M2, 0 } },
	  .msgs = { "HugeTLB: architecture can't support node specific alloc, ignoring!" } },
	/* default_hugepagesz once only */
	{ "default_hugepagesz=1G default_hugepagesz=2M", .def = G1,
	  .pools = { { G1, 0 }, { M2, 0 } },
	  .msgs = { "HugeTLB: default_hugepagesz previously specified, ignoring 2M" } },
	{ "default_hugepagesz=4M", .def = M2, .pools = { { M2, 0 } },
	  .msgs = { "HugeTLB: unsupported default_hugepagesz=4M" } },
	/* the default size may get its pair once, if its count was not given */
	{ "default_hugepagesz=1G hugepagesz=1G hugepages=4", .def = G1,
	  .pools = { { G1, 4 }, { M2, 0 } } },
	{ "hugepages=4 default_hugepagesz=1G hugepagesz=1G hugepages=8", .def = G1,
	  .pools = { { G1, 4 }, { M2, 0 } },
	  .msgs = { "HugeTLB: hugepagesz=1G specified twice, ignoring",
		    "HugeTLB: hugepages=8 does not follow a valid hugepagesz, ignoring" } },
	/* a leading hugepages= with default_hugepagesz= later goes to that size */
	{ "hugepages=3 default_hugepagesz=1G", .def = G1, .pools = { { G1, 3 }, { M2, 0 } } },
	/* hugepages= straight after default_hugepagesz= is the default size's */
	{ "default_hugepagesz=1G hugepages=2", .def = G1, .pools = { { G1, 2 }, { M2, 0 } } },
	/* hugetlb_cma skips boot-time gigantic pages, wherever it stands */
	{ "hugepagesz=1G hugepages=2 hugepagesz=2M hugepages=8 hugetlb_cma=4G", .def = M2,
	  .pools = { { G1, 2, .cma = true }, { M2, 8 } },
	  .msgs = { "HugeTLB: hugetlb_cma is enabled, skip boot time allocation" } },
	{ "hugetlb_cma=0:2G,1:2G hugepagesz=1G hugepages=1", .def = M2,
	  .pools = { { G1, 1, .cma = true }, { M2, 0 } },
	  .msgs = { "HugeTLB: hugetlb_cma is enabled, skip boot time allocation" } },
	{ "hugetlb_cma=0 hugepagesz=1G hugepages=1", .def = M2, .pools = { { G1, 1 }, { M2, 0 } } },
	/* next_arg(): quotes group and are stripped; '-' and '_' are the same in names */
	{ "\"hugepagesz=2M\" hugepages=\"16\"", .def = M2, .pools = { { M2, 16 } } },
	{ "default-hugepagesz=1G hugepagesz=1G hugepages=1", .def = G1,
	  .pools = { { G1, 1 }, { M2, 0 } } },
	/* after "--" the words are init's */
	{ "hugepagesz=2M -- hugepages=5", .def = M2, .pools = { { M2, 0 } } },
	/* memparse reads "2MB" as 2M; sscanf stops at the first non-digit */
	{ "hugepagesz=2MB hugepages=64abc", .def = M2, .pools = { { M2, 64 } } },
	{ "hugepagesz=0x40000000 hugepages=1", .def = M2, .pools = { { G1, 1 }, { M2, 0 } } },
	{ "hugepagesz=2M hugepages=-1", .def = M2, .pools = { { M2, 0, .zeroed = "-1" } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter -1" } },
	/* a word that only starts like a parameter is not it */
	{ "hugepagesize=1G hugepages_x=3 xhugepages=4", .def = M2, .pools = { { M2, 0 } } },
	/* no huge page support at all: no size is valid; only a bare count reaches the
	 * "not supported" warning of hugetlb_init() */
	{ "hugepagesz=2M hugepages=1", .no_sizes = true, .def = 0,
	  .msgs = { "HugeTLB: unsupported hugepagesz=2M",
		    "HugeTLB: hugepages=1 does not follow a valid hugepagesz, ignoring" } },
	{ "hugepages=1", .no_sizes = true, .def = 0,
	  .msgs = { "HugeTLB: huge pages not supported, ignoring associated command-line "
		    "parameters" } },
	/*
	 * Allocation as the kernel performs it (mm/hugetlb.c 6.1 and 6.12; issue 19), each seen
	 * on both kernels (tests/boot/run-diff.sh, 2 nodes): a count "asked" is what the kernel
	 * sets out to allocate. Once any per-node count of a size is non-zero only the per-node
	 * counts are allocated: the leading 2 that default_hugepagesz= gave 2M is never
	 * allocated (seen: 1 page, on node0, nothing logged).
	 */
	{ "hugepages=2 default_hugepagesz=2M hugepages=0:1,1:0", .def = M2,
	  .pools = { { M2, 1, 1, 0, true } } },
	/* gigantic pages are allocated while parsing, once per count: seen 2 x 1 GiB */
	{ "hugepages=1 default_hugepagesz=1G hugepages=1", .def = G1,
	  .pools = { { G1, 2 }, { M2, 0 } } },
	/* seen: 3 x 1 GiB, node0 2 and node1 1 (2 spread, then 1 for node0) */
	{ "hugepages=2 default_hugepagesz=1G hugepages=0:1", .def = G1,
	  .pools = { { G1, 3, 1, 0, true }, { M2, 0 } } },
	/* the rest of the family, each booted on both kernels with the counts given here */
	{ "hugepages=2 default_hugepagesz=1G hugepages=0", .def = G1,
	  .pools = { { G1, 2 }, { M2, 0 } } },
	{ "hugepages=0:1 default_hugepagesz=1G hugepages=2", .def = G1,
	  .pools = { { G1, 2, 2, 0, true }, { M2, 0 } } },
	/* 5 then 2 more: the guest had 6 free GiBs, the kernel said "allocating 2 ... failed" */
	{ "hugepages=5 default_hugepagesz=1G hugepages=2", .def = G1,
	  .pools = { { G1, 7 }, { M2, 0 } } },
	/* the leading 3 became 2M's, then the node list added 1 and zeroed it all */
	{ "hugepages=3 default_hugepagesz=2M hugepages=0:1,9:1", .def = M2,
	  .pools = { { M2, 0, .zeroed = "0:1,9:1" } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 9:1" } },
	/* a zeroed leading count zeroes the default size */
	{ "hugepages=0:1,9:1 default_hugepagesz=1G", .def = G1,
	  .pools = { { G1, 0, .zeroed = "0:1,9:1" }, { M2, 0 } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 9:1" } },
	/* pages allocated before an invalid value zeroed the count stay */
	{ "hugepagesz=1G hugepages=1 hugepagesz=2M default_hugepagesz=1G hugepages=0:1,7:1",
	  .def = G1, .pools = { { G1, 1 }, { M2, 0, .zeroed = "0:1,7:1" } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter 7:1" } },
	/* hugepagesz= of the default size is taken again, but its count is the same one */
	{ "default_hugepagesz=1G hugepages=0 hugepagesz=1G hugepages=1", .def = G1,
	  .pools = { { G1, 0 }, { M2, 0 } },
	  .msgs = { "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, "
		    "ignoring hugepages=1" } },
	/*
	 * Found by tests/boot/run-diff.sh (DIFF_SEED=2) where the old reading of final counts
	 * was wrong, with what both kernels held: a leading node list gives the 1G default its
	 * node0 count, allocated once at default_hugepagesz= and again at the next count
	 * (2 on node0); the per-node 21 alone is allocated, not the leading 1 (21 of 22 was
	 * reported short); counts add up across allocations (1 + 3).
	 */
	{ "hugepages=1:0,0:1 hugepagesz=2M default_hugepagesz=1G hugepages=1", .def = G1,
	  .pools = { { M2, 0 }, { G1, 2, 2, 0, true } } },
	{ "hugepages=1 default_hugepagesz=2M hugepages=1:21 hugepages=1:21,0:1", .def = M2,
	  .pools = { { M2, 21, 0, 21, true } },
	  .msgs = { "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, "
		    "ignoring hugepages=1:21,0:1" } },
	{ "hugepages=1 default_hugepagesz=1G hugepages=3 hugetlb_cma=2G", .def = G1,
	  .cma = HP_CMA_NO, .cma_unknown = true, .pools = { { G1, 4 }, { M2, 0 } } },
	/* found by the long run (DIFF_SEED=19): the later count replaces the leading one, on
	 * both kernels 0 pages and no message; nothing was dropped */
	{ "hugepages=1 default_hugepagesz=2M hugepages=0", .def = M2, .pools = { { M2, 0 } } },
	/* and: an invalid node list without a count zeroes what the leading count gave 2M */
	{ "hugepages=2 hugepages= hugepagesz=1G default-hugepagesz=2M hugepages=0:", .def = M2,
	  .pools = { { M2, 0, .zeroed = "0:" }, { G1, 0 } },
	  .msgs = { "HugeTLB: hugepages= specified twice without interleaving hugepagesz=, "
		    "ignoring hugepages=",
		    "HugeTLB: Invalid hugepages parameter " } },
	{ "\"hugepages=1:1,0:1\" default-hugepagesz=2M hugepages=0: hugepagesz=2048K", .def = M2,
	  .pools = { { M2, 0, .zeroed = "0:" } },
	  .msgs = { "HugeTLB: Invalid hugepages parameter " } },
	/*
	 * hugetlb_cma=: seen on both kernels (no CONFIG_CMA): "Unknown kernel command line
	 * parameters", and the 1G pool allocated. With CMA (mm/hugetlb.c; no kernel booted
	 * here has it): every gigantic allocation is skipped with one warning, even for no
	 * pages; hugetlb_cma_reserve() drops offline nodes and nodes below one 1G page, and a
	 * total below one page is no reservation.
	 */
	{ "hugetlb_cma=2G hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4", .def = M2,
	  .cma = HP_CMA_NO, .cma_unknown = true, .pools = { { G1, 1 }, { M2, 4 } } },
	{ "hugetlb_cma=2G hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4", .def = M2,
	  .cma = HP_CMA_YES, .pools = { { G1, 1, .cma = true }, { M2, 4 } },
	  .msgs = { "HugeTLB: hugetlb_cma is enabled, skip boot time allocation" } },
	{ "hugetlb_cma=512M hugepagesz=1G hugepages=1", .def = M2, .cma = HP_CMA_YES,
	  .pools = { { G1, 1 }, { M2, 0 } } },
	{ "hugetlb_cma=0:512M hugepagesz=1G hugepages=1", .def = M2, .cma = HP_CMA_YES,
	  .pools = { { G1, 1 }, { M2, 0 } } },
	{ "hugetlb_cma=0:1G,5:2G hugepagesz=1G hugepages=1", .def = M2, .cma = HP_CMA_YES,
	  .pools = { { G1, 1, .cma = true }, { M2, 0 } },
	  .msgs = { "HugeTLB: hugetlb_cma is enabled, skip boot time allocation" } },
	{ "hugepagesz=1G hugepages=0 hugetlb_cma=2G", .def = M2, .cma = HP_CMA_YES,
	  .pools = { { G1, 0 }, { M2, 0 } },
	  .msgs = { "HugeTLB: hugetlb_cma is enabled, skip boot time allocation" } },
	{ "hugetlb_free_vmemmap=on hugeplan.plan=0123456789abcdef", .def = M2,
	  .pools = { { M2, 0 } }, .free_vmemmap = true, .plan_id = "0123456789abcdef" },
	{ "hugetlb_free_vmemmap=off", .def = M2, .pools = { { M2, 0 } } },
	/* lib/ctype.c: 0xA0 is a blank to the kernel, so these are two words (issue 17) */
	{ "quiet\xa0hugepages=4", .def = M2, .pools = { { M2, 4 } } },
	{ "hugepagesz=1G\xa0hugepages=2\x0bhugepagesz=2M\fhugepages=8", .def = M2,
	  .pools = { { G1, 2 }, { M2, 8 } } },
};

static void arch_for(const struct kcase *c, struct hp_karch *a)
{
	memset(a, 0, sizeof(*a));
	if (!c->no_sizes) {
		a->sizes[0] = M2;
		a->sizes[1] = G1;
		a->nr_sizes = 2;
		a->hugepages_supported = true;
	}
	a->hpage_size = M2;
	a->gigantic_min = 8 * HP_MIB;
	a->online_nodes = c->online ? c->online : 0x3;
	a->kver = c->kver ? c->kver : HP_KVER(6, 1, 0);
	a->node_alloc = !c->no_node_alloc;
	a->cma = c->cma;
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct kcase *c = &cases[i];
		struct hp_karch a;
		struct hp_kreq r;
		size_t np = 0, nm = 0;

		arch_for(c, &a);
		print_message("case %zu: %s\n", i, c->cmdline);
		assert_int_equal(hp_kcmdline_simulate(c->cmdline, &a, &r), 0);
		assert_true(r.default_size == c->def);
		for (; np < ARRAY_SIZE(c->pools) && c->pools[np].size; np++) {
			const struct epool *e = &c->pools[np];
			const struct hp_kpool *p = hp_kreq_pool(&r, e->size);

			assert_non_null(p);
			assert_true(p->pages == e->pages);
			assert_true(p->node_pages[0] == e->n0);
			assert_true(p->node_pages[1] == e->n1);
			assert_int_equal(p->node_form, e->node_form);
			assert_int_equal(p->cma_skipped, e->cma);
			assert_int_equal(p->zeroed, e->zeroed != NULL);
			if (e->zeroed)
				assert_string_equal(p->zeroed_val, e->zeroed);
		}
		assert_int_equal(r.nr_pools, np);
		for (; nm < ARRAY_SIZE(c->msgs) && c->msgs[nm]; nm++)
			assert_string_equal(r.msgs[nm], c->msgs[nm]);
		assert_int_equal(r.nr_msgs, nm);
		assert_int_equal(r.free_vmemmap, c->free_vmemmap);
		assert_string_equal(r.plan_id, c->plan_id ? c->plan_id : "");
		assert_int_equal(r.cma_unknown, c->cma_unknown);
	}
}

static void test_next_arg(void **state)
{
	static const struct {
		const char *in;
		const char *param[4];
		const char *val[4];
	} t[] = {
		{ "a=1 b c=\"x y\"", { "a", "b", "c" }, { "1", NULL, "x y" } },
		{ "  lead   trail  ", { "lead", "trail" }, { NULL, NULL } },
		{ "\"q=v w\" z", { "q", "z" }, { "v w", NULL } },
		{ "k==v", { "k" }, { "=v" } },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const char *p = t[i].in;
		char param[64], val[64];
		bool has;
		size_t n = 0;

		while ((p = hp_kcmdline_next(p, param, sizeof(param), val, sizeof(val), &has))) {
			assert_true(n < 4);
			assert_string_equal(param, t[i].param[n]);
			if (t[i].val[n]) {
				assert_true(has);
				assert_string_equal(val, t[i].val[n]);
			} else {
				assert_false(has);
			}
			n++;
		}
		assert_non_null(t[i].param[0]);
		assert_true(n == 4 || t[i].param[n] == NULL);
	}
}

static void test_param_eq(void **state)
{
	(void)state;
	assert_true(hp_param_eq("default-hugepagesz", "default_hugepagesz"));
	assert_true(hp_param_eq("hugepages", "hugepages"));
	assert_false(hp_param_eq("hugepagesz", "hugepages"));
	assert_false(hp_param_eq("hugepages", "hugepagesz"));
}

/*
 * A node list for 64 nodes runs past 512 bytes: the kernel reads it whole (its limit is the
 * command line's), so must the simulation, or the planner's own rendering for a large host
 * would read back as "Invalid hugepages parameter".
 */
static void test_long_node_list(void **state)
{
	char line[2048];
	size_t o;
	struct hp_karch a = { .sizes = { M2, G1 },
			      .nr_sizes = 2,
			      .hpage_size = M2,
			      .gigantic_min = 8 * HP_MIB,
			      .online_nodes = UINT64_MAX,
			      .node_alloc = true,
			      .hugepages_supported = true };
	struct hp_kreq r;

	(void)state;
	o = (size_t)snprintf(line, sizeof(line), "hugepagesz=2M hugepages=");
	for (unsigned n = 0; n < 64; n++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%u:%u", n ? "," : "", n,
				      100000 + n);
	assert_true(o > 24 + 512 && o < 1024);
	assert_int_equal(hp_kcmdline_simulate(line, &a, &r), 0);
	assert_int_equal(r.nr_msgs, 0);
	assert_true(r.pools[0].size == M2);
	assert_true(r.pools[0].pages == 64 * 100000 + 63 * 64 / 2);
	assert_true(r.pools[0].node_pages[63] == 100063);
}

/*
 * The counts the kernel drops with a message, for the size named before them: the verdict's
 * "ignored" and "unsupported" rest on these, and only on these (a count a later one
 * replaces is not dropped: "hugepages=1 default_hugepagesz=2M hugepages=0" asks for none).
 */
static void test_lost_counts(void **state)
{
	static const struct {
		const char *cmdline;
		uint64_t size; /* 0: nothing dropped */
		const char *val;
	} t[] = {
		{ "hugepages=1 default_hugepagesz=2M hugepages=0", 0, NULL },
		{ "hugepagesz=4M hugepages=10", 4 * HP_MIB, "10" },
		{ "hugepagesz=1G hugepages=2 hugepagesz=1G hugepages=4", G1, "4" },
		{ "hugepagesz=2M hugepages=10 hugepages=0:20", M2, "0:20" },
		/* before any size: the default's, whichever it turns out to be */
		{ "hugepages=10 hugepages=20", M2, "20" },
		{ "hugepages=10 hugepages=20 default_hugepagesz=1G", G1, "20" },
		{ "default_hugepagesz=1G default_hugepagesz=2M hugepages=5", M2, "5" },
		/* a size the kernel cannot read: dropped, but for no pool */
		{ "hugepagesz=abc hugepages=3", 0, "3" },
	};
	struct hp_karch a;
	struct hp_kreq r;

	(void)state;
	arch_for(&cases[0], &a);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		print_message("%s\n", t[i].cmdline);
		hp_kcmdline_simulate(t[i].cmdline, &a, &r);
		if (!t[i].val) {
			assert_int_equal(r.nr_lost, 0);
			continue;
		}
		assert_int_equal(r.nr_lost, 1);
		assert_true(r.lost[0].size == t[i].size);
		assert_string_equal(r.lost[0].val, t[i].val);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),	    cmocka_unit_test(test_next_arg),
		cmocka_unit_test(test_param_eq),    cmocka_unit_test(test_long_node_list),
		cmocka_unit_test(test_lost_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
