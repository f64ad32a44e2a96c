// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What hugeplan status judges: which VMs a pool backs (core/backing.h) and whether this boot
 * runs today's plan (core/stale.h). Plans are written out by hand here, so that these tests
 * depend on the stated rules only, not on the planner; the expected pages per node follow
 * from the rules in core/backing.h, worked out in the comments.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"
#include "core/backing.h"
#include "core/libvirtqemu.h"
#include "core/pveqemu.h"
#include "core/render.h"
#include "core/size.h"
#include "core/stale.h"
#include "core/usage.h"
#include "sources/libvirt.h"

#define M2 (2 * HP_MIB)
#define G1 HP_GIB

static struct hp_vm vm_of(const char *name, uint64_t mem, uint64_t nodes, unsigned inst)
{
	struct hp_vm v;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", name);
	v.memory = mem;
	v.nodes = nodes;
	v.instances = inst;
	v.enabled = true;
	return v;
}

/* a plan over nodes 0..n-1 of the given VMs, each on page size ps[i] */
static void plan_of(struct hp_plan *p, size_t nodes, bool node_form, const struct hp_vm *vms,
		    const uint64_t *ps, size_t n)
{
	memset(p, 0, sizeof(*p));
	p->vms = calloc(n ? n : 1, sizeof(*p->vms));
	p->parts = calloc(n * HP_MAX_NODES + 1, sizeof(*p->parts));
	assert_non_null(p->vms);
	assert_non_null(p->parts);
	for (size_t i = 0; i < n; i++) {
		struct hp_vm_plan *vp = &p->vms[i];

		vp->vm = &vms[i];
		vp->page_size = ps[i];
		vp->parts = &p->parts[p->nr_parts];
		vp->pages =
			(vms[i].memory / ps[i] + (vms[i].memory % ps[i] != 0)) * vms[i].instances;
		if (vms[i].nodes && node_form) {
			vp->pages = 0;
			vp->nodes = vms[i].nodes;
			for (unsigned k = 0; k < HP_MAX_NODES; k++) {
				uint64_t m = hp_vm_node_pages(&vms[i], ps[i], k) * vms[i].instances;

				if (!m)
					continue;
				vp->parts[vp->nr_parts++] =
					(struct hp_vm_pages){ ps[i], (int)k, m, true, false };
				vp->pages += m;
			}
		} else {
			vp->parts[vp->nr_parts++] =
				(struct hp_vm_pages){ ps[i], -1, vp->pages, false, false };
		}
		vp->bytes = vp->pages * ps[i];
		p->nr_parts += vp->nr_parts;
	}
	p->nr_vms = n;
	for (size_t k = 0; k < nodes; k++)
		p->nodes[k].id = (unsigned)k;
	p->nr_nodes = nodes;
	p->node_form = node_form;
	p->feasible = true;
}

static void avail_of(struct hp_avail_set *a, uint64_t size, const uint64_t *per_node, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->per_node = true;
	a->sizes[0].size = size;
	for (size_t k = 0; k < n; k++)
		a->sizes[0].node[k] = per_node[k];
	a->nr_sizes = 1;
}

static void test_pinned_first(void **state)
{
	/* "any" comes first in the configuration but "db" is pinned to node 1, where all 4
	 * pages are: db takes them, any is left with nothing (node 0 has none) */
	struct hp_vm v[] = { vm_of("any", 4 * G1, 0, 1), vm_of("db", 4 * G1, 1ULL << 1, 1) };
	uint64_t ps[] = { G1, G1 }, have[] = { 0, 4 };
	struct hp_avail_set a;
	struct hp_backing b;
	struct hp_plan p;

	(void)state;
	plan_of(&p, 2, true, v, ps, 2);
	avail_of(&a, G1, have, 2);
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].vp->vm == &v[0]); /* configuration order kept */
	assert_true(b.vms[0].got == 0 && b.vms[0].short_pages == 4);
	assert_true(b.vms[1].node[1] == 4 && b.vms[1].short_pages == 0);
	assert_int_equal(b.nr_short, 1);
	assert_true(b.short_bytes == 4 * G1);
	hp_backing_free(&b);
	hp_plan_free(&p);
}

static void test_unpinned_placement(void **state)
{
	struct hp_vm v[] = { vm_of("a", 4 * G1, 0, 1) };
	uint64_t ps[] = { G1 };
	struct hp_avail_set a;
	struct hp_backing b;
	struct hp_plan p;

	(void)state;
	plan_of(&p, 2, true, v, ps, 1);
	/* whole on the node that can hold it: node 0 has 3, node 1 has 5 */
	avail_of(&a, G1, (const uint64_t[]){ 3, 5 }, 2);
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].node[0] == 0 && b.vms[0].node[1] == 4);
	assert_true(b.left.sizes[0].node[0] == 3 && b.left.sizes[0].node[1] == 1);
	hp_backing_free(&b);
	/* a tie goes to the lower node */
	avail_of(&a, G1, (const uint64_t[]){ 5, 5 }, 2);
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].node[0] == 4 && b.vms[0].node[1] == 0);
	hp_backing_free(&b);
	/* no node holds it whole: the most first, 3 from node 0, then 1 from node 1 */
	avail_of(&a, G1, (const uint64_t[]){ 3, 2 }, 2);
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].node[0] == 3 && b.vms[0].node[1] == 1 && !b.vms[0].short_pages);
	hp_backing_free(&b);
	/* not enough anywhere: 2 + 1, short 1 */
	avail_of(&a, G1, (const uint64_t[]){ 2, 1 }, 2);
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].got == 3 && b.vms[0].short_pages == 1);
	hp_backing_free(&b);
	hp_plan_free(&p);
}

