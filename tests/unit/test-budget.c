// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The budget per node with mixed backings (core/plan.h): static pool + vmemmap + dynamic
 * peak + its vmemmap + ordinary memory of transparent VMs + reserve against MemTotal.
 * Expected numbers are worked out by hand from the rules in core/plan.h (vmemmap: 1/64 of a
 * page, 16 MiB per 1G page, 32 KiB per 2M page; reserve = max(MemTotal share of
 * ReserveMemory=, 512M)); each case shows the arithmetic.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hp-test.h"
#include "core/plan.h"
#include "core/size.h"

#define M2  (2 * HP_MIB)
#define G1  HP_GIB
#define MiB HP_MIB

struct tvm {
	const char *name;
	uint64_t mem, page, nodes;
	enum hp_backing_mode backing;
};

struct tnode {
	uint64_t pool, vmemmap, dynamic, dynamic_vmemmap, ordinary, reserve;
	bool ok;
};

struct tcase {
	const char *what;
	uint64_t mem[2];
	size_t nodes;
	uint64_t reserve;
	unsigned peak;
	bool hvo;
	struct tvm vms[5];
	struct tnode want[2];
	bool feasible;
	const char *problem;  /* a part of the first problem, or NULL */
	uint64_t dyn_node[2]; /* pages of the VM named "dyn" per node, when there is one */
};

