// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/json.h"
#include "core/size.h"
#include "sources/sources.h"
#include "core/macro.h"
#include "sys/host.h"
#include "sys/root.h"

int hp_cli_common_opt(struct hp_cli *o, int c, const char *arg)
{
	switch (c) {
	case OPT_ROOT:
		o->root = arg;
		return 1;
	case OPT_CONFIG:
		o->confdir = arg;
		return 1;
	case OPT_KVER:
		o->kver = arg;
		return 1;
	case OPT_JSON:
		o->json = true;
		return 1;
	case OPT_BYTES:
		o->bytes = true;
		return 1;
	case OPT_BALANCED:
		o->balanced = true;
		return 1;
	}
	return 0;
}

int hp_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", program_invocation_short_name, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help' for more information.\n",
		program_invocation_short_name, cmd);
	return EXIT_USAGE;
}

void hp_cli_print_diag(const struct hp_diag *d)
{
	if (d->file[0] && d->line)
		fprintf(stderr, "%s:%u: %s\n", d->file, d->line, d->msg);
	else if (d->file[0])
		fprintf(stderr, "%s: %s\n", d->file, d->msg);
	else
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, d->msg);
}

void hp_cli_unload(struct hp_loaded *l)
{
	if (l->planned)
		hp_plan_free(&l->plan);
	if (l->loaded_cfg)
		hp_config_free(&l->cfg);
	l->planned = l->loaded_cfg = false;
}

/*
 * Proxmox frees boot-reserved pages: after each VM start without keephugepages: 1, qemu-server
 * sets the global nr_hugepages to what its parser reads from /proc/cmdline, which knows only
 * plain "hugepagesz=2M|1G hugepages=N" pairs (hugeplan's node form, and a count after
 * default_hugepagesz=, read as 0). A plan with such a VM and a static pool is refused
 * (hp_plan_pve_nokeep()): nothing is written. A dynamic one on a host without a static pool
 * is fine: qemu-server allocates its pages and gives them back, and there is no pool to lose.
 */
static void keephugepages(struct hp_loaded *l)
{
	struct hp_plan *p = &l->plan;

	for (size_t i = 0; i < p->nr_vms; i++) {
		const struct hp_vm_plan *vp = &p->vms[i];
		const struct hp_vm *v = vp->vm;

		if (!hp_plan_pve_nokeep(p, vp) || p->nr_problems >= HP_MAX_PROBLEMS)
			continue;
		// clang-format off
		if (vp->backing == HP_BACKING_STATIC)
			snprintf(p->problems[p->nr_problems++], sizeof(p->problems[0]),
				 "%s (%s): Proxmox VM %s is on huge pages without keephugepages: 1, so qemu-server would free the boot-reserved pool after each start of it (fix: qm set %s --keephugepages 1)",
				 v->name, v->loc.file, v->source_id, v->source_id);
		else
			snprintf(p->problems[p->nr_problems++], sizeof(p->problems[0]),
				 "%s (%s): Proxmox VM %s is Backing=%s without keephugepages: 1 beside a static pool: qemu-server allocates its pages at each start of it, then sets nr_hugepages to what it reads from the kernel command line, which frees the boot-reserved pool (fix: qm set %s --keephugepages 1)",
				 v->name, v->loc.file, v->source_id, hp_backing_name(vp->backing), v->source_id);
		// clang-format on
		p->feasible = false;
	}
}

int hp_cli_load(const struct hp_cli *o, struct hp_loaded *l)
{
	struct hp_plan_opts po = { .allow_balanced = o->balanced };
	struct hp_config_opts copts = { .owner_uid = 0 };
	struct hp_diag d = { 0 };
	char why[256];
	int r;

	memset(l, 0, sizeof(*l));
	r = hp_host_read(o->root, &l->host);
	if (r < 0) {
		fprintf(stderr, "%s: cannot read the host's facts: %s%s%s\n",
			program_invocation_short_name, o->root ? o->root : "", l->host.err,
			r == -ENOENT && o->root ? " (is --root a system tree?)" : "");
		return EXIT_USAGE;
	}
	if (o->kver) {
		po.kver = hp_kver_parse(o->kver);
		if (!po.kver)
			return hp_cli_usage_error(
				o->cmd, "--kver=%s: expected a version such as 6.1.0", o->kver);
	}
	/* the kernel that boots next, unless --kver names one (status judges this boot's) */
	r = o->this_boot ? 0 : hp_next_facts_read(o->root, &l->next);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, strerror(-r));
		return EXIT_USAGE;
	}
	if (hp_next_resolve(&l->next, o->kver, l->kver, sizeof(l->kver), &l->kver_src) == 0 &&
	    (o->kver || !streq(l->kver, l->host.kver_str))) {
		unsigned k = hp_kver_parse(l->kver);

		po.kver = k ? k : po.kver;
		l->host.kver = k ? k : l->host.kver;
		snprintf(l->host.kver_str, sizeof(l->host.kver_str), "%.127s", l->kver);
	}
	hp_host_karch(&l->host, &l->arch);

	/* as root, read nothing that another user could have changed (sshd's StrictModes) */
	copts.check_perms = geteuid() == 0;
	copts.overrides = true;
	r = hp_config_load_opts(o->root, o->confdir, &copts, &l->cfg, &d);
	if (r < 0) {
		hp_cli_print_diag(&d);
		if (o->diag)
			*o->diag = d;
		return EXIT_USAGE;
	}
	l->loaded_cfg = true;
	r = hp_sources_load(o->root, &l->cfg, &l->sources, &d);
	if (r < 0) {
		hp_cli_print_diag(&d);
		hp_cli_unload(l);
		return EXIT_USAGE;
	}

	r = hp_plan_compute(&l->host, &l->cfg.host, l->cfg.vms, l->cfg.nr_vms, &po, &l->plan, &d);
	if (r < 0) {
		hp_cli_print_diag(&d);
		if (o->diag)
			*o->diag = d;
		hp_cli_unload(l);
		return EXIT_USAGE;
	}
	l->planned = true;

	r = hp_render(&l->plan, &l->args);
	if (r == 0)
		r = hp_render_check(&l->plan, &l->args, &l->arch, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", hp_strerror(r));
	if (r < 0) {
		/* a bug of ours, or a plan the kernel cannot be told: never write it */
		fprintf(stderr, "%s: cannot render this plan safely: %s\n",
			program_invocation_short_name, why);
		hp_cli_unload(l);
		return EXIT_USAGE;
	}
	hp_kargs_join(&l->args, l->cmdline, sizeof(l->cmdline));
	keephugepages(l);
	return 0;
}

