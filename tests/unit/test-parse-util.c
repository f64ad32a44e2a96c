// SPDX-License-Identifier: GPL-2.0-or-later
/* hp_parse_boolean(): the words of systemd's parse_boolean() (src/basic/parse-util.c). */
#include <errno.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boolean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