static void test_instances_and_sizes(void **state)
{
	/* two instances of 3 pages: node 0 (4, the most) holds the first whole; then only
	 * node 1 (3) holds one whole. A 2M VM finds no 2M pages at all. */
	struct hp_vm v[] = { vm_of("web", 3 * G1, 0, 2), vm_of("small", 64 * HP_MIB, 0, 1) };
	uint64_t ps[] = { G1, M2 };
	struct hp_avail_set a;
	struct hp_backing b;
	struct hp_plan p;

	(void)state;
	plan_of(&p, 2, true, v, ps, 2);
	avail_of(&a, G1, (const uint64_t[]){ 4, 3 }, 2);
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].need == 6);
	assert_true(b.vms[0].node[0] == 3 && b.vms[0].node[1] == 3);
	assert_true(b.vms[1].need == 32 && b.vms[1].short_pages == 32);
	assert_true(b.short_bytes == 64 * HP_MIB);
	hp_backing_free(&b);
	hp_plan_free(&p);
}

static void test_pinned_two_nodes(void **state)
{
	/* 3G pinned to nodes 0 and 1: 1.5G each, 2 x 1G pages on each (rounded up per node);
	 * node 0 has 2, node 1 has 1: short 1, on node 1 */
	struct hp_vm v[] = { vm_of("wide", 3 * G1, 0x3, 1) };
	uint64_t ps[] = { G1 };
	struct hp_avail_set a;
	struct hp_backing b;
	struct hp_plan p;

	(void)state;
	plan_of(&p, 2, true, v, ps, 1);
	assert_true(p.vms[0].pages == 4);
	avail_of(&a, G1, (const uint64_t[]){ 2, 1 }, 2);
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].node[0] == 2 && b.vms[0].node[1] == 1 && b.vms[0].short_pages == 1);
	hp_backing_free(&b);
	hp_plan_free(&p);
}

static struct hp_karch x86_2nodes(void)
{
	struct hp_karch a;

	memset(&a, 0, sizeof(a));
	a.sizes[0] = M2;
	a.sizes[1] = G1;
	a.nr_sizes = 2;
	a.hpage_size = M2;
	a.gigantic_min = 8 * HP_MIB;
	a.online_nodes = 0x3;
	a.kver = HP_KVER(6, 1, 0);
	a.node_alloc = true;
	a.hugepages_supported = true;
	return a;
}

static void test_avail_from_kreq(void **state)
{
	struct hp_karch arch = x86_2nodes();
	struct hp_avail_set a;
	struct hp_kreq r;

	(void)state;
	hp_kcmdline_simulate("hugepagesz=1G hugepages=0:4,1:14", &arch, &r);
	hp_avail_from_kreq(&r, &a);
	assert_true(a.per_node);
	for (size_t i = 0; i < a.nr_sizes; i++)
		if (a.sizes[i].size == G1)
			assert_true(a.sizes[i].node[0] == 4 && a.sizes[i].node[1] == 14);
	/* the balanced form: only the total is known */
	hp_kcmdline_simulate("hugepagesz=1G hugepages=18", &arch, &r);
	hp_avail_from_kreq(&r, &a);
	assert_false(a.per_node);
	for (size_t i = 0; i < a.nr_sizes; i++)
		if (a.sizes[i].size == G1)
			assert_true(a.sizes[i].node[0] == 18 && a.sizes[i].node[1] == 0);
}

static void test_balanced_pool_ignores_pinning(void **state)
{
	/* from a balanced request the split is unknown: a pinned VM draws from the total */
	struct hp_vm v[] = { vm_of("db", 4 * G1, 1ULL << 1, 1) };
	uint64_t ps[] = { G1 };
	struct hp_avail_set a;
	struct hp_backing b;
	struct hp_plan p;

	(void)state;
	plan_of(&p, 2, true, v, ps, 1);
	avail_of(&a, G1, (const uint64_t[]){ 4 }, 1);
	a.per_node = false;
	assert_int_equal(hp_backing_compute(&p, &a, &b), 0);
	assert_true(b.vms[0].got == 4 && !b.vms[0].short_pages && b.vms[0].node[0] == 4);
	hp_backing_free(&b);
	hp_plan_free(&p);
}

/* --- stale --------------------------------------------------------------------------------- */

/* today's plan of tests/cli numa: 2M 0:1287,1:1785 and 1G 0:4,1:14, default 1G */
static void numa_plan(struct hp_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->nr_pools = 2;
	p->pools[0].size = M2;
	p->pools[0].node_pages[0] = 1287;
	p->pools[0].node_pages[1] = 1785;
	p->pools[0].pages = 3072;
	p->pools[1].size = G1;
	p->pools[1].node_pages[0] = 4;
	p->pools[1].node_pages[1] = 14;
	p->pools[1].pages = 18;
	p->nodes[0].id = 0;
	p->nodes[1].id = 1;
	p->nr_nodes = 2;
	p->node_form = true;
	p->default_size = G1;
	p->feasible = true;
	p->nr_vms = 3;
}

static void stale_of(const struct hp_plan *p, const char *plan_id, const char *cmdline,
		     const char *applied, struct hp_stale *st)
{
	struct hp_karch arch = x86_2nodes();
	struct hp_kreq r;
	struct hp_stale_in in = {
		.plan = p, .plan_id = plan_id, .boot = &r, .applied_id = applied
	};

	hp_kcmdline_simulate(cmdline, &arch, &r);
	hp_stale_compute(&in, st);
}

#define NUMA_RES                                                                                   \
	"default_hugepagesz=1G hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G "               \
	"hugepages=0:4,1:14"

