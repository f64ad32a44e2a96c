// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Planner and renderer. Expected numbers are worked out by hand from the rules stated in
 * core/plan.h (ceil per instance, largest remainder over each node's room, vmemmap 1/64 of
 * a page or 4 KiB with FreeVmemmap, reserve = max(MemTotal share, per-node floor)); the
 * comments show the arithmetic.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp-test.h"
#include "core/cmdline-edit.h"
#include "core/plan.h"
#include "core/render.h"
#include "core/size.h"

#define M2 (2 * HP_MIB)
#define G1 HP_GIB

static struct hp_host host_of(unsigned kver, bool gb, size_t n, const uint64_t *mem)
{
	struct hp_host h;

	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < n; i++) {
		h.nodes[i].id = (unsigned)i;
		h.nodes[i].mem_total = mem[i];
		h.mem_total += mem[i];
		h.online_mask |= 1ULL << i;
	}
	h.nr_nodes = n;
	h.numa_sysfs = true;
	h.sizes[h.nr_sizes++] = M2;
	if (gb)
		h.sizes[h.nr_sizes++] = G1;
	h.x86 = true;
	h.pdpe1gb = gb;
	h.kver = kver;
	return h;
}

static struct hp_vm vm_of(const char *name, uint64_t mem, uint64_t page, uint64_t nodes,
			  unsigned inst)
{
	static const char *file = "vms.d/test.conf";
	struct hp_vm v;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", name);
	v.loc.file = file;
	v.memory = mem;
	v.memory_loc = (struct hp_loc){ file, 2 };
	v.page_size = page;
	v.page_loc = (struct hp_loc){ file, 3 };
	v.nodes = nodes;
	v.node_loc = (struct hp_loc){ file, 4 };
	v.instances = inst;
	v.enabled = true;
	return v;
}

static struct hp_settings settings(uint64_t reserve, bool set)
{
	struct hp_settings s;

	memset(&s, 0, sizeof(s));
	s.reserve = reserve;
	s.reserve_set = set;
	s.reserve_per_node = 512 * HP_MIB;
	return s;
}

