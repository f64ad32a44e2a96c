// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bls.h"
#include "core/cmdline-edit.h"
#include "core/kcmdline.h"
#include "core/text.h"

/* systemd's WHITESPACE: what strstrip() drops and what ends a key */
static bool ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct line {
	const char *start, *end; /* the line without its '\n' */
	const char *key, *key_end;
	const char *val, *val_end; /* val == val_end: no value */
};

/* Split the line at p; returns the start of the next line (or the terminating NUL). */
static const char *next_line(const char *p, struct line *l)
{
	const char *q;

	l->start = p;
	l->end = strchr(p, '\n');
	if (!l->end)
		l->end = p + strlen(p);
	q = l->start;
	while (q < l->end && ws(*q))
		q++;
	l->key = q;
	while (q < l->end && !ws(*q))
		q++;
	l->key_end = q;
	while (q < l->end && ws(*q))
		q++;
	l->val = q;
	l->val_end = l->end;
	while (l->val_end > l->val && ws(l->val_end[-1]))
		l->val_end--;
	return *l->end ? l->end + 1 : l->end;
}

static bool is_key(const struct line *l, const char *key)
{
	size_t n = strlen(key);

	return (size_t)(l->key_end - l->key) == n && !memcmp(l->key, key, n) &&
	       l->val < l->val_end && *l->key != '#';
}

static void copy_field(char *dst, const struct line *l)
{
	snprintf(dst, HP_BLS_FIELD_MAX, "%.*s", (int)(l->val_end - l->val), l->val);
}

int hp_bls_parse(const char *text, struct hp_bls_entry *e)
{
	const char *p = text;
	size_t olen = 0;
	unsigned nr = 0;

	memset(e, 0, sizeof(*e));
	e->options = calloc(1, 1);
	if (!e->options)
		return -ENOMEM;
	while (*p) {
		struct line l;

		p = next_line(p, &l);
		nr++;
		if (is_key(&l, "title"))
			copy_field(e->title, &l);
		else if (is_key(&l, "version"))
			copy_field(e->version, &l);
		else if (is_key(&l, "machine-id"))
			copy_field(e->machine_id, &l);
		else if (is_key(&l, "sort-key"))
			copy_field(e->sort_key, &l);
		else if (is_key(&l, "linux"))
			copy_field(e->linux_path, &l);
		else if (is_key(&l, "efi"))
			copy_field(e->efi, &l);
		else if (is_key(&l, "options")) {
			size_t vlen = (size_t)(l.val_end - l.val);
			char *o = realloc(e->options, olen + vlen + 2);

			if (!o)
				return -ENOMEM;
			e->options = o;
			if (olen)
				o[olen++] = ' ';
			memcpy(o + olen, l.val, vlen);
			olen += vlen;
			o[olen] = '\0';
			if (!e->nr_options++)
				e->options_line = nr;
		}
	}
	return 0;
}

void hp_bls_entry_free(struct hp_bls_entry *e)
{
	free(e->options);
	e->options = NULL;
}

/* Whether the kernel reads a "--" (the start of init's words) in s. */
static bool has_init_separator(const char *s)
{
	char param[8], val[2];
	bool has_val;

	while ((s = hp_kcmdline_next(s, param, sizeof(param), val, sizeof(val), &has_val)))
		if (!has_val && !strcmp(param, "--"))
			return true;
	return false;
}

/*
 * Whether the owned words the kernel reads in opts are exactly toks, in order (wherever they
 * stand: kernel-install puts systemd.machine_id= after /etc/kernel/cmdline's words).
 */
static bool owned_are(const char *opts, const char *const *toks, size_t n)
{
	const char *p = opts;
	size_t k = 0, len;

	while ((p = hp_kword(p, &len))) {
		if ((len == 2 && !strncmp(p, "--", 2)) || (len == 4 && !strncmp(p, "\"--\"", 4)))
			break;
		if (hp_word_owned(p, len)) {
			if (k >= n || strlen(toks[k]) != len || strncmp(p, toks[k], len))
				return false;
			k++;
		}
		p += len;
	}
	return k == n;
}