static void test_stale_states(void **state)
{
	struct hp_stale st;
	struct hp_plan p;

	(void)state;
	numa_plan(&p);
	/* the same reservation: current, with or without an id */
	stale_of(&p, "aaaa", "root=/dev/sda " NUMA_RES " hugeplan.plan=aaaa", NULL, &st);
	assert_int_equal(st.state, HP_PS_CURRENT);
	assert_int_equal(st.nr_sizes, 0);
	assert_string_equal(st.boot_id, "aaaa");
	stale_of(&p, "aaaa", NUMA_RES, NULL, &st);
	assert_int_equal(st.state, HP_PS_CURRENT);
	assert_string_equal(st.boot_id, "");
	/* the same order of words is not needed: the kernel's reading is compared */
	stale_of(&p, "aaaa",
		 "hugepagesz=1G hugepages=0:4,1:14 hugepagesz=2M hugepages=0:1287,1:1785 "
		 "default_hugepagesz=1G",
		 NULL, &st);
	assert_int_equal(st.state, HP_PS_CURRENT);

	/* the same totals in the balanced form: the split is not the plan's */
	stale_of(&p, "aaaa",
		 "default_hugepagesz=1G hugepagesz=2M hugepages=3072 hugepagesz=1G hugepages=18",
		 NULL, &st);
	assert_int_equal(st.state, HP_PS_STALE);
	assert_int_equal(st.nr_sizes, 2);
	assert_true(st.sizes[0].size == M2 && st.sizes[0].nodes_differ);
	assert_true(st.sizes[1].size == G1 && st.sizes[1].boot == 18 && st.sizes[1].plan == 18);
	assert_false(st.sizes[1].boot_node_form);

	/* one page less on node 1 */
	stale_of(&p, "aaaa",
		 "default_hugepagesz=1G hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G "
		 "hugepages=0:4,1:13",
		 NULL, &st);
	assert_int_equal(st.state, HP_PS_STALE);
	assert_int_equal(st.nr_sizes, 1);
	assert_true(st.sizes[0].size == G1 && st.sizes[0].boot == 17 && st.sizes[0].plan == 18);
	assert_true(st.sizes[0].boot_node[1] == 13 && st.sizes[0].plan_node[1] == 14);

	/* without default_hugepagesz= the kernel's default is 2M, not the plan's 1G */
	stale_of(&p, "aaaa",
		 "hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14", NULL,
		 &st);
	assert_int_equal(st.state, HP_PS_STALE);
	assert_true(st.default_differs && st.boot_default == M2 && st.plan_default == G1);
	assert_int_equal(st.nr_sizes, 0);

	/* the plan frees the vmemmap, this boot does not */
	p.free_vmemmap = true;
	stale_of(&p, "aaaa", NUMA_RES, NULL, &st);
	assert_int_equal(st.state, HP_PS_STALE);
	assert_true(st.vmemmap_differs);
	p.free_vmemmap = false;

	/* apply wrote today's plan (bbbb) and this boot runs aaaa: reboot */
	stale_of(&p, "bbbb", "hugepagesz=1G hugepages=0:4,1:4 hugeplan.plan=aaaa", "bbbb", &st);
	assert_int_equal(st.state, HP_PS_REBOOT);
	/* apply's last plan is this boot's: the configuration changed since, plainly stale */
	stale_of(&p, "bbbb", "hugepagesz=1G hugepages=0:4,1:4 hugeplan.plan=aaaa", "aaaa", &st);
	assert_int_equal(st.state, HP_PS_STALE);
	/* an id that is today's on a line that reserves something else (edited by hand) */
	stale_of(&p, "bbbb", "hugepagesz=1G hugepages=0:4,1:4 hugeplan.plan=bbbb", "bbbb", &st);
	assert_int_equal(st.state, HP_PS_STALE);

	/* a plan that does not fit: unfit, whatever the boot has */
	p.feasible = false;
	stale_of(&p, "", NUMA_RES, NULL, &st);
	assert_int_equal(st.state, HP_PS_UNFIT);
	hp_plan_free(&p);
}

static void test_stale_empty(void **state)
{
	struct hp_stale st;
	struct hp_plan p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.feasible = true;
	p.nr_nodes = 1;
	stale_of(&p, "", "root=/dev/sda1 quiet", NULL, &st);
	assert_int_equal(st.state, HP_PS_NOTHING);
	assert_false(st.boot_reserves);
	/* a count of 0 reserves nothing */
	stale_of(&p, "", "hugepagesz=1G hugepages=0", NULL, &st);
	assert_int_equal(st.state, HP_PS_NOTHING);
	/* pages no VM is planned for */
	stale_of(&p, "", "hugepagesz=1G hugepages=2", NULL, &st);
	assert_int_equal(st.state, HP_PS_STALE);
	assert_true(st.boot_reserves);
	assert_true(st.nr_sizes == 1 && st.sizes[0].boot == 2 && st.sizes[0].plan == 0);
}

/* records from their state-file text, one per line */
static void recs_of(struct hp_recs *r, const char *const *lines, size_t n)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hp_recs_parse_line(r, lines[i], strlen(lines[i])), 0);
}

