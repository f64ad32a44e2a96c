// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON writer: RFC 8259 escaping, UTF-8 repair, nesting errors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"
#include "core/json.h"

static char *doc_str(const char *s)
{
	struct hp_json j;
	char *out;

	hp_json_init(&j);
	hp_json_object(&j, NULL);
	hp_json_str(&j, "k", s);
	hp_json_end(&j);
	assert_int_equal(hp_json_finish(&j, &out, NULL), 0);
	return out;
}

static void test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "plain", "{\n  \"k\": \"plain\"\n}\n" },
		{ "q\"b\\", "{\n  \"k\": \"q\\\"b\\\\\"\n}\n" },
		{ "nl\ntab\t\x01", "{\n  \"k\": \"nl\\u000atab\\u0009\\u0001\"\n}\n" },
		{ "caf\xc3\xa9", "{\n  \"k\": \"caf\xc3\xa9\"\n}\n" },
		{ "bad\xff\xc3", "{\n  \"k\": \"bad\\ufffd\\ufffd\"\n}\n" },
		{ "\xed\xa0\x80", "{\n  \"k\": \"\\ufffd\\ufffd\\ufffd\"\n}\n" }, /* a surrogate */
		{ "\xc0\xaf", "{\n  \"k\": \"\\ufffd\\ufffd\"\n}\n" },		  /* overlong */
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *s = doc_str(t[i].in);

		assert_string_equal(s, t[i].out);
		free(s);
	}
}

static void test_shapes(void **state)
{
	struct hp_json j;
	char *out;

	(void)state;
	hp_json_init(&j);
	hp_json_object(&j, NULL);
	hp_json_bool(&j, "ok", true);
	hp_json_array(&j, "a");
	hp_json_u64(&j, NULL, 18446744073709551615ULL);
	hp_json_i64(&j, NULL, -5);
	hp_json_str(&j, NULL, NULL);
	hp_json_end(&j);
	hp_json_array(&j, "empty");
	hp_json_end(&j);
	hp_json_end(&j);
	assert_int_equal(hp_json_finish(&j, &out, NULL), 0);
	assert_string_equal(out, "{\n  \"ok\": true,\n  \"a\": [\n    18446744073709551615,\n"
				 "    -5,\n    null\n  ],\n  \"empty\": []\n}\n");
	free(out);

	/* unbalanced, key in an array, no key in an object */
	hp_json_init(&j);
	hp_json_object(&j, NULL);
	assert_int_equal(hp_json_finish(&j, &out, NULL), -EINVAL);
	hp_json_init(&j);
	hp_json_array(&j, NULL);
	hp_json_u64(&j, "key", 1);
	hp_json_end(&j);
	assert_int_equal(hp_json_finish(&j, &out, NULL), -EINVAL);
	hp_json_init(&j);
	hp_json_object(&j, NULL);
	hp_json_u64(&j, NULL, 1);
	hp_json_end(&j);
	assert_int_equal(hp_json_finish(&j, &out, NULL), -EINVAL);
	/* too deep */
	hp_json_init(&j);
	for (int i = 0; i < HP_JSON_MAX_DEPTH + 1; i++)
		hp_json_array(&j, NULL);
	assert_int_equal(hp_json_finish(&j, &out, NULL), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
