// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/vm.h"

void hp_diag_set(struct hp_diag *d, const struct hp_loc *loc, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	snprintf(d->file, sizeof(d->file), "%s", loc && loc->file ? loc->file : "");
	d->line = loc ? loc->line : 0;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
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