static void test_records_text(void **state)
{
	static const char *const lines[] = {
		"db1 libvirt 1048576:0:2,1048576:1:2,2048:-:256 /etc/libvirt/qemu/db1.xml",
		"web files 2048:-:1024 /etc/hugeplan/vms.d/a b.conf",
		"101 proxmox 2048:0:512",
	};
	static const char *const bad[] = {
		"",
		"db1",
		"db1 libvirt",
		"-x files 2048:-:1 f",
		"db1 xen 2048:-:1 f",
		"db1 files 2048:-:x f",
		"db1 files 2048:1 f",
		"db1 files 0:-:1 f",
		"db1 files 2048:64:1 f",
		"db1 files 2048::1 f",
		"db1 files 2048:-:1, f",
		"db1 files 99999999999999999999:-:1 f",
	};
	struct hp_recs r, back = { 0 };
	struct hp_text t = HP_TEXT_INIT;
	char *text, *p, buf[200];

	(void)state;
	recs_of(&r, lines, 3);
	assert_int_equal(r.nr, 3);
	assert_string_equal(r.vms[0].name, "db1");
	assert_int_equal(r.vms[0].source, HP_SRC_LIBVIRT);
	assert_int_equal(r.vms[0].nr_parts, 3);
	assert_true(r.parts[2].size == M2 && r.parts[2].node == -1 && r.parts[2].pages == 256);
	assert_string_equal(r.vms[1].file, "/etc/hugeplan/vms.d/a b.conf");
	assert_string_equal(r.vms[2].file, "");
	assert_true(hp_rec_bytes(&r, &r.vms[0]) == 4 * G1 + 256 * M2);
	hp_rec_pages_text(&r, &r.vms[0], buf, sizeof(buf));
	assert_string_equal(buf, "2 x 1G on node 0 + 2 x 1G on node 1 + 256 x 2M");
	/* what render writes, parse reads back: the same records */
	hp_recs_render(&r, "vm", &t);
	assert_int_equal(hp_text_finish(&t, &text, NULL), 0);
	assert_int_equal(strncmp(text, "vm=db1 libvirt ", 15), 0);
	for (p = text; *p;) {
		char *eol = strchr(p, '\n');

		assert_non_null(eol);
		assert_int_equal(strncmp(p, "vm=", 3), 0);
		assert_int_equal(hp_recs_parse_line(&back, p + 3, (size_t)(eol - p - 3)), 0);
		p = eol + 1;
	}
	assert_true(hp_recs_equal(&r, &back));
	back.parts[0].pages++;
	assert_false(hp_recs_equal(&r, &back));
	free(text);
	hp_recs_free(&back);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hp_recs_parse_line(&back, bad[i], strlen(bad[i])), -EINVAL);
		assert_int_equal(back.nr, 0);
	}
	hp_recs_free(&back);
	hp_recs_free(&r);
}

/* one change of hp_stale_changes(): the VM's name and what changed */
struct want_change {
	const char *name;
	unsigned what;
};

static void check_changes(const char *const *before, size_t nb, const char *const *after, size_t na,
			  const struct want_change *want, size_t nw)
{
	struct hp_recs b, a;
	struct hp_changes c;

	recs_of(&b, before, nb);
	recs_of(&a, after, na);
	assert_int_equal(hp_stale_changes(&b, &a, &c), 0);
	assert_int_equal(c.nr, nw);
	for (size_t i = 0; i < nw; i++) {
		const struct hp_vm_rec *r = c.v[i].after ? c.v[i].after : c.v[i].before;

		assert_string_equal(r->name, want[i].name);
		assert_int_equal(c.v[i].what, want[i].what);
	}
	hp_changes_free(&c);
	hp_recs_free(&b);
	hp_recs_free(&a);
}

static void test_changes(void **state)
{
	/* issue 14: three VMs of one size; the pages alone cannot tell which one is new */
	static const char *const boot[] = { "analytics files 1048576:-:1 /v/analytics.conf",
					    "db1 files 1048576:-:1 /v/db1.conf" };
	static const char *const added[] = { "analytics files 1048576:-:1 /v/analytics.conf",
					     "cache files 1048576:-:1 /v/cache.conf",
					     "db1 files 1048576:-:1 /v/db1.conf" };
	static const char *const grown[] = { "analytics files 1048576:-:1 /v/analytics.conf",
					     "db1 files 1048576:-:2 /v/db1.conf" };
	/* every kind at once, against one boot */
	static const char *const b2[] = {
		"a files 1048576:0:2 /v/a.conf",     "b files 1048576:0:2 /v/b.conf",
		"c files 1048576:0:2 /v/c.conf",     "d files 1048576:0:2 /v/d.conf",
		"e files 1048576:0:2 /v/e.conf",     "f files 1048576:0:1,1048576:1:3 /v/f.conf",
		"g files 1048576:0:2 /v/g.conf",     "h files 1048576:0:2 /v/h.conf",
		"same files 2048:-:10 /v/same.conf",
	};
	static const char *const a2[] = {
		"same files 2048:-:10 /v/same.conf",
		"a files 1048576:0:3 /v/a.conf",		 /* grew */
		"b files 1048576:0:1 /v/b.conf",		 /* shrank */
		"c files 2048:0:1024 /v/c.conf",		 /* the page size, same bytes */
		"d files 1048576:1:2 /v/d.conf",		 /* the node */
		"e libvirt 1048576:0:2 /etc/libvirt/qemu/e.xml", /* moved to libvirt */
		"f files 1048576:0:2,1048576:1:2 /v/f.conf",	 /* the split over the nodes */
		"new files 2048:-:1 /v/new.conf",		 /* added */
		"h files 2048:-:2048 /v/h.conf",		 /* grew, page size and node */
	};
	static const struct want_change w_added[] = { { "cache", HP_CHG_ADDED } };
	static const struct want_change w_grown[] = { { "db1", HP_CHG_GREW } };
	static const struct want_change w2[] = {
		{ "a", HP_CHG_GREW },	   { "b", HP_CHG_SHRANK },
		{ "c", HP_CHG_PAGE_SIZE }, { "d", HP_CHG_NODES },
		{ "e", HP_CHG_SOURCE },	   { "f", HP_CHG_NODES },
		{ "new", HP_CHG_ADDED },   { "h", HP_CHG_GREW | HP_CHG_PAGE_SIZE | HP_CHG_NODES },
		{ "g", HP_CHG_REMOVED },
	};

	(void)state;
	check_changes(boot, 2, added, 3, w_added, 1);
	check_changes(boot, 2, grown, 2, w_grown, 1);
	check_changes(boot, 2, boot, 2, NULL, 0);
	check_changes(b2, 9, a2, 9, w2, 9);
	/* nothing before: every VM is added; nothing today: every one removed */
	check_changes(NULL, 0, boot, 2,
		      (const struct want_change[]){ { "analytics", HP_CHG_ADDED },
						    { "db1", HP_CHG_ADDED } },
		      2);
	check_changes(boot, 2, NULL, 0,
		      (const struct want_change[]){ { "analytics", HP_CHG_REMOVED },
						    { "db1", HP_CHG_REMOVED } },
		      2);
	assert_string_equal(hp_change_name(HP_CHG_PAGE_SIZE), "page size");
}

