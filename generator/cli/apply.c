// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan apply: put the plan's kernel arguments into the boot loader's configuration.
 * What to do is decided in core/apply.c from what is read here; this file reads, carries it
 * out (cli/bootcfg.c) and prints. Everything is computed and checked first; apply runs the
 * checks of "hugeplan check" and refuses on errors. Exit: 0 done (or unchanged), 1 the plan
 * does not fit or the checks found errors (nothing written), 2 bad configuration or usage, or
 * a step that failed (named).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preflight/facts.h"
#include "cli/bootcfg.h"
#include "core/grub-snippet.h"
#include "core/grubsh.h"
#include "core/macro.h"
#include "core/size.h"
#include "sys/bls.h"
#include "sys/bootloader.h"
#include "sys/lock.h"
#include "sys/owners.h"
#include "sys/path.h"
#include "sys/root.h"

#define MAX_WORDS 32
#define CMD_MAX	  512

static void plan_summary(const struct hp_plan *p, char *buf, size_t len)
{
	char sz[24];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->nr_pools && o < len; i++) {
		hp_size_token(p->pools[i].size, sz, sizeof(sz));
		o += (size_t)snprintf(buf + o, len - o, "%s%" PRIu64 " x %s", i ? ", " : "",
				      p->pools[i].pages, sz);
	}
	if (p->default_explicit && o < len) {
		hp_size_token(p->default_size, sz, sizeof(sz));
		snprintf(buf + o, len - o, "; default %s", sz);
	}
	if (!p->nr_pools)
		snprintf(buf, len, "nothing reserved");
}

static void warn_grub_words(const char *root)
{
	struct hp_grub_word w[MAX_WORDS];
	int n = hp_grub_find_words(root, w, MAX_WORDS);

	if (n < 0) {
		fprintf(stderr, "warning: cannot read the GRUB settings to check them: %s\n",
			hp_strerror(n));
		return;
	}
	for (int i = 0; i < n && i < MAX_WORDS; i++) {
		char path[BOOTCFG_PATH_MAX];

		hp_path(path, sizeof(path), root, "%s", w[i].file);
		if (w[i].after_snippet)
			fprintf(stderr,
				"warning: %s:%u: %s: this file is read after %s and its huge page words reach the kernel after hugeplan's (the kernel ignores a second hugepagesz= for a size); remove them\n",
				path, w[i].line, w[i].word, HP_GRUB_SNIPPET_NAME);
		else
			fprintf(stderr,
				"warning: %s:%u: %s: huge page words here are dropped by %s; remove them to avoid confusion\n",
				path, w[i].line, w[i].word, HP_GRUB_SNIPPET_NAME);
	}
	if (n > MAX_WORDS)
		fprintf(stderr, "warning: %d more huge page words in the GRUB settings\n",
			n - MAX_WORDS);
}

/* Print the plan's problems; the caller exits EXIT_NOFIT. */
static void print_nofit(const struct hp_loaded *l)
{
	for (size_t i = 0; i < l->plan.nr_problems; i++)
		fprintf(stderr, "%s: plan does not fit: %s\n", program_invocation_short_name,
			l->plan.problems[i]);
	fprintf(stderr, "%s apply: nothing written\n", program_invocation_short_name);
}

/* The checks of "hugeplan check" (issue 6): errors refuse the plan, warnings are shown. */
static int preflight(const struct bootcfg_opts *o, const struct hp_loaded *l)
{
	_cleanup_free_ struct hp_findings *fs = calloc(1, sizeof(*fs));

	if (!fs) {
		bootcfg_error(o, "out of memory");
		return EXIT_ERROR;
	}
	if (hp_cli_preflight(&o->cli, l, fs) < 0)
		return EXIT_ERROR;
	hp_cli_print_findings(fs, stderr, true);
	if (!fs->nr_errors)
		return 0;
	if (o->dry_run)
		bootcfg_error(
			o,
			"the kernel that will boot cannot serve this plan (%zu error%s above, see 'hugeplan check'): apply would write nothing; what it would write once they are fixed follows",
			fs->nr_errors, fs->nr_errors == 1 ? "" : "s");
	else
		bootcfg_error(
			o,
			"the kernel that will boot cannot serve this plan (%zu error%s above, see 'hugeplan check'): nothing written",
			fs->nr_errors, fs->nr_errors == 1 ? "" : "s");
	return EXIT_NOFIT;
}

