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
#include <stddef.h>
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
	return hp_test_tmpdir(root, sizeof(root), "hp-config");
}

static int teardown(void **state)
{
	(void)state;
	return hp_test_rmtree(root);
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

/* MetricsDirectory=: Debian's textfile directory unless set; a drop-in sets it, an empty value
 * in a later one puts the default back */
static void test_metrics_dir(void **state)
{
	struct hp_config c;
	struct hp_diag d;

	(void)state;
	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_string_equal(c.host.metrics_dir, "/var/lib/prometheus/node-exporter");
	hp_config_free(&c);
	put("etc/hugeplan/hugeplan.conf.d/10-a.conf", "[Host]\nMetricsDirectory=/srv/prom\n");
	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_string_equal(c.host.metrics_dir, "/srv/prom");
	hp_config_free(&c);
	put("etc/hugeplan/hugeplan.conf.d/20-b.conf", "[Host]\nMetricsDirectory=\n");
	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_string_equal(c.host.metrics_dir, "/var/lib/prometheus/node-exporter");
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
	  "Passthrough, Backing)" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nBacking=fast\n", 3,
	  "Backing=fast: expected static, dynamic or transparent" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nInstances=2\nBacking=dynamic\n", 4,
	  "Backing=dynamic needs Instances=1: a dynamic VM is started and stopped by its own name "
	  "(hugeplan vm start a); give each copy a file of its own" },
	{ "hugeplan.conf", "[Host]\nDynamicPeak=0\n", 2, "DynamicPeak=0: must be from 1 to 65535" },
	{ "hugeplan.conf", "[Host]\nDefaultBacking=dyn\n", 2,
	  "DefaultBacking=dyn: expected static, dynamic or transparent" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\n[Host]\n", 3,
	  "unknown section [Host] (this file takes [VM])" },
	{ "vms.d/a.conf", "Memory=4G\n", 1, "Memory=4G is outside of a [VM] section" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\njust words\n", 3,
	  "expected KEY=VALUE, [Section] or a comment, not \"just words\"" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nPageSize=3M\n", 3,
	  "PageSize=3M: not a power of two; a huge page size is one, larger than the 4K base page, such as 2M or 1G" },
	/* libvirt's <page size='2048'/> is KiB: a power of two, but of bytes (issue 15, 7) */
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nPageSize=2048\n", 3,
	  "PageSize=2048: 2048 bytes is not a huge page size (a number without a unit is bytes; huge pages are larger than the 4K base page, such as 2M or 1G): if 2048 is KiB, as libvirt gives it, write PageSize=2M" },
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
	{ "hugeplan.conf", "[Host]\nMetricsDirectory=var/lib/x\n", 2,
	  "MetricsDirectory=var/lib/x: expected an absolute path of at most 255 characters" },
	{ "hugeplan.conf", "[Host]\nMetricsDirectory=/var/lib/a b\n", 2,
	  "MetricsDirectory=/var/lib/a b: a path of printable characters without blanks" },
	{ "hugeplan.conf", "[VM]\nMemory=1G\n", 1,
	  "unknown section [VM] (this file takes [Host])" },
	{ "hugeplan.conf", "[Host]\n[Host]\n", 2, "[Host] given twice in one file" },
	/* the line quoted is the bad line, not the last one read */
	{ "vms.d/a.conf", "[VM]\njust words\nMemory=4G\n", 2,
	  "expected KEY=VALUE, [Section] or a comment, not \"just words\"" },
	/* inih reads on after a bad line: the first error is the one told */
	{ "vms.d/a.conf", "[VM]\njunk\nMemroy=4G\n", 2,
	  "expected KEY=VALUE, [Section] or a comment, not \"junk\"" },
	/* what inih would accept and systemd would not */
	{ "vms.d/a.conf", "[VM]\nMemory:4G\n", 2,
	  "expected KEY=VALUE, [Section] or a comment, not \"Memory:4G\"" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G ;8G\n", 2,
	  "a comment after a value (\"Memory=4G ;8G\"): put comments on lines of their own" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\tx ;y\n", 2,
	  "a comment after a value (\"Memory=4G\\x09x ;y\"): put comments on lines of their own" },
	/* a byte order mark is skipped, once: inih would skip a second one */
	{ "vms.d/a.conf", "\xef\xbb\xbf[Host]\nMemory=4G\n", 1,
	  "unknown section [Host] (this file takes [VM])" },
	{ "vms.d/a.conf", "\xef\xbb\xbf\xef\xbb\xbf[Host]\nMemory=4G\n", 2,
	  "unknown section [Host] (this file takes [VM])" },
	/* inih skips every isspace() byte, and an indented line would continue a value */
	{ "vms.d/a.conf", "[VM]\nName=db\n\v\fMemory=1G ;x\n", 3,
	  "a comment after a value (\"Memory=1G ;x\"): put comments on lines of their own" },
	{ "vms.d/a.conf", "[VM]\nMemory=4G\nInstances=99999999999999999999\n", 3,
	  "Instances=99999999999999999999: must be from 1 to 65535" },
	/* whatever a value holds, the message is one line of printable ASCII */
	{ "vms.d/a.conf", "[VM]\nName=a\x1b[2J\\b\xff\nMemory=4G\n", 2,
	  "Name=a\\x1b[2J\\\\b\\xff: a VM name is 1 to 64 letters, digits, '_', '.' or '-', "
	  "starting with a letter or digit" },
	{ "vms.d/a\nb.conf", "[VM]\nMemory=4G\n", 0,
	  "\"a\\x0ab\" is not a valid VM name: rename the file or set Name=" },
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
		if (!strchr(rel, '\n'))
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
	/* a symlink loop; absolute targets are read beneath the root, as the image has them */
	put("etc/hugeplan/vms.d/keep.conf", "[VM]\nMemory=1G\n");
	snprintf(a, sizeof(a), "%s/etc/hugeplan/vms.d/x.conf", root);
	snprintf(b, sizeof(b), "%s/etc/hugeplan/vms.d/y.conf", root);
	assert_int_equal(symlink("/etc/hugeplan/vms.d/y.conf", a), 0);
	assert_int_equal(symlink("/etc/hugeplan/vms.d/x.conf", b), 0);
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

