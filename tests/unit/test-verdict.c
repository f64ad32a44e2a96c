// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot verdict against KERNEL-NOTES.md and the lines real 6.1 boots printed (tests/boot):
 * every kernel message below was seen on a boot, unless its comment says otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/kcmdline.h"
#include "core/size.h"
#include "core/verdict.h"

#define M2 (2 * HP_MIB)
#define G1 HP_GIB
#define M4 (4 * HP_MIB)

struct nodecount {
	uint64_t size;
	unsigned node;
	uint64_t nr, surplus;
};

struct tc {
	const char *cmdline;
	uint64_t sizes[4]; /* what sysfs lists; 0 ends */
	uint64_t online;   /* node mask; 0 means node 0 only */
	struct nodecount counts[8];
	const char *kmsgs[12];
	bool no_kmsg;
	enum hp_kcma cma;
};

static struct hp_karch arch;
static struct hp_kreq req;
static struct hp_pools pools;

static struct hp_verdict *run(const struct tc *t)
{
	static struct hp_verdict v;
	struct hp_verdict_in in = { 0 };
	size_t nk = 0;

	memset(&arch, 0, sizeof(arch));
	memset(&pools, 0, sizeof(pools));
	pools.online_mask = t->online ? t->online : 1;
	pools.numa_sysfs = true;
	for (size_t i = 0; i < 4 && t->sizes[i]; i++) {
		struct hp_pool *p = &pools.pools[pools.nr_pools++];

		p->size = t->sizes[i];
		arch.sizes[arch.nr_sizes++] = t->sizes[i];
		for (unsigned n = 0; n < HP_MAX_NODES; n++) {
			struct hp_pool_node *pn;

			if (!((pools.online_mask >> n) & 1))
				continue;
			pn = &p->nodes[p->nr_nodes++];
			pn->id = n;
			for (size_t k = 0; k < 8; k++) {
				const struct nodecount *c = &t->counts[k];

				if (c->size == p->size && c->node == n) {
					pn->nr = c->nr;
					pn->surplus = c->surplus;
					pn->free = c->nr;
				}
			}
			p->nr += pn->nr;
			p->surplus += pn->surplus;
			p->free += pn->free;
		}
	}
	arch.hpage_size = M2;
	arch.gigantic_min = 8 * HP_MIB;
	arch.online_nodes = pools.online_mask;
	arch.kver = HP_KVER(6, 1, 0);
	arch.node_alloc = true;
	arch.hugepages_supported = arch.nr_sizes > 0;
	arch.cma = t->cma;
	hp_kcmdline_simulate(t->cmdline, &arch, &req);
	while (nk < 12 && t->kmsgs[nk])
		nk++;
	in.cmdline = t->cmdline;
	in.arch = &arch;
	in.req = &req;
	in.pools = &pools;
	in.kmsgs = t->kmsgs;
	in.nr_kmsgs = nk;
	in.kmsg_read = !t->no_kmsg;
	hp_verdict_compute(&in, &v);
	return &v;
}

static const struct hp_vsize *sz(const struct hp_verdict *v, uint64_t size)
{
	for (size_t i = 0; i < v->nr_sizes; i++)
		if (v->sizes[i].size == size)
			return &v->sizes[i];
	fail_msg("no row for size %llu", (unsigned long long)size);
	return NULL;
}

static const struct hp_vnode *nd(const struct hp_vsize *s, unsigned id)
{
	for (size_t i = 0; i < s->nr_nodes; i++)
		if (s->nodes[i].id == id)
			return &s->nodes[i];
	fail_msg("no node %u", id);
	return NULL;
}

static const char *reason(const struct hp_verdict *v, const struct hp_vsize *s, size_t i)
{
	assert_true(i < s->nr_reasons);
	return v->kmsgs[s->reasons[i]];
}

#define FAIL_2x1G  "HugeTLB: allocating 2 of page size 1.00 GiB failed.  Only allocated 0 hugepages."
#define REG(sz, n) "HugeTLB: registered " sz " page size, pre-allocated " #n " pages"

