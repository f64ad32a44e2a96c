// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grubsh.h"
#include "core/macro.h"
#include "core/nextboot.h"

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

const char *hp_next_kernel(const struct hp_next_in *in, enum hp_kver_source *src)
{
	const struct {
		const char *v;
		enum hp_kver_source s;
	} order[] = {
		{ in->given, HP_KVER_GIVEN },
		{ in->bls_default, HP_KVER_BLS_DEFAULT },
		{ in->grub_default, HP_KVER_GRUB_DEFAULT },
		{ in->newest, HP_KVER_NEWEST },
		{ in->running, HP_KVER_RUNNING },
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		if (nz(order[i].v)) {
			*src = order[i].s;
			return order[i].v;
		}
	}
	*src = HP_KVER_RUNNING;
	return NULL;
}

const char *hp_kver_source_text(enum hp_kver_source s)
{
	switch (s) {
	case HP_KVER_GIVEN:
		return "--kver";
	case HP_KVER_BLS_DEFAULT:
		return "the default boot entry";
	case HP_KVER_GRUB_DEFAULT:
		return "GRUB's default entry";
	case HP_KVER_NEWEST:
		return "the newest installed kernel";
	case HP_KVER_RUNNING:
		break;
	}
	return "the running kernel";
}

#define MAX_ITEMS 256
#define FIELD	  256

/* A menu item of grub.cfg: an entry or a submenu, and where it stands. */
struct item {
	int parent; /* index of the submenu holding it, -1 at the top */
	bool submenu;
	char title[FIELD], id[FIELD], image[FIELD];
};

struct menu {
	struct item v[MAX_ITEMS];
	size_t n;
	char def[FIELD]; /* the header's default */
	bool saved;	 /* ... is grubenv's saved_entry */
};

/* a grubenv variable (lines "name=value") */
static bool env_get(const char *env, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);

	for (const char *p = env; p && *p;) {
		const char *eol = strchr(p, '\n');

		if (!eol)
			eol = p + strlen(p);
		if ((size_t)(eol - p) > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			snprintf(out, len, "%.*s", (int)(eol - p - (long)nl - 1), p + nl + 1);
			return *out != '\0';
		}
		p = *eol ? eol + 1 : eol;
	}
	return false;
}

/* one line's command (GRUB's own lexer), with the item it opens or the line it is */
static void parse_line(struct menu *m, const char *line, int *open, int *depth_in_entry)
{
	struct hp_grub_args a;
	const char *cmd;

	if (hp_grub_lex(line, NULL, NULL, &a) < 0 || !a.argc) {
		hp_grub_args_free(&a);
		return;
	}
	cmd = hp_grub_arg(&a, 0);
	if ((streq(cmd, "menuentry") || streq(cmd, "submenu")) && m->n < MAX_ITEMS &&
	    *depth_in_entry == 0) {
		struct item *it = &m->v[m->n];

		memset(it, 0, sizeof(*it));
		it->parent = *open;
		it->submenu = streq(cmd, "submenu");
		snprintf(it->title, sizeof(it->title), "%s", a.argc > 1 ? hp_grub_arg(&a, 1) : "");
		/* $menuentry_id_option expands to "--id" at boot; unset here, so the id follows */
		for (size_t i = 2; i + 1 < a.argc; i++)
			if (streq(hp_grub_arg(&a, i), "--id"))
				snprintf(it->id, sizeof(it->id), "%s", hp_grub_arg(&a, i + 1));
		if (!it->id[0] && strstr(line, "$menuentry_id_option")) {
			/* the lexer dropped the unset variable: the id is the argument after it */
			struct hp_grub_args b;
			const char *p = strstr(line, "$menuentry_id_option") +
					strlen("$menuentry_id_option");

			if (hp_grub_lex(p, NULL, NULL, &b) == 0 && b.argc)
				snprintf(it->id, sizeof(it->id), "%s", hp_grub_arg(&b, 0));
			hp_grub_args_free(&b);
		}
		if (it->submenu)
			*open = (int)m->n;
		else
			*depth_in_entry = 1;
		m->n++;
	} else if (streq(cmd, "linux") && *depth_in_entry && a.argc > 1 && m->n) {
		snprintf(m->v[m->n - 1].image, sizeof(m->v[0].image), "%s", hp_grub_arg(&a, 1));
	} else if (streq(cmd, "set") && a.argc > 1 && !*depth_in_entry && *open < 0 &&
		   !strncmp(hp_grub_arg(&a, 1), "default=", 8) && !strstr(line, "${next_entry}")) {
		/* GRUB_DEFAULT=saved: "${saved_entry}", which the lexer expands to nothing here */
		m->saved = strstr(line, "saved_entry") != NULL;
		snprintf(m->def, sizeof(m->def), "%s", hp_grub_arg(&a, 1) + 8);
	}
	hp_grub_args_free(&a);
}

/* the items of grub.cfg, with the block structure followed by its braces */
static void parse_menu(const char *cfg, struct menu *m)
{
	const char *p = cfg;
	int open = -1, in_entry = 0, braces = 0;

	memset(m, 0, sizeof(*m));
	while (*p) {
		const char *eol = strchr(p, '\n'), *q;
		size_t n;
		char *line;

		if (!eol)
			eol = p + strlen(p);
		for (q = p; q < eol && (*q == ' ' || *q == '\t'); q++)
			;
		n = (size_t)(eol - q);
		line = strndup(q, n);
		if (!line)
			return;
		if (streq(line, "}")) {
			if (in_entry && braces == 0)
				in_entry = 0;
			else if (in_entry)
				braces--;
			else if (open >= 0)
				open = m->v[open].parent;
		} else if (in_entry && n && line[n - 1] == '{') {
			braces++; /* a block inside an entry (if ... {) */
		} else {
			parse_line(m, line, &open, &in_entry);
		}
		free(line);
		p = *eol ? eol + 1 : eol;
	}
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* the item that one element of the default's path names among parent's children */
static int find_child(const struct menu *m, int parent, const char *el, size_t n)
{
	long want = all_digits(el, n) ? strtol(el, NULL, 10) : -1, k = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct item *it = &m->v[i];

		if (it->parent != parent)
			continue;
		if (want >= 0 ? k == want
			      : (strlen(it->id) == n && !strncmp(it->id, el, n)) ||
					(strlen(it->title) == n && !strncmp(it->title, el, n)))
			return (int)i;
		k++;
	}
	return -1;
}

int hp_grub_default_kver(const char *cfg, const char *grubenv, char *out, size_t len)
{
	struct menu *m = malloc(sizeof(*m));
	char def[FIELD];
	const char *p, *base, *v;
	int at = -1, found = 0;

	if (!m || !cfg)
		goto out;
	parse_menu(cfg, m);
	if (!env_get(grubenv, "next_entry", def, sizeof(def))) {
		snprintf(def, sizeof(def), "%s", m->def[0] ? m->def : "0");
		if (m->saved && !env_get(grubenv, "saved_entry", def, sizeof(def)))
			snprintf(def, sizeof(def), "0");
	}
	for (p = def;;) {
		size_t n = strcspn(p, ">");

		at = find_child(m, at, p, n);
		if (at < 0 || !p[n])
			break;
		p += n + 1;
	}
	if (at < 0 || m->v[at].submenu || !m->v[at].image[0])
		goto out;
	base = strrchr(m->v[at].image, '/');
	base = base ? base + 1 : m->v[at].image;
	v = startswith(base, "vmlinuz-");
	if (v && *v) {
		snprintf(out, len, "%s", v);
		found = 1;
	}
out:
	free(m);
	return found;
}