static const struct tcase cases[] = {
	{ "one node: static, dynamic and transparent, all fit",
	  { 32 * G1 },
	  1,
	  2 * G1,
	  0,
	  false,
	  { { "db", 8 * G1, G1, 0, HP_BACKING_STATIC },
	    { "dyn", 4 * G1, M2, 0, HP_BACKING_DYNAMIC },
	    { "svc", 6 * G1, 0, 0, HP_BACKING_TRANSPARENT } },
	  /* 8 x 16M = 128M; 2048 x 32K = 64M; 32G - 8G - 128M - 4G - 64M - 6G = 13.8G >= 2G */
	  { { 8 * G1, 128 * MiB, 4 * G1, 64 * MiB, 6 * G1, 2 * G1, true } },
	  true,
	  NULL,
	  { 2048 } },
	{ "one node: refused only because the transparent VMs' memory no longer fits",
	  { 16 * G1 },
	  1,
	  2 * G1,
	  0,
	  false,
	  { { "db", 8 * G1, G1, 0, HP_BACKING_STATIC },
	    { "svc", 6017 * MiB, 0, 0, HP_BACKING_TRANSPARENT } },
	  /* 16384 - 8192 - 128 - 6017 = 2047 MiB < 2048 */
	  { { 8 * G1, 128 * MiB, 0, 0, 6017 * MiB, 2 * G1, false } },
	  false,
	  "node 0: MemTotal 16.0 GiB - static pool 8.00 GiB - vmemmap 128 MiB - dynamic peak 0 B (vmemmap 0 B) - ordinary VM memory 5.88 GiB leaves 2.00 GiB, below the 2.00 GiB it must keep (static: 1 unpinned VM spread over all nodes; transparent: svc)",
	  { 0 } },
	{ "one node: the same plan, a MiB less of transparent memory: exactly the reserve",
	  { 16 * G1 },
	  1,
	  2 * G1,
	  0,
	  false,
	  { { "db", 8 * G1, G1, 0, HP_BACKING_STATIC },
	    { "svc", 6016 * MiB, 0, 0, HP_BACKING_TRANSPARENT } },
	  /* 16384 - 8192 - 128 - 6016 = 2048 MiB = the reserve */
	  { { 8 * G1, 128 * MiB, 0, 0, 6016 * MiB, 2 * G1, true } },
	  true,
	  NULL,
	  { 0 } },
	{ "one node: the dynamic peak alone breaks it",
	  { 16 * G1 },
	  1,
	  2 * G1,
	  0,
	  false,
	  { { "dyn", 10 * G1, M2, 0, HP_BACKING_DYNAMIC },
	    { "dyn2", 4 * G1, M2, 0, HP_BACKING_DYNAMIC } },
	  /* 7168 pages: 14G + 224M; 16G - 14G - 224M = 1.78G < 2G */
	  { { 0, 0, 14 * G1, 224 * MiB, 0, 2 * G1, false } },
	  false,
	  "dynamic: dyn, dyn2",
	  { 5120 } },
	{ "one node: DynamicPeak=1: only the larger of the two counts",
	  { 16 * G1 },
	  1,
	  2 * G1,
	  1,
	  false,
	  { { "dyn", 10 * G1, M2, 0, HP_BACKING_DYNAMIC },
	    { "dyn2", 4 * G1, M2, 0, HP_BACKING_DYNAMIC } },
	  /* 10G + 160M; 16G - 10G - 160M = 5.8G >= 2G */
	  { { 0, 0, 10 * G1, 160 * MiB, 0, 2 * G1, true } },
	  true,
	  NULL,
	  { 5120 } },
	{ "one node: FreeVmemmap=yes: 4 KiB per dynamic page",
	  { 16 * G1 },
	  1,
	  2 * G1,
	  0,
	  true,
	  { { "dyn", 4 * G1, M2, 0, HP_BACKING_DYNAMIC } },
	  /* 2048 x 4K = 8M */
	  { { 0, 0, 4 * G1, 8 * MiB, 0, 2 * G1, true } },
	  true,
	  NULL,
	  { 2048 } },
	{ "two nodes: pinned static and dynamic, an unpinned dynamic VM goes whole to the roomier node, transparent memory by MemTotal",
	  { 16 * G1, 32 * G1 },
	  2,
	  3 * G1,
	  0,
	  false,
	  { { "db", 8 * G1, G1, 1, HP_BACKING_STATIC },
	    { "desk", 4 * G1, M2, 2, HP_BACKING_DYNAMIC },
	    { "dyn", 8 * G1, M2, 0, HP_BACKING_DYNAMIC },
	    { "svc", 12 * G1, 0, 0, HP_BACKING_TRANSPARENT } },
	  /* reserve 1G + 2G (16:32 of 3G); svc 4G + 8G. room for dyn: node0 16-1-8.125-4 = 2.875G,
	     node1 32-2-4.0625-8 = 17.94G: node1. node1 dynamic 4G + 8G, vmemmap 64M + 128M */
	  { { 8 * G1, 128 * MiB, 0, 0, 4 * G1, 1 * G1, true },
	    { 0, 0, 12 * G1, 192 * MiB, 8 * G1, 2 * G1, true } },
	  true,
	  NULL,
	  { 0, 4096 } },
	{ "two nodes: a dynamic VM over both nodes is split evenly",
	  { 16 * G1, 16 * G1 },
	  2,
	  2 * G1,
	  0,
	  false,
	  { { "dyn", 4 * G1, M2, 3, HP_BACKING_DYNAMIC },
	    { "svc", 2 * G1, 0, 2, HP_BACKING_TRANSPARENT } },
	  /* 1024 pages each; svc pinned to node 1 */
	  { { 0, 0, 2 * G1, 32 * MiB, 0, 1 * G1, true },
	    { 0, 0, 2 * G1, 32 * MiB, 2 * G1, 1 * G1, true } },
	  true,
	  NULL,
	  { 1024, 1024 } },
	{ "two nodes: only node 1 breaks, and says so with its transparent VMs",
	  { 16 * G1, 8 * G1 },
	  2,
	  3 * G1,
	  0,
	  false,
	  { { "db", 4 * G1, G1, 2, HP_BACKING_STATIC },
	    { "web", 3 * G1, 0, 2, HP_BACKING_TRANSPARENT } },
	  /* reserve 2G + 1G; node1: 8G - 4G - 64M - 3G = 960M < 1G */
	  { { 0, 0, 0, 0, 0, 2 * G1, true }, { 4 * G1, 64 * MiB, 0, 0, 3 * G1, 1 * G1, false } },
	  false,
	  "node 1: MemTotal 8.00 GiB - static pool 4.00 GiB - vmemmap 64.0 MiB - dynamic peak 0 B (vmemmap 0 B) - ordinary VM memory 3.00 GiB leaves 960 MiB, below the 1.00 GiB it must keep (static: db; transparent: web)",
	  { 0 } },
};