/*
 * What apply decides from, read under --root: the state, the boot loader's file, /proc/cmdline,
 * the Boot Loader Specification entries and their records.
 */
struct inputs {
	struct hp_boot_facts facts;
	struct hp_state old;
	bool have_old;
	char *current, *proc, *usr_lib;
	int proc_err;
	const char *toks[HP_MAX_TOKENS];
	char summary[512];
	char sizes[160]; /* hp_plan_mount_sizes() */
	char cmd[CMD_MAX];
	struct hp_recs recs; /* the plan's per-VM records */
	struct hp_kreq boot; /* this boot's command line, for its hugeplan.plan= */
	struct hp_bls_scan bls;
	struct hp_bls_in bls_in;
	bool uki_next; /* the next boot is a unified kernel image (--bootloader=kernel-install) */
};

/* the unified kernel images of the menu: refuse when one boots next, else name each */
static int check_ukis(const struct bootcfg_opts *o, struct inputs *g, enum hp_bootloader bl)
{
	const struct hp_bls_scan *s = &g->bls;
	enum hp_uki_verdict v = hp_uki_verdict(s->items, s->nr_files, s->def);
	char path[BOOTCFG_PATH_MAX], cmd[BOOTCFG_PATH_MAX];

	if (v == HP_UKI_NONE)
		return 0;
	if (v == HP_UKI_NEXT) {
		const struct hp_boot_item *d = &s->items[s->def];

		bootcfg_path(o, d->path, path, sizeof(path));
		if (d->kver[0])
			snprintf(cmd, sizeof(cmd), "kernel-install add %s /boot/vmlinuz-%s",
				 d->kver, d->kver);
		else
			snprintf(cmd, sizeof(cmd), "kernel-install add VERSION IMAGE");
		if (!(o->want_set && o->want == HP_BL_KERNEL_INSTALL)) {
			bootcfg_error(
				o,
				"the next boot is the unified kernel image %s: its embedded command line (.cmdline) is what the kernel gets, not the boot loader's options, so hugeplan's arguments would not reach it; nothing written. Rebuild it through kernel-install with %s ('hugeplan apply --bootloader=kernel-install', then '%s'), or add a signed command-line add-on with 'hugeplan cmdline'",
				path, HP_P_KERNEL_CMDLINE, cmd);
			return EXIT_NOFIT;
		}
		g->uki_next = true;
		fprintf(stderr,
			"warning: the next boot is the unified kernel image %s: it keeps its embedded command line until it is rebuilt from %s (%s)\n",
			path, HP_P_KERNEL_CMDLINE, cmd);
	}
	for (size_t i = 0; i < s->nr_files; i++) {
		const struct hp_bls_file *f = &s->files[i];

		if (f->type != HP_BOOT_UKI)
			continue;
		bootcfg_path(o, f->path, path, sizeof(path));
		fprintf(stderr,
			"warning: %s is a unified kernel image: its embedded command line (\"%s\") stays as it is%s; it gets hugeplan's arguments only when rebuilt from %s\n",
			path, f->cmdline ? f->cmdline : "",
			bl == HP_BL_BLS ? ", only the type #1 entries are updated" : "",
			HP_P_KERNEL_CMDLINE);
	}
	return 0;
}

