// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Prometheus exposition of core/metrics.h, from inputs written out by hand: pools as sysfs
 * would hold them, a plan, an early-boot verdict, a backing. Every expected value follows
 * from a stated rule: the kernel's sysfs counters (nr_hugepages includes surplus_hugepages,
 * free_hugepages is part of nr_hugepages), the format's rules (text format 0.0.4: HELP and
 * TYPE before a family's samples, three escapes in label values), and the series-count
 * formula of core/metrics.h, which hugeplan(8) states for a large host.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"
#include "core/metrics.h"
#include "core/size.h"

#define M2 (2 * HP_MIB)
#define G1 HP_GIB

struct fixture {
	struct hp_pools pools;
	struct hp_usage usage; /* zero: nothing held */
	struct hp_verdict check;
	struct hp_plan plan;
	struct hp_stale stale;
	struct hp_backing back;
	struct hp_vm vms[512];
	struct hp_vm_plan vps[512];
	struct hp_back_vm bvs[512];
	struct hp_metrics_in in;
	char *text;
	size_t len;
};

static struct fixture *fx_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->in.version = "9.9.9";
	f->in.check_ms = 1700000000123ULL;
	f->in.pools = &f->pools;
	return f;
}

static void fx_free(struct fixture *f)
{
	free(f->text);
	free(f);
}

/* sysfs of one size: totals and per node (nr, free, surplus each) */
static void pool(struct fixture *f, uint64_t size, uint64_t resv, uint64_t overcommit, size_t n,
		 const uint64_t (*node)[3])
{
	struct hp_pool *p = &f->pools.pools[f->pools.nr_pools++];

	p->size = size;
	p->resv = resv;
	p->overcommit = overcommit;
	for (size_t k = 0; k < n; k++) {
		p->nodes[k] =
			(struct hp_pool_node){ (unsigned)k, node[k][0], node[k][1], node[k][2] };
		p->nr += node[k][0];
		p->free += node[k][1];
		p->surplus += node[k][2];
		f->pools.online_mask |= 1ULL << k;
	}
	p->nr_nodes = n;
	f->pools.numa_sysfs = true;
}

static void render(struct fixture *f)
{
	free(f->text);
	f->text = NULL;
	assert_int_equal(hp_metrics_render(&f->in, &f->text, &f->len), 0);
	assert_int_equal(strlen(f->text), f->len);
}

/* the value of the sample "series" (name and labels exactly), or NULL when there is none */
static const char *value(const struct fixture *f, const char *series)
{
	static char v[64];
	size_t n = strlen(series);

	for (const char *l = f->text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *end = strchr(l, '\n');

		if (!strncmp(l, series, n) && l[n] == ' ') {
			size_t k = (size_t)((end ? end : l + strlen(l)) - (l + n + 1));

			snprintf(v, sizeof(v), "%.*s", (int)k, l + n + 1);
			return v;
		}
	}
	return NULL;
}

static void expect(const struct fixture *f, const char *series, const char *want)
{
	const char *got = value(f, series);

	if (!got)
		fail_msg("no sample %s in:\n%s", series, f->text);
	if (strcmp(got, want))
		fail_msg("%s: expected %s, got %s", series, want, got);
}

static void absent(const struct fixture *f, const char *series_prefix)
{
	if (strstr(f->text, series_prefix))
		fail_msg("unexpected %s in:\n%s", series_prefix, f->text);
}

