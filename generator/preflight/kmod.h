/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What libkmod says about a module of a given kernel, under a root: built in, loadable (with
 * the .ko path as it is on the target, "/lib/modules/<kver>/..."), or missing; whether a
 * modprobe "blacklist" line names it; and its modprobe "install" command, if any.
 *
 * The context reads <root>/lib/modules/<kver> (its modules.dep.bin, modules.builtin.bin and
 * modules.builtin.alias.bin, as depmod writes them) and the modprobe.d folders under root,
 * resolved beneath root as sys/root.h resolves every path: libkmod opens its files itself,
 * so under a root (as root) it runs in a child process chrooted into it, which answers the
 * queries. Its blacklist then also holds the root's own /proc/cmdline modprobe.blacklist=.
 * Without the right to chroot (not root), libkmod reads the root's files as the running
 * system resolves them (and adds the running kernel's modprobe.blacklist=).
 *
 * Not linked into the early-boot verifier: this is the only libkmod user.
 */
#ifndef HP_PREFLIGHT_KMOD_H
#define HP_PREFLIGHT_KMOD_H

#include "core/preflight.h"

struct hp_kmod;

/*
 * hp_kmod_scan - what libkmod would open blocking under root, refused first: anything but a
 * regular file or a directory in a modprobe.d folder or among <root>/lib/modules/<kver>/
 * modules.* (a FIFO would hang it). 0, or -HP_ENOTREG (-errno) with the path under root in
 * errpath.
 */
int hp_kmod_scan(const char *root, const char *kver, char *errpath, size_t errlen);

/*
 * hp_kmod_open - a libkmod context for kernel kver under root (NULL or "/" for the running
 * system). Returns 0 and *out, -ENOENT when <root>/lib/modules/<kver> does not exist,
 * -ENODATA when it has no modules.dep.bin (depmod never ran), -ENOMEM, -ENAMETOOLONG.
 * libkmod's own log messages are dropped.
 */
int hp_kmod_open(const char *root, const char *kver, struct hp_kmod **out);

/*
 * hp_kmod_query - fill *out for module name ('-' and '_' are the same). A module that is
 * neither built in nor in modules.dep is HP_MOD_MISSING, not an error. loaded_by names
 * another module whose install command runs modprobe of this one (hp_install_loads()).
 * Returns 0, -EINVAL for an empty or too long name, -ENOMEM.
 */
int hp_kmod_query(struct hp_kmod *k, const char *name, struct hp_modinfo *out);

void hp_kmod_close(struct hp_kmod *k);

#endif
