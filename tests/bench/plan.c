// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-plan: the planner's time for 1,000, 10,000 and 100,000 VMs over 8 NUMA nodes, called
 * directly (no configuration files, no process start): hp_plan_compute(), then hp_render() and
 * hp_render_check(), which is what every command that plans does. Median of RUNS runs each.
 *
 * The VMs are a mix: a quarter on 1G pages pinned to one node (a tenth of those to two), a
 * quarter on 1G pages unpinned, half on 2M pages unpinned, 1 to 8 GiB each, some with two
 * instances. The host has 8 nodes of 128 TiB, so that even 100,000 of them fit (a plan that
 * does not fit costs the same to compute, but this one is the common case).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/plan.h"
#include "core/render.h"
#include "core/size.h"

#define NODES 8

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void make_host(struct hp_host *h, struct hp_karch *a)
{
	memset(h, 0, sizeof(*h));
	for (unsigned i = 0; i < NODES; i++) {
		h->nodes[i].id = i;
		h->nodes[i].mem_total = 128 * HP_TIB;
		h->mem_total += h->nodes[i].mem_total;
		h->online_mask |= 1ULL << i;
	}
	h->nr_nodes = NODES;
	h->numa_sysfs = true;
	h->sizes[h->nr_sizes++] = 2 * HP_MIB;
	h->sizes[h->nr_sizes++] = HP_GIB;
	h->x86 = h->pdpe1gb = true;
	h->kver = HP_KVER(6, 1, 0);
	hp_host_karch(h, a);
}

static struct hp_vm *make_vms(size_t n)
{
	static const char *file = "vms.d/bench.conf";
	struct hp_vm *v = calloc(n, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		snprintf(v[i].name, sizeof(v[i].name), "vm%zu", i);
		v[i].loc.file = file;
		v[i].memory = (i % 8 + 1) * HP_GIB;
		v[i].page_size = i % 4 < 2 ? HP_GIB : 2 * HP_MIB;
		if (i % 4 == 0) {
			v[i].nodes = 1ULL << (i % NODES);
			if (i % 40 == 0)
				v[i].nodes |= 1ULL << ((i + 1) % NODES);
		}
		if (i % 4 == 3)
			v[i].memory = (i % 16 + 1) * 512 * HP_MIB;
		v[i].instances = i % 10 == 9 ? 2 : 1;
		v[i].enabled = true;
	}
	return v;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1000, 10000, 100000 };
	int runs = argc > 1 ? atoi(argv[1]) : 11;
	struct hp_settings set;
	struct hp_karch arch;
	struct hp_host host;
	double prev = 0;

	if (runs < 1)
		runs = 1;
	make_host(&host, &arch);
	memset(&set, 0, sizeof(set));
	set.reserve_per_node = 512 * HP_MIB;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		struct hp_vm *vms = make_vms(n);
		double *t = calloc((size_t)runs, sizeof(*t)), med;
		struct hp_plan_opts opts = { 0 };
		bool feasible = false;
		char line[256] = "";

		if (!vms || !t)
			return 2;
		for (int r = 0; r < runs + 1; r++) {
			struct hp_kargs args;
			struct hp_plan plan;
			struct hp_diag d;
			char why[256];
			double t0 = now_ms();

			if (hp_plan_compute(&host, &set, vms, n, &opts, &plan, &d) < 0 ||
			    hp_render(&plan, &args) < 0 ||
			    hp_render_check(&plan, &args, &arch, why, sizeof(why)) < 0) {
				fprintf(stderr, "bench-plan: %zu VMs: planning failed: %s\n", n,
					d.msg);
				return 2;
			}
			if (r > 0) /* the first run warms the caches and is not counted */
				t[r - 1] = now_ms() - t0;
			feasible = plan.feasible;
			hp_kargs_join(&args, line, sizeof(line));
			hp_plan_free(&plan);
		}
		qsort(t, (size_t)runs, sizeof(*t), cmp_dbl);
		med = t[runs / 2];
		printf("  %6zu VMs over %d nodes: median %8.3f ms (min %8.3f), %6.0f ns per VM%s",
		       n, NODES, med, t[0], med * 1e6 / (double)n, feasible ? "" : " (infeasible)");
		if (prev > 0)
			printf(", x%.1f for x10 VMs", med / prev);
		printf("\n");
		if (s == 0)
			printf("         (%s)\n", line);
		prev = med;
		free(t);
		free(vms);
	}
	return 0;
}
