// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/blsapply.h: what apply and remove do to each Boot Loader Specification entry and its
 * record, row by row. The expected changes (which file, written or removed, with what text,
 * in which order) are the rules of blsapply.h written out by hand.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"

#include "core/blsapply.h"
#include "core/pathnames.h"

#define MID    "0123456789abcdef0123456789abcdef"
#define NAME   MID "-6.1.0-27-amd64.conf"
#define PATH   "/boot/loader/entries/" NAME
#define REC    HP_P_ENTRY_RECORDS "/" NAME
#define TOKS   "default_hugepagesz=1G hugepagesz=1G hugepages=2 hugeplan.plan=0123456789abcdef"
#define OLDT   "hugepagesz=2M hugepages=512 hugeplan.plan=fedcba9876543210"
#define HEAD   "title      Debian GNU/Linux 12 (bookworm)\nversion    6.1.0-27-amd64\n"
#define TAIL   "linux      /" MID "/6.1.0-27-amd64/linux\n"
#define OPT(o) HEAD "options    " o "\n" TAIL

/* kernel-install's entry with a hugepage word of the admin's */
#define ORIG	 OPT("root=/dev/sda ro quiet hugepages=64 systemd.machine_id=" MID)
#define BARE	 OPT("root=/dev/sda ro quiet systemd.machine_id=" MID)
#define APPLIED	 OPT("root=/dev/sda ro quiet systemd.machine_id=" MID " " TOKS)
#define APPLIED0 OPT("root=/dev/sda ro quiet systemd.machine_id=" MID " " OLDT)
/* what kernel-install writes from an /etc/kernel/cmdline hugeplan edited */
#define KI_NEW	OPT("root=/dev/sda ro quiet " TOKS " systemd.machine_id=" MID)
#define KI_BARE OPT("root=/dev/sda ro quiet systemd.machine_id=" MID)

static const char *const toks[] = { "default_hugepagesz=1G", "hugepagesz=1G", "hugepages=2",
				    "hugeplan.plan=0123456789abcdef" };

enum { W = HP_FILE_WRITE, RM = HP_FILE_REMOVE, RD = HP_FILE_RMDIR };

struct want {
	const char *file;
	int action;
	const char *text; /* W: the text */
	bool differs;
	bool restored;
};

/* a change, one that puts a record's "before" back, and the end of a row's list */
#define C(file, action, text, differs)                                                             \
	{                                                                                          \
		file, action, text, differs, false                                                 \
	}
#define BACK(file, text)                                                                           \
	{                                                                                          \
		file, W, text, true, true                                                          \
	}
#define NONE                                                                                       \
	{                                                                                          \
		{                                                                                  \
			NULL, 0, NULL, false, false                                                \
		}                                                                                  \
	}

struct row {
	const char *name;
	bool remove, no_toks;
	const char *cur; /* the entry now, NULL: no entry */
	bool ours, managed;
	bool rec;
	const char *rec_before, *rec_after;
	int ret;
	struct want w[8];
};

