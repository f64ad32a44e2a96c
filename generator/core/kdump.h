/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line of the crash kernel that kdump loads after the next boot, computed as the
 * tools compute it, so that check can tell whether a huge page pool would go into the few
 * hundred MiB the crash kernel has. Pure: the caller reads the settings files.
 *
 * Debian/Ubuntu kdump-tools (kdump-config's kdump_load()): KDUMP_CMDLINE from
 * /etc/default/kdump-tools if set, else /proc/cmdline (the next boot's command line) with
 * every word "crashkernel=", "hugepages=", "hugepagesz=" and "abm=" that starts the line or
 * follows a space removed, up to the next space (its sed -r with the pattern
 * "(^| )(crashkernel|hugepages|hugepagesz|abm)=" and "[^ ]" repeated: a word after a tab or
 * 0xA0 stays, and default_hugepagesz= is not on the list); then a space
 * and KDUMP_CMDLINE_APPEND (default "reset_devices systemd.unit=kdump-tools-dump.service
 * nr_cpus=1 irqpoll usbcore.nousb").
 *
 * Fedora/RHEL kexec-tools, kdump-utils (kdumpctl's prepare_cmdline()): KDUMP_COMMANDLINE from
 * /etc/sysconfig/kdump if set, else /proc/cmdline; every word named in
 * KDUMP_COMMANDLINE_REMOVE and crashkernel= taken out; KDUMP_COMMANDLINE_APPEND added.
 */
#ifndef HP_KDUMP_H
#define HP_KDUMP_H

#include <stddef.h>

#define HP_KDUMP_DEBIAN_APPEND                                                                     \
	"reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"

/*
 * hp_shvar_get - the value a shell would give NAME after sourcing text made of plain
 * assignments (NAME=value, NAME="value", NAME='value', "export NAME=..."; the last one wins;
 * comments and other lines skipped). 1 and out (truncated to len), 0 when never assigned.
 */
int hp_shvar_get(const char *text, const char *name, char *out, size_t len);

/* hp_shvar_line - hp_shvar_get(), and *line the line of the assignment that counts */
int hp_shvar_line(const char *text, const char *name, char *out, size_t len, unsigned *line);

/*
 * hp_kdump_debian - the crash kernel's command line from next (the next boot's command line),
 * and cmdline / append (KDUMP_CMDLINE and KDUMP_CMDLINE_APPEND; NULL or "" is unset, as
 * kdump-config's "-z" and ":=" take it). *out
 * is malloc'd. 0 or -ENOMEM.
 */
int hp_kdump_debian(const char *next, const char *cmdline, const char *append, char **out);

/* hp_kdump_redhat - the same for kdumpctl; remove is KDUMP_COMMANDLINE_REMOVE's word list. */
int hp_kdump_redhat(const char *next, const char *cmdline, const char *remove, const char *append,
		    char **out);

#endif