/* KERNEL-NOTES: 2 x 1G asked on a 1 GiB guest, none allocated */
static void test_gigantic_short(void **state)
{
	const struct tc t = {
		.cmdline = "console=ttyS0 hugepagesz=1G hugepages=2",
		.sizes = { M2, G1 },
		.kmsgs = { FAIL_2x1G, REG("1.00 GiB", 0), REG("2.00 MiB", 0) },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *s = sz(v, G1);

	(void)state;
	assert_int_equal(v->status, HP_V_SHORT);
	assert_int_equal(s->status, HP_ST_SHORT);
	assert_int_equal(s->requested, 2);
	assert_int_equal(s->allocated, 0);
	assert_int_equal(s->short_pages, 2);
	assert_int_equal(v->short_bytes, 2 * G1);
	assert_int_equal(s->nr_reasons, 1);
	assert_string_equal(reason(v, s, 0), FAIL_2x1G);
	assert_int_equal(s->hint_node, -1);
	assert_int_equal(sz(v, M2)->status, HP_ST_NONE);
	assert_int_equal(v->nr_ignored, 0);
}

/* one blank after "failed." (KERNEL-NOTES: match one or two) */
static void test_tolerant_failure_line(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=1G hugepages=2",
		.sizes = { M2, G1 },
		.kmsgs = { "HugeTLB: allocating 2 of page size 1.00 GiB failed. Only allocated 0 "
			   "hugepages." },
	};
	const struct hp_verdict *v = run(&t);

	(void)state;
	assert_int_equal(sz(v, G1)->nr_reasons, 1);
}

/*
 * KERNEL-NOTES, seen: 2 nodes (1 GiB + 2 GiB), hugepages=0:1,1:1 gave node0 = 0, node1 = 1
 * and the message named node1. The verdict follows sysfs: node0 is the short one.
 */
static void test_numa_fallback_hint_only(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=2M hugepages=0:64,1:32 hugepagesz=1G hugepages=0:1,1:1",
		.sizes = { M2, G1 },
		.online = 3,
		.counts = { { M2, 0, 64, 0 }, { M2, 1, 32, 0 }, { G1, 1, 1, 0 } },
		.kmsgs = { "HugeTLB: allocating 1 of page size 1.00 GiB failed node1.  Only "
			   "allocated 0 hugepages.",
			   REG("2.00 MiB", 96), REG("1.00 GiB", 1) },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *g = sz(v, G1), *m = sz(v, M2);

	(void)state;
	assert_int_equal(v->status, HP_V_SHORT);
	assert_int_equal(g->status, HP_ST_SHORT);
	assert_true(g->node_form);
	assert_int_equal(g->requested, 2);
	assert_int_equal(g->allocated, 1);
	assert_int_equal(g->short_pages, 1);
	assert_int_equal(nd(g, 0)->status, HP_ST_SHORT);
	assert_int_equal(nd(g, 0)->short_pages, 1);
	assert_int_equal(nd(g, 1)->status, HP_ST_MET);
	assert_int_equal(g->hint_node, 1);
	assert_int_equal(g->nr_reasons, 1);
	assert_int_equal(m->status, HP_ST_MET);
	assert_int_equal(nd(m, 0)->requested, 64);
	assert_int_equal(nd(m, 1)->requested, 32);
	assert_int_equal(v->short_bytes, G1);
}

/* KERNEL-NOTES: "a per-node request met in total but wrong per node" is a shortfall */
static void test_total_met_node_wrong(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=1G hugepages=0:2,1:0",
		.sizes = { M2, G1 },
		.online = 3,
		.counts = { { G1, 0, 1, 0 }, { G1, 1, 1, 0 } },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *g = sz(v, G1);

	(void)state;
	assert_int_equal(g->allocated, 2);
	assert_int_equal(g->status, HP_ST_SHORT);
	assert_int_equal(g->short_pages, 1);
	assert_int_equal(nd(g, 0)->status, HP_ST_SHORT);
	assert_int_equal(nd(g, 1)->status, HP_ST_OVER);
	assert_int_equal(v->status, HP_V_SHORT);
}

