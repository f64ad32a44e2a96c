// SPDX-License-Identifier: GPL-2.0-or-later
/* /dev/kmsg records: real ones from the Debian 6.1 guest of tests/boot, and broken ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "core/kmsgrec.h"

static int parse(const char *s, struct hp_kmsg_rec *rec)
{
	return hp_kmsg_rec_parse(s, strlen(s), rec);
}

static void test_real_records(void **state)
{
	struct hp_kmsg_rec rec;

	(void)state;
	/* seen: the kernel's warning, our own line (LOG_USER), dracut's info (LOG_DAEMON) */
	assert_int_equal(parse("4,86,58669,-;HugeTLB: allocating 1 of page size 1.00 GiB failed "
			       "node1.  Only allocated 0 hugepages.\n",
			       &rec),
			 0);
	assert_int_equal(rec.level, 4);
	assert_int_equal(rec.facility, 0);
	assert_int_equal(rec.seq, 86);
	assert_int_equal(rec.usec, 58669);
	assert_int_equal(rec.flag, '-');
	assert_string_equal(rec.text, "HugeTLB: allocating 1 of page size 1.00 GiB failed node1.  "
				      "Only allocated 0 hugepages.");

	assert_int_equal(parse("12,404,5049222,-;hugeplan: huge pages short\n", &rec), 0);
	assert_int_equal(rec.level, 4);
	assert_int_equal(rec.facility, 1);
	assert_int_equal(
		parse("30,410,5100000,-;dracut: hugeplan: huge page check skipped\n", &rec), 0);
	assert_int_equal(rec.level, 6);
	assert_int_equal(rec.facility, 3);
	assert_string_equal(rec.text, "dracut: hugeplan: huge page check skipped");
}

static void test_fields_and_escapes(void **state)
{
	struct hp_kmsg_rec rec;

	(void)state;
	/* later kernels add fields after the flags: "caller=T1" */
	assert_int_equal(parse("6,1,2,c,caller=T1;a\\x5cb\\x09c\n", &rec), 0);
	assert_int_equal(rec.flag, 'c');
	assert_string_equal(rec.text, "a\\b\tc");
	/* no flags field at all */
	assert_int_equal(parse("6,1,2;text", &rec), 0);
	assert_int_equal(rec.flag, '-');
	assert_string_equal(rec.text, "text");
	/* a NUL stays escaped; a broken escape is text */
	assert_int_equal(parse("6,1,2,-;x\\x00y\\xZZ\\x4", &rec), 0);
	assert_string_equal(rec.text, "x\\x00y\\xZZ\\x4");
	/* the dictionary is not text */
	assert_int_equal(
		parse("6,339,5140900,-;NET: Registered\n SUBSYSTEM=net\n DEVICE=+net:lo\n", &rec),
		0);
	assert_string_equal(rec.text, "NET: Registered");
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"text without header",
		"4,86,58669,-",	 /* no ';' */
		"4;86,1,-;x",	 /* ';' too early */
		",86,1,-;x",	 /* empty prio */
		"a,86,1,-;x",	 /* not a number */
		"4,,1,-;x",	 /* empty seq */
		"4,86,,-;x",	 /* empty usec */
		"99999,1,1,-;x", /* prio beyond facility*8+level */
		"4,99999999999999999999999,1,-;x",
	};
	struct hp_kmsg_rec rec;

	(void)state;
	memset(&rec, 0x55, sizeof(rec));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &rec), -EINVAL);
		assert_int_equal(rec.seq, 0x5555555555555555ULL); /* untouched */
	}
}

static void test_split(void **state)
{
	const char *log = "6,1,0,-;one\n SUBSYSTEM=x\n4,2,5,-;two\n6,3,9,-;three";
	size_t len = strlen(log), n;

	(void)state;
	n = hp_kmsg_rec_len(log, len);
	assert_int_equal(n, strlen("6,1,0,-;one\n SUBSYSTEM=x\n"));
	log += n, len -= n;
	n = hp_kmsg_rec_len(log, len);
	assert_int_equal(n, strlen("4,2,5,-;two\n"));
	log += n, len -= n;
	/* the last record has no newline: it runs to the end */
	assert_int_equal(hp_kmsg_rec_len(log, len), len);
	assert_int_equal(hp_kmsg_rec_len(log, 0), 0);
}

static void test_long_text_truncated(void **state)
{
	static char buf[3000];
	struct hp_kmsg_rec rec;

	(void)state;
	strcpy(buf, "6,1,0,-;");
	memset(buf + 8, 'x', 2000);
	assert_int_equal(hp_kmsg_rec_parse(buf, 2008, &rec), 0);
	assert_int_equal(strlen(rec.text), HP_KMSG_TEXT_MAX - 1);
}

/* hp_kmsg_rec_text_starts(): the text's start, looked at unparsed, as the parse would give it */
static void test_text_starts(void **state)
{
	static const struct {
		const char *rec;
		bool starts;
	} rows[] = {
		{ "6,112,2313,-;HugeTLB: registered 2.00 MiB page size, pre-allocated 96 pages\n",
		  true },
		{ "4,86,58669,-;HugeTLB: allocating 1 of page size 1.00 GiB failed node1.\n",
		  true },
		{ "6,1,0,-;HugeTLB registered 1 GB page size\n", true }, /* before about 5.19 */
		{ "6,1,0,c,caller=T1;HugeTLB: x\n", true },		 /* flags, a newer field */
		{ "6,1,0,-;HugeTLB", true },				 /* all there is */
		{ "6,1,0,-;HugeTL", false },				 /* shorter */
		{ "6,1,0,-;hugetlb: x\n", false },
		{ "6,1,0,-; HugeTLB: x\n", false },
		{ "6,1,0,-;x\n HugeTLB=y\n", false }, /* in the dictionary only */
		{ "HugeTLB: no header\n", false },
		{ "", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = strlen(rows[i].rec);
		struct hp_kmsg_rec rec;

		assert_int_equal(hp_kmsg_rec_text_starts(rows[i].rec, len, "HugeTLB"),
				 rows[i].starts);
		/* where it says so, the parsed text says the same */
		if (hp_kmsg_rec_parse(rows[i].rec, len, &rec) == 0)
			assert_int_equal(!strncmp(rec.text, "HugeTLB", 7), rows[i].starts);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_records),
		cmocka_unit_test(test_fields_and_escapes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_long_text_truncated),
		cmocka_unit_test(test_text_starts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
