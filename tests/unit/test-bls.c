// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BLS type #1 entries: parsing as systemd's bootspec.c reads them (tests/bls checks the same
 * files against bootctl itself), and the options edit of core/bls.h. Expected texts are
 * written from those rules, not from the code's output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"

#include "core/bls.h"

static const char *const toks[] = { "hugepagesz=1G", "hugepages=4", "hugeplan.plan=ab12" };

static const char entry[] =
	"# Boot Loader Specification type#1 entry\n"
	"title      Debian GNU/Linux 12 (bookworm)\n"
	"version    6.1.0-27-amd64\n"
	"machine-id 0123456789abcdef0123456789abcdef\n"
	"sort-key   debian\n"
	"options    root=UUID=1234 ro quiet hugepages=64\n"
	"linux      /0123456789abcdef0123456789abcdef/6.1.0-27-amd64/linux\n"
	"initrd     /0123456789abcdef0123456789abcdef/6.1.0-27-amd64/initrd.img\n";

static void test_parse(void **state)
{
	struct hp_bls_entry e;

	(void)state;
	assert_int_equal(hp_bls_parse(entry, &e), 0);
	assert_string_equal(e.title, "Debian GNU/Linux 12 (bookworm)");
	assert_string_equal(e.version, "6.1.0-27-amd64");
	assert_string_equal(e.machine_id, "0123456789abcdef0123456789abcdef");
	assert_string_equal(e.sort_key, "debian");
	assert_string_equal(e.linux_path, "/0123456789abcdef0123456789abcdef/6.1.0-27-amd64/linux");
	assert_string_equal(e.options, "root=UUID=1234 ro quiet hugepages=64");
	assert_int_equal(e.nr_options, 1);
	assert_int_equal(e.options_line, 6);
	hp_bls_entry_free(&e);
}

static void test_parse_lines(void **state)
{
	/* blanks around keys and values, CR, comments, empty values, several options lines */
	static const char t[] = "  title\tA  \r\n"
				"#options commented\n"
				"options\n"
				"options   a=1  b \n"
				"\n"
				"\toptions \"c d\"\r\n"
				"optionsx e\n"
				"linux /vmlinuz";
	struct hp_bls_entry e;

	(void)state;
	assert_int_equal(hp_bls_parse(t, &e), 0);
	assert_string_equal(e.title, "A");
	assert_string_equal(e.options, "a=1  b \"c d\"");
	assert_int_equal(e.nr_options, 2);
	assert_int_equal(e.options_line, 4);
	assert_string_equal(e.linux_path, "/vmlinuz");
	hp_bls_entry_free(&e);
}

struct edit {
	const char *in;
	size_t n;
	const char *out; /* NULL: -EINVAL, bad line below */
	unsigned bad;
};

static const struct edit edits[] = {
	/* owned words go, the tokens end the line, every other byte stays */
	{ "title T\noptions    root=/dev/sda hugepages=64 ro\nlinux /l\n", 3,
	  "title T\noptions    root=/dev/sda ro hugepagesz=1G hugepages=4 hugeplan.plan=ab12\n"
	  "linux /l\n",
	  0 },
	/* CRLF and trailing blanks after the value are kept */
	{ "options\tquiet  \r\nlinux /l", 2,
	  "options\tquiet hugepagesz=1G hugepages=4  \r\nlinux /l", 0 },
	/* several lines: owned words out of each, tokens on the last */
	{ "options a hugepagesz=2M\noptions \"hugepages=3\" b\n", 2,
	  "options a\noptions b hugepagesz=1G hugepages=4\n", 0 },
	/* a line of owned words only goes; tokens still go to the last options line */
	{ "options default_hugepagesz=2M hugeplan.plan=old\noptions a\nlinux /l\n", 2,
	  "options a hugepagesz=1G hugepages=4\nlinux /l\n", 0 },
	{ "options a\noptions default_hugepagesz=2M hugeplan.plan=old\nlinux /l\n", 2,
	  "options a\noptions hugepagesz=1G hugepages=4\nlinux /l\n", 0 },
	/* no options line: one is added (kernel-install's spacing) */
	{ "title T\nlinux /l", 2, "title T\nlinux /l\noptions    hugepagesz=1G hugepages=4\n", 0 },
	{ "", 2, "options    hugepagesz=1G hugepages=4\n", 0 },
	/* "--": tokens before it, init's words and later lines untouched */
	{ "options a hugepages=1 -- single hugepages=2\noptions hugepages=5\n", 2,
	  "options a hugepagesz=1G hugepages=4 -- single hugepages=2\noptions hugepages=5\n", 0 },
	{ "options a hugepages=1\noptions b \"--\" c\noptions hugepages=5\n", 2,
	  "options a\noptions b hugepagesz=1G hugepages=4 \"--\" c\noptions hugepages=5\n", 0 },
	/* 0xA0 is a blank to the kernel */
	{ "options quiet\xa0hugepages=4\n", 0, "options quiet\n", 0 },
	/* an unclosed quote would swallow the tokens */
	{ "title T\noptions a=\"b c\n", 2, NULL, 2 },
	/* already exactly so: unchanged */
	{ "options x hugepagesz=1G hugepages=4\n", 2, "options x hugepagesz=1G hugepages=4\n", 0 },
	/* exactly the tokens already, not last (kernel-install's systemd.machine_id=): unchanged */
	{ "options x hugepagesz=1G hugepages=4 systemd.machine_id=ab\n", 2,
	  "options x hugepagesz=1G hugepages=4 systemd.machine_id=ab\n", 0 },
	/* the same words in another order are not the plan: out and in again */
	{ "options x hugepages=4 hugepagesz=1G y\n", 2, "options x y hugepagesz=1G hugepages=4\n",
	  0 },
	/* removal only */
	{ "options x hugepagesz=1G hugepages=4\n", 0, "options x\n", 0 },
};