/* the entries bls edits: there must be some */
static int bls_gather(const struct bootcfg_opts *o, const struct hp_loaded *l, struct inputs *g)
{
	char dir[BOOTCFG_PATH_MAX], path[BOOTCFG_PATH_MAX];

	if (!g->bls.nr_managed) {
		snprintf(dir, sizeof(dir), HP_P_BLS_ENTRIES, g->bls.where.boot);
		bootcfg_error(
			o,
			"--bootloader=bls: no Boot Loader Specification entry of this system's installed kernels in %s (entry token \"%s\", as kernel-install finds it); nothing written",
			bootcfg_path(o, dir, path, sizeof(path)), g->bls.where.token);
		return EXIT_ERROR;
	}
	hp_bls_in_from(&g->bls, &g->bls_in);
	g->bls_in.toks = g->toks;
	g->bls_in.nr_toks = l->args.n;
	return 0;
}

/* the entries, images and records beneath the root, into *s; 0 or EXIT_ERROR, said */
static int bls_scan(const struct bootcfg_opts *o, struct hp_bls_scan *s)
{
	char what[BOOTCFG_PATH_MAX], path[BOOTCFG_PATH_MAX];
	int r = hp_bls_scan(o->cli.root, s, what, sizeof(what));

	if (r < 0) {
		bootcfg_error(o, "%s: cannot read: %s; nothing written",
			      bootcfg_path(o, what, path, sizeof(path)), hp_strerror(r));
		return EXIT_ERROR;
	}
	return 0;
}

/*
 * The scan again once the lock is held: what was read before it (to choose the boot loader,
 * and to refuse before anything is written) may have been changed meanwhile by the run that
 * held it (a remove that gave the entries back). What apply decides from is read under the
 * lock; when the choice or the refusals would now differ, it stops.
 */
static int bls_rescan(const struct bootcfg_opts *o, const struct hp_loaded *l, struct inputs *g,
		      enum hp_bootloader bl)
{
	struct hp_bls_scan *s = calloc(1, sizeof(*s));
	struct hp_boot_facts f = g->facts;
	enum hp_bootloader now;
	char why[1024];
	int r;

	if (!s) {
		bootcfg_error(o, "out of memory");
		return EXIT_ERROR;
	}
	r = bls_scan(o, s);
	if (!r) {
		f.bls_entries = s->nr_managed > 0 && !s->layout_other;
		if (hp_bootloader_choose(&f, o->want, &now, why, sizeof(why)) < 0 || now != bl ||
		    (bl == HP_BL_BLS && !s->nr_managed) ||
		    hp_uki_verdict(s->items, s->nr_files, s->def) !=
			    hp_uki_verdict(g->bls.items, g->bls.nr_files, g->bls.def)) {
			bootcfg_error(
				o,
				"the boot entries changed while this apply waited for the lock; nothing written: run it again");
			r = EXIT_ERROR;
		}
	}
	if (r) {
		hp_bls_scan_free(s);
		free(s);
		return r;
	}
	hp_bls_scan_free(&g->bls);
	g->bls = *s;
	free(s);
	if (bl == HP_BL_BLS) {
		hp_bls_in_from(&g->bls, &g->bls_in);
		g->bls_in.toks = g->toks;
		g->bls_in.nr_toks = l->args.n;
	}
	return 0;
}

/* what is read under --root; the lock is taken (*lock) once a refusal can write nothing */
static int gather(const struct bootcfg_opts *o, const struct hp_loaded *l, struct inputs *g,
		  struct hp_apply_in *in, struct hp_lock *lock)
{
	enum hp_bootloader bl;
	char why[1024];
	int r;