/* a balanced request: the kernel spreads it, per-node counts carry no verdict */
static void test_balanced_no_node_verdict(void **state)
{
	const struct tc t = {
		.cmdline = "hugepages=64",
		.sizes = { M2, G1 },
		.online = 3,
		.counts = { { M2, 0, 40, 0 }, { M2, 1, 24, 0 } },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *m = sz(v, M2);

	(void)state;
	assert_int_equal(v->status, HP_V_MET);
	assert_false(m->node_form);
	assert_false(nd(m, 0)->asked);
	assert_int_equal(nd(m, 0)->status, HP_ST_NONE);
	assert_int_equal(nd(m, 1)->allocated, 24);
}

/* seen: one node, "1:1" names an offline node, the kernel zeroes the 1G request */
static void test_invalid_node_zeroes(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=0:1,1:1",
		.sizes = { M2, G1 },
		.counts = { { M2, 0, 64, 0 } },
		.kmsgs = { "HugeTLB: Invalid hugepages parameter 1:1", REG("2.00 MiB", 64),
			   REG("1.00 GiB", 0) },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *g = sz(v, G1);

	(void)state;
	assert_int_equal(v->status, HP_V_SHORT);
	assert_int_equal(g->status, HP_ST_ZEROED);
	assert_int_equal(g->requested, 2);
	assert_int_equal(g->kernel_requested, 0);
	assert_int_equal(g->short_pages, 2);
	assert_int_equal(g->nr_reasons, 1);
	assert_string_equal(reason(v, g, 0), "HugeTLB: Invalid hugepages parameter 1:1");
	assert_int_equal(sz(v, M2)->status, HP_ST_MET);
	assert_int_equal(v->nr_ignored, 1);
	assert_true(v->ignored[0].from_kernel);
	assert_true(v->ignored[0].predicted);
}

/*
 * seen on one boot (3 GiB guest, one free GiB): every ignored parameter of the kernel's list
 * at once; the simulation's six lines equal the kernel's.
 */
static void test_real_ignored_parameters(void **state)
{
	const struct tc t = {
		.cmdline = "hugepages=8 hugepagesz=2M hugepages=16 hugepagesz=2M hugepages=4 "
			   "hugepagesz=4M hugepages=3 default_hugepagesz=1G default_hugepagesz=2M "
			   "hugepages=5",
		.sizes = { M2, G1 },
		.counts = { { M2, 0, 16, 0 }, { G1, 0, 1, 0 } },
		.kmsgs = {
			"HugeTLB: hugepagesz=2M specified twice, ignoring",
			"HugeTLB: hugepages=4 does not follow a valid hugepagesz, ignoring",
			"HugeTLB: unsupported hugepagesz=4M",
			"HugeTLB: hugepages=3 does not follow a valid hugepagesz, ignoring",
			"HugeTLB: allocating 8 of page size 1.00 GiB failed.  Only allocated 1 "
			"hugepages.",
			"HugeTLB: default_hugepagesz previously specified, ignoring 2M",
			"HugeTLB: hugepages=5 does not follow a valid hugepagesz, ignoring",
			REG("2.00 MiB", 16),
			REG("1.00 GiB", 1),
		},
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *g = sz(v, G1), *f = sz(v, M4);

	(void)state;
	assert_int_equal(req.default_size, G1);
	assert_int_equal(sz(v, M2)->status, HP_ST_MET);
	assert_int_equal(sz(v, M2)->requested, 16);
	/* the leading hugepages=8 is the default size's, which default_hugepagesz made 1G */
	assert_int_equal(g->status, HP_ST_SHORT);
	assert_int_equal(g->requested, 8);
	assert_int_equal(g->short_pages, 7);
	assert_int_equal(f->status, HP_ST_UNSUPPORTED);
	assert_false(f->present);
	assert_int_equal(f->requested, 3);
	assert_int_equal(f->short_pages, 3);
	assert_int_equal(f->nr_reasons, 2);
	assert_string_equal(reason(v, f, 0), "HugeTLB: unsupported hugepagesz=4M");
	assert_string_equal(reason(v, f, 1),
			    "HugeTLB: hugepages=3 does not follow a valid hugepagesz, ignoring");
	assert_int_equal(v->nr_ignored, 6);
	for (size_t i = 0; i < v->nr_ignored; i++) {
		assert_true(v->ignored[i].from_kernel);
		assert_true(v->ignored[i].predicted);
	}
	assert_int_equal(v->short_bytes, 7 * G1 + 3 * M4);
}

/* KERNEL-NOTES: 1G exists only with pdpe1gb, often hidden in nested guests */
static void test_no_pdpe1gb(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=8",
		.sizes = { M2 },
		.counts = { { M2, 0, 8, 0 } },
	};
	const struct hp_verdict *v = run(&t);

	(void)state;
	assert_int_equal(v->status, HP_V_SHORT);
	assert_int_equal(sz(v, G1)->status, HP_ST_UNSUPPORTED);
	assert_int_equal(sz(v, G1)->short_pages, 4);
	assert_int_equal(sz(v, M2)->status, HP_ST_MET);
	assert_int_equal(v->short_bytes, 4 * G1);
}

/* hugepagesz=1G twice: the second is ignored and so is the count after it */
static void test_count_ignored(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=1G hugepagesz=1G hugepages=2",
		.sizes = { M2, G1 },
		.kmsgs = { "HugeTLB: hugepagesz=1G specified twice, ignoring",
			   "HugeTLB: hugepages=2 does not follow a valid hugepagesz, ignoring" },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *g = sz(v, G1);

	(void)state;
	assert_int_equal(g->status, HP_ST_IGNORED);
	assert_int_equal(g->requested, 2);
	assert_int_equal(g->kernel_requested, 0);
	assert_int_equal(g->nr_reasons, 2);
	assert_int_equal(v->status, HP_V_SHORT);
}

static void test_nothing_requested(void **state)
{
	const struct tc t = { .cmdline = "console=ttyS0 root=/dev/sda", .sizes = { M2, G1 } };
	const struct hp_verdict *v = run(&t);

	(void)state;
	assert_int_equal(v->status, HP_V_NOTHING);
	assert_int_equal(v->nr_sizes, 2);
	assert_int_equal(sz(v, M2)->status, HP_ST_NONE);
	assert_int_equal(sz(v, G1)->status, HP_ST_NONE);
	assert_int_equal(v->short_bytes, 0);
}

/* no kernel log: the verdict stands, the ignored lines are the simulation's */
static void test_no_kmsg(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=0:1,1:1",
		.sizes = { M2, G1 },
		.counts = { { M2, 0, 64, 0 } },
		.no_kmsg = true,
	};
	const struct hp_verdict *v = run(&t);

	(void)state;
	assert_false(v->kmsg_read);
	assert_int_equal(sz(v, G1)->status, HP_ST_ZEROED);
	assert_int_equal(sz(v, G1)->nr_reasons, 0);
	assert_int_equal(v->nr_ignored, 1);
	assert_false(v->ignored[0].from_kernel);
	assert_string_equal(v->ignored[0].text, "HugeTLB: Invalid hugepages parameter 1:1");
	assert_int_equal(v->prediction, HP_PRED_UNCHECKED);
}

