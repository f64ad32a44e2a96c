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

/*
 * hp_run - run argv[0] (an absolute path) with argv, no shell, stdin from /dev/null, stdout
 * and stderr shared with ours; wait for it. 0 and *status (exit code, or 128+signal) once it
 * ran; -errno when it could not be started or waited for (the exec error is passed back from
 * the child), and *step names the call that failed: "pipe", "fork", "exec" or "wait".
 */
int hp_run(const char *const *argv, int *status, const char **step);

#endif
