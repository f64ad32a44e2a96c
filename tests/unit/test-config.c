// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Configuration loading: the search path and its priorities, masking, drop-ins, and the
 * FILE:LINE errors. Every test builds its own tree in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hp-test.h"
#include "config/config.h"
#include "core/size.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char p[1024], *s;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_null(const char *rel)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink("/dev/null", p), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/hp-config-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct hp_vm *find(const struct hp_config *c, const char *name)
{
	for (size_t i = 0; i < c->nr_vms; i++)
		if (!strcmp(c->vms[i].name, name))
			return &c->vms[i];
	return NULL;
}

static void test_search_path(void **state)
{
	struct hp_config c;
	struct hp_diag d;
	const struct hp_vm *v;

	(void)state;
	/* hugeplan.conf: /etc wins over /usr/lib whole, keys are not merged */
	put("usr/lib/hugeplan/hugeplan.conf", "[Host]\nReserveMemory=1G\nFreeVmemmap=yes\n");
	put("etc/hugeplan/hugeplan.conf", "[Host]\nReserveMemory=4G\n");
	/* vms.d: same name, the higher directory wins; others add up */
	put("usr/lib/hugeplan/vms.d/a.conf", "[VM]\nMemory=1G\n");
	put("run/hugeplan/vms.d/a.conf", "[VM]\nMemory=2G\n");
	put("etc/hugeplan/vms.d/a.conf", "[VM]\nMemory=3G\n");
	put("usr/lib/hugeplan/vms.d/b.conf", "[VM]\nMemory=4G\n");
	put("run/hugeplan/vms.d/c.conf", "[VM]\nName=charlie\nMemory=5G\nNode=0,1\n");
	/* not *.conf, hidden: ignored */
	put("etc/hugeplan/vms.d/notes.txt", "garbage");
	put("etc/hugeplan/vms.d/.hidden.conf", "garbage");

	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_true(c.host.reserve_set && c.host.reserve == 4 * HP_GIB);
	assert_false(c.host.free_vmemmap);
	assert_int_equal(c.nr_vms, 3);
	/* configuration order: lexical by file name */
	assert_string_equal(c.vms[0].name, "a");
	assert_string_equal(c.vms[1].name, "b");
	assert_string_equal(c.vms[2].name, "charlie");
	assert_true(c.vms[0].memory == 3 * HP_GIB);
	v = find(&c, "charlie");
	assert_true(v->nodes == 0x3);
	assert_int_equal(v->node_loc.line, 4);
	assert_non_null(strstr(v->loc.file, "run/hugeplan/vms.d/c.conf"));
	assert_true(c.vms[0].instances == 1 && c.vms[0].enabled && c.vms[0].page_size == 0);
	hp_config_free(&c);
}

static void test_masking(void **state)
{
	struct hp_config c;
	struct hp_diag d;

	(void)state;
	put("usr/lib/hugeplan/hugeplan.conf", "[Host]\nReserveMemory=1G\n");
	put("usr/lib/hugeplan/vms.d/a.conf", "[VM]\nMemory=1G\n");
	put("usr/lib/hugeplan/vms.d/b.conf", "[VM]\nMemory=1G\n");
	put("usr/lib/hugeplan/vms.d/c.conf", "[VM]\nMemory=1G\n");
	put("etc/hugeplan/hugeplan.conf", ""); /* empty masks */
	put("etc/hugeplan/vms.d/b.conf", "");
	put("run/hugeplan/vms.d/.keep", ""); /* makes the directory; hidden files are ignored */
	link_null("run/hugeplan/vms.d/c.conf");

	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_false(c.host.reserve_set);
	assert_int_equal(c.nr_vms, 1);
	assert_string_equal(c.vms[0].name, "a");
	hp_config_free(&c);
}

