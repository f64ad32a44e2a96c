// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/preflight.h"
#include "core/kcmdline.h"
#include "core/macro.h"
#include "core/pathnames.h"
#include "core/size.h"

/* PAGE_SIZE << MAX_ORDER with 4K pages and MAX_ORDER 11: larger pools are "gigantic" */
#define GIGANTIC_MIN (8 * HP_MIB)

static const char *const mod_names[HP_CM_NR] = {
	[HP_CM_KVM] = "kvm",	       [HP_CM_KVM_INTEL] = "kvm_intel",
	[HP_CM_KVM_AMD] = "kvm_amd",   [HP_CM_VFIO] = "vfio",
	[HP_CM_VFIO_PCI] = "vfio_pci", [HP_CM_VFIO_IOMMU_TYPE1] = "vfio_iommu_type1",
};

const char *hp_check_mod_name(enum hp_check_mod m)
{
	return (unsigned)m < HP_CM_NR ? mod_names[m] : NULL;
}

const char *hp_check_level_name(enum hp_check_level l)
{
	switch (l) {
	case HP_CHECK_OK:
		return "ok";
	case HP_CHECK_WARNING:
		return "warning";
	case HP_CHECK_ERROR:
		return "error";
	}
	return "?";
}

struct ctx {
	const struct hp_check_facts *f;
	const struct hp_check_needs *n;
	struct hp_findings *out;
	bool full;
	char kconfig[160]; /* HP_P_KCONFIG of the target kernel, for messages */
	char modules[160]; /* HP_P_MODULES of the target kernel */
};

