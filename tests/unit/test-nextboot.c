// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/nextboot.h: which kernel is judged without --kver, and GRUB's default entry from
 * grub.cfg (the layout Debian's grub-mkconfig writes: a plain entry, then a submenu of the
 * advanced and recovery entries; tests/bootpath/run-next.sh holds the same rules against
 * the real grub-mkconfig).
 */
#include <string.h>

#include "hp-test.h"

#include "core/nextboot.h"

static void test_order(void **state)
{
	struct hp_next_in in = { .given = NULL,
				 .bls_default = "6.1.0-30",
				 .grub_default = "6.1.0-29",
				 .newest = "6.1.0-28",
				 .running = "6.1.0-27" };
	enum hp_kver_source src;

	(void)state;
	assert_string_equal(hp_next_kernel(&in, &src), "6.1.0-30");
	assert_int_equal(src, HP_KVER_BLS_DEFAULT);
	in.bls_default = "";
	assert_string_equal(hp_next_kernel(&in, &src), "6.1.0-29");
	assert_int_equal(src, HP_KVER_GRUB_DEFAULT);
	in.grub_default = NULL;
	assert_string_equal(hp_next_kernel(&in, &src), "6.1.0-28");
	assert_int_equal(src, HP_KVER_NEWEST);
	in.newest = "";
	assert_string_equal(hp_next_kernel(&in, &src), "6.1.0-27");
	assert_int_equal(src, HP_KVER_RUNNING);
	in.given = "6.12.0";
	assert_string_equal(hp_next_kernel(&in, &src), "6.12.0");
	assert_int_equal(src, HP_KVER_GIVEN);
	memset(&in, 0, sizeof(in));
	assert_null(hp_next_kernel(&in, &src));
	assert_string_equal(hp_kver_source_text(HP_KVER_NEWEST), "the newest installed kernel");
}

#define ENTRY(title, id, ver)                                                                      \
	"\tmenuentry '" title "' --class debian $menuentry_id_option '" id "' {\n"                 \
	"\t\tload_video\n"                                                                         \
	"\t\tif [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi\n"                 \
	"\t\techo\t'Loading Linux " ver " ...'\n"                                                  \
	"\t\tlinux\t/boot/vmlinuz-" ver " root=UUID=abcd ro  quiet\n"                              \
	"\t\tinitrd\t/boot/initrd.img-" ver "\n"                                                   \
	"\t}\n"

static const char head[] = "if [ -s $prefix/grubenv ]; then\n"
			   "  load_env\n"
			   "fi\n"
			   "if [ \"${next_entry}\" ] ; then\n"
			   "   set default=\"${next_entry}\"\n"
			   "   set next_entry=\n"
			   "else\n"
			   "   set default=\"%s\"\n"
			   "fi\n"
			   "function load_video {\n"
			   "  insmod all_video\n"
			   "}\n";

static const char menu[] =
	"menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-u' {\n"
	"\tload_video\n"
	"\tlinux\t/boot/vmlinuz-6.1.0-28-amd64 root=UUID=abcd ro  quiet\n"
	"}\n"
	"submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option "
	"'gnulinux-advanced-u' {\n" ENTRY("Debian GNU/Linux, with Linux 6.1.0-28-amd64",
					  "gnulinux-6.1.0-28-amd64-advanced-u", "6.1.0-28-amd64")
		ENTRY("Debian GNU/Linux, with Linux 6.1.0-28-amd64 (recovery mode)",
		      "gnulinux-6.1.0-28-amd64-recovery-u", "6.1.0-28-amd64")
			ENTRY("Debian GNU/Linux, with Linux 6.1.0-27-amd64",
			      "gnulinux-6.1.0-27-amd64-advanced-u", "6.1.0-27-amd64")
				ENTRY("Debian GNU/Linux, with Linux 6.1.0-27-amd64 (recovery mode)",
				      "gnulinux-6.1.0-27-amd64-recovery-u",
				      "6.1.0-27-amd64") "}\n"
							"menuentry 'UEFI Firmware Settings' "
							"$menuentry_id_option 'uefi-firmware' {\n"
							"\tfwsetup\n"
							"}\n";

static const char *grub_default(const char *def, const char *env)
{
	static char out[64];
	char cfg[8192];

	snprintf(cfg, sizeof(cfg), head, def);
	strncat(cfg, menu, sizeof(cfg) - strlen(cfg) - 1);
	if (!hp_grub_default_kver(cfg, env, out, sizeof(out)))
		return "(none)";
	return out;
}

static void test_grub_default(void **state)
{
	(void)state;
	/* numbers count the entries and submenus of a level from 0 */
	assert_string_equal(grub_default("0", NULL), "6.1.0-28-amd64");
	assert_string_equal(grub_default("1>2", NULL), "6.1.0-27-amd64");
	assert_string_equal(grub_default("1>0", NULL), "6.1.0-28-amd64");
	/* ids and titles, also mixed in a path */
	assert_string_equal(
		grub_default("gnulinux-advanced-u>gnulinux-6.1.0-27-amd64-advanced-u", NULL),
		"6.1.0-27-amd64");
	assert_string_equal(grub_default("Advanced options for Debian GNU/Linux>"
					 "Debian GNU/Linux, with Linux 6.1.0-27-amd64",
					 NULL),
			    "6.1.0-27-amd64");
	assert_string_equal(grub_default("1>gnulinux-6.1.0-27-amd64-recovery-u", NULL),
			    "6.1.0-27-amd64");
	/* a submenu, an entry without linux, nothing there: cannot be told */
	assert_string_equal(grub_default("1", NULL), "(none)");
	assert_string_equal(grub_default("2", NULL), "(none)");
	assert_string_equal(grub_default("7", NULL), "(none)");
	assert_string_equal(grub_default("1>9", NULL), "(none)");
	/* GRUB_DEFAULT=saved: grubenv's saved_entry, else the first */
	assert_string_equal(grub_default("${saved_entry}", "# GRUB Environment Block\n"
							   "saved_entry=1>2\n######\n"),
			    "6.1.0-27-amd64");
	assert_string_equal(grub_default("${saved_entry}", NULL), "6.1.0-28-amd64");
	/* a one-time next_entry wins over the default */
	assert_string_equal(grub_default("0", "next_entry=gnulinux-6.1.0-27-amd64-advanced-u\n"),
			    "(none)"); /* an id of the submenu's level, not the top's */
	assert_string_equal(grub_default("0", "next_entry=1>3\n"), "6.1.0-27-amd64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_grub_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
