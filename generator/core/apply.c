// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apply.h"
#include "core/blsapply.h"
#include "core/cmdline-edit.h"
#include "core/grub-snippet.h"
#include "core/macro.h"
#include "core/pathnames.h"

int hp_file_changes_add(struct hp_file_changes *cs, struct hp_file_change **c)
{
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 16;
		struct hp_file_change *v = realloc(cs->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cs->v = v;
		cs->cap = cap;
	}
	*c = &cs->v[cs->n++];
	memset(*c, 0, sizeof(**c));
	return 0;
}

void hp_file_changes_free(struct hp_file_changes *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].text);
		free(cs->v[i].file_buf);
	}
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

size_t hp_file_changes_differ(const struct hp_file_changes *cs, enum hp_change_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < cs->n; i++)
		n += cs->v[i].kind == kind && cs->v[i].differs;
	return n;
}

static bool same_text(const char *a, const char *b, size_t blen)
{
	return a && b && strlen(a) == blen && !memcmp(a, b, blen);
}

/* the change's differs, from the file's text now */
static void judge(struct hp_file_change *c, const char *current)
{
	switch (c->action) {
	case HP_FILE_KEEP:
		c->differs = false;
		break;
	case HP_FILE_WRITE:
		c->differs = !same_text(current, c->text, c->len);
		break;
	case HP_FILE_REMOVE:
	case HP_FILE_RMDIR:
		c->differs = current != NULL;
		break;
	}
}

static int set_text(struct hp_file_change *c, char *text)
{
	c->action = HP_FILE_WRITE;
	c->text = text;
	c->len = strlen(text);
	return 0;
}

/*
 * /etc/kernel/cmdline with hugeplan's words replaced by toks (n 0: taken out). Absent: made
 * when there is something to put in, from what kernel-install falls back to without it:
 * /usr/lib/kernel/cmdline, else the running command line minus its loader's words; else
 * nothing to do.
 */
static int kernel_cmdline_text(struct hp_file_change *c, const char *current, const char *usr_lib,
			       const char *proc, const char *const *toks, size_t n)
{
	const char *from = current;
	unsigned flags = 0;
	char *text;
	int r;

	if (!current) {
		if (!n) {
			c->action = HP_FILE_KEEP;
			return 0;
		}
		c->created = true;
		if (usr_lib) {
			from = usr_lib;
			c->base = HP_P_USRLIB_KERNEL_CMDLINE;
		} else if (!proc) {
			return -ENODATA;
		} else {
			from = proc;
			flags = HP_CMDLINE_FROM_PROC;
			c->base = HP_P_CMDLINE;
			hp_cmdline_oneoff(proc, c->oneoff, sizeof(c->oneoff));
		}
	}
	r = hp_cmdline_edit(from, toks, n, flags, &text);
	if (r < 0)
		return r;
	return set_text(c, text);
}

/* The boot loader's file and its new text: where a new boot loader comes in. */
static int target_text(struct hp_file_change *c, enum hp_bootloader bl, const char *current,
		       const char *usr_lib, const char *proc, const char *const *toks, size_t n)
{
	char *text;
	int r;

	memset(c, 0, sizeof(*c));
	c->bootloader = bl;
	switch (bl) {
	case HP_BL_KERNEL_INSTALL:
	case HP_BL_BLS:
		c->file = HP_P_KERNEL_CMDLINE;
		return kernel_cmdline_text(c, current, usr_lib, proc, toks, n);
	case HP_BL_GRUB:
	case HP_BL_AUTO:
		break;
	}
	c->file = HP_P_GRUB_SNIPPET;
	if (!n) {
		c->action = HP_FILE_REMOVE; /* nothing planned: the snippet goes */
		return 0;
	}
	r = hp_grub_snippet(toks, n, &text, NULL);
	if (r < 0)
		return r;
	return set_text(c, text);
}

/* bls writes kernel-install's file and more: from kernel-install to bls nothing stays behind */
static bool same_family(const char *old, enum hp_bootloader now)
{
	return now == HP_BL_BLS && streq(old, "kernel-install");
}

static bool ki_like(enum hp_bootloader b)
{
	return b == HP_BL_KERNEL_INSTALL || b == HP_BL_BLS;
}

