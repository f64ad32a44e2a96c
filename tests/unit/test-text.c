// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_copy_n() and hp_copy() write what snprintf() writes with "%.*s" and "%s": the same
 * bytes, cut at the same place, for every buffer size from 0 up and every count, on strings
 * with and without a NUL inside the count. snprintf() itself gives the expected bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hp-test.h"

#include "core/text.h"

static void copy_n_is_snprintf(void **state)
{
	static const char *const src[] = { "", "a", "hugepagesz", "hugepages=0:64,1:32" };
	size_t cases = 0;

	(void)state;
	for (size_t s = 0; s < sizeof(src) / sizeof(src[0]); s++) {
		for (size_t len = 0; len <= 24; len++) {
			for (size_t n = 0; n <= 24; n++) {
				char want[32], got[32];

				memset(want, '#', sizeof(want));
				memset(got, '#', sizeof(got));
				snprintf(want, len, "%.*s", (int)n, src[s]);
				hp_copy_n(got, len, src[s], n);
				assert_memory_equal(got, want, sizeof(want));
				cases++;
			}
			{
				char want[32], got[32];

				memset(want, '#', sizeof(want));
				memset(got, '#', sizeof(got));
				snprintf(want, len, "%s", src[s]);
				hp_copy(got, len, src[s]);
				assert_memory_equal(got, want, sizeof(want));
			}
		}
	}
	assert_int_equal(cases, 4 * 25 * 25);
}

/* a count past the string's end stops at its NUL: nothing after it is read or copied */
static void stops_at_nul(void **state)
{
	const char buf[] = { 'a', 'b', '\0', 'c', 'd' };
	char got[8];

	(void)state;
	memset(got, '#', sizeof(got));
	hp_copy_n(got, sizeof(got), buf, sizeof(buf));
	assert_string_equal(got, "ab");
	assert_int_equal(got[3], '#');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_n_is_snprintf),
		cmocka_unit_test(stops_at_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