	r = hp_boot_probe(o->cli.root, &g->facts);
	if (r < 0) {
		bootcfg_error(o, "cannot read %s: %s", g->facts.mkconfig, hp_strerror(r));
		return EXIT_ERROR;
	}
	if (!(o->want_set && o->want == HP_BL_GRUB)) {
		r = bls_scan(o, &g->bls);
		if (r)
			return r;
		g->facts.bls_entries = g->bls.nr_managed > 0 && !g->bls.layout_other;
	}
	r = hp_bootloader_choose(&g->facts, o->want, &bl, why, sizeof(why));
	if (r < 0) {
		bootcfg_error(o, "%s", why);
		return EXIT_ERROR;
	}
	if (bl == HP_BL_BLS && !o->want_set && g->facts.mkconfig_reads_grub_d)
		fprintf(stderr,
			"warning: %s reads /etc/default/grub.d too; hugeplan goes into the Boot Loader Specification entries, which this host's $BOOT has (--bootloader=grub for GRUB)\n",
			g->facts.mkconfig);
	for (size_t i = 0; i < l->args.n; i++)
		g->toks[i] = l->args.tok[i];
	if (bl == HP_BL_BLS) {
		r = bls_gather(o, l, g);
		if (r)
			return r;
	}
	if (bl == HP_BL_BLS || bl == HP_BL_KERNEL_INSTALL) {
		r = check_ukis(o, g, bl);
		if (r)
			return r;
	}
	/*
	 * held from the state's first read to the last write: the entries and records too,
	 * read again under it
	 */
	r = bootcfg_lock(o, lock);
	if (r)
		return r;
	if (!o->dry_run && (bl == HP_BL_BLS || bl == HP_BL_KERNEL_INSTALL)) {
		r = bls_rescan(o, l, g, bl);
		if (r)
			return r;
	}
	r = bootcfg_read_state(o, &g->old);
	if (r == EXIT_ERROR)
		return r;
	g->have_old = r == 1;
	if (bl == HP_BL_KERNEL_INSTALL || bl == HP_BL_BLS) {
		r = bootcfg_read(o, HP_P_KERNEL_CMDLINE, &g->current);
		if (r)
			return r;
		if (!g->current && l->args.n) {
			/* what kernel-install reads without /etc/kernel/cmdline, in its order */
			r = bootcfg_read(o, HP_P_USRLIB_KERNEL_CMDLINE, &g->usr_lib);
			if (r)
				return r;
			g->proc_err = hp_read_text(o->cli.root, &g->proc, NULL, 1U << 20, "%s",
						   HP_P_CMDLINE);
			if (g->proc_err < 0)
				g->proc = NULL;
		}
	} else {
		/* for the dry run's "unchanged": what cannot be read counts as absent */
		if (hp_read_text(o->cli.root, &g->current, NULL, 1U << 20, "%s",
				 HP_P_GRUB_SNIPPET) < 0)
			g->current = NULL;
	}
	plan_summary(&l->plan, g->summary, sizeof(g->summary));
	hp_plan_mount_sizes(&l->plan, g->sizes, sizeof(g->sizes));
	if (hp_recs_from_plan(&l->plan, o->cli.root, &g->recs) < 0) {
		bootcfg_error(o, "out of memory");
		return EXIT_ERROR;
	}
	hp_kcmdline_simulate(l->host.cmdline, &l->arch, &g->boot);
	*in = (struct hp_apply_in){
		.bootloader = bl,
		.old = g->have_old ? &g->old : NULL,
		.current = g->current,
		.proc_cmdline = g->proc,
		.usr_lib_cmdline = g->usr_lib,
		.toks = g->toks,
		.nr_toks = l->args.n,
		.cmdline = l->cmdline,
		.plan_id = l->args.plan_id,
		.summary = g->summary,
		.sizes = g->sizes,
		.recs = &g->recs,
		.boot_id = g->boot.plan_id,
		.bls = bl == HP_BL_BLS ? &g->bls_in : NULL,
		.boot = bl == HP_BL_BLS ? g->bls.where.boot : NULL,
		.entry_token = bl == HP_BL_BLS ? g->bls.where.token : NULL,
	};
	bootcfg_update_opts(o, &g->facts, &in->update, g->cmd, sizeof(g->cmd));
	return 0;
}

/* where a created /etc/kernel/cmdline comes from, and the one-boot words it would keep */
static void made_from(const struct bootcfg_opts *o, const struct hp_file_change *c)
{
	char path[BOOTCFG_PATH_MAX], base[BOOTCFG_PATH_MAX];

	bootcfg_path(o, c->file, path, sizeof(path));
	bootcfg_path(o, c->base, base, sizeof(base));
	printf("note: %s does not exist: it is made from %s, as kernel-install reads the command line without it\n",
	       path, base);
	if (c->oneoff[0])
		fprintf(stderr,
			"warning: %s holds words for this one boot (%s): %s made from it would give them to every kernel kernel-install installs; take them out of %s after apply, or boot without them first\n",
			base, c->oneoff, path, path);
}

