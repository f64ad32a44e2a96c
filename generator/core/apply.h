/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What "hugeplan apply" and "hugeplan remove" do, decided from what they find. Pure: the
 * front end (cli/apply.c, cli/remove.c) reads the state file and the boot loader's file,
 * calls these, carries out the file change, runs the boot menu update when told to, records
 * the state, and prints. tests/unit/test-apply.c holds the rules as a table.
 *
 * In: the old state (core/state.h: what the last apply recorded), the text of the boot
 * loader's file now, the plan's tokens, the boot loader, the options. Out: one change per
 * file (write this text, remove it, or nothing), whether to regenerate the boot menu and why,
 * and the state to record.
 *
 * The rules:
 *   - grub: the file is /etc/default/grub.d/99-hugeplan.cfg, rendered from the tokens
 *     (core/grub-snippet.h); no tokens (nothing planned) removes it. grub.cfg is known to
 *     match the file only when the state says it was regenerated (update=done) for these very
 *     tokens with GRUB. Otherwise the boot menu is regenerated even when the file is
 *     unchanged ("pending"): the last update failed or was skipped, or an apply stopped
 *     between its write and its state. No state and nothing to write: hugeplan never touched
 *     this boot menu, and it is left alone.
 *   - kernel-install: the file is /etc/kernel/cmdline with hugeplan's words replaced by the
 *     tokens, every other word kept (core/cmdline-edit.h). When it does not exist it is made
 *     from what kernel-install itself reads without it (its 90-loaderentry.install):
 *     /usr/lib/kernel/cmdline when there is one, else /proc/cmdline less BOOT_IMAGE= and
 *     initrd= (created_file=yes in the state; the flag is carried over by later applies with
 *     the same boot loader). Made from /proc/cmdline, the words of it that ask for one boot
 *     only (hp_cmdline_oneoff(): single, init=/bin/bash, rd.break, ...) are named, for a
 *     warning: every kernel kernel-install installs would boot that way. Nothing planned
 *     and no file: nothing to do. There is no menu to regenerate: kernel-install reads the
 *     file when it installs a kernel.
 *   - the update runs when the file changed or an update is pending, except with --root (an
 *     offline image: run it inside the image) or --no-update; the note says why not, and is
 *     recorded. A skipped or failed update leaves update=pending, so the next apply runs it.
 *   - Proxmox VE (/etc/kernel/proxmox-boot-uuids): "proxmox-boot-tool refresh" copies the
 *     kernels and /etc/kernel/cmdline (or grub.cfg) to the ESPs it keeps; it runs after the
 *     GRUB update, and for kernel-install and bls by the same rules as the GRUB update
 *     (pending, done, the same state), so that a failed or skipped refresh runs again.
 *   - the state keeps the time of the last real change: an apply that changes nothing and
 *     finds the state as it would write it leaves the file alone.
 *   - the state holds the per-VM records of the plan written (core/vmrec.h) and, when this
 *     boot runs another plan whose records the old state holds, those too (booted_plan=), so
 *     that status names what changed per VM since this boot's entry even before the reboot.
 *   - remove cleans the boot loader asked for, else the one recorded, else wherever hugeplan's
 *     files are. A state for GRUB means grub.cfg may still hold hugeplan's words (an apply's,
 *     or those of a removal whose update failed), so the menu is regenerated even with the
 *     snippet gone. A /etc/kernel/cmdline apply created goes when what is left is what
 *     kernel-install would use without it: nothing, or the running command line without its
 *     loader's and hugeplan's words; anything else is an edit of the admin's and stays.
 *     When the update fails, remove records update=pending with no tokens, so that the next
 *     remove finishes it; otherwise the state goes.
 *
 * A new boot loader (issue 17) adds its file and its text in target_text() (core/apply.c),
 * and its menu rule in hp_apply_update().
 */
#ifndef HP_APPLY_H
#define HP_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/bootloader.h"
#include "core/state.h"

#define HP_APPLY_NOTE_MAX 2048 /* what hp_state.update_note holds */

enum hp_file_action {
	HP_FILE_KEEP = 0, /* nothing to do: the file is absent and stays so */
	HP_FILE_WRITE,	  /* make the file hold text (unchanged content: nothing is written) */
	HP_FILE_REMOVE,	  /* remove the file (absent: nothing happens, and that is said) */
	HP_FILE_RMDIR,	  /* remove the (empty) folder: a record's (core/blsapply.h) */
};