/* a parameter line the simulation did not expect is listed, marked as not predicted */
static void test_unpredicted_kernel_line(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=2M hugepages=8",
		.sizes = { M2, G1 },
		.counts = { { M2, 0, 8, 0 } },
		/* not seen: made up to stand for a kernel that disagrees with the simulation */
		.kmsgs = { "HugeTLB: hugepages=8 does not follow a valid hugepagesz, ignoring" },
	};
	const struct hp_verdict *v = run(&t);

	(void)state;
	assert_int_equal(v->status, HP_V_MET);
	assert_int_equal(v->nr_ignored, 1);
	assert_true(v->ignored[0].from_kernel);
	assert_false(v->ignored[0].predicted);
	assert_int_equal(v->prediction, HP_PRED_NO);
}

/* KERNEL-NOTES: hugetlb_cma skips boot-time gigantic pages (the line is the documented one) */
static void test_cma_skips_gigantic(void **state)
{
	const struct tc t = {
		.cmdline = "hugetlb_cma=2G hugepagesz=1G hugepages=2",
		.sizes = { M2, G1 },
		.kmsgs = { "HugeTLB: hugetlb_cma is enabled, skip boot time allocation" },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *g = sz(v, G1);

	(void)state;
	assert_true(g->cma_skipped);
	assert_int_equal(g->status, HP_ST_SHORT);
	assert_int_equal(g->nr_reasons, 1);
	assert_true(v->ignored[0].from_kernel);
}

/* surplus pages are not the boot-time pool */
static void test_surplus_not_counted(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=2M hugepages=10",
		.sizes = { M2, G1 },
		.counts = { { M2, 0, 10, 2 } },
	};
	const struct hp_verdict *v = run(&t);

	(void)state;
	assert_int_equal(sz(v, M2)->allocated, 8);
	assert_int_equal(sz(v, M2)->short_pages, 2);
}