static void test_dropins(void **state)
{
	struct hp_config c;
	struct hp_diag d;

	(void)state;
	put("etc/hugeplan/hugeplan.conf", "[Host]\nReserveMemory=4G\nReserveMemoryPerNode=1G\n");
	put("usr/lib/hugeplan/hugeplan.conf.d/10-a.conf", "[Host]\nReserveMemory=6G\nStrict=yes\n");
	put("etc/hugeplan/hugeplan.conf.d/20-b.conf", "[Host]\nReserveMemory=8G\n");
	/* same name in a higher directory replaces; here it masks */
	put("usr/lib/hugeplan/hugeplan.conf.d/30-c.conf", "[Host]\nReserveMemory=1G\n");
	put("run/hugeplan/hugeplan.conf.d/30-c.conf", "");
	/* an empty value resets to the default */
	put("etc/hugeplan/hugeplan.conf.d/40-d.conf", "[Host]\nReserveMemoryPerNode=\n");

	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_true(c.host.reserve == 8 * HP_GIB);
	assert_true(c.host.strict);
	assert_true(c.host.reserve_per_node == 512 * HP_MIB);
	assert_non_null(strstr(c.host.reserve_loc.file, "20-b.conf"));
	assert_int_equal(c.host.reserve_loc.line, 2);
	hp_config_free(&c);
}

static void test_confdir(void **state)
{
	struct hp_config c;
	struct hp_diag d;
	char dir[512];

	(void)state;
	put("etc/hugeplan/vms.d/ignored.conf", "[VM]\nMemory=1G\n");
	put("mine/vms.d/x.conf", "[VM]\n# comment\n; comment\n  Memory = 2G \nEnabled=no\n");
	snprintf(dir, sizeof(dir), "%s/mine", root);
	assert_int_equal(hp_config_load(root, dir, &c, &d), 0);
	assert_int_equal(c.nr_vms, 1);
	assert_string_equal(c.vms[0].name, "x");
	assert_true(c.vms[0].memory == 2 * HP_GIB);
	assert_false(c.vms[0].enabled);
	hp_config_free(&c);
}

struct bad {
	const char *file; /* under etc/hugeplan */
	const char *text;
	unsigned line;
	const char *msg;
};