static void path_of(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", root, rel);
}

/* the loader neither waits on a FIFO nor skips what it cannot read */
static void test_not_regular(void **state)
{
	static const struct {
		const char *make; /* what to put at etc/hugeplan/... */
		const char *rel;
		int r;
		const char *msg;
	} t[] = {
		{ "fifo", "vms.d/f.conf", -EINVAL, "not a regular file (a FIFO)" },
		{ "dir", "vms.d/d.conf", -EINVAL, "not a regular file (a directory)" },
		{ "dir", "hugeplan.conf", -EINVAL, "not a regular file (a directory)" },
		{ "dangling", "hugeplan.conf", -ENOENT, "cannot open: a dangling symbolic link" },
		{ "dangling", "hugeplan.conf.d/x.conf", -ENOENT,
		  "cannot open: a dangling symbolic link" },
		{ "file", "vms.d", -ENOTDIR, "cannot read directory: Not a directory" },
	};
	(void)state;
	alarm(20); /* a FIFO that blocks fails the test instead of hanging it */
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct hp_config c;
		struct hp_diag d;
		char rel[256], p[1024];

		teardown(NULL);
		setup(NULL);
		put("etc/hugeplan/vms.d/ok.conf", "[VM]\nMemory=1G\n");
		put("etc/hugeplan/hugeplan.conf.d/.keep", "");
		snprintf(rel, sizeof(rel), "etc/hugeplan/%s", t[i].rel);
		path_of(p, sizeof(p), rel);
		if (!strcmp(t[i].make, "fifo"))
			assert_int_equal(mkfifo(p, 0644), 0);
		else if (!strcmp(t[i].make, "dir"))
			assert_int_equal(mkdir(p, 0755), 0);
		else if (!strcmp(t[i].make, "dangling"))
			assert_int_equal(symlink("/nonexistent/hugeplan.conf", p), 0);
		else {
			char cmd[2200];

			snprintf(cmd, sizeof(cmd), "rm -rf '%s' && echo x >'%s'", p, p);
			assert_int_equal(system(cmd), 0);
		}
		print_message("case %zu: %s\n", i, t[i].msg);
		assert_int_equal(hp_config_load(root, NULL, &c, &d), t[i].r);
		assert_string_equal(d.file, p);
		assert_int_equal(d.line, 0);
		assert_string_equal(d.msg, t[i].msg);
	}
	alarm(0);
}

