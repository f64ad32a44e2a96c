/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The other owners of the kernel command line, and whether they defeat hugeplan's words or
 * take a pool where it must not go. Pure: sys/owners.h reads their files; check and apply
 * show the findings (errors refuse apply), status names the cause of a stale pool.
 *
 *   grub-init  a "--" in GRUB_CMDLINE_LINUX: grub.cfg's linux lines are "GRUB_CMDLINE_LINUX
 *              GRUB_CMDLINE_LINUX_DEFAULT", so every later word, hugeplan's included, goes
 *              to init (seen on a real boot: 0 pages). An error naming the file and line.
 *   tuned      tuned's bootloader plugin puts a profile's [bootloader] cmdline= into
 *              /etc/tuned/bootcmdline (TUNED_BOOT_CMDLINE), which /etc/grub.d/00_tuned turns
 *              into $tuned_params, standing in GRUB_CMDLINE_LINUX_DEFAULT before hugeplan's
 *              words: huge page words there are what the kernel takes (it keeps the first
 *              pair for a size). An error naming the profile, the file and the fix.
 *   kdump      the crash kernel's command line, as kdump-config (Debian) or kdumpctl
 *              (Fedora, RHEL) builds it from the next boot's (core/kdump.h): a pool there
 *              would take the few hundred MiB the crash kernel has. ok, or an error naming
 *              the setting and its line.
 */
#ifndef HP_OWNERS_H
#define HP_OWNERS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/preflight.h"
#include "core/kcmdline.h"

#define HP_OWNER_TEXT_MAX 4096
#define HP_OWNER_PATH_MAX 512

enum hp_kdump_tool {
	HP_KDUMP_NONE = 0,
	HP_KDUMP_DEBIAN, /* kdump-tools: kdump-config, /etc/default/kdump-tools */
	HP_KDUMP_REDHAT, /* kexec-tools, kdump-utils: kdumpctl, /etc/sysconfig/kdump */
};

/* Paths in the facts are as messages show them: under --root's name. */
struct hp_owner_facts {
	/* GRUB: where GRUB_CMDLINE_LINUX gets a "--" (file "" none) */
	char init_file[HP_OWNER_PATH_MAX];
	unsigned init_line;

	/* tuned */
	char tuned_profile[128];	       /* /etc/tuned/active_profile, "" none */
	char tuned_cmdline[HP_OWNER_TEXT_MAX]; /* TUNED_BOOT_CMDLINE of /etc/tuned/bootcmdline */
	char tuned_file[HP_OWNER_PATH_MAX];    /* that file */
	bool tuned_grub;		       /* /etc/grub.d/00_tuned is there (executable) */
	char tuned_conf[HP_OWNER_PATH_MAX];    /* the profile's tuned.conf, "" not found */
	unsigned tuned_conf_line;	       /* its cmdline line with huge page words, 0 none */

	/* kdump */
	enum hp_kdump_tool kdump;
	char kdump_file[HP_OWNER_PATH_MAX]; /* its settings file */
	char kdump_cmdline[HP_OWNER_TEXT_MAX];
	unsigned kdump_cmdline_line; /* KDUMP_CMDLINE / KDUMP_COMMANDLINE, 0 unset */
	char kdump_append[HP_OWNER_TEXT_MAX];
	unsigned kdump_append_line;	      /* KDUMP_CMDLINE_APPEND / KDUMP_COMMANDLINE_APPEND */
	char kdump_remove[HP_OWNER_TEXT_MAX]; /* KDUMP_COMMANDLINE_REMOVE (RHEL) */
};

struct hp_owner_needs {
	bool grub;	  /* GRUB takes hugeplan's words (apply with GRUB, or GRUB is found) */
	const char *next; /* the next boot's command line, with hugeplan's words */
	const struct hp_karch *arch;
};

/* hp_owners_evaluate - the findings above, appended to out. 0, -ENOMEM, -ENOSPC (full). */
int hp_owners_evaluate(const struct hp_owner_facts *f, const struct hp_owner_needs *n,
		       struct hp_findings *out);

/*
 * hp_owners_stale_cause - when this boot's command line (boot) does not reserve today's plan,
 * whether another owner is why: hugeplan's words (nr_tokens of them, hugeplan.plan= last)
 * stand after a "--" (init took them), or tuned's huge page words come before them. 1 and
 * msg (what to do included), else 0.
 */
int hp_owners_stale_cause(const struct hp_owner_facts *f, const char *boot, size_t nr_tokens,
			  char *msg, size_t len);

#endif