static void run_case(const struct tcase *c)
{
	struct hp_host h;
	struct hp_settings s;
	struct hp_vm vms[5];
	struct hp_plan p;
	struct hp_diag d;
	size_t nv = 0;

	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < c->nodes; i++) {
		h.nodes[i].id = (unsigned)i;
		h.nodes[i].mem_total = c->mem[i];
		h.mem_total += c->mem[i];
		h.online_mask |= 1ULL << i;
	}
	h.nr_nodes = c->nodes;
	h.numa_sysfs = true;
	h.sizes[h.nr_sizes++] = M2;
	h.sizes[h.nr_sizes++] = G1;
	h.x86 = h.pdpe1gb = true;
	h.kver = HP_KVER(6, 1, 0);
	memset(&s, 0, sizeof(s));
	s.reserve = c->reserve;
	s.reserve_set = true;
	s.reserve_per_node = 512 * MiB;
	s.dynamic_peak = c->peak;
	s.free_vmemmap = c->hvo;
	for (; nv < ARRAY_SIZE(c->vms) && c->vms[nv].name; nv++) {
		struct hp_vm *v = &vms[nv];

		memset(v, 0, sizeof(*v));
		snprintf(v->name, sizeof(v->name), "%s", c->vms[nv].name);
		v->loc.file = "vms.d/x.conf";
		v->memory = c->vms[nv].mem;
		v->page_size = c->vms[nv].page;
		v->nodes = c->vms[nv].nodes;
		v->instances = 1;
		v->enabled = true;
		v->backing = c->vms[nv].backing;
		v->backing_set = true;
	}
	assert_int_equal(hp_plan_compute(&h, &s, vms, nv, NULL, &p, &d), 0);
	for (size_t i = 0; i < c->nodes; i++) {
		const struct hp_node_plan *np = &p.nodes[i];
		const struct tnode *w = &c->want[i];
		int64_t left = (int64_t)c->mem[i] - (int64_t)(w->pool + w->vmemmap + w->dynamic +
							      w->dynamic_vmemmap + w->ordinary);

		printf("# %s: node %zu\n", c->what, i);
		assert_int_equal(np->pool, w->pool);
		assert_int_equal(np->vmemmap, w->vmemmap);
		assert_int_equal(np->dynamic, w->dynamic);
		assert_int_equal(np->dynamic_vmemmap, w->dynamic_vmemmap);
		assert_int_equal(np->ordinary, w->ordinary);
		assert_int_equal(np->reserve, w->reserve);
		assert_int_equal(np->left, left);
		assert_int_equal(np->ok, w->ok);
	}
	assert_int_equal(p.feasible, c->feasible);
	if (c->problem) {
		assert_true(p.nr_problems > 0);
		if (!strstr(p.problems[0], c->problem))
			fail_msg("problem: %s\nwanted in it: %s", p.problems[0], c->problem);
	}
	for (size_t i = 0; i < p.nr_vms; i++) {
		if (strcmp(p.vms[i].vm->name, "dyn"))
			continue;
		for (size_t k = 0; k < c->nodes; k++)
			assert_int_equal(p.vms[i].node_pages[k], c->dyn_node[k]);
	}
	/* only static VMs reserve at boot */
	for (size_t i = 0; i < p.nr_pools; i++)
		for (size_t v = 0; v < p.nr_vms; v++)
			if (p.vms[v].backing != HP_BACKING_STATIC)
				assert_true(p.pools[i].nr_vms <= p.nr_static);
	hp_plan_free(&p);
}

