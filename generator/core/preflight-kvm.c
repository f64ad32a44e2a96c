// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The preflight's KVM part (core/preflight.h): the kvm module and the vendor's, VFIO's for
 * passthrough VMs, and the IOMMU switches of the command line. And the command line helpers
 * both parts use.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/kcmdline.h"
#include "core/preflight-internal.h"

/* Calls fn for every value of param (the words after "--" belong to init). */
void pf_cmdline_each(const char *cmdline, const char *param,
		     void (*fn)(const char *val, void *data), void *data)
{
	char p[64], v[1024];
	const char *s = cmdline;
	bool has;

	while ((s = hp_kcmdline_next(s, p, sizeof(p), v, sizeof(v), &has))) {
		if (!strcmp(p, "--") && !has)
			break;
		if (hp_param_eq(p, param))
			fn(has ? v : "", data);
	}
}

struct list_find {
	const char *name;
	bool found;
};

/* a comma-separated list of module names ('-' and '_' equal, as the kernel and kmod read) */
static void list_find_cb(const char *val, void *data)
{
	struct list_find *lf = data;
	char buf[1024], *save = NULL, *t;

	snprintf(buf, sizeof(buf), "%s", val);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (hp_param_eq(t, lf->name))
			lf->found = true;
}

bool pf_cmdline_lists(const char *cmdline, const char *param, const char *name)
{
	struct list_find lf = { .name = name };

	pf_cmdline_each(cmdline, param, list_find_cb, &lf);
	return lf.found;
}

struct last_val {
	char val[1024];
	bool seen;
};

static void last_val_cb(const char *val, void *data)
{
	struct last_val *lv = data;

	snprintf(lv->val, sizeof(lv->val), "%s", val);
	lv->seen = true;
}

/* The value of the last param= (what a kernel setup function that overwrites ends with). */
bool pf_cmdline_last(const char *cmdline, const char *param, char *val, size_t vlen)
{
	struct last_val lv = { .seen = false };
	size_t n;

	pf_cmdline_each(cmdline, param, last_val_cb, &lv);
	if (!lv.seen || !vlen)
		return lv.seen;
	n = strnlen(lv.val, vlen - 1);
	memcpy(val, lv.val, n);
	val[n] = '\0';
	return true;
}

