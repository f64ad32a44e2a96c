/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What core/owners.h judges, read under a root: a "--" in GRUB_CMDLINE_LINUX, tuned's boot
 * command line and profile, kdump's settings. libc only.
 */
#ifndef HP_SYS_OWNERS_H
#define HP_SYS_OWNERS_H

#include "core/owners.h"

/* hp_owners_read - fill f; what is missing stays empty. 0, or -errno (*what names the file). */
int hp_owners_read(const char *root, struct hp_owner_facts *f, char *what, size_t wlen);

#endif
