// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/bootloader.h"

const char *hp_bootloader_name(enum hp_bootloader b)
{
	switch (b) {
	case HP_BL_AUTO:
		break;
	case HP_BL_GRUB:
		return "grub";
	case HP_BL_KERNEL_INSTALL:
		return "kernel-install";
	case HP_BL_BLS:
		return "bls";
	}
	return "auto";
}

int hp_bootloader_parse(const char *s, enum hp_bootloader *b)
{
	if (!strcmp(s, "auto"))
		*b = HP_BL_AUTO;
	else if (!strcmp(s, "grub"))
		*b = HP_BL_GRUB;
	else if (!strcmp(s, "kernel-install"))
		*b = HP_BL_KERNEL_INSTALL;
	else if (!strcmp(s, "bls"))
		*b = HP_BL_BLS;
	else
		return -EINVAL;
	return 0;
}

static const char alternatives[] =
	"use --bootloader=bls if it boots Boot Loader Specification entries ($BOOT/loader/entries: systemd-boot, Fedora/RHEL GRUB), --bootloader=kernel-install if it boots through /etc/kernel/cmdline (kernel-install, unified kernel images), or add the output of 'hugeplan cmdline' to the kernel command line yourself (Fedora/RHEL: grubby --update-kernel=ALL --args=...; Arch: GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then grub-mkconfig)";

int hp_bootloader_choose(const struct hp_boot_facts *f, enum hp_bootloader want,
			 enum hp_bootloader *out, char *why, size_t whylen)
{
	bool grub_ok = f->mkconfig[0] && f->mkconfig_reads_grub_d;
	bool ki = f->kernel_cmdline || f->kernel_install[0];

	switch (want) {
	case HP_BL_KERNEL_INSTALL:
	case HP_BL_BLS:
		*out = want;
		return 0;
	case HP_BL_GRUB:
		if (grub_ok)
			break;
		if (!f->mkconfig[0]) {
			snprintf(why, whylen, "GRUB: no grub-mkconfig found; %s", alternatives);
			return -ENOENT;
		}
		snprintf(
			why, whylen,
			"GRUB: %s does not read /etc/default/grub.d, so GRUB would ignore 99-hugeplan.cfg; %s",
			f->mkconfig, alternatives);
		return -ENOTSUP;
	case HP_BL_AUTO:
		if (f->bls_entries) {
			*out = HP_BL_BLS;
			return 0;
		}
		/* Proxmox VE's systemd-boot hosts keep their command line there */
		if (f->proxmox_uuids && f->kernel_cmdline) {
			*out = HP_BL_KERNEL_INSTALL;
			return 0;
		}
		if (grub_ok)
			break;
		if (ki) {
			*out = HP_BL_KERNEL_INSTALL;
			return 0;
		}
		if (f->mkconfig[0]) {
			snprintf(
				why, whylen,
				"GRUB: %s does not read /etc/default/grub.d, so GRUB would ignore 99-hugeplan.cfg, and there is no /etc/kernel/cmdline or kernel-install; %s",
				f->mkconfig, alternatives);
			return -ENOTSUP;
		}
		snprintf(
			why, whylen,
			"no supported boot loader found: no grub-mkconfig, no /etc/kernel/cmdline, no kernel-install; use --bootloader=grub or --bootloader=kernel-install, or add the output of 'hugeplan cmdline' to the kernel command line yourself");
		return -ENOENT;
	}
	*out = HP_BL_GRUB;
	return 0;
}

int hp_grub_update_argv(const struct hp_boot_facts *f, const char *grub_cfg, const char **argv)
{
	if (f->update_grub[0]) {
		argv[0] = f->update_grub;
		argv[1] = NULL;
		return 0;
	}
	if (!f->mkconfig[0])
		return -ENOENT;
	argv[0] = f->mkconfig;
	argv[1] = "-o";
	argv[2] = grub_cfg;
	argv[3] = NULL;
	return 0;
}
