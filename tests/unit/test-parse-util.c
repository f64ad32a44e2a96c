// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_parse_boolean(): the words of systemd's parse_boolean() (src/basic/parse-util.c). The
 * ASCII classes and hp_dec_u64(): what <ctype.h> and strtoull() of the C locale answer.
 */
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"

#include "core/parse-util.h"

static void test_boolean(void **state)
{
	static const struct {
		const char *v;
		int want;
	} t[] = {
		{ "1", 1 },	     { "yes", 1 },	 { "y", 1 },
		{ "true", 1 },	     { "t", 1 },	 { "on", 1 },
		{ "YES", 1 },	     { "Y", 1 },	 { "True", 1 },
		{ "T", 1 },	     { "On", 1 },	 { "oN", 1 },
		{ "0", 0 },	     { "no", 0 },	 { "n", 0 },
		{ "false", 0 },	     { "f", 0 },	 { "off", 0 },
		{ "NO", 0 },	     { "N", 0 },	 { "FALSE", 0 },
		{ "F", 0 },	     { "OFF", 0 },	 { "Off", 0 },
		{ "", -EINVAL },     { "2", -EINVAL },	 { "01", -EINVAL },
		{ "yes ", -EINVAL }, { " on", -EINVAL }, { "enable", -EINVAL },
		{ "tru", -EINVAL },  { "of", -EINVAL },	 { "maybe", -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		print_message("%s\n", t[i].v);
		assert_int_equal(hp_parse_boolean(t[i].v), t[i].want);
	}
	assert_int_equal(hp_parse_boolean(NULL), -EINVAL);
}

/* every byte, against the C locale's own table */
static void test_classes(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_ALL, "C"));
	for (int c = -1; c < 256; c++) {
		print_message("%d\n", c);
		assert_int_equal(hp_isdigit(c), !!isdigit(c));
		assert_int_equal(hp_isxdigit(c), !!isxdigit(c));
		assert_int_equal(hp_isspace(c), !!isspace(c));
		assert_int_equal(hp_tolower(c), tolower(c));
	}
}

/* strings that begin with a digit, as the callers check first, up to and past UINT64_MAX */
static void test_dec_u64(void **state)
{
	static const char *const t[] = {
		"0",
		"7",
		"42\n",
		"000123abc",
		"4294967296",
		"18446744073709551614",
		"18446744073709551615",
		"18446744073709551616",
		"99999999999999999999999",
		"1.5 GiB",
		"2-3",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const char *end;
		char *want_end;
		bool over;
		unsigned long long want;

		print_message("%s\n", t[i]);
		errno = 0;
		want = strtoull(t[i], &want_end, 10);
		assert_int_equal(hp_dec_u64(t[i], &end, &over), want);
		assert_ptr_equal(end, want_end);
		assert_int_equal(over, errno == ERANGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boolean),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_dec_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
