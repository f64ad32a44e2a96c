// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kcmdline.h"
#include "core/kdump.h"

int hp_shvar_get(const char *text, const char *name, char *out, size_t len)
{
	unsigned line;

	return hp_shvar_line(text, name, out, len, &line);
}

int hp_shvar_line(const char *text, const char *name, char *out, size_t len, unsigned *line)
{
	size_t nl = strlen(name);
	const char *p = text;
	unsigned n = 0;
	int found = 0;

	*line = 0;
	while (*p) {
		const char *eol = strchr(p, '\n'), *q = p;
		size_t o = 0;

		if (!eol)
			eol = p + strlen(p);
		n++;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(eol - q) > 7 && !strncmp(q, "export ", 7))
			q += 7;
		if ((size_t)(eol - q) > nl && !strncmp(q, name, nl) && q[nl] == '=') {
			char quote = 0;

			for (q += nl + 1; q < eol; q++) {
				if (!quote && (*q == '"' || *q == '\'')) {
					quote = *q;
					continue;
				}
				if (quote && *q == quote) {
					quote = 0;
					continue;
				}
				if (!quote && (*q == ' ' || *q == '\t' || *q == '#'))
					break;
				if (quote == '"' && *q == '\\' && q + 1 < eol &&
				    strchr("\"\\$`", q[1]))
					q++;
				if (o + 1 < len)
					out[o++] = *q;
			}
			if (len)
				out[o] = '\0';
			found = 1;
			*line = n;
		}
		p = *eol ? eol + 1 : eol;
	}
	return found;
}

static int join(const char *a, const char *b, char **out)
{
	size_t n = strlen(a) + strlen(b) + 2;

	*out = malloc(n);
	if (!*out)
		return -ENOMEM;
	snprintf(*out, n, "%s %s", a, b);
	return 0;
}

static bool debian_dropped(const char *w, size_t n)
{
	static const char *const names[] = { "crashkernel=", "hugepages=", "hugepagesz=", "abm=" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n >= strlen(names[i]) && !strncmp(w, names[i], strlen(names[i])))
			return true;
	return false;
}

int hp_kdump_debian(const char *next, const char *cmdline, const char *append, char **out)
{
	const char *p = next;
	char *base;
	size_t o = 0;
	int r;

	/* ${KDUMP_CMDLINE_APPEND:=...}: an empty value takes the default too */
	if (!append || !*append)
		append = HP_KDUMP_DEBIAN_APPEND;
	if (cmdline && *cmdline)
		return join(cmdline, append, out);
	/* the sed: a match starts at the line's start or at a space, and runs to the next space */
	base = malloc(strlen(next) + 1);
	if (!base)
		return -ENOMEM;
	while (*p) {
		bool start = p == next || *p == ' ';
		const char *w = *p == ' ' ? p + 1 : p, *e = w;

		while (*e && *e != ' ')
			e++;
		if (start && debian_dropped(w, (size_t)(e - w))) {
			p = e;
			continue;
		}
		base[o++] = *p++;
	}
	base[o] = '\0';
	/* $(...) drops /proc/cmdline's trailing newline */
	while (o && base[o - 1] == '\n')
		base[--o] = '\0';
	r = join(base, append, out);
	free(base);
	return r;
}

/* Whether word w (as the kernel splits it) is named in the blank-separated list. */
static bool listed(const char *w, size_t n, const char *list)
{
	char param[128], val[2];
	bool has_val;
	char word[256];

	snprintf(word, sizeof(word), "%.*s", (int)n, w);
	if (!hp_kcmdline_next(word, param, sizeof(param), val, sizeof(val), &has_val))
		return false;
	if (!strcmp(param, "crashkernel"))
		return true;
	for (const char *l = list; l && *l;) {
		size_t k;

		while (*l == ' ' || *l == '\t')
			l++;
		k = strcspn(l, " \t");
		if (k && strlen(param) == k && !strncmp(param, l, k))
			return true;
		l += k;
	}
	return false;
}

int hp_kdump_redhat(const char *next, const char *cmdline, const char *remove, const char *append,
		    char **out)
{
	const char *p = cmdline && *cmdline ? cmdline : next;
	char *base = malloc(strlen(p) + 1);
	size_t o = 0, n;
	int r;

	if (!base)
		return -ENOMEM;
	while ((p = hp_kword(p, &n))) {
		if (!listed(p, n, remove)) {
			if (o)
				base[o++] = ' ';
			memcpy(base + o, p, n);
			o += n;
		}
		p += n;
	}
	base[o] = '\0';
	r = join(base, append ? append : "", out);
	free(base);
	return r;
}
