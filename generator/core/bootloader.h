/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which boot loader takes hugeplan's kernel arguments, decided from facts about the system
 * (sys/bootloader.h gathers them). Pure: no I/O.
 *
 *   grub            /etc/default/grub.d/99-hugeplan.cfg, then update-grub (or grub-mkconfig -o).
 *                   Only where grub-mkconfig reads /etc/default/grub.d (Debian, Ubuntu); on
 *                   Fedora, RHEL and Arch GRUB would ignore the file.
 *   kernel-install  the words of /etc/kernel/cmdline (systemd-boot, UKIs, kernel-install).
 *   bls             the same, and the options of every Boot Loader Specification type #1
 *                   entry of this system's installed kernels ($BOOT/loader/entries:
 *                   systemd-boot, Fedora/RHEL GRUB), so that the next boot carries them
 *                   (core/blsapply.h).
 *   auto            bls when $BOOT has entries of this system's installed kernels, else grub
 *                   when it reads grub.d, else kernel-install when /etc/kernel/cmdline or
 *                   kernel-install exists, else an error. On Proxmox VE with systemd-boot
 *                   (/etc/kernel/proxmox-boot-uuids and /etc/kernel/cmdline) kernel-install.
 */
#ifndef HP_BOOTLOADER_H
#define HP_BOOTLOADER_H

#include <stdbool.h>
#include <stddef.h>

#define HP_TOOL_PATH_MAX 128

enum hp_bootloader {
	HP_BL_AUTO = 0,
	HP_BL_GRUB,
	HP_BL_KERNEL_INSTALL,
	HP_BL_BLS,
};

struct hp_boot_facts {
	char mkconfig[HP_TOOL_PATH_MAX]; /* grub-mkconfig's path on the system, "" none */
	bool mkconfig_reads_grub_d;	 /* its text sources /etc/default/grub.d/ *.cfg */
	char update_grub[HP_TOOL_PATH_MAX];
	char kernel_install[HP_TOOL_PATH_MAX];
	bool kernel_cmdline; /* /etc/kernel/cmdline exists */
	bool bls_entries;    /* $BOOT has type #1 entries of this system's installed kernels */
	char proxmox_boot_tool[HP_TOOL_PATH_MAX]; /* proxmox-boot-tool, "" none */
	bool proxmox_uuids; /* /etc/kernel/proxmox-boot-uuids exists: ESPs kept in sync */
	char grubby[HP_TOOL_PATH_MAX]; /* grubby (Fedora, RHEL), "" none */
};

/* "auto", "grub", "kernel-install", "bls" */
const char *hp_bootloader_name(enum hp_bootloader b);

/* hp_bootloader_parse - one of the names above. 0, or -EINVAL. */
int hp_bootloader_parse(const char *s, enum hp_bootloader *b);

/*
 * hp_bootloader_choose - the boot loader to use for want. 0 and *out; or -ENOTSUP (GRUB
 * asked for, or the only one found, and its grub-mkconfig does not read grub.d) or -ENOENT
 * (GRUB asked for and none found; auto and nothing found), with why[] saying so and naming
 * the alternatives. kernel-install asked for explicitly is always possible: the file is
 * created from the running command line.
 */
int hp_bootloader_choose(const struct hp_boot_facts *f, enum hp_bootloader want,
			 enum hp_bootloader *out, char *why, size_t whylen);

/*
 * hp_grub_update_argv - the command that regenerates grub.cfg: update-grub when there is
 * one, else grub-mkconfig -o grub_cfg. Fills argv (at least 4 entries, NULL-terminated).
 * -ENOENT when there is neither.
 */
int hp_grub_update_argv(const struct hp_boot_facts *f, const char *grub_cfg, const char **argv);

#endif
