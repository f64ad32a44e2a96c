// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One configuration text through libinih, after a pass of our own over each line that refuses
 * what inih would silently misread (config.h lists it) and strips what it would misplace.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/internal.h"

int conf_perr(struct parse *p, const char *fmt, ...)
{
	struct hp_loc loc = { p->file, p->line };
	char msg[512];
	va_list ap;

	if (p->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* a file the configuration does not own (a link to /etc/shadow) is never quoted */
	if (p->hidden)
		snprintf(
			msg, sizeof(msg),
			"not a valid configuration line (not shown: the file is %.300s, outside the configuration directories)",
			p->hidden);
	hp_diag_set(p->err, &loc, "%s", msg);
	p->failed = true;
	p->failed_line = p->line;
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const char *want = p->kind == KIND_HOST ? "Host" : "VM";

	if (p->failed)
		return 0;
	if (!*section)
		return conf_perr(p, "%s=%s is outside of a [%s] section", name, value, want);
	/* the reader refuses other section names; this holds whatever inih strips first */
	if (strcmp(section, want))
		return conf_perr(p, "unknown section [%s] (this file takes [%s])", section, want);
	return p->kind == KIND_HOST ? conf_host_key(p, name, value) : conf_vm_key(p, name, value);
}

/* the line as a message quotes it: at most 60 bytes (escaped later by hp_diag_set) */
static void quote_line(char *buf, size_t len, const char *s, size_t n)
{
	snprintf(buf, len, "%.*s", (int)(n > 60 ? 60 : n), s);
}

/*
 * What inih reads as a line's start: it skips every isspace() byte, and an indented line
 * would continue the previous value. The first line may start with a UTF-8 byte order mark.
 */
static const char *line_start(const char *s, size_t *n, unsigned line)
{
	if (line == 1 && *n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
		s += 3;
		*n -= 3;
	}
	while (*n && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	return s;
}

/*
 * inih accepts "KEY:VALUE" and ends a value at a ';' that follows a blank: neither is
 * KEY=VALUE as systemd reads it, so both are refused instead of read differently.
 */
static bool check_key_line(struct parse *p, const char *s, size_t n)
{
	const char *sep = NULL;
	char text[64];
	bool blank = false;
	size_t i;

	for (i = 0; i < n && !sep; i++)
		if (s[i] == '=' || s[i] == ':')
			sep = s + i;
	if (!sep)
		return true; /* inih reports it: "expected KEY=VALUE" */
	quote_line(text, sizeof(text), s, n);
	if (*sep == ':') {
		conf_perr(p, "expected KEY=VALUE, [Section] or a comment, not \"%s\"", text);
		return false;
	}
	for (i++; i < n && isspace((unsigned char)s[i]); i++)
		;
	for (; i < n; i++) {
		if (blank && s[i] == ';') {
			conf_perr(
				p,
				"a comment after a value (\"%s\"): put comments on lines of their own",
				text);
			return false;
		}
		blank = isspace((unsigned char)s[i]);
	}
	return true;
}

/* fgets() over the buffer, one line a call, with our checks on the way */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *nl, *s;
	size_t n;

	if (p->failed || p->pos >= p->end)
		return NULL;
	p->line++;
	nl = memchr(p->pos, '\n', (size_t)(p->end - p->pos));
	n = nl ? (size_t)(nl - p->pos) : (size_t)(p->end - p->pos);
	s = line_start(p->pos, &n, p->line);
	p->pos += (size_t)(s - p->pos) + n + (nl ? 1 : 0);
	if (n + 2 > (size_t)num || n > HP_CONF_LINE_MAX) {
		conf_perr(p, "line too long (%zu characters, at most %d)", n,
			  num - 2 < HP_CONF_LINE_MAX ? num - 2 : HP_CONF_LINE_MAX);
		return NULL;
	}
	if (n && *s == '[') {
		const char *want = p->kind == KIND_HOST ? "[Host]" : "[VM]";
		size_t wl = strlen(want), k = n;

		while (k && isspace((unsigned char)s[k - 1]))
			k--;
		if (k != wl || memcmp(s, want, wl)) {
			conf_perr(p, "unknown section %.*s (this file takes %s)",
				  (int)(k > 60 ? 60 : k), s, want);
			return NULL;
		}
		if (p->saw_section) {
			conf_perr(p, "%s given twice in one file", want);
			return NULL;
		}
		p->saw_section = true;
	} else if (n && *s != ';' && *s != '#' && !check_key_line(p, s, n)) {
		return NULL;
	}
	memcpy(str, s, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

/* line number `line` of text, as the reader saw it, for a message */
static void text_of_line(const char *text, size_t len, unsigned line, char *buf, size_t blen)
{
	const char *s = text, *end = text + len, *nl;
	size_t n;

	for (unsigned l = 1; l < line && s < end; l++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		s = nl ? nl + 1 : end;
	}
	nl = memchr(s, '\n', (size_t)(end - s));
	n = nl ? (size_t)(nl - s) : (size_t)(end - s);
	s = line_start(s, &n, line);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	quote_line(buf, blen, s, n);
}

/* one text as one file; file is pooled */
int conf_parse_text(struct hp_config *c, const char *file, enum kind kind, struct hp_vm *vm,
		    const char *text, size_t len, struct hp_diag *err, const char *hidden)
{
	struct parse p = {
		.c = c, .file = file, .kind = kind, .vm = vm, .err = err, .hidden = hidden
	};
	const char *nul = memchr(text, '\0', len);
	int r;

	if (nul) {
		unsigned line = 1;

		for (const char *q = text; q < nul; q++)
			line += *q == '\n';
		p.line = line;
		conf_perr(&p, "binary data (a NUL byte) in a configuration file");
		return -EINVAL;
	}
	p.pos = text;
	p.end = text + len;
	r = ini_parse_stream(reader, &p, handler, &p);
	/* inih reads on after a bad line: the first error of the file is the one to tell */
	if (r > 0 && (!p.failed || (unsigned)r < p.failed_line)) {
		char line[64];

		text_of_line(text, len, (unsigned)r, line, sizeof(line));
		p.failed = false;
		p.line = (unsigned)r;
		conf_perr(&p, "expected KEY=VALUE, [Section] or a comment, not \"%s\"", line);
	}
	if (p.failed)
		return -EINVAL;
	if (kind == KIND_VM && !p.saw_section) {
		struct hp_loc loc = { p.file, 0 };

		hp_diag_set(err, &loc, "no [VM] section");
		return -EINVAL;
	}
	return 0;
}

/* the defaults of a VM before its file is read */
void conf_vm_init(struct hp_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->instances = 1;
	vm->enabled = true;
}

/* after its file: the name from the file name (less ".conf") unless Name= gave one */
int conf_vm_finish(struct hp_vm *vm, const char *file, const char *fname, bool partial,
		   struct hp_diag *err)
{
	size_t l = strlen(fname);

	vm->loc.file = file;
	if (!vm->name[0]) {
		if (l >= 5 && !strcmp(fname + l - 5, ".conf"))
			l -= 5;
		snprintf(vm->name, sizeof(vm->name), "%.*s", (int)l, fname);
		if (l > HP_NAME_MAX || !hp_vm_name_valid(vm->name)) {
			hp_diag_set(err, &vm->loc,
				    "\"%.*s\" is not a valid VM name: rename the file or set Name=",
				    (int)(l > 80 ? 80 : l), fname);
			return -EINVAL;
		}
	}
	if (!vm->memory && !partial) {
		hp_diag_set(err, &vm->loc, "Memory= is required");
		return -EINVAL;
	}
	return 0;
}
