// SPDX-License-Identifier: GPL-2.0-or-later
/* The verifier's outputs: the kernel log line, the summary, the JSON fields that tools read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bootreport.h"
#include "core/size.h"

static struct hp_verdict v;

static const struct hp_report_meta meta = {
	.generator = "hugeplan-verify test",
	.kernel = "6.1.0-56-cloud-amd64",
	.cmdline = "hugepagesz=1G hugepages=0:1,1:1",
	.plan_id = "",
	.default_size = 2 * HP_MIB,
	.kmsg_state = "read",
	.elapsed_us = 7,
	.report_path = "/run/hugeplan/boot-report.json",
};

/* the NUMA boot of tests/boot: 1G node0 0 of 1, node1 1 of 1, the kernel naming node1 */
static void numa_verdict(void)
{
	struct hp_vsize *g;

	memset(&v, 0, sizeof(v));
	v.status = HP_V_SHORT;
	v.short_bytes = HP_GIB;
	v.kmsg_read = true;
	snprintf(v.kmsgs[0], HP_KMSG_LEN, "%s",
		 "HugeTLB: allocating 1 of page size 1.00 GiB failed node1.  Only allocated 0 "
		 "hugepages.");
	v.nr_kmsgs = 1;
	v.sizes[0] = (struct hp_vsize){ .size = 2 * HP_MIB,
					.status = HP_ST_MET,
					.requested = 96,
					.kernel_requested = 96,
					.allocated = 96,
					.present = true,
					.hint_node = -1 };
	g = &v.sizes[1];
	*g = (struct hp_vsize){ .size = HP_GIB,
				.status = HP_ST_SHORT,
				.requested = 2,
				.kernel_requested = 2,
				.allocated = 1,
				.short_pages = 1,
				.present = true,
				.node_form = true,
				.gigantic = true,
				.hint_node = 1,
				.nr_reasons = 1 };
	g->nodes[0] = (struct hp_vnode){ 0, true, 1, 0, 0, HP_ST_SHORT, 1 };
	g->nodes[1] = (struct hp_vnode){ 1, true, 1, 1, 1, HP_ST_MET, 0 };
	g->nr_nodes = 2;
	v.nr_sizes = 2;
}

static void test_kmsg_line(void **state)
{
	char line[512];
	unsigned level;

	(void)state;
	numa_verdict();
	hp_report_kmsg_line(&v, &meta, line, sizeof(line), &level);
	assert_int_equal(level, 4);
	assert_string_equal(line, "hugeplan: huge pages short: 2.00 MiB met 96/96; 1.00 GiB short "
				  "1/2; node0 short 0/1; see /run/hugeplan/boot-report.json");

	v.status = HP_V_NOTHING;
	hp_report_kmsg_line(&v, &meta, line, sizeof(line), &level);
	assert_int_equal(level, 6);
	assert_string_equal(line, "hugeplan: no huge pages requested on the kernel command line");

	/* a tiny buffer truncates, never overflows */
	numa_verdict();
	hp_report_kmsg_line(&v, &meta, line, 20, &level);
	assert_int_equal(strlen(line), 19);
}

static void test_summary(void **state)
{
	char *s;

	(void)state;
	numa_verdict();
	assert_int_equal(hp_report_summary(&v, &meta, &s), 0);
	assert_non_null(strstr(s, "hugeplan-verify: SHORT: huge page pools are 1.00 GiB short"));
	assert_non_null(strstr(s, "  1.00 GiB: short by 1 page (1.00 GiB): 1 of 2\n"));
	assert_non_null(strstr(s, "    node0: short: 0 of 1\n    node1: met: 1 of 1\n"));
	assert_non_null(strstr(s, "    kernel: HugeTLB: allocating 1 of page size 1.00 GiB failed "
				  "node1."));
	/* the message's node is met in sysfs: say that the counts, not the message, decide */
	assert_non_null(strstr(s, "note: the kernel's message names node1"));
	assert_non_null(strstr(s, "report: /run/hugeplan/boot-report.json"));
	free(s);
}

static void test_json(void **state)
{
	char *j;
	size_t len;

	(void)state;
	numa_verdict();
	assert_int_equal(hp_report_json(&v, &meta, &j, &len), 0);
	assert_int_equal(strlen(j), len);
	assert_non_null(strstr(j, "\"schema\": 1,"));
	assert_non_null(strstr(j, "\"status\": \"short\","));
	assert_non_null(strstr(j, "\"short_bytes\": 1073741824,"));
	assert_non_null(strstr(j, "\"plan\": null,"));
	assert_non_null(strstr(j, "\"kernel_node_hint\": 1,"));
	assert_non_null(strstr(j, "\"kernel_node_hint\": null,"));
	assert_non_null(strstr(j, "\"requested\": 1,\n          \"allocated\": 0,"));
	assert_non_null(strstr(j, "\"elapsed_us\": 7\n}"));
	free(j);
}

/* the texts written into a buffer are the allocated ones, byte for byte; never cut */
static void test_in_buffer(void **state)
{
	char *j, *s, buf[16 << 10], small[64];
	size_t len, blen = 0;

	(void)state;
	numa_verdict();
	assert_int_equal(hp_report_json(&v, &meta, &j, &len), 0);
	assert_int_equal(hp_report_json_in(&v, &meta, buf, sizeof(buf), &blen), 0);
	assert_int_equal(blen, len);
	assert_string_equal(buf, j);
	/* exactly the text and its NUL fit; a byte less does not */
	assert_int_equal(hp_report_json_in(&v, &meta, buf, len + 1, &blen), 0);
	assert_string_equal(buf, j);
	assert_int_equal(hp_report_json_in(&v, &meta, buf, len, &blen), -ENOBUFS);
	assert_int_equal(hp_report_json_in(&v, &meta, small, sizeof(small), &blen), -ENOBUFS);
	free(j);
	assert_int_equal(hp_report_summary(&v, &meta, &s), 0);
	assert_int_equal(hp_report_summary_in(&v, &meta, buf, sizeof(buf)), 0);
	assert_string_equal(buf, s);
	assert_int_equal(hp_report_summary_in(&v, &meta, buf, strlen(s)), -ENOBUFS);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmsg_line),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_in_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