static void test_records_from_plan(void **state)
{
	/* one node of 32 GiB: db 2G on 1G pinned to node 0, web 512M on 2M unpinned */
	struct hp_host h;
	struct hp_settings set;
	struct hp_vm v[2];
	struct hp_plan plan;
	struct hp_diag d;
	struct hp_recs r = { 0 };

	(void)state;
	memset(&h, 0, sizeof(h));
	h.nodes[0].mem_total = h.mem_total = 32 * G1;
	h.nr_nodes = 1;
	h.online_mask = 1;
	h.sizes[0] = M2;
	h.sizes[1] = G1;
	h.nr_sizes = 2;
	h.x86 = h.pdpe1gb = true;
	h.kver = HP_KVER(6, 1, 0);
	memset(&set, 0, sizeof(set));
	set.reserve_per_node = 512 * HP_MIB;
	v[0] = vm_of("db", 2 * G1, 1, 1);
	v[0].page_size = G1;
	v[0].loc.file = "/img/etc/hugeplan/vms.d/db.conf";
	v[1] = vm_of("web", 512 * HP_MIB, 0, 1);
	v[1].page_size = M2;
	v[1].loc.file = "/img2/etc/web.conf";
	v[1].source = HP_SRC_LIBVIRT;
	assert_int_equal(hp_plan_compute(&h, &set, v, 2, NULL, &plan, &d), 0);
	assert_int_equal(hp_recs_from_plan(&plan, "/img/", &r), 0);
	assert_int_equal(r.nr, 2);
	assert_string_equal(r.vms[0].file, "/etc/hugeplan/vms.d/db.conf");
	assert_string_equal(r.vms[1].file, "/img2/etc/web.conf"); /* not under the root: kept */
	assert_int_equal(r.vms[1].source, HP_SRC_LIBVIRT);
	assert_true(r.vms[0].nr_parts == 1 && r.parts[0].size == G1 && r.parts[0].node == 0 &&
		    r.parts[0].pages == 2);
	assert_true(r.vms[1].nr_parts == 1 && r.parts[1].size == M2 && r.parts[1].node == -1 &&
		    r.parts[1].pages == 256);
	hp_recs_free(&r);
	hp_plan_free(&plan);
	/* the records are the boot's plan: web dynamic brings its pages at start, so none */
	v[1].backing = HP_BACKING_DYNAMIC;
	assert_int_equal(hp_plan_compute(&h, &set, v, 2, NULL, &plan, &d), 0);
	assert_int_equal(hp_recs_from_plan(&plan, "/img/", &r), 0);
	assert_int_equal(r.nr, 1);
	assert_string_equal(r.vms[0].name, "db");
	hp_recs_free(&r);
	hp_plan_free(&plan);
}

/* a pool of one size over nodes 0..n-1: nr[k] pages, free[k] of them free */
static void pool_of(struct hp_pools *ps, uint64_t size, const uint64_t *nr, const uint64_t *fr,
		    size_t n)
{
	struct hp_pool *p = &ps->pools[ps->nr_pools++];

	memset(p, 0, sizeof(*p));
	p->size = size;
	for (size_t k = 0; k < n; k++) {
		p->nodes[k] = (struct hp_pool_node){ (unsigned)k, nr[k], fr[k], 0 };
		p->nr += nr[k];
		p->free += fr[k];
	}
	p->nr_nodes = n;
	ps->numa_sysfs = true;
}

/*
 * Who uses the pool (core/usage.h), two nodes. 2M: node0 100 pages, 40 free (60 mapped by
 * "other", no planned VM), node1 100, all free. 1G: node0 2, 1 free (db's, running).
 * web (64 2M pages, unpinned, not running) is covered from the pool less what guests map:
 * node0 100 - 60 = 40, node1 100: the whole instance goes to node1 (the most left), 36 left
 * there. So 2M node0: held 0, unplanned 40; node1: held 64, unplanned 36. 1G node0: db runs on
 * its page; the free one is planned for nobody.
 */
