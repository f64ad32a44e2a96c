// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash kernel's command line as kdump-config and kdumpctl build it (core/kdump.h).
 * Expected lines apply their sed / remove lists by hand; tests/kdump runs the real
 * kdump-config on the same inputs.
 */
#include <stdlib.h>
#include <string.h>

#include "hp-test.h"

#include "core/kdump.h"

#define APP HP_KDUMP_DEBIAN_APPEND

static void test_debian(void **state)
{
	static const struct {
		const char *next, *cmdline, *append, *out;
	} t[] = {
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda ro crashkernel=384M-:128M "
		  "default_hugepagesz=1G hugepagesz=1G hugepages=4 hugeplan.plan=ab\n",
		  NULL, NULL,
		  "BOOT_IMAGE=/vmlinuz root=/dev/sda ro default_hugepagesz=1G "
		  "hugeplan.plan=ab " APP },
		/* only words after a space (or first): a tab or 0xA0 keeps the next word */
		{ "hugepages=2 a\thugepages=3 b\xa0hugepagesz=2M c hugepagesz=1G", NULL, NULL,
		  " a\thugepages=3 b\xa0hugepagesz=2M c " APP },
		{ " hugepages=2 x", NULL, NULL, " x " APP },
		{ "a hugepages=0:2,1:2 abm=1 b", NULL, "", "a b " APP }, /* ":=": empty is unset */
		/* KDUMP_CMDLINE replaces the whole line; KDUMP_CMDLINE_APPEND the default append */
		{ "root=/dev/sda hugepages=4", "root=/dev/sda hugepages=4", NULL,
		  "root=/dev/sda hugepages=4 " APP },
		{ "root=/dev/sda hugepages=4", NULL, "nr_cpus=1 hugepagesz=2M hugepages=64",
		  "root=/dev/sda nr_cpus=1 hugepagesz=2M hugepages=64" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *out;

		print_message("case %zu\n", i);
		assert_int_equal(hp_kdump_debian(t[i].next, t[i].cmdline, t[i].append, &out), 0);
		assert_string_equal(out, t[i].out);
		free(out);
	}
}

static void test_redhat(void **state)
{
	static const char remove[] = "hugepages hugepagesz slub_debug quiet log_buf_len swiotlb "
				     "cma hugetlb_cma ignition.firstboot";
	char *out;

	(void)state;
	assert_int_equal(hp_kdump_redhat("root=/dev/sda quiet crashkernel=1G-:192M "
					 "default_hugepagesz=1G hugepagesz=1G\thugepages=4",
					 NULL, remove, "irqpoll nr_cpus=1", &out),
			 0);
	assert_string_equal(out, "root=/dev/sda default_hugepagesz=1G irqpoll nr_cpus=1");
	free(out);
	assert_int_equal(hp_kdump_redhat("x", "a \"hugepages=4\" b", remove, NULL, &out), 0);
	assert_string_equal(out, "a b ");
	free(out);
}

static void test_shvar(void **state)
{
	static const char text[] = "# KDUMP_CMDLINE=\"commented\"\n"
				   "USE_KDUMP=1\n"
				   "KDUMP_CMDLINE_APPEND=\"a b  hugepages=4\" # trailing\n"
				   "  export KDUMP_COREDIR='/var/crash'\n"
				   "X=1\nX=\"two \\\"q\\\"\"\n"
				   "EMPTY=\n";
	char v[128];

	(void)state;
	assert_int_equal(hp_shvar_get(text, "KDUMP_CMDLINE", v, sizeof(v)), 0);
	assert_int_equal(hp_shvar_get(text, "KDUMP_CMDLINE_APPEND", v, sizeof(v)), 1);
	assert_string_equal(v, "a b  hugepages=4");
	assert_int_equal(hp_shvar_get(text, "KDUMP_COREDIR", v, sizeof(v)), 1);
	assert_string_equal(v, "/var/crash");
	assert_int_equal(hp_shvar_get(text, "X", v, sizeof(v)), 1);
	assert_string_equal(v, "two \"q\"");
	assert_int_equal(hp_shvar_get(text, "EMPTY", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	assert_int_equal(hp_shvar_get(text, "USE", v, sizeof(v)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_redhat),
		cmocka_unit_test(test_shvar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