/* hp_apply_decide()'s refusals, with the file they are about */
static int decide_failed(const struct bootcfg_opts *o, const struct hp_apply_in *in,
			 const struct inputs *g, const struct hp_apply *a, const char *file, int r)
{
	char path[BOOTCFG_PATH_MAX], proc[BOOTCFG_PATH_MAX];

	bootcfg_path(o, file, path, sizeof(path));
	if (r == -EINVAL && a->bad_entry) {
		char entry[BOOTCFG_PATH_MAX];

		snprintf(entry, sizeof(entry), HP_P_BLS_ENTRIES "/%s", g->bls.where.boot,
			 a->bad_entry);
		bootcfg_error(
			o,
			"%s:%u: a double quote is not closed in the options: the kernel would read hugeplan's words as part of that value; fix the entry first; nothing written",
			bootcfg_path(o, entry, path, sizeof(path)), a->bad_line);
	} else if (r == -ENODATA)
		bootcfg_error(o, "%s is missing and %s cannot be read to create it: %s", path,
			      bootcfg_path(o, HP_P_CMDLINE, proc, sizeof(proc)),
			      hp_strerror(g->proc_err));
	else if (in->bootloader != HP_BL_GRUB && r == -EINVAL)
		bootcfg_error(
			o,
			"%s: a double quote is not closed: the kernel would read hugeplan's words as part of that value; fix the file first",
			path);
	else if (in->bootloader != HP_BL_GRUB)
		bootcfg_error(o, "%s: %s", path, hp_strerror(r));
	else
		bootcfg_error(o, "cannot render %s: %s", path, hp_strerror(r));
	return EXIT_ERROR;
}

#define MAX_KERNELS 32

/* what the kernel reserves from a grub.cfg linux line's arguments, against the plan */
/* GRUB's variables at boot: tuned's 00_tuned sets $tuned_params in grub.cfg */
static const char *grub_var(const char *name, void *ctx)
{
	const struct hp_owner_facts *f = ctx;

	return f && f->tuned_grub && streq(name, "tuned_params") ? f->tuned_cmdline : NULL;
}

static void print_pool(const struct hp_loaded *l, const struct hp_owner_facts *f, const char *args,
		       const char *plan)
{
	_cleanup_free_ struct hp_kreq *req = calloc(1, sizeof(*req));
	_cleanup_free_ char *kernel = NULL;
	char got[256];

	if (!req || hp_grub_kernel_cmdline(args, grub_var, (void *)f, &kernel) < 0) {
		printf("    pool: cannot be told (a quote GRUB would not close)\n");
		return;
	}
	hp_kcmdline_simulate(kernel, &l->arch, req);
	if (!hp_kreq_summary(req, got, sizeof(got)))
		printf("    pool: none\n");
	else
		printf("    pool: %s%s\n", got,
		       streq(got, plan) ? ", as planned" : ", NOT the plan");
}

/*
 * GRUB: the linux lines of the next boot, per kernel, from what grub-mkconfig will have once it
 * sourced the settings with the new snippet (10_linux: "LINUX DEFAULT", recovery "single
 * LINUX"); the running system only
 */
