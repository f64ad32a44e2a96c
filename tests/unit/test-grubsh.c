// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GRUB's lexer and linux loader as core/grubsh.h models them. Expected values follow GRUB
 * 2.06's yylex.l, script/execute.c and lib/cmdline.c; the first two rows were seen on a real
 * GRUB 2.06 boot (KERNEL-NOTES.md "Before the kernel sees its command line").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"

#include "core/grubsh.h"

static const char *vars(const char *name, void *ctx)
{
	(void)ctx;
	if (!strcmp(name, "tuned_params"))
		return "hugepagesz=1G  hugepages=8";
	if (!strcmp(name, "empty"))
		return "";
	return NULL;
}

static const struct {
	const char *value; /* as grub-mkconfig pastes it after "linux IMAGE" */
	const char *kernel;
} cases[] = {
	{ "console=ttyS0 hugepages\"=3\"", "console=ttyS0 hugepages=3" },
	{ "quiet 'hugepages=4'", "quiet hugepages=4" },
	{ "hugepages\\=5 \\h\\u", "hugepages=5 hu" },
	{ "a  \t b", "a b" },
	/* a space inside an argument: the loader quotes it, escaping quotes and backslashes */
	{ "\"quiet hugepages=4\"", "\"quiet hugepages=4\"" },
	{ "x='a b'", "\"x=a b\"" },
	{ "a\\\"b c\\\\d e\\'f", "a\\\"b c\\\\d e\\'f" },
	/* inside double quotes only \\ \" \$ and backslash-newline escape */
	{ "\"a\\b\\\"c\\$d\"", "a\\\\b\\\"c$d" },
	/* variables: unquoted split at blanks, quoted kept whole, unset empty */
	{ "quiet $tuned_params x", "quiet hugepagesz=1G hugepages=8 x" },
	{ "quiet ${tuned_params}", "quiet hugepagesz=1G hugepages=8" },
	{ "quiet \"$tuned_params\"", "quiet \"hugepagesz=1G  hugepages=8\"" },
	{ "a $unset b $empty c", "a b c" },
	{ "p=$unset", "p=" },
	{ "cost=$ 5", "cost=$ 5" },
	{ "a$\"b\"", "ab" },
	/* 0xA0 is not a blank to GRUB (the kernel splits there later) */
	{ "quiet\xa0hugepages=4", "quiet\xa0hugepages=4" },
	/* a comment, and command separators end the linux command */
	{ "a #b c", "a" },
	{ "a#b c", "a#b c" },
	{ "a; b", "a" },
	{ "a\nb", "a" },
	{ "a \\\nb", "a b" },
	{ "\"\" x ''", " x " }, /* empty arguments stay arguments */
	{ "--", "--" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *out = NULL;

		print_message("case %zu: %s\n", i, cases[i].value);
		assert_int_equal(hp_grub_kernel_cmdline(cases[i].value, vars, NULL, &out), 0);
		assert_string_equal(out, cases[i].kernel);
		free(out);
	}
}

static void test_unclosed(void **state)
{
	static const char *const bad[] = { "a \"b", "a 'b", "\"a\\\"" };
	char *out;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(hp_grub_kernel_cmdline(bad[i], NULL, NULL, &out), -EINVAL);
}

static void test_args(void **state)
{
	struct hp_grub_args a;

	(void)state;
	assert_int_equal(
		hp_grub_lex("linux\t/vmlinuz-6.1 root=UUID=x ro; initrd /i", NULL, NULL, &a), 0);
	assert_int_equal(a.argc, 4);
	assert_string_equal(hp_grub_arg(&a, 0), "linux");
	assert_string_equal(hp_grub_arg(&a, 1), "/vmlinuz-6.1");
	assert_string_equal(hp_grub_arg(&a, 3), "ro");
	assert_null(hp_grub_arg(&a, 4));
	assert_true(a.ended);
	hp_grub_args_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_unclosed),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
