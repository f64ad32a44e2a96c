// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "core/pathnames.h"
#include "core/pveqemu.h"
#include "core/vm.h"

/* parse_cmdline()'s test of $param[0]: m|kvm$| or m@(?:^|/)qemu-system-[^/]+$@ */
static bool is_qemu(const char *argv0)
{
	size_t l = strlen(argv0);
	const char *base = strrchr(argv0, '/');

	if (l >= 3 && !strcmp(argv0 + l - 3, "kvm"))
		return true;
	base = base ? base + 1 : argv0;
	return !strncmp(base, "qemu-system-", 12) && base[12];
}

/*
 * parse_cmdline()'s option hash, for one option: an argument "-OPT" or "--OPT" sets it, the
 * next argument that does not start with '-' is its value; another option first leaves it
 * without one; empty arguments and "0" are skipped (perl's "next if !$p"); the last wins.
 */
static const char *option(const char *cmdline, size_t len, const char *opt)
{
	const char *end = cmdline + len, *val = NULL;
	bool pending = false, pending_opt = false;

	for (const char *p = cmdline; p < end; p += strlen(p) + 1) {
		if (!*p || !strcmp(p, "0"))
			continue;
		if (*p == '-') {
			const char *n = p + 1 + (p[1] == '-');

			if (pending && pending_opt)
				val = NULL;
			pending = true;
			pending_opt = !strcmp(n, opt);
		} else if (pending) {
			if (pending_opt)
				val = p;
			pending = false;
		}
	}
	return val;
}

bool hp_pve_qemu(const char *cmdline, size_t len, const char *vmid, char *name, size_t namelen)
{
	char want[64], want_run[64], nm[HP_NAME_MAX + 1];
	const char *pidfile, *n, *nl;
	size_t nlen;

	/* parse_cmdline() reads one line: up to the first newline; the text must end in a NUL
	 * for the walk below (the kernel gives the last argument's) */
	nl = memchr(cmdline, '\n', len);
	if (nl)
		len = (size_t)(nl - cmdline);
	if (!len || cmdline[len - 1] != '\0' || !is_qemu(cmdline))
		return false;
	pidfile = option(cmdline, len, "pidfile");
	snprintf(want, sizeof(want), HP_P_PVE_PIDFILE, vmid);
	snprintf(want_run, sizeof(want_run), HP_P_PVE_PID, vmid);
	if (!pidfile || (strcmp(pidfile, want) && strcmp(pidfile, want_run)))
		return false;
	/* -name NAME[,debug-threads=on]: QEMU's "guest" key, up to the first comma */
	n = option(cmdline, len, "name");
	nlen = n ? strcspn(n, ",") : 0;
	if (nlen && nlen <= HP_NAME_MAX) {
		memcpy(nm, n, nlen);
		nm[nlen] = '\0';
	} else
		nm[0] = '\0';
	/* "vmVMID" is qemu-server's name for a VM without name:, which hugeplan names VMID */
	if (!nm[0] || (nm[0] == 'v' && nm[1] == 'm' && !strcmp(nm + 2, vmid)) ||
	    !hp_vm_name_valid(nm))
		snprintf(name, namelen, "%s", vmid);
	else
		snprintf(name, namelen, "%s", nm);
	return true;
}