/* Whether word appears in a comma-separated option value ("on,sm_on"). */
bool pf_opt_has(const char *opts, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = opts; *p;) {
		size_t n = strcspn(p, ",");

		if (n == wl && !strncmp(p, word, wl))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/*
 * A blacklist keeps udev from loading a module for its hardware, and systemd-modules-load
 * applies it too (KMOD_PROBE_APPLY_BLACKLIST: "Module 'kvm_intel' is deny-listed (by kmod)"),
 * even for a module its own modules-load.d lists. Only an explicit modprobe ignores it:
 * Debian's /etc/init.d/kmod for modules-load.d without systemd, or another module's install
 * command. KVM's vendor module blacklisted with nothing that loads it: no /dev/kvm after boot.
 */
static void blacklisted(struct ctx *c, enum hp_check_mod m)
{
	const struct hp_check_facts *f = c->f;
	const struct hp_modinfo *mi = &f->mods[m];
	const char *name = hp_check_mod_name(m);
	bool kvm = m == HP_CM_KVM_INTEL || m == HP_CM_KVM_AMD;
	char where[96], not_loaded[400];
	struct hp_finding *x;

	if (pf_cmdline_lists(f->cmdline, "modprobe.blacklist", name))
		snprintf(where, sizeof(where), "modprobe.blacklist= on the command line");
	else
		snprintf(where, sizeof(where), "a blacklist line in modprobe.d");
	if (f->modload[m][0] && !f->modload_tool[0]) {
		pf_add(c, name, HP_CHECK_OK,
		       "%s is loadable (%s); %s keeps udev from loading it, but %s lists it and is read without systemd, by an explicit modprobe",
		       name, mi->path, where, f->modload[m]);
		return;
	}
	if (mi->loaded_by[0]) {
		x = pf_add(
			c, name, HP_CHECK_WARNING,
			"%s is loadable (%s) but %s keeps udev from loading it: it is loaded only when %s is (the install command of %s runs modprobe %s)",
			name, mi->path, where, mi->loaded_by, mi->loaded_by, name);
		pf_fix(x, "remove %s from the blacklist", name);
		return;
	}
	if (f->modload[m][0])
		snprintf(
			not_loaded, sizeof(not_loaded),
			"%s lists it, but %s skips blacklisted modules (\"deny-listed (by kmod)\")",
			f->modload[m], f->modload_tool);
	else
		snprintf(not_loaded, sizeof(not_loaded),
			 "nothing loads it (no modules-load.d entry, no install command)");
	x = pf_add(c, name, kvm ? HP_CHECK_ERROR : HP_CHECK_WARNING,
		   "%s is loadable (%s) but %s keeps udev from loading it and %s%s", name, mi->path,
		   where, not_loaded, kvm ? ": no KVM after boot" : "");
	if (strstr(where, "command line"))
		pf_fix(x, "remove %s from modprobe.blacklist= on the kernel command line", name);
	else
		pf_fix(x, "remove \"blacklist %s\" from modprobe.d", name);
}

static void check_module(struct ctx *c, enum hp_check_mod m, const char *why)
{
	const struct hp_modinfo *mi = &c->f->mods[m];
	const char *name = hp_check_mod_name(m), *kver = c->f->kver;
	struct hp_finding *x;

	switch (mi->state) {
	case HP_MOD_MISSING:
		x = pf_add(c, name, HP_CHECK_ERROR,
			   "%s (%s) is neither built into %s nor in its modules.dep", name, why,
			   kver);
		pf_fix(x, "install the modules of %s, or boot a kernel that has %s", kver, name);
		return;
	case HP_MOD_BUILTIN:
		/* modprobe never loads built-in code, so its blacklist and install lines are moot
		 */
		pf_add(c, name, HP_CHECK_OK, "%s is built into %s%s", name, kver,
		       mi->blacklisted || mi->install[0]
			       ? " (modprobe configuration for it has no effect)"
			       : "");
		return;
	case HP_MOD_LOADABLE:
		break;
	}
	if (pf_cmdline_lists(c->f->cmdline, "module_blacklist", name)) {
		x = pf_add(
			c, name, HP_CHECK_ERROR,
			"%s is loadable (%s) but module_blacklist= on the command line makes the kernel refuse it",
			name, mi->path);
		pf_fix(x, "remove %s from module_blacklist= on the kernel command line", name);
	} else if (mi->install[0] && hp_install_disables(mi->install)) {
		x = pf_add(
			c, name, HP_CHECK_ERROR,
			"%s is loadable (%s) but modprobe is told to run \"%s\" instead of loading it",
			name, mi->path, mi->install);
		pf_fix(x, "remove \"install %s %s\" from modprobe.d", name, mi->install);
	} else if (mi->blacklisted) {
		blacklisted(c, m);
	} else {
		pf_add(c, name, HP_CHECK_OK, "%s is loadable: %s%s%s%s", name, mi->path,
		       mi->install[0] ? " (modprobe runs \"" : "", mi->install,
		       mi->install[0] ? "\")" : "");
	}
}

enum vendor { V_NONE, V_INTEL, V_AMD, V_OTHER };

static enum vendor cpu_vendor(const struct hp_check_facts *f)
{
	if (!f->x86)
		return V_NONE;
	/* VMX: Intel, Centaur and Zhaoxin ("  Shanghai  "); SVM: AMD and Hygon */
	if (!strcmp(f->cpu_vendor, "GenuineIntel") || !strcmp(f->cpu_vendor, "CentaurHauls") ||
	    !strcmp(f->cpu_vendor, "Shanghai"))
		return V_INTEL;
	if (!strcmp(f->cpu_vendor, "AuthenticAMD") || !strcmp(f->cpu_vendor, "HygonGenuine"))
		return V_AMD;
	return V_OTHER;
}

void pf_check_modules(struct ctx *c)
{
	const struct hp_check_facts *f = c->f;
	struct hp_finding *x;

	if (f->modules_err == -ENOENT) {
		if (f->installed[0])
			x = pf_add(c, "modules", HP_CHECK_ERROR,
				   "no %s: kernel %s is not installed (installed: %s)", c->modules,
				   f->kver, f->installed);
		else
			x = pf_add(c, "modules", HP_CHECK_ERROR,
				   "no %s: kernel %s is not installed", c->modules, f->kver);
		pf_fix(x, "install kernel %s, or name an installed one with --kver", f->kver);
		return;
	}
	if (f->modules_err == -ENODATA) {
		x = pf_add(c, "modules", HP_CHECK_ERROR,
			   "%s has no modules.dep.bin: modprobe cannot load anything", c->modules);
		pf_fix(x, "run: depmod %s", f->kver);
		return;
	}
	if (f->modules_errmsg[0]) {
		x = pf_add(c, "modules", HP_CHECK_ERROR,
			   "%s: the module configuration cannot be read safely", f->modules_errmsg);
		pf_fix(x, "remove it, or make it a regular file");
		return;
	}
	if (f->modules_err) {
		x = pf_add(c, "modules", HP_CHECK_ERROR, "%s: %s", c->modules,
			   strerror(-f->modules_err));
		pf_fix(x, "make the module tree readable");
		return;
	}
	if (f->modload_err[0]) {
		x = pf_add(c, "modules", HP_CHECK_ERROR, "%s: modules-load.d cannot be read",
			   f->modload_err);
		pf_fix(x, "make it a readable regular file");
		return;
	}

	check_module(c, HP_CM_KVM, "KVM");
	switch (cpu_vendor(f)) {
	case V_INTEL:
		check_module(c, HP_CM_KVM_INTEL, f->cpu_vendor);
		break;
	case V_AMD:
		check_module(c, HP_CM_KVM_AMD, f->cpu_vendor);
		break;
	case V_OTHER:
		x = pf_add(
			c, "kvm-vendor", HP_CHECK_WARNING,
			"unknown x86 CPU vendor \"%s\": cannot tell whether kvm_intel or kvm_amd runs the VMs",
			f->cpu_vendor);
		pf_fix(x, "check by hand that kvm_intel or kvm_amd loads for %s", f->kver);
		break;
	case V_NONE:
		break; /* other architectures have KVM in the kvm module itself */
	}
	if (!c->n->passthrough)
		return;
	check_module(c, HP_CM_VFIO, "device passthrough");
	check_module(c, HP_CM_VFIO_PCI, "device passthrough");
	check_module(c, HP_CM_VFIO_IOMMU_TYPE1, "device passthrough");
}

struct iommu_state {
	bool intel_on, intel_off, amd_off, off, pt;
};

static void intel_cb(const char *val, void *data)
{
	struct iommu_state *s = data;

	/* intel_iommu_setup(): options apply in order, the last on/off wins */
	for (const char *p = val; *p;) {
		size_t k = strcspn(p, ",");

		if (k == 2 && !strncmp(p, "on", 2)) {
			s->intel_on = true;
			s->intel_off = false;
		} else if (k == 3 && !strncmp(p, "off", 3)) {
			s->intel_off = true;
			s->intel_on = false;
		}
		p += k;
		if (*p)
			p++;
	}
}

void pf_check_iommu(struct ctx *c)
{
	const struct hp_check_facts *f = c->f;
	struct iommu_state s = { .intel_on = false };
	char val[256], note[160] = "";
	struct hp_finding *x;
	enum vendor v;

	if (!c->n->passthrough)
		return;
	v = cpu_vendor(f);
	if (v == V_NONE) {
		pf_add(c, "iommu", HP_CHECK_OK,
		       "not x86: the IOMMU needs no command-line switch on this architecture");
		return;
	}
	pf_cmdline_each(f->cmdline, "intel_iommu", intel_cb, &s);
	if (pf_cmdline_last(f->cmdline, "amd_iommu", val, sizeof(val)))
		s.amd_off = pf_opt_has(val, "off");
	/* x86 iommu_setup(): "off" turns every IOMMU off, "pt" keeps host DMA untranslated */
	if (pf_cmdline_last(f->cmdline, "iommu", val, sizeof(val))) {
		s.off = pf_opt_has(val, "off");
		s.pt = pf_opt_has(val, "pt");
	}
	if (f->iommu_groups > 0)
		snprintf(note, sizeof(note), "; the running kernel has %ld IOMMU groups",
			 f->iommu_groups);
	else if (f->iommu_groups == 0)
		snprintf(
			note, sizeof(note),
			"; the running kernel has no IOMMU groups (VT-d / AMD-Vi off in the firmware?)");
	if (s.pt)
		snprintf(note + strlen(note), sizeof(note) - strlen(note), "; iommu=pt");

	if (s.off) {
		x = pf_add(c, "iommu", HP_CHECK_ERROR,
			   "iommu=off on the command line: VFIO passthrough cannot work%s", note);
		pf_fix(x, "remove iommu=off from the kernel command line");
		return;
	}
	if (v == V_AMD) {
		if (s.amd_off) {
			x = pf_add(
				c, "iommu", HP_CHECK_ERROR,
				"amd_iommu=off on the command line: VFIO passthrough cannot work%s",
				note);
			pf_fix(x, "remove amd_iommu=off from the kernel command line");
		} else if (f->kconfig &&
			   hp_kconfig_get(f->kconfig, "CONFIG_AMD_IOMMU", NULL, 0) != 'y') {
			x = pf_add(
				c, "iommu", HP_CHECK_ERROR,
				"%s is built without CONFIG_AMD_IOMMU: VFIO passthrough cannot work",
				f->kver);
			pf_fix(x, "boot a kernel built with CONFIG_AMD_IOMMU=y");
		} else {
			/* there is no amd_iommu=on: the driver is on whenever the firmware has one
			 */
			pf_add(c, "iommu", HP_CHECK_OK,
			       "the AMD IOMMU is on by default (no amd_iommu=off)%s", note);
		}
		return;
	}
	if (v != V_INTEL) {
		x = pf_add(
			c, "iommu", HP_CHECK_WARNING,
			"unknown x86 CPU vendor \"%s\": cannot tell which IOMMU switch applies%s",
			f->cpu_vendor, note);
		pf_fix(x, "check that /sys/kernel/iommu_groups is populated after boot");
		return;
	}
	if (s.intel_off) {
		x = pf_add(c, "iommu", HP_CHECK_ERROR,
			   "intel_iommu=off on the command line: VFIO passthrough cannot work%s",
			   note);
		pf_fix(x, "replace intel_iommu=off with intel_iommu=on on the kernel command line");
	} else if (f->kconfig && hp_kconfig_get(f->kconfig, "CONFIG_INTEL_IOMMU", NULL, 0) != 'y') {
		x = pf_add(c, "iommu", HP_CHECK_ERROR,
			   "%s is built without CONFIG_INTEL_IOMMU: VFIO passthrough cannot work",
			   f->kver);
		pf_fix(x, "boot a kernel built with CONFIG_INTEL_IOMMU=y");
	} else if (s.intel_on) {
		pf_add(c, "iommu", HP_CHECK_OK, "intel_iommu=on is on the command line%s", note);
	} else if (f->kconfig &&
		   hp_kconfig_get(f->kconfig, "CONFIG_INTEL_IOMMU_DEFAULT_ON", NULL, 0) == 'y') {
		pf_add(c, "iommu", HP_CHECK_OK,
		       "%s turns the Intel IOMMU on by default (CONFIG_INTEL_IOMMU_DEFAULT_ON=y)%s",
		       f->kver, note);
	} else if (!f->kconfig) {
		x = pf_add(
			c, "iommu", HP_CHECK_WARNING,
			"no intel_iommu=on on the command line, and without %s it is unknown whether %s turns the IOMMU on by default%s",
			c->kconfig, f->kver, note);
		pf_fix(x, "add intel_iommu=on to the kernel command line");
	} else {
		x = pf_add(
			c, "iommu", HP_CHECK_ERROR,
			"the plan has passthrough VMs but the Intel IOMMU is off: no intel_iommu=on on the command line and %s does not turn it on by default%s",
			f->kver, note);
		pf_fix(x,
		       "add intel_iommu=on (and for host performance iommu=pt) to the kernel command line");
	}
}
