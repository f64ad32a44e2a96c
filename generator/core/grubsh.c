// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grubsh.h"

struct buf {
	char *p;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->err = -ENOMEM;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* grub_isspace(): what an unquoted variable's value splits at */
static bool grub_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool meta(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '{' || c == '}' ||
	       c == '\n';
}

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/*
 * The variable reference at p ('$' already seen): copies its name to name and returns the
 * characters taken after the '$', 0 when it is not one (a lone '$' stays literal).
 */
static size_t var_ref(const char *p, char *name, size_t len)
{
	size_t n = 0;

	if (*p == '{') {
		const char *e = strchr(p + 1, '}');

		if (!e || e == p + 1)
			return 0;
		snprintf(name, len, "%.*s", (int)(e - p - 1), p + 1);
		return (size_t)(e - p) + 1;
	}
	if (*p >= '0' && *p <= '9') {
		while (p[n] >= '0' && p[n] <= '9')
			n++;
	} else if (*p == '#' || *p == '@' || *p == '?' || *p == '*') {
		n = 1;
	} else if (name_start(*p)) {
		while (name_char(p[n]))
			n++;
	}
	snprintf(name, len, "%.*s", (int)n, p);
	return n;
}

struct lexer {
	struct buf b;
	size_t argc;
	bool in_word; /* the current argument has started (even if empty so far: "") */
};

static void end_word(struct lexer *l)
{
	if (!l->in_word)
		return;
	put(&l->b, "", 1);
	l->argc++;
	l->in_word = false;
}

static void add(struct lexer *l, const char *s, size_t n)
{
	l->in_word = true;
	put(&l->b, s, n);
}

/* an unquoted variable: its value split at blanks, the first piece joining the current word */
static void add_split(struct lexer *l, const char *v)
{
	while (*v) {
		if (grub_space(*v)) {
			end_word(l);
			while (grub_space(*v))
				v++;
			continue;
		}
		add(l, v, 1);
		v++;
	}
}

int hp_grub_lex(const char *text, hp_grub_var_fn var, void *ctx, struct hp_grub_args *a)
{
	struct lexer l = { 0 };
	const char *p = text;
	char name[128];
	bool ended = false;

	memset(a, 0, sizeof(*a));
	put(&l.b, "", 0);
	while (*p && !ended) {
		size_t n;

		if (p[0] == '\\' && p[1] == '\n') {
			p += 2;
		} else if (*p == '\\') {
			if (p[1])
				add(&l, p + 1, 1);
			p += p[1] ? 2 : 1;
		} else if (blank(*p)) {
			end_word(&l);
			p++;
		} else if (*p == '#' && !l.in_word) {
			while (*p && *p != '\n')
				p++;
		} else if (meta(*p)) {
			ended = true;
		} else if (*p == '\'') {
			const char *e = strchr(p + 1, '\'');

			if (!e)
				goto unclosed;
			add(&l, p + 1, (size_t)(e - p - 1));
			p = e + 1;
		} else if (*p == '"' || (p[0] == '$' && p[1] == '"')) {
			p += *p == '$' ? 2 : 1; /* $"..." is a translated string: the same here */
			l.in_word = true;
			for (;;) {
				if (!*p)
					goto unclosed;
				if (*p == '"') {
					p++;
					break;
				}
				if (p[0] == '\\' && p[1] == '\n') {
					p += 2;
				} else if (p[0] == '\\' &&
					   (p[1] == '\\' || p[1] == '"' || p[1] == '$')) {
					add(&l, p + 1, 1);
					p += 2;
				} else if (*p == '$' && (n = var_ref(p + 1, name, sizeof(name)))) {
					const char *v = var ? var(name, ctx) : NULL;

					if (v)
						add(&l, v, strlen(v));
					p += 1 + n;
				} else {
					add(&l, p, 1);
					p++;
				}
			}
		} else if (*p == '$' && (n = var_ref(p + 1, name, sizeof(name)))) {
			const char *v = var ? var(name, ctx) : NULL;

			if (v)
				add_split(&l, v);
			p += 1 + n;
		} else {
			add(&l, p, 1);
			p++;
		}
	}
	end_word(&l);
	if (l.b.err)
		return l.b.err;
	a->buf = l.b.p;
	a->len = l.b.len;
	a->argc = l.argc;
	a->ended = ended;
	return 0;
unclosed:
	free(l.b.p);
	return -EINVAL;
}

void hp_grub_args_free(struct hp_grub_args *a)
{
	free(a->buf);
	memset(a, 0, sizeof(*a));
}

const char *hp_grub_arg(const struct hp_grub_args *a, size_t i)
{
	const char *p = a->buf;

	if (i >= a->argc)
		return NULL;
	while (i--)
		p += strlen(p) + 1;
	return p;
}

int hp_grub_loader_cmdline(const struct hp_grub_args *a, size_t first, char **out)
{
	struct buf b = { 0 };

	put(&b, "", 0);
	for (size_t i = first; i < a->argc; i++) {
		const char *c = hp_grub_arg(a, i);
		bool space = strchr(c, ' ') != NULL;

		if (i > first)
			put(&b, " ", 1);
		if (space)
			put(&b, "\"", 1);
		for (; *c; c++) {
			if (*c == '\\' || *c == '\'' || *c == '"')
				put(&b, "\\", 1);
			put(&b, c, 1);
		}
		if (space)
			put(&b, "\"", 1);
	}
	if (b.err)
		return b.err;
	*out = b.p;
	return 0;
}

int hp_grub_kernel_cmdline(const char *value, hp_grub_var_fn var, void *ctx, char **out)
{
	struct hp_grub_args a;
	struct buf line = { 0 };
	int r;

	/* the command word stands in for "linux IMAGE": argument 0, left out below */
	put(&line, "linux ", 6);
	put(&line, value, strlen(value));
	if (line.err)
		return line.err;
	r = hp_grub_lex(line.p, var, ctx, &a);
	free(line.p);
	if (r < 0)
		return r;
	r = hp_grub_loader_cmdline(&a, 1, out);
	hp_grub_args_free(&a);
	return r;
}