static void test_edit(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
		unsigned bad = 0;
		char *out = NULL;
		int r = hp_bls_edit(edits[i].in, toks, edits[i].n, &out, &bad);

		print_message("case %zu\n", i);
		if (!edits[i].out) {
			assert_int_equal(r, -EINVAL);
			assert_int_equal(bad, edits[i].bad);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(out, edits[i].out);
		free(out);
	}
}

static void test_edit_idempotent(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
		char *a, *b;

		if (!edits[i].out)
			continue;
		assert_int_equal(hp_bls_edit(edits[i].in, toks, 3, &a, NULL), 0);
		assert_int_equal(hp_bls_edit(a, toks, 3, &b, NULL), 0);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

static void test_edit_bad_token(void **state)
{
	static const char *const bad[] = { "quiet" };
	char *out;

	(void)state;
	assert_int_equal(hp_bls_edit("options a\n", bad, 1, &out, NULL), -EINVAL);
}

static void test_undo(void **state)
{
	const char *before = "options  ro\thugepages=64 quiet\n";
	char *after, *out;
	enum hp_bls_undo_how how;

	(void)state;
	assert_int_equal(hp_bls_edit(before, toks, 2, &after, NULL), 0);
	/* the blanks before a kept word stay: the one after the removed word */
	assert_string_equal(after, "options  ro quiet hugepagesz=1G hugepages=4\n");
	/* as apply left it: the original, byte for byte, its own hugepage word included */
	assert_int_equal(hp_bls_undo(after, before, after, &out, &how, NULL), 0);
	assert_int_equal(how, HP_BLS_UNDO_RESTORE);
	assert_string_equal(out, before);
	free(out);
	/* changed since (kernel-install renewed it): only the owned words go */
	assert_int_equal(hp_bls_undo("options a hugepagesz=1G hugepages=4 b\n", before, after, &out,
				     &how, NULL),
			 0);
	assert_int_equal(how, HP_BLS_UNDO_STRIP);
	assert_string_equal(out, "options a b\n");
	free(out);
	free(after);
}

static void test_token_names(void **state)
{
	(void)state;
	assert_true(hp_bls_name_has_token("abc-6.1.0-27-amd64.conf", "abc"));
	assert_true(hp_bls_name_has_token("abc-6.1.0-27-amd64+3-0.conf", "abc"));
	assert_true(hp_bls_name_has_token("x.conf", NULL));
	assert_false(hp_bls_name_has_token("abcd-6.1.conf", "abc"));
	assert_false(hp_bls_name_has_token("other-6.1.conf", "abc"));
	assert_false(hp_bls_name_has_token("abc-.conf", "abc"));
	assert_false(hp_bls_name_has_token("abc-6.1.efi", "abc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	       cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_edit),	       cmocka_unit_test(test_edit_idempotent),
		cmocka_unit_test(test_edit_bad_token), cmocka_unit_test(test_undo),
		cmocka_unit_test(test_token_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
