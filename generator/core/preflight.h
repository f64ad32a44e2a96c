/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The preflight: findings about the kernel that will boot next, before anything is written.
 * Can it hold the planned pools, and can it run the VMs? The edges (generator/preflight)
 * gather the facts: the host's CPU, sizes and command line, the target kernel's config file
 * and what libkmod says about its modules. This module only judges them against what the
 * plan needs and returns a list of findings, each ok / warning / error with a message and,
 * when not ok, the fix. Pure: no I/O. "hugeplan check" prints them; plan and apply run them.
 *
 * Not to be confused with the boot verdict (core/verdict.h, sys/boot-verdict.h): what the
 * booted kernel reserved against what its command line asked, at boot and in status.
 */
#ifndef HP_PREFLIGHT_H
#define HP_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kcmdline.h"
#include "core/plan.h"

#define HP_CHECK_MAX_FINDINGS 40
#define HP_CHECK_ID_LEN	      48
#define HP_CHECK_TEXT_LEN     400
#define HP_CHECK_PVE_MAX      8 /* Proxmox VMs named one by one; the rest are counted */

enum hp_check_level {
	HP_CHECK_OK = 0,
	HP_CHECK_WARNING,
	HP_CHECK_ERROR,
};

struct hp_finding {
	char id[HP_CHECK_ID_LEN]; /* stable name: "kvm", "CONFIG_HUGETLBFS", "pdpe1gb", ... */
	enum hp_check_level level;
	char message[HP_CHECK_TEXT_LEN];
	char fix[HP_CHECK_TEXT_LEN]; /* "" when there is nothing to do */
};

struct hp_findings {
	struct hp_finding items[HP_CHECK_MAX_FINDINGS];
	size_t nr;
	size_t nr_warnings, nr_errors;
};

/* What the plan asks of the kernel. All false / empty: check the host for VMs in general. */
struct hp_check_needs {
	uint64_t sizes[HP_MAX_SIZES]; /* page sizes the plan reserves */
	size_t nr_sizes;
	bool free_vmemmap; /* FreeVmemmap=yes: the plan counts on hugetlb_free_vmemmap=on */
	bool passthrough;  /* some VM says Passthrough=yes: VFIO and an IOMMU are needed */
	bool node_form;	   /* the plan renders hugepages=0:A,1:B (Linux 5.16+) */
	/* Proxmox VMs on huge pages without keephugepages: 1 (qemu-server frees the pool) */
	struct hp_check_pve {
		char name[HP_NAME_MAX + 1];
		char vmid[40];
		char file[160];
	} pve_nokeep[HP_CHECK_PVE_MAX];
	size_t nr_pve_nokeep; /* all of them, also those beyond HP_CHECK_PVE_MAX */
	size_t transparent;   /* VMs with Backing=transparent: THP must serve them */
	char transparent_names[128];
};

enum hp_mod_state {
	HP_MOD_MISSING = 0, /* neither built in nor in modules.dep */
	HP_MOD_BUILTIN,
	HP_MOD_LOADABLE,
};

/* One kernel module of the target kernel, as libkmod sees it. */
struct hp_modinfo {
	char name[64];
	enum hp_mod_state state;
	char path[512];	    /* the .ko, when loadable */
	bool blacklisted;   /* a modprobe "blacklist NAME" (or modprobe.blacklist=) applies */
	char install[256];  /* modprobe "install NAME ..." command, "" when none */
	char loaded_by[64]; /* another module whose install command modprobes this one, or "" */
};

/* The modules the checks can ask about, indexes into hp_check_facts.mods. */
enum hp_check_mod {
	HP_CM_KVM = 0,
	HP_CM_KVM_INTEL,
	HP_CM_KVM_AMD,
	HP_CM_VFIO,
	HP_CM_VFIO_PCI,
	HP_CM_VFIO_IOMMU_TYPE1,
	HP_CM_NR,
};

/* hp_check_mod_name - "kvm", "kvm_intel", ... for an hp_check_mod. */
const char *hp_check_mod_name(enum hp_check_mod m);

/* Everything the edges read. Strings are "" and errors 0 unless stated. */
struct hp_check_facts {
	char kver[128];		/* target kernel release */
	unsigned kver_num;	/* HP_KVER() of kver, 0 when it does not parse */
	char running_kver[128]; /* /proc/sys/kernel/osrelease, "" unknown */
	char kver_why[64];	/* how kver was chosen when not named: "the default boot entry" */
	char installed[512];	/* the installed kernels, "A, B" ("none"); "" not known */
	int host_err;		/* -errno when the host facts could not be read */
	char host_errmsg[300];

