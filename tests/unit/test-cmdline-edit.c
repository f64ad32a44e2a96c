// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_cmdline_edit() and the token rules. Expected lines are written from the rules in
 * core/cmdline-edit.h and the kernel's next_arg()/parameq(), not from the code's output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cmdline-edit.h"
#include "core/macro.h"

static const char *const plan[] = { "hugepagesz=1G", "hugepages=4" };

static void test_token_ok(void **state)
{
	static const char *const good[] = {
		"hugepagesz=1G",	 "hugepages=512",	    "hugepages=0:4,1:4",
		"default_hugepagesz=1G", "hugetlb_free_vmemmap=on", "hugeplan.plan=0123abcd",
		"default-hugepagesz=2M",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(hp_token_check(good[i]), 0);
}

static void test_token_bad(void **state)
{
	char longtok[HP_TOKEN_MAX + 2];
	static const char *const bad[] = {
		"",
		"quiet",	      /* not a word hugeplan owns */
		"root=/dev/sda",      /* '/' and not owned */
		"hugepages",	      /* the kernel reads "hugepages=" only */
		"hugepages=4;reboot", /* shell metacharacter */
		"hugepages=$(reboot)",
		"hugepages=`id`",
		"hugepages=4 quiet", /* a blank would make two words */
		"hugepages=\"4\"",   /* quotes regroup the kernel's words */
		"hugepages='4'",
		"hugepages=4\n",
		"hugepages=4\\",
		"hugetlb_cma=2G", /* not owned: it is the user's */
		"--",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hp_token_check(bad[i]), -EINVAL);
	assert_int_equal(hp_token_check(NULL), -EINVAL);

	/* length bound: HP_TOKEN_MAX - 1 characters fit its buffers, HP_TOKEN_MAX do not */
	memcpy(longtok, "hugeplan.x=", 11);
	memset(longtok + 11, 'a', sizeof(longtok) - 11);
	longtok[HP_TOKEN_MAX - 1] = '\0';
	assert_int_equal(hp_token_check(longtok), 0);
	longtok[HP_TOKEN_MAX - 1] = 'a';
	longtok[HP_TOKEN_MAX] = '\0';
	assert_int_equal(hp_token_check(longtok), -EINVAL);
}

static void test_tokens_check_index(void **state)
{
	static const char *const toks[] = { "hugepagesz=1G", "hugepages=4", "x;y" };
	const char *many[HP_MAX_TOKENS + 1];
	size_t bad = 99;

	(void)state;
	assert_int_equal(hp_tokens_check(toks, 2, &bad), 0);
	assert_int_equal(bad, 99);
	assert_int_equal(hp_tokens_check(toks, 3, &bad), -EINVAL);
	assert_int_equal(bad, 2);
	for (size_t i = 0; i < HP_MAX_TOKENS + 1; i++)
		many[i] = "hugepages=1";
	assert_int_equal(hp_tokens_check(many, HP_MAX_TOKENS, NULL), 0);
	assert_int_equal(hp_tokens_check(many, HP_MAX_TOKENS + 1, &bad), -EINVAL);
	assert_int_equal(bad, HP_MAX_TOKENS + 1);
}

static void test_owned_words(void **state)
{
	struct {
		const char *w;
		bool owned;
	} t[] = {
		{ "hugepages=4", true },
		{ "hugepagesz=2M", true },
		{ "default_hugepagesz=1G", true },
		{ "default-hugepagesz=1G", true }, /* parameq(): '-' == '_' */
		{ "hugetlb-free_vmemmap=on", true },
		{ "\"hugepages=4\"", true }, /* next_arg() strips the quotes */
		{ "hugeplan.plan=ab", true },
		{ "hugeplan.anything", true },
		{ "hugepages", false },
		{ "hugepages_x=1", false },
		{ "xhugepages=1", false },
		{ "hugetlb_cma=4G", false },
		{ "hugeplan=1", false },
		{ "transparent_hugepage=never", false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(hp_word_owned(t[i].w, strlen(t[i].w)), t[i].owned);
}

struct edit_case {
	const char *in;
	size_t n; /* tokens of plan[] to append */
	unsigned flags;
	const char *out; /* NULL: -EINVAL expected */
};

static const struct edit_case edits[] = {
	{ "", 2, 0, "hugepagesz=1G hugepages=4\n" },
	{ "\n", 2, 0, "hugepagesz=1G hugepages=4\n" },
	{ "root=/dev/sda ro quiet\n", 2, 0, "root=/dev/sda ro quiet hugepagesz=1G hugepages=4\n" },
	/* earlier hugepage words go, wherever they are; everything else keeps its place */
	{ "root=/dev/sda hugepages=16 ro hugepagesz=2M quiet\n", 2, 0,
	  "root=/dev/sda ro quiet hugepagesz=1G hugepages=4\n" },
	{ "hugepages=1 root=/dev/sda", 2, 0, "root=/dev/sda hugepagesz=1G hugepages=4\n" },
	{ "  root=/dev/sda  ro\tquiet  \n\n", 2, 0,
	  "root=/dev/sda  ro\tquiet hugepagesz=1G hugepages=4\n" },
	{ "root=/dev/sda\nquiet\n", 2, 0, "root=/dev/sda\nquiet hugepagesz=1G hugepages=4\n" },
	{ "default-hugepagesz=2M hugetlb_free_vmemmap=on quiet hugeplan.plan=old", 2, 0,
	  "quiet hugepagesz=1G hugepages=4\n" },
	/* quotes: an owned word in quotes goes whole; one inside another value's quotes stays */
	{ "\"hugepages=1\" foo=\"a hugepages=2 b\" hugepages=\"3 4\" x", 2, 0,
	  "foo=\"a hugepages=2 b\" x hugepagesz=1G hugepages=4\n" },
	/* after "--" the words are init's: left alone, and the tokens go before it */
	{ "root=/dev/sda hugepages=1 -- single hugepages=2\n", 2, 0,
	  "root=/dev/sda hugepagesz=1G hugepages=4 -- single hugepages=2\n" },
	{ "-- single", 2, 0, "hugepagesz=1G hugepages=4 -- single\n" },
	{ "root=/dev/sda \"--\" x", 2, 0, "root=/dev/sda hugepagesz=1G hugepages=4 \"--\" x\n" },
	/* 0xA0 splits words for the kernel (lib/ctype.c): the owned word behind it goes */
	{ "quiet\xa0hugepages=4 ro", 2, 0, "quiet ro hugepagesz=1G hugepages=4\n" },
	/* lookalikes the kernel does not read as pool parameters stay */
	{ "hugepages_foo=1 xhugepages=2 hugepages hugetlb_cma=2G", 2, 0,
	  "hugepages_foo=1 xhugepages=2 hugepages hugetlb_cma=2G hugepagesz=1G hugepages=4\n" },
	/* remove: no tokens */
	{ "root=/dev/sda hugepagesz=1G hugepages=4\n", 0, 0, "root=/dev/sda\n" },
	{ "hugepagesz=1G hugepages=4\n", 0, 0, "" },
	{ "", 0, 0, "" },
	/* an open quote would swallow whatever is appended */
	{ "root=/dev/sda foo=\"bar", 2, 0, NULL },
	{ "root=/dev/sda foo=\"bar", 0, 0, NULL },
	/* init's words are not the kernel's business, quotes there included */
	{ "root=/dev/sda -- echo \"x", 2, 0,
	  "root=/dev/sda hugepagesz=1G hugepages=4 -- echo \"x\n" },
	/* created from /proc/cmdline: kernel-install drops the boot loader's own words too */
	{ "BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=UUID=ab-cd ro initrd=\\initrd.img "
	  "hugepages=8 quiet\n",
	  2, HP_CMDLINE_FROM_PROC, "root=UUID=ab-cd ro quiet hugepagesz=1G hugepages=4\n" },
	{ "BOOT_IMAGE=/vmlinuz root=/dev/sda\n", 2, 0,
	  "BOOT_IMAGE=/vmlinuz root=/dev/sda hugepagesz=1G hugepages=4\n" },
};

static void test_edit_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const struct edit_case *c = &edits[i];
		char *out = NULL;
		int r = hp_cmdline_edit(c->in, plan, c->n, c->flags, &out);

		print_message("# case %zu\n", i);
		if (!c->out) {
			assert_int_equal(r, -EINVAL);
			assert_null(out);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(out, c->out);
		free(out);
	}
}

/* Idempotence: editing an edited text changes nothing, with and without tokens. */
static void test_edit_idempotent(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *once, *twice;

		if (!edits[i].out)
			continue;
		assert_int_equal(hp_cmdline_edit(edits[i].in, plan, edits[i].n, 0, &once), 0);
		assert_int_equal(hp_cmdline_edit(once, plan, edits[i].n, 0, &twice), 0);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

static void test_edit_bad_token(void **state)
{
	static const char *const toks[] = { "hugepages=4", "init=/bin/sh" };
	char *out = NULL;

	(void)state;
	assert_int_equal(hp_cmdline_edit("root=/dev/sda", toks, 2, 0, &out), -EINVAL);
	assert_null(out);
}

static void test_count_owned(void **state)
{
	(void)state;
	assert_int_equal(hp_cmdline_count_owned(""), 0);
	assert_int_equal(hp_cmdline_count_owned("root=/dev/sda quiet"), 0);
	assert_int_equal(hp_cmdline_count_owned("hugepagesz=1G hugepages=4 quiet"), 2);
	assert_int_equal(hp_cmdline_count_owned("a=\"hugepages=1\" hugepages=2 -- hugepages=3"), 1);
}

/* the words asking for one boot only (issue 12 item 3), as they stand */
static void test_oneoff(void **state)
{
	static const struct {
		const char *line, *want;
		size_t n;
	} cases[] = {
		{ "root=/dev/sda1 ro quiet", "", 0 },
		{ "root=/dev/sda1 ro single", "single", 1 },
		{ "ro S init=/bin/bash", "S init=/bin/bash", 2 },
		{ "rd.break rd.break=pre-mount rd.shell rd.emergency=halt",
		  "rd.break rd.break=pre-mount rd.shell rd.emergency=halt", 4 },
		{ "systemd.unit=rescue.target rd.systemd.unit=emergency.target",
		  "systemd.unit=rescue.target rd.systemd.unit=emergency.target", 2 },
		/* a unit of every boot is no one-off */
		{ "systemd.unit=multi-user.target", "", 0 },
		{ "break=premount rdinit=/bin/sh emergency rescue -b 1",
		  "break=premount rdinit=/bin/sh emergency rescue -b 1", 6 },
		/* words that only look like them */
		{ "singles initx=1 s.x=1 single=1 10", "", 0 },
		{ "quiet -- single", "single", 1 },
	};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = hp_cmdline_oneoff(cases[i].line, buf, sizeof(buf));

		if (n != cases[i].n || strcmp(buf, cases[i].want))
			fail_msg("\"%s\": %zu \"%s\", expected %zu \"%s\"", cases[i].line, n, buf,
				 cases[i].n, cases[i].want);
	}
	/* cut to fit */
	assert_int_equal(hp_cmdline_oneoff("single init=/bin/bash", buf, 8), 2);
	assert_int_equal(strlen(buf), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_ok),
		cmocka_unit_test(test_token_bad),
		cmocka_unit_test(test_tokens_check_index),
		cmocka_unit_test(test_owned_words),
		cmocka_unit_test(test_edit_table),
		cmocka_unit_test(test_edit_idempotent),
		cmocka_unit_test(test_edit_bad_token),
		cmocka_unit_test(test_count_owned),
		cmocka_unit_test(test_oneoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