// clang-format off
static const struct row rows[] = {
	{ "apply: first time, the admin's word out, the original recorded", false, false,
	  ORIG, true, true, false, NULL, NULL, 0, {
		C(REC "/path", W, PATH "\n", true),
		C(REC "/before", W, ORIG, true),
		C(REC "/after", W, APPLIED, true),
		C(PATH, W, APPLIED, true) } },
	{ "apply again: the record is right, the entry too: nothing differs", false, false,
	  APPLIED, true, true, true, ORIG, APPLIED, 0, {
		C(PATH, W, APPLIED, false) } },
	{ "apply, a new plan: the original kept, after and the entry rewritten", false, false,
	  APPLIED0, true, true, true, ORIG, APPLIED0, 0, {
		C(REC "/after", W, APPLIED, true),
		C(PATH, W, APPLIED, true) } },
	{ "apply after a write that never happened (the entry is the record's before)", false,
	  false, ORIG, true, true, true, ORIG, APPLIED0, 0, {
		C(REC "/after", W, APPLIED, true),
		C(PATH, W, APPLIED, true) } },
	{ "apply, kernel-install wrote it with the tokens: left as is, the bare entry recorded",
	  false, false, KI_NEW, true, true, false, NULL, NULL, 0, {
		C(REC "/path", W, PATH "\n", true),
		C(REC "/before", W, KI_BARE, true),
		C(REC "/after", W, KI_NEW, true),
		C(PATH, W, KI_NEW, false) } },
	{ "apply, the entry changed since its record: the bare entry is the new original", false,
	  false, KI_NEW, true, true, true, ORIG, APPLIED0, 0, {
		C(REC "/before", W, KI_BARE, true),
		C(REC "/after", W, KI_NEW, true),
		C(PATH, W, KI_NEW, false) } },
	{ "apply, the kernel is not installed: the entry and its record stay", false, false,
	  ORIG, true, false, true, ORIG, APPLIED, 0, NONE },
	{ "apply, another system's entry: left alone", false, false,
	  APPLIED, false, false, false, NULL, NULL, 0, NONE },
	{ "apply, a record whose entry is gone: removed, folder last", false, false,
	  NULL, false, false, true, ORIG, APPLIED, 0, {
		C(REC "/after", RM, NULL, true),
		C(REC "/before", RM, NULL, true),
		C(REC "/path", RM, NULL, true),
		C(REC, RD, NULL, true) } },
	{ "remove: the entry as apply left it gets its original back", true, false,
	  APPLIED, true, true, true, ORIG, APPLIED, 0, {
		BACK(PATH, ORIG),
		C(REC "/after", RM, NULL, true),
		C(REC "/before", RM, NULL, true),
		C(REC "/path", RM, NULL, true),
		C(REC, RD, NULL, true) } },
	{ "remove: the entry of a kernel no longer installed too", true, false,
	  APPLIED, true, false, true, ORIG, APPLIED, 0, {
		BACK(PATH, ORIG),
		C(REC "/after", RM, NULL, true),
		C(REC "/before", RM, NULL, true),
		C(REC "/path", RM, NULL, true),
		C(REC, RD, NULL, true) } },
	{ "remove: changed since (a reinstall): owned words out, record gone", true, false,
	  KI_NEW, true, true, true, ORIG, APPLIED, 0, {
		C(PATH, W, KI_BARE, true),
		C(REC "/after", RM, NULL, true),
		C(REC "/before", RM, NULL, true),
		C(REC "/path", RM, NULL, true),
		C(REC, RD, NULL, true) } },
	{ "remove: no record, hugeplan's words from kernel-install: out", true, false,
	  KI_NEW, true, true, false, NULL, NULL, 0, {
		C(PATH, W, KI_BARE, true) } },
	{ "remove: no record, only the admin's hugepage word: left alone", true, false,
	  ORIG, true, true, false, NULL, NULL, 0, NONE },
	{ "remove: another system's entry with hugeplan's words, no record: left alone", true,
	  false, KI_NEW, false, false, false, NULL, NULL, 0, NONE },
	{ "apply with nothing planned: as remove", false, true,
	  APPLIED, true, true, true, ORIG, APPLIED, 0, {
		BACK(PATH, ORIG),
		C(REC "/after", RM, NULL, true),
		C(REC "/before", RM, NULL, true),
		C(REC "/path", RM, NULL, true),
		C(REC, RD, NULL, true) } },
	{ "apply: options ending inside a quote are refused", false, false,
	  HEAD "options    root=/dev/sda x=\"a b\n" TAIL, true, true, false, NULL, NULL, -EINVAL,
	  NONE },
};
// clang-format on

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *t = &rows[i];
		struct hp_bls_found e = { .name = NAME,
					  .path = PATH,
					  .text = t->cur,
					  .ours = t->ours,
					  .managed = t->managed };
		struct hp_bls_rec rec = {
			.name = NAME, .path = PATH, .before = t->rec_before, .after = t->rec_after
		};
		struct hp_bls_in in = {
			.entries = &e,
			.nr_entries = t->cur ? 1 : 0,
			.recs = &rec,
			.nr_recs = t->rec ? 1 : 0,
			.toks = toks,
			.nr_toks = t->no_toks ? 0 : ARRAY_SIZE(toks),
		};
		struct hp_file_changes cs = { 0 };
		const char *bad = NULL;
		unsigned line = 0;
		size_t n = 0;
		int r;

		print_message("%s\n", t->name);
		r = hp_bls_decide(&in, t->remove, &cs, &bad, &line);
		assert_int_equal(r, t->ret);
		if (r < 0) {
			assert_string_equal(bad, NAME);
			assert_int_equal(line, 3);
			hp_file_changes_free(&cs);
			continue;
		}
		while (n < ARRAY_SIZE(t->w) && t->w[n].file)
			n++;
		assert_int_equal(cs.n, n);
		for (size_t k = 0; k < n; k++) {
			const struct hp_file_change *c = &cs.v[k];

			print_message("  %s\n", t->w[k].file);
			assert_string_equal(c->file, t->w[k].file);
			assert_int_equal(c->action, t->w[k].action);
			assert_int_equal(c->differs, t->w[k].differs);
			assert_int_equal(c->restored, t->w[k].restored);
			assert_int_equal(c->kind,
					 streq(c->file, PATH) ? HP_CHANGE_ENTRY : HP_CHANGE_RECORD);
			if (t->w[k].action == W)
				assert_string_equal(c->text, t->w[k].text);
			else
				assert_null(c->text);
		}
		hp_file_changes_free(&cs);
	}
}