int hp_apply_decide(const struct hp_apply_in *in, struct hp_apply *out)
{
	const struct hp_state *old = in->old;
	bool in_sync;
	int r;

	memset(out, 0, sizeof(*out));
	r = target_text(&out->change, in->bootloader, in->current, in->usr_lib_cmdline,
			in->proc_cmdline, in->toks, in->nr_toks);
	if (r < 0)
		return r;
	judge(&out->change, in->current);
	if (in->bootloader == HP_BL_BLS && in->bls) {
		r = hp_bls_decide(in->bls, false, &out->entries, &out->bad_entry, &out->bad_line);
		if (r < 0)
			return r;
	}
	out->other_loader = old && !streq(old->bootloader, hp_bootloader_name(in->bootloader)) &&
			    !same_family(old->bootloader, in->bootloader);
	in_sync = old && old->update == HP_UPDATE_DONE &&
		  streq(old->bootloader, hp_bootloader_name(in->bootloader)) &&
		  streq(old->tokens, in->cmdline);
	out->pending = (in->bootloader == HP_BL_GRUB || in->update.refresh) && !in_sync &&
		       (old || out->change.action == HP_FILE_WRITE);
	return 0;
}

void hp_apply_free(struct hp_apply *a)
{
	free(a->change.text);
	a->change.text = NULL;
	hp_file_changes_free(&a->entries);
}

/* Run, or why not: --root and --no-update stop it whatever changed. cmd is what runs. */
static bool may_run(const struct hp_update_opts *o, const char *cmd, struct hp_update_plan *u)
{
	if (o->root) {
		u->why = HP_WHY_SKIP_ROOT;
		snprintf(
			u->note, sizeof(u->note),
			"not running %s: --root %s is an offline image; run it inside the image (chroot %s %s) before it boots",
			cmd, o->root, o->root, cmd);
		return false;
	}
	if (o->no_update) {
		u->why = HP_WHY_SKIP_NO_UPDATE;
		snprintf(u->note, sizeof(u->note),
			 "not running %s: --no-update; run it before the next boot", cmd);
		return false;
	}
	return true;
}

/* what runs, as printed: the GRUB update, Proxmox's refresh, or both */
static void what_runs(const struct hp_update_opts *o, bool menu, char *buf, size_t len)
{
	if (menu && o->refresh)
		snprintf(buf, len, "%s and %s", o->cmd, o->refresh);
	else
		snprintf(buf, len, "%s", menu ? o->cmd : o->refresh);
}

static void reason(struct hp_update_plan *u, enum hp_update_why why, const char *file)
{
	u->why = why;
	switch (why) {
	case HP_WHY_LAST_FAILED:
		snprintf(u->reason, sizeof(u->reason),
			 "the last update of the boot menu did not complete");
		break;
	case HP_WHY_UNRECORDED:
		snprintf(u->reason, sizeof(u->reason),
			 "no record that the boot menu was regenerated after %s was written", file);
		break;
	case HP_WHY_MAY_HOLD:
		snprintf(u->reason, sizeof(u->reason),
			 "the boot menu may still hold hugeplan's arguments");
		break;
	default:
		u->reason[0] = '\0';
	}
}

void hp_apply_update(const struct hp_apply_in *in, const struct hp_apply *a, bool changed,
		     struct hp_update_plan *u)
{
	bool menu = in->bootloader == HP_BL_GRUB;
	char cmd[400];

	memset(u, 0, sizeof(*u));
	if (!menu && !in->update.refresh) {
		snprintf(u->note, sizeof(u->note),
			 "kernel-install reads %s when it installs a kernel", HP_P_KERNEL_CMDLINE);
		return;
	}
	what_runs(&in->update, menu, cmd, sizeof(cmd));
	if (!may_run(&in->update, cmd, u))
		return;
	if (!changed && !a->pending) {
		u->why = HP_WHY_SKIP_UNCHANGED;
		snprintf(u->note, sizeof(u->note), "not running %s: nothing changed", cmd);
		return;
	}
	u->run = true;
	u->menu = menu;
	u->refresh = in->update.refresh != NULL;
	if (changed)
		reason(u, HP_WHY_CHANGED, NULL);
	else if (in->old && in->old->update == HP_UPDATE_PENDING)
		reason(u, HP_WHY_LAST_FAILED, NULL);
	else
		reason(u, HP_WHY_UNRECORDED, a->change.file);
}