enum hp_change_kind {
	HP_CHANGE_MAIN = 0, /* the boot loader's file */
	HP_CHANGE_ENTRY,    /* a Boot Loader Specification entry (core/blsapply.h) */
	HP_CHANGE_RECORD,   /* a file or the folder of an entry's record */
};

/* One file's change. */
struct hp_file_change {
	enum hp_bootloader bootloader;
	const char *file; /* as on the system: HP_P_GRUB_SNIPPET, HP_P_KERNEL_CMDLINE */
	enum hp_file_action action;
	char *text; /* HP_FILE_WRITE: the new content, malloc'd */
	size_t len;
	bool differs;	  /* the change is not a no-op, judged from the text read */
	bool created;	  /* apply: /etc/kernel/cmdline is made (from base, below) */
	const char *base; /* created: HP_P_USRLIB_KERNEL_CMDLINE or HP_P_CMDLINE */
	char oneoff[256]; /* created from /proc/cmdline: its one-boot words, "" none */
	bool kept_edited; /* remove: a file apply created, edited since: kept, words out */
	enum hp_change_kind kind;
	bool restored;	/* an entry: its record's "before" goes back, byte for byte */
	char *file_buf; /* file, when it is malloc'd (entries, records) */
};

/* Changes in the order they are carried out. */
struct hp_file_changes {
	struct hp_file_change *v;
	size_t n, cap;
};

/* hp_file_changes_add - a zeroed change at the end: 0 and *c, or -ENOMEM. */
int hp_file_changes_add(struct hp_file_changes *cs, struct hp_file_change **c);
void hp_file_changes_free(struct hp_file_changes *cs);

/* hp_file_changes_differ - how many of the changes of kind are not no-ops */
size_t hp_file_changes_differ(const struct hp_file_changes *cs, enum hp_change_kind kind);

struct hp_bls_in; /* core/blsapply.h */

/* How the boot menu is regenerated, and what may stop it. */
struct hp_update_opts {
	const char *cmd;  /* the command, as printed: "/usr/sbin/update-grub" ("update-grub" when
			     none is found) */
	const char *root; /* --root: an offline image; NULL the running system */
	bool no_update;	  /* --no-update */
	/* Proxmox VE (/etc/kernel/proxmox-boot-uuids): "/usr/sbin/proxmox-boot-tool refresh",
	   which copies the kernels and their command line to the ESPs it keeps; NULL none */
	const char *refresh;
};

enum hp_update_why {
	HP_WHY_NONE = 0,       /* no boot menu to regenerate (kernel-install) */
	HP_WHY_CHANGED,	       /* run: the file changed */
	HP_WHY_LAST_FAILED,    /* run: the last update of the boot menu did not complete */
	HP_WHY_UNRECORDED,     /* run: no record that it was regenerated after the write */
	HP_WHY_MAY_HOLD,       /* run (remove): the menu may still hold hugeplan's words */
	HP_WHY_SKIP_ROOT,      /* not run: --root, an offline image */
	HP_WHY_SKIP_NO_UPDATE, /* not run: --no-update */
	HP_WHY_SKIP_UNCHANGED, /* not run: nothing changed */
};

struct hp_update_plan {
	bool run;     /* something runs: */
	bool menu;    /* ... the boot menu's update (GRUB) */
	bool refresh; /* ... and/or the refresh of Proxmox's ESPs */
	enum hp_update_why why;
	char reason[256]; /* run, and not for a change of the file: what to print first */
	char note[HP_APPLY_NOTE_MAX]; /* not run: why not, as printed and recorded */
};

enum hp_update_outcome {
	HP_OUTCOME_NOT_RUN = 0,
	HP_OUTCOME_DONE,   /* ran, exit status 0 */
	HP_OUTCOME_FAILED, /* could not be started, or failed */
};

/* --- apply */

struct hp_apply_in {
	enum hp_bootloader bootloader; /* hp_bootloader_choose()'s choice: grub or kernel-install */
	const struct hp_state *old;    /* the state file, NULL when there is none */
	const char *current;	       /* the boot loader's file now, NULL when absent */
	const char *proc_cmdline;      /* /proc/cmdline, NULL when unreadable */
	const char *usr_lib_cmdline;   /* /usr/lib/kernel/cmdline, NULL when absent */
	const char *const *toks;       /* the plan's tokens, each passing hp_token_check() */
	size_t nr_toks;		       /* 0: nothing planned, hugeplan's words come out */
	const char *cmdline;	       /* the tokens joined by spaces */
	const char *plan_id;
	const char *summary; /* the pools in words, for the state */
	const char *sizes;   /* hp_plan_mount_sizes(), for the state; NULL: "" */
	struct hp_update_opts update;
	const struct hp_recs *recs; /* the plan's per-VM records; NULL: none */
	const char *boot_id; /* hugeplan.plan= of this boot's command line, "" or NULL none */
	const struct hp_bls_in *bls; /* bls: the entries and their records */
	const char *boot;	     /* bls: $BOOT, for the state */
	const char *entry_token;     /* bls: the entry token, for the state */
};

