/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What hugeplan apply (cli/apply.c) and hugeplan remove (cli/remove.c) share: their options,
 * reading what core/apply.h decides from, and carrying out what it decided (a file replaced
 * or removed atomically, the boot menu regenerated, the state written), each with its
 * message. Private to the two commands.
 */
#ifndef HP_CLI_BOOTCFG_H
#define HP_CLI_BOOTCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "core/apply.h"
#include "core/bootloader.h"
#include "core/state.h"
#include "sys/lock.h"

#define BOOTCFG_PATH_MAX 4096
#define EXIT_ERROR	 EXIT_USAGE

struct bootcfg_opts {
	struct hp_cli cli; /* cli.cmd: "apply" or "remove" */
	enum hp_bootloader want;
	bool want_set; /* --bootloader other than auto */
	bool no_update;
	bool dry_run;
	unsigned wait_s; /* --wait: how long to wait for another apply or remove */
};

/*
 * bootcfg_parse - the options of apply (apply true) or remove. 0 go on; -1 done (--help
 * printed); EXIT_USAGE after the message.
 */
int bootcfg_parse(int argc, char **argv, struct bootcfg_opts *o, bool apply);

/* The default of --wait: how long apply and remove wait for one another, in seconds. */
#define BOOTCFG_WAIT	 120
#define BOOTCFG_WAIT_MAX 86400

/*
 * bootcfg_lock - take the lock of sys/lock.h under --root (one apply or remove at a time,
 * from the state's first read to its last write, the boot menu update included), waiting
 * up to --wait seconds and saying on stderr whom it waits for; a dry run takes none. 0 (l
 * held, or not for a dry run; hp_lock_release() it either way), or EXIT_ERROR after the
 * message.
 */
int bootcfg_lock(const struct bootcfg_opts *o, struct hp_lock *l);

/* bootcfg_path - file (as on the system) under --root, for messages and for writing */
const char *bootcfg_path(const struct bootcfg_opts *o, const char *file, char *buf, size_t len);

/*
 * bootcfg_read - the text of file under --root: 0 and *text (malloc'd), or NULL when it does
 * not exist; EXIT_ERROR after "cannot read" otherwise.
 */
int bootcfg_read(const struct bootcfg_opts *o, const char *file, char **text);

/* bootcfg_read_state - 1 and *s, 0 none, or EXIT_ERROR after the message (unreadable, bad). */
int bootcfg_read_state(const struct bootcfg_opts *o, struct hp_state *s);

/*
 * bootcfg_update_opts - how the boot menu is regenerated here, for core/apply.h: cmd (len
 * bytes) holds the command and, after its NUL, Proxmox's refresh when it is due.
 */
void bootcfg_update_opts(const struct bootcfg_opts *o, const struct hp_boot_facts *f,
			 struct hp_update_opts *u, char *cmd, size_t len);

/*
 * bootcfg_commit - carry out a change of core/apply.h (not HP_FILE_KEEP): the file under
 * --root written or removed atomically. 0 and *changed (false: it already was so), or
 * EXIT_ERROR after the message naming the file and the step, *changed then telling whether
 * the change is in place all the same (only the directory's fsync failed).
 */
int bootcfg_commit(const struct bootcfg_opts *o, const struct hp_file_change *c, bool *changed);

/* grubby, where it is installed (Fedora, RHEL): apply lets it edit the entries */
struct bootcfg_grubby {
	const char *path;	 /* /usr/sbin/grubby */
	const char *boot;	 /* $BOOT: grubby names a kernel as $BOOT and the entry's linux */
	const char *const *toks; /* what goes in */
	size_t nr_toks;
};

/*
 * bootcfg_commit_entries - carry out the entries' changes of core/blsapply.h in order, one
 * line per entry ("wrote", "restored", "took ... out of", "unchanged"; records quietly);
 * with grubby (NULL: hugeplan writes) an entry apply changes is edited by grubby, checked to
 * hold exactly the tokens, and its record's "after" is what grubby wrote. 0 and *changed (how
 * many entries changed), or EXIT_ERROR after the message: what was done before stays, the
 * records keep what remove needs.
 */
int bootcfg_commit_entries(const struct bootcfg_opts *o, const struct hp_file_changes *cs,
			   const struct bootcfg_grubby *grubby, size_t *changed);

/*
 * bootcfg_run_step - run argv (no shell), saying so and its result; what: what stays as it
 * was when it fails. note (NULL: none) is what the state records. 0, or EXIT_ERROR.
 */
int bootcfg_run_step(const struct bootcfg_opts *o, const char *const *argv, const char *what,
		     char *note, size_t nlen);

/* bootcfg_print_entries - a dry run's lines for the entries: each entry's new options. */
void bootcfg_print_entries(const struct bootcfg_opts *o, const struct hp_file_changes *cs);

/*
 * bootcfg_run_update - regenerate grub.cfg, saying so; note is what the state records.
 * 0 ran and succeeded, EXIT_ERROR otherwise (message printed).
 */
int bootcfg_run_update(const struct bootcfg_opts *o, const struct hp_boot_facts *f, char *note,
		       size_t nlen);

/*
 * bootcfg_update - carry out u: its reason, then the update (note: how it ended), or its
 * note when it does not run (none for HP_WHY_NONE). The outcome, for the state.
 */
enum hp_update_outcome bootcfg_update(const struct bootcfg_opts *o, const struct hp_boot_facts *f,
				      const struct hp_update_plan *u, char *note, size_t nlen);

/*
 * bootcfg_write_state - write s, then "recorded PATH"; 0 or EXIT_ERROR after the message.
 * *made (when not NULL): whether the state file holds s now (also after an EXIT_ERROR whose
 * step came after the rename).
 */
int bootcfg_write_state(const struct bootcfg_opts *o, const struct hp_state *s, bool *made);

/* bootcfg_remove_state - remove the state file, then "removed PATH"; 0 or EXIT_ERROR. */
int bootcfg_remove_state(const struct bootcfg_opts *o);

/* bootcfg_print_dry - "would write PATH (N bytes):" and the text, or "would remove PATH". */
void bootcfg_print_dry(const struct bootcfg_opts *o, const struct hp_file_change *c);

/* bootcfg_print_update - a dry run's "would run: CMD" (after its reason) or the note. */
void bootcfg_print_update(const struct hp_update_plan *u, const struct hp_update_opts *o);

/* bootcfg_now - the time for the state, "2026-11-26T06:40:00Z" ("unknown" if none) */
void bootcfg_now(char *buf, size_t len);

/* bootcfg_error - "hugeplan CMD: " and the message on stderr */
void bootcfg_error(const struct bootcfg_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