	/* host, from the running system */
	bool x86;     /* /proc/cpuinfo has x86 "flags" lines */
	bool pdpe1gb; /* x86 only */
	char cpu_vendor[32];
	uint64_t sizes[HP_MAX_SIZES]; /* registered huge page sizes, ascending */
	size_t nr_sizes;
	char cmdline[4096];    /* /proc/cmdline */
	char thp[128];	       /* /sys/kernel/mm/transparent_hugepage/enabled, "" when absent */
	char thp_defrag[128];  /* .../transparent_hugepage/defrag, "" when absent */
	int khugepaged_defrag; /* .../khugepaged/defrag: 0, 1, -1 when absent */
	long iommu_groups;     /* entries of /sys/kernel/iommu_groups, -1 when absent */

	/* target kernel */
	char *kconfig;		  /* text of /boot/config-<kver>, NULL when kconfig_err */
	int kconfig_err;	  /* -ENOENT when there is no config file */
	int modules_err;	  /* -ENOENT no /lib/modules/<kver>, -ENODATA no modules.dep.bin */
	char modules_errmsg[300]; /* "PATH: error": what the module configuration scan refused */
	struct hp_modinfo mods[HP_CM_NR];

	/* what loads modules at boot besides udev */
	char modload[HP_CM_NR][256]; /* the modules-load.d file listing it (as on the system) */
	char modload_tool[64];	     /* systemd-modules-load when the system has it, else "" */
	char modload_err[300];	     /* "PATH: error" of a modules-load.d file not read */
};

/*
 * hp_check_evaluate - judge facts against needs. Findings are appended in a fixed order
 * (kernel, kernel config, CPU and host, modules, IOMMU, transparent huge pages, the VM
 * managers) with their counts. Returns 0, or -ENOSPC if out filled up (what fitted is kept).
 *
 * The VM managers: a Proxmox VM on huge pages without keephugepages: 1 is an error
 * ("proxmox-keephugepages", one finding per VM): after each start of such a VM qemu-server
 * sets the global nr_hugepages to what its own parser reads from /proc/cmdline, which knows
 * only plain "hugepagesz=2M|1G hugepages=N" pairs, so hugeplan's node form (and a count after
 * default_hugepagesz=) reads as 0 and the boot's pool is freed (PVE/QemuServer/Memory.pm).
 */
int hp_check_evaluate(const struct hp_check_facts *f, const struct hp_check_needs *n,
		      struct hp_findings *out);

/*
 * hp_check_needs_from_plan - what a computed plan needs: its pool sizes, FreeVmemmap, the
 * node form, whether any of its VMs says Passthrough=yes, and its Proxmox VMs without
 * keephugepages: 1 that would free its static pool (hp_plan_pve_nokeep(): any backing, and
 * none at all without a static pool).
 */
void hp_check_needs_from_plan(const struct hp_plan *p, struct hp_check_needs *n);

/*
 * hp_findings_add - append a finding (counted), its message from fmt; the finding, or NULL
 * when out is full (nothing is added). hp_finding_fix() sets its fix (f may be NULL).
 */
struct hp_finding *hp_findings_add(struct hp_findings *out, const char *id,
				   enum hp_check_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void hp_finding_fix(struct hp_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* hp_check_level_name - "ok", "warning", "error". */
const char *hp_check_level_name(enum hp_check_level l);

/*
 * hp_kconfig_get - the value of sym in a kernel .config text: 'y', 'm', 'n' for "# SYM is not
 * set" or an absent symbol, or 'v' for any other value (copied to val when given).
 */
char hp_kconfig_get(const char *text, const char *sym, char *val, size_t vlen);

/*
 * hp_thp_mode - the selected word of a transparent_hugepage/enabled text
 * ("always [madvise] never" -> "madvise"), copied to buf; -EINVAL when none is selected.
 */
int hp_thp_mode(const char *text, char *buf, size_t len);

/*
 * hp_install_disables - whether a modprobe install command stands in for loading the module
 * without loading anything: its program is true, false or ':' (/bin/true, /usr/bin/false ...).
 */
bool hp_install_disables(const char *cmd);

/*
 * hp_install_loads - whether a modprobe install command loads module name by an explicit
 * modprobe (which, unlike udev and systemd-modules-load, ignores the blacklist): a word
 * ending in "modprobe" later followed by the word name ('-' and '_' alike), with no -b or
 * --use-blacklist between them.
 */
bool hp_install_loads(const char *cmd, const char *name);

#endif
