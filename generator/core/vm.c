// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/macro.h"
#include "core/vm.h"

void hp_escape(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	if (!len)
		return;
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		char e[5];
		size_t n;

		if (c == '\\')
			n = (size_t)snprintf(e, sizeof(e), "\\\\");
		else if (c < 0x20 || c > 0x7e)
			n = (size_t)snprintf(e, sizeof(e), "\\x%02x", c);
		else
			n = (size_t)snprintf(e, sizeof(e), "%c", c);
		if (o + n >= len)
			break; /* never half an escape */
		memcpy(dst + o, e, n);
		o += n;
	}
	dst[o] = '\0';
}

void hp_diag_set(struct hp_diag *d, const struct hp_loc *loc, const char *fmt, ...)
{
	char msg[sizeof(d->msg)];
	va_list ap;

	if (!d)
		return;
	hp_escape(d->file, sizeof(d->file), loc && loc->file ? loc->file : "");
	d->line = loc ? loc->line : 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hp_escape(d->msg, sizeof(d->msg), msg);
}

/* ASCII only, whatever the locale says */
static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool hp_vm_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HP_NAME_MAX || !alnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

const char *hp_source_name(enum hp_source s)
{
	switch (s) {
	case HP_SRC_FILES:
		break;
	case HP_SRC_LIBVIRT:
		return "libvirt";
	case HP_SRC_PROXMOX:
		return "proxmox";
	}
	return "files";
}

const char *hp_policy_name(enum hp_policy p)
{
	switch (p) {
	case HP_POL_ANY:
		break;
	case HP_POL_BIND:
		return "bind";
	case HP_POL_INTERLEAVE:
		return "interleave";
	case HP_POL_PREFERRED:
		return "preferred";
	}
	return "any";
}

static const char *const backing_names[] = {
	[HP_BACKING_STATIC] = "static",
	[HP_BACKING_DYNAMIC] = "dynamic",
	[HP_BACKING_TRANSPARENT] = "transparent",
};

const char *hp_backing_name(enum hp_backing_mode b)
{
	return (unsigned)b < ARRAY_SIZE(backing_names) ? backing_names[b] : "?";
}

int hp_backing_parse(const char *s, enum hp_backing_mode *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(backing_names); i++)
		if (!strcmp(s, backing_names[i])) {
			*out = (enum hp_backing_mode)i;
			return 0;
		}
	return -EINVAL;
}