/* reference FNV-1a 64, written from its definition */
static uint64_t fnv(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void check_render(const struct hp_plan *p, const struct hp_host *h, const char *want)
{
	struct hp_kargs a;
	struct hp_karch arch;
	char line[4096], full[4200], why[256];

	assert_int_equal(hp_render(p, &a), 0);
	hp_kargs_join(&a, line, sizeof(line));
	if (want[0])
		snprintf(full, sizeof(full), "%s hugeplan.plan=%016" PRIx64, want, fnv(want));
	else
		full[0] = '\0';
	assert_string_equal(line, full);
	hp_host_karch(h, &arch);
	if (hp_render_check(p, &a, &arch, why, sizeof(why)))
		fail_msg("%s: %s", line, why);
}

static void test_one_node(void **state)
{
	uint64_t mem[] = { 32 * G1 };
	struct hp_host h = host_of(HP_KVER(6, 1, 0), true, 1, mem);
	struct hp_vm v[] = { vm_of("big", 8 * G1, G1, 0, 1), vm_of("small", 4 * G1, M2, 0, 2) };
	struct hp_settings s = settings(0, false);
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	assert_int_equal(hp_plan_compute(&h, &s, v, 2, NULL, &p, &d), 0);
	assert_true(p.feasible);
	assert_false(p.node_form);
	/* reserve: max(2G, 5% of 32G = 1.6G) */
	assert_true(p.reserve == 2 * G1);
	assert_int_equal(p.nr_pools, 2);
	assert_true(p.pools[0].size == M2 && p.pools[0].pages == 4096); /* 2 x 4G / 2M */
	assert_true(p.pools[1].size == G1 && p.pools[1].pages == 8);
	/* no DefaultPageSize=: the kernel's own default (HPAGE_SIZE, 2M on x86) stays, and
	 * default_hugepagesz= is not rendered */
	assert_true(p.default_size == M2);
	assert_false(p.default_explicit);
	/* 8 x 16M + 4096 x 32K = 256M of vmemmap */
	assert_true(p.nodes[0].vmemmap == 256 * HP_MIB);
	assert_true(p.nodes[0].pool == 16 * G1);
	assert_true(p.nodes[0].left == (int64_t)(16 * G1 - 256 * HP_MIB));
	assert_true(p.nodes[0].reserve == 2 * G1);
	check_render(&p, &h, "hugepagesz=2M hugepages=4096 hugepagesz=1G hugepages=8");
	hp_plan_free(&p);

	/* DefaultPageSize=1G asks for it: then, and only then, default_hugepagesz= first */
	s.default_page = G1;
	assert_int_equal(hp_plan_compute(&h, &s, v, 2, NULL, &p, &d), 0);
	assert_true(p.default_size == G1);
	assert_true(p.default_explicit);
	check_render(
		&p, &h,
		"default_hugepagesz=1G hugepagesz=2M hugepages=4096 hugepagesz=1G hugepages=8");
	hp_plan_free(&p);
	/* DefaultPageSize=2M, the kernel's own default, is still rendered: it was asked for */
	s.default_page = M2;
	assert_int_equal(hp_plan_compute(&h, &s, v, 2, NULL, &p, &d), 0);
	check_render(
		&p, &h,
		"default_hugepagesz=2M hugepagesz=2M hugepages=4096 hugepagesz=1G hugepages=8");
	hp_plan_free(&p);
}

static void test_boundary(void **state)
{
	/* 8 x 1G + 8 x 16M vmemmap + a 2G reserve: exactly enough, then one byte short */
	uint64_t mem[] = { 8 * G1 + 128 * HP_MIB + 2 * G1 };
	struct hp_host h = host_of(HP_KVER(6, 1, 0), true, 1, mem);
	struct hp_vm v[] = { vm_of("db", 8 * G1, G1, 0, 1) };
	struct hp_settings s = settings(2 * G1, true);
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	assert_true(p.feasible);
	assert_true(p.nodes[0].left == (int64_t)(2 * G1));
	hp_plan_free(&p);

	h.nodes[0].mem_total--;
	h.mem_total--;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	assert_false(p.feasible);
	assert_int_equal(p.nr_problems, 1);
	assert_non_null(strstr(p.problems[0], "node 0:"));
	assert_non_null(strstr(p.problems[0], "1 unpinned VM"));
	hp_plan_free(&p);

	/* FreeVmemmap: 4 KiB a page, so 128M - 32K come back */
	s.free_vmemmap = true;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	assert_true(p.feasible);
	assert_true(p.nodes[0].vmemmap == 8 * 4096);
	check_render(&p, &h, "hugepagesz=1G hugepages=8 hugetlb_free_vmemmap=on");
	hp_plan_free(&p);
}

static void test_two_nodes(void **state)
{
	uint64_t mem[] = { 16 * G1, 32 * G1 };
	struct hp_host h = host_of(HP_KVER(6, 1, 0), true, 2, mem);
	struct hp_vm v[] = { vm_of("a", 4 * G1, G1, 1ULL << 0, 1), vm_of("b", 6 * G1, G1, 0, 1) };
	struct hp_settings s = settings(3 * G1, true);
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	assert_int_equal(hp_plan_compute(&h, &s, v, 2, NULL, &p, &d), 0);
	assert_true(p.node_form);
	/* reserve shares 3G x 16/48 = 1G and 3G x 32/48 = 2G */
	assert_true(p.nodes[0].reserve == G1);
	assert_true(p.nodes[1].reserve == 2 * G1);
	/* room: node0 16 - 1 - 4 x 1.015625 = 10.9375G, node1 30G; 6 pages:
	 * quotas 1.603 and 4.397 -> 1 + 4, the spare page to the larger remainder (node0) */
	assert_true(p.pools[0].node_pages[0] == 6);
	assert_true(p.pools[0].node_pages[1] == 4);
	assert_true(p.feasible);
	check_render(&p, &h, "hugepagesz=1G hugepages=0:6,1:4");
	hp_plan_free(&p);
}

static void test_split_rounding(void **state)
{
	uint64_t mem[] = { 16 * G1, 16 * G1 };
	struct hp_host h = host_of(HP_KVER(6, 1, 0), true, 2, mem);
	/* 3G over nodes 0,1: 1.5G each, rounded up to 2 pages each; 1G lost to rounding */
	struct hp_vm v[] = { vm_of("wide", 3 * G1, G1, 0x3, 1),
			     vm_of("odd", 1000 * HP_MIB, M2, 0, 3) };
	struct hp_settings s = settings(0, false);
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	assert_int_equal(hp_plan_compute(&h, &s, v, 2, NULL, &p, &d), 0);
	assert_true(p.vms[0].pages == 4);
	assert_true(p.vms[0].loss == G1);
	/* 1000M on 2M pages: 500 pages, no loss; 3 instances */
	assert_true(p.vms[1].pages == 1500);
	assert_true(p.vms[1].loss == 0);
	assert_true(hp_vm_node_pages(&v[0], G1, 0) == 2);
	assert_true(hp_vm_node_pages(&v[0], G1, 1) == 2);
	/* 1001M on 1G: 1 page, 23M lost */
	v[1] = vm_of("odd", 1001 * HP_MIB, G1, 0, 1);
	hp_plan_free(&p);
	assert_int_equal(hp_plan_compute(&h, &s, v, 2, NULL, &p, &d), 0);
	assert_true(p.vms[1].loss == 23 * HP_MIB);
	hp_plan_free(&p);
}

/*
 * A plan far beyond the host, with nothing left on any node after the reserve: no node has
 * weight, so the pages are split evenly. 2^59 bytes of 2M pages are 2^38 pages: dealt out
 * one by one they once kept the planner busy for minutes (found by the config fuzzer).
 */
static void test_no_room_anywhere(void **state)
{
	uint64_t mem[] = { 16 * G1, 32 * G1 };
	struct hp_host h = host_of(HP_KVER(6, 1, 0), true, 2, mem);
	struct hp_vm v[] = { vm_of("huge", 1ULL << 59, M2, 0, 1) };
	struct hp_settings s = settings(64 * G1, true);
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	alarm(10);
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	alarm(0);
	assert_false(p.feasible);
	assert_true(p.pools[0].node_pages[0] == 1ULL << 37);
	assert_true(p.pools[0].node_pages[1] == 1ULL << 37);
	hp_plan_free(&p);
	/* an odd count: the lower node takes the extra page (3 + 3 of 6, then 4 + 3 of 7) */
	v[0] = vm_of("seven", 7 * M2, M2, 0, 1);
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	assert_true(p.pools[0].node_pages[0] == 4);
	assert_true(p.pools[0].node_pages[1] == 3);
	hp_plan_free(&p);
}

static void test_old_kernel(void **state)
{
	uint64_t mem[] = { 4 * G1, 64 * G1 };
	struct hp_host h = host_of(HP_KVER(5, 10, 0), true, 2, mem);
	struct hp_vm v[] = { vm_of("bulk", 20 * G1, G1, 0, 1) };
	struct hp_vm pinned[] = { vm_of("pin", 2 * G1, G1, 1ULL << 1, 1) };
	struct hp_plan_opts o = { .allow_balanced = true };
	struct hp_settings s = settings(0, true);
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	assert_false(p.node_form);
	/* balanced: the kernel interleaves, 10 and 10, node0 holds only
	 * floor((4G - 512M) / 1.015625G) = 3, the other 7 go to node1 */
	assert_true(p.pools[0].node_pages[0] == 3);
	assert_true(p.pools[0].node_pages[1] == 17);
	assert_true(p.feasible);
	check_render(&p, &h, "hugepagesz=1G hugepages=20");
	hp_plan_free(&p);

	/* pinning cannot be rendered before 5.16 */
	assert_int_equal(hp_plan_compute(&h, &s, pinned, 1, NULL, &p, &d), -EINVAL);
	assert_string_equal(d.file, "vms.d/test.conf");
	assert_int_equal(d.line, 4);
	assert_non_null(strstr(d.msg, "5.16"));
	assert_non_null(strstr(d.msg, "--balanced"));
	assert_int_equal(hp_plan_compute(&h, &s, pinned, 1, &o, &p, &d), 0);
	assert_false(p.node_form);
	check_render(&p, &h, "hugepagesz=1G hugepages=2");
	hp_plan_free(&p);

	/* the same host told it boots 6.1 renders per node */
	o.kver = HP_KVER(6, 1, 0);
	assert_int_equal(hp_plan_compute(&h, &s, pinned, 1, &o, &p, &d), 0);
	assert_true(p.node_form);
	check_render(&p, &h, "hugepagesz=1G hugepages=1:2");
	hp_plan_free(&p);
}

static void test_errors(void **state)
{
	uint64_t mem[] = { 8 * G1 };
	struct hp_host h = host_of(HP_KVER(6, 1, 0), false, 1, mem);
	struct hp_vm v[] = { vm_of("gb", 2 * G1, G1, 0, 1) };
	struct hp_settings s = settings(0, false);
	struct hp_plan p;
	struct hp_diag d;

	(void)state;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), -EINVAL);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.msg, "pdpe1gb"));

	/* no pdpe1gb on an arm64-like host lists sizes, not the x86 flag */
	h.x86 = false;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), -EINVAL);
	assert_string_equal(d.msg, "PageSize=1G: this host has no 1G huge pages (it lists: 2M)");

	/* without PageSize= the largest listed size is used: 2M here */
	v[0].page_size = 0;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	assert_true(p.vms[0].page_size == M2);
	assert_true(p.vms[0].pages == 1024);
	hp_plan_free(&p);

	/* a node that is not online */
	v[0].nodes = 1ULL << 3;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), -EINVAL);
	assert_int_equal(d.line, 4);
	assert_string_equal(d.msg, "Node=: node 3 is not online (online: 0)");

	/* a DefaultPageSize= the host lacks */
	v[0].nodes = 0;
	s.default_page = G1;
	s.default_page_loc = (struct hp_loc){ "hugeplan.conf", 7 };
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), -EINVAL);
	assert_string_equal(d.file, "hugeplan.conf");
	assert_int_equal(d.line, 7);
}

