// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vm start and stop's decisions (core/dynamic.h), the records, /proc/buddyinfo and
 * /proc/PID/numa_maps. Expected counts follow the rules in core/dynamic.h: spare =
 * min(free, nr - static - started), add = need - min(need, spare); stop writes nr - added.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hp-test.h"
#include "core/buddy.h"
#include "core/dynamic.h"
#include "core/numamaps.h"
#include "core/size.h"

#define M2  (2 * HP_MIB)
#define G1  HP_GIB
#define MiB HP_MIB

struct world {
	struct hp_host host;
	struct hp_settings set;
	struct hp_vm vms[3];
	struct hp_plan plan;
	struct hp_pools pools;
};

/* one 8 GiB node: "db" static 60 x 2M pinned... on one node; "desk" dynamic 50 x 2M */
static void world(struct world *w, uint64_t nr, uint64_t free, unsigned peak)
{
	struct hp_diag d;

	memset(w, 0, sizeof(*w));
	w->host.nodes[0].mem_total = w->host.mem_total = 8 * G1;
	w->host.nr_nodes = 1;
	w->host.online_mask = 1;
	w->host.sizes[0] = M2;
	w->host.nr_sizes = 1;
	w->host.x86 = true;
	w->set.reserve = 1 * G1;
	w->set.reserve_set = true;
	w->set.reserve_per_node = 512 * MiB;
	w->set.dynamic_peak = peak;
	for (int i = 0; i < 2; i++) {
		struct hp_vm *v = &w->vms[i];

		snprintf(v->name, sizeof(v->name), "%s", i ? "desk" : "db");
		v->memory = (i ? 50 : 60) * M2;
		v->page_size = M2;
		v->instances = 1;
		v->enabled = true;
		v->backing = i ? HP_BACKING_DYNAMIC : HP_BACKING_STATIC;
	}
	assert_int_equal(hp_plan_compute(&w->host, &w->set, w->vms, 2, NULL, &w->plan, &d), 0);
	w->pools.nr_pools = 1;
	w->pools.online_mask = 1;
	w->pools.numa_sysfs = true;
	w->pools.pools[0].size = M2;
	w->pools.pools[0].nr = nr;
	w->pools.pools[0].free = free;
	w->pools.pools[0].nr_nodes = 1;
	w->pools.pools[0].nodes[0] = (struct hp_pool_node){ 0, nr, free, 0 };
}

static struct hp_rt_start decide(struct world *w, const struct hp_rt_record *others, size_t n)
{
	struct hp_rt_start_in in = { .host = &w->host,
				     .plan = &w->plan,
				     .vp = hp_plan_find(&w->plan, "desk"),
				     .pools = &w->pools,
				     .others = others,
				     .nr_others = n };
	struct hp_rt_start st;

	assert_non_null(in.vp);
	assert_int_equal(hp_rt_start_decide(&in, &st), 0);
	return st;
}