/* the plan's records, and those of this boot's plan when it is another the old state holds */
static void record_vms(const struct hp_apply_in *in, struct hp_state *st)
{
	const struct hp_recs *booted = NULL;

	if (in->recs && hp_recs_copy(in->recs, &st->vms) < 0)
		return;
	if (in->boot_id && *in->boot_id && !streq(in->boot_id, in->plan_id) && in->old)
		booted = hp_state_records(in->old, in->boot_id);
	if (booted && hp_recs_copy(booted, &st->booted) == 0)
		snprintf(st->booted_plan, sizeof(st->booted_plan), "%s", in->boot_id);
}

bool hp_apply_record(const struct hp_apply_in *in, const struct hp_apply *a, bool changed,
		     enum hp_update_outcome outcome, const char *note, const char *now,
		     struct hp_state *st)
{
	const struct hp_state *old = in->old;

	memset(st, 0, sizeof(*st));
	snprintf(st->bootloader, sizeof(st->bootloader), "%s", hp_bootloader_name(in->bootloader));
	snprintf(st->file, sizeof(st->file), "%s", a->change.file);
	snprintf(st->tokens, sizeof(st->tokens), "%s", in->cmdline);
	snprintf(st->plan_id, sizeof(st->plan_id), "%s", in->plan_id);
	snprintf(st->summary, sizeof(st->summary), "%s", in->summary);
	snprintf(st->sizes, sizeof(st->sizes), "%s", in->sizes ? in->sizes : "");
	snprintf(st->update_note, sizeof(st->update_note), "%s", note);
	st->created_file = a->change.created || (old && old->created_file &&
						 (streq(old->bootloader, st->bootloader) ||
						  same_family(old->bootloader, in->bootloader)));
	if (in->bootloader == HP_BL_BLS) {
		snprintf(st->boot, sizeof(st->boot), "%s", in->boot ? in->boot : "");
		snprintf(st->entry_token, sizeof(st->entry_token), "%s",
			 in->entry_token ? in->entry_token : "");
	}
	if (ki_like(in->bootloader) && !in->update.refresh)
		st->update = HP_UPDATE_NONE;
	else if (outcome == HP_OUTCOME_DONE)
		st->update = HP_UPDATE_DONE;
	else if (outcome == HP_OUTCOME_FAILED || changed || a->pending)
		st->update = HP_UPDATE_PENDING;
	else
		st->update = old ? old->update : HP_UPDATE_DONE;
	record_vms(in, st);

	/* the state keeps the time of the last real change */
	if (old && !changed && streq(old->tokens, st->tokens) &&
	    streq(old->bootloader, st->bootloader) && streq(old->file, st->file) &&
	    old->update == st->update && old->created_file == st->created_file &&
	    streq(old->sizes, st->sizes) && hp_recs_equal(&old->vms, &st->vms) &&
	    streq(old->booted_plan, st->booted_plan) && hp_recs_equal(&old->booted, &st->booted) &&
	    streq(old->boot, st->boot) && streq(old->entry_token, st->entry_token)) {
		snprintf(st->applied, sizeof(st->applied), "%s", old->applied);
		return false;
	}
	if (!changed && old && streq(old->tokens, st->tokens))
		snprintf(st->applied, sizeof(st->applied), "%s", old->applied);
	else
		snprintf(st->applied, sizeof(st->applied), "%s", now);
	return true;
}

/* --- remove */

