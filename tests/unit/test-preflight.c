// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The verdicts of generator/core/preflight.c, table-driven. Every case starts from one healthy
 * x86 Intel host (pdpe1gb, 2M and 1G listed, kvm built in, kvm_intel and vfio loadable, a
 * Debian-like config) and changes one fact; the expected level follows the kernel's rules in
 * KERNEL-NOTES.md and the issue, not the code's output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/preflight.h"
#include "core/size.h"

static char kconfig_good[] = "#\n# Automatically generated file; DO NOT EDIT.\n"
			     "CONFIG_HUGETLBFS=y\n"
			     "CONFIG_HUGETLB_PAGE=y\n"
			     "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y\n"
			     "# CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP_DEFAULT_ON is not set\n"
			     "CONFIG_INTEL_IOMMU=y\n"
			     "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n"
			     "CONFIG_AMD_IOMMU=y\n"
			     "CONFIG_CMA=y\n";
static char kconfig_buf[1024];

static void healthy(struct hp_check_facts *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->kver, "6.1.0-28-cloud-amd64");
	f->kver_num = (6 << 16) | (1 << 8);
	strcpy(f->running_kver, f->kver);
	f->x86 = true;
	f->pdpe1gb = true;
	strcpy(f->cpu_vendor, "GenuineIntel");
	f->sizes[0] = 2 * HP_MIB;
	f->sizes[1] = HP_GIB;
	f->nr_sizes = 2;
	strcpy(f->cmdline, "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet");
	strcpy(f->thp, "always [madvise] never");
	f->iommu_groups = -1;
	strcpy(kconfig_buf, kconfig_good);
	f->kconfig = kconfig_buf;
	for (int m = 0; m < HP_CM_NR; m++) {
		struct hp_modinfo *mi = &f->mods[m];

		strcpy(mi->name, hp_check_mod_name(m));
		mi->state = HP_MOD_LOADABLE;
		snprintf(mi->path, sizeof(mi->path), "/lib/modules/%s/kernel/%s.ko", f->kver,
			 mi->name);
	}
	f->mods[HP_CM_KVM].state = HP_MOD_BUILTIN;
	f->mods[HP_CM_KVM].path[0] = '\0';
}

static void kconfig_replace(struct hp_check_facts *f, const char *from, const char *to)
{
	char *p = strstr(kconfig_buf, from);
	char rest[1024];

	assert_non_null(p);
	snprintf(rest, sizeof(rest), "%s", p + strlen(from));
	snprintf(p, sizeof(kconfig_buf) - (size_t)(p - kconfig_buf), "%s%s", to, rest);
	f->kconfig = kconfig_buf;
}

static void cmdline_add(struct hp_check_facts *f, const char *words)
{
	size_t n = strlen(f->cmdline);

	snprintf(f->cmdline + n, sizeof(f->cmdline) - n, " %s", words);
}

static const struct hp_finding *find(const struct hp_findings *o, const char *id)
{
	for (size_t i = 0; i < o->nr; i++)
		if (!strcmp(o->items[i].id, id))
			return &o->items[i];
	return NULL;
}

/* The finding id exists, has that level, and (when given) its message contains want. */
static void expect(const struct hp_findings *o, const char *id, enum hp_check_level level,
		   const char *want)
{
	const struct hp_finding *x = find(o, id);

	if (!x)
		fail_msg("no finding \"%s\"", id);
	if (x->level != level)
		fail_msg("%s: level %s, expected %s: %s", id, hp_check_level_name(x->level),
			 hp_check_level_name(level), x->message);
	if (want && !strstr(x->message, want))
		fail_msg("%s: \"%s\" does not contain \"%s\"", id, x->message, want);
	/* whatever is not ok tells what to do */
	if (level != HP_CHECK_OK && !x->fix[0])
		fail_msg("%s: %s without a fix", id, hp_check_level_name(level));
}

static void expect_none(const struct hp_findings *o, const char *id)
{
	const struct hp_finding *x = find(o, id);

	if (x)
		fail_msg("unexpected finding %s: %s", id, x->message);
}

static void run(const struct hp_check_facts *f, const struct hp_check_needs *n,
		struct hp_findings *o)
{
	size_t w = 0, e = 0;

	assert_int_equal(hp_check_evaluate(f, n, o), 0);
	for (size_t i = 0; i < o->nr; i++) {
		w += o->items[i].level == HP_CHECK_WARNING;
		e += o->items[i].level == HP_CHECK_ERROR;
	}
	assert_int_equal(o->nr_warnings, w);
	assert_int_equal(o->nr_errors, e);
}

static struct hp_findings out;