static void test_budget_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/* a dynamic-only plan reserves nothing at boot; 1G dynamic is warned about */
static void test_no_boot_pool(void **state)
{
	struct hp_host h;
	struct hp_settings s;
	struct hp_vm v, vms[4];
	struct hp_plan p;
	struct hp_diag d;
	char buf[64];

	(void)state;
	memset(&h, 0, sizeof(h));
	h.nodes[0].mem_total = h.mem_total = 64 * G1;
	h.nr_nodes = 1;
	h.online_mask = 1;
	h.sizes[0] = M2;
	h.sizes[1] = G1;
	h.nr_sizes = 2;
	h.x86 = h.pdpe1gb = true;
	memset(&s, 0, sizeof(s));
	s.reserve_per_node = 512 * MiB;
	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "big");
	v.memory = 16 * G1;
	v.page_size = G1;
	v.instances = 1;
	v.enabled = true;
	v.backing = HP_BACKING_DYNAMIC;
	assert_int_equal(hp_plan_compute(&h, &s, &v, 1, NULL, &p, &d), 0);
	assert_int_equal(p.nr_pools, 0);
	assert_int_equal(p.default_size, 0);
	assert_int_equal(p.nr_dynamic, 1);
	assert_int_equal(p.nr_warnings, 1);
	assert_non_null(strstr(p.warnings[0], "big: Backing=dynamic with 1G pages"));
	assert_int_equal(p.vms[0].node_pages[0], 16);
	/* no pool at boot, but apply records the size, for the generator's mount */
	hp_plan_mount_sizes(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1048576");
	hp_plan_free(&p);

	/* static 2M, dynamic 1G, transparent (no size): both sizes, ascending, once each */
	memset(vms, 0, sizeof(vms));
	for (size_t i = 0; i < ARRAY_SIZE(vms); i++) {
		snprintf(vms[i].name, sizeof(vms[i].name), "vm%zu", i);
		vms[i].memory = 4 * G1;
		vms[i].instances = 1;
		vms[i].enabled = true;
		vms[i].backing_set = true;
	}
	vms[0].page_size = G1;
	vms[0].backing = HP_BACKING_DYNAMIC;
	vms[1].page_size = M2;
	vms[1].backing = HP_BACKING_STATIC;
	vms[2].backing = HP_BACKING_TRANSPARENT;
	vms[3].page_size = M2;
	vms[3].backing = HP_BACKING_STATIC;
	assert_int_equal(hp_plan_compute(&h, &s, vms, ARRAY_SIZE(vms), NULL, &p, &d), 0);
	hp_plan_mount_sizes(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2048,1048576");
	/* a buffer too small for the second size keeps the first whole */
	hp_plan_mount_sizes(&p, buf, 8);
	assert_string_equal(buf, "2048");
	hp_plan_free(&p);

	/* only transparent VMs: nothing to mount */
	assert_int_equal(hp_plan_compute(&h, &s, &vms[2], 1, NULL, &p, &d), 0);
	hp_plan_mount_sizes(&p, buf, sizeof(buf));
	assert_string_equal(buf, "");
	hp_plan_free(&p);
}

static void backend(struct hp_backend *b, const char *id, uint64_t bytes, uint64_t page,
		    uint64_t nodes)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->bytes = bytes;
	b->page_rule = HP_PAGE_FIXED;
	b->page_size = page;
	b->nodes = nodes;
	b->policy = nodes ? HP_POL_BIND : HP_POL_ANY;
	b->guest_node = -1;
}

static void imported(struct hp_vm *v, const char *name, struct hp_backend *bs, size_t nb,
		     enum hp_backing_mode backing)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->loc.file = "/etc/libvirt/qemu/x.xml";
	v->source = HP_SRC_LIBVIRT;
	v->backends = bs;
	v->nr_backends = nb;
	for (size_t i = 0; i < nb; i++)
		v->memory += bs[i].bytes;
	v->not_huge = nb == 0;
	v->instances = 1;
	v->enabled = true;
	v->backing = backing;
}

/*
 * Imported VMs in the budget: a static one in the pool, a dynamic one's bound backend on its
 * node and its unbound one whole on the node with most room, a transparent one as ordinary
 * memory spread by MemTotal, one not on huge pages as ordinary memory where there is room
 * (in proportion to what each node has left). Two nodes of 32G, ReserveMemory=2G: each node
 * keeps max(1G, 512M) = 1G.
 */
