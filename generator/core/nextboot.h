/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel that boots next, which plan, check and apply judge when no --kver is given: the
 * boot loader's default entry, else the newest installed kernel, else the running one. Not
 * the running kernel first: a host that installed a kernel and did not reboot yet boots the
 * new one, and a container or a custom build may run a kernel that has no /lib/modules.
 * Pure: the edges read grub.cfg, grubenv and the Boot Loader Specification entries.
 *
 * GRUB's default, as grub.cfg and grubenv give it: grubenv's next_entry (a one-time choice)
 * if set, else the "set default=..." of grub.cfg's header (the last one outside any entry;
 * "${saved_entry}" is grubenv's saved_entry). The value is a path of menu items separated by
 * '>': each a number (counting the entries and submenus at that level from 0), an id (what
 * follows $menuentry_id_option) or a title. The kernel is the version in the file name of
 * that entry's "linux" image (/boot/vmlinuz-VERSION).
 */
#ifndef HP_NEXTBOOT_H
#define HP_NEXTBOOT_H

#include <stddef.h>

enum hp_kver_source {
	HP_KVER_GIVEN = 0,    /* --kver */
	HP_KVER_BLS_DEFAULT,  /* the default Boot Loader Specification entry */
	HP_KVER_GRUB_DEFAULT, /* GRUB's default entry */
	HP_KVER_NEWEST,	      /* the newest installed kernel */
	HP_KVER_RUNNING,      /* the running kernel */
};

struct hp_next_in {
	const char *given;	  /* --kver, NULL none */
	const char *bls_default;  /* the kernel of the default BLS entry, "" or NULL unknown */
	const char *grub_default; /* the kernel of GRUB's default entry, "" or NULL unknown */
	const char *newest;	  /* the newest installed kernel, "" or NULL none */
	const char *running;	  /* the running kernel, "" or NULL unknown */
};

/* hp_next_kernel - the kernel to judge, and why (see above). NULL when none is known. */
const char *hp_next_kernel(const struct hp_next_in *in, enum hp_kver_source *src);

/* hp_kver_source_text - "the default boot entry", "the newest installed kernel", ... */
const char *hp_kver_source_text(enum hp_kver_source s);

/*
 * hp_grub_default_kver - the kernel of GRUB's default entry from grub.cfg's text and
 * grubenv's (NULL when absent). 1 and out, 0 when it cannot be told (no such entry, no linux
 * line, an image not named vmlinuz-VERSION).
 */
int hp_grub_default_kver(const char *cfg, const char *grubenv, char *out, size_t len);

#endif