static void test_start_counts(void **state)
{
	static const struct {
		uint64_t nr, free, others, add;
	} t[] = {
		/* nothing there: all 50 */
		{ 0, 0, 0, 50 },
		/* the static 60 only: none spare */
		{ 60, 60, 0, 50 },
		/* 100 free, 60 held for db: 40 spare, 10 to add */
		{ 100, 100, 0, 10 },
		/* and 30 given to another dynamic VM: 10 spare, 40 to add */
		{ 100, 100, 30, 40 },
		/* db runs and uses its 60 plus 20 of the rest: 20 free, spare min(20, 40) */
		{ 100, 20, 0, 30 },
		/* plenty spare: nothing to add, never below 0 */
		{ 500, 500, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct hp_rt_record other = { .state = HP_REC_STARTED, .nr_parts = 1 };
		struct world w;
		struct hp_rt_start st;

		snprintf(other.vm, sizeof(other.vm), "other");
		other.parts[0] = (struct hp_rt_part){ M2, 0, t[i].others, 0, 0, t[i].others };
		world(&w, t[i].nr, t[i].free, 0);
		st = decide(&w, &other, t[i].others ? 1 : 0);
		printf("# case %zu: nr %llu free %llu: add %llu\n", i, (unsigned long long)t[i].nr,
		       (unsigned long long)t[i].free, (unsigned long long)st.add);
		assert_false(st.refused);
		assert_string_equal(st.rec.vm, "desk");
		assert_int_equal(st.rec.nr_parts, 1);
		assert_int_equal(st.rec.parts[0].need, 50);
		assert_int_equal(st.rec.parts[0].before, t[i].nr);
		assert_int_equal(st.rec.parts[0].target, t[i].nr + t[i].add);
		assert_int_equal(st.add, t[i].add);
		hp_plan_free(&w.plan);
	}
}

static void test_start_refused(void **state)
{
	struct hp_rt_record other = { .state = HP_REC_STARTED };
	struct world w;
	struct hp_rt_start st;

	(void)state;
	/* DynamicPeak=1 and one dynamic VM runs */
	snprintf(other.vm, sizeof(other.vm), "game");
	world(&w, 0, 0, 1);
	st = decide(&w, &other, 1);
	assert_true(st.refused);
	assert_string_equal(
		st.why,
		"DynamicPeak=1: 1 dynamic VM runs already (game): the budget was planned for no more at once");
	hp_plan_free(&w.plan);

	/*
	 * the pool holds 3500 x 2M (7000 MiB) by hand: 50 more is 7100 MiB + vmemmap 3550 x
	 * 32K = 110.9 MiB; 8192 - 7100 - 110.9 = 981 MiB < the 1 GiB reserve
	 */
	world(&w, 3500, 0, 0);
	st = decide(&w, NULL, 0);
	assert_true(st.refused);
	assert_string_equal(
		st.why,
		"node 0 cannot take 50 more 2M pages (100 MiB): MemTotal 8.00 GiB - huge pages 6.93 GiB with them - vmemmap 111 MiB - ordinary VM memory 0 B leaves 981 MiB, below the 1.00 GiB reserve");
	hp_plan_free(&w.plan);
	/* 3450 held by hand: 7000 MiB + 109 MiB: 1083 MiB left, fits */
	world(&w, 3450, 0, 0);
	st = decide(&w, NULL, 0);
	assert_false(st.refused);
	assert_int_equal(st.add, 50);
	hp_plan_free(&w.plan);
}

static void test_stop(void **state)
{
	struct hp_rt_record rec = { .state = HP_REC_STARTED, .nr_parts = 1 };
	struct hp_rt_part parts[HP_RT_MAX_PARTS];
	uint64_t in_use[HP_RT_MAX_PARTS];
	struct world w;

	(void)state;
	rec.parts[0] = (struct hp_rt_part){ M2, 0, 50, 60, 100, 40 };
	/* the guest is gone: 140 - 40 = 100, nothing in use above it */
	world(&w, 140, 100, 0);
	assert_int_equal(hp_rt_stop_decide(&rec, &w.pools, parts, in_use), 1);
	assert_int_equal(parts[0].before, 140);
	assert_int_equal(parts[0].target, 100);
	assert_int_equal(in_use[0], 0);
	hp_plan_free(&w.plan);
	/* 120 in use: 20 above the target become surplus */
	world(&w, 140, 20, 0);
	hp_rt_stop_decide(&rec, &w.pools, parts, in_use);
	assert_int_equal(parts[0].target, 100);
	assert_int_equal(in_use[0], 20);
	hp_plan_free(&w.plan);
	/* someone lowered the pool meanwhile: never below 0 */
	world(&w, 10, 10, 0);
	hp_rt_stop_decide(&rec, &w.pools, parts, in_use);
	assert_int_equal(parts[0].target, 0);
	hp_plan_free(&w.plan);
}

static void test_static_check(void **state)
{
	struct world w;
	char why[256];

	(void)state;
	world(&w, 60, 60, 0);
	assert_int_equal(hp_rt_static_check(&w.plan, hp_plan_find(&w.plan, "db"), &w.pools, why,
					    sizeof(why)),
			 0);
	hp_plan_free(&w.plan);
	world(&w, 60, 59, 0);
	assert_int_equal(hp_rt_static_check(&w.plan, hp_plan_find(&w.plan, "db"), &w.pools, why,
					    sizeof(why)),
			 1);
	assert_string_equal(why, "the 2M pool is short: 59 of the 60 pages db needs are free");
	hp_plan_free(&w.plan);
}

/*
 * An imported static VM (sources: memory backends) bound to both nodes of a per-node plan:
 * 10 x 2M of ram-node0 on node 0, 20 of ram-node1 on node 1; each node's free pages are
 * checked, not only the pool's sum.
 */
static void test_static_check_backends(void **state)
{
	static const struct {
		uint64_t free0, free1;
		const char *why;
	} t[] = {
		{ 10, 20, NULL },
		/* 34 free in all, but node 0 has 9 of its 10 */
		{ 9, 25, "node 0 is short: 9 of the 10 2M pages lv needs there are free" },
		{ 10, 19, "node 1 is short: 19 of the 20 2M pages lv needs there are free" },
	};
	struct hp_host h;
	struct hp_settings set;
	struct hp_backend b[2];
	struct hp_vm v;
	struct hp_plan plan;
	struct hp_diag d;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (unsigned i = 0; i < 2; i++) {
		h.nodes[i].id = i;
		h.nodes[i].mem_total = 8 * G1;
	}
	h.mem_total = 16 * G1;
	h.nr_nodes = 2;
	h.online_mask = 3;
	h.numa_sysfs = true;
	h.sizes[0] = M2;
	h.nr_sizes = 1;
	h.x86 = true;
	h.kver = HP_KVER(6, 1, 0);
	memset(&set, 0, sizeof(set));
	set.reserve_per_node = 512 * MiB;
	memset(b, 0, sizeof(b));
	for (unsigned i = 0; i < 2; i++) {
		snprintf(b[i].id, sizeof(b[i].id), "ram-node%u", i);
		b[i].bytes = (i ? 20 : 10) * M2;
		b[i].page_rule = HP_PAGE_FIXED;
		b[i].page_size = M2;
		b[i].nodes = 1ULL << i;
		b[i].policy = HP_POL_BIND;
		b[i].guest_node = (int)i;
	}
	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "lv");
	v.source = HP_SRC_LIBVIRT;
	v.backends = b;
	v.nr_backends = 2;
	v.memory = 30 * M2;
	v.instances = 1;
	v.enabled = true;
	assert_int_equal(hp_plan_compute(&h, &set, &v, 1, NULL, &plan, &d), 0);
	assert_true(plan.node_form);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct hp_pools pools;
		char why[256] = "";

		memset(&pools, 0, sizeof(pools));
		pools.nr_pools = 1;
		pools.online_mask = 3;
		pools.numa_sysfs = true;
		pools.pools[0].size = M2;
		pools.pools[0].nr = 30;
		pools.pools[0].free = t[i].free0 + t[i].free1;
		pools.pools[0].nr_nodes = 2;
		pools.pools[0].nodes[0] = (struct hp_pool_node){ 0, 10, t[i].free0, 0 };
		pools.pools[0].nodes[1] = (struct hp_pool_node){ 1, 20, t[i].free1, 0 };
		printf("# free %llu + %llu\n", (unsigned long long)t[i].free0,
		       (unsigned long long)t[i].free1);
		assert_int_equal(hp_rt_static_check(&plan, &plan.vms[0], &pools, why, sizeof(why)),
				 t[i].why ? 1 : 0);
		if (t[i].why)
			assert_string_equal(why, t[i].why);
	}
	hp_plan_free(&plan);
}

