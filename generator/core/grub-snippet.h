/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text of /etc/default/grub.d/99-hugeplan.cfg, and a scan of other GRUB settings files
 * for owned words (see core/cmdline-edit.h). Pure: no I/O.
 *
 * grub-mkconfig sources /etc/default/grub and then /etc/default/grub.d/ *.cfg in order, as
 * root, under "set -e" (grub/README.md is the contract). The snippet is the fixed text of
 * grub/99-hugeplan.cfg.in, its case patterns made from grub/owned-params.list by the build,
 * plus the validated tokens in place of its @TOKENS@. When sourced it:
 *   - removes every owned word (the words GRUB hands the kernel, core/grubsh.h: split at every
 *     byte the kernel's isspace() takes, 0xA0 included, blanks inside '...' and "..." or
 *     after a backslash kept, judged with GRUB's quotes and backslashes taken out, so
 *     hugepages"=3" and 'hugepages=4' go; words after a "--" belong to init and stay) from
 *     GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT, whatever earlier files put there;
 *   - appends the tokens to GRUB_CMDLINE_LINUX_DEFAULT only (before its "--" if it has one),
 *     so recovery entries, which use GRUB_CMDLINE_LINUX alone, boot without the pool;
 *   - runs only commands that cannot fail (assignments, case, for, printf, set -f in a
 *     subshell), is safe under "set -eu", leaves no function or variable of its own behind,
 *     and gives the same result when sourced twice.
 * Other words are kept in order; the blanks between them become single spaces.
 */
#ifndef HP_GRUB_SNIPPET_H
#define HP_GRUB_SNIPPET_H

#include <stddef.h>

#define HP_GRUB_SNIPPET_NAME "99-hugeplan.cfg"

/*
 * hp_grub_snippet - render the snippet for toks (1..HP_MAX_TOKENS tokens, each passing
 * hp_token_check()). Returns 0 and sets *out (malloc'd; free() it), -EINVAL for no tokens or a
 * bad one (*bad, if given, is its index), -ENOMEM.
 */
int hp_grub_snippet(const char *const *toks, size_t n, char **out, size_t *bad);

struct hp_grub_hit {
	unsigned line; /* 1-based */
	char word[64]; /* the owned word as written, truncated */
};

/*
 * hp_grub_scan - find owned words in the text of a GRUB settings file (shell): words split
 * where the kernel splits, taken as GRUB hands them on (quote characters and backslashes out,
 * so hugepages\"=3\" is hugepages=3; the name of a leading NAME= assignment dropped), comment
 * lines skipped. Fills up to max hits in order and returns how many there are in all (which
 * may be more than max).
 */
size_t hp_grub_scan(const char *text, struct hp_grub_hit *hits, size_t max);

/*
 * hp_grub_scan_init - the first line of text assigning GRUB_CMDLINE_LINUX (not _DEFAULT) with
 * a "--" word in its value: every word after it, hugeplan's in GRUB_CMDLINE_LINUX_DEFAULT
 * included, goes to init, not to the kernel. 0 when there is none.
 */
unsigned hp_grub_scan_init(const char *text);

#endif
