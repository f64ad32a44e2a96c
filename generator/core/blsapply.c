// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bls.h"
#include "core/blsapply.h"
#include "core/macro.h"
#include "core/pathnames.h"

int hp_bls_rec_file(const char *name, const char *file, char *buf, size_t len)
{
	int n = file ? snprintf(buf, len, "%s/%s/%s", HP_P_ENTRY_RECORDS, name, file)
		     : snprintf(buf, len, "%s/%s", HP_P_ENTRY_RECORDS, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool eq(const char *a, const char *b)
{
	return a && b && streq(a, b);
}

/* a hugeplan.* word the kernel would read: the entry carries tokens of hugeplan's */
static bool has_ours(const char *text)
{
	struct hp_bls_entry e;
	bool ours = false;
	const char *p;

	if (hp_bls_parse(text, &e) < 0) {
		hp_bls_entry_free(&e);
		return false;
	}
	for (p = e.options; (p = strstr(p, "hugeplan.")); p++)
		if (p == e.options || p[-1] == ' ' || p[-1] == '"' || p[-1] == '\t') {
			ours = true;
			break;
		}
	hp_bls_entry_free(&e);
	return ours;
}

static int add(struct hp_file_changes *out, enum hp_change_kind kind, const char *path,
	       enum hp_file_action action, char *text, const char *current)
{
	struct hp_file_change *c;
	int r = hp_file_changes_add(out, &c);

	if (r < 0) {
		free(text);
		return r;
	}
	c->bootloader = HP_BL_BLS;
	c->kind = kind;
	c->action = action;
	c->file_buf = strdup(path);
	c->file = c->file_buf;
	c->text = text;
	c->len = text ? strlen(text) : 0;
	switch (action) {
	case HP_FILE_WRITE:
		c->differs = !eq(current, text);
		break;
	case HP_FILE_REMOVE:
	case HP_FILE_RMDIR:
		c->differs = true;
		break;
	case HP_FILE_KEEP:
		break;
	}
	return c->file_buf ? 0 : -ENOMEM;
}

static int add_text(struct hp_file_changes *out, enum hp_change_kind kind, const char *path,
		    const char *text, const char *current)
{
	char *t = strdup(text);

	if (!t)
		return -ENOMEM;
	return add(out, kind, path, HP_FILE_WRITE, t, current);
}

/* the record of name written as (path, before, after), "after" last; only what differs */
static int write_rec(struct hp_file_changes *out, const struct hp_bls_found *e,
		     const struct hp_bls_rec *rec, const char *before, const char *after)
{
	char file[512], line[512];
	int r;

	snprintf(line, sizeof(line), "%s\n", e->path);
	r = hp_bls_rec_file(e->name, HP_BLS_REC_PATH, file, sizeof(file));
	if (r == 0 && !(rec && rec->path && streq(rec->path, e->path)))
		r = add_text(out, HP_CHANGE_RECORD, file, line, NULL);
	if (r == 0)
		r = hp_bls_rec_file(e->name, HP_BLS_REC_BEFORE, file, sizeof(file));
	if (r == 0 && !(rec && eq(rec->before, before)))
		r = add_text(out, HP_CHANGE_RECORD, file, before, NULL);
	if (r == 0)
		r = hp_bls_rec_file(e->name, HP_BLS_REC_AFTER, file, sizeof(file));
	if (r == 0 && !(rec && eq(rec->after, after)))
		r = add_text(out, HP_CHANGE_RECORD, file, after, NULL);
	return r;
}

/* the record's three files, then its folder */
static int drop_rec(struct hp_file_changes *out, const char *name)
{
	static const char *const files[] = { HP_BLS_REC_AFTER, HP_BLS_REC_BEFORE, HP_BLS_REC_PATH };
	char file[512];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		r = hp_bls_rec_file(name, files[i], file, sizeof(file));
		if (r == 0)
			r = add(out, HP_CHANGE_RECORD, file, HP_FILE_REMOVE, NULL, NULL);
		if (r < 0)
			return r;
	}
	r = hp_bls_rec_file(name, NULL, file, sizeof(file));
	return r < 0 ? r : add(out, HP_CHANGE_RECORD, file, HP_FILE_RMDIR, NULL, NULL);
}

static const struct hp_bls_rec *rec_of(const struct hp_bls_in *in, const char *name)
{
	for (size_t i = 0; i < in->nr_recs; i++)
		if (streq(in->recs[i].name, name))
			return &in->recs[i];
	return NULL;
}

static const struct hp_bls_found *entry_of(const struct hp_bls_in *in, const char *name)
{
	for (size_t i = 0; i < in->nr_entries; i++)
		if (streq(in->entries[i].name, name))
			return &in->entries[i];
	return NULL;
}

static int strip(const char *text, char **out, const struct hp_bls_found *e, const char **bad,
		 unsigned *bad_line)
{
	int r = hp_bls_edit(text, NULL, 0, out, bad_line);

	if (r == -EINVAL)
		*bad = e->name;
	return r;
}

/* remove, for one entry: its record's "before" back, or its owned words out */
static int undo_entry(const struct hp_bls_found *e, const struct hp_bls_rec *rec,
		      struct hp_file_changes *out, const char **bad, unsigned *bad_line)
{
	char *text;
	int r;

	if (rec && rec->before && eq(e->text, rec->after)) {
		text = strdup(rec->before);
		if (!text)
			return -ENOMEM;
		r = add(out, HP_CHANGE_ENTRY, e->path, HP_FILE_WRITE, text, e->text);
		if (r == 0)
			out->v[out->n - 1].restored = true;
		return r;
	}
	if (!rec && (!e->ours || !has_ours(e->text)))
		return 0; /* not hugeplan's: left alone */
	r = strip(e->text, &text, e, bad, bad_line);
	if (r < 0)
		return r;
	return add(out, HP_CHANGE_ENTRY, e->path, HP_FILE_WRITE, text, e->text);
}

static int apply_entry(const struct hp_bls_in *in, const struct hp_bls_found *e,
		       const struct hp_bls_rec *rec, struct hp_file_changes *out, const char **bad,
		       unsigned *bad_line)
{
	_cleanup_free_ char *orig = NULL;
	char *text;
	int r;

	/* what remove must give back */
	if (rec && rec->before && (eq(e->text, rec->after) || eq(e->text, rec->before))) {
		orig = strdup(rec->before);
		if (!orig)
			return -ENOMEM;
	} else if (has_ours(e->text)) {
		r = strip(e->text, &orig, e, bad, bad_line);
		if (r < 0)
			return r;
	} else {
		orig = strdup(e->text);
		if (!orig)
			return -ENOMEM;
	}
	r = hp_bls_edit(e->text, in->toks, in->nr_toks, &text, bad_line);
	if (r < 0) {
		if (r == -EINVAL)
			*bad = e->name;
		return r;
	}
	r = write_rec(out, e, rec, orig, text);
	if (r < 0) {
		free(text);
		return r;
	}
	return add(out, HP_CHANGE_ENTRY, e->path, HP_FILE_WRITE, text, e->text);
}

int hp_bls_decide(const struct hp_bls_in *in, bool remove, struct hp_file_changes *out,
		  const char **bad, unsigned *bad_line)
{
	const char *bad_name = NULL;
	unsigned line = 0;
	int r = 0;

	if (!in->nr_toks)
		remove = true;
	for (size_t i = 0; i < in->nr_entries && r == 0; i++) {
		const struct hp_bls_found *e = &in->entries[i];
		const struct hp_bls_rec *rec = rec_of(in, e->name);

		if (remove) {
			r = undo_entry(e, rec, out, &bad_name, &line);
			if (r == 0 && rec)
				r = drop_rec(out, rec->name);
		} else if (e->managed) {
			r = apply_entry(in, e, rec, out, &bad_name, &line);
		}
	}
	/* records whose entry is gone */
	for (size_t i = 0; i < in->nr_recs && r == 0; i++)
		if (!entry_of(in, in->recs[i].name))
			r = drop_rec(out, in->recs[i].name);
	if (r == -EINVAL) {
		if (bad)
			*bad = bad_name;
		if (bad_line)
			*bad_line = line;
	}
	return r;
}