static void test_empty_and_disabled(void **state)
{
	uint64_t mem[] = { 8 * G1 };
	struct hp_host h = host_of(HP_KVER(6, 1, 0), true, 1, mem);
	struct hp_vm v[] = { vm_of("off", 2 * G1, G1, 0, 1) };
	struct hp_settings s = settings(0, false);
	struct hp_plan p;
	struct hp_diag d;
	struct hp_kargs a;

	(void)state;
	v[0].enabled = false;
	assert_int_equal(hp_plan_compute(&h, &s, v, 1, NULL, &p, &d), 0);
	assert_int_equal(p.nr_vms, 0);
	assert_int_equal(p.nr_pools, 0);
	assert_true(p.feasible);
	assert_int_equal(hp_render(&p, &a), 0);
	assert_int_equal(a.n, 0);
	hp_plan_free(&p);
}

/* Any plan, rendered, parses back to itself in the kernel simulation; a damaged one not. */
static void test_roundtrip_random(void **state)
{
	unsigned seed = 12345;

	(void)state;
	for (int iter = 0; iter < 500; iter++) {
		uint64_t mem[8];
		size_t n = 1 + (size_t)(rand_r(&seed) % 8), nv = (size_t)(rand_r(&seed) % 12);
		struct hp_host h;
		struct hp_vm v[12];
		struct hp_settings s = settings(0, false);
		struct hp_plan p;
		struct hp_diag d;
		struct hp_kargs a;
		struct hp_karch arch;

		for (size_t i = 0; i < n; i++)
			mem[i] = (uint64_t)(4 + rand_r(&seed) % 512) * G1;
		h = host_of(rand_r(&seed) % 4 ? HP_KVER(6, 1, 0) : HP_KVER(5, 10, 0), true, n, mem);
		for (size_t i = 0; i < nv; i++) {
			uint64_t nodes = 0;

			if (rand_r(&seed) % 3 == 0 && h.kver >= HP_KVER(5, 16, 0))
				nodes = (1ULL << (rand_r(&seed) % n)) |
					(1ULL << (rand_r(&seed) % n));
			v[i] = vm_of("vm", (uint64_t)(1 + rand_r(&seed) % 64) * 512 * HP_MIB,
				     rand_r(&seed) % 2 ? G1 : M2, nodes, 1 + rand_r(&seed) % 4);
		}
		s.free_vmemmap = rand_r(&seed) % 2;
		assert_int_equal(hp_plan_compute(&h, &s, v, nv, NULL, &p, &d), 0);
		assert_int_equal(hp_render(&p, &a), 0);
		hp_host_karch(&h, &arch);
		{
			char why[256], line[8192];

			hp_kargs_join(&a, line, sizeof(line));
			if (hp_render_check(&p, &a, &arch, why, sizeof(why)))
				fail_msg("iteration %d: %s: %s", iter, line, why);
		}
		/* pool totals are the per-VM sums, and the node split adds up */
		for (size_t k = 0; k < p.nr_pools; k++) {
			uint64_t sum = 0, vms = 0;

			for (size_t i = 0; i < HP_MAX_NODES; i++)
				sum += p.pools[k].node_pages[i];
			for (size_t i = 0; i < p.nr_vms; i++)
				if (p.vms[i].page_size == p.pools[k].size)
					vms += p.vms[i].pages;
			assert_true(sum == p.pools[k].pages);
			assert_true(vms == p.pools[k].pages);
		}
		if (a.n >= 3) {
			/* the same pair again: the kernel ignores the second, so reject */
			struct hp_kargs b = a;

			memmove(&b.tok[2], &b.tok[0], (b.n) * sizeof(b.tok[0]));
			snprintf(b.tok[0], HP_TOKEN_MAX, "%s", a.tok[1]);
			snprintf(b.tok[1], HP_TOKEN_MAX, "hugepages=1");
			b.n += 2;
			assert_int_equal(hp_render_check(&p, &b, &arch, NULL, 0), -EPROTO);
		}
		hp_plan_free(&p);
	}
}

