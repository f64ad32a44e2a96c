/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What apply and remove do to Boot Loader Specification type #1 entries ($BOOT/loader/
 * entries/ *.conf), and the record that lets remove, and the package's postrm in plain shell,
 * put every entry back byte for byte. Pure: the front end reads the entries and the records,
 * these functions decide, core/apply.h's file changes carry it out.
 *
 * The record of an entry NAME is a folder /var/lib/hugeplan/entries/NAME/ of three files:
 * "path" (where the entry is, as on the system, one line), "before" (the entry as it was
 * before hugeplan's words went in) and "after" (what apply wrote). They are written before the
 * entry, "after" last, so that a record whose "after" is the entry now is complete. Remove,
 * and postrm: `cmp -s ENTRY after && cp before ENTRY`, else the entry without owned words.
 *
 * apply, for each entry of this system (its entry token and machine id) whose kernel is
 * installed ("managed"):
 *   - the original is the record's "before" when the entry is the record's "after" (applied
 *     before) or its "before" (a write that never happened); else the entry without owned
 *     words when it holds a hugeplan.* word (kernel-install wrote it from an edited
 *     /etc/kernel/cmdline, or it was edited since), else the entry as it is;
 *   - the new text is core/bls.h's edit: owned words out, the tokens in; an entry already
 *     holding exactly the tokens is left as it is;
 *   - the record is (re)written when it is not (path, original, new text) already, then the
 *     entry when its text changes.
 * Entries that are not managed are left alone, records included; a record whose entry is
 * gone is removed. Nothing planned (no tokens): as remove.
 *
 * remove: an entry with a record gets its "before" back when it is the record's "after",
 * else loses its owned words (it changed since: a kernel reinstalled, an edit); an entry of
 * this system without a record that holds a hugeplan.* word (kernel-install wrote it from
 * the edited /etc/kernel/cmdline) loses its owned words; every record goes (its files, then
 * its folder). Another system's entries without a record are left alone.
 */
#ifndef HP_BLSAPPLY_H
#define HP_BLSAPPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/apply.h"

#define HP_BLS_REC_PATH	  "path"
#define HP_BLS_REC_BEFORE "before"
#define HP_BLS_REC_AFTER  "after"

/* One record as read back (a file that is missing is NULL). */
struct hp_bls_rec {
	const char *name; /* the folder's name: the entry's file name */
	const char *path; /* the "path" file's first line */
	const char *before, *after;
};

/* One entry as found. */
struct hp_bls_found {
	const char *name; /* file name under $BOOT/loader/entries */
	const char *path; /* as on the system: "/boot/loader/entries/NAME" */
	const char *text; /* its text now */
	bool ours;	  /* of this system's entry token and machine id */
	bool managed;	  /* ours, and its kernel is installed */
};

struct hp_bls_in {
	const struct hp_bls_found *entries;
	size_t nr_entries;
	const struct hp_bls_rec *recs;
	size_t nr_recs;
	const char *const *toks; /* checked by hp_tokens_check() */
	size_t nr_toks;
};

/*
 * hp_bls_decide - the changes for apply (remove false: the tokens go in; with no tokens, as
 * remove) or remove, appended to *out in the order they must be carried out. 0; -EINVAL
 * for an entry whose options end inside a double quote (*bad names it, *bad_line its line);
 * -ENOMEM. The changes' files are malloc'd paths (hp_file_changes_free()).
 */
int hp_bls_decide(const struct hp_bls_in *in, bool remove, struct hp_file_changes *out,
		  const char **bad, unsigned *bad_line);

/* hp_bls_rec_dir - the record folder of entry name: "/var/lib/hugeplan/entries/NAME" */
int hp_bls_rec_file(const char *name, const char *file, char *buf, size_t len);

#endif