static const struct bad bads[] = {
	{ "vms.d/a.conf", "[VM]\nMemory=16Q\n", 2, "Memory=16Q: unknown unit (use K, M, G, T)" },
	{ "vms.d/a.conf", "[VM]\nMemory=99999999999T\n", 2,
	  "Memory=99999999999T: value too large" },
	{ "vms.d/a.conf", "[VM]\nMemory=0\n", 2, "Memory=0: must be more than 0" },
	{ "vms.d/a.conf", "[VM]\nMemory=-4G\n", 2,
	  "Memory=-4G: not a size (a whole number, then K, M, G or T)" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nMemroy=4G\n", 3,
	  "unknown key Memroy= in [VM] (known: Name, Memory, PageSize, Node, Instances, Enabled, "
	  "Passthrough)" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\n[Host]\n", 3,
	  "unknown section [Host] (this file takes [VM])" },
	{ "vms.d/a.conf", "Memory=4G\n", 1, "Memory=4G is outside of a [VM] section" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\njust words\n", 3,
	  "expected KEY=VALUE, [Section] or a comment, not \"just words\"" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nPageSize=3M\n", 3,
	  "PageSize=3M: a huge page size is a power of two, such as 2M or 1G" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nNode=0,0\n", 3, "Node=0,0: node 0 is listed twice" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nNode=first\n", 3,
	  "Node=first: expected \"any\", a node number, or a list such as 0,1 or 0-3" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nNode=64\n", 3,
	  "Node=64: node 64 is beyond the 64 nodes hugeplan supports" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nInstances=0\n", 3,
	  "Instances=0: must be from 1 to 65535" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nInstances=2x\n", 3,
	  "Instances=2x: not a whole number" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nEnabled=maybe\n", 3,
	  "Enabled=maybe: expected yes or no" },
	{ "vms.d/a.conf", "[VM]\nName=$(reboot)\nMemory=4G\n", 2,
	  "Name=$(reboot): a VM name is 1 to 64 letters, digits, '_', '.' or '-', starting with a "
	  "letter or digit" },
	{ "vms.d/a.conf", "[VM]\nPageSize=2M\n", 0, "Memory= is required" },
	{ "vms.d/a.conf", "# nothing\n", 0, "no [VM] section" },
	{ "vms.d/a b.conf", "[VM]\nMemory=4G\n", 0,
	  "\"a b\" is not a valid VM name: rename the file or set Name=" },
	{ "hugeplan.conf", "[Host]\nReserveMemory=lots\n", 2,
	  "ReserveMemory=lots: not a size (a whole number, then K, M, G or T)" },
	{ "hugeplan.conf", "[Host]\nFreeVmemmap=2\n", 2, "FreeVmemmap=2: expected yes or no" },
	{ "hugeplan.conf", "[VM]\nMemory=1G\n", 1,
	  "unknown section [VM] (this file takes [Host])" },
	{ "hugeplan.conf", "[Host]\n[Host]\n", 2, "[Host] given twice in one file" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		struct hp_config c;
		struct hp_diag d;
		char rel[256], want_file[600];

		teardown(NULL);
		setup(NULL);
		snprintf(rel, sizeof(rel), "etc/hugeplan/%s", bads[i].file);
		put(rel, bads[i].text);
		print_message("case %zu: %s\n", i, bads[i].msg);
		assert_int_equal(hp_config_load(root, NULL, &c, &d), -EINVAL);
		snprintf(want_file, sizeof(want_file), "%s/%s", root, rel);
		assert_string_equal(d.file, want_file);
		assert_int_equal(d.line, bads[i].line);
		assert_string_equal(d.msg, bads[i].msg);
		assert_int_equal(c.nr_vms, 0); /* nothing half-loaded */
	}
}

static void test_long_line_binary_duplicates(void **state)
{
	struct hp_config c;
	struct hp_diag d;
	char text[600];

	(void)state;
	snprintf(text, sizeof(text), "[VM]\nMemory=4G\n# %0*d\n", 300, 0);
	put("etc/hugeplan/vms.d/long.conf", text);
	assert_int_equal(hp_config_load(root, NULL, &c, &d), -EINVAL);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.msg, "line too long (302 characters, at most"));

	teardown(NULL);
	setup(NULL);
	{
		char p[512];
		FILE *f;

		snprintf(p, sizeof(p), "%s/etc/hugeplan/vms.d", root);
		put("etc/hugeplan/vms.d/bin.conf", "");
		snprintf(p, sizeof(p), "%s/etc/hugeplan/vms.d/bin.conf", root);
		f = fopen(p, "w");
		fwrite("[VM]\nMemory=4G\nName=a\0b\n", 1, 24, f);
		fclose(f);
	}
	assert_int_equal(hp_config_load(root, NULL, &c, &d), -EINVAL);
	assert_int_equal(d.line, 3);
	assert_string_equal(d.msg, "binary data (a NUL byte) in a configuration file");

	teardown(NULL);
	setup(NULL);
	put("etc/hugeplan/vms.d/one.conf", "[VM]\nName=db\nMemory=4G\n");
	put("usr/lib/hugeplan/vms.d/two.conf", "[VM]\nName=db\nMemory=4G\n");
	assert_int_equal(hp_config_load(root, NULL, &c, &d), -EEXIST);
	assert_non_null(strstr(d.file, "two.conf"));
	assert_non_null(strstr(d.msg, "VM name \"db\" is already used by"));
	assert_non_null(strstr(d.msg, "one.conf"));
}

