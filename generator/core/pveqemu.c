// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "core/pathnames.h"
#include "core/pveqemu.h"
#include "core/vm.h"

/* one argument: bytes, not NUL-terminated (the last one of a cut line is not) */
struct arg {
	const char *s;
	size_t n;
};

static bool arg_is(struct arg a, const char *s)
{
	return a.n == strlen(s) && !memcmp(a.s, s, a.n);
}

/*
 * parse_cmdline()'s test of $param[0]: m|kvm$| or m@(?:^|/)qemu-system-[^/]+$@ (a newline
 * before which "$" would also match ends the line read, so no -pidfile follows it)
 */
static bool is_qemu(struct arg a)
{
	size_t n = a.n, b = n;

	if (n >= 3 && !memcmp(a.s + n - 3, "kvm", 3))
		return true;
	while (b && a.s[b - 1] != '/')
		b--;
	return n - b > 12 && !memcmp(a.s + b, "qemu-system-", 12);
}

/* the next argument of [*p, end): split(/\0/) */
static bool next_arg(const char **p, const char *end, struct arg *a)
{
	const char *z;

	if (*p >= end)
		return false;
	z = memchr(*p, '\0', (size_t)(end - *p));
	a->s = *p;
	a->n = (size_t)((z ? z : end) - *p);
	*p = z ? z + 1 : end;
	return true;
}

/*
 * parse_cmdline()'s option hash, for one option: an argument "-OPT" or "--OPT" sets it, the
 * next argument that does not start with '-' is its value; another option first leaves it
 * without one; empty arguments and "0" are skipped (perl's "next if !$p"); the last wins.
 */
static bool option(const char *cmdline, size_t len, const char *opt, struct arg *val)
{
	const char *p = cmdline, *end = cmdline + len;
	bool pending = false, pending_opt = false, have = false;
	struct arg a;

	while (next_arg(&p, end, &a)) {
		if (!a.n || arg_is(a, "0"))
			continue;
		if (a.s[0] == '-') {
			struct arg n = { a.s + 1, a.n - 1 };

			if (n.n && n.s[0] == '-')
				n.s++, n.n--;
			if (pending && pending_opt)
				have = false;
			pending = true;
			pending_opt = arg_is(n, opt);
		} else if (pending) {
			if (pending_opt) {
				*val = a;
				have = true;
			}
			pending = false;
		}
	}
	return have;
}

bool hp_pve_qemu(const char *cmdline, size_t len, const char *vmid, char *name, size_t namelen)
{
	char want[64], want_run[64], nm[HP_NAME_MAX + 1];
	const char *nl, *p = cmdline;
	struct arg argv0, pidfile, n;
	size_t nlen = 0;

	/* parse_cmdline() reads one line: up to and with the first newline */
	nl = memchr(cmdline, '\n', len);
	if (nl)
		len = (size_t)(nl - cmdline) + 1;
	if (!next_arg(&p, cmdline + len, &argv0) || !argv0.n || arg_is(argv0, "0") ||
	    !is_qemu(argv0))
		return false;
	snprintf(want, sizeof(want), HP_P_PVE_PIDFILE, vmid);
	snprintf(want_run, sizeof(want_run), HP_P_PVE_PID, vmid);
	if (!option(cmdline, len, "pidfile", &pidfile) ||
	    (!arg_is(pidfile, want) && !arg_is(pidfile, want_run)))
		return false;
	/* -name NAME[,debug-threads=on]: QEMU's "guest" key, up to the first comma */
	if (option(cmdline, len, "name", &n)) {
		const char *c = memchr(n.s, ',', n.n);

		nlen = c ? (size_t)(c - n.s) : n.n;
	}
	if (nlen && nlen <= HP_NAME_MAX && !memchr(n.s, '\0', nlen)) {
		memcpy(nm, n.s, nlen);
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