/*
 * Issue 19, seen on 6.1 and 6.12 (2 nodes, ample memory): the leading 2 went to the default
 * size, the node list added 1 for node0, and the kernel allocated the per-node counts only:
 * 1 page on node0, no message. The report said "short 2 of 3" on this good boot.
 */
static void test_leading_count_then_node_form(void **state)
{
	const struct tc t = {
		.cmdline = "hugepages=2 default_hugepagesz=2M hugepages=0:1,1:0",
		.sizes = { M2, G1 },
		.online = 3,
		.counts = { { M2, 0, 1, 0 } },
		.kmsgs = { REG("2.00 MiB", 1), REG("1.00 GiB", 0) },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *m = sz(v, M2);

	(void)state;
	assert_int_equal(v->status, HP_V_MET);
	assert_int_equal(m->status, HP_ST_MET);
	assert_int_equal(m->requested, 1);
	assert_true(m->node_form);
	assert_int_equal(nd(m, 0)->requested, 1);
	assert_int_equal(nd(m, 0)->status, HP_ST_MET);
	assert_int_equal(nd(m, 1)->requested, 0);
	assert_int_equal(v->short_bytes, 0);
	assert_int_equal(v->prediction, HP_PRED_YES);
}

/*
 * Seen on both kernels: a gigantic page for each count, 2 x 1 GiB (one on each node), and
 * the 2 pages of a first count stay when the second is 0 (the old reading said "met" for 1,
 * and "SHORT: 0 B short" for the second).
 */
static void test_gigantic_pages_per_count(void **state)
{
	static const char *const lines[] = {
		"hugepages=1 default_hugepagesz=1G hugepages=1",
		"hugepages=2 default_hugepagesz=1G hugepages=0",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct tc t = {
			.cmdline = lines[i],
			.sizes = { M2, G1 },
			.online = 3,
			.counts = { { G1, 0, 1, 0 }, { G1, 1, 1, 0 } },
			.kmsgs = { REG("1.00 GiB", 2), REG("2.00 MiB", 0) },
		};
		const struct hp_verdict *v = run(&t);
		const struct hp_vsize *g = sz(v, G1);

		print_message("%s\n", lines[i]);
		assert_int_equal(v->status, HP_V_MET);
		assert_int_equal(g->status, HP_ST_MET);
		assert_int_equal(g->requested, 2);
		assert_int_equal(v->short_bytes, 0);
	}
}

/*
 * Seen on both kernels, 6 free GiBs: 5 pages for the first count, then 1 of 2 for the
 * second, which the kernel logged. The old reading (2 asked, 6 held) said "met".
 */
static void test_second_gigantic_count_fails(void **state)
{
	const struct tc t = {
		.cmdline = "hugepages=5 default_hugepagesz=1G hugepages=2",
		.sizes = { M2, G1 },
		.online = 3,
		.counts = { { G1, 0, 2, 0 }, { G1, 1, 4, 0 } },
		.kmsgs = { "HugeTLB: allocating 2 of page size 1.00 GiB failed.  Only allocated 1 "
			   "hugepages.",
			   REG("1.00 GiB", 6), REG("2.00 MiB", 0) },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *g = sz(v, G1);

	(void)state;
	assert_int_equal(v->status, HP_V_SHORT);
	assert_int_equal(g->status, HP_ST_SHORT);
	assert_int_equal(g->requested, 7);
	assert_int_equal(g->short_pages, 1);
	assert_int_equal(g->nr_reasons, 1);
	assert_int_equal(v->prediction, HP_PRED_YES);
}

/* seen on both kernels: the node list zeroed the count the leading 3 gave 2M */
static void test_zeroed_after_leading_count(void **state)
{
	const struct tc t = {
		.cmdline = "hugepages=3 default_hugepagesz=2M hugepages=0:1,9:1",
		.sizes = { M2, G1 },
		.online = 3,
		.kmsgs = { "HugeTLB: Invalid hugepages parameter 9:1", REG("2.00 MiB", 0),
			   REG("1.00 GiB", 0) },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *m = sz(v, M2);

	(void)state;
	assert_int_equal(m->status, HP_ST_ZEROED);
	assert_int_equal(m->requested, 2);
	assert_int_equal(m->nr_reasons, 1);
	assert_string_equal(reason(v, m, 0), "HugeTLB: Invalid hugepages parameter 9:1");
	assert_int_equal(v->prediction, HP_PRED_YES);
}

/*
 * Seen on both Debian cloud kernels (no CONFIG_CMA): hugetlb_cma= is an unknown parameter,
 * the 1G page is allocated, and no "hugetlb_cma is enabled" line comes.
 */
static void test_cma_unknown_parameter(void **state)
{
	const struct tc t = {
		.cmdline = "hugetlb_cma=2G hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=4",
		.sizes = { M2, G1 },
		.online = 3,
		.counts = { { G1, 0, 1, 0 }, { M2, 0, 2, 0 }, { M2, 1, 2, 0 } },
		.kmsgs = { "Unknown kernel command line parameters \"nokaslr hugetlb_cma=2G\", "
			   "will "
			   "be passed to user space.",
			   REG("1.00 GiB", 1), REG("2.00 MiB", 4) },
		.cma = HP_CMA_NO,
	};
	const struct hp_verdict *v = run(&t);

	(void)state;
	assert_int_equal(v->status, HP_V_MET);
	assert_false(sz(v, G1)->cma_skipped);
	assert_int_equal(sz(v, G1)->requested, 1);
	assert_int_equal(v->nr_ignored, 0);
	assert_int_equal(v->prediction, HP_PRED_YES);
}

/*
 * Found by tests/boot/run-diff.sh (DIFF_SEED=2); the lines and counts are 6.1's (6.12 put
 * both 2M pages on node0): the second default_hugepagesz= is ignored as a repeat, and so is
 * the count after it; the kernel's line for the repeat is a reason of the lost 512M count.
 */
static void test_repeated_default_is_a_reason(void **state)
{
	const struct tc t = {
		.cmdline = "default_hugepagesz=02M hugepagesz=64K default_hugepagesz=512M "
			   "hugepages=1 hugepages=2 default_hugepagesz=0x200000",
		.sizes = { M2, G1 },
		.online = 3,
		.counts = { { M2, 0, 1, 0 }, { M2, 1, 1, 0 } },
		.kmsgs = { "HugeTLB: unsupported hugepagesz=64K",
			   "HugeTLB: default_hugepagesz previously specified, ignoring 512M",
			   "HugeTLB: hugepages=1 does not follow a valid hugepagesz, ignoring",
			   "HugeTLB: default_hugepagesz previously specified, ignoring 0x200000",
			   REG("2.00 MiB", 2), REG("1.00 GiB", 0) },
	};
	const struct hp_verdict *v = run(&t);
	const struct hp_vsize *h = sz(v, 512 * HP_MIB);

	(void)state;
	assert_int_equal(sz(v, M2)->status, HP_ST_MET);
	assert_int_equal(sz(v, M2)->requested, 2);
	assert_int_equal(h->status, HP_ST_UNSUPPORTED);
	assert_int_equal(h->requested, 1);
	assert_int_equal(h->nr_reasons, 2);
	assert_string_equal(reason(v, h, 0),
			    "HugeTLB: default_hugepagesz previously specified, ignoring 512M");
	assert_string_equal(reason(v, h, 1),
			    "HugeTLB: hugepages=1 does not follow a valid hugepagesz, ignoring");
	assert_int_equal(v->nr_ignored, 4);
	assert_int_equal(v->prediction, HP_PRED_YES);
}

/*
 * Found by the long run (DIFF_SEED=19), each the same on both kernels. A later count
 * replaces a leading one: nothing asked, nothing dropped (it was "ignored, 1 missing"). An
 * invalid node list without a count zeroes what the leading count gave 2M: the 2 pages are
 * missing (it was "ignored"); the kernel's line ends in a blank, where the value was.
 */
static void test_counts_replaced_or_zeroed(void **state)
{
	const struct tc replaced = {
		.cmdline = "hugepages=1 default_hugepagesz=2M hugepages=0",
		.sizes = { M2, G1 },
		.online = 3,
		.kmsgs = { REG("2.00 MiB", 0), REG("1.00 GiB", 0) },
	};
	const struct tc zeroed[] = {
		{
			.cmdline = "hugepages=2 hugepages= hugepagesz=1G default-hugepagesz=2M "
				   "hugepages=0:",
			.sizes = { M2, G1 },
			.online = 3,
			.kmsgs = { "HugeTLB: hugepages= specified twice without interleaving "
				   "hugepagesz=, ignoring hugepages=",
				   "HugeTLB: Invalid hugepages parameter ", REG("1.00 GiB", 0),
				   REG("2.00 MiB", 0) },
		},
		{
			.cmdline = "\"hugepages=1:1,0:1\" default-hugepagesz=2M hugepages=0: "
				   "hugepagesz=2048K",
			.sizes = { M2, G1 },
			.online = 3,
			.kmsgs = { "HugeTLB: Invalid hugepages parameter ", REG("2.00 MiB", 0),
				   REG("1.00 GiB", 0) },
		},
	};
	const struct hp_verdict *v = run(&replaced);

	(void)state;
	assert_int_equal(v->status, HP_V_NOTHING);
	assert_int_equal(sz(v, M2)->status, HP_ST_NONE);
	assert_int_equal(v->nr_ignored, 0);
	for (size_t i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++) {
		const struct hp_vsize *m;

		print_message("%s\n", zeroed[i].cmdline);
		v = run(&zeroed[i]);
		m = sz(v, M2);
		assert_int_equal(v->status, HP_V_SHORT);
		assert_int_equal(m->status, HP_ST_ZEROED);
		assert_int_equal(m->requested, 2);
		assert_int_equal(m->short_pages, 2);
		assert_int_equal(m->nr_reasons, 1);
		assert_string_equal(reason(v, m, 0), "HugeTLB: Invalid hugepages parameter ");
		assert_int_equal(v->prediction, HP_PRED_YES);
	}
}

/* a failure for a count the simulation never set out to allocate: the verdict says so */
static void test_unpredicted_failure_count(void **state)
{
	const struct tc t = {
		.cmdline = "hugepagesz=1G hugepages=2",
		.sizes = { M2, G1 },
		/* not seen: made up to stand for a kernel that disagrees with the simulation */
		.kmsgs = { "HugeTLB: allocating 3 of page size 1.00 GiB failed.  Only allocated 0 "
			   "hugepages." },
	};
	const struct tc n = {
		.cmdline = "hugepagesz=1G hugepages=0:2",
		.sizes = { M2, G1 },
		.kmsgs = { "HugeTLB: allocating 2 of page size 1.00 GiB failed.  Only allocated 0 "
			   "hugepages." },
	};

	(void)state;
	assert_int_equal(run(&t)->prediction, HP_PRED_NO);
	/* the count is right but the kernel spread it, where the simulation has it per node */
	assert_int_equal(run(&n)->prediction, HP_PRED_NO);
}

static void test_message_helpers(void **state)
{
	uint64_t a, g;
	int node;
	char s[32];

	(void)state;
	/* "HugeTLB registered" before about 5.19, "HugeTLB: registered" after */
	assert_true(hp_kmsg_same("HugeTLB registered 2.00 MiB page size, pre-allocated 64 pages",
				 REG("2.00 MiB", 64)));
	assert_true(hp_kmsg_same("HugeTLB: a  b ", "HugeTLB: a b"));
	assert_false(hp_kmsg_same("HugeTLB: a b", "HugeTLB: a c"));
	assert_true(hp_kmsg_is_hugetlb("HugeTLB registered 1.00 GiB page size"));
	assert_false(hp_kmsg_is_hugetlb("hugetlb_cma: reserve 1024 MiB"));

	assert_true(hp_kmsg_alloc_failed("HugeTLB: allocating 1 of page size 1.00 GiB failed "
					 "node1.  Only allocated 0 hugepages.",
					 &a, &g, &node, s, sizeof(s)));
	assert_int_equal(a, 1);
	assert_int_equal(g, 0);
	assert_int_equal(node, 1);
	assert_string_equal(s, "1.00 GiB");
	assert_true(hp_kmsg_alloc_failed("HugeTLB: allocating 128512 of page size 2.00 MiB "
					 "failed.  Only allocated 128074 hugepages.",
					 &a, &g, &node, s, sizeof(s)));
	assert_int_equal(a, 128512);
	assert_int_equal(g, 128074);
	assert_int_equal(node, -1);
	/* a count past 2^64 - 1 stays there: it does not wrap to a small one */
	assert_true(hp_kmsg_alloc_failed(
		"HugeTLB: allocating 18446744073709551616 of page size "
		"2.00 MiB failed.  Only allocated 99999999999999999999 hugepages.",
		&a, &g, &node, s, sizeof(s)));
	assert_true(a == UINT64_MAX);
	assert_true(g == UINT64_MAX);
	assert_false(hp_kmsg_alloc_failed(REG("2.00 MiB", 1), &a, &g, &node, s, sizeof(s)));

	/* sizes as string_get_size() prints them (KERNEL-NOTES), and older "MB" spellings */
	assert_true(hp_kmsg_names_size("2.00 MiB", M2));
	assert_true(hp_kmsg_names_size("1.00 GiB", G1));
	assert_true(hp_kmsg_names_size("16.0 GiB", 16 * G1));
	assert_true(hp_kmsg_names_size("512 MiB", 512 * HP_MIB));
	assert_true(hp_kmsg_names_size("64.0 KiB", 64 * HP_KIB));
	assert_true(hp_kmsg_names_size("1024 MB", G1));
	/* read as numbers: a fraction, and kB */
	assert_true(hp_kmsg_names_size("1.5 GiB", 1536 * HP_MIB));
	assert_true(hp_kmsg_names_size("0.5 GiB", 512 * HP_MIB));
	assert_true(hp_kmsg_names_size("2048 kB", M2));
	assert_false(hp_kmsg_names_size("1.5 GiB", G1));
	assert_false(hp_kmsg_names_size("0 GiB", G1));
	assert_false(hp_kmsg_names_size("2.00 MiB", G1));
	assert_false(hp_kmsg_names_size("1.00 GiB", 2 * G1));
	assert_false(hp_kmsg_names_size("x", G1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gigantic_short),
		cmocka_unit_test(test_tolerant_failure_line),
		cmocka_unit_test(test_numa_fallback_hint_only),
		cmocka_unit_test(test_total_met_node_wrong),
		cmocka_unit_test(test_balanced_no_node_verdict),
		cmocka_unit_test(test_invalid_node_zeroes),
		cmocka_unit_test(test_real_ignored_parameters),
		cmocka_unit_test(test_no_pdpe1gb),
		cmocka_unit_test(test_count_ignored),
		cmocka_unit_test(test_nothing_requested),
		cmocka_unit_test(test_no_kmsg),
		cmocka_unit_test(test_unpredicted_kernel_line),
		cmocka_unit_test(test_cma_skips_gigantic),
		cmocka_unit_test(test_surplus_not_counted),
		cmocka_unit_test(test_leading_count_then_node_form),
		cmocka_unit_test(test_gigantic_pages_per_count),
		cmocka_unit_test(test_second_gigantic_count_fails),
		cmocka_unit_test(test_zeroed_after_leading_count),
		cmocka_unit_test(test_cma_unknown_parameter),
		cmocka_unit_test(test_repeated_default_is_a_reason),
		cmocka_unit_test(test_counts_replaced_or_zeroed),
		cmocka_unit_test(test_unpredicted_failure_count),
		cmocka_unit_test(test_message_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