/* samples (lines not starting with '#') */
static size_t count_series(const struct fixture *f)
{
	size_t n = 0;

	for (const char *l = f->text; *l;) {
		const char *end = strchr(l, '\n');

		if (*l != '#')
			n++;
		if (!end)
			break;
		l = end + 1;
	}
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The format's grammar as far as Prometheus reads it: every sample's family had HELP then TYPE
 * gauge just before its first sample, each family once, samples of a family together, each
 * series once, a value that is a number, no timestamp (a third field), the last line ended.
 */
static void well_formed(const struct fixture *f)
{
	char fam[128] = "", seen[200][128];
	size_t nseen = 0, nkeys = 0;
	char **keys = calloc(f->len + 1, sizeof(*keys));

	assert_non_null(keys);
	assert_true(f->len > 0 && f->text[f->len - 1] == '\n');
	for (const char *l = f->text; *l;) {
		const char *end = strchr(l, '\n');
		char line[2048], name[128], *sp, *num;

		snprintf(line, sizeof(line), "%.*s", (int)(end - l), l);
		l = end + 1;
		if (!strncmp(line, "# HELP ", 7)) {
			sscanf(line + 7, "%127s", name);
			for (size_t i = 0; i < nseen; i++)
				if (!strcmp(seen[i], name))
					fail_msg("family %s twice", name);
			assert_true(nseen < 200);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			char want[200];

			snprintf(want, sizeof(want), "# TYPE %s gauge", fam);
			assert_string_equal(line, want);
			continue;
		}
		if (line[0] == '#')
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(line, "{ "), line);
		if (strcmp(name, fam))
			fail_msg("sample %s outside its family (%s)", line, fam);
		sp = strrchr(line, ' ');
		assert_non_null(sp);
		num = sp + 1;
		assert_true(*num && strspn(num, "-0123456789.") == strlen(num));
		/* no timestamp: the value is the only field after the name and labels */
		assert_ptr_equal(strchr(strchr(line, '}') ? strrchr(line, '}') : line, ' '), sp);
		*sp = '\0';
		keys[nkeys] = strdup(line);
		assert_non_null(keys[nkeys++]);
	}
	qsort(keys, nkeys, sizeof(*keys), cmp_str);
	for (size_t i = 1; i < nkeys; i++)
		if (!strcmp(keys[i - 1], keys[i]))
			fail_msg("series twice: %s", keys[i]);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
}

static const uint64_t two_nodes_2m[][3] = { { 100, 40, 10 }, { 50, 50, 0 } };
static const uint64_t two_nodes_1g[][3] = { { 4, 4, 0 }, { 2, 1, 0 } };

static void test_pool_counts(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	pool(f, M2, 7, 20, 2, two_nodes_2m);
	pool(f, G1, 0, 0, 2, two_nodes_1g);
	f->in.verdict.exit_code = 2;
	render(f);
	well_formed(f);
	/* nr_hugepages counts surplus pages: the persistent pool is nr - surplus */
	expect(f, "hugeplan_reserved_pages{size=\"2M\",node=\"0\"}", "90");
	expect(f, "hugeplan_reserved_pages{size=\"2M\",node=\"1\"}", "50");
	expect(f, "hugeplan_reserved_pages{size=\"1G\",node=\"1\"}", "2");
	/* in use: every page of nr that is not free, surplus ones included */
	expect(f, "hugeplan_in_use_pages{size=\"2M\",node=\"0\",owner=\"unattributed\"}", "60");
	expect(f, "hugeplan_in_use_pages{size=\"2M\",node=\"1\",owner=\"unattributed\"}", "0");
	expect(f, "hugeplan_in_use_pages{size=\"1G\",node=\"1\",owner=\"unattributed\"}", "1");
	expect(f, "hugeplan_free_pages{size=\"2M\",node=\"0\"}", "40");
	expect(f, "hugeplan_surplus_pages{size=\"2M\",node=\"0\"}", "10");
	expect(f, "hugeplan_committed_pages{size=\"2M\"}", "7");
	expect(f, "hugeplan_overcommit_pages{size=\"2M\"}", "20");
	expect(f, "hugeplan_page_size_bytes{size=\"2M\"}", "2097152");
	expect(f, "hugeplan_page_size_bytes{size=\"1G\"}", "1073741824");
	expect(f, "hugeplan_check_timestamp_seconds", "1700000000.123");
	expect(f, "hugeplan_build_info{version=\"9.9.9\"}", "1");
	/* no plan, no check: what they would say is absent, their state sets all 0 */
	absent(f, "hugeplan_planned_pages");
	absent(f, "hugeplan_budget_");
	absent(f, "hugeplan_requested_pages");
	absent(f, "hugeplan_planned_vms");
	absent(f, "hugeplan_boot_report_timestamp_seconds");
	expect(f, "hugeplan_plan_state{state=\"current\"}", "0");
	expect(f, "hugeplan_boot_check{state=\"met\"}", "0");
	expect(f, "hugeplan_plan_info{plan_id=\"\",boot_plan_id=\"\",applied_plan_id=\"\"}", "1");
	fx_free(f);
}