static void test_imported(void **state)
{
	struct hp_host h;
	struct hp_settings s;
	struct hp_backend st[1], dyn[2], tp[1], mixed[2];
	struct hp_vm vms[4];
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (unsigned i = 0; i < 2; i++) {
		h.nodes[i].id = i;
		h.nodes[i].mem_total = 32 * G1;
	}
	h.mem_total = 64 * G1;
	h.online_mask = 3;
	h.nr_nodes = 2;
	h.numa_sysfs = true;
	h.sizes[h.nr_sizes++] = M2;
	h.sizes[h.nr_sizes++] = G1;
	h.x86 = h.pdpe1gb = true;
	h.kver = HP_KVER(6, 1, 0);
	memset(&s, 0, sizeof(s));
	s.reserve = 2 * G1;
	s.reserve_set = true;
	s.reserve_per_node = 512 * MiB;

	backend(&st[0], "ram", 4 * G1, G1, 1U << 0);
	imported(&vms[0], "st", st, 1, HP_BACKING_STATIC);
	backend(&dyn[0], "ram-node0", 2 * G1, M2, 1U << 1);
	backend(&dyn[1], "ram-node1", 2 * G1, M2, 0);
	imported(&vms[1], "dyn", dyn, 2, HP_BACKING_DYNAMIC);
	backend(&tp[0], "ram", 2 * G1, M2, 0);
	imported(&vms[2], "tp", tp, 1, HP_BACKING_TRANSPARENT);
	imported(&vms[3], "win", NULL, 0, HP_BACKING_STATIC);
	vms[3].plain_memory = 8 * G1;

	assert_int_equal(hp_plan_compute(&h, &s, vms, 4, NULL, &p, &d), 0);
	/* only st is on the command line: 4 x 1G on node 0 */
	assert_int_equal(p.nr_pools, 1);
	assert_int_equal(p.pools[0].size, G1);
	assert_int_equal(p.pools[0].node_pages[0], 4);
	assert_int_equal(p.nr_static, 1);
	assert_int_equal(p.nr_dynamic, 1);
	assert_int_equal(p.nr_transparent, 1);
	assert_int_equal(p.nr_plain, 1);
	/*
	 * ordinary: tp's 2G by MemTotal, half on each node; win's 8G by room after all else:
	 * node 0 32G - 1G - 4G - 64M - 1G, node 1 32G - 1G - 4G - 64M (dyn) - 1G: half each
	 */
	assert_int_equal(p.nodes[0].ordinary, 5 * G1);
	assert_int_equal(p.nodes[1].ordinary, 5 * G1);
	/*
	 * dyn: ram-node0's 1024 pages on node 1; then ram-node1's 1024 where most is left:
	 * node 0 holds 1G + 4G + 64M + 5G, node 1 1G + 1024 x (2M + 32K) + 5G: node 1
	 */
	assert_int_equal(p.vms[1].backing, HP_BACKING_DYNAMIC);
	assert_int_equal(p.vms[1].node_pages[0], 0);
	assert_int_equal(p.vms[1].node_pages[1], 2048);
	assert_int_equal(p.nodes[1].dynamic, 4 * G1);
	assert_int_equal(p.nodes[1].dynamic_vmemmap, 64 * MiB);
	assert_int_equal(p.nodes[0].dynamic, 0);
	/* node 0: 32G - 4G - 64M - 5G; node 1: 32G - 4G - 64M - 5G */
	assert_int_equal(p.nodes[0].left, (int64_t)(23 * G1 - 64 * MiB));
	assert_int_equal(p.nodes[1].left, (int64_t)(23 * G1 - 64 * MiB));
	assert_true(p.feasible);
	/* a transparent VM whose definition maps huge pages will not start: said */
	assert_int_equal(p.nr_warnings, 1);
	assert_non_null(strstr(p.warnings[0], "tp: Backing=transparent, but its definition"));
	hp_plan_free(&p);

	/* the budget refuses on ordinary memory of VMs off huge pages, and says so */
	vms[3].plain_memory = 56 * G1; /* 28G on each node: node 0 has 32G - 4G - 64M - 1G - 28G */
	assert_int_equal(hp_plan_compute(&h, &s, vms, 4, NULL, &p, &d), 0);
	assert_false(p.feasible);
	assert_non_null(strstr(p.problems[0], "off huge pages: 1 imported VM"));
	hp_plan_free(&p);

	/*
	 * unbound ordinary memory goes where there is room: st takes 28G of node 0 (vmemmap
	 * 448M), which keeps 32G - 28G - 448M - 1G = 2.56G; win's 20G by MemTotal would put 10G
	 * there, by room it fits: node 0 at most its 2.56G, the rest on node 1 (31G free)
	 */
	backend(&st[0], "ram", 28 * G1, G1, 1U << 0);
	vms[1] = vms[3];
	vms[1].plain_memory = 20 * G1;
	assert_int_equal(hp_plan_compute(&h, &s, vms, 2, NULL, &p, &d), 0);
	assert_true(p.feasible);
	assert_int_equal(p.nodes[0].ordinary + p.nodes[1].ordinary, 20 * G1);
	assert_true(p.nodes[0].ordinary <= 32 * G1 - 28 * G1 - 448 * MiB - G1);
	assert_true(p.nodes[0].ordinary > 0);
	hp_plan_free(&p);
	backend(&st[0], "ram", 4 * G1, G1, 1U << 0);

	/* vm start raises one page size: a dynamic VM on two is refused */
	backend(&mixed[0], "ram-node0", 2 * G1, M2, 0);
	backend(&mixed[1], "ram-node1", 2 * G1, G1, 0);
	imported(&vms[1], "dyn", mixed, 2, HP_BACKING_DYNAMIC);
	assert_int_equal(hp_plan_compute(&h, &s, vms, 2, NULL, &p, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "dyn: Backing=dynamic needs one page size"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_table),
		cmocka_unit_test(test_no_boot_pool),
		cmocka_unit_test(test_imported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
