/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a "linux" line of grub.cfg hands the kernel: GRUB's own script lexer
 * (grub-core/script/yylex.l) and argument expansion (script/execute.c), then the command line
 * its linux loader builds from the arguments (grub_create_loader_cmdline(), lib/cmdline.c).
 * Pure: no I/O.
 *
 * Lexer, outside quotes: a blank (space, tab) ends a word; a backslash takes the next
 * character literally and a backslash-newline is dropped; '...' is literal; "..." groups, and
 * inside it only \\ \" \$ and backslash-newline are escapes; $NAME and ${NAME} expand (outside
 * double quotes the value splits at blanks into several arguments, inside it stays one); '#'
 * at the start of a word is a comment to the end of the line; an unquoted ; & | < > { } or
 * newline ends the command. 0xA0 is an ordinary character to GRUB.
 *
 * Loader: the arguments joined by single spaces; one holding a space goes in double quotes,
 * and every \ ' " in an argument gets a backslash. So grub.cfg's hugepages"=3" and 'hugepages=4'
 * reach the kernel as hugepages=3 and hugepages=4.
 */
#ifndef HP_GRUBSH_H
#define HP_GRUBSH_H

#include <stdbool.h>
#include <stddef.h>

/* A variable's value at boot (NULL: unset, which expands to nothing). */
typedef const char *(*hp_grub_var_fn)(const char *name, void *ctx);

struct hp_grub_args {
	char *buf;   /* the arguments, each NUL-terminated, one after the other; malloc'd */
	size_t len;  /* bytes used in buf */
	size_t argc; /* how many */
	bool ended;  /* an unquoted command separator ended the command before the text did */
};

/*
 * hp_grub_lex - the arguments of the first command in text (the command word included).
 * var may be NULL (no variable is set). 0 and *a (hp_grub_args_free() it), -EINVAL for a
 * quote that is not closed, -ENOMEM.
 */
int hp_grub_lex(const char *text, hp_grub_var_fn var, void *ctx, struct hp_grub_args *a);
void hp_grub_args_free(struct hp_grub_args *a);

/* hp_grub_arg - the i-th argument, or NULL. */
const char *hp_grub_arg(const struct hp_grub_args *a, size_t i);

/*
 * hp_grub_loader_cmdline - grub_create_loader_cmdline() of arguments first.. of a: the text
 * the kernel gets (the i386 loader puts "BOOT_IMAGE=" before it; pass first = 1 to leave the
 * image path out). *out is malloc'd. 0 or -ENOMEM.
 */
int hp_grub_loader_cmdline(const struct hp_grub_args *a, size_t first, char **out);

/*
 * hp_grub_kernel_cmdline - the two steps at once for the text of a GRUB_CMDLINE_LINUX-style
 * value as grub-mkconfig pastes it into "linux IMAGE ... VALUE": the kernel's command line
 * made of the value's words alone. 0, -EINVAL (unclosed quote), -ENOMEM.
 */
int hp_grub_kernel_cmdline(const char *value, hp_grub_var_fn var, void *ctx, char **out);

#endif