static void test_healthy(void **state)
{
	struct hp_check_needs n = { .sizes = { 2 * HP_MIB, HP_GIB }, .nr_sizes = 2 };
	struct hp_check_facts f;
	static const char *const order[] = { "kernel",
					     "CONFIG_HUGETLBFS",
					     "CONFIG_HUGETLB_PAGE",
					     "pdpe1gb",
					     "sizes",
					     "hugetlb_cma",
					     "kvm",
					     "kvm_intel",
					     "thp" };

	(void)state;
	healthy(&f);
	run(&f, &n, &out);
	assert_int_equal(out.nr_errors, 0);
	assert_int_equal(out.nr_warnings, 0);
	assert_int_equal(out.nr, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < out.nr; i++)
		assert_string_equal(out.items[i].id, order[i]);
	expect(&out, "kernel", HP_CHECK_OK, "(the running kernel)");
	expect(&out, "sizes", HP_CHECK_OK, "the host lists 2M 1G; the plan uses 2M 1G");
	expect(&out, "kvm", HP_CHECK_OK, "built into 6.1.0-28-cloud-amd64");
	expect(&out, "kvm_intel", HP_CHECK_OK, "loadable: /lib/modules/");
	expect(&out, "thp", HP_CHECK_OK, "transparent huge pages: madvise");
	/* only asked for when the plan needs them */
	expect_none(&out, "node-form");
	expect_none(&out, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP");
	expect_none(&out, "kvm_amd");
	expect_none(&out, "vfio");
	expect_none(&out, "iommu");
	/* no needs at all is a general check of the host */
	run(&f, NULL, &out);
	assert_int_equal(out.nr_errors, 0);
	expect(&out, "sizes", HP_CHECK_OK, "the host lists 2M 1G");
}

static void test_kernel_version(void **state)
{
	struct hp_check_needs n = { .sizes = { 2 * HP_MIB }, .nr_sizes = 1, .node_form = true };
	struct hp_check_facts f;

	(void)state;
	/* the node form arrived in 5.16 */
	healthy(&f);
	strcpy(f.kver, "5.15.0-91-generic");
	f.kver_num = (5 << 16) | (15 << 8);
	f.mods[HP_CM_KVM_INTEL].path[0] = '\0';
	run(&f, &n, &out);
	expect(&out, "kernel", HP_CHECK_OK, "(running: 6.1.0-28-cloud-amd64)");
	expect(&out, "node-form", HP_CHECK_ERROR, "Linux 5.15");
	assert_int_equal(out.nr_errors, 1);

	f.kver_num = (5 << 16) | (16 << 8);
	strcpy(f.kver, "5.16.0");
	run(&f, &n, &out);
	expect(&out, "node-form", HP_CHECK_OK, NULL);

	strcpy(f.kver, "custom");
	f.kver_num = 0;
	run(&f, &n, &out);
	expect(&out, "kernel", HP_CHECK_WARNING, "custom");
	expect(&out, "node-form", HP_CHECK_WARNING, NULL);

	/* nothing to name the target: one error, nothing about its modules or config */
	f.kver[0] = '\0';
	run(&f, &n, &out);
	expect(&out, "kernel", HP_CHECK_ERROR, NULL);
	expect_none(&out, "kvm");
	expect_none(&out, "CONFIG_HUGETLBFS");
	expect_none(&out, "node-form");
}

static void test_kconfig(void **state)
{
	struct hp_check_needs n = { .sizes = { 2 * HP_MIB }, .nr_sizes = 1 };
	struct hp_check_facts f;

	(void)state;
	healthy(&f);
	kconfig_replace(&f, "CONFIG_HUGETLBFS=y", "# CONFIG_HUGETLBFS is not set");
	run(&f, &n, &out);
	expect(&out, "CONFIG_HUGETLBFS", HP_CHECK_ERROR, "is not set");
	expect(&out, "CONFIG_HUGETLB_PAGE", HP_CHECK_OK, NULL);
	assert_int_equal(out.nr_errors, 1);

	/* absent from the file means not set, as in Kconfig */
	healthy(&f);
	kconfig_replace(&f, "CONFIG_HUGETLB_PAGE=y\n", "");
	run(&f, &n, &out);
	expect(&out, "CONFIG_HUGETLB_PAGE", HP_CHECK_ERROR, NULL);

	/* FreeVmemmap=yes needs the optimization compiled in */
	healthy(&f);
	n.free_vmemmap = true;
	run(&f, &n, &out);
	expect(&out, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", HP_CHECK_OK, NULL);
	kconfig_replace(&f, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y",
			"# CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP is not set");
	run(&f, &n, &out);
	expect(&out, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", HP_CHECK_ERROR, "16380 KiB");
	n.free_vmemmap = false;
	run(&f, &n, &out);
	expect_none(&out, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP");
	assert_int_equal(out.nr_errors, 0);

	/* no config file: one warning instead of the options */
	healthy(&f);
	f.kconfig = NULL;
	f.kconfig_err = -ENOENT;
	run(&f, &n, &out);
	expect(&out, "kconfig", HP_CHECK_WARNING, "/boot/config-6.1.0-28-cloud-amd64");
	expect_none(&out, "CONFIG_HUGETLBFS");
	assert_int_equal(out.nr_errors, 0);
	f.kconfig_err = -EACCES;
	run(&f, &n, &out);
	expect(&out, "kconfig", HP_CHECK_WARNING, "Permission denied");
}

static void test_cpu_and_sizes(void **state)
{
	struct hp_check_needs n1g = { .sizes = { HP_GIB }, .nr_sizes = 1 };
	struct hp_check_needs n2m = { .sizes = { 2 * HP_MIB }, .nr_sizes = 1 };
	struct hp_check_facts f;

	(void)state;
	/* a nested guest without pdpe1gb: no 1G pool directory either */
	healthy(&f);
	f.pdpe1gb = false;
	f.nr_sizes = 1;
	run(&f, &n1g, &out);
	expect(&out, "pdpe1gb", HP_CHECK_ERROR, "pdpe1gb");
	expect(&out, "sizes", HP_CHECK_ERROR, "unsupported hugepagesz=1G");
	assert_int_equal(out.nr_errors, 2);
	/* no 1G in the plan: information only */
	run(&f, &n2m, &out);
	expect(&out, "pdpe1gb", HP_CHECK_OK, "lacks");
	expect(&out, "sizes", HP_CHECK_OK, NULL);
	assert_int_equal(out.nr_errors, 0);

	/* arm64 sizes on this host: 32M is not an x86 size */
	healthy(&f);
	n2m.sizes[1] = 32 * HP_MIB;
	n2m.nr_sizes = 2;
	run(&f, &n2m, &out);
	expect(&out, "sizes", HP_CHECK_ERROR, "32M");
	assert_int_equal(out.nr_errors, 1);

	/* no hugetlb in the running kernel: the sizes cannot be confirmed */
	healthy(&f);
	f.nr_sizes = 0;
	run(&f, &n1g, &out);
	expect(&out, "sizes", HP_CHECK_WARNING, "no huge page sizes");
	run(&f, NULL, &out);
	expect(&out, "sizes", HP_CHECK_OK, "no huge page sizes");

	/* not x86: no pdpe1gb verdict, no vendor module */
	healthy(&f);
	f.x86 = false;
	f.pdpe1gb = false;
	f.cpu_vendor[0] = '\0';
	run(&f, &n1g, &out);
	expect_none(&out, "pdpe1gb");
	expect_none(&out, "kvm_intel");
	expect_none(&out, "kvm_amd");
	expect(&out, "kvm", HP_CHECK_OK, NULL);
	assert_int_equal(out.nr_errors, 0);
}

static void test_hugetlb_cma(void **state)
{
	static const struct {
		const char *words;
		bool gigantic;
		enum hp_check_level level;
		const char *want;
	} cases[] = {
		{ "", true, HP_CHECK_OK, "no hugetlb_cma=" },
		{ "hugetlb_cma=4G", true, HP_CHECK_WARNING, "skip boot time allocation" },
		{ "hugetlb_cma=4G", false, HP_CHECK_OK, "no gigantic pages" },
		{ "hugetlb_cma=0:1G,1:1G", true, HP_CHECK_WARNING, "hugetlb_cma=0:1G,1:1G" },
		/* memparse("0") is no CMA at all */
		{ "hugetlb_cma=0", true, HP_CHECK_OK, "no hugetlb_cma=" },
		/* the last one counts, as the kernel's setup function overwrites */
		{ "hugetlb_cma=2G hugetlb_cma=0", true, HP_CHECK_OK, "no hugetlb_cma=" },
		/* after "--" the words are init's */
		{ "-- hugetlb_cma=4G", true, HP_CHECK_OK, "no hugetlb_cma=" },
		/* '-' and '_' are the same in parameter names */
		{ "hugetlb-cma=1G", true, HP_CHECK_WARNING, NULL },
	};
	struct hp_check_needs g = { .sizes = { 2 * HP_MIB, HP_GIB }, .nr_sizes = 2 };
	struct hp_check_needs s = { .sizes = { 2 * HP_MIB }, .nr_sizes = 1 };
	struct hp_check_facts f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		healthy(&f);
		cmdline_add(&f, cases[i].words);
		run(&f, cases[i].gigantic ? &g : &s, &out);
		print_message("case %zu: %s\n", i, cases[i].words);
		expect(&out, "hugetlb_cma", cases[i].level, cases[i].want);
	}
	/* without CONFIG_CMA the parameter is unknown to the kernel (seen: Debian's cloud 6.1
	 * and 6.12 print "Unknown kernel command line parameters" and allocate the 1G pool) */
	healthy(&f);
	cmdline_add(&f, "hugetlb_cma=4G");
	kconfig_replace(&f, "CONFIG_CMA=y", "# CONFIG_CMA is not set");
	run(&f, &g, &out);
	expect(&out, "hugetlb_cma", HP_CHECK_OK, "has no CONFIG_CMA");
	/* no configuration to read: taken at its word */
	healthy(&f);
	cmdline_add(&f, "hugetlb_cma=4G");
	f.kconfig = NULL;
	run(&f, &g, &out);
	expect(&out, "hugetlb_cma", HP_CHECK_WARNING, "skip boot time allocation");
}

static void test_modules(void **state)
{
	struct hp_check_facts f;

	(void)state;
	healthy(&f);
	f.mods[HP_CM_KVM].state = HP_MOD_MISSING;
	run(&f, NULL, &out);
	expect(&out, "kvm", HP_CHECK_ERROR, "neither built into");
	assert_int_equal(out.nr_errors, 1);

	/* AMD: kvm_amd is the one that matters, kvm_intel is not looked at */
	healthy(&f);
	strcpy(f.cpu_vendor, "AuthenticAMD");
	f.mods[HP_CM_KVM_INTEL].state = HP_MOD_MISSING;
	f.mods[HP_CM_KVM_AMD].blacklisted = true;
	run(&f, NULL, &out);
	expect_none(&out, "kvm_intel");
	/* issue 12 item 13: blacklisted with nothing to load it is no KVM after boot */
	expect(&out, "kvm_amd", HP_CHECK_ERROR, "a blacklist line in modprobe.d keeps udev");
	expect(&out, "kvm_amd", HP_CHECK_ERROR, "no KVM after boot");
	assert_int_equal(out.nr_errors, 1);
	/* systemd-modules-load applies the blacklist: its modules-load.d listing does not help */
	strcpy(f.modload[HP_CM_KVM_AMD], "/etc/modules-load.d/kvm.conf");
	strcpy(f.modload_tool, "/usr/lib/systemd/systemd-modules-load");
	run(&f, NULL, &out);
	expect(&out, "kvm_amd", HP_CHECK_ERROR, "/etc/modules-load.d/kvm.conf lists it, but");
	/* read without systemd (Debian's /etc/init.d/kmod: an explicit modprobe), it is loaded */
	f.modload_tool[0] = '\0';
	run(&f, NULL, &out);
	expect(&out, "kvm_amd", HP_CHECK_OK, "read without systemd");
	assert_int_equal(out.nr_errors, 0);
	/* another module's install command that loads it: only with that one */
	f.modload[HP_CM_KVM_AMD][0] = '\0';
	strcpy(f.mods[HP_CM_KVM_AMD].loaded_by, "kvm");
	run(&f, NULL, &out);
	expect(&out, "kvm_amd", HP_CHECK_WARNING, "loaded only when kvm is");
	f.mods[HP_CM_KVM_AMD].loaded_by[0] = '\0';
	/* the same blacklist coming from the command line says so */
	cmdline_add(&f, "modprobe.blacklist=foo,kvm-amd");
	run(&f, NULL, &out);
	expect(&out, "kvm_amd", HP_CHECK_ERROR, "modprobe.blacklist= on the command line");
	/* module_blacklist= makes the kernel itself refuse the module */
	healthy(&f);
	strcpy(f.cpu_vendor, "HygonGenuine");
	cmdline_add(&f, "module_blacklist=kvm_amd");
	run(&f, NULL, &out);
	expect(&out, "kvm_amd", HP_CHECK_ERROR, "module_blacklist=");

	/* an install line that runs /bin/true loads nothing */
	healthy(&f);
	strcpy(f.mods[HP_CM_KVM_INTEL].install, "/bin/true");
	run(&f, NULL, &out);
	expect(&out, "kvm_intel", HP_CHECK_ERROR, "\"/bin/true\"");
	/* any other install line is reported, not judged */
	strcpy(f.mods[HP_CM_KVM_INTEL].install, "/sbin/modprobe --ignore-install kvm_intel");
	run(&f, NULL, &out);
	expect(&out, "kvm_intel", HP_CHECK_OK, "--ignore-install");

	/* built-in code ignores modprobe configuration and module_blacklist= */
	healthy(&f);
	f.mods[HP_CM_KVM].blacklisted = true;
	strcpy(f.mods[HP_CM_KVM].install, "/bin/false");
	cmdline_add(&f, "module_blacklist=kvm");
	run(&f, NULL, &out);
	expect(&out, "kvm", HP_CHECK_OK, "has no effect");
	assert_int_equal(out.nr_errors, 0);

	/* Zhaoxin reports "  Shanghai  ", which /proc/cpuinfo readers get as Shanghai */
	healthy(&f);
	strcpy(f.cpu_vendor, "Shanghai");
	f.mods[HP_CM_KVM_INTEL].state = HP_MOD_MISSING;
	run(&f, NULL, &out);
	expect(&out, "kvm_intel", HP_CHECK_ERROR, NULL);
	strcpy(f.cpu_vendor, "VIA VIA VIA");
	run(&f, NULL, &out);
	expect(&out, "kvm-vendor", HP_CHECK_WARNING, "VIA VIA VIA");
	expect_none(&out, "kvm_intel");
}

static void test_module_tree(void **state)
{
	struct hp_check_facts f;

	(void)state;
	healthy(&f);
	f.modules_err = -ENOENT;
	run(&f, NULL, &out);
	expect(&out, "modules", HP_CHECK_ERROR, "not installed");
	expect_none(&out, "kvm");
	assert_int_equal(out.nr_errors, 1);
	f.modules_err = -ENODATA;
	run(&f, NULL, &out);
	expect(&out, "modules", HP_CHECK_ERROR, "modules.dep.bin");
	assert_string_equal(find(&out, "modules")->fix, "run: depmod 6.1.0-28-cloud-amd64");
}

static void test_passthrough(void **state)
{
	static const struct {
		const char *vendor;
		const char *words;
		bool default_on; /* CONFIG_INTEL_IOMMU_DEFAULT_ON=y */
		enum hp_check_level level;
		const char *want;
	} cases[] = {
		/* Intel: off unless switched on or the kernel defaults to on */
		{ "GenuineIntel", "", false, HP_CHECK_ERROR, "Intel IOMMU is off" },
		{ "GenuineIntel", "intel_iommu=on", false, HP_CHECK_OK, "intel_iommu=on" },
		{ "GenuineIntel", "intel_iommu=on,sm_on iommu=pt", false, HP_CHECK_OK, "iommu=pt" },
		{ "GenuineIntel", "intel_iommu=sm_on", false, HP_CHECK_ERROR, NULL },
		{ "GenuineIntel", "", true, HP_CHECK_OK, "CONFIG_INTEL_IOMMU_DEFAULT_ON=y" },
		{ "GenuineIntel", "intel_iommu=off", true, HP_CHECK_ERROR, "intel_iommu=off" },
		{ "GenuineIntel", "intel_iommu=on intel_iommu=off", false, HP_CHECK_ERROR, NULL },
		{ "GenuineIntel", "intel_iommu=off,on", false, HP_CHECK_OK, NULL },
		{ "GenuineIntel", "intel_iommu=on iommu=off", false, HP_CHECK_ERROR, "iommu=off" },
		/* AMD: on whenever the firmware has one; there is no amd_iommu=on */
		{ "AuthenticAMD", "", false, HP_CHECK_OK, "on by default" },
		{ "AuthenticAMD", "amd_iommu=off", false, HP_CHECK_ERROR, "amd_iommu=off" },
		{ "AuthenticAMD", "iommu=off", false, HP_CHECK_ERROR, NULL },
		{ "WeirdVendor", "", false, HP_CHECK_WARNING, NULL },
	};
	struct hp_check_needs n = { .passthrough = true };
	struct hp_check_facts f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		healthy(&f);
		strcpy(f.cpu_vendor, cases[i].vendor);
		cmdline_add(&f, cases[i].words);
		if (cases[i].default_on)
			kconfig_replace(&f, "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set",
					"CONFIG_INTEL_IOMMU_DEFAULT_ON=y");
		print_message("case %zu: %s %s\n", i, cases[i].vendor, cases[i].words);
		run(&f, &n, &out);
		expect(&out, "iommu", cases[i].level, cases[i].want);
		expect(&out, "vfio", HP_CHECK_OK, NULL);
		expect(&out, "vfio_pci", HP_CHECK_OK, NULL);
		expect(&out, "vfio_iommu_type1", HP_CHECK_OK, NULL);
	}

	/* a kernel without the driver */
	healthy(&f);
	cmdline_add(&f, "intel_iommu=on");
	kconfig_replace(&f, "CONFIG_INTEL_IOMMU=y", "# CONFIG_INTEL_IOMMU is not set");
	run(&f, &n, &out);
	expect(&out, "iommu", HP_CHECK_ERROR, "CONFIG_INTEL_IOMMU");
	/* without the config file the default is unknown */
	healthy(&f);
	f.kconfig = NULL;
	f.kconfig_err = -ENOENT;
	run(&f, &n, &out);
	expect(&out, "iommu", HP_CHECK_WARNING, "unknown whether");
	/* what the running kernel shows is told */
	healthy(&f);
	cmdline_add(&f, "intel_iommu=on");
	f.iommu_groups = 12;
	run(&f, &n, &out);
	expect(&out, "iommu", HP_CHECK_OK, "has 12 IOMMU groups");
	f.iommu_groups = 0;
	run(&f, &n, &out);
	expect(&out, "iommu", HP_CHECK_OK, "no IOMMU groups");

	/* missing VFIO pieces */
	healthy(&f);
	cmdline_add(&f, "intel_iommu=on");
	f.mods[HP_CM_VFIO_IOMMU_TYPE1].state = HP_MOD_MISSING;
	run(&f, &n, &out);
	expect(&out, "vfio_iommu_type1", HP_CHECK_ERROR, "device passthrough");
	assert_int_equal(out.nr_errors, 1);

	/* not x86 */
	healthy(&f);
	f.x86 = false;
	f.cpu_vendor[0] = '\0';
	run(&f, &n, &out);
	expect(&out, "iommu", HP_CHECK_OK, "not x86");
}

static void test_host_and_thp(void **state)
{
	struct hp_check_facts f;

	(void)state;
	healthy(&f);
	strcpy(f.thp, "[always] madvise never");
	run(&f, NULL, &out);
	expect(&out, "thp", HP_CHECK_OK, "transparent huge pages: always");
	f.thp[0] = '\0';
	run(&f, NULL, &out);
	expect(&out, "thp", HP_CHECK_OK, "not available");

	/* an unreadable host still gets the kernel-side checks */
	healthy(&f);
	f.host_err = -ENOENT;
	strcpy(f.host_errmsg, "/proc/meminfo: No such file or directory");
	run(&f, NULL, &out);
	expect(&out, "host", HP_CHECK_ERROR, "/proc/meminfo");
	expect(&out, "kvm", HP_CHECK_OK, NULL);
	expect(&out, "CONFIG_HUGETLBFS", HP_CHECK_OK, NULL);
	expect_none(&out, "pdpe1gb");
	expect_none(&out, "sizes");
}

/* with transparent VMs: enabled, defrag and khugepaged judged, each warning with its fix */
static void test_thp_for_vms(void **state)
{
	struct hp_check_needs n = { .transparent = 2, .transparent_names = "web, ci" };
	struct hp_check_facts f;

	(void)state;
	healthy(&f);
	strcpy(f.thp_defrag, "always defer defer+madvise [madvise] never");
	f.khugepaged_defrag = 1;
	run(&f, &n, &out);
	expect(&out, "thp", HP_CHECK_OK, "enabled=madvise for the transparent VMs (web, ci)");
	expect(&out, "thp-defrag", HP_CHECK_OK, "defrag=madvise");
	expect(&out, "khugepaged", HP_CHECK_OK, "defrag=1");
	assert_int_equal(out.nr_warnings, 0);

	strcpy(f.thp, "always madvise [never]");
	strcpy(f.thp_defrag, "[always] defer defer+madvise madvise never");
	f.khugepaged_defrag = 0;
	run(&f, &n, &out);
	expect(&out, "thp", HP_CHECK_WARNING,
	       "enabled=never: the transparent VMs (web, ci) get no huge pages at all");
	assert_non_null(strstr(find(&out, "thp")->fix, "echo madvise > "));
	expect(&out, "thp-defrag", HP_CHECK_WARNING, "stalls while the kernel compacts memory");
	expect(&out, "khugepaged", HP_CHECK_WARNING, "never collapsed");
	assert_int_equal(out.nr_warnings, 3);

	f.thp[0] = '\0';
	run(&f, &n, &out);
	expect(&out, "thp", HP_CHECK_WARNING, "run on 4 KiB pages");
}

static void test_kconfig_get(void **state)
{
	const char *t = "CONFIG_A=y\nCONFIG_AB=m\n# CONFIG_C is not set\nCONFIG_D=\"x y\"\n"
			"CONFIG_E=0x10\nCONFIG_F=n";
	char v[16];

	(void)state;
	assert_int_equal(hp_kconfig_get(t, "CONFIG_A", NULL, 0), 'y');
	assert_int_equal(hp_kconfig_get(t, "CONFIG_AB", NULL, 0), 'm');
	assert_int_equal(hp_kconfig_get(t, "CONFIG_C", NULL, 0), 'n');
	assert_int_equal(hp_kconfig_get(t, "CONFIG_D", v, sizeof(v)), 'v');
	assert_string_equal(v, "\"x y\"");
	assert_int_equal(hp_kconfig_get(t, "CONFIG_E", v, sizeof(v)), 'v');
	assert_string_equal(v, "0x10");
	assert_int_equal(hp_kconfig_get(t, "CONFIG_F", NULL, 0), 'n');
	/* a prefix of another symbol is not that symbol */
	assert_int_equal(hp_kconfig_get(t, "CONFIG_", NULL, 0), 'n');
	assert_int_equal(hp_kconfig_get("# CONFIG_AB is not set\nCONFIG_A=y", "CONFIG_A", NULL, 0),
			 'y');
	assert_int_equal(hp_kconfig_get("", "CONFIG_A", NULL, 0), 'n');
}

static void test_thp_mode(void **state)
{
	char m[16];

	(void)state;
	assert_int_equal(hp_thp_mode("always [madvise] never", m, sizeof(m)), 0);
	assert_string_equal(m, "madvise");
	assert_int_equal(hp_thp_mode("[never]\n", m, sizeof(m)), 0);
	assert_string_equal(m, "never");
	assert_int_equal(hp_thp_mode("always madvise never", m, sizeof(m)), -EINVAL);
	assert_int_equal(hp_thp_mode("always [] never", m, sizeof(m)), -EINVAL);
	assert_int_equal(hp_thp_mode("[always", m, sizeof(m)), -EINVAL);
}

static void test_install_disables(void **state)
{
	static const struct {
		const char *cmd;
		bool disables;
	} cases[] = {
		{ "/bin/false", true },
		{ "/bin/true", true },
		{ "/usr/bin/false", true },
		{ "false", true },
		{ "  /bin/true  ", true },
		{ ":", true },
		{ "/bin/true;", true },
		{ "/sbin/modprobe --ignore-install kvm_intel", false },
		{ "/bin/truex", false },
		{ "/bin/falsey", false },
		{ "/bin/echo false", false },
		{ "", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (hp_install_disables(cases[i].cmd) != cases[i].disables)
			fail_msg("\"%s\": expected %d", cases[i].cmd, cases[i].disables);
	}
}

/* which install commands load kvm_intel by an explicit modprobe (modprobe(8): -b applies it) */
static void test_install_loads(void **state)
{
	static const struct {
		const char *cmd;
		bool loads;
	} cases[] = {
		{ "/sbin/modprobe --ignore-install kvm && /sbin/modprobe kvm_intel", true },
		{ "modprobe kvm-intel", true },
		{ "/sbin/modprobe -q kvm_intel nested=1", true },
		{ "/sbin/modprobe kvm; /bin/echo kvm_intel", false },
		{ "/sbin/modprobe -b kvm_intel", false },
		{ "/sbin/modprobe --use-blacklist kvm_intel", false },
		{ "/usr/bin/notmodprobe kvm_intel", false },
		{ "/sbin/modprobe kvm_intelx", false },
		{ "/bin/true", false },
		{ "", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (hp_install_loads(cases[i].cmd, "kvm_intel") != cases[i].loads)
			fail_msg("\"%s\": expected %d", cases[i].cmd, cases[i].loads);
}

static void test_needs_from_plan(void **state)
{
	struct hp_vm vms[2] = { { .name = "db" }, { .name = "gpu", .passthrough = true } };
	struct hp_vm_plan vp[2] = { { .vm = &vms[0] }, { .vm = &vms[1] } };
	struct hp_plan p = { .vms = vp, .nr_vms = 1, .nr_pools = 3 };
	struct hp_check_needs n;

	(void)state;
	p.pools[0] = (struct hp_pool_plan){ .size = 2 * HP_MIB, .pages = 4096 };
	p.pools[1] = (struct hp_pool_plan){ .size = 32 * HP_MIB, .pages = 0 };
	p.pools[2] = (struct hp_pool_plan){ .size = HP_GIB, .pages = 16 };
	memset(&n, 0xff, sizeof(n));
	hp_check_needs_from_plan(&p, &n);
	/* a size with no pages is not needed: the kernel is not asked for it */
	assert_int_equal(n.nr_sizes, 2);
	assert_true(n.sizes[0] == 2 * HP_MIB && n.sizes[1] == HP_GIB);
	assert_false(n.passthrough);
	assert_false(n.free_vmemmap);
	assert_false(n.node_form);
	p.nr_vms = 2;
	p.free_vmemmap = true;
	p.node_form = true;
	hp_check_needs_from_plan(&p, &n);
	assert_true(n.passthrough);
	assert_true(n.free_vmemmap);
	assert_true(n.node_form);
	assert_int_equal(n.nr_pve_nokeep, 0);
}

/*
 * a Proxmox VM on huge pages without keephugepages: 1 beside a static pool is an error, with
 * the qm command, whatever its backing (qemu-server allocates a dynamic one's pages itself and
 * resets the pool after its start); without a static pool a dynamic one is fine
 */
static void test_proxmox_keephugepages(void **state)
{
	struct hp_vm vms[5] = {
		{ .name = "db",
		  .source = HP_SRC_PROXMOX,
		  .source_id = "101",
		  .loc = { "/etc/pve/local/qemu-server/101.conf", 0 } },
		{ .name = "kept",
		  .source = HP_SRC_PROXMOX,
		  .source_id = "102",
		  .keephugepages = true },
		{ .name = "lv", .source = HP_SRC_LIBVIRT },
		{ .name = "desk",
		  .source = HP_SRC_PROXMOX,
		  .source_id = "103",
		  .loc = { "/etc/pve/local/qemu-server/103.conf", 0 } },
		{ .name = "off", .source = HP_SRC_PROXMOX, .source_id = "104", .not_huge = true },
	};
	struct hp_vm_plan vp[5] = {
		{ .vm = &vms[0] },
		{ .vm = &vms[1] },
		{ .vm = &vms[2] },
		{ .vm = &vms[3], .backing = HP_BACKING_DYNAMIC },
		{ .vm = &vms[4], .backing = HP_BACKING_TRANSPARENT },
	};
	struct hp_plan p = { .vms = vp, .nr_vms = 5, .nr_pools = 1 };
	struct hp_check_needs n;
	struct hp_check_facts f;

	(void)state;
	p.pools[0] = (struct hp_pool_plan){ .size = 2 * HP_MIB, .pages = 512, .nr_vms = 1 };
	assert_true(hp_plan_has_static(&p));
	assert_true(hp_plan_pve_nokeep(&p, &vp[0]));
	assert_false(hp_plan_pve_nokeep(&p, &vp[1])); /* keephugepages: 1 */
	assert_false(hp_plan_pve_nokeep(&p, &vp[2])); /* libvirt */
	assert_true(hp_plan_pve_nokeep(&p, &vp[3]));  /* dynamic, beside a static pool */
	assert_false(hp_plan_pve_nokeep(&p, &vp[4])); /* asks qemu-server for no huge pages */
	hp_check_needs_from_plan(&p, &n);
	assert_int_equal(n.nr_pve_nokeep, 2);
	assert_string_equal(n.pve_nokeep[0].vmid, "101");
	assert_string_equal(n.pve_nokeep[1].vmid, "103");
	healthy(&f);
	run(&f, &n, &out);
	expect(&out, "proxmox-keephugepages", HP_CHECK_ERROR,
	       "Proxmox VM 101 (db, /etc/pve/local/qemu-server/101.conf)");
	{
		size_t k = (size_t)(find(&out, "proxmox-keephugepages") - out.items) + 1;

		assert_true(k < out.nr);
		assert_string_equal(out.items[k].id, "proxmox-keephugepages");
		assert_non_null(
			strstr(out.items[k].message,
			       "Proxmox VM 103 (desk, /etc/pve/local/qemu-server/103.conf)"));
		assert_string_equal(out.items[k].fix, "qm set 103 --keephugepages 1");
	}
	assert_string_equal(find(&out, "proxmox-keephugepages")->fix,
			    "qm set 101 --keephugepages 1");
	assert_int_equal(out.nr_errors, 2);
	/* more than are named one by one: the rest counted, in one more error */
	n.nr_pve_nokeep = HP_CHECK_PVE_MAX + 3;
	run(&f, &n, &out);
	assert_int_equal(out.nr_errors, HP_CHECK_PVE_MAX + 1);
	assert_non_null(strstr(out.items[out.nr - 1].message, "3 more Proxmox VMs"));

	/* no static pool (the dynamic and the kept one alone): nothing to free, no error */
	p.vms = &vp[1];
	p.nr_vms = 3;
	p.nr_pools = 0;
	p.pools[0].pages = 0;
	assert_false(hp_plan_has_static(&p));
	assert_false(hp_plan_pve_nokeep(&p, &vp[3]));
	hp_check_needs_from_plan(&p, &n);
	assert_int_equal(n.nr_pve_nokeep, 0);
	run(&f, &n, &out);
	expect_none(&out, "proxmox-keephugepages");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_kernel_version),
		cmocka_unit_test(test_kconfig),
		cmocka_unit_test(test_cpu_and_sizes),
		cmocka_unit_test(test_hugetlb_cma),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_module_tree),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_host_and_thp),
		cmocka_unit_test(test_thp_for_vms),
		cmocka_unit_test(test_kconfig_get),
		cmocka_unit_test(test_thp_mode),
		cmocka_unit_test(test_needs_from_plan),
		cmocka_unit_test(test_install_disables),
		cmocka_unit_test(test_install_loads),
		cmocka_unit_test(test_proxmox_keephugepages),
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