/* an explicit directory must exist: a mistyped --config must not read as "no VMs" */
static void test_confdir_missing(void **state)
{
	struct hp_config c;
	struct hp_diag d;
	char dir[512];

	(void)state;
	path_of(dir, sizeof(dir), "nonexistent");
	assert_int_equal(hp_config_load(root, dir, &c, &d), -ENOENT);
	assert_string_equal(d.file, dir);
	assert_string_equal(d.msg, "configuration directory not found");
	put("afile", "x");
	path_of(dir, sizeof(dir), "afile");
	assert_int_equal(hp_config_load(root, dir, &c, &d), -ENOTDIR);
	assert_string_equal(d.msg, "not a directory (a regular file)");
	/* the search path's directories may all be missing */
	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	assert_int_equal(c.nr_vms, 0);
	hp_config_free(&c);
}

static size_t slurp(const char *rel, char *buf, size_t len)
{
	char p[1024];
	FILE *f;
	size_t n;

	path_of(p, sizeof(p), rel);
	f = fopen(p, "r");
	assert_non_null(f);
	n = fread(buf, 1, len, f);
	fclose(f);
	return n;
}

/* hp_config_load_texts() reads texts exactly as hp_config_load() reads the same files */
static void test_texts(void **state)
{
	static const struct {
		const char *rel;
		enum hp_conf_role role;
		const char *text;
	} files[] = {
		{ "etc/hugeplan/hugeplan.conf", HP_CONF_MAIN, "[Host]\nReserveMemory=4G\n" },
		{ "etc/hugeplan/hugeplan.conf.d/10-a.conf", HP_CONF_DROPIN,
		  "[Host]\nReserveMemory=6G\nFreeVmemmap=yes\n" },
		{ "etc/hugeplan/hugeplan.conf.d/20-b.conf", HP_CONF_DROPIN, "" },
		{ "etc/hugeplan/hugeplan.conf.d/30-c.conf", HP_CONF_DROPIN,
		  "[Host]\n# x\nDefaultPageSize=2M\n" },
		{ "etc/hugeplan/vms.d/a.conf", HP_CONF_VM, "[VM]\nMemory=1G\nNode=0-1\n" },
		{ "etc/hugeplan/vms.d/b.conf", HP_CONF_VM, "" },
		{ "etc/hugeplan/vms.d/c.conf", HP_CONF_VM,
		  "\xef\xbb\xbf[VM]\r\nName=charlie\r\n\tMemory = 3G\r\nInstances=2\r\n" },
	};
	struct hp_conf_text t[ARRAY_SIZE(files)];
	struct hp_config a, b;
	struct hp_diag d;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char p[1024];

		put(files[i].rel, files[i].text);
		path_of(p, sizeof(p), files[i].rel);
		t[i] = (struct hp_conf_text){ strdup(p), files[i].role, files[i].text,
					      strlen(files[i].text) };
	}
	assert_int_equal(hp_config_load(root, NULL, &a, &d), 0);
	assert_int_equal(hp_config_load_texts(t, ARRAY_SIZE(t), &b, &d), 0);
	assert_memory_equal(&a.host, &b.host, offsetof(struct hp_settings, reserve_loc));
	assert_true(a.host.reserve == 6 * HP_GIB && a.host.default_page == 2 * HP_MIB);
	assert_string_equal(a.host.reserve_loc.file, b.host.reserve_loc.file);
	assert_int_equal(a.host.default_page_loc.line, b.host.default_page_loc.line);
	assert_int_equal(a.nr_vms, 2);
	assert_int_equal(b.nr_vms, 2);
	for (size_t i = 0; i < a.nr_vms; i++) {
		assert_string_equal(a.vms[i].name, b.vms[i].name);
		assert_string_equal(a.vms[i].loc.file, b.vms[i].loc.file);
		assert_true(a.vms[i].memory == b.vms[i].memory);
		assert_true(a.vms[i].nodes == b.vms[i].nodes);
		assert_int_equal(a.vms[i].instances, b.vms[i].instances);
		assert_int_equal(a.vms[i].memory_loc.line, b.vms[i].memory_loc.line);
	}
	assert_string_equal(b.vms[1].name, "charlie");
	assert_int_equal(b.vms[1].instances, 2);
	hp_config_free(&a);
	hp_config_free(&b);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		free((char *)t[i].path);

	/* and every malformed file of test_errors gives the same error both ways */
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		struct hp_config c;
		struct hp_diag df, dt;
		char rel[256], p[1024], text[512];
		struct hp_conf_text one;
		int rf, rt;

		teardown(NULL);
		setup(NULL);
		snprintf(rel, sizeof(rel), "etc/hugeplan/%s", bads[i].file);
		put(rel, bads[i].text);
		path_of(p, sizeof(p), rel);
		one = (struct hp_conf_text){ p,
					     strncmp(bads[i].file, "vms.d/", 6) ? HP_CONF_MAIN
										: HP_CONF_VM,
					     text, slurp(rel, text, sizeof(text)) };
		print_message("texts case %zu: %s\n", i, bads[i].msg);
		rf = hp_config_load(root, NULL, &c, &df);
		rt = hp_config_load_texts(&one, 1, &c, &dt);
		assert_int_equal(rf, rt);
		assert_string_equal(df.file, dt.file);
		assert_int_equal(df.line, dt.line);
		assert_string_equal(df.msg, dt.msg);
		assert_int_equal(c.nr_vms, 0);
	}
}

