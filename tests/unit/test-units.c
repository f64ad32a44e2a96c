// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the generator decides and how it names units. Unit names follow systemd.unit(5),
 * "String Escaping for Inclusion in Unit Names": "/" becomes "-", every byte but ASCII
 * letters, digits, ":", "_" and "." (and a leading ".") becomes "\xNN" in lower-case hex,
 * the root is "-", the path is normalised first and ".." is refused. The expected names
 * below are written from those rules (and agree with systemd-escape --path, which the
 * generator tier also runs on every mount it writes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"
#include "core/kcmdline.h"
#include "core/size.h"
#include "core/units.h"

static void test_unit_names(void **state)
{
	static const struct {
		const char *path, *name;
	} ok[] = {
		{ "/dev/hugepages1G", "dev-hugepages1G.mount" },
		{ "/dev/hugepages2M", "dev-hugepages2M.mount" },
		{ "/", "-.mount" },
		{ "//dev//hugepages/", "dev-hugepages.mount" },
		{ "/dev/./hugepages", "dev-hugepages.mount" },
		{ "/dev/huge-pages", "dev-huge\\x2dpages.mount" },
		{ "/a b", "a\\x20b.mount" },
		{ "/a\\b", "a\\x5cb.mount" },
		{ "/.hidden/.x", "\\x2ehidden-.x.mount" },
		{ "/a:b_c.d", "a:b_c.d.mount" },
		{ "/\xc3\xbc", "\\xc3\\xbc.mount" },
	};
	char buf[HP_UNIT_NAME_MAX];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(hp_unit_name_from_path(ok[i].path, ".mount", buf, sizeof(buf)), 0);
		assert_string_equal(buf, ok[i].name);
	}
	assert_int_equal(hp_unit_name_from_path("/a/../b", ".mount", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(hp_unit_name_from_path("/..", ".mount", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(hp_unit_name_from_path("dev/x", ".mount", buf, sizeof(buf)), -EINVAL);
	/* 250 letters + ".mount" is 256 characters: one past UNIT_NAME_MAX */
	{
		char longp[300] = "/";

		memset(longp + 1, 'a', 250);
		longp[251] = '\0';
		assert_int_equal(hp_unit_name_from_path(longp, ".mount", buf, sizeof(buf)),
				 -ENAMETOOLONG);
		longp[250] = '\0'; /* 249 letters: 255 characters fit */
		assert_int_equal(hp_unit_name_from_path(longp, ".mount", buf, sizeof(buf)), 0);
		assert_int_equal(strlen(buf), 255);
	}
	/* a small buffer is never overrun */
	assert_int_equal(hp_unit_name_from_path("/dev/hugepages1G", ".mount", buf, 10),
			 -ENAMETOOLONG);
}

static struct hp_karch x86(bool gb)
{
	struct hp_karch a;

	memset(&a, 0, sizeof(a));
	a.sizes[a.nr_sizes++] = 2 * HP_MIB;
	if (gb)
		a.sizes[a.nr_sizes++] = HP_GIB;
	a.hpage_size = 2 * HP_MIB;
	a.gigantic_min = 8 * HP_MIB;
	a.online_nodes = 0x3;
	a.kver = HP_KVER(6, 1, 0);
	a.node_alloc = true;
	a.hugepages_supported = true;
	return a;
}

static void decide_planned(const char *cmdline, bool gb, const uint64_t *planned, size_t nr_planned,
			   bool plan, bool strict, struct hp_units *u)
{
	struct hp_karch a = x86(gb);
	struct hp_kreq req;

	hp_kcmdline_simulate(cmdline, &a, &req);
	assert_int_equal(hp_units_decide(&req, planned, nr_planned, plan, strict, u), 0);
}

static void decide(const char *cmdline, bool gb, bool plan, bool strict, struct hp_units *u)
{
	decide_planned(cmdline, gb, NULL, 0, plan, strict, u);
}

static void test_decide(void **state)
{
	struct hp_units u;

	(void)state;
	/* nothing asked, nothing planned: nothing at all, Strict= or not */
	decide("root=/dev/sda1 ro", true, false, true, &u);
	assert_int_equal(u.nr_mounts, 0);
	assert_false(u.verify);
	assert_false(u.strict);

	/* a plan without a pool yet: the check runs (it will say "stale") */
	decide("root=/dev/sda1", true, true, false, &u);
	assert_int_equal(u.nr_mounts, 0);
	assert_true(u.verify);
	assert_false(u.strict);

	/* 2M is x86's default without default_hugepagesz=: systemd mounts it, we do not */
	decide("hugepagesz=2M hugepages=512", true, false, true, &u);
	assert_int_equal(u.nr_mounts, 0);
	assert_true(u.verify && u.strict);

	/* named 1G first: still ascending; the default 1G is not mounted by us */
	decide("default_hugepagesz=1G hugepagesz=1G hugepages=0:4,1:14 hugepagesz=2M "
	       "hugepages=0:1287,1:1785",
	       true, false, false, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_string_equal(u.mounts[0].unit, "dev-hugepages2M.mount");
	assert_string_equal(u.mounts[0].where, "/dev/hugepages2M");
	assert_string_equal(u.mounts[0].token, "2M");
	assert_string_equal(u.mounts[0].sysfs_dir, "/sys/kernel/mm/hugepages/hugepages-2048kB");

	/* default_hugepagesz= counts wherever it stands: 1G is the default, only 2M is ours */
	decide("hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=16 default_hugepagesz=1G", true,
	       false, false, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_string_equal(u.mounts[0].unit, "dev-hugepages2M.mount");
	/* without it, 2M is: 1G is ours */
	decide("hugepagesz=1G hugepages=4", true, false, false, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_string_equal(u.mounts[0].unit, "dev-hugepages1G.mount");
	assert_string_equal(u.mounts[0].sysfs_dir, "/sys/kernel/mm/hugepages/hugepages-1048576kB");

	/* the kernel ignores a repeated size: its first count stands */
	decide("hugepagesz=1G hugepages=2 hugepagesz=1G hugepages=0", true, false, false, &u);
	assert_int_equal(u.nr_mounts, 1);

	/* 1G on a CPU without pdpe1gb: the kernel reserves nothing, but it was asked: check */
	decide("hugepagesz=1G hugepages=4", false, false, false, &u);
	assert_int_equal(u.nr_mounts, 0);
	assert_true(u.verify);

	/* an invalid node zeroes the size: no pool, no mount, but a check */
	decide("hugepagesz=1G hugepages=0:1,7:1", true, false, false, &u);
	assert_int_equal(u.nr_mounts, 0);
	assert_true(u.verify);

	/* words after "--" are init's */
	decide("root=/dev/sda1 -- hugepagesz=1G hugepages=4", true, false, false, &u);
	assert_false(u.verify);
}

/* issue 15, item 3: every size the plan uses is mounted, pages at boot or not */
static void test_decide_planned(void **state)
{
	const uint64_t both[] = { HP_GIB, 2 * HP_MIB, HP_GIB };
	const uint64_t gb[] = { HP_GIB };
	struct hp_units u;

	(void)state;
	/* no pool at boot (pages come at runtime): 1G mounted, 2M is this boot's default, at
	 * systemd's /dev/hugepages */
	decide_planned("root=/dev/sda1", true, both, 3, true, false, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_string_equal(u.mounts[0].unit, "dev-hugepages1G.mount");
	assert_true(u.mounts[0].planned && !u.mounts[0].reserved);
	assert_true(u.verify);
	/* hugepages=0 for the planned size: still mounted */
	decide_planned("hugepagesz=1G hugepages=0", true, gb, 1, true, false, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_string_equal(u.mounts[0].where, "/dev/hugepages1G");
	/* this boot's default is 1G: the planned 2M gets /dev/hugepages2M, 1G none of ours */
	decide_planned("default_hugepagesz=1G hugepagesz=1G hugepages=2", true, both, 3, true,
		       false, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_string_equal(u.mounts[0].unit, "dev-hugepages2M.mount");
	assert_true(u.mounts[0].planned && !u.mounts[0].reserved);
	/* reserved at boot and planned: one unit, both said */
	decide_planned("hugepagesz=1G hugepages=2", true, gb, 1, true, false, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_true(u.mounts[0].planned && u.mounts[0].reserved);
	/* the boot's sizes and the plan's together, ascending */
	decide_planned("default_hugepagesz=1G hugepagesz=1G hugepages=2", true,
		       (const uint64_t[]){ 32 * HP_MIB, 2 * HP_MIB }, 2, true, false, &u);
	assert_int_equal(u.nr_mounts, 2);
	assert_string_equal(u.mounts[0].unit, "dev-hugepages2M.mount");
	assert_string_equal(u.mounts[1].unit, "dev-hugepages32M.mount");
}

static void test_texts(void **state)
{
	struct hp_units u;
	char *t;

	(void)state;
	decide("hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=16 default_hugepagesz=2M", true,
	       false, true, &u);
	assert_int_equal(u.nr_mounts, 1);
	assert_int_equal(hp_unit_mount_text(&u.mounts[0], &t), 0);
	assert_memory_equal(t, "# Automatically generated by hugeplan-generator\n", 48);
	assert_non_null(strstr(t, "\n[Mount]\nWhat=hugetlbfs\nWhere=/dev/hugepages1G\n"
				  "Type=hugetlbfs\nOptions=pagesize=1G\n"));
	/* the lines of dev-hugepages.mount */
	assert_non_null(strstr(t, "\nDefaultDependencies=no\nBefore=sysinit.target\n"
				  "ConditionPathExists=/sys/kernel/mm/hugepages\n"));
	assert_non_null(strstr(t, "\nConditionCapability=CAP_SYS_ADMIN\n"
				  "ConditionVirtualization=!private-users\n"));
	assert_non_null(
		strstr(t, "\nConditionPathExists=/sys/kernel/mm/hugepages/hugepages-1048576kB\n"));
	/* libvirt reads the mounts once, when it starts: before it */
	assert_non_null(strstr(t, "\nBefore=libvirtd.service virtqemud.service\n"));
	assert_non_null(
		strstr(t, "# for the 1G pages this boot's kernel command line reserves.\n"));
	free(t);

	assert_int_equal(hp_unit_verify_dropin_text(&u, &t), 0);
	assert_non_null(t);
	assert_non_null(strstr(t, "\n[Unit]\nAfter=dev-hugepages1G.mount\n"));
	free(t);

	assert_int_equal(hp_unit_strict_dropin_text(&t), 0);
	assert_non_null(strstr(t, "\n[Unit]\nRequires=hugeplan-verify.service\n"
				  "After=hugeplan-verify.service\n"));
	free(t);

	/* no mount: no ordering drop-in */
	decide("hugepagesz=2M hugepages=16", true, false, false, &u);
	assert_int_equal(hp_unit_verify_dropin_text(&u, &t), 0);
	assert_null(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_names),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_decide_planned),
		cmocka_unit_test(test_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