struct hp_apply {
	struct hp_file_change change;
	struct hp_file_changes entries; /* bls: records and entries, in order */
	bool pending;	       /* grub.cfg is not known to match the file (see the rules) */
	bool other_loader;     /* the state names another boot loader: its words stay there */
	const char *bad_entry; /* -EINVAL: the entry whose options end inside a quote */
	unsigned bad_line;     /* ... and its line */
};

/*
 * hp_apply_decide - the file change. 0; -EINVAL when /etc/kernel/cmdline ends inside a double
 * quote (the kernel would read the tokens as part of that value) or a token is bad; -ENODATA
 * when /etc/kernel/cmdline must be created and proc_cmdline is NULL; -ENOMEM.
 * hp_apply_free() in every case.
 */
int hp_apply_decide(const struct hp_apply_in *in, struct hp_apply *out);
void hp_apply_free(struct hp_apply *a);

/*
 * hp_apply_update - whether to regenerate the boot menu, once the file step is done: changed
 * is whether it changed the file (for a dry run: a->change.differs).
 */
void hp_apply_update(const struct hp_apply_in *in, const struct hp_apply *a, bool changed,
		     struct hp_update_plan *u);

/*
 * hp_apply_record - the state apply leaves in *st, from what happened: changed as above,
 * the update's outcome, note (what ran and how it ended, or u->note when it did not run) and
 * now (the time, "2026-11-26T06:40:00Z"). Returns true when the state file must be written,
 * false when it already holds this state (its time of apply is kept). *st holds copies of the
 * records: hp_state_free() it (also after false). Out of memory, the records are left out.
 */
bool hp_apply_record(const struct hp_apply_in *in, const struct hp_apply *a, bool changed,
		     enum hp_update_outcome outcome, const char *note, const char *now,
		     struct hp_state *st);

/* --- remove */

struct hp_remove_in {
	const struct hp_state *old;  /* NULL when there is none */
	enum hp_bootloader want;     /* --bootloader; HP_BL_AUTO: as recorded, else as found */
	bool snippet_exists;	     /* the GRUB snippet is there (any file type) */
	bool kernel_cmdline_exists;  /* /etc/kernel/cmdline is there */
	const char *snippet;	     /* its text, NULL when absent or unreadable */
	const char *kernel_cmdline;  /* /etc/kernel/cmdline's text, NULL when absent */
	int kernel_cmdline_err;	     /* 0, or -errno when it is there but could not be read */
	const char *proc_cmdline;    /* NULL when unreadable */
	const char *usr_lib_cmdline; /* /usr/lib/kernel/cmdline, NULL when absent */
	struct hp_update_opts update;
	const struct hp_bls_in *bls; /* the entries and records found, NULL none */
};

struct hp_remove {
	struct hp_file_change changes[2]; /* in this order: what to clean */
	size_t nr;			  /* 0: nothing to remove */
	struct hp_file_changes entries;	  /* the entries and their records, in order */
	bool retry_update;     /* a GRUB state: the menu is regenerated even if nothing changes */
	bool unreadable;       /* the error is kernel_cmdline_err */
	const char *bad_entry; /* -EINVAL from an entry: its name and line */
	unsigned bad_line;
};

/*
 * hp_remove_decide - the changes. 0; kernel_cmdline_err when /etc/kernel/cmdline is to be
 * cleaned and could not be read (out->unreadable set); -EINVAL when it ends inside a double
 * quote; -ENOMEM. hp_remove_free() in every case.
 */
int hp_remove_decide(const struct hp_remove_in *in, struct hp_remove *out);
void hp_remove_free(struct hp_remove *r);

/*
 * hp_remove_update - whether to regenerate the boot menu; grub_changed: the snippet went;
 * ki_changed: /etc/kernel/cmdline or an entry changed (Proxmox's refresh copies them).
 */
void hp_remove_update(const struct hp_remove_in *in, const struct hp_remove *r, bool grub_changed,
		      bool ki_changed, struct hp_update_plan *u);

/*
 * hp_remove_record - what remove leaves when the update failed (else the state goes): no
 * tokens, the menu pending, so that the next remove regenerates it.
 */
void hp_remove_record(const char *note, const char *now, struct hp_state *st);

#endif
