// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline-edit.h"
#include "core/kcmdline.h"
#include "core/macro.h"
#include "owned-params.h" /* generated from grub/owned-params.list */

#define PARAM_MAX 64

bool hp_param_owned(const char *param, bool has_val)
{
	for (size_t i = 0; i < ARRAY_SIZE(hp_owned_params); i++) {
		const struct hp_owned_param *o = &hp_owned_params[i];

		if (o->prefix && !strncmp(param, o->name, strlen(o->name)))
			return true;
		/* the kernel's __setup() names include the '=': "hugepages" alone is not read */
		if (!o->prefix && has_val && hp_param_eq(param, o->name))
			return true;
	}
	return false;
}

/* What next_arg() makes of one word: its parameter name and whether it had a value. */
static void word_param(const char *word, size_t len, char *param, bool *has_val)
{
	char buf[PARAM_MAX * 2], val[2];

	/* the name ends at the first '=', so a prefix of the word is enough to know it */
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, word, len);
	buf[len] = '\0';
	param[0] = '\0';
	*has_val = false;
	if (!hp_kcmdline_next(buf, param, PARAM_MAX, val, sizeof(val), has_val))
		param[0] = '\0';
}

bool hp_word_owned(const char *word, size_t len)
{
	char param[PARAM_MAX];
	bool has_val;

	word_param(word, len, param, &has_val);
	return hp_param_owned(param, has_val);
}

static bool is_init_separator(const char *word, size_t len)
{
	char param[PARAM_MAX];
	bool has_val;

	word_param(word, len, param, &has_val);
	return !has_val && strcmp(param, "--") == 0;
}

int hp_token_check(const char *tok)
{
	if (!tok || !hp_token_valid(tok))
		return -EINVAL;
	return hp_word_owned(tok, strlen(tok)) ? 0 : -EINVAL;
}

int hp_tokens_check(const char *const *toks, size_t n, size_t *bad)
{
	if (n > HP_MAX_TOKENS) {
		if (bad)
			*bad = n;
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (hp_token_check(toks[i]) < 0) {
			if (bad)
				*bad = i;
			return -EINVAL;
		}
	}
	return 0;
}

/* next_arg()'s word boundary: a blank ends a word unless a double quote is open. */
static size_t word_len(const char *s, bool *open_quote)
{
	bool q = false;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (hp_kisspace((unsigned char)s[i]) && !q)
			break;
		if (s[i] == '"')
			q = !q;
	}
	*open_quote = q;
	return i;
}

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
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

static void sb_tokens(struct sbuf *b, const char *const *toks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b->len)
			sb_add(b, " ", 1);
		sb_add(b, toks[i], strlen(toks[i]));
	}
}

static bool proc_only_word(const char *w, size_t len)
{
	return (len >= 7 && strncmp(w, "initrd=", 7) == 0) ||
	       (len >= 11 && strncmp(w, "BOOT_IMAGE=", 11) == 0);
}

int hp_cmdline_edit(const char *text, const char *const *toks, size_t n, unsigned flags, char **out)
{
	struct sbuf b = { 0 };
	const char *p = text, *gap;
	bool init_args = false, inserted = false;

	if (hp_tokens_check(toks, n, NULL) < 0)
		return -EINVAL;
	sb_add(&b, "", 0);
	while (*p) {
		bool open_quote, drop = false;
		size_t len;

		gap = p;
		while (*p && hp_kisspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		len = word_len(p, &open_quote);
		if (open_quote && !init_args) {
			free(b.p);
			return -EINVAL;
		}
		if (!init_args && is_init_separator(p, len)) {
			sb_tokens(&b, toks, n);
			inserted = true;
			init_args = true;
		} else if (!init_args) {
			drop = hp_word_owned(p, len) ||
			       ((flags & HP_CMDLINE_FROM_PROC) && proc_only_word(p, len));
		} else if (flags & HP_CMDLINE_FROM_PROC) {
			drop = proc_only_word(p, len);
		}
		if (!drop) {
			/* the blanks before a kept word stay, except at the very start */
			if (b.len && p > gap)
				sb_add(&b, gap, (size_t)(p - gap));
			else if (b.len)
				sb_add(&b, " ", 1); /* the first word, after inserted tokens */
			sb_add(&b, p, len);
		}
		p += len;
	}
	/* an open quote among init's words ran to the end, trailing blanks included */
	while (b.len && hp_kisspace((unsigned char)b.p[b.len - 1]))
		b.p[--b.len] = '\0';
	if (!inserted)
		sb_tokens(&b, toks, n);
	if (b.len)
		sb_add(&b, "\n", 1);
	if (b.err) {
		free(b.p);
		return b.err;
	}
	*out = b.p;
	return 0;
}

size_t hp_cmdline_count_owned(const char *text)
{
	const char *p = text;
	size_t count = 0;

	while (*p) {
		bool open_quote;
		size_t len;

		while (*p && hp_kisspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		len = word_len(p, &open_quote);
		if (is_init_separator(p, len))
			break;
		if (hp_word_owned(p, len))
			count++;
		p += len;
	}
	return count;
}

static bool oneoff(const char *param, bool has_val, const char *val)
{
	static const char *const bare[] = {
		"single", "s",	      "S",	  "1",	       "emergency",	     "rescue",
		"-b",	  "rd.break", "rd.shell", "rd.rescue", "systemd.debug_shell"
	};
	static const char *const any[] = { "init",	   "rdinit", "rd.break",
					   "rd.emergency", "break",  "systemd.debug_shell" };

	for (size_t i = 0; i < ARRAY_SIZE(bare); i++)
		if (!has_val && streq(param, bare[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(any); i++)
		if (has_val && hp_param_eq(param, any[i]))
			return true;
	return has_val &&
	       (hp_param_eq(param, "systemd.unit") || hp_param_eq(param, "rd.systemd.unit")) &&
	       (streq(val, "rescue.target") || streq(val, "emergency.target"));
}

size_t hp_cmdline_oneoff(const char *cmdline, char *buf, size_t len)
{
	char param[128], val[256];
	const char *p = cmdline ? cmdline : "";
	size_t n = 0, o = 0;
	bool has_val;

	if (len)
		buf[0] = '\0';
	while ((p = hp_kcmdline_next(p, param, sizeof(param), val, sizeof(val), &has_val))) {
		if (!oneoff(param, has_val, val))
			continue;
		n++;
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s%s%s", o ? " " : "", param,
					      has_val ? "=" : "", has_val ? val : "");
	}
	if (o >= len && len)
		buf[len - 1] = '\0';
	return n;
}
