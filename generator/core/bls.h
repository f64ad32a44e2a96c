/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot Loader Specification type #1 entries ($BOOT/loader/entries/ *.conf), as systemd-boot,
 * bootctl and Fedora/RHEL GRUB (blscfg) read them, and the edit of their "options" lines that
 * puts hugeplan's tokens in. Pure: no I/O.
 *
 * An entry is lines of "key value": leading and trailing blanks are dropped, empty lines and
 * lines starting with '#' are skipped, the key ends at the first blank, the value starts after
 * the blanks that follow it, and a key without a value is ignored (systemd's bootspec.c). Every
 * "options" line counts, in order, joined by one space: that is the kernel's command line
 * (before the boot loader adds initrd= and the like).
 *
 * The edit removes every owned word (core/cmdline-edit.h: the words the GRUB snippet strips)
 * from every options line before the kernel's "--" and appends the tokens to the last options
 * line (or, when a line holds the "--", puts them before it), adding an options line when the
 * entry has none. Every other byte of the file stays as it was, and an entry whose owned words
 * already are exactly the tokens, in order, is left as it is wherever they stand (kernel-install
 * writes systemd.machine_id= after them). The original text is what remove puts back, byte for byte
 * (hp_bls_undo).
 */
#ifndef HP_BLS_H
#define HP_BLS_H

#include <stdbool.h>
#include <stddef.h>

#define HP_BLS_FIELD_MAX 256

struct hp_bls_entry {
	char title[HP_BLS_FIELD_MAX];
	char version[HP_BLS_FIELD_MAX];
	char machine_id[HP_BLS_FIELD_MAX];
	char sort_key[HP_BLS_FIELD_MAX];
	char linux_path[HP_BLS_FIELD_MAX]; /* "linux": the kernel image, relative to $BOOT */
	char efi[HP_BLS_FIELD_MAX];	   /* "efi": an EFI program (a UKI, say) instead */
	char *options;			   /* every options line, joined by one space; malloc'd */
	size_t nr_options;		   /* how many options lines */
	unsigned options_line;		   /* line of the first options line, 0 none */
};

/*
 * hp_bls_parse - read an entry. 0, or -ENOMEM. Values longer than a field are truncated
 * (the options are not). hp_bls_entry_free() afterwards in every case.
 */
int hp_bls_parse(const char *text, struct hp_bls_entry *e);
void hp_bls_entry_free(struct hp_bls_entry *e);

/*
 * hp_bls_edit - the entry text with the tokens in its options (see above); n == 0 takes every
 * owned word out and puts none in. Returns 0 and *out (malloc'd), -EINVAL for a bad token or
 * an options line that ends inside a double quote (*bad_line is that line: the kernel would
 * read the tokens as part of the quoted value), -ENOMEM.
 */
int hp_bls_edit(const char *text, const char *const *toks, size_t n, char **out,
		unsigned *bad_line);

enum hp_bls_undo_how {
	HP_BLS_UNDO_RESTORE = 0, /* the entry is as apply left it: the original goes back */
	HP_BLS_UNDO_STRIP,	 /* changed since (an edit, a kernel reinstall): owned words out */
};

/*
 * hp_bls_undo - what remove writes for an entry whose text is now cur, given what apply found
 * (before) and wrote (after): before itself when cur is after, byte for byte; otherwise cur
 * without owned words. 0, *out (malloc'd) and *how; or hp_bls_edit()'s errors.
 */
int hp_bls_undo(const char *cur, const char *before, const char *after, char **out,
		enum hp_bls_undo_how *how, unsigned *bad_line);

/*
 * hp_bls_name_has_token - whether an entry file name belongs to entry token tok:
 * "TOK-VERSION.conf" or "TOK-VERSION+TRIES.conf" (kernel-install's names). A NULL or empty
 * token accepts every name.
 */
bool hp_bls_name_has_token(const char *name, const char *tok);

#endif
