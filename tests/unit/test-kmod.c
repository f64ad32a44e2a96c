// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * generator/preflight/kmod.c against module trees made by depmod at test time
 * (tests/check/mkmodtree.sh). Run from the top of the source tree, as tests/run-tests.sh does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hp-test.h"

#include "preflight/kmod.h"

#define KVER   "6.1.0-99-test"
#define MKTREE "tests/check/mkmodtree.sh"

static char root[256];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, cmd);
}

static void write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	sh("mkdir -p \"$(dirname '%s')\"", path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * kvm and vfio built in, kvm_intel, kvm_amd and vfio_pci loadable, vfio_iommu_type1 absent;
 * modprobe.d spread over the folders libkmod reads, under the root only.
 */
static int setup(void **state)
{
	char cmd[1024];

	(void)state;
	if (access(MKTREE, X_OK) != 0) {
		fprintf(stderr, "run from the top of the source tree: %s not found\n", MKTREE);
		return -1;
	}
	if (hp_test_tmpdir(root, sizeof(root), "hugeplan-kmod") < 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 MKTREE " '%s' " KVER " builtin:kernel/arch/x86/kvm/kvm.ko"
			" ko:kernel/arch/x86/kvm/kvm-intel.ko ko:kernel/arch/x86/kvm/kvm-amd.ko"
			" builtin:kernel/drivers/vfio/vfio.ko"
			" ko:kernel/drivers/vfio/pci/vfio-pci.ko",
		 root);
	if (system(cmd) != 0)
		return -1;
	/* a same-named file in /etc hides the one in /run (modprobe.d(5)) */
	write_file("run/modprobe.d/kvm.conf", "blacklist kvm_intel\n");
	write_file("etc/modprobe.d/kvm.conf", "# nothing blacklisted here\n");
	write_file("etc/modprobe.d/amd.conf", "blacklist kvm-amd\n");
	write_file("usr/lib/modprobe.d/vfio.conf", "blacklist vfio\ninstall vfio_pci /bin/false\n");
	write_file("lib/modprobe.d/other.conf",
		   "install kvm_intel /sbin/modprobe --ignore-install kvm_intel\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return hp_test_rmtree(root);
}

static void query(const char *name, struct hp_modinfo *mi)
{
	struct hp_kmod *k;

	assert_int_equal(hp_kmod_open(root, KVER, &k), 0);
	memset(mi, 0xa5, sizeof(*mi));
	assert_int_equal(hp_kmod_query(k, name, mi), 0);
	hp_kmod_close(k);
}

static void test_builtin(void **state)
{
	struct hp_modinfo mi;

	(void)state;
	query("kvm", &mi);
	assert_string_equal(mi.name, "kvm");
	assert_int_equal(mi.state, HP_MOD_BUILTIN);
	assert_string_equal(mi.path, "");
	assert_false(mi.blacklisted);
	assert_string_equal(mi.install, "");
}

static void test_loadable(void **state)
{
	struct hp_modinfo mi;

	(void)state;
	/* the file is kvm-intel.ko; depmod and modprobe name it kvm_intel */
	query("kvm-intel", &mi);
	assert_string_equal(mi.name, "kvm_intel");
	assert_int_equal(mi.state, HP_MOD_LOADABLE);
	assert_string_equal(mi.path, "/lib/modules/" KVER "/kernel/arch/x86/kvm/kvm-intel.ko");
	/* /run/modprobe.d/kvm.conf blacklists it, but /etc/modprobe.d/kvm.conf hides that file */
	assert_false(mi.blacklisted);
	assert_string_equal(mi.install, "/sbin/modprobe --ignore-install kvm_intel");
}

static void test_blacklisted(void **state)
{
	struct hp_modinfo mi;

	(void)state;
	query("kvm_amd", &mi);
	assert_int_equal(mi.state, HP_MOD_LOADABLE);
	assert_true(mi.blacklisted);
	assert_string_equal(mi.install, "");
}

static void test_builtin_blacklisted(void **state)
{
	struct hp_modinfo mi;

	(void)state;
	query("vfio", &mi);
	assert_int_equal(mi.state, HP_MOD_BUILTIN);
	assert_true(mi.blacklisted);
}

static void test_install_false(void **state)
{
	struct hp_modinfo mi;

	(void)state;
	query("vfio_pci", &mi);
	assert_int_equal(mi.state, HP_MOD_LOADABLE);
	assert_string_equal(mi.path, "/lib/modules/" KVER "/kernel/drivers/vfio/pci/vfio-pci.ko");
	assert_false(mi.blacklisted);
	assert_string_equal(mi.install, "/bin/false");
}

static void test_missing(void **state)
{
	struct hp_modinfo mi;

	(void)state;
	query("vfio_iommu_type1", &mi);
	assert_string_equal(mi.name, "vfio_iommu_type1");
	assert_int_equal(mi.state, HP_MOD_MISSING);
	assert_string_equal(mi.path, "");
	assert_false(mi.blacklisted);
}

static void test_bad_name(void **state)
{
	struct hp_modinfo mi = { .state = HP_MOD_LOADABLE };
	char longname[200];
	struct hp_kmod *k;

	(void)state;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(hp_kmod_open(root, KVER, &k), 0);
	assert_int_equal(hp_kmod_query(k, "", &mi), -EINVAL);
	assert_int_equal(hp_kmod_query(k, longname, &mi), -EINVAL);
	assert_int_equal(mi.state, HP_MOD_LOADABLE); /* untouched on failure */
	hp_kmod_close(k);
}

static void test_open_errors(void **state)
{
	struct hp_kmod *k = NULL;
	char path[512];

	(void)state;
	assert_int_equal(hp_kmod_open(root, "5.10.0-1-other", &k), -ENOENT);
	assert_int_equal(hp_kmod_open(root, "", &k), -EINVAL);
	assert_int_equal(hp_kmod_open(root, "../x", &k), -EINVAL);
	/* a tree that depmod never saw */
	snprintf(path, sizeof(path), "%s/lib/modules/6.2.0-nodep/kernel", root);
	sh("mkdir -p '%s'", path);
	assert_int_equal(hp_kmod_open(root, "6.2.0-nodep", &k), -ENODATA);
	assert_null(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),	      cmocka_unit_test(test_loadable),
		cmocka_unit_test(test_blacklisted),   cmocka_unit_test(test_builtin_blacklisted),
		cmocka_unit_test(test_install_false), cmocka_unit_test(test_missing),
		cmocka_unit_test(test_bad_name),      cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests_name("kmod", tests, setup, teardown);
}
