// SPDX-License-Identifier: GPL-2.0-or-later
/* Sizes: configuration parser, the kernel's memparse(), and the kernel's size strings. */
#include <errno.h>
#include <string.h>

#include "hp-test.h"
#include "core/size.h"

static void test_parse_valid(void **state)
{
	static const struct {
		const char *in;
		uint64_t out;
	} t[] = {
		{ "0", 0 },
		{ "4096", 4096 },
		{ "1K", 1024 },
		{ "1k", 1024 },
		{ "2M", 2 * HP_MIB },
		{ "2m", 2 * HP_MIB },
		{ "1G", HP_GIB },
		{ "16g", 16 * HP_GIB },
		{ "3T", 3 * HP_TIB },
		{ "1536M", 1536 * HP_MIB },
		{ "16777215T", 16777215ULL * HP_TIB }, /* the largest T that fits in 64 bits */
		{ "18446744073709551615", UINT64_MAX },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t v = 1;
		int ue = 7;

		assert_int_equal(hp_size_parse(t[i].in, &v, &ue), 0);
		assert_true(v == t[i].out);
		assert_int_equal(ue, 0);
	}
}

static void test_parse_invalid(void **state)
{
	static const struct {
		const char *in;
		int err;
		int unit;
	} t[] = {
		{ "", -EINVAL, 0 },
		{ "G", -EINVAL, 0 },
		{ "-1G", -EINVAL, 0 },
		{ "+1G", -EINVAL, 0 },
		{ " 1G", -EINVAL, 0 },
		{ "0x10G", -EINVAL, 1 },
		{ "16Q", -EINVAL, 1 },
		{ "16GB", -EINVAL, 1 },
		{ "16GiB", -EINVAL, 1 },
		{ "1.5G", -EINVAL, 1 },
		{ "16 G", -EINVAL, 1 },
		{ "4P", -EINVAL, 1 }, /* K M G T only */
		{ "99999999999T", -ERANGE, 0 },
		{ "16777216T", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		/* the unit is judged before the range: "too large" would mislead */
		{ "99999999999999999999999Q", -EINVAL, 1 },
		{ "99999999999999999999999G", -ERANGE, 0 },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t v = 42;
		int ue = 0;

		assert_int_equal(hp_size_parse(t[i].in, &v, &ue), t[i].err);
		assert_int_equal(ue, t[i].unit);
		assert_true(v == 42); /* untouched on failure */
	}
}

/* lib/cmdline.c memparse(): base 0, one suffix of K M G T P E, the rest left unread */
static void test_memparse(void **state)
{
	static const struct {
		const char *in;
		uint64_t out;
		size_t used;
	} t[] = {
		{ "2M", 2 * HP_MIB, 2 },
		{ "2m", 2 * HP_MIB, 2 },
		{ "1G", HP_GIB, 2 },
		{ "2MB", 2 * HP_MIB, 2 },      /* "B" is not read: hugepagesz=2MB is 2M */
		{ "0x200000", 2 * HP_MIB, 8 }, /* hex */
		{ "0x1G", HP_GIB, 4 },
		{ "010", 8, 3 }, /* octal */
		{ "08", 0, 1 },	 /* '8' is no octal digit */
		{ "1048576K", HP_GIB, 8 },
		{ "1P", 1ULL << 50, 2 },
		{ "1E", 1ULL << 60, 2 },
		{ "abc", 0, 0 },
		{ "", 0, 0 },
		{ "16Q", 16, 2 },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const char *end;
		uint64_t v = hp_memparse(t[i].in, &end);

		assert_true(v == t[i].out);
		assert_int_equal((size_t)(end - t[i].in), t[i].used);
	}
}

static void test_token(void **state)
{
	static const struct {
		uint64_t in;
		const char *out;
	} t[] = {
		{ 2 * HP_MIB, "2M" },	{ HP_GIB, "1G" },	  { 64 * HP_KIB, "64K" },
		{ 16 * HP_GIB, "16G" }, { 512 * HP_MIB, "512M" }, { 1536 * HP_MIB, "1536M" },
		{ 1000, "1000" },	{ 2 * HP_TIB, "2T" },	  { 0, "0" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		hp_size_token(t[i].in, buf, sizeof(buf));
		assert_string_equal(buf, t[i].out);
	}
}

/* Strings the kernel prints (KERNEL-NOTES.md): string_get_size(size, 1, STRING_UNITS_2) */
static void test_human(void **state)
{
	static const struct {
		uint64_t in;
		const char *out;
	} t[] = {
		{ 2 * HP_MIB, "2.00 MiB" },
		{ HP_GIB, "1.00 GiB" },
		{ 16 * HP_GIB, "16.0 GiB" },
		{ 512 * HP_MIB, "512 MiB" },
		{ 64 * HP_KIB, "64.0 KiB" },
		{ 0, "0 B" },
		{ 1023, "1023 B" },
		{ 1536 * HP_MIB, "1.50 GiB" },
		/* 1.999 GiB: 2047 MiB -> remainder 1023/1024 -> .999, +5 rounds up to 2.00 */
		{ 2047 * HP_MIB, "2.00 GiB" },
		/* 1200 MiB: remainder 176 MiB -> 176000/1024 = 171 -> +5 = 176 -> ".17" */
		{ 1200 * HP_MIB, "1.17 GiB" },
		{ 32 * HP_KIB, "32.0 KiB" },
		{ 16380 * HP_KIB, "16.0 MiB" },
		/*
		 * The rounding carries into a fourth digit and 6.1 prints it (j is fixed before
		 * the carry): 1048575 = 1023 KiB + 1023 -> 999 + 500 carries -> "1024 KiB";
		 * 100 GiB - 1 MiB = 99 GiB + 1023 MiB -> 999 + 50 -> "100.0 GiB";
		 * 10 TiB - 256 reduces to 9 TiB + 1023/1024 -> 999 + 5 -> "10.00 TiB".
		 */
		{ HP_MIB - 1, "1024 KiB" },
		{ 100 * HP_GIB - HP_MIB, "100.0 GiB" },
		{ 10 * HP_TIB - 256, "10.00 TiB" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		hp_size_human(t[i].in, buf, sizeof(buf));
		assert_string_equal(buf, t[i].out);
	}
}

/* issue 12 item 12: kB figures into bytes, overflow checked (2^54 KiB are 2^64 bytes) */
static void test_kb_bytes(void **state)
{
	const char *end;
	uint64_t b = 7;

	(void)state;
	assert_int_equal(hp_kb_bytes("32768000 kB", &end, &b), 0);
	assert_true(b == 32768000ULL * 1024);
	assert_string_equal(end, " kB");
	assert_int_equal(hp_kb_bytes("18014398509481983kB", &end, &b), 0);
	assert_true(b == UINT64_MAX - 1023);
	assert_string_equal(end, "kB");
	b = 7;
	assert_int_equal(hp_kb_bytes("18014398509481984", &end, &b), -ERANGE);
	assert_int_equal(hp_kb_bytes("99999999999999999999999999", &end, &b), -ERANGE);
	assert_string_equal(end, "");
	assert_true(b == 7); /* untouched on failure */
	assert_int_equal(hp_kb_bytes("-1", &end, &b), -EINVAL);
	assert_int_equal(hp_kb_bytes(" 1", &end, &b), -EINVAL);
	assert_int_equal(hp_kb_bytes("", &end, &b), -EINVAL);
	assert_int_equal(hp_kb_bytes("0", NULL, &b), 0);
	assert_true(b == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid), cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_memparse),    cmocka_unit_test(test_token),
		cmocka_unit_test(test_human),	    cmocka_unit_test(test_kb_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