static void print_grub_boot(const struct bootcfg_opts *o, const struct hp_loaded *l,
			    const struct hp_apply *a)
{
	_cleanup_free_ struct hp_kreq *want = calloc(1, sizeof(*want));
	_cleanup_free_ char(*kernels)[256] = calloc(MAX_KERNELS, 256);
	_cleanup_free_ struct hp_owner_facts *f = calloc(1, sizeof(*f));
	struct hp_grub_vars v;
	char err[512], plan[256] = "";
	int r, status, n;

	if (o->cli.root) {
		printf("next boot: not shown: %s's GRUB settings are shell code and are not run on this host (run 'hugeplan apply --dry-run' inside the image)\n",
		       o->cli.root);
		return;
	}
	if (!want || !kernels || !f || hp_owners_read(NULL, f, err, sizeof(err)) < 0)
		return;
	r = hp_grub_source(a->change.action == HP_FILE_WRITE ? a->change.text : NULL, &v, &status,
			   err, sizeof(err));
	if (r == -ECHILD) {
		printf("next boot: sourcing %s and %s/*.cfg failed (exit status %d%s%s): grub-mkconfig would stop there too\n",
		       HP_P_GRUB_DEFAULT, HP_P_GRUB_D, status, err[0] ? ": " : "", err);
		return;
	}
	if (r < 0) {
		printf("next boot: cannot source the GRUB settings: %s\n", strerror(-r));
		return;
	}
	hp_kcmdline_simulate(l->cmdline, &l->arch, want);
	hp_kreq_summary(want, plan, sizeof(plan));
	printf("next boot: %s and %s/*.cfg sourced in order in a shell of their own, with this %s:\n",
	       HP_P_GRUB_DEFAULT, HP_P_GRUB_D, HP_GRUB_SNIPPET_NAME);
	printf("  GRUB_CMDLINE_LINUX=\"%s\"\n", v.linux_);
	printf("  GRUB_CMDLINE_LINUX_DEFAULT=\"%s\"\n", v.linux_default);
	n = hp_grub_kernels(NULL, kernels, MAX_KERNELS);
	if (n <= 0)
		printf("  (no %s/vmlinuz-* yet: every kernel's entries get these)\n", HP_P_BOOT);
	for (int i = 0; i < (n > 0 ? n : 1); i++) {
		const char *k = n > 0 ? kernels[i] : "VERSION";
		_cleanup_free_ char *normal = NULL, *recovery = NULL;

		if (asprintf(&normal, "%s %s", v.linux_, v.linux_default) < 0 ||
		    asprintf(&recovery, "single %s", v.linux_) < 0)
			break;
		printf("  %s: %s\n", k, normal);
		print_pool(l, f, normal, plan);
		if (streq(v.disable_recovery, "true"))
			continue;
		printf("  %s (recovery mode): %s\n", k, recovery);
		print_pool(l, f, recovery, plan);
	}
	hp_grub_vars_free(&v);
}

/* the unified kernel images: their own command line, which apply does not change */
static void print_ukis(const struct bootcfg_opts *o, const struct inputs *g)
{
	char path[BOOTCFG_PATH_MAX];

	for (size_t i = 0; i < g->bls.nr_files; i++) {
		const struct hp_bls_file *f = &g->bls.files[i];

		if (f->type != HP_BOOT_UKI)
			continue;
		printf("unchanged: %s (a unified kernel image): its command line %s\n",
		       bootcfg_path(o, f->path, path, sizeof(path)), f->cmdline ? f->cmdline : "");
	}
}

static void dry_run(const struct bootcfg_opts *o, const struct hp_loaded *l, const struct inputs *g,
		    const struct hp_apply_in *in, const struct hp_apply *a)
{
	const struct hp_file_change *c = &a->change;
	char path[BOOTCFG_PATH_MAX], now[32];
	struct hp_update_plan u;
	struct hp_state st;

	bootcfg_path(o, c->file, path, sizeof(path));
	printf("dry run: nothing is written\n");
	if (!c->differs)
		printf("unchanged: %s %s\n", path,
		       c->action == HP_FILE_WRITE ? "already holds this content" : "absent");
	else
		bootcfg_print_dry(o, c);
	bootcfg_print_entries(o, &a->entries);
	if (in->bootloader == HP_BL_GRUB)
		print_grub_boot(o, l, a);
	else
		print_ukis(o, g);
	hp_apply_update(in, a, c->differs || hp_file_changes_differ(&a->entries, HP_CHANGE_ENTRY),
			&u);
	if (in->bootloader == HP_BL_GRUB || in->update.refresh)
		bootcfg_print_update(&u, &in->update);
	bootcfg_now(now, sizeof(now));
	bootcfg_path(o, HP_P_STATE_FILE, path, sizeof(path));
	if (hp_apply_record(in, a,
			    c->differs || hp_file_changes_differ(&a->entries, HP_CHANGE_ENTRY),
			    u.run ? HP_OUTCOME_DONE : HP_OUTCOME_NOT_RUN, u.note, now, &st))
		printf("would record %s\n", path);
	else
		printf("unchanged: %s\n", path);
	hp_state_free(&st);
}