static void test_usage(void **state)
{
	struct hp_vm v[] = { vm_of("web", 128 * HP_MIB, 0, 1), vm_of("db", G1, 1, 1) };
	const uint64_t ps[] = { M2, G1 };
	struct hp_guest *g = calloc(2, sizeof(*g));
	struct hp_pools pools;
	struct hp_backing b;
	struct hp_usage u;
	struct hp_plan p;

	(void)state;
	assert_non_null(g);
	memset(&pools, 0, sizeof(pools));
	pool_of(&pools, M2, (const uint64_t[]){ 100, 100 }, (const uint64_t[]){ 40, 100 }, 2);
	pool_of(&pools, G1, (const uint64_t[]){ 2, 0 }, (const uint64_t[]){ 1, 0 }, 2);
	plan_of(&p, 2, true, v, ps, 2);
	snprintf(g[0].name, sizeof(g[0].name), "other");
	g[0].pid = 11;
	g[0].pages[0][0] = 60;
	snprintf(g[1].name, sizeof(g[1].name), "db");
	g[1].pid = 10;
	g[1].pages[1][0] = 1;
	assert_int_equal(hp_usage_compute(&pools, &p, g, 2, &u, &b), 0);
	assert_int_equal(u.guest_vm[0], -1);
	assert_int_equal(u.guest_vm[1], 1);
	assert_false(u.running[0]);
	assert_true(u.running[1]);
	/* 2M node0 and node1 */
	assert_true(u.cell[0][0].reserved == 100 && u.cell[0][0].in_use == 60);
	assert_true(u.cell[0][0].by_guests == 60 && u.cell[0][0].unattributed == 0);
	assert_true(u.cell[0][0].free == 40 && u.cell[0][0].held == 0);
	assert_true(u.cell[0][0].unplanned == 40);
	assert_true(u.cell[0][1].free == 100 && u.cell[0][1].held == 64);
	assert_true(u.cell[0][1].unplanned == 36);
	assert_true(u.total[0].held == 64 && u.total[0].unplanned == 76);
	/* 1G node0 */
	assert_true(u.cell[1][0].reserved == 2 && u.cell[1][0].in_use == 1);
	assert_true(u.cell[1][0].by_guests == 1 && u.cell[1][0].held == 0);
	assert_true(u.cell[1][0].unplanned == 1);
	/* web backed on node1, db running on what it maps */
	assert_true(b.vms[0].got == 64 && b.vms[0].node[1] == 64 && !b.vms[0].short_pages);
	assert_true(b.vms[1].got == 1 && b.vms[1].node[0] == 1 && !b.vms[1].short_pages);
	assert_int_equal(b.nr_short, 0);
	hp_backing_free(&b);
	hp_usage_free(&u);

	/* the unplanned guest takes 40 more on node1 too: web finds 40 + 60, no node holds its
	 * 64 whole: it takes node1's 60 and node0's 4 (most left first) */
	g[0].pages[0][1] = 40;
	pools.pools[0].nodes[1].free = 60;
	assert_int_equal(hp_usage_compute(&pools, &p, g, 2, &u, &b), 0);
	assert_true(b.vms[0].got == 64 && b.vms[0].node[1] == 60 && b.vms[0].node[0] == 4);
	/* and all 100 of node0: node0 has none left, node1 60: web short by 4 */
	hp_backing_free(&b);
	hp_usage_free(&u);
	g[0].pages[0][0] = 100;
	assert_int_equal(hp_usage_compute(&pools, &p, g, 2, &u, &b), 0);
	assert_true(b.vms[0].got == 60 && b.vms[0].short_pages == 4);
	assert_int_equal(b.nr_short, 1);
	hp_backing_free(&b);
	hp_usage_free(&u);

	/* nothing planned: all free pages are unplanned */
	assert_int_equal(hp_usage_compute(&pools, NULL, g, 2, &u, &b), 0);
	assert_true(u.cell[0][1].unplanned == u.cell[0][1].free && u.cell[0][1].held == 0);
	hp_usage_free(&u);
	hp_backing_free(&b);
	hp_plan_free(&p);
	free(g);
}

/* a command line as /proc/PID/cmdline holds it: the arguments, each ended by a NUL */
static size_t argv_of(char *buf, size_t len, const char *const *args)
{
	size_t o = 0;

	for (; *args; args++) {
		size_t l = strlen(*args) + 1;

		assert_true(o + l <= len);
		memcpy(buf + o, *args, l);
		o += l;
	}
	return o;
}

/*
 * qemu-server's vm_running_locally() (PVE/QemuServer/Helpers.pm): argv[0] ends in kvm or is a
 * qemu-system-*, and parse_cmdline()'s -pidfile is pidfile_name(VMID),
 * /var/run/qemu-server/VMID.pid. The arguments are those of qemu-server's cfg2cmd output
 * (-id, -name, -chardev ..., -pidfile, -daemonize); the name is sources/proxmox.c's: name:
 * (-name NAME, before QEMU 11 NAME,debug-threads=on), else the VMID (-name vmVMID).
 */
