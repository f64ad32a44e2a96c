/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel arguments hugeplan owns, and edits of command line text that keep every other
 * word as it was. Pure: no I/O.
 *
 * "Owned" words are the ones the kernel reads for the boot-time pool and hugeplan's own:
 * hugepages=, hugepagesz=, default_hugepagesz=, hugetlb_free_vmemmap= and hugeplan.*, as
 * grub/owned-params.list has them (the build makes hp_param_owned()'s table and the GRUB
 * snippet's case patterns from it). Names
 * compare as the kernel's parameq() does ('-' and '_' alike), after next_arg()'s quote
 * stripping, so "default-hugepagesz=1G" and "\"hugepages=4\"" are owned too. A second
 * hugepagesz= pair for a size is ignored by the kernel, which is why every owned word found
 * elsewhere is removed before hugeplan's tokens go in.
 *
 * Tokens (what hugeplan writes, core/render.h) must be owned words that hp_token_valid()
 * accepts ([A-Za-z0-9_.,:=-], bounded): nothing that a shell or the kernel's tokenizer would
 * treat specially, so they can be pasted into shell text and command lines without quoting,
 * and a later edit always finds them again.
 *
 * hp_word_owned() follows next_arg() (a leading quote is stripped, quotes group blanks) and
 * wants the '=' the kernel's __setup() names include, so a bare "hugepages" is not owned.
 */
#ifndef HP_CMDLINE_EDIT_H
#define HP_CMDLINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/render.h" /* HP_MAX_TOKENS, HP_TOKEN_MAX, hp_token_valid() */

/* hp_param_owned - whether a parameter name (as next_arg() returns it) is one hugeplan owns. */
bool hp_param_owned(const char *param, bool has_val);

/* hp_word_owned - whether one raw command line word (quotes included) is owned. */
bool hp_word_owned(const char *word, size_t len);

/* hp_token_check - 0 when tok passes hp_token_valid() and is an owned word; -EINVAL otherwise. */
int hp_token_check(const char *tok);

/*
 * hp_tokens_check - hp_token_check() on every token; at most HP_MAX_TOKENS of them. On
 * -EINVAL, *bad (if given) is the index of the first bad token (n when there are too many).
 */
int hp_tokens_check(const char *const *toks, size_t n, size_t *bad);

enum {
	/* the text is /proc/cmdline: also drop initrd= and BOOT_IMAGE= words, as kernel-install
	 * does when it falls back to the running command line */
	HP_CMDLINE_FROM_PROC = 1 << 0,
};

/*
 * hp_cmdline_edit - the text of /etc/kernel/cmdline with every owned word removed (words
 * after a "--" belong to init and are left alone) and toks appended (before a "--", if there
 * is one). Every other word keeps its text and order, and the blanks between kept words stay
 * as they were; the result has no leading or trailing blanks and ends with one newline (or is
 * empty when no word is left). Applying it to its own output gives the same output.
 *
 * Returns 0 and sets *out (malloc'd, NUL-terminated; free() it). -EINVAL when a token is bad
 * or the text ends inside a double quote (the kernel would read the appended tokens as part of
 * that quoted value), -ENOMEM.
 */
int hp_cmdline_edit(const char *text, const char *const *toks, size_t n, unsigned flags,
		    char **out);

/*
 * hp_cmdline_count_owned - how many owned words the kernel would read in text (before "--").
 */
size_t hp_cmdline_count_owned(const char *text);

/*
 * hp_cmdline_oneoff - the words of cmdline that ask for one boot only, not for every boot:
 * the runlevels and targets init takes from the command line (single, s, S, 1, emergency,
 * rescue, -b, systemd.unit= or rd.systemd.unit= of rescue.target or emergency.target), the
 * shells and stops for debugging (init=, rdinit=, rd.break, rd.shell, rd.emergency=,
 * rd.rescue, systemd.debug_shell, initramfs-tools' break=). Written into buf blank-separated
 * as they stand (cut to fit); returns how many there are.
 */
size_t hp_cmdline_oneoff(const char *cmdline, char *buf, size_t len);

#endif