int hp_remove_decide(const struct hp_remove_in *in, struct hp_remove *out)
{
	const struct hp_state *old = in->old;
	enum hp_bootloader bls[2];
	size_t nr = 0;
	int r;

	memset(out, 0, sizeof(*out));
	/* what to clean: as asked, else as recorded, else wherever hugeplan's files are */
	if (in->want != HP_BL_AUTO) {
		bls[nr++] = in->want;
	} else if (old && !hp_bootloader_parse(old->bootloader, &bls[0]) && bls[0] != HP_BL_AUTO) {
		nr = 1;
	} else {
		if (in->snippet_exists)
			bls[nr++] = HP_BL_GRUB;
		if (in->kernel_cmdline_exists)
			bls[nr++] = HP_BL_KERNEL_INSTALL;
	}
	/* the entries: asked for, recorded, or (asked nothing) wherever hugeplan's words are */
	if (in->bls && (in->want == HP_BL_BLS || in->want == HP_BL_AUTO)) {
		r = hp_bls_decide(in->bls, true, &out->entries, &out->bad_entry, &out->bad_line);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < nr; i++) {
		struct hp_file_change *c = &out->changes[out->nr++];
		const char *current = bls[i] == HP_BL_GRUB ? in->snippet : in->kernel_cmdline;

		out->retry_update |= bls[i] == HP_BL_GRUB && old && streq(old->bootloader, "grub");
		if (ki_like(bls[i]) && in->kernel_cmdline_err) {
			out->unreadable = true;
			return in->kernel_cmdline_err;
		}
		r = target_text(c, bls[i], current, NULL, NULL, NULL, 0);
		if (r < 0)
			return r;
		/*
		 * A file hugeplan created goes again when what is left is what kernel-install
		 * would use without it: nothing, or /usr/lib/kernel/cmdline when there is one,
		 * else the running command line without its loader's words; hugeplan's words
		 * out of either. Anything else is an edit of the admin's since, and stays.
		 */
		if (c->action == HP_FILE_WRITE && ki_like(bls[i]) && old && old->created_file) {
			const char *base =
				in->usr_lib_cmdline ? in->usr_lib_cmdline : in->proc_cmdline;
			char *fallback = NULL;
			bool same = c->len == 0;

			if (!same && base) {
				r = hp_cmdline_edit(base, NULL, 0,
						    in->usr_lib_cmdline ? 0 : HP_CMDLINE_FROM_PROC,
						    &fallback);
				if (r == -ENOMEM)
					return r;
				same = r == 0 && streq(fallback, c->text);
				free(fallback);
			}
			if (same) {
				free(c->text);
				c->text = NULL;
				c->len = 0;
				c->action = HP_FILE_REMOVE;
			} else {
				c->kept_edited = true;
			}
		}
		judge(c, current);
	}
	return 0;
}

void hp_remove_free(struct hp_remove *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->changes[i].text);
		r->changes[i].text = NULL;
	}
	hp_file_changes_free(&r->entries);
}

void hp_remove_update(const struct hp_remove_in *in, const struct hp_remove *r, bool grub_changed,
		      bool ki_changed, struct hp_update_plan *u)
{
	const struct hp_state *old = in->old;
	bool menu = grub_changed || r->retry_update;
	char cmd[400];

	memset(u, 0, sizeof(*u));
	/* a removal whose boot menu update failed is finished by the next remove */
	if (!menu && !(in->update.refresh && ki_changed))
		return;
	what_runs(&in->update, menu, cmd, sizeof(cmd));
	if (!may_run(&in->update, cmd, u))
		return;
	u->run = true;
	u->menu = menu;
	u->refresh = in->update.refresh != NULL;
	if (grub_changed || ki_changed)
		reason(u, HP_WHY_CHANGED, NULL);
	else if (old && old->update == HP_UPDATE_PENDING && !old->tokens[0])
		reason(u, HP_WHY_LAST_FAILED, NULL);
	else
		reason(u, HP_WHY_MAY_HOLD, NULL);
}

void hp_remove_record(const char *note, const char *now, struct hp_state *st)
{
	memset(st, 0, sizeof(*st));
	st->update = HP_UPDATE_PENDING;
	snprintf(st->bootloader, sizeof(st->bootloader), "grub");
	snprintf(st->file, sizeof(st->file), "%s", HP_P_GRUB_SNIPPET);
	snprintf(st->summary, sizeof(st->summary), "removed");
	snprintf(st->update_note, sizeof(st->update_note), "%s", note);
	snprintf(st->applied, sizeof(st->applied), "%s", now);
}
