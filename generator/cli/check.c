// SPDX-License-Identifier: GPL-2.0-or-later
/* hugeplan check, and the same checks as apply's preflight */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preflight/facts.h"
#include "cli/cli.h"
#include "core/cmdline-edit.h"
#include "core/json.h"
#include "sys/root.h"
#include "core/macro.h"
#include "sys/bls.h"
#include "sys/bootloader.h"
#include "sys/owners.h"

/* whether GRUB takes hugeplan's words: asked for, or what apply's auto would pick */
static bool takes_grub(const struct hp_cli *o)
{
	struct hp_boot_facts f;
	struct hp_bls_scan *s;
	char what[4096];
	bool bls = false;

	if (o->want != HP_BL_AUTO)
		return o->want == HP_BL_GRUB;
	if (hp_boot_probe(o->root, &f) < 0 || !f.mkconfig_reads_grub_d)
		return false;
	s = calloc(1, sizeof(*s));
	if (s && hp_bls_scan(o->root, s, what, sizeof(what)) == 0)
		bls = s->nr_managed > 0 && !s->layout_other;
	if (s)
		hp_bls_scan_free(s);
	free(s);
	return !bls;
}

/* the other owners of the command line: GRUB's "--", tuned, kdump */
static int owners(const struct hp_cli *o, const struct hp_loaded *l, struct hp_findings *out)
{
	_cleanup_free_ struct hp_owner_facts *f = calloc(1, sizeof(*f));
	const char *toks[HP_MAX_TOKENS];
	_cleanup_free_ char *next = NULL;
	char what[4096];
	int r;

	if (!f)
		return -ENOMEM;
	r = hp_owners_read(o->root, f, what, sizeof(what));
	if (r < 0) {
		fprintf(stderr, "%s %s: %s: cannot read: %s\n", program_invocation_short_name,
			o->cmd ? o->cmd : "check", what, hp_strerror(r));
		return r;
	}
	/* the next boot's command line: this one's, hugeplan's words replaced by today's */
	for (size_t i = 0; i < l->args.n; i++)
		toks[i] = l->args.tok[i];
	if (hp_cmdline_edit(l->host.cmdline, toks, l->args.n, HP_CMDLINE_FROM_PROC, &next) < 0)
		next = NULL;
	r = hp_owners_evaluate(f,
			       &(struct hp_owner_needs){ .grub = takes_grub(o),
							 .next = next ? next : l->host.cmdline,
							 .arch = &l->arch },
			       out);
	return r == -ENOSPC ? 0 : r;
}

int hp_cli_preflight(const struct hp_cli *o, const struct hp_loaded *l, struct hp_findings *out)
{
	struct hp_check_needs n;
	int r;

	hp_check_needs_from_plan(&l->plan, &n);
	r = hp_check_run(o->root, l->kver[0] ? l->kver : o->kver,
			 l->kver_src == HP_KVER_GIVEN || l->kver_src == HP_KVER_RUNNING
				 ? NULL
				 : hp_kver_source_text(l->kver_src),
			 &l->next, &n, out);
	if (r < 0) {
		fprintf(stderr, "%s: cannot run the checks: %s\n", program_invocation_short_name,
			hp_strerror(r));
		return r;
	}
	return owners(o, l, out);
}

void hp_cli_print_findings(const struct hp_findings *fs, FILE *f, bool problems_only)
{
	for (size_t i = 0; i < fs->nr; i++) {
		const struct hp_finding *x = &fs->items[i];

		if (problems_only && x->level == HP_CHECK_OK)
			continue;
		fprintf(f, "%-8s %s: %s\n", hp_check_level_name(x->level), x->id, x->message);
		if (x->fix[0])
			fprintf(f, "%-8s fix: %s\n", "", x->fix);
	}
}

static int print_json(const char *kver, const struct hp_findings *fs)
{
	struct hp_json j;

	hp_json_init(&j);
	hp_json_object(&j, NULL);
	hp_json_str(&j, "kernel", kver);
	hp_json_u64(&j, "errors", fs->nr_errors);
	hp_json_u64(&j, "warnings", fs->nr_warnings);
	hp_json_array(&j, "findings");
	for (size_t i = 0; i < fs->nr; i++) {
		const struct hp_finding *x = &fs->items[i];

		hp_json_object(&j, NULL);
		hp_json_str(&j, "id", x->id);
		hp_json_str(&j, "level", hp_check_level_name(x->level));
		hp_json_str(&j, "message", x->message);
		hp_json_str(&j, "fix", x->fix[0] ? x->fix : NULL);
		hp_json_end(&j);
	}
	hp_json_end(&j);
	hp_json_end(&j);
	return hp_cli_json_print(&j);
}

static void usage(void)
{
	printf("Usage:\n %s check [options]\n\n", program_invocation_short_name);
	printf("Check that the kernel that will boot can hold the planned pools and run the\n"
	       "VMs: its version, its hugetlb options (/boot/config-VER), its KVM and, for\n"
	       "Passthrough=yes VMs, VFIO modules (libkmod on /lib/modules/VER, with the\n"
	       "modprobe.d blacklist and install lines), the IOMMU switch, the CPU's 1G flag,\n"
	       "the page sizes the host lists, hugetlb_cma= and transparent huge pages.\n");
	printf("\nOptions:\n"
	       "     --config DIR   read the configuration from DIR only\n"
	       "     --root DIR     read the system (and the configuration) under DIR\n"
	       "     --kver VER     check kernel VER (default: the one that boots next)\n"
	       "     --balanced     accept the balanced form on kernels before 5.16\n"
	       "  -J, --json         JSON output\n"
	       "  -h, --help         display this help\n"
	       "\nExit status: 0 no errors (warnings allowed), 1 errors found, 2 invalid\n"
	       "configuration or usage.\n\nSee hugeplan(8).\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		HP_CLI_COMMON_OPTIONS,
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	struct hp_findings *fs;
	struct hp_cli o = { 0 };
	struct hp_loaded *l;
	int c, r;

	while ((c = getopt_long(argc, argv, "+hJ", longopts, NULL)) != -1) {
		if (hp_cli_common_opt(&o, c, optarg))
			continue;
		switch (c) {
		case 'J':
			o.json = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			return hp_cli_usage_error("check", "invalid option");
		}
	}
	if (optind < argc)
		return hp_cli_usage_error("check", "unexpected argument '%s'", argv[optind]);
	if (o.kver && (!*o.kver || strchr(o.kver, '/')))
		return hp_cli_usage_error("check", "--kver=%s: expected a release such as %s",
					  o.kver, "6.1.0-28-amd64");

	l = malloc(sizeof(*l));
	fs = malloc(sizeof(*fs));
	if (!l || !fs) {
		free(l);
		free(fs);
		fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
		return EXIT_USAGE;
	}
	/* the checks judge the kernel against what the configured plan needs */
	r = hp_cli_load(&o, l);
	if (r) {
		free(l);
		free(fs);
		return r;
	}
	r = hp_cli_preflight(&o, l, fs);
	if (r == 0) {
		if (o.json) {
			r = print_json(l->kver[0] ? l->kver : l->host.kver_str, fs);
		} else {
			hp_cli_print_findings(fs, stdout, false);
			printf("\n%zu error%s, %zu warning%s.\n", fs->nr_errors,
			       fs->nr_errors == 1 ? "" : "s", fs->nr_warnings,
			       fs->nr_warnings == 1 ? "" : "s");
		}
	}
	hp_cli_unload(l);
	if (r < 0)
		r = EXIT_USAGE;
	else
		r = fs->nr_errors ? 1 : 0;
	free(l);
	free(fs);
	return r;
}