/*
 * StrictModes. Tests need not run as root: the loader trusts root and owner_uid, so the
 * test's own files pass with owner_uid = getuid(), and look foreign with any other uid.
 */
static int load_strict(uid_t owner, struct hp_config *c, struct hp_diag *d)
{
	struct hp_config_opts o = { .check_perms = true, .owner_uid = owner };
	int r = hp_config_load_opts(root, NULL, &o, c, d);

	if (r == 0)
		hp_config_free(c);
	return r;
}

static void expect_refused(uid_t owner, const char *rel, const char *msg_start)
{
	struct hp_config c;
	struct hp_diag d;
	char p[1024], fix[1100];

	path_of(p, sizeof(p), rel);
	assert_int_equal(load_strict(owner, &c, &d), -EPERM);
	assert_string_equal(d.file, p);
	assert_int_equal(d.line, 0);
	print_message("%s: %s\n", d.file, d.msg);
	assert_memory_equal(d.msg, msg_start, strlen(msg_start));
	snprintf(fix, sizeof(fix), "(fix: %s %s)",
		 strstr(msg_start, "owned") ? "chown root" : "chmod go-w", p);
	assert_non_null(strstr(d.msg, fix));
}

static void chmod_rel(const char *rel, mode_t m)
{
	char p[1024];

	path_of(p, sizeof(p), rel);
	assert_int_equal(chmod(p, m), 0);
}

/* rel given mode is refused with a message starting with want; then it gets mode back */
static void refused_at_mode(uid_t me, const char *rel, mode_t mode, mode_t back, const char *want)
{
	chmod_rel(rel, mode);
	expect_refused(me, rel, want);
	chmod_rel(rel, back);
}