static void test_tokens(void **state)
{
	(void)state;
	assert_true(hp_token_valid("hugepages=0:12,1:4"));
	assert_true(hp_token_valid("hugeplan.plan=00ff"));
	assert_false(hp_token_valid(""));
	assert_false(hp_token_valid("a b"));
	assert_false(hp_token_valid("x=$(reboot)"));
	assert_false(hp_token_valid("x=`id`"));
	assert_false(hp_token_valid("x=\"q\""));
	assert_false(hp_token_valid("x=1;y"));
	assert_false(hp_token_valid("x=1\ny"));
	assert_true(hp_word_owned("hugepages=4", 11));
	assert_true(hp_word_owned("default-hugepagesz=1G", 21));
	assert_true(hp_word_owned("hugetlb_free_vmemmap=on", 23));
	assert_true(hp_word_owned("hugeplan.plan=1", 15));
	assert_false(hp_word_owned("hugetlb_cma=1G", 14));
	assert_false(hp_word_owned("quiet", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_node),	 cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_two_nodes),	 cmocka_unit_test(test_split_rounding),
		cmocka_unit_test(test_no_room_anywhere), cmocka_unit_test(test_old_kernel),
		cmocka_unit_test(test_errors),		 cmocka_unit_test(test_empty_and_disabled),
		cmocka_unit_test(test_roundtrip_random), cmocka_unit_test(test_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
