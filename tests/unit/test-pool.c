// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_pools_read_verdict() against hp_pools_read() on sysfs trees under a root: the verdict's
 * read leaves out the files the kernel's own sums make needless (sys/pool.c,
 * read_pool_by_nodes()), and gives what reading them gives. A file it must not need is made
 * unreadable as a count ("x"): hp_pools_read() then fails on it, the verdict's read does not.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hp-test.h"

#include "sys/pool.h"

struct fx {
	char root[256];
	struct hp_pools a, b;
	char err[512];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || hp_test_tmpdir(f->root, sizeof(f->root), "hp-pool") < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int r = hp_test_rmtree(f->root);

	free(f);
	return r;
}

/* ROOT/rel holding text, its directories made */
static void put(const struct fx *f, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	for (char *p = path + strlen(f->root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

#define HS	"sys/kernel/mm/hugepages/hugepages-2048kB/"
#define NODE(n) "sys/devices/system/node/node" #n "/hugepages/hugepages-2048kB/"

/* one 2 MiB size: totals nr, free, surplus; nodes 0 and 1 with theirs */
static void two_nodes(const struct fx *f, const char *nr, const char *free_, const char *surp,
		      const char *n0[3], const char *n1[3])
{
	put(f, HS "nr_hugepages", nr);
	put(f, HS "free_hugepages", free_);
	put(f, HS "surplus_hugepages", surp);
	put(f, HS "resv_hugepages", "0\n");
	put(f, HS "nr_overcommit_hugepages", "0\n");
	put(f, "sys/devices/system/node/online", "0-1\n");
	put(f, NODE(0) "nr_hugepages", n0[0]);
	put(f, NODE(0) "free_hugepages", n0[1]);
	put(f, NODE(0) "surplus_hugepages", n0[2]);
	if (n1) {
		put(f, NODE(1) "nr_hugepages", n1[0]);
		put(f, NODE(1) "free_hugepages", n1[1]);
		put(f, NODE(1) "surplus_hugepages", n1[2]);
	}
}

static void same_pool(const struct hp_pool *a, const struct hp_pool *b)
{
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->nr, b->nr);
	assert_int_equal(a->free, b->free);
	assert_int_equal(a->surplus, b->surplus);
	assert_int_equal(a->nr_nodes, b->nr_nodes);
	for (size_t i = 0; i < a->nr_nodes; i++) {
		assert_int_equal(a->nodes[i].id, b->nodes[i].id);
		assert_int_equal(a->nodes[i].nr, b->nodes[i].nr);
		assert_int_equal(a->nodes[i].free, b->nodes[i].free);
		assert_int_equal(a->nodes[i].surplus, b->nodes[i].surplus);
	}
}

/* two nodes: the total is the nodes' sum, its own file not read */
static void total_from_nodes(void **state)
{
	struct fx *f = *state;
	const char *n0[] = { "3\n", "3\n", "0\n" }, *n1[] = { "5\n", "5\n", "0\n" };

	two_nodes(f, "8\n", "8\n", "0\n", n0, n1);
	assert_int_equal(hp_pools_read(f->root, &f->a, f->err, sizeof(f->err)), 0);
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->b.nr_pools, 1);
	same_pool(&f->a.pools[0], &f->b.pools[0]);
	assert_int_equal(f->b.pools[0].nr, 8);

	put(f, HS "nr_hugepages", "x\n");
	assert_int_equal(hp_pools_read(f->root, &f->a, f->err, sizeof(f->err)), -EINVAL);
	assert_non_null(strstr(f->err, "hugepages-2048kB/nr_hugepages"));
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->b.pools[0].nr, 8);
	assert_int_equal(f->b.pools[0].nr_nodes, 2);
}

/* a node without the size's directory: its pages are in no node's file, the total is read */
static void node_missing_reads_total(void **state)
{
	struct fx *f = *state;
	const char *n0[] = { "3\n", "3\n", "0\n" };

	two_nodes(f, "8\n", "8\n", "0\n", n0, NULL);
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->b.pools[0].nr, 8);
	assert_int_equal(f->b.pools[0].nr_nodes, 1);
	assert_int_equal(f->b.pools[0].nodes[0].id, 0);
	assert_int_equal(f->b.pools[0].nodes[0].nr, 3);
	put(f, HS "nr_hugepages", "x\n");
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), -EINVAL);
}

/* pages taken, surplus made: each node's own free and surplus counts are read */
static void free_and_surplus_per_node(void **state)
{
	struct fx *f = *state;
	const char *n0[] = { "3\n", "1\n", "0\n" }, *n1[] = { "5\n", "5\n", "2\n" };

	two_nodes(f, "8\n", "6\n", "2\n", n0, n1);
	assert_int_equal(hp_pools_read(f->root, &f->a, f->err, sizeof(f->err)), 0);
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), 0);
	same_pool(&f->a.pools[0], &f->b.pools[0]);
	assert_int_equal(f->b.pools[0].nodes[0].free, 1);
	assert_int_equal(f->b.pools[0].nodes[1].surplus, 2);
	/* and the totals' files are read for them */
	put(f, HS "free_hugepages", "x\n");
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), -EINVAL);
	assert_non_null(strstr(f->err, "hugepages-2048kB/free_hugepages"));
}

/* one node online: it holds every page, its files are not read */
static void one_node_mirrors_totals(void **state)
{
	struct fx *f = *state;
	const char *n0[] = { "8\n", "6\n", "1\n" };

	two_nodes(f, "8\n", "6\n", "1\n", n0, NULL);
	put(f, "sys/devices/system/node/online", "0\n");
	assert_int_equal(hp_pools_read(f->root, &f->a, f->err, sizeof(f->err)), 0);
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), 0);
	same_pool(&f->a.pools[0], &f->b.pools[0]);
	put(f, NODE(0) "nr_hugepages", "x\n");
	put(f, NODE(0) "free_hugepages", "x\n");
	put(f, NODE(0) "surplus_hugepages", "x\n");
	assert_int_equal(hp_pools_read(f->root, &f->a, f->err, sizeof(f->err)), -EINVAL);
	assert_int_equal(hp_pools_read_verdict(f->root, &f->b, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->b.pools[0].nr_nodes, 1);
	assert_int_equal(f->b.pools[0].nodes[0].nr, 8);
	assert_int_equal(f->b.pools[0].nodes[0].free, 6);
	assert_int_equal(f->b.pools[0].nodes[0].surplus, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(total_from_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(node_missing_reads_total, setup, teardown),
		cmocka_unit_test_setup_teardown(free_and_surplus_per_node, setup, teardown),
		cmocka_unit_test_setup_teardown(one_node_mirrors_totals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
