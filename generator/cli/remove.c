// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugeplan remove: take hugeplan's kernel arguments out of the boot loader's configuration
 * again. What to do is decided in core/apply.c (hp_remove_decide()) from what is read here;
 * this file reads, carries it out (cli/bootcfg.c) and prints. Exit: 0 done (or nothing to
 * do), 2 bad usage or a step that failed (named).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bootcfg.h"
#include "core/macro.h"
#include "sys/bls.h"
#include "sys/bootloader.h"
#include "sys/lock.h"
#include "sys/path.h"
#include "sys/root.h"

#define CMD_MAX	 512
#define TEXT_MAX (1U << 20)

struct inputs {
	struct hp_boot_facts facts;
	struct hp_state old;
	bool have_old;
	char *snippet, *kernel_cmdline, *proc, *usr_lib;
	char cmd[CMD_MAX];
	struct hp_bls_scan bls;
	struct hp_bls_in bls_in;
};

static int gather(const struct bootcfg_opts *o, struct inputs *g, struct hp_remove_in *in)
{
	int r;

	r = bootcfg_read_state(o, &g->old);
	if (r == EXIT_ERROR)
		return r;
	g->have_old = r == 1;
	r = hp_boot_probe(o->cli.root, &g->facts);
	if (r < 0) {
		bootcfg_error(o, "cannot read %s: %s", g->facts.mkconfig, hp_strerror(r));
		return EXIT_ERROR;
	}
	if (!o->want_set || o->want == HP_BL_BLS) {
		char what[BOOTCFG_PATH_MAX], path[BOOTCFG_PATH_MAX];

		r = hp_bls_scan(o->cli.root, &g->bls, what, sizeof(what));
		if (r < 0) {
			bootcfg_error(o, "%s: cannot read: %s; nothing changed",
				      bootcfg_path(o, what, path, sizeof(path)), hp_strerror(r));
			return EXIT_ERROR;
		}
		hp_bls_in_from(&g->bls, &g->bls_in);
	}
	*in = (struct hp_remove_in){
		.old = g->have_old ? &g->old : NULL,
		.want = o->want_set ? o->want : HP_BL_AUTO,
		.snippet_exists = hp_path_exists(o->cli.root, "%s", HP_P_GRUB_SNIPPET),
		.kernel_cmdline_exists = hp_path_exists(o->cli.root, "%s", HP_P_KERNEL_CMDLINE),
		.bls = &g->bls_in,
	};
	/* an unreadable /etc/kernel/cmdline is an error where remove cleans it (core/apply.c) */
	r = hp_read_text(o->cli.root, &g->kernel_cmdline, NULL, TEXT_MAX, "%s",
			 HP_P_KERNEL_CMDLINE);
	if (r < 0) {
		g->kernel_cmdline = NULL;
		in->kernel_cmdline_err = r == -ENOENT ? 0 : r;
	}
	if (hp_read_text(o->cli.root, &g->proc, NULL, TEXT_MAX, "%s", HP_P_CMDLINE) < 0)
		g->proc = NULL;
	/* kernel-install's fallback before /proc/cmdline: unreadable, nothing is judged */
	r = bootcfg_read(o, HP_P_USRLIB_KERNEL_CMDLINE, &g->usr_lib);
	if (r)
		return r;
	/* for the dry run's "unchanged": what cannot be read counts as absent */
	if (hp_read_text(o->cli.root, &g->snippet, NULL, TEXT_MAX, "%s", HP_P_GRUB_SNIPPET) < 0)
		g->snippet = NULL;
	in->snippet = g->snippet;
	in->kernel_cmdline = g->kernel_cmdline;
	in->proc_cmdline = g->proc;
	in->usr_lib_cmdline = g->usr_lib;
	bootcfg_update_opts(o, &g->facts, &in->update, g->cmd, sizeof(g->cmd));
	return 0;
}

static void dry_run(const struct bootcfg_opts *o, const struct hp_remove_in *in,
		    const struct hp_remove *rm)
{
	char path[BOOTCFG_PATH_MAX];
	struct hp_update_plan u;
	bool grub_changed = false, ki_changed = false;

	printf("dry run: nothing is written\n");
	for (size_t i = 0; i < rm->nr; i++) {
		const struct hp_file_change *c = &rm->changes[i];

		if (!c->differs) {
			printf("unchanged: %s %s\n", bootcfg_path(o, c->file, path, sizeof(path)),
			       c->action == HP_FILE_WRITE ? "has no hugeplan arguments" : "absent");
			continue;
		}
		bootcfg_print_dry(o, c);
		grub_changed |= c->bootloader == HP_BL_GRUB;
		ki_changed |= c->bootloader != HP_BL_GRUB;
	}
	bootcfg_print_entries(o, &rm->entries);
	ki_changed |= hp_file_changes_differ(&rm->entries, HP_CHANGE_ENTRY) > 0;
	hp_remove_update(in, rm, grub_changed, ki_changed, &u);
	if (u.run || u.note[0])
		bootcfg_print_update(&u, &in->update);
	if (in->old)
		printf("would remove %s\n", bootcfg_path(o, HP_P_STATE_FILE, path, sizeof(path)));
}