static void test_pve_qemu(void **state)
{
	static const char *const ok[] = {
		"/usr/bin/kvm",
		"-id",
		"8006",
		"-name",
		"simple",
		"-no-shutdown",
		"-chardev",
		"socket,id=qmp,path=/var/run/qemu-server/8006.qmp,server=on,wait=off",
		"-pidfile",
		"/var/run/qemu-server/8006.pid",
		"-daemonize",
		NULL
	};
	static const char *const old[] = { "/usr/bin/kvm",
					   "-id",
					   "8006",
					   "-name",
					   "simple,debug-threads=on",
					   "-pidfile",
					   "/var/run/qemu-server/8006.pid",
					   NULL };
	static const char *const noname[] = {
		"/usr/bin/qemu-system-aarch64", "-id", "8006", "-name", "vm8006", "--pidfile",
		"/run/qemu-server/8006.pid",	NULL
	};
	static const char *const other[] = { "/usr/bin/kvm",
					     "-id",
					     "8007",
					     "-name",
					     "simple",
					     "-pidfile",
					     "/var/run/qemu-server/8007.pid",
					     NULL };
	static const char *const sshd[] = { "/usr/sbin/sshd", "-D", "-pidfile",
					    "/var/run/qemu-server/8006.pid", NULL };
	static const char *const novalue[] = { "/usr/bin/kvm", "-pidfile", "-daemonize",
					       "/var/run/qemu-server/8006.pid", NULL };
	static const char *const badname[] = {
		"/usr/bin/kvm", "-name",    "-x", "-pidfile", "/var/run/qemu-server/8006.pid",
		"-name",	"bad name", NULL
	};
	char buf[1024], name[HP_GUEST_NAME_MAX];
	size_t n;

	(void)state;
	n = argv_of(buf, sizeof(buf), ok);
	assert_true(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	assert_string_equal(name, "simple");
	/* another VMID's pid file: not this VM's QEMU (a pid reused) */
	assert_false(hp_pve_qemu(buf, n, "8010", name, sizeof(name)));
	/* a zombie's cmdline is empty; without the last NUL, split() gives the same words */
	assert_false(hp_pve_qemu(buf, 0, "8006", name, sizeof(name)));
	assert_true(hp_pve_qemu(buf, n - 1, "8006", name, sizeof(name)));
	/* the first line only, as parse_cmdline() reads it: "-id", "800\n" and no more */
	buf[20] = '\n';
	assert_false(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	n = argv_of(buf, sizeof(buf), old);
	assert_true(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	assert_string_equal(name, "simple");
	n = argv_of(buf, sizeof(buf), noname);
	assert_true(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	assert_string_equal(name, "8006");
	n = argv_of(buf, sizeof(buf), other);
	assert_false(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	assert_true(hp_pve_qemu(buf, n, "8007", name, sizeof(name)));
	n = argv_of(buf, sizeof(buf), sshd);
	assert_false(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	/* "-pidfile" followed by an option has no value; the later word is no one's */
	n = argv_of(buf, sizeof(buf), novalue);
	assert_false(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	/* the last -name counts; one hugeplan does not take names the VM by its VMID */
	n = argv_of(buf, sizeof(buf), badname);
	assert_true(hp_pve_qemu(buf, n, "8006", name, sizeof(name)));
	assert_string_equal(name, "8006");
}

/*
 * libvirt's QEMU of a domain: -name guest=NAME as qemuBuildNameCommandLine() writes it (the
 * command line of libvirt 9 on Debian 12, as /proc/PID/cmdline showed it in the runtime tier),
 * commas doubled; read with QEMU's option syntax (the implied key, ",,", merged -name options).
 */
static void test_libvirt_qemu(void **state)
{
	static const char *const real[] = { "/usr/bin/qemu-system-x86_64",
					    "-name",
					    "guest=small2m,debug-threads=on",
					    "-S",
					    "-object",
					    "{\"qom-type\":\"secret\",\"id\":\"masterKey0\"}",
					    "-uuid",
					    "b8a6abbe-39af-4a6b-a6bd-d1013d20b1c7",
					    NULL };
	static const char *const comma[] = { "/usr/bin/qemu-system-x86_64", "-name",
					     "guest=db,,1,debug-threads=on", NULL };
	static const char *const implied[] = { "qemu-kvm", "--name", "small2m,process=qemu:x",
					       NULL };
	static const char *const merged[] = { "/usr/bin/qemu-system-x86_64",
					      "-name",
					      "guest=other",
					      "-name",
					      "debug-threads=on",
					      "-name",
					      "guest=small2m",
					      NULL };
	static const char *const sshd[] = { "/usr/sbin/sshd", "-D", NULL };
	static const char *const novalue[] = { "/usr/bin/qemu-system-x86_64", "-name", NULL };
	static const char *const argv0[] = { "-name", "x", "guest=small2m", NULL };
	char buf[1024];
	size_t n;

	(void)state;
	n = argv_of(buf, sizeof(buf), real);
	assert_true(hp_libvirt_qemu(buf, n, "small2m"));
	/* another domain's QEMU; a prefix; a longer name */
	assert_false(hp_libvirt_qemu(buf, n, "small2"));
	assert_false(hp_libvirt_qemu(buf, n, "small2mx"));
	assert_false(hp_libvirt_qemu(buf, n, ""));
	/* a zombie's cmdline is empty; without the last NUL it is the same */
	assert_false(hp_libvirt_qemu(buf, 0, "small2m"));
	assert_true(hp_libvirt_qemu(buf, n - 1, "small2m"));
	n = argv_of(buf, sizeof(buf), comma);
	assert_true(hp_libvirt_qemu(buf, n, "db,1"));
	assert_false(hp_libvirt_qemu(buf, n, "db"));
	assert_false(hp_libvirt_qemu(buf, n, "db,,1"));
	n = argv_of(buf, sizeof(buf), implied);
	assert_true(hp_libvirt_qemu(buf, n, "small2m"));
	/* every -name sets its keys over the ones before: the last guest= wins */
	n = argv_of(buf, sizeof(buf), merged);
	assert_true(hp_libvirt_qemu(buf, n, "small2m"));
	assert_false(hp_libvirt_qemu(buf, n, "other"));
	n = argv_of(buf, sizeof(buf), sshd);
	assert_false(hp_libvirt_qemu(buf, n, "small2m"));
	n = argv_of(buf, sizeof(buf), novalue);
	assert_false(hp_libvirt_qemu(buf, n, "small2m"));
	/* "-name" as argv[0] is no option; "x" is the value, "guest=small2m" is the next word */
	n = argv_of(buf, sizeof(buf), argv0);
	assert_false(hp_libvirt_qemu(buf, n, "small2m"));
	/* virPidFileBuildPath(): the name escaped as virBufferEscapeString() escapes */
	{
		char pn[32];

		assert_int_equal(hp_libvirt_pid_name("o'neil&co", pn, sizeof(pn)), 0);
		assert_string_equal(pn, "o&apos;neil&amp;co");
		assert_int_equal(hp_libvirt_pid_name("<\"a\x01\tb\">", pn, sizeof(pn)), 0);
		assert_string_equal(pn, "&lt;&quot;a\tb&quot;&gt;");
		assert_int_equal(hp_libvirt_pid_name("web", pn, 4), 0);
		assert_int_equal(hp_libvirt_pid_name("web", pn, 3), -ENAMETOOLONG);
		assert_int_equal(hp_libvirt_pid_name("&", pn, 5), -ENAMETOOLONG);
		assert_int_equal(hp_libvirt_pid_name("&", pn, 6), 0);
	}
	assert_int_equal(hp_exe_undeleted("/usr/bin/qemu-system-x86_64 (deleted)"), 27);
	assert_int_equal(hp_exe_undeleted("/usr/bin/qemu-system-x86_64"), 27);
	assert_int_equal(hp_exe_undeleted(" (deleted)"), 10);
}

/* libvirt's status file: <domstatus pid=> and the live definition's <emulator> */
static void test_libvirt_status(void **state)
{
	static const char ok[] =
		"<!--\nWARNING: THIS IS AN AUTO-GENERATED FILE.\n-->\n\n"
		"<domstatus state='running' reason='booted' pid='26938'>\n"
		"  <monitor path='/var/lib/libvirt/qemu/domain-1-small2m/monitor.sock' type='unix'/>\n"
		"  <domain type='qemu' id='1'>\n    <name>small2m</name>\n"
		"    <devices>\n      <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
		"    </devices>\n  </domain>\n</domstatus>\n";
	static const char *const bad[] = {
		"<domstatus state='running'><domain><devices><emulator>/usr/bin/q</emulator>"
		"</devices></domain></domstatus>",
		"<domstatus pid='0'><domain><devices><emulator>/usr/bin/q</emulator></devices>"
		"</domain></domstatus>",
		"<domstatus pid='12x'><domain><devices><emulator>/usr/bin/q</emulator></devices>"
		"</domain></domstatus>",
		"<domstatus pid='-5'><domain><devices><emulator>/usr/bin/q</emulator></devices>"
		"</domain></domstatus>",
		"<domstatus pid='99999999999'><domain><devices><emulator>/usr/bin/q</emulator>"
		"</devices></domain></domstatus>",
		"<domstatus pid='5'><domain><devices/></domain></domstatus>",
		"<domstatus pid='5'><domain><devices><emulator>qemu</emulator></devices></domain>"
		"</domstatus>",
		"<domain pid='5'><devices><emulator>/usr/bin/q</emulator></devices></domain>",
		"<domstatus pid='5'><domain><devices><emulator>/usr/bin/q</emulator></devices>",
		"<!DOCTYPE d [<!ENTITY e \"/usr/bin/q\">]><domstatus pid='5'><domain><devices>"
		"<emulator>&e;</emulator></devices></domain></domstatus>",
		"<domstatus/>",
		"",
	};
	char emu[64];
	long pid = 0;

	(void)state;
	assert_int_equal(hp_libvirt_status(ok, sizeof(ok) - 1, &pid, emu, sizeof(emu)), 0);
	assert_int_equal(pid, 26938);
	assert_string_equal(emu, "/usr/bin/qemu-system-x86_64");
	/* an emulator longer than the buffer */
	assert_int_equal(hp_libvirt_status(ok, sizeof(ok) - 1, &pid, emu, 10), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hp_libvirt_status(bad[i], strlen(bad[i]), &pid, emu, sizeof(emu)),
				 -EINVAL);
}

/*
 * A Proxmox guest is the planned Proxmox VM of its VMID, whatever its name; not a vms.d VM of
 * another VMID's name. A libvirt guest of a Proxmox VM's name is not that VM.
 */
static void test_usage_proxmox(void **state)
{
	struct hp_vm v[] = { vm_of("simple", 128 * HP_MIB, 0, 1),
			     vm_of("web", 128 * HP_MIB, 0, 1) };
	const uint64_t ps[] = { M2, M2 };
	struct hp_guest *g = calloc(3, sizeof(*g));
	struct hp_pools pools;
	struct hp_backing b;
	struct hp_usage u;
	struct hp_plan p;

	(void)state;
	assert_non_null(g);
	v[0].source = HP_SRC_PROXMOX;
	snprintf(v[0].source_id, sizeof(v[0].source_id), "8006");
	memset(&pools, 0, sizeof(pools));
	pool_of(&pools, M2, (const uint64_t[]){ 200 }, (const uint64_t[]){ 100 }, 1);
	plan_of(&p, 1, true, v, ps, 2);
	/* 8006 renamed since it started: still simple */
	snprintf(g[0].name, sizeof(g[0].name), "old");
	g[0].source = HP_SRC_PROXMOX;
	snprintf(g[0].vmid, sizeof(g[0].vmid), "8006");
	g[0].pages[0][0] = 64;
	/* another VMID named web (a vms.d VM): that one; named simple: no planned VM */
	snprintf(g[1].name, sizeof(g[1].name), "web");
	g[1].source = HP_SRC_PROXMOX;
	snprintf(g[1].vmid, sizeof(g[1].vmid), "8007");
	snprintf(g[2].name, sizeof(g[2].name), "simple");
	g[2].source = HP_SRC_LIBVIRT;
	assert_int_equal(hp_usage_compute(&pools, &p, g, 3, &u, &b), 0);
	assert_int_equal(u.guest_vm[0], 0);
	assert_int_equal(u.guest_vm[1], 1);
	assert_int_equal(u.guest_vm[2], -1);
	assert_true(b.vms[0].got == 64 && !b.vms[0].short_pages);
	hp_backing_free(&b);
	hp_usage_free(&u);
	snprintf(g[1].name, sizeof(g[1].name), "simple");
	assert_int_equal(hp_usage_compute(&pools, &p, g, 3, &u, &b), 0);
	assert_int_equal(u.guest_vm[1], -1);
	assert_false(u.running[1]);
	hp_backing_free(&b);
	hp_usage_free(&u);
	hp_plan_free(&p);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinned_first),
		cmocka_unit_test(test_unpinned_placement),
		cmocka_unit_test(test_instances_and_sizes),
		cmocka_unit_test(test_pinned_two_nodes),
		cmocka_unit_test(test_avail_from_kreq),
		cmocka_unit_test(test_balanced_pool_ignores_pinning),
		cmocka_unit_test(test_stale_states),
		cmocka_unit_test(test_stale_empty),
		cmocka_unit_test(test_records_text),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_records_from_plan),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_pve_qemu),
		cmocka_unit_test(test_libvirt_qemu),
		cmocka_unit_test(test_libvirt_status),
		cmocka_unit_test(test_usage_proxmox),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