#define GUEST_MIN (64 * HP_MIB) /* below it no guest OS boots: a unit was probably wrong */

/*
 * A VM's Memory= that is probably not what was meant (issue 15, item 7): a bare number is
 * read as bytes (libvirt's <memory> is KiB), a guest under 64 MiB, or smaller than its page
 * size (QEMU then refuses it: "memory size ... must be equal to or larger than page size").
 * Each says how the numbers were read.
 */
static void vm_warnings(const struct hp_loaded *l, const struct hp_vm_plan *vp, FILE *f)
{
	const struct hp_vm *v = vp->vm;
	char mem[32], ps[24], kib[32], kibtok[24], at[600];

	hp_size_human(v->memory, mem, sizeof(mem));
	hp_size_token(vp->page_size, ps, sizeof(ps));
	if (v->memory_loc.line)
		snprintf(at, sizeof(at), "%s:%u", v->memory_loc.file, v->memory_loc.line);
	else
		snprintf(at, sizeof(at), "%s", v->loc.file);
	/* clang-format off */
	if (v->memory_unitless && v->memory <= UINT64_MAX / 1024) {
		hp_size_human(v->memory * 1024, kib, sizeof(kib));
		hp_size_token(v->memory * 1024, kibtok, sizeof(kibtok));
		fprintf(f,
			"%s: warning: %s: Memory=%" PRIu64 " has no unit, so it is read as bytes: %s%s; if it is KiB, as libvirt's <memory> is, that is %s: write Memory=%s\n",
			at, v->name, v->memory, mem,
			v->memory < GUEST_MIN ? ", under 64 MiB, too small for a guest" : "", kib, kibtok);
	} else if (v->memory < GUEST_MIN) {
		hp_size_token(v->memory, kibtok, sizeof(kibtok));
		fprintf(f,
			"%s: warning: %s: Memory=%s is read as %s, under 64 MiB: too small for a guest; check the unit (K, M, G, T)\n",
			at, v->name, kibtok, mem);
	}
	if (v->memory < vp->page_size) {
		const char *why = v->page_size		   ? "PageSize="
				  : l->cfg.host.default_page ? "DefaultPageSize="
							     : "no PageSize=: the largest size the host has";

		fprintf(f,
			"%s: warning: %s: Memory= (%s) is smaller than its %s page (%s): QEMU refuses a guest smaller than its page size (\"memory size ... must be equal to or larger than page size\"); give it PageSize=2M or more memory\n",
			at, v->name, mem, ps, why);
	}
	/* clang-format on */
}

void hp_cli_warnings(const struct hp_loaded *l, FILE *f)
{
	struct hp_kreq now;
	char sizes[64] = "";
	size_t o = 0;

	for (size_t i = 0; i < l->plan.nr_vms; i++)
		vm_warnings(l, &l->plan.vms[i], f);
	hp_kcmdline_simulate(l->host.cmdline, &l->arch, &now);
	for (size_t i = 0; i < l->plan.nr_pools && o < sizeof(sizes) - 24; i++) {
		if (l->plan.pools[i].size < l->arch.gigantic_min)
			continue;
		o += (size_t)snprintf(sizes + o, sizeof(sizes) - o, "%s", o ? " and " : "");
		hp_size_token(l->plan.pools[i].size, sizes + o, sizeof(sizes) - o);
		o = strlen(sizes);
	}
	if (o && now.cma_bytes)
		fprintf(f,
			"warning: hugetlb_cma= is on this boot's command line: the kernel then skips the boot-time allocation of gigantic pages, so the planned %s pool would stay empty; remove hugetlb_cma=\n",
			sizes);
	if (l->plan.feasible && l->plan.nr_pools && now.default_size &&
	    now.default_size != l->plan.default_size) {
		char was[24], will[24];

		hp_size_token(now.default_size, was, sizeof(was));
		hp_size_token(l->plan.default_size, will, sizeof(will));
		/* clang-format off */
		fprintf(f,
			"warning: the default huge page size changes from %s (this boot) to %s at the next boot of this plan (%s): /dev/hugepages, vm.nr_hugepages and /proc/meminfo's HugePages_ lines, and every libvirt domain with a bare <hugepages/> (no <page size=...>), then use %s pages; to keep %s, set DefaultPageSize=%s in [Host]\n",
			was, will,
			l->plan.default_explicit ? "DefaultPageSize=" : "no DefaultPageSize=: the kernel's own default",
			will, was, was);
		/* clang-format on */
	}
}

int hp_cli_json_print(struct hp_json *j)
{
	char *out;
	size_t len;
	int r = hp_json_finish(j, &out, &len);

	if (r < 0)
		return r;
	fwrite(out, 1, len, stdout);
	free(out);
	return 0;
}
