// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline-edit.h"
#include "core/grub-snippet.h"
#include "core/kcmdline.h"
#include "core/macro.h"
#include "core/text.h"

/* HP_GRUB_SNIPPET_TEXT: grub/99-hugeplan.cfg.in, with one @TOKENS@ to fill */
#include "grub-snippet-text.h"

#define TOKENS_MARK "@TOKENS@"

int hp_grub_snippet(const char *const *toks, size_t n, char **out, size_t *bad)
{
	const char *mark = strstr(HP_GRUB_SNIPPET_TEXT, TOKENS_MARK);
	struct hp_text t = HP_TEXT_INIT;

	if (n == 0) {
		if (bad)
			*bad = 0;
		return -EINVAL;
	}
	if (hp_tokens_check(toks, n, bad) < 0)
		return -EINVAL;
	/* the tokens go between the single quotes around the mark, joined by blanks */
	hp_text_put(&t, HP_GRUB_SNIPPET_TEXT, (size_t)(mark - HP_GRUB_SNIPPET_TEXT));
	for (size_t i = 0; i < n; i++)
		hp_text_printf(&t, "%s%s", i ? " " : "", toks[i]);
	hp_text_puts(&t, mark + strlen(TOKENS_MARK));
	return hp_text_finish(&t, out, NULL);
}

/* a word of shell text as GRUB hands it on: its quote characters and backslashes out */
static size_t unquote(const char *w, size_t n, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < len; i++)
		if (w[i] != '"' && w[i] != '\'' && w[i] != '\\')
			out[o++] = w[i];
	out[o] = '\0';
	return o;
}

/* the value of "NAME=value" when it starts with a shell variable name, else the word */
static const char *assigned(const char *w)
{
	const char *p = w;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
		return w;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	return *p == '=' && p[1] ? p + 1 : w;
}

/*
 * Call fn for every word of text outside comment lines, split where the kernel splits, as
 * GRUB hands it on (unquoted), with its line and whether that line assigns
 * GRUB_CMDLINE_LINUX itself.
 */
static void scan_words(const char *text, void (*fn)(void *, unsigned, const char *, bool),
		       void *ctx)
{
	const char *p = text;
	unsigned line = 1;

	while (*p) {
		const char *eol = strchr(p, '\n'), *q = p;
		bool in_linux;

		if (!eol)
			eol = p + strlen(p);
		while (q < eol && hp_kisspace((unsigned char)*q))
			q++;
		if (q < eol && *q == '#')
			q = eol;
		if ((size_t)(eol - q) > 7 && !strncmp(q, "export", 6) &&
		    (q[6] == ' ' || q[6] == '\t'))
			q += 7;
		in_linux = (size_t)(eol - q) > 19 && !strncmp(q, "GRUB_CMDLINE_LINUX=", 19);
		while (q < eol) {
			char word[256];
			const char *w;

			while (q < eol && hp_kisspace((unsigned char)*q))
				q++;
			w = q;
			while (q < eol && !hp_kisspace((unsigned char)*q))
				q++;
			if (q > w) {
				unquote(w, (size_t)(q - w), word, sizeof(word));
				fn(ctx, line, word, in_linux);
			}
		}
		p = *eol ? eol + 1 : eol;
		line++;
	}
}

struct scan {
	struct hp_grub_hit *hits;
	size_t max, count;
	unsigned init_line;
};

static void on_word(void *ctx, unsigned line, const char *w, bool in_linux)
{
	struct scan *s = ctx;

	/* "GRUB_CMDLINE_LINUX=hugepages=3" (the quotes taken out): the value is the word */
	if (!hp_word_owned(w, strlen(w)))
		w = assigned(w);
	if (in_linux && streq(w, "--") && !s->init_line)
		s->init_line = line;
	if (!hp_word_owned(w, strlen(w)))
		return;
	if (s->count < s->max) {
		s->hits[s->count].line = line;
		snprintf(s->hits[s->count].word, sizeof(s->hits[s->count].word), "%s", w);
	}
	s->count++;
}

size_t hp_grub_scan(const char *text, struct hp_grub_hit *hits, size_t max)
{
	struct scan s = { .hits = hits, .max = max };

	scan_words(text, on_word, &s);
	return s.count;
}

unsigned hp_grub_scan_init(const char *text)
{
	struct scan s = { 0 };

	scan_words(text, on_word, &s);
	return s.init_line;
}