static struct hp_finding *add(struct ctx *c, const char *id, enum hp_check_level level,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct hp_finding *add(struct ctx *c, const char *id, enum hp_check_level level,
			      const char *fmt, ...)
{
	struct hp_finding *f;
	va_list ap;

	if (c->out->nr >= HP_CHECK_MAX_FINDINGS) {
		c->full = true;
		return NULL;
	}
	f = &c->out->items[c->out->nr++];
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->level = level;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	if (level == HP_CHECK_WARNING)
		c->out->nr_warnings++;
	else if (level == HP_CHECK_ERROR)
		c->out->nr_errors++;
	return f;
}

static void fix(struct hp_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fix(struct hp_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
}

char hp_kconfig_get(const char *text, const char *sym, char *val, size_t vlen)
{
	size_t sl = strlen(sym);
	const char *line;

	if (val && vlen)
		val[0] = '\0';
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *v;
		size_t n;

		if (!strncmp(line, "# ", 2) && !strncmp(line + 2, sym, sl) &&
		    !strncmp(line + 2 + sl, " is not set", 11))
			return 'n';
		if (strncmp(line, sym, sl) || line[sl] != '=')
			continue;
		v = line + sl + 1;
		n = strcspn(v, "\n");
		if (n == 1 && (*v == 'y' || *v == 'm'))
			return *v;
		if (n == 1 && *v == 'n')
			return 'n';
		if (val && vlen)
			snprintf(val, vlen, "%.*s", (int)n, v);
		return 'v';
	}
	return 'n';
}

int hp_thp_mode(const char *text, char *buf, size_t len)
{
	const char *o = strchr(text, '['), *e;

	if (!o)
		return -EINVAL;
	e = strchr(o, ']');
	if (!e || e == o + 1)
		return -EINVAL;
	snprintf(buf, len, "%.*s", (int)(e - o - 1), o + 1);
	return 0;
}

bool hp_install_disables(const char *cmd)
{
	const char *p = cmd, *prog, *base;
	size_t n;

	while (isspace((unsigned char)*p))
		p++;
	prog = p;
	n = strcspn(p, " \t;");
	if (n == 0)
		return false;
	for (base = prog + n; base > prog && base[-1] != '/'; base--)
		;
	n -= (size_t)(base - prog);
	return (n == 4 && !strncmp(base, "true", 4)) || (n == 5 && !strncmp(base, "false", 5)) ||
	       (n == 1 && *base == ':');
}

/* Calls fn for every value of param (the words after "--" belong to init). */
static void cmdline_each(const char *cmdline, const char *param,
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

static bool cmdline_lists(const char *cmdline, const char *param, const char *name)
{
	struct list_find lf = { .name = name };

	cmdline_each(cmdline, param, list_find_cb, &lf);
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
static bool cmdline_last(const char *cmdline, const char *param, char *val, size_t vlen)
{
	struct last_val lv = { .seen = false };
	size_t n;

	cmdline_each(cmdline, param, last_val_cb, &lv);
	if (!lv.seen || !vlen)
		return lv.seen;
	n = strnlen(lv.val, vlen - 1);
	memcpy(val, lv.val, n);
	val[n] = '\0';
	return true;
}

/* Whether word appears in a comma-separated option value ("on,sm_on"). */
static bool opt_has(const char *opts, const char *word)
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

static bool needs_size(const struct hp_check_needs *n, uint64_t size)
{
	for (size_t i = 0; i < n->nr_sizes; i++)
		if (n->sizes[i] == size)
			return true;
	return false;
}

static bool host_has_size(const struct hp_check_facts *f, uint64_t size)
{
	for (size_t i = 0; i < f->nr_sizes; i++)
		if (f->sizes[i] == size)
			return true;
	return false;
}

static void size_list(const uint64_t *sizes, size_t nr, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nr && off < len; i++) {
		char tok[32];
		int k;

		hp_size_token(sizes[i], tok, sizeof(tok));
		k = snprintf(buf + off, len - off, "%s%s", i ? " " : "", tok);
		if (k < 0)
			break;
		off += (size_t)k;
	}
}

static void check_kernel(struct ctx *c, unsigned kver)
{
	const struct hp_check_facts *f = c->f;
	struct hp_finding *x;

	if (!f->kver[0]) {
		x = add(c, "kernel", HP_CHECK_ERROR,
			"no target kernel: the running kernel's release could not be read");
		fix(x, "name the kernel that will boot with --kver VERSION");
		return;
	}
	if (!kver) {
		x = add(c, "kernel", HP_CHECK_WARNING,
			"target kernel %s: the release does not start with a version number",
			f->kver);
		fix(x, "pass --kver with the release as 'uname -r' prints it");
	} else if (!strcmp(f->kver, f->running_kver)) {
		add(c, "kernel", HP_CHECK_OK, "target kernel %s (the running kernel)", f->kver);
	} else {
		add(c, "kernel", HP_CHECK_OK, "target kernel %s (running: %s)", f->kver,
		    f->running_kver[0] ? f->running_kver : "unknown");
	}

	if (!c->n->node_form)
		return;
	if (!kver) {
		x = add(c, "node-form", HP_CHECK_WARNING,
			"the plan gives per-node counts (hugepages=0:A,1:B), which need Linux 5.16, and the version of %s is unknown",
			f->kver);
		fix(x, "pass --kver with the release of the kernel that will boot");
	} else if (kver < HP_KVER(5, 16, 0)) {
		x = add(c, "node-form", HP_CHECK_ERROR,
			"the plan gives per-node counts (hugepages=0:A,1:B), which Linux %u.%u does not parse: it needs 5.16 or later",
			kver >> 16, (kver >> 8) & 0xff);
		fix(x,
		    "plan for this kernel with --kver %s (balanced counts), or boot Linux 5.16 or later",
		    f->kver);
	} else {
		add(c, "node-form", HP_CHECK_OK,
		    "per-node counts (hugepages=0:A,1:B) need 5.16: %s has them", f->kver);
	}
}

static void check_kconfig(struct ctx *c)
{
	static const struct {
		const char *sym;
		const char *why;
	} always[] = {
		{ "CONFIG_HUGETLBFS", "hugetlbfs (it cannot be a module)" },
		{ "CONFIG_HUGETLB_PAGE", "huge page pools" },
	};
	const struct hp_check_facts *f = c->f;
	struct hp_finding *x;

	if (f->kconfig_err == -ENOENT || (!f->kconfig && !f->kconfig_err)) {
		x = add(c, "kconfig", HP_CHECK_WARNING,
			"no %s: the kernel's hugetlb options are not checked", c->kconfig);
		fix(x, "install the kernel's config file next to it (Debian and Fedora ship one)");
		return;
	}
	if (f->kconfig_err) {
		x = add(c, "kconfig", HP_CHECK_WARNING, "%s: %s: not checked", c->kconfig,
			strerror(-f->kconfig_err));
		fix(x, "make the file readable");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(always); i++) {
		char v = hp_kconfig_get(f->kconfig, always[i].sym, NULL, 0);

		if (v == 'y') {
			add(c, always[i].sym, HP_CHECK_OK, "%s=y in %s", always[i].sym, c->kconfig);
			continue;
		}
		x = add(c, always[i].sym, HP_CHECK_ERROR,
			"%s is not set in %s: no %s, so no pool can be reserved", always[i].sym,
			c->kconfig, always[i].why);
		fix(x, "boot a kernel built with %s=y", always[i].sym);
	}
	if (!c->n->free_vmemmap)
		return;
	if (hp_kconfig_get(f->kconfig, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", NULL, 0) == 'y') {
		add(c, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", HP_CHECK_OK,
		    "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y: hugetlb_free_vmemmap=on takes effect");
		return;
	}
	/* without it the kernel ignores hugetlb_free_vmemmap=; savings per the kernel's own log */
	x = add(c, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", HP_CHECK_ERROR,
		"the plan counts on freed vmemmap (FreeVmemmap=yes) but %s lacks CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP: every 1G page costs 16380 KiB and every 2M page 28 KiB more than planned",
		f->kver);
	fix(x,
	    "set FreeVmemmap=no and plan again, or boot a kernel built with CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y");
}

static void check_cpu_sizes(struct ctx *c)
{
	const struct hp_check_facts *f = c->f;
	const struct hp_check_needs *n = c->n;
	char have[128], want[128];
	struct hp_finding *x;

	if (f->x86) {
		bool need1g = needs_size(n, HP_GIB);

		if (f->pdpe1gb)
			add(c, "pdpe1gb", HP_CHECK_OK,
			    "the CPU has pdpe1gb: 1G pages are possible");
		else if (!need1g)
			add(c, "pdpe1gb", HP_CHECK_OK,
			    "the CPU lacks pdpe1gb: no 1G pages (the plan needs none)");
		else {
			x = add(c, "pdpe1gb", HP_CHECK_ERROR,
				"the plan reserves 1G pages but the CPU lacks the pdpe1gb flag (often hidden from nested guests): the kernel rejects hugepagesz=1G");
			fix(x,
			    "expose pdpe1gb to this machine (QEMU: -cpu host or +pdpe1gb) or plan 2M pages only");
		}
	}

	size_list(f->sizes, f->nr_sizes, have, sizeof(have));
	size_list(n->sizes, n->nr_sizes, want, sizeof(want));
	if (!f->nr_sizes) {
		x = add(c, "sizes", n->nr_sizes ? HP_CHECK_WARNING : HP_CHECK_OK,
			"the running kernel lists no huge page sizes (no hugepages-*kB folders)%s",
			n->nr_sizes ? ": the planned sizes cannot be confirmed" : "");
		if (n->nr_sizes)
			fix(x, "boot a kernel with hugetlbfs once to confirm %s", want);
	} else {
		bool all = true;

		for (size_t i = 0; i < n->nr_sizes; i++) {
			char tok[32];

			if (host_has_size(f, n->sizes[i]))
				continue;
			all = false;
			hp_size_token(n->sizes[i], tok, sizeof(tok));
			x = add(c, "sizes", HP_CHECK_ERROR,
				"the plan reserves %s pages but the host lists only %s: the kernel would print \"HugeTLB: unsupported hugepagesz=%s\" and drop the pool",
				tok, have, tok);
			fix(x, "plan with the sizes the host lists (%s)", have);
		}
		if (all && n->nr_sizes)
			add(c, "sizes", HP_CHECK_OK, "the host lists %s; the plan uses %s", have,
			    want);
		else if (all)
			add(c, "sizes", HP_CHECK_OK, "the host lists %s", have);
	}

	char cma[256];
	bool gigantic = false;

	for (size_t i = 0; i < n->nr_sizes; i++)
		gigantic |= n->sizes[i] >= GIGANTIC_MIN;
	if (!cmdline_last(f->cmdline, "hugetlb_cma", cma, sizeof(cma)) ||
	    (hp_memparse(cma, NULL) == 0 && !strchr(cma, ':'))) {
		add(c, "hugetlb_cma", HP_CHECK_OK, "no hugetlb_cma= on the command line");
	} else if (gigantic) {
		x = add(c, "hugetlb_cma", HP_CHECK_WARNING,
			"hugetlb_cma=%s is on the command line: the kernel then skips boot-time allocation of gigantic pages (\"HugeTLB: hugetlb_cma is enabled, skip boot time allocation\") and the planned 1G pool stays empty",
			cma);
		fix(x, "remove hugetlb_cma= from the kernel command line");
	} else {
		add(c, "hugetlb_cma", HP_CHECK_OK,
		    "hugetlb_cma=%s is on the command line; the plan has no gigantic pages it would skip",
		    cma);
	}
}

static void check_module(struct ctx *c, enum hp_check_mod m, const char *why)
{
	const struct hp_modinfo *mi = &c->f->mods[m];
	const char *name = mod_names[m], *kver = c->f->kver;
	struct hp_finding *x;

	switch (mi->state) {
	case HP_MOD_MISSING:
		x = add(c, name, HP_CHECK_ERROR,
			"%s (%s) is neither built into %s nor in its modules.dep", name, why, kver);
		fix(x, "install the modules of %s, or boot a kernel that has %s", kver, name);
		return;
	case HP_MOD_BUILTIN:
		/* modprobe never loads built-in code, so its blacklist and install lines are moot
		 */
		add(c, name, HP_CHECK_OK, "%s is built into %s%s", name, kver,
		    mi->blacklisted || mi->install[0]
			    ? " (modprobe configuration for it has no effect)"
			    : "");
		return;
	case HP_MOD_LOADABLE:
		break;
	}
	if (cmdline_lists(c->f->cmdline, "module_blacklist", name)) {
		x = add(c, name, HP_CHECK_ERROR,
			"%s is loadable (%s) but module_blacklist= on the command line makes the kernel refuse it",
			name, mi->path);
		fix(x, "remove %s from module_blacklist= on the kernel command line", name);
	} else if (mi->install[0] && hp_install_disables(mi->install)) {
		x = add(c, name, HP_CHECK_ERROR,
			"%s is loadable (%s) but modprobe is told to run \"%s\" instead of loading it",
			name, mi->path, mi->install);
		fix(x, "remove \"install %s %s\" from modprobe.d", name, mi->install);
	} else if (mi->blacklisted && cmdline_lists(c->f->cmdline, "modprobe.blacklist", name)) {
		x = add(c, name, HP_CHECK_WARNING,
			"%s is loadable (%s) but modprobe.blacklist= on the command line keeps it from being loaded automatically",
			name, mi->path);
		fix(x, "remove %s from modprobe.blacklist= on the kernel command line", name);
	} else if (mi->blacklisted) {
		x = add(c, name, HP_CHECK_WARNING,
			"%s is loadable (%s) but blacklisted in modprobe.d: udev will not load it automatically",
			name, mi->path);
		fix(x, "remove \"blacklist %s\" from modprobe.d, or list %s in /etc/modules-load.d",
		    name, name);
	} else {
		add(c, name, HP_CHECK_OK, "%s is loadable: %s%s%s%s", name, mi->path,
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

static void check_modules(struct ctx *c)
{
	const struct hp_check_facts *f = c->f;
	struct hp_finding *x;

	if (f->modules_err == -ENOENT) {
		x = add(c, "modules", HP_CHECK_ERROR, "no %s: kernel %s is not installed",
			c->modules, f->kver);
		fix(x, "install kernel %s, or name the installed one with --kver", f->kver);
		return;
	}
	if (f->modules_err == -ENODATA) {
		x = add(c, "modules", HP_CHECK_ERROR,
			"%s has no modules.dep.bin: modprobe cannot load anything", c->modules);
		fix(x, "run: depmod %s", f->kver);
		return;
	}
	if (f->modules_err) {
		x = add(c, "modules", HP_CHECK_ERROR, "%s: %s", c->modules,
			strerror(-f->modules_err));
		fix(x, "make the module tree readable");
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
		x = add(c, "kvm-vendor", HP_CHECK_WARNING,
			"unknown x86 CPU vendor \"%s\": cannot tell whether kvm_intel or kvm_amd runs the VMs",
			f->cpu_vendor);
		fix(x, "check by hand that kvm_intel or kvm_amd loads for %s", f->kver);
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

static void check_iommu(struct ctx *c)
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
		add(c, "iommu", HP_CHECK_OK,
		    "not x86: the IOMMU needs no command-line switch on this architecture");
		return;
	}
	cmdline_each(f->cmdline, "intel_iommu", intel_cb, &s);
	if (cmdline_last(f->cmdline, "amd_iommu", val, sizeof(val)))
		s.amd_off = opt_has(val, "off");
	/* x86 iommu_setup(): "off" turns every IOMMU off, "pt" keeps host DMA untranslated */
	if (cmdline_last(f->cmdline, "iommu", val, sizeof(val))) {
		s.off = opt_has(val, "off");
		s.pt = opt_has(val, "pt");
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
		x = add(c, "iommu", HP_CHECK_ERROR,
			"iommu=off on the command line: VFIO passthrough cannot work%s", note);
		fix(x, "remove iommu=off from the kernel command line");
		return;
	}
	if (v == V_AMD) {
		if (s.amd_off) {
			x = add(c, "iommu", HP_CHECK_ERROR,
				"amd_iommu=off on the command line: VFIO passthrough cannot work%s",
				note);
			fix(x, "remove amd_iommu=off from the kernel command line");
		} else if (f->kconfig &&
			   hp_kconfig_get(f->kconfig, "CONFIG_AMD_IOMMU", NULL, 0) != 'y') {
			x = add(c, "iommu", HP_CHECK_ERROR,
				"%s is built without CONFIG_AMD_IOMMU: VFIO passthrough cannot work",
				f->kver);
			fix(x, "boot a kernel built with CONFIG_AMD_IOMMU=y");
		} else {
			/* there is no amd_iommu=on: the driver is on whenever the firmware has one
			 */
			add(c, "iommu", HP_CHECK_OK,
			    "the AMD IOMMU is on by default (no amd_iommu=off)%s", note);
		}
		return;
	}
	if (v != V_INTEL) {
		x = add(c, "iommu", HP_CHECK_WARNING,
			"unknown x86 CPU vendor \"%s\": cannot tell which IOMMU switch applies%s",
			f->cpu_vendor, note);
		fix(x, "check that /sys/kernel/iommu_groups is populated after boot");
		return;
	}
	if (s.intel_off) {
		x = add(c, "iommu", HP_CHECK_ERROR,
			"intel_iommu=off on the command line: VFIO passthrough cannot work%s",
			note);
		fix(x, "replace intel_iommu=off with intel_iommu=on on the kernel command line");
	} else if (f->kconfig && hp_kconfig_get(f->kconfig, "CONFIG_INTEL_IOMMU", NULL, 0) != 'y') {
		x = add(c, "iommu", HP_CHECK_ERROR,
			"%s is built without CONFIG_INTEL_IOMMU: VFIO passthrough cannot work",
			f->kver);
		fix(x, "boot a kernel built with CONFIG_INTEL_IOMMU=y");
	} else if (s.intel_on) {
		add(c, "iommu", HP_CHECK_OK, "intel_iommu=on is on the command line%s", note);
	} else if (f->kconfig &&
		   hp_kconfig_get(f->kconfig, "CONFIG_INTEL_IOMMU_DEFAULT_ON", NULL, 0) == 'y') {
		add(c, "iommu", HP_CHECK_OK,
		    "%s turns the Intel IOMMU on by default (CONFIG_INTEL_IOMMU_DEFAULT_ON=y)%s",
		    f->kver, note);
	} else if (!f->kconfig) {
		x = add(c, "iommu", HP_CHECK_WARNING,
			"no intel_iommu=on on the command line, and without %s it is unknown whether %s turns the IOMMU on by default%s",
			c->kconfig, f->kver, note);
		fix(x, "add intel_iommu=on to the kernel command line");
	} else {
		x = add(c, "iommu", HP_CHECK_ERROR,
			"the plan has passthrough VMs but the Intel IOMMU is off: no intel_iommu=on on the command line and %s does not turn it on by default%s",
			f->kver, note);
		fix(x,
		    "add intel_iommu=on (and for host performance iommu=pt) to the kernel command line");
	}
}

static void check_thp(struct ctx *c)
{
	char mode[32];

	/* information only: transparent pages are the alternative to the static pools */
	if (!c->f->thp[0])
		add(c, "thp", HP_CHECK_OK, "transparent huge pages: not available");
	else if (hp_thp_mode(c->f->thp, mode, sizeof(mode)) < 0)
		add(c, "thp", HP_CHECK_OK, "transparent huge pages: \"%s\"", c->f->thp);
	else
		add(c, "thp", HP_CHECK_OK, "transparent huge pages: %s", mode);
}

void hp_check_needs_from_plan(const struct hp_plan *p, struct hp_check_needs *n)
{
	memset(n, 0, sizeof(*n));
	for (size_t i = 0; i < p->nr_pools && n->nr_sizes < HP_MAX_SIZES; i++)
		if (p->pools[i].pages)
			n->sizes[n->nr_sizes++] = p->pools[i].size;
	n->free_vmemmap = p->free_vmemmap;
	n->node_form = p->node_form;
	for (size_t i = 0; i < p->nr_vms; i++)
		n->passthrough |= p->vms[i].vm->passthrough;
}

int hp_check_evaluate(const struct hp_check_facts *f, const struct hp_check_needs *n,
		      struct hp_findings *out)
{
	static const struct hp_check_needs none;
	struct ctx c = { .f = f, .n = n ? n : &none, .out = out };
	unsigned kver = 0;

	memset(out, 0, sizeof(*out));
	snprintf(c.kconfig, sizeof(c.kconfig), HP_P_KCONFIG, f->kver);
	snprintf(c.modules, sizeof(c.modules), HP_P_MODULES, f->kver);
	if (f->kver[0])
		kver = f->kver_num;
	check_kernel(&c, kver);
	if (f->host_err) {
		struct hp_finding *x =
			add(&c, "host", HP_CHECK_ERROR, "cannot read the host: %s", f->host_errmsg);

		fix(x, "run as root on the host, or point --root at a complete tree");
	}
	if (f->kver[0])
		check_kconfig(&c);
	if (!f->host_err)
		check_cpu_sizes(&c);
	if (f->kver[0])
		check_modules(&c);
	if (!f->host_err) {
		check_iommu(&c);
		check_thp(&c);
	}
	return c.full ? -ENOSPC : 0;
}
