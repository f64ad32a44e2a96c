// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/owners.h: a "--" in GRUB_CMDLINE_LINUX, tuned's huge page words, kdump's crash kernel
 * command line (the rules of kdump-config and kdumpctl, core/kdump.h; tests/bootpath/
 * run-kdump.sh holds them against the real kdump-config), and the cause status names for a
 * stale pool. Expected levels and named settings follow those rules, written out here.
 */
#include <string.h>

#include "hp-test.h"

#include "core/owners.h"

#define TOKS "default_hugepagesz=1G hugepagesz=1G hugepages=2 hugeplan.plan=0123456789abcdef"
#define NEXT "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet crashkernel=384M " TOKS

static const struct hp_karch x86 = { .sizes = { 2ULL << 20, 1ULL << 30 },
				     .nr_sizes = 2,
				     .hpage_size = 2ULL << 20,
				     .gigantic_min = 8ULL << 20,
				     .online_nodes = 1,
				     .node_alloc = true,
				     .hugepages_supported = true };

static const struct hp_finding *find(const struct hp_findings *fs, const char *id)
{
	for (size_t i = 0; i < fs->nr; i++)
		if (streq(fs->items[i].id, id))
			return &fs->items[i];
	return NULL;
}

static void eval(const struct hp_owner_facts *f, bool grub, struct hp_findings *fs)
{
	struct hp_owner_needs n = { .grub = grub, .next = NEXT, .arch = &x86 };

	memset(fs, 0, sizeof(*fs));
	assert_int_equal(hp_owners_evaluate(f, &n, fs), 0);
}

static void test_grub_init(void **state)
{
	struct hp_owner_facts f = { .init_file = "/etc/default/grub", .init_line = 7 };
	struct hp_findings fs;
	const struct hp_finding *x;

	(void)state;
	eval(&f, true, &fs);
	x = find(&fs, "grub-init");
	assert_non_null(x);
	assert_int_equal(x->level, HP_CHECK_ERROR);
	assert_non_null(
		strstr(x->message, "/etc/default/grub:7: GRUB_CMDLINE_LINUX holds a \"--\""));
	assert_non_null(strstr(x->fix, "GRUB_CMDLINE_LINUX_DEFAULT"));
	/* not GRUB's words (bls, kernel-install): no matter */
	eval(&f, false, &fs);
	assert_null(find(&fs, "grub-init"));
	memset(&f, 0, sizeof(f));
	eval(&f, true, &fs);
	assert_int_equal(fs.nr, 0);
}

static void test_tuned(void **state)
{
	struct hp_owner_facts f = { .tuned_profile = "virtual-host",
				    .tuned_cmdline = "skew_tick=1 hugepagesz=1G hugepages=8",
				    .tuned_file = "/etc/tuned/bootcmdline",
				    .tuned_grub = true,
				    .tuned_conf = "/etc/tuned/virtual-host/tuned.conf",
				    .tuned_conf_line = 12 };
	struct hp_findings fs;
	const struct hp_finding *x;
	char msg[512];

	(void)state;
	eval(&f, true, &fs);
	x = find(&fs, "tuned");
	assert_non_null(x);
	assert_int_equal(x->level, HP_CHECK_ERROR);
	assert_non_null(strstr(x->message, "tuned profile virtual-host puts hugepagesz=1G "
					   "hugepages=8 on the kernel command line"));
	assert_non_null(strstr(x->message, "/etc/tuned/virtual-host/tuned.conf:12"));
	assert_non_null(strstr(x->message, "$tuned_params"));
	assert_non_null(strstr(x->fix, "tuned-adm profile virtual-host"));
	/* its words before hugeplan's on this boot: the cause of a stale pool */
	assert_int_equal(hp_owners_stale_cause(&f,
					       "root=/dev/vda1 skew_tick=1 hugepagesz=1G "
					       "hugepages=8 " TOKS,
					       4, msg, sizeof(msg)),
			 1);
	assert_non_null(strstr(msg, "tuned profile virtual-host's huge page words"));
	/* hugeplan's first (tuned's words not on this boot): not tuned's doing */
	assert_int_equal(hp_owners_stale_cause(&f, "root=/dev/vda1 " TOKS, 4, msg, sizeof(msg)), 0);
	/* a profile without huge page words: nothing to say */
	strcpy(f.tuned_cmdline, "skew_tick=1 isolcpus=2-3");
	eval(&f, true, &fs);
	assert_null(find(&fs, "tuned"));
}

