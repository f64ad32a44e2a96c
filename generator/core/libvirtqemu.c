// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "core/libvirtqemu.h"

#define DELETED " (deleted)"

/*
 * What the QEMU option string opts (n bytes) sets "guest" to: 1 name, -1 something else, 0
 * nothing. QEMU's option syntax (util/qemu-option.c): parameters are separated by single
 * commas, ",," is a comma in a value; a parameter's key runs to its first '='; the first
 * parameter without '=' is the implied key (-name's is "guest"). The last "guest" wins.
 */
static int guest_is(const char *opts, size_t n, const char *name)
{
	const char *p = opts, *end = opts + n;
	bool first = true;
	int is = 0;

	while (p < end) {
		const char *k = p;
		size_t nl = strlen(name), o = 0;
		bool guest, match = true;

		/* the key, up to '=' (or the end of the parameter: then the implied key) */
		while (p < end && *p != '=' && *p != ',')
			p++;
		if (p < end && *p == '=') {
			guest = p - k == 5 && !memcmp(k, "guest", 5);
			p++;
		} else {
			guest = first;
			p = k;
		}
		/* the value: to a single comma; ",," is one comma */
		for (;;) {
			char c;

			if (p >= end)
				break;
			if (*p == ',') {
				if (p + 1 < end && p[1] == ',') {
					c = ',';
					p += 2;
				} else
					break;
			} else
				c = *p++;
			if (guest && (o >= nl || name[o] != c))
				match = false;
			o++;
		}
		if (guest)
			is = match && o == nl ? 1 : -1;
		first = false;
		if (p < end)
			p++; /* the separating comma */
	}
	return is;
}

bool hp_libvirt_qemu(const char *cmdline, size_t len, const char *name)
{
	const char *p = cmdline, *end = cmdline + len;
	int is = 0;

	if (!*name)
		return false;
	/*
	 * argv[0], then the arguments: "-name VALUE" (QEMU takes the next one, whatever it is);
	 * QEMU merges every -name into one, so each sets its keys over the ones before
	 */
	p = memchr(p, '\0', len);
	while (p && ++p < end) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t n = (size_t)((z ? z : end) - p);

		if ((n == 5 && !memcmp(p, "-name", 5)) || (n == 6 && !memcmp(p, "--name", 6))) {
			const char *val;
			int r;

			if (!z || z + 1 >= end)
				break;
			val = z + 1;
			z = memchr(val, '\0', (size_t)(end - val));
			r = guest_is(val, (size_t)((z ? z : end) - val), name);
			if (r)
				is = r;
		}
		p = z;
	}
	return is > 0;
}

size_t hp_exe_undeleted(const char *link)
{
	size_t n = strlen(link), d = sizeof(DELETED) - 1;

	return n > d && !strcmp(link + n - d, DELETED) ? n - d : n;
}

int hp_libvirt_pid_name(const char *name, char *buf, size_t len)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		const char *e = *p == '&'    ? "&amp;"
				: *p == '<'  ? "&lt;"
				: *p == '>'  ? "&gt;"
				: *p == '"'  ? "&quot;"
				: *p == '\'' ? "&apos;"
					     : NULL;
		size_t n = e ? strlen(e) : 1;

		/* virBufferEscapeString()'s forbidden characters: 0x01-0x19 but \t, \n, \r */
		if (!e && *p < 0x1a && *p != '\t' && *p != '\n' && *p != '\r')
			continue;
		if (o + n >= len)
			return -ENAMETOOLONG;
		memcpy(buf + o, e ? e : (const char *)p, n);
		o += n;
	}
	if (o >= len)
		return -ENAMETOOLONG;
	buf[o] = '\0';
	return 0;
}