static int remove_(const struct bootcfg_opts *o)
{
	struct inputs *g = calloc(1, sizeof(*g));
	struct hp_remove rm = { 0 };
	struct hp_update_plan u;
	struct hp_remove_in in;
	char path[BOOTCFG_PATH_MAX], note[HP_APPLY_NOTE_MAX];
	bool grub_changed = false, ki_changed = false;
	int r, ret;
	struct hp_lock lock = HP_LOCK_INIT;

	if (!g) {
		bootcfg_error(o, "out of memory");
		return EXIT_ERROR;
	}
	/* held from the state's first read (in gather) to the last write */
	ret = bootcfg_lock(o, &lock);
	if (!ret)
		ret = gather(o, g, &in);
	if (ret)
		goto out;
	r = hp_remove_decide(&in, &rm);
	if (r < 0) {
		bootcfg_path(o, HP_P_KERNEL_CMDLINE, path, sizeof(path));
		if (r == -EINVAL && rm.bad_entry) {
			char entry[BOOTCFG_PATH_MAX];

			snprintf(entry, sizeof(entry), HP_P_BLS_ENTRIES "/%s", g->bls.where.boot,
				 rm.bad_entry);
			bootcfg_error(
				o,
				"%s:%u: a double quote is not closed in the options: hugeplan's words cannot be told apart there; fix the entry first; nothing changed",
				bootcfg_path(o, entry, path, sizeof(path)), rm.bad_line);
		} else if (rm.unreadable)
			bootcfg_error(o, "%s: cannot read: %s", path, hp_strerror(r));
		else if (r == -EINVAL)
			bootcfg_error(
				o,
				"%s: a double quote is not closed: the kernel would read hugeplan's words as part of that value; fix the file first",
				path);
		else
			bootcfg_error(o, "%s: %s", path, hp_strerror(r));
		ret = EXIT_ERROR;
		goto out;
	}
	for (size_t i = 0; i < rm.nr; i++)
		if (rm.changes[i].kept_edited)
			printf("note: %s, created by hugeplan apply, no longer matches the running command line: kept, without hugeplan's words\n",
			       bootcfg_path(o, rm.changes[i].file, path, sizeof(path)));
	if (o->dry_run) {
		dry_run(o, &in, &rm);
		goto out;
	}

	if (!rm.nr && !rm.entries.n)
		printf("nothing to remove: no %s, no %s\n", HP_P_GRUB_SNIPPET, HP_P_KERNEL_CMDLINE);
	for (size_t i = 0; i < rm.nr; i++) {
		const struct hp_file_change *c = &rm.changes[i];
		bool changed;

		if (c->action == HP_FILE_KEEP)
			continue;
		ret = bootcfg_commit(o, c, &changed);
		if (ret)
			goto out;
		bootcfg_path(o, c->file, path, sizeof(path));
		if (changed) {
			printf("%s %s\n",
			       c->action == HP_FILE_WRITE ? "took hugeplan's arguments out of"
							  : "removed",
			       path);
			grub_changed |= c->bootloader == HP_BL_GRUB;
			ki_changed |= c->bootloader != HP_BL_GRUB;
		} else {
			printf("unchanged: %s %s\n", path,
			       c->action == HP_FILE_WRITE ? "has no hugeplan arguments" : "absent");
		}
	}
	if (rm.entries.n) {
		size_t n;

		ret = bootcfg_commit_entries(o, &rm.entries, NULL, &n);
		if (ret)
			goto out;
		ki_changed |= n > 0;
	}
	hp_remove_update(&in, &rm, grub_changed, ki_changed, &u);
	if (bootcfg_update(o, &g->facts, &u, note, sizeof(note)) == HP_OUTCOME_FAILED) {
		/* keep what remove must finish: no tokens, boot menu pending */
		struct hp_state st;
		char now[32];

		bootcfg_now(now, sizeof(now));
		hp_remove_record(note, now, &st);
		bootcfg_write_state(o, &st, NULL);
		ret = EXIT_ERROR;
		goto out;
	}
	if (in.old)
		ret = bootcfg_remove_state(o);
out:
	hp_lock_release(&lock);
	hp_remove_free(&rm);
	hp_state_free(&g->old);
	hp_bls_scan_free(&g->bls);
	free(g->snippet);
	free(g->kernel_cmdline);
	free(g->proc);
	free(g->usr_lib);
	free(g);
	return ret;
}

int cmd_remove(int argc, char **argv)
{
	struct bootcfg_opts o;
	int r;

	r = bootcfg_parse(argc, argv, &o, false);
	if (r)
		return r < 0 ? 0 : r;
	return remove_(&o);
}