static void test_verdict_states(void **state)
{
	/* status's exit status (0 ok, 1 short or stale, 2 error) and its two findings */
	static const struct {
		int exit_code;
		bool is_short, is_stale;
		const char *ok, *shrt, *stale, *error;
	} t[] = {
		{ 0, false, false, "1", "0", "0", "0" }, { 1, true, false, "0", "1", "0", "0" },
		{ 1, false, true, "0", "0", "1", "0" },	 { 1, true, true, "0", "1", "1", "0" },
		{ 2, true, false, "0", "1", "0", "1" },	 { 2, false, false, "0", "0", "0", "1" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct fixture *f = fx_new();

		pool(f, M2, 0, 0, 2, two_nodes_2m);
		f->in.verdict =
			(struct hp_metrics_verdict){ t[i].exit_code, t[i].is_short, t[i].is_stale };
		render(f);
		well_formed(f);
		expect(f, "hugeplan_verdict{state=\"ok\"}", t[i].ok);
		expect(f, "hugeplan_verdict{state=\"short\"}", t[i].shrt);
		expect(f, "hugeplan_verdict{state=\"stale\"}", t[i].stale);
		expect(f, "hugeplan_verdict{state=\"error\"}", t[i].error);
		fx_free(f);
	}
}

static struct hp_vsize *vsize(struct fixture *f, uint64_t size, uint64_t requested,
			      uint64_t short_pages, bool present)
{
	struct hp_vsize *z = &f->check.sizes[f->check.nr_sizes++];

	z->size = size;
	z->requested = requested;
	z->short_pages = short_pages;
	z->present = present;
	return z;
}

static void test_requested(void **state)
{
	struct fixture *f = fx_new();
	struct hp_vsize *z;

	(void)state;
	pool(f, M2, 0, 0, 2, two_nodes_2m);
	pool(f, G1, 0, 0, 2, two_nodes_1g);
	f->in.check = &f->check;
	f->check.status = HP_V_SHORT;
	/* 2M in the node form: what each node was asked */
	z = vsize(f, M2, 150, 0, true);
	z->node_form = true;
	z->nodes[0] = (struct hp_vnode){ .id = 0, .asked = true, .requested = 100 };
	z->nodes[1] = (struct hp_vnode){ .id = 1, .asked = true, .requested = 50 };
	z->nr_nodes = 2;
	/* 1G as a plain count on two nodes: the kernel spreads it, no node is asked anything */
	z = vsize(f, G1, 6, 0, true);
	z->nodes[0].id = 0;
	z->nodes[1].id = 1;
	z->nr_nodes = 2;
	/* a size the machine lacks, asked for on the command line: all of it missing */
	vsize(f, 16 * G1, 2, 2, false);
	/* a size the verdict lists but neither the host nor the command line has: nothing */
	vsize(f, 32 * HP_MIB, 0, 0, false);
	render(f);
	well_formed(f);
	expect(f, "hugeplan_requested_pages{size=\"2M\",node=\"0\"}", "100");
	expect(f, "hugeplan_requested_pages{size=\"2M\",node=\"1\"}", "50");
	expect(f, "hugeplan_requested_pages{size=\"1G\"}", "6");
	absent(f, "hugeplan_requested_pages{size=\"1G\",node=");
	expect(f, "hugeplan_requested_pages{size=\"16G\"}", "2");
	expect(f, "hugeplan_boot_short_pages{size=\"16G\"}", "2");
	expect(f, "hugeplan_page_size_bytes{size=\"16G\"}", "17179869184");
	absent(f, "size=\"32M\"");
	expect(f, "hugeplan_boot_check{state=\"short\"}", "1");
	expect(f, "hugeplan_boot_check{state=\"met\"}", "0");
	expect(f, "hugeplan_boot_check{state=\"nothing-requested\"}", "0");
	fx_free(f);

	/* the same plain count on a host with one node: that node is the one asked */
	f = fx_new();
	pool(f, G1, 0, 0, 1, two_nodes_1g);
	f->in.check = &f->check;
	f->check.status = HP_V_MET;
	vsize(f, G1, 4, 0, true);
	render(f);
	well_formed(f);
	expect(f, "hugeplan_requested_pages{size=\"1G\",node=\"0\"}", "4");
	expect(f, "hugeplan_boot_check{state=\"met\"}", "1");
	fx_free(f);
}

/* a plan over two nodes: 2M 10 + 20 pages, 1G 1 + 0; node 1 given more than it has */
static void plan_two_nodes(struct fixture *f, size_t nr_vms)
{
	struct hp_plan *p = &f->plan;

	p->vms = f->vps;
	p->nr_vms = nr_vms;
	for (size_t i = 0; i < nr_vms; i++)
		f->vps[i].vm = &f->vms[i]; /* a planned VM always has its VM */
	p->pools[0] = (struct hp_pool_plan){ .size = M2, .pages = 30, .node_pages = { 10, 20 } };
	p->pools[1] = (struct hp_pool_plan){ .size = G1, .pages = 1, .node_pages = { 1, 0 } };
	p->nr_pools = 2;
	p->nodes[0] = (struct hp_node_plan){
		0, 8 * G1, 10 * M2 + G1, 10 * 32 * HP_KIB + 16 * HP_MIB, 0, 512 * HP_MIB, true, 0,
		0, 0
	};
	p->nodes[0].left =
		(int64_t)(p->nodes[0].mem_total - p->nodes[0].pool - p->nodes[0].vmemmap);
	p->nodes[1] = (struct hp_node_plan){
		1, 32 * HP_MIB, 20 * M2, 20 * 32 * HP_KIB, 0, 512 * HP_MIB, false, 0, 0, 0
	};
	p->nodes[1].left =
		(int64_t)(32 * HP_MIB) - (int64_t)(40 * HP_MIB) - (int64_t)(640 * HP_KIB);
	p->nr_nodes = 2;
	p->node_form = true;
	f->in.plan = p;
	f->in.stale = &f->stale;
}

static void test_plan(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	pool(f, M2, 0, 0, 2, two_nodes_2m);
	pool(f, G1, 0, 0, 2, two_nodes_1g);
	pool(f, 16 * G1, 0, 0, 2, two_nodes_1g);
	plan_two_nodes(f, 3);
	f->stale.state = HP_PS_REBOOT;
	snprintf(f->stale.plan_id, sizeof(f->stale.plan_id), "0123456789abcdef");
	snprintf(f->stale.boot_id, sizeof(f->stale.boot_id), "fedcba9876543210");
	f->in.applied_id = "0123456789abcdef";
	f->in.verdict = (struct hp_metrics_verdict){ 1, false, true };
	render(f);
	well_formed(f);
	expect(f, "hugeplan_planned_pages{size=\"2M\",node=\"0\",backing=\"static\"}", "10");
	expect(f, "hugeplan_planned_pages{size=\"2M\",node=\"1\",backing=\"static\"}", "20");
	expect(f, "hugeplan_planned_pages{size=\"1G\",node=\"0\",backing=\"static\"}", "1");
	expect(f, "hugeplan_planned_pages{size=\"1G\",node=\"1\",backing=\"static\"}", "0");
	/* a size the host has and the plan does not use: 0 pages planned, on every node */
	expect(f, "hugeplan_planned_pages{size=\"16G\",node=\"1\",backing=\"static\"}", "0");
	expect(f, "hugeplan_budget_memory_bytes{node=\"0\"}", "8589934592");
	/* 10 x 2M + 1G = 1094713344; vmemmap 10 x 32 KiB + 16 MiB = 17104896 */
	expect(f, "hugeplan_budget_pool_bytes{node=\"0\"}", "1094713344");
	expect(f, "hugeplan_budget_vmemmap_bytes{node=\"0\"}", "17104896");
	expect(f, "hugeplan_budget_left_bytes{node=\"0\"}", "7478116352");
	expect(f, "hugeplan_budget_reserve_bytes{node=\"0\"}", "536870912");
	expect(f, "hugeplan_budget_fits{node=\"0\"}", "1");
	/* 32 MiB - 40 MiB - 640 KiB */
	expect(f, "hugeplan_budget_left_bytes{node=\"1\"}", "-9043968");
	expect(f, "hugeplan_budget_fits{node=\"1\"}", "0");
	expect(f, "hugeplan_plan_state{state=\"reboot\"}", "1");
	expect(f, "hugeplan_plan_state{state=\"current\"}", "0");
	expect(f, "hugeplan_plan_state{state=\"nothing\"}", "0");
	expect(f,
	       "hugeplan_plan_info{plan_id=\"0123456789abcdef\",boot_plan_id=\"fedcba9876543210\","
	       "applied_plan_id=\"0123456789abcdef\"}",
	       "1");
	expect(f, "hugeplan_planned_vms{source=\"files\"}", "3");
	absent(f, "hugeplan_planned_vms{source=\"libvirt\"}");
	/* VMs from libvirt and Proxmox VE are counted by their source; files stays, at 0 */
	f->vms[0].source = f->vms[1].source = HP_SRC_LIBVIRT;
	f->vms[2].source = HP_SRC_PROXMOX;
	render(f);
	expect(f, "hugeplan_planned_vms{source=\"files\"}", "0");
	expect(f, "hugeplan_planned_vms{source=\"libvirt\"}", "2");
	expect(f, "hugeplan_planned_vms{source=\"proxmox\"}", "1");
	/* no backing computed: nothing said about VMs being short */
	absent(f, "hugeplan_short_vms");
	absent(f, "hugeplan_unplanned_pages");
	fx_free(f);
}

/* a dynamic and a transparent VM: their series appear, from the plan's numbers */
static void test_dynamic(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	pool(f, M2, 0, 0, 2, two_nodes_2m);
	pool(f, G1, 0, 0, 2, two_nodes_1g);
	plan_two_nodes(f, 2);
	snprintf(f->vms[0].name, sizeof(f->vms[0].name), "desk");
	snprintf(f->vms[1].name, sizeof(f->vms[1].name), "web");
	f->vps[0] = (struct hp_vm_plan){
		.vm = &f->vms[0], .page_size = M2, .pages = 300, .backing = HP_BACKING_DYNAMIC
	};
	f->vps[0].node_pages[1] = 300;
	f->vps[1] = (struct hp_vm_plan){ .vm = &f->vms[1], .backing = HP_BACKING_TRANSPARENT };
	f->plan.nr_dynamic = f->plan.nr_transparent = 1;
	/* 300 x 2M + 300 x 32 KiB; 3 GiB ordinary on node 0 */
	f->plan.nodes[1].dynamic = 300 * M2;
	f->plan.nodes[1].dynamic_vmemmap = 300 * 32 * HP_KIB;
	f->plan.nodes[0].ordinary = 3 * G1;
	f->in.verdict = (struct hp_metrics_verdict){ 0, false, false };
	render(f);
	well_formed(f);
	expect(f, "hugeplan_planned_pages{size=\"2M\",node=\"1\",backing=\"dynamic\"}", "300");
	expect(f, "hugeplan_planned_pages{size=\"2M\",node=\"0\",backing=\"dynamic\"}", "0");
	expect(f, "hugeplan_planned_pages{size=\"2M\",node=\"1\",backing=\"static\"}", "20");
	expect(f, "hugeplan_budget_dynamic_peak_bytes{node=\"1\"}", "638976000");
	expect(f, "hugeplan_budget_ordinary_bytes{node=\"0\"}", "3221225472");
	expect(f, "hugeplan_budget_ordinary_bytes{node=\"1\"}", "0");
	fx_free(f);
}

static void test_backing(void **state)
{
	struct fixture *f = fx_new();
	static const char *const names[] = { "alpha", "beta", "gamma" };
	static const uint64_t sizes[] = { G1, M2, G1 }, need[] = { 4, 100, 3 },
			      got[] = { 4, 60, 0 };

	(void)state;
	pool(f, M2, 0, 0, 2, two_nodes_2m);
	pool(f, G1, 0, 0, 2, two_nodes_1g);
	plan_two_nodes(f, 3);
	for (size_t i = 0; i < 3; i++) {
		snprintf(f->vms[i].name, sizeof(f->vms[i].name), "%s", names[i]);
		f->vps[i] = (struct hp_vm_plan){ .vm = &f->vms[i],
						 .page_size = sizes[i],
						 .pages = need[i] };
		f->bvs[i] = (struct hp_back_vm){ .vp = &f->vps[i], .need = need[i], .got = got[i] };
		f->bvs[i].short_pages = need[i] - got[i];
	}
	f->back.vms = f->bvs;
	f->back.nr_vms = 3;
	f->back.nr_short = 2;
	f->back.short_bytes = 40 * M2 + 3 * G1;
	f->back.per_node = true;
	f->back.left.per_node = true;
	f->back.left.sizes[0] = (struct hp_avail){ G1, { 0, 2 } };
	f->back.left.nr_sizes = 1;
	f->in.backing = &f->back;
	f->in.verdict = (struct hp_metrics_verdict){ 1, true, false };
	render(f);
	well_formed(f);
	expect(f, "hugeplan_short_vms", "2");
	expect(f, "hugeplan_short_bytes", "3305111552");
	expect(f, "hugeplan_vm_short_pages{vm=\"beta\",size=\"2M\"}", "40");
	expect(f, "hugeplan_vm_short_pages{vm=\"gamma\",size=\"1G\"}", "3");
	absent(f, "vm=\"alpha\"");
	/* what no VM took, per size and node; a size with nothing left reads 0 */
	expect(f, "hugeplan_unplanned_pages{size=\"1G\",node=\"1\"}", "2");
	expect(f, "hugeplan_unplanned_pages{size=\"1G\",node=\"0\"}", "0");
	expect(f, "hugeplan_unplanned_pages{size=\"2M\",node=\"0\"}", "0");
	fx_free(f);
}

static void test_escape(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	pool(f, M2, 0, 0, 1, two_nodes_2m);
	plan_two_nodes(f, 0);
	/* hugeplan.plan= is whatever the command line holds: quote, backslash, newline, NBSP */
	snprintf(f->stale.boot_id, sizeof(f->stale.boot_id), "a\"b\\c\nd\xa0");
	render(f);
	well_formed(f);
	expect(f,
	       "hugeplan_plan_info{plan_id=\"\",boot_plan_id=\"a\\\"b\\\\c\\nd\\\\xa0\","
	       "applied_plan_id=\"\"}",
	       "1");
	fx_free(f);
}

static void test_nothing_read(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	f->in.pools = NULL;
	f->in.verdict.exit_code = 2;
	render(f);
	well_formed(f);
	/* the time and the error, so that an alert sees the failure */
	assert_int_equal(count_series(f), 1 + 1 + 4);
	expect(f, "hugeplan_verdict{state=\"error\"}", "1");
	expect(f, "hugeplan_verdict{state=\"ok\"}", "0");
	expect(f, "hugeplan_check_timestamp_seconds", "1700000000.123");
	fx_free(f);
}

static void test_report_time(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	pool(f, M2, 0, 0, 1, two_nodes_2m);
	f->in.report_ms = 1699999999005ULL;
	f->in.check_ms = 7;
	render(f);
	well_formed(f);
	expect(f, "hugeplan_boot_report_timestamp_seconds", "1699999999.005");
	expect(f, "hugeplan_check_timestamp_seconds", "0.007");
	fx_free(f);
}

/*
 * In use by owner (core/metrics.h): each running guest where it maps pages, guests of one name
 * in one series, and the rest unattributed, so that one size and node adds up to nr - free.
 * 2M node0: 60 in use; a maps 20 + 10 (two guests named a), b 10, a guest named
 * "unattributed" 5 (counted in that series): unattributed 60 - 30 - 10 = 20. node1: nothing
 * in use, nothing mapped: unattributed 0 alone. 1G node1: 1 in use, b maps it.
 */
static void test_in_use_owners(void **state)
{
	struct fixture *f = fx_new();
	struct hp_guest *g = calloc(4, sizeof(*g));

	(void)state;
	assert_non_null(g);
	pool(f, M2, 0, 0, 2, two_nodes_2m);
	pool(f, G1, 0, 0, 2, two_nodes_1g);
	snprintf(g[0].name, sizeof(g[0].name), "a");
	g[0].pages[0][0] = 20;
	snprintf(g[1].name, sizeof(g[1].name), "a");
	g[1].pages[0][0] = 10;
	snprintf(g[2].name, sizeof(g[2].name), "b");
	g[2].pages[0][0] = 10;
	g[2].pages[1][1] = 1;
	snprintf(g[3].name, sizeof(g[3].name), "unattributed");
	g[3].pages[0][0] = 5;
	f->in.guests = g;
	f->in.nr_guests = 4;
	render(f);
	well_formed(f);
	expect(f, "hugeplan_in_use_pages{size=\"2M\",node=\"0\",owner=\"a\"}", "30");
	expect(f, "hugeplan_in_use_pages{size=\"2M\",node=\"0\",owner=\"b\"}", "10");
	expect(f, "hugeplan_in_use_pages{size=\"2M\",node=\"0\",owner=\"unattributed\"}", "20");
	expect(f, "hugeplan_in_use_pages{size=\"2M\",node=\"1\",owner=\"unattributed\"}", "0");
	expect(f, "hugeplan_in_use_pages{size=\"1G\",node=\"1\",owner=\"b\"}", "1");
	expect(f, "hugeplan_in_use_pages{size=\"1G\",node=\"1\",owner=\"unattributed\"}", "0");
	/* where a guest maps nothing it has no series */
	absent(f, "hugeplan_in_use_pages{size=\"2M\",node=\"1\",owner=\"a\"}");
	absent(f, "hugeplan_in_use_pages{size=\"1G\",node=\"0\",owner=\"b\"}");
	fx_free(f);
	free(g);
}

/*
 * hugeplan_held_pages: core/usage.h's held per size and node, the free pages the planned VMs
 * that are not running are given, worked out here by its rules. The host (test-status's
 * test_usage): 2M node 0 100 reserved, 40 free, an unplanned guest "other" maps the 60 in
 * use; node 1 100, all free. 1G node 0 2 reserved, 1 free, the guest of db (1G, pinned to
 * node 0) maps the other. web, 128 MiB on 2M on any node, does not run: it is covered from
 * the pool less what the guests map (node 0 40, node 1 100), whole on the roomier node 1
 * (core/backing.h): held 64 on 2M node 1 and 0 on node 0; db runs on what it maps: nothing
 * held on 1G. Without a plan, or without the usage, no series.
 */
static void test_held(void **state)
{
	static const uint64_t n2m[2][3] = { { 100, 40, 0 }, { 100, 100, 0 } };
	static const uint64_t n1g[2][3] = { { 2, 1, 0 }, { 0, 0, 0 } };
	struct hp_vm_pages parts[] = { { M2, -1, 64, false, false }, { G1, 0, 1, true, false } };
	struct fixture *f = fx_new();
	struct hp_guest *g = calloc(2, sizeof(*g));
	struct hp_backing b;
	struct hp_usage u;

	(void)state;
	assert_non_null(g);
	pool(f, M2, 0, 0, 2, n2m);
	pool(f, G1, 0, 0, 2, n1g);
	snprintf(f->vms[0].name, sizeof(f->vms[0].name), "web");
	f->vms[0].memory = 128 * HP_MIB;
	snprintf(f->vms[1].name, sizeof(f->vms[1].name), "db");
	f->vms[1].memory = G1;
	f->vms[1].nodes = 1;
	for (size_t i = 0; i < 2; i++) {
		f->vms[i].instances = 1;
		f->vms[i].enabled = true;
		f->vps[i] = (struct hp_vm_plan){ .vm = &f->vms[i],
						 .page_size = parts[i].size,
						 .pages = parts[i].pages,
						 .bytes = parts[i].pages * parts[i].size,
						 .nodes = f->vms[i].nodes,
						 .parts = &parts[i],
						 .nr_parts = 1 };
	}
	f->plan.vms = f->vps;
	f->plan.nr_vms = 2;
	f->plan.nodes[1].id = 1;
	f->plan.nr_nodes = 2;
	f->plan.node_form = true;
	f->plan.feasible = true;
	f->in.plan = &f->plan;
	f->in.stale = &f->stale;
	/* sorted by name, as sys/guests.h gives them */
	snprintf(g[0].name, sizeof(g[0].name), "db");
	g[0].pages[1][0] = 1;
	snprintf(g[1].name, sizeof(g[1].name), "other");
	g[1].pages[0][0] = 60;
	assert_int_equal(hp_usage_compute(&f->pools, &f->plan, g, 2, &u, &b), 0);
	f->in.guests = g;
	f->in.nr_guests = 2;
	f->in.backing = &b;
	f->in.usage = &u;
	render(f);
	well_formed(f);
	expect(f, "hugeplan_held_pages{size=\"2M\",node=\"0\"}", "0");
	expect(f, "hugeplan_held_pages{size=\"2M\",node=\"1\"}", "64");
	expect(f, "hugeplan_held_pages{size=\"1G\",node=\"0\"}", "0");
	expect(f, "hugeplan_held_pages{size=\"1G\",node=\"1\"}", "0");
	assert_non_null(strstr(f->text, "# TYPE hugeplan_held_pages gauge\n"));
	/* web runs in other's place (64 on node 0, 36 free there): no planned VM is off,
	 * nothing is held */
	snprintf(g[1].name, sizeof(g[1].name), "web");
	g[1].pages[0][0] = 64;
	f->pools.pools[0].nodes[0].free = 36;
	f->pools.pools[0].free = 136;
	hp_backing_free(&b);
	hp_usage_free(&u);
	assert_int_equal(hp_usage_compute(&f->pools, &f->plan, g, 2, &u, &b), 0);
	render(f);
	expect(f, "hugeplan_held_pages{size=\"2M\",node=\"0\"}", "0");
	expect(f, "hugeplan_held_pages{size=\"2M\",node=\"1\"}", "0");
	f->in.usage = NULL;
	render(f);
	absent(f, "hugeplan_held_pages");
	f->in.usage = &u;
	f->in.plan = NULL;
	render(f);
	absent(f, "hugeplan_held_pages");
	hp_backing_free(&b);
	hp_usage_free(&u);
	free(g);
	fx_free(f);
}

/*
 * hugeplan(8)'s worst case: 8 nodes, 2 sizes asked per node, 500 planned VMs of which all are
 * short: 19 + 4 S + 8 S N + 6 N + X = 19 + 8 + 128 + 48 + 500 = 703 series; all backed, none
 * running: X = 0, 203; and the same 500 all running, none short, each on one size and node:
 * + G = 500, X = 0, 703 again.
 */
static void test_worst_case(void **state)
{
	static const uint64_t nodes[8][3] = { { 0 } };
	struct fixture *f = fx_new();
	uint64_t sizes[] = { M2, G1 };

	(void)state;
	pool(f, M2, 0, 0, 8, nodes);
	pool(f, G1, 0, 0, 8, nodes);
	f->in.check = &f->check;
	f->in.report_ms = 1;
	for (size_t s = 0; s < 2; s++) {
		struct hp_vsize *z = vsize(f, sizes[s], 8000, 8000, true);

		z->node_form = true;
		for (unsigned k = 0; k < 8; k++)
			z->nodes[k] =
				(struct hp_vnode){ .id = k, .asked = true, .requested = 1000 };
		z->nr_nodes = 8;
	}
	plan_two_nodes(f, 500);
	for (unsigned k = 0; k < 8; k++)
		f->plan.nodes[k] = (struct hp_node_plan){ .id = k, .mem_total = 64 * G1 };
	f->plan.nr_nodes = 8;
	for (size_t i = 0; i < 500; i++) {
		snprintf(f->vms[i].name, sizeof(f->vms[i].name), "vm%03zu", i);
		f->vps[i] = (struct hp_vm_plan){ .vm = &f->vms[i],
						 .page_size = sizes[i % 2],
						 .pages = 16 };
		f->bvs[i] = (struct hp_back_vm){ .vp = &f->vps[i], .need = 16, .short_pages = 16 };
	}
	f->back = (struct hp_backing){ .vms = f->bvs, .nr_vms = 500, .nr_short = 500 };
	f->in.backing = &f->back;
	f->in.usage = &f->usage;
	render(f);
	well_formed(f);
	assert_int_equal(count_series(f), 703);
	for (size_t i = 0; i < 500; i++)
		f->bvs[i].short_pages = 0;
	f->back.nr_short = 0;
	render(f);
	assert_int_equal(count_series(f), 203);
	/* none short, all 500 running, each on one size and node: X = 0, G = 500, 703 again */
	{
		struct hp_guest *g = calloc(500, sizeof(*g));

		assert_non_null(g);
		for (size_t i = 0; i < 500; i++) {
			snprintf(g[i].name, sizeof(g[i].name), "vm%03zu", i);
			g[i].pages[i % 2][i % 8] = 16;
			f->bvs[i].short_pages = 0;
			f->bvs[i].got = 16;
		}
		f->back.nr_short = 0;
		f->in.guests = g;
		f->in.nr_guests = 500;
		render(f);
		well_formed(f);
		assert_int_equal(count_series(f), 703);
		free(g);
	}
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_counts),   cmocka_unit_test(test_verdict_states),
		cmocka_unit_test(test_requested),     cmocka_unit_test(test_plan),
		cmocka_unit_test(test_dynamic),	      cmocka_unit_test(test_backing),
		cmocka_unit_test(test_escape),	      cmocka_unit_test(test_nothing_read),
		cmocka_unit_test(test_report_time),   cmocka_unit_test(test_worst_case),
		cmocka_unit_test(test_in_use_owners), cmocka_unit_test(test_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