static void test_stale_dashdash(void **state)
{
	struct hp_owner_facts f = { .init_file = "/etc/default/grub.d/50-x.cfg", .init_line = 2 };
	char msg[512];

	(void)state;
	assert_int_equal(hp_owners_stale_cause(&f, "root=/dev/vda1 -- single quiet " TOKS, 4, msg,
					       sizeof(msg)),
			 1);
	assert_non_null(strstr(msg, "after a \"--\""));
	assert_non_null(strstr(msg, "/etc/default/grub.d/50-x.cfg:2"));
	/* a "--" after hugeplan's words is init's business */
	assert_int_equal(
		hp_owners_stale_cause(&f, "root=/dev/vda1 " TOKS " -- single", 4, msg, sizeof(msg)),
		0);
}

static void test_kdump(void **state)
{
	struct hp_owner_facts f = { .kdump = HP_KDUMP_DEBIAN,
				    .kdump_file = "/etc/default/kdump-tools" };
	struct hp_findings fs;
	const struct hp_finding *x;

	(void)state;
	/* the default: kdump-config takes hugepages= and hugepagesz= out; default_hugepagesz=
	 * and hugeplan.plan= stay, and reserve nothing */
	eval(&f, false, &fs);
	x = find(&fs, "kdump");
	assert_non_null(x);
	assert_int_equal(x->level, HP_CHECK_OK);
	/* pool words in KDUMP_CMDLINE_APPEND: named, with their line */
	strcpy(f.kdump_append, "reset_devices nr_cpus=1 hugepagesz=2M hugepages=64");
	f.kdump_append_line = 9;
	eval(&f, false, &fs);
	x = find(&fs, "kdump");
	assert_int_equal(x->level, HP_CHECK_ERROR);
	assert_non_null(strstr(x->message, "would reserve 64 x 2M"));
	assert_non_null(strstr(x->message, "KDUMP_CMDLINE_APPEND in /etc/default/kdump-tools:9 "
					   "holds hugepagesz=2M hugepages=64"));
	/* an explicit KDUMP_CMDLINE with a pool */
	f.kdump_append[0] = '\0';
	f.kdump_append_line = 0;
	strcpy(f.kdump_cmdline, "root=/dev/vda1 hugepages=2");
	f.kdump_cmdline_line = 4;
	eval(&f, false, &fs);
	x = find(&fs, "kdump");
	assert_int_equal(x->level, HP_CHECK_ERROR);
	assert_non_null(strstr(x->message, "KDUMP_CMDLINE in /etc/default/kdump-tools:4"));
	/* RHEL: without KDUMP_COMMANDLINE_REMOVE naming them, the next boot's pool comes along */
	memset(&f, 0, sizeof(f));
	f.kdump = HP_KDUMP_REDHAT;
	strcpy(f.kdump_file, "/etc/sysconfig/kdump");
	eval(&f, false, &fs);
	x = find(&fs, "kdump");
	assert_int_equal(x->level, HP_CHECK_ERROR);
	assert_non_null(strstr(x->message, "would reserve 2 x 1G"));
	assert_non_null(strstr(x->fix, "KDUMP_COMMANDLINE_REMOVE"));
	strcpy(f.kdump_remove, "hugepages hugepagesz slub_debug");
	eval(&f, false, &fs);
	assert_int_equal(find(&fs, "kdump")->level, HP_CHECK_OK);
	/* no kdump: nothing */
	memset(&f, 0, sizeof(f));
	eval(&f, false, &fs);
	assert_int_equal(fs.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grub_init),
		cmocka_unit_test(test_tuned),
		cmocka_unit_test(test_stale_dashdash),
		cmocka_unit_test(test_kdump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