int hp_bls_edit(const char *text, const char *const *toks, size_t n, char **out, unsigned *bad_line)
{
	struct hp_bls_entry e;
	struct hp_text o = HP_TEXT_INIT;
	const char *p;
	unsigned nr_opt = 0, target = 0, i = 0, lineno = 0;
	bool init = false;

	if (hp_tokens_check(toks, n, NULL) < 0)
		return -EINVAL;
	/* already exactly the tokens, in order: nothing to do, wherever they stand */
	if (hp_bls_parse(text, &e) < 0) {
		hp_bls_entry_free(&e);
		return -ENOMEM;
	}
	if (n && owned_are(e.options, toks, n)) {
		hp_bls_entry_free(&e);
		*out = strdup(text);
		return *out ? 0 : -ENOMEM;
	}
	hp_bls_entry_free(&e);
	/* where the tokens go: the line with the first "--", else the last options line */
	for (p = text; *p;) {
		struct line l;
		char *v;

		p = next_line(p, &l);
		if (!is_key(&l, "options"))
			continue;
		nr_opt++;
		if (init)
			continue;
		v = strndup(l.val, (size_t)(l.val_end - l.val));
		if (!v)
			return -ENOMEM;
		target = nr_opt;
		init = has_init_separator(v);
		free(v);
	}
	hp_text_put(&o, "", 0);
	init = false;
	for (p = text; *p;) {
		struct line l;
		const char *next = next_line(p, &l);
		char *v, *edited;
		size_t elen;
		int r;

		lineno++;
		if (!is_key(&l, "options") || init) {
			hp_text_put(&o, l.start, (size_t)(next - l.start));
			i += is_key(&l, "options");
			p = next;
			continue;
		}
		i++;
		v = strndup(l.val, (size_t)(l.val_end - l.val));
		if (!v) {
			hp_text_free(&o);
			return -ENOMEM;
		}
		r = hp_cmdline_edit(v, toks, i == target ? n : 0, 0, &edited);
		init = i == target;
		free(v);
		if (r < 0) {
			if (r == -EINVAL && bad_line)
				*bad_line = lineno;
			hp_text_free(&o);
			return r;
		}
		elen = strlen(edited);
		if (elen && edited[elen - 1] == '\n')
			elen--;
		if (elen) {
			/* the key, the blanks after it, the new value, what followed the old one */
			hp_text_put(&o, l.start, (size_t)(l.val - l.start));
			hp_text_put(&o, edited, elen);
			hp_text_put(&o, l.val_end, (size_t)(next - l.val_end));
		}
		/* a line left without words goes: systemd ignores a key without a value */
		free(edited);
		p = next;
	}
	if (!nr_opt && n) {
		if (o.len && o.buf[o.len - 1] != '\n')
			hp_text_put(&o, "\n", 1);
		hp_text_put(&o, "options    ", 11);
		for (size_t k = 0; k < n; k++) {
			if (k)
				hp_text_put(&o, " ", 1);
			hp_text_put(&o, toks[k], strlen(toks[k]));
		}
		hp_text_put(&o, "\n", 1);
	}
	return hp_text_finish(&o, out, NULL);
}

int hp_bls_undo(const char *cur, const char *before, const char *after, char **out,
		enum hp_bls_undo_how *how, unsigned *bad_line)
{
	if (before && after && !strcmp(cur, after)) {
		*out = strdup(before);
		if (!*out)
			return -ENOMEM;
		*how = HP_BLS_UNDO_RESTORE;
		return 0;
	}
	*how = HP_BLS_UNDO_STRIP;
	return hp_bls_edit(cur, NULL, 0, out, bad_line);
}

bool hp_bls_name_has_token(const char *name, const char *tok)
{
	size_t t, n = strlen(name);

	if (!tok || !*tok)
		return true;
	t = strlen(tok);
	return n > t + 1 + 5 && !strncmp(name, tok, t) && name[t] == '-' &&
	       !strcmp(name + n - 5, ".conf");
}