/* the file step and its message; 0 or EXIT_ERROR */
static int write_file(const struct bootcfg_opts *o, const struct hp_loaded *l,
		      const struct hp_file_change *c, bool *changed)
{
	char path[BOOTCFG_PATH_MAX];
	int r;

	*changed = false;
	if (c->action != HP_FILE_KEEP) {
		r = bootcfg_commit(o, c, changed);
		if (r)
			return r;
	}
	bootcfg_path(o, c->file, path, sizeof(path));
	if (c->action != HP_FILE_WRITE)
		printf("%s %s\n", *changed ? "removed" : "unchanged: no", path);
	else if (*changed)
		printf("wrote %s: %s\n", path, l->cmdline);
	else
		printf("unchanged: %s already has plan %s\n", path, l->args.plan_id);
	return 0;
}

/*
 * The file was changed and the state, which would record it, could not be written (it is as
 * it was). Unless the boot menu was regenerated from it meanwhile, the file goes back as it
 * was, so that exit status 2 means nothing was changed; either way, the message says what is
 * where (issue 12, item 10).
 */
static void state_failed(const struct bootcfg_opts *o, const struct hp_loaded *l,
			 const struct hp_apply_in *in, const struct hp_apply *a,
			 enum hp_update_outcome outcome)
{
	struct hp_file_change back = {
		.bootloader = a->change.bootloader,
		.file = a->change.file,
		.action = in->current ? HP_FILE_WRITE : HP_FILE_REMOVE,
		.text = (char *)in->current,
		.len = in->current ? strlen(in->current) : 0,
	};
	char path[BOOTCFG_PATH_MAX];
	bool changed;

	bootcfg_path(o, a->change.file, path, sizeof(path));
	if (outcome == HP_OUTCOME_DONE) {
		bootcfg_error(
			o,
			"%s and the boot menu hold plan %s, but the state does not record it: run 'hugeplan %s' again",
			path, l->args.plan_id, o->cli.cmd);
		return;
	}
	if (bootcfg_commit(o, &back, &changed) == 0) {
		bootcfg_error(o, "%s is put back as it was: nothing is changed", path);
		return;
	}
	bootcfg_error(o,
		      "%s holds plan %s, but the state does not record it: run 'hugeplan %s' again",
		      path, l->args.plan_id, o->cli.cmd);
}