/*
 * Apply, then remove on what apply left, gives back every entry byte for byte, whatever the
 * entry was (with or without the admin's words, written by kernel-install from hugeplan's
 * edit or not), and apply twice changes nothing the second time.
 */
static void test_round_trip(void **state)
{
	static const char *const starts[] = { ORIG, BARE, APPLIED0, HEAD TAIL,
					      OPT("quiet -- single hugepages=3") };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(starts); i++) {
		struct hp_bls_found e = {
			.name = NAME, .path = PATH, .text = starts[i], .ours = true, .managed = true
		};
		struct hp_bls_rec rec = { .name = NAME };
		struct hp_bls_in in = { .entries = &e,
					.nr_entries = 1,
					.recs = &rec,
					.toks = toks,
					.nr_toks = ARRAY_SIZE(toks) };
		struct hp_file_changes a = { 0 }, b = { 0 }, c = { 0 };
		const char *entry = NULL, *before = NULL, *after = NULL;

		print_message("round trip %zu\n", i);
		assert_int_equal(hp_bls_decide(&in, false, &a, NULL, NULL), 0);
		for (size_t k = 0; k < a.n; k++) {
			if (streq(a.v[k].file, PATH))
				entry = a.v[k].text;
			else if (streq(a.v[k].file, REC "/before"))
				before = a.v[k].text;
			else if (streq(a.v[k].file, REC "/after"))
				after = a.v[k].text;
		}
		assert_non_null(entry);
		assert_non_null(before);
		assert_string_equal(after, entry);
		/* a plain original is recorded as it is */
		if (i != 2)
			assert_string_equal(before, starts[i]);
		/* applied again, with its record: nothing differs */
		e.text = entry;
		rec.path = PATH;
		rec.before = before;
		rec.after = after;
		in.nr_recs = 1;
		assert_int_equal(hp_bls_decide(&in, false, &b, NULL, NULL), 0);
		for (size_t k = 0; k < b.n; k++)
			assert_false(b.v[k].differs);
		/* removed: the original back, byte for byte */
		assert_int_equal(hp_bls_decide(&in, true, &c, NULL, NULL), 0);
		assert_string_equal(c.v[0].file, PATH);
		assert_string_equal(c.v[0].text, before);
		hp_file_changes_free(&a);
		hp_file_changes_free(&b);
		hp_file_changes_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