static void test_unreadable(void **state)
{
	struct hp_config c;
	struct hp_diag d;
	char a[512], b[512];

	(void)state;
	/* a symlink loop */
	put("etc/hugeplan/vms.d/keep.conf", "[VM]\nMemory=1G\n");
	snprintf(a, sizeof(a), "%s/etc/hugeplan/vms.d/x.conf", root);
	snprintf(b, sizeof(b), "%s/etc/hugeplan/vms.d/y.conf", root);
	assert_int_equal(symlink(b, a), 0);
	assert_int_equal(symlink(a, b), 0);
	assert_int_equal(hp_config_load(root, NULL, &c, &d), -ELOOP);
	assert_non_null(strstr(d.msg, "cannot open"));
}

static void test_host_only_and_any_vm(void **state)
{
	struct hp_config c;
	struct hp_diag d;

	(void)state;
	put("etc/hugeplan/hugeplan.conf", "[Host]\nStrict=yes\n");
	/* no vms.d at all: no VM */
	assert_int_equal(hp_config_load_host(root, NULL, &c, &d), 0);
	assert_true(c.host.strict);
	assert_int_equal(c.nr_vms, 0);
	assert_int_equal(hp_config_any_vm(&c, &d), 0);
	hp_config_free(&c);

	/* a masked and a disabled VM come first: not a plan; then an enabled one is */
	put("usr/lib/hugeplan/vms.d/a.conf", "[VM]\nMemory=1G\n");
	put("etc/hugeplan/vms.d/a.conf", "");
	put("etc/hugeplan/vms.d/b.conf", "[VM]\nMemory=1G\nEnabled=no\n");
	assert_int_equal(hp_config_load_host(root, NULL, &c, &d), 0);
	assert_int_equal(hp_config_any_vm(&c, &d), 0);
	hp_config_free(&c);
	put("run/hugeplan/vms.d/c.conf", "[VM]\nMemory=1G\n");
	/* d.conf is malformed, but the walk stops at c.conf before reading it */
	put("run/hugeplan/vms.d/d.conf", "[VM]\nMemory=lots\n");
	assert_int_equal(hp_config_load_host(root, NULL, &c, &d), 0);
	assert_int_equal(c.nr_vms, 0);
	assert_int_equal(hp_config_any_vm(&c, &d), 1);
	hp_config_free(&c);

	/* a malformed file before any enabled VM is an error, with its place */
	put("etc/hugeplan/vms.d/b.conf", "[VM]\nMemory=1G\nEnabled=perhaps\n");
	assert_int_equal(hp_config_load_host(root, NULL, &c, &d), 0);
	assert_int_equal(hp_config_any_vm(&c, &d), -EINVAL);
	assert_non_null(strstr(d.file, "etc/hugeplan/vms.d/b.conf"));
	assert_int_equal(d.line, 3);
	hp_config_free(&c);
}

/* many files over three directories: lexical order, the highest directory winning each name */
static void test_many_files(void **state)
{
	static const char *const dirs[] = { "usr/lib", "run", "etc" };
	struct hp_config c;
	struct hp_diag d;
	char rel[128], text[64];

	(void)state;
	/* vm000..vm599: every name in /usr/lib (1G), every third also in /run (2G), every
	 * fifth also in /etc (3G); written highest directory first so that no readdir order
	 * can pass for the sorted one */
	for (int k = 2; k >= 0; k--)
		for (int i = 599; i >= 0; i--) {
			if ((k == 1 && i % 3) || (k == 2 && i % 5))
				continue;
			snprintf(rel, sizeof(rel), "%s/hugeplan/vms.d/vm%03d.conf", dirs[k], i);
			snprintf(text, sizeof(text), "[VM]\nMemory=%dG\n", k + 1);
			put(rel, text);
		}
	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_int_equal(c.nr_vms, 600);
	for (int i = 0; i < 600; i++) {
		uint64_t want = i % 5 == 0 ? 3 : i % 3 == 0 ? 2 : 1;

		snprintf(text, sizeof(text), "vm%03d", i);
		assert_string_equal(c.vms[i].name, text);
		assert_true(c.vms[i].memory == want * HP_GIB);
	}
	hp_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_binary_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_only_and_any_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