static int apply(const struct bootcfg_opts *o, const struct hp_loaded *l)
{
	struct inputs *g = calloc(1, sizeof(*g));
	struct hp_update_plan u;
	struct hp_apply_in in;
	struct hp_apply a = { 0 };
	struct hp_state st;
	char note[HP_APPLY_NOTE_MAX], path[BOOTCFG_PATH_MAX], now[32];
	enum hp_update_outcome outcome;
	bool changed, metrics = false;
	int r, ret;
	struct hp_lock lock = HP_LOCK_INIT;

	if (!g) {
		bootcfg_error(o, "out of memory");
		return EXIT_ERROR;
	}
	ret = gather(o, l, g, &in, &lock);
	if (ret)
		goto out;
	r = hp_apply_decide(&in, &a);
	if (r < 0) {
		ret = decide_failed(o, &in, g, &a,
				    a.change.file ? a.change.file : HP_P_GRUB_SNIPPET, r);
		goto out;
	}
	if (in.bootloader == HP_BL_GRUB)
		warn_grub_words(o->cli.root);
	if (a.other_loader)
		fprintf(stderr,
			"warning: hugeplan's arguments were applied with %s before (%s); they stay there until 'hugeplan remove --bootloader=%s'\n",
			g->old.bootloader, g->old.file, g->old.bootloader);
	if (!in.nr_toks)
		printf("the plan reserves nothing: hugeplan's arguments are taken out\n");
	if (a.change.created)
		made_from(o, &a.change);
	if (o->dry_run) {
		dry_run(o, l, g, &in, &a);
		goto out;
	}

	ret = write_file(o, l, &a.change, &changed);
	if (ret)
		goto out;
	if (a.entries.n) {
		size_t n;

		/* Fedora, RHEL: grubby edits the entries where it is installed (not for an image)
		 */
		struct bootcfg_grubby gb = { .path = g->facts.grubby,
					     .boot = g->bls.where.boot,
					     .toks = g->toks,
					     .nr_toks = l->args.n };

		ret = bootcfg_commit_entries(
			o, &a.entries, g->facts.grubby[0] && !o->cli.root && l->args.n ? &gb : NULL,
			&n);
		if (ret)
			goto out;
		changed |= n > 0;
	}
	hp_apply_update(&in, &a, changed, &u);
	outcome = bootcfg_update(o, &g->facts, &u, note, sizeof(note));
	if (outcome == HP_OUTCOME_FAILED)
		ret = EXIT_ERROR;
	if (in.bootloader == HP_BL_KERNEL_INSTALL) {
		printf("note: kernel-install reads %s when a kernel is installed; existing boot entries keep their command line until then (kernel-install add <version> <image> renews one; --bootloader=bls updates the entries too)\n",
		       HP_P_KERNEL_CMDLINE);
	}

	bootcfg_now(now, sizeof(now));
	if (hp_apply_record(&in, &a, changed, outcome, note, now, &st)) {
		bool made;

		r = bootcfg_write_state(o, &st, &made);
		if (r && changed && !made)
			state_failed(o, l, &in, &a, outcome);
		if (r && !ret)
			ret = r;
	} else {
		printf("unchanged: %s\n", bootcfg_path(o, HP_P_STATE_FILE, path, sizeof(path)));
	}
	if (!ret && in.nr_toks) {
		const char *when = "at the next boot";

		if (g->uki_next)
			when = "once the unified kernel image that boots next is rebuilt from " HP_P_KERNEL_CMDLINE
			       " (see the warning above); not at the next boot";
		else if (in.bootloader == HP_BL_KERNEL_INSTALL)
			when = "at the next boot of a kernel installed with kernel-install";
		else if (in.bootloader == HP_BL_BLS)
			when = "at the next boot of any installed kernel";
		else if (st.update == HP_UPDATE_PENDING)
			when = "at the first boot after the boot menu is regenerated";
		printf("The reservation (plan %s) takes effect %s.\n", l->args.plan_id, when);
	}
	metrics = !ret;
	hp_state_free(&st);
out:
	hp_lock_release(&lock);
	/* after the lock: the metrics are no part of the boot configuration it guards */
	if (metrics)
		hp_metrics_update(&o->cli, l->cfg.host.metrics_dir);
	hp_apply_free(&a);
	hp_state_free(&g->old);
	hp_recs_free(&g->recs);
	hp_bls_scan_free(&g->bls);
	free(g->current);
	free(g->proc);
	free(g->usr_lib);
	free(g);
	return ret;
}

int cmd_apply(int argc, char **argv)
{
	struct bootcfg_opts o;
	struct hp_loaded l;
	int r;

	r = bootcfg_parse(argc, argv, &o, true);
	if (r)
		return r < 0 ? 0 : r;
	r = hp_cli_load(&o.cli, &l);
	if (r)
		return r;
	hp_cli_warnings(&l, stderr);
	if (!l.plan.feasible) {
		print_nofit(&l);
		hp_cli_unload(&l);
		return EXIT_NOFIT;
	}
	/* everything computed and checked before the first write; a dry run still shows it all */
	r = preflight(&o, &l);
	if (!r || (o.dry_run && r == EXIT_NOFIT)) {
		int ra = apply(&o, &l);

		r = ra ? ra : r;
	}
	hp_cli_unload(&l);
	return r;
}
