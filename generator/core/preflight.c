// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/preflight-internal.h"
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

static struct hp_finding *vadd(struct hp_findings *out, const char *id, enum hp_check_level level,
			       const char *fmt, va_list ap)
{
	struct hp_finding *f;

	if (out->nr >= HP_CHECK_MAX_FINDINGS)
		return NULL;
	f = &out->items[out->nr++];
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->level = level;
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	if (level == HP_CHECK_WARNING)
		out->nr_warnings++;
	else if (level == HP_CHECK_ERROR)
		out->nr_errors++;
	return f;
}

struct hp_finding *hp_findings_add(struct hp_findings *out, const char *id,
				   enum hp_check_level level, const char *fmt, ...)
{
	struct hp_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = vadd(out, id, level, fmt, ap);
	va_end(ap);
	return f;
}

struct hp_finding *pf_add(struct ctx *c, const char *id, enum hp_check_level level, const char *fmt,
			  ...)
{
	struct hp_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = vadd(c->out, id, level, fmt, ap);
	va_end(ap);
	c->full |= !f;
	return f;
}

void hp_finding_fix(struct hp_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
}

void pf_fix(struct hp_finding *f, const char *fmt, ...)
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

bool hp_install_loads(const char *cmd, const char *name)
{
	const char *p = cmd;
	bool in_modprobe = false;

	while (*p) {
		char word[128];
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t;&|");
		if (n == 0) {
			/* a command separator ends a modprobe's arguments */
			in_modprobe = false;
			if (*p)
				p++;
			continue;
		}
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1),
			 p);
		p += n;
		if (n >= 8 && !strcmp(word + strlen(word) - 8, "modprobe") &&
		    (strlen(word) == 8 || word[strlen(word) - 9] == '/'))
			in_modprobe = true;
		else if (in_modprobe && (!strcmp(word, "-b") || !strcmp(word, "--use-blacklist")))
			in_modprobe = false;
		else if (in_modprobe && word[0] != '-' && hp_param_eq(word, name))
			return true;
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
		x = pf_add(c, "kernel", HP_CHECK_ERROR,
			   "no target kernel: the running kernel's release could not be read");
		pf_fix(x, "name the kernel that will boot with --kver VERSION");
		return;
	}
	if (!kver) {
		x = pf_add(c, "kernel", HP_CHECK_WARNING,
			   "target kernel %s: the release does not start with a version number",
			   f->kver);
		pf_fix(x, "pass --kver with the release as 'uname -r' prints it");
	} else if (!strcmp(f->kver, f->running_kver)) {
		pf_add(c, "kernel", HP_CHECK_OK, "target kernel %s (the running kernel)", f->kver);
	} else if (f->kver_why[0]) {
		pf_add(c, "kernel", HP_CHECK_OK, "target kernel %s (%s; running: %s)", f->kver,
		       f->kver_why, f->running_kver[0] ? f->running_kver : "unknown");
	} else {
		pf_add(c, "kernel", HP_CHECK_OK, "target kernel %s (running: %s)", f->kver,
		       f->running_kver[0] ? f->running_kver : "unknown");
	}

	if (!c->n->node_form)
		return;
	if (!kver) {
		x = pf_add(
			c, "node-form", HP_CHECK_WARNING,
			"the plan gives per-node counts (hugepages=0:A,1:B), which need Linux 5.16, and the version of %s is unknown",
			f->kver);
		pf_fix(x, "pass --kver with the release of the kernel that will boot");
	} else if (kver < HP_KVER(5, 16, 0)) {
		x = pf_add(
			c, "node-form", HP_CHECK_ERROR,
			"the plan gives per-node counts (hugepages=0:A,1:B), which Linux %u.%u does not parse: it needs 5.16 or later",
			kver >> 16, (kver >> 8) & 0xff);
		pf_fix(x,
		       "plan for this kernel with --kver %s (balanced counts), or boot Linux 5.16 or later",
		       f->kver);
	} else {
		pf_add(c, "node-form", HP_CHECK_OK,
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
		x = pf_add(c, "kconfig", HP_CHECK_WARNING,
			   "no %s: the kernel's hugetlb options are not checked", c->kconfig);
		pf_fix(x,
		       "install the kernel's config file next to it (Debian and Fedora ship one)");
		return;
	}
	if (f->kconfig_err) {
		x = pf_add(c, "kconfig", HP_CHECK_WARNING, "%s: %s: not checked", c->kconfig,
			   strerror(-f->kconfig_err));
		pf_fix(x, "make the file readable");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(always); i++) {
		char v = hp_kconfig_get(f->kconfig, always[i].sym, NULL, 0);

		if (v == 'y') {
			pf_add(c, always[i].sym, HP_CHECK_OK, "%s=y in %s", always[i].sym,
			       c->kconfig);
			continue;
		}
		x = pf_add(c, always[i].sym, HP_CHECK_ERROR,
			   "%s is not set in %s: no %s, so no pool can be reserved", always[i].sym,
			   c->kconfig, always[i].why);
		pf_fix(x, "boot a kernel built with %s=y", always[i].sym);
	}
	if (!c->n->free_vmemmap)
		return;
	if (hp_kconfig_get(f->kconfig, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", NULL, 0) == 'y') {
		pf_add(c, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", HP_CHECK_OK,
		       "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y: hugetlb_free_vmemmap=on takes effect");
		return;
	}
	/* without it the kernel ignores hugetlb_free_vmemmap=; savings per the kernel's own log */
	x = pf_add(
		c, "CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP", HP_CHECK_ERROR,
		"the plan counts on freed vmemmap (FreeVmemmap=yes) but %s lacks CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP: every 1G page costs 16380 KiB and every 2M page 28 KiB more than planned",
		f->kver);
	pf_fix(x,
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
			pf_add(c, "pdpe1gb", HP_CHECK_OK,
			       "the CPU has pdpe1gb: 1G pages are possible");
		else if (!need1g)
			pf_add(c, "pdpe1gb", HP_CHECK_OK,
			       "the CPU lacks pdpe1gb: no 1G pages (the plan needs none)");
		else {
			x = pf_add(
				c, "pdpe1gb", HP_CHECK_ERROR,
				"the plan reserves 1G pages but the CPU lacks the pdpe1gb flag (often hidden from nested guests): the kernel rejects hugepagesz=1G");
			pf_fix(x,
			       "expose pdpe1gb to this machine (QEMU: -cpu host or +pdpe1gb) or plan 2M pages only");
		}
	}

	size_list(f->sizes, f->nr_sizes, have, sizeof(have));
	size_list(n->sizes, n->nr_sizes, want, sizeof(want));
	if (!f->nr_sizes) {
		x = pf_add(
			c, "sizes", n->nr_sizes ? HP_CHECK_WARNING : HP_CHECK_OK,
			"the running kernel lists no huge page sizes (no hugepages-*kB folders)%s",
			n->nr_sizes ? ": the planned sizes cannot be confirmed" : "");
		if (n->nr_sizes)
			pf_fix(x, "boot a kernel with hugetlbfs once to confirm %s", want);
	} else {
		bool all = true;

		for (size_t i = 0; i < n->nr_sizes; i++) {
			char tok[32];

			if (host_has_size(f, n->sizes[i]))
				continue;
			all = false;
			hp_size_token(n->sizes[i], tok, sizeof(tok));
			x = pf_add(
				c, "sizes", HP_CHECK_ERROR,
				"the plan reserves %s pages but the host lists only %s: the kernel would print \"HugeTLB: unsupported hugepagesz=%s\" and drop the pool",
				tok, have, tok);
			pf_fix(x, "plan with the sizes the host lists (%s)", have);
		}
		if (all && n->nr_sizes)
			pf_add(c, "sizes", HP_CHECK_OK, "the host lists %s; the plan uses %s", have,
			       want);
		else if (all)
			pf_add(c, "sizes", HP_CHECK_OK, "the host lists %s", have);
	}

	char cma[256];
	bool gigantic = false;

	for (size_t i = 0; i < n->nr_sizes; i++)
		gigantic |= n->sizes[i] >= GIGANTIC_MIN;
	if (!pf_cmdline_last(f->cmdline, "hugetlb_cma", cma, sizeof(cma)) ||
	    (hp_memparse(cma, NULL) == 0 && !strchr(cma, ':'))) {
		pf_add(c, "hugetlb_cma", HP_CHECK_OK, "no hugetlb_cma= on the command line");
	} else if (f->kconfig && hp_kconfig_get(f->kconfig, "CONFIG_CMA", NULL, 0) != 'y') {
		/* seen on Debian's cloud kernels: "Unknown kernel command line parameters" */
		pf_add(c, "hugetlb_cma", HP_CHECK_OK,
		       "hugetlb_cma=%s is on the command line, but %s has no CONFIG_CMA: that kernel does not know the parameter and allocates gigantic pages as usual",
		       cma, c->kconfig);
	} else if (gigantic) {
		x = pf_add(
			c, "hugetlb_cma", HP_CHECK_WARNING,
			"hugetlb_cma=%s is on the command line: the kernel then skips boot-time allocation of gigantic pages (\"HugeTLB: hugetlb_cma is enabled, skip boot time allocation\") and the planned 1G pool stays empty",
			cma);
		pf_fix(x, "remove hugetlb_cma= from the kernel command line");
	} else {
		pf_add(c, "hugetlb_cma", HP_CHECK_OK,
		       "hugetlb_cma=%s is on the command line; the plan has no gigantic pages it would skip",
		       cma);
	}
}

/*
 * Transparent VMs get huge pages only from THP: QEMU madvise()s guest memory
 * (MADV_HUGEPAGE), so enabled must be always or madvise; defrag=always makes every fault
 * that finds no free huge page stall in direct compaction (the guest stutters); khugepaged
 * collapses small pages into huge ones later only with its defrag on.
 */
static void check_thp_vms(struct ctx *c)
{
	const struct hp_check_facts *f = c->f;
	const char *who = c->n->transparent_names;
	char mode[32] = "", defrag[32] = "";
	struct hp_finding *x;

	if (!f->thp[0]) {
		x = pf_add(
			c, "thp", HP_CHECK_WARNING,
			"transparent huge pages: not available (no %s), so the transparent VMs (%s) run on 4 KiB pages",
			HP_P_THP_ENABLED, who);
		pf_fix(x,
		       "boot a kernel built with CONFIG_TRANSPARENT_HUGEPAGE, or give those VMs Backing=static or dynamic");
		return;
	}
	if (hp_thp_mode(f->thp, mode, sizeof(mode)) < 0)
		snprintf(mode, sizeof(mode), "?");
	if (hp_thp_mode(f->thp_defrag, defrag, sizeof(defrag)) < 0)
		snprintf(defrag, sizeof(defrag), "?");
	if (!strcmp(mode, "never")) {
		x = pf_add(
			c, "thp", HP_CHECK_WARNING,
			"transparent huge pages: enabled=never: the transparent VMs (%s) get no huge pages at all",
			who);
		pf_fix(x,
		       "echo madvise > %s (QEMU asks for them with madvise); for every boot, transparent_hugepage=madvise on the kernel command line",
		       HP_P_THP_ENABLED);
	} else {
		pf_add(c, "thp", HP_CHECK_OK,
		       "transparent huge pages: enabled=%s for the transparent VMs (%s)", mode,
		       who);
	}
	if (!strcmp(defrag, "always")) {
		x = pf_add(
			c, "thp-defrag", HP_CHECK_WARNING,
			"transparent huge pages: defrag=always: a guest fault that finds no free huge page stalls while the kernel compacts memory (the transparent VMs stutter)");
		pf_fix(x, "echo madvise > %s (or defer+madvise: compaction in the background)",
		       HP_P_THP_DEFRAG);
	} else if (f->thp_defrag[0]) {
		pf_add(c, "thp-defrag", HP_CHECK_OK, "transparent huge pages: defrag=%s", defrag);
	}
	if (f->khugepaged_defrag == 0) {
		x = pf_add(
			c, "khugepaged", HP_CHECK_WARNING,
			"khugepaged: defrag=0: what was faulted in on small pages is never collapsed into huge ones");
		pf_fix(x, "echo 1 > %s", HP_P_THP_KHUGEPAGED);
	} else if (f->khugepaged_defrag == 1) {
		pf_add(c, "khugepaged", HP_CHECK_OK,
		       "khugepaged: defrag=1: small pages are collapsed into huge ones in the background");
	}
}

static void check_thp(struct ctx *c)
{
	char mode[32];

	if (c->n->transparent) {
		check_thp_vms(c);
		return;
	}
	/* information only: transparent pages are the alternative to the static pools */
	if (!c->f->thp[0])
		pf_add(c, "thp", HP_CHECK_OK, "transparent huge pages: not available");
	else if (hp_thp_mode(c->f->thp, mode, sizeof(mode)) < 0)
		pf_add(c, "thp", HP_CHECK_OK, "transparent huge pages: \"%s\"", c->f->thp);
	else
		pf_add(c, "thp", HP_CHECK_OK, "transparent huge pages: %s", mode);
}

/* the VM managers: what they do to the boot's pool */
static void check_managers(struct ctx *c)
{
	const struct hp_check_needs *n = c->n;

	for (size_t i = 0; i < n->nr_pve_nokeep && i < HP_CHECK_PVE_MAX; i++) {
		const struct hp_check_pve *v = &n->pve_nokeep[i];
		struct hp_finding *x;

		x = pf_add(
			c, "proxmox-keephugepages", HP_CHECK_ERROR,
			"Proxmox VM %s (%s, %s) is on huge pages without keephugepages: 1: after each start of it qemu-server sets nr_hugepages to what it reads from the kernel command line, which knows only plain hugepagesz= hugepages= pairs, and frees the boot's pool",
			v->vmid, v->name, v->file);
		pf_fix(x, "qm set %s --keephugepages 1", v->vmid);
	}
	if (n->nr_pve_nokeep > HP_CHECK_PVE_MAX) {
		struct hp_finding *x =
			pf_add(c, "proxmox-keephugepages", HP_CHECK_ERROR,
			       "%zu more Proxmox VMs on huge pages without keephugepages: 1",
			       n->nr_pve_nokeep - HP_CHECK_PVE_MAX);

		pf_fix(x, "qm set VMID --keephugepages 1 for each (hugeplan plan names them all)");
	}
}

void hp_check_needs_from_plan(const struct hp_plan *p, struct hp_check_needs *n)
{
	memset(n, 0, sizeof(*n));
	for (size_t i = 0; i < p->nr_pools && n->nr_sizes < HP_MAX_SIZES; i++)
		if (p->pools[i].pages)
			n->sizes[n->nr_sizes++] = p->pools[i].size;
	n->free_vmemmap = p->free_vmemmap;
	n->node_form = p->node_form;
	for (size_t i = 0; i < p->nr_vms; i++) {
		const struct hp_vm *v = p->vms[i].vm;
		size_t o = strlen(n->transparent_names);

		n->passthrough |= v->passthrough;
		if (p->vms[i].backing == HP_BACKING_TRANSPARENT) {
			n->transparent++;
			if (o < sizeof(n->transparent_names) - 70)
				snprintf(n->transparent_names + o, sizeof(n->transparent_names) - o,
					 "%s%s", o ? ", " : "", v->name);
			else if (!strstr(n->transparent_names, "..."))
				snprintf(n->transparent_names + o, sizeof(n->transparent_names) - o,
					 ", ...");
		}
		/* the boot's pool freed after a start: any huge-page VM, with a static pool */
		if (!hp_plan_pve_nokeep(p, &p->vms[i]))
			continue;
		if (n->nr_pve_nokeep < HP_CHECK_PVE_MAX) {
			struct hp_check_pve *q = &n->pve_nokeep[n->nr_pve_nokeep];

			snprintf(q->name, sizeof(q->name), "%s", v->name);
			snprintf(q->vmid, sizeof(q->vmid), "%s", v->source_id);
			hp_escape(q->file, sizeof(q->file), v->loc.file ? v->loc.file : "");
		}
		n->nr_pve_nokeep++;
	}
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
		struct hp_finding *x = pf_add(&c, "host", HP_CHECK_ERROR,
					      "cannot read the host: %s", f->host_errmsg);

		pf_fix(x, "run as root on the host, or point --root at a complete tree");
	}
	if (f->kver[0])
		check_kconfig(&c);
	if (!f->host_err)
		check_cpu_sizes(&c);
	if (f->kver[0])
		pf_check_modules(&c);
	if (!f->host_err) {
		pf_check_iommu(&c);
		check_thp(&c);
	}
	check_managers(&c);
	return c.full ? -ENOSPC : 0;
}
