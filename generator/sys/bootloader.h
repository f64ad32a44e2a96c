/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system side of boot loader handling, all under a root (sys/path.h): what is installed,
 * where other GRUB settings set huge page words, and running the tool that regenerates the
 * boot menu. libc only.
 */
#ifndef HP_SYS_BOOTLOADER_H
#define HP_SYS_BOOTLOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/bootloader.h"

/*
 * hp_boot_probe - fill f from the system under root: the first grub-mkconfig found (and
 * whether its text reads /etc/default/grub.d), update-grub, kernel-install, /etc/kernel/cmdline.
 * Paths in f are as on the system (without root). 0, or -errno when grub-mkconfig exists
 * but cannot be read.
 */
int hp_boot_probe(const char *root, struct hp_boot_facts *f);

struct hp_grub_word {
	char file[256]; /* as on the system: /etc/default/grub, /etc/default/grub.d/NAME.cfg */
	unsigned line;
	char word[64];
	bool after_snippet; /* grub-mkconfig sources it after 99-hugeplan.cfg */
};

/*
 * hp_grub_find_words - owned words (core/cmdline-edit.h) in /etc/default/grub and
 * /etc/default/grub.d/ *.cfg other than hugeplan's own, in the order grub-mkconfig reads them
 * (C collation). Fills up to max and returns the total count, or -errno when a file or the
 * directory exists but cannot be read. Missing files and directory are not an error.
 */
int hp_grub_find_words(const char *root, struct hp_grub_word *out, size_t max);

/*
 * hp_grub_find_init - where the same files give GRUB_CMDLINE_LINUX a "--"
 * (core/grub-snippet.h's hp_grub_scan_init()): the last such file and its line (file "" and
 * line 0 when none). 0, or -errno as above.
 */
int hp_grub_find_init(const char *root, char *file, size_t len, unsigned *line);

/* The GRUB settings as grub-mkconfig has them once it sourced its files (hp_grub_source()). */
struct hp_grub_vars {
	char *linux_;		/* GRUB_CMDLINE_LINUX, malloc'd */
	char *linux_default;	/* GRUB_CMDLINE_LINUX_DEFAULT */
	char *disable_recovery; /* GRUB_DISABLE_RECOVERY */
};

/*
 * hp_grub_source - source /etc/default/grub and every /etc/default/grub.d/ *.cfg in the order
 * grub-mkconfig does, under "set -e", in a shell of their own (/bin/sh, an environment of
 * PATH alone), with 99-hugeplan.cfg's text replaced by snippet (NULL: without it), and give
 * the variables its linux lines are made of. The running system's files only: they are
 * shell code, and an image's (--root) is not run on this host. 0 and *v
 * (hp_grub_vars_free()); -ECHILD when the shell failed (*status, and what it said in err);
 * -errno.
 */
int hp_grub_source(const char *snippet, struct hp_grub_vars *v, int *status, char *err,
		   size_t errlen);
void hp_grub_vars_free(struct hp_grub_vars *v);

/*
 * hp_grub_kernels - the kernel versions grub-mkconfig's 10_linux makes entries for: the
 * files /boot/vmlinuz-VERSION, newest first (UAPI.10 order). Up to max; returns the count.
 */
int hp_grub_kernels(const char *root, char (*out)[256], size_t max);

/*
 * hp_run - run argv[0] (an absolute path) with argv, no shell, stdin from /dev/null, stdout
 * and stderr shared with ours; wait for it. 0 and *status (exit code, or 128+signal) once it
 * ran; -errno when it could not be started or waited for (the exec error is passed back from
 * the child), and *step names the call that failed: "pipe", "fork", "exec" or "wait".
 */
int hp_run(const char *const *argv, int *status, const char **step);

/*
 * hp_run_capture - run argv[0] (an absolute path) with argv and an environment of PATH alone,
 * in on its stdin, its stdout into *out (malloc'd, *outlen bytes, at most 16 MiB) and the start
 * of its stderr into err (one line); wait for it. 0 and *status (exit code, 127 when it could
 * not be started, 128+signal), or -errno.
 */
int hp_run_capture(const char *const *argv, const char *in, char **out, size_t *outlen, int *status,
		   char *err, size_t errlen);

#endif
