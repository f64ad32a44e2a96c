/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What core/nextboot.h decides the next boot's kernel from, read under a root: the default
 * Boot Loader Specification entry (sys/bls.h), GRUB's default (grub.cfg and grubenv), the
 * installed kernels and the running one. libc only.
 */
#ifndef HP_SYS_NEXTBOOT_H
#define HP_SYS_NEXTBOOT_H

#include <stddef.h>

#include "core/nextboot.h"
#include "sys/bls.h"

#define HP_INSTALLED_MAX 32

struct hp_next_facts {
	char bls[HP_KVER_MAX];	   /* the kernel of the default entry, "" none */
	char grub[HP_KVER_MAX];	   /* the kernel of GRUB's default entry, "" none */
	char running[HP_KVER_MAX]; /* /proc/sys/kernel/osrelease, "" unreadable */
	char installed[HP_INSTALLED_MAX][HP_KVER_MAX]; /* newest first */
	size_t nr_installed;			       /* how many are listed */
	size_t total_installed;			       /* how many there are */
};

/* hp_next_facts_read - fill f; what cannot be read stays "". 0 or -ENOMEM. */
int hp_next_facts_read(const char *root, struct hp_next_facts *f);

/*
 * hp_next_resolve - the kernel to judge: given (--kver) if set, else core/nextboot.h's
 * choice from f, into out; *src says why. 0, or -ENOENT when no kernel is known at all.
 */
int hp_next_resolve(const struct hp_next_facts *f, const char *given, char *out, size_t len,
		    enum hp_kver_source *src);

/* hp_installed_list - "A, B, C" (or "none") of f's installed kernels, for messages */
void hp_installed_list(const struct hp_next_facts *f, char *out, size_t len);

#endif