static void test_perms(void **state)
{
	uid_t me = getuid();
	struct hp_config c;
	struct hp_diag d;
	char p[1024], q[1024];

	(void)state;
	put("etc/hugeplan/hugeplan.conf", "[Host]\nReserveMemory=4G\n");
	put("etc/hugeplan/hugeplan.conf.d/10-a.conf", "[Host]\nStrict=yes\n");
	put("etc/hugeplan/vms.d/a.conf", "[VM]\nMemory=1G\n");
	put("usr/lib/hugeplan/vms.d/b.conf", "[VM]\nMemory=1G\n");
	put("usr/lib/hugeplan/vms.d/masked.conf", "[VM]\nMemory=1G\n");
	put("etc/hugeplan/vms.d/masked.conf", "");
	assert_int_equal(load_strict(me, &c, &d), 0);
	/* no check unless asked */
	chmod_rel("etc/hugeplan/vms.d/a.conf", 0666);
	assert_int_equal(hp_config_load(root, NULL, &c, &d), 0);
	hp_config_free(&c);

	expect_refused(me, "etc/hugeplan/vms.d/a.conf",
		       "writable by group or others (mode 0666): refusing configuration");
	refused_at_mode(me, "etc/hugeplan/vms.d/a.conf", 0620, 0644,
			"writable by group or others (mode 0620)");
	/* a drop-in, a directory scanned, a directory of the search path */
	refused_at_mode(me, "etc/hugeplan/hugeplan.conf.d/10-a.conf", 0664, 0644,
			"writable by group");
	refused_at_mode(me, "usr/lib/hugeplan/vms.d", 0777, 0755,
			"writable by group or others (mode 0777)");
	/* the sticky bit does not help the directory read: others could add VMs */
	refused_at_mode(me, "usr/lib/hugeplan/vms.d", 01777, 0755,
			"writable by group or others (mode 1777)");
	put("run/hugeplan/.keep", "");
	refused_at_mode(me, "run", 0775, 0755, "writable by group or others (mode 0775)");
	/* an empty mask others could fill is no mask */
	refused_at_mode(me, "etc/hugeplan/vms.d/masked.conf", 0646, 0644,
			"writable by group or others");
	/* above the configuration: any directory up to "/", but sticky ones are fine there */
	chmod_rel("etc", 0777);
	expect_refused(me, "etc", "writable by group or others (mode 0777)");
	chmod_rel("etc", 01777);
	assert_int_equal(load_strict(me, &c, &d), 0);
	chmod_rel("etc", 0755);
	/* symbolic links are followed (inside the root): what counts is where the file really is */
	put("elsewhere/b.conf", "[VM]\nMemory=1G\n");
	path_of(q, sizeof(q), "etc/hugeplan/vms.d/b.conf");
	assert_int_equal(symlink("/elsewhere/b.conf", q), 0);
	assert_int_equal(load_strict(me, &c, &d), 0);
	refused_at_mode(me, "elsewhere", 0757, 0755, "writable by group or others (mode 0757)");
	assert_int_equal(load_strict(me, &c, &d), 0);

	/* ownership: a file nobody trusted owns */
	path_of(p, sizeof(p), "etc/hugeplan/vms.d/a.conf");
	if (me == 0) {
		char want[64];

		assert_int_equal(chown(p, 4242, (gid_t)-1), 0);
		expect_refused(0, "etc/hugeplan/vms.d/a.conf", "owned by uid 4242, not root: ");
		assert_int_equal(chown(p, 0, (gid_t)-1), 0);
		/* a directory above */
		path_of(p, sizeof(p), "etc");
		assert_int_equal(chown(p, 4242, (gid_t)-1), 0);
		snprintf(want, sizeof(want), "owned by uid 4242, not root: ");
		expect_refused(0, "etc", want);
		assert_int_equal(chown(p, 0, (gid_t)-1), 0);
		assert_int_equal(load_strict(0, &c, &d), 0);
	} else {
		char want[64];

		/* the test's own files, seen as another user's */
		snprintf(want, sizeof(want), "owned by uid %u, not root or uid %u: ", me, me + 1);
		expect_refused(me + 1, "etc/hugeplan", want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_binary_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_only_and_any_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confdir_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_perms, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
