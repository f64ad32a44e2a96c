// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline-edit.h"
#include "core/grub-snippet.h"
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

static bool scan_sep(char c)
{
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\r';
}

size_t hp_grub_scan(const char *text, struct hp_grub_hit *hits, size_t max)
{
	const char *p = text;
	unsigned line = 1;
	size_t count = 0;

	while (*p) {
		const char *eol = strchr(p, '\n'), *q = p;

		if (!eol)
			eol = p + strlen(p);
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (q < eol && *q == '#')
			q = eol;
		while (q < eol) {
			const char *w;

			while (q < eol && scan_sep(*q))
				q++;
			w = q;
			while (q < eol && !scan_sep(*q))
				q++;
			if (q > w && hp_word_owned(w, (size_t)(q - w))) {
				if (count < max) {
					hits[count].line = line;
					snprintf(hits[count].word, sizeof(hits[count].word), "%.*s",
						 (int)(q - w), w);
				}
				count++;
			}
		}
		p = *eol ? eol + 1 : eol;
		line++;
	}
	return count;
}