static void test_record(void **state)
{
	struct hp_rt_record r = { .state = HP_REC_STARTED, .pid = 4242, .since = 1700000000 }, back;
	static const char *const bad[] = {
		"",
		"vm=a\nstate=started\n",
		"# hugeplan vm record 1\nstate=started\n",
		"# hugeplan vm record 1\nvm=a\nstate=running\n",
		"# hugeplan vm record 1\nvm=a\nstate=started\npart=2097152 64 need=1 before=0 target=1 added=1\n",
		"# hugeplan vm record 1\nvm=a\nstate=started\npart=2097152 0 need=1 before=0 target=1\n",
		"# hugeplan vm record 1\nvm=../x\nstate=started\n",
	};
	char text[4096];
	unsigned line;

	(void)state;
	snprintf(r.vm, sizeof(r.vm), "win-desktop");
	r.parts[0] = (struct hp_rt_part){ M2, 0, 1024, 10, 1034, 1024 };
	r.parts[1] = (struct hp_rt_part){ G1, 1, 4, 0, 4, 3 };
	r.nr_parts = 2;
	assert_int_equal(hp_record_format(&r, text, sizeof(text)), 0);
	assert_non_null(
		strstr(text, "\npart=2097152 0 need=1024 before=10 target=1034 added=1024\n"));
	assert_int_equal(hp_record_parse(text, &back, &line), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	assert_int_equal(hp_record_format(&r, text, 40), -ENOSPC);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(hp_record_parse(bad[i], &back, &line), -EINVAL);
	r.state = HP_REC_STARTING;
	hp_record_format(&r, text, sizeof(text));
	assert_int_equal(hp_record_parse(text, &back, &line), 0);
	assert_int_equal(back.state, HP_REC_STARTING);
}

static void test_buddy(void **state)
{
	/* a real 6.1 guest's lines (TCG, 1 GiB node 0, 2 GiB node 1) */
	static const char text[] =
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
		"Node 0, zone    DMA32    112     65     31     16      9      7      5      3      2      1    200 \n"
		"Node 1, zone   Normal   5000   3000   1000    500    100     50     10      2      0      0      0 \n";
	struct hp_buddy b;
	char s[256];
	unsigned line = 0;

	(void)state;
	assert_int_equal(hp_buddy_parse(text, &b, &line), 0);
	assert_int_equal(b.orders, 11);
	assert_true(b.nodes[0].present && b.nodes[1].present && !b.nodes[2].present);
	/* node 0: order 9: 1 (DMA) + 1 (DMA32); order 10: 3 + 200, each two 2M pages */
	assert_int_equal(hp_buddy_ready(&b, 0, 4096, M2), 2 + 203 * 2);
	assert_int_equal(hp_buddy_ready(&b, 1, 4096, M2), 0);
	/* node 1: 5000 + 6000 + 4000 + 4000 + 1600 + 1600 + 640 + 256 pages of 4 KiB */
	assert_int_equal(hp_buddy_free_bytes(&b, 1, 4096), 23096ULL * 4096);
	hp_buddy_describe(&b, 1, 4096, M2, s, sizeof(s));
	assert_string_equal(
		s,
		"90.2 MiB free, 0 free 2M blocks; 100% of free memory is in blocks smaller than 2M");
	assert_int_equal(hp_buddy_parse("Node 0, zone DMA x\n", &b, &line), -EINVAL);
	assert_int_equal(line, 1);
	assert_int_equal(hp_buddy_parse("Node 0, zone DMA 1 2\nNode x\n", &b, &line), -EINVAL);
	assert_int_equal(line, 2);
}

static void test_numa_maps(void **state)
{
	/* as a QEMU with a 2M hugetlbfs backend shows it (kernel 6.1) */
	static const char text[] =
		"7f0000000000 bind:0 file=/dev/hugepages/libvirt/qemu/1-t/qemu_back_mem.pc.ram.a huge dirty=64 N0=64 kernelpagesize_kB=2048\n"
		"7f1000000000 default file=/dev/hugepages1G/x huge dirty=1 N1=1 kernelpagesize_kB=1048576\n"
		"7f2000000000 default anon=300 dirty=300 N0=200 N1=100 kernelpagesize_kB=4\n"
		"7f3000000000 default file=/dev/hugepages/y huge N0=2 N1=3 kernelpagesize_kB=2048\n";
	uint64_t pages[HP_MAX_NODES];

	(void)state;
	assert_int_equal(hp_numa_maps_huge(text, M2, pages), 2);
	assert_int_equal(pages[0], 66);
	assert_int_equal(pages[1], 3);
	assert_int_equal(hp_numa_maps_huge(text, G1, pages), 1);
	assert_int_equal(pages[1], 1);
	assert_int_equal(hp_numa_maps_huge("", M2, pages), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_counts), cmocka_unit_test(test_start_refused),
		cmocka_unit_test(test_stop),	     cmocka_unit_test(test_static_check),
		cmocka_unit_test(test_record),	     cmocka_unit_test(test_buddy),
		cmocka_unit_test(test_numa_maps),    cmocka_unit_test(test_static_check_backends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
